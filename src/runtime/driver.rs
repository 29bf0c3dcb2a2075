//! The scheduler side of a process: one tokio task per process drives its body
//! through run → yield / wait / exit.

use super::body::{ProcessBody, Step};
use super::clock::{Clock, pause_after_slice};
use super::context::ProcessContext;
use super::process::{Arrival, Awake, Status};
use crate::term::Term;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Reductions per slice before a body must yield (BEAM's `CONTEXT_REDS`).
pub const SLICE_REDUCTIONS: u32 = 4000;

/// Slices a lone process may run back to back before yielding to tokio anyway.
const SOLO_SLICES: u32 = 16;

/// Runs a process to its end, then performs its exit sequence.
///
/// Exit signals are acted on every time before the body resumes, so a process
/// that never waits (a runaway loop) can still be killed between slices.
pub(crate) async fn drive(mut body: Box<dyn ProcessBody>, mut cx: ProcessContext) {
    let clock = cx.runtime().clock();
    // Only when a scheduling policy is installed (the explorer); otherwise `None`
    // and every slice runs as tokio orders it, with a full budget.
    let turnstile = cx.runtime().turnstile();
    let pid = cx.pid();
    let mut solo = 0u32;
    // The real clock's wait timer, kept from one wait to the next (see [`wait`]).
    let mut wait_timer: Option<Pin<Box<tokio::time::Sleep>>> = None;
    // The last wake began the slice (`Awake::Begun`). (What lives across this
    // loop's awaits is in every process's memory, see `Arrival`.)
    let mut begun = false;
    let (reason, by_signal) = loop {
        let budget = match &turnstile {
            Some(t) => t.enter(pid).await,
            None => SLICE_REDUCTIONS,
        };
        let fatal = if std::mem::take(&mut begun) { cx.slice_begun(None) } else { cx.begin_slice() };
        if let Some(reason) = fatal {
            break (reason, true);
        }
        // The deadlock probe's counts (slices run, waits with a deadline) serve the
        // virtual clock only (see `Runtime::deadlock_probe`): on the real clock each
        // was one more locked read-modify-write on a word every worker shares, per
        // slice and per wait.
        if clock == Clock::Virtual {
            cx.runtime().inner.slices.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        // A panicking body is a bug in the VM; contain it to this process so the
        // session (and anyone awaiting the process) sees an exit instead of a hang.
        let step = match catch_unwind(AssertUnwindSafe(|| body.run(&mut cx, budget))) {
            Ok(step) => step,
            Err(payload) => {
                let what = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".to_string());
                cx.runtime()
                    .output()
                    .write_stderr(&format!("otplab internal error in process {:?}: {what}\n", cx.pid()));
                break (Term::pair(Term::atom("internal_error"), Term::string(what)), false);
            }
        };
        match step {
            Step::Exited(reason) => break (reason, false),
            Step::Yielded => {
                // Alone, a process keeps its thread for a few slices (see
                // `super::ready`); every `SOLO_SLICES`th slice it yields anyway, so
                // tasks that are not processes (the timer service) still get a turn.
                solo += 1;
                if clock == Clock::Real && solo < SOLO_SLICES && cx.entry().ready.alone() {
                    continue;
                }
                solo = 0;
                cx.park(Status::Runnable, body.heap_bytes());
                if let Some(t) = &turnstile {
                    t.leave(pid, true);
                }
                pause_after_slice(clock).await;
            }
            Step::Wait { deadline_ms } => {
                solo = 0;
                let timer = if deadline_ms.is_some() { SLEEP_BYTES } else { 0 };
                // The status and bytes are recorded by the wait's first look for a
                // message, under the lock it takes (see `ProcessEntry::arrival`).
                let body_bytes = body.heap_bytes() + timer;
                cx.end_slice();
                cx.entry().ready.down();
                if let Some(t) = &turnstile {
                    t.leave(pid, false);
                }
                let timed = clock == Clock::Virtual && deadline_ms.is_some();
                if timed {
                    cx.runtime().inner.timed_waits.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
                // Without a turnstile to pass first, the wake begins the slice.
                let arrival = cx.entry().arrival(body_bytes, turnstile.is_none());
                let awake = wait(&cx, deadline_ms, &mut wait_timer, arrival).await;
                if awake.is_none() {
                    cx.entry().resumed();
                }
                // Uncounted only once counted ready again: a deadlock probe never
                // sees the process as neither timed nor ready.
                if timed {
                    cx.runtime().inner.timed_waits.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                }
                match awake {
                    Some(Awake::Begun(Some(reason))) => break (reason, true),
                    Some(Awake::Begun(None)) => begun = true,
                    Some(Awake::Resumed) | None => {}
                }
            }
        }
    };
    // No longer running: uncounted before anyone hears of the exit.
    cx.entry().ready.down();
    // Free the body (the VM's frames) before the exit signals go out.
    drop(body);
    cx.finish(reason, by_signal);
    // After the exit signals went out, so the processes they woke are counted
    // before the next decision.
    if let Some(t) = &turnstile {
        t.leave(pid, false);
    }
}

/// The boxed timer a wait with a deadline allocates (see [`wait`]).
const SLEEP_BYTES: usize = std::mem::size_of::<tokio::time::Sleep>();

/// Parks until `arrival` (see [`super::process::ProcessEntry::arrival`]) sees a
/// message or signal (what it did), or `deadline_ms` passes (`None`: the caller
/// counts the process ready again). Arrival first: a message that is there when
/// the deadline has passed too is taken.
///
/// On the real clock the timer outlives the wait in `timer` and is moved to each
/// new deadline: a process that calls a server again and again (a 5 s timeout
/// each time) pushes one registered timer later, which tokio does without touching
/// its timer wheel, instead of registering and cancelling a timer per call. A
/// stale timer that still fires wakes the process once, and it waits again. The
/// virtual clock gets a fresh timer per wait, dropped with it: a stale deadline
/// left registered would be a point virtual time could jump to.
fn wait<'a>(
    cx: &ProcessContext,
    deadline_ms: Option<u64>,
    timer: &'a mut Option<Pin<Box<tokio::time::Sleep>>>,
    arrival: Arrival<'a>,
) -> Wait<'a> {
    let deadline = match deadline_ms {
        None => Deadline::Never,
        Some(d) => {
            let clock = &cx.runtime().inner.clock;
            if clock.now_ms() >= d {
                Deadline::Passed
            } else {
                let at = clock.instant_at(d);
                if cx.runtime().clock() == Clock::Real {
                    let sleep = timer.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(at)));
                    sleep.as_mut().reset(at);
                    Deadline::Kept(sleep.as_mut())
                } else {
                    // Boxed: only waiting processes with a deadline pay for a timer entry.
                    Deadline::Own(Box::pin(tokio::time::sleep_until(at)))
                }
            }
        }
    };
    Wait { arrival, deadline }
}

