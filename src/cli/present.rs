//! `otplab present SCRIPT.exs` and `otplab drill ID --step`: a script run in front of
//! a class, one top-level expression at a time. Each step's code is shown, a key
//! runs it in one long-lived session (bindings carry over as in the REPL), then its
//! output, its inspected value and — when it spawned or ended processes — a
//! timeline are shown. An error in a step shows Elixir's banner and the show goes on.

use std::io::Write;
use std::sync::Arc;

use super::keys::{Key, Keys};
use super::sink::RecordingSink;
use super::steps::{Step, steps};
use crate::course::timeline::Timeline;
use crate::session::{Clock, Evaluation, LifeEvent, Session, SessionConfig};
use crate::term::inspect::{InspectOpts, inspect_with};

/// What one step showed when it ran, kept so `b` can show it again.
struct Shown {
    output: String,
    result: String,
    timeline: Option<Timeline>,
}

/// `otplab present FILE`: 0 at the end or on quit, 1 when the script does not
/// parse, 2 when it cannot be read.
pub fn present_command(path: &str, clock: Clock) -> anyhow::Result<i32> {
    let source = match std::fs::read_to_string(path) {
        Ok(source) => source,
        Err(e) => {
            eprintln!("otplab: could not read {path}: {e}");
            return Ok(2);
        }
    };
    present(path, &source, clock)
}

/// Presents `source` (named `name` in banners) step by step.
pub fn present(name: &str, source: &str, clock: Clock) -> anyhow::Result<i32> {
    let steps = match steps(source) {
        Ok(steps) => steps,
        Err(e) => {
            eprintln!("{}", e.banner(name));
            return Ok(1);
        }
    };
    let sink = Arc::new(RecordingSink::default());
    let mut session = Session::new(SessionConfig { clock, output: sink.clone(), argv: vec![] })?;
    let mut keys = Keys::from_stdin();
    let mut shown: Vec<Shown> = Vec::new();
    let total = steps.len();
    println!("presenting {name}: {total} steps on the {} clock", clock_name(clock));
    println!("keys: space/enter run the step, b shows the previous one again, q quits");
    let mut index = 0;
    while index < total {
        show_code(&steps[index], index, total);
        match keys.next_key() {
            Key::Next => {
                shown.push(run_step(&mut session, &sink, &steps[index]));
                index += 1;
            }
            Key::Back => match index.checked_sub(1) {
                Some(previous) => {
                    println!("(again: step {}/{total})", previous + 1);
                    show_code(&steps[previous], previous, total);
                    replay(&shown[previous]);
                }
                None => println!("(this is the first step)"),
            },
            Key::Quit => {
                println!("stopped at step {}/{total}", index + 1);
                return Ok(0);
            }
            Key::Other => println!("keys: space/enter run the step, b shows the previous one again, q quits"),
        }
    }
    println!("── end of {name} ──");
    Ok(0)
}

fn clock_name(clock: Clock) -> &'static str {
    match clock {
        Clock::Real => "real",
        Clock::Virtual => "virtual",
    }
}

/// The step's header and code.
fn show_code(step: &Step, index: usize, total: usize) {
    let header = format!("── step {}/{total} (line {}) ", index + 1, step.line);
    println!("\n{header}{}", "─".repeat(60usize.saturating_sub(header.chars().count())));
    for line in step.source.lines() {
        println!("  {line}");
    }
    let _ = std::io::stdout().flush();
}

/// Runs a step, showing what it prints as it happens, then its result and timeline.
fn run_step(session: &mut Session, sink: &RecordingSink, step: &Step) -> Shown {
    let runtime = session.runtime().clone();
    let started = runtime.now_ms();
    runtime.journal().start();
    sink.take();
    let result = match session.eval(&step.source) {
        Ok(Evaluation::Value(value)) => format!("=> {}", inspect_with(&value, &InspectOpts { pretty: true, ..Default::default() })),
        Ok(other) => other.raised_banner().unwrap_or_default(),
        Err(e) => e.banner("step"),
    };
    let ended = runtime.now_ms();
    let mut journal = runtime.journal().take();
    runtime.journal().stop();
    // The shell process the step ran in is scenery, not part of the step.
    let shell = runtime.shell();
    journal.retain(|entry| !(Some(entry.pid) == shell && entry.event == LifeEvent::Spawned));
    let timeline = Some(Timeline::from_journal(&journal, started, ended)).filter(|t| !t.is_empty());
    let shown = Shown { output: sink.take(), result, timeline };
    show_result(&shown);
    shown
}

/// The result line and the timeline (the output was printed as it happened).
fn show_result(shown: &Shown) {
    println!("{}", shown.result);
    if let Some(timeline) = &shown.timeline {
        println!("  processes (ms on the session's clock):");
        super::timeline::draw(timeline, 2);
    }
}

/// A step shown again: its output, result and timeline as they were.
fn replay(shown: &Shown) {
    print!("{}", shown.output);
    show_result(shown);
}
