//! `otplab drills` (the units and the learner's progress) and `otplab course lint`
//! (the course verified on otplab's own engine).

use std::path::PathBuf;

use crate::course::grade::GradeOptions;
use crate::course::lint::lint_unit;
use crate::course::progress::Progress;

use super::grade::{load_catalog, load_catalog_from};

/// `otplab drills`: every unit in course order, marked when passed.
pub fn drills_command() -> anyhow::Result<i32> {
    let catalog = match load_catalog() {
        Ok(catalog) => catalog,
        Err(e) => {
            eprintln!("otplab: {e:#}");
            return Ok(2);
        }
    };
    let progress = Progress::default_path().map(|path| Progress::load(&path)).unwrap_or_default();
    let mut done = 0;
    for entry in catalog.entries() {
        let unit = &entry.unit;
        let passed = progress.passed.contains(&unit.id);
        if passed {
            done += 1;
        }
        let mark = if passed { "[x]" } else { "[ ]" };
        println!("{mark} {:<24} {:<9} {}", unit.id, format!("{:?}", unit.kind), unit.title);
    }
    println!("{done}/{} units passed. Work on one with: otplab drill UNIT", catalog.entries().len());
    Ok(0)
}

/// `otplab course lint [UNIT...] [--course DIR]`: exit 0 when every unit is sound, 1
/// otherwise. Without `--course`, the course built into otplab is linted.
pub fn lint_command(only: &[String], dir: Option<&str>) -> anyhow::Result<i32> {
    let loaded = match dir {
        Some(dir) => load_catalog_from(PathBuf::from(dir)),
        None => load_catalog(),
    };
    let catalog = match loaded {
        Ok(catalog) => catalog,
        Err(e) => {
            eprintln!("otplab: {e:#}");
            return Ok(1);
        }
    };
    for id in only {
        if catalog.get(id).is_none() {
            eprintln!("otplab: unknown unit `{id}`");
            return Ok(2);
        }
    }
    let mut broken = 0;
    for entry in catalog.entries().iter().filter(|e| only.is_empty() || only.contains(&e.unit.id)) {
        let lint = lint_unit(&catalog, entry, GradeOptions::default());
        let mark = if lint.problems.is_empty() { "ok  " } else { "FAIL" };
        println!("{mark} {:<24} reference passes {}/{} checks", lint.unit, lint.reference_passed, lint.total);
        for problem in &lint.problems {
            println!("       - {problem}");
        }
        if !lint.problems.is_empty() {
            broken += 1;
        }
    }
    if broken > 0 {
        println!("{broken} unit(s) with problems");
        return Ok(1);
    }
    println!("the course is sound");
    Ok(0)
}
