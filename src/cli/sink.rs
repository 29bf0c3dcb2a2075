//! Output sinks that write straight to the terminal's stdout and stderr.

use crate::runtime::OutputSink;
use std::io::Write;

/// Writes process output to this program's stdout/stderr, flushing each write so
/// that output interleaves as it happens.
pub struct TerminalSink;

impl OutputSink for TerminalSink {
    fn write_stdout(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        // A closed pipe (`otplab run x | head`) is not an error worth dying for.
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }

    fn write_stderr(&self, text: &str) {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes());
        let _ = err.flush();
    }
}
