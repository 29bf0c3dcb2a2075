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

use std::sync::atomic::{AtomicUsize, Ordering};

/// The number of processes running or ready to run in one runtime.
#[derive(Debug, Default)]
pub struct ReadyCount(AtomicUsize);

impl ReadyCount {
    /// One more process is running or ready.
    pub fn up(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }

    /// One process stopped being ready (it waits or exited).
    pub fn down(&self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }

    /// The count itself (for tests and tools).
    pub fn get(&self) -> usize {
        self.0.load(Ordering::Acquire)
    }

    /// True when no process but the caller (which is running) is ready.
    pub fn alone(&self) -> bool {
        self.0.load(Ordering::Acquire) <= 1
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
}
