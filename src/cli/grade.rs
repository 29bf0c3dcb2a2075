//! `otplab grade` and `otplab check`: grade answer files and report the verdicts.
//! Exit codes: 0 every check passed, 1 some check failed, 2 the input was unusable
//! (unknown unit, unreadable file, an answer that does not load).

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::course::bundle;
use crate::course::catalog::Catalog;
use crate::course::grade::{GradeOptions, GradeReport, Limits, Status, grade};
use crate::course::progress::Progress;
use crate::course::report::{Format, Graded, github, render};
use crate::session::Clock;

/// The options of `otplab grade`.
pub struct GradeArgs {
    /// The unit id (single-answer mode).
    pub unit: Option<String>,
    /// The answer file (single-answer mode).
    pub answer: Option<String>,
    /// The folder of `<unit-id>.exs` answers (`--all`).
    pub all: Option<String>,
    /// The report format.
    pub format: Format,
    /// Where to write the report (stdout when absent).
    pub out: Option<String>,
    /// The clock for checks without a ratio.
    pub clock: Clock,
    /// What one check may cost.
    pub limits: Limits,
}

/// The limit flags of `otplab grade` (defaults: [`Limits::default`]).
#[derive(clap::Args, Debug, Clone)]
pub struct LimitArgs {
    /// Real seconds one check (or loading the answer) may take.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub limit_time: u64,
    /// Megabytes the grading session may hold (process heaps, binaries, ETS, atoms).
    #[arg(long, value_name = "MB", default_value_t = 1024)]
    pub limit_memory: u64,
    /// Reductions all processes together may run in one check.
    #[arg(long, value_name = "N", default_value_t = 500_000_000)]
    pub limit_reductions: u64,
    /// Processes alive at once.
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    pub limit_processes: usize,
    /// Atoms in the atom table (BEAM's default).
    #[arg(long, value_name = "N", default_value_t = 1_048_576)]
    pub limit_atoms: usize,
}

impl From<LimitArgs> for Limits {
    fn from(args: LimitArgs) -> Limits {
        Limits {
            wall: std::time::Duration::from_secs(args.limit_time),
            memory_bytes: args.limit_memory.saturating_mul(1024 * 1024),
            reductions: args.limit_reductions,
            processes: args.limit_processes,
            atoms: args.limit_atoms,
        }
    }
}

/// The folder holding `drills/`, `exercises/` and `fixtures/`: `OTPLAB_COURSE_DIR`
/// when set (an author's local course), else the course compiled into this binary,
/// unpacked where checks can read its fixtures.
pub fn course_root() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("OTPLAB_COURSE_DIR") {
        return Ok(PathBuf::from(dir));
    }
    bundle::unpack().context("could not unpack the course built into otplab")
}

/// Loads the course, explaining where it looked when that fails.
pub fn load_catalog() -> anyhow::Result<Catalog> {
    load_catalog_from(course_root()?)
}

/// Loads the course under `root`, naming the folder when that fails.
pub fn load_catalog_from(root: PathBuf) -> anyhow::Result<Catalog> {
    Catalog::load(&root).with_context(|| format!("could not load the course from {}", root.display()))
}

/// `otplab grade ...`: reports only; it never records progress.
pub fn grade_command(args: GradeArgs) -> anyhow::Result<i32> {
    grade_and_report(args, false)
}

/// The grading thread's stack: parsing and compiling an answer recurse over its
/// syntax tree (only the pages touched are mapped).
const GRADE_STACK: usize = 512 * 1024 * 1024;

/// Grades and reports on a thread with a big stack; a grader that fails inside
/// (a panic) reports exit 2 with a message, never a crash.
fn grade_and_report(args: GradeArgs, record: bool) -> anyhow::Result<i32> {
    let worker = std::thread::Builder::new()
        .name("otplab-grade".into())
        .stack_size(GRADE_STACK)
        .spawn(move || grade_and_report_here(args, record))
        .context("could not start the grading thread")?;
    match worker.join() {
        Ok(result) => result,
        Err(_) => {
            eprintln!("otplab: the grader failed internally; no report was written");
            Ok(2)
        }
    }
}

