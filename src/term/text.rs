//! `to_string/1`: the String.Chars protocol for interpolation and `IO.puts`.

use super::value::Term;

/// Why a term has no text form (`Protocol.UndefinedError` in Elixir).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("protocol String.Chars not implemented for {0}")]
pub struct NoTextForm(pub String);

/// The text of a term as `"#{term}"` would produce it, or the reason there is none.
pub fn to_text(t: &Term) -> Result<String, NoTextForm> {
    match t {
        Term::Binary(b) => Ok(String::from_utf8_lossy(b).into_owned()),
        Term::Int(i) => Ok(i.to_string()),
        Term::BigInt(b) => Ok(b.to_string()),
        Term::Atom(a) if a.as_str() == "nil" => Ok(String::new()),
        Term::Atom(a) => Ok(a.as_str().strip_prefix("Elixir.").unwrap_or(a.as_str()).to_string()),
        other => Err(NoTextForm(super::inspect::inspect(other))),
    }
}
