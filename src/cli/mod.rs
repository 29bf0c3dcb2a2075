//! Layer 8 — the command line: clap commands, the rustyline REPL, terminal output.
//! The only layer that prints, reads the terminal or decides an exit code.
//!
//! - [`args`]: the commands and options.
//! - [`run`]: `otplab run FILE` and `otplab eval EXPR`.
//! - [`repl`]: the interactive shell.
//! - [`sink`]: output sinks that write to the terminal.
//! - [`grade`]: `otplab grade` and `otplab check`.
//! - [`course`]: `otplab drills` and `otplab course lint`.
//! - [`drill`]: `otplab drill ID`, the learner's REPL with a unit loaded.
//! - [`watch`]: `otplab check ID FILE --watch`, re-checking on save.
//! - [`present`]: `otplab present` and `otplab drill ID --step`, the step mode.
//! - [`steps`]: cutting a script into steps.
//! - [`keys`]: the step mode's keys (a terminal's key presses or stdin lines).
//! - [`timeline`]: a process timeline drawn on the terminal.

pub mod args;
pub mod course;
pub mod drill;
pub mod grade;
pub mod keys;
pub mod present;
pub mod repl;
pub mod run;
pub mod sink;
pub mod steps;
pub mod timeline;
pub mod watch;

use clap::Parser;

/// Parses the command line and runs the chosen command; returns the exit code.
pub fn main() -> i32 {
    let cli = args::Cli::parse();
    let result = match cli.command {
        Some(args::Command::Run { file, args, clock }) => run::run_file(&file, args, clock.into()),
        Some(args::Command::Eval { expr, args, clock }) => run::eval_expr(&expr, args, clock.into()),
        Some(args::Command::Grade { unit, answer, all, format, out, clock, limits }) => {
            let limits = limits.into();
            grade::grade_command(grade::GradeArgs { unit, answer, all, format: format.into(), out, clock: clock.into(), limits })
        }
        Some(args::Command::Check { unit, file, watch: false, .. }) => grade::check_command(&unit, &file),
        Some(args::Command::Check { unit, file, watch: true, times }) => watch::watch_command(&unit, &file, times),
        Some(args::Command::Drills) => course::drills_command(),
        Some(args::Command::Drill { id, step: true, .. }) => drill::step_command(&id, cli.clock.into()),
        Some(args::Command::Drill { id, file, step: false }) => drill::drill_command(&id, file.as_deref(), cli.clock.into()),
        Some(args::Command::Present { file }) => present::present_command(&file, cli.clock.into()),
        Some(args::Command::Course { action: args::CourseAction::Lint { units } }) => course::lint_command(&units),
        None => repl::start(cli.clock.into()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("otplab: {e:#}");
            2
        }
    }
}
