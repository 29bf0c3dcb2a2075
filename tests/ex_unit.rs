//! Black-box tests of ExUnit: `otplab run file_test.exs` against what
//! `elixir file_test.exs` printed, and `otplab test` in a project folder against
//! what `mix test` printed (Elixir 1.14, recorded in `tests/fixtures/ex_unit/`).
//! Only the times differ between runs, so only the timing texts are normalised.

use assert_cmd::Command;
use std::path::Path;

const FIXTURES: &str = "tests/fixtures/ex_unit";

fn otplab() -> Command {
    Command::cargo_bin("otplab").expect("the otplab binary is built for tests")
}

/// Replaces what depends on the clock: the "Finished in" line and the
/// `(1.3ms)` of trace lines.
fn normalise(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        if line.starts_with("Finished in ") {
            out.push_str("Finished in <times>\n");
            continue;
        }
        let mut rest = line;
        while let Some(end) = rest.find("ms) [L#") {
            let start = rest[..end].rfind(" (").map(|i| i + 2).unwrap_or(end);
            out.push_str(&rest[..start]);
            out.push_str("<time>");
            rest = &rest[end..];
            out.push_str(&rest[..2]);
            rest = &rest[2..];
        }
        out.push_str(rest);
    }
    out
}

fn recorded(path: &Path) -> (String, i32) {
    let stdout = std::fs::read_to_string(path.with_extension("stdout")).expect("recorded stdout");
    let status = std::fs::read_to_string(path.with_extension("status")).expect("recorded status");
    (stdout, status.trim().parse().expect("a status number"))
}

/// The lines that name a failing test (`  1) test name (Module)`) and the summary.
fn verdict(text: &str) -> (Vec<String>, Option<String>) {
    let names = text
        .lines()
        .filter(|l| l.len() > 4 && l.as_bytes()[3] == b')' && l[..3].trim().parse::<u32>().is_ok())
        .map(String::from)
        .collect();
    let summary = text.lines().find(|l| l.contains(" failure")).map(String::from);
    (names, summary)
}

fn run_script(dir: &str, file: &str) -> (String, i32) {
    let out = otplab().current_dir(format!("{FIXTURES}/{dir}")).args(["run", file]).output().expect("otplab runs");
    (String::from_utf8_lossy(&out.stdout).into_owned(), out.status.code().unwrap_or(-1))
}

#[test]
fn assertion_failures_print_exactly_as_elixir_1_14() {
    let (stdout, status) = run_script("exact", "assertions_test.exs");
    let (expected, expected_status) = recorded(Path::new(&format!("{FIXTURES}/exact/assertions_test.exs")));
    assert_eq!(normalise(&stdout), normalise(&expected));
    assert_eq!(status, expected_status);
    assert_eq!(status, 2, "elixir exits 2 when a test failed");
}

#[test]
fn agent_genserver_task_and_ets_tests_print_exactly_as_elixir_1_14() {
    let (stdout, status) = run_script("exact", "otp_test.exs");
    let (expected, expected_status) = recorded(Path::new(&format!("{FIXTURES}/exact/otp_test.exs")));
    assert_eq!(normalise(&stdout), normalise(&expected));
    assert_eq!(status, expected_status);
}

/// `doctest` of a module defined earlier in the file. `elixir` cannot run
/// this (a script's modules keep no docs): `doctest_from_mix.stdout` is what
/// `mix test` printed for the same module in a project, and
/// `doctest_test.stdout` is otplab's output, checked against it by hand (the
/// same blocks with this file's name and lines); the verdicts are compared here.
#[test]
fn doctests_print_as_mix_test_prints_them() {
    let (stdout, status) = run_script("exact", "doctest_test.exs");
    let (expected, expected_status) = recorded(Path::new(&format!("{FIXTURES}/exact/doctest_test.exs")));
    assert_eq!(normalise(&stdout), normalise(&expected));
    assert_eq!(status, expected_status);
    let from_mix = std::fs::read_to_string(format!("{FIXTURES}/doctest_from_mix.stdout")).expect("recorded");
    let (names, summary) = verdict(&from_mix);
    assert_eq!(verdict(&stdout), (names.iter().map(|n| n.replace("ProjTest", "DoctestTest")).collect(), summary));
}

/// Crashes, timeouts, a broken setup_all and a failing on_exit: Elixir's
/// stacktraces list frames otplab does not keep, so this compares the failing
/// tests, the summary line and the exit status.
#[test]
fn crashes_and_timeouts_fail_alone_with_the_same_verdict_as_elixir() {
    let (stdout, status) = run_script("summary", "crashes_test.exs");
    let (expected, expected_status) = recorded(Path::new(&format!("{FIXTURES}/summary/crashes_test.exs")));
    assert_eq!(verdict(&stdout), verdict(&expected));
    assert_eq!(status, expected_status);
    assert!(stdout.contains("** (ExUnit.TimeoutError) test timed out after 50ms. You can change the timeout:"));
    assert!(stdout.contains("BrokenSetupAllTest: failure on setup_all callback, all tests have been invalidated"));
    assert!(stdout.contains("     ** (RuntimeError) in on_exit\n"));
}

fn mix_case(name: &str, args: &[&str]) {
    mix_case_in("project", name, args);
}

