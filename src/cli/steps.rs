//! Cutting a script into the steps of a presentation: one step per top-level
//! expression, taken from the parser's spans (a `defmodule` is one step, however
//! long). Comment lines just above an expression belong to it: they narrate it.

use crate::syntax::SyntaxError;

/// One step: the source text of one top-level expression (or several written on
/// the same line), with the comments above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The 1-based line the step's text starts on.
    pub line: u32,
    /// The text, without trailing blank lines.
    pub source: String,
}

/// The steps of `source`; `Err` when the script does not parse as a whole.
pub fn steps(source: &str) -> Result<Vec<Step>, SyntaxError> {
    let nodes = crate::syntax::parse(source)?;
    let lines: Vec<&str> = source.lines().collect();
    // Distinct start lines, in order: expressions sharing a line are one step.
    let mut starts: Vec<usize> = Vec::new();
    for node in &nodes {
        let line = node.span.line as usize;
        if starts.last() != Some(&line) {
            starts.push(line);
        }
    }
    let mut cuts: Vec<usize> = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        // Walk up over comments and blank lines, but never into the previous step's
        // first line.
        let floor = if i == 0 { 1 } else { starts[i - 1] + 1 };
        let mut cut = start;
        while cut > floor && is_narration(lines.get(cut - 2).copied().unwrap_or("")) {
            cut -= 1;
        }
        cuts.push(cut);
    }
    let mut out = Vec::with_capacity(cuts.len());
    for (i, &cut) in cuts.iter().enumerate() {
        let end = cuts.get(i + 1).map(|next| next - 1).unwrap_or(lines.len());
        let text = lines[cut - 1..end.max(cut - 1)].join("\n");
        let text = text.trim_matches('\n').trim_end().to_string();
        // Leading blank lines (after the walk up) are not part of the step.
        let skipped = lines[cut - 1..].iter().take_while(|l| l.trim().is_empty()).count();
        out.push(Step { line: u32::try_from(cut + skipped).unwrap_or(u32::MAX), source: text });
    }
    Ok(out)
}

/// A comment or blank line.
fn is_narration(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.is_empty() || trimmed.starts_with('#')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_is_one_step_and_comments_go_with_the_next_expression() {
        let source = "# start a task\ntask = Task.async(fn -> 1 end)\n\ndefmodule M do\n  # inside\n  def f, do: 1\nend\n\n# await it\nTask.await(task); M.f()\n";
        let steps = steps(source).expect("parses");
        let texts: Vec<&str> = steps.iter().map(|s| s.source.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "# start a task\ntask = Task.async(fn -> 1 end)",
                "defmodule M do\n  # inside\n  def f, do: 1\nend",
                "# await it\nTask.await(task); M.f()",
            ]
        );
        assert_eq!(steps.iter().map(|s| s.line).collect::<Vec<_>>(), vec![1, 4, 9]);
    }

    #[test]
    fn a_script_that_does_not_parse_is_an_error() {
        assert!(steps("x = (1 +\n").is_err());
    }
}
