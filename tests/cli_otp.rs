//! Black-box tests of OTP and runtime semantics: `otplab run` over the scripts in
//! `tests/fixtures/otp/`, each checked against the stdout Elixir 1.14 (OTP 24)
//! printed for the same script (`NAME.stdout`, recorded with `elixir NAME.exs`).

use assert_cmd::Command;

/// Runs `tests/fixtures/otp/NAME.exs` with `flags` and compares stdout with the
/// recording.
fn matches_recorded_elixir(name: &str, flags: &[&str]) {
    let expected = std::fs::read_to_string(format!("tests/fixtures/otp/{name}.stdout")).expect("recorded output");
    Command::cargo_bin("otplab")
        .expect("the otplab binary is built for tests")
        .arg("run")
        .args(flags)
        .arg(format!("tests/fixtures/otp/{name}.exs"))
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success()
        .stdout(expected);
}

#[test]
fn registry_unique_and_duplicate_keys_behave_as_elixirs() {
    matches_recorded_elixir("registry_basics", &[]);
    matches_recorded_elixir("registry_basics", &["--clock", "virtual"]);
}

#[test]
fn via_and_global_names_work_wherever_a_name_is_accepted() {
    matches_recorded_elixir("via_names", &[]);
    matches_recorded_elixir("via_names", &["--clock", "virtual"]);
}

#[test]
fn every_server_reference_a_call_accepts_and_every_way_it_fails_match_elixir() {
    matches_recorded_elixir("call_targets", &[]);
    matches_recorded_elixir("call_targets", &["--clock", "virtual"]);
}

#[test]
fn every_dynamic_supervisor_start_and_exit_path_matches_elixir() {
    matches_recorded_elixir("dynamic_supervisor_paths", &[]);
    matches_recorded_elixir("dynamic_supervisor_paths", &["--clock", "virtual"]);
}

#[test]
fn external_term_format_and_phash2_match_erlang_byte_for_byte() {
    matches_recorded_elixir("external_term", &[]);
}

#[test]
fn exit_signals_to_oneself_and_demonitor_flush_act_as_on_beam() {
    matches_recorded_elixir("exit_signals", &[]);
    matches_recorded_elixir("exit_signals", &["--clock", "virtual"]);
}

#[test]
fn a_crashed_call_exits_the_caller_with_beams_reason_and_exceptions_inspect_as_structs() {
    matches_recorded_elixir("call_crash_reason", &[]);
}

#[test]
fn timer_functions_task_completed_and_ignore_and_gen_server_reply_match_elixir() {
    matches_recorded_elixir("timers", &[]);
    matches_recorded_elixir("timers", &["--clock", "virtual"]);
}

#[test]
fn the_books_process_registry_and_cache_run_as_on_elixir() {
    matches_recorded_elixir("todo_system", &[]);
    matches_recorded_elixir("todo_system", &["--clock", "virtual"]);
}

#[test]
fn the_books_database_workers_persist_through_a_registry_and_a_restart() {
    matches_recorded_elixir("todo_database", &[]);
    matches_recorded_elixir("todo_database", &["--clock", "virtual"]);
}

#[test]
fn docs_and_exercism_style_programs_with_task_agent_ets_registry_run_as_on_elixir() {
    matches_recorded_elixir("docs_examples", &[]);
    matches_recorded_elixir("docs_examples", &["--clock", "virtual"]);
}

#[test]
fn chapter_style_with_else_supervisor_restarts_and_task_crashes_run_as_on_elixir() {
    matches_recorded_elixir("chapter_mix", &[]);
    matches_recorded_elixir("chapter_mix", &["--clock", "virtual"]);
}
