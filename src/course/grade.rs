//! Grading an answer against a unit: load the unit's preloads and the answer into
//! a fresh session (virtual clock unless told otherwise), run every check through
//! a probe ([`super::probe`]) under a wall-clock and process-count guard
//! ([`super::sandbox`]), and judge each one ([`super::verdict`]).
//!
//! A check with a `ratio` compares what two expressions cost, counted by the
//! runtime (see [`super::unit::Ratio`]), so no verdict depends on the wall clock.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::session::check::{CheckEnd, CheckRun};
use crate::session::{Clock, Confinement, Evaluation, JournalEntry, LifeEvent};
use crate::term::inspect::inspect;
use crate::term::{Pid, Term};

use super::capture::CapturedOutput;
use super::catalog::Catalog;
use super::probe::{
    Observation, Outcome, SETTLE_MS, banner_in_run, cost_source, exit_match_source, max_overlap, probe_source,
    read_outcome, run_first_line,
};
use super::sandbox::{Finish, Guard, Sandbox};
use super::timeline::Timeline;
use super::unit::{Check, FailureKind, MESSAGE_COST, Unit};
use super::verdict::{Stopped, Verdict, judge, judge_stopped};

/// How to grade.
#[derive(Debug, Clone, Copy)]
pub struct GradeOptions {
    /// The clock for the checks (virtual by default).
    pub clock: Clock,
    /// What one check, or loading the answer, may cost.
    pub limits: Limits,
}

impl Default for GradeOptions {
    fn default() -> Self {
        GradeOptions { clock: Clock::Virtual, limits: Limits::default() }
    }
}

/// The limits of one grading session, each applied to every check and to loading
/// the answer; a check that hits one fails as `limit` (or `timeout` for the wall
/// clock) with the limit named, and the next check gets a fresh session. The
/// README's "Grading limits" section documents them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Real time a check may take (`--limit-time`, seconds).
    pub wall: Duration,
    /// Bytes the session's runtime may account for (`--limit-memory`, MB).
    pub memory_bytes: u64,
    /// Reductions all processes together may run in one check (`--limit-reductions`).
    pub reductions: u64,
    /// Live processes (`--limit-processes`).
    pub processes: usize,
    /// Atoms in the table (`--limit-atoms`; BEAM's default limit).
    pub atoms: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            wall: Duration::from_secs(10),
            memory_bytes: 1024 * 1024 * 1024,
            reductions: 500_000_000,
            processes: 20_000,
            atoms: 1_048_576,
        }
    }
}

impl Limits {
    /// The sandbox guard enforcing these limits.
    pub fn guard(&self) -> Guard {
        Guard {
            wall: self.wall,
            max_processes: self.processes,
            max_memory: self.memory_bytes,
            max_reductions: self.reductions,
            max_atoms: self.atoms,
        }
    }
}

/// The overall result of grading one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every regular check passed (bonus checks are counted, never required).
    Pass,
    /// Some check failed.
    Fail,
    /// The answer could not be used (it does not compile, or its module body raised).
    Error,
}

impl Status {
    /// `pass`, `fail` or `error`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
        }
    }
}

/// Everything grading one answer found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeReport {
    /// The unit's id.
    pub unit: String,
    /// The unit's title.
    pub title: String,
    /// The answer's name (its file name).
    pub answer: String,
    /// The overall result.
    pub status: Status,
    /// Why the answer could not be used (`status` is `error`), as Elixir's banner.
    pub error: Option<String>,
    /// One verdict per check, regular checks first, then bonus checks.
    pub verdicts: Vec<Verdict>,
    /// How many of `verdicts` are regular checks (the rest are bonus checks).
    pub regular: usize,
    /// What the answer printed while loading and during the checks.
    pub output: String,
}

impl GradeReport {
    /// How many checks passed (bonus checks included).
    pub fn passed(&self) -> usize {
        self.verdicts.iter().filter(|v| v.passed).count()
    }

    /// Bonus checks passed, and how many there are: `bonus 2/3` in a report.
    pub fn bonus(&self) -> (usize, usize) {
        let bonus = self.verdicts.get(self.regular..).unwrap_or_default();
        (bonus.iter().filter(|v| v.passed).count(), bonus.len())
    }
}

/// One loaded session per clock, started when a check first needs it.
struct Sessions<'a> {
    catalog: &'a Catalog,
    unit: &'a Unit,
    answer: &'a str,
    answer_name: &'a str,
    options: GradeOptions,
    output: Arc<CapturedOutput>,
    loaded: Vec<(Clock, Sandbox)>,
}

