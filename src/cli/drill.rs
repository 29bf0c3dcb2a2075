//! `otplab drill ID`: the learner's way through a unit. It shows the summary and the
//! instructions, then opens the REPL with the unit loaded (the starter, or the
//! learner's own answer file) and adds the commands `check`, `hint`, `next`,
//! `solution` and `reset`. `otplab drill ID --step` presents the unit's walkthrough
//! (`drills/scripts/<id>.exs`) in the step mode instead.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

use super::grade::load_catalog;
use super::repl::{Command, ReplCommands, start_with};
use crate::course::catalog::Catalog;
use crate::course::grade::{GradeOptions, GradeReport, Status, grade};
use crate::course::probe::elixir_string;
use crate::course::progress::Progress;
use crate::course::report::human;
use crate::course::unit::{FailureKind, Unit};
use crate::session::{Clock, Evaluation, Session};
use crate::syntax::{CallTarget, NodeKind};
use crate::term::Term;
use crate::term::atom_syntax::atom_literal;

/// Writes `args` to standard output. A reader that went away (`otplab drill ID |
/// head`) ends the drill quietly with status 0: nothing more can be shown, and the
/// panic `println!` raises on a broken pipe would only be noise.
fn write_out(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush())
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

/// `println!` through [`write_out`].
macro_rules! say {
    ($($arg:tt)*) => { write_out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// The walkthrough script of unit `id`.
fn walkthrough_path(catalog: &Catalog, id: &str) -> PathBuf {
    catalog.root().join("drills").join("scripts").join(format!("{id}.exs"))
}

/// `otplab drill ID --step`: 2 when the unit is unknown or has no walkthrough.
pub fn step_command(id: &str, clock: Clock) -> anyhow::Result<i32> {
    let catalog = load_catalog()?;
    if catalog.get(id).is_none() {
        eprintln!("otplab: unknown unit `{id}`; `otplab drills` lists them");
        return Ok(2);
    }
    let path = walkthrough_path(&catalog, id);
    let Ok(source) = std::fs::read_to_string(&path) else {
        let with: Vec<&str> = catalog
            .entries()
            .iter()
            .map(|e| e.unit.id.as_str())
            .filter(|u| walkthrough_path(&catalog, u).is_file())
            .collect();
        eprintln!("otplab: unit `{id}` has no walkthrough; these do: {}", with.join(", "));
        return Ok(2);
    };
    let name = format!("drills/scripts/{id}.exs");
    super::present::present(&name, &source, clock)
}

/// `otplab drill ID [FILE]`: the REPL with the unit loaded, until Ctrl-D.
pub fn drill_command(id: &str, file: Option<&str>, clock: Clock) -> anyhow::Result<i32> {
    let catalog = load_catalog()?;
    let Some(index) = catalog.entries().iter().position(|e| e.unit.id == id) else {
        eprintln!("otplab: unknown unit `{id}`; `otplab drills` lists them");
        return Ok(2);
    };
    if let Some(file) = file
        && !std::path::Path::new(file).exists()
    {
        // A new answer file starts as the starter, so the learner edits real code.
        let starter = &catalog.entries()[index].unit.starter;
        if let Err(e) = std::fs::write(file, starter) {
            eprintln!("otplab: could not create {file}: {e}");
            return Ok(2);
        }
        say!("created {file} from the starter");
    }
    let mut drill = Drill {
        catalog,
        index,
        file: file.map(PathBuf::from),
        typed: Vec::new(),
        failed: BTreeSet::new(),
        solution_asked: false,
        missing: Vec::new(),
    };
    drill.introduce();
    start_with(clock, Some(&mut drill))
}

/// The state of a drill session.
struct Drill {
    catalog: Catalog,
    /// The unit's position in course order.
    index: usize,
    /// The learner's answer file, re-read by every `check`.
    file: Option<PathBuf>,
    /// `defmodule` entries typed in the REPL since the last reset, in order: they
    /// are part of the answer a `check` grades.
    typed: Vec<String>,
    /// The failure kinds of the last check (empty before a check or after a pass).
    failed: BTreeSet<FailureKind>,
    /// `solution` was asked once before any failed check.
    solution_asked: bool,
    /// Required functions the last failed check found undefined: the first hint.
    missing: Vec<String>,
}

impl Drill {
    fn unit(&self) -> &Unit {
        &self.catalog.entries()[self.index].unit
    }

    /// The unit's header, summary and instructions, and the commands.
    fn introduce(&self) {
        let unit = self.unit();
        let progress = Progress::default_path().map(|path| Progress::load(&path)).unwrap_or_default();
        let passed = if progress.passed.contains(&unit.id) { " (passed)" } else { "" };
        say!("== {} - {}{passed}", unit.id, unit.title);
        say!("{}\n", unit.summary.trim());
        say!("{}\n", unit.instructions.trim());
        say!("an answer defines: {}", unit.requires.join(", "));
        match &self.file {
            Some(file) => say!("your answer: {} (edit it, then type `check`)", file.display()),
            None => say!("the starter code is loaded; define or redefine modules here, then type `check`"),
        }
        say!("commands: check, hint, starter, instructions, summary, next, solution, reset (Ctrl-D leaves)\n");
    }

    /// The answer as it stands: the file (re-read) or the starter, then every
    /// module typed since.
    fn answer(&self) -> Result<(String, String), String> {
        let (name, base) = match &self.file {
            Some(path) => (
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                std::fs::read_to_string(path).map_err(|e| format!("could not read {}: {e}", path.display()))?,
            ),
            None if self.typed.is_empty() => ("starter".to_string(), self.unit().starter.clone()),
            // The starter with the learner's own modules typed over it.
            None => ("your modules".to_string(), self.unit().starter.clone()),
        };
        let mut source = base;
        for entry in &self.typed {
            source.push_str("\n\n");
            source.push_str(entry);
        }
        Ok((name, source))
    }

    fn check(&mut self, session: &mut Session) {
        if let Some(path) = &self.file {
            // The REPL runs what is graded: the file as saved now.
            match std::fs::read_to_string(path) {
                Ok(source) => match session.eval(&source) {
                    Ok(Evaluation::Value(_)) => say!("reloaded {}", path.display()),
                    Ok(other) => eprintln!("{}", other.raised_banner().unwrap_or_default()),
                    Err(e) => eprintln!("{}", e.banner(&path.display().to_string())),
                },
                Err(e) => eprintln!("otplab: could not read {}: {e}", path.display()),
            }
        }
        let (name, source) = match self.answer() {
            Ok(answer) => answer,
            Err(message) => {
                eprintln!("otplab: {message}");
                return;
            }
        };
        let report: GradeReport = grade(&self.catalog, self.unit(), &source, &name, GradeOptions::default());
        write_out(format_args!("{}", human(&report)));
        self.failed = report.verdicts.iter().filter_map(|v| v.kind).collect();
        if report.status == Status::Error {
            self.failed.insert(FailureKind::Error);
        }
        if report.status == Status::Pass {
            self.record_pass();
            say!("well done: type `next` for the next unit");
            return;
        }
        self.missing = self.missing_functions(session);
        match self.missing.first() {
            Some(first) => say!("start here: define `{first}` (the checks call it)"),
            None => say!("type `hint` for a hint about how it failed"),
        }
    }

    /// The functions the unit requires that the REPL's modules do not export, in the
    /// order the instructions list them.
    fn missing_functions(&self, session: &mut Session) -> Vec<String> {
        let required = self.unit().requires.clone();
        required
            .into_iter()
            .filter(|function| {
                let Some((module, name_arity)) = function.rsplit_once('.') else { return false };
                let Some((name, arity)) = name_arity.split_once('/') else { return false };
                let probe = format!("function_exported?({module}, {}, {arity})", atom_literal(name));
                !matches!(session.eval(&probe), Ok(Evaluation::Value(value)) if value == Term::atom("true"))
            })
            .collect()
    }

    fn record_pass(&self) {
        let Some(path) = Progress::default_path() else { return };
        let mut progress = Progress::load(&path);
        progress.mark_passed(&self.unit().id);
        if let Err(e) = progress.save(&path) {
            eprintln!("otplab: warning: {e}");
        }
    }

    fn hint(&self) {
        if let Some(first) = self.missing.first() {
            say!("hint: the checks call `{first}`, and no module you loaded defines it yet.");
            if self.missing.len() > 1 {
                say!("      also missing: {}", self.missing[1..].join(", "));
            }
            return;
        }
        if self.failed.is_empty() {
            say!("no check has failed yet: type `check` first; hints are about how a check failed");
            return;
        }
        for kind in &self.failed {
            match self.unit().hints.get(kind) {
                Some(hint) => say!("hint ({}): {}", kind.name(), hint.trim()),
                None => say!("hint ({}): read the explanation under the failed check above", kind.name()),
            }
        }
    }

    fn solution(&mut self) {
        if self.failed.is_empty() && !self.solution_asked {
            self.solution_asked = true;
            say!("warning: no check has failed yet, and reading a solution first teaches less.");
            say!("type `solution` again to see it anyway");
            return;
        }
        say!("warning: this is the reference solution; try writing your own version after reading it.");
        say!("{}", self.unit().reference.trim_end());
    }

    /// Moves to the next unit; false at the end of the course.
    fn next(&mut self) -> bool {
        if self.index + 1 >= self.catalog.entries().len() {
            say!("this is the last unit of the course");
            return false;
        }
        self.index += 1;
        // The answer file belonged to the previous unit.
        self.file = None;
        self.forget();
        self.introduce();
        true
    }

    fn forget(&mut self) {
        self.missing.clear();
        self.typed.clear();
        self.failed.clear();
        self.solution_asked = false;
    }
}

impl ReplCommands for Drill {
    fn begin(&mut self, session: &mut Session) {
        let fixtures = elixir_string(&self.catalog.fixtures_dir().to_string_lossy());
        let mut sources = vec![("fixtures".to_string(), format!("fixtures_dir = {fixtures}"))];
        match self.catalog.preload_sources(self.unit()) {
            Ok(preloads) => sources.extend(preloads.into_iter().map(|(path, source)| (path.display().to_string(), source))),
            Err(e) => eprintln!("otplab: {e}"),
        }
        match self.answer() {
            Ok(answer) => sources.push(answer),
            Err(message) => eprintln!("otplab: {message}"),
        }
        for (name, source) in sources {
            match session.eval(&source) {
                Ok(Evaluation::Value(_)) => {}
                Ok(other) => eprintln!("{}", other.raised_banner().unwrap_or_default()),
                Err(e) => eprintln!("{}", e.banner(&name)),
            }
        }
    }

    fn command(&mut self, line: &str, session: &mut Session) -> Option<Command> {
        match line {
            "check" => self.check(session),
            "starter" => say!("{}", self.unit().starter.trim_end()),
            "instructions" => say!("{}", self.unit().instructions.trim()),
            "summary" => say!("== {} - {}\n{}", self.unit().id, self.unit().title, self.unit().summary.trim()),
            "hint" => self.hint(),
            "solution" => self.solution(),
            "reset" => {
                self.forget();
                say!("reset: a fresh session with {} loaded", if self.file.is_some() { "your file" } else { "the starter" });
                return Some(Command::Restart);
            }
            "next" => return Some(if self.next() { Command::Restart } else { Command::Done }),
            _ => return None,
        }
        Some(Command::Done)
    }

    fn evaluated(&mut self, entry: &str, ok: bool) {
        let defines_module = crate::syntax::parse(entry).is_ok_and(|nodes| {
            nodes.iter().any(|node| {
                matches!(&node.kind, NodeKind::Call { target: CallTarget::Local(name), .. } if name == "defmodule")
            })
        });
        if ok && defines_module {
            self.typed.push(entry.to_string());
        }
    }
}
