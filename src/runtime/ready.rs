//! [`ReadyCount`]: how many processes are running or ready to run.
//!
//! A process whose slice ends keeps its scheduler thread when nobody else is ready:
//! handing the thread back to tokio costs a wake of the other worker (a `futex`
//! system call) and often a migration of the process, about a tenth of a tight loop.
//!
//! Bookkeeping (each process is counted while it is not waiting):
//! - spawning counts the newborn; a process's exit uncounts it;
//! - parking in `receive` uncounts it;
//! - whoever takes a waiting process's waker (a message, a signal, a nudge) counts it
//!   at once and marks it counted, so a process woken by a busy one is seen by that
//!   busy one's next slice end; a process resumed by its own timeout counts itself.
//!
//! Invariant: the count is never below the number of processes that are running or
//! queued because another process woke them. Processes woken by a timeout are counted
//! only once they run; they are run by the other worker, which is idle when the count
//! says nobody else is ready.

use std::sync::atomic::{AtomicU64, Ordering};

/// The number of processes running or ready to run in one runtime, and how many
/// times it changed.
///
/// One atomic word: the count in the low 32 bits, the number of changes (wrapping)
/// in the high 32, so a change costs the one read-modify-write it cost before. The
/// changes tell an idle worker whether processes are handing work to each other
/// (see `super::idle_spin`): a count that goes 1, 2, 1 between two looks is the
/// same count, but not the same word.
///
/// Alone on its cache line (the alignment), so that the idle worker's looks at it
/// (see `super::idle_spin`) take no other data's line away from the busy worker.
#[derive(Debug, Default)]
#[repr(align(128))]
pub struct ReadyCount(AtomicU64);

/// One change, in the high half of the word.
const CHANGE: u64 = 1 << 32;
/// The count's half of the word.
const COUNT: u64 = CHANGE - 1;

impl ReadyCount {
    /// One more process is running or ready.
    pub fn up(&self) {
        self.0.fetch_add(CHANGE + 1, Ordering::AcqRel);
    }

    /// One process stopped being ready (it waits or exited).
    pub fn down(&self) {
        // CHANGE - 1: one change more, one process fewer (the count is at least
        // one here, so the borrow never crosses into the changes).
        self.0.fetch_add(CHANGE - 1, Ordering::AcqRel);
    }

    /// The count itself (for tests and tools).
    pub fn get(&self) -> usize {
        (self.0.load(Ordering::Acquire) & COUNT) as usize
    }

    /// The count and how many times it changed (wrapping), read at once.
    pub fn look(&self) -> (usize, u32) {
        let word = self.0.load(Ordering::Acquire);
        ((word & COUNT) as usize, (word >> 32) as u32)
    }

    /// True when no process but the caller (which is running) is ready.
    pub fn alone(&self) -> bool {
        self.get() <= 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_ready_process_ends_solitude() {
        let ready = ReadyCount::default();
        ready.up();
        assert!(ready.alone());
        ready.up();
        assert!(!ready.alone());
        ready.down();
        assert!(ready.alone());
    }

    #[test]
    fn every_change_is_counted_even_when_the_count_comes_back() {
        let ready = ReadyCount::default();
        ready.up();
        let (count, changes) = ready.look();
        ready.up();
        ready.down();
        assert_eq!(ready.look(), (count, changes.wrapping_add(2)));
        assert_eq!(ready.get(), 1);
    }
}
