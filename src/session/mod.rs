//! Layer 6 — one evaluation context: a runtime, the module table (prelude loaded),
//! the shell's bindings and where output goes. The REPL, `otplab run`, the grader and
//! the step mode all evaluate code through a [`Session`].
//!
//! - [`error`]: [`SessionError`], code that could not be read or compiled.
//! - [`check`]: one graded check, measured in Rust out of the answer's reach.
//! - [`doc_request`]: `h Enum.map` quoted, as IEx's `h` macro does.
//! - [`driver`]: runs a machine as a process and waits for its outcome.
//! - [`shell`]: the REPL's long-lived shell process.
//! - [`handle`]: [`SessionHandle`], watch or stop a session from another thread.

pub mod check;
pub mod doc_request;
pub mod driver;
pub mod error;
pub mod handle;
pub mod shell;

pub use error::SessionError;
/// Where a session's output goes; re-exported so the course layer needs only `session`.
pub use crate::runtime::OutputSink;
/// Standard input and halting, provided by the hosting program.
pub use crate::runtime::{HaltHook, InputSource};
/// Process lifetimes for timelines; re-exported so the course layer needs only `session`.
pub use crate::runtime::{Journal, JournalEntry, LifeEvent};
/// File access rules for graded code; re-exported so the course layer needs only `session`.
pub use crate::runtime::Confinement;
pub use handle::SessionHandle;
pub use shell::{Interrupter, exit_banner};

use crate::compile::compile_program;
use crate::runtime::Runtime;
use crate::term::Term;
use crate::vm::machine::{Machine, Outcome};
use crate::vm::modules::Modules;
use std::sync::Arc;

/// Which clock time-related functions read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Real time: three 1 s sleeps in parallel take about 1 s.
    Real,
    /// Virtual time: sleeps complete instantly but `:timer.tc` reports their length.
    Virtual,
}

/// How to set up a session.
pub struct SessionConfig {
    /// The clock in force.
    pub clock: Clock,
    /// Where every process's output goes.
    pub output: Arc<dyn OutputSink>,
    /// `System.argv/0`.
    pub argv: Vec<String>,
}

/// What a script or REPL entry did.
#[derive(Debug, Clone)]
pub enum Evaluation {
    /// It returned a value.
    Value(Term),
    /// It raised (or exited, or threw) and nothing caught it.
    Raised(crate::vm::Raise),
    /// The shell process died while running it (a linked process crashed); a new
    /// shell replaced it and the bindings are kept.
    ShellExited {
        /// The shell that died.
        pid: crate::term::Pid,
        /// Its exit reason.
        reason: Term,
    },
}

impl Evaluation {
    /// The banner Elixir prints for an uncaught raise (`** (RuntimeError) boom`);
    /// `None` for a value.
    pub fn raised_banner(&self) -> Option<String> {
        match self {
            Evaluation::Value(_) => None,
            Evaluation::Raised(r) => Some(crate::stdlib::banner(r)),
            Evaluation::ShellExited { reason, .. } => {
                Some(format!("** (exit) {}", crate::stdlib::exception::format_exit(reason)))
            }
        }
    }
}

/// One evaluation context.
pub struct Session {
    runtime: Runtime,
    modules: Arc<Modules>,
    bindings: Vec<(String, Term)>,
    shell: Option<shell::Shell>,
    interrupts: Arc<shell::Interrupts>,
    /// The stacktrace of the last uncaught error of [`Session::run_script`].
    last_trace: Term,
    /// The session's struct definitions are the thread's that made it, while it lives
    /// (what the REPL and the runner print with).
    _structs: crate::term::inspect::StructScope,
}

