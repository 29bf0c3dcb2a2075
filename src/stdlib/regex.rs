//! `Regex`: Elixir's regular expressions on the `fancy-regex` engine.
//!
//! A regex is Elixir's struct `%Regex{source:, opts:, re_pattern:, re_version:}`; the
//! natives compile `source` + `opts` on use (through a small per-thread cache), so the
//! struct stays plain data that can be sent, stored in ETS and compared. Elixir's
//! modifiers (`i m s x u f U`) and the matching `:re` option atoms are accepted.
//!
//! PCRE and fancy-regex differ in a few places, bridged by [`translate`]: without `u`
//! PCRE's `\d \w \s \b` and POSIX classes are ASCII-only (with `u` they are Unicode,
//! `[[:lower:]]` included); PCRE's `$` (without `m`) also matches before a final
//! newline, and `\Z`, `\h`, `\e` exist. Global matching (scan, split, replace) follows
//! `:re.run/3`'s `:global` walk: after an empty match the search resumes one
//! character later, after a non-empty one at its end (where an empty match may follow).

use super::argument::{function_clause, ok};
use crate::term::Term;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult, Raise};
use std::collections::HashMap;
use std::sync::Arc;

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

/// What `Regex.version/0` and the struct's `re_version` report: the engine, not PCRE.
const VERSION: &str = "fancy-regex 0.14";

/// A compiled pattern with what the natives need besides the engine.
pub struct Compiled {
    re: fancy_regex::Regex,
    /// Capture group names with their group numbers, sorted by name (Erlang's order
    /// for `:all_names` and `Regex.names/1`).
    names: Vec<(String, usize)>,
    /// `f` (`:firstline`): a match must start before the first newline.
    firstline: bool,
    /// Number of groups, the whole match included.
    groups: usize,
}

/// The flags a pattern is compiled with.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, Debug)]
pub struct Flags {
    caseless: bool,
    multiline: bool,
    dotall: bool,
    extended: bool,
    unicode: bool,
    firstline: bool,
    ungreedy: bool,
}

/// Why a pattern or its options were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompileFailure {
    /// An unknown modifier: the rest of the modifier string from it on.
    InvalidOption(String),
    /// An unknown option atom in a list of `:re` options.
    InvalidOptionAtom(Term),
    /// The pattern does not parse: PCRE's wording and the byte position.
    Pattern(String, usize),
}

/// Reads Elixir's modifier string (`"iu"`).
pub fn flags_from_modifiers(mods: &str) -> Result<Flags, CompileFailure> {
    let mut f = Flags::default();
    for (i, c) in mods.char_indices() {
        match c {
            'i' => f.caseless = true,
            'm' => f.multiline = true,
            's' => f.dotall = true,
            'x' => f.extended = true,
            'u' => f.unicode = true,
            'f' => f.firstline = true,
            'U' => f.ungreedy = true,
            // `o` (compile once) is accepted by Elixir 1.14 and means nothing at run time.
            'o' => {}
            _ => return Err(CompileFailure::InvalidOption(mods[i..].to_string())),
        }
    }
    Ok(f)
}

/// Reads a list of `:re` option atoms (`[:caseless, :unicode]`).
fn flags_from_atoms(opts: &Term) -> Result<Flags, CompileFailure> {
    let mut f = Flags::default();
    for o in opts.list_iter() {
        let name = o.as_atom().map(|a| a.as_str().to_string()).unwrap_or_default();
        match name.as_str() {
            "caseless" => f.caseless = true,
            "multiline" => f.multiline = true,
            "dotall" => f.dotall = true,
            "extended" => f.extended = true,
            "unicode" | "ucp" => f.unicode = true,
            "firstline" => f.firstline = true,
            "ungreedy" => f.ungreedy = true,
            "dollar_endonly" | "no_auto_capture" | "anchored" | "never_utf" | "no_start_optimize" => {}
            _ => return Err(CompileFailure::InvalidOptionAtom(o.clone())),
        }
    }
    Ok(f)
}

/// The ASCII class PCRE gives a shorthand without `u`, as the inside of a `[...]`.
fn ascii_class(c: char) -> Option<(&'static str, bool)> {
    Some(match c {
        'd' => ("0-9", false),
        'D' => ("0-9", true),
        'w' => ("0-9A-Za-z_", false),
        'W' => ("0-9A-Za-z_", true),
        's' => ("\\t\\n\\x0B\\f\\r ", false),
        'S' => ("\\t\\n\\x0B\\f\\r ", true),
        _ => return None,
    })
}

