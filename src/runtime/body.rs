//! The contract between the runtime and whatever runs inside a process.

use super::context::ProcessContext;
use crate::term::Term;

/// What a process body reports after running for a while.
#[derive(Debug)]
pub enum Step {
    /// It used up its reduction budget and wants to run again soon.
    Yielded,
    /// It waits for a new message, or until `deadline` (monotonic milliseconds on the
    /// runtime's clock) when one is given, then wants to run again.
    Wait {
        /// When to resume even if no message arrives (`receive ... after`, sleeps).
        deadline_ms: Option<u64>,
    },
    /// It finished; the term is the exit reason (`:normal` when it returned).
    Exited(Term),
}

/// Code that runs inside a process. The VM implements it; tests may use tiny bodies.
///
/// Invariant: `run` never blocks the thread and never awaits; it returns within
/// roughly `budget` reductions so one busy process cannot starve others.
pub trait ProcessBody: Send + 'static {
    /// Runs for at most about `budget` reductions.
    fn run(&mut self, cx: &mut ProcessContext, budget: u32) -> Step;

    /// Heap bytes the body holds, itself included (its box and the buffers it
    /// owns), for `:erlang.memory(:processes)` and `Process.info(pid, :memory)`.
    /// Asked each time the body parks, so it reads capacities, never walks data.
    fn heap_bytes(&self) -> usize {
        super::info::heap_chunk(std::mem::size_of_val(self))
    }
}