impl Session {
    /// Builds a session: a runtime, the natives and the compiled prelude.
    pub fn new(config: SessionConfig) -> Result<Session, SessionError> {
        let clock = match config.clock {
            Clock::Real => crate::runtime::Clock::Real,
            Clock::Virtual => crate::runtime::Clock::Virtual,
        };
        let runtime = Runtime::start(clock, config.output).map_err(|e| SessionError::Prelude(e.to_string()))?;
        runtime.set_argv(config.argv);
        let modules = Arc::new(Modules::new(crate::stdlib::natives()));
        crate::vm::process::set_crash_format(crate::stdlib::exception::crash_detail);
        let structs = runtime.enter_structs();
        let s = Session {
            runtime,
            modules,
            bindings: Vec::new(),
            shell: None,
            interrupts: Arc::default(),
            last_trace: Term::Nil,
            _structs: structs,
        };
        for (name, source) in crate::stdlib::prelude_sources() {
            s.modules.set_source_file(&format!("lib/otplab/{name}"));
            let nodes = crate::syntax::parse(source).map_err(|e| SessionError::Prelude(format!("{name}: {}", e.banner(name))))?;
            let program = compile_program(&nodes, &s.modules, &[], false)
                .map_err(|e| SessionError::Prelude(format!("{name}: {}", e.banner(name))))?;
            let machine = Machine::for_code(s.modules.clone(), program.code, vec![]);
            if let Outcome::Raised(r) = driver::run_to_end(&s.runtime, machine) {
                return Err(SessionError::Prelude(format!("{name}: raised {:?}", r.reason)));
            }
        }
        s.modules.set_source_file("nofile");
        Ok(s)
    }

    /// From now on, no code may define a module the session already has (the
    /// prelude's and the natives'): the grader's guarantee that an answer cannot
    /// replace `System`, `Process`, `Enum`, `:ets`... under its own checks.
    pub fn reserve_loaded_modules(&self) {
        self.modules.reserve_loaded();
    }

    /// The session's module table.
    pub fn modules(&self) -> &Arc<Modules> {
        &self.modules
    }

    /// A handle another thread can use to watch or stop this session.
    pub fn handle(&self) -> SessionHandle {
        SessionHandle::new(self.runtime.clone())
    }

    /// Stops the REPL entry being evaluated, from another thread (Ctrl-C): the
    /// entry ends as `exit(:interrupted)`; bindings and the shell process stay.
    pub fn interrupter(&self) -> Interrupter {
        Interrupter::new(self.interrupts.clone(), self.runtime.clone())
    }

    /// The session's runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// The names bound in the shell, in binding order.
    pub fn binding_names(&self) -> Vec<String> {
        self.bindings.iter().map(|(n, _)| n.clone()).collect()
    }

    /// Gives `IO.gets` the program's standard input.
    pub fn set_input(&self, input: Arc<dyn crate::runtime::InputSource>) {
        self.runtime.set_input(input);
    }

    /// Lets `System.halt/1` end the program through `hook` (called with the status).
    pub fn on_halt(&self, hook: crate::runtime::HaltHook) {
        self.runtime.set_halt_hook(hook);
    }

    /// Names the file the code evaluated from now on comes from (`st.exs`; the
    /// REPL's `iex`): stacktraces say `st.exs:3: A.g/1`.
    pub fn set_source_file(&self, file: &str) {
        self.modules.set_source_file(file);
    }

    /// What Elixir prints for `raise`, the error that ended the last
    /// [`Session::run_script`]: its banner, then its stacktrace's lines
    /// (`    st.exs:3: A.g/1`).
    pub fn uncaught(&self, raise: &crate::vm::Raise) -> Vec<String> {
        crate::stdlib::uncaught(raise, &self.last_trace)
    }

    /// Runs a whole script as `elixir FILE` would: an uncaught error ends it without
    /// an exit signal to the processes linked to it (`elixir` prints and halts).
    pub fn run_script(&mut self, source: &str) -> Result<Evaluation, SessionError> {
        self.run_script_as(source, driver::run_script_to_end)
    }

    /// Runs a whole script whose uncaught error reaches its links as any process's
    /// death does. The grader loads answers so: nothing halts after an answer that
    /// fails to load, and what it started linked must die with it rather than go on
    /// printing into the report.
    pub fn run_script_linked(&mut self, source: &str) -> Result<Evaluation, SessionError> {
        self.run_script_as(source, driver::run_to_end_with_reason)
    }

    fn run_script_as(&mut self, source: &str, run: fn(&Runtime, Machine) -> (Outcome, Term)) -> Result<Evaluation, SessionError> {
        let nodes = crate::syntax::parse(source)?;
        let program = compile_program(&nodes, &self.modules, &[], false)?;
        let machine = Machine::for_code(self.modules.clone(), program.code, vec![]);
        let (outcome, reason) = run(&self.runtime, machine);
        self.last_trace = match reason {
            Term::Tuple(t) if t.len() == 2 => t[1].clone(),
            _ => Term::Nil,
        };
        Ok(match outcome {
            Outcome::Returned(v) => Evaluation::Value(v),
            Outcome::Raised(r) => Evaluation::Raised(r),
        })
    }

