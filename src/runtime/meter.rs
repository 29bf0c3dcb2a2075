//! [`Meter`]: the work a runtime has done, counted in reductions and messages, so
//! the grader can compare two pieces of code by what they cost rather than by how
//! long they took on a machine that may be busy (a deterministic cost model).
//!
//! Invariant: counts only grow; readers take differences between two readings.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

thread_local! {
    /// Reductions the slice running on this thread reported, until the process
    /// parks (see [`take_slice_reductions`]).
    static SLICE: Cell<u64> = const { Cell::new(0) };
}

/// The reductions reported on this thread since the last call: the slice that
/// just ended (the observer's per-process counts).
pub(crate) fn take_slice_reductions() -> u64 {
    SLICE.with(|s| s.replace(0))
}

/// Reductions run and messages delivered since the runtime started.
#[derive(Default)]
pub struct Meter {
    reductions: AtomicU64,
    messages: AtomicU64,
}

/// One reading of a [`Meter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MeterReading {
    /// Reductions run by every process.
    pub reductions: u64,
    /// Messages queued in a mailbox.
    pub messages: u64,
}

impl Meter {
    /// Adds `n` reductions (a body reports what a slice used).
    pub fn add_reductions(&self, n: u64) {
        self.reductions.fetch_add(n, Ordering::Relaxed);
        SLICE.with(|s| s.set(s.get() + n));
    }

    /// Counts one delivered message.
    pub fn add_message(&self) {
        self.messages.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts now.
    pub fn read(&self) -> MeterReading {
        MeterReading { reductions: self.reductions.load(Ordering::Relaxed), messages: self.messages.load(Ordering::Relaxed) }
    }
}

impl MeterReading {
    /// What happened between `earlier` and this reading.
    pub fn since(self, earlier: MeterReading) -> MeterReading {
        MeterReading {
            reductions: self.reductions.saturating_sub(earlier.reductions),
            messages: self.messages.saturating_sub(earlier.messages),
        }
    }
}
