//! [`Shell`]: the REPL's long-lived process. Every entry runs inside it, so what an
//! entry starts — linked tasks, owned ETS tables, monitors, its mailbox — is still
//! there for the next entry, as in IEx. An [`Interrupter`] stops the entry being
//! run (the REPL's Ctrl-C) and leaves the shell, its links and its mailbox as they are.

use crate::runtime::hold::Hold;
use crate::runtime::{ProcessBody, ProcessContext, Runtime, SpawnOpts, Step};
use crate::term::{Pid, Term};
use crate::vm::machine::{Machine, Outcome};
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;

struct Job {
    machine: Machine,
    reply: mpsc::Sender<Outcome>,
    /// The entry's number (see [`Interrupts`]).
    seq: u64,
}

/// What the shells of one session share with its [`Interrupter`]s: which entry
/// runs, which one is asked to stop, and which process runs it.
///
/// Entries are numbered from 1; 0 means none. An interrupt names the entry it
/// stops, so a Ctrl-C that lands just as an entry finishes cannot stop the next.
#[derive(Default)]
pub(crate) struct Interrupts {
    next_seq: AtomicU64,
    running: AtomicU64,
    requested: AtomicU64,
    shell: AtomicU64,
    /// Set by [`crate::session::Session::hold_after_next_entry`]: the shell holds the
    /// virtual clock the moment the entry ends, before it replies.
    pub(crate) hold_after_entry: AtomicBool,
    /// The hold taken at the end of an entry, until the session hands it out.
    pub(crate) held: Mutex<Option<Hold>>,
    /// A hold to release once the next entry is queued and its shell woken, so the
    /// entry is ready before the scheduler resumes and no virtual time slips in between.
    pub(crate) release_on_entry: Mutex<Option<Hold>>,
    /// What the interrupted entry raises; `exit(:interrupted)` when none is set.
    cause: Mutex<Option<crate::vm::Raise>>,
}

/// Stops the entry the session's shell is running, from any thread: the REPL's
/// Ctrl-C. Cloneable; it follows the session to each new shell.
#[derive(Clone)]
pub struct Interrupter {
    state: Arc<Interrupts>,
    runtime: Runtime,
}

impl Interrupter {
    pub(crate) fn new(state: Arc<Interrupts>, runtime: Runtime) -> Interrupter {
        Interrupter { state, runtime }
    }

    /// Asks the shell to abandon the entry it is running (a busy loop, a `receive`
    /// that never matches, a long sleep): the entry ends as `exit(:interrupted)` at
    /// the shell's next slice. False when no entry is running.
    pub fn interrupt(&self) -> bool {
        let seq = self.state.running.load(Ordering::SeqCst);
        if seq == 0 {
            return false;
        }
        self.state.requested.store(seq, Ordering::SeqCst);
        // A waiting entry must run to notice; a busy one notices when it yields.
        self.runtime.wake(Pid(self.state.shell.load(Ordering::SeqCst)));
        true
    }
}

/// The body of the shell process: runs queued entries one after another and
/// waits, like `iex`'s evaluator, when there is none.
struct ShellBody {
    inbox: Arc<Mutex<VecDeque<Job>>>,
    current: Option<Job>,
    interrupts: Arc<Interrupts>,
}

impl ShellBody {
    /// Ends the current entry as `exit(:interrupted)` if an interrupt names it.
    fn drop_interrupted(&mut self, cx: &mut ProcessContext) {
        let asked = self.interrupts.requested.load(Ordering::SeqCst);
        if let Some(job) = self.current.take_if(|job| job.seq == asked) {
            // A `receive` in progress may have moved the save index.
            cx.recv_reset();
            let cause = self.interrupts.cause.lock().take();
            let raise = cause.unwrap_or_else(|| crate::vm::Raise::exit(Term::atom("interrupted")));
            let _ = job.reply.send(Outcome::Raised(raise));
        }
    }
}

impl ProcessBody for ShellBody {
    fn run(&mut self, cx: &mut ProcessContext, budget: u32) -> Step {
        loop {
            if self.current.is_none() {
                self.current = self.inbox.lock().pop_front();
            }
            self.drop_interrupted(cx);
            let Some(job) = self.current.as_mut() else {
                return Step::Wait { deadline_ms: None };
            };
            match job.machine.run(cx, budget) {
                Step::Exited(_) => {
                    // An entry that raised does not end the shell: report and go on.
                    if let Some(done) = self.current.take() {
                        let outcome = done.machine.outcome().cloned().unwrap_or(Outcome::Returned(Term::nil()));
                        if self.interrupts.hold_after_entry.swap(false, Ordering::SeqCst) {
                            *self.interrupts.held.lock() = Some(cx.runtime().hold_from_scheduler());
                        }
                        let _ = done.reply.send(outcome);
                    }
                }
                other => return other,
            }
        }
    }
}

