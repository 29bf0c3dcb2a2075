//! Tests over the shipped course and over the catalog's rules.

use std::path::{Path, PathBuf};

use super::answer::{ExpectedVerdict, answer_fixtures, parse_header};
use super::catalog::{Catalog, CatalogError, parse_unit, placeholders, validate};
use super::unit::{Expect, FailureKind, UnitKind};

/// The unit ids the design fixes, in course order.
const UNIT_IDS: [&str; 14] = [
    "tasks-awaited",
    "tasks-fire-and-forget",
    "tasks-supervised",
    "agent-counter",
    "agent-vs-genserver",
    "ets-basics",
    "ets-performance",
    "data-pipeline",
    "cached-api-client",
    "traffic-light",
    "leaderboard",
    "simple-registry",
    "todo-agent",
    "job-queue",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shipped() -> Catalog {
    match Catalog::load(&root()) {
        Ok(catalog) => catalog,
        Err(error) => panic!("the shipped course must load: {error}"),
    }
}

#[test]
fn every_shipped_unit_loads_in_course_order() {
    let catalog = shipped();
    let ids: Vec<&str> = catalog.entries().iter().map(|entry| entry.unit.id.as_str()).collect();
    assert_eq!(ids, UNIT_IDS);
    let drills = catalog.entries().iter().filter(|entry| entry.unit.kind == UnitKind::Drill).count();
    assert_eq!(drills, 7, "the seed has seven concept drills");
}

#[test]
fn every_unit_is_timed_or_valued_and_hints_each_way_it_can_fail() {
    for entry in shipped().entries() {
        let unit = &entry.unit;
        assert!(unit.checks.len() >= 3, "{}", unit.id);
        assert!(unit.hints.contains_key(&FailureKind::Crashed), "{} needs a crashed hint", unit.id);
        for check in unit.all_checks() {
            let judged = !matches!(check.expect, Expect::Returns)
                || check.elapsed_ms.is_some()
                || check.ratio.is_some()
                || check.no_leftovers;
            assert!(judged, "{} / {} asserts nothing", unit.id, check.id);
        }
    }
}

#[test]
fn the_capstone_scores_against_the_seed_rubric() {
    let catalog = shipped();
    let capstone = catalog.get("job-queue").map(|entry| &entry.unit);
    let rubric = capstone.and_then(|unit| unit.rubric.as_ref());
    let Some(rubric) = rubric else { panic!("job-queue has a rubric") };
    assert_eq!(rubric.total, 100);
    let areas: Vec<(&str, u32)> = ["ETS usage", "Task management", "Agent implementation", "Features", "Code quality"]
        .iter()
        .map(|area| (*area, rubric.criteria.iter().filter(|c| c.area == *area).map(|c| c.points).sum()))
        .collect();
    assert_eq!(
        areas,
        [("ETS usage", 25), ("Task management", 25), ("Agent implementation", 15), ("Features", 20), ("Code quality", 15)]
    );
    assert!(capstone.is_some_and(|unit| !unit.bonus.is_empty()));
}

#[test]
fn sample_answers_name_existing_checks() {
    let catalog = shipped();
    let mut seen = 0;
    for entry in catalog.entries() {
        let fixtures = match answer_fixtures(&catalog.fixtures_dir(), &entry.unit.id) {
            Ok(fixtures) => fixtures,
            Err(error) => panic!("{error}"),
        };
        for fixture in fixtures {
            seen += 1;
            if let ExpectedVerdict::Fail { check, .. } = &fixture.expect {
                assert!(
                    entry.unit.all_checks().any(|c| &c.id == check),
                    "{} names unknown check {check}",
                    fixture.path.display()
                );
            }
        }
    }
    assert!(seen >= 12, "the course ships sample answers ({seen} found)");
}

#[test]
fn a_syntax_error_names_file_line_and_column() {
    let text = "(\n    format_version: 1,\n    id: \"x\"\n    title: \"t\",\n)";
    let error = parse_unit(text, Path::new("drills/99_x.ron")).err();
    let Some(CatalogError::Parse { path, line, col, .. }) = error else { panic!("expected a parse error") };
    assert_eq!(path, Path::new("drills/99_x.ron"));
    assert_eq!((line, col), (4, 5));
}

#[test]
fn an_unknown_field_is_refused_with_its_position() {
    let text = "(format_version: 1, idd: \"x\")";
    let error = parse_unit(text, Path::new("a.ron")).err().map(|error| error.to_string());
    let Some(message) = error else { panic!("expected an error") };
    assert!(message.starts_with("a.ron:1:"), "{message}");
    assert!(message.contains("idd"), "{message}");
}

/// A minimal valid unit, as a RON string, for the rule tests below.
fn minimal(id: &str, extra_check: &str) -> String {
    let check = |n: u32| format!("(id: \"c{n}\", description: \"d\", run: \"1\", expect: Value(\"1\"))");
    format!(
        "(format_version: 1, id: \"{id}\", kind: Drill, title: \"t\", seeds: [\"002 Drill 1\"],
          summary: \"s\", instructions: \"i\", requires: [\"M.f/0\"], starter: \"s\", reference: \"r\",
          checks: [{}, {}, {} {extra_check}], hints: {{wrong_value: \"h\"}})",
        check(1),
        check(2),
        check(3)
    )
}

fn problems_of(text: &str, file: &str) -> Vec<String> {
    match parse_unit(text, Path::new(file)) {
        Ok(unit) => validate(&unit, Path::new(file), &root(), true),
        Err(error) => panic!("{error}"),
    }
}

#[test]
fn a_minimal_unit_is_valid() {
    assert_eq!(problems_of(&minimal("some-drill", ""), "01_some_drill.ron"), Vec::<String>::new());
}

#[test]
fn rules_catch_mismatched_ids_reversed_windows_and_missing_hints() {
    let timed = ", (id: \"c1\", description: \"d\", run: \"1\", elapsed_ms: (900, 100), miss: timeout)";
    let problems = problems_of(&minimal("some-drill", timed), "01_other_name.ron");
    let all = problems.join("\n");
    assert!(all.contains("does not match the file name"), "{all}");
    assert!(all.contains("`c1` is used twice"), "{all}");
    assert!(all.contains("(900, 100) is reversed"), "{all}");
    assert!(all.contains("no `too_slow` explanation"), "{all}");
    assert!(all.contains("misses as `timeout`"), "{all}");
}

#[test]
fn templates_list_their_placeholders_but_not_elixir_tuples() {
    assert_eq!(placeholders("took {elapsed} ms, expected {:ok, _} in {window}"), ["elapsed", "window"]);
}

#[test]
fn answer_headers_declare_verdicts() {
    assert_eq!(parse_header("# otplab-expect: pass\n"), Ok(ExpectedVerdict::Pass));
    assert_eq!(
        parse_header("# otplab-expect: fail ran-in-parallel too_slow"),
        Ok(ExpectedVerdict::Fail { check: "ran-in-parallel".into(), kind: Some(FailureKind::TooSlow) })
    );
    assert!(parse_header("# otplab-expect: fail a slowish").is_err());
    assert!(parse_header("defmodule A do end").is_err());
}
