//! A message sequence chart, drawn from the runtime's sequence record
//! ([`SequenceEntry`]): one lane (column) per process, time going down, one row
//! per event — arrows for sends (GenServer calls, casts and replies labelled
//! `call :get`, `cast {:push, 1}`, `reply 1`), exit signals and `:DOWN`s; spawns,
//! links and exits marked on the lanes.
//!
//! Pure: events, names and a width in, lines out (`seq/1` in the REPL and
//! `otplab run --seq` print them). Invariants: no line is wider than the width
//! asked for (at least [`MIN_WIDTH`]); a chart with more lanes than fit folds the
//! rest into one `others` lane; a chart with more than [`MAX_ROWS`] events shows
//! its beginning and end and says how many events it left out between them.

use crate::runtime::logger::pid_text;
use crate::runtime::{SequenceEntry, SequenceEvent};
use crate::term::inspect::inspect;
use crate::term::{Pid, Term};
use std::collections::{BTreeMap, BTreeSet};

/// The narrowest chart drawn; a narrower terminal gets lines this wide.
pub const MIN_WIDTH: usize = 40;

/// The most event rows drawn; longer charts are summarised.
pub const MAX_ROWS: usize = 48;

/// The fewest columns a lane gets (a pid's text and a little air).
const MIN_LANE: usize = 16;

/// The most columns a lane gets, however wide the terminal.
const MAX_LANE: usize = 36;

/// The longest term text in a label before it is cut.
const TERM_TEXT: usize = 28;

/// How a lane is titled.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LaneName {
    /// The first title line: a registered name, else the pid.
    pub title: String,
    /// The second line, when known: the process's module, or `shell`.
    pub detail: Option<String>,
}

/// What to draw.
#[derive(Debug, Clone)]
pub struct Chart<'a> {
    /// The recorded events, in order.
    pub entries: &'a [SequenceEntry],
    /// How to title each lane; a pid missing here is titled by its pid.
    pub names: &'a BTreeMap<Pid, LaneName>,
    /// When set, only what this process caused is drawn: its own events, and
    /// transitively those of every process it spawned or sent to.
    pub root: Option<Pid>,
    /// When the recording began (times are shown from it), ms on the clock.
    pub start_ms: u64,
    /// `virtual` or `real`: the clock the times are on.
    pub clock: &'a str,
    /// Events the record left out because it was full.
    pub dropped: usize,
    /// The terminal's width in columns.
    pub width: usize,
}

/// One row of the chart, with lanes as indexes.
#[derive(Debug, Clone, PartialEq)]
enum Row {
    /// An arrow from one lane to another.
    Arrow { from: usize, to: usize, label: String, style: Line },
    /// A mark on one lane with a note beside it.
    Mark { lane: usize, glyph: char, note: String },
}

/// How an arrow is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    /// A message: `──label──▶`.
    Message,
    /// A signal (exit, `:DOWN`): `┈┈label┈┈▶`.
    Signal,
    /// A link: `╌╌link╌╌` with no head.
    Link,
}

