//! Where process output goes (the group leader's device).

/// Receives text written by any process (`IO.puts`, `IO.inspect`, Logger reports).
/// The session provides one: the REPL prints it, the grader captures it.
pub trait OutputSink: Send + Sync + 'static {
    /// Writes `text` to standard output (it already carries its newlines).
    fn write_stdout(&self, text: &str);
    /// Writes `text` to standard error.
    fn write_stderr(&self, text: &str);
    /// The width of the terminal standard output goes to, when it is one (charts
    /// fit it); `None` otherwise.
    fn columns(&self) -> Option<u16> {
        None
    }
}

/// An [`OutputSink`] that drops everything: for runs whose output nobody reads (the
/// explorer's thousand runs of one script, tests of everything but output).
pub struct Discard;

impl OutputSink for Discard {
    fn write_stdout(&self, _text: &str) {}
    fn write_stderr(&self, _text: &str) {}
}
