//! `otplab explore FILE [--runs N] [--seed S]`: runs a script under many
//! schedules until one fails (it raises, exits abnormally or deadlocks), then prints
//! the seed, what went wrong and the shrunk failing interleaving, and exits 1;
//! `--seed S` replays that run; with no failure it exits 0 and says how many
//! distinct interleavings it tried.
//!
//! Each run is a fresh session on the virtual clock with the explorer's policy
//! installed before the script starts (see `runtime::schedule`), so every run is a
//! function of its seed. The search itself is `runtime::exploration`.

use crate::runtime::exploration::{self, Exploration, FoundFailure, RunOutcome};
use crate::runtime::{Discard, SchedulePolicy, ScheduleEvent};
use crate::session::{Clock, Evaluation, Session, SessionConfig};
use crate::term::{Pid, Term};
use anyhow::Context;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

/// The base seed when none is given: explorations are reproducible by default.
pub const DEFAULT_BASE_SEED: u64 = 1;

/// The most events a report lists (a long run is cut with a count of the rest).
const MAX_LISTED: usize = 200;

/// The longest message text in a listed event.
const MAX_MESSAGE: usize = 60;

/// A script that could not run at all (it does not compile): not a schedule's
/// fault, so the exploration stops with exit 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Unrunnable(String);

/// Judges a run's value: `None` when it passed, else the failure's text.
type Judge<'a> = dyn Fn(&Term) -> Option<String> + 'a;

/// Runs `source` once under `policy` in a fresh session; `judge` reads its value.
fn run_once(
    source: &str,
    file: &str,
    judge: &Judge<'_>,
    policy: Box<dyn SchedulePolicy>,
    broken: &mut Option<String>,
) -> RunOutcome {
    let nothing = RunOutcome { failure: None, events: Vec::new() };
    // Output of the runs is kept out of the terminal: a thousand runs of a script
    // that prints would bury the report.
    let session = Session::new(SessionConfig { clock: Clock::Virtual, output: Arc::new(Discard), argv: Vec::new() });
    let mut session = match session {
        Ok(s) => s,
        Err(e) => {
            *broken = Some(e.to_string());
            return nothing;
        }
    };
    session.set_source_file(file);
    if let Err(e) = session.runtime().schedule_with(policy) {
        *broken = Some(e.to_string());
        return nothing;
    }
    let failure = match session.run_script(source) {
        Ok(Evaluation::Value(v)) => judge(&v),
        Ok(evaluation) => evaluation.raised_banner(),
        Err(e) => {
            *broken = Some(e.banner(file));
            None
        }
    };
    let mut events = session.runtime().schedule_events();
    session.runtime().shutdown();
    if failure.as_deref().is_some_and(|f| f.starts_with("** (Otplab.DeadlockError)")) {
        // The session stops a deadlocked node: those `:shutdown` exits came after
        // the interleaving that deadlocked, not in it.
        while matches!(events.last(), Some(ScheduleEvent::Exit { reason, .. }) if reason.is_atom_named("shutdown")) {
            events.pop();
        }
    }
    RunOutcome { failure, events }
}

/// Explores `source` (named `file`): a replay of `seed`, or `runs` schedules.
fn explore_source(source: &str, file: &str, judge: &Judge<'_>, runs: usize, seed: Option<u64>) -> anyhow::Result<Exploration> {
    let mut broken = None;
    let mut run = |policy| {
        if broken.is_some() {
            return RunOutcome { failure: None, events: Vec::new() };
        }
        run_once(source, file, judge, policy, &mut broken)
    };
    let result = match seed {
        Some(s) => exploration::replay(s, &mut run),
        None => exploration::explore(runs, DEFAULT_BASE_SEED, &mut run),
    };
    match broken {
        Some(why) => Err(Unrunnable(why).into()),
        None => Ok(result),
    }
}

/// `otplab explore FILE`: returns the exit status (0 no failure, 1 a failure found).
pub fn explore_command(file: &str, runs: usize, seed: Option<u64>) -> anyhow::Result<i32> {
    let source = std::fs::read_to_string(file).with_context(|| format!("could not read {file}"))?;
    let result = explore_source(&source, file, &|_| None, runs, seed)?;
    Ok(print_result(file, &format!("otplab explore {file}"), &result, runs, seed))
}