/// Grades and reports; `record` saves passed units to the learner's progress
/// (`otplab check` does, `otplab grade` never).
fn grade_and_report_here(args: GradeArgs, record: bool) -> anyhow::Result<i32> {
    let catalog = match load_catalog() {
        Ok(catalog) => catalog,
        Err(e) => {
            eprintln!("otplab: {e:#}");
            return Ok(2);
        }
    };
    let options = GradeOptions { clock: args.clock, limits: args.limits };
    let mut skipped = 0;
    let mut all_summary = false;
    let reports = match (&args.all, &args.unit, &args.answer) {
        (Some(dir), _, _) => match grade_folder(&catalog, Path::new(dir), options) {
            Ok(folder) => {
                for (path, closest) in &folder.skipped {
                    let hint = match closest {
                        Some(id) => format!("did you mean {id}.exs?"),
                        None => "answers are named UNIT-ID.exs; `otplab drills` lists the ids".to_string(),
                    };
                    eprintln!("otplab: skipped {}: not named after a unit ({hint})", path.display());
                }
                skipped = folder.skipped.len();
                all_summary = true;
                folder.reports
            }
            Err(message) => {
                eprintln!("otplab: {message}");
                return Ok(2);
            }
        },
        (None, Some(unit), Some(answer)) => match timed(|| grade_file(&catalog, unit, Path::new(answer), options)) {
            Ok((report, wall)) => vec![(report, PathBuf::from(answer), wall)],
            Err(message) => {
                eprintln!("otplab: {message}");
                return Ok(2);
            }
        },
        _ => {
            eprintln!("otplab: grade needs UNIT and ANSWER, or --all DIR");
            return Ok(2);
        }
    };
    let sources: Vec<String> = reports.iter().map(|(_, path, _)| std::fs::read_to_string(path).unwrap_or_default()).collect();
    let paths: Vec<String> = reports.iter().map(|(_, path, _)| path.display().to_string()).collect();
    let graded: Vec<Graded> = reports
        .iter()
        .zip(sources.iter().zip(&paths))
        .filter_map(|((report, _, wall), (source, path))| {
            let unit = &catalog.get(&report.unit)?.unit;
            Some(Graded { report, unit, path, source, wall: Some(*wall) })
        })
        .collect();
    let written = write_report(&graded, &args)?;
    let reports: Vec<GradeReport> = reports.into_iter().map(|(report, _, _)| report).collect();
    if record {
        record_progress(&reports);
    }
    if all_summary {
        // On stderr, so a JSON or JUnit report on stdout stays one document.
        eprintln!("{}", summary_line(&reports, skipped));
    }
    // A skipped file is an answer that was not graded: CI must not go green on it.
    if skipped > 0 {
        return Ok(2);
    }
    // Exercism's runner contract: exit 0 whenever results.json was written.
    if written == Written::Exercism {
        return Ok(0);
    }
    Ok(exit_code(&reports))
}

/// What [`write_report`] wrote.
#[derive(Debug, PartialEq, Eq)]
enum Written {
    /// Exercism `results.json` (the exit code is then 0).
    Exercism,
    /// Any other report.
    Other,
}

/// Writes the report to `--out` or stdout. Exercism with `--all` writes
/// `OUT/<unit>/results.json` per answer (units are never merged); Exercism with an
/// `--out` that is a folder writes `OUT/results.json`. GitHub also appends its job
/// summary to `$GITHUB_STEP_SUMMARY` when that is set.
fn write_report(graded: &[Graded], args: &GradeArgs) -> anyhow::Result<Written> {
    if args.format == Format::Exercism {
        let out = args.out.as_deref().map(Path::new);
        match out {
            Some(dir) if args.all.is_some() || dir.is_dir() => {
                for g in graded {
                    let folder = if args.all.is_some() { dir.join(&g.report.unit) } else { dir.to_path_buf() };
                    std::fs::create_dir_all(&folder).with_context(|| format!("could not create {}", folder.display()))?;
                    let path = folder.join("results.json");
                    let text = render(std::slice::from_ref(g), Format::Exercism)?;
                    std::fs::write(&path, text).with_context(|| format!("could not write {}", path.display()))?;
                }
                return Ok(Written::Exercism);
            }
            None if graded.len() > 1 => {
                anyhow::bail!("--all --format exercism writes one results.json per unit: give --out DIR")
            }
            _ => {}
        }
    }
    let text = render(graded, args.format)?;
    match &args.out {
        Some(path) => std::fs::write(path, &text).with_context(|| format!("could not write {path}"))?,
        None => print!("{text}"),
    }
    if args.format == Format::Github
        && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty())
    {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&summary)
            .with_context(|| format!("could not open $GITHUB_STEP_SUMMARY ({})", Path::new(&summary).display()))?;
        file.write_all(github::step_summary(graded).as_bytes()).context("could not append to $GITHUB_STEP_SUMMARY")?;
    }
    Ok(if args.format == Format::Exercism { Written::Exercism } else { Written::Other })
}

/// Runs `grade` and measures the real time it took (JUnit reports it).
fn timed<T, E>(grade: impl FnOnce() -> Result<T, E>) -> Result<(T, std::time::Duration), E> {
    let start = std::time::Instant::now();
    grade().map(|value| (value, start.elapsed()))
}

