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

use super::ready::ReadyCount;
use std::time::{Duration, Instant};

/// The longest a worker spins before it sleeps.
pub const SPIN_LIMIT: Duration = Duration::from_micros(500);

/// How long two or more ready processes must last to end a spin.
pub const BUSY_HOLD: Duration = Duration::from_micros(10);

/// What a spinning worker decides on one look at the ready count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Look {
    /// Keep spinning.
    Spin,
    /// Stop and sleep (or let tokio find the work).
    Stop,
}

/// The spin's state: when it began and since when the count has stayed at two or more.
#[derive(Debug)]
struct Spin {
    start: Instant,
    busy_since: Option<Instant>,
}

impl Spin {
    fn look(&mut self, ready: usize, now: Instant) -> Look {
        if ready == 0 || now.duration_since(self.start) >= SPIN_LIMIT {
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
    let mut spin = Spin { start: Instant::now(), busy_since: None };
    loop {
        for _ in 0..16 {
            std::hint::spin_loop();
        }
        if spin.look(ready.get(), Instant::now()) == Look::Stop {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spin_at(start: Instant) -> Spin {
        Spin { start, busy_since: None }
    }

    #[test]
    fn nobody_ready_means_sleep_at_once() {
        let t = Instant::now();
        assert_eq!(spin_at(t).look(0, t), Look::Stop);
    }

    #[test]
    fn one_running_process_keeps_the_spin_until_the_limit() {
        let t = Instant::now();
        let mut s = spin_at(t);
        assert_eq!(s.look(1, t + Duration::from_micros(100)), Look::Spin);
        assert_eq!(s.look(1, t + SPIN_LIMIT), Look::Stop);
    }

    #[test]
    fn a_flicker_to_two_does_not_end_the_spin_but_a_lasting_two_does() {
        let t = Instant::now();
        let mut s = spin_at(t);
        assert_eq!(s.look(2, t + Duration::from_micros(1)), Look::Spin);
        assert_eq!(s.look(1, t + Duration::from_micros(2)), Look::Spin);
        // The count went back to one: the hold starts again.
        assert_eq!(s.look(2, t + Duration::from_micros(3)), Look::Spin);
        assert_eq!(s.look(2, t + Duration::from_micros(3) + BUSY_HOLD / 2), Look::Spin);
        assert_eq!(s.look(3, t + Duration::from_micros(3) + BUSY_HOLD), Look::Stop);
    }

    #[test]
    fn the_spin_returns_when_nobody_is_ready() {
        // With the count at zero this returns after one look, whatever the limit.
        spin_before_sleep(&ReadyCount::default());
    }
}
