//! Sample answers shipped in `fixtures/answers/<unit-id>/*.exs`, each declaring on
//! its first line the verdict the grader must reach for it:
//!
//! ```text
//! # otplab-expect: pass
//! # otplab-expect: fail parallel-takes-one-second too_slow
//! ```
//!
//! `fail` names the check that must fail and, optionally, the failure kind it
//! must fail with; other checks may pass or fail. These files are the grader's
//! black-box test corpus and show instructors how learners go wrong.

use std::fs;
use std::path::{Path, PathBuf};

use super::catalog::CatalogError;
use super::unit::FailureKind;

/// The marker that starts an answer's first line.
const MARKER: &str = "# otplab-expect:";

/// The verdict a sample answer must get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpectedVerdict {
    /// Every check (bonus checks included) passes.
    Pass,
    /// The answer cannot be used (it does not load: a reserved module, a limit
    /// hit while loading); `grade` exits 2.
    Error,
    /// The named check fails, with this kind when one is given.
    Fail {
        /// The check that catches the mistake.
        check: String,
        /// How it must fail.
        kind: Option<FailureKind>,
    },
}

/// One sample answer.
#[derive(Debug, Clone)]
pub struct AnswerFixture {
    /// The `.exs` file.
    pub path: PathBuf,
    /// Its source text.
    pub source: String,
    /// The verdict its header declares.
    pub expect: ExpectedVerdict,
}

/// Every sample answer for `unit_id` under `fixtures_dir`, sorted by file name,
/// then the attacks in its `adversarial/` folder; none when the unit has no folder.
pub fn answer_fixtures(fixtures_dir: &Path, unit_id: &str) -> Result<Vec<AnswerFixture>, CatalogError> {
    let folder = fixtures_dir.join("answers").join(unit_id);
    let mut all = fixtures_in(&folder)?;
    all.extend(fixtures_in(&folder.join("adversarial"))?);
    Ok(all)
}

/// The `.exs` answers directly in `folder`, sorted by file name.
fn fixtures_in(folder: &Path) -> Result<Vec<AnswerFixture>, CatalogError> {
    let folder = folder.to_path_buf();
    let listing = match fs::read_dir(&folder) {
        Ok(listing) => listing,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(CatalogError::Read { path: folder, source }),
    };
    let mut paths = Vec::new();
    for item in listing {
        let item = item.map_err(|source| CatalogError::Read { path: folder.clone(), source })?;
        if item.path().extension().is_some_and(|ext| ext == "exs") {
            paths.push(item.path());
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let source = fs::read_to_string(&path)
                .map_err(|source| CatalogError::Read { path: path.clone(), source })?;
            let expect = parse_header(&source).map_err(|problem| CatalogError::Invalid {
                path: path.clone(),
                problems: vec![problem],
            })?;
            Ok(AnswerFixture { path, source, expect })
        })
        .collect()
}

/// Reads the `# otplab-expect:` header on the first line.
pub fn parse_header(source: &str) -> Result<ExpectedVerdict, String> {
    let first = source.lines().next().unwrap_or_default();
    let rest = first
        .strip_prefix(MARKER)
        .ok_or_else(|| format!("the first line must start with `{MARKER}`"))?;
    let words: Vec<&str> = rest.split_whitespace().collect();
    match words.as_slice() {
        ["pass"] => Ok(ExpectedVerdict::Pass),
        ["error"] => Ok(ExpectedVerdict::Error),
        ["fail", check] => Ok(ExpectedVerdict::Fail { check: (*check).to_string(), kind: None }),
        ["fail", check, kind] => {
            let kind = kind_from_name(kind).ok_or_else(|| format!("unknown failure kind `{kind}`"))?;
            Ok(ExpectedVerdict::Fail { check: (*check).to_string(), kind: Some(kind) })
        }
        _ => Err(format!("expected `{MARKER} pass`, `{MARKER} error` or `{MARKER} fail CHECK-ID [KIND]`")),
    }
}

/// The failure kind spelled `name` (`too_slow`).
pub fn kind_from_name(name: &str) -> Option<FailureKind> {
    [
        FailureKind::TooSlow,
        FailureKind::TooFast,
        FailureKind::WrongValue,
        FailureKind::Crashed,
        FailureKind::Timeout,
        FailureKind::LeakedProcess,
        FailureKind::NotConcurrent,
        FailureKind::Limit,
        FailureKind::Error,
    ]
    .into_iter()
    .find(|kind| kind.name() == name)
}
