//! Layer 8 — the command line: clap commands, the rustyline REPL, terminal output.
//! The only layer that prints, reads the terminal or decides an exit code.
//!
//! - [`args`]: the commands and options.
//! - [`run`]: `otplab run FILE` and `otplab eval EXPR`.
//! - [`repl`]: the interactive shell.
//! - [`sink`]: output sinks that write to the terminal.
//! - [`grade`]: `otplab grade` and `otplab check`.
//! - [`course`]: `otplab drills` and `otplab course lint`.

pub mod args;
pub mod course;
pub mod grade;
pub mod repl;
pub mod run;
pub mod sink;

use clap::Parser;

/// Parses the command line and runs the chosen command; returns the exit code.
pub fn main() -> i32 {
    let cli = args::Cli::parse();
    let result = match cli.command {
        Some(args::Command::Run { file, args, clock }) => run::run_file(&file, args, clock.into()),
        Some(args::Command::Eval { expr, args, clock }) => run::eval_expr(&expr, args, clock.into()),
        Some(args::Command::Grade { unit, answer, all, format, out, clock }) => {
            grade::grade_command(grade::GradeArgs { unit, answer, all, format: format.into(), out, clock: clock.into() })
        }
        Some(args::Command::Check { unit, file }) => grade::check_command(&unit, &file),
        Some(args::Command::Drills) => course::drills_command(),
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
