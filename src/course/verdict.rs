//! Judging one check: from what the probe observed to a [`Verdict`] with the
//! explanation filled in. The order of the tests follows the course harness:
//! expectation, then the time window, then the ratio, then leftovers.

use std::collections::BTreeMap;

use serde::Serialize;

use super::probe::{Observation, Outcome};
use super::unit::{Check, Expect, FailureKind, Unit};

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The check's id.
    pub check_id: String,
    /// What the check verifies.
    pub description: String,
    /// True when the check passed.
    pub passed: bool,
    /// How it failed (`None` when it passed).
    pub kind: Option<FailureKind>,
    /// The explanation for the learner (empty when it passed).
    pub message: String,
    /// What was observed, in plain terms (`got [1, 2], expected [2, 1]`).
    pub detail: String,
    /// Milliseconds `run` took on the check's clock (virtual by default).
    pub elapsed_ms: u64,
    /// Bonus points the check is worth (0 for a regular check).
    pub bonus_points: u32,
    /// For a timed check that missed its window: the processes it ran, on the
    /// check's clock (the human report draws it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<super::timeline::Timeline>,
}

/// Why a check could not be observed at all.
#[derive(Debug, Clone, PartialEq)]
pub enum Stopped {
    /// The wall-clock guard fired.
    WallClock {
        /// The guard, in ms.
        limit_ms: u64,
    },
    /// A resource limit (processes, memory, reductions, atoms).
    Limit {
        /// Which limit, and what was measured.
        hit: super::sandbox::LimitHit,
    },
    /// The probe or the session failed (a bug or an unusable answer).
    Broken {
        /// What went wrong.
        reason: String,
    },
}

/// The placeholder values of one failure.
#[derive(Debug, Default)]
struct Fill {
    elapsed: u64,
    value: String,
    reason: String,
    ratio: String,
    leftover: String,
    overlap: String,
}

/// Judges a check the probe observed.
pub fn judge(unit: &Unit, check: &Check, observation: &Observation, bonus_points: u32) -> Verdict {
    let (outcome, elapsed, procs, tables, overlap) = match observation {
        Observation::TimedOut => {
            let fill = Fill { elapsed: check.timeout_ms, ..Fill::default() };
            let detail = format!("no result within {} ms", check.timeout_ms);
            return fail(unit, check, FailureKind::Timeout, detail, &fill, bonus_points);
        }
        Observation::Finished { outcome, elapsed_ms, leftover_processes, leftover_tables, overlap } => {
            (outcome, *elapsed_ms, *leftover_processes, *leftover_tables, *overlap)
        }
    };
    let mut fill = Fill { elapsed, ..Fill::default() };
    if let Some((kind, detail)) = expectation(check, outcome, &mut fill) {
        return fail(unit, check, kind, detail, &fill, bonus_points);
    }
    if let Some((low, high)) = check.elapsed_ms {
        let detail = format!("took {elapsed} ms, window {low}..{high}");
        if elapsed > high {
            return fail(unit, check, FailureKind::TooSlow, detail, &fill, bonus_points);
        }
        if elapsed < low {
            return fail(unit, check, FailureKind::TooFast, detail, &fill, bonus_points);
        }
    }
    if let Some((count, span_ms)) = check.overlap
        && overlap < count
    {
        fill.overlap = overlap.to_string();
        let detail = format!("at most {overlap} of the processes it started ran together for {span_ms} ms, {count} expected");
        return fail(unit, check, FailureKind::NotConcurrent, detail, &fill, bonus_points);
    }
    if let (Some(ratio), Outcome::Value { ratio: Some((faster, slower)), .. }) = (&check.ratio, outcome) {
        let quotient = *slower as f64 / (*faster).max(1) as f64;
        fill.ratio = format!("{quotient:.2}");
        if quotient < ratio.at_least {
            let detail = format!("cost ratio {:.2} below {} (costs {faster} and {slower})", quotient, ratio.at_least);
            return fail(unit, check, check.miss, detail, &fill, bonus_points);
        }
    }
    if check.no_leftovers && (procs > 0 || tables > 0) {
        fill.leftover = leftover_text(procs, tables);
        let detail = format!("left {} behind", fill.leftover);
        return fail(unit, check, FailureKind::LeakedProcess, detail, &fill, bonus_points);
    }
    Verdict {
        check_id: check.id.clone(),
        description: check.description.clone(),
        passed: true,
        kind: None,
        message: String::new(),
        detail: if fill.ratio.is_empty() {
            format!("passed in {elapsed} ms")
        } else {
            format!("passed in {elapsed} ms, cost ratio {}", fill.ratio)
        },
        elapsed_ms: elapsed,
        bonus_points,
        timeline: None,
    }
}

