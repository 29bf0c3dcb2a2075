//! The two clocks: real time on a multi-thread tokio runtime, or virtual time on a
//! paused current-thread runtime that jumps forward whenever every process waits.

use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::runtime::Handle;
use tokio::time::Instant;

/// Which clock a runtime runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Wall-clock time; processes run on two tokio worker threads.
    Real,
    /// Paused tokio time on one thread: sleeps cost no wall time and every run gives
    /// the same timings.
    Virtual,
}

/// The fixed wall-clock epoch a virtual clock starts at (2024-01-01T00:00:00Z), so
/// `System.system_time/0` is deterministic under the virtual clock.
pub const VIRTUAL_EPOCH_MS: u64 = 1_704_067_200_000;

/// Reads the runtime's clock. Monotonic milliseconds count from the runtime's start.
///
/// Invariant: every reading of the virtual clock goes through the runtime's tokio
/// handle, so a thread outside the runtime (the REPL) sees the same virtual time as
/// the processes. The real clock is the OS's monotonic clock on every thread.
#[derive(Clone)]
pub(crate) struct ClockSource {
    kind: Clock,
    handle: Handle,
    start: Instant,
    wall_start_ms: u64,
}

impl ClockSource {
    /// A clock starting now on `handle`'s time driver.
    pub(crate) fn new(kind: Clock, handle: Handle) -> ClockSource {
        let start = {
            let _inside = handle.enter();
            Instant::now()
        };
        let wall_start_ms = match kind {
            Clock::Real => wall_clock_ms(),
            Clock::Virtual => VIRTUAL_EPOCH_MS,
        };
        ClockSource { kind, handle, start, wall_start_ms }
    }

    /// Which clock this is.
    pub(crate) fn kind(&self) -> Clock {
        self.kind
    }

    /// The runtime's current instant (virtual under [`Clock::Virtual`]).
    pub(crate) fn instant_now(&self) -> Instant {
        match self.kind {
            // What tokio's clock reads when time is not paused, without entering
            // the runtime's context (a thread-local swap and its restore on every
            // reading; a GenServer.call reads the clock twice).
            Clock::Real => Instant::from_std(std::time::Instant::now()),
            Clock::Virtual => {
                let _inside = self.handle.enter();
                Instant::now()
            }
        }
    }

    /// Monotonic microseconds since the runtime started.
    pub(crate) fn now_us(&self) -> u64 {
        let elapsed = self.instant_now().saturating_duration_since(self.start);
        u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX)
    }

    /// Monotonic milliseconds since the runtime started.
    pub(crate) fn now_ms(&self) -> u64 {
        self.now_us() / 1000
    }

    /// Wall-clock milliseconds since the Unix epoch: the real clock, or under the
    /// virtual clock the fixed epoch plus the virtual time elapsed.
    pub(crate) fn system_time_ms(&self) -> u64 {
        match self.kind {
            Clock::Real => wall_clock_ms(),
            Clock::Virtual => self.wall_start_ms + self.now_ms(),
        }
    }

    /// The tokio instant for a deadline in runtime milliseconds.
    /// Deadlines too far to represent (`:infinity` as `u64::MAX`) become a point
    /// a century away, which no session reaches.
    pub(crate) fn instant_at(&self, deadline_ms: u64) -> Instant {
        self.start
            .checked_add(Duration::from_millis(deadline_ms))
            .unwrap_or_else(|| self.start + Duration::from_secs(100 * 365 * 86_400))
    }

    /// Milliseconds from now until `deadline_ms` (0 once it has passed).
    pub(crate) fn remaining_ms(&self, deadline_ms: u64) -> u64 {
        deadline_ms.saturating_sub(self.now_ms())
    }
}

/// Milliseconds since the Unix epoch on the host's wall clock (0 if the host clock is
/// set before 1970, which no supported system does).
fn wall_clock_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Gives other tasks a turn after a body used up its budget.
///
/// Under the virtual clock this is a 1 ms sleep, never `yield_now`: a task that is
/// always runnable would stop paused time from ever advancing, so a runaway process
/// would freeze every timer. Each slice therefore costs 1 ms of virtual time.
pub(crate) async fn pause_after_slice(kind: Clock) {
    match kind {
        Clock::Real => tokio::task::yield_now().await,
        Clock::Virtual => tokio::time::sleep(Duration::from_millis(1)).await,
    }
}

/// Builds the tokio runtime for `kind`: two workers for real time, each spinning a
/// moment before it sleeps while `ready` says a wake is coming (see
/// [`super::idle_spin`]); one thread with paused time for virtual time (tokio only
/// supports pausing a current-thread runtime, and that thread never spins).
///
/// Worker threads print with `structs`, the session's struct definitions (the
/// thread calling this installs them itself).
pub(crate) fn build_tokio(
    kind: Clock,
    structs: Option<std::sync::Arc<crate::term::inspect::StructTable>>,
    ready: std::sync::Arc<super::ready::ReadyCount>,
) -> std::io::Result<tokio::runtime::Runtime> {
    match kind {
        Clock::Real => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("otplab-sched")
            .on_thread_start(move || {
                if let Some(t) = &structs {
                    crate::term::inspect::set_thread_struct_table(t.clone());
                }
            })
            .on_thread_park(move || super::idle_spin::spin_before_sleep(&ready))
            .enable_time()
            .build(),
        Clock::Virtual => {
            tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_clock_jumps_when_everything_sleeps() -> std::io::Result<()> {
        let rt = build_tokio(Clock::Virtual, None, Default::default())?;
        let clock = ClockSource::new(Clock::Virtual, rt.handle().clone());
        let wall = std::time::Instant::now();
        rt.block_on(async { tokio::time::sleep(Duration::from_secs(3600)).await });
        assert_eq!(clock.now_ms(), 3_600_000);
        assert_eq!(clock.system_time_ms(), VIRTUAL_EPOCH_MS + 3_600_000);
        assert!(wall.elapsed() < Duration::from_secs(60), "no real hour passed");
        Ok(())
    }

    #[test]
    fn deadlines_round_trip_through_instants() -> std::io::Result<()> {
        let rt = build_tokio(Clock::Virtual, None, Default::default())?;
        let clock = ClockSource::new(Clock::Virtual, rt.handle().clone());
        let at = clock.instant_at(250);
        rt.block_on(async { tokio::time::sleep_until(at).await });
        assert_eq!(clock.now_ms(), 250);
        assert_eq!(clock.remaining_ms(200), 0);
        assert_eq!(clock.remaining_ms(400), 150);
        Ok(())
    }
}
