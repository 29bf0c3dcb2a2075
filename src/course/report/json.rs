//! otplab's JSON report (schema in `docs/grading.md`).

use serde_json::{Value, json};

use super::score::score;
use super::{Graded, ReportError};

/// The version of otplab's JSON report schema; bumped on any incompatible change
/// (adding a field is not one).
pub const JSON_SCHEMA: &str = "otplab-grade/1";

/// One answer as an object, several as an array.
pub fn render(graded: &[Graded]) -> Result<String, ReportError> {
    let value = match graded {
        [one] => value(one),
        many => Value::Array(many.iter().map(value).collect()),
    };
    Ok(serde_json::to_string_pretty(&value)? + "\n")
}

/// otplab's JSON report of one answer; `score` is `null` when the unit has no rubric.
fn value(graded: &Graded) -> Value {
    let report = graded.report;
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
        "score": score(graded.unit, report),
        "checks": checks,
    })
}
