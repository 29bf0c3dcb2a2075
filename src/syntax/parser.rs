//! Parser (being written).
use super::{SyntaxError, ast::Node};
/// Parses a program.
pub fn parse_program(_source: &str) -> Result<Vec<Node>, SyntaxError> {
    Ok(Vec::new())
}
