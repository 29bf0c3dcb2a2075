//! The schedule explorer's search: run a program under many seeded schedules until
//! one fails, then shrink the failing schedule to the fewest departures from the
//! run queue's order that still fail the same way.
//!
//! The search knows nothing of what it runs: the caller gives a function that runs
//! the program once under a policy (a fresh runtime each time) and says whether
//! and how it failed. Runs are numbered from 1; run 1 is the run queue's own order
//! (seed 0), which also measures the horizon (the number of decisions of a run)
//! that the PCT seeds spread their change points over. Later runs take seeds drawn
//! from the base seed. A seed alone replays its run: the horizon is measured again
//! by the same run 1.
//!
//! Shrinking is a bounded systematic search around the failure (in the spirit of
//! Lockstep's decimation): the failing schedule is written as its deviations
//! (decisions that differ from the run queue's), and each deviation in turn is
//! dropped when the schedule without it still fails with the same message.

use super::pct::{ReplayPolicy, SeededPolicy, SplitMix, Strategy};
use super::schedule::{Decision, FULL_SLICE, SchedulePolicy, ScheduleEvent, default_choice};
use crate::term::Pid;
use std::collections::{BTreeMap, HashSet};
use std::hash::{Hash, Hasher};

/// The most replays a shrink may spend.
pub const MAX_SHRINK_RUNS: usize = 200;

/// What one run did.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// `None` when the run passed; else what went wrong (the failure's text; two
    /// runs fail "the same way" when these are equal).
    pub failure: Option<String>,
    /// The run's schedule and events (see [`super::Runtime::schedule_events`]).
    pub events: Vec<ScheduleEvent>,
}

/// A failing schedule, shrunk.
#[derive(Debug, Clone)]
pub struct FoundFailure {
    /// The run that failed (from 1).
    pub run: usize,
    /// Its seed (`--seed` replays it); 0 is the run queue's own order.
    pub seed: u64,
    /// How that seed schedules.
    pub strategy: Option<Strategy>,
    /// What went wrong.
    pub failure: String,
    /// Decisions that left the run queue's order, before and after shrinking.
    pub deviations_before: usize,
    /// See `deviations_before`.
    pub deviations_after: usize,
    /// The events of the shrunk failing run, with its schedule.
    pub events: Vec<ScheduleEvent>,
    /// Replays the shrink ran.
    pub shrink_runs: usize,
}

/// How an exploration ended.
#[derive(Debug, Clone)]
pub enum Exploration {
    /// No run failed.
    Passed {
        /// Runs made.
        runs: usize,
        /// Distinct schedules among them (by the hash of their decisions).
        distinct: usize,
    },
    /// A run failed.
    Failed {
        /// The failure, shrunk.
        found: FoundFailure,
        /// Distinct schedules tried up to and including the failing run.
        distinct: usize,
    },
}

/// One decision as it took effect: the budget counts only when the slice was
/// preempted (a process that waited before spending its budget ran as if given a
/// full slice).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Effective {
    step: usize,
    ready: Vec<Pid>,
    chosen: Decision,
}

/// The decisions of a trace, with budgets that changed nothing made full.
fn effective_decisions(events: &[ScheduleEvent]) -> Vec<Effective> {
    let mut out: Vec<Effective> = Vec::new();
    let mut preempted = false;
    let close = |out: &mut Vec<Effective>, preempted: bool| {
        if let Some(last) = out.last_mut()
            && !preempted
        {
            last.chosen.budget = FULL_SLICE;
        }
    };
    for e in events {
        match e {
            ScheduleEvent::Turn { step, ready, chosen } => {
                close(&mut out, preempted);
                preempted = false;
                out.push(Effective { step: *step, ready: ready.clone(), chosen: *chosen });
            }
            ScheduleEvent::Preempted { pid } if out.last().is_some_and(|l| l.chosen.pid == *pid) => preempted = true,
            _ => {}
        }
    }
    close(&mut out, preempted);
    out
}

/// The decisions of a trace that differ from the run queue's, by decision number.
pub fn deviations(events: &[ScheduleEvent]) -> BTreeMap<usize, Decision> {
    effective_decisions(events)
        .into_iter()
        .filter(|d| d.chosen != default_choice(&d.ready))
        .map(|d| (d.step, d.chosen))
        .collect()
}

/// A hash of a run's schedule: two runs with equal hashes interleaved alike.
pub fn schedule_hash(events: &[ScheduleEvent]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for d in effective_decisions(events) {
        (d.chosen.pid, d.chosen.budget).hash(&mut h);
    }
    h.finish()
}

/// The seed of run `run` (from 2) for base seed `base`; never 0.
pub fn seed_of_run(base: u64, run: usize) -> u64 {
    let s = SplitMix::new(base.wrapping_mul(0x100_0000_01B3).wrapping_add(run as u64)).next_u64();
    s.max(1)
}

/// The policy a seed stands for, given the horizon run 1 measured.
fn policy_of(seed: u64, horizon: usize) -> Box<dyn SchedulePolicy> {
    if seed == 0 { Box::new(ReplayPolicy::default()) } else { Box::new(SeededPolicy::new(seed, horizon)) }
}

/// The number of decisions of a run (at least 1).
fn horizon_of(events: &[ScheduleEvent]) -> usize {
    events.iter().filter(|e| matches!(e, ScheduleEvent::Turn { .. })).count().max(1)
}

