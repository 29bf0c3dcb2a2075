//! [`VmProcess`]: a [`Machine`] as the runtime's [`ProcessBody`].

use super::machine::{Machine, Outcome};
use crate::runtime::{ProcessBody, ProcessContext, Step};

/// Called once with how the machine's run ended (the session uses it for the value
/// of a script or REPL entry).
pub type OnFinish = Box<dyn FnOnce(Outcome) + Send>;

/// A process running Elixir code.
pub struct VmProcess {
    machine: Machine,
    on_finish: Option<OnFinish>,
}

impl VmProcess {
    /// A process body running `machine`.
    pub fn new(machine: Machine) -> VmProcess {
        VmProcess { machine, on_finish: None }
    }

    /// A process body that reports its outcome to `on_finish`.
    pub fn with_finish(machine: Machine, on_finish: OnFinish) -> VmProcess {
        VmProcess { machine, on_finish: Some(on_finish) }
    }
}

impl ProcessBody for VmProcess {
    fn run(&mut self, cx: &mut ProcessContext, budget: u32) -> Step {
        let step = self.machine.run(cx, budget);
        if let Step::Exited(_) = &step
            && let (Some(f), Some(o)) = (self.on_finish.take(), self.machine.outcome().cloned())
        {
            f(o);
        }
        step
    }

    fn heap_bytes(&self) -> usize {
        crate::runtime::info::heap_chunk(std::mem::size_of::<VmProcess>()) + self.machine.heap_bytes()
    }
}