fn mix_case_in(folder: &str, name: &str, args: &[&str]) {
    let project = format!("{FIXTURES}/{folder}");
    let out = otplab().current_dir(&project).arg("test").args(args).output().expect("otplab runs");
    let (expected, expected_status) = recorded(Path::new(&format!("{project}/expected/{name}.stdout")));
    assert_eq!(normalise(&String::from_utf8_lossy(&out.stdout)), normalise(&expected), "otplab test {args:?}");
    assert_eq!(out.status.code(), Some(expected_status));
}

#[test]
fn otplab_test_runs_a_project_as_mix_test_and_exits_2_on_failure() {
    mix_case("all", &["--seed", "0"]);
}

#[test]
fn otplab_test_path_line_runs_the_test_at_that_line() {
    mix_case("line", &["--seed", "0", "test/shop/inventory_test.exs:22"]);
}

#[test]
fn otplab_test_only_and_exclude_include_filter_by_tag_as_mix_test() {
    mix_case("only_slow", &["--seed", "0", "--only", "slow"]);
    mix_case("exclude_include", &["--seed", "0", "--exclude", "slow", "--include", "pending"]);
}

#[test]
fn otplab_test_trace_prints_a_line_per_test() {
    mix_case("trace", &["--seed", "0", "--trace", "test/shop/cart_test.exs"]);
}

/// An exercism-style project: `ExUnit.configure(exclude: :pending, trace: true)`
/// in the helper, an Agent-backed account hit by concurrent processes.
#[test]
fn the_helpers_configuration_applies_to_otplab_test() {
    mix_case_in("bank", "trace_from_helper", &["--seed", "0"]);
}

/// Exercism's take-a-number (processes and `assert_receive`/`refute_receive`)
/// and a unique registry (GenServer + ETS, `:sys.suspend`): the same failures,
/// summary and status as Elixir.
#[test]
fn exercism_and_registry_suites_get_elixirs_verdict() {
    for name in ["take_a_number_test", "registry_test"] {
        let (stdout, status) = run_script("summary", &format!("{name}.exs"));
        let (expected, expected_status) = recorded(Path::new(&format!("{FIXTURES}/summary/{name}.exs")));
        assert_eq!(verdict(&stdout), verdict(&expected), "{name}");
        assert_eq!(status, expected_status, "{name}");
    }
}

/// The registry of Elixir's Mix & OTP guide: its async modules run at the same
/// time, so the order (and numbering) of failures varies from run to run, on
/// Elixir as here: the failing tests as a set, the summary and the status are
/// compared.
#[test]
fn a_registry_suite_with_supervised_children_gets_elixirs_verdict() {
    let (stdout, status) = run_script("summary", "kv_test.exs");
    let (expected, expected_status) = recorded(Path::new(&format!("{FIXTURES}/summary/kv_test.exs")));
    let unordered = |text: &str| {
        let (names, summary) = verdict(text);
        let mut names: Vec<String> = names.iter().map(|n| n[4..].trim().to_string()).collect();
        names.sort();
        (names, summary)
    };
    assert_eq!(unordered(&stdout), unordered(&expected));
    assert_eq!(status, expected_status);
}

#[test]
fn a_passing_suite_exits_0_with_singular_counts() {
    let dir = std::env::temp_dir().join(format!("otplab-ex-unit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("one_test.exs");
    std::fs::write(
        &file,
        "ExUnit.start(seed: 0)\ndefmodule OneTest do\n  use ExUnit.Case\n  test \"works\", do: assert 1 + 1 == 2\nend\n",
    )
    .expect("write");
    let out = otplab().current_dir(&dir).args(["run", "one_test.exs"]).output().expect("otplab runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(normalise(&stdout), ".\nFinished in <times>\n1 test, 0 failures\n\nRandomized with seed 0\n");
    assert_eq!(out.status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

/// On the virtual clock the times are exact: the two async modules sleep at the
/// same time (0.5 s async), then the sync module's tests run one after the
/// other (0.1 s until the timeout, then 0.5 s); the timed-out test fails alone.
#[test]
fn async_modules_run_concurrently_and_times_are_exact_on_the_virtual_clock() {
    let out = otplab()
        .current_dir(format!("{FIXTURES}/virtual"))
        .args(["run", "--clock", "virtual", "async_test.exs"])
        .output()
        .expect("otplab runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.starts_with("..\n\n  1) test c times out (SlowCTest)\n     async_test.exs:18\n     ** (ExUnit.TimeoutError) test timed out after 100ms."), "{stdout}");
    assert!(stdout.contains("     code: Process.sleep(500)\n     stacktrace:\n       async_test.exs:19: (test)\n\n.\n"), "{stdout}");
    assert!(
        stdout.ends_with("Finished in 1.1 seconds (0.00s on load, 0.5s async, 0.6s sync)\n4 tests, 1 failure\n\nRandomized with seed 0\n"),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn normalise_replaces_only_times() {
    assert_eq!(
        normalise("Finished in 0.2 seconds (0.1s on load, 0.00s async, 0.08s sync)\n  * test a [L#3]\r  * test a (1.3ms) [L#3]\n1 test, 0 failures\n"),
        "Finished in <times>\n  * test a [L#3]\r  * test a (<time>ms) [L#3]\n1 test, 0 failures\n"
    );
}
