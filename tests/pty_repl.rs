//! The REPL driven in a real pseudo-terminal, as a person uses it: the shell
//! process dying and coming back, Ctrl-C, Ctrl-D, history, pasted lines, crash
//! reports. One test per behaviour. Timeouts are generous (the CI machine is
//! shared); no test asserts how long anything takes.

use rexpect::session::PtySession;
use std::path::PathBuf;

mod pty_terminal;
use pty_terminal::{enter, repl_with};

/// A fresh data directory for one test of this file.
fn data_dir(test: &str) -> PathBuf {
    pty_terminal::data_dir("pty", test)
}

/// The REPL started with `args`.
fn repl(data: &PathBuf, args: &[&str]) -> PtySession {
    repl_with(data, args, &[])
}

#[test]
fn a_linked_crash_prints_the_exit_banner_and_keeps_bindings() {
    let data = data_dir("linked");
    let mut p = repl(&data, &[]);
    enter(&mut p, "x = 41", "41");
    p.send_line("spawn_link(fn -> raise \"boom\" end)").expect("type");
    p.exp_string("** (EXIT from #PID<").expect("the EXIT banner");
    p.exp_string("shell process exited with reason: an exception was raised:").expect("the reason");
    enter(&mut p, "x + 1", "42");
}

#[test]
fn a_kill_at_the_prompt_or_of_the_shell_itself_brings_the_prompt_back() {
    let data = data_dir("kill");
    let mut p = repl(&data, &[]);
    enter(&mut p, "x = 41", "41");
    enter(&mut p, "{:ok, ag} = Agent.start_link(fn -> 0 end)", ":ok");
    p.send_line("Process.exit(ag, :kill)").expect("type");
    p.exp_string("shell process exited with reason: killed").expect("banner after a linked kill");
    enter(&mut p, "x + 1", "42");
    p.send_line("Process.exit(self(), :kill)").expect("type");
    p.exp_string("shell process exited with reason: killed").expect("banner after killing the shell");
    enter(&mut p, "x + 2", "43");
}

#[test]
fn ctrl_c_interrupts_the_running_entry_and_keeps_bindings() {
    let data = data_dir("ctrl-c");
    let mut p = repl(&data, &[]);
    enter(&mut p, "x = 41", "41");
    enter(&mut p, "pid = spawn(fn -> Process.sleep(:infinity) end)", "#PID<");
    p.send_line("Process.sleep(30_000)").expect("type");
    // Press until the entry reports it was stopped (a press that lands before the
    // entry starts running has nothing to stop).
    let mut stopped = false;
    for _ in 0..20 {
        std::thread::sleep(std::time::Duration::from_millis(500));
        p.send_control('c').expect("Ctrl-C");
        if p.exp_string("** (exit) :interrupted").is_ok() {
            stopped = true;
            break;
        }
    }
    assert!(stopped, "Ctrl-C did not interrupt the entry");
    enter(&mut p, "x + 1", "42");
    enter(&mut p, "Process.alive?(pid)", "true");
}

#[test]
fn ctrl_c_at_the_prompt_clears_the_line_and_ctrl_d_exits() {
    let data = data_dir("ctrl-d");
    let mut p = repl(&data, &[]);
    p.send("half typed").expect("type");
    p.send_control('c').expect("Ctrl-C");
    // A person sees the line cleared before typing on (rustyline drops bytes read
    // past a Ctrl-C at the prompt).
    p.exp_string("iex(1)> ").expect("the prompt again");
    // Ctrl-D only once the next prompt is up: a key sent while the entry is still
    // being evaluated is read by no prompt.
    enter(&mut p, ":after_clear", "iex(2)> ");
    p.send_control('d').expect("Ctrl-D");
    p.exp_eof().expect("otplab exits on Ctrl-D");
}

#[test]
fn history_holds_each_entry_as_soon_as_it_is_accepted() {
    let data = data_dir("history");
    let mut p = repl(&data, &[]);
    enter(&mut p, "kept_entry = 7", "7");
    // The next prompt, not the echo of the typed text, shows the entry was accepted.
    enter(&mut p, ":second", "iex(3)> ");
    // A terminal killed outright: nothing runs on exit.
    p.process_mut().kill(rexpect::process::Signal::SIGKILL).expect("kill -9");
    let history = std::fs::read_to_string(data.join("otplab").join("history.txt")).expect("history file");
    assert!(history.contains("kept_entry = 7"), "history: {history}");
    assert!(history.contains(":second"), "history: {history}");
}

#[test]
fn pasted_lines_without_bracketed_paste_are_all_evaluated() {
    let data = data_dir("paste");
    let mut p = repl(&data, &[]);
    // One write, as a terminal without bracketed paste delivers a paste.
    p.send("a = 1\rb = 2\rc = 3\r").expect("paste");
    enter(&mut p, "{a, b, c}", "{1, 2, 3}");
}

#[test]
fn a_spawned_process_that_raises_logs_a_crash_report() {
    let data = data_dir("report");
    let mut p = repl(&data, &[]);
    p.send_line("spawn(fn -> raise \"oops\" end)").expect("type");
    p.exp_regex(r"\[error\] Process #PID<0\.\d+\.0> raised an exception").expect("report header");
    p.exp_string("** (RuntimeError) oops").expect("the exception");
    enter(&mut p, ":still_here", ":still_here");
}

#[test]
fn tab_completes_module_functions_and_lists_candidates_on_a_second_tab() {
    let data = data_dir("tab");
    let mut p = repl(&data, &[]);
    p.send("Enum.redu\t").expect("type and Tab");
    p.flush().expect("flush");
    p.exp_string("reduce").expect("completed to reduce");
    p.send("\t").expect("second Tab");
    p.flush().expect("flush");
    p.exp_string("reduce/3").expect("candidates listed with arities");
    // The line now reads `Enum.reduce`; finish the call.
    enter(&mut p, "([40, 2], 0, fn x, acc -> x + acc end)", "42");
}

#[test]
fn helpers_h_i_and_v_answer_in_the_shell() {
    let data = data_dir("helpers");
    let mut p = repl(&data, &[]);
    enter(&mut p, "h Enum.map", "def map(enumerable, fun)");
    enter(&mut p, "i 42", "Data type");
    p.exp_string("Integer").expect("the type");
    enter(&mut p, "20 + 1", "21");
    enter(&mut p, "v() * 2", "42");
}

#[test]
fn c_compiles_a_file_whose_module_is_then_callable() {
    let data = data_dir("c_file");
    let hello = data.join("hello.ex");
    std::fs::write(&hello, "defmodule Hello do\n  def greet(name), do: \"hello #{name}\"\nend\n").expect("write hello.ex");
    let mut p = repl(&data, &[]);
    enter(&mut p, &format!("c {:?}", hello.display().to_string()), "[Hello]");
    enter(&mut p, "Hello.greet(\"pty\")", "\"hello pty\"");
}