/// The chart's lines, at most `chart.width` columns each (see the module's invariants).
pub fn draw(chart: &Chart<'_>) -> Vec<String> {
    let width = chart.width.max(MIN_WIDTH);
    let kept = caused(chart.entries, chart.root);
    if kept.is_empty() {
        return vec!["no messages, spawns or exits were recorded".to_string()];
    }
    let mut pids: Vec<Pid> = Vec::new();
    if let Some(root) = chart.root {
        pids.push(root);
    }
    for entry in &kept {
        for pid in pids_of(&entry.event) {
            if !pids.contains(&pid) {
                pids.push(pid);
            }
        }
    }
    let time_text = |at_ms: u64| format!("{} ms", at_ms.saturating_sub(chart.start_ms));
    // Rows are a subset of the entries with the same times: the widest entry time
    // fits every row's.
    let gutter = kept.iter().map(|e| time_text(e.at_ms).chars().count()).max().unwrap_or(0) + 1;
    let fit = ((width - gutter) / MIN_LANE).max(2);
    let (lane_of, titles) = fold_lanes(&pids, fit, chart.names);
    let lane_width = ((width - gutter) / titles.len()).clamp(MIN_LANE.min(width - gutter), MAX_LANE);
    let layout = Layout { gutter, lane_width, width: (gutter + lane_width * titles.len()).min(width) };
    let (row_times, rows): (Vec<u64>, Vec<Row>) = rows(&kept, &lane_of).into_iter().unzip();
    let times: Vec<String> = row_times.into_iter().map(time_text).collect();
    let (first, last) = spans(&rows, titles.len());
    let mut lines = layout.header(&titles);
    let shown = summarised(rows.len());
    let mut previous_time = None;
    for item in shown {
        match item {
            Shown::Row(i) => {
                let active = |lane: usize| first[lane] <= i && i <= last[lane];
                let time = (previous_time != Some(&times[i])).then(|| times[i].as_str());
                previous_time = Some(&times[i]);
                lines.push(layout.row(&rows[i], time, titles.len(), &active));
            }
            Shown::Gap { from, to } => {
                let n = to - from;
                let active = |lane: usize| first[lane] < to && last[lane] >= from;
                let mut line = layout.blank(titles.len(), &active);
                let note = format!(" ⋮ {n} more events ");
                put(&mut line, layout.gutter, &note);
                lines.push(trimmed(line));
            }
        }
    }
    let mut footer = format!("times in ms on the {} clock from the start of the recording", chart.clock);
    if chart.dropped > 0 {
        footer.push_str(&format!("; {} later events were not recorded (the record is full)", chart.dropped));
    }
    lines.extend(wrap(&footer, width));
    lines
}

/// How many messages the record shows `root` causing (all sends without a root):
/// a chart is worth drawing when there is one.
pub fn sends_caused(entries: &[SequenceEntry], root: Option<Pid>) -> usize {
    caused(entries, root).iter().filter(|e| matches!(e.event, SequenceEvent::Sent { .. })).count()
}

/// The events `root` caused, in order (all of them when there is no root): a
/// process is involved once the root or an involved process spawned it, sent it
/// a message or signal, or linked to it.
fn caused(entries: &[SequenceEntry], root: Option<Pid>) -> Vec<SequenceEntry> {
    let Some(root) = root else { return entries.to_vec() };
    let mut involved: BTreeSet<Pid> = BTreeSet::from([root]);
    let mut kept = Vec::new();
    for entry in entries {
        let keep = match &entry.event {
            SequenceEvent::Spawned { pid, parent } => {
                let by_involved = parent.is_some_and(|p| involved.contains(&p));
                if by_involved {
                    involved.insert(*pid);
                }
                by_involved || involved.contains(pid)
            }
            SequenceEvent::Sent { from: Some(from), to, .. }
            | SequenceEvent::ExitSignal { from, to, .. }
            | SequenceEvent::Down { from, to, .. } => {
                if involved.contains(from) {
                    involved.insert(*to);
                    true
                } else {
                    involved.contains(to)
                }
            }
            SequenceEvent::Sent { from: None, to, .. } => involved.contains(to),
            SequenceEvent::Linked { a, b } => {
                let either = involved.contains(a) || involved.contains(b);
                if either {
                    involved.insert(*a);
                    involved.insert(*b);
                }
                either
            }
            SequenceEvent::Exited { pid, .. } => involved.contains(pid),
        };
        if keep {
            kept.push(entry.clone());
        }
    }
    kept
}

/// The processes an event draws on, in lane order.
fn pids_of(event: &SequenceEvent) -> Vec<Pid> {
    match event {
        SequenceEvent::Spawned { pid, parent } => parent.iter().copied().chain([*pid]).collect(),
        SequenceEvent::Linked { a, b } => vec![*a, *b],
        SequenceEvent::Sent { from, to, .. } => from.iter().copied().chain([*to]).collect(),
        SequenceEvent::ExitSignal { from, to, .. } | SequenceEvent::Down { from, to, .. } => vec![*from, *to],
        SequenceEvent::Exited { pid, .. } => vec![*pid],
    }
}

