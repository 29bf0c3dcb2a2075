//! [`spin_before_sleep`]: how an idle scheduler thread waits a moment before it
//! sleeps, as BEAM's schedulers busy-wait before they sleep (`+sbwt`).
//!
//! A message round trip (`GenServer.call`, `Agent.get`, ping-pong) wakes a process
//! about once a microsecond. When the second worker sleeps as soon as it has
//! nothing to run, tokio keeps waking it (a `futex` call on each side, then the
//! woken worker steals one of the two processes and every later wake crosses
//! threads): a third of such a loop went to the kernel. While a worker spins here,
//! tokio counts it awake and sends it no wake-up, so the round trip stays on the
//! other worker.
//!
//! The spin ends early, so parallel work and timers lose nothing:
//! - when no process is ready (everyone waits: for a message, a timer, input), the
//!   thread sleeps at once, and a sleeping worker is the one that serves timers;
//! - when two or more processes have been ready for [`BUSY_HOLD`], there is work for
//!   both workers: the thread goes on to park, and tokio's last check before it
//!   sleeps finds the other worker's queue and lets it steal.
//!
//! The ready count flickers to two for an instant at each hand-off of a round trip
//! (the receiver is woken just before the sender waits); only a count that stays up
//! ends the spin.
//! - when the count has not changed for [`QUIET`], nobody is handing work to anyone:
//!   one process computes alone (`fib(27)`, a tight loop), and a wake is not coming.
//!   A worker that spun beside it for the whole limit, every time the process handed
//!   its thread back to tokio, made it up to twice as slow on a host where the two
//!   workers share a core's resources (fib(27): 10.6 ms against 5.6 ms).

use super::ready::ReadyCount;
use std::time::{Duration, Instant};

/// The longest a worker spins before it sleeps.
pub const SPIN_LIMIT: Duration = Duration::from_micros(500);

/// How long two or more ready processes must last to end a spin.
pub const BUSY_HOLD: Duration = Duration::from_micros(10);

/// How long the ready count may stay unchanged (no process woken, none waiting)
/// before a spin ends: a round trip changes it every microsecond or so.
pub const QUIET: Duration = Duration::from_micros(20);

/// Spin-loop hints between two looks at the ready count: about 4.8 us on an Intel
/// Xeon, where a hint takes 9.4 ns, under [`BUSY_HOLD`] and [`QUIET`]. Each
/// look pulls the count's cache line to this core, and the next change of the
/// count by the busy worker (four per round trip) must pull it back: looking
/// every 16 hints, that transfer was the most sampled instruction of a
/// ping-pong's busy worker (the `lock add` of `ReadyCount::down`, about 7% of its
/// time). Ping-pong round trips per second by hints per look, on that host:
/// 16: 1.40-1.42M, 64: 1.56-1.61M, 128: 1.67-1.69M, 256: 1.76-1.77M. From 256 to
/// 512 the round trip no longer moved beyond the noise (Agent.get 618-625k against
/// 618-620k ops/s); 512 is what every figure since session 20 ran with.
const LOOK_EVERY: u32 = 512;

/// What a spinning worker decides on one look at the ready count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Look {
    /// Keep spinning.
    Spin,
    /// Stop and sleep (or let tokio find the work).
    Stop,
}

/// The spin's state: when it began, since when the count has stayed at two or
/// more, and the count's changes as last seen and since when they stayed so.
#[derive(Debug)]
struct Spin {
    start: Instant,
    busy_since: Option<Instant>,
    changes: u32,
    quiet_since: Instant,
}

impl Spin {
    fn new(start: Instant, changes: u32) -> Spin {
        Spin { start, busy_since: None, changes, quiet_since: start }
    }

    fn look(&mut self, (ready, changes): (usize, u32), now: Instant) -> Look {
        if ready == 0 || now.duration_since(self.start) >= SPIN_LIMIT {
            return Look::Stop;
        }
        if changes != self.changes {
            (self.changes, self.quiet_since) = (changes, now);
        } else if now.duration_since(self.quiet_since) >= QUIET {
            return Look::Stop;
        }
        if ready < 2 {
            self.busy_since = None;
            return Look::Spin;
        }
        let since = *self.busy_since.get_or_insert(now);
        if now.duration_since(since) >= BUSY_HOLD { Look::Stop } else { Look::Spin }
    }
}

/// Spins while the runtime's `ready` processes suggest a wake is coming (see the
/// module doc); called by tokio on a worker thread just before it parks.
pub fn spin_before_sleep(ready: &ReadyCount) {
    let mut spin = Spin::new(Instant::now(), ready.look().1);
    loop {
        for _ in 0..LOOK_EVERY {
            std::hint::spin_loop();
        }
        if spin.look(ready.look(), Instant::now()) == Look::Stop {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spin_at(start: Instant) -> Spin {
        Spin::new(start, 0)
    }

    fn us(n: u64) -> Duration {
        Duration::from_micros(n)
    }

    #[test]
    fn nobody_ready_means_sleep_at_once() {
        let t = Instant::now();
        assert_eq!(spin_at(t).look((0, 0), t), Look::Stop);
    }

    #[test]
    fn round_trips_keep_the_spin_until_the_limit() {
        // One process running, the count changing every 10 us (wakes and waits).
        let t = Instant::now();
        let mut s = spin_at(t);
        for k in 1..50u32 {
            assert_eq!(s.look((1, k), t + us(10 * u64::from(k))), Look::Spin, "at {k}");
        }
        assert_eq!(s.look((1, 50), t + SPIN_LIMIT), Look::Stop);
    }

    #[test]
    fn a_process_computing_alone_ends_the_spin_once_quiet() {
        let t = Instant::now();
        let mut s = spin_at(t);
        assert_eq!(s.look((1, 0), t + QUIET / 2), Look::Spin);
        assert_eq!(s.look((1, 0), t + QUIET), Look::Stop);
        // A change restarts the quiet time.
        let mut s = spin_at(t);
        assert_eq!(s.look((1, 1), t + QUIET / 2), Look::Spin);
        assert_eq!(s.look((1, 1), t + QUIET), Look::Spin);
        assert_eq!(s.look((1, 1), t + QUIET / 2 + QUIET), Look::Stop);
    }

    #[test]
    fn a_flicker_to_two_does_not_end_the_spin_but_a_lasting_two_does() {
        let t = Instant::now();
        let mut s = spin_at(t);
        assert_eq!(s.look((2, 1), t + us(1)), Look::Spin);
        assert_eq!(s.look((1, 2), t + us(2)), Look::Spin);
        // The count went back to one: the hold starts again.
        assert_eq!(s.look((2, 3), t + us(3)), Look::Spin);
        assert_eq!(s.look((2, 3), t + us(3) + BUSY_HOLD / 2), Look::Spin);
        assert_eq!(s.look((3, 4), t + us(3) + BUSY_HOLD), Look::Stop);
    }

    #[test]
    fn the_spin_returns_when_nobody_is_ready() {
        // With the count at zero this returns after one look, whatever the limit.
        spin_before_sleep(&ReadyCount::default());
    }
}
