//! `String`: Elixir's string functions over UTF-8 binaries. Lengths, slices and
//! reversal work on extended grapheme clusters, as Elixir's do.

use super::argument::{arg_error, function_clause, index, list, small_int, text};
use super::erlang::{atom_exists, charlist, parse_integer};
use super::range::Range;
use crate::term::{Atom, Term};
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult};
use unicode_segmentation::UnicodeSegmentation;

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

/// The grapheme clusters of `s`.
pub fn graphemes(s: &str) -> Vec<&str> {
    s.graphemes(true).collect()
}

/// A string argument, or FunctionClauseError for `String.name/arity`.
fn string_arg<'t>(t: &'t Term, name: &str, arity: u32) -> Result<&'t str, Control> {
    text(t).ok_or_else(|| function_clause("String", name, arity))
}

/// One or more patterns (a string or a list of strings).
fn patterns(t: &Term, name: &str, arity: u32) -> Result<Vec<String>, Control> {
    if let Some(s) = text(t) {
        return Ok(vec![s.to_string()]);
    }
    let items = list(t).ok_or_else(|| function_clause("String", name, arity))?;
    items
        .iter()
        .map(|p| {
            text(p)
                .map(str::to_string)
                .ok_or_else(|| function_clause("String", name, arity))
        })
        .collect()
}

/// The earliest match of any pattern at or after `from`; the longest wins at a tie.
fn find_any(s: &str, pats: &[String], from: usize) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for p in pats.iter().filter(|p| !p.is_empty()) {
        if let Some(i) = s[from..].find(p.as_str()) {
            let at = from + i;
            best = match best {
                Some((b, l)) if b < at || (b == at && l >= p.len()) => Some((b, l)),
                _ => Some((at, p.len())),
            };
        }
    }
    best
}

/// Reads a keyword option (`parts: 2`) from an options list.
fn option<'t>(opts: Option<&'t Term>, key: &str) -> Option<&'t Term> {
    opts?.list_iter().find_map(|o| match o {
        Term::Tuple(t) if t.len() == 2 && t[0].is_atom_named(key) => Some(&t[1]),
        _ => None,
    })
}

/// Elixir's `String.split/1` hands its subject to `:binary.split/3`, whose
/// ArgumentError a non-binary meets.
fn split1(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = match &a[0] {
        Term::Binary(_) => string_arg(&a[0], "split", 1)?,
        _ => return Err(super::argument::arg_error(1, "not a binary")),
    };
    Ok(Term::list(
        // Unicode whitespace except the non-breaking spaces, as Elixir's split/1.
        s.split(|c: char| c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}'))
            .filter(|p| !p.is_empty())
            .map(Term::string)
            .collect(),
    ))
}

fn split(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "split", 3)?;
    if super::regex::is_regex_term(&a[1]) {
        let c = super::regex::compiled_of(&a[1], "split", 3)?;
        let pieces = super::regex::split_text(&c, s, a.get(2))?;
        return Ok(Term::list(pieces.into_iter().map(Term::string).collect()));
    }
    let pats = patterns(&a[1], "split", 3)?;
    let opts = a.get(2);
    let trim = option(opts, "trim").is_some_and(Term::is_truthy);
    let parts = match option(opts, "parts") {
        None => usize::MAX,
        Some(t) if t.is_atom_named("infinity") => usize::MAX,
        Some(t) => index(t)
            .filter(|n| *n > 0)
            .ok_or_else(|| function_clause("String", "split", 3))?,
    };
    // Pieces between matches; an empty pattern matches between every grapheme.
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    if pats.iter().all(String::is_empty) {
        let mut at = 0;
        cuts.push((0, 0));
        for g in graphemes(s) {
            at += g.len();
            cuts.push((at, 0));
        }
    } else {
        let mut from = 0;
        while let Some((at, len)) = find_any(s, &pats, from) {
            cuts.push((at, len));
            from = at + len;
        }
    }
    let mut out = Vec::new();
    let mut start = 0;
    for (at, len) in cuts {
        if out.len() + 1 >= parts {
            break;
        }
        let piece = &s[start..at];
        start = at + len;
        if !(trim && piece.is_empty()) {
            out.push(Term::string(piece));
        }
    }
    let rest = &s[start..];
    if !(trim && rest.is_empty()) {
        out.push(Term::string(rest));
    }
    Ok(Term::list(out))
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