/// How an entry given to the shell ended.
pub enum ShellResult {
    /// The entry finished (returned or raised).
    Finished(Outcome),
    /// The shell process itself died while running the entry (a linked process
    /// crashed, or it was killed): its exit reason. A new shell takes over.
    ShellExited(Pid, Term),
    /// The shell had died before it took the entry (at the prompt); the entry is
    /// handed back untouched, to run in a fresh shell.
    Gone(Machine),
}

/// The banner IEx prints when its shell process dies:
/// `** (EXIT from #PID<0.100.0>) shell process exited with reason: killed`.
pub fn exit_banner(pid: Pid, reason: &Term) -> String {
    format!(
        "** (EXIT from {}) shell process exited with reason: {}",
        crate::term::inspect::inspect(&Term::Pid(pid)),
        crate::stdlib::exception::format_exit(reason)
    )
}

/// What is known of a shell's death, shared by the [`Shell`] handle and the thread
/// that waits for the shell's exit. Invariant: `announced` implies `dead`, and the
/// banner of one death is printed exactly once — by the watcher when no entry was
/// running, otherwise by whoever reports the entry's end.
#[derive(Default)]
struct Life {
    dead: Option<Term>,
    announced: bool,
}

/// A handle on the shell process.
pub struct Shell {
    pid: Pid,
    inbox: Arc<Mutex<VecDeque<Job>>>,
    life: Arc<Mutex<Life>>,
    interrupts: Arc<Interrupts>,
}

/// How often a waiting entry looks whether its shell died before taking it.
const DEATH_POLL: std::time::Duration = std::time::Duration::from_millis(20);

impl Shell {
    /// Starts a shell process in `runtime`, marks it as the shell and points the
    /// session's interrupters at it. A watcher thread waits for its exit: a shell
    /// that dies while the prompt waits (a linked process crashed, a `:kill`) has
    /// its banner printed at once through the session's output.
    pub(crate) fn start(runtime: &Runtime, interrupts: Arc<Interrupts>) -> Shell {
        let inbox = Arc::new(Mutex::new(VecDeque::new()));
        let body = ShellBody { inbox: inbox.clone(), current: None, interrupts: interrupts.clone() };
        let (pid, exit) = runtime.spawn_watched(Box::new(body), SpawnOpts::default());
        runtime.set_shell(Some(pid));
        interrupts.shell.store(pid.0, Ordering::SeqCst);
        let life = Arc::new(Mutex::new(Life::default()));
        let (watched, running, output) = (life.clone(), interrupts.clone(), runtime.output().clone());
        let watcher = std::thread::Builder::new().name("otplab-shell-exit".into()).spawn(move || {
            let reason = Runtime::wait_blocking(pid, exit);
            let mut life = watched.lock();
            // A stopped runtime is the session ending, not a death to announce.
            life.announced = reason.is_err();
            let reason = reason.unwrap_or_else(|_| Term::atom("shutdown"));
            if !life.announced && running.running.load(Ordering::SeqCst) == 0 {
                output.write_stderr(&format!("{}\n", exit_banner(pid, &reason)));
                life.announced = true;
            }
            life.dead = Some(reason);
        });
        if watcher.is_err() {
            // No thread to watch it: the shell is treated as gone at the next entry.
            life.lock().dead = Some(Term::atom("noproc"));
        }
        Shell { pid, inbox, life, interrupts }
    }

    /// The shell's pid.
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// If the shell died and nobody printed its banner yet, the banner (once).
    pub fn unannounced_death(&self) -> Option<String> {
        let mut life = self.life.lock();
        let reason = life.dead.clone()?;
        if life.announced {
            return None;
        }
        life.announced = true;
        Some(exit_banner(self.pid, &reason))
    }

