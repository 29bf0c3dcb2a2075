//! The Elixir program that runs one check, and the reading of what it reports.
//!
//! The grader does not reach into the runtime: it writes a small Elixir script
//! (the *probe*) that does exactly what `tests/course_on_elixir/harness.exs` does on
//! real Elixir: note the live processes and tables, run the check's `run` in a
//! fresh monitored process with the binding `fixtures_dir`, time it with
//! `System.monotonic_time/1` (virtual under the virtual clock), judge the
//! expectation where `run`'s bindings are visible (so pins in a `Match` pattern
//! work), wait briefly, count what is left over, then kill everything the check
//! started so the next check begins clean.

use std::path::Path;

use crate::term::Term;
use crate::term::inspect::inspect;

use super::unit::{Check, Expect};

/// Milliseconds the probe waits after `run` returns before counting leftovers, so
/// processes that are about to end (an awaited task's exit) are not counted.
const SETTLE_MS: u64 = 40;

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

/// The probe script for `check`. `with_ratio` runs the check's ratio comparison
/// (the grader only asks for it on a real-clock session).
pub fn probe_source(check: &Check, fixtures_dir: &Path, with_ratio: bool) -> String {
    let value_ok = match &check.expect {
        Expect::Returns => "true".to_string(),
        Expect::Value(expected) => format!("value__ == (\n{expected}\n)"),
        Expect::Match(pattern) => format!("match?({pattern}, value__)"),
        Expect::Raises(_) | Expect::Exits(_) => "false".to_string(),
    };
    let raise_ok = match &check.expect {
        Expect::Raises(module) => format!("e__.__struct__ == {module}"),
        _ => "false".to_string(),
    };
    let exit_ok = |var: &str| match &check.expect {
        Expect::Exits(pattern) => format!("match?({pattern}, {var})"),
        _ => "false".to_string(),
    };
    let ratio = match (&check.ratio, with_ratio) {
        (Some(ratio), true) => format!(
            "{{elem(:timer.tc(fn -> (\n{}\n) end), 0), elem(:timer.tc(fn -> (\n{}\n) end), 0)}}",
            ratio.faster, ratio.slower
        ),
        _ => "nil".to_string(),
    };
    let dir = elixir_string(&fixtures_dir.to_string_lossy());
    let run = &check.run;
    let timeout = check.timeout_ms;
    let exit_ok_r = exit_ok("r__");
    let exit_ok_down = exit_ok("reason__");
    format!(
        r#"otplab_parent__ = self()
otplab_procs__ = Process.list()
otplab_tables__ = :ets.all()
otplab_t0__ = System.monotonic_time(:millisecond)
{{otplab_pid__, otplab_ref__}} =
  spawn_monitor(fn ->
    fixtures_dir = {dir}
    _ = fixtures_dir
    otplab_start__ = System.monotonic_time(:millisecond)
    otplab_outcome__ =
      try do
        value__ = (
{run}
        )
        otplab_ms__ = System.monotonic_time(:millisecond) - otplab_start__
        {{:value, value__, {value_ok}, otplab_ms__, {ratio}}}
      rescue
        e__ ->
          otplab_ms__ = System.monotonic_time(:millisecond) - otplab_start__
          {{:raised, inspect(e__.__struct__), Exception.message(e__), {raise_ok}, otplab_ms__}}
      catch
        :exit, r__ ->
          {{:exit, r__, {exit_ok_r}, System.monotonic_time(:millisecond) - otplab_start__}}
        :throw, v__ ->
          {{:thrown, v__, System.monotonic_time(:millisecond) - otplab_start__}}
      end
    send(otplab_parent__, {{:otplab_outcome__, self(), otplab_outcome__}})
    receive do
      :otplab_finish__ -> :ok
    end
  end)
otplab_result__ =
  receive do
    {{:otplab_outcome__, ^otplab_pid__, otplab_outcome__}} ->
      Process.sleep({SETTLE_MS})
      otplab_left__ = Enum.reject(Process.list(), fn p -> p in otplab_procs__ or p == otplab_pid__ end)
      otplab_new_tables__ = Enum.reject(:ets.all(), fn t -> t in otplab_tables__ end)
      {{:done, otplab_outcome__, length(otplab_left__), length(otplab_new_tables__)}}
    {{:DOWN, ^otplab_ref__, :process, ^otplab_pid__, reason__}} ->
      {{:down, reason__, {exit_ok_down}, System.monotonic_time(:millisecond) - otplab_t0__}}
  after
    {timeout} -> {{:timeout}}
  end
Process.demonitor(otplab_ref__, [:flush])
Enum.each(Process.list(), fn p ->
  if not (p in otplab_procs__) and p != self() do
    otplab_watch__ = Process.monitor(p)
    Process.exit(p, :kill)
    receive do
      {{:DOWN, ^otplab_watch__, _, _, _}} -> :ok
    after
      1000 -> :ok
    end
  end
end)
otplab_result__
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
        /// The ratio measurement (faster µs, slower µs), when asked for.
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

/// Everything the probe reports about one check.
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
    },
    /// The check's budget (`timeout_ms`) ran out first.
    TimedOut,
}