/// Prints how an exploration ended; returns the exit status.
fn print_result(name: &str, replay: &str, result: &Exploration, runs: usize, seed: Option<u64>) -> i32 {
    match result {
        Exploration::Passed { runs, distinct } => {
            let what = if seed.is_some() { "the replayed run".to_string() } else { format!("{runs} runs") };
            emit(&format!("explore {name}: no failure in {what}; {distinct} distinct interleavings tried\n"));
            0
        }
        Exploration::Failed { found, distinct } => {
            let header = match seed {
                Some(s) => format!("explore {name}: the run of seed {s} fails"),
                None => format!(
                    "explore {name}: run {} of at most {runs} failed ({distinct} distinct interleavings tried)",
                    found.run
                ),
            };
            emit(&format!("{header}\n{}", failure_report(replay, found)));
            1
        }
    }
}

/// Writes `text` to stdout; a closed pipe (`otplab explore x | head`) is no error.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// `otplab explore UNIT_ID ANSWER`: explores each check of the unit that judges a
/// value (ratio checks compare costs, not outcomes, and are left out) with the
/// answer loaded, stopping at the first check a schedule fails.
pub fn explore_unit_command(unit_id: &str, answer_path: &str, runs: usize, seed: Option<u64>) -> anyhow::Result<i32> {
    let catalog = super::grade::load_catalog()?;
    let entry = catalog.get(unit_id).with_context(|| format!("no unit {unit_id:?} (see `otplab drills`)"))?;
    let answer = std::fs::read_to_string(answer_path).with_context(|| format!("could not read {answer_path}"))?;
    let mut prefix = String::new();
    for (_, source) in catalog.preload_sources(&entry.unit)? {
        prefix.push_str(&source);
        prefix.push('\n');
    }
    prefix.push_str(&answer);
    prefix.push('\n');
    for check in entry.unit.checks.iter().filter(|c| c.ratio.is_none()) {
        let program = crate::course::probe::probe_source(check, &catalog.fixtures_dir());
        let source = format!("{prefix}{program}");
        let judge = |value: &Term| check_failure(&check.id, value);
        let name = format!("{unit_id} check {}", check.id);
        let result = explore_source(&source, answer_path, &judge, runs, seed)?;
        let replay = format!("otplab explore {unit_id} {answer_path}");
        let status = print_result(&name, &replay, &result, runs, seed);
        if status != 0 {
            return Ok(status);
        }
    }
    Ok(0)
}

/// What a check's probe returned, as a failure (`None`: the check passed).
fn check_failure(id: &str, value: &Term) -> Option<String> {
    use crate::course::probe::{Outcome, read_outcome};
    match read_outcome(value) {
        Some(Outcome::Value { ok: true, .. } | Outcome::Raised { ok: true, .. } | Outcome::Exited { ok: true, .. }) => None,
        Some(Outcome::Value { value, .. }) => Some(format!("check {id} got the wrong value: {value}")),
        Some(Outcome::Raised { module, message, .. }) => Some(format!("check {id} raised {module}: {message}")),
        Some(Outcome::Exited { reason, .. }) => Some(format!("check {id} exited: {reason}")),
        Some(Outcome::Thrown { value }) => Some(format!("check {id} threw {value}")),
        None => Some(format!("check {id} returned {}", crate::term::inspect::inspect(value))),
    }
}

