//! Loading and validating the course: every `drills/*.ron` and `exercises/*.ron`
//! under a course root, checked for the rules `drills/README.md` states, with
//! errors that name the file and (for RON syntax) the line and column.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use ron::extensions::Extensions;
use thiserror::Error;

use super::unit::{
    Expect, FailureKind, FORMAT_VERSION, TEMPLATE_PLACEHOLDERS, Unit, UnitKind,
};

/// The fewest checks a unit may have.
pub const MIN_CHECKS: usize = 3;

/// Why the course could not be loaded.
#[derive(Debug, Error)]
pub enum CatalogError {
    /// A folder or file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A unit file is not valid RON for the unit format.
    #[error("{path}:{line}:{col}: {message}")]
    Parse {
        /// The unit file.
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        col: usize,
        /// What the RON reader said.
        message: String,
    },
    /// A unit parsed but breaks the course rules.
    #[error("{path}: {}", problems.join("; "))]
    Invalid {
        /// The unit file.
        path: PathBuf,
        /// Every rule it breaks.
        problems: Vec<String>,
    },
    /// Two files declare the same unit id.
    #[error("unit id `{id}` is declared by both {first} and {second}")]
    DuplicateId {
        /// The id.
        id: String,
        /// The first file.
        first: PathBuf,
        /// The second file.
        second: PathBuf,
    },
}

/// One loaded unit and where it came from.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The file the unit was read from.
    pub path: PathBuf,
    /// The unit.
    pub unit: Unit,
}

/// Every unit of the course, drills first, each folder in file-name order.
#[derive(Debug, Clone)]
pub struct Catalog {
    root: PathBuf,
    entries: Vec<Entry>,
}

impl Catalog {
    /// Loads and validates every unit under `root` (which holds `drills/`,
    /// `exercises/` and `fixtures/`).
    pub fn load(root: &Path) -> Result<Catalog, CatalogError> {
        let mut entries: Vec<Entry> = Vec::new();
        for (folder, drill_folder) in [("drills", true), ("exercises", false)] {
            for path in unit_files(&root.join(folder))? {
                let text = fs::read_to_string(&path)
                    .map_err(|source| CatalogError::Read { path: path.clone(), source })?;
                let unit = parse_unit(&text, &path)?;
                let problems = validate(&unit, &path, root, drill_folder);
                if !problems.is_empty() {
                    return Err(CatalogError::Invalid { path, problems });
                }
                if let Some(first) = entries.iter().find(|entry| entry.unit.id == unit.id) {
                    return Err(CatalogError::DuplicateId {
                        id: unit.id,
                        first: first.path.clone(),
                        second: path,
                    });
                }
                entries.push(Entry { path, unit });
            }
        }
        Ok(Catalog { root: root.to_path_buf(), entries })
    }

    /// The folder the catalog was loaded from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The `fixtures/` folder (check expressions see it as `fixtures_dir`).
    pub fn fixtures_dir(&self) -> PathBuf {
        self.root.join("fixtures")
    }

    /// Every unit in course order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The unit with this id.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.unit.id == id)
    }

    /// The Elixir source of a unit's preloaded fixtures, in declared order.
    pub fn preload_sources(&self, unit: &Unit) -> Result<Vec<(PathBuf, String)>, CatalogError> {
        unit.preload
            .iter()
            .map(|name| {
                let path = self.fixtures_dir().join(name);
                fs::read_to_string(&path)
                    .map(|text| (path.clone(), text))
                    .map_err(|source| CatalogError::Read { path, source })
            })
            .collect()
    }
}

