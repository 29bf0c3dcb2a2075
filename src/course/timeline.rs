//! A timeline of the processes a piece of code ran: one lane per process, a bar from
//! its spawn to its exit along a time axis on the clock in force. Built from the
//! runtime's journal ([`crate::session::JournalEntry`]); laid out here as pieces of
//! text with a role each, so the report shows it as plain characters and the `cli`
//! layer colours the same layout when it writes to a terminal.

use serde::Serialize;

use crate::session::{JournalEntry, LifeEvent};
use crate::term::Term;
use crate::term::inspect::inspect;

/// The most lanes drawn; the rest are counted in a closing line.
pub const MAX_LANES: usize = 20;

/// How a lane ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum LaneEnd {
    /// Still alive when the timeline was taken.
    Running,
    /// Exited with reason `:normal` (or `:shutdown`).
    Normal,
    /// Exited with another reason (inspected).
    Crashed(String),
}

/// One process on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lane {
    /// What the lane is called: the registered name, else the pid.
    pub label: String,
    /// When the process was spawned (the timeline's start if it was spawned earlier).
    pub from_ms: u64,
    /// When it exited (the timeline's end while it runs on).
    pub until_ms: u64,
    /// True when the process existed before the timeline began.
    pub earlier: bool,
    /// How it ended.
    pub end: LaneEnd,
}

/// The lanes of one run, in spawn order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    /// The left edge of the axis, in ms on the runtime's clock.
    pub start_ms: u64,
    /// The right edge of the axis.
    pub end_ms: u64,
    /// One lane per process.
    pub lanes: Vec<Lane>,
}

/// What a piece of a drawn line shows; the terminal colours by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A lane's label or the axis.
    Label,
    /// A living stretch of a lane.
    Alive,
    /// The mark of a normal exit.
    Exit,
    /// The mark of a crash, and its reason.
    Crash,
    /// The note after a lane (duration, how it ended).
    Note,
}

/// A piece of text with its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// What it shows.
    pub role: Role,
    /// The characters.
    pub text: String,
}

impl Timeline {
    /// The timeline of `entries` between `start_ms` and `end_ms`: a lane per process
    /// spawned in it, and one for each process spawned earlier that exited in it.
    pub fn from_journal(entries: &[JournalEntry], start_ms: u64, end_ms: u64) -> Timeline {
        let mut lanes: Vec<(crate::term::Pid, Lane)> = Vec::new();
        for entry in entries {
            match &entry.event {
                LifeEvent::Spawned => lanes.push((
                    entry.pid,
                    Lane {
                        label: inspect(&Term::Pid(entry.pid)),
                        from_ms: entry.at_ms.max(start_ms),
                        until_ms: end_ms,
                        earlier: false,
                        end: LaneEnd::Running,
                    },
                )),
                LifeEvent::Exited { reason, name } => {
                    let end = if reason.is_atom_named("normal") || reason.is_atom_named("shutdown") {
                        LaneEnd::Normal
                    } else {
                        LaneEnd::Crashed(inspect(reason))
                    };
                    let label = name.map(|n| n.as_str().to_string());
                    match lanes.iter_mut().find(|(pid, lane)| *pid == entry.pid && lane.end == LaneEnd::Running) {
                        Some((_, lane)) => {
                            lane.until_ms = entry.at_ms.max(lane.from_ms);
                            lane.end = end;
                            if let Some(label) = label {
                                lane.label = label;
                            }
                        }
                        None => lanes.push((
                            entry.pid,
                            Lane {
                                label: label.unwrap_or_else(|| inspect(&Term::Pid(entry.pid))),
                                from_ms: start_ms,
                                until_ms: entry.at_ms.max(start_ms),
                                earlier: true,
                                end,
                            },
                        )),
                    }
                }
            }
        }
        let end_ms = lanes.iter().map(|(_, l)| l.until_ms).fold(end_ms, u64::max);
        Timeline { start_ms, end_ms, lanes: lanes.into_iter().map(|(_, lane)| lane).collect() }
    }

    /// True when no process was spawned or exited.
    pub fn is_empty(&self) -> bool {
        self.lanes.is_empty()
    }