/// The Unicode class (inside `[...]`) PCRE's `ucp` gives a POSIX class name.
fn unicode_posix(name: &str) -> Option<&'static str> {
    Some(match name {
        "lower" => "\\p{Ll}",
        "upper" => "\\p{Lu}",
        "alpha" => "\\p{L}",
        "alnum" => "\\p{L}\\p{Nd}",
        "digit" => "\\p{Nd}",
        "space" => "\\s",
        "word" => "\\w",
        "punct" => "\\p{P}",
        _ => return None,
    })
}

/// Rewrites a PCRE pattern into fancy-regex syntax with the same meaning (see the
/// module doc), prefixed by the flags.
pub fn translate(source: &str, flags: Flags) -> String {
    let mut out = String::with_capacity(source.len() + 16);
    for (on, letter) in [
        (flags.caseless, 'i'),
        (flags.multiline, 'm'),
        (flags.dotall, 's'),
        (flags.extended, 'x'),
        (flags.ungreedy, 'U'),
    ] {
        if on {
            out.push_str("(?");
            out.push(letter);
            out.push(')');
        }
    }
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() => {
                let e = chars[i + 1];
                i += 2;
                match e {
                    _ if !flags.unicode && ascii_class(e).is_some() => {
                        let (set, negated) = ascii_class(e).unwrap_or(("", false));
                        match (in_class, negated) {
                            (true, false) => out.push_str(set),
                            // A negated shorthand inside a class: a nested negated class.
                            (true, true) => out.push_str(&format!("[^{set}]")),
                            (false, n) => out.push_str(&format!("[{}{set}]", if n { "^" } else { "" })),
                        }
                    }
                    'b' | 'B' if !flags.unicode && !in_class => out.push_str(&format!("(?-u:\\{e})")),
                    'Z' => out.push_str("(?=\\n?\\z)"),
                    'h' => out.push_str(if in_class { " \\t" } else { "[ \\t]" }),
                    'e' => out.push_str("\\x1B"),
                    'Q' => {
                        // \Q...\E quotes literally.
                        let mut lit = String::new();
                        while i < chars.len() && !(chars[i] == '\\' && chars.get(i + 1) == Some(&'E')) {
                            lit.push(chars[i]);
                            i += 1;
                        }
                        i = (i + 2).min(chars.len().max(i));
                        out.push_str(&fancy_regex::escape(&lit));
                    }
                    _ => {
                        out.push('\\');
                        out.push(e);
                    }
                }
                continue;
            }
            '[' if in_class && chars.get(i + 1) == Some(&':') => {
                // A POSIX class `[:name:]` inside a bracket expression.
                let rest: String = chars[i + 2..].iter().collect();
                if let Some(end) = rest.find(":]") {
                    let name = &rest[..end];
                    let (negated, bare) = name.strip_prefix('^').map_or((false, name), |n| (true, n));
                    match (flags.unicode, unicode_posix(bare)) {
                        (true, Some(class)) if !negated => out.push_str(class),
                        _ => out.push_str(&format!("[:{name}:]")),
                    }
                    i += 2 + end + 2;
                    continue;
                }
                out.push('[');
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // `]` or `^]` right after the opening bracket is a literal.
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i + 1) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '$' if !in_class && !flags.multiline => out.push_str("(?=\\n?\\z)"),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// PCRE's wording of a fancy-regex parse error.
fn pcre_message(e: &fancy_regex::Error, source: &str) -> (String, usize) {
    use fancy_regex::{Error, ParseError};
    match e {
        Error::ParseError(pos, kind) => {
            let pos = (*pos).min(source.len());
            let text = match kind {
                ParseError::TargetNotRepeatable | ParseError::InvalidRepeat => "nothing to repeat",
                ParseError::UnclosedOpenParen => "missing )",
                ParseError::TrailingBackslash => "\\ at end of pattern",
                ParseError::InvalidClass => "missing terminating ] for character class",
                ParseError::InvalidBackref => "reference to non-existent subpattern",
                ParseError::InvalidGroupName | ParseError::InvalidGroupNameBackref(_) => "syntax error in subpattern name (missing terminator?)",
                ParseError::UnknownFlag(_) => "unrecognized character after (? or (?-",
                ParseError::InvalidEscape(_) => "unrecognized character follows \\",
                _ => return (kind.to_string(), pos),
            };
            (text.to_string(), pos)
        }
        other => {
            let text = other.to_string();
            let lower = text.to_lowercase();
            if lower.contains("unopened group") || lower.contains("unmatched") {
                ("unmatched parentheses".into(), source.find(')').map_or(0, |p| p + 1))
            } else if lower.contains("unclosed character class") {
                ("missing terminating ] for character class".into(), source.len())
            } else if lower.contains("repetition operator missing expression") {
                ("nothing to repeat".into(), 0)
            } else {
                (text.lines().last().unwrap_or("invalid pattern").trim().to_string(), 0)
            }
        }
    }
}

thread_local! {
    /// Compiled patterns by (source, flags). Bounded: cleared when it grows past 256.
    static CACHE: std::cell::RefCell<HashMap<(String, Flags), Arc<Compiled>>> = Default::default();
}

/// Compiles `source` with `flags` (cached per thread).
pub fn compile(source: &str, flags: Flags) -> Result<Arc<Compiled>, CompileFailure> {
    let key = (source.to_string(), flags);
    if let Some(hit) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Ok(hit);
    }
    let pattern = translate(source, flags);
    let re = fancy_regex::Regex::new(&pattern).map_err(|e| {
        let (text, pos) = pcre_message(&e, source);
        CompileFailure::Pattern(text, pos)
    })?;
    let mut names: Vec<(String, usize)> = re
        .capture_names()
        .enumerate()
        .filter_map(|(i, n)| n.map(|n| (n.to_string(), i)))
        .collect();
    names.sort();
    let groups = re.captures_len();
    let compiled = Arc::new(Compiled { re, names, firstline: flags.firstline, groups });
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 256 {
            c.clear();
        }
        c.insert(key, compiled.clone());
    });
    Ok(compiled)
}