/// Runs up to `runs` schedules (run 1 the run queue's, the rest seeded from
/// `base`) and stops at the first failure, which it shrinks.
pub fn explore(runs: usize, base: u64, mut run: impl FnMut(Box<dyn SchedulePolicy>) -> RunOutcome) -> Exploration {
    let mut seen = HashSet::new();
    let first = run(policy_of(0, 1));
    seen.insert(schedule_hash(&first.events));
    let horizon = horizon_of(&first.events);
    if let Some(failure) = first.failure {
        let found = shrink(1, 0, failure, first.events, &mut run);
        return Exploration::Failed { found, distinct: seen.len() };
    }
    for n in 2..=runs {
        let seed = seed_of_run(base, n);
        let outcome = run(policy_of(seed, horizon));
        seen.insert(schedule_hash(&outcome.events));
        if let Some(failure) = outcome.failure {
            let found = shrink(n, seed, failure, outcome.events, &mut run);
            return Exploration::Failed { found, distinct: seen.len() };
        }
    }
    Exploration::Passed { runs: runs.max(1), distinct: seen.len() }
}

/// Replays the run of `seed` alone (after run 1, which measures the horizon), and
/// shrinks it if it fails, exactly as [`explore`] did when it found it.
pub fn replay(seed: u64, mut run: impl FnMut(Box<dyn SchedulePolicy>) -> RunOutcome) -> Exploration {
    let first = run(policy_of(0, 1));
    let outcome = if seed == 0 { first } else { run(policy_of(seed, horizon_of(&first.events))) };
    let distinct = 1;
    match outcome.failure {
        Some(failure) => Exploration::Failed { found: shrink(1, seed, failure, outcome.events, &mut run), distinct },
        None => Exploration::Passed { runs: 1, distinct },
    }
}

/// Drops each deviation of the failing schedule that the failure does not need.
fn shrink(
    run_number: usize,
    seed: u64,
    failure: String,
    events: Vec<ScheduleEvent>,
    run: &mut impl FnMut(Box<dyn SchedulePolicy>) -> RunOutcome,
) -> FoundFailure {
    let mut current = deviations(&events);
    let deviations_before = current.len();
    let mut best = events;
    let mut replays = 0;
    // Written as deviations, the schedule must fail again before anything is
    // dropped; if it does not (a slice's effects depended on more than its
    // decision), the original run is reported as found.
    let replayed = run(Box::new(ReplayPolicy::new(current.clone())));
    replays += 1;
    if replayed.failure.as_deref() == Some(failure.as_str()) {
        best = replayed.events;
        current = deviations(&best);
        let mut i = 0;
        while i < current.len() && replays < MAX_SHRINK_RUNS {
            let mut fewer = current.clone();
            let key = *fewer.keys().nth(i).unwrap_or(&0);
            fewer.remove(&key);
            let attempt = run(Box::new(ReplayPolicy::new(fewer)));
            replays += 1;
            if attempt.failure.as_deref() == Some(failure.as_str()) {
                current = deviations(&attempt.events);
                best = attempt.events;
            } else {
                i += 1;
            }
        }
    } else {
        current = deviations(&best);
    }
    FoundFailure {
        run: run_number,
        seed,
        strategy: (seed != 0).then(|| Strategy::of_seed(seed)),
        failure,
        deviations_before,
        deviations_after: current.len(),
        events: best,
        shrink_runs: replays,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model of two increments through read-then-write: each of two "processes"
    /// reads at its first turn and writes at its second; the run fails when a write
    /// lands between the other's read and write.
    fn lost_update(mut policy: Box<dyn SchedulePolicy>) -> RunOutcome {
        let mut events = Vec::new();
        let (mut turns, mut value, mut read) = ([0u32; 2], 0i64, [0i64; 2]);
        let mut step = 0;
        loop {
            let ready: Vec<Pid> = (0..2).filter(|i| turns[*i] < 2).map(|i| Pid(i as u64 + 1)).collect();
            if ready.is_empty() {
                break;
            }
            let chosen = policy.pick(step, &ready);
            events.push(ScheduleEvent::Turn { step, ready, chosen });
            step += 1;
            let i = usize::try_from(chosen.pid.0 - 1).unwrap_or(0);
            if turns[i] == 0 {
                read[i] = value;
            } else {
                value = read[i] + 1;
            }
            turns[i] += 1;
        }
        let failure = (value != 2).then(|| format!("lost update: {value}"));
        RunOutcome { failure, events }
    }

    #[test]
    fn finds_and_shrinks_a_lost_update() {
        let Exploration::Failed { found, .. } = explore(200, 1, lost_update) else {
            panic!("the lost update was not found");
        };
        assert_eq!(found.failure, "lost update: 1");
        assert_eq!(found.deviations_after, 1, "one process running ahead is all it takes");
        // The seed replays the same shrunk failure.
        let Exploration::Failed { found: again, .. } = replay(found.seed, lost_update) else {
            panic!("the seed did not replay the failure");
        };
        assert_eq!(again.events, found.events);
    }

    #[test]
    fn counts_distinct_schedules_when_nothing_fails() {
        let atomic = |mut policy: Box<dyn SchedulePolicy>| {
            let ready = [Pid(1), Pid(2)];
            let chosen = policy.pick(0, &ready);
            RunOutcome { failure: None, events: vec![ScheduleEvent::Turn { step: 0, ready: ready.to_vec(), chosen }] }
        };
        let Exploration::Passed { runs, distinct } = explore(50, 7, atomic) else { panic!("nothing can fail") };
        assert_eq!(runs, 50);
        // One decision between two processes (budgets unspent count as full).
        assert_eq!(distinct, 2);
    }
}
