//! The text report: one line per check, the explanation under each failure.

use super::super::grade::GradeReport;
use super::Graded;
use super::score::score;

/// Cells of the time axis of a timeline in the human report.
pub const REPORT_TIMELINE_WIDTH: usize = 50;

/// The text report of one answer, with its rubric score when the unit has one.
pub fn with_score(graded: &Graded) -> String {
    let mut out = human(graded.report);
    if let Some(score) = score(graded.unit, graded.report) {
        out.push_str(&score.line());
        out.push('\n');
    }
    out
}

/// The text report of one answer (no rubric: the drill REPL and `watch` show this).
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