/// Reads the probe's result term; `None` when it has an unexpected shape (which
/// means the probe itself misbehaved: the grader reports it as an error).
pub fn read_observation(term: &Term) -> Option<Observation> {
    let items = tuple(term)?;
    match (atom(items.first()?)?, items.len()) {
        ("timeout", 1) => Some(Observation::TimedOut),
        ("down", 4) => Some(Observation::Finished {
            outcome: Outcome::Exited { reason: inspect(&items[1]), ok: boolean(&items[2])? },
            elapsed_ms: count(&items[3])?,
            leftover_processes: 0,
            leftover_tables: 0,
        }),
        ("done", 4) => {
            let (outcome, elapsed_ms) = read_outcome(&items[1])?;
            Some(Observation::Finished {
                outcome,
                elapsed_ms,
                leftover_processes: usize::try_from(count(&items[2])?).ok()?,
                leftover_tables: usize::try_from(count(&items[3])?).ok()?,
            })
        }
        _ => None,
    }
}

/// One `{:value | :raised | :exit | :thrown, ...}` outcome and its elapsed ms.
fn read_outcome(term: &Term) -> Option<(Outcome, u64)> {
    let items = tuple(term)?;
    match (atom(items.first()?)?, items.len()) {
        ("value", 5) => {
            let ratio = match &items[4] {
                Term::Tuple(pair) if pair.len() == 2 => Some((count(&pair[0])?, count(&pair[1])?)),
                _ => None,
            };
            let outcome = Outcome::Value { value: inspect(&items[1]), ok: boolean(&items[2])?, ratio };
            Some((outcome, count(&items[3])?))
        }
        ("raised", 5) => {
            let outcome = Outcome::Raised {
                module: text(&items[1])?,
                message: text(&items[2])?,
                ok: boolean(&items[3])?,
            };
            Some((outcome, count(&items[4])?))
        }
        ("exit", 4) => Some((Outcome::Exited { reason: inspect(&items[1]), ok: boolean(&items[2])? }, count(&items[3])?)),
        ("thrown", 3) => Some((Outcome::Thrown { value: inspect(&items[1]) }, count(&items[2])?)),
        _ => None,
    }
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

/// A non-negative integer (elapsed times and counts never go below zero).
fn count(term: &Term) -> Option<u64> {
    match term {
        Term::Int(i) => u64::try_from(*i).ok(),
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
    fn the_probe_embeds_run_expectation_and_budget() {
        let check: Check = ron::from_str(
            r#"(id: "c", description: "d", run: "Foo.bar()", expect: Match("{:ok, _}"), timeout_ms: 700)"#,
        )
        .expect("check");
        let source = probe_source(&check, Path::new("/f"), false);
        assert!(source.contains("\nFoo.bar()\n"));
        assert!(source.contains("match?({:ok, _}, value__)"));
        assert!(source.contains("700 -> {:timeout}"));
        assert!(source.contains("fixtures_dir = \"/f\""));
    }

    #[test]
    fn banners_count_lines_from_run() {
        let check: Check = ron::from_str(r#"(id: "c", description: "d", run: "a\nb")"#).expect("check");
        let probe = probe_source(&check, Path::new("/f"), false);
        let first = run_first_line(&probe);
        assert_eq!(probe.lines().nth(first - 1), Some("a"));
        let banner = format!("** (SyntaxError) check:{}:3: oops", first + 1);
        assert_eq!(banner_in_run(&banner, "check", first), "** (SyntaxError) run:2:3: oops");
        assert_eq!(banner_in_run("** (SyntaxError) check:2:3: x", "check", first), "** (SyntaxError) check:2:3: x");
    }

    #[test]
    fn unexpected_shapes_are_not_observations() {
        assert_eq!(read_observation(&Term::Int(1)), None);
    }
}
