//! [`Journal`]: an opt-in record of process lifetimes on the clock in force, for
//! timelines (the step mode draws one per step; the grader attaches one to a failed
//! timed check).
//!
//! The runtime calls two hooks: `Journal::spawned` when a process is created and
//! `Journal::exited` in its exit sequence. While the journal is off (the default)
//! each hook costs one relaxed atomic load, so benchmarks that spawn millions of
//! processes pay nothing measurable.
//!
//! Invariant: events are appended in the order the hooks ran, and times never go
//! backwards (both come from the same monotonic clock).
//!
//! A second, independent record, the *sequence* ([`Journal::start_sequence`]), keeps
//! everything a message sequence chart draws: spawns with their parent, links, sends
//! (the message itself, inspected only when drawn), exit signals, `:DOWN`s and exits.
//! Its hooks cost one relaxed load while it is off. The sender of a send is the
//! process whose slice is running on this thread (see [`running`]), so the
//! runtime's send path needs no extra argument.

use crate::term::{Atom, Pid, Term};
use parking_lot::Mutex;
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

/// The most events kept between two [`Journal::take`]s; a spawn flood must not
/// exhaust memory through the journal.
const MAX_EVENTS: usize = 20_000;

/// What happened to a process.
#[derive(Debug, Clone, PartialEq)]
pub enum LifeEvent {
    /// The process was created.
    Spawned,
    /// The process exited.
    Exited {
        /// Its exit reason.
        reason: Term,
        /// The name it was registered under when it exited, if any.
        name: Option<Atom>,
    },
}

/// One journal entry.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalEntry {
    /// The process.
    pub pid: Pid,
    /// Milliseconds since the runtime started, on its clock.
    pub at_ms: u64,
    /// What happened.
    pub event: LifeEvent,
}

/// What a sequence chart shows, in the order it happened.
#[derive(Debug, Clone, PartialEq)]
pub enum SequenceEvent {
    /// `pid` was created by `parent` (`None`: from outside any process).
    Spawned {
        /// The new process.
        pid: Pid,
        /// The process that spawned it.
        parent: Option<Pid>,
    },
    /// `a` and `b` were linked.
    Linked {
        /// The process that asked for the link.
        a: Pid,
        /// The other end.
        b: Pid,
    },
    /// `message` was queued for `to` (`from`: `None` for a timer or the outside).
    Sent {
        /// The sender.
        from: Option<Pid>,
        /// The receiver (an alias's owner for a send through an alias).
        to: Pid,
        /// The message.
        message: Term,
        /// True when it went through a process alias (a GenServer reply).
        via_alias: bool,
    },
    /// An exit signal went from `from` to `to` (a link, or `Process.exit/2`).
    ExitSignal {
        /// The exiting process, or the caller of `Process.exit/2`.
        from: Pid,
        /// The receiver.
        to: Pid,
        /// The exit reason it carries.
        reason: Term,
    },
    /// The monitor `to` held on `from` fired: `{:DOWN, ref, :process, from, reason}`.
    Down {
        /// The process that exited.
        from: Pid,
        /// The watcher.
        to: Pid,
        /// The exit reason.
        reason: Term,
    },
    /// `pid` exited with `reason`, registered as `name`.
    Exited {
        /// The process.
        pid: Pid,
        /// Its exit reason.
        reason: Term,
        /// Its registered name when it exited, if any.
        name: Option<Atom>,
    },
}

/// One entry of the sequence record.
#[derive(Debug, Clone, PartialEq)]
pub struct SequenceEntry {
    /// Milliseconds since the runtime started, on its clock.
    pub at_ms: u64,
    /// What happened.
    pub event: SequenceEvent,
}

thread_local! {
    /// The process whose slice runs on this thread, 0 between slices. Set only
    /// while a sequence is recorded; cleared at the end of every slice.
    static RUNNING: Cell<u64> = const { Cell::new(0) };
}

/// The process whose slice runs on this thread, if a sequence record marked one.
pub fn running() -> Option<Pid> {
    match RUNNING.with(Cell::get) {
        0 => None,
        n => Some(Pid(n)),
    }
}

/// Marks `pid` as the process running on this thread (`None`: no process).
pub(crate) fn set_running(pid: Option<Pid>) {
    RUNNING.with(|r| r.set(pid.map_or(0, |p| p.0)));
}

