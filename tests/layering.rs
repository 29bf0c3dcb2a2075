//! The layering rule of `src/lib.rs`: a layer may use only the layers above it.
//! This test reads every source file and fails on an import of a lower layer.

use std::path::Path;

/// Layers from top (1) to bottom (8); `compile` and `vm` share layer 4.
const LAYERS: &[(&str, u32)] = &[
    ("syntax", 1),
    ("term", 2),
    ("runtime", 3),
    ("compile", 4),
    ("vm", 4),
    ("stdlib", 5),
    ("session", 6),
    ("course", 7),
    ("cli", 8),
];

fn layer_of(name: &str) -> Option<u32> {
    LAYERS.iter().find(|(n, _)| *n == name).map(|(_, l)| *l)
}

fn visit(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            visit(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_layer_imports_a_lower_one() {
    let mut files = Vec::new();
    visit(Path::new("src"), &mut files);
    assert!(!files.is_empty());
    let mut violations = Vec::new();
    for file in files {
        let rel = file.strip_prefix("src").expect("under src");
        let Some(own) = rel.components().next().and_then(|c| c.as_os_str().to_str()).map(|s| s.trim_end_matches(".rs").to_string()) else {
            continue;
        };
        let Some(own_layer) = layer_of(&own) else { continue };
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            for (other, other_layer) in LAYERS {
                // The course layer may use only session and term.
                let forbidden = *other_layer > own_layer
                    || (own == "course" && !matches!(*other, "session" | "term" | "course"));
                if forbidden && (line.contains(&format!("crate::{other}::")) || line.contains(&format!("crate::{other};"))) {
                    violations.push(format!("{}:{}: {own} uses {other}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(violations.is_empty(), "layering violations:\n{}", violations.join("\n"));
}