fn trim_with(a: &[Term], name: &str, leading: bool, trailing: bool) -> NativeResult {
    let arity = a.len() as u32;
    let s = string_arg(&a[0], name, 2)?;
    let mut out = s;
    match a.get(1) {
        None => {
            if leading {
                out = out.trim_start_matches(is_space);
            }
            if trailing {
                out = out.trim_end_matches(is_space);
            }
        }
        Some(t) => {
            let cut = string_arg(t, name, arity.max(2))?;
            if !cut.is_empty() {
                if leading {
                    out = out.trim_start_matches(cut);
                }
                if trailing {
                    out = out.trim_end_matches(cut);
                }
            }
        }
    }
    Ok(Term::string(out))
}
fn trim(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    trim_with(a, "trim", true, true)
}
fn trim_leading(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    trim_with(a, "trim_leading", true, false)
}
fn trim_trailing(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    trim_with(a, "trim_trailing", false, true)
}

/// The mode of `upcase/2` and `downcase/2`.
fn case_mode(a: &[Term], name: &str) -> Result<&'static str, Control> {
    match a.get(1) {
        None => Ok("default"),
        Some(m) => ["default", "ascii", "greek", "turkic"]
            .into_iter()
            .find(|x| m.is_atom_named(x))
            .ok_or_else(|| function_clause("String", name, 2)),
    }
}
fn upcase(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "upcase", 2)?;
    Ok(Term::string(match case_mode(a, "upcase")? {
        "ascii" => s.to_ascii_uppercase(),
        "turkic" => s.chars().flat_map(|c| match c {
            'i' => vec!['İ'],
            'ı' => vec!['I'],
            other => other.to_uppercase().collect(),
        }).collect(),
        _ => s.to_uppercase(),
    }))
}
fn downcase(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "downcase", 2)?;
    Ok(Term::string(match case_mode(a, "downcase")? {
        "ascii" => s.to_ascii_lowercase(),
        // Only :greek applies the final-sigma rule (Rust's str::to_lowercase does).
        "greek" => s.to_lowercase(),
        "turkic" => s.chars().flat_map(|c| match c {
            'I' => vec!['ı'],
            'İ' => vec!['i'],
            other => other.to_lowercase().collect(),
        }).collect(),
        _ => s.chars().flat_map(char::to_lowercase).collect(),
    }))
}
fn capitalize(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "capitalize", 2)?;
    let mut gs = s.graphemes(true);
    // Title case for the first grapheme: a multi-letter upper case (ligatures such as
    // "ﬁ" → "FI") keeps only its first letter upper ("Fi").
    let first = gs
        .next()
        .map(|g| {
            let upper = g.to_uppercase();
            let mut chars = upper.chars();
            let head: String = chars.next().into_iter().collect();
            if g.chars().count() == 1 && upper.chars().count() > 1 {
                head + &chars.as_str().to_lowercase()
            } else {
                upper
            }
        })
        .unwrap_or_default();
    let rest: String = gs.collect::<String>().to_lowercase();
    Ok(Term::string(first + &rest))
}
fn length(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::Int(
        string_arg(&a[0], "length", 1)?.graphemes(true).count() as i64,
    ))
}
fn byte_size(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    a[0].as_bytes()
        .map(|b| Term::Int(b.len() as i64))
        .ok_or_else(super::argument::badarg)
}
fn contains(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "contains?", 2)?;
    let pats = patterns(&a[1], "contains?", 2)?;
    Ok(Term::bool(pats.iter().any(|p| s.contains(p.as_str()))))
}
fn starts_with(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "starts_with?", 2)?;
    let pats = patterns(&a[1], "starts_with?", 2)?;
    Ok(Term::bool(pats.iter().any(|p| s.starts_with(p.as_str()))))
}
fn ends_with(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "ends_with?", 2)?;
    let pats = patterns(&a[1], "ends_with?", 2)?;
    Ok(Term::bool(pats.iter().any(|p| s.ends_with(p.as_str()))))
}

