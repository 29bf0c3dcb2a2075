//! JUnit XML: one suite per answer, one case per check. A case's `time` is the
//! check's time on its own clock (virtual by default, so it is reproducible) and
//! the `virtual_ms` property says so; the suite's `time` is the real time grading
//! took, with the `wall_ms` property beside it.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::score::score;
use super::{Graded, ReportError};

/// A JUnit document with one suite per answer.
pub fn render(graded: &[Graded]) -> Result<String, ReportError> {
    let mut document = Report::new("otplab");
    for graded in graded {
        document.add_test_suite(suite(graded));
    }
    Ok(document.to_string()?)
}

/// The suite of one answer.
fn suite(graded: &Graded) -> TestSuite {
    let report = graded.report;
    let mut suite = TestSuite::new(format!("{}: {}", report.unit, report.answer));
    if !report.output.is_empty() {
        suite.set_system_out(report.output.as_str());
    }
    if let Some(wall) = graded.wall {
        suite.set_time(wall);
        suite.add_property(Property::new("wall_ms", wall.as_millis().to_string()));
    }
    let virtual_ms: u64 = report.verdicts.iter().map(|v| v.elapsed_ms).sum();
    suite.add_property(Property::new("virtual_ms", virtual_ms.to_string()));
    if let Some(score) = score(graded.unit, report) {
        suite.add_property(Property::new("score", score.points.to_string()));
        suite.add_property(Property::new("score_max", score.max.to_string()));
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
            let kind = if v.kind.is_some_and(super::exercism::is_error) { NonSuccessKind::Error } else { NonSuccessKind::Failure };
            let mut status = TestCaseStatus::non_success(kind);
            status.set_type(v.kind.map(|k| k.name()).unwrap_or("fail"));
            status.set_message(v.message.as_str());
            status.set_description(v.detail.as_str());
            status
        };
        let mut case = TestCase::new(v.check_id.as_str(), status);
        case.set_classname(report.unit.as_str());
        case.set_time(Duration::from_millis(v.elapsed_ms));
        case.add_property(Property::new("virtual_ms", v.elapsed_ms.to_string()));
        suite.add_test_case(case);
    }
    suite
}
