//! Compile errors: what Elixir reports at compile time, with a position.

use crate::syntax::Span;

/// The kinds of compile error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompileErrorKind {
    /// `undefined variable "x"` / `undefined function foo/1`.
    Undefined,
    /// A form Elixir accepts but otplab does not implement.
    Unsupported,
    /// Anything else Elixir rejects at compile time (bad pattern, misplaced `when`...).
    Invalid,
}

/// A compile error with Elixir's wording and a position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CompileError {
    /// What kind of error.
    pub kind: CompileErrorKind,
    /// Where.
    pub span: Span,
    /// The message (without file and position).
    pub message: String,
}

impl CompileError {
    /// An error of `kind` at `span`.
    pub fn new(kind: CompileErrorKind, span: Span, message: impl Into<String>) -> CompileError {
        CompileError { kind, span, message: message.into() }
    }

    /// "`what` is not supported by otplab".
    pub fn unsupported(span: Span, what: impl std::fmt::Display) -> CompileError {
        CompileError::new(CompileErrorKind::Unsupported, span, format!("{what} is not supported by otplab"))
    }

    /// A generic invalid-code error.
    pub fn invalid(span: Span, message: impl Into<String>) -> CompileError {
        CompileError::new(CompileErrorKind::Invalid, span, message)
    }

    /// The banner Elixir prints: `** (CompileError) file:LINE: message`.
    pub fn banner(&self, file: &str) -> String {
        format!("** (CompileError) {}:{}: {}", file, self.span.line, self.message)
    }
}

/// Result alias for the compiler.
pub type CResult<T> = Result<T, CompileError>;