    /// Evaluates one REPL entry in the shell process with the session's bindings;
    /// new bindings are kept only when the entry succeeds (an error never loses what
    /// the learner had, and neither does a crashed shell).
    /// Asks the shell to hold the virtual clock the moment the next entry ends (see
    /// [`crate::runtime::hold`]); [`Session::take_hold`] then hands the hold out. The
    /// step mode uses it so no virtual time passes between two steps.
    pub fn hold_after_next_entry(&self) {
        self.interrupts.hold_after_entry.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Keeps `hold` until the next entry is queued in the shell, then releases it: the
    /// entry is ready when the scheduler resumes, so no virtual time passes between the
    /// hold and the entry.
    pub fn release_hold_on_next_entry(&self, hold: crate::runtime::hold::Hold) {
        *self.interrupts.release_on_entry.lock() = Some(hold);
    }

    /// Releases every hold the session keeps (one waiting for an entry that never came,
    /// one taken at an entry's end): the runtime runs freely again.
    pub fn release_holds(&self) {
        self.interrupts.hold_after_entry.store(false, std::sync::atomic::Ordering::SeqCst);
        drop(self.interrupts.release_on_entry.lock().take());
        drop(self.interrupts.held.lock().take());
    }

    /// The hold taken at the end of the last entry, if one was asked for and taken.
    pub fn take_hold(&self) -> Option<crate::runtime::hold::Hold> {
        self.interrupts.hold_after_entry.store(false, std::sync::atomic::Ordering::SeqCst);
        self.interrupts.held.lock().take()
    }

    pub fn eval(&mut self, source: &str) -> Result<Evaluation, SessionError> {
        let result = self.eval_entry(source);
        // Every entry that was not incomplete has a number (its prompt's), for `v/1`.
        match &result {
            Err(e) if e.is_incomplete() => {}
            Ok(Evaluation::Value(v)) => self.runtime.record_shell_result(Some(v.clone())),
            _ => self.runtime.record_shell_result(None),
        }
        result
    }

    fn eval_entry(&mut self, source: &str) -> Result<Evaluation, SessionError> {
        let parsed = crate::syntax::parse(source)?;
        let module_sources = doc_request::module_sources(&parsed, source);
        let nodes = doc_request::quote_h_arguments(parsed);
        let names: Vec<String> = self.bindings.iter().map(|(n, _)| n.clone()).collect();
        let values: Vec<Term> = self.bindings.iter().map(|(_, v)| v.clone()).collect();
        let program = compile_program(&nodes, &self.modules, &names, true)?;
        let mut machine = Machine::for_code(self.modules.clone(), program.code, values);
        let outcome = loop {
            let shell = self.shell.get_or_insert_with(|| shell::Shell::start(&self.runtime, self.interrupts.clone()));
            match shell.run(&self.runtime, machine) {
                shell::ShellResult::Finished(o) => {
                    // Killed just as the entry ended: the banner follows its result.
                    if let Some(banner) = shell.unannounced_death() {
                        self.shell = None;
                        self.runtime.output().write_stderr(&format!("{banner}\n"));
                    }
                    break o;
                }
                shell::ShellResult::ShellExited(pid, reason) => {
                    self.shell = None;
                    return Ok(Evaluation::ShellExited { pid, reason });
                }
                shell::ShellResult::Gone(unrun) => {
                    // It died at the prompt: say so if the watcher has not, and run
                    // the entry in a fresh shell with the same bindings.
                    if let Some(banner) = shell.unannounced_death() {
                        self.runtime.output().write_stderr(&format!("{banner}\n"));
                    }
                    self.shell = None;
                    machine = unrun;
                }
            }
        };
        Ok(match outcome {
            Outcome::Returned(Term::Tuple(pair)) if pair.len() == 2 => {
                for (module, text) in &module_sources {
                    self.modules.attach_source(crate::term::Atom::new(&format!("Elixir.{module}")), text);
                }
                if let Some(vals) = pair[1].list_to_vec() {
                    self.bindings = program.bindings_out.into_iter().zip(vals).collect();
                }
                Evaluation::Value(pair[0].clone())
            }
            Outcome::Returned(v) => Evaluation::Value(v),
            Outcome::Raised(r) => Evaluation::Raised(r),
        })
    }
}

#[cfg(test)]
mod hold_tests {
    use super::*;
    use crate::runtime::Discard;

