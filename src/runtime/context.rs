//! [`ProcessContext`]: the running process's view of the runtime.

use super::system::Runtime;
use crate::term::{Pid, Term};
use std::collections::VecDeque;

/// Handed to [`super::ProcessBody::run`]: who the process is and how it reaches
/// the rest of the system.
pub struct ProcessContext {
    pid: Pid,
    runtime: Runtime,
    mailbox: VecDeque<Term>,
    save: usize,
}

impl ProcessContext {
    /// A context for process `pid` in `runtime`.
    pub fn new(pid: Pid, runtime: Runtime) -> ProcessContext {
        ProcessContext { pid, runtime, mailbox: VecDeque::new(), save: 0 }
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

    /// Monotonic milliseconds on the runtime's clock.
    pub fn now_ms(&self) -> u64 {
        self.runtime.now_ms()
    }

    /// The message at the save index.
    pub fn recv_peek(&mut self) -> Option<Term> {
        self.mailbox.get(self.save).cloned()
    }

    /// Removes the message at the save index and rewinds the save index.
    pub fn recv_accept(&mut self) -> Option<Term> {
        let m = self.mailbox.remove(self.save);
        self.save = 0;
        m
    }

    /// Skips the message at the save index.
    pub fn recv_skip(&mut self) {
        self.save += 1;
    }

    /// Rewinds the save index (after a timeout).
    pub fn recv_reset(&mut self) {
        self.save = 0;
    }
}
