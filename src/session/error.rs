//! Errors that stop code before it runs (it could not be read or compiled).

use crate::compile::CompileError;
use crate::syntax::SyntaxError;

/// Why a script or REPL entry could not run.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SessionError {
    /// The text is not valid Elixir (or is incomplete).
    #[error(transparent)]
    Syntax(#[from] SyntaxError),
    /// The code is valid Elixir that cannot be compiled (or is unsupported).
    #[error(transparent)]
    Compile(#[from] CompileError),
    /// The prelude shipped in the binary failed to load (a bug in otplab).
    #[error("otplab's prelude failed to load: {0}")]
    Prelude(String),
}

impl SessionError {
    /// The first line Elixir prints for this error when running `file`.
    pub fn banner(&self, file: &str) -> String {
        match self {
            SessionError::Syntax(e) => e.banner(file),
            SessionError::Compile(e) => e.banner(file),
            SessionError::Prelude(m) => format!("** (RuntimeError) {m}"),
        }
    }

    /// True when more input could complete the text (the REPL asks for another line).
    pub fn is_incomplete(&self) -> bool {
        matches!(self, SessionError::Syntax(e) if e.kind == crate::syntax::SyntaxErrorKind::Incomplete)
    }
}
