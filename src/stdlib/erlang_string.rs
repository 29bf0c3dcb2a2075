//! `:string`: Erlang's Unicode string module over chardata. A binary argument gives
//! binary results and a list (charlist or deep chardata) gives charlists, as OTP's
//! functions do for flat inputs. Lengths and reversal count grapheme clusters.

use super::argument::badarg;
use crate::term::Term;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult};
use unicode_segmentation::UnicodeSegmentation;

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

/// Chardata as text, and whether results should be binaries.
fn chardata(t: &Term) -> Result<(String, bool), Control> {
    if let Some(s) = t.as_str() {
        return Ok((s.to_string(), true));
    }
    let text = super::kernel::chardata_text(t).ok_or_else(badarg)?;
    Ok((text, false))
}

/// `s` back as the caller's kind of chardata.
fn out(s: &str, binary: bool) -> Term {
    if binary { Term::string(s) } else { Term::list(s.chars().map(|c| Term::Int(c as i64)).collect()) }
}

/// A list of characters (`[?\s, ?,]`), or the grapheme clusters of a string.
fn char_set(t: &Term) -> Result<Vec<String>, Control> {
    if let Some(s) = t.as_str() {
        return Ok(s.graphemes(true).map(str::to_string).collect());
    }
    let items = t.list_to_vec().ok_or_else(badarg)?;
    items
        .iter()
        .map(|c| match c {
            Term::Int(i) => u32::try_from(*i).ok().and_then(char::from_u32).map(String::from).ok_or_else(badarg),
            other => chardata(other).map(|(s, _)| s),
        })
        .collect()
}

fn unary(a: &[Term], f: impl Fn(&str) -> String) -> NativeResult {
    let (s, bin) = chardata(&a[0])?;
    Ok(out(&f(&s), bin))
}

fn length(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::Int(chardata(&a[0])?.0.graphemes(true).count() as i64))
}
fn uppercase(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    unary(a, str::to_uppercase)
}
fn lowercase(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    unary(a, |s| s.chars().flat_map(char::to_lowercase).collect())
}
/// `to_upper/1`, `to_lower/1`: also accept a single character code.
fn to_upper(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match a[0] {
        Term::Int(c) => Ok(Term::Int(u32::try_from(c).ok().and_then(char::from_u32).and_then(|ch| ch.to_uppercase().next()).map_or(c, |u| u as i64))),
        _ => uppercase(cx, a),
    }
}
fn to_lower(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match a[0] {
        Term::Int(c) => Ok(Term::Int(u32::try_from(c).ok().and_then(char::from_u32).and_then(|ch| ch.to_lowercase().next()).map_or(c, |u| u as i64))),
        _ => lowercase(cx, a),
    }
}
fn titlecase(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    unary(a, |s| {
        let mut gs = s.graphemes(true);
        gs.next().map(|g| g.to_uppercase()).unwrap_or_default() + gs.as_str()
    })
}
fn casefold(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    unary(a, str::to_lowercase)
}
fn reverse(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    unary(a, |s| s.graphemes(true).rev().collect())
}
fn is_empty(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::bool(chardata(&a[0])?.0.is_empty()))
}
fn equal(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::bool(chardata(&a[0])?.0 == chardata(&a[1])?.0))
}
fn chomp(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    unary(a, |s| s.strip_suffix("\r\n").or_else(|| s.strip_suffix('\n')).unwrap_or(s).to_string())
}

/// `trim/1,2,3`: `dir` is leading, trailing or both; `chars` defaults to whitespace.
fn trim(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (s, bin) = chardata(&a[0])?;
    let dir = a.get(1).and_then(Term::as_atom).map_or("both".to_string(), |d| d.as_str().to_string());
    let set = match a.get(2) {
        Some(cs) => Some(char_set(cs)?),
        None => None,
    };
    let strip = |g: &str| match &set {
        Some(set) => set.iter().any(|c| c == g),
        None => g.chars().all(char::is_whitespace),
    };
    let gs: Vec<&str> = s.graphemes(true).collect();
    let mut lo = 0;
    let mut hi = gs.len();
    if dir == "leading" || dir == "both" {
        while lo < hi && strip(gs[lo]) {
            lo += 1;
        }
    }
    if dir == "trailing" || dir == "both" {
        while hi > lo && strip(gs[hi - 1]) {
            hi -= 1;
        }
    }
    Ok(out(&gs[lo..hi].concat(), bin))
}

