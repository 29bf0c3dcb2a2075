//! Watching a process from outside the runtime: the grader measures a check from a
//! thread no process can reach. It needs the process's exit within a budget, then
//! some settle time, then what is left, all on the session's clock.
//!
//! Invariant: the whole watch is one tokio task that arms the budget's timer before
//! it spawns the process and arms the settle timer in the same poll that sees the
//! exit. Under the virtual clock, time jumps as soon as no task is ready; a timer
//! armed from another thread a moment later could find the clock already far ahead
//! (a process sleeping 100 s would overshoot a 3 s budget, and a leaked process
//! would end before the leftovers are counted).

use super::body::ProcessBody;
use super::error::RuntimeError;
use super::meter::MeterReading;
use super::system::{Runtime, SpawnOpts};
use crate::term::{Pid, Ref, Term};
use std::time::Duration;

/// What watching one process saw.
#[derive(Debug, Clone)]
pub struct Watched {
    /// The process.
    pub pid: Pid,
    /// When it was spawned (runtime ms).
    pub started_ms: u64,
    /// When its exit was seen, or the budget ran out (runtime ms).
    pub ended_ms: u64,
    /// Its exit reason; `None` when the budget ran out first (it is then killed).
    pub reason: Option<Term>,
    /// Reductions and messages from the spawn to the end.
    pub cost: MeterReading,
    /// Processes alive after the settle time that were not alive before the spawn
    /// (the watched process excluded).
    pub new_processes: Vec<Pid>,
    /// ETS tables alive after the settle time that did not exist before the spawn.
    pub new_tables: usize,
}

impl Runtime {
    /// Spawns `body`, waits for its exit for at most `budget_ms`, lets `settle_ms`
    /// pass, and reports what is new, all on the runtime's clock. Blocks the
    /// calling (non-runtime) thread; `Err` when the runtime stopped meanwhile.
    pub fn watch(&self, body: Box<dyn ProcessBody>, budget_ms: u64, settle_ms: u64) -> Result<Watched, RuntimeError> {
        let (tx, done) = std::sync::mpsc::channel();
        let rt = self.clone();
        self.inner.handle.spawn(async move {
            let before: std::collections::HashSet<Pid> = rt.processes().into_iter().collect();
            let tables_before: std::collections::HashSet<Ref> = rt.ets().tables().iter().map(|t| t.id).collect();
            let budget = tokio::time::sleep(Duration::from_millis(budget_ms));
            let started_ms = rt.now_ms();
            let meter_before = rt.meter().read();
            let (pid, exit) = rt.spawn_watched(body, SpawnOpts::default());
            let reason = tokio::select! {
                reason = exit => reason.ok(),
                () = budget => None,
            };
            let ended_ms = rt.now_ms();
            let cost = rt.meter().read().since(meter_before);
            if reason.is_none() {
                rt.kill(pid);
            }
            tokio::time::sleep(Duration::from_millis(settle_ms)).await;
            let new_processes = rt.processes().into_iter().filter(|p| !before.contains(p) && *p != pid).collect();
            let new_tables = rt.ets().tables().iter().filter(|t| !tables_before.contains(&t.id)).count();
            let _ = tx.send(Watched { pid, started_ms, ended_ms, reason, cost, new_processes, new_tables });
        });
        done.recv().map_err(|_| RuntimeError::Stopped(Pid(0)))
    }

    /// Blocks the calling (non-runtime) thread while `ms` pass on the runtime's
    /// clock. `false` when the runtime stopped meanwhile.
    pub fn pass_time(&self, ms: u64) -> bool {
        let (tx, done) = std::sync::mpsc::channel();
        self.inner.handle.spawn(async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            let _ = tx.send(());
        });
        done.recv().is_ok()
    }
}