/// The flags a `%Regex{}`'s `opts` field stands for.
fn flags_of(opts: &Term) -> Result<Flags, CompileFailure> {
    match opts.as_str() {
        Some(mods) => flags_from_modifiers(mods),
        None => flags_from_atoms(opts),
    }
}

/// A `%Regex{}` struct.
fn regex_term(source: &str, opts: Term, compiled: &Compiled, unicode: bool) -> Term {
    let pattern = Term::tuple(vec![
        Term::atom("re_pattern"),
        Term::Int(compiled.groups as i64 - 1),
        Term::Int(i64::from(unicode)),
        Term::Int(0),
        Term::string(compiled.re.as_str()),
    ]);
    Term::map([
        (Term::atom("__struct__"), Term::atom("Elixir.Regex")),
        (Term::atom("opts"), opts),
        (Term::atom("re_pattern"), pattern),
        (Term::atom("re_version"), version_term()),
        (Term::atom("source"), Term::string(source)),
    ])
}

fn version_term() -> Term {
    Term::pair(Term::string(VERSION), Term::atom("little"))
}

/// The compiled pattern of a `%Regex{}` argument.
fn regex_arg(t: &Term, name: &str, arity: u32) -> Result<Arc<Compiled>, Control> {
    let bad = || function_clause("Regex", name, arity);
    if !t.struct_name().is_some_and(|n| n.as_str() == "Elixir.Regex") {
        return Err(bad());
    }
    let source = t.map_get_atom("source").and_then(Term::as_str).ok_or_else(bad)?;
    let opts = t.map_get_atom("opts").ok_or_else(bad)?;
    let flags = flags_of(opts).map_err(|_| bad())?;
    compile(source, flags).map_err(|e| match e {
        CompileFailure::Pattern(text, pos) => compile_error(&text, pos),
        _ => bad(),
    })
}

/// `** (Regex.CompileError) text at position n`.
fn compile_error(text: &str, pos: usize) -> Control {
    Control::Raise(Raise::exception("Regex.CompileError", format!("{text} at position {pos}")))
}

fn subject<'t>(t: &'t Term, name: &str, arity: u32) -> Result<&'t str, Control> {
    t.as_str().ok_or_else(|| function_clause("Regex", name, arity))
}

/// One match: the byte span of every group (`None` for a group that did not take part).
type Spans = Vec<Option<(usize, usize)>>;

