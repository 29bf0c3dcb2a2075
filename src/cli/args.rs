//! The command line, as clap sees it.

use clap::{Parser, Subcommand, ValueEnum};

/// otplab: learn OTP beyond GenServer (Task, Agent, ETS) by running it.
#[derive(Parser, Debug)]
#[command(name = "otplab", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// A file to load into the shell before its prompt, as `iex FILE.exs` does.
    pub script: Option<String>,
    /// The same, as a flag: `otplab --load FILE`.
    #[arg(long, value_name = "FILE", conflicts_with = "script")]
    pub load: Option<String>,
    /// The command; without one, the interactive shell starts.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The clock: real for the shell, `drill` and `present` unless given; `check`
    /// runs on the virtual clock unless `--clock real` is given.
    #[arg(long, value_enum, global = true)]
    pub clock: Option<ClockArg>,
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
        /// After the script, draw a message sequence chart of what its processes did.
        #[arg(long)]
        seq: bool,
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
    /// Grade an answer file against a course unit (exit 0 all passed, 1 some failed, 2 unusable).
    Grade {
        /// The unit id (e.g. `tasks-awaited`); with `--all`, the folder of answers.
        #[arg(required_unless_present = "all")]
        unit: Option<String>,
        /// The answer file (`.exs`).
        #[arg(required_unless_present = "all")]
        answer: Option<String>,
        /// Grade every `DIR/<unit-id>.exs` in this folder.
        #[arg(long, value_name = "DIR", conflicts_with_all = ["unit", "answer"])]
        all: Option<String>,
        /// The report format.
        #[arg(long, value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
        /// Write the report to this file instead of stdout (exercism: a folder gets
        /// results.json; with --all, OUT/<unit>/results.json per answer).
        #[arg(long, value_name = "FILE")]
        out: Option<String>,
        /// The clock checks run on (ratio checks always use the real one).
        #[arg(long, value_enum, default_value_t = ClockArg::Virtual)]
        clock: ClockArg,
        /// What one check may cost.
        #[command(flatten)]
        limits: super::grade::LimitArgs,
    },
    /// Check an answer to a unit and show the verdict (same as `grade`, human format).
    Check {
        /// The unit id.
        unit: String,
        /// The answer file.
        file: String,
        /// Check again every time the file is saved (Ctrl-C stops).
        #[arg(long)]
        watch: bool,
        /// With `--watch`: stop after this many checks.
        #[arg(long, value_name = "N", requires = "watch")]
        times: Option<u32>,
    },
    /// List the course's units with your progress.
    Drills,
    /// Work on a unit: its summary and instructions, then the REPL with the unit
    /// loaded (REPL commands: check, hint, next, solution, reset).
    Drill {
        /// The unit id (see `otplab drills`).
        id: String,
        /// Your answer file, loaded instead of the starter and re-read by `check`.
        file: Option<String>,
        /// Present the unit's walkthrough step by step instead (for instructors).
        #[arg(long, conflicts_with = "file")]
        step: bool,
    },
    /// Run a script step by step in front of a class: space/enter next, b back, q quit.
    Present {
        /// The script.
        file: String,
    },
    /// Run the ExUnit tests of a project as `mix test` would (exit 2 when a test fails).
    Test {
        /// Test files or folders (default `test/`); `path:line` runs the test at that line.
        paths: Vec<String>,
        /// Order seed (0 runs tests in definition order).
        #[arg(long)]
        seed: Option<u64>,
        /// One line per test with its time.
        #[arg(long)]
        trace: bool,
        /// Run only tests with this tag (`tag` or `tag:value`).
        #[arg(long, value_name = "TAG")]
        only: Vec<String>,
        /// Skip tests with this tag.
        #[arg(long, value_name = "TAG")]
        exclude: Vec<String>,
        /// Run tests with this tag even if excluded.
        #[arg(long, value_name = "TAG")]
        include: Vec<String>,
        /// Stop after this many failures.
        #[arg(long, value_name = "N")]
        max_failures: Option<u64>,
        /// Which clock sleeps and timers use.
        #[arg(long, value_enum, default_value_t = ClockArg::Real)]
        clock: ClockArg,
    },
    /// Run a script under many schedules to find a race: exit 1 with the seed and the
    /// failing interleaving when a run raises, exits abnormally or deadlocks, else 0.
    Explore {
        /// The script (`.exs`), or a unit id followed by an answer file (explores
        /// the unit's checks with the answer loaded).
        file: String,
        /// With a unit id: the answer file.
        answer: Option<String>,
        /// Schedules to try before declaring the script race-free.
        #[arg(long, value_name = "N", default_value_t = 300)]
        runs: usize,
        /// Replay the one run of this seed (as printed by a failure).
        #[arg(long, value_name = "S")]
        seed: Option<u64>,
    },
    /// Commands for course authors.
    Course {
        /// What to do.
        #[command(subcommand)]
        action: CourseAction,
    },
}

/// `otplab course ...`.
#[derive(Subcommand, Debug)]
pub enum CourseAction {
    /// Verify the course on otplab's engine: every unit loads, every reference passes,
    /// every starter fails, every sample answer gets its declared verdict.
    Lint {
        /// Lint only these unit ids.
        units: Vec<String>,
        /// Lint the course in this folder (holding `drills/`, `exercises/`, `fixtures/`)
        /// instead of the one built into otplab.
        #[arg(long, value_name = "DIR")]
        course: Option<String>,
    },
}

/// `--format human|json|junit|exercism`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatArg {
    /// Text for a person.
    Human,
    /// otplab's JSON schema (docs/grading.md).
    Json,
    /// JUnit XML.
    Junit,
    /// Exercism test-runner results.json (version 3).
    Exercism,
    /// GitHub Actions annotations, plus a table appended to $GITHUB_STEP_SUMMARY.
    Github,
}

impl From<FormatArg> for crate::course::report::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Human => crate::course::report::Format::Human,
            FormatArg::Json => crate::course::report::Format::Json,
            FormatArg::Junit => crate::course::report::Format::Junit,
            FormatArg::Exercism => crate::course::report::Format::Exercism,
            FormatArg::Github => crate::course::report::Format::Github,
        }
    }
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
