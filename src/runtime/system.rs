//! [`Runtime`]: state shared by every process of one session.

use super::ets::EtsRegistry;
use super::output::OutputSink;
use crate::term::{Pid, Ref};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// One BEAM-like node: pids, refs, output. Cheap to clone (an `Arc` inside).
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

struct Inner {
    next_pid: AtomicU64,
    next_ref: AtomicU64,
    output: Arc<dyn OutputSink>,
    started: std::time::Instant,
    ets: EtsRegistry,
}

impl Runtime {
    /// A runtime whose processes write to `output`.
    pub fn new(output: Arc<dyn OutputSink>) -> Runtime {
        Runtime {
            inner: Arc::new(Inner {
                // Low pids belong to system processes on BEAM; start where iex's shell sits.
                next_pid: AtomicU64::new(100),
                next_ref: AtomicU64::new(1),
                output,
                started: std::time::Instant::now(),
                ets: EtsRegistry::new(),
            }),
        }
    }

    /// A fresh pid.
    pub fn new_pid(&self) -> Pid {
        Pid(self.inner.next_pid.fetch_add(1, Ordering::Relaxed))
    }

    /// A fresh reference.
    pub fn make_ref(&self) -> Ref {
        Ref(self.inner.next_ref.fetch_add(1, Ordering::Relaxed))
    }

    /// Monotonic milliseconds since the runtime started.
    pub fn now_ms(&self) -> u64 {
        self.inner.started.elapsed().as_millis() as u64
    }

    /// The output device shared by all processes.
    pub fn output(&self) -> &Arc<dyn OutputSink> {
        &self.inner.output
    }

    /// The ETS tables of this runtime.
    pub fn ets(&self) -> &EtsRegistry {
        &self.inner.ets
    }
}