/// `split(string, pattern, where)`: at the leading (default), trailing or every match.
fn split(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (s, bin) = chardata(&a[0])?;
    let (pat, _) = chardata(&a[1])?;
    let wh = a.get(2).and_then(Term::as_atom).map_or("leading".to_string(), |w| w.as_str().to_string());
    if pat.is_empty() {
        return Ok(Term::list(vec![out(&s, bin)]));
    }
    let parts: Vec<&str> = match wh.as_str() {
        "all" => s.split(pat.as_str()).collect(),
        "trailing" => match s.rfind(pat.as_str()) {
            Some(i) => vec![&s[..i], &s[i + pat.len()..]],
            None => vec![s.as_str()],
        },
        _ => match s.find(pat.as_str()) {
            Some(i) => vec![&s[..i], &s[i + pat.len()..]],
            None => vec![s.as_str()],
        },
    };
    Ok(Term::list(parts.into_iter().map(|p| out(p, bin)).collect()))
}

/// `lexemes(string, separators)`: the non-empty pieces between separator characters.
fn lexemes(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (s, bin) = chardata(&a[0])?;
    let seps = char_set(&a[1])?;
    let mut pieces = Vec::new();
    let mut cur = String::new();
    for g in s.graphemes(true) {
        if seps.iter().any(|c| c == g) {
            if !cur.is_empty() {
                pieces.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push_str(g);
        }
    }
    if !cur.is_empty() {
        pieces.push(cur);
    }
    Ok(Term::list(pieces.iter().map(|p| out(p, bin)).collect()))
}

/// `find(string, pattern, dir)`: the rest of `string` from the first (or last) match.
fn find(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (s, bin) = chardata(&a[0])?;
    let (pat, _) = chardata(&a[1])?;
    let trailing = a.get(2).is_some_and(|d| d.is_atom_named("trailing"));
    let at = if trailing { s.rfind(pat.as_str()) } else { s.find(pat.as_str()) };
    Ok(at.map_or_else(|| Term::atom("nomatch"), |i| out(&s[i..], bin)))
}

/// `replace(string, pattern, replacement, where)`: chardata, the pieces of
/// `split/3` with the replacement between them (as OTP returns it).
fn replace(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let split_args: Vec<Term> = vec![a[0].clone(), a[1].clone(), a.get(3).cloned().unwrap_or_else(|| Term::atom("leading"))];
    let parts = split(cx, &split_args)?.list_to_vec().unwrap_or_default();
    let mut items = Vec::with_capacity(parts.len() * 2);
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            items.push(a[2].clone());
        }
        items.push(part);
    }
    Ok(Term::list(items))
}

fn prefix(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (s, bin) = chardata(&a[0])?;
    let (p, _) = chardata(&a[1])?;
    Ok(s.strip_prefix(p.as_str()).map_or_else(|| Term::atom("nomatch"), |rest| out(rest, bin)))
}

/// `slice(string, start, length)` in grapheme clusters.
fn slice(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (s, bin) = chardata(&a[0])?;
    let start = super::argument::index(&a[1]).ok_or_else(badarg)?;
    let len = match a.get(2) {
        None => usize::MAX,
        Some(l) if l.is_atom_named("infinity") => usize::MAX,
        Some(l) => super::argument::index(l).ok_or_else(badarg)?,
    };
    Ok(out(&s.graphemes(true).skip(start).take(len).collect::<String>(), bin))
}

