//! What the runtime borrows from this program: its standard input (`IO.gets`) and
//! its exit (`System.halt/1`).

use crate::session::{HaltHook, InputSource};
use std::io::{BufRead, Write};
use std::sync::Arc;

/// Lines of this program's standard input (the terminal, or a pipe).
pub struct StdinLines;

impl InputSource for StdinLines {
    fn read_line(&self) -> Option<String> {
        let mut line = String::new();
        match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line),
        }
    }
}

/// `System.halt/1` ends otplab with the status asked for, output flushed (the REPL's
/// history is already on disk: it is appended entry by entry).
pub fn halt_hook() -> HaltHook {
    Arc::new(|status| {
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        std::process::exit(status)
    })
}