    #[test]
    fn no_virtual_time_passes_after_an_entry_that_asked_for_a_hold() {
        let mut session = Session::new(SessionConfig { clock: Clock::Virtual, output: Arc::new(Discard), argv: vec![] })
            .expect("session");
        session
            .eval("spawn(fn -> Enum.each(1..1_000_000, fn _ -> Process.sleep(100) end) end)")
            .expect("spawns a ticker");
        session.hold_after_next_entry();
        session.eval("Process.sleep(1000)").expect("sleeps");
        let hold = session.take_hold().expect("the entry ended with a hold");
        assert!(hold.is_holding());
        let at = session.runtime().now_ms();
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert_eq!(session.runtime().now_ms(), at, "virtual time passed during the hold");
        // Released by the next entry: it starts at the very millisecond the hold began.
        session.release_hold_on_next_entry(hold);
        match session.eval("System.monotonic_time(:millisecond)").expect("reads the clock") {
            Evaluation::Value(Term::Int(now)) => assert_eq!(u64::try_from(now).ok(), Some(at)),
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// Each session is its own node: what one sets (argv, struct definitions) another
/// never sees, as in a `grade --all` run where sessions follow one another (and pids
/// repeat) in one program.
#[cfg(test)]
mod isolation_tests {
    use super::*;
    use crate::runtime::Discard;

    fn session(argv: &[&str]) -> Session {
        let argv = argv.iter().map(|a| a.to_string()).collect();
        Session::new(SessionConfig { clock: Clock::Virtual, output: Arc::new(Discard), argv }).expect("session")
    }

    fn value(s: &mut Session, source: &str) -> String {
        match s.eval(source).expect("evaluates") {
            Evaluation::Value(v) => crate::term::inspect::inspect(&v),
            other => panic!("{source}: {other:?}"),
        }
    }

    #[test]
    fn each_session_has_its_own_argv() {
        let mut a = session(&["--from", "a"]);
        let mut b = session(&["b"]);
        assert_eq!(value(&mut a, "System.argv()"), r#"["--from", "a"]"#);
        assert_eq!(value(&mut b, "System.argv()"), r#"["b"]"#);
        value(&mut b, r#"System.argv(["changed"])"#);
        assert_eq!(value(&mut a, "System.argv()"), r#"["--from", "a"]"#);
        assert_eq!(value(&mut b, "System.argv()"), r#"["changed"]"#);
    }

    #[test]
    fn each_session_prints_structs_with_its_own_definitions() {
        let mut a = session(&[]);
        let mut b = session(&[]);
        value(&mut a, "defmodule Point do\n  defstruct [:x, :y]\nend");
        value(&mut a, "defmodule Secret do\n  defstruct [:a]\nend");
        // b defines a Point of its own, with other fields in another order.
        value(&mut b, "defmodule Point do\n  defstruct [:z, :y, :x]\nend");
        assert_eq!(value(&mut a, "inspect(%Point{x: 1, y: 2})"), r#""%Point{x: 1, y: 2}""#);
        assert_eq!(value(&mut b, "inspect(%Point{x: 1, y: 2})"), r#""%Point{z: nil, y: 2, x: 1}""#);
        // A struct only a defined is a plain map to b, inside b's processes too.
        let secret = "%{__struct__: Secret, a: 1}";
        assert_eq!(value(&mut a, &format!("inspect({secret})")), r#""%Secret{a: 1}""#);
        assert_eq!(value(&mut b, &format!("inspect({secret})")), r#""%{__struct__: Secret, a: 1}""#);
        assert_eq!(
            value(&mut b, &format!("Task.await(Task.async(fn -> inspect({secret}) end))")),
            r#""%{__struct__: Secret, a: 1}""#
        );
        // Elixir's own structs print as such in every session.
        assert_eq!(value(&mut b, "inspect(%KeyError{key: :k})"), r#""%KeyError{key: :k, term: nil, message: nil}""#);
    }
}
