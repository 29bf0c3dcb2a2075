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
use crate::runtime::{SchedulePolicy, ScheduleEvent};
use crate::session::{Clock, Evaluation, OutputSink, Session, SessionConfig};
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

/// Output of the runs is kept out of the terminal: a thousand runs of a script
/// that prints would bury the report.
struct Quiet;

impl OutputSink for Quiet {
    fn write_stdout(&self, _text: &str) {}
    fn write_stderr(&self, _text: &str) {}
}

/// A script that could not run at all (it does not compile): not a schedule's
/// fault, so the exploration stops with exit 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Unrunnable(String);

/// Runs `source` once under `policy` in a fresh session.
fn run_once(source: &str, file: &str, policy: Box<dyn SchedulePolicy>, broken: &mut Option<String>) -> RunOutcome {
    let session = Session::new(SessionConfig { clock: Clock::Virtual, output: Arc::new(Quiet), argv: Vec::new() });
    let mut session = match session {
        Ok(s) => s,
        Err(e) => {
            *broken = Some(e.to_string());
            return RunOutcome { failure: None, events: Vec::new() };
        }
    };
    session.set_source_file(file);
    if let Err(e) = session.runtime().schedule_with(policy) {
        *broken = Some(e.to_string());
        return RunOutcome { failure: None, events: Vec::new() };
    }
    let failure = match session.run_script(source) {
        Ok(Evaluation::Value(_)) => None,
        Ok(evaluation) => evaluation.raised_banner(),
        Err(e) => {
            *broken = Some(e.banner(file));
            None
        }
    };
    let events = session.runtime().schedule_events();
    session.runtime().shutdown();
    RunOutcome { failure, events }
}

/// `otplab explore FILE`: returns the exit status (0 no failure, 1 a failure found).
pub fn explore_command(file: &str, runs: usize, seed: Option<u64>) -> anyhow::Result<i32> {
    let source = std::fs::read_to_string(file).with_context(|| format!("could not read {file}"))?;
    let mut broken = None;
    let mut run = |policy| {
        if broken.is_some() {
            return RunOutcome { failure: None, events: Vec::new() };
        }
        run_once(&source, file, policy, &mut broken)
    };
    let result = match seed {
        Some(s) => exploration::replay(s, &mut run),
        None => exploration::explore(runs, DEFAULT_BASE_SEED, &mut run),
    };
    if let Some(why) = broken {
        return Err(Unrunnable(why).into());
    }
    match result {
        Exploration::Passed { runs, distinct } => {
            let what = if seed.is_some() { "the replayed run".to_string() } else { format!("{runs} runs") };
            println!("explore {file}: no failure in {what}; {distinct} distinct interleavings tried");
            Ok(0)
        }
        Exploration::Failed { found, distinct } => {
            let header = match seed {
                Some(s) => format!("explore {file}: the run of seed {s} fails"),
                None => format!(
                    "explore {file}: run {} of at most {runs} failed ({distinct} distinct interleavings tried)",
                    found.run
                ),
            };
            println!("{header}");
            print!("{}", failure_report(file, &found));
            Ok(1)
        }
    }
}

/// The report of a failure: the seed, what went wrong, the shrunk interleaving and
/// how to replay it. The same for a found failure and its replay by seed.
pub fn failure_report(file: &str, found: &FoundFailure) -> String {
    let mut out = String::new();
    let how = found.strategy.map_or_else(|| "the run queue's own order".to_string(), |s| s.label());
    let _ = writeln!(out, "seed: {} ({how})", found.seed);
    for line in found.failure.lines() {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(
        out,
        "minimal failing interleaving: {} scheduling decision(s) away from the run queue's order (from {}; {} replays to shrink)",
        found.deviations_after, found.deviations_before, found.shrink_runs
    );
    out.push_str(&interleaving(&found.events));
    let _ = writeln!(out, "replay: otplab explore {file} --seed {}", found.seed);
    out
}

/// Short stable names for the processes of a run: `P1` for the first one seen
/// (the script's own process), then in order of appearance; with the name a
/// process registered, if any.
struct Lanes {
    label: BTreeMap<Pid, String>,
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
        Lanes { label, texts }
    }

    fn name(&self, pid: Pid) -> String {
        self.label.get(&pid).cloned().unwrap_or_else(|| crate::term::inspect::inspect(&Term::Pid(pid)))
    }

    /// `term` inspected, with pids replaced by their labels, cut to a line.
    fn show(&self, term: &Term) -> String {
        let mut text = crate::term::inspect::inspect(term);
        for (pid_text, label) in &self.texts {
            text = text.replace(pid_text.as_str(), label);
        }
        if text.chars().count() > MAX_MESSAGE {
            text = text.chars().take(MAX_MESSAGE - 1).collect::<String>() + "…";
        }
        text
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
            if t.len() == 2 && matches!(t[0], Term::Ref(_)) {
                return format!("reply {}", self.show(&t[1]));
            }
            if t.len() == 5 && tag("DOWN") {
                return format!("DOWN {} {}", self.show(&t[3]), self.show(&t[4]));
            }
        }
        self.show(m)
    }
}

/// The numbered events of a run, with the scheduler's departures from the run
/// queue's order marked where they happen.
fn interleaving(events: &[ScheduleEvent]) -> String {
    let lanes = Lanes::of(events);
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
