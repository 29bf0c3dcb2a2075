//! `seq/1` in the shell: `:otplab_seq.start/0` starts the runtime's sequence
//! record, `:otplab_seq.chart/2` stops it and draws what the caller caused as a
//! message sequence chart (see [`super::sequence_chart`]), one string per line.
//! `IEx.Helpers.seq/1` (prelude) runs the function between the two and prints.
//! Inside a recording already running (the step mode records every step) the
//! pair only marks where its part begins and leaves the recording running.

use super::sequence_chart::{Chart, LaneName, draw};
use crate::runtime::logger::pid_text;
use crate::runtime::{Clock, Runtime, SequenceEntry, SequenceEvent};
use crate::term::inspect::inspect;
use crate::term::{Pid, Term};
use crate::vm::{NativeCtx, NativeRegistry, NativeResult};
use std::collections::BTreeMap;

/// The width a chart gets when the output is not a terminal.
const DEFAULT_WIDTH: usize = 80;

/// `:otplab_seq.start()`: starts recording (or marks where its part of a running
/// recording begins); returns the token `chart/2` takes: `{ms, mark}`, `mark`
/// `nil` when this call started the recording.
fn start(cx: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    let rt = cx.process.runtime();
    let now = Term::Int(i64::try_from(rt.now_ms()).unwrap_or(i64::MAX));
    if rt.journal().sequence_is_on() {
        let mark = i64::try_from(rt.journal().sequence_len()).unwrap_or(i64::MAX);
        return Ok(Term::pair(now, Term::Int(mark)));
    }
    rt.journal().start_sequence(Some(cx.process.pid()));
    Ok(Term::pair(now, Term::nil()))
}

/// `:otplab_seq.chart(root, token)`: stops the recording `start/0` started (or
/// takes its part of a running one); the chart's lines.
fn chart(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let bad = || super::argument::function_clause(":otplab_seq", "chart", 2);
    let (Term::Pid(root), Term::Tuple(token)) = (&a[0], &a[1]) else { return Err(bad()) };
    let (Some(Term::Int(start_ms)), Some(mark)) = (token.first(), token.get(1)) else { return Err(bad()) };
    let rt = cx.process.runtime();
    let (entries, dropped) = match mark {
        Term::Int(mark) => (rt.journal().sequence_since(usize::try_from(*mark).unwrap_or(0)), 0),
        _ => rt.journal().stop_sequence(),
    };
    let width = rt.output().columns().map_or(DEFAULT_WIDTH, usize::from);
    let lines = draw_recording(rt, &entries, dropped, Some(*root), u64::try_from(*start_ms).unwrap_or(0), width);
    Ok(Term::list(lines.into_iter().map(Term::string).collect()))
}

/// The chart of a sequence record taken from `runtime`, lanes titled by what the
/// runtime knows of each process now (or knew when it exited).
pub fn draw_recording(
    runtime: &Runtime,
    entries: &[SequenceEntry],
    dropped: usize,
    root: Option<Pid>,
    start_ms: u64,
    width: usize,
) -> Vec<String> {
    let names = lane_names(runtime, entries);
    let clock = match runtime.clock() {
        Clock::Virtual => "virtual",
        Clock::Real => "real",
    };
    draw(&Chart { entries, names: &names, root, start_ms, clock, dropped, width })
}

/// Each recorded process's title: its registered name (now, or when it exited)
/// or its pid; below it the module it runs (a GenServer's callback module, from
/// `$initial_call`), or `shell`.
pub fn lane_names(runtime: &Runtime, entries: &[SequenceEntry]) -> BTreeMap<Pid, LaneName> {
    let mut names = BTreeMap::new();
    let mut note = |pid: Pid| {
        names.entry(pid).or_insert_with(|| describe(runtime, pid));
    };
    for entry in entries {
        match &entry.event {
            SequenceEvent::Spawned { pid, parent } => {
                parent.iter().for_each(|p| note(*p));
                note(*pid);
            }
            SequenceEvent::Linked { a: x, b: y }
            | SequenceEvent::ExitSignal { from: x, to: y, .. }
            | SequenceEvent::Down { from: x, to: y, .. } => {
                note(*x);
                note(*y);
            }
            SequenceEvent::Sent { from, to, .. } => {
                from.iter().for_each(|p| note(*p));
                note(*to);
            }
            SequenceEvent::Exited { pid, .. } => note(*pid),
        }
    }
    // A process that exited named keeps the name it had.
    for entry in entries {
        if let SequenceEvent::Exited { pid, name: Some(name), .. } = &entry.event
            && let Some(lane) = names.get_mut(pid)
        {
            lane.title = inspect(&Term::Atom(*name));
        }
    }
    names
}

/// What the runtime knows of `pid` now.
fn describe(runtime: &Runtime, pid: Pid) -> LaneName {
    let info = runtime.process_info(pid);
    let title = match info.as_ref().and_then(|i| i.registered_name) {
        Some(name) => inspect(&Term::Atom(name)),
        None => pid_text(pid),
    };
    let module = info.as_ref().and_then(|i| {
        i.dictionary.iter().find_map(|(k, v)| match (k, v) {
            (Term::Atom(k), Term::Tuple(mfa)) if k.as_str() == "$initial_call" => mfa.first().map(inspect),
            _ => None,
        })
    });
    let detail = if runtime.shell() == Some(pid) { Some("shell".to_string()) } else { module };
    LaneName { title, detail }
}

/// Registers `:otplab_seq.start/0` and `chart/2`.
pub fn register(reg: &mut NativeRegistry) {
    reg.add("otplab_seq", "start", 0, start);
    reg.add("otplab_seq", "chart", 2, chart);
}