/// The first match at or after byte `from`.
fn find_at(c: &Compiled, text: &str, from: usize) -> Result<Option<Spans>, Control> {
    if from > text.len() {
        return Ok(None);
    }
    let caps = c
        .re
        .captures_from_pos(text, from)
        .map_err(|e| Control::Raise(Raise::exception("RuntimeError", format!("regular expression failed: {e}"))))?;
    let Some(caps) = caps else { return Ok(None) };
    let spans: Spans = (0..c.groups).map(|g| caps.get(g).map(|m| (m.start(), m.end()))).collect();
    if c.firstline {
        let first_newline = text.find('\n').unwrap_or(text.len());
        if spans[0].is_some_and(|(s, _)| s > first_newline) {
            return Ok(None);
        }
    }
    Ok(Some(spans))
}

/// Every match from `from` on, walking as `:re.run(..., [:global])` does.
fn find_all(c: &Compiled, text: &str, from: usize) -> Result<Vec<Spans>, Control> {
    let mut out = Vec::new();
    let mut pos = from;
    while let Some(spans) = find_at(c, text, pos)? {
        let (s, e) = spans[0].unwrap_or((pos, pos));
        out.push(spans);
        pos = if e > s {
            e
        } else {
            // Empty match: resume one character later.
            e + text[e..].chars().next().map_or(1, char::len_utf8)
        };
    }
    Ok(out)
}

/// Which groups a call reports (`:capture` option).
enum Capture {
    All,
    First,
    AllButFirst,
    None,
    /// Explicit group numbers (names resolved); `None` for an unknown name.
    Groups(Vec<Option<usize>>),
}

/// How captures are returned (`:return` option).
#[derive(Clone, Copy, PartialEq)]
enum Return {
    Binary,
    Index,
}

fn keyword<'t>(opts: Option<&'t Term>, key: &str) -> Option<&'t Term> {
    opts?.list_iter().find_map(|o| match o {
        Term::Tuple(t) if t.len() == 2 && t[0].is_atom_named(key) => Some(&t[1]),
        _ => None,
    })
}

fn capture_opt(c: &Compiled, value: Option<&Term>) -> Capture {
    let Some(v) = value else { return Capture::All };
    if let Some(a) = v.as_atom() {
        return match a.as_str() {
            "first" => Capture::First,
            "all_but_first" => Capture::AllButFirst,
            "none" => Capture::None,
            "all_names" => Capture::Groups(c.names.iter().map(|(_, g)| Some(*g)).collect()),
            _ => Capture::All,
        };
    }
    Capture::Groups(
        v.list_iter()
            .map(|g| match g {
                Term::Int(i) => usize::try_from(*i).ok().filter(|i| *i < c.groups),
                other => {
                    let name = other.as_str().map(str::to_string).or_else(|| other.as_atom().map(|a| a.as_str().to_string()));
                    name.and_then(|n| c.names.iter().find(|(m, _)| *m == n).map(|(_, g)| *g))
                }
            })
            .collect(),
    )
}

fn return_opt(opts: Option<&Term>) -> Return {
    if keyword(opts, "return").is_some_and(|r| r.is_atom_named("index")) { Return::Index } else { Return::Binary }
}

/// The reported captures of one match, as Elixir lists them.
fn captured(spans: &Spans, capture: &Capture, ret: Return, text: &str) -> Term {
    let one = |span: Option<(usize, usize)>| match (span, ret) {
        (Some((s, e)), Return::Binary) => Term::string(&text[s..e]),
        (Some((s, e)), Return::Index) => Term::pair(Term::Int(s as i64), Term::Int((e - s) as i64)),
        (None, Return::Binary) => Term::string(""),
        (None, Return::Index) => Term::pair(Term::Int(-1), Term::Int(0)),
    };
    // PCRE reports groups up to the last one that took part (trailing unset ones dropped).
    let last_set = spans.iter().rposition(Option::is_some).unwrap_or(0);
    let items: Vec<Term> = match capture {
        Capture::All => spans[..=last_set].iter().map(|s| one(*s)).collect(),
        Capture::First => vec![one(spans[0])],
        Capture::AllButFirst => spans[1..=last_set.max(0)].iter().map(|s| one(*s)).collect(),
        Capture::None => Vec::new(),
        Capture::Groups(gs) => gs.iter().map(|g| one(g.and_then(|g| spans[g]))).collect(),
    };
    Term::list(items)
}

fn offset_opt(opts: Option<&Term>, text: &str) -> usize {
    keyword(opts, "offset")
        .and_then(super::argument::index)
        .map_or(0, |o| o.min(text.len() + 1))
}

