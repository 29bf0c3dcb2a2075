//! [`VmProcess`]: a [`Machine`] as the runtime's [`ProcessBody`].

use super::machine::{Machine, Outcome};
use crate::runtime::{ProcessBody, ProcessContext, Step};

/// Called once with how the machine's run ended (the session uses it for the value
/// of a script or REPL entry).
pub type OnFinish = Box<dyn FnOnce(Outcome) + Send>;

/// Formats the detail of the `[error] Process ... raised an exception` report from
/// the raise and the exit reason (which carries the stacktrace). The VM cannot
/// format exceptions itself (that is `stdlib`, a layer below), so `stdlib`
/// registers its formatter here once at start-up.
pub type CrashFormat = fn(&super::raise::Raise, &crate::term::Term) -> String;

static CRASH_FORMAT: std::sync::OnceLock<CrashFormat> = std::sync::OnceLock::new();

/// Registers how crash reports are worded (the first registration wins; every
/// session registers the same function).
pub fn set_crash_format(format: CrashFormat) {
    let _ = CRASH_FORMAT.set(format);
}

/// A process running Elixir code.
pub struct VmProcess {
    machine: Machine,
    on_finish: Option<OnFinish>,
    /// A script's top level (see [`VmProcess::script`]).
    halts_on_raise: bool,
}

impl VmProcess {
    /// A process body running `machine`.
    pub fn new(machine: Machine) -> VmProcess {
        VmProcess { machine, on_finish: None, halts_on_raise: false }
    }

    /// A process body that reports its outcome to `on_finish`.
    pub fn with_finish(machine: Machine, on_finish: OnFinish) -> VmProcess {
        VmProcess { machine, on_finish: Some(on_finish), halts_on_raise: false }
    }

    /// A script's top level, as `elixir FILE` runs it: its outcome goes to
    /// `on_finish`, and an uncaught error or exit ends it without an exit signal
    /// to its links (`elixir` catches the error in the script's process, prints it
    /// and halts, so a linked supervisor never learns of it and logs nothing).
    pub fn script(machine: Machine, on_finish: OnFinish) -> VmProcess {
        VmProcess { machine, on_finish: Some(on_finish), halts_on_raise: true }
    }
}

impl ProcessBody for VmProcess {
    fn run(&mut self, cx: &mut ProcessContext, budget: u32) -> Step {
        let step = self.machine.run(cx, budget);
        if let Step::Exited(reason) = &step {
            match (self.on_finish.take(), self.machine.outcome()) {
                (Some(f), Some(o)) => {
                    if self.halts_on_raise && matches!(o, Outcome::Raised(_)) {
                        cx.unlink_all();
                    }
                    f(o.clone())
                }
                // A spawned process that raised or threw (not one that exited) is
                // reported as Elixir's logger does; the runtime decides whether to
                // print it (level, OTP-managed processes, deaths by signal).
                (None, Some(Outcome::Raised(r))) if r.class != super::raise::Class::Exit => {
                    if let Some(format) = CRASH_FORMAT.get() {
                        cx.set_crash_report(format(r, reason));
                    }
                }
                _ => {}
            }
        }
        step
    }

    fn heap_bytes(&self) -> usize {
        crate::runtime::info::heap_chunk(std::mem::size_of::<VmProcess>()) + self.machine.heap_bytes()
    }
}
