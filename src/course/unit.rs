//! The shape of one course unit as it is written in RON (`drills/NN_slug.ron`,
//! `exercises/NN_slug.ron`). `drills/README.md` documents the same format for
//! instructors; the two must change together, and `FORMAT_VERSION` with them.
//!
//! Every field holding Elixir (`starter`, `reference`, a check's `run`, an
//! expected value or pattern) is plain source text: the grader evaluates it with
//! the same session a learner uses, so the catalog never interprets it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The format version this build reads; a unit declaring another one is refused
/// (a newer file could mean something this build would silently misread).
pub const FORMAT_VERSION: u32 = 1;

/// Placeholders an explanation template may use; the grader fills them in.
pub const TEMPLATE_PLACEHOLDERS: &[&str] = &[
    "elapsed", "window", "value", "expected", "ratio", "at_least", "reason", "leftover", "overlap",
];

/// One drill or exercise: what it teaches, what the learner starts from, how an
/// answer is judged and what to tell them when it falls short.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// Must equal [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Stable id used on the command line (`otplab drill tasks-awaited`); the
    /// file's slug is the id with `-` written as `_`.
    pub id: String,
    /// Which part of the course the unit belongs to.
    pub kind: UnitKind,
    /// A short human title.
    pub title: String,
    /// The seed sections the unit covers, e.g. `"002 Drill 1"`.
    pub seeds: Vec<String>,
    /// The concept in a few sentences, shown before the instructions.
    pub summary: String,
    /// What the learner must do.
    pub instructions: String,
    /// The functions an answer must define, as `Module.fun/arity`.
    pub requires: Vec<String>,
    /// Files under `fixtures/` loaded (as Elixir source) before the answer,
    /// e.g. `"todo_list.exs"` which defines `Todo.List`.
    #[serde(default)]
    pub preload: Vec<String>,
    /// What the learner starts from; it must fail at least one check.
    pub starter: String,
    /// A correct answer; it must pass every check and every bonus check.
    pub reference: String,
    /// The checks, run in order, each in a fresh process.
    pub checks: Vec<Check>,
    /// Extra checks worth points (the capstone's bonus challenges).
    #[serde(default)]
    pub bonus: Vec<BonusCheck>,
    /// Unit-wide hints, keyed by how a check failed.
    pub hints: BTreeMap<FailureKind, String>,
    /// A score sheet (the capstone's evaluation criteria).
    #[serde(default)]
    pub rubric: Option<Rubric>,
}

/// Where a unit sits in the course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum UnitKind {
    /// A concept drill (`drills/`).
    Drill,
    /// An integration exercise (`exercises/`).
    Exercise,
    /// A part of the chapter's project (`exercises/`).
    Project,
    /// The capstone (`exercises/`).
    Capstone,
}

/// One behavioural check against a loaded answer.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Unique within the unit; reports and rubrics refer to it.
    pub id: String,
    /// What the check verifies, in one sentence.
    pub description: String,
    /// An Elixir expression (several lines allowed) evaluated in a fresh process
    /// after the answer is loaded. The binding `fixtures_dir` holds the absolute
    /// path of the course's `fixtures/` folder.
    pub run: String,
    /// What the expression's outcome must be.
    #[serde(default)]
    pub expect: Expect,
    /// A virtual-time window `(min, max)` in ms that `run` must finish inside.
    #[serde(default)]
    pub elapsed_ms: Option<(u64, u64)>,
    /// A cost comparison of two expressions (counted work, see [`Ratio`]), run
    /// after `run`.
    #[serde(default)]
    pub ratio: Option<Ratio>,
    /// `(count, span_ms)`: at least `count` processes started by the check must
    /// have been alive together for `span_ms` (read from the runtime's journal), so
    /// a check about parallel work cannot be passed by one process sleeping.
    #[serde(default)]
    pub overlap: Option<(u32, u64)>,
    /// When true, every process spawned and every ETS table created during the
    /// check must be gone once `run` has returned and the system has settled.
    #[serde(default)]
    pub no_leftovers: bool,
    /// Virtual-time budget in ms; past it the check fails as `timeout`.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// The failure kind a missed expectation is reported as.
    #[serde(default)]
    pub miss: FailureKind,
    /// Explanations keyed by failure kind; `{placeholder}`s are filled in by the
    /// grader (see [`TEMPLATE_PLACEHOLDERS`]).
    #[serde(default)]
    pub explain: BTreeMap<FailureKind, String>,
}