fn replace(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "replace", 4)?;
    if super::regex::is_regex_term(&a[1]) {
        let mut args = vec![a[1].clone(), a[0].clone(), a[2].clone()];
        args.extend(a.get(3).cloned());
        return Err(Control::CallMfa { module: Atom::new("Elixir.Regex"), name: Atom::new("replace"), args });
    }
    if matches!(a[2], Term::Fun(_)) {
        // Learner code runs for each match: String.__replace_with__/3 in the prelude
        // (Regex's) gets the text between matches and each match.
        let pats = patterns(&a[1], "replace", 4)?;
        let global = option(a.get(3), "global").is_none_or(Term::is_truthy);
        let (mut gaps, mut found, mut from) = (Vec::new(), Vec::new(), 0);
        while let Some((at, len)) = find_any(s, &pats, from).filter(|(_, len)| *len > 0) {
            gaps.push(Term::string(&s[from..at]));
            found.push(Term::list(vec![Term::string(&s[at..at + len])]));
            from = at + len;
            if !global {
                break;
            }
        }
        gaps.push(Term::string(&s[from..]));
        return Err(Control::CallMfa {
            module: Atom::new("Elixir.Regex"),
            name: Atom::new("__replace_with__"),
            args: vec![Term::list(gaps), Term::list(found), a[2].clone()],
        });
    }
    let pats = patterns(&a[1], "replace", 4)?;
    // A function replacement must run learner code: the prelude handles it.
    let with = string_arg(&a[2], "replace", 4)?;
    let global = option(a.get(3), "global").is_none_or(Term::is_truthy);
    let mut out = String::new();
    if pats.iter().all(String::is_empty) {
        // The empty pattern matches before and after every grapheme.
        out.push_str(with);
        let gs = graphemes(s);
        for (i, g) in gs.iter().enumerate() {
            out.push_str(g);
            if global {
                out.push_str(with);
            } else {
                out.push_str(&gs[i + 1..].concat());
                break;
            }
        }
        return Ok(Term::string(out));
    }
    let mut from = 0;
    while let Some((at, len)) = find_any(s, &pats, from) {
        out.push_str(&s[from..at]);
        out.push_str(with);
        from = at + len;
        if !global {
            break;
        }
    }
    out.push_str(&s[from..]);
    Ok(Term::string(out))
}

fn replace_affix(a: &[Term], name: &str, prefix: bool, all: bool) -> NativeResult {
    let s = string_arg(&a[0], name, 3)?;
    let m = string_arg(&a[1], name, 3)?;
    let with = string_arg(&a[2], name, 3)?;
    if m.is_empty() {
        // An empty prefix/suffix matches once; empty leading/trailing runs match none.
        return Ok(Term::string(match (all, prefix) {
            (true, _) => s.to_string(),
            (false, true) => format!("{with}{s}"),
            (false, false) => format!("{s}{with}"),
        }));
    }
    let mut rest = s;
    let mut count = 0;
    loop {
        let next = if prefix {
            rest.strip_prefix(m)
        } else {
            rest.strip_suffix(m)
        };
        match next {
            Some(r) => {
                rest = r;
                count += 1;
                if !all {
                    break;
                }
            }
            None => break,
        }
    }
    let reps = with.repeat(count);
    Ok(Term::string(if prefix {
        reps + rest
    } else {
        rest.to_string() + &reps
    }))
}
fn replace_prefix(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    replace_affix(a, "replace_prefix", true, false)
}
fn replace_suffix(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    replace_affix(a, "replace_suffix", false, false)
}
fn replace_leading(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    replace_affix(a, "replace_leading", true, true)
}
fn replace_trailing(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    replace_affix(a, "replace_trailing", false, true)
}

fn pad(a: &[Term], name: &str, leading: bool) -> NativeResult {
    let s = string_arg(&a[0], name, 3)?;
    let count = index(&a[1]).ok_or_else(|| function_clause("String", name, 3))?;
    // The padding is a string (cycled by graphemes) or a list of strings (cycled by item).
    let pad_items: Vec<String>;
    let pad_gs: Vec<&str> = match a.get(2) {
        Some(p) if p.is_list() => {
            pad_items = list(p)
                .and_then(|xs| xs.iter().map(|x| text(x).map(str::to_string)).collect::<Option<Vec<String>>>())
                .ok_or_else(|| function_clause("String", name, 3))?;
            pad_items.iter().map(String::as_str).collect()
        }
        Some(p) => graphemes(string_arg(p, name, 3)?),
        None => vec![" "],
    };
    if pad_gs.is_empty() {
        return Err(function_clause("String", name, 3));
    }
    let have = s.graphemes(true).count();
    let need = count.saturating_sub(have);
    let fill: String = pad_gs.iter().cycle().take(need).copied().collect();
    Ok(Term::string(if leading {
        fill + s
    } else {
        s.to_string() + &fill
    }))
}
fn pad_leading(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    pad(a, "pad_leading", true)
}
fn pad_trailing(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    pad(a, "pad_trailing", false)
}
fn duplicate(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = a[0]
        .as_bytes()
        .ok_or_else(|| arg_error(1, "not a binary"))?;
    let n = index(&a[1]).ok_or_else(|| arg_error(2, "out of range"))?;
    super::allocation::binary_fits(cx, (s.len() as u64).saturating_mul(n as u64))?;
    Ok(Term::bytes(s.repeat(n)))
}
fn reverse(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "reverse", 1)?;
    Ok(Term::string(s.graphemes(true).rev().collect::<String>()))
}

