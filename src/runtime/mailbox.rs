//! [`Mailbox`]: a process's message queue with a save index for selective receive.

use crate::term::{Ref, Term};
use std::collections::VecDeque;

/// Messages in arrival order plus the save index of the `receive` in progress.
///
/// Invariants: `save <= queue.len()`. Messages before `save` were already tried by
/// the current `receive` and did not match; they stay in place, in order, so a later
/// `receive` sees them again (BEAM semantics). Accepting a message or giving up on a
/// `receive` (timeout) resets `save` to 0.
///
/// The mark (`mark_ref`, `mark_at`) says that the first `mark_at` queued messages
/// arrived before this process created the reference numbered `mark_ref`, so none
/// of them can hold it: a `receive` whose every clause needs that reference may
/// start its scan at `mark_at` (BEAM's receive marker, which keeps `GenServer.call`
/// from a process with a long mailbox O(1)). Removing a message before `mark_at`
/// lowers it, so `mark_at <= queue.len()` holds too. No mark is `mark_at == 0`,
/// which skips nothing whatever the reference. (Two plain fields, not an
/// `Option<(Ref, usize)>`: the mailbox lives in every process's entry, and those
/// 16 bytes moved the entry into the allocator's next size class.)
#[derive(Default, Debug)]
pub struct Mailbox {
    queue: VecDeque<Term>,
    save: usize,
    mark_ref: u64,
    mark_at: u32,
}

impl Mailbox {
    /// Appends a message at the back.
    pub fn push(&mut self, msg: Term) {
        self.queue.push_back(msg);
    }

    /// The message at the save index, if the current scan has not reached the end.
    pub fn peek(&self) -> Option<&Term> {
        self.queue.get(self.save)
    }

    /// The first message from the save index on that `fits`, the save index moved
    /// past the ones before it (as `skip` would one by one): a `receive` whose every
    /// clause needs something `fits` checks cannot match them.
    pub fn peek_fitting(&mut self, fits: impl Fn(&Term) -> bool) -> Option<&Term> {
        while let Some(m) = self.queue.get(self.save) {
            if fits(m) {
                return Some(m);
            }
            self.save += 1;
        }
        None
    }

    /// Removes and returns the message at the save index and restarts scanning at
    /// the front. `None` if the scan has reached the end.
    pub fn accept(&mut self) -> Option<Term> {
        // The first message is the usual one taken: `pop_front` moves nothing, where
        // `remove` shifts a side of the ring (a copy call even when it is empty).
        let msg = if self.save == 0 { self.queue.pop_front()? } else { self.queue.remove(self.save)? };
        self.removed(self.save);
        self.save = 0;
        Some(msg)
    }

    /// Keeps the mark's count right after the message at `index` was removed.
    fn removed(&mut self, index: usize) {
        if index < self.mark_at as usize {
            self.mark_at -= 1;
        }
    }

    /// Records that this process has just created `r`: every message queued now
    /// arrived before it (the mark; only the latest reference is kept). A queue
    /// past `u32::MAX` messages marks fewer than it holds, which only skips less.
    pub fn mark(&mut self, r: Ref) {
        self.mark_ref = r.0;
        self.mark_at = u32::try_from(self.queue.len()).unwrap_or(u32::MAX);
    }

    /// At the start of a `receive` whose every clause needs `r`: skips the messages
    /// that arrived before `r` was created, when `r` is the marked reference.
    pub fn start_after_mark(&mut self, r: Ref) {
        if self.mark_ref == r.0 && self.save < self.mark_at as usize {
            self.save = self.mark_at as usize;
        }
    }

    /// Leaves the message at the save index in place and moves to the next one.
    pub fn skip(&mut self) {
        if self.save < self.queue.len() {
            self.save += 1;
        }
    }

    /// Restarts scanning at the front (after a `receive` timed out).
    pub fn reset(&mut self) {
        self.save = 0;
    }

    /// Number of queued messages.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// True when no message is queued.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Removes the first message for which `is_it` is true (demonitor's `:flush`:
    /// a monitor queues at most one `:DOWN`), keeping the others in order, and
    /// restarts scanning at the front. True if one was removed.
    ///
    /// Stops at the first hit: a caller that flushes one reply after another (e.g.
    /// `Task.await_many` over 10,000 tasks) finds each `:DOWN` near the front, so
    /// the flushes cost O(n) in all instead of O(n²).
    pub fn remove_first(&mut self, is_it: impl Fn(&Term) -> bool) -> bool {
        self.save = 0;
        match self.queue.iter().position(is_it) {
            Some(i) => {
                self.queue.remove(i);
                self.removed(i);
                true
            }
            None => false,
        }
    }

