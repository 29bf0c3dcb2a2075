//! One graded check, measured from outside the answer's reach.
//!
//! The check's program (written by the grader, calling into the answer) runs as a
//! fresh process; its value comes back through the process's finish callback in
//! Rust, its exit reason through the runtime's exit waiter, its elapsed time from
//! the runtime's clock, and what it left behind from the process and ETS tables
//! before and after. No message, module or process of the answer takes part: an
//! answer can only end the check early (kill it), never make it report something
//! it did not do.

use super::{Session, SessionError};
use crate::compile::compile_program;
use crate::runtime::{JournalEntry, MeterReading};
use crate::term::{Pid, Term};
use crate::vm::machine::{Machine, Outcome, exit_reason};
use crate::vm::process::VmProcess;
use std::sync::{Arc, Mutex};

/// The most rounds of 1 ms the session waits for leftover processes to die after
/// killing them (a kill lands at the victim's next slice, so a few rounds suffice).
const REAP_ROUNDS: u32 = 200;

/// How the check's process ended.
#[derive(Debug, Clone)]
pub enum CheckEnd {
    /// The program returned this value.
    Returned(Term),
    /// The process died before returning, with this exit reason (a link, a kill,
    /// an exception the program did not catch).
    Died(Term),
    /// The budget ran out first (the process was killed).
    OutOfBudget,
}

/// Everything the session measured about one check.
#[derive(Debug, Clone)]
pub struct CheckRun {
    /// How the check's process ended.
    pub ended: CheckEnd,
    /// Milliseconds from its spawn to its end, on the session's clock.
    pub elapsed_ms: u64,
    /// Processes started during the check and still alive after the settle time.
    pub leftover_processes: usize,
    /// ETS tables created during the check and still alive after the settle time.
    pub leftover_tables: usize,
    /// The check's process.
    pub check_pid: Pid,
    /// When it was spawned, in ms on the session's clock (journal times compare to it).
    pub started_ms: u64,
    /// Reductions and messages of every process from the spawn to the end.
    pub cost: MeterReading,
    /// Spawns and exits during the check (its own process first), for timelines
    /// and overlap measurements.
    pub journal: Vec<JournalEntry>,
}

impl Session {
    /// Runs `source` as a check: a fresh process with `budget_ms` on the session's
    /// clock; after it ends, `settle_ms` pass before leftovers are counted, then
    /// every process the check started is killed, so the next check starts clean.
    pub fn run_check(&mut self, source: &str, budget_ms: u64, settle_ms: u64) -> Result<CheckRun, SessionError> {
        let nodes = crate::syntax::parse(source)?;
        let program = compile_program(&nodes, &self.modules, &[], false)?;
        let machine = Machine::for_code(self.modules.clone(), program.code, vec![]);
        let runtime = self.runtime.clone();
        let finished: Arc<Mutex<Option<(Outcome, u64)>>> = Arc::default();
        let slot = finished.clone();
        let clock = runtime.clone();
        let body = VmProcess::with_finish(
            machine,
            Box::new(move |outcome| {
                if let Ok(mut slot) = slot.lock() {
                    *slot = Some((outcome, clock.now_ms()));
                }
            }),
        );
        runtime.journal().start();
        let watched = runtime.watch(Box::new(body), budget_ms, settle_ms);
        let journal = runtime.journal().take();
        runtime.journal().stop();
        let stopped = || SessionError::Prelude("the session stopped during the check".into());
        let watched = watched.map_err(|_| stopped())?;
        let taken = finished.lock().ok().and_then(|mut slot| slot.take());
        let (ended, ended_at) = match (watched.reason, taken) {
            (None, _) => (CheckEnd::OutOfBudget, watched.started_ms + budget_ms),
            (Some(_), Some((Outcome::Returned(value), at))) => (CheckEnd::Returned(value), at),
            (Some(_), Some((Outcome::Raised(raise), at))) => (CheckEnd::Died(exit_reason(&raise, Term::Nil)), at),
            (Some(reason), None) => (CheckEnd::Died(reason), watched.ended_ms),
        };
        let left = watched.new_processes;
        for victim in &left {
            runtime.kill(*victim);
        }
        let mut rounds = 0;
        while rounds < REAP_ROUNDS && left.iter().any(|p| runtime.is_alive(*p)) {
            if !runtime.pass_time(1) {
                return Err(stopped());
            }
            rounds += 1;
        }
        Ok(CheckRun {
            ended,
            elapsed_ms: ended_at.saturating_sub(watched.started_ms),
            leftover_processes: left.len(),
            leftover_tables: watched.new_tables,
            check_pid: watched.pid,
            started_ms: watched.started_ms,
            cost: watched.cost,
            journal,
        })
    }

    /// Evaluates `source` in a fresh process with `bindings` visible as variables
    /// (the grader matches an exit reason against a check's pattern this way).
    pub fn eval_with(&mut self, source: &str, bindings: &[(&str, Term)]) -> Result<super::Evaluation, SessionError> {
        let nodes = crate::syntax::parse(source)?;
        let names: Vec<String> = bindings.iter().map(|(n, _)| (*n).to_string()).collect();
        let values: Vec<Term> = bindings.iter().map(|(_, v)| v.clone()).collect();
        let program = compile_program(&nodes, &self.modules, &names, false)?;
        let machine = Machine::for_code(self.modules.clone(), program.code, values);
        Ok(match super::driver::run_to_end(&self.runtime, machine) {
            Outcome::Returned(v) => super::Evaluation::Value(v),
            Outcome::Raised(r) => super::Evaluation::Raised(r),
        })
    }
}