/// Graphemes `start..start+len` (clamped), as `String.slice/3`.
fn slice_graphemes(gs: &[&str], start: i64, len: usize) -> String {
    let n = gs.len() as i64;
    let start = if start < 0 { (n + start).max(0) } else { start };
    if start >= n {
        return String::new();
    }
    gs.iter().skip(start as usize).take(len).copied().collect()
}
fn slice(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "slice", a.len() as u32)?;
    let gs = graphemes(s);
    if let Some(len) = a.get(2) {
        let start = small_int(&a[1]).ok_or_else(|| function_clause("String", "slice", 3))?;
        let len = index(len).ok_or_else(|| function_clause("String", "slice", 3))?;
        return Ok(Term::string(slice_graphemes(&gs, start, len)));
    }
    let range = Range::from_term(&a[1]).ok_or_else(|| function_clause("String", "slice", 2))?;
    let picked = range.pick_indices(gs.len());
    Ok(Term::string(
        picked.into_iter().map(|i| gs[i]).collect::<String>(),
    ))
}
fn at(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "at", 2)?;
    let i = small_int(&a[1]).ok_or_else(|| function_clause("String", "at", 2))?;
    let gs = graphemes(s);
    let n = gs.len() as i64;
    let i = if i < 0 { n + i } else { i };
    Ok(if (0..n).contains(&i) {
        Term::string(gs[i as usize])
    } else {
        Term::nil()
    })
}
fn first(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "first", 1)?;
    Ok(s.graphemes(true)
        .next()
        .map(Term::string)
        .unwrap_or_else(Term::nil))
}
fn last(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "last", 1)?;
    Ok(s.graphemes(true)
        .next_back()
        .map(Term::string)
        .unwrap_or_else(Term::nil))
}
fn split_at(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "split_at", 2)?;
    let i = small_int(&a[1]).ok_or_else(|| function_clause("String", "split_at", 2))?;
    let gs = graphemes(s);
    let n = gs.len() as i64;
    let at = (if i < 0 { n + i } else { i }).clamp(0, n) as usize;
    Ok(Term::pair(
        Term::string(gs[..at].concat()),
        Term::string(gs[at..].concat()),
    ))
}
fn to_atom(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = text(&a[0]).ok_or_else(|| arg_error(1, "not a binary"))?;
    if s.chars().count() > 255 {
        return Err(Control::Raise(crate::vm::Raise::error(Term::atom(
            "system_limit",
        ))));
    }
    Ok(Term::atom(s))
}
fn to_existing_atom(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = text(&a[0]).ok_or_else(|| arg_error(1, "not a binary"))?;
    if atom_exists(s) {
        Ok(Term::Atom(Atom::new(s)))
    } else {
        Err(arg_error(1, "not an already existing atom"))
    }
}
fn to_integer(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = text(&a[0]).ok_or_else(|| arg_error(1, "not a binary"))?;
    let base = match a.get(1) {
        None => 10,
        Some(b) => super::argument::radix(b).ok_or_else(|| arg_error(2, "not a valid base"))?,
    };
    parse_integer(s, base).ok_or_else(|| arg_error(1, "not a textual representation of an integer"))
}

/// Parses a whole string as `binary_to_float` does: digits, a dot, digits, an
/// optional exponent (`"1.5e3"`; `"1"`, `"1e5"` and `".5"` are rejected).
pub fn parse_float_strict(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.')?;
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    if !digits(int) || !digits(frac) {
        return None;
    }
    if let Some(e) = exp
        && !digits(e.strip_prefix(['+', '-']).unwrap_or(e))
    {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}
fn to_float(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = text(&a[0]).ok_or_else(|| arg_error(1, "not a binary"))?;
    parse_float_strict(s)
        .map(Term::Float)
        .ok_or_else(|| arg_error(1, "not a textual representation of a float"))
}
fn graphemes_fn(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "graphemes", 1)?;
    Ok(Term::list(s.graphemes(true).map(Term::string).collect()))
}
fn codepoints(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "codepoints", 1)?;
    Ok(Term::list(
        s.chars().map(|c| Term::string(c.to_string())).collect(),
    ))
}
fn to_charlist(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    if let Term::Binary(b) = &a[0]
        && let Err(e) = std::str::from_utf8(b)
    {
        // As `:unicode.characters_to_list/1` reports it: the bytes from the first
        // one that is not UTF-8.
        let rest = Term::bytes(b[e.valid_up_to()..].to_vec());
        let message = format!("invalid encoding starting at {}", crate::term::inspect::inspect(&rest));
        return Err(Control::Raise(crate::vm::Raise::exception("UnicodeConversionError", message)));
    }
    Ok(charlist(string_arg(&a[0], "to_charlist", 1)?))
}
fn valid(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match &a[0] {
        Term::Binary(b) => Ok(Term::bool(std::str::from_utf8(b).is_ok())),
        _ => Err(function_clause("String", "valid?", 1)),
    }
}