    /// Runs `machine` inside the shell and waits for it.
    pub fn run(&mut self, runtime: &Runtime, machine: Machine) -> ShellResult {
        let (reply, rx) = mpsc::channel();
        let seq = self.interrupts.next_seq.fetch_add(1, Ordering::SeqCst) + 1;
        {
            let life = self.life.lock();
            if life.dead.is_some() {
                return ShellResult::Gone(machine);
            }
            self.interrupts.running.store(seq, Ordering::SeqCst);
            self.inbox.lock().push_back(Job { machine, reply, seq });
        }
        runtime.wake(self.pid);
        drop(self.interrupts.release_on_entry.lock().take());
        // A shell that dies drops the entry it runs (closing `rx`); one that died
        // just before taking it leaves it queued, which only its death tells.
        let mut probe = None;
        let finished = loop {
            match rx.recv_timeout(DEATH_POLL) {
                Ok(outcome) => break Some(outcome),
                Err(mpsc::RecvTimeoutError::Disconnected) => break None,
                Err(mpsc::RecvTimeoutError::Timeout) if self.life.lock().dead.is_some() => break None,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    // On the virtual clock an entry nothing can wake is stopped, as
                    // Ctrl-C would, with the deadlock report as its error.
                    if let Some(raise) = super::driver::deadlock(runtime, &mut probe) {
                        *self.interrupts.cause.lock() = Some(raise);
                        Interrupter::new(self.interrupts.clone(), runtime.clone()).interrupt();
                    }
                }
            }
        };
        if let Some(outcome) = finished {
            // Under the lock: a death from now on is the watcher's to announce.
            let _life = self.life.lock();
            self.interrupts.running.store(0, Ordering::SeqCst);
            return ShellResult::Finished(outcome);
        }
        // The watcher records the reason as soon as the runtime reports the exit.
        let reason = loop {
            if let Some(r) = self.life.lock().dead.clone() {
                break r;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        };
        let mut life = self.life.lock();
        self.interrupts.running.store(0, Ordering::SeqCst);
        if let Some(job) = self.inbox.lock().pop_front() {
            // Never started: the death happened at the prompt.
            return ShellResult::Gone(job.machine);
        }
        life.announced = true;
        ShellResult::ShellExited(self.pid, reason)
    }
}

#[cfg(test)]
mod tests {
    use crate::session::{Clock, Evaluation, Interrupter, Session, SessionConfig};
    use crate::term::inspect::inspect;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    struct Quiet;
    impl crate::runtime::OutputSink for Quiet {
        fn write_stdout(&self, _: &str) {}
        fn write_stderr(&self, _: &str) {}
    }

    fn session() -> Session {
        Session::new(SessionConfig { clock: Clock::Real, output: Arc::new(Quiet), argv: vec![] }).expect("session")
    }

    fn value(s: &mut Session, src: &str) -> String {
        match s.eval(src) {
            Ok(Evaluation::Value(v)) => inspect(&v),
            other => panic!("{src}: {other:?}"),
        }
    }

    /// Evaluates `src` while another thread presses Ctrl-C until it returns (so
    /// the press cannot come before the entry starts); the banner it ends with.
    fn interrupted(s: &mut Session, src: &str) -> String {
        let done = Arc::new(AtomicBool::new(false));
        let (stop, flag): (Interrupter, _) = (s.interrupter(), done.clone());
        let presser = std::thread::spawn(move || {
            while !flag.load(Ordering::SeqCst) {
                stop.interrupt();
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        });
        let result = s.eval(src);
        done.store(true, Ordering::SeqCst);
        let _ = presser.join();
        match result {
            Ok(e @ Evaluation::Raised(_)) => e.raised_banner().unwrap_or_default(),
            other => panic!("{src}: {other:?}"),
        }
    }

    #[test]
    fn ctrl_c_stops_a_runaway_entry_and_keeps_bindings_and_shell() {
        let mut s = session();
        value(&mut s, "defmodule Spin do\n  def loop, do: loop()\nend");
        value(&mut s, "x = 41");
        let shell = value(&mut s, "self()");
        assert_eq!(interrupted(&mut s, "Spin.loop()"), "** (exit) :interrupted");
        assert_eq!(value(&mut s, "x + 1"), "42");
        assert_eq!(value(&mut s, "self()"), shell, "the same shell process goes on");
        assert!(!s.interrupter().interrupt(), "nothing runs between entries");
    }

    #[test]
    fn ctrl_c_stops_a_receive_and_leaves_the_mailbox_alone() {
        let mut s = session();
        value(&mut s, "send(self(), :kept)");
        assert_eq!(interrupted(&mut s, "receive do\n  :never -> 1\nend"), "** (exit) :interrupted");
        assert_eq!(interrupted(&mut s, "Process.sleep(:infinity)"), "** (exit) :interrupted");
        assert_eq!(value(&mut s, "receive do\n  m -> m\nend"), ":kept");
    }

    #[test]
    fn a_busy_background_process_stops_neither_timers_nor_other_processes() {
        let mut s = session();
        value(&mut s, "defmodule Spin do\n  def loop, do: loop()\nend");
        value(&mut s, "busy = spawn(fn -> Spin.loop() end)");
        value(&mut s, "Process.send_after(self(), :tick, 20)");
        assert_eq!(value(&mut s, "receive do\n  :tick -> :ticked\nend"), ":ticked");
        assert_eq!(value(&mut s, "Task.await(Task.async(fn -> 6 * 7 end))"), "42");
        assert_eq!(value(&mut s, "Process.alive?(busy)"), "true");
        value(&mut s, "Process.exit(busy, :kill)");
    }
}