impl Sessions<'_> {
    /// A sandbox on `clock` with the preloads and the answer loaded.
    fn get(&mut self, clock: Clock) -> Result<&mut Sandbox, String> {
        let position = match self.loaded.iter().position(|(c, _)| *c == clock) {
            Some(position) => position,
            None => {
                let sandbox = self.load(clock)?;
                self.loaded.push((clock, sandbox));
                self.loaded.len() - 1
            }
        };
        Ok(&mut self.loaded[position].1)
    }

    /// Forgets the sandbox on `clock` (after a guard stopped it).
    fn discard(&mut self, clock: Clock) {
        self.loaded.retain(|(c, _)| *c != clock);
    }

    fn load(&self, clock: Clock) -> Result<Sandbox, String> {
        let mut sandbox = Sandbox::start(clock, self.output.clone()).map_err(|e| e.banner(self.answer_name))?;
        // Half the memory limit: building it copies both halves.
        sandbox.limit_binaries(self.options.limits.memory_bytes / 2);
        sandbox.confine(fixture_access(&self.catalog.fixtures_dir()));
        let guard = self.options.limits.guard();
        let preloads = self.catalog.preload_sources(self.unit).map_err(|e| e.to_string())?;
        for (path, source) in &preloads {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            load_one(&mut sandbox, source, &name, guard)?;
        }
        load_one(&mut sandbox, self.answer, self.answer_name, guard)?;
        Ok(sandbox)
    }
}

