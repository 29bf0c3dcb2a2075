//! `otplab test [PATHS]` (as `mix test`) and the end of `otplab run FILE` for a
//! script that started ExUnit (as `elixir file_test.exs`): the suite runs in the
//! same session after the files are loaded, and its exit status is the command's.

use super::sink::TerminalSink;
use crate::session::{Clock, Evaluation, Session, SessionConfig};
use crate::term::{Term, inspect::inspect};
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Options of `otplab test` that become ExUnit configuration.
#[derive(Debug, Default, Clone)]
pub struct TestOptions {
    /// `--seed N` (0 keeps definition order).
    pub seed: Option<u64>,
    /// `--trace`: one line per test, tests run one at a time.
    pub trace: bool,
    /// `--only TAG[:VALUE]`.
    pub only: Vec<String>,
    /// `--exclude TAG[:VALUE]`.
    pub exclude: Vec<String>,
    /// `--include TAG[:VALUE]`.
    pub include: Vec<String>,
    /// `--max-failures N`.
    pub max_failures: Option<u64>,
}

/// Tells ExUnit which file is being loaded, so its test modules know their `file:line`.
pub fn announce_file(session: &mut Session, path: &str) -> anyhow::Result<()> {
    let src = format!("ExUnit.Server.__file__({})", inspect(&Term::string(path.to_string())));
    session.run_script(&src).map(|_| ()).map_err(|e| anyhow::anyhow!(e.banner("nofile")))
}

/// Runs the suite if the script started ExUnit: `Some(exit status)`, or `None`.
pub fn autorun(session: &mut Session, overrides: &str) -> anyhow::Result<Option<i32>> {
    let src = format!("ExUnit.__autorun__({overrides})");
    match session.run_script(&src).map_err(|e| anyhow::anyhow!(e.banner("nofile")))? {
        Evaluation::Value(Term::Int(code)) => Ok(Some(code as i32)),
        Evaluation::Value(_) => Ok(None),
        other => {
            if let Some(banner) = other.raised_banner() {
                eprintln!("{banner}");
            }
            Ok(Some(1))
        }
    }
}

/// `otplab test [PATHS]`: loads `test/test_helper.exs`, then every `*_test.exs`
/// under the paths (default `test/`), then runs the suite. `path:line` selects
/// the test at that line. Exit 0 when everything passed, 2 when a test failed.
pub fn test_command(paths: &[String], options: &TestOptions, clock: Clock) -> anyhow::Result<i32> {
    let mut session = Session::new(SessionConfig { clock, output: Arc::new(TerminalSink), argv: vec![] })?;
    // As mix compiles the project first: every `lib/**/*.ex`.
    let mut sources = Vec::new();
    if Path::new("lib").is_dir() {
        collect(Path::new("lib"), &mut sources, ".ex").context("could not read lib")?;
        sources.sort();
    }
    for source in &sources {
        if let Some(code) = load(&mut session, source)? {
            return Ok(code);
        }
    }
    let helper = Path::new("test/test_helper.exs");
    if helper.exists() {
        if let Some(code) = load(&mut session, helper)? {
            return Ok(code);
        }
    } else {
        anyhow::bail!("Cannot run tests because test helper file \"test/test_helper.exs\" does not exist");
    }
    let mut files: Vec<PathBuf> = Vec::new();
    let mut lines: Vec<u32> = Vec::new();
    let roots: Vec<String> = if paths.is_empty() { vec!["test".into()] } else { paths.to_vec() };
    for root in &roots {
        let (path, line) = match root.rsplit_once(':') {
            Some((p, l)) if l.chars().all(|c| c.is_ascii_digit()) && !l.is_empty() => (p.to_string(), l.parse().ok()),
            _ => (root.clone(), None),
        };
        if let Some(l) = line {
            lines.push(l);
        }
        collect(Path::new(&path), &mut files, "_test.exs").with_context(|| format!("could not read {path}"))?;
    }
    files.sort();
    files.dedup();
    for file in &files {
        if let Some(code) = load(&mut session, file)? {
            return Ok(code);
        }
    }
    let overrides = overrides(options, &lines);
    Ok(autorun(&mut session, &overrides)?.unwrap_or(0))
}

/// Loads one file; `Some(1)` when it raised (after printing the banner).
fn load(session: &mut Session, path: &Path) -> anyhow::Result<Option<i32>> {
    let shown = path.to_string_lossy().to_string();
    let source = std::fs::read_to_string(path).with_context(|| format!("could not read {shown}"))?;
    announce_file(session, &shown)?;
    match session.run_script(&source) {
        Ok(Evaluation::Value(_)) => Ok(None),
        Ok(other) => {
            eprintln!("{}", other.raised_banner().unwrap_or_default());
            Ok(Some(1))
        }
        Err(e) => {
            eprintln!("{}", e.banner(&shown));
            Ok(Some(1))
        }
    }
}

/// The files under `path` whose names end with `suffix` (or `path` itself).
fn collect(path: &Path, out: &mut Vec<PathBuf>, suffix: &str) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for e in entries {
            collect(&e, out, suffix)?;
        }
    } else if path.to_string_lossy().ends_with(suffix) {
        out.push(path.to_path_buf());
    } else if !path.exists() {
        return Err(std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or directory"));
    }
    Ok(())
}

/// `TAG` or `TAG:VALUE` as an Elixir filter term (`:tag` or `{:tag, "value"}`).
fn filter(tag: &str) -> String {
    let atom = |s: &str| inspect(&Term::atom(s));
    match tag.split_once(':') {
        Some((k, v)) => format!("{{{}, {}}}", atom(k), inspect(&Term::string(v.to_string()))),
        None => atom(tag),
    }
}

/// The keyword list given to `ExUnit.__autorun__/1`.
fn overrides(options: &TestOptions, lines: &[u32]) -> String {
    // mix loads test files while it runs them: no "on load" time.
    let mut kw: Vec<String> = vec!["load_start: nil".into()];
    let mut include: Vec<String> = options.include.iter().chain(options.only.iter()).map(|t| filter(t)).collect();
    let mut exclude: Vec<String> = options.exclude.iter().map(|t| filter(t)).collect();
    if !options.only.is_empty() || !lines.is_empty() {
        exclude.push(":test".into());
    }
    for l in lines {
        include.push(format!("{{:line, \"{l}\"}}"));
    }
    if !lines.is_empty() {
        kw.push("replace_filters: true".into());
    }
    if !include.is_empty() {
        kw.push(format!("include: [{}]", include.join(", ")));
    }
    if !exclude.is_empty() {
        kw.push(format!("exclude: [{}]", exclude.join(", ")));
    }
    if let Some(s) = options.seed {
        kw.push(format!("seed: {s}"));
    }
    if options.trace {
        kw.push("trace: true, timeout: :infinity".into());
    }
    if let Some(m) = options.max_failures {
        kw.push(format!("max_failures: {m}"));
    }
    format!("[{}]", kw.join(", "))
}
