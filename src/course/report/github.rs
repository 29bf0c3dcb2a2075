//! GitHub Actions output: workflow commands (`::error file=...,line=...::`) that
//! annotate the answer's lines, and a Markdown job summary for
//! `$GITHUB_STEP_SUMMARY` (the caller appends it; this module only renders).
//!
//! A failure points at the definition of the function its check calls (the one
//! required function the check's code names), else at the module, else at no line.
//! An answer that did not load points at the line its error banner names.

use super::super::grade::{GradeReport, Status};
use super::super::unit::Unit;
use super::Graded;
use super::score::score;

/// The workflow commands for one answer: an `::error` per failed check (or for the
/// load error), then a `::notice` summing it up when it passed.
pub fn annotations(graded: &Graded) -> String {
    let report = graded.report;
    let mut out = String::new();
    if let Some(error) = &report.error {
        let line = banner_line(error, &report.answer);
        out.push_str(&command("error", graded.path, line, &format!("{}: the answer could not be loaded", report.unit), error));
        return out;
    }
    for v in report.verdicts.iter().filter(|v| !v.passed) {
        let line = graded.unit.all_checks().find(|c| c.id == v.check_id).and_then(|c| target_line(graded.unit, &c.run, graded.source));
        let kind = v.kind.map(|k| k.name()).unwrap_or("fail");
        let title = format!("{}: {} ({kind})", report.unit, v.check_id);
        out.push_str(&command("error", graded.path, line, &title, &format!("{}\n{}\n({})", v.description, v.message, v.detail)));
    }
    if report.status == Status::Pass {
        out.push_str(&command("notice", graded.path, None, &format!("{}: passed", report.unit), &summary(graded)));
    }
    out
}

/// `5/5 checks passed, bonus 1/2, score: 85/100`.
fn summary(graded: &Graded) -> String {
    let report = graded.report;
    let regular = report.verdicts.get(..report.regular).unwrap_or_default();
    let mut text = format!("{}/{} checks passed", regular.iter().filter(|v| v.passed).count(), regular.len());
    let (bonus_passed, bonus_total) = report.bonus();
    if bonus_total > 0 {
        text.push_str(&format!(", bonus {bonus_passed}/{bonus_total}"));
    }
    if let Some(score) = score(graded.unit, report) {
        text.push_str(&format!(", {}", score.line()));
    }
    text
}

/// One workflow command, escaped as GitHub's runner expects.
fn command(level: &str, file: &str, line: Option<usize>, title: &str, message: &str) -> String {
    let mut properties = format!("file={}", escape_property(file));
    if let Some(line) = line {
        properties.push_str(&format!(",line={line}"));
    }
    properties.push_str(&format!(",title={}", escape_property(title)));
    format!("::{level} {properties}::{}\n", escape_data(message))
}

/// A command's message: `%`, CR and LF are encoded.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A command's property value: as a message, plus `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The 1-based line of the definition the check's code exercises.
fn target_line(unit: &Unit, run: &str, source: &str) -> Option<usize> {
    // The required function the code names last is the one under test; earlier
    // ones are usually setup (`start_link`).
    let function = unit
        .requires
        .iter()
        .map(|r| r.rsplit_once('/').map(|(name, _)| name).unwrap_or(r))
        .filter_map(|name| run.rfind(&format!("{name}(")).or_else(|| run.rfind(&format!("{name} "))).map(|at| (at, name)))
        .max()
        .map(|(_, name)| name)?;
    let (module, fun) = function.rsplit_once('.')?;
    let lines: Vec<&str> = source.lines().collect();
    let module_at = lines.iter().position(|l| l.trim_start().strip_prefix("defmodule ").is_some_and(|rest| rest.split_whitespace().next() == Some(module)))?;
    let defines = |l: &str| {
        let l = l.trim_start();
        ["def ", "defp "].iter().any(|d| {
            l.strip_prefix(d).is_some_and(|rest| rest.strip_prefix(fun).is_some_and(|after| after.is_empty() || after.starts_with(['(', ' ', ','])))
        })
    };
    let fun_at = lines[module_at..].iter().position(|l| defines(l)).map(|i| module_at + i);
    Some(fun_at.unwrap_or(module_at) + 1)
}

/// The line an error banner names in the answer (`answer.exs:3:`), if any.
fn banner_line(error: &str, answer: &str) -> Option<usize> {
    let at = error.find(&format!("{answer}:"))? + answer.len() + 1;
    let digits: String = error[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The job summary: a Markdown table per answer (checks, their status and time),
/// ending with the score when the unit has a rubric.
pub fn step_summary(graded: &[Graded]) -> String {
    let mut out = String::from("## otplab grade\n\n");
    for g in graded {
        out.push_str(&answer_table(g.report));
        let tail = match &g.report.error {
            Some(error) => format!("**error**: the answer could not be loaded: {}", cell(error)),
            None => summary(g),
        };
        out.push_str(&format!("\n{tail}\n\n"));
    }
    out
}

/// One answer's table.
fn answer_table(report: &GradeReport) -> String {
    let mut out = format!("### {} — `{}`: {}\n\n", report.unit, report.answer, report.status.name());
    out.push_str("| check | status | time (ms) | message |\n|---|---|---:|---|\n");
    for v in &report.verdicts {
        let status = match v.kind {
            None => "✅ pass".to_string(),
            Some(kind) => format!("❌ {}", kind.name()),
        };
        out.push_str(&format!("| {} | {status} | {} | {} |\n", cell(&v.check_id), v.elapsed_ms, cell(&v.message)));
    }
    out
}

/// Text made safe for one table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace("\r\n", "<br>").replace('\n', "<br>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_escape_what_github_requires() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a: b, c"), "a%3A b%2C c");
    }

    #[test]
    fn the_banner_line_is_read_after_the_file_name() {
        assert_eq!(banner_line("** (SyntaxError) broken.exs:7:3: missing end", "broken.exs"), Some(7));
        assert_eq!(banner_line("** (RuntimeError) boom", "broken.exs"), None);
    }
}
