//! The program that runs one check, and the reading of what it reports.
//!
//! The grader writes a small Elixir program around the check's `run`: bind
//! `fixtures_dir`, evaluate `run` inside a `try`, judge the expectation where
//! `run`'s bindings are visible (so pins in a `Match` pattern work), and return a
//! tagged tuple. The session runs that program as a fresh process and collects
//! everything else in Rust ([`crate::session::check`]): the tuple comes back
//! through the process's finish callback, never through a message, and the
//! elapsed time, the leftovers and the journal of spawns are read from the
//! runtime. So nothing an answer sends, defines or kills can forge a pass: a
//! killed check process is an exit, and stdlib modules cannot be redefined
//! (`Session::reserve_loaded_modules`).

use std::path::Path;

use crate::session::JournalEntry;
use crate::session::LifeEvent;
use crate::term::inspect::inspect;
use crate::term::{Pid, Term};

use super::unit::{Check, Expect};

/// Milliseconds the session waits after `run` returns before counting leftovers, so
/// processes that are about to end (an awaited task's exit) are not counted.
pub const SETTLE_MS: u64 = 40;

/// Writes `text` as an Elixir string literal (no interpolation, exact bytes).
pub fn elixir_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '#' => out.push_str("\\#"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// The program for `check`: `run` and its expectation, returning
/// `{:value, value, ok}`, `{:raised, module, message, ok}`, `{:exit, reason, ok}`
/// or `{:thrown, value}`.
pub fn probe_source(check: &Check, fixtures_dir: &Path) -> String {
    program(&check.run, &check.expect, fixtures_dir)
}

/// The program that only runs `expression` (a ratio's side), for its cost.
pub fn cost_source(expression: &str, fixtures_dir: &Path) -> String {
    program(expression, &Expect::Returns, fixtures_dir)
}

/// The program matching an exit reason (bound as `reason__`) against a check's
/// `Exits` pattern, for a check process that died before its `try` could see it.
pub fn exit_match_source(check: &Check) -> Option<String> {
    match &check.expect {
        Expect::Exits(pattern) => Some(format!("match?({pattern}, reason__)")),
        _ => None,
    }
}

fn program(run: &str, expect: &Expect, fixtures_dir: &Path) -> String {
    let value_ok = match expect {
        Expect::Returns => "true".to_string(),
        Expect::Value(expected) => format!("value__ == (\n{expected}\n)"),
        Expect::Match(pattern) => format!("match?({pattern}, value__)"),
        Expect::Raises(_) | Expect::Exits(_) => "false".to_string(),
    };
    let raise_ok = match expect {
        Expect::Raises(module) => format!("e__.__struct__ == {module}"),
        _ => "false".to_string(),
    };
    let exit_ok = match expect {
        Expect::Exits(pattern) => format!("match?({pattern}, r__)"),
        _ => "false".to_string(),
    };
    let dir = elixir_string(&fixtures_dir.to_string_lossy());
    format!(
        r#"fixtures_dir = {dir}
_ = fixtures_dir
try do
        value__ = (
{run}
        )
  {{:value, value__, {value_ok}}}
rescue
  e__ -> {{:raised, inspect(e__.__struct__), Exception.message(e__), {raise_ok}}}
catch
  :exit, r__ -> {{:exit, r__, {exit_ok}}}
  :throw, t__ -> {{:thrown, t__}}
end
"#
    )
}

/// The text just before `run` in every probe.
const RUN_MARKER: &str = "        value__ = (\n";

/// The 1-based line of the probe on which the check's `run` starts.
pub fn run_first_line(probe: &str) -> usize {
    probe.find(RUN_MARKER).map(|at| probe[..at + RUN_MARKER.len()].matches('\n').count() + 1).unwrap_or(1)
}

/// Rewrites `file:LINE:` in an error banner about a probe so the line counts from
/// the start of the check's `run` (what the course author wrote), as `run:LINE:`.
/// Lines outside `run` (the expectation) keep the probe's numbering.
pub fn banner_in_run(banner: &str, file: &str, first_line: usize) -> String {
    let prefix = format!("{file}:");
    let Some(at) = banner.find(&prefix) else { return banner.to_string() };
    let digits_from = at + prefix.len();
    let digits: String = banner[digits_from..].chars().take_while(char::is_ascii_digit).collect();
    match digits.parse::<usize>() {
        Ok(line) if line >= first_line => {
            let shifted = line - first_line + 1;
            format!("{}run:{shifted}{}", &banner[..at], &banner[digits_from + digits.len()..])
        }
        _ => banner.to_string(),
    }
}

/// How the check's `run` ended, as the probe saw it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// `run` returned `value`; `ok` says whether the expectation held.
    Value {
        /// The value, inspected.
        value: String,
        /// The expectation held.
        ok: bool,
        /// The ratio measurement (faster cost, slower cost), when asked for.
        ratio: Option<(u64, u64)>,
    },
    /// `run` raised an exception.
    Raised {
        /// The exception module, e.g. `ArgumentError`.
        module: String,
        /// Its message.
        message: String,
        /// It is the exception a `Raises` expectation names.
        ok: bool,
    },
    /// `run` exited (caught exit, or the check process died, e.g. through a link).
    Exited {
        /// The reason, inspected.
        reason: String,
        /// It matches an `Exits` pattern.
        ok: bool,
    },
    /// `run` threw a value.
    Thrown {
        /// The value, inspected.
        value: String,
    },
}

