//! Pluggable scheduling on the virtual clock: a [`SchedulePolicy`] chooses which
//! ready process runs next and how many reductions its slice may use, through a
//! [`Turnstile`] every process passes before each slice.
//!
//! Without a policy (the default) no turnstile exists and the driver runs exactly
//! as before: tokio's own order on the one virtual-clock thread. With one (the
//! schedule explorer, `otplab explore`), one process runs at a time, and the next
//! is chosen only once every ready process has reached the turnstile, so the
//! choice is among all of them and each run is a pure function of the policy's
//! decisions.
//!
//! Invariants:
//! - At most one process holds the turn; it gives it back after its slice, once
//!   what the slice caused (wake-ups, exit signals) is counted in the runtime's
//!   [`ReadyCount`].
//! - A decision is taken only when nobody holds the turn and the number of
//!   processes queued at the turnstile reaches the ready count: every process that
//!   is ready is queued, none is still on its way.
//! - The queue is in arrival order, so the first queued process is the one BEAM's
//!   run queue would run next (the [`default_choice`]).

use super::clock::Clock;
use super::error::RuntimeError;
use super::ready::ReadyCount;
use super::system::Runtime;
use crate::term::{Atom, Pid, Term};
use parking_lot::Mutex;
use std::sync::Arc;
use std::task::{Poll, Waker};

/// The budget of a slice nobody shortened (see [`super::driver::SLICE_REDUCTIONS`]).
pub const FULL_SLICE: u32 = super::driver::SLICE_REDUCTIONS;

/// One scheduling decision: who runs and for how many reductions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decision {
    /// The process given the turn.
    pub pid: Pid,
    /// Its slice's reduction budget (less than [`FULL_SLICE`] to preempt it early).
    pub budget: u32,
}

/// What the run queue would do without a policy: the longest-waiting process runs
/// a full slice.
pub fn default_choice(ready: &[Pid]) -> Decision {
    Decision { pid: ready[0], budget: FULL_SLICE }
}

/// Chooses who runs next. Called on the scheduler thread with the runtime's
/// scheduling lock held, so it must not call back into the runtime.
pub trait SchedulePolicy: Send {
    /// Picks one of `ready` (arrival order, never empty) to run next, and its budget.
    /// `step` counts the decisions taken so far in this runtime.
    fn pick(&mut self, step: usize, ready: &[Pid]) -> Decision;
}

/// What happened, in the order it happened, while a policy scheduled the runtime.
#[derive(Debug, Clone, PartialEq)]
pub enum ScheduleEvent {
    /// The turn went to `chosen.pid` among `ready` (arrival order).
    Turn {
        /// Decision number, from 0.
        step: usize,
        /// Who was ready.
        ready: Vec<Pid>,
        /// Who runs, and its budget.
        chosen: Decision,
    },
    /// A process's slice ended with its budget spent (it was preempted).
    Preempted {
        /// The process.
        pid: Pid,
    },
    /// A process was created (`parent` is the process running then, if any).
    Spawn {
        /// The process that spawned it.
        parent: Option<Pid>,
        /// The new process.
        child: Pid,
    },
    /// A message was queued in `to`'s mailbox.
    Send {
        /// The process running when it was sent (none: a timer or the host).
        from: Option<Pid>,
        /// The receiver.
        to: Pid,
        /// The message.
        message: Term,
    },
    /// A process took a message out of its mailbox in a `receive`.
    Receive {
        /// The receiver.
        pid: Pid,
        /// The message.
        message: Term,
    },
    /// A process registered a name.
    Register {
        /// The process.
        pid: Pid,
        /// The name.
        name: Atom,
    },
    /// A process exited.
    Exit {
        /// The process.
        pid: Pid,
        /// Its exit reason.
        reason: Term,
    },
}

/// The most events kept per run: a runaway script must not exhaust memory through
/// the trace (decisions go on; the trace just stops growing).
const MAX_EVENTS: usize = 100_000;

