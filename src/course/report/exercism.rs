//! Exercism's test-runner interface: `results.json` version 3
//! (<https://exercism.org/docs/building/tooling/test-runners/interface>).
//!
//! Top-level `status` is `error` only when nothing ran (the answer did not load; the
//! top-level `message` then says why); otherwise `pass` or `fail`. Each check is a
//! test whose `test_code` is the check's `run` expression; a check that crashed is
//! `error`, any other miss `fail`. Exercism has no field for a rubric score, so none
//! is written. Per-check output is not captured separately, so `output` is left out.

use serde_json::{Value, json};

use super::super::grade::{GradeReport, Status};
use super::super::unit::{Check, FailureKind, Unit};
use super::{Graded, ReportError};

/// Exercism's cap on a `message`, in bytes.
pub const MESSAGE_LIMIT: usize = 65_535;

/// True for failure kinds Exercism calls `error` (the check's code raised or the
/// grader could not run it) rather than `fail` (it ran and gave a wrong result).
pub fn is_error(kind: FailureKind) -> bool {
    matches!(kind, FailureKind::Crashed | FailureKind::Error)
}

/// One answer's `results.json`, pretty-printed with a final newline.
pub fn results(graded: &Graded) -> Result<String, ReportError> {
    Ok(serde_json::to_string_pretty(&value(graded.unit, graded.report))? + "\n")
}

/// The `results.json` value of one answer.
pub fn value(unit: &Unit, report: &GradeReport) -> Value {
    let tasks = tasks(unit);
    let tests: Vec<Value> = report
        .verdicts
        .iter()
        .map(|v| {
            let check = unit.all_checks().find(|c| c.id == v.check_id);
            let status = match v.kind {
                None => "pass",
                Some(kind) if is_error(kind) => "error",
                Some(_) => "fail",
            };
            let mut test = json!({
                "name": v.description,
                "test_code": check.map(|c| c.run.as_str()).unwrap_or_default(),
                "status": status,
                "message": if v.passed { Value::Null } else { Value::String(cut(&format!("{} ({})", v.message, v.detail))) },
            });
            if let Some(task) = check.and_then(|c| task_id(&tasks, c)) {
                test["task_id"] = json!(task);
            }
            test
        })
        .collect();
    let status = match report.status {
        Status::Error => "error",
        Status::Pass => "pass",
        Status::Fail => "fail",
    };
    let mut value = json!({ "version": 3, "status": status, "tests": tests });
    if let Some(error) = &report.error {
        value["message"] = Value::String(cut(error));
    }
    value
}

/// The unit's tasks: each function its instructions ask for (`requires`, arities
/// merged, in order), numbered from 1. otplab's units have no numbered task list, so
/// these are the tasks a learner works through.
fn tasks(unit: &Unit) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for required in &unit.requires {
        let name = required.rsplit_once('/').map(|(name, _)| name).unwrap_or(required).to_string();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The task a check exercises: the one required function its code calls, or `None`
/// when it calls none or several (a guess would mislead Exercism's task view).
fn task_id(tasks: &[String], check: &Check) -> Option<usize> {
    let called: Vec<usize> = tasks.iter().enumerate().filter(|(_, name)| calls(&check.run, name)).map(|(i, _)| i + 1).collect();
    match called.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// True when `code` names `function` (`Mod.fun`) as a whole word.
fn calls(code: &str, function: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '?' | '!' | '.');
    code.match_indices(function).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + function.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(|c| word(c) && c != '.')
    })
}

/// `text` cut to [`MESSAGE_LIMIT`] bytes on a character boundary.
pub fn cut(text: &str) -> String {
    if text.len() <= MESSAGE_LIMIT {
        return text.to_string();
    }
    let mut end = MESSAGE_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_needs_a_whole_name() {
        assert!(calls("JobQueue.submit(%{})", "JobQueue.submit"));
        assert!(calls("x = JobQueue.stats\n", "JobQueue.stats"));
        assert!(!calls("JobQueue.submit_many([])", "JobQueue.submit"));
        assert!(!calls("Other.JobQueue.submit(1)", "JobQueue.submit"));
    }

    #[test]
    fn cut_keeps_whole_characters() {
        let long = "é".repeat(40_000);
        let cut = cut(&long);
        assert!(cut.len() <= MESSAGE_LIMIT);
        assert_eq!(cut.len() % 2, 0);
    }
}
