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

    fn columns(&self) -> Option<u16> {
        terminal_columns()
    }
}

/// The terminal's width when stdout is a terminal.
pub fn terminal_columns() -> Option<u16> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    crossterm::terminal::size().ok().map(|(columns, _)| columns).filter(|c| *c > 0)
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

    fn columns(&self) -> Option<u16> {
        terminal_columns()
    }
}

/// The REPL's output: while the prompt waits for a line, what any process prints
/// goes through rustyline's external printer, which writes it above the prompt and
/// redraws the line being typed; the rest of the time it goes straight to the
/// terminal, in order, like [`TerminalSink`].
#[derive(Default)]
pub struct PromptSink {
    printer: parking_lot::Mutex<Option<Box<dyn rustyline::ExternalPrinter + Send>>>,
    prompting: std::sync::atomic::AtomicBool,
}

impl PromptSink {
    /// Uses `printer` while the prompt waits (only on a terminal: piped input has
    /// no line to protect, and its output must stay in order).
    pub fn attach(&self, printer: Box<dyn rustyline::ExternalPrinter + Send>) {
        *self.printer.lock() = Some(printer);
    }

    /// Marks whether the prompt is waiting for a line right now.
    pub fn set_prompting(&self, on: bool) {
        self.prompting.store(on, std::sync::atomic::Ordering::SeqCst);
    }

    /// Hands `text` to the external printer if the prompt waits; false if it did not.
    fn above_prompt(&self, text: &str) -> bool {
        if !self.prompting.load(std::sync::atomic::Ordering::SeqCst) {
            return false;
        }
        match self.printer.lock().as_mut() {
            Some(p) => p.print(text.to_string()).is_ok(),
            None => false,
        }
    }
}

impl OutputSink for PromptSink {
    fn write_stdout(&self, text: &str) {
        if !self.above_prompt(text) {
            TerminalSink.write_stdout(text);
        }
    }

    fn write_stderr(&self, text: &str) {
        if !self.above_prompt(text) {
            TerminalSink.write_stderr(text);
        }
    }

    fn columns(&self) -> Option<u16> {
        terminal_columns()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    struct Recorder(Arc<parking_lot::Mutex<Vec<String>>>);

    impl rustyline::ExternalPrinter for Recorder {
        fn print(&mut self, msg: String) -> rustyline::Result<()> {
            self.0.lock().push(msg);
            Ok(())
        }
    }

    #[test]
    fn output_goes_above_the_prompt_only_while_it_waits() {
        let seen = Arc::new(parking_lot::Mutex::new(Vec::new()));
        let sink = PromptSink::default();
        sink.attach(Box::new(Recorder(seen.clone())));
        sink.set_prompting(true);
        sink.write_stdout("tick\n");
        sink.write_stderr("** crash report\n");
        sink.set_prompting(false);
        // While an entry runs, output goes to the terminal, not the printer.
        sink.write_stdout("");
        assert_eq!(*seen.lock(), vec!["tick\n".to_string(), "** crash report\n".to_string()]);
    }
}
