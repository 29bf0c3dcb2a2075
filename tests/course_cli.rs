//! Black-box tests of how the binary finds its course and grades a folder: a copy of the
//! binary with no environment and no source tree lists and grades every unit, and
//! `grade --all` names every file it did not grade and refuses to go green.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh scratch folder for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("otplab-course-cli-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// The binary run from `cwd` with an empty environment but for a private HOME, so
/// neither `OTPLAB_COURSE_DIR` nor the source tree can be where the course comes from.
fn bare_otplab(binary: &Path, cwd: &Path) -> Command {
    let mut cmd = Command::new(binary);
    let home = cwd.join("home");
    cmd.env_clear().env("HOME", &home).env("XDG_CACHE_HOME", home.join("cache")).current_dir(cwd);
    cmd
}

#[test]
fn a_copied_binary_lists_and_grades_every_unit_from_its_built_in_course() {
    let dir = scratch("copied");
    let binary = dir.join("otplab");
    std::fs::copy(assert_cmd::cargo::cargo_bin("otplab"), &binary).expect("copy the binary");
    let out = bare_otplab(&binary, &dir).arg("drills").output().expect("run drills");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("0/14 units passed"), "{text}");
    assert!(text.contains("job-queue") && text.contains("tasks-awaited"), "{text}");

    let answer = root().join("fixtures/answers/agent-counter/correct_casts.exs");
    let out = bare_otplab(&binary, &dir).args(["grade", "agent-counter"]).arg(&answer).output().expect("grade");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let starter = dir.join("starter.exs");
    std::fs::write(&starter, "defmodule Counter do\nend\n").expect("write");
    let out = bare_otplab(&binary, &dir).args(["grade", "agent-counter"]).arg(&starter).output().expect("grade");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn grade_all_names_every_file_it_skipped_and_exits_2() {
    let dir = scratch("all");
    let answer = root().join("fixtures/answers/agent-counter/correct_casts.exs");
    std::fs::copy(&answer, dir.join("agent-counter.exs")).expect("copy");
    std::fs::copy(&answer, dir.join("Agent-Counter.exs")).expect("copy");
    std::fs::write(dir.join("notes.exs"), "IO.puts(:notes)\n").expect("write");
    let out = Command::cargo_bin("otplab")
        .expect("binary")
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("home"))
        .args(["grade", "--all"])
        .arg(&dir)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("Agent-Counter.exs: not named after a unit (did you mean agent-counter.exs?)"), "{stderr}");
    assert!(stderr.contains("notes.exs: not named after a unit"), "{stderr}");
    assert!(stderr.lines().any(|line| line == "1 passed, 0 failed, 2 skipped"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn drill_creates_a_missing_answer_file_from_the_starter_and_names_missing_functions_first() {
    let dir = scratch("drill");
    let answer = dir.join("new.exs");
    let out = Command::cargo_bin("otplab")
        .expect("binary")
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("home"))
        .args(["drill", "agent-counter"])
        .arg(&answer)
        .write_stdin("starter\n")
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("created"), "{stdout}");
    let written = std::fs::read_to_string(&answer).expect("the file was created");
    assert!(written.contains("defmodule Counter"), "{written}");
    // `starter` shows the starter again, and the intro has no internal seed names.
    assert!(stdout.matches("defmodule Counter").count() >= 1, "{stdout}");
    assert!(!stdout.contains("covers:"), "{stdout}");

    let empty = dir.join("empty.exs");
    std::fs::write(&empty, "\n").expect("write");
    let out = Command::cargo_bin("otplab")
        .expect("binary")
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("home"))
        .args(["drill", "agent-counter"])
        .arg(&empty)
        .write_stdin("check\nhint\n")
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("start here: define `Counter.start_link/1`"), "{stdout}");
    assert!(stdout.contains("hint: the checks call `Counter.start_link/1`"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn drill_into_a_closed_pipe_ends_quietly() {
    // `otplab drill ID | head`: the reader is gone before the intro is written.
    let dir = scratch("drill-pipe");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("otplab"))
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("home"))
        .args(["drill", "agent-counter"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("waits");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
