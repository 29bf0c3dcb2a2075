//! The step mode's output sink. While a step runs, what processes print goes to the
//! terminal as it happens (and is kept, so `b` can show it again). While the presenter
//! is between steps, output is held instead: a background reporter must not scroll the
//! code off the projector, and in raw mode (waiting for a key) a bare `\n` would draw a
//! staircase. The held text is shown, capped, when the next step starts.

use super::sink::TerminalSink;
use crate::runtime::OutputSink;

/// Held output shows at most this many of its last lines.
pub const HELD_LINES_SHOWN: usize = 8;

/// Output of a presentation: live during a step, held between steps.
#[derive(Default)]
pub struct StageSink {
    state: parking_lot::Mutex<Stage>,
}

#[derive(Default)]
struct Stage {
    /// Output is being held (between steps).
    holding: bool,
    /// What was printed during the current step (for replays).
    kept: String,
    /// What was printed while holding.
    held: String,
}

impl StageSink {
    /// What the current step printed so far, and clears it.
    pub fn take(&self) -> String {
        std::mem::take(&mut self.state.lock().kept)
    }

    /// From now on, output is held until [`StageSink::release`].
    pub fn hold(&self) {
        self.state.lock().holding = true;
    }

    /// Output goes live again; returns what was held, cut to its last
    /// [`HELD_LINES_SHOWN`] lines with a note on how many were left out.
    pub fn release(&self) -> String {
        let held = {
            let mut state = self.state.lock();
            state.holding = false;
            std::mem::take(&mut state.held)
        };
        cap_lines(&held, HELD_LINES_SHOWN)
    }

    fn write(&self, text: &str, to_stderr: bool) {
        let mut state = self.state.lock();
        if state.holding {
            state.held.push_str(text);
            return;
        }
        state.kept.push_str(text);
        // Written under the lock, so live output and a concurrent `hold` never interleave.
        if to_stderr { TerminalSink.write_stderr(text) } else { TerminalSink.write_stdout(text) }
    }
}

impl OutputSink for StageSink {
    fn write_stdout(&self, text: &str) {
        self.write(text, false);
    }

    fn write_stderr(&self, text: &str) {
        self.write(text, true);
    }
}

/// `text` as it was when it has at most `max` lines; else a note and its last `max` lines.
fn cap_lines(text: &str, max: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= max {
        return text.to_string();
    }
    let left_out = lines.len() - max;
    let mut out = format!("({left_out} earlier lines printed between steps are not shown)\n");
    for line in &lines[left_out..] {
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_output_is_kept_apart_and_capped() {
        let sink = StageSink::default();
        sink.hold();
        for i in 0..20 {
            sink.write_stdout(&format!("report {i}\n"));
        }
        assert_eq!(sink.take(), "", "held output is not part of a step");
        let shown = sink.release();
        assert!(shown.starts_with("(12 earlier lines printed between steps are not shown)\n"), "{shown}");
        assert!(shown.ends_with("report 19\n"));
        assert_eq!(shown.lines().count(), HELD_LINES_SHOWN + 1);
        assert_eq!(sink.release(), "", "released output is gone");
    }
}