/// Elixir's `String.printable?/1`: no control characters besides `\n\r\t\v\b\f\e\d\a`.
pub fn printable(s: &str) -> bool {
    // Elixir 1.14's String.printable?/2: the escapes it can print, plus these ranges.
    s.chars().all(|c| {
        matches!(c, '\n' | '\r' | '\t' | '\u{b}' | '\u{8}' | '\u{c}' | '\u{1b}' | '\u{7f}' | '\u{7}')
            || matches!(c as u32, 0x20..=0x7e | 0xa0..=0xd7ff | 0xe000..=0xfffd | 0x10000..=0x10ffff)
    })
}
fn printable_fn(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let limit = match a.get(1) {
        None => usize::MAX,
        Some(l) if l.is_atom_named("infinity") => usize::MAX,
        Some(l) => index(l).ok_or_else(|| function_clause("String", "printable?", 2))?,
    };
    if limit == 0 && matches!(a[0], Term::Binary(_)) {
        return Ok(Term::bool(true));
    }
    match &a[0] {
        Term::Binary(b) if limit < usize::MAX => {
            // Only the first `limit` characters are looked at.
            let valid = match std::str::from_utf8(b) {
                Ok(s) => s,
                Err(e) => std::str::from_utf8(&b[..e.valid_up_to()]).unwrap_or(""),
            };
            let head: String = valid.chars().take(limit).collect();
            let enough = head.chars().count() == limit || valid.len() == b.len();
            Ok(Term::bool(enough && printable(&head)))
        }
        Term::Binary(_) => Ok(Term::bool(text(&a[0]).is_some_and(printable))),
        _ => Err(function_clause("String", "printable?", 2)),
    }
}

/// Registers `String`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "Elixir.String";
    reg.add(m, "split", 1, split1);
    reg.add(m, "split", 2, split);
    reg.add(m, "split", 3, split);
    for arity in [1, 2] {
        reg.add(m, "trim", arity, trim);
        reg.add(m, "trim_leading", arity, trim_leading);
        reg.add(m, "trim_trailing", arity, trim_trailing);
        reg.add(m, "to_integer", arity, to_integer);
    }
    for (name, f) in [
        ("upcase", upcase as crate::vm::NativeFn),
        ("downcase", downcase),
        ("capitalize", capitalize),
        ("length", length),
        ("byte_size", byte_size),
        ("reverse", reverse),
        ("first", first),
        ("last", last),
        ("to_atom", to_atom),
        ("to_existing_atom", to_existing_atom),
        ("to_float", to_float),
        ("graphemes", graphemes_fn),
        ("codepoints", codepoints),
        ("to_charlist", to_charlist),
        ("valid?", valid),
        ("printable?", printable_fn),
    ] {
        reg.add(m, name, 1, f);
    }
    for (name, f) in [
        ("contains?", contains as crate::vm::NativeFn),
        ("starts_with?", starts_with),
        ("ends_with?", ends_with),
        ("pad_leading", pad_leading),
        ("pad_trailing", pad_trailing),
        ("duplicate", duplicate),
        ("slice", slice),
        ("at", at),
        ("split_at", split_at),
        ("upcase", upcase),
        ("downcase", downcase),
        ("capitalize", capitalize),
    ] {
        reg.add(m, name, 2, f);
    }
    for (name, f) in [
        ("replace", replace as crate::vm::NativeFn),
        ("pad_leading", pad_leading),
        ("pad_trailing", pad_trailing),
        ("slice", slice),
        ("replace_prefix", replace_prefix),
        ("replace_suffix", replace_suffix),
        ("replace_leading", replace_leading),
        ("replace_trailing", replace_trailing),
    ] {
        reg.add(m, name, 3, f);
    }
    reg.add(m, "replace", 4, replace);
    reg.add(m, "printable?", 2, printable_fn);
    reg.add(m, "normalize", 2, normalize);
    reg.add(m, "equivalent?", 2, equivalent);
    reg.add(m, "next_codepoint", 1, next_codepoint);
    reg.add(m, "next_grapheme", 1, next_grapheme);
    reg.add(m, "chunk", 2, chunk);
    reg.add(m, "jaro_distance", 2, jaro_distance);
    reg.add(m, "bag_distance", 2, bag_distance);
    reg.add(m, "match?", 2, match_p);
}