fn compile_native(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let source = a[0].as_str().ok_or_else(|| function_clause("Regex", "compile", a.len() as u32))?;
    let opts = a.get(1).cloned().unwrap_or_else(|| Term::string(""));
    Ok(match compile_struct(source, opts) {
        Ok(t) => ok(t),
        Err(CompileFailure::InvalidOption(rest)) => {
            super::argument::error(Term::pair(Term::atom("invalid_option"), Term::string(rest)))
        }
        Err(CompileFailure::InvalidOptionAtom(o)) => {
            super::argument::error(Term::pair(Term::atom("invalid_option"), o))
        }
        Err(CompileFailure::Pattern(text, pos)) => {
            let chars = Term::list(text.chars().map(|c| Term::Int(c as i64)).collect());
            super::argument::error(Term::pair(chars, Term::Int(pos as i64)))
        }
    })
}

fn compile_struct(source: &str, opts: Term) -> Result<Term, CompileFailure> {
    let flags = flags_of(&opts)?;
    let compiled = compile(source, flags)?;
    Ok(regex_term(source, opts, &compiled, flags.unicode))
}

/// `Regex.compile!/1,2`, also what the `~r` sigil compiles to.
fn compile_bang(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let source = a[0].as_str().ok_or_else(|| function_clause("Regex", "compile!", a.len() as u32))?;
    let opts = a.get(1).cloned().unwrap_or_else(|| Term::string(""));
    compile_struct(source, opts).map_err(|e| match e {
        CompileFailure::InvalidOption(rest) => compile_error(&format!("invalid option {}", crate::term::inspect::inspect(&Term::string(rest))), 0),
        CompileFailure::InvalidOptionAtom(o) => compile_error(&format!("invalid option {}", crate::term::inspect::inspect(&o)), 0),
        CompileFailure::Pattern(text, pos) => compile_error(&text, pos),
    })
}

fn match_p(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let c = regex_arg(&a[0], "match?", 2)?;
    let s = subject(&a[1], "match?", 2)?;
    Ok(Term::bool(find_at(&c, s, 0)?.is_some()))
}

fn run(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let c = regex_arg(&a[0], "run", 3)?;
    let s = subject(&a[1], "run", 3)?;
    let opts = a.get(2);
    let Some(spans) = find_at(&c, s, offset_opt(opts, s))? else { return Ok(Term::nil()) };
    Ok(captured(&spans, &capture_opt(&c, keyword(opts, "capture")), return_opt(opts), s))
}

fn scan(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let c = regex_arg(&a[0], "scan", 3)?;
    let s = subject(&a[1], "scan", 3)?;
    let opts = a.get(2);
    let capture = capture_opt(&c, keyword(opts, "capture"));
    let ret = return_opt(opts);
    let all = find_all(&c, s, offset_opt(opts, s))?;
    Ok(Term::list(all.iter().map(|spans| captured(spans, &capture, ret, s)).collect()))
}

fn named_captures(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let c = regex_arg(&a[0], "named_captures", 3)?;
    let s = subject(&a[1], "named_captures", 3)?;
    let opts = a.get(2);
    let Some(spans) = find_at(&c, s, 0)? else { return Ok(Term::nil()) };
    let ret = return_opt(opts);
    let capture = Capture::Groups(c.names.iter().map(|(_, g)| Some(*g)).collect());
    let values = captured(&spans, &capture, ret, s).list_to_vec().unwrap_or_default();
    Ok(Term::map(c.names.iter().map(|(n, _)| Term::string(n.as_str())).zip(values)))
}

fn names(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let c = regex_arg(&a[0], "names", 1)?;
    Ok(Term::list(c.names.iter().map(|(n, _)| Term::string(n.as_str())).collect()))
}

fn field(a: &[Term], key: &str, name: &str) -> NativeResult {
    if !a[0].struct_name().is_some_and(|n| n.as_str() == "Elixir.Regex") {
        return Err(function_clause("Regex", name, 1));
    }
    a[0].map_get_atom(key).cloned().ok_or_else(|| function_clause("Regex", name, 1))
}
fn source(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    field(a, "source", "source")
}
fn opts(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    field(a, "opts", "opts")
}
fn re_pattern(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    field(a, "re_pattern", "re_pattern")
}
fn version(_: Cx<'_, '_>, _: &[Term]) -> NativeResult {
    Ok(version_term())
}
fn is_regex(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::bool(a[0].struct_name().is_some_and(|n| n.as_str() == "Elixir.Regex")))
}
fn recompile(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    regex_arg(&a[0], "recompile", 1)?;
    Ok(ok(a[0].clone()))
}
fn recompile_bang(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    regex_arg(&a[0], "recompile!", 1)?;
    Ok(a[0].clone())
}

