//! `URI`: parsing (RFC 3986, appendix B, as Elixir 1.14's `URI.parse/1`), building
//! back to text, percent-encoding, queries and reference resolution (`merge/2`).
//! The struct is `%URI{scheme, authority, userinfo, host, port, path, query, fragment}`
//! (the prelude's `defstruct` gives the field order); `encode/2` with a predicate
//! lives in the prelude.

use super::argument::{function_clause, ok};
use crate::term::Term;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult, Raise};

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

/// The parts of a URI; `None` is Elixir's nil.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Uri {
    /// Lower-cased scheme.
    pub scheme: Option<String>,
    /// `userinfo@host:port` as written.
    pub authority: Option<String>,
    /// Before the `@`.
    pub userinfo: Option<String>,
    /// Host (IPv6 without brackets).
    pub host: Option<String>,
    /// Explicit port, else the scheme's default.
    pub port: Option<i64>,
    /// Path (`None` when empty).
    pub path: Option<String>,
    /// After `?`.
    pub query: Option<String>,
    /// After `#`.
    pub fragment: Option<String>,
}

/// The port a scheme uses by default (`URI.default_port/1`).
pub fn default_port(scheme: &str) -> Option<i64> {
    Some(match scheme {
        "ftp" => 21,
        "sftp" => 22,
        "tftp" => 69,
        "http" | "ws" => 80,
        "https" | "wss" => 443,
        "ldap" => 389,
        _ => return None,
    })
}

fn nillify(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// `URI.parse/1`: never fails, as Elixir's (anything is a relative reference).
pub fn parse(s: &str) -> Uri {
    let mut rest = s;
    let mut uri = Uri::default();
    // scheme: a letter, then letters, digits, + - . ; followed by ':'
    if let Some(colon) = rest.find(':') {
        let cand = &rest[..colon];
        let valid = cand.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && cand.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if valid {
            uri.scheme = Some(cand.to_ascii_lowercase());
            rest = &rest[colon + 1..];
        }
    }
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let authority = &after[..end];
        rest = &after[end..];
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(at) => (nillify(&authority[..at]), &authority[at + 1..]),
            None => (None, authority),
        };
        let (host, port_text) = if hostport.starts_with('[') {
            match hostport.find(']') {
                Some(close) => (&hostport[1..close], hostport[close + 1..].strip_prefix(':')),
                None => (hostport, None),
            }
        } else {
            match hostport.find(':') {
                Some(c) => (&hostport[..c], Some(&hostport[c + 1..])),
                None => (hostport, None),
            }
        };
        uri.authority = Some(authority.to_string());
        uri.userinfo = userinfo;
        uri.host = Some(host.to_string());
        uri.port = port_text.filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())).and_then(|p| p.parse().ok());
    }
    let (before_fragment, fragment) = match rest.find('#') {
        Some(h) => (&rest[..h], Some(rest[h + 1..].to_string())),
        None => (rest, None),
    };
    let (path, query) = match before_fragment.find('?') {
        Some(q) => (&before_fragment[..q], Some(before_fragment[q + 1..].to_string())),
        None => (before_fragment, None),
    };
    uri.path = nillify(path);
    uri.query = query;
    uri.fragment = fragment.and_then(|f| nillify(&f));
    if uri.port.is_none() {
        uri.port = uri.scheme.as_deref().and_then(default_port);
    }
    uri
}

fn opt(s: &Option<String>) -> Term {
    s.as_deref().map_or_else(Term::nil, Term::string)
}

/// The `%URI{}` term of `uri`.
pub fn to_term(uri: &Uri) -> Term {
    Term::map([
        (Term::atom("__struct__"), Term::atom("Elixir.URI")),
        (Term::atom("scheme"), opt(&uri.scheme)),
        (Term::atom("authority"), opt(&uri.authority)),
        (Term::atom("userinfo"), opt(&uri.userinfo)),
        (Term::atom("host"), opt(&uri.host)),
        (Term::atom("port"), uri.port.map_or_else(Term::nil, Term::Int)),
        (Term::atom("path"), opt(&uri.path)),
        (Term::atom("query"), opt(&uri.query)),
        (Term::atom("fragment"), opt(&uri.fragment)),
    ])
}