/// `String.normalize/2` with `:nfd`, `:nfc`, `:nfkd` or `:nfkc`.
fn normalize(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    use unicode_normalization::UnicodeNormalization;
    let s = string_arg(&a[0], "normalize", 2)?;
    let form = a[1].as_atom().map(|x| x.as_str().to_string()).unwrap_or_default();
    Ok(Term::string(match form.as_str() {
        "nfd" => s.nfd().collect::<String>(),
        "nfc" => s.nfc().collect(),
        "nfkd" => s.nfkd().collect(),
        "nfkc" => s.nfkc().collect(),
        _ => return Err(function_clause("String", "normalize", 2)),
    }))
}
/// `String.equivalent?/2`: equal after canonical decomposition.
fn equivalent(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    use unicode_normalization::UnicodeNormalization;
    let x = string_arg(&a[0], "equivalent?", 2)?;
    let y = string_arg(&a[1], "equivalent?", 2)?;
    Ok(Term::bool(x.nfd().eq(y.nfd())))
}
/// `String.next_codepoint/1`: the first code point (or the first byte, when it does
/// not start valid UTF-8) and the rest; nil for "".
fn next_codepoint(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let b = a[0].as_bytes().ok_or_else(|| function_clause("String", "next_codepoint", 1))?;
    if b.is_empty() {
        return Ok(Term::nil());
    }
    let n = first_char_len(b).unwrap_or(1);
    Ok(Term::pair(Term::bytes(b[..n].to_vec()), Term::bytes(b[n..].to_vec())))
}
/// The byte length of the UTF-8 character `b` starts with, if it starts with one.
fn first_char_len(b: &[u8]) -> Option<usize> {
    let n = match b.first()? {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    std::str::from_utf8(b.get(..n)?).ok().map(|_| n)
}
fn next_grapheme(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "next_grapheme", 1)?;
    Ok(match s.graphemes(true).next() {
        None => Term::nil(),
        Some(g) => Term::pair(Term::string(g), Term::string(&s[g.len()..])),
    })
}
/// `String.chunk/2`: runs of valid (or printable) and invalid characters.
fn chunk(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let b = a[0].as_bytes().ok_or_else(|| function_clause("String", "chunk", 2))?;
    let printable_mode = if a[1].is_atom_named("printable") {
        true
    } else if a[1].is_atom_named("valid") {
        false
    } else {
        return Err(function_clause("String", "chunk", 2));
    };
    let mut chunks: Vec<(bool, Vec<u8>)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let (len, kind) = match first_char_len(&b[i..]) {
            Some(n) => {
                let ok = !printable_mode || std::str::from_utf8(&b[i..i + n]).is_ok_and(printable);
                (n, ok)
            }
            None => (1, false),
        };
        match chunks.last_mut() {
            Some((k, bytes)) if *k == kind => bytes.extend_from_slice(&b[i..i + len]),
            _ => chunks.push((kind, b[i..i + len].to_vec())),
        }
        i += len;
    }
    Ok(Term::list(chunks.into_iter().map(|(_, bytes)| Term::bytes(bytes)).collect()))
}
/// `String.jaro_distance/2`: the Jaro similarity of the two strings' graphemes.
fn jaro_distance(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let x = graphemes(string_arg(&a[0], "jaro_distance", 2)?);
    let y = graphemes(string_arg(&a[1], "jaro_distance", 2)?);
    Ok(Term::Float(jaro(&x, &y)))
}
/// Jaro similarity: matches within half the longer length, minus half the transpositions.
pub fn jaro(x: &[&str], y: &[&str]) -> f64 {
    if x.is_empty() || y.is_empty() {
        return if x.is_empty() && y.is_empty() { 1.0 } else { 0.0 };
    }
    if x == y {
        return 1.0;
    }
    let window = (x.len().max(y.len()) / 2).saturating_sub(1);
    let mut y_used = vec![false; y.len()];
    let mut x_matches = Vec::new();
    for (i, g) in x.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(y.len());
        if let Some(j) = (lo..hi).find(|j| !y_used[*j] && y[*j] == *g) {
            y_used[j] = true;
            x_matches.push(*g);
        }
    }
    let m = x_matches.len();
    if m == 0 {
        return 0.0;
    }
    let y_matches: Vec<&str> = y.iter().zip(&y_used).filter(|(_, u)| **u).map(|(g, _)| *g).collect();
    let transpositions = x_matches.iter().zip(&y_matches).filter(|(p, q)| p != q).count() / 2;
    let m = m as f64;
    (m / x.len() as f64 + m / y.len() as f64 + (m - transpositions as f64) / m) / 3.0
}
/// `String.bag_distance/2`: 1 minus the larger one-sided grapheme-count difference
/// over the longer length.
fn bag_distance(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let x = graphemes(string_arg(&a[0], "bag_distance", 2)?);
    let y = graphemes(string_arg(&a[1], "bag_distance", 2)?);
    if x.is_empty() || y.is_empty() {
        return Ok(Term::Float(0.0));
    }
    let bag = |gs: &[&str]| {
        let mut m: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
        for g in gs {
            *m.entry((*g).to_string()).or_default() += 1;
        }
        m
    };
    let (bx, by) = (bag(&x), bag(&y));
    let diff = |p: &std::collections::HashMap<String, i64>, q: &std::collections::HashMap<String, i64>| {
        p.iter().map(|(k, n)| (n - q.get(k).copied().unwrap_or(0)).max(0)).sum::<i64>()
    };
    let d = diff(&bx, &by).max(diff(&by, &bx)) as f64;
    Ok(Term::Float(1.0 - d / x.len().max(y.len()) as f64))
}
/// `String.match?/2`: whether the regex matches anywhere in the string.
fn match_p(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = string_arg(&a[0], "match?", 2)?;
    let c = super::regex::compiled_of(&a[1], "match?", 2)?;
    Ok(Term::bool(super::regex::is_match(&c, s)?))
}