/// The default budget of a check: long enough for the chapter's 5 s timers.
fn default_timeout_ms() -> u64 {
    15_000
}

/// What must hold for the outcome of a check's `run`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
pub enum Expect {
    /// Any normal return passes (the check is about time, ratio or leftovers).
    #[default]
    Returns,
    /// The value equals (`==`) this Elixir expression.
    Value(String),
    /// The value matches this Elixir pattern, e.g. `{:ok, _}`.
    Match(String),
    /// The expression raises this exception module, e.g. `ArgumentError`.
    Raises(String),
    /// The check process exits with a reason matching this pattern.
    Exits(String),
}

/// Compare what two expressions cost: `slower` must cost at least `at_least` times
/// as much as `faster`. The cost is counted by the runtime, never timed, so the
/// verdict is the same on an idle and on a loaded machine: reductions run by every
/// process plus [`MESSAGE_COST`] per message delivered (each expression runs as a
/// check of its own, from a clean state).
///
/// Why that model: on BEAM, a process's reductions are the unit the scheduler
/// bills work in, and a message costs a copy into the receiver's heap plus a
/// context switch to run the receiver, which a reduction count alone (as the
/// sender sees it) leaves out.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Ratio {
    /// The expression expected to be fast.
    pub faster: String,
    /// The expression expected to be slow.
    pub slower: String,
    /// The minimum `slower / faster` quotient.
    pub at_least: f64,
}

/// The reductions a delivered message counts for in a [`Ratio`]'s cost.
pub const MESSAGE_COST: u64 = 20;

/// How a check failed; hints and explanations are keyed by it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Deserialize, Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// Finished later than the time window allows.
    TooSlow,
    /// Finished earlier than the time window allows.
    TooFast,
    /// Returned a value that does not satisfy the expectation.
    #[default]
    WrongValue,
    /// Raised or exited where a value was expected.
    Crashed,
    /// Did not finish inside the check's budget.
    Timeout,
    /// Left processes or tables behind.
    LeakedProcess,
    /// Fewer processes ran at the same time than the check asks for.
    NotConcurrent,
    /// Stopped by a resource limit (reductions, processes, memory).
    Limit,
    /// The answer could not be used (parse error, missing function).
    Error,
}

impl FailureKind {
    /// The name used in RON, reports and hints (`too_slow`).
    pub fn name(self) -> &'static str {
        match self {
            FailureKind::TooSlow => "too_slow",
            FailureKind::TooFast => "too_fast",
            FailureKind::WrongValue => "wrong_value",
            FailureKind::Crashed => "crashed",
            FailureKind::Timeout => "timeout",
            FailureKind::LeakedProcess => "leaked_process",
            FailureKind::NotConcurrent => "not_concurrent",
            FailureKind::Limit => "limit",
            FailureKind::Error => "error",
        }
    }
}

/// A check worth extra points.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BonusCheck {
    /// Points awarded when the check passes.
    pub points: u32,
    /// The check itself.
    pub check: Check,
}

/// A score sheet: points per criterion, earned when all its checks pass.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    /// The most a (non-bonus) answer can score; the criteria must add up to it.
    pub total: u32,
    /// The criteria, in the order a report lists them.
    pub criteria: Vec<Criterion>,
}

/// One line of a rubric.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// The rubric area, e.g. `"ETS usage"`.
    pub area: String,
    /// What is being scored, e.g. `"Correct table type selection"`.
    pub name: String,
    /// Points for this criterion.
    pub points: u32,
    /// Ids of the checks that must all pass to earn the points; an empty list
    /// marks a criterion a human grades (documentation, code quality).
    pub checks: Vec<String>,
}

impl Unit {
    /// Every check of the unit: the regular ones, then the bonus ones.
    pub fn all_checks(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().chain(self.bonus.iter().map(|bonus| &bonus.check))
    }
}
