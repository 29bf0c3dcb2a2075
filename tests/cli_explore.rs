//! Black-box tests of `otplab explore`: recorded outputs under
//! `tests/fixtures/explore/` (`NAME.exs` explored gives `NAME.out`).
//!
//! The reports name processes `P1, P2...` and number references, so they do not
//! depend on pid or reference counters; they do depend on the messages the
//! prelude's Agent and Task exchange. When those change on purpose, record the
//! outputs again with `OTPLAB_RECORD_EXPLORE=1 cargo test --test cli_explore`
//! and review the diff.

use assert_cmd::Command;

const DIR: &str = "tests/fixtures/explore";

fn otplab() -> Command {
    let mut cmd = Command::cargo_bin("otplab").expect("the otplab binary is built for tests");
    cmd.current_dir(DIR);
    cmd
}

/// Runs `otplab explore ARGS`, checks the exit code, and compares stdout with
/// `NAME.out` (or records it there).
fn explore_matches_recording(name: &str, args: &[&str], code: i32) -> String {
    let output = otplab().arg("explore").args(args).output().expect("otplab runs");
    let stdout = String::from_utf8(output.stdout).expect("utf-8 output");
    assert_eq!(output.status.code(), Some(code), "stdout:\n{stdout}\nstderr:\n{}", String::from_utf8_lossy(&output.stderr));
    let path = format!("{DIR}/{name}.out");
    if std::env::var_os("OTPLAB_RECORD_EXPLORE").is_some() {
        std::fs::write(&path, &stdout).expect("recording written");
    } else {
        let recorded = std::fs::read_to_string(&path).expect("recorded output exists");
        assert_eq!(stdout, recorded, "explore {args:?} differs from {path}");
    }
    stdout
}

/// The seed a failure report prints (`seed: N (...)`).
fn printed_seed(report: &str) -> String {
    let line = report.lines().find(|l| l.starts_with("seed: ")).expect("the report prints a seed");
    line["seed: ".len()..].split_whitespace().next().expect("a seed number").to_string()
}

/// Everything after the first line (the header says whether it was a search or a replay).
fn body(report: &str) -> &str {
    report.split_once('\n').map_or("", |(_, rest)| rest)
}

#[test]
fn a_get_then_update_counter_loses_an_update_and_the_seed_replays_it() {
    let found = explore_matches_recording("lost_update", &["lost_update.exs"], 1);
    assert!(found.contains("lost update: two increments left the counter at 1"));
    assert!(found.contains("P3 sends call {:update, fn} to P2"));
    let seed = printed_seed(&found);
    // Replayed twice: the same failure, the same interleaving, every time.
    for _ in 0..2 {
        let replay = otplab().args(["explore", "lost_update.exs", "--seed", &seed]).output().expect("otplab runs");
        assert_eq!(replay.status.code(), Some(1));
        let replay = String::from_utf8(replay.stdout).expect("utf-8 output");
        assert_eq!(body(&replay), body(&found));
    }
}

#[test]
fn a_preemption_between_an_ets_lookup_and_insert_is_found_by_a_seed_and_replayed() {
    let found = explore_matches_recording("ets_lost_update", &["--runs", "100", "ets_lost_update.exs"], 1);
    let seed = printed_seed(&found);
    assert_ne!(seed, "0", "the run queue's own order never preempts a task there");
    assert!(found.contains("is preempted"));
    let replay = otplab().args(["explore", "ets_lost_update.exs", "--seed", &seed]).output().expect("otplab runs");
    assert_eq!(replay.status.code(), Some(1));
    assert_eq!(body(&String::from_utf8(replay.stdout).expect("utf-8 output")), body(&found));
}

#[test]
fn an_update_inside_one_agent_call_never_fails_and_the_count_is_reported() {
    let out = explore_matches_recording("atomic_update", &["--runs", "40", "atomic_update.exs"], 0);
    assert!(out.starts_with("explore atomic_update.exs: no failure in 40 runs; "));
    assert!(out.trim_end().ends_with("distinct interleavings tried"));
}

#[test]
fn get_and_update_hands_out_distinct_tickets_in_every_schedule() {
    explore_matches_recording("get_and_update", &["--runs", "40", "get_and_update.exs"], 0);
}

#[test]
fn a_deadlock_is_a_failure_with_the_waiting_processes() {
    let out = explore_matches_recording("deadlock", &["deadlock.exs"], 1);
    assert!(out.contains("Otplab.DeadlockError"));
}

#[test]
fn a_script_that_does_not_compile_is_unusable_input() {
    let output = otplab().args(["explore", "--runs", "5", "../run/syntax_error.exs"]).output().expect("otplab runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("TokenMissingError"), "stderr: {stderr}");
}

#[test]
fn a_units_checks_find_the_read_then_write_counter_and_pass_the_atomic_one() {
    let answers = "../../../fixtures/answers/agent-counter";
    let wrong = otplab()
        .args(["explore", "agent-counter", &format!("{answers}/wrong_read_modify_write.exs"), "--runs", "3"])
        .output()
        .expect("otplab runs");
    let report = String::from_utf8(wrong.stdout).expect("utf-8 output");
    assert_eq!(wrong.status.code(), Some(1), "{report}");
    assert!(report.contains("explore agent-counter check get-and-increment-is-atomic: run 1 of at most 3 failed"), "{report}");
    assert!(report.contains("  check get-and-increment-is-atomic got the wrong value: {false, "), "{report}");
    assert!(report.contains("wrong_read_modify_write.exs --seed 0"), "{report}");
    let right = otplab()
        .args(["explore", "agent-counter", &format!("{answers}/correct_casts.exs"), "--runs", "2"])
        .output()
        .expect("otplab runs");
    let report = String::from_utf8(right.stdout).expect("utf-8 output");
    assert_eq!(right.status.code(), Some(0), "{report}");
    assert!(report.contains("check hundred-concurrent-increments: no failure in 2 runs"), "{report}");
}
