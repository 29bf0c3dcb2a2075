//! Timers (`Process.send_after/3`, `cancel_timer/1`, `read_timer/1`): one ordered
//! map of deadlines driven by a single task, not one task per timer.

use super::clock::ClockSource;
use super::system::{Inner, Runtime};
use crate::term::{Atom, Pid, Ref, Term};
use parking_lot::Mutex;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::{Arc, Weak};
use tokio::sync::Notify;

/// Where a timer's message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerDest {
    /// A pid (the message is dropped if it has exited).
    Pid(Pid),
    /// A registered name, looked up when the timer fires (dropped if unregistered).
    Name(Atom),
}

struct PendingTimer {
    dest: TimerDest,
    msg: Term,
}

#[derive(Default)]
struct TimerTable {
    /// Keyed by (deadline, ref): equal deadlines fire in creation order.
    by_deadline: BTreeMap<(u64, Ref), PendingTimer>,
    deadline_of: FxHashMap<Ref, u64>,
}

/// The runtime's pending timers.
#[derive(Default)]
pub(crate) struct TimerService {
    table: Mutex<TimerTable>,
    changed: Notify,
}

impl TimerService {
    /// No timers.
    pub(crate) fn new() -> TimerService {
        TimerService::default()
    }

    fn next_deadline(&self) -> Option<u64> {
        self.table.lock().by_deadline.keys().next().map(|(d, _)| *d)
    }

    /// Removes and returns every timer due at `now_ms`, earliest first.
    fn take_due(&self, now_ms: u64) -> Vec<PendingTimer> {
        let mut t = self.table.lock();
        let mut due = Vec::new();
        while let Some(entry) = t.by_deadline.first_entry() {
            if entry.key().0 > now_ms {
                break;
            }
            let ((_, r), timer) = entry.remove_entry();
            t.deadline_of.remove(&r);
            due.push(timer);
        }
        due
    }
}

/// The timer task: sleeps until the earliest deadline (or a change), then sends
/// what is due. Holds the runtime weakly so an idle runtime can be dropped.
pub(crate) async fn run(service: Arc<TimerService>, clock: ClockSource, runtime: Weak<Inner>) {
    loop {
        let next = service.next_deadline();
        let sleep = async {
            match next {
                Some(d) => tokio::time::sleep_until(clock.instant_at(d)).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            () = service.changed.notified() => continue,
            () = sleep => {}
        }
        let due = service.take_due(clock.now_ms());
        let Some(inner) = runtime.upgrade() else { return };
        let rt = Runtime { inner };
        for timer in due {
            match timer.dest {
                TimerDest::Pid(pid) => {
                    rt.send(pid, timer.msg);
                }
                TimerDest::Name(name) => {
                    rt.send_named(name, timer.msg);
                }
            }
        }
    }
}

impl Runtime {
    /// Sends `msg` to `dest` after `ms` milliseconds on the runtime clock; returns
    /// the timer's ref.
    pub fn send_after(&self, dest: TimerDest, msg: Term, ms: u64) -> Ref {
        let r = self.make_ref();
        let deadline = self.now_ms().saturating_add(ms);
        {
            let mut t = self.inner.timers.table.lock();
            t.by_deadline.insert((deadline, r), PendingTimer { dest, msg });
            t.deadline_of.insert(r, deadline);
        }
        // notify_one keeps a permit if the task is busy, so no change is missed.
        self.inner.timers.changed.notify_one();
        r
    }

    /// Cancels a timer; the milliseconds it had left, or `None` if it already fired,
    /// was cancelled, or never existed.
    pub fn cancel_timer(&self, r: Ref) -> Option<u64> {
        let deadline = {
            let mut t = self.inner.timers.table.lock();
            let deadline = t.deadline_of.remove(&r)?;
            t.by_deadline.remove(&(deadline, r));
            deadline
        };
        self.inner.timers.changed.notify_one();
        Some(self.inner.clock.remaining_ms(deadline))
    }

    /// The milliseconds a pending timer has left, or `None` if it is not pending.
    pub fn read_timer(&self, r: Ref) -> Option<u64> {
        let deadline = *self.inner.timers.table.lock().deadline_of.get(&r)?;
        Some(self.inner.clock.remaining_ms(deadline))
    }

    /// The number of pending timers.
    pub fn pending_timers(&self) -> usize {
        self.inner.timers.table.lock().deadline_of.len()
    }
}
