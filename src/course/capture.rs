//! An output sink that keeps what an answer prints, so the grader never writes to
//! the terminal (only the `cli` layer does) and a report can show the output.

use parking_lot::Mutex;

use crate::session::OutputSink;

/// The most bytes kept; an answer printing in a loop must not exhaust memory.
const MAX_BYTES: usize = 64 * 1024;

/// Collects stdout and stderr text, in order, up to `MAX_BYTES`.
#[derive(Default)]
pub struct CapturedOutput {
    text: Mutex<String>,
}

impl CapturedOutput {
    /// Everything kept so far, and clears it.
    pub fn take(&self) -> String {
        std::mem::take(&mut *self.text.lock())
    }

    fn push(&self, text: &str) {
        let mut kept = self.text.lock();
        let room = MAX_BYTES.saturating_sub(kept.len());
        if room == 0 {
            return;
        }
        let mut end = text.len().min(room);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        kept.push_str(&text[..end]);
    }
}

impl OutputSink for CapturedOutput {
    fn write_stdout(&self, text: &str) {
        self.push(text);
    }

    fn write_stderr(&self, text: &str) {
        self.push(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_both_streams_in_order_and_take_clears() {
        let sink = CapturedOutput::default();
        sink.write_stdout("a\n");
        sink.write_stderr("b\n");
        assert_eq!(sink.take(), "a\nb\n");
        assert_eq!(sink.take(), "");
    }

    #[test]
    fn stops_at_the_cap() {
        let sink = CapturedOutput::default();
        sink.write_stdout(&"x".repeat(MAX_BYTES + 10));
        assert_eq!(sink.take().len(), MAX_BYTES);
    }
}
