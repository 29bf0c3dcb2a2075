//! The REPL's views of concurrency in a real pseudo-terminal: `seq/1` (a message
//! sequence chart), `tree/0` (the supervision tree) and `observer()` (full screen,
//! `q` back to the prompt). rexpect reads bytes as Latin-1, so expectations are
//! ASCII (the chart's lines are box-drawing characters around them). Timeouts are
//! generous; no test asserts how long anything takes.

use rexpect::session::PtySession;
use std::path::PathBuf;

mod pty_terminal;
use pty_terminal::{enter, repl_with};

/// A fresh data directory for one test of this file.
fn data_dir(test: &str) -> PathBuf {
    pty_terminal::data_dir("pty-views", test)
}

/// The REPL at 100 columns (the chart fits the terminal's width).
fn repl(data: &PathBuf) -> PtySession {
    repl_with(data, &[], &[("COLUMNS", "100")])
}

#[test]
fn seq_draws_the_agent_as_a_lane_with_labelled_calls_and_replies() {
    let data = data_dir("seq");
    let mut p = repl(&data);
    p.send_line("{:ok, a} = Agent.start_link(fn -> 0 end)").expect("type");
    let (_, pid) = p.exp_regex(r"#PID<0\.\d+\.0>").expect("the agent's pid");
    p.exp_string("iex(2)> ").expect("prompt");
    p.send_line("seq(fn -> Agent.update(a, &(&1 + 1)); Agent.get(a, & &1) end)").expect("type");
    // The lanes' titles: the agent's pid, with the module it runs below.
    p.exp_string(&pid).expect("the agent's lane");
    p.exp_string("Agent.Server").expect("the agent's module");
    p.exp_string("call :update").expect("the update call");
    p.exp_string("reply :ok").expect("its reply");
    p.exp_string("call :get").expect("the get call");
    p.exp_string("reply 1").expect("its reply");
    p.exp_string("on the real clock").expect("the clock the times are on");
    // Then the value of the function, and a working prompt.
    p.exp_string("\r\n1\r\n").expect("the function's value");
    enter(&mut p, "Agent.get(a, & &1) + 41", "42");
}

#[test]
fn tree_shows_a_named_supervisor_and_its_two_named_children() {
    let data = data_dir("tree");
    let mut p = repl(&data);
    let children = "[%{id: :left, start: {Agent, :start_link, [fn -> 1 end, [name: :left_agent]]}}, \
                    %{id: :right, start: {Agent, :start_link, [fn -> 2 end, [name: :right_agent]]}}]";
    enter(&mut p, &format!("{{:ok, sup}} = Supervisor.start_link({children}, strategy: :one_for_one, name: :demo_sup)"), ":ok");
    p.send_line("tree()").expect("type");
    p.exp_string(":demo_sup #PID<").expect("the supervisor, by name");
    p.exp_string("one_for_one, at most 3 restarts in 5 s").expect("strategy and intensity");
    p.exp_string("id :left  :left_agent #PID<").expect("the first child");
    p.exp_string("mailbox 0").expect("its mailbox");
    p.exp_string("id :right  :right_agent #PID<").expect("the second child");
    // The tree under one process, by name.
    p.exp_string("iex(3)> ").expect("prompt");
    enter(&mut p, "tree(:demo_sup)", "id :right  :right_agent #PID<");
    p.exp_string("iex(4)> ").expect("prompt after tree/1");
}

#[test]
fn observer_lists_processes_and_tables_and_q_returns_to_a_working_prompt() {
    let data = data_dir("observer");
    let mut p = repl(&data);
    enter(&mut p, "t = :ets.new(:observed_table, [:named_table, :public])", ":observed_table");
    enter(&mut p, ":ets.insert(t, {:k, 1})", "true");
    enter(&mut p, "{:ok, a} = Agent.start_link(fn -> 0 end, name: :watched_agent)", ":ok");
    p.exp_string("iex(4)> ").expect("prompt before the observer");
    p.send_line("observer()").expect("type");
    p.exp_string("otplab observer").expect("the observer's title bar");
    p.exp_string(":watched_agent").expect("the agent in the process list");
    // Give the screen time to reach raw mode before keys are pressed.
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send("3").expect("the ETS tab");
    p.flush().expect("flush");
    p.exp_string(":observed_table").expect("the table in the ETS tab");
    p.send("q").expect("quit");
    p.flush().expect("flush");
    p.exp_string("iex(5)> ").expect("the prompt again");
    // Nothing was lost: the bindings and the agent are there.
    enter(&mut p, "{Agent.get(a, & &1), :ets.lookup(t, :k)}", "{0, [k: 1]}");
}