/// The record of spawns and exits, off until [`Journal::start`].
#[derive(Default)]
pub struct Journal {
    on: AtomicBool,
    entries: Mutex<Vec<JournalEntry>>,
    sequence_on: AtomicBool,
    sequence: Mutex<Vec<SequenceEntry>>,
    /// Sequence events not kept because the record was full.
    sequence_dropped: std::sync::atomic::AtomicUsize,
    /// Reductions per process since [`Journal::count_reductions`] (the observer).
    reductions_on: AtomicBool,
    reductions: Mutex<rustc_hash::FxHashMap<Pid, u64>>,
}

impl Journal {
    /// Clears the record and starts recording.
    pub fn start(&self) {
        self.entries.lock().clear();
        self.on.store(true, Ordering::SeqCst);
    }

    /// Stops recording (what was recorded stays until the next `start` or `take`).
    pub fn stop(&self) {
        self.on.store(false, Ordering::SeqCst);
    }

    /// True while recording.
    pub fn is_on(&self) -> bool {
        self.on.load(Ordering::Relaxed)
    }

    /// Everything recorded since the last `start` or `take`, and clears it;
    /// recording goes on.
    pub fn take(&self) -> Vec<JournalEntry> {
        std::mem::take(&mut *self.entries.lock())
    }

    /// Hook: `pid` was created at `at_ms` by `parent`.
    pub(crate) fn spawned(&self, pid: Pid, at_ms: u64, parent: Option<Pid>) {
        if self.is_on() {
            self.push(JournalEntry { pid, at_ms, event: LifeEvent::Spawned });
        }
        if self.sequence_is_on() {
            self.push_sequence(at_ms, SequenceEvent::Spawned { pid, parent });
        }
    }

    /// Hook: `pid` exited at `at_ms` with `reason`, registered as `name`.
    pub(crate) fn exited(&self, pid: Pid, at_ms: u64, reason: &Term, name: Option<Atom>) {
        if self.is_on() {
            self.push(JournalEntry { pid, at_ms, event: LifeEvent::Exited { reason: reason.clone(), name } });
        }
        if self.sequence_is_on() {
            self.push_sequence(at_ms, SequenceEvent::Exited { pid, reason: reason.clone(), name });
        }
    }

    // ---- the sequence record -------------------------------------------------------

    /// Clears the sequence record and starts it; `current` is the process asking
    /// (its sends until its slice ends count as its own).
    pub fn start_sequence(&self, current: Option<Pid>) {
        self.sequence.lock().clear();
        self.sequence_dropped.store(0, Ordering::Relaxed);
        set_running(current);
        self.sequence_on.store(true, Ordering::SeqCst);
    }

    /// Stops the sequence record and hands out what it holds, with the number of
    /// events left out because it was full.
    pub fn stop_sequence(&self) -> (Vec<SequenceEntry>, usize) {
        self.sequence_on.store(false, Ordering::SeqCst);
        let entries = std::mem::take(&mut *self.sequence.lock());
        (entries, self.sequence_dropped.swap(0, Ordering::Relaxed))
    }

    /// How many events the sequence record holds (a mark for [`Journal::sequence_since`]).
    pub fn sequence_len(&self) -> usize {
        self.sequence.lock().len()
    }

    /// A copy of the events recorded from index `mark` on; recording goes on (a
    /// chart drawn inside a longer recording, as `seq/1` in the step mode).
    pub fn sequence_since(&self, mark: usize) -> Vec<SequenceEntry> {
        self.sequence.lock().get(mark..).map(<[SequenceEntry]>::to_vec).unwrap_or_default()
    }

    /// True while the sequence is recorded.
    pub fn sequence_is_on(&self) -> bool {
        self.sequence_on.load(Ordering::Relaxed)
    }

    /// Whether a spawn or an exit is recorded at all (the life record or the
    /// sequence is on): the hooks' callers read the clock only then.
    pub fn records_lives(&self) -> bool {
        self.is_on() || self.sequence_is_on()
    }

    /// Hook: `message` was queued for `to`; the sender is the running process.
    pub(crate) fn sent(&self, at_ms: u64, to: Pid, message: &Term, via_alias: bool) {
        if self.sequence_is_on() {
            let from = running();
            self.push_sequence(at_ms, SequenceEvent::Sent { from, to, message: message.clone(), via_alias });
        }
    }

    /// Hook: `a` linked to `b`.
    pub(crate) fn linked(&self, at_ms: u64, a: Pid, b: Pid) {
        if self.sequence_is_on() {
            self.push_sequence(at_ms, SequenceEvent::Linked { a, b });
        }
    }

    /// Hook: an exit signal from `from` reached `to`.
    pub(crate) fn exit_signal(&self, at_ms: u64, from: Pid, to: Pid, reason: &Term) {
        if self.sequence_is_on() {
            self.push_sequence(at_ms, SequenceEvent::ExitSignal { from, to, reason: reason.clone() });
        }
    }

