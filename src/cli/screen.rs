//! The width of the screen the step mode draws on, and fitting text to it: a projector
//! is often 80 columns, and a line the terminal wraps mid-word is hard to read from the
//! back of a room.

use std::io::IsTerminal;

/// The narrowest width the step mode lays out for.
pub const MIN_WIDTH: usize = 40;

/// The width used when stdout is not a terminal and `COLUMNS` is unset.
pub const DEFAULT_WIDTH: usize = 80;

/// The terminal's columns (stdout a terminal), else `$COLUMNS`, else [`DEFAULT_WIDTH`];
/// never below [`MIN_WIDTH`].
pub fn width() -> usize {
    let from_terminal = std::io::stdout()
        .is_terminal()
        .then(|| crossterm::terminal::size().ok().map(|(cols, _)| usize::from(cols)))
        .flatten()
        // A pty nobody sized reports 0 columns: that says nothing about the screen.
        .filter(|cols| *cols > 0);
    let from_env = || std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok());
    from_terminal.or_else(from_env).unwrap_or(DEFAULT_WIDTH).max(MIN_WIDTH)
}

/// `text` with every line longer than `width` wrapped at word boundaries; continuation
/// lines keep the line's indentation plus two spaces, so wrapped code still reads as code.
pub fn fit(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if textwrap::core::display_width(line) <= width {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let indent: String = line.chars().take_while(|c| *c == ' ').collect();
        let follow = format!("{indent}  ");
        let options = textwrap::Options::new(width)
            .initial_indent(&indent)
            .subsequent_indent(&follow)
            .break_words(true);
        for piece in textwrap::wrap(line.trim_start(), options) {
            out.push_str(&piece);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_at_words_within_the_width() {
        let line = format!("    IO.puts(\"{}\")", "word ".repeat(30));
        let fitted = fit(&line, 40);
        assert!(fitted.lines().count() > 1);
        for piece in fitted.lines() {
            assert!(piece.chars().count() <= 40, "{piece:?}");
            assert!(piece.starts_with("    "), "indentation kept: {piece:?}");
        }
        assert_eq!(fit("short\n", 40), "short\n");
    }
}