    /// The drawing: an axis line, then a line per lane with a bar `width` cells wide.
    pub fn lines(&self, width: usize) -> Vec<Vec<Piece>> {
        let width = width.max(10);
        let span = self.end_ms.saturating_sub(self.start_ms).max(1);
        let column = |t: u64| -> usize {
            let offset = t.saturating_sub(self.start_ms).min(span);
            usize::try_from((offset * (width as u64 - 1) + span / 2) / span).unwrap_or(width - 1)
        };
        let shown = &self.lanes[..self.lanes.len().min(MAX_LANES)];
        let label_width = shown.iter().map(|l| l.label.chars().count()).max().unwrap_or(0).max(4);
        let piece = |role, text: String| Piece { role, text };
        let first = "0 ms".to_string();
        let last = format!("{} ms", span);
        let gap = (width + 1).saturating_sub(first.len() + last.len()).max(1);
        let mut lines = vec![vec![piece(
            Role::Label,
            format!("{:label_width$}  {first}{}{last}", "", " ".repeat(gap)),
        )]];
        for lane in shown {
            let (from, until) = (column(lane.from_ms), column(lane.until_ms));
            let mut line = vec![piece(Role::Label, format!("{:label_width$}  {}", lane.label, " ".repeat(from)))];
            let (mark, mark_role, note) = match &lane.end {
                LaneEnd::Running => (">", Role::Alive, "running".to_string()),
                LaneEnd::Normal => ("|", Role::Exit, "exited normally".to_string()),
                LaneEnd::Crashed(reason) => ("X", Role::Crash, format!("crashed: {}", shortened(reason))),
            };
            let start_mark = if lane.earlier { "<" } else { "" };
            let body = (until - from).saturating_sub(start_mark.len());
            line.push(piece(Role::Alive, format!("{start_mark}{}", "=".repeat(body))));
            line.push(piece(mark_role, mark.to_string()));
            let pad = width.saturating_sub(until + 1);
            let lived = lane.until_ms - lane.from_ms;
            let note_role = if mark_role == Role::Crash { Role::Crash } else { Role::Note };
            line.push(piece(note_role, format!("{}  {lived} ms, {note}", " ".repeat(pad))));
            lines.push(line);
        }
        if self.lanes.len() > shown.len() {
            let more = self.lanes.len() - shown.len();
            lines.push(vec![piece(Role::Note, format!("{:label_width$}  ... and {more} more processes", ""))]);
        }
        lines
    }

    /// The drawing as plain characters, one line per lane, each ending in `\n`.
    pub fn plain(&self, width: usize) -> String {
        self.lines(width)
            .into_iter()
            .map(|pieces| {
                let text: String = pieces.into_iter().map(|p| p.text).collect();
                format!("{}\n", text.trim_end())
            })
            .collect()
    }
}

/// Characters of an exit reason shown after a lane.
const REASON_CHARS: usize = 60;

/// `reason`, cut to [`REASON_CHARS`] with `...` when longer.
fn shortened(reason: &str) -> String {
    if reason.chars().count() <= REASON_CHARS {
        return reason.to_string();
    }
    let cut: String = reason.chars().take(REASON_CHARS).collect();
    format!("{cut}...")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::Pid;

    fn spawned(pid: u64, at_ms: u64) -> JournalEntry {
        JournalEntry { pid: Pid(pid), at_ms, event: LifeEvent::Spawned }
    }

    fn exited(pid: u64, at_ms: u64, reason: &str) -> JournalEntry {
        JournalEntry { pid: Pid(pid), at_ms, event: LifeEvent::Exited { reason: Term::atom(reason), name: None } }
    }

    #[test]
    fn lanes_follow_spawn_order_and_end_as_the_journal_says() {
        let entries = [spawned(1, 0), spawned(2, 0), exited(2, 1000, "normal"), spawned(3, 1000), exited(3, 2000, "boom")];
        let timeline = Timeline::from_journal(&entries, 0, 2000);
        assert_eq!(timeline.lanes.len(), 3);
        assert_eq!(timeline.lanes[0].end, LaneEnd::Running);
        assert_eq!(timeline.lanes[1].end, LaneEnd::Normal);
        assert_eq!(timeline.lanes[2].end, LaneEnd::Crashed(":boom".into()));
        let plain = timeline.plain(21);
        let lines: Vec<&str> = plain.lines().collect();
        assert!(lines[0].ends_with("  0 ms           2000 ms"), "{plain}");
        assert!(lines[2].contains("==========|"), "{plain}");
        assert!(lines[3].contains("X") && lines[3].ends_with("crashed: :boom"), "{plain}");
    }

    #[test]
    fn a_process_from_before_the_timeline_starts_at_its_left_edge() {
        let timeline = Timeline::from_journal(&[exited(9, 50, "normal")], 0, 100);
        assert!(timeline.lanes[0].earlier);
        assert!(timeline.plain(11).lines().nth(1).is_some_and(|l| l.contains("<====|")));
    }
}
