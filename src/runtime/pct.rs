//! The schedule explorer's policies: seeded random schedules (PCT and a random
//! walk) and the replay of a schedule given as its deviations from the run queue.
//!
//! PCT (Burckhardt et al., "A Randomized Scheduler with Probabilistic Guarantees
//! of Finding Bugs", ASPLOS 2010): every process gets a random priority when first
//! seen; the highest-priority ready process runs; at `depth - 1` random change
//! points (decision numbers below the horizon, the length of a run) the process
//! chosen is preempted early (a short random budget) and demoted below every
//! other. A bug that needs `depth` ordering constraints is found by one run with
//! probability at least 1/(n·k^(depth-1)).
//!
//! Invariant: a policy's choices depend only on its seed and on what it is shown
//! (the step number and the ready processes in arrival order), so the same seed on
//! the same script gives the same run.

use super::schedule::{Decision, FULL_SLICE, SchedulePolicy, default_choice};
use crate::term::Pid;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// The longest slice a preemption leaves a process (reductions): a handful of
/// function calls, so it lands between two calls of one `get`-then-`update`.
pub const PREEMPT_MAX: u32 = 60;

/// SplitMix64: a tiny seeded generator. Its output for a seed is fixed forever,
/// which a crate's generator does not promise across versions (a printed seed must
/// replay the same run in every otplab build).
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    /// The generator for `seed`.
    pub fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// How a seeded run chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// A uniformly random ready process each time; one slice in eight preempted.
    RandomWalk,
    /// PCT with this bug depth (1: random priorities and no change point).
    Pct(u32),
}

impl Strategy {
    /// The strategy a seed stands for: seeds cycle through a random walk and PCT of
    /// depth 1, 2 and 3, so a printed seed alone says how to replay its run.
    pub fn of_seed(seed: u64) -> Strategy {
        match seed % 4 {
            0 => Strategy::RandomWalk,
            d => Strategy::Pct(u32::try_from(d).unwrap_or(1)),
        }
    }

    /// How the strategy is named in reports (`pct d=2`).
    pub fn label(self) -> String {
        match self {
            Strategy::RandomWalk => "random walk".to_string(),
            Strategy::Pct(d) => format!("pct d={d}"),
        }
    }
}

/// A seeded random policy (see the module documentation).
pub struct SeededPolicy {
    strategy: Strategy,
    rng: SplitMix,
    /// Priority of each process seen so far; higher runs first. Demoted processes
    /// get negative priorities, below every initial one.
    priority: FxHashMap<Pid, i64>,
    /// The next demoted priority (counts down).
    next_low: i64,
    /// Decision numbers at which the chosen process is preempted and demoted.
    change_points: Vec<usize>,
}

impl SeededPolicy {
    /// The policy of `seed`, for runs of about `horizon` decisions.
    pub fn new(seed: u64, horizon: usize) -> SeededPolicy {
        let strategy = Strategy::of_seed(seed);
        let mut rng = SplitMix::new(seed);
        let mut change_points = Vec::new();
        if let Strategy::Pct(depth) = strategy {
            for _ in 1..depth {
                change_points.push(usize::try_from(rng.below(horizon.max(1) as u64)).unwrap_or(0));
            }
        }
        SeededPolicy { strategy, rng, priority: FxHashMap::default(), next_low: -1, change_points }
    }

    /// A short budget that preempts a process after a few calls.
    fn short_budget(&mut self) -> u32 {
        1 + u32::try_from(self.rng.below(u64::from(PREEMPT_MAX))).unwrap_or(0)
    }

    fn priority_of(&mut self, pid: Pid) -> i64 {
        if let Some(p) = self.priority.get(&pid) {
            return *p;
        }
        // Initial priorities are non-negative; ties (vanishingly rare) go to the
        // earlier arrival.
        let p = i64::try_from(self.rng.next_u64() >> 2).unwrap_or(0);
        self.priority.insert(pid, p);
        p
    }
}

