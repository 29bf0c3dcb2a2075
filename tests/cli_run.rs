//! Black-box tests of `otplab run` and `otplab eval` over fixture scripts.

use assert_cmd::Command;
use predicates::prelude::*;

fn otplab() -> Command {
    Command::cargo_bin("otplab").expect("the otplab binary is built for tests")
}

#[test]
fn a_syntax_error_prints_elixirs_banner_with_line_and_column_and_exits_1() {
    otplab()
        .args(["run", "tests/fixtures/run/syntax_error.exs"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "** (TokenMissingError) tests/fixtures/run/syntax_error.exs:3:1: missing terminator: )",
        ));
}

#[test]
fn deep_non_tail_recursion_and_a_long_tail_loop_finish() {
    otplab()
        .args(["run", "tests/fixtures/run/deep_recursion.exs"])
        .assert()
        .success()
        .stdout("500000500000\n10000000\n");
}

#[test]
fn arguments_after_the_script_are_system_argv() {
    otplab()
        .args(["run", "tests/fixtures/run/argv.exs", "a", "--b"])
        .assert()
        .success()
        .stdout("[\"a\", \"--b\"]\n");
}

#[test]
fn the_virtual_clock_makes_sleeps_exact() {
    otplab()
        .args(["run", "--clock", "virtual", "tests/fixtures/run/virtual_clock.exs"])
        .assert()
        .success()
        .stdout("parallel: 1000 ms\nsequential: 3000 ms\n");
}

#[test]
fn an_uncaught_error_prints_the_banner_and_exits_1() {
    otplab()
        .args(["eval", "IO.puts(:before); {:ok, _} = {:error, :nope}"])
        .assert()
        .code(1)
        .stdout("before\n")
        .stderr(predicate::str::starts_with("** (MatchError) no match of right hand side value: {:error, :nope}"));
}

#[test]
fn an_unsupported_form_says_so() {
    otplab()
        .args(["eval", "defmodule M do\n  defmacro m, do: 1\nend"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is not supported by otplab"));
}

#[test]
fn the_repl_keeps_bindings_across_an_error() {
    otplab()
        .write_stdin("x = 41\n1 / 0\nx + 1\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("41\n"))
        .stdout(predicate::str::contains("42\n"))
        .stderr(predicate::str::contains("** (ArithmeticError) bad argument in arithmetic expression"));
}

#[test]
fn the_repl_continues_an_incomplete_entry_on_the_next_line() {
    otplab()
        .write_stdin("defmodule Two do\n  def two, do: 2\nend\nTwo.two() * 21\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("42\n"));
}

#[test]
fn the_shell_is_one_process_so_messages_wait_for_flush() {
    otplab()
        .write_stdin("send(self(), :first_entry)\nflush()\nflush()\n")
        .assert()
        .success()
        .stdout(predicate::str::contains(":first_entry\n:first_entry\n:ok\n:ok\n"));
}

/// Runs `tests/fixtures/run/NAME.exs` with `flags` and checks its stdout against
/// `NAME.stdout`, recorded from Elixir 1.14 / OTP 25 running the same script.
fn matches_recorded_elixir(name: &str, flags: &[&str]) {
    let expected = std::fs::read_to_string(format!("tests/fixtures/run/{name}.stdout")).expect("recorded output");
    otplab()
        .arg("run")
        .args(flags)
        .arg(format!("tests/fixtures/run/{name}.exs"))
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success()
        .stdout(expected);
}

#[test]
fn a_reply_after_the_call_timed_out_is_dropped_as_on_elixir() {
    matches_recorded_elixir("late_reply", &["--clock", "virtual"]);
}

#[test]
fn self_tail_calls_shuffle_their_arguments_as_elixir_does() {
    matches_recorded_elixir("tail_loops", &[]);
}

#[test]
fn task_shutdown_after_a_timed_out_await_returns_instead_of_hanging() {
    matches_recorded_elixir("shutdown_after_await_timeout", &["--clock", "virtual"]);
}

#[test]
fn a_loop_argument_computed_out_of_order_raises_what_the_written_order_raises() {
    matches_recorded_elixir("loop_arguments_reordered", &[]);
}

#[test]
fn the_maps_modules_put_and_remove_update_in_place_only_what_nothing_else_reads() {
    matches_recorded_elixir("maps_module_in_place", &[]);
}

#[test]
fn direct_recursion_with_handlers_matches_elixir() {
    matches_recorded_elixir("direct_recursion", &[]);
}

#[test]
fn lists_folds_and_ets_folds_match_elixir() {
    matches_recorded_elixir("lists_higher_order", &[]);
}

#[test]
fn rem_and_div_match_elixir_and_lent_native_arguments_survive() {
    matches_recorded_elixir("integer_division", &[]);
}

#[test]
fn an_uncaught_rem_or_div_error_blames_the_call_as_elixir_does() {
    // The banners Elixir 1.14 prints for the same expressions.
    for (source, banner) in [
        ("x = 1; rem(x, 0)", "rem(1, 0)"),
        ("x = 7; :erlang.div(x, 0)", "div(7, 0)"),
        ("x = 7.5; Kernel.rem(x, 2)", "rem(7.5, 2)"),
        ("x = :a; div(x, 2)", "div(:a, 2)"),
    ] {
        otplab()
            .args(["eval", source])
            .assert()
            .code(1)
            .stderr(predicate::str::starts_with(format!(
                "** (ArithmeticError) bad argument in arithmetic expression: {banner}"
            )));
    }
}

#[test]
fn literal_collections_are_shared_values_that_match_elixir() {
    matches_recorded_elixir("literal_collections", &[]);
}

#[test]
fn defmodule_evaluates_to_its_last_form_and_an_empty_module_is_fine() {
    matches_recorded_elixir("module_result", &[]);
}

#[test]
fn a_rebuilt_tuple_reuses_only_an_allocation_nobody_else_holds() {
    matches_recorded_elixir("tuple_reuse", &[]);
}

#[test]
fn lent_native_arguments_come_back_whole_and_rescue_sees_the_detailed_message() {
    matches_recorded_elixir("native_arguments", &[]);
}

#[test]
fn regex_natives_match_elixir() {
    matches_recorded_elixir("stdlib_regex", &[]);
}

#[test]
fn calendar_iso_dates_and_naive_datetimes_match_elixir() {
    matches_recorded_elixir("stdlib_calendar", &[]);
}

#[test]
fn base_string_keyword_enum_path_and_numbers_match_elixir() {
    matches_recorded_elixir("stdlib_text", &[]);
}

#[test]
fn uri_queue_and_binary_match_elixir() {
    matches_recorded_elixir("stdlib_uri_queue_binary", &[]);
}

#[test]
fn erlang_string_and_lists_match_elixir() {
    matches_recorded_elixir("stdlib_erlang_modules", &[]);
}

#[test]
fn guard_sides_joined_by_and_or_by_when_fail_and_fall_through_as_in_elixir() {
    matches_recorded_elixir("guards_and_sides", &[]);
}

#[test]
fn large_maps_keep_every_earlier_version_through_puts_and_deletes() {
    matches_recorded_elixir("maps_large_versions", &[]);
}

#[test]
fn a_genserver_failing_in_init_answers_its_starter_and_reaches_it_through_the_link_as_on_beam() {
    matches_recorded_elixir("genserver_start_failures", &[]);
}

#[test]
fn erlang_garbage_collect_answers_as_beam_does() {
    matches_recorded_elixir("erlang_garbage_collect", &[]);
}
