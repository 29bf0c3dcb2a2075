//! Grading an answer against a unit: load the unit's preloads and the answer into
//! a fresh session (virtual clock unless told otherwise), run every check through
//! a probe ([`super::probe`]) under a wall-clock and process-count guard
//! ([`super::sandbox`]), and judge each one ([`super::verdict`]).
//!
//! A check with a `ratio` compares real running times, so it runs in a second
//! session on the real clock (loaded the same way) when the default is virtual.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::session::{Clock, Evaluation, JournalEntry, LifeEvent};

use super::capture::CapturedOutput;
use super::catalog::Catalog;
use super::probe::{banner_in_run, probe_source, read_observation, run_first_line};
use super::sandbox::{Finish, Guard, Sandbox};
use super::timeline::Timeline;
use super::unit::{Check, FailureKind, Unit};
use super::verdict::{Stopped, Verdict, judge, judge_stopped};

/// How to grade.
#[derive(Debug, Clone, Copy)]
pub struct GradeOptions {
    /// The clock for checks without a `ratio` (virtual by default).
    pub clock: Clock,
    /// Real time one check (or loading the answer) may take beyond its own
    /// budget before it is stopped as `timeout`.
    pub wall_limit: Duration,
    /// Live processes at which a check is stopped as `limit`.
    pub max_processes: usize,
}

impl Default for GradeOptions {
    fn default() -> Self {
        GradeOptions { clock: Clock::Virtual, wall_limit: Duration::from_secs(10), max_processes: 20_000 }
    }
}

/// The overall result of grading one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every check (bonus checks included) passed.
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
    /// What the answer printed while loading and during the checks.
    pub output: String,
}

impl GradeReport {
    /// How many checks passed.
    pub fn passed(&self) -> usize {
        self.verdicts.iter().filter(|v| v.passed).count()
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
        let guard = Guard { wall: self.options.wall_limit, max_processes: self.options.max_processes };
        let preloads = self.catalog.preload_sources(self.unit).map_err(|e| e.to_string())?;
        for (path, source) in &preloads {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            load_one(&mut sandbox, source, &name, guard)?;
        }
        load_one(&mut sandbox, self.answer, self.answer_name, guard)?;
        Ok(sandbox)
    }
}

/// Runs one source file in the sandbox; `Err` carries the banner of its failure.
fn load_one(sandbox: &mut Sandbox, source: &str, name: &str, guard: Guard) -> Result<(), String> {
    match sandbox.run(source, guard) {
        Finish::Done(Ok(Evaluation::Value(_))) => Ok(()),
        Finish::Done(Ok(raised)) => Err(raised.raised_banner().unwrap_or_default()),
        Finish::Done(Err(e)) => Err(e.banner(name)),
        Finish::TimedOut => Err(format!("{name}: loading did not finish within {} ms", guard.wall.as_millis())),
        Finish::Limit(count) => Err(format!("{name}: loading started {count} processes")),
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
    report.status = if report.verdicts.iter().all(|v| v.passed) { Status::Pass } else { Status::Fail };
    report.output = output.take();
    report
}

/// Runs and judges one check.
fn run_check(sessions: &mut Sessions<'_>, check: &Check, points: u32, fixtures_dir: &Path) -> Verdict {
    let unit = sessions.unit;
    let clock = if check.ratio.is_some() { Clock::Real } else { sessions.options.clock };
    // On the real clock the check's own budget is real time too.
    let wall = match clock {
        Clock::Real => sessions.options.wall_limit + Duration::from_millis(check.timeout_ms),
        Clock::Virtual => sessions.options.wall_limit,
    };
    let guard = Guard { wall, max_processes: sessions.options.max_processes };
    let sandbox = match sessions.get(clock) {
        Ok(sandbox) => sandbox,
        Err(reason) => return judge_stopped(unit, check, &Stopped::Broken { reason }, points),
    };
    let source = probe_source(check, fixtures_dir, clock == Clock::Real);
    // Only timed checks record lifetimes: a failed window is explained with them.
    let timed = check.elapsed_ms.is_some();
    if timed {
        sandbox.journal().start();
    }
    let finish = sandbox.run(&source, guard);
    let journal = if timed { sandbox.journal().take() } else { Vec::new() };
    sandbox.journal().stop();
    let stopped = match finish {
        Finish::Done(Ok(Evaluation::Value(term))) => match read_observation(&term) {
            Some(observation) => {
                let mut verdict = judge(unit, check, &observation, points);
                if matches!(verdict.kind, Some(FailureKind::TooSlow | FailureKind::TooFast | FailureKind::Timeout)) {
                    verdict.timeline = check_timeline(&journal, verdict.elapsed_ms);
                }
                return verdict;
            }
            None => Stopped::Broken { reason: "the grader's probe returned an unexpected result".into() },
        },
        Finish::Done(Ok(raised)) => {
            Stopped::Broken { reason: format!("the check could not run: {}", raised.raised_banner().unwrap_or_default()) }
        }
        Finish::Done(Err(e)) => {
            let banner = banner_in_run(&e.banner("check"), "check", run_first_line(&source));
            Stopped::Broken { reason: format!("the check could not run: {banner}") }
        }
        Finish::TimedOut => {
            sessions.discard(clock);
            Stopped::WallClock { limit_ms: u64::try_from(wall.as_millis()).unwrap_or(u64::MAX) }
        }
        Finish::Limit(count) => {
            sessions.discard(clock);
            Stopped::Processes { count }
        }
        Finish::Unusable => {
            sessions.discard(clock);
            Stopped::Broken { reason: "the grader's session stopped".into() }
        }
    };
    judge_stopped(unit, check, &stopped, points)
}

/// The timeline of one check from the journal of its probe run: the probe's own
/// top-level process is the first one spawned (`Session::run_script` starts it) and
/// is left out; the next is the check's process, whose lane starts the axis. Events
/// after `elapsed_ms` (the probe's settle and teardown) are left out too.
fn check_timeline(journal: &[JournalEntry], elapsed_ms: u64) -> Option<Timeline> {
    let mut spawns = journal.iter().enumerate().filter(|(_, e)| e.event == LifeEvent::Spawned);
    let _probe = spawns.next()?;
    let (first, check) = spawns.next()?;
    let end = check.at_ms + elapsed_ms;
    let shown: Vec<JournalEntry> = journal[first..].iter().filter(|e| e.at_ms <= end).cloned().collect();
    let mut timeline = Timeline::from_journal(&shown, check.at_ms, end);
    if let Some(lane) = timeline.lanes.first_mut() {
        lane.label = "check".to_string();
    }
    Some(timeline)
}
