//! A unit's rubric applied to one answer: a criterion's points are earned when every
//! check it names passed; a criterion naming no check is left to a reviewer; a bonus
//! check adds its points on top of the rubric's total.

use serde::Serialize;

use super::super::grade::GradeReport;
use super::super::unit::Unit;

/// The score of one answer against its unit's rubric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Score {
    /// Points earned (rubric criteria whose checks all passed, plus passed bonus checks).
    pub points: u32,
    /// The rubric's total (what a full, non-bonus answer scores).
    pub max: u32,
    /// Points of the criteria a reviewer grades (no check names them); never earned here.
    pub manual: u32,
    /// One line per criterion, in the rubric's order.
    pub criteria: Vec<CriterionScore>,
}

/// What one criterion earned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriterionScore {
    /// The rubric area, e.g. `ETS usage`.
    pub area: String,
    /// The criterion's name.
    pub name: String,
    /// Points earned: all of them or none.
    pub earned: u32,
    /// The criterion's points.
    pub points: u32,
    /// False when a reviewer grades it (it names no check).
    pub automatic: bool,
}

impl Score {
    /// `score: 70/100`, with the reviewer's share when there is one.
    pub fn line(&self) -> String {
        if self.manual > 0 {
            format!("score: {}/{} ({} points left to a reviewer)", self.points, self.max, self.manual)
        } else {
            format!("score: {}/{}", self.points, self.max)
        }
    }
}

/// The answer's score, or `None` when the unit has no rubric. An answer that did not
/// load scores 0.
pub fn score(unit: &Unit, report: &GradeReport) -> Option<Score> {
    let rubric = unit.rubric.as_ref()?;
    let passed = |id: &str| report.verdicts.iter().any(|v| v.check_id == id && v.passed);
    let criteria: Vec<CriterionScore> = rubric
        .criteria
        .iter()
        .map(|c| {
            let automatic = !c.checks.is_empty();
            let earned = if automatic && c.checks.iter().all(|id| passed(id)) { c.points } else { 0 };
            CriterionScore { area: c.area.clone(), name: c.name.clone(), earned, points: c.points, automatic }
        })
        .collect();
    let bonus: u32 = report.verdicts.iter().filter(|v| v.passed).map(|v| v.bonus_points).sum();
    let manual = criteria.iter().filter(|c| !c.automatic).map(|c| c.points).sum();
    Some(Score { points: criteria.iter().map(|c| c.earned).sum::<u32>() + bonus, max: rubric.total, manual, criteria })
}
