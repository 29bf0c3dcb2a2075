//! Deeply nested or very long input never aborts otplab: `run` and `grade` both
//! answer with a value or a clear `SyntaxError`, never a stack overflow (a signal).

use std::path::PathBuf;

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("otplab-deep-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// Expressions 100,000 deep or long, and what `otplab run` must print for them
/// (on stdout for a value, on stderr for an error).
fn inputs() -> Vec<(&'static str, String, &'static str)> {
    let n = 100_000;
    vec![
        ("brackets", format!("{}{}", "[".repeat(n), "]".repeat(n)), "nested too deeply"),
        ("parens", format!("{}1{}", "(".repeat(n), ")".repeat(n)), "nested too deeply"),
        ("tuples", format!("{}{}", "{".repeat(n), "}".repeat(n)), "nested too deeply"),
        ("plus_chain", format!("1{}", " + 1".repeat(n)), "100001"),
        ("power_chain", format!("1{}", " ** 1".repeat(n)), "1"),
    ]
}

#[test]
fn run_answers_deep_and_long_input_without_a_signal() {
    for (name, expr, wanted) in inputs() {
        let path = scratch(&format!("{name}.exs"), &format!("IO.inspect({expr})\n"));
        let out = Command::cargo_bin("otplab").expect("binary").arg("run").arg(&path).output().expect("run");
        let code = out.status.code();
        assert!(code == Some(0) || code == Some(1), "{name}: ended by a signal or exit {code:?}");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(text.contains(wanted), "{name}: expected {wanted:?} in {text}");
    }
}

#[test]
fn grade_answers_deep_and_long_input_without_a_signal() {
    let data = std::env::temp_dir().join(format!("otplab-deep-input-data-{}", std::process::id()));
    for (name, expr, _) in inputs() {
        let answer = format!(
            "defmodule TaskDrill do\n  def sequential_work, do: {expr}\n  def parallel_work, do: [1, 4, 9, 16, 25]\n  def pmap(e, f), do: Enum.map(e, f)\nend\n"
        );
        let path = scratch(&format!("answer_{name}.exs"), &answer);
        let out = Command::cargo_bin("otplab")
            .expect("binary")
            .env("OTPLAB_COURSE_DIR", root())
            .env("XDG_DATA_HOME", &data)
            .env("HOME", &data)
            .args(["grade", "tasks-awaited"])
            .arg(&path)
            .output()
            .expect("grade");
        // A wrong answer (1) or one that does not load (2): never a signal.
        let code = out.status.code();
        assert!(code == Some(1) || code == Some(2), "{name}: ended by a signal or exit {code:?}");
    }
}
