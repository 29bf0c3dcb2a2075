//! [`ProcessContext`]: the running process's view of the runtime.

use super::system::Runtime;
use crate::term::Pid;

/// Handed to [`super::ProcessBody::run`]: who the process is and how it reaches
/// the rest of the system.
pub struct ProcessContext {
    pid: Pid,
    runtime: Runtime,
}

impl ProcessContext {
    /// A context for process `pid` in `runtime`.
    pub fn new(pid: Pid, runtime: Runtime) -> ProcessContext {
        ProcessContext { pid, runtime }
    }

    /// The running process's pid (`self()`).
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// The runtime the process lives in.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// Writes to the process's group leader (standard output).
    pub fn write_stdout(&self, text: &str) {
        self.runtime.output().write_stdout(text);
    }
}
