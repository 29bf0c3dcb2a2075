//! `to_string/1`: the String.Chars protocol for interpolation and `IO.puts`.
//!
//! Binaries as they are, integers, floats (`Float.to_string/1`: `1.0e10`, unlike
//! `inspect`), atoms (`nil` is empty; aliases keep `Elixir.` as in Elixir:
//! `to_string(Foo)` is `"Elixir.Foo"`), chardata lists, and `Date` structs. Anything
//! else is an error carrying Elixir's exact message.

use super::date::iso_date;
use super::float_format::float_to_text;
use super::inspect::inspect;
use super::value::Term;

/// Why a term has no text form; the message is Elixir's, word for word.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NoTextForm {
    /// `Protocol.UndefinedError`: String.Chars has no implementation for this type.
    #[error("protocol String.Chars not implemented for {shown} of type {type_name}")]
    NotImplemented {
        /// `inspect` of the value.
        shown: String,
        /// Elixir's type description: `Tuple`, `PID`, `RuntimeError (a struct)`...
        type_name: String,
    },
    /// `ArgumentError`: a list that is not chardata.
    #[error(
        "cannot convert the given list to a string.\n\nTo be converted to a string, a list must either be empty or only\ncontain the following elements:\n\n  * strings\n  * integers representing Unicode code points\n  * a list containing one of these three elements\n\nPlease check the given list or call inspect/1 to get the list representation, got:\n\n{shown}\n"
    )]
    NotChardata {
        /// `inspect` of the list.
        shown: String,
    },
    /// `UnicodeConversionError`: an integer in the list is not a code point.
    #[error("invalid code point {0}")]
    InvalidCodePoint(i64),
}

impl NoTextForm {
    /// The Elixir exception module this error is raised as.
    pub fn exception_module(&self) -> &'static str {
        match self {
            NoTextForm::NotImplemented { .. } => "Protocol.UndefinedError",
            NoTextForm::NotChardata { .. } => "ArgumentError",
            NoTextForm::InvalidCodePoint(_) => "UnicodeConversionError",
        }
    }
}