/// Everything the session measured about one check.
#[derive(Debug, Clone, PartialEq)]
pub enum Observation {
    /// `run` ended within the check's budget.
    Finished {
        /// How it ended.
        outcome: Outcome,
        /// Milliseconds `run` took (virtual under the virtual clock).
        elapsed_ms: u64,
        /// Processes still alive after `run` (and a short settle).
        leftover_processes: usize,
        /// ETS tables created by `run` and still alive.
        leftover_tables: usize,
        /// The most processes started by the check that were alive together
        /// for the check's overlap span (0 when the check asks nothing about it).
        overlap: u32,
    },
    /// The check's budget (`timeout_ms`) ran out first.
    TimedOut,
}

/// Reads the check program's returned tuple; `None` when it has an unexpected
/// shape (the grader reports that as an error of its own).
pub fn read_outcome(term: &Term) -> Option<Outcome> {
    let items = tuple(term)?;
    match (atom(items.first()?)?, items.len()) {
        ("value", 3) => Some(Outcome::Value { value: inspect(&items[1]), ok: boolean(&items[2])?, ratio: None }),
        ("raised", 4) => Some(Outcome::Raised { module: text(&items[1])?, message: text(&items[2])?, ok: boolean(&items[3])? }),
        ("exit", 3) => Some(Outcome::Exited { reason: inspect(&items[1]), ok: boolean(&items[2])? }),
        ("thrown", 2) => Some(Outcome::Thrown { value: inspect(&items[1]) }),
        _ => None,
    }
}

/// The most processes spawned during a check (other than the check's own
/// process `check`) that were all alive together for at least `span_ms`, from
/// the runtime's journal. A process still alive at the end counts as alive until
/// `end_ms`. A sweep over interval ends: O(n log n).
///
/// A span of 0 asks only that the processes were alive at once, read from the
/// journal's order (a process spawned after another exited, even in the same
/// millisecond, never overlaps it).
pub fn max_overlap(journal: &[JournalEntry], check: Pid, span_ms: u64, end_ms: u64) -> u32 {
    if span_ms == 0 {
        let (mut alive, mut best) = (std::collections::HashSet::new(), 0usize);
        for entry in journal.iter().filter(|e| e.pid != check) {
            match entry.event {
                LifeEvent::Spawned => {
                    alive.insert(entry.pid);
                }
                LifeEvent::Exited { .. } => {
                    alive.remove(&entry.pid);
                }
            }
            best = best.max(alive.len());
        }
        return u32::try_from(best).unwrap_or(u32::MAX);
    }
    let mut born: std::collections::HashMap<Pid, u64> = std::collections::HashMap::new();
    let mut lives: Vec<(u64, u64)> = Vec::new();
    for entry in journal {
        if entry.pid == check {
            continue;
        }
        match entry.event {
            LifeEvent::Spawned => {
                born.insert(entry.pid, entry.at_ms);
            }
            LifeEvent::Exited { .. } => {
                if let Some(from) = born.remove(&entry.pid) {
                    lives.push((from, entry.at_ms));
                }
            }
        }
    }
    lives.extend(born.into_values().map(|from| (from, end_ms.max(from))));
    // A life [s, e] covers a span [t, t + span] when s <= t and t <= e - span.
    let mut events: Vec<(u64, i32)> = Vec::new();
    for (from, to) in lives {
        if to >= from + span_ms {
            events.push((from, 1));
            events.push((to - span_ms, -1));
        }
    }
    // At equal times a start counts before an end (both bounds are inclusive).
    events.sort_by_key(|&(at, delta)| (at, -delta));
    let (mut now, mut best) = (0i32, 0i32);
    for (_, delta) in events {
        now += delta;
        best = best.max(now);
    }
    u32::try_from(best).unwrap_or(0)
}