/// `Regex.escape/1`: a backslash before every character PCRE treats specially.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if ".^$*+?()[]{}|#-\\\t\n\x0B\x0C\r ".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
fn escape_native(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::string(escape(subject(&a[0], "escape", 1)?)))
}

/// A piece of a replacement string: literal text or a group number.
enum Piece {
    Text(String),
    Group(usize),
}

/// Parses Elixir's replacement syntax: `\N`, `\g{N}` and `\\`.
fn replacement_pieces(r: &str) -> Vec<Piece> {
    let b = r.as_bytes();
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            let n = b[i + 1];
            if n == b'\\' {
                lit.push('\\');
                i += 2;
                continue;
            }
            if n.is_ascii_digit() {
                let k = digits(i + 1);
                let g = r[i + 1..i + 1 + k].parse().unwrap_or(usize::MAX);
                pieces.push(Piece::Text(std::mem::take(&mut lit)));
                pieces.push(Piece::Group(g));
                i += 1 + k;
                continue;
            }
            if n == b'g' && b.get(i + 2) == Some(&b'{') {
                let k = digits(i + 3);
                if k > 0 && b.get(i + 3 + k) == Some(&b'}') {
                    let g = r[i + 3..i + 3 + k].parse().unwrap_or(usize::MAX);
                    pieces.push(Piece::Text(std::mem::take(&mut lit)));
                    pieces.push(Piece::Group(g));
                    i += 4 + k;
                    continue;
                }
            }
        }
        let ch = r[i..].chars().next().unwrap_or('\0');
        lit.push(ch);
        i += ch.len_utf8();
    }
    pieces.push(Piece::Text(lit));
    pieces
}

/// The matches a replace acts on: all of them, or the first (`global: false`).
fn replace_targets(c: &Compiled, s: &str, opts: Option<&Term>) -> Result<Vec<Spans>, Control> {
    let global = keyword(opts, "global").is_none_or(Term::is_truthy);
    Ok(if global { find_all(c, s, 0)? } else { find_at(c, s, 0)?.into_iter().collect() })
}

fn replace(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let c = regex_arg(&a[0], "replace", 4)?;
    let s = subject(&a[1], "replace", 4)?;
    let targets = replace_targets(&c, s, a.get(3))?;
    if matches!(a[2], Term::Fun(_)) {
        // Learner code must run for each match: the prelude's Regex.__replace_with__/3
        // gets the pieces between matches and each match's captures.
        let (gaps, captures) = pieces_and_captures(&targets, s);
        return Err(Control::CallMfa {
            module: crate::term::Atom::new("Elixir.Regex"),
            name: crate::term::Atom::new("__replace_with__"),
            args: vec![gaps, captures, a[2].clone()],
        });
    }
    let repl = a[2].as_str().ok_or_else(|| function_clause("Regex", "replace", 4))?;
    let pieces = replacement_pieces(repl);
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for spans in &targets {
        let Some((ms, me)) = spans[0] else { continue };
        out.push_str(&s[at..ms]);
        for p in &pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Group(g) => {
                    if let Some(Some((gs, ge))) = spans.get(*g) {
                        out.push_str(&s[*gs..*ge]);
                    }
                }
            }
        }
        at = me;
    }
    out.push_str(&s[at..]);
    Ok(Term::string(out))
}

/// For a function replacement: the text between matches (one more than the
/// matches) and, per match, the whole match and every group (`""` when unset).
fn pieces_and_captures(targets: &[Spans], s: &str) -> (Term, Term) {
    let mut gaps = Vec::new();
    let mut caps = Vec::new();
    let mut at = 0;
    for spans in targets {
        let Some((ms, me)) = spans[0] else { continue };
        gaps.push(Term::string(&s[at..ms]));
        caps.push(Term::list(
            spans.iter().map(|sp| Term::string(sp.map_or("", |(a, b)| &s[a..b]))).collect(),
        ));
        at = me;
    }
    gaps.push(Term::string(&s[at..]));
    (Term::list(gaps), Term::list(caps))
}

/// `Regex.split/3` as Elixir 1.14 writes it (`parts`, `trim`, `on`, `include_captures`).
fn split(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let c = regex_arg(&a[0], "split", 3)?;
    let s = subject(&a[1], "split", 3)?;
    let opts = a.get(2);
    Ok(Term::list(split_text(&c, s, opts)?.into_iter().map(Term::string).collect()))
}

