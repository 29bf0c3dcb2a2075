//! Syntax errors, told apart by kind so the REPL can ask for more input.

use super::span::Span;

/// What went wrong while reading source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// The input ended inside an open construct (`do` without `end`, an open
    /// bracket or string). The REPL shows a continuation prompt; `run` prints
    /// Elixir's `** (TokenMissingError)` banner.
    Incomplete,
    /// Anything else: an unexpected token, a bad escape, a malformed number.
    Invalid,
}

/// A syntax error with its position and Elixir-style message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    /// Incomplete or invalid.
    pub kind: SyntaxErrorKind,
    /// Where it was noticed.
    pub span: Span,
    /// The message without the banner, as Elixir words it
    /// (e.g. `syntax error before: ')'`, `missing terminator: end (for "do" starting at line 1)`).
    pub message: String,
}

impl SyntaxError {
    /// The banner exception name Elixir uses for this error.
    pub fn exception_name(&self) -> &'static str {
        match self.kind {
            SyntaxErrorKind::Incomplete => "TokenMissingError",
            SyntaxErrorKind::Invalid => "SyntaxError",
        }
    }

    /// The full first line Elixir 1.14 prints for this error in `file`:
    /// `** (SyntaxError) file:LINE:COL: message`.
    pub fn banner(&self, file: &str) -> String {
        format!(
            "** ({}) {}:{}:{}: {}",
            self.exception_name(),
            file,
            self.span.line,
            self.span.col,
            self.message
        )
    }
}