fn tuple(term: &Term) -> Option<&[Term]> {
    match term {
        Term::Tuple(items) => Some(&items[..]),
        _ => None,
    }
}

fn atom(term: &Term) -> Option<&str> {
    match term {
        Term::Atom(a) => Some(a.as_str()),
        _ => None,
    }
}

fn boolean(term: &Term) -> Option<bool> {
    match atom(term)? {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

fn text(term: &Term) -> Option<String> {
    match term {
        Term::Binary(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_escape_interpolation_and_quotes() {
        assert_eq!(elixir_string("a\"#{b}\\\n"), "\"a\\\"\\#{b}\\\\\\n\"");
    }

    #[test]
    fn the_probe_embeds_run_and_expectation() {
        let check: Check = ron::from_str(
            r#"(id: "c", description: "d", run: "Foo.bar()", expect: Match("{:ok, _}"), timeout_ms: 700)"#,
        )
        .expect("check");
        let source = probe_source(&check, Path::new("/f"));
        assert!(source.contains("\nFoo.bar()\n"));
        assert!(source.contains("match?({:ok, _}, value__)"));
        assert!(source.contains("fixtures_dir = \"/f\""));
    }

    #[test]
    fn banners_count_lines_from_run() {
        let check: Check = ron::from_str(r#"(id: "c", description: "d", run: "a\nb")"#).expect("check");
        let probe = probe_source(&check, Path::new("/f"));
        let first = run_first_line(&probe);
        assert_eq!(probe.lines().nth(first - 1), Some("a"));
        let banner = format!("** (SyntaxError) check:{}:3: oops", first + 1);
        assert_eq!(banner_in_run(&banner, "check", first), "** (SyntaxError) run:2:3: oops");
        assert_eq!(banner_in_run("** (SyntaxError) check:2:1: x", "check", first), "** (SyntaxError) check:2:1: x");
    }

    #[test]
    fn unexpected_shapes_are_not_outcomes() {
        assert_eq!(read_outcome(&Term::Int(1)), None);
        let forged = Term::tuple(vec![Term::atom("value"), Term::Int(1)]);
        assert_eq!(read_outcome(&forged), None);
    }

    fn life(pid: u64, at_ms: u64, spawned: bool) -> JournalEntry {
        let event = if spawned {
            LifeEvent::Spawned
        } else {
            LifeEvent::Exited { reason: Term::atom("normal"), name: None }
        };
        JournalEntry { pid: Pid(pid), at_ms, event }
    }

    #[test]
    fn overlap_counts_processes_alive_together_for_the_span() {
        // Five jobs of 1 s started together, under check process 1.
        let mut parallel = vec![life(1, 0, true)];
        parallel.extend((2..7).map(|p| life(p, 0, true)));
        parallel.extend((2..7).map(|p| life(p, 1000, false)));
        assert_eq!(max_overlap(&parallel, Pid(1), 900, 1000), 5);
        // The same jobs one after another: never more than one at a time.
        let sequential: Vec<JournalEntry> =
            (0..5u64).flat_map(|i| [life(i + 2, i * 1000, true), life(i + 2, i * 1000 + 1000, false)]).collect();
        assert_eq!(max_overlap(&sequential, Pid(1), 900, 5000), 1);
        // Five short-lived processes do not overlap for 900 ms.
        let brief: Vec<JournalEntry> = (2..7).flat_map(|p| [life(p, 0, true), life(p, 10, false)]).collect();
        assert_eq!(max_overlap(&brief, Pid(1), 900, 1000), 0);
        // A process still alive at the end lives until the end.
        assert_eq!(max_overlap(&[life(2, 0, true)], Pid(1), 900, 1000), 1);
        // Span 0 reads the order: back to back in one millisecond is not together.
        let chained = [life(2, 5, true), life(2, 5, false), life(3, 5, true), life(3, 5, false)];
        assert_eq!(max_overlap(&chained, Pid(1), 0, 5), 1);
        let together = [life(2, 5, true), life(3, 5, true), life(2, 5, false), life(3, 5, false)];
        assert_eq!(max_overlap(&together, Pid(1), 0, 5), 2);
    }
}
