//! Black-box tests of the language features real chapter code uses (protocols,
//! exceptions, guards, structs, bitstrings, sigils...): each fixture script runs under
//! `otplab run` and must print exactly what Elixir 1.14 / OTP 25 printed for it
//! (recorded in `tests/fixtures/run/NAME.stdout`).

use assert_cmd::Command;

fn matches_recorded_elixir(name: &str) {
    let expected = std::fs::read_to_string(format!("tests/fixtures/run/{name}.stdout")).expect("recorded output");
    Command::cargo_bin("otplab")
        .expect("the otplab binary is built for tests")
        .arg("run")
        .arg(format!("tests/fixtures/run/{name}.exs"))
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success()
        .stdout(expected);
}

#[test]
fn protocols_dispatch_on_structs_builtin_types_lists_of_types_and_any() {
    matches_recorded_elixir("protocols_dispatch");
}

#[test]
fn user_structs_implement_string_chars_enumerable_and_collectable() {
    matches_recorded_elixir("protocols_builtin");
}

#[test]
fn user_exceptions_override_message_and_exception() {
    matches_recorded_elixir("exceptions_user");
}

#[test]
fn defguard_works_in_guards_of_the_module_and_of_others_and_as_a_function() {
    matches_recorded_elixir("guards_defguard");
}

#[test]
fn structs_enforce_keys_and_compute_defaults_that_are_not_literals() {
    matches_recorded_elixir("structs_enforce_defaults");
}

#[test]
fn module_bodies_run_code_compute_attributes_and_delegate() {
    matches_recorded_elixir("module_body_code");
}

#[test]
fn bitstring_segments_have_sizes_units_types_signedness_and_endianness() {
    matches_recorded_elixir("bitstrings_segments");
}

#[test]
fn sigils_interpolate_take_modifiers_and_build_calendar_structs() {
    matches_recorded_elixir("sigils_all");
}

#[test]
fn stepped_ranges_build_and_match() {
    matches_recorded_elixir("ranges_step");
}

#[test]
fn put_in_update_in_pop_in_take_paths_through_fields_and_keys() {
    matches_recorded_elixir("access_path_macros");
}

#[test]
fn user_structs_implement_inspect_with_the_algebra_or_derive_it() {
    matches_recorded_elixir("protocols_inspect");
}

#[test]
fn an_undefined_function_banner_suggests_close_names_as_elixir_does() {
    // Elixir 1.14 prints these lines (then the stacktrace) for the fixture.
    let expected = "** (UndefinedFunctionError) function A.helo/1 is undefined or private. Did you mean:\n\n      * hello/1\n      * hello/2\n      * help/2\n";
    Command::cargo_bin("otplab")
        .expect("the otplab binary is built for tests")
        .args(["run", "tests/fixtures/run/did_you_mean.exs"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1)
        .stderr(predicates::str::contains(expected));
}

#[test]
fn records_build_read_update_and_match() {
    matches_recorded_elixir("records");
}

#[test]
fn doctest_gaps_negative_dates_stream_shapes_bif_captures_match_operator_and_var_bang() {
    matches_recorded_elixir("stdlib_doctest_gaps");
}

#[test]
fn rand_state_is_per_process_in_its_dictionary() {
    matches_recorded_elixir("rand_state_per_process");
}

#[test]
fn module_attributes_that_call_code_are_computed_once_when_the_module_is_defined() {
    matches_recorded_elixir("attributes_once");
}

#[test]
fn values_moved_at_their_last_use_leave_every_later_read_intact() {
    matches_recorded_elixir("last_use_moves");
}

#[test]
fn a_call_wider_than_the_moved_operand_mask_copies_the_arguments_past_it() {
    matches_recorded_elixir("wide_call_moves");
}

#[test]
fn a_guard_that_raises_fails_its_clause_and_self_needs_no_protection() {
    matches_recorded_elixir("guard_not_and_self");
}

#[test]
fn fused_instructions_keep_their_meaning_where_control_flow_joins() {
    matches_recorded_elixir("fused_returns_and_loops");
}

#[test]
fn tail_calls_between_functions_move_their_arguments_in_any_order() {
    matches_recorded_elixir("tail_calls_between_functions");
}

#[test]
fn monitor_and_alias_options_are_read_as_beam_reads_them() {
    matches_recorded_elixir("monitor_and_alias_options");
}

#[test]
fn dynamic_calls_reach_compiled_native_and_missing_functions_as_on_beam() {
    matches_recorded_elixir("dynamic_calls");
}

#[test]
fn captured_functions_are_called_as_on_beam_before_and_after_a_redefinition() {
    matches_recorded_elixir("capture_calls");
}

#[test]
fn captured_natives_return_and_raise_as_direct_calls_of_them_do() {
    matches_recorded_elixir("native_captures");
}

#[test]
fn functions_elixir_inlines_as_erlang_bifs_raise_the_bifs_errors() {
    matches_recorded_elixir("bif_argument_errors");
}

#[test]
fn structs_false_shows_every_struct_as_the_map_it_is() {
    matches_recorded_elixir("inspect_structs_false");
}

#[test]
fn a_struct_is_usable_where_elixirs_expansion_finds_it_defined() {
    matches_recorded_elixir("struct_expansion");
}

#[test]
fn a_list_of_rows_goes_into_each_ets_table_type_in_otps_order() {
    matches_recorded_elixir("ets_list_inserts");
}

#[test]
fn ascending_and_descending_sorts_keep_ties_in_order_as_on_beam() {
    matches_recorded_elixir("sort_orders");
}

#[test]
fn the_rest_of_a_matched_binary_is_a_binary_like_any_other() {
    matches_recorded_elixir("binary_rests");
}

#[test]
fn a_first_byte_and_the_rest_bind_as_on_beam_whatever_the_segment_shape() {
    matches_recorded_elixir("binary_first_byte");
}

#[test]
fn a_receive_pinning_a_fresh_reference_still_sees_every_message_it_must() {
    matches_recorded_elixir("receive_after_a_fresh_reference");
}

#[test]
fn small_and_large_maps_order_compare_and_update_alike() {
    matches_recorded_elixir("maps_small_and_large");
}

#[test]
fn a_receive_filtered_by_a_pinned_tuple_item_leaves_every_other_message_in_order() {
    matches_recorded_elixir("receive_filtered_by_a_pinned_item");
}

#[test]
fn values_handed_on_by_move_are_never_ones_a_handler_or_a_later_clause_reads() {
    matches_recorded_elixir("values_handed_on_by_move");
}

#[test]
fn dynamic_supervisor_checks_a_child_in_the_caller_as_elixir_does() {
    matches_recorded_elixir("dynamic_supervisor_child_checks");
}
