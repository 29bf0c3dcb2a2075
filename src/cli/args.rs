//! The command line, as clap sees it.

use clap::{Parser, Subcommand, ValueEnum};

/// otplab: learn OTP beyond GenServer (Task, Agent, ETS) by running it.
#[derive(Parser, Debug)]
#[command(name = "otplab", version, about)]
pub struct Cli {
    /// The command; without one, the interactive shell starts.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The clock for the shell.
    #[arg(long, value_enum, default_value_t = ClockArg::Real, global = true)]
    pub clock: ClockArg,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run an Elixir script as `elixir FILE.exs` would.
    Run {
        /// The script.
        file: String,
        /// Arguments for `System.argv/0`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
        /// Which clock sleeps and timers use.
        #[arg(long, value_enum, default_value_t = ClockArg::Real)]
        clock: ClockArg,
    },
    /// Evaluate an expression as `elixir -e EXPR` would.
    Eval {
        /// The Elixir code.
        expr: String,
        /// Arguments for `System.argv/0`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
        /// Which clock sleeps and timers use.
        #[arg(long, value_enum, default_value_t = ClockArg::Real)]
        clock: ClockArg,
    },
}

/// `--clock real|virtual`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockArg {
    /// Real time.
    Real,
    /// Virtual time that jumps when every process waits.
    Virtual,
}

impl From<ClockArg> for crate::session::Clock {
    fn from(c: ClockArg) -> Self {
        match c {
            ClockArg::Real => crate::session::Clock::Real,
            ClockArg::Virtual => crate::session::Clock::Virtual,
        }
    }
}
