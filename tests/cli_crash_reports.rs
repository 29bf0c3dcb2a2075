//! `otplab run` against outputs recorded from Elixir 1.14 (tests/fixtures/crash/):
//! crash reports of processes, tasks and GenServers, stacktraces under the uncaught
//! banner; plus `System.halt/1`, `IO.gets/1` and a virtual-clock deadlock.
//!
//! Elixir's own frames (`(elixir 1.14.0) lib/...`, `(stdlib 4.2) ...`) and
//! otplab's prelude frames (`lib/otplab/...`) differ by construction, as do
//! timestamps, pids and the inspected text of anonymous functions; everything
//! else must match.

use assert_cmd::Command;
use std::path::Path;

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/crash"))
}

/// Runs `otplab run FILE` from the fixtures directory (stacktraces name the file
/// as given, as `elixir FILE` does).
fn run(file: &str, extra: &[&str]) -> std::process::Output {
    let mut cmd = Command::cargo_bin("otplab").expect("binary");
    cmd.current_dir(fixtures()).arg("run").args(extra).arg(file);
    cmd.output().expect("otplab runs")
}

/// Output with what cannot match removed or masked (see the module docs).
fn comparable(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("(elixir ") || t.starts_with("(stdlib ") || t.starts_with("lib/otplab/") || t.starts_with("Function: "))
        })
        .map(|l| {
            let l = match l.find(" [error] ") {
                Some(i) if i == 12 => &l[i + 1..],
                _ => l,
            };
            let mut out = String::new();
            let mut rest = l;
            while let Some(i) = rest.find("#PID<") {
                out.push_str(&rest[..i]);
                out.push_str("#PID<X>");
                rest = rest[i..].find('>').map_or("", |j| &rest[i + j + 1..]);
            }
            out.push_str(rest);
            out
        })
        .collect()
}

/// Runs `NAME.exs` and compares its stdout with `NAME.stdout` (as [`comparable`]
/// masks them); the script must end normally.
fn matches_recorded_elixir(name: &str) {
    let out = run(&format!("{name}.exs"), &[]);
    let expected = std::fs::read_to_string(fixtures().join(format!("{name}.stdout"))).expect("fixture");
    assert_eq!(comparable(&String::from_utf8_lossy(&out.stdout)), comparable(&expected));
    assert!(out.status.success());
}

#[test]
fn a_scripts_uncaught_error_reaches_none_of_its_linked_processes() {
    // Elixir prints the error and halts: the trapping supervisors linked to the
    // script log no termination of their own, on either clock.
    for clock in ["real", "virtual"] {
        let out = run("script_error_links.exs", &["--clock", clock]);
        let expected = std::fs::read_to_string(fixtures().join("script_error_links.stdout")).expect("fixture");
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "on the {clock} clock");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("** (RuntimeError) boom\n    script_error_links.exs:14: (file)"), "{stderr}");
        assert_eq!(out.status.code(), Some(1));
    }
}

#[test]
fn crash_reports_match_elixir() {
    matches_recorded_elixir("spawn_reports");
}

#[test]
fn a_reason_that_is_no_exception_is_reported_as_a_stop_at_the_raising_line() {
    matches_recorded_elixir("stop_reasons");
}

#[test]
fn an_uncaught_error_prints_elixirs_stack_lines_in_order() {
    let out = run("nested_raise.exs", &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = std::fs::read_to_string(fixtures().join("nested_raise.stderr")).expect("fixture");
    let frames: Vec<&str> = expected.lines().filter(|l| l.starts_with("    nested_raise.exs:")).collect();
    assert_eq!(frames.len(), 3, "the recording has three user frames");
    // Each frame Elixir prints appears in otplab's output, in the same order.
    let mut from = 0;
    for frame in frames {
        match stderr[from..].find(frame) {
            Some(i) => from += i + frame.len(),
            None => panic!("missing {frame:?} in\n{stderr}"),
        }
    }
    // The banner is blamed as Elixir's top level blames it: the arguments listed,
    // then the first frame naming the arity, line for line (trailing spaces too).
    let banner = |text: &str| -> Vec<String> { text.lines().take_while(|l| !l.starts_with("    nested_raise.exs:")).map(str::to_string).collect() };
    assert_eq!(banner(&stderr), banner(&expected));
    assert_eq!(banner(&expected).len(), 7, "the recording's banner lists one argument");
}

#[test]
fn system_halt_exits_with_its_status() {
    let mut cmd = Command::cargo_bin("otplab").expect("binary");
    cmd.args(["eval", "IO.puts(:before); spawn(fn -> System.halt(3) end); Process.sleep(1000); IO.puts(:after)"]);
    let out = cmd.output().expect("runs");
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "before\n");
}

#[test]
fn io_gets_reads_standard_input_then_eof() {
    let mut cmd = Command::cargo_bin("otplab").expect("binary");
    cmd.args(["eval", "IO.inspect(IO.gets(\"name? \")); IO.inspect(IO.gets(\"\"))"]).write_stdin("Ann\n");
    let out = cmd.output().expect("runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "name? \"Ann\\n\"\n:eof\n");
}

#[test]
fn a_deadlock_on_the_virtual_clock_ends_the_script_with_a_report() {
    let mut cmd = Command::cargo_bin("otplab").expect("binary");
    let script = "spawn_link(fn -> receive do :never -> :ok end end)\nreceive do x -> x end";
    cmd.args(["eval", "--clock", "virtual", script]);
    let out = cmd.output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("** (Otplab.DeadlockError) deadlock on the virtual clock"), "{stderr}");
    assert_eq!(stderr.matches("waits in receive").count(), 2, "{stderr}");
}