/// The gate every process passes before a slice when a policy is installed.
pub struct Turnstile {
    ready: Arc<ReadyCount>,
    state: Mutex<Gate>,
}

struct Gate {
    policy: Box<dyn SchedulePolicy>,
    /// Processes waiting for the turn, in arrival order, with their task's waker.
    queue: Vec<(Pid, Waker)>,
    /// Who holds the turn, and the budget it was given.
    holder: Option<Decision>,
    /// Decisions taken so far.
    steps: usize,
    events: Vec<ScheduleEvent>,
}

impl Turnstile {
    /// A turnstile deciding with `policy`, counting ready processes with `ready`.
    pub(crate) fn new(policy: Box<dyn SchedulePolicy>, ready: Arc<ReadyCount>) -> Turnstile {
        Turnstile {
            ready,
            state: Mutex::new(Gate { policy, queue: Vec::new(), holder: None, steps: 0, events: Vec::new() }),
        }
    }

    /// Waits until `pid` is given the turn; returns its slice's budget.
    pub(crate) async fn enter(&self, pid: Pid) -> u32 {
        std::future::poll_fn(|cx| {
            let mut gate = self.state.lock();
            if gate.holder.is_none_or(|h| h.pid != pid) {
                match gate.queue.iter_mut().find(|(p, _)| *p == pid) {
                    Some((_, waker)) => waker.clone_from(cx.waker()),
                    None => gate.queue.push((pid, cx.waker().clone())),
                }
                self.decide(&mut gate);
            }
            match gate.holder {
                Some(h) if h.pid == pid => {
                    gate.queue.retain(|(p, _)| *p != pid);
                    Poll::Ready(h.budget)
                }
                _ => Poll::Pending,
            }
        })
        .await
    }

    /// `pid`'s slice is over (`preempted`: its budget ran out); the next decision
    /// may be taken. Called after the slice's effects are counted as ready.
    pub(crate) fn leave(&self, pid: Pid, preempted: bool) {
        let mut gate = self.state.lock();
        if gate.holder.is_some_and(|h| h.pid == pid) {
            gate.holder = None;
            if preempted {
                gate.record(ScheduleEvent::Preempted { pid });
            }
        }
        self.decide(&mut gate);
    }

    /// Records `event` with the process holding the turn, if any.
    pub(crate) fn note(&self, event: impl FnOnce(Option<Pid>) -> ScheduleEvent) {
        let mut gate = self.state.lock();
        let running = gate.holder.map(|h| h.pid);
        gate.record(event(running));
    }

    /// Everything recorded so far, in order.
    pub fn events(&self) -> Vec<ScheduleEvent> {
        self.state.lock().events.clone()
    }

    /// Gives the turn to the policy's choice once every ready process is queued.
    fn decide(&self, gate: &mut Gate) {
        if gate.holder.is_some() || gate.queue.is_empty() || gate.queue.len() < self.ready.get() {
            return;
        }
        let ready: Vec<Pid> = gate.queue.iter().map(|(p, _)| *p).collect();
        let step = gate.steps;
        let mut chosen = gate.policy.pick(step, &ready);
        if !ready.contains(&chosen.pid) {
            // A policy naming a process that is not ready is a bug in the policy;
            // the run goes on as the run queue would rather than hang.
            chosen = default_choice(&ready);
        }
        chosen.budget = chosen.budget.max(1);
        gate.steps += 1;
        gate.holder = Some(chosen);
        gate.record(ScheduleEvent::Turn { step, ready, chosen });
        if let Some((_, waker)) = gate.queue.iter().find(|(p, _)| *p == chosen.pid) {
            waker.wake_by_ref();
        }
    }
}

impl Gate {
    fn record(&mut self, event: ScheduleEvent) {
        if self.events.len() < MAX_EVENTS {
            self.events.push(event);
        }
    }
}