/// The pieces of `Regex.split(regex, s, opts)`.
pub fn split_text<'s>(c: &Compiled, s: &'s str, opts: Option<&Term>) -> Result<Vec<&'s str>, Control> {
    let trim = keyword(opts, "trim").is_some_and(Term::is_truthy);
    if s.is_empty() {
        return Ok(if trim { vec![] } else { vec![""] });
    }
    let parts = match keyword(opts, "parts") {
        Some(Term::Int(n)) if *n > 0 => *n,
        Some(t) if !t.is_atom_named("infinity") => return Err(function_clause("Regex", "split", 3)),
        _ => 0,
    };
    let with_captures = keyword(opts, "include_captures").is_some_and(Term::is_truthy);
    let on = match keyword(opts, "on") {
        None => Capture::First,
        Some(v) => capture_opt(c, Some(v)),
    };
    // Each match's reported spans, unset groups as None (skipped, like {-1, 0}).
    let matches: Vec<Vec<Option<(usize, usize)>>> = find_all(c, s, 0)?
        .iter()
        .map(|spans| {
            let last_set = spans.iter().rposition(Option::is_some).unwrap_or(0);
            match &on {
                Capture::All => spans[..=last_set].to_vec(),
                Capture::First => vec![spans[0]],
                Capture::AllButFirst => spans[1..=last_set].to_vec(),
                Capture::None => vec![],
                Capture::Groups(gs) => gs.iter().map(|g| g.and_then(|g| spans[g])).collect(),
            }
        })
        .collect();
    let mut out = Vec::new();
    let mut offset = 0;
    let mut counter = parts;
    for (s_, e_) in matches.into_iter().flatten().flatten() {
        if trim && s.len() <= offset {
            return Ok(out);
        }
        if counter == 1 {
            break;
        }
        if s_ < offset {
            continue;
        }
        let (part, matched) = (&s[offset..s_], &s[s_..e_]);
        // A trimmed empty piece does not count towards `parts` (Elixir 1.14).
        let trimmed = part.is_empty() && trim;
        if !trimmed {
            out.push(part);
        }
        if with_captures {
            out.push(matched);
        }
        if !trimmed || with_captures {
            counter -= 1;
        }
        offset = e_;
    }
    if trim && s.len() <= offset {
        return Ok(out);
    }
    out.push(&s[offset..]);
    Ok(out)
}

/// `left =~ right`: a regex match, or substring containment for a string.
fn match_op(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let bad = || function_clause("Kernel", "=~", 2);
    let s = a[0].as_str().ok_or_else(bad)?;
    if let Some(needle) = a[1].as_str() {
        return Ok(Term::bool(s.contains(needle)));
    }
    let c = regex_arg(&a[1], "=~", 2).map_err(|_| bad())?;
    Ok(Term::bool(find_at(&c, s, 0)?.is_some()))
}

/// True if `t` is a `%Regex{}` (String natives hand those over to Regex).
pub fn is_regex_term(t: &Term) -> bool {
    t.struct_name().is_some_and(|n| n.as_str() == "Elixir.Regex")
}

/// The compiled pattern of a `%Regex{}` for other natives (String), raising like Regex.
pub fn compiled_of(t: &Term, function: &str, arity: u32) -> Result<Arc<Compiled>, Control> {
    regex_arg(t, function, arity)
}

/// Whether `text` matches `c` anywhere.
pub fn is_match(c: &Compiled, text: &str) -> Result<bool, Control> {
    Ok(find_at(c, text, 0)?.is_some())
}

