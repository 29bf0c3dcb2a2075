//! A handle on a running session that another thread may hold: it can watch the
//! number of live processes and stop the whole runtime. The grader's wall-clock
//! guard uses it to end an answer that spins or floods spawn.

use crate::runtime::Runtime;

/// A cloneable handle on a session's runtime, usable from any thread.
#[derive(Clone)]
pub struct SessionHandle {
    runtime: Runtime,
}

impl SessionHandle {
    /// A handle on `runtime`.
    pub(crate) fn new(runtime: Runtime) -> SessionHandle {
        SessionHandle { runtime }
    }

    /// How many processes are alive right now.
    pub fn process_count(&self) -> usize {
        self.runtime.process_count()
    }

    /// The record of process lifetimes (off until started), for timelines.
    pub fn journal(&self) -> &crate::runtime::Journal {
        self.runtime.journal()
    }

    /// Stops every process and the scheduler. Blocks until the scheduler thread has
    /// ended (at most about half a second after the processes last yield); call it
    /// from a thread that may wait. The session is unusable afterwards.
    pub fn stop(&self) {
        self.runtime.shutdown();
    }
}