/// Each pid's lane and each lane's title: the first `fit - 1` processes get a lane
/// each and the rest share an `others` lane when they do not all fit.
fn fold_lanes(pids: &[Pid], fit: usize, names: &BTreeMap<Pid, LaneName>) -> (BTreeMap<Pid, usize>, Vec<LaneName>) {
    let title = |pid: &Pid| names.get(pid).cloned().unwrap_or_else(|| LaneName { title: pid_text(*pid), detail: None });
    if pids.len() <= fit {
        let lanes = pids.iter().enumerate().map(|(i, p)| (*p, i)).collect();
        return (lanes, pids.iter().map(title).collect());
    }
    let own = fit - 1;
    let lanes = pids.iter().enumerate().map(|(i, p)| (*p, i.min(own))).collect();
    let mut titles: Vec<LaneName> = pids[..own].iter().map(title).collect();
    titles.push(LaneName { title: format!("{} others", pids.len() - own), detail: Some("(folded)".to_string()) });
    (lanes, titles)
}

/// The rows of `entries` on lanes `lane_of`, each with its time; a spawn followed
/// by the link to its parent is one `spawn_link` row.
fn rows(entries: &[SequenceEntry], lane_of: &BTreeMap<Pid, usize>) -> Vec<(u64, Row)> {
    let lane = |p: &Pid| lane_of.get(p).copied().unwrap_or(0);
    let mut rows: Vec<(u64, Row)> = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let row = match &entry.event {
            SequenceEvent::Spawned { pid, parent: Some(parent) } => {
                let linked = matches!(entries.get(i + 1).map(|e| &e.event),
                    Some(SequenceEvent::Linked { a, b }) if (a, b) == (pid, parent) || (a, b) == (parent, pid));
                let label = if linked { "spawn_link" } else { "spawn" };
                arrow(lane(parent), lane(pid), label.to_string(), Line::Message, '●')
            }
            SequenceEvent::Spawned { pid, parent: None } => {
                Row::Mark { lane: lane(pid), glyph: '●', note: "spawned".to_string() }
            }
            SequenceEvent::Linked { a, b } => {
                let merged = i > 0
                    && matches!(&entries[i - 1].event, SequenceEvent::Spawned { pid, parent: Some(parent) }
                        if (a, b) == (pid, parent) || (a, b) == (parent, pid));
                if merged {
                    continue;
                }
                arrow(lane(a), lane(b), "link".to_string(), Line::Link, '↔')
            }
            SequenceEvent::Sent { from: Some(from), to, message, via_alias } => {
                arrow(lane(from), lane(to), message_label(message, *via_alias), Line::Message, '↺')
            }
            SequenceEvent::Sent { from: None, to, message, via_alias } => Row::Mark {
                lane: lane(to),
                glyph: '◆',
                note: format!("{} (timer)", message_label(message, *via_alias)),
            },
            SequenceEvent::ExitSignal { from, to, reason } => {
                arrow(lane(from), lane(to), format!("EXIT {}", term_text(reason)), Line::Signal, '↺')
            }
            SequenceEvent::Down { from, to, reason } => {
                arrow(lane(from), lane(to), format!("DOWN {}", term_text(reason)), Line::Signal, '↺')
            }
            SequenceEvent::Exited { pid, reason, .. } => {
                Row::Mark { lane: lane(pid), glyph: '✕', note: format!("exit {}", term_text(reason)) }
            }
        };
        rows.push((entry.at_ms, row));
    }
    rows
}

/// An arrow between two lanes, or a mark with `glyph` when both ends share a lane.
fn arrow(from: usize, to: usize, label: String, style: Line, glyph: char) -> Row {
    if from == to { Row::Mark { lane: from, glyph, note: label } } else { Row::Arrow { from, to, label, style } }
}

