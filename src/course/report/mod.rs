//! Rendering [`GradeReport`]s, one format per file: for a person ([`human`]),
//! otplab's own JSON schema ([`json`], documented in `docs/grading.md`), JUnit XML
//! ([`junit`]), Exercism's test-runner `results.json` version 3 ([`exercism`]) and
//! GitHub Actions workflow commands ([`github`]). [`score`] applies a unit's rubric.
//!
//! Check durations come from the check's clock (virtual by default), so grading the
//! same answer twice gives byte-identical reports; only JUnit also carries wall time.

pub mod exercism;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod score;

use std::time::Duration;

pub use human::{REPORT_TIMELINE_WIDTH, human};
pub use json::JSON_SCHEMA;

use super::grade::GradeReport;
use super::unit::Unit;

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text for a terminal.
    Human,
    /// otplab's JSON schema.
    Json,
    /// JUnit XML.
    Junit,
    /// Exercism `results.json` version 3.
    Exercism,
    /// GitHub Actions annotations (plus a job summary table).
    Github,
}

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// JSON serialisation failed.
    #[error("could not write the JSON report: {0}")]
    Json(#[from] serde_json::Error),
    /// JUnit serialisation failed.
    #[error("could not write the JUnit report: {0}")]
    Junit(#[from] quick_junit::SerializeError),
}

/// One graded answer with what the formats need beside the verdicts.
#[derive(Debug, Clone, Copy)]
pub struct Graded<'a> {
    /// The verdicts.
    pub report: &'a GradeReport,
    /// The unit it was graded against (checks' code, rubric, required functions).
    pub unit: &'a Unit,
    /// The answer's path as given on the command line (GitHub annotations name it).
    pub path: &'a str,
    /// The answer's source (to find the line a failure points at).
    pub source: &'a str,
    /// Real time grading took (JUnit's `time`); `None` leaves it out.
    pub wall: Option<Duration>,
}

/// Renders `graded` (one per answer) in `format`. Several answers become a JSON
/// array, one JUnit document with a suite each, or one block of annotations; for
/// Exercism, each answer is its own `results.json`: see [`exercism::results`].
pub fn render(graded: &[Graded], format: Format) -> Result<String, ReportError> {
    match format {
        Format::Human => Ok(graded.iter().map(human::with_score).collect::<Vec<_>>().join("\n")),
        Format::Json => json::render(graded),
        Format::Junit => junit::render(graded),
        Format::Exercism => {
            let docs: Vec<String> = graded.iter().map(exercism::results).collect::<Result<_, _>>()?;
            Ok(docs.concat())
        }
        Format::Github => Ok(graded.iter().map(github::annotations).collect::<String>()),
    }
}