/// Judges a check the grader had to stop.
pub fn judge_stopped(unit: &Unit, check: &Check, stopped: &Stopped, bonus_points: u32) -> Verdict {
    let (kind, detail) = match stopped {
        Stopped::WallClock { limit_ms } => (
            FailureKind::Timeout,
            format!("stopped after {limit_ms} ms of real time: a process kept running without ever waiting"),
        ),
        Stopped::Limit { hit } => (FailureKind::Limit, format!("stopped by {hit}")),
        Stopped::Broken { reason } => (FailureKind::Error, reason.clone()),
    };
    // Only a timeout says something about time: the budget was spent.
    let elapsed = if kind == FailureKind::Timeout { check.timeout_ms } else { 0 };
    let fill = Fill { elapsed, reason: detail.clone(), ..Fill::default() };
    fail(unit, check, kind, detail, &fill, bonus_points)
}

/// `None` when the expectation holds, else the failure kind and what was seen.
fn expectation(check: &Check, outcome: &Outcome, fill: &mut Fill) -> Option<(FailureKind, String)> {
    let expected = expected_text(&check.expect);
    match outcome {
        Outcome::Value { value, ok, .. } => {
            fill.value = value.clone();
            if *ok {
                None
            } else {
                Some((check.miss, format!("got {value}, expected {expected}")))
            }
        }
        Outcome::Raised { module, message, ok } => {
            fill.reason = format!("{module}: {message}");
            fill.value = fill.reason.clone();
            match (&check.expect, ok) {
                (Expect::Raises(_), true) => None,
                (Expect::Raises(_), false) => Some((check.miss, format!("raised {module} ({message}), expected {expected}"))),
                // The session's own limits raise SystemLimitError (a binary over
                // the memory limit): name the limit, not a crash of the answer.
                _ if module == "SystemLimitError" => Some((FailureKind::Limit, format!("stopped by a limit: {message}"))),
                _ => Some((FailureKind::Crashed, format!("raised {module}: {message}"))),
            }
        }
        Outcome::Exited { reason, ok } => {
            fill.reason = format!("exit {reason}");
            fill.value = fill.reason.clone();
            match (&check.expect, ok) {
                (Expect::Exits(_), true) => None,
                (Expect::Exits(_), false) => Some((check.miss, format!("exited {reason}, expected {expected}"))),
                _ if reason.starts_with("{:shutdown, {:halt,") => Some((
                    FailureKind::Crashed,
                    format!("the answer called System.halt ({reason}): grading ends the check instead of the program"),
                )),
                _ => Some((FailureKind::Crashed, format!("exited {reason}"))),
            }
        }
        Outcome::Thrown { value } => {
            fill.reason = format!("throw {value}");
            fill.value = fill.reason.clone();
            Some((FailureKind::Crashed, format!("threw {value}")))
        }
    }
}

/// The expectation as a learner reads it.
fn expected_text(expect: &Expect) -> String {
    match expect {
        Expect::Returns => "a normal return".to_string(),
        Expect::Value(source) | Expect::Match(source) => source.trim().to_string(),
        Expect::Raises(module) => format!("a raised {}", module.trim()),
        Expect::Exits(pattern) => format!("an exit matching {}", pattern.trim()),
    }
}

/// `2 processes and 1 table`.
fn leftover_text(procs: usize, tables: usize) -> String {
    let processes = if procs == 1 { "1 process".to_string() } else { format!("{procs} processes") };
    let tables_text = if tables == 1 { "1 table".to_string() } else { format!("{tables} tables") };
    match (procs, tables) {
        (_, 0) => processes,
        (0, _) => tables_text,
        _ => format!("{processes} and {tables_text}"),
    }
}

