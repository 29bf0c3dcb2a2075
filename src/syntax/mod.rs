//! Layer 1 — text to tokens to AST, with spans. Knows nothing else in the crate.
//!
//! - [`lexer`]: characters to [`lexer::Token`]s (strings with interpolation, sigils, heredocs).
//! - [`parser`]: tokens to [`ast::Node`]s with Elixir's operator precedence.
//! - [`ast`]: the tree, a typed mirror of Elixir's quoted form.
//! - [`error`]: [`SyntaxError`], which tells an incomplete input from a wrong one.

pub mod ast;
pub mod error;
pub mod lexer;
pub mod parser;
pub mod precedence;
pub mod span;

pub use ast::{BinaryOp, CallTarget, Clause, Node, NodeKind, UnaryOp};
pub use error::{SyntaxError, SyntaxErrorKind};
pub use span::Span;

/// Parses a whole source text (a script, a REPL entry) into its top-level expressions.
pub fn parse(source: &str) -> Result<Vec<Node>, SyntaxError> {
    parser::parse_program(source)
}

#[cfg(test)]
mod corpus_tests;

#[cfg(test)]
mod error_snapshots;