/// What an answer may touch: the course's fixtures, read-only, except the sample
/// answers (an answer must not read another); nothing may be written.
fn fixture_access(fixtures_dir: &Path) -> Confinement {
    let readable = std::fs::read_dir(fixtures_dir)
        .map(|listing| {
            listing
                .flatten()
                .filter(|entry| entry.file_name() != "answers")
                .filter_map(|entry| std::path::absolute(entry.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    Confinement { readable, writable: Vec::new() }
}

/// Runs one source file in the sandbox; `Err` carries the banner of its failure.
fn load_one(sandbox: &mut Sandbox, source: &str, name: &str, guard: Guard) -> Result<(), String> {
    match sandbox.run(source, guard) {
        Finish::Done(Ok(Evaluation::Value(_))) => Ok(()),
        Finish::Done(Ok(raised)) => Err(raised.raised_banner().unwrap_or_default()),
        Finish::Done(Err(e)) => Err(e.banner(name)),
        Finish::TimedOut => Err(format!("{name}: loading did not finish within {} ms", guard.wall.as_millis())),
        Finish::Limit(hit) => Err(format!("{name}: loading was stopped by {hit}")),
        Finish::Unusable => Err(format!("{name}: the session stopped while loading")),
    }
}

/// Grades `answer` (named `answer_name` in messages) against `unit`.
pub fn grade(catalog: &Catalog, unit: &Unit, answer: &str, answer_name: &str, options: GradeOptions) -> GradeReport {
    let output = Arc::new(CapturedOutput::default());
    let mut sessions = Sessions {
        catalog,
        unit,
        answer,
        answer_name,
        options,
        output: output.clone(),
        loaded: Vec::new(),
    };
    let mut report = GradeReport {
        unit: unit.id.clone(),
        title: unit.title.clone(),
        answer: answer_name.to_string(),
        status: Status::Error,
        error: None,
        verdicts: Vec::new(),
        regular: unit.checks.len(),
        output: String::new(),
    };
    // Load once up front: an unusable answer is an error, not a row of failures.
    if let Err(banner) = sessions.get(options.clock) {
        report.error = Some(banner);
        report.output = output.take();
        return report;
    }
    let fixtures_dir = catalog.fixtures_dir();
    let checks = unit
        .checks
        .iter()
        .map(|check| (check, 0))
        .chain(unit.bonus.iter().map(|bonus| (&bonus.check, bonus.points)));
    for (check, points) in checks {
        report.verdicts.push(run_check(&mut sessions, check, points, &fixtures_dir));
    }
    // A failed bonus check is reported, but an otherwise passing answer passes.
    let regular_passed = report.verdicts[..report.regular.min(report.verdicts.len())].iter().all(|v| v.passed);
    report.status = if regular_passed { Status::Pass } else { Status::Fail };
    report.output = output.take();
    report
}

/// Runs and judges one check.
fn run_check(sessions: &mut Sessions<'_>, check: &Check, points: u32, fixtures_dir: &Path) -> Verdict {
    let unit = sessions.unit;
    let clock = sessions.options.clock;
    let guard = sessions.options.limits.guard();
    let source = probe_source(check, fixtures_dir);
    let run = match measure(sessions, clock, &source, check.timeout_ms, guard) {
        Ok(run) => run,
        Err(stopped) => return judge_stopped(unit, check, &stopped, points),
    };
    let end_ms = run.started_ms + run.elapsed_ms;
    let outcome = match &run.ended {
        CheckEnd::OutOfBudget => return judge(unit, check, &Observation::TimedOut, points),
        CheckEnd::Returned(term) => match read_outcome(term) {
            Some(outcome) => outcome,
            None => {
                let reason = "the grader's check program returned an unexpected result".to_string();
                return judge_stopped(unit, check, &Stopped::Broken { reason }, points);
            }
        },
        CheckEnd::Died(reason) => {
            let ok = match exit_match_source(check) {
                Some(source) => matches_exit(sessions, clock, &source, reason, guard),
                None => false,
            };
            Outcome::Exited { reason: inspect(reason), ok }
        }
    };
    let outcome = match (outcome, &check.ratio) {
        (Outcome::Value { value, ok: true, .. }, Some(ratio)) => {
            match (cost(sessions, clock, &ratio.faster, fixtures_dir, guard), cost(sessions, clock, &ratio.slower, fixtures_dir, guard)) {
                (Ok(faster), Ok(slower)) => Outcome::Value { value, ok: true, ratio: Some((faster, slower)) },
                (Err(stopped), _) | (_, Err(stopped)) => return judge_stopped(unit, check, &stopped, points),
            }
        }
        (outcome, _) => outcome,
    };
    let overlap = check.overlap.map_or(0, |(_, span)| max_overlap(&run.journal, run.check_pid, span, end_ms));
    let observation = Observation::Finished {
        outcome,
        elapsed_ms: run.elapsed_ms,
        leftover_processes: run.leftover_processes,
        leftover_tables: run.leftover_tables,
        overlap,
    };
    let mut verdict = judge(unit, check, &observation, points);
    if matches!(verdict.kind, Some(FailureKind::TooSlow | FailureKind::TooFast | FailureKind::Timeout | FailureKind::NotConcurrent)) {
        verdict.timeline = check_timeline(&run.journal, run.check_pid, verdict.elapsed_ms);
    }
    verdict
}

/// Runs one check program in the session on `clock`; `Err` says why it could not
/// be observed (the sandbox is discarded when a guard stopped it).
fn measure(sessions: &mut Sessions<'_>, clock: Clock, source: &str, budget_ms: u64, guard: Guard) -> Result<CheckRun, Stopped> {
    let sandbox = sessions.get(clock).map_err(|reason| Stopped::Broken { reason })?;
    let finish = sandbox.run_check(source, budget_ms, SETTLE_MS, guard);
    let stopped = match finish {
        Finish::Done(Ok(run)) => return Ok(run),
        Finish::Done(Err(e)) => {
            let banner = banner_in_run(&e.banner("check"), "check", run_first_line(source));
            return Err(Stopped::Broken { reason: format!("the check could not run: {banner}") });
        }
        Finish::TimedOut => Stopped::WallClock { limit_ms: u64::try_from(guard.wall.as_millis()).unwrap_or(u64::MAX) },
        Finish::Limit(hit) => Stopped::Limit { hit },
        Finish::Unusable => Stopped::Broken { reason: "the grader's session stopped".into() },
    };
    sessions.discard(clock);
    Err(stopped)
}

/// What `expression` costs (reductions plus [`MESSAGE_COST`] per message), run as
/// a check of its own.
fn cost(sessions: &mut Sessions<'_>, clock: Clock, expression: &str, fixtures_dir: &Path, guard: Guard) -> Result<u64, Stopped> {
    let run = measure(sessions, clock, &cost_source(expression, fixtures_dir), 60_000, guard)?;
    match run.ended.clone() {
        CheckEnd::Returned(term) if matches!(read_outcome(&term), Some(Outcome::Value { .. })) => {
            Ok(run.cost.reductions + MESSAGE_COST * run.cost.messages)
        }
        CheckEnd::Returned(term) => Err(Stopped::Broken { reason: format!("measuring `{expression}` failed: {}", inspect(&term)) }),
        CheckEnd::Died(reason) => Err(Stopped::Broken { reason: format!("measuring `{expression}` exited: {}", inspect(&reason)) }),
        CheckEnd::OutOfBudget => Err(Stopped::Broken { reason: format!("measuring `{expression}` did not finish") }),
    }
}

/// True when the exit `reason` matches the check's `Exits` pattern (`source`).
fn matches_exit(sessions: &mut Sessions<'_>, clock: Clock, source: &str, reason: &Term, guard: Guard) -> bool {
    let Ok(sandbox) = sessions.get(clock) else { return false };
    matches!(
        sandbox.eval_with(source, vec![("reason__", reason.clone())], guard),
        Finish::Done(Ok(Evaluation::Value(Term::Atom(a)))) if a.as_str() == "true"
    )
}

/// The timeline of one check from its journal: the check's own process starts the
/// axis; events after `elapsed_ms` (the settle and the clean-up) are left out.
fn check_timeline(journal: &[JournalEntry], check: Pid, elapsed_ms: u64) -> Option<Timeline> {
    let first = journal.iter().position(|e| e.pid == check && e.event == LifeEvent::Spawned)?;
    let start = journal[first].at_ms;
    let end = start + elapsed_ms;
    let shown: Vec<JournalEntry> = journal[first..].iter().filter(|e| e.at_ms <= end).cloned().collect();
    let mut timeline = Timeline::from_journal(&shown, start, end);
    if let Some(lane) = timeline.lanes.first_mut() {
        lane.label = "check".to_string();
    }
    Some(timeline)
}
