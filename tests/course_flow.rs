//! Black-box tests of the course's interactive flows with stdin not a terminal:
//! `present` and `drill ID --step` read one key per line, `drill ID` is the REPL
//! with the drill commands, `check --watch` re-checks when the file changes.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::Stdio;

use assert_cmd::Command;
use predicates::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A private data dir per test, so progress never touches the real one.
fn data_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("otplab-course-flow-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn otplab(test: &str) -> Command {
    let mut cmd = Command::cargo_bin("otplab").expect("the otplab binary");
    cmd.env("OTPLAB_COURSE_DIR", root()).env("XDG_DATA_HOME", data_dir(test)).env("HOME", data_dir(test));
    cmd
}

/// `#PID<0.123.0>` as `#PID<0.N.0>`, padded to the same width so columns stay put:
/// pid numbers depend on how many processes the prelude started.
fn redact_pids(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("#PID<0.") {
        let after = &rest[at + 7..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        out.push_str(&rest[..at]);
        out.push_str(&format!("#PID<0.{}", "N".repeat(digits)));
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

#[test]
fn present_runs_each_step_on_a_key_shows_timelines_and_survives_errors() {
    // Run 1, run 2, back twice (step 1 again), forward twice (to pending step 3), run
    // 3, an unknown key, jump to 5 (runs 4, which raises, on the way), run 5, end.
    let out = otplab("present")
        .args(["present", "--clock", "virtual", "tests/fixtures/present/timeline.exs"])
        .env("COLUMNS", "80")
        .write_stdin("\n\nb\nb\nn\nn\n\nx\ng 5\n\n")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("present_timeline", redact_pids(&String::from_utf8_lossy(&out.stdout)));
}

#[test]
fn present_quits_on_q_and_at_end_of_input() {
    otplab("present-quit")
        .args(["present", "--clock", "virtual", "tests/fixtures/present/timeline.exs"])
        .write_stdin("\nq\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("=> [1, 2, 3]"))
        .stdout(predicate::str::contains("stopped at step 2/5"))
        .stdout(predicate::str::contains("[1, 2]").not());
    otplab("present-eof")
        .args(["present", "--clock", "virtual", "tests/fixtures/present/timeline.exs"])
        .write_stdin("")
        .assert()
        .success()
        .stdout(predicate::str::contains("stopped at step 1/5"));
}

#[test]
fn present_refuses_a_script_that_does_not_parse_or_does_not_exist() {
    let dir = data_dir("present-bad");
    let bad = dir.join("bad.exs");
    std::fs::write(&bad, "x = (1 +\n").expect("write");
    otplab("present-bad").arg("present").arg(&bad).write_stdin("").assert().code(1).stderr(predicate::str::contains("bad.exs:"));
    otplab("present-bad").args(["present", "no/such/file.exs"]).write_stdin("").assert().code(2);
}

#[test]
fn drill_step_presents_the_walkthrough_of_every_concept_drill() {
    for id in ["tasks-awaited", "tasks-fire-and-forget", "tasks-supervised", "agent-counter", "agent-vs-genserver", "ets-basics", "ets-performance"] {
        otplab("step")
            .args(["drill", id, "--step", "--clock", "virtual"])
            .write_stdin("\n\n")
            .assert()
            .success()
            .stdout(predicate::str::contains(format!("presenting drills/scripts/{id}.exs")))
            .stdout(predicate::str::contains("stopped at step 3/"));
    }
    otplab("step-missing")
        .args(["drill", "data-pipeline", "--step"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no walkthrough; these do: tasks-awaited"));
}

#[test]
fn the_drill_repl_checks_hints_shows_the_solution_and_saves_progress() {
    let correct = std::fs::read_to_string(root().join("fixtures/answers/tasks-awaited/correct_two_passes.exs")).expect("answer");
    let correct: String = correct.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>().join("\n");
    let input = format!("hint\nsolution\ncheck\nhint\nsolution\nreset\n{correct}\ncheck\nnext\n");
    otplab("drill")
        .args(["drill", "tasks-awaited"])
        .write_stdin(input)
        .assert()
        .success()
        .stdout(predicate::str::contains("== tasks-awaited - "))
        .stdout(predicate::str::contains("no check has failed yet: type `check` first"))
        .stdout(predicate::str::contains("type `solution` again to see it anyway"))
        .stdout(predicate::str::contains("FAIL  parallel-takes-one-second"))
        .stdout(predicate::str::contains("hint (too_slow): "))
        .stdout(predicate::str::contains("warning: this is the reference solution"))
        .stdout(predicate::str::contains("reset: a fresh session with the starter loaded"))
        .stdout(predicate::str::contains("pass: 5/5 checks passed"))
        .stdout(predicate::str::contains("== tasks-fire-and-forget - "));
    // The pass survives the session: a new process reads it back.
    otplab("drill").arg("drills").assert().success().stdout(predicate::str::contains("[x] tasks-awaited"));
}

#[test]
fn the_drill_repl_checks_the_learners_file_and_still_evaluates_elixir() {
    let answer = root().join("fixtures/answers/tasks-awaited/wrong_sequential_awaits.exs");
    otplab("drill-file")
        .args(["drill", "tasks-awaited"])
        .arg(&answer)
        .write_stdin("TaskDrill.pmap([3, 1, 2], &(&1 * 10))\ncheck\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("your answer: "))
        .stdout(predicate::str::contains("[30, 10, 20]"))
        .stdout(predicate::str::contains("tasks-awaited (").and(predicate::str::contains("wrong_sequential_awaits.exs")))
        .stdout(predicate::str::contains("the processes it ran:"));
}

#[test]
fn check_watch_checks_again_when_the_file_is_saved() {
    let dir = data_dir("watch");
    let file = dir.join("answer.exs");
    let answers = root().join("fixtures/answers/tasks-awaited");
    std::fs::copy(answers.join("wrong_sequential_awaits.exs"), &file).expect("copy");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("otplab"))
        .env("OTPLAB_COURSE_DIR", root())
        .env("XDG_DATA_HOME", &dir)
        .env("HOME", &dir)
        .args(["check", "tasks-awaited"])
        .arg(&file)
        .args(["--watch", "--times", "2"])
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).expect("read") > 0, "watch ended early: {seen}");
        seen.push_str(&line);
        if line.starts_with("-- watching") {
            break;
        }
    }
    assert!(seen.contains("fail: "), "{seen}");
    std::fs::copy(answers.join("correct_two_passes.exs"), &file).expect("save");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("read");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "{rest}");
    assert!(rest.contains("pass: 5/5 checks passed"), "{rest}");
}
