//! Layer 8 — the command line: clap commands, the rustyline REPL, terminal output.
//! The only layer that prints, reads the terminal or decides an exit code.
//!
//! - [`args`]: the commands and options.
//! - [`run`]: `otplab run FILE` and `otplab eval EXPR`.
//! - [`repl`]: the interactive shell.
//! - [`completion`]: Tab completion in the REPL.
//! - [`sink`]: output sinks that write to the terminal.
//! - [`grade`]: `otplab grade` and `otplab check`.
//! - [`course`]: `otplab drills` and `otplab course lint`.
//! - [`drill`]: `otplab drill ID`, the learner's REPL with a unit loaded.
//! - [`explore`]: `otplab explore FILE`, the schedule explorer that finds races.
//! - [`watch`]: `otplab check ID FILE --watch`, re-checking on save.
//! - [`present`]: `otplab present` and `otplab drill ID --step`, the step mode.
//! - [`steps`]: cutting a script into steps.
//! - [`stdin`]: standard input for `IO.gets`, exit for `System.halt`.
//! - [`keys`]: the step mode's keys (a terminal's key presses or stdin lines).
//! - [`stage`]: the step mode's output, live during a step and held between steps.
//! - [`screen`]: the screen's width and text wrapped to fit it.
//! - [`timeline`]: a process timeline drawn on the terminal.
//! - [`test`]: `otplab test` (as `mix test`) and ExUnit at the end of `otplab run`.

pub mod args;
pub mod completion;
pub mod course;
pub mod drill;
pub mod explore;
pub mod grade;
pub mod keys;
pub mod observer;
pub mod observer_snapshot;
pub mod present;
pub mod repl;
pub mod run;
pub mod screen;
pub mod sink;
pub mod stage;
pub mod steps;
pub mod test;
pub mod stdin;
pub mod timeline;
pub mod views;
pub mod watch;

use clap::Parser;

/// Parses the command line and runs the chosen command; returns the exit code.
pub fn main() -> i32 {
    let cli = args::Cli::parse();
    let clock: crate::session::Clock = cli.clock.unwrap_or(args::ClockArg::Real).into();
    let result = match cli.command {
        Some(args::Command::Run { file, args, clock, seq }) => run::run_file(&file, args, clock.into(), seq),
        Some(args::Command::Eval { expr, args, clock }) => run::eval_expr(&expr, args, clock.into()),
        Some(args::Command::Grade { unit, answer, all, format, out, clock, limits }) => {
            let limits = limits.into();
            grade::grade_command(grade::GradeArgs { unit, answer, all, format: format.into(), out, clock: clock.into(), limits })
        }
        Some(args::Command::Check { unit, file, watch: false, .. }) => {
            grade::check_command(&unit, &file, cli.clock.unwrap_or(args::ClockArg::Virtual).into())
        }
        Some(args::Command::Check { unit, file, watch: true, times }) => watch::watch_command(&unit, &file, times),
        Some(args::Command::Drills) => course::drills_command(),
        Some(args::Command::Drill { id, step: true, .. }) => drill::step_command(&id, clock),
        Some(args::Command::Drill { id, file, step: false }) => drill::drill_command(&id, file.as_deref(), clock),
        Some(args::Command::Present { file }) => present::present_command(&file, clock),
        Some(args::Command::Test { paths, seed, trace, only, exclude, include, max_failures, clock }) => test::test_command(
            &paths,
            &test::TestOptions { seed, trace, only, exclude, include, max_failures },
            clock.into(),
        ),
        // Schedules replay only on the virtual clock's one thread.
        Some(args::Command::Explore { .. }) if cli.clock == Some(args::ClockArg::Real) => {
            Err(anyhow::anyhow!("explore runs on the virtual clock only: a schedule replays only there"))
        }
        Some(args::Command::Explore { file, answer: None, runs, seed }) => explore::explore_command(&file, runs, seed),
        Some(args::Command::Explore { file, answer: Some(answer), runs, seed }) => {
            explore::explore_unit_command(&file, &answer, runs, seed)
        }
        Some(args::Command::Course { action: args::CourseAction::Lint { units, course: dir } }) => {
            course::lint_command(&units, dir.as_deref())
        }
        None => repl::start_loading(clock, cli.script.as_deref().or(cli.load.as_deref())),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("otplab: {e:#}");
            2
        }
    }
}
