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

/// Writes to the terminal like [`TerminalSink`] and keeps a copy of stdout and
/// stderr text, so the step mode can show a step's output again.
#[derive(Default)]
pub struct RecordingSink {
    kept: parking_lot::Mutex<String>,
}

impl RecordingSink {
    /// What was written since the last call, and clears it.
    pub fn take(&self) -> String {
        std::mem::take(&mut *self.kept.lock())
    }
}

impl OutputSink for RecordingSink {
    fn write_stdout(&self, text: &str) {
        TerminalSink.write_stdout(text);
        self.kept.lock().push_str(text);
    }

    fn write_stderr(&self, text: &str) {
        TerminalSink.write_stderr(text);
        self.kept.lock().push_str(text);
    }
}