#[cfg(test)]
mod tests {
    use super::parse_float_strict;
    use crate::stdlib::test_bench::{a, call, i, kw, l, raised, raised_message, s, t};
    use crate::term::Term;

    fn strs(xs: &[&str]) -> Term {
        l(xs.iter().map(|x| s(x)).collect())
    }
    fn string(name: &str, args: Vec<Term>) -> Term {
        call("Elixir.String", name, args)
    }

    #[test]
    fn split_variants() {
        // String.split("a b  c") => ["a", "b", "c"]; String.split(" a  b \n") => ["a", "b"]
        assert_eq!(string("split", vec![s("a b  c")]), strs(&["a", "b", "c"]));
        assert_eq!(string("split", vec![s(" a  b \n")]), strs(&["a", "b"]));
        // String.split("a,b,,c", ",") => ["a", "b", "", "c"]
        assert_eq!(
            string("split", vec![s("a,b,,c"), s(",")]),
            strs(&["a", "b", "", "c"])
        );
        // String.split("a,b,c", ",", parts: 2) => ["a", "b,c"]
        assert_eq!(
            string("split", vec![s("a,b,c"), s(","), kw(vec![("parts", i(2))])]),
            strs(&["a", "b,c"])
        );
        // String.split(",a,b,,c,", ",", trim: true, parts: 2) => ["a", "b,,c,"]
        let opts = kw(vec![("trim", a("true")), ("parts", i(2))]);
        assert_eq!(
            string("split", vec![s(",a,b,,c,"), s(","), opts]),
            strs(&["a", "b,,c,"])
        );
        // String.split("abc", "") => ["", "a", "b", "c", ""]; parts: 2 => ["", "abc"]
        assert_eq!(
            string("split", vec![s("abc"), s("")]),
            strs(&["", "a", "b", "c", ""])
        );
        assert_eq!(
            string("split", vec![s("abc"), s(""), kw(vec![("parts", i(2))])]),
            strs(&["", "abc"])
        );
        // String.split("a-b_c", ["-", "_"]) => ["a", "b", "c"]
        assert_eq!(
            string("split", vec![s("a-b_c"), strs(&["-", "_"])]),
            strs(&["a", "b", "c"])
        );
        // String.split("line one\n  line two\n", "\n", trim: true) => ["line one", "  line two"]
        let heredoc = string(
            "split",
            vec![
                s("line one\n  line two\n"),
                s("\n"),
                kw(vec![("trim", a("true"))]),
            ],
        );
        assert_eq!(heredoc, strs(&["line one", "  line two"]));
    }

