//! `inspect`: Elixir 1.14's Inspect protocol for the built-in types.
//! (Minimal form; the full pretty-printer replaces this.)

use super::value::Term;

/// Options of `inspect/2` and `IO.inspect/2`.
#[derive(Debug, Clone)]
pub struct InspectOpts {
    /// Break long terms across lines at `width` (IO.inspect does; inspect/1 does not).
    pub pretty: bool,
    /// The line width for pretty printing.
    pub width: usize,
    /// Collections show at most this many items, then `...`.
    pub limit: usize,
}

impl Default for InspectOpts {
    fn default() -> Self {
        InspectOpts { pretty: false, width: 80, limit: 50 }
    }
}

/// `inspect(term)`: one line, at most 50 items per collection.
pub fn inspect(t: &Term) -> String {
    inspect_with(t, &InspectOpts::default())
}

/// `inspect(term, opts)`.
pub fn inspect_with(t: &Term, _opts: &InspectOpts) -> String {
    match t {
        Term::Int(i) => i.to_string(),
        Term::Atom(a) => format!(":{}", a.as_str()),
        Term::Binary(b) => format!("{:?}", String::from_utf8_lossy(b)),
        Term::Nil => "[]".into(),
        Term::Tuple(items) => {
            let parts: Vec<String> = items.iter().map(inspect).collect();
            format!("{{{}}}", parts.join(", "))
        }
        Term::Cons(_) => {
            let parts: Vec<String> = t.list_iter().map(inspect).collect();
            format!("[{}]", parts.join(", "))
        }
        other => format!("{:?}", std::mem::discriminant(other)),
    }
}
