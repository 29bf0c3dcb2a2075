//! A session on its own thread, so the grader can give up on it: an answer that
//! spins (virtual time never advances while a process is runnable) or floods spawn
//! must end as `timeout` or `limit`, never hang the grader.
//!
//! Invariant: once a guard has fired, the sandbox's runtime is stopped and the
//! sandbox refuses further work ([`Finish::Unusable`]); the grader starts a new one.
//! The worker thread of a stopped sandbox stays blocked and is abandoned (it holds
//! no lock the grader needs and ends with the program).

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};

use crate::session::check::CheckRun;
use crate::term::Term;
use std::time::{Duration, Instant};

use crate::session::OutputSink;
use crate::session::{Clock, Evaluation, Session, SessionConfig, SessionError, SessionHandle};

/// How often the guard looks at the clock and the process count.
const POLL: Duration = Duration::from_millis(20);

/// The worker's stack: parsing and compiling recurse over the answer's syntax
/// tree, so a 10,000-term operator chain needs more than a thread's default 2 MB.
/// Only the pages touched are ever mapped.
const WORKER_STACK: usize = 512 * 1024 * 1024;

/// What one piece of work may cost before the sandbox is stopped.
#[derive(Debug, Clone, Copy)]
pub struct Guard {
    /// Wall-clock time the work may take.
    pub wall: Duration,
    /// Live processes the runtime may hold at once.
    pub max_processes: usize,
    /// Bytes the runtime may account for (process heaps, binaries, ETS, atoms).
    pub max_memory: u64,
    /// Reductions every process together may run during the work.
    pub max_reductions: u64,
    /// Atoms the session may create (the atom table is shared by the whole
    /// program; BEAM's default limit is 1,048,576).
    pub max_atoms: usize,
}

/// Which limit stopped a piece of work, and what was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitHit {
    /// Live processes.
    Processes(usize),
    /// Accounted bytes.
    Memory(u64),
    /// Reductions run.
    Reductions(u64),
    /// Atoms in the table.
    Atoms(usize),
}

impl std::fmt::Display for LimitHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LimitHit::Processes(n) => write!(f, "the process limit: {n} processes alive (--limit-processes)"),
            LimitHit::Memory(n) => write!(f, "the memory limit: {} MB in use (--limit-memory)", n / (1024 * 1024)),
            LimitHit::Reductions(n) => write!(f, "the reduction limit: {n} reductions run (--limit-reductions)"),
            LimitHit::Atoms(n) => write!(f, "the atom limit: {n} atoms created (--limit-atoms)"),
        }
    }
}

/// How a piece of work ended.
#[derive(Debug)]
pub enum Finish<T = Result<Evaluation, SessionError>> {
    /// It ran to the end (or could not be compiled).
    Done(T),
    /// The wall-clock guard fired; the sandbox is now stopped.
    TimedOut,
    /// A resource limit was hit; the sandbox is now stopped.
    Limit(LimitHit),
    /// The sandbox was stopped earlier (or its thread died) and can do no work.
    Unusable,
}

/// One piece of work for the worker thread: it runs on the session and sends its
/// own reply.
type Job = Box<dyn FnOnce(&mut Session) + Send>;

/// A session living on a worker thread.
pub struct Sandbox {
    jobs: Sender<Job>,
    handle: SessionHandle,
    stopped: bool,
    /// Atoms that existed when the sandbox started: the table is shared by the
    /// whole program, so the limit counts the atoms this sandbox added.
    atoms_at_start: usize,
    /// The process's heap when the sandbox started: the heap is shared by the whole
    /// program too, so the limit counts what grew since.
    heap_at_start: u64,
    /// The grading thread prints the answer's values with the answer's structs.
    _structs: crate::term::inspect::StructScope,
}

