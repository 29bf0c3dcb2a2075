//! `otplab course lint`: the course verified on otplab's own engine. For each unit:
//! every failure kind a check can produce has an explanation or hint, the reference
//! passes every check, the starter fails at least one, and every sample answer in
//! `fixtures/answers/<unit>/` gets the verdict its header declares.

use super::answer::{ExpectedVerdict, answer_fixtures};
use super::catalog::{Catalog, Entry};
use super::grade::{GradeOptions, GradeReport, Status, grade};
use super::unit::{Check, Expect, FailureKind, Unit};

/// What linting one unit found.
#[derive(Debug, Clone)]
pub struct UnitLint {
    /// The unit's id.
    pub unit: String,
    /// Checks (bonus included) the reference passes.
    pub reference_passed: usize,
    /// Checks (bonus included) in the unit.
    pub total: usize,
    /// Every problem found; empty when the unit is sound.
    pub problems: Vec<String>,
}

/// Lints one unit.
pub fn lint_unit(catalog: &Catalog, entry: &Entry, options: GradeOptions) -> UnitLint {
    let unit = &entry.unit;
    let mut problems = missing_hints(unit);
    let reference = grade(catalog, unit, &unit.reference, "reference", options);
    if let Some(error) = &reference.error {
        problems.push(format!("the reference does not load: {error}"));
    }
    for verdict in reference.verdicts.iter().filter(|v| !v.passed) {
        let kind = verdict.kind.map(|k| k.name()).unwrap_or("fail");
        problems.push(format!("the reference fails `{}` ({kind}): {}", verdict.check_id, verdict.detail));
    }
    let starter = grade(catalog, unit, &unit.starter, "starter", options);
    if starter.status == Status::Pass {
        problems.push("the starter passes every check".to_string());
    }
    match answer_fixtures(&catalog.fixtures_dir(), &unit.id) {
        Ok(fixtures) => {
            for fixture in fixtures {
                let name = fixture.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let report = grade(catalog, unit, &fixture.source, &name, options);
                if let Err(problem) = verdict_agrees(&fixture.expect, &report) {
                    problems.push(format!("sample answer {name}: {problem}"));
                }
            }
        }
        Err(e) => problems.push(e.to_string()),
    }
    UnitLint { unit: unit.id.clone(), reference_passed: reference.passed(), total: unit.all_checks().count(), problems }
}

/// `Ok` when `report` is the verdict a sample answer's header declares.
pub fn verdict_agrees(expect: &ExpectedVerdict, report: &GradeReport) -> Result<(), String> {
    let failures = || {
        report
            .verdicts
            .iter()
            .filter(|v| !v.passed)
            .map(|v| format!("{} {}", v.check_id, v.kind.map(|k| k.name()).unwrap_or("fail")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (expect, &report.error) {
        (ExpectedVerdict::Error, Some(_)) => return Ok(()),
        (ExpectedVerdict::Error, None) => return Err(format!("expected it not to load, it was graded: {}", report.status.name())),
        (_, Some(error)) => return Err(format!("did not load: {error}")),
        (_, None) => {}
    }
    match expect {
        ExpectedVerdict::Error => Ok(()),
        ExpectedVerdict::Pass if report.status == Status::Pass => Ok(()),
        ExpectedVerdict::Pass => Err(format!("expected pass, failed: {}", failures())),
        ExpectedVerdict::Fail { check, kind } => {
            let verdict = report
                .verdicts
                .iter()
                .find(|v| &v.check_id == check)
                .ok_or_else(|| format!("expected `{check}` to fail, but the unit has no such check"))?;
            match (verdict.passed, kind) {
                (true, _) => Err(format!("expected `{check}` to fail, it passed (failed: {})", failures())),
                (false, Some(kind)) if verdict.kind != Some(*kind) => Err(format!(
                    "expected `{check}` to fail as {}, it failed as {} ({})",
                    kind.name(),
                    verdict.kind.map(|k| k.name()).unwrap_or("fail"),
                    verdict.detail
                )),
                (false, _) => Ok(()),
            }
        }
    }
}

/// The failure kinds `check` can produce that neither it nor the unit explains.
fn missing_hints(unit: &Unit) -> Vec<String> {
    let mut problems = Vec::new();
    for check in unit.all_checks() {
        for kind in producible_kinds(check) {
            if !check.explain.contains_key(&kind) && !unit.hints.contains_key(&kind) {
                problems.push(format!("check `{}` can fail as `{}` but has no explanation or hint for it", check.id, kind.name()));
            }
        }
    }
    problems
}

/// The kinds a check can fail with: its miss kind, the timing kinds when timed,
/// `leaked_process` when it forbids leftovers, `crashed` when it expects a return,
/// and `timeout`, which any check can run into.
pub fn producible_kinds(check: &Check) -> Vec<FailureKind> {
    let mut kinds = vec![check.miss];
    if check.elapsed_ms.is_some() {
        kinds.extend([FailureKind::TooSlow, FailureKind::TooFast]);
    }
    if check.no_leftovers {
        kinds.push(FailureKind::LeakedProcess);
    }
    if check.overlap.is_some() {
        kinds.push(FailureKind::NotConcurrent);
    }
    if matches!(check.expect, Expect::Returns | Expect::Value(_) | Expect::Match(_)) {
        kinds.push(FailureKind::Crashed);
    }
    kinds.push(FailureKind::Timeout);
    kinds.dedup();
    kinds
}