/// A failed verdict with the explanation for `kind` filled in.
fn fail(unit: &Unit, check: &Check, kind: FailureKind, detail: String, fill: &Fill, bonus_points: u32) -> Verdict {
    let template = explanation(unit, check, kind);
    let mut values = BTreeMap::new();
    values.insert("elapsed", fill.elapsed.to_string());
    values.insert(
        "window",
        check.elapsed_ms.map(|(low, high)| format!("{low}..{high}")).unwrap_or_default(),
    );
    values.insert("value", fill.value.clone());
    values.insert("expected", expected_text(&check.expect));
    values.insert("ratio", fill.ratio.clone());
    values.insert("at_least", check.ratio.as_ref().map(|r| r.at_least.to_string()).unwrap_or_default());
    values.insert("reason", if fill.reason.is_empty() { detail.clone() } else { fill.reason.clone() });
    values.insert("leftover", fill.leftover.clone());
    values.insert("overlap", fill.overlap.clone());
    Verdict {
        check_id: check.id.clone(),
        description: check.description.clone(),
        passed: false,
        kind: Some(kind),
        message: fill_template(&template, &values),
        detail,
        elapsed_ms: fill.elapsed,
        bonus_points,
        timeline: None,
    }
}

/// The check's own explanation for `kind`, else the unit's hint, else a plain
/// sentence naming the kind (the loader makes sure the expected kinds are covered).
pub fn explanation(unit: &Unit, check: &Check, kind: FailureKind) -> String {
    check
        .explain
        .get(&kind)
        .or_else(|| unit.hints.get(&kind))
        .cloned()
        .unwrap_or_else(|| format!("the check failed ({}): {{reason}}", kind.name()))
}

/// Replaces every known `{name}` in `template`; unknown braces are left alone.
pub fn fill_template(template: &str, values: &BTreeMap<&str, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| values.get(&after[..close]).map(|v| (close, v))) {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit_with(check: &str) -> Unit {
        let text = format!(
            r#"(format_version: 1, id: "u", kind: Drill, title: "t", seeds: ["s"], summary: "s",
               instructions: "i", requires: ["M.f/0"], starter: "s", reference: "r",
               checks: [{check}], hints: {{ crashed: "it crashed: {{reason}}", leaked_process: "left {{leftover}}" }})"#
        );
        ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(&text)
            .expect("unit")
    }

    fn finished(outcome: Outcome, elapsed_ms: u64, procs: usize) -> Observation {
        Observation::Finished { outcome, elapsed_ms, leftover_processes: procs, leftover_tables: 0, overlap: 0 }
    }

    #[test]
    fn a_slow_right_answer_is_too_slow_with_the_template_filled() {
        let unit = unit_with(
            r#"(id: "c", description: "d", run: "x", expect: Value("1"), elapsed_ms: (990, 1150),
                explain: { too_slow: "took {elapsed} ms, window {window}", too_fast: "fast" })"#,
        );
        let seen = finished(Outcome::Value { value: "1".into(), ok: true, ratio: None }, 5000, 0);
        let verdict = judge(&unit, &unit.checks[0], &seen, 0);
        assert_eq!(verdict.kind, Some(FailureKind::TooSlow));
        assert_eq!(verdict.message, "took 5000 ms, window 990..1150");
    }

    #[test]
    fn a_raise_where_a_value_was_expected_is_a_crash() {
        let unit = unit_with(r#"(id: "c", description: "d", run: "x", expect: Value("1"))"#);
        let seen = finished(Outcome::Raised { module: "ArgumentError".into(), message: "bad".into(), ok: false }, 0, 0);
        let verdict = judge(&unit, &unit.checks[0], &seen, 0);
        assert_eq!(verdict.kind, Some(FailureKind::Crashed));
        assert_eq!(verdict.message, "it crashed: ArgumentError: bad");
    }

    #[test]
    fn leftovers_fail_only_checks_that_ask() {
        let unit = unit_with(r#"(id: "c", description: "d", run: "x", no_leftovers: true)"#);
        let seen = finished(Outcome::Value { value: ":ok".into(), ok: true, ratio: None }, 0, 2);
        let verdict = judge(&unit, &unit.checks[0], &seen, 0);
        assert_eq!(verdict.kind, Some(FailureKind::LeakedProcess));
        assert_eq!(verdict.message, "left 2 processes");
    }

    #[test]
    fn templates_keep_unknown_braces() {
        let mut values = BTreeMap::new();
        values.insert("value", "3".to_string());
        assert_eq!(fill_template("got {value} in %{a: 1}", &values), "got 3 in %{a: 1}");
    }
}