/// A `%URI{}` (or a string, parsed) as [`Uri`].
fn from_term(t: &Term) -> Option<Uri> {
    if let Some(s) = t.as_str() {
        return Some(parse(s));
    }
    if !t.struct_name().is_some_and(|n| n.as_str() == "Elixir.URI") {
        return None;
    }
    let s = |k: &str| t.map_get_atom(k).and_then(Term::as_str).map(str::to_string);
    Some(Uri {
        scheme: s("scheme"),
        authority: s("authority"),
        userinfo: s("userinfo"),
        host: s("host"),
        port: t.map_get_atom("port").and_then(super::argument::small_int),
        path: s("path"),
        query: s("query"),
        fragment: s("fragment"),
    })
}

/// `URI.to_string/1`: the parts joined back; the port only when not the default.
pub fn to_text(uri: &Uri) -> String {
    let mut out = String::new();
    if let Some(scheme) = &uri.scheme {
        out.push_str(scheme);
        out.push(':');
    }
    if let Some(host) = &uri.host {
        out.push_str("//");
        if let Some(userinfo) = &uri.userinfo {
            out.push_str(userinfo);
            out.push('@');
        }
        if host.contains(':') {
            out.push_str(&format!("[{host}]"));
        } else {
            out.push_str(host);
        }
        if let Some(port) = uri.port {
            if uri.scheme.as_deref().and_then(default_port) != Some(port) {
                out.push_str(&format!(":{port}"));
            }
        }
    }
    if let Some(path) = &uri.path {
        out.push_str(path);
    }
    if let Some(query) = &uri.query {
        out.push('?');
        out.push_str(query);
    }
    if let Some(fragment) = &uri.fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// RFC 3986 `unreserved`.
pub fn unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~')
}
/// RFC 3986 `reserved`.
pub fn reserved(c: u8) -> bool {
    b":/?#[]@!$&'()*+,;=".contains(&c)
}

