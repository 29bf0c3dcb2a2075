//! Driving `otplab` in a real pseudo-terminal, shared by the pty test files: a
//! fresh data directory per test, the REPL started and waited for, a line typed
//! and its answer awaited. Timeouts are generous (the CI machine is shared); no
//! test asserts how long anything takes.

#![allow(dead_code)] // each test file uses its own part of it

use rexpect::session::{PtySession, spawn_command};
use std::path::PathBuf;
use std::process::Command;

/// Every expectation waits at most this long before the test fails.
pub const PATIENCE_MS: u64 = 60_000;

/// A fresh directory for one test's history file (`XDG_DATA_HOME`), named after
/// the test file (`suite`) and the test.
pub fn data_dir(suite: &str, test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("otplab-{suite}-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Starts `otplab ARGS` (the REPL) in a pty with `env` set and waits for its
/// first prompt.
pub fn repl_with(data: &PathBuf, args: &[&str], env: &[(&str, &str)]) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_otplab"));
    cmd.args(args).env("XDG_DATA_HOME", data).env("HOME", data).env("TERM", "xterm");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut p = spawn_command(cmd, Some(PATIENCE_MS)).expect("spawn otplab in a pty");
    p.exp_string("iex(1)> ").expect("first prompt");
    p
}

/// Types `line`, then waits until `expected` is printed.
pub fn enter(p: &mut PtySession, line: &str, expected: &str) {
    p.send_line(line).expect("type a line");
    if let Err(e) = p.exp_string(expected) {
        panic!("after {line:?}: expected {expected:?}: {e}");
    }
}