/// Registers `Regex` and `Kernel.=~/2`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "Elixir.Regex";
    for arity in [1, 2] {
        reg.add(m, "compile", arity, compile_native);
        reg.add(m, "compile!", arity, compile_bang);
    }
    reg.add(m, "match?", 2, match_p);
    for arity in [2, 3] {
        reg.add(m, "run", arity, run);
        reg.add(m, "scan", arity, scan);
        reg.add(m, "named_captures", arity, named_captures);
        reg.add(m, "split", arity, split);
    }
    reg.add(m, "replace", 3, replace);
    reg.add(m, "replace", 4, replace);
    reg.add(m, "names", 1, names);
    reg.add(m, "source", 1, source);
    reg.add(m, "opts", 1, opts);
    reg.add(m, "re_pattern", 1, re_pattern);
    reg.add(m, "version", 0, version);
    reg.add(m, "regex?", 1, is_regex);
    reg.add(m, "recompile", 1, recompile);
    reg.add(m, "recompile!", 1, recompile_bang);
    reg.add(m, "escape", 1, escape_native);
    reg.add("Elixir.Kernel", "=~", 2, match_op);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stdlib::test_bench::{call, kw, l, s};

    fn re(source: &str, mods: &str) -> Term {
        call("Elixir.Regex", "compile!", vec![s(source), s(mods)])
    }
    fn regex(name: &str, args: Vec<Term>) -> Term {
        call("Elixir.Regex", name, args)
    }
    fn shown(t: &Term) -> String {
        crate::term::inspect::inspect(t)
    }

    #[test]
    fn run_and_scan_report_captures_like_pcre() {
        // Regex.run(~r/c(d)/, "abcd") => ["cd", "d"]; trailing unset groups are dropped
        assert_eq!(shown(&regex("run", vec![re("c(d)", ""), s("abcd")])), r#"["cd", "d"]"#);
        assert_eq!(shown(&regex("run", vec![re("(a)|(b)", ""), s("b")])), r#"["b", "", "b"]"#);
        assert_eq!(shown(&regex("run", vec![re("(a)|(b)", ""), s("a")])), r#"["a", "a"]"#);
        assert_eq!(shown(&regex("run", vec![re("e", ""), s("abcd")])), "nil");
        // Regex.scan(~r/x*/, "axb", return: :index) => [[{0, 0}], [{1, 1}], [{2, 0}], [{3, 0}]]
        assert_eq!(
            shown(&regex("scan", vec![re("x*", ""), s("axb"), kw(vec![("return", Term::atom("index"))])])),
            "[[{0, 0}], [{1, 1}], [{2, 0}], [{3, 0}]]"
        );
        assert_eq!(shown(&regex("names", vec![re("(?<y>a)|(?<x>b)", "")])), r#"["x", "y"]"#);
    }

    #[test]
    fn unicode_modifier_changes_classes() {
        // String.match?("josé", ~r/^[[:lower:]]+$/) => false; with /u => true
        assert_eq!(regex("match?", vec![re("^[[:lower:]]+$", ""), s("josé")]), Term::bool(false));
        assert_eq!(regex("match?", vec![re("^[[:lower:]]+$", "u"), s("josé")]), Term::bool(true));
        // Regex.replace(~r/\s/, "Unicode\u00A0spaces", "-") leaves the NBSP alone
        assert_eq!(regex("replace", vec![re("\\s", ""), s("a\u{a0}b"), s("-")]), s("a\u{a0}b"));
        assert_eq!(regex("replace", vec![re("\\s", "u"), s("a\u{a0}b"), s("-")]), s("a-b"));
        // PCRE's $ matches before a final newline
        assert_eq!(regex("match?", vec![re("^a$", ""), s("a\n")]), Term::bool(true));
    }

    #[test]
    fn replace_and_split_follow_elixir() {
        // Regex.replace(~r/(a)(b)?/, "a ab", "[\\2\\1\\\\\\g{1}]") => "[a\\a] [ba\\a]"
        assert_eq!(regex("replace", vec![re("(a)(b)?", ""), s("a ab"), s("[\\2\\1\\\\\\g{1}]")]), s("[a\\a] [ba\\a]"));
        assert_eq!(regex("split", vec![re("", ""), s("abc")]), l(vec![s(""), s("a"), s("b"), s("c"), s("")]));
        let trim = kw(vec![("trim", Term::bool(true))]);
        assert_eq!(regex("split", vec![re(",", ""), s("a,b,,c,"), trim]), l(vec![s("a"), s("b"), s("c")]));
        let parts = kw(vec![("parts", Term::Int(2)), ("trim", Term::bool(true))]);
        assert_eq!(regex("split", vec![re(",", ""), s(",a,b"), parts]), l(vec![s("a"), s("b")]));
        assert_eq!(escape("a.b c#"), "a\\.b\\ c\\#");
    }

    #[test]
    fn compile_errors_use_pcre_words() {
        // Regex.compile("*foo") => {:error, {'nothing to repeat', 0}}
        assert_eq!(shown(&regex("compile", vec![s("*foo")])), "{:error, {'nothing to repeat', 0}}");
        assert_eq!(shown(&regex("compile", vec![s("a"), s("z")])), r#"{:error, {:invalid_option, "z"}}"#);
    }
}
