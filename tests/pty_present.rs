//! The step mode in a real pseudo-terminal at 80 columns, as an instructor uses it in
//! front of a class: while it waits for a key nothing scrolls (time stands still on
//! the virtual clock and background output is held), and no line is wider than the
//! screen. Timeouts are generous; no test asserts how long anything takes.

use rexpect::session::{PtySession, spawn_command};
use std::process::Command;

const PATIENCE_MS: u64 = 60_000;

/// `otplab present --clock virtual SCRIPT` in a pty of `cols` columns.
fn present(script: &str, cols: u16) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_otplab"));
    cmd.args(["present", "--clock", "virtual", script])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TERM", "xterm")
        .env("COLUMNS", cols.to_string());
    spawn_command(cmd, Some(PATIENCE_MS)).expect("spawn otplab present in a pty")
}

/// Presses `key` once the program had time to switch the terminal to raw mode: a key
/// typed while the terminal is still in line mode waits there for an Enter.
fn press(p: &mut PtySession, key: &str) {
    std::thread::sleep(std::time::Duration::from_millis(1000));
    p.send(key).expect("a key");
    p.flush().expect("flush");
}

/// Whatever the program printed within `ms` milliseconds, without waiting for more.
fn drain(p: &mut PtySession, ms: u64) -> String {
    let mut out = String::new();
    let until = std::time::Instant::now() + std::time::Duration::from_millis(ms);
    while std::time::Instant::now() < until {
        match p.try_read() {
            Some(c) => out.push(c),
            None => std::thread::sleep(std::time::Duration::from_millis(10)),
        }
    }
    out
}

/// `text` without ANSI escape sequences (colours, cursor moves). rexpect hands bytes
/// over one char each, so the text is first put back together as UTF-8.
fn plain(text: &str) -> String {
    let bytes: Vec<u8> = text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect();
    let text = String::from_utf8_lossy(&bytes);
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ ... final byte in @..~
            if chars.peek() == Some(&'[') {
                chars.next();
                for d in chars.by_ref() {
                    if ('@'..='~').contains(&d) {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

#[test]
fn a_walkthrough_with_a_background_reporter_stands_still_between_steps_and_fits_80_columns() {
    let mut p = present("drills/scripts/tasks-fire-and-forget.exs", 80);
    let mut seen = String::new();
    // Headers are matched on their ASCII part: rexpect reads the rule's bytes one by one.
    seen.push_str(&p.exp_string("step 1/12 (line").expect("the first step"));
    // Run steps 1-4: step 4 starts a supervised reporter that prints every 200 ms.
    for next in 2..=5 {
        press(&mut p, " ");
        let header = format!("step {next}/12 (line");
        seen.push_str(&p.exp_string(&header).unwrap_or_else(|e| panic!("{header}: {e}")));
    }
    // Waiting for a key: the reporter must not scroll the screen.
    let waiting = drain(&mut p, 1500);
    let printed = plain(&waiting).lines().filter(|l| !l.trim().is_empty()).count();
    assert!(printed < 5, "printed {printed} lines while waiting for a key:\n{waiting}");
    seen.push_str(&waiting);
    // Step 5 sleeps 450 ms of virtual time: at most a few reports, the same every run.
    press(&mut p, " ");
    seen.push_str(&p.exp_string("step 6/12 (line").expect("step 6"));
    press(&mut p, "q");
    seen.push_str(&p.exp_eof().expect("the end"));
    let text = plain(&seen);
    let reports = text.matches("report: true").count();
    assert!(reports <= 6, "{reports} reports: time ran between steps\n{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "line wider than 80 columns: {line:?}");
    }
}