impl Sandbox {
    /// Starts a session on `clock` writing to `output`, on a new thread.
    pub fn start(clock: Clock, output: Arc<dyn OutputSink>) -> Result<Sandbox, SessionError> {
        let (jobs, inbox) = mpsc::channel::<Job>();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<SessionHandle, SessionError>>();
        let spawned = std::thread::Builder::new().name("otplab-grader".into()).stack_size(WORKER_STACK).spawn(move || {
            let session = Session::new(SessionConfig { clock, output, argv: vec![] });
            match session {
                Ok(session) => {
                    session.reserve_loaded_modules();
                    if ready_tx.send(Ok(session.handle())).is_ok() {
                        serve(session, inbox);
                    }
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                }
            }
        });
        if let Err(e) = spawned {
            return Err(SessionError::Prelude(format!("could not start the grader's thread: {e}")));
        }
        let handle = ready_rx
            .recv()
            .map_err(|_| SessionError::Prelude("the grader's session thread ended during start".into()))??;
        let structs = handle.enter_structs();
        let handle_heap = handle.process_heap_bytes();
        Ok(Sandbox { jobs, handle, stopped: false, atoms_at_start: crate::term::Atom::count(), heap_at_start: handle_heap, _structs: structs })
    }

    /// Caps the size of binaries the answer may build (see `Limits::memory_bytes`).
    pub fn limit_binaries(&self, bytes: u64) {
        self.handle.limit_binaries(bytes);
    }

    /// Confines the answer's file access.
    pub fn confine(&self, confinement: crate::session::Confinement) {
        self.handle.confine(confinement);
    }

    /// The session's record of process lifetimes (off until started).
    pub fn journal(&self) -> &crate::session::Journal {
        self.handle.journal()
    }

    /// Runs a script in the session under `guard` (an answer: see
    /// [`Session::run_script_linked`]).
    pub fn run(&mut self, source: &str, guard: Guard) -> Finish {
        let source = source.to_string();
        self.work(guard, move |session| session.run_script_linked(&source))
    }

    /// Runs one check in the session under `guard` (see [`Session::run_check`]).
    pub fn run_check(&mut self, source: &str, budget_ms: u64, settle_ms: u64, guard: Guard) -> Finish<Result<CheckRun, SessionError>> {
        let source = source.to_string();
        self.work(guard, move |session| session.run_check(&source, budget_ms, settle_ms))
    }

    /// Evaluates `source` with `bindings` under `guard` (see [`Session::eval_with`]).
    pub fn eval_with(&mut self, source: &str, bindings: Vec<(&'static str, Term)>, guard: Guard) -> Finish {
        let source = source.to_string();
        self.work(guard, move |session| session.eval_with(&source, &bindings))
    }

    /// Hands `task` to the worker and waits for its result under `guard`.
    fn work<T: Send + 'static>(&mut self, guard: Guard, task: impl FnOnce(&mut Session) -> T + Send + 'static) -> Finish<T> {
        if self.stopped {
            return Finish::Unusable;
        }
        let (reply, answer) = mpsc::channel();
        let job: Job = Box::new(move |session| {
            let _ = reply.send(task(session));
        });
        if self.jobs.send(job).is_err() {
            self.stopped = true;
            return Finish::Unusable;
        }
        self.watch(&answer, guard)
    }

