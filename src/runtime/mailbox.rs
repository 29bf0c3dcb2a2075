//! [`Mailbox`]: a process's message queue with a save index for selective receive.

use crate::term::Term;
use std::collections::VecDeque;

/// Messages in arrival order plus the save index of the `receive` in progress.
///
/// Invariant: `save <= queue.len()`. Messages before `save` were already tried by
/// the current `receive` and did not match; they stay in place, in order, so a later
/// `receive` sees them again (BEAM semantics). Accepting a message or giving up on a
/// `receive` (timeout) resets `save` to 0.
#[derive(Default, Debug)]
pub struct Mailbox {
    queue: VecDeque<Term>,
    save: usize,
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

    /// Removes and returns the message at the save index and restarts scanning at
    /// the front. `None` if the scan has reached the end.
    pub fn accept(&mut self) -> Option<Term> {
        let msg = self.queue.remove(self.save)?;
        self.save = 0;
        Some(msg)
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
