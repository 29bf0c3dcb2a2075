//! `Code.eval_string/eval_file/require_file/compile_string` in `otplab run`, against
//! output recorded from Elixir 1.14 running the same script.

use assert_cmd::Command;

#[test]
fn code_evaluates_strings_and_files_as_elixir_does() {
    let expected = std::fs::read_to_string("tests/fixtures/run/code_eval.stdout").expect("recorded output");
    Command::cargo_bin("otplab")
        .expect("binary")
        .args(["run", "tests/fixtures/run/code_eval.exs"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success()
        .stdout(expected);
}

#[test]
fn iex_helpers_c_exports_and_pid_print_as_iex_does() {
    let expected = std::fs::read_to_string("tests/fixtures/run/iex_helpers.stdout").expect("recorded output");
    Command::cargo_bin("otplab")
        .expect("binary")
        .args(["run", "tests/fixtures/run/iex_helpers.exs"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success()
        .stdout(expected);
}

#[test]
fn a_file_given_to_the_shell_is_loaded_before_the_prompt() {
    for args in [vec!["tests/fixtures/run/code_hello.ex"], vec!["--load", "tests/fixtures/run/code_hello.ex"]] {
        Command::cargo_bin("otplab")
            .expect("binary")
            .args(&args)
            .write_stdin("Hello.greet(\"a\")\n")
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .success()
            .stdout(predicates::str::contains("\"hello a\""));
    }
}
