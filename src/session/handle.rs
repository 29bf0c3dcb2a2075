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

    /// Makes the session's struct definitions the ones `inspect` uses on the calling
    /// thread until the scope drops (the grader's thread, printing the answer's values).
    pub fn enter_structs(&self) -> crate::term::inspect::StructScope {
        self.runtime.enter_structs()
    }

    /// How many processes are alive right now.
    pub fn process_count(&self) -> usize {
        self.runtime.process_count()
    }

    /// Reductions every process has run so far.
    pub fn reductions(&self) -> u64 {
        self.runtime.meter().read().reductions
    }

    /// Bytes the runtime accounts for (`:erlang.memory(:total)`).
    pub fn memory_bytes(&self) -> u64 {
        u64::try_from(self.runtime.memory().total).unwrap_or(u64::MAX)
    }

    /// Bytes the whole process's heap holds now, as the global allocator counts
    /// them (0 when the binary did not install the gauge): every term of every
    /// session, which [`Self::memory_bytes`] does not walk.
    pub fn process_heap_bytes(&self) -> u64 {
        crate::runtime::heap_gauge::live_bytes()
    }

    /// Caps the size of binaries the session's code may build (its memory limit).
    pub fn limit_binaries(&self, bytes: u64) {
        self.runtime.set_max_binary_bytes(bytes);
    }

    /// Confines the session's file access (the grader: fixtures, read-only).
    pub fn confine(&self, confinement: crate::runtime::Confinement) {
        self.runtime.confine(confinement);
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