/// The future of [`wait`]. Written out rather than an `async fn` around a
/// `select!`: the driver holds it across the wait, so its size is in every
/// waiting process's memory (see `super::process::Arrival`); the generated one
/// kept the deadline, the timer's instant and the arrival twice over.
struct Wait<'a> {
    arrival: Arrival<'a>,
    deadline: Deadline<'a>,
}

/// When a wait ends without an arrival.
enum Deadline<'a> {
    /// Never (`receive` without `after`).
    Never,
    /// At once: the deadline had passed when the wait began.
    Passed,
    /// When the process's kept timer (the real clock's) fires.
    Kept(Pin<&'a mut tokio::time::Sleep>),
    /// When this wait's own timer (the virtual clock's) fires.
    Own(Pin<Box<tokio::time::Sleep>>),
}

impl Future for Wait<'_> {
    type Output = Option<Awake>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Awake>> {
        if let Poll::Ready(awake) = Pin::new(&mut self.arrival).poll(cx) {
            return Poll::Ready(Some(awake));
        }
        let fired = match &mut self.deadline {
            Deadline::Never => return Poll::Pending,
            Deadline::Passed => Poll::Ready(()),
            Deadline::Kept(sleep) => sleep.as_mut().poll(cx),
            Deadline::Own(sleep) => sleep.as_mut().poll(cx),
        };
        fired.map(|()| None)
    }
}
