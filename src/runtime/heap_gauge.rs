//! The process's live heap bytes, counted by the global allocator: the grader's
//! memory limit must see every term an answer holds (a list grown in a loop lives
//! in registers and cons cells the runtime's own accounting never walks), and
//! walking a process's terms to size them would cost as much as building them.
//!
//! [`HeapGauge`] wraps the real allocator. Each thread keeps the bytes it
//! allocated minus those it freed in a thread-local and adds them to the shared
//! total once they pass [`FLUSH_BYTES`] either way, so the shared atomic is touched
//! once per quarter megabyte rather than once per term. Invariant: the shared total
//! is within `FLUSH_BYTES` per thread of the true live byte count. Only the binary
//! installs the gauge (`main.rs`); without it [`live_bytes`] stays 0 and nothing
//! that reads it limits anything.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, Ordering};

/// How far a thread's uncounted balance may drift before it is added to the total.
const FLUSH_BYTES: isize = 256 * 1024;

/// Bytes allocated and not yet freed, as far as the threads have reported.
static LIVE: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    // A const-initialised `Cell` has no destructor: reading it never allocates,
    // which an allocator's bookkeeping must not do.
    static PENDING: Cell<isize> = const { Cell::new(0) };
}

/// Records `delta` bytes allocated (positive) or freed (negative) by this thread.
#[inline]
fn note(delta: isize) {
    let kept = PENDING.try_with(|pending| {
        let balance = pending.get() + delta;
        if balance.abs() >= FLUSH_BYTES {
            LIVE.fetch_add(balance, Ordering::Relaxed);
            pending.set(0);
        } else {
            pending.set(balance);
        }
    });
    // A thread being torn down has no thread-locals left: count directly.
    if kept.is_err() {
        LIVE.fetch_add(delta, Ordering::Relaxed);
    }
}

/// Bytes the process's heap holds now (0 when the gauge is not installed).
pub fn live_bytes() -> u64 {
    u64::try_from(LIVE.load(Ordering::Relaxed)).unwrap_or(0)
}

/// A global allocator that counts live bytes on top of `A`.
pub struct HeapGauge<A>(pub A);

// SAFETY: every method forwards to the wrapped allocator with the caller's own
// arguments, so `A`'s guarantees (alignment, size, ownership of the returned
// block) are exactly the ones given; the counting touches only a thread-local
// `Cell` and an atomic, neither of which allocates or unwinds.
#[allow(unsafe_code)]
unsafe impl<A: GlobalAlloc> GlobalAlloc for HeapGauge<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged (see the impl's argument).
        let p = unsafe { self.0.alloc(layout) };
        if !p.is_null() {
            note(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged (see the impl's argument).
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if !p.is_null() {
            note(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged (see the impl's argument).
        unsafe { self.0.dealloc(ptr, layout) };
        note(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged (see the impl's argument).
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            note(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_balances_stay_local_and_large_ones_reach_the_total() {
        // The test binary does not install the gauge: only `note` moves the total.
        let before = LIVE.load(Ordering::Relaxed);
        note(1_000);
        assert_eq!(LIVE.load(Ordering::Relaxed), before, "a small balance is kept by the thread");
        note(FLUSH_BYTES);
        assert_eq!(LIVE.load(Ordering::Relaxed), before + FLUSH_BYTES + 1_000);
        note(-(FLUSH_BYTES + 1_000));
        assert_eq!(LIVE.load(Ordering::Relaxed), before);
    }
}
