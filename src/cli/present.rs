//! `otplab present SCRIPT.exs` and `otplab drill ID --step`: a script run in front of
//! a class, one top-level expression at a time. Each step's code is shown, a key
//! runs it in one long-lived session (bindings carry over as in the REPL), then its
//! output, its inspected value and — when it spawned or ended processes — a
//! timeline are shown. An error in a step shows Elixir's banner and the show goes on.

use std::io::Write;
use std::sync::Arc;

use super::keys::{Key, Keys};
use super::screen;
use super::stage::StageSink;
use super::steps::{Step, steps};
use crate::runtime::hold::Hold;
use crate::course::timeline::Timeline;
use crate::session::{Clock, Evaluation, LifeEvent, Session, SessionConfig};
use crate::term::inspect::{InspectOpts, inspect_with};

/// What one step showed when it ran, kept so `b` can show it again.
struct Shown {
    output: String,
    result: String,
    timeline: Option<Timeline>,
    /// The message sequence chart of the step, when it sent messages.
    chart: Option<Vec<String>>,
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

/// The keys, as the presenter is reminded of them.
const KEYS_HELP: &str = "keys: space/enter/n run or go forward, b back, g N go to step N, c clear, q quit";

/// Presents `source` (named `name` in banners) step by step.
///
/// Invariant: `shown.len()` steps have run, in order (a step never runs twice), and
/// `cursor <= shown.len()`; `cursor == shown.len()` means the screen shows the next
/// step's code, waiting to run it, and a smaller cursor means it shows a step that
/// already ran, again. Between keys, output is held and (virtual clock) time stands still.
pub fn present(name: &str, source: &str, clock: Clock) -> anyhow::Result<i32> {
    let steps = match steps(source) {
        Ok(steps) => steps,
        Err(e) => {
            eprintln!("{}", e.banner(name));
            return Ok(1);
        }
    };
    let sink = Arc::new(StageSink::default());
    let mut session = Session::new(SessionConfig { clock, output: sink.clone(), argv: vec![] })?;
    let mut keys = Keys::from_stdin();
    let mut stage = Stage { session: &mut session, sink: &sink, steps: &steps, shown: Vec::new(), width: screen::width(), held: None };
    let total = steps.len();
    let intro = format!("presenting {name}: {total} steps on the {} clock\n{KEYS_HELP}\n", clock_name(clock));
    print!("{}", screen::fit(&intro, stage.width));
    let mut cursor = 0;
    stage.show_code(0);
    stage.pause();
    while stage.shown.len() < total || cursor < total {
        match keys.next_key() {
            Key::Next if cursor == stage.shown.len() => {
                stage.run(cursor);
                cursor += 1;
                stage.show_code_if_pending(cursor);
            }
            Key::Next => {
                cursor += 1;
                stage.show(cursor);
            }
            Key::Back => match cursor.checked_sub(1) {
                Some(previous) => {
                    cursor = previous;
                    stage.show(cursor);
                }
                None => println!("(this is the first step)"),
            },
            Key::Goto(number) if (1..=total).contains(&number) => {
                let target = number - 1;
                // Steps before the target run first, in order: a later step may need
                // their bindings and processes.
                while stage.shown.len() < target {
                    let next = stage.shown.len();
                    stage.show_code(next);
                    stage.run(next);
                }
                cursor = target;
                stage.show(cursor);
            }
            Key::Goto(number) => println!("(there is no step {number}: the steps are 1 to {total})"),
            Key::Clear => {
                print!("{}", crossterm::terminal::Clear(crossterm::terminal::ClearType::All));
                print!("{}", crossterm::cursor::MoveTo(0, 0));
                stage.show(cursor);
            }
            Key::Quit => {
                stage.release();
                println!("stopped at step {}/{total}", (cursor + 1).min(total));
                return Ok(0);
            }
            Key::Other => print!("{}", screen::fit(KEYS_HELP, stage.width)),
        }
        if stage.shown.len() == total && cursor == total {
            break;
        }
    }
    stage.release();
    println!("── end of {name} ──");
    Ok(0)
}

/// A presentation in progress: the session the steps run in and what each showed.
struct Stage<'a> {
    session: &'a mut Session,
    sink: &'a StageSink,
    steps: &'a [Step],
    /// What each step that ran showed, in order.
    shown: Vec<Shown>,
    /// Columns to fit.
    width: usize,
    /// The hold the last step's entry ended with (virtual clock).
    held: Option<Hold>,
}

