//! The keys of the step mode. On a terminal a single key press counts (crossterm
//! raw mode, switched on only while waiting so that output keeps its line endings);
//! otherwise one line of stdin is one key, so tests and scripted classes can drive
//! a presentation (end of input quits).

use std::io::{BufRead, IsTerminal};

use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};

/// What the presenter was asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// Run the step shown (space, enter, `n`, right arrow).
    Next,
    /// Show the previous step again (`b`, left arrow).
    Back,
    /// Go to step N (1-based): `g N` then enter.
    Goto(usize),
    /// Clear the screen and show the current step again (`c`).
    Clear,
    /// Stop (`q`, Esc, Ctrl-C, end of input).
    Quit,
    /// Anything else.
    Other,
}

/// Where keys come from.
pub enum Keys {
    /// Key presses on the terminal.
    Terminal,
    /// Lines of a non-terminal stdin (`g N` for a jump).
    Lines(std::io::StdinLock<'static>),
}

impl Keys {
    /// Key presses when stdin is a terminal, lines otherwise.
    pub fn from_stdin() -> Keys {
        if std::io::stdin().is_terminal() { Keys::Terminal } else { Keys::Lines(std::io::stdin().lock()) }
    }

    /// Waits for the next key.
    pub fn next_key(&mut self) -> Key {
        match self {
            Keys::Terminal => terminal_key().unwrap_or(Key::Quit),
            Keys::Lines(input) => {
                let mut line = String::new();
                match input.read_line(&mut line) {
                    Ok(0) | Err(_) => Key::Quit,
                    Ok(_) => line_key(line.trim()),
                }
            }
        }
    }
}

/// The key a line of input stands for.
fn line_key(line: &str) -> Key {
    match line {
        "" | "n" | "next" => Key::Next,
        "b" | "back" => Key::Back,
        "c" | "clear" => Key::Clear,
        "q" | "quit" => Key::Quit,
        _ => match line.strip_prefix('g').map(|n| n.trim().parse::<usize>()) {
            Some(Ok(n)) => Key::Goto(n),
            _ => Key::Other,
        },
    }
}

/// One key press in raw mode; `None` when the terminal cannot be read.
fn terminal_key() -> Option<Key> {
    crossterm::terminal::enable_raw_mode().ok()?;
    let key = loop {
        match crossterm::event::read() {
            Ok(Event::Key(press)) if press.kind != KeyEventKind::Release => {
                break match press.code {
                    KeyCode::Char('c') if press.modifiers.contains(KeyModifiers::CONTROL) => Key::Quit,
                    KeyCode::Char(' ') | KeyCode::Enter | KeyCode::Char('n') | KeyCode::Right => Key::Next,
                    KeyCode::Char('b') | KeyCode::Left => Key::Back,
                    KeyCode::Char('c') => Key::Clear,
                    KeyCode::Char('g') => step_number().map_or(Key::Other, Key::Goto),
                    KeyCode::Char('q') | KeyCode::Esc => Key::Quit,
                    _ => Key::Other,
                };
            }
            Ok(_) => continue,
            Err(_) => break Key::Quit,
        }
    };
    let _ = crossterm::terminal::disable_raw_mode();
    Some(key)
}

/// The digits typed after `g` (shown as they are typed), ended by enter; `None` on
/// Esc, on enter with no digits, or when the terminal cannot be read. Raw mode is on.
fn step_number() -> Option<usize> {
    use std::io::Write;
    let mut digits = String::new();
    let echo = |text: &str| {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    };
    echo("\rgo to step: ");
    loop {
        let Event::Key(press) = crossterm::event::read().ok()? else { continue };
        if press.kind == KeyEventKind::Release {
            continue;
        }
        match press.code {
            KeyCode::Char(d) if d.is_ascii_digit() && digits.len() < 6 => {
                digits.push(d);
                echo(&d.to_string());
            }
            KeyCode::Backspace if digits.pop().is_some() => echo("\u{8} \u{8}"),
            KeyCode::Enter => {
                echo("\r\n");
                return digits.parse().ok();
            }
            KeyCode::Esc => {
                echo("\r\n");
                return None;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_map_to_keys() {
        assert_eq!(line_key(""), Key::Next);
        assert_eq!(line_key("b"), Key::Back);
        assert_eq!(line_key("q"), Key::Quit);
        assert_eq!(line_key("x"), Key::Other);
        assert_eq!(line_key("g 12"), Key::Goto(12));
        assert_eq!(line_key("g3"), Key::Goto(3));
        assert_eq!(line_key("c"), Key::Clear);
    }
}