    /// The queued messages, front first.
    pub fn messages(&self) -> impl Iterator<Item = &Term> {
        self.queue.iter()
    }

    /// Heap bytes held by the queue's buffer (the message terms' own heaps are
    /// shared `Arc`s and not counted here).
    pub fn buffer_bytes(&self) -> usize {
        self.queue.capacity() * std::mem::size_of::<Term>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(m: &Mailbox) -> Vec<i64> {
        m.messages().map(|t| if let Term::Int(i) = t { *i } else { -1 }).collect()
    }

    #[test]
    fn selective_receive_keeps_skipped_messages_in_order() {
        let mut m = Mailbox::default();
        for i in 1..=4 {
            m.push(Term::Int(i));
        }
        // receive do 3 -> ... end: skip 1 and 2, accept 3.
        m.skip();
        m.skip();
        assert!(matches!(m.peek(), Some(Term::Int(3))));
        assert!(matches!(m.accept(), Some(Term::Int(3))));
        assert_eq!(ints(&m), vec![1, 2, 4]);
        // The next receive starts again at the front.
        assert!(matches!(m.peek(), Some(Term::Int(1))));
    }

    #[test]
    fn a_fitting_peek_passes_over_what_does_not_fit_and_keeps_it() {
        let mut m = Mailbox::default();
        for i in [1, 3, 5, 6, 7] {
            m.push(Term::Int(i));
        }
        let even = |t: &Term| matches!(t, Term::Int(i) if i % 2 == 0);
        assert!(matches!(m.peek_fitting(even), Some(Term::Int(6))));
        // Where a scan that skipped 1, 3 and 5 one by one would be.
        assert!(matches!(m.peek(), Some(Term::Int(6))));
        m.skip();
        assert!(m.peek_fitting(even).is_none(), "7 does not fit and the scan is at the end");
        m.reset();
        assert_eq!(ints(&m), vec![1, 3, 5, 6, 7]);
        assert!(matches!(m.peek_fitting(|t| matches!(t, Term::Int(1))), Some(Term::Int(1))), "a fit at the save index is not passed over");
    }

    #[test]
    fn scanning_past_the_end_stops_and_reset_rewinds() {
        let mut m = Mailbox::default();
        m.push(Term::Int(1));
        m.skip();
        m.skip();
        assert!(m.peek().is_none());
        assert!(m.accept().is_none());
        m.push(Term::Int(2));
        assert!(matches!(m.peek(), Some(Term::Int(2))), "a new message is scanned next");
        m.reset();
        assert!(matches!(m.peek(), Some(Term::Int(1))));
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn a_marked_receive_starts_after_the_messages_older_than_its_reference() {
        let r = Ref(7);
        let mut m = Mailbox::default();
        for i in 1..=3 {
            m.push(Term::Int(i));
        }
        m.mark(r);
        m.push(Term::Ref(r));
        // Another reference leaves the scan at the front.
        m.start_after_mark(Ref(8));
        assert!(matches!(m.peek(), Some(Term::Int(1))));
        m.start_after_mark(r);
        assert!(matches!(m.peek(), Some(Term::Ref(_))), "the three older messages are skipped");
        assert!(matches!(m.accept(), Some(Term::Ref(_))));
        // Removing an older message moves the mark back with it.
        assert!(matches!(m.accept(), Some(Term::Int(1))));
        m.push(Term::Int(4));
        m.start_after_mark(r);
        assert!(matches!(m.peek(), Some(Term::Int(4))), "the mark counts two older messages now");
        assert!(m.remove_first(|t| matches!(t, Term::Int(2))));
        m.start_after_mark(r);
        assert!(matches!(m.peek(), Some(Term::Int(4))));
        assert_eq!(ints(&m), vec![3, 4]);
    }

    #[test]
    fn remove_first_takes_only_the_first_match() {
        let mut m = Mailbox::default();
        for i in 1..=5 {
            m.push(Term::Int(i));
        }
        m.skip();
        assert!(m.remove_first(|t| matches!(t, Term::Int(i) if i % 2 == 0)));
        assert_eq!(ints(&m), vec![1, 3, 4, 5]);
        assert!(matches!(m.peek(), Some(Term::Int(1))));
        assert!(!m.remove_first(|t| matches!(t, Term::Int(9))));
        assert_eq!(m.len(), 4);
    }
}