/// `to_integer/1`: `{integer, rest}` or `{:error, :no_integer}`.
fn to_integer(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (s, bin) = chardata(&a[0])?;
    let sign_len = usize::from(s.starts_with(['+', '-']));
    let digits = s[sign_len..].bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return Ok(Term::pair(Term::atom("error"), Term::atom("no_integer")));
    }
    let end = sign_len + digits;
    let n = super::erlang::parse_integer(&s[..end], 10).ok_or_else(badarg)?;
    Ok(Term::pair(n, out(&s[end..], bin)))
}

/// `to_float/1`: `{float, rest}` or `{:error, :no_float}` (Erlang needs digits on
/// both sides of the point).
fn to_float(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (s, bin) = chardata(&a[0])?;
    let b = s.as_bytes();
    let mut i = usize::from(s.starts_with(['+', '-']));
    let int_digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    i += int_digits;
    let frac_digits = if b.get(i) == Some(&b'.') { b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count() } else { 0 };
    if int_digits == 0 || frac_digits == 0 {
        return Ok(Term::pair(Term::atom("error"), Term::atom("no_float")));
    }
    i += 1 + frac_digits;
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_digits = b[j.min(b.len())..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp_digits > 0 {
            i = j + exp_digits;
        }
    }
    let f: f64 = s[..i].parse().map_err(|_| badarg())?;
    Ok(Term::pair(Term::Float(f), out(&s[i..], bin)))
}

fn next_grapheme(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (s, bin) = chardata(&a[0])?;
    Ok(match s.graphemes(true).next() {
        None => Term::Nil,
        Some(g) => {
            let head = if g.chars().count() == 1 { Term::Int(g.chars().next().map_or(0, |c| c as i64)) } else { out(g, false) };
            Term::cons(head, out(&s[g.len()..], bin))
        }
    })
}

/// `pad(string, length, dir, char)`: chardata with the padding (a charlist of
/// `char`, default space) on the `dir` side(s), as OTP returns it.
fn pad(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (s, _) = chardata(&a[0])?;
    let width = super::argument::index(&a[1]).ok_or_else(badarg)?;
    let dir = a.get(2).and_then(Term::as_atom).map_or("trailing".to_string(), |d| d.as_str().to_string());
    let fill = match a.get(3) {
        Some(Term::Int(c)) => *c,
        Some(_) => return Err(badarg()),
        None => i64::from(b' '),
    };
    let need = width.saturating_sub(s.graphemes(true).count());
    let run = |n: usize| Term::list(vec![Term::Int(fill); n]);
    Ok(match dir.as_str() {
        "leading" => Term::list(vec![run(need), a[0].clone()]),
        "both" => Term::list(vec![run(need / 2), a[0].clone(), run(need - need / 2)]),
        _ => Term::list(vec![a[0].clone(), run(need)]),
    })
}

/// Registers `:string`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "string";
    reg.add(m, "length", 1, length);
    reg.add(m, "uppercase", 1, uppercase);
    reg.add(m, "lowercase", 1, lowercase);
    reg.add(m, "to_upper", 1, to_upper);
    reg.add(m, "to_lower", 1, to_lower);
    reg.add(m, "titlecase", 1, titlecase);
    reg.add(m, "casefold", 1, casefold);
    reg.add(m, "reverse", 1, reverse);
    reg.add(m, "is_empty", 1, is_empty);
    reg.add(m, "equal", 2, equal);
    reg.add(m, "chomp", 1, chomp);
    for arity in [1, 2, 3] {
        reg.add(m, "trim", arity, trim);
    }
    reg.add(m, "split", 2, split);
    reg.add(m, "split", 3, split);
    reg.add(m, "lexemes", 2, lexemes);
    reg.add(m, "find", 2, find);
    reg.add(m, "find", 3, find);
    reg.add(m, "replace", 3, replace);
    reg.add(m, "replace", 4, replace);
    reg.add(m, "prefix", 2, prefix);
    reg.add(m, "slice", 2, slice);
    reg.add(m, "slice", 3, slice);
    reg.add(m, "to_integer", 1, to_integer);
    reg.add(m, "to_float", 1, to_float);
    reg.add(m, "next_grapheme", 1, next_grapheme);
    for arity in [2, 3, 4] {
        reg.add(m, "pad", arity, pad);
    }
}
