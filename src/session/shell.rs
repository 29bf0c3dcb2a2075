//! [`Shell`]: the REPL's long-lived process. Every entry runs inside it, so what an
//! entry starts — linked tasks, owned ETS tables, monitors, its mailbox — is still
//! there for the next entry, as in IEx.

use crate::runtime::{ProcessBody, ProcessContext, Runtime, SpawnOpts, Step};
use crate::term::{Pid, Term};
use crate::vm::machine::{Machine, Outcome};
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::mpsc;

struct Job {
    machine: Machine,
    reply: mpsc::Sender<Outcome>,
}

/// The body of the shell process: runs queued entries one after another and
/// waits, like `iex`'s evaluator, when there is none.
struct ShellBody {
    inbox: Arc<Mutex<VecDeque<Job>>>,
    current: Option<Job>,
}

impl ProcessBody for ShellBody {
    fn run(&mut self, cx: &mut ProcessContext, budget: u32) -> Step {
        loop {
            if self.current.is_none() {
                self.current = self.inbox.lock().pop_front();
            }
            let Some(job) = self.current.as_mut() else {
                return Step::Wait { deadline_ms: None };
            };
            match job.machine.run(cx, budget) {
                Step::Exited(_) => {
                    // An entry that raised does not end the shell: report and go on.
                    if let Some(done) = self.current.take() {
                        let outcome = done.machine.outcome().cloned().unwrap_or(Outcome::Returned(Term::nil()));
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
    /// The shell process itself died (a linked process crashed, or it was killed):
    /// its exit reason. A new shell takes over for the next entry.
    ShellExited(Pid, Term),
}

/// A handle on the shell process.
pub struct Shell {
    pid: Pid,
    inbox: Arc<Mutex<VecDeque<Job>>>,
    exit: Option<tokio::sync::oneshot::Receiver<Term>>,
}

impl Shell {
    /// Starts a shell process in `runtime` and marks it as the shell.
    pub fn start(runtime: &Runtime) -> Shell {
        let inbox = Arc::new(Mutex::new(VecDeque::new()));
        let body = ShellBody { inbox: inbox.clone(), current: None };
        let (pid, exit) = runtime.spawn_watched(Box::new(body), SpawnOpts::default());
        runtime.set_shell(Some(pid));
        Shell { pid, inbox, exit: Some(exit) }
    }

    /// The shell's pid.
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// Runs `machine` inside the shell and waits for it.
    pub fn run(&mut self, runtime: &Runtime, machine: Machine) -> ShellResult {
        let (reply, rx) = mpsc::channel();
        self.inbox.lock().push_back(Job { machine, reply });
        runtime.wake(self.pid);
        match rx.recv() {
            Ok(outcome) => ShellResult::Finished(outcome),
            Err(_) => {
                // The body was dropped with the job: the shell process died.
                let reason = self
                    .exit
                    .take()
                    .and_then(|rx| Runtime::wait_blocking(self.pid, rx).ok())
                    .unwrap_or_else(|| Term::atom("killed"));
                ShellResult::ShellExited(self.pid, reason)
            }
        }
    }
}