    /// Waits for the reply while enforcing the guard.
    fn watch<T>(&mut self, answer: &Receiver<T>, guard: Guard) -> Finish<T> {
        let started = Instant::now();
        let reductions_before = self.handle.reductions();
        loop {
            match answer.recv_timeout(POLL) {
                Ok(result) => return Finish::Done(result),
                Err(RecvTimeoutError::Disconnected) => {
                    self.stopped = true;
                    return Finish::Unusable;
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
            if let Some(hit) = self.over_limit(guard, reductions_before) {
                self.stop();
                return Finish::Limit(hit);
            }
            if started.elapsed() >= guard.wall {
                self.stop();
                return Finish::TimedOut;
            }
        }
    }

    /// The first limit of `guard` the session is over, if any.
    fn over_limit(&self, guard: Guard, reductions_before: u64) -> Option<LimitHit> {
        let count = self.handle.process_count();
        if count > guard.max_processes {
            return Some(LimitHit::Processes(count));
        }
        let reductions = self.handle.reductions().saturating_sub(reductions_before);
        if reductions > guard.max_reductions {
            return Some(LimitHit::Reductions(reductions));
        }
        let atoms = crate::term::Atom::count().saturating_sub(self.atoms_at_start);
        if atoms > guard.max_atoms {
            return Some(LimitHit::Atoms(atoms));
        }
        // The runtime's own count (processes, mailboxes, ETS rows) or the heap's
        // growth, whichever is larger: terms held in registers and lists are seen
        // only by the second.
        let grown = self.handle.process_heap_bytes().saturating_sub(self.heap_at_start);
        let memory = self.handle.memory_bytes().max(grown);
        if memory > guard.max_memory {
            return Some(LimitHit::Memory(memory));
        }
        None
    }

    /// Stops the runtime from a detached thread: stopping waits for the scheduler,
    /// which a process stuck in a long native call could delay.
    fn stop(&mut self) {
        self.stopped = true;
        let handle = self.handle.clone();
        let _ = std::thread::Builder::new().name("otplab-grader-stop".into()).spawn(move || handle.stop());
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if !self.stopped {
            // Closing the job channel ends the worker; stopping ends the runtime.
            self.stop();
        }
    }
}

/// The worker loop: one job at a time until the grader drops its sender.
fn serve(mut session: Session, inbox: Receiver<Job>) {
    while let Ok(job) = inbox.recv() {
        job(&mut session);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::capture::CapturedOutput;

    fn guard(ms: u64) -> Guard {
        Guard {
            wall: Duration::from_millis(ms),
            max_processes: 2_000,
            max_memory: 1 << 30,
            max_reductions: u64::MAX,
            max_atoms: 1 << 20,
        }
    }

    #[test]
    fn returns_a_value() {
        let mut sandbox = Sandbox::start(Clock::Virtual, Arc::new(CapturedOutput::default())).expect("session");
        match sandbox.run("1 + 2", guard(5_000)) {
            Finish::Done(Ok(Evaluation::Value(v))) => assert_eq!(crate::term::inspect::inspect(&v), "3"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_spinning_process_times_out_and_the_sandbox_refuses_more_work() {
        let mut sandbox = Sandbox::start(Clock::Virtual, Arc::new(CapturedOutput::default())).expect("session");
        let spin = "defmodule Spin do\n def loop, do: loop()\nend\nSpin.loop()";
        assert!(matches!(sandbox.run(spin, guard(300)), Finish::TimedOut));
        assert!(matches!(sandbox.run("1", guard(300)), Finish::Unusable));
    }

    #[test]
    fn a_spawn_flood_hits_the_limit() {
        let mut sandbox = Sandbox::start(Clock::Virtual, Arc::new(CapturedOutput::default())).expect("session");
        let flood = "defmodule Flood do\n def go, do: (spawn(fn -> go() end); Process.sleep(1000))\nend\nFlood.go()";
        assert!(matches!(sandbox.run(flood, guard(10_000)), Finish::Limit(LimitHit::Processes(_))));
    }

    #[test]
    fn a_loop_in_a_module_body_hits_the_reduction_limit() {
        let mut sandbox = Sandbox::start(Clock::Virtual, Arc::new(CapturedOutput::default())).expect("session");
        let spin = "defmodule Spin do\n def loop(n), do: loop(n + 1)\nend\nSpin.loop(0)";
        let tight = Guard { max_reductions: 2_000_000, ..guard(60_000) };
        assert!(matches!(sandbox.run(spin, tight), Finish::Limit(LimitHit::Reductions(_))));
    }
}
