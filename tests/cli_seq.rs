//! `otplab run --seq FILE`: the script runs as usual, then a message sequence
//! chart of what its processes did follows its output, fitted to `COLUMNS`.

use assert_cmd::Command;

fn run_seq(columns: &str) -> String {
    let out = Command::cargo_bin("otplab")
        .expect("the otplab binary")
        .args(["run", "--seq", "--clock", "virtual", "tests/fixtures/seq/agent.exs"])
        .env("COLUMNS", columns)
        .output()
        .expect("runs");
    assert!(out.status.success(), "exit status {:?}", out.status);
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn the_chart_follows_the_output_with_calls_replies_and_signals() {
    let out = run_seq("100");
    let (output, chart) = out.split_once("\n\n").expect("a blank line before the chart");
    assert_eq!(output, "1\n:boom");
    for label in [":counter", "Agent.Server", "call :update", "reply :ok", "call :get", "reply 1", "spawn", "exit :boom", "DOWN :boom"] {
        assert!(chart.contains(label), "no {label:?} in\n{chart}");
    }
    assert!(chart.contains("on the virtual clock"), "{chart}");
    assert!(chart.lines().all(|l| l.chars().count() <= 100), "{chart}");
}

#[test]
fn a_narrow_terminal_gets_a_narrow_chart() {
    let chart = run_seq("50");
    assert!(chart.lines().all(|l| l.chars().count() <= 50), "{chart}");
    assert!(chart.contains("call :"), "{chart}");
}

#[test]
fn without_the_flag_there_is_no_chart() {
    let out = Command::cargo_bin("otplab")
        .expect("the otplab binary")
        .args(["run", "--clock", "virtual", "tests/fixtures/seq/agent.exs"])
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\n:boom\n");
}
