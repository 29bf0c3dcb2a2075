//! Rendering a [`GradeReport`]: for a person (`human`), otplab's own JSON schema
//! (`json`, documented in `docs/grading.md`), JUnit XML (`junit`, for CI) and
//! Exercism's test-runner `results.json` version 3 (`exercism`).
//!
//! Durations come from the check's clock (virtual by default), so grading the same
//! answer twice gives byte-identical reports.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use serde_json::{Value, json};

use super::grade::{GradeReport, Status};

/// The version of otplab's JSON report schema; bumped on any incompatible change.
pub const JSON_SCHEMA: &str = "otplab-grade/1";

/// Cells of the time axis of a timeline in the human report.
pub const REPORT_TIMELINE_WIDTH: usize = 50;

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

/// Renders `reports` (one per graded answer) in `format`. Several reports become a
/// JSON array, one JUnit document with a suite each, or (Exercism) one result whose
/// tests are all of theirs.
pub fn render(reports: &[GradeReport], format: Format) -> Result<String, ReportError> {
    match format {
        Format::Human => Ok(reports.iter().map(human).collect::<Vec<_>>().join("\n")),
        Format::Json => {
            let value = match reports {
                [one] => json_value(one),
                many => Value::Array(many.iter().map(json_value).collect()),
            };
            Ok(serde_json::to_string_pretty(&value)? + "\n")
        }
        Format::Junit => junit(reports),
        Format::Exercism => Ok(serde_json::to_string_pretty(&exercism(reports))? + "\n"),
    }
}

/// The text report: one line per check, the explanation under each failure.
pub fn human(report: &GradeReport) -> String {
    let mut out = format!("{} ({}) - {}\n", report.unit, report.title, report.answer);
    if let Some(error) = &report.error {
        out.push_str(&format!("  error: the answer could not be loaded\n  {}\n", error.replace('\n', "\n  ")));
        if !report.output.is_empty() {
            out.push_str(&format!("  it printed:\n  {}\n", report.output.trim_end().replace('\n', "\n  ")));
        }
        return out;
    }
    for verdict in &report.verdicts {
        let bonus = if verdict.bonus_points > 0 { format!(" (bonus {})", verdict.bonus_points) } else { String::new() };
        if verdict.passed {
            out.push_str(&format!("  pass  {}{bonus} [{} ms]\n", verdict.check_id, verdict.elapsed_ms));
        } else {
            let kind = verdict.kind.map(|k| k.name()).unwrap_or("fail");
            out.push_str(&format!("  FAIL  {}{bonus} ({kind}) [{} ms]\n", verdict.check_id, verdict.elapsed_ms));
            out.push_str(&format!("        {}\n", verdict.description));
            out.push_str(&format!("        {}\n", verdict.message));
            out.push_str(&format!("        ({})\n", verdict.detail));
            if let Some(timeline) = &verdict.timeline {
                out.push_str("        the processes it ran:\n");
                for line in timeline.plain(REPORT_TIMELINE_WIDTH).lines() {
                    out.push_str(&format!("        {line}\n"));
                }
            }
        }
    }
    let regular = &report.verdicts[..report.regular.min(report.verdicts.len())];
    out.push_str(&format!(
        "{}: {}/{} checks passed",
        report.status.name(),
        regular.iter().filter(|v| v.passed).count(),
        regular.len()
    ));
    let (bonus_passed, bonus_total) = report.bonus();
    if bonus_total > 0 {
        out.push_str(&format!(", bonus {bonus_passed}/{bonus_total}"));
    }
    out.push('\n');
    out
}

/// otplab's JSON report of one answer.
fn json_value(report: &GradeReport) -> Value {
    let checks: Vec<Value> = report
        .verdicts
        .iter()
        .map(|v| {
            json!({
                "id": v.check_id,
                "description": v.description,
                "status": if v.passed { "pass" } else { "fail" },
                "kind": v.kind.map(|k| k.name()),
                "message": v.message,
                "detail": v.detail,
                "elapsed_ms": v.elapsed_ms,
                "bonus_points": v.bonus_points,
            })
        })
        .collect();
    json!({
        "schema": JSON_SCHEMA,
        "unit": report.unit,
        "answer": report.answer,
        "status": report.status.name(),
        "error": report.error,
        "passed": report.passed(),
        "total": report.verdicts.len(),
        "bonus_passed": report.bonus().0,
        "bonus_total": report.bonus().1,
        "checks": checks,
    })
}

/// Exercism's `results.json` (version 3).
fn exercism(reports: &[GradeReport]) -> Value {
    let error = reports.iter().find_map(|r| r.error.clone());
    let status = if error.is_some() {
        Status::Error
    } else if reports.iter().all(|r| r.status == Status::Pass) {
        Status::Pass
    } else {
        Status::Fail
    };
    let tests: Vec<Value> = reports
        .iter()
        .flat_map(|r| r.verdicts.iter().enumerate())
        .map(|(index, v)| {
            let mut test = json!({
                "name": v.description,
                "status": if v.passed { "pass" } else { "fail" },
                // Each check stands for one task of the unit's instructions.
                "task_id": index + 1,
            });
            if !v.passed {
                test["message"] = Value::String(format!("{} ({})", v.message, v.detail));
            }
            test
        })
        .collect();
    let mut value = json!({ "version": 3, "status": status.name(), "tests": tests });
    if let Some(error) = error {
        value["message"] = Value::String(error);
    }
    value
}

/// A JUnit document with one suite per answer and one case per check.
fn junit(reports: &[GradeReport]) -> Result<String, ReportError> {
    let mut document = Report::new("otplab");
    for report in reports {
        let mut suite = TestSuite::new(format!("{}: {}", report.unit, report.answer));
        if !report.output.is_empty() {
            suite.set_system_out(report.output.as_str());
        }
        if let Some(error) = &report.error {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status.set_message("the answer could not be loaded");
            status.set_description(error.as_str());
            suite.add_test_case(TestCase::new("load", status));
        }
        for v in &report.verdicts {
            let status = if v.passed {
                TestCaseStatus::success()
            } else {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status.set_type(v.kind.map(|k| k.name()).unwrap_or("fail"));
                status.set_message(v.message.as_str());
                status.set_description(v.detail.as_str());
                status
            };
            let mut case = TestCase::new(v.check_id.as_str(), status);
            case.set_classname(report.unit.as_str());
            case.set_time(Duration::from_millis(v.elapsed_ms));
            suite.add_test_case(case);
        }
        document.add_test_suite(suite);
    }
    Ok(document.to_string()?)
}
