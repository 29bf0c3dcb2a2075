//! Black-box tests of `otplab grade --format exercism|github|junit|json` beyond the
//! snapshots in `grade_cli.rs`: Exercism's runner contract, GitHub annotations and
//! job summary, JUnit's two clocks, and the rubric score.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A private scratch dir per test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("otplab-report-formats-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn otplab(test: &str) -> Command {
    let mut cmd = Command::cargo_bin("otplab").expect("the otplab binary");
    let home = scratch(&format!("{test}-home"));
    cmd.env("OTPLAB_COURSE_DIR", root()).env("XDG_DATA_HOME", &home).env("HOME", &home).env_remove("GITHUB_STEP_SUMMARY");
    cmd
}

fn wrong_answer() -> PathBuf {
    root().join("fixtures/answers/tasks-awaited/wrong_sequential_awaits.exs")
}

#[test]
fn a_wrong_answers_results_json_has_test_code_for_every_test_and_exits_0() {
    let out = otplab("exercism").args(["grade", "tasks-awaited"]).arg(wrong_answer()).args(["--format", "exercism"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    let results: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(results["version"], 3);
    assert_eq!(results["status"], "fail");
    assert!(results.get("message").is_none(), "a top-level message only when nothing ran: {results}");
    let tests = results["tests"].as_array().expect("tests");
    assert_eq!(tests.len(), 5);
    for test in tests {
        assert!(test["test_code"].as_str().is_some_and(|code| code.starts_with("TaskDrill.")), "{test}");
        assert!(["pass", "fail", "error"].contains(&test["status"].as_str().unwrap_or_default()), "{test}");
    }
    // Task ids follow the required functions (sequential_work, parallel_work, pmap),
    // not the check's index: both pmap checks are task 3.
    let task_ids: Vec<&Value> = tests.iter().map(|t| &t["task_id"]).collect();
    assert_eq!(task_ids, [&Value::from(1), &Value::from(2), &Value::from(3), &Value::from(3), &Value::from(3)]);
}

#[test]
fn a_crashing_check_is_an_error_test_not_a_fail() {
    let dir = scratch("crash");
    let answer = dir.join("crashing.exs");
    let source = std::fs::read_to_string(root().join("fixtures/answers/tasks-awaited/correct_two_passes.exs")).expect("read");
    // parallel_work/0 raises: that check is an error, the others still pass.
    let source = source.replacen("def parallel_work do", "def parallel_work do\n    raise ArgumentError, \"not yet\"", 1);
    std::fs::write(&answer, source).expect("write");
    let out = otplab("crash").args(["grade", "tasks-awaited"]).arg(&answer).args(["--format", "exercism"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    let results: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(results["status"], "fail", "{results}");
    let parallel = results["tests"].as_array().expect("tests").iter().find(|t| t["test_code"] == "TaskDrill.parallel_work()").expect("test");
    assert_eq!(parallel["status"], "error", "{parallel}");
    assert!(parallel["message"].as_str().unwrap_or_default().contains("not yet"), "{parallel}");
}

#[test]
fn grade_all_exercism_writes_one_results_json_per_unit() {
    let dir = scratch("all");
    let answers = dir.join("answers");
    let out_dir = dir.join("out");
    std::fs::create_dir_all(&answers).expect("dir");
    std::fs::copy(root().join("fixtures/answers/tasks-awaited/correct_two_passes.exs"), answers.join("tasks-awaited.exs")).expect("copy");
    std::fs::copy(root().join("fixtures/answers/leaderboard/wrong_sorted_ascending.exs"), answers.join("leaderboard.exs")).expect("copy");
    let without_out = otplab("all").args(["grade", "--all"]).arg(&answers).args(["--format", "exercism"]).output().expect("run");
    assert_ne!(without_out.status.code(), Some(0), "no --out: there is nowhere to put one file per unit");
    otplab("all").args(["grade", "--all"]).arg(&answers).args(["--format", "exercism", "--out"]).arg(&out_dir).assert().code(0);
    for (unit, status) in [("tasks-awaited", "pass"), ("leaderboard", "fail")] {
        let text = std::fs::read_to_string(out_dir.join(unit).join("results.json")).expect("results.json");
        let results: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(results["status"], status, "{unit}");
    }
}

#[test]
fn github_prints_error_annotations_and_fills_the_step_summary() {
    let dir = scratch("github");
    let summary = dir.join("summary.md");
    std::fs::write(&summary, "earlier step\n").expect("write");
    let out = otplab("github")
        .args(["grade", "tasks-awaited"])
        .arg(wrong_answer())
        .args(["--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("::error ")).collect();
    assert_eq!(errors.len(), 3, "{text}");
    // The failure of parallel_work/0 points at its definition in the answer.
    let source = std::fs::read_to_string(wrong_answer()).expect("read");
    let def_line = source.lines().position(|l| l.trim_start().starts_with("def parallel_work")).expect("def") + 1;
    assert!(errors.iter().any(|l| l.contains(&format!(",line={def_line},")) && l.contains("parallel-takes-one-second")), "{text}");
    // Messages are one line each: newlines are escaped.
    assert!(errors.iter().all(|l| l.contains("%0A")), "{text}");
    let written = std::fs::read_to_string(&summary).expect("summary");
    assert!(written.starts_with("earlier step\n"), "appended, not overwritten: {written}");
    assert!(written.contains("| check | status |"), "{written}");
    assert!(written.contains("| parallel-takes-one-second | ❌ too_slow |"), "{written}");
}

#[test]
fn github_notices_a_pass_with_its_score() {
    let answer = root().join("fixtures/answers/tasks-awaited/correct_two_passes.exs");
    let out = otplab("notice").args(["grade", "tasks-awaited"]).arg(&answer).args(["--format", "github"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l.starts_with("::notice ") && l.contains("5/5 checks passed")), "{text}");
    assert!(!text.contains("::error"), "{text}");
}

#[test]
fn job_queue_reports_its_rubric_score_in_every_format() {
    let answer = root().join("fixtures/answers/job-queue/wrong_loses_failed_jobs.exs");
    let grade = |format: &str| otplab("score").args(["grade", "job-queue"]).arg(&answer).args(["--format", format]).output().expect("run");
    let json: Value = serde_json::from_slice(&grade("json").stdout).expect("JSON");
    let points = json["score"]["points"].as_u64().expect("points");
    assert_eq!(json["score"]["max"], 100);
    assert_eq!(json["score"]["manual"], 15);
    // Losing failed jobs costs every criterion naming failed-jobs-are-recorded.
    let lost: u64 = json["score"]["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .filter(|c| c["automatic"] == true && c["earned"] == 0)
        .map(|c| c["points"].as_u64().unwrap_or_default())
        .sum();
    assert!(lost >= 20, "{json}");
    let bonus = json["checks"].as_array().expect("checks").iter().filter(|c| c["status"] == "pass").map(|c| c["bonus_points"].as_u64().unwrap_or_default()).sum::<u64>();
    assert_eq!(points, 100 - 15 - lost + bonus);
    let human = String::from_utf8_lossy(&grade("human").stdout).into_owned();
    assert!(human.contains(&format!("score: {points}/100")), "{human}");
    let junit = String::from_utf8_lossy(&grade("junit").stdout).into_owned();
    assert!(junit.contains(&format!(r#"<property name="score" value="{points}"/>"#)), "{junit}");
}

#[test]
fn junit_carries_wall_and_virtual_time() {
    let out = otplab("junit").args(["grade", "tasks-awaited"]).arg(wrong_answer()).args(["--format", "junit"]).output().expect("run");
    let xml = String::from_utf8_lossy(&out.stdout);
    assert!(xml.contains(r#"<property name="wall_ms" value=""#), "{xml}");
    // The five checks take 5000 + 5000 + 600 + 4000 + 100 ms of virtual time.
    assert!(xml.contains(r#"<property name="virtual_ms" value="14700"/>"#), "{xml}");
    assert!(xml.contains(r#"<property name="virtual_ms" value="600"/>"#), "{xml}");
}
