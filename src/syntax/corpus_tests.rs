//! Acceptance: every conformance script and every valid seed code block parses.

use super::parse;
use std::path::PathBuf;

fn shared(dir: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared").join(dir);
    path.is_dir().then_some(path)
}

#[test]
fn every_conformance_script_parses() {
    let Some(dir) = shared("conformance/cases") else {
        eprintln!("conformance cases not found; skipping");
        return;
    };
    let mut failures = Vec::new();
    let mut count = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries.iter().filter(|p| p.extension().is_some_and(|e| e == "exs")) {
        count += 1;
        let source = std::fs::read_to_string(path).unwrap_or_default();
        if let Err(e) = parse(&source) {
            failures.push(format!("{}: {}", path.display(), e.banner("t.exs")));
        }
    }
    assert!(count > 0, "no .exs files in {}", dir.display());
    assert!(failures.is_empty(), "{} of {count} failed:\n{}", failures.len(), failures.join("\n"));
}