/// The `*.ron` files of a folder, sorted by name; a missing folder has none.
fn unit_files(folder: &Path) -> Result<Vec<PathBuf>, CatalogError> {
    let listing = match fs::read_dir(folder) {
        Ok(listing) => listing,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(CatalogError::Read { path: folder.to_path_buf(), source }),
    };
    let mut files = Vec::new();
    for item in listing {
        let item = item.map_err(|source| CatalogError::Read { path: folder.to_path_buf(), source })?;
        let path = item.path();
        if path.extension().is_some_and(|ext| ext == "ron") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Parses one unit; `Option` fields may be written without `Some(...)`.
pub fn parse_unit(text: &str, path: &Path) -> Result<Unit, CatalogError> {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME)
        .from_str::<Unit>(text)
        .map_err(|error| CatalogError::Parse {
            path: path.to_path_buf(),
            line: error.span.start.line,
            col: error.span.start.col,
            message: error.code.to_string(),
        })
}

/// Every course rule `unit` breaks (empty when it is valid).
pub fn validate(unit: &Unit, path: &Path, root: &Path, in_drill_folder: bool) -> Vec<String> {
    let mut problems = Vec::new();
    if unit.format_version != FORMAT_VERSION {
        problems.push(format!(
            "format_version is {}, this build reads {FORMAT_VERSION}",
            unit.format_version
        ));
    }
    if let Some(stem) = path.file_stem().and_then(|stem| stem.to_str()) {
        let slug = stem.split_once('_').map(|(_, slug)| slug).unwrap_or(stem);
        if slug.replace('_', "-") != unit.id {
            problems.push(format!("id `{}` does not match the file name slug `{slug}`", unit.id));
        }
    }
    if (unit.kind == UnitKind::Drill) != in_drill_folder {
        problems.push(format!("a {:?} unit does not belong in this folder", unit.kind));
    }
    for (field, text) in [
        ("title", &unit.title),
        ("summary", &unit.summary),
        ("instructions", &unit.instructions),
        ("starter", &unit.starter),
        ("reference", &unit.reference),
    ] {
        if text.trim().is_empty() {
            problems.push(format!("`{field}` is empty"));
        }
    }
    if unit.seeds.is_empty() {
        problems.push("`seeds` names no seed section".to_string());
    }
    if unit.requires.is_empty() {
        problems.push("`requires` names no function".to_string());
    }
    if unit.checks.len() < MIN_CHECKS {
        problems.push(format!("has {} checks, at least {MIN_CHECKS} are required", unit.checks.len()));
    }
    for name in &unit.preload {
        if !root.join("fixtures").join(name).is_file() {
            problems.push(format!("preload `{name}` is not a file under fixtures/"));
        }
    }
    let mut ids = BTreeSet::new();
    for check in unit.all_checks() {
        if !ids.insert(check.id.as_str()) {
            problems.push(format!("check id `{}` is used twice", check.id));
        }
        problems.extend(check_problems(unit, check).into_iter().map(|p| format!("check `{}`: {p}", check.id)));
    }
    if let Some(rubric) = &unit.rubric {
        let sum: u32 = rubric.criteria.iter().map(|criterion| criterion.points).sum();
        if sum != rubric.total {
            problems.push(format!("rubric criteria add up to {sum}, not the declared total {}", rubric.total));
        }
        for criterion in &rubric.criteria {
            for id in &criterion.checks {
                if !ids.contains(id.as_str()) {
                    problems.push(format!("rubric criterion `{}` names unknown check `{id}`", criterion.name));
                }
            }
        }
    }
    problems
}

/// The rule breaks of one check within its unit.
fn check_problems(unit: &Unit, check: &super::unit::Check) -> Vec<String> {
    let mut problems = Vec::new();
    if check.run.trim().is_empty() {
        problems.push("`run` is empty".to_string());
    }
    match &check.expect {
        Expect::Value(source) | Expect::Match(source) | Expect::Raises(source) | Expect::Exits(source)
            if source.trim().is_empty() =>
        {
            problems.push("the expectation is empty".to_string());
        }
        _ => {}
    }
    if let Some((low, high)) = check.elapsed_ms {
        if low > high {
            problems.push(format!("elapsed_ms window ({low}, {high}) is reversed"));
        }
        if high > check.timeout_ms {
            problems.push(format!("elapsed_ms upper bound {high} exceeds timeout_ms {}", check.timeout_ms));
        }
        if check.ratio.is_some() {
            problems.push("a check is timed on one clock: elapsed_ms (virtual) or ratio (real), not both".to_string());
        }
    }
    // Written to reject NaN as well as numbers at or below 1.
    if let Some(ratio) = &check.ratio
        && ratio.at_least.partial_cmp(&1.0) != Some(std::cmp::Ordering::Greater)
    {
        problems.push(format!("ratio at_least {} must be above 1.0", ratio.at_least));
    }
    // Every way this check can fail must leave the learner something to read.
    if !check.explain.contains_key(&check.miss) && !unit.hints.contains_key(&check.miss) {
        problems.push(format!("misses as `{}` but neither it nor the unit has a hint for that", check.miss.name()));
    }
    for timed_kind in [FailureKind::TooSlow, FailureKind::TooFast] {
        if check.elapsed_ms.is_some()
            && !check.explain.contains_key(&timed_kind)
            && !unit.hints.contains_key(&timed_kind)
        {
            problems.push(format!("is timed but has no `{}` explanation or hint", timed_kind.name()));
        }
    }
    for template in check.explain.values() {
        for name in placeholders(template) {
            if !TEMPLATE_PLACEHOLDERS.contains(&name) {
                problems.push(format!("explanation uses unknown placeholder `{{{name}}}`"));
            }
        }
    }
    problems
}

/// The `{name}` placeholders of a template, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    names.push(name);
                }
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    names
}