    #[test]
    fn case_trim_pad_and_replace() {
        assert_eq!(string("trim", vec![s("  \t padded \n")]), s("padded"));
        assert_eq!(string("trim", vec![s("xxaxx"), s("x")]), s("a"));
        assert_eq!(string("trim_leading", vec![s("ababc"), s("ab")]), s("c"));
        assert_eq!(string("upcase", vec![s("shopping")]), s("SHOPPING"));
        assert_eq!(
            string("capitalize", vec![s("rock climbing")]),
            s("Rock climbing")
        );
        assert_eq!(string("capitalize", vec![s("élan VITAL")]), s("Élan vital"));
        assert_eq!(string("pad_leading", vec![s("7"), i(3), s("0")]), s("007"));
        assert_eq!(
            string("pad_leading", vec![s("abc"), i(6), s("12")]),
            s("121abc")
        );
        assert_eq!(
            string("pad_trailing", vec![s("abc"), i(7), s("12")]),
            s("abc1212")
        );
        assert_eq!(
            string("replace", vec![s("a-b-c"), s("-"), s("+")]),
            s("a+b+c")
        );
        assert_eq!(
            string("replace", vec![s("abc"), s(""), s("-")]),
            s("-a-b-c-")
        );
        let once = kw(vec![("global", a("false"))]);
        assert_eq!(
            string("replace", vec![s("aaa"), s("a"), s("b"), once]),
            s("baa")
        );
        assert_eq!(
            string("replace_leading", vec![s("aaab"), s("a"), s("x")]),
            s("xxxb")
        );
        assert_eq!(
            string("replace_prefix", vec![s("aaab"), s("a"), s("x")]),
            s("xaab")
        );
        assert_eq!(string("duplicate", vec![s("="), i(3)]), s("==="));
    }

    #[test]
    fn graphemes_slices_and_positions() {
        // String.length("héllo") => 5; String.length("e\u0301") => 1
        assert_eq!(string("length", vec![s("héllo")]), i(5));
        assert_eq!(string("length", vec![s("e\u{301}")]), i(1));
        assert_eq!(string("reverse", vec![s("héllo")]), s("olléh"));
        assert_eq!(string("slice", vec![s("elixir"), i(1), i(3)]), s("lix"));
        assert_eq!(string("slice", vec![s("elixir"), i(-2), i(5)]), s("ir"));
        assert_eq!(string("slice", vec![s("elixir"), i(7), i(1)]), s(""));
        assert_eq!(string("at", vec![s("abc"), i(-1)]), s("c"));
        assert!(string("at", vec![s("abc"), i(5)]).is_nil());
        assert_eq!(
            string("split_at", vec![s("abcdef"), i(-2)]),
            t(vec![s("abcd"), s("ef")])
        );
        assert_eq!(string("codepoints", vec![s("hé")]), strs(&["h", "é"]));
        assert!(string("first", vec![s("")]).is_nil());
        assert!(string("contains?", vec![s("abc"), strs(&["x", "b"])]).is_atom_named("true"));
        assert!(string("printable?", vec![s("a\u{1}")]).is_atom_named("false"));
    }

    #[test]
    fn conversions_and_their_errors() {
        assert_eq!(string("to_integer", vec![s("-15")]), i(-15));
        assert_eq!(string("to_integer", vec![s("ff"), i(16)]), i(255));
        assert_eq!(string("to_float", vec![s("3.25")]), Term::Float(3.25));
        assert_eq!(string("to_float", vec![s("1.5e5")]), Term::Float(150000.0));
        assert_eq!(parse_float_strict("1e5"), None);
        assert_eq!(parse_float_strict(".5"), None);
        assert_eq!(
            raised_message("Elixir.String", "to_integer", vec![s("x")]),
            "errors were found at the given arguments:\n\n  * 1st argument: not a textual representation of an integer\n"
        );
        assert_eq!(
            raised_message("Elixir.String", "to_float", vec![s("1")]),
            "errors were found at the given arguments:\n\n  * 1st argument: not a textual representation of a float\n"
        );
        assert_eq!(
            raised_message(
                "Elixir.String",
                "to_existing_atom",
                vec![s("zzz_never_made_atom_q")]
            ),
            "errors were found at the given arguments:\n\n  * 1st argument: not an already existing atom\n"
        );
        assert_eq!(
            raised_message("Elixir.String", "duplicate", vec![s("a"), i(-1)]),
            "errors were found at the given arguments:\n\n  * 2nd argument: out of range\n"
        );
        // String.upcase(5) => FunctionClauseError String.upcase/2
        assert_eq!(
            raised("Elixir.String", "upcase", vec![i(5)]).map_get_atom("arity"),
            Some(&i(2))
        );
        assert_eq!(string("to_atom", vec![s("dynamic")]), a("dynamic"));
    }
}
