//! `otplab run FILE` and `otplab eval EXPR`: scripts as `elixir` runs them.

use super::sink::TerminalSink;
use crate::session::{Clock, Evaluation, Session, SessionConfig};
use anyhow::Context;
use std::sync::Arc;

/// Runs a script file; returns the exit status (0, or 1 after an uncaught error).
/// With `seq`, a message sequence chart of everything the script's processes did
/// follows its output.
pub fn run_file(path: &str, argv: Vec<String>, clock: Clock, seq: bool) -> anyhow::Result<i32> {
    let source = std::fs::read_to_string(path).with_context(|| format!("could not read {path}"))?;
    let path = path.to_string();
    on_script_thread(move || {
        let mut session = Session::new(SessionConfig { clock, output: Arc::new(TerminalSink), argv })?;
        if !seq {
            return run_in(&mut session, &source, &path);
        }
        let runtime = session.runtime().clone();
        let started = runtime.now_ms();
        runtime.journal().start_sequence(None);
        let status = run_in(&mut session, &source, &path);
        let (entries, dropped) = runtime.journal().stop_sequence();
        // The script's own process is the first one started from outside; what it
        // caused is the chart (not ExUnit's autorun after it).
        let script = entries.iter().find_map(|e| match e.event {
            crate::runtime::SequenceEvent::Spawned { pid, parent: None } => Some(pid),
            _ => None,
        });
        let chart = crate::stdlib::iex_seq::draw_recording(&runtime, &entries, dropped, script, started, super::screen::width());
        println!();
        for line in chart {
            println!("{line}");
        }
        status
    })
}

/// Evaluates an expression given on the command line.
pub fn eval_expr(expr: &str, argv: Vec<String>, clock: Clock) -> anyhow::Result<i32> {
    let expr = expr.to_string();
    on_script_thread(move || {
        let mut session = Session::new(SessionConfig { clock, output: Arc::new(TerminalSink), argv })?;
        run_in(&mut session, &expr, "nofile")
    })
}

/// The script thread's stack: parsing and compiling recurse over the syntax tree,
/// and a 10,000-term operator chain must compile, not overflow (only the pages
/// touched are mapped). The same size as the grader's.
const SCRIPT_STACK: usize = 512 * 1024 * 1024;

/// Runs `script` on a thread with a big stack.
fn on_script_thread(script: impl FnOnce() -> anyhow::Result<i32> + Send + 'static) -> anyhow::Result<i32> {
    let worker = std::thread::Builder::new()
        .name("otplab-script".into())
        .stack_size(SCRIPT_STACK)
        .spawn(script)
        .context("could not start the script thread")?;
    worker.join().unwrap_or_else(|_| Err(anyhow::anyhow!("otplab failed internally while running the script")))
}

fn run_in(session: &mut Session, source: &str, file: &str) -> anyhow::Result<i32> {
    session.set_source_file(file);
    session.set_input(Arc::new(super::stdin::StdinLines));
    session.on_halt(super::stdin::halt_hook());
    // Only a script that names ExUnit gets its server (ordinary scripts keep
    // their process list as `elixir` gives it).
    if source.contains("ExUnit") {
        super::test::announce_file(session, file)?;
    }
    match session.run_script(source) {
        // A script that started ExUnit runs its tests when it ends.
        Ok(Evaluation::Value(_)) => Ok(super::test::autorun(session, "[]")?.unwrap_or(0)),
        Ok(Evaluation::Raised(r)) => {
            for line in session.uncaught(&r) {
                eprintln!("{line}");
            }
            Ok(1)
        }
        Ok(Evaluation::ShellExited { reason, .. }) => {
            eprintln!("** (exit) {}", crate::stdlib::exception::format_exit(&reason));
            Ok(1)
        }
        Err(e) => {
            eprintln!("{}", e.banner(file));
            Ok(1)
        }
    }
}
