//! Drawing a [`Timeline`] on the terminal: the course layer lays it out as pieces
//! with roles; here each role gets a colour, and only when stdout is a terminal
//! (piped output and tests get the plain characters).

use std::io::{IsTerminal, Write};

use crossterm::style::{Color, Stylize};

use crate::course::timeline::{Role, Timeline};

/// Cells of the time axis when the terminal's width is unknown.
const DEFAULT_WIDTH: usize = 50;

/// Writes `timeline` to stdout, indented by `indent` spaces.
pub fn draw(timeline: &Timeline, indent: usize) {
    let tty = std::io::stdout().is_terminal();
    let width = if tty {
        // Leave room for the labels and the note after each bar.
        crossterm::terminal::size().map(|(cols, _)| (usize::from(cols) / 2).clamp(20, 80)).unwrap_or(DEFAULT_WIDTH)
    } else {
        DEFAULT_WIDTH
    };
    let mut out = std::io::stdout().lock();
    if !tty {
        for line in timeline.plain(width).lines() {
            let _ = writeln!(out, "{:indent$}{line}", "");
        }
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
