//! Runs a machine as a process on the session's runtime and waits for its outcome.

use crate::runtime::Runtime;
use crate::term::Term;
use crate::vm::machine::{Machine, Outcome};
use crate::vm::process::VmProcess;
use std::sync::{Arc, Mutex};

/// Runs `machine` as a new process and blocks the calling (non-runtime) thread until
/// it finishes. A process killed by a signal reports `exit(reason)`.
pub fn run_to_end(runtime: &Runtime, machine: Machine) -> Outcome {
    run_to_end_with_reason(runtime, machine).0
}

/// Like [`run_to_end`], also giving the process's exit reason (for an error, the
/// exception and its stacktrace).
pub fn run_to_end_with_reason(runtime: &Runtime, machine: Machine) -> (Outcome, Term) {
    run_body_to_end(runtime, machine, VmProcess::with_finish)
}

/// [`run_to_end_with_reason`] for a script's top level: an uncaught error ends it
/// without exit signals to its links, as under `elixir` (see [`VmProcess::script`]).
pub fn run_script_to_end(runtime: &Runtime, machine: Machine) -> (Outcome, Term) {
    run_body_to_end(runtime, machine, VmProcess::script)
}

fn run_body_to_end(runtime: &Runtime, machine: Machine, body: fn(Machine, crate::vm::process::OnFinish) -> VmProcess) -> (Outcome, Term) {
    let slot: Arc<Mutex<Option<Outcome>>> = Arc::new(Mutex::new(None));
    let out = slot.clone();
    let body = body(
        machine,
        Box::new(move |o| {
            if let Ok(mut s) = out.lock() {
                *s = Some(o);
            }
        }),
    );
    let (pid, rx) = runtime.spawn_watched(Box::new(body), crate::runtime::SpawnOpts::default());
    let reason = match wait_for_exit(runtime, rx) {
        Ok(reason) => Ok(reason),
        Err(Stop::Stopped) => Err(crate::runtime::RuntimeError::Stopped(pid)),
        Err(Stop::Deadlock(raise)) => {
            // Nothing will ever end the script: stop every process and say why.
            runtime.shutdown();
            return (Outcome::Raised(raise), Term::Nil);
        }
    };
    let taken = slot.lock().ok().and_then(|mut s| s.take());
    match (taken, reason) {
        (Some(o), Ok(reason)) => (o, reason),
        (Some(o), Err(_)) => (o, Term::Nil),
        (None, Ok(reason)) => (Outcome::Raised(crate::vm::Raise::exit(reason.clone())), reason),
        (None, Err(e)) => (Outcome::Raised(crate::vm::Raise::exception("RuntimeError", e.to_string())), Term::Nil),
    }
}

/// Why [`wait_for_exit`] gave up.
pub(crate) enum Stop {
    /// The runtime stopped first.
    Stopped,
    /// On the virtual clock every process waits and nothing can wake any of them.
    Deadlock(crate::vm::Raise),
}

/// Blocks until `rx` yields an exit reason. On the virtual clock it also watches
/// for a deadlock (see [`Runtime::deadlock_probe`]): two equal probes a few
/// milliseconds apart end the wait with an `Otplab.DeadlockError` naming the
/// waiting processes. Polls with growing pauses (1 ms up to 25 ms), so a short
/// script's end is seen at once.
pub(crate) fn wait_for_exit(runtime: &Runtime, mut rx: tokio::sync::oneshot::Receiver<Term>) -> Result<Term, Stop> {
    use tokio::sync::oneshot::error::TryRecvError;
    let mut pause = 1u64;
    let mut last = None;
    loop {
        match rx.try_recv() {
            Ok(reason) => return Ok(reason),
            Err(TryRecvError::Closed) => return Err(Stop::Stopped),
            Err(TryRecvError::Empty) => {}
        }
        if let Some(raise) = deadlock(runtime, &mut last) {
            return Err(Stop::Deadlock(raise));
        }
        std::thread::sleep(std::time::Duration::from_millis(pause));
        pause = (pause * 2).min(25);
    }
}

/// One deadlock probe compared with the previous one (`last`): the error to raise
/// when both saw the same stalled node.
pub(crate) fn deadlock(runtime: &Runtime, last: &mut Option<u64>) -> Option<crate::vm::Raise> {
    let probe = runtime.deadlock_probe();
    let stuck = probe.is_some() && probe == *last;
    *last = probe;
    if !stuck {
        return None;
    }
    let mut message = String::from(
        "deadlock on the virtual clock: every process waits for a message, no timer is pending and no input can arrive",
    );
    for line in runtime.waiting_processes() {
        message.push_str("\n    ");
        message.push_str(&line);
    }
    Some(crate::vm::Raise::exception("Otplab.DeadlockError", message))
}