/// The text of a term as `"#{term}"` would produce it, or the reason there is none.
///
/// A binary that is not valid UTF-8 has no exact `String` form: use
/// [`to_text_bytes`] where the bytes must survive (building a binary).
pub fn to_text(t: &Term) -> Result<String, NoTextForm> {
    to_text_bytes(t).map(|bytes| match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// The bytes of `"#{term}"`: exact for every binary, valid UTF-8 or not.
pub fn to_text_bytes(t: &Term) -> Result<Vec<u8>, NoTextForm> {
    match t {
        Term::Binary(b) => Ok(b.to_vec()),
        Term::Int(i) => Ok(i.to_string().into_bytes()),
        Term::BigInt(b) => Ok(b.to_string().into_bytes()),
        Term::Float(f) => Ok(float_to_text(*f).into_bytes()),
        Term::Atom(a) if a.as_str() == "nil" => Ok(Vec::new()),
        Term::Atom(a) => Ok(a.as_str().as_bytes().to_vec()),
        Term::Nil | Term::Cons(_) => chardata(t),
        Term::Map(_) if t.struct_name().is_some_and(|n| n.as_str() == "Elixir.Date") => match iso_date(t) {
            Some(text) => Ok(text.into_bytes()),
            None => Err(not_implemented(t)),
        },
        Term::Map(_) if t.struct_name().is_some() => {
            let text = super::date::iso_naive_datetime(t)
                .or_else(|| super::date::iso_time(t))
                .or_else(|| super::date::iso_datetime(t).map(|(text, _)| text))
                .or_else(|| uri_text(t));
            text.map(String::into_bytes).ok_or_else(|| not_implemented(t))
        }
        _ => Err(not_implemented(t)),
    }
}

/// `to_string(%URI{})`: the URI's parts joined back (`URI.to_string/1`).
fn uri_text(t: &Term) -> Option<String> {
    if !t.struct_name().is_some_and(|n| n.as_str() == "Elixir.URI") {
        return None;
    }
    let part = |k: &str| t.map_get_atom(k).and_then(Term::as_str).map(str::to_string);
    let mut out = String::new();
    if let Some(scheme) = part("scheme") {
        out.push_str(&scheme);
        out.push(':');
    }
    if let Some(host) = part("host") {
        out.push_str("//");
        if let Some(userinfo) = part("userinfo") {
            out.push_str(&userinfo);
            out.push('@');
        }
        out.push_str(&host);
        if let Some(Term::Int(port)) = t.map_get_atom("port") {
            let default = match part("scheme").as_deref() {
                Some("http") | Some("ws") => Some(80),
                Some("https") | Some("wss") => Some(443),
                Some("ftp") => Some(21),
                _ => None,
            };
            if default != Some(*port) {
                out.push_str(&format!(":{port}"));
            }
        }
    }
    if let Some(path) = part("path") {
        out.push_str(&path);
    }
    if let Some(query) = part("query") {
        out.push('?');
        out.push_str(&query);
    }
    if let Some(fragment) = part("fragment") {
        out.push('#');
        out.push_str(&fragment);
    }
    Some(out)
}

fn not_implemented(t: &Term) -> NoTextForm {
    let type_name = match t {
        Term::Tuple(_) => "Tuple".to_string(),
        Term::Map(_) => match t.struct_name() {
            Some(name) => format!("{} (a struct)", super::atom_syntax::atom_literal(name.as_str())),
            None => "Map".to_string(),
        },
        Term::Pid(_) => "PID".to_string(),
        Term::Ref(_) => "Reference".to_string(),
        Term::Fun(_) => "Function".to_string(),
        // Every other type has a String.Chars implementation.
        _ => "Any".to_string(),
    };
    NoTextForm::NotImplemented { shown: inspect(t), type_name }
}

/// `IO.chardata_to_string/1`: code points, binaries and nested lists (a binary may
/// also end an improper list), walked with an explicit stack.
fn chardata(list: &Term) -> Result<Vec<u8>, NoTextForm> {
    let mut out = Vec::new();
    let mut pending: Vec<&Term> = vec![list];
    while let Some(item) = pending.pop() {
        match item {
            Term::Nil => {}
            Term::Binary(b) => out.extend_from_slice(b),
            Term::Cons(cell) => {
                pending.push(&cell.tail);
                match &cell.head {
                    Term::Int(code) => push_code_point(&mut out, *code)?,
                    head @ (Term::Binary(_) | Term::Nil | Term::Cons(_)) => pending.push(head),
                    _ => return Err(NoTextForm::NotChardata { shown: inspect(list) }),
                }
            }
            _ => return Err(NoTextForm::NotChardata { shown: inspect(list) }),
        }
    }
    Ok(out)
}

fn push_code_point(out: &mut Vec<u8>, code: i64) -> Result<(), NoTextForm> {
    let c = u32::try_from(code).ok().and_then(char::from_u32).ok_or(NoTextForm::InvalidCodePoint(code))?;
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(t: &Term) -> String {
        match to_text(t) {
            Ok(s) => s,
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn scalars() {
        assert_eq!(ok(&Term::string("héllo")), "héllo");
        assert_eq!(ok(&Term::Int(-42)), "-42");
        assert_eq!(ok(&Term::Float(1.0e10)), "1.0e10");
        assert_eq!(ok(&Term::Float(100.0)), "100.0");
        assert_eq!(ok(&Term::Float(1000.0)), "1.0e3");
        assert_eq!(ok(&Term::nil()), "");
        assert_eq!(ok(&Term::ok()), "ok");
        assert_eq!(ok(&Term::atom("Elixir.Foo")), "Elixir.Foo");
        let big = num_bigint::BigInt::from(2).pow(70);
        assert_eq!(ok(&Term::from_bigint(big)), "1180591620717411303424");
    }

    #[test]
    fn chardata_lists() {
        let hello = Term::list(vec![
            Term::Int('h' as i64),
            Term::string("ello"),
            Term::list(vec![Term::Int('w' as i64)]),
        ]);
        assert_eq!(ok(&hello), "hellow");
        assert_eq!(ok(&Term::list_with_tail(vec![Term::Int('a' as i64)], Term::string("b"))), "ab");
        assert_eq!(ok(&Term::list(vec![Term::Int(0x1F600), Term::Int(233)])), "😀é");
        assert_eq!(ok(&Term::Nil), "");
    }

    #[test]
    fn errors_carry_elixirs_messages() {
        let e = to_text(&Term::pair(Term::Int(1), Term::Int(2))).err();
        assert_eq!(e.as_ref().map(|e| e.to_string()).as_deref(), Some("protocol String.Chars not implemented for {1, 2} of type Tuple"));
        assert_eq!(e.map(|e| e.exception_module()), Some("Protocol.UndefinedError"));
        let map = Term::map([(Term::atom("a"), Term::Int(1))]);
        assert_eq!(ok(&map), "error: protocol String.Chars not implemented for %{a: 1} of type Map");
        assert_eq!(ok(&Term::Pid(super::super::Pid(96))), "error: protocol String.Chars not implemented for #PID<0.96.0> of type PID");
        // RuntimeError is one of Elixir's own structs, known without a session.
        let exc = Term::map([
            (Term::atom("__struct__"), Term::atom("Elixir.RuntimeError")),
            (Term::atom("__exception__"), Term::bool(true)),
            (Term::atom("message"), Term::string("x")),
        ]);
        assert_eq!(
            ok(&exc),
            "error: protocol String.Chars not implemented for %RuntimeError{message: \"x\"} of type RuntimeError (a struct)"
        );
        let bad = to_text(&Term::list(vec![Term::Int(1), Term::atom("a")])).err();
        assert_eq!(bad.as_ref().map(|e| e.exception_module()), Some("ArgumentError"));
        assert!(bad.map(|e| e.to_string()).is_some_and(|m| m.ends_with("got:\n\n[1, :a]\n")));
        assert_eq!(ok(&Term::list(vec![Term::Int(0xD800)])), "error: invalid code point 55296");
    }

    #[test]
    fn dates() {
        let d = Term::map([
            (Term::atom("__struct__"), Term::atom("Elixir.Date")),
            (Term::atom("calendar"), Term::atom("Elixir.Calendar.ISO")),
            (Term::atom("year"), Term::Int(2020)),
            (Term::atom("month"), Term::Int(7)),
            (Term::atom("day"), Term::Int(10)),
        ]);
        assert_eq!(ok(&d), "2020-07-10");
    }

    #[test]
    fn long_charlist_is_iterative() {
        let items: Vec<Term> = (0..1_000_000).map(|i| Term::Int(97 + (i % 26))).collect();
        let text = ok(&Term::list(items));
        assert_eq!(text.len(), 1_000_000);
        assert!(text.starts_with("abcdefghijklmnopqrstuvwxyzab"));
    }
}
