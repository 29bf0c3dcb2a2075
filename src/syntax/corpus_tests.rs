//! Acceptance: every conformance script and every valid seed code block parses.

use super::parse;
use std::path::PathBuf;

fn shared(dir: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(dir);
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
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "exs"))
    {
        count += 1;
        let source = std::fs::read_to_string(path).unwrap_or_default();
        if let Err(e) = parse(&source) {
            failures.push(format!("{}: {}", path.display(), e.banner("t.exs")));
        }
    }
    assert!(count > 0, "no .exs files in {}", dir.display());
    assert!(
        failures.is_empty(),
        "{} of {count} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The fenced code blocks of a seed document.
fn code_blocks(text: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String, bool)> = None;
    for (n, line) in text.lines().enumerate() {
        if let Some(fence) = line.trim_start().strip_prefix("```") {
            match current.take() {
                // Only blocks fenced as Elixir are code; bare fences hold diagrams
                // and shell output.
                Some((start, body, true)) => blocks.push((start, body)),
                Some(_) => {}
                None => current = Some((n + 1, String::new(), fence.trim() == "elixir")),
            }
        } else if let Some((_, body, _)) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    blocks
}

#[test]
fn every_valid_seed_block_parses() {
    let Some(dir) = shared("seeds") else {
        eprintln!("seeds not found; skipping");
        return;
    };
    let mut failures = Vec::new();
    let mut blocks = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
    {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        for (line, block) in code_blocks(&text) {
            let id = format!("{name}:{line}");
            blocks += 1;
            if let Err(e) = parse(&block) {
                failures.push(format!("{id}: {}", e.banner("block")));
            }
        }
    }
    assert!(blocks > 0, "no code blocks in the seeds");
    assert!(
        failures.is_empty(),
        "{} seed blocks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