/// `otplab check ID FILE`: `grade` with the human report, on `clock`.
pub fn check_command(unit: &str, file: &str, clock: Clock) -> anyhow::Result<i32> {
    grade_and_report(GradeArgs {
        unit: Some(unit.to_string()),
        answer: Some(file.to_string()),
        all: None,
        format: Format::Human,
        out: None,
        clock,
        limits: Limits::default(),
    }, true)
}

/// Grades one answer file; `Err` says why the input is unusable.
pub fn grade_file(catalog: &Catalog, unit: &str, path: &Path, options: GradeOptions) -> Result<GradeReport, String> {
    let entry = catalog.get(unit).ok_or_else(|| {
        let known: Vec<&str> = catalog.entries().iter().map(|e| e.unit.id.as_str()).collect();
        format!("unknown unit `{unit}`; the units are: {}", known.join(", "))
    })?;
    let source = std::fs::read_to_string(path).map_err(|e| format!("could not read {}: {e}", path.display()))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    Ok(grade(catalog, &entry.unit, &source, &name, options))
}

/// What `--all` found in a folder: the reports of the answers named after units, and
/// every other file, each with the unit it was probably meant for.
pub struct FolderGrade {
    /// One report per `<unit-id>.exs`, in course order, with its path and the real
    /// time grading it took.
    pub reports: Vec<(GradeReport, PathBuf, std::time::Duration)>,
    /// Files that are not named after a unit, with the unit id they were likely meant for.
    pub skipped: Vec<(PathBuf, Option<String>)>,
}

/// Grades every `DIR/<unit-id>.exs` in course order and lists every other file.
fn grade_folder(catalog: &Catalog, dir: &Path, options: GradeOptions) -> Result<FolderGrade, String> {
    let listing = std::fs::read_dir(dir).map_err(|e| format!("could not read the folder {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = listing
        .filter_map(|item| item.ok().map(|item| item.path()))
        .filter(|path| path.is_file() && !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    let ids: Vec<&str> = catalog.entries().iter().map(|e| e.unit.id.as_str()).collect();
    let mut reports = Vec::new();
    for entry in catalog.entries() {
        let path = dir.join(format!("{}.exs", entry.unit.id));
        if path.is_file() {
            let (report, wall) = timed(|| grade_file(catalog, &entry.unit.id, &path, options))?;
            reports.push((report, path, wall));
        }
    }
    let skipped: Vec<(PathBuf, Option<String>)> = files
        .into_iter()
        .filter(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            !ids.iter().any(|id| name == format!("{id}.exs"))
        })
        .map(|path| {
            let closest = closest_unit(&path, &ids).map(str::to_string);
            (path, closest)
        })
        .collect();
    if reports.is_empty() && skipped.is_empty() {
        return Err(format!("{} holds no answer named after a unit (e.g. tasks-awaited.exs)", dir.display()));
    }
    Ok(FolderGrade { reports, skipped })
}

/// The unit id nearest to a file's name (case, `_` and spaces ignored), by edit
/// distance, when it is near enough to be a likely misspelling (at most a third of the
/// id's letters differ).
fn closest_unit<'a>(path: &Path, ids: &[&'a str]) -> Option<&'a str> {
    let stem = path.file_stem().map(|s| s.to_string_lossy().to_lowercase()).unwrap_or_default();
    let stem = stem.replace(['_', ' '], "-");
    let (distance, id) = ids.iter().map(|id| (strsim::levenshtein(&stem, id), *id)).min()?;
    (distance <= id.len() / 3).then_some(id)
}

/// The closing line of `--all`: `12 passed, 1 failed, 1 skipped` (errors counted as
/// failed, since they did not pass).
fn summary_line(reports: &[GradeReport], skipped: usize) -> String {
    let passed = reports.iter().filter(|r| r.status == Status::Pass).count();
    let failed = reports.len() - passed;
    format!("{passed} passed, {failed} failed, {skipped} skipped")
}

/// 2 when an answer was unusable, else 1 when a check failed, else 0.
pub fn exit_code(reports: &[GradeReport]) -> i32 {
    if reports.iter().any(|r| r.status == Status::Error) {
        2
    } else if reports.iter().any(|r| r.status == Status::Fail) {
        1
    } else {
        0
    }
}

/// Marks passed units in the progress file; a failure to save is only a warning.
pub fn record_progress(reports: &[GradeReport]) {
    let passed: Vec<&GradeReport> = reports.iter().filter(|r| r.status == Status::Pass).collect();
    let Some(path) = Progress::default_path() else { return };
    if passed.is_empty() {
        return;
    }
    let mut progress = Progress::load(&path);
    for report in passed {
        progress.mark_passed(&report.unit);
    }
    if let Err(e) = progress.save(&path) {
        eprintln!("otplab: warning: {e}");
    }
}
