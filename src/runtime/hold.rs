//! Holding virtual time still. The step mode stops the world between two steps, so a
//! demo's outcome never depends on how long the presenter talks: on the virtual clock
//! nothing runs and no virtual millisecond passes while a [`Hold`] is alive.
//!
//! How: the virtual clock drives every process from one scheduler thread, and tokio
//! advances paused time only when that thread has nothing to run. A hold parks a task
//! on that thread in a blocking wait, so no process gets a turn and time cannot jump.
//! Dropping the hold ends the wait. On the real clock a hold does nothing: real time
//! passes whatever we do, and holding the workers would only freeze the demo unfairly.

use std::sync::mpsc;
use std::time::Duration;

use super::clock::Clock;
use super::system::Runtime;

/// How long [`Runtime::hold`] waits for the scheduler to reach the hold before giving
/// up (a process in a long slice delays it; a stopped runtime never answers).
const REACH_TIMEOUT: Duration = Duration::from_secs(5);

/// While alive, no process of a virtual-clock runtime runs and its time stands still.
#[must_use = "time stands still only while the hold is kept"]
pub struct Hold {
    /// Dropping it wakes the parked scheduler task; `None` on the real clock.
    release: Option<mpsc::Sender<()>>,
}

impl Hold {
    /// True when the runtime is actually held (virtual clock, scheduler reached).
    pub fn is_holding(&self) -> bool {
        self.release.is_some()
    }
}

impl Runtime {
    /// Stops every process and the virtual clock until the returned [`Hold`] is
    /// dropped (see the module doc); returns once the scheduler is held. Must not be
    /// called from a runtime thread.
    pub fn hold(&self) -> Hold {
        if self.clock() != Clock::Virtual {
            return Hold { release: None };
        }
        let (release, released) = mpsc::channel::<()>();
        let (reached, reach) = mpsc::channel::<()>();
        self.tokio_handle().spawn(async move {
            let _ = reached.send(());
            // Blocking on purpose: this is what keeps the single scheduler thread busy.
            let _ = released.recv();
        });
        match reach.recv_timeout(REACH_TIMEOUT) {
            Ok(()) => Hold { release: Some(release) },
            Err(_) => Hold { release: None },
        }
    }
}

impl Runtime {
    /// [`Runtime::hold`] for code running on the scheduler thread itself (a process
    /// body): queues the hold without waiting for it. The processes already ready run
    /// first, but no virtual time passes before the hold takes effect, since paused
    /// time only advances when nothing is ready.
    pub fn hold_from_scheduler(&self) -> Hold {
        if self.clock() != Clock::Virtual {
            return Hold { release: None };
        }
        let (release, released) = mpsc::channel::<()>();
        self.tokio_handle().spawn(async move {
            let _ = released.recv();
        });
        Hold { release: Some(release) }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::runtime::output::Discard;

    #[test]
    fn virtual_time_stands_still_while_held() {
        let runtime = Runtime::start(Clock::Virtual, Arc::new(Discard)).expect("runtime");
        // A timer far ahead would let paused time jump to it at once if nothing held it.
        runtime.tokio_handle().spawn(async { tokio::time::sleep(Duration::from_secs(3600)).await });
        let hold = runtime.hold();
        assert!(hold.is_holding());
        let before = runtime.now_ms();
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(runtime.now_ms(), before, "time moved while held");
        drop(hold);
        let wall = std::time::Instant::now();
        while runtime.now_ms() < 3_600_000 && wall.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(runtime.now_ms() >= 3_600_000, "time jumped to the timer once released");
    }

    #[test]
    fn a_hold_on_the_real_clock_holds_nothing() {
        let runtime = Runtime::start(Clock::Real, Arc::new(Discard)).expect("runtime");
        assert!(!runtime.hold().is_holding());
    }
}
