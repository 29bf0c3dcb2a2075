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
    let slot: Arc<Mutex<Option<Outcome>>> = Arc::new(Mutex::new(None));
    let out = slot.clone();
    let body = VmProcess::with_finish(
        machine,
        Box::new(move |o| {
            if let Ok(mut s) = out.lock() {
                *s = Some(o);
            }
        }),
    );
    let reason = runtime.spawn_and_wait(Box::new(body));
    let taken = slot.lock().ok().and_then(|mut s| s.take());
    match (taken, reason) {
        (Some(o), Ok(reason)) => (o, reason),
        (Some(o), Err(_)) => (o, Term::Nil),
        (None, Ok(reason)) => (Outcome::Raised(crate::vm::Raise::exit(reason.clone())), reason),
        (None, Err(e)) => (Outcome::Raised(crate::vm::Raise::exception("RuntimeError", e.to_string())), Term::Nil),
    }
}