/// For each lane, the first and last row it is alive on: from its first event (or
/// the top, for a process that existed before the recording) to its exit (or the
/// bottom).
fn spans(rows: &[Row], lanes: usize) -> (Vec<usize>, Vec<usize>) {
    let mut first = vec![0; lanes];
    let mut last = vec![rows.len(); lanes];
    let mut seen = vec![false; lanes];
    for (i, row) in rows.iter().enumerate() {
        match row {
            Row::Arrow { from, to, label, .. } => {
                seen[*from] = true;
                if (label == "spawn" || label == "spawn_link") && !seen[*to] {
                    first[*to] = i;
                }
                seen[*to] = true;
            }
            Row::Mark { lane, glyph, .. } => {
                if *glyph == '●' && !seen[*lane] {
                    first[*lane] = i;
                }
                if *glyph == '✕' {
                    last[*lane] = i;
                }
                seen[*lane] = true;
            }
        }
    }
    (first, last)
}

/// A row shown, or the rows left out between the beginning and the end.
enum Shown {
    Row(usize),
    /// Rows `from..to` left out.
    Gap { from: usize, to: usize },
}

/// Which rows of `count` to draw: all when they fit in [`MAX_ROWS`], else the
/// first two thirds and the last third of that budget around a gap.
fn summarised(count: usize) -> Vec<Shown> {
    if count <= MAX_ROWS {
        return (0..count).map(Shown::Row).collect();
    }
    let head = MAX_ROWS * 2 / 3;
    let tail = MAX_ROWS - head - 1;
    let mut shown: Vec<Shown> = (0..head).map(Shown::Row).collect();
    shown.push(Shown::Gap { from: head, to: count - tail });
    shown.extend((count - tail..count).map(Shown::Row));
    shown
}

/// Column positions.
struct Layout {
    gutter: usize,
    lane_width: usize,
    width: usize,
}

impl Layout {
    /// The column of lane `i`'s line.
    fn center(&self, i: usize) -> usize {
        self.gutter + self.lane_width * i + self.lane_width / 2
    }

    /// The two title lines (the second only when some lane has a detail) and a
    /// line of lane heads.
    fn header(&self, titles: &[LaneName]) -> Vec<String> {
        let mut lines = Vec::new();
        let mut first = vec![' '; self.width];
        let mut second = vec![' '; self.width];
        for (i, t) in titles.iter().enumerate() {
            self.centered(&mut first, i, &t.title);
            if let Some(d) = &t.detail {
                self.centered(&mut second, i, d);
            }
        }
        lines.push(trimmed(first));
        if titles.iter().any(|t| t.detail.is_some()) {
            lines.push(trimmed(second));
        }
        let mut heads = vec![' '; self.width];
        for i in 0..titles.len() {
            set(&mut heads, self.center(i), '┬');
        }
        lines.push(trimmed(heads));
        lines
    }

    /// Writes `text` centred on lane `i`, cut to the lane's width.
    fn centered(&self, line: &mut [char], i: usize, text: &str) {
        let text = cut(text, self.lane_width - 1);
        let len = text.chars().count();
        let start = (self.center(i) + 1).saturating_sub(len.div_ceil(2)).max(self.gutter + self.lane_width * i);
        put(line, start, &text);
    }

    /// A row with only the lines of the lanes alive.
    fn blank(&self, lanes: usize, active: &dyn Fn(usize) -> bool) -> Vec<char> {
        let mut line = vec![' '; self.width];
        for lane in (0..lanes).filter(|l| active(*l)) {
            set(&mut line, self.center(lane), '│');
        }
        line
    }