impl SchedulePolicy for SeededPolicy {
    fn pick(&mut self, step: usize, ready: &[Pid]) -> Decision {
        match self.strategy {
            Strategy::RandomWalk => {
                let pid = ready[usize::try_from(self.rng.below(ready.len() as u64)).unwrap_or(0)];
                let budget = if self.rng.below(8) == 0 { self.short_budget() } else { FULL_SLICE };
                Decision { pid, budget }
            }
            Strategy::Pct(_) => {
                let mut best = ready[0];
                let mut best_priority = self.priority_of(best);
                for pid in &ready[1..] {
                    let p = self.priority_of(*pid);
                    if p > best_priority {
                        best = *pid;
                        best_priority = p;
                    }
                }
                if self.change_points.contains(&step) {
                    self.priority.insert(best, self.next_low);
                    self.next_low -= 1;
                    return Decision { pid: best, budget: self.short_budget() };
                }
                Decision { pid: best, budget: FULL_SLICE }
            }
        }
    }
}

/// Replays a schedule given as the decisions where it left the run queue's order
/// (by decision number); every other decision is the run queue's. A deviation
/// naming a process that is not ready then is skipped (the schedule has changed
/// shape, as when a shrink removed an earlier deviation).
#[derive(Debug, Clone, Default)]
pub struct ReplayPolicy {
    deviations: BTreeMap<usize, Decision>,
}

impl ReplayPolicy {
    /// The run queue's order except at `deviations`.
    pub fn new(deviations: BTreeMap<usize, Decision>) -> ReplayPolicy {
        ReplayPolicy { deviations }
    }
}

impl SchedulePolicy for ReplayPolicy {
    fn pick(&mut self, step: usize, ready: &[Pid]) -> Decision {
        match self.deviations.get(&step) {
            Some(d) if ready.contains(&d.pid) => *d,
            _ => default_choice(ready),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_always_makes_the_same_choices() {
        let ready = [Pid(1), Pid(2), Pid(3)];
        let choices = |seed| {
            let mut p = SeededPolicy::new(seed, 20);
            (0..20).map(|step| p.pick(step, &ready)).collect::<Vec<_>>()
        };
        assert_eq!(choices(42), choices(42));
        // Seeds 4 and 8 are both random walks (seed % 4 == 0), which choose afresh each step.
        assert_ne!(choices(4), choices(8), "different seeds explore differently");
    }

    #[test]
    fn pct_runs_the_highest_priority_and_demotes_it_at_a_change_point() {
        let ready = [Pid(1), Pid(2)];
        // Depth 2: one change point; before it the same process always runs.
        let mut p = SeededPolicy::new(2, 10);
        let change = p.change_points[0];
        let first = p.pick(0, &ready).pid;
        for step in 1..change {
            assert_eq!(p.pick(step, &ready).pid, first);
        }
        let at_change = p.pick(change, &ready);
        assert!(at_change.budget <= PREEMPT_MAX);
        if change > 0 {
            assert_eq!(at_change.pid, first);
        }
        assert_ne!(p.pick(change + 1, &ready).pid, at_change.pid, "the demoted process yields");
    }

    #[test]
    fn replay_follows_deviations_and_the_run_queue_elsewhere() {
        let mut deviations = BTreeMap::new();
        deviations.insert(1, Decision { pid: Pid(2), budget: 5 });
        deviations.insert(2, Decision { pid: Pid(9), budget: 5 });
        let mut p = ReplayPolicy::new(deviations);
        let ready = [Pid(1), Pid(2)];
        assert_eq!(p.pick(0, &ready), default_choice(&ready));
        assert_eq!(p.pick(1, &ready), Decision { pid: Pid(2), budget: 5 });
        assert_eq!(p.pick(2, &ready), default_choice(&ready), "a process not ready is skipped");
    }
}
