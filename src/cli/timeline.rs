//! Drawing a [`Timeline`] on the terminal: the course layer lays it out as pieces
//! with roles; here each role gets a colour, and only when stdout is a terminal
//! (piped output and tests get the plain characters). The bar shrinks so the drawing
//! fits the screen's width.

use std::io::{IsTerminal, Write};

use crossterm::style::{Color, Stylize};

use crate::course::timeline::{Role, Timeline};

/// The fewest cells a time axis gets, however narrow the screen.
const MIN_AXIS: usize = 10;

/// The most cells a time axis gets, however wide the screen.
const MAX_AXIS: usize = 60;

/// The widest axis whose drawing, indented by `indent`, fits in `screen` columns
/// (labels and notes take what they need; the bar shrinks to make room).
fn axis_width(timeline: &Timeline, indent: usize, screen: usize) -> usize {
    let widest = |axis: usize| timeline.plain(axis).lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let mut axis = MAX_AXIS.min(screen.saturating_sub(indent)).max(MIN_AXIS);
    while axis > MIN_AXIS && indent + widest(axis) > screen {
        axis -= 1;
    }
    axis
}

/// Writes `timeline` to stdout, indented by `indent` spaces, fitting `screen` columns.
pub fn draw(timeline: &Timeline, indent: usize, screen: usize) {
    let tty = std::io::stdout().is_terminal();
    let width = axis_width(timeline, indent, screen);
    let indented: String =
        timeline.plain(width).lines().map(|line| format!("{:indent$}{line}\n", "")).collect();
    let fits = indented.lines().all(|line| line.chars().count() <= screen);
    let mut out = std::io::stdout().lock();
    if !tty || !fits {
        // Plain characters, wrapped when even the narrowest bar leaves a line too long.
        let _ = write!(out, "{}", super::screen::fit(&indented, screen));
        return;
    }
    for pieces in timeline.lines(width) {
        let _ = write!(out, "{:indent$}", "");
        for piece in pieces {
            let text = piece.text;
            let _ = match piece.role {
                Role::Label => write!(out, "{text}"),
                Role::Alive => write!(out, "{}", text.with(Color::Green)),
                Role::Exit => write!(out, "{}", text.with(Color::Cyan).bold()),
                Role::Crash => write!(out, "{}", text.with(Color::Red).bold()),
                Role::Note => write!(out, "{}", text.with(Color::DarkGrey)),
            };
        }
        let _ = writeln!(out);
    }
    let _ = out.flush();
}