impl Stage<'_> {
    /// Holds output and (virtual clock) time until the next step runs.
    fn pause(&mut self) {
        self.sink.hold();
        if self.held.is_none() {
            self.held = Some(self.session.runtime().hold());
        }
    }

    /// Lets the runtime run freely again (the show is over).
    fn release(&mut self) {
        drop(self.held.take());
        self.session.release_holds();
    }

    /// Shows step `index`: its result again when it ran, else its code (pending).
    fn show(&self, index: usize) {
        if let Some(shown) = self.shown.get(index) {
            println!("(again: step {}/{})", index + 1, self.steps.len());
            self.show_code(index);
            self.replay(shown);
        } else {
            self.show_code_if_pending(index);
        }
    }

    /// The code of step `index`, when there is one.
    fn show_code_if_pending(&self, index: usize) {
        if index < self.steps.len() {
            self.show_code(index);
        }
    }

    /// The step's header and code, wrapped to the screen.
    fn show_code(&self, index: usize) {
        let step = &self.steps[index];
        let header = format!("── step {}/{} (line {}) ", index + 1, self.steps.len(), step.line);
        let rule = self.width.min(60).saturating_sub(header.chars().count());
        println!("\n{header}{}", "─".repeat(rule));
        let code: String = step.source.lines().map(|line| format!("  {line}\n")).collect();
        print!("{}", screen::fit(&code, self.width));
        let _ = std::io::stdout().flush();
    }

    /// Runs step `index` (the next one), showing first what was held since the last
    /// step, then what it prints as it happens, then its result and timeline.
    fn run(&mut self, index: usize) {
        let held = self.sink.release();
        if !held.is_empty() {
            println!("  (printed between steps:)");
            print!("{}", screen::fit(&held, self.width));
        }
        let step = &self.steps[index];
        let runtime = self.session.runtime().clone();
        let started = runtime.now_ms();
        runtime.journal().start();
        runtime.journal().start_sequence(None);
        self.sink.take();
        let width = self.width.saturating_sub(3).max(screen::MIN_WIDTH);
        let opts = InspectOpts { pretty: true, width, ..Default::default() };
        // Time resumes only once the step is queued to run, and stops the moment it
        // ends, before anything else can run.
        if let Some(hold) = self.held.take() {
            self.session.release_hold_on_next_entry(hold);
        }
        self.session.hold_after_next_entry();
        let result = match self.session.eval(&step.source) {
            Ok(Evaluation::Value(value)) => format!("=> {}", inspect_with(&value, &opts)),
            Ok(other) => other.raised_banner().unwrap_or_default(),
            Err(e) => e.banner("step"),
        };
        self.held = self.session.take_hold();
        self.sink.hold();
        let ended = runtime.now_ms();
        let mut journal = runtime.journal().take();
        runtime.journal().stop();
        let (sequence, dropped) = runtime.journal().stop_sequence();
        let shell = runtime.shell();
        let chart = (crate::stdlib::sequence_chart::sends_caused(&sequence, shell) > 0).then(|| {
            crate::stdlib::iex_seq::draw_recording(&runtime, &sequence, dropped, shell, started, self.width.saturating_sub(2))
        });
        // The shell process the step ran in is scenery, not part of the step.
        journal.retain(|entry| !(Some(entry.pid) == shell && entry.event == LifeEvent::Spawned));
        let timeline = Some(Timeline::from_journal(&journal, started, ended)).filter(|t| !t.is_empty());
        let shown = Shown { output: self.sink.take(), result, timeline, chart };
        // The step's own output was printed live; what came after it ended waits.
        self.show_result(&shown);
        self.shown.push(shown);
    }

    /// The result line and the timeline (the output was printed as it happened).
    fn show_result(&self, shown: &Shown) {
        print!("{}", screen::fit(&shown.result, self.width));
        if let Some(timeline) = &shown.timeline {
            println!("  processes (ms on the session's clock):");
            super::timeline::draw(timeline, 2, self.width);
        }
        if let Some(chart) = &shown.chart {
            println!("  messages:");
            for line in chart {
                println!("  {line}");
            }
        }
    }

    /// A step shown again: its output, result and timeline as they were.
    fn replay(&self, shown: &Shown) {
        print!("{}", screen::fit(&shown.output, self.width));
        self.show_result(shown);
    }
}

fn clock_name(clock: Clock) -> &'static str {
    match clock {
        Clock::Real => "real",
        Clock::Virtual => "virtual",
    }
}