/// The report of a failure: the seed, what went wrong, the shrunk interleaving and
/// how to replay it. The same for a found failure and its replay by seed.
pub fn failure_report(replay: &str, found: &FoundFailure) -> String {
    let mut out = String::new();
    let how = found.strategy.map_or_else(|| "the run queue's own order".to_string(), |s| s.label());
    let _ = writeln!(out, "seed: {} ({how})", found.seed);
    let lanes = Lanes::of(&found.events);
    let events = interleaving(&lanes, &found.events);
    for line in lanes.relabel(&found.failure).lines() {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(
        out,
        "minimal failing interleaving: {} scheduling decision(s) away from the run queue's order (from {}; {} replays to shrink)",
        found.deviations_after, found.deviations_before, found.shrink_runs
    );
    out.push_str(&events);
    let _ = writeln!(out, "replay: {replay} --seed {}", found.seed);
    out
}

/// Short stable names for the processes of a run: `P1` for the first one seen
/// (the script's own process), then in order of appearance; with the name a
/// process registered, if any.
struct Lanes {
    label: BTreeMap<Pid, String>,
    /// References seen so far, as inspected; shown by their index (`#Reference<1>`),
    /// so a report does not change when the prelude makes one more reference.
    refs: std::cell::RefCell<Vec<String>>,
    /// `#PID<0.N.0>` texts and their labels, longest first (so `0.11` never
    /// replaces part of `0.110`).
    texts: Vec<(String, String)>,
}

impl Lanes {
    fn of(events: &[ScheduleEvent]) -> Lanes {
        let mut order: Vec<Pid> = Vec::new();
        let mut names: BTreeMap<Pid, String> = BTreeMap::new();
        let see = |p: Pid, order: &mut Vec<Pid>| {
            if !order.contains(&p) {
                order.push(p);
            }
        };
        for e in events {
            match e {
                ScheduleEvent::Spawn { parent, child } => {
                    if let Some(p) = parent {
                        see(*p, &mut order);
                    }
                    see(*child, &mut order);
                }
                ScheduleEvent::Send { from, to, .. } => {
                    if let Some(p) = from {
                        see(*p, &mut order);
                    }
                    see(*to, &mut order);
                }
                ScheduleEvent::Receive { pid, .. } | ScheduleEvent::Exit { pid, .. } | ScheduleEvent::Preempted { pid } => {
                    see(*pid, &mut order);
                }
                ScheduleEvent::Register { pid, name } => {
                    see(*pid, &mut order);
                    names.insert(*pid, crate::term::inspect::inspect(&Term::Atom(*name)).trim_start_matches(':').to_string());
                }
                ScheduleEvent::Turn { .. } => {}
            }
        }
        let mut label = BTreeMap::new();
        for (i, p) in order.iter().enumerate() {
            let base = format!("P{}", i + 1);
            label.insert(*p, names.get(p).map_or(base.clone(), |n| format!("{base} {n}")));
        }
        let mut texts: Vec<(String, String)> =
            label.iter().map(|(p, l)| (crate::term::inspect::inspect(&Term::Pid(*p)), l.clone())).collect();
        texts.sort_by_key(|(t, _)| std::cmp::Reverse(t.len()));
        Lanes { label, refs: std::cell::RefCell::default(), texts }
    }

    fn name(&self, pid: Pid) -> String {
        self.label.get(&pid).cloned().unwrap_or_else(|| crate::term::inspect::inspect(&Term::Pid(pid)))
    }

    /// `text` with pids written as their labels and references numbered.
    fn relabel(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (pid_text, label) in &self.texts {
            text = text.replace(pid_text.as_str(), label);
        }
        self.number_refs(&text)
    }

    /// `term` inspected, relabelled, cut to a line.
    fn show(&self, term: &Term) -> String {
        let mut text = shorten_funs(&self.relabel(&crate::term::inspect::inspect(term)));
        if text.chars().count() > MAX_MESSAGE {
            text = text.chars().take(MAX_MESSAGE - 1).collect::<String>() + "…";
        }
        text
    }

    /// `text` with each `#Reference<...>` replaced by its number of appearance.
    fn number_refs(&self, text: &str) -> String {
        const OPEN: &str = "#Reference<";
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find(OPEN) {
            let Some(len) = rest[at..].find('>') else { break };
            let whole = &rest[at..at + len + 1];
            let mut refs = self.refs.borrow_mut();
            let n = match refs.iter().position(|r| r == whole) {
                Some(i) => i + 1,
                None => {
                    refs.push(whole.to_string());
                    refs.len()
                }
            };
            out.push_str(&rest[..at]);
            out.push_str(&format!("{OPEN}{n}>"));
            rest = &rest[at + len + 1..];
        }
        out.push_str(rest);
        out
    }

    /// A message as a reader of OTP code names it: `call {:get, ...}`, `cast ...`,
    /// `reply 0`, `DOWN P3 :normal`; anything else inspected.
    fn message(&self, m: &Term) -> String {
        if let Term::Tuple(t) = m {
            let tag = |name: &str| t.first().is_some_and(|x| x.is_atom_named(name));
            if t.len() == 3 && tag("$gen_call") {
                return format!("call {}", self.show(&t[2]));
            }
            if t.len() == 2 && tag("$gen_cast") {
                return format!("cast {}", self.show(&t[1]));
            }
            // A reply is tagged with the call's reference, or (OTP 24+) with
            // `[:alias | ref]`.
            let reply_tag = match &t[0] {
                Term::Ref(_) => true,
                Term::Cons(c) => c.head.is_atom_named("alias") && matches!(c.tail, Term::Ref(_)),
                _ => false,
            };
            if t.len() == 2 && reply_tag {
                return format!("reply {}", self.show(&t[1]));
            }
            if t.len() == 5 && tag("DOWN") {
                return format!("DOWN {} {}", self.show(&t[3]), self.show(&t[4]));
            }
        }
        self.show(m)
    }
}

/// `text` with each `#Function<...>` written `fn`: a function's identity says
/// nothing about the interleaving, and its text changes with the compiler.
fn shorten_funs(text: &str) -> String {
    const OPEN: &str = "#Function<";
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(OPEN) {
        let Some(len) = rest[at..].find('>') else { break };
        out.push_str(&rest[..at]);
        out.push_str("fn");
        rest = &rest[at + len + 1..];
    }
    out.push_str(rest);
    out
}

/// The numbered events of a run, with the scheduler's departures from the run
/// queue's order marked where they happen.
fn interleaving(lanes: &Lanes, events: &[ScheduleEvent]) -> String {
    let deviations = exploration::deviations(events);
    let mut lines: Vec<String> = Vec::new();
    let mut last_turn: Option<usize> = None;
    for e in events {
        let line = match e {
            ScheduleEvent::Turn { step, ready, .. } => {
                last_turn = Some(*step);
                match deviations.get(step) {
                    Some(d) if d.pid != ready[0] => {
                        Some(format!("[scheduler] {} runs ahead of {}", lanes.name(d.pid), lanes.name(ready[0])))
                    }
                    _ => None,
                }
            }
            ScheduleEvent::Preempted { pid } => last_turn
                .and_then(|s| deviations.get(&s))
                .filter(|d| d.pid == *pid)
                .map(|_| format!("[scheduler] {} is preempted", lanes.name(*pid))),
            ScheduleEvent::Spawn { parent, child } => {
                Some(format!("{} spawns {}", parent.map_or("(host)".to_string(), |p| lanes.name(p)), lanes.name(*child)))
            }
            ScheduleEvent::Send { from, to, message } => Some(format!(
                "{} sends {} to {}",
                from.map_or("(timer)".to_string(), |p| lanes.name(p)),
                lanes.message(message),
                lanes.name(*to)
            )),
            ScheduleEvent::Receive { pid, message } => {
                Some(format!("{} receives {}", lanes.name(*pid), lanes.message(message)))
            }
            ScheduleEvent::Register { pid, name } => Some(format!(
                "{} registers as {}",
                lanes.name(*pid),
                crate::term::inspect::inspect(&Term::Atom(*name))
            )),
            ScheduleEvent::Exit { pid, reason } => Some(format!("{} exits {}", lanes.name(*pid), lanes.show(reason))),
        };
        lines.extend(line);
    }
    let mut out = String::new();
    let width = lines.len().min(MAX_LISTED).to_string().len();
    for (i, line) in lines.iter().take(MAX_LISTED).enumerate() {
        let _ = writeln!(out, "  {:>width$}  {line}", i + 1);
    }
    if lines.len() > MAX_LISTED {
        let _ = writeln!(out, "  ... {} more events", lines.len() - MAX_LISTED);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::Ref;

    #[test]
    fn processes_are_named_by_appearance_and_messages_by_their_otp_meaning() {
        let (main, agent) = (Pid(140), Pid(141));
        let call = Term::tuple(vec![
            Term::atom("$gen_call"),
            Term::pair(Term::Pid(main), Term::Ref(Ref(9))),
            Term::pair(Term::atom("get"), Term::Pid(agent)),
        ]);
        let events = vec![
            ScheduleEvent::Spawn { parent: None, child: main },
            ScheduleEvent::Spawn { parent: Some(main), child: agent },
            ScheduleEvent::Register { pid: agent, name: crate::term::Atom::new("Elixir.Counter") },
            ScheduleEvent::Send { from: Some(main), to: agent, message: call },
            ScheduleEvent::Send { from: Some(agent), to: main, message: Term::pair(Term::Ref(Ref(9)), Term::Int(0)) },
            ScheduleEvent::Receive { pid: main, message: Term::pair(Term::Pid(main), Term::Ref(Ref(12))) },
        ];
        let lanes = Lanes::of(&events);
        let text = interleaving(&lanes, &events);
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        assert_eq!(
            lines,
            [
                "1  (host) spawns P1",
                "2  P1 spawns P2 Counter",
                "3  P2 Counter registers as Counter",
                "4  P1 sends call {:get, P2 Counter} to P2 Counter",
                "5  P2 Counter sends reply 0 to P1",
                "6  P1 receives {P1, #Reference<1>}",
            ]
        );
    }

    #[test]
    fn function_texts_become_fn() {
        assert_eq!(shorten_funs("{:get, #Function<2.33/1 in :erl_eval.expr/6>}"), "{:get, fn}");
        assert_eq!(shorten_funs("no function"), "no function");
    }
}
