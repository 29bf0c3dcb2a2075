//! Runs one process body to completion on the calling thread and returns its outcome.

use crate::runtime::{ProcessContext, Runtime, Step};
use crate::vm::machine::{Machine, Outcome};
use crate::vm::process::VmProcess;
use crate::runtime::ProcessBody;
use std::sync::{Arc, Mutex};

/// Reductions per slice, as BEAM's CONTEXT_REDS.
pub const BUDGET: u32 = 4000;

/// Runs `machine` as a process until it finishes.
pub fn run_to_end(runtime: &Runtime, machine: Machine) -> Outcome {
    let slot: Arc<Mutex<Option<Outcome>>> = Arc::new(Mutex::new(None));
    let out = slot.clone();
    let mut body = VmProcess::with_finish(
        machine,
        Box::new(move |o| {
            if let Ok(mut s) = out.lock() {
                *s = Some(o);
            }
        }),
    );
    let mut cx = ProcessContext::new(runtime.new_pid(), runtime.clone());
    loop {
        match body.run(&mut cx, BUDGET) {
            Step::Yielded => {}
            Step::Wait { deadline_ms: Some(d) } => {
                let now = cx.now_ms();
                if d > now {
                    std::thread::sleep(std::time::Duration::from_millis(d - now));
                }
            }
            Step::Wait { deadline_ms: None } => {
                return Outcome::Raised(crate::vm::Raise::exception(
                    "RuntimeError",
                    "the process waits for a message that can never arrive",
                ));
            }
            Step::Exited(_) => break,
        }
    }
    let taken = slot.lock().ok().and_then(|mut s| s.take());
    taken.unwrap_or(Outcome::Returned(crate::term::Term::nil()))
}