/// Percent-encodes every byte for which `keep` is false.
pub fn percent_encode(bytes: &[u8], keep: impl Fn(u8) -> bool, space_as_plus: bool) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if space_as_plus && b == b' ' {
            out.push('+');
        } else if keep(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` (and `+` as a space when asked); `None` on a malformed escape.
pub fn percent_decode(s: &[u8], plus_as_space: bool) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'%' => {
                let hex = std::str::from_utf8(s.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' if plus_as_space => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Some(out)
}

fn text_arg<'t>(t: &'t Term, name: &str) -> Result<&'t [u8], Control> {
    t.as_bytes().ok_or_else(|| function_clause("URI", name, 1))
}

fn parse_native(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    if a[0].struct_name().is_some() {
        return Ok(a[0].clone());
    }
    let s = a[0].as_str().ok_or_else(|| function_clause("URI", "parse", 1))?;
    Ok(to_term(&parse(s)))
}

/// `URI.new/1`: like parse, but the text must be a valid URI reference; the
/// authority field stays nil (it is deprecated in 1.14).
fn new_uri(s: &str) -> Result<Uri, String> {
    let bad = s.bytes().find(|b| !(unreserved(*b) || reserved(*b) || *b == b'%'));
    if let Some(b) = bad {
        let at = s.bytes().position(|x| x == b).unwrap_or(0);
        return Err(s[at..].chars().next().map(String::from).unwrap_or_default());
    }
    let mut uri = parse(s);
    uri.authority = None;
    Ok(uri)
}
fn new_native(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    if a[0].struct_name().is_some() {
        return Ok(ok(a[0].clone()));
    }
    let s = a[0].as_str().ok_or_else(|| function_clause("URI", "new", 1))?;
    Ok(match new_uri(s) {
        Ok(uri) => ok(to_term(&uri)),
        Err(part) => super::argument::error(Term::string(part)),
    })
}
fn new_bang(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    if a[0].struct_name().is_some() {
        return Ok(a[0].clone());
    }
    let s = a[0].as_str().ok_or_else(|| function_clause("URI", "new!", 1))?;
    new_uri(s).map(|u| to_term(&u)).map_err(|part| {
        Control::Raise(Raise::exception(
            "URI.Error",
            format!("cannot parse due to reason invalid_uri: {}", crate::term::inspect::inspect(&Term::string(part))),
        ))
    })
}
fn to_string(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let uri = from_term(&a[0]).ok_or_else(|| function_clause("URI", "to_string", 1))?;
    Ok(Term::string(to_text(&uri)))
}
fn encode(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let b = text_arg(&a[0], "encode")?;
    Ok(Term::string(percent_encode(b, |c| unreserved(c) || reserved(c), false)))
}
fn encode_www_form(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let b = text_arg(&a[0], "encode_www_form")?;
    Ok(Term::string(percent_encode(b, unreserved, true)))
}
fn decode_with(a: &[Term], name: &str, plus: bool) -> NativeResult {
    let b = text_arg(&a[0], name)?;
    percent_decode(b, plus).map(Term::bytes).ok_or_else(|| {
        Control::Raise(Raise::argument_error(format!(
            "malformed URI {}",
            crate::term::inspect::inspect(&a[0])
        )))
    })
}
fn decode(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    decode_with(a, "decode", false)
}
fn decode_www_form(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    decode_with(a, "decode_www_form", true)
}
fn encode_query(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let pairs: Vec<Term> = match &a[0] {
        Term::Map(m) => m.iter().map(|(k, v)| Term::pair(k.clone(), v.clone())).collect(),
        t => t.list_to_vec().ok_or_else(|| function_clause("URI", "encode_query", 2))?,
    };
    let rfc3986 = a.get(1).is_some_and(|e| e.is_atom_named("rfc3986"));
    let mut parts = Vec::new();
    for p in pairs {
        let Term::Tuple(kv) = &p else { return Err(function_clause("URI", "encode_query", 2)) };
        let text = |t: &Term| {
            crate::term::text::to_text_bytes(t).map_err(|_| function_clause("URI", "encode_query", 2))
        };
        let (k, v) = (text(&kv[0])?, text(&kv[1])?);
        let enc = |b: &[u8]| if rfc3986 { percent_encode(b, unreserved, false) } else { percent_encode(b, unreserved, true) };
        parts.push(format!("{}={}", enc(&k), enc(&v)));
    }
    Ok(Term::string(parts.join("&")))
}
fn decode_query(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let b = a[0].as_str().ok_or_else(|| function_clause("URI", "decode_query", 3))?;
    let mut map = match a.get(1) {
        Some(Term::Map(m)) => (**m).clone(),
        Some(_) => return Err(function_clause("URI", "decode_query", 3)),
        None => crate::term::TermMap::new(),
    };
    let plus = !a.get(2).is_some_and(|e| e.is_atom_named("rfc3986"));
    for pair in b.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let dk = percent_decode(k.as_bytes(), plus).ok_or_else(|| Control::Raise(Raise::argument_error("malformed URI")))?;
        let dv = percent_decode(v.as_bytes(), plus).ok_or_else(|| Control::Raise(Raise::argument_error("malformed URI")))?;
        map.insert(Term::bytes(dk), Term::bytes(dv));
    }
    Ok(Term::Map(std::sync::Arc::new(map)))
}
fn default_port_native(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = a[0].as_str().ok_or_else(|| function_clause("URI", "default_port", 1))?;
    Ok(default_port(s).map_or_else(Term::nil, Term::Int))
}
fn char_pred(a: &[Term], name: &str, f: fn(u8) -> bool) -> NativeResult {
    match a[0] {
        Term::Int(c) if (0..=255).contains(&c) => Ok(Term::bool(f(c as u8))),
        _ => Err(function_clause("URI", name, 1)),
    }
}
fn char_reserved(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    char_pred(a, "char_reserved?", reserved)
}
fn char_unreserved(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    char_pred(a, "char_unreserved?", unreserved)
}
fn char_unescaped(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    char_pred(a, "char_unescaped?", |c| reserved(c) || unreserved(c))
}

/// RFC 3986 section 5.2.4.
pub fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *seg {
            "." => {
                if last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 || (out.len() == 1 && !out[0].is_empty()) {
                    out.pop();
                }
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if path.starts_with('/') && !joined.starts_with('/') { format!("/{joined}") } else { joined }
}

/// `URI.merge/2`: resolves `rel` against the absolute `base` (RFC 3986 section 5.2.2).
fn merge(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let base = from_term(&a[0]).ok_or_else(|| function_clause("URI", "merge", 2))?;
    let rel = from_term(&a[1]).ok_or_else(|| function_clause("URI", "merge", 2))?;
    if base.scheme.is_none() {
        return Err(Control::Raise(Raise::argument_error("you must merge onto an absolute URI")));
    }
    let dotless = |p: &Option<String>| p.as_deref().map(remove_dot_segments);
    let merged = if rel.scheme.is_some() {
        Uri { path: dotless(&rel.path), ..rel }
    } else if rel.host.is_some() {
        Uri { scheme: base.scheme.clone(), path: dotless(&rel.path), port: rel.port.or_else(|| base.scheme.as_deref().and_then(default_port)), ..rel }
    } else if rel.path.is_none() {
        Uri { query: rel.query.or(base.query.clone()), fragment: rel.fragment, ..base }
    } else {
        let rel_path = rel.path.clone().unwrap_or_default();
        let path = if rel_path.starts_with('/') {
            remove_dot_segments(&rel_path)
        } else {
            let base_path = base.path.clone().unwrap_or_default();
            let dir = match base_path.rfind('/') {
                Some(i) => &base_path[..=i],
                None if base.host.is_some() => "/",
                None => "",
            };
            remove_dot_segments(&format!("{dir}{rel_path}"))
        };
        Uri { path: Some(path), query: rel.query, fragment: rel.fragment, ..base }
    };
    Ok(to_term(&merged))
}

/// `URI.append_query/2`: `query` after the existing one, joined by `&`.
fn append_query(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut uri = from_term(&a[0]).filter(|_| a[0].struct_name().is_some()).ok_or_else(|| function_clause("URI", "append_query", 2))?;
    let q = a[1].as_str().ok_or_else(|| function_clause("URI", "append_query", 2))?;
    uri.query = Some(match uri.query.take() {
        Some(existing) if !existing.is_empty() && !existing.ends_with('&') => format!("{existing}&{q}"),
        Some(existing) => format!("{existing}{q}"),
        None => q.to_string(),
    });
    let Term::Map(m) = &a[0] else { return Ok(to_term(&uri)) };
    // Keep the given struct's other fields (authority included) as they were.
    let mut m = (**m).clone();
    m.insert(Term::atom("query"), opt(&uri.query));
    Ok(Term::Map(std::sync::Arc::new(m)))
}

/// Registers `URI`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "Elixir.URI";
    reg.add(m, "parse", 1, parse_native);
    reg.add(m, "new", 1, new_native);
    reg.add(m, "new!", 1, new_bang);
    reg.add(m, "to_string", 1, to_string);
    reg.add(m, "encode", 1, encode);
    reg.add(m, "decode", 1, decode);
    reg.add(m, "encode_www_form", 1, encode_www_form);
    reg.add(m, "decode_www_form", 1, decode_www_form);
    reg.add(m, "encode_query", 1, encode_query);
    reg.add(m, "encode_query", 2, encode_query);
    for arity in [1, 2, 3] {
        reg.add(m, "decode_query", arity, decode_query);
    }
    reg.add(m, "default_port", 1, default_port_native);
    reg.add(m, "char_reserved?", 1, char_reserved);
    reg.add(m, "char_unreserved?", 1, char_unreserved);
    reg.add(m, "char_unescaped?", 1, char_unescaped);
    reg.add(m, "merge", 2, merge);
    reg.add(m, "append_query", 2, append_query);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_elixir() {
        let u = parse("http://user:pw@host:8080/p?q=1#f");
        assert_eq!(u.userinfo.as_deref(), Some("user:pw"));
        assert_eq!((u.host.as_deref(), u.port), (Some("host"), Some(8080)));
        assert_eq!((u.path.as_deref(), u.query.as_deref(), u.fragment.as_deref()), (Some("/p"), Some("q=1"), Some("f")));
        assert_eq!(to_text(&u), "http://user:pw@host:8080/p?q=1#f");
        let v6 = parse("HTTP://[::1]:80/x");
        assert_eq!((v6.scheme.as_deref(), v6.host.as_deref(), v6.port), (Some("http"), Some("::1"), Some(80)));
        assert_eq!(parse("mailto:a@b.c").path.as_deref(), Some("a@b.c"));
        assert_eq!(parse("https://elixir-lang.org").port, Some(443));
    }

    #[test]
    fn encodes_and_resolves() {
        // URI.encode_www_form("a b/ü?&=*~") => "a+b%2F%C3%BC%3F%26%3D%2A~"
        assert_eq!(percent_encode("a b/ü?&=*~".as_bytes(), unreserved, true), "a+b%2F%C3%BC%3F%26%3D%2A~");
        assert_eq!(percent_decode(b"a+b%2F", true), Some(b"a b/".to_vec()));
        assert_eq!(remove_dot_segments("/b/c/../g"), "/b/g");
        assert_eq!(remove_dot_segments("/a/b/c/./../../g"), "/a/g");
    }
}
