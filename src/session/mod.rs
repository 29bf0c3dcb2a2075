//! Layer 6 — one evaluation context: a runtime, the module table (prelude loaded),
//! the shell's bindings and where output goes. The REPL, `otplab run`, the grader and
//! the step mode all evaluate code through a [`Session`].
//!
//! - [`error`]: [`SessionError`], code that could not be read or compiled.
//! - [`check`]: one graded check, measured in Rust out of the answer's reach.
//! - [`driver`]: runs a machine as a process and waits for its outcome.
//! - [`shell`]: the REPL's long-lived shell process.
//! - [`handle`]: [`SessionHandle`], watch or stop a session from another thread.

pub mod check;
pub mod driver;
pub mod error;
pub mod handle;
pub mod shell;

pub use error::SessionError;
/// Where a session's output goes; re-exported so the course layer needs only `session`.
pub use crate::runtime::OutputSink;
/// Process lifetimes for timelines; re-exported so the course layer needs only `session`.
pub use crate::runtime::{Journal, JournalEntry, LifeEvent};
/// File access rules for graded code; re-exported so the course layer needs only `session`.
pub use crate::runtime::Confinement;
pub use handle::SessionHandle;
pub use shell::Interrupter;

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
}

impl Session {
    /// Builds a session: a runtime, the natives and the compiled prelude.
    pub fn new(config: SessionConfig) -> Result<Session, SessionError> {
        let clock = match config.clock {
            Clock::Real => crate::runtime::Clock::Real,
            Clock::Virtual => crate::runtime::Clock::Virtual,
        };
        let runtime = Runtime::start(clock, config.output).map_err(|e| SessionError::Prelude(e.to_string()))?;
        crate::stdlib::system::set_argv(config.argv);
        let modules = Arc::new(Modules::new(crate::stdlib::natives()));
        let s = Session { runtime, modules, bindings: Vec::new(), shell: None, interrupts: Arc::default() };
        // Elixir's own structs print with their fields in definition order.
        for name in crate::compile::pattern::BUILTIN_STRUCTS {
            let module = crate::term::Atom::new(name);
            if let Some(fields) = crate::compile::pattern::builtin_struct_fields(module) {
                let names = fields.into_iter().map(|(k, _)| k).filter(|k| k.as_str() != "__exception__").collect();
                crate::term::inspect::define_struct(module, names);
            }
        }
        for (name, source) in crate::stdlib::prelude_sources() {
            let nodes = crate::syntax::parse(source).map_err(|e| SessionError::Prelude(format!("{name}: {}", e.banner(name))))?;
            let program = compile_program(&nodes, &s.modules, &[], false)
                .map_err(|e| SessionError::Prelude(format!("{name}: {}", e.banner(name))))?;
            let machine = Machine::for_code(s.modules.clone(), program.code, vec![]);
            if let Outcome::Raised(r) = driver::run_to_end(&s.runtime, machine) {
                return Err(SessionError::Prelude(format!("{name}: raised {:?}", r.reason)));
            }
        }
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

    /// Runs a whole script as `elixir FILE` would.
    pub fn run_script(&mut self, source: &str) -> Result<Evaluation, SessionError> {
        let nodes = crate::syntax::parse(source)?;
        let program = compile_program(&nodes, &self.modules, &[], false)?;
        let machine = Machine::for_code(self.modules.clone(), program.code, vec![]);
        Ok(match driver::run_to_end(&self.runtime, machine) {
            Outcome::Returned(v) => Evaluation::Value(v),
            Outcome::Raised(r) => Evaluation::Raised(r),
        })
    }

    /// Evaluates one REPL entry in the shell process with the session's bindings;
    /// new bindings are kept only when the entry succeeds (an error never loses what
    /// the learner had, and neither does a crashed shell).
    pub fn eval(&mut self, source: &str) -> Result<Evaluation, SessionError> {
        let nodes = crate::syntax::parse(source)?;
        let names: Vec<String> = self.bindings.iter().map(|(n, _)| n.clone()).collect();
        let values: Vec<Term> = self.bindings.iter().map(|(_, v)| v.clone()).collect();
        let program = compile_program(&nodes, &self.modules, &names, true)?;
        let machine = Machine::for_code(self.modules.clone(), program.code, values);
        let shell = self.shell.get_or_insert_with(|| shell::Shell::start(&self.runtime, self.interrupts.clone()));
        let outcome = match shell.run(&self.runtime, machine) {
            shell::ShellResult::Finished(o) => o,
            shell::ShellResult::ShellExited(pid, reason) => {
                self.shell = None;
                return Ok(Evaluation::ShellExited { pid, reason });
            }
        };
        Ok(match outcome {
            Outcome::Returned(Term::Tuple(pair)) if pair.len() == 2 => {
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