    /// One event's line, with its time in the gutter when the time changed.
    fn row(&self, row: &Row, time: Option<&str>, lanes: usize, active: &dyn Fn(usize) -> bool) -> String {
        let mut line = self.blank(lanes, active);
        if let Some(t) = time {
            put(&mut line, self.gutter - 1 - t.chars().count(), t);
        }
        match row {
            Row::Arrow { from, to, label, style } => {
                let (a, b) = (self.center(*from), self.center(*to));
                // A lane past the line's end (only when even two lanes do not fit)
                // is drawn at the end.
                let (a, b) = (a.min(self.width - 1), b.min(self.width - 1));
                let (lo, hi) = (a.min(b), a.max(b));
                let fill = match style {
                    Line::Message => '─',
                    Line::Signal => '┈',
                    Line::Link => '╌',
                };
                for cell in line.iter_mut().take(hi).skip(lo + 1) {
                    *cell = fill;
                }
                if *style != Line::Link && hi > lo + 1 {
                    if b > a {
                        set(&mut line, hi - 1, '▶');
                    } else {
                        set(&mut line, lo + 1, '◀');
                    }
                }
                if label.starts_with("spawn") {
                    set(&mut line, b, '●');
                }
                let room = (hi - lo).saturating_sub(4);
                let label = cut(label, room);
                let len = label.chars().count();
                put(&mut line, lo + 1 + (hi - lo).saturating_sub(1 + len) / 2, &label);
            }
            Row::Mark { lane, glyph, note } => {
                let at = self.center(*lane);
                set(&mut line, at, *glyph);
                let room = self.width.saturating_sub(at + 2);
                put(&mut line, at + 2, &cut(note, room));
            }
        }
        trimmed(line)
    }
}

/// Sets column `at` of `line`, if the line reaches it.
fn set(line: &mut [char], at: usize, ch: char) {
    if let Some(cell) = line.get_mut(at) {
        *cell = ch;
    }
}

/// Writes `text` into `line` from column `at`, dropping what falls off its end.
fn put(line: &mut [char], at: usize, text: &str) {
    for (cell, ch) in line.iter_mut().skip(at).zip(text.chars()) {
        *cell = ch;
    }
}

/// The line without its trailing spaces.
fn trimmed(line: Vec<char>) -> String {
    line.into_iter().collect::<String>().trim_end().to_string()
}

/// `text` cut to `max` characters, the last one an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    text.chars().take(max - 1).chain(['…']).collect()
}

/// `text` broken at spaces into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let last = lines.last_mut().map_or(0, |l| l.chars().count());
        if last > 0 && last + 1 + word.chars().count() > width {
            lines.push(String::new());
        }
        if let Some(line) = lines.last_mut() {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&cut(word, width));
        }
    }
    lines
}

/// A message's label: OTP's protocol messages by their meaning (`call :get`,
/// `cast :reset`, `reply 1`, `system :get_state`), anything else as inspected.
pub fn message_label(message: &Term, via_alias: bool) -> String {
    if let Term::Tuple(items) = message {
        let head = items.first().and_then(|h| h.as_atom()).map(|a| a.as_str());
        match (head, items.len()) {
            (Some("$gen_call"), 3) => return format!("call {}", request_text(&items[2])),
            (Some("$gen_cast"), 2) => return format!("cast {}", request_text(&items[1])),
            (Some("system"), 3) => return format!("system {}", request_text(&items[2])),
            (Some("DOWN"), 5) => return format!("DOWN {}", term_text(&items[4])),
            (Some("EXIT"), 3) => return format!("EXIT {}", term_text(&items[2])),
            _ => {}
        }
        let tagged = matches!(items.first(), Some(Term::Ref(_)))
            || matches!(items.first(), Some(Term::Cons(c)) if c.head.is_atom_named("alias"));
        if items.len() == 2 && (tagged || via_alias) {
            return format!("reply {}", term_text(&items[1]));
        }
    }
    term_text(message)
}

/// A request in a label: a tuple whose first item is an atom and that carries a
/// function (`{:get, fun}`, Agent's requests) by that atom alone, else the term.
fn request_text(request: &Term) -> String {
    if let Term::Tuple(items) = request
        && let Some(Term::Atom(tag)) = items.first()
        && items.iter().any(|t| matches!(t, Term::Fun(_)))
    {
        return inspect(&Term::Atom(*tag));
    }
    term_text(request)
}

/// A term's text for a label, cut to [`TERM_TEXT`] characters.
fn term_text(t: &Term) -> String {
    cut(&inspect(t), TERM_TEXT)
}

#[cfg(test)]
#[path = "sequence_chart_tests.rs"]
mod tests;