    /// Hook: `to`'s monitor of `from` fired.
    pub(crate) fn down(&self, at_ms: u64, from: Pid, to: Pid, reason: &Term) {
        if self.sequence_is_on() {
            self.push_sequence(at_ms, SequenceEvent::Down { from, to, reason: reason.clone() });
        }
    }

    // ---- reductions per process -----------------------------------------------------

    /// Starts (`true`, from zero) or stops counting reductions per process.
    pub fn count_reductions(&self, on: bool) {
        self.reductions.lock().clear();
        self.reductions_on.store(on, Ordering::SeqCst);
    }

    /// Reductions each process ran since counting started.
    pub fn reductions(&self) -> rustc_hash::FxHashMap<Pid, u64> {
        self.reductions.lock().clone()
    }

    /// Hook: `pid` ended a slice that ran `n` reductions.
    pub(crate) fn slice_ended(&self, pid: Pid, n: u64) {
        if self.reductions_on.load(Ordering::Relaxed) && n > 0 {
            *self.reductions.lock().entry(pid).or_default() += n;
        }
    }

    fn push_sequence(&self, at_ms: u64, event: SequenceEvent) {
        let mut entries = self.sequence.lock();
        if entries.len() < MAX_EVENTS {
            entries.push(SequenceEntry { at_ms, event });
        } else {
            self.sequence_dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn push(&self, entry: JournalEntry) {
        let mut entries = self.entries.lock();
        if entries.len() < MAX_EVENTS {
            entries.push(entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_only_while_on_and_take_clears() {
        let journal = Journal::default();
        journal.spawned(Pid(1), 0, None);
        assert!(journal.take().is_empty());
        journal.start();
        journal.spawned(Pid(2), 5, None);
        journal.exited(Pid(2), 7, &Term::atom("normal"), None);
        let taken = journal.take();
        assert_eq!(taken.len(), 2);
        assert_eq!(taken[1].event, LifeEvent::Exited { reason: Term::atom("normal"), name: None });
        assert!(journal.take().is_empty());
        journal.stop();
        journal.spawned(Pid(3), 9, None);
        assert!(journal.take().is_empty());
        assert!(journal.stop_sequence().0.is_empty(), "the sequence is a record of its own");
    }

    #[test]
    fn the_sequence_names_the_running_process_as_sender() {
        let journal = Journal::default();
        journal.sent(0, Pid(2), &Term::Int(1), false);
        journal.start_sequence(Some(Pid(7)));
        journal.sent(3, Pid(2), &Term::Int(1), false);
        journal.spawned(Pid(9), 4, Some(Pid(7)));
        set_running(None);
        journal.sent(5, Pid(9), &Term::Int(2), false);
        let (entries, dropped) = journal.stop_sequence();
        assert_eq!(dropped, 0);
        assert_eq!(
            entries.iter().map(|e| e.event.clone()).collect::<Vec<_>>(),
            vec![
                SequenceEvent::Sent { from: Some(Pid(7)), to: Pid(2), message: Term::Int(1), via_alias: false },
                SequenceEvent::Spawned { pid: Pid(9), parent: Some(Pid(7)) },
                SequenceEvent::Sent { from: None, to: Pid(9), message: Term::Int(2), via_alias: false },
            ]
        );
        journal.sent(6, Pid(2), &Term::Int(3), false);
        assert!(journal.stop_sequence().0.is_empty(), "nothing is kept once stopped");
    }

    #[test]
    fn a_part_of_a_running_sequence_is_copied_from_its_mark() {
        let journal = Journal::default();
        journal.start_sequence(None);
        journal.sent(1, Pid(2), &Term::Int(1), false);
        let mark = journal.sequence_len();
        journal.sent(2, Pid(2), &Term::Int(2), false);
        let part = journal.sequence_since(mark);
        assert_eq!(part.len(), 1);
        assert_eq!(part[0].at_ms, 2);
        assert!(journal.sequence_is_on(), "the running recording goes on");
        assert_eq!(journal.sequence_since(99), vec![]);
        assert_eq!(journal.stop_sequence().0.len(), 2);
    }

    #[test]
    fn reductions_are_counted_per_process_only_while_asked() {
        let journal = Journal::default();
        journal.slice_ended(Pid(1), 10);
        journal.count_reductions(true);
        journal.slice_ended(Pid(1), 10);
        journal.slice_ended(Pid(1), 5);
        assert_eq!(journal.reductions().get(&Pid(1)), Some(&15));
        journal.count_reductions(false);
        assert!(journal.reductions().is_empty());
    }
}