impl Runtime {
    /// From now on every slice of every process is scheduled by `policy`. Only on
    /// the virtual clock (one thread, so a run is a function of the decisions), and
    /// only once per runtime; install it while no process is running.
    pub fn schedule_with(&self, policy: Box<dyn SchedulePolicy>) -> Result<(), RuntimeError> {
        if self.clock() != Clock::Virtual {
            return Err(RuntimeError::Schedule("a scheduling policy needs the virtual clock"));
        }
        let turnstile = Arc::new(Turnstile::new(policy, self.inner.ready.clone()));
        self.inner.turnstile.set(turnstile).map_err(|_| RuntimeError::Schedule("a policy is already installed"))
    }

    /// What happened since a policy was installed (empty without one).
    pub fn schedule_events(&self) -> Vec<ScheduleEvent> {
        self.inner.turnstile.get().map(|t| t.events()).unwrap_or_default()
    }

    /// The installed policy's gate, if any (the driver asks once per process).
    pub(crate) fn turnstile(&self) -> Option<Arc<Turnstile>> {
        self.inner.turnstile.get().cloned()
    }

    /// Hook: a message to `to` is being queued.
    pub(crate) fn note_send(&self, to: Pid, message: &Term) {
        if let Some(t) = self.inner.turnstile.get() {
            t.note(|from| ScheduleEvent::Send { from, to, message: message.clone() });
        }
    }

    /// Hook: `pid` took `message` in a receive.
    pub(crate) fn note_receive(&self, pid: Pid, message: &Term) {
        if let Some(t) = self.inner.turnstile.get() {
            t.note(|_| ScheduleEvent::Receive { pid, message: message.clone() });
        }
    }

    /// Hook: `child` was created (by the running process, if any).
    pub(crate) fn note_spawn(&self, child: Pid) {
        if let Some(t) = self.inner.turnstile.get() {
            t.note(|parent| ScheduleEvent::Spawn { parent, child });
        }
    }

    /// Hook: `pid` registered `name`.
    pub(crate) fn note_register(&self, pid: Pid, name: Atom) {
        if let Some(t) = self.inner.turnstile.get() {
            t.note(|_| ScheduleEvent::Register { pid, name });
        }
    }

    /// Hook: `pid` exited with `reason`.
    pub(crate) fn note_exit(&self, pid: Pid, reason: &Term) {
        if let Some(t) = self.inner.turnstile.get() {
            t.note(|_| ScheduleEvent::Exit { pid, reason: reason.clone() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Always the most recently arrived process, half a slice.
    struct Newest;
    impl SchedulePolicy for Newest {
        fn pick(&mut self, _step: usize, ready: &[Pid]) -> Decision {
            Decision { pid: ready[ready.len() - 1], budget: 7 }
        }
    }

    #[test]
    fn the_turn_waits_for_every_ready_process_then_goes_to_the_choice() {
        let ready = Arc::new(ReadyCount::default());
        ready.up();
        ready.up();
        let gate = Arc::new(Turnstile::new(Box::new(Newest), ready.clone()));
        let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let order = Arc::new(Mutex::new(Vec::new()));
        rt.block_on(async {
            let mut tasks = Vec::new();
            for pid in [Pid(1), Pid(2)] {
                let (gate, order, ready) = (gate.clone(), order.clone(), ready.clone());
                tasks.push(tokio::spawn(async move {
                    let budget = gate.enter(pid).await;
                    order.lock().push((pid, budget));
                    ready.down();
                    gate.leave(pid, false);
                }));
            }
            for t in tasks {
                t.await.expect("task");
            }
        });
        // Pid 1 arrived first but had to wait for pid 2; the policy picked the newest.
        assert_eq!(*order.lock(), [(Pid(2), 7), (Pid(1), 7)]);
        let turns = gate.events().iter().filter(|e| matches!(e, ScheduleEvent::Turn { .. })).count();
        assert_eq!(turns, 2);
    }
}
