//! `:binary`: byte-level operations on binaries (Erlang's `binary` module): parts,
//! byte lists, searching (`match`, `matches`, `split`, `replace`) and unsigned
//! integer codecs. Patterns are a binary or a list of binaries; at one position the
//! longest pattern wins, as in OTP.

use super::argument::{badarg, index};
use crate::term::Term;
use crate::vm::{NativeCtx, NativeRegistry, NativeResult};
use num_bigint::BigInt;

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

fn bytes(t: &Term) -> Result<&[u8], crate::vm::Control> {
    t.as_bytes().ok_or_else(badarg)
}

fn patterns(t: &Term) -> Result<Vec<Vec<u8>>, crate::vm::Control> {
    let pats: Vec<Vec<u8>> = match t.as_bytes() {
        Some(b) => vec![b.to_vec()],
        None => t
            .list_to_vec()
            .ok_or_else(badarg)?
            .iter()
            .map(|p| p.as_bytes().map(<[u8]>::to_vec).ok_or_else(badarg))
            .collect::<Result<_, _>>()?,
    };
    if pats.is_empty() || pats.iter().any(Vec::is_empty) {
        return Err(badarg());
    }
    Ok(pats)
}

/// The first match at or after `from`: `(position, length)`, longest at a tie.
fn find(hay: &[u8], pats: &[Vec<u8>], from: usize) -> Option<(usize, usize)> {
    (from..hay.len()).find_map(|i| {
        pats.iter()
            .filter(|p| hay[i..].starts_with(p))
            .map(|p| p.len())
            .max()
            .map(|len| (i, len))
    })
}

fn all_matches(hay: &[u8], pats: &[Vec<u8>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some((at, len)) = find(hay, pats, from) {
        out.push((at, len));
        from = at + len;
    }
    out
}

fn has_option(opts: Option<&Term>, name: &str) -> bool {
    opts.is_some_and(|o| o.list_iter().any(|x| x.is_atom_named(name)))
}

fn pos_len(p: (usize, usize)) -> Term {
    Term::pair(Term::Int(p.0 as i64), Term::Int(p.1 as i64))
}

fn part(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let b = bytes(&a[0])?;
    let (start, len) = match a.len() {
        2 => match &a[1] {
            Term::Tuple(p) if p.len() == 2 => (p[0].clone(), p[1].clone()),
            _ => return Err(badarg()),
        },
        _ => (a[1].clone(), a[2].clone()),
    };
    let (Term::Int(start), Term::Int(len)) = (start, len) else { return Err(badarg()) };
    let (lo, hi) = if len < 0 { (start + len, start) } else { (start, start + len) };
    if lo < 0 || hi as usize > b.len() {
        return Err(badarg());
    }
    Ok(Term::bytes(b[lo as usize..hi as usize].to_vec()))
}
fn at(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let b = bytes(&a[0])?;
    let i = index(&a[1]).ok_or_else(badarg)?;
    b.get(i).map(|x| Term::Int(i64::from(*x))).ok_or_else(badarg)
}
fn first(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    bytes(&a[0])?.first().map(|x| Term::Int(i64::from(*x))).ok_or_else(badarg)
}
fn last(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    bytes(&a[0])?.last().map(|x| Term::Int(i64::from(*x))).ok_or_else(badarg)
}
fn bin_to_list(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let b = bytes(&a[0])?;
    let slice = match a.len() {
        1 => b,
        _ => {
            let (start, len) = match (a.len(), a.get(1), a.get(2)) {
                (2, Some(Term::Tuple(p)), _) if p.len() == 2 => (p[0].clone(), p[1].clone()),
                (3, Some(s), Some(l)) => (s.clone(), l.clone()),
                _ => return Err(badarg()),
            };
            let (Term::Int(s), Term::Int(l)) = (start, len) else { return Err(badarg()) };
            let (lo, hi) = if l < 0 { (s + l, s) } else { (s, s + l) };
            if lo < 0 || hi as usize > b.len() {
                return Err(badarg());
            }
            &b[lo as usize..hi as usize]
        }
    };
    Ok(Term::list(slice.iter().map(|x| Term::Int(i64::from(*x))).collect()))
}
fn list_to_bin(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut out = Vec::new();
    super::erlang::iolist_bytes(&a[0], &mut out).ok_or_else(badarg)?;
    Ok(Term::bytes(out))
}
fn copy(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let b = bytes(&a[0])?;
    let n = a.get(1).map_or(Some(1), index).ok_or_else(badarg)?;
    super::allocation::binary_fits(cx, (b.len() as u64).saturating_mul(n as u64))?;
    Ok(Term::bytes(b.repeat(n)))
}
fn match_(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let b = bytes(&a[0])?;
    let pats = patterns(&a[1])?;
    Ok(find(b, &pats, 0).map_or_else(|| Term::atom("nomatch"), pos_len))
}
fn matches(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let b = bytes(&a[0])?;
    let pats = patterns(&a[1])?;
    Ok(Term::list(all_matches(b, &pats).into_iter().map(pos_len).collect()))
}
fn split(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let b = bytes(&a[0])?;
    let pats = patterns(&a[1])?;
    let opts = a.get(2);
    let cuts = if has_option(opts, "global") { all_matches(b, &pats) } else { find(b, &pats, 0).into_iter().collect() };
    let mut parts = Vec::new();
    let mut from = 0;
    for (at, len) in cuts {
        parts.push(b[from..at].to_vec());
        from = at + len;
    }
    parts.push(b[from..].to_vec());
    if has_option(opts, "trim_all") {
        parts.retain(|p| !p.is_empty());
    } else if has_option(opts, "trim") {
        while parts.last().is_some_and(Vec::is_empty) {
            parts.pop();
        }
    }
    Ok(Term::list(parts.into_iter().map(Term::bytes).collect()))
}
fn replace(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let b = bytes(&a[0])?;
    let pats = patterns(&a[1])?;
    let with = bytes(&a[2])?;
    let opts = a.get(3);
    let cuts = if has_option(opts, "global") { all_matches(b, &pats) } else { find(b, &pats, 0).into_iter().collect() };
    let mut out = Vec::with_capacity(b.len());
    let mut from = 0;
    for (at, len) in cuts {
        out.extend_from_slice(&b[from..at]);
        out.extend_from_slice(with);
        from = at + len;
    }
    out.extend_from_slice(&b[from..]);
    Ok(Term::bytes(out))
}
fn little(opt: Option<&Term>) -> bool {
    opt.is_some_and(|o| o.is_atom_named("little"))
}
fn decode_unsigned(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let b = bytes(&a[0])?;
    let n = if little(a.get(1)) { BigInt::from_bytes_le(num_bigint::Sign::Plus, b) } else { BigInt::from_bytes_be(num_bigint::Sign::Plus, b) };
    Ok(Term::from_bigint(n))
}
fn encode_unsigned(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let n = super::argument::bigint(&a[0]).filter(|n| n.sign() != num_bigint::Sign::Minus).ok_or_else(badarg)?;
    let (_, mut out) = n.to_bytes_be();
    if little(a.get(1)) {
        out.reverse();
    }
    Ok(Term::bytes(out))
}
fn common(a: &[Term], suffix: bool) -> NativeResult {
    let items = a[0].list_to_vec().filter(|v| !v.is_empty()).ok_or_else(badarg)?;
    let bins: Vec<&[u8]> = items.iter().map(|t| t.as_bytes().ok_or_else(badarg)).collect::<Result<_, _>>()?;
    let first = bins[0];
    let n = (0..=first.len())
        .rev()
        .find(|&n| {
            bins.iter().all(|b| {
                b.len() >= n && if suffix { b[b.len() - n..] == first[first.len() - n..] } else { b[..n] == first[..n] }
            })
        })
        .unwrap_or(0);
    Ok(Term::Int(n as i64))
}
fn longest_common_prefix(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    common(a, false)
}
fn longest_common_suffix(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    common(a, true)
}

/// Registers `:binary`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "binary";
    reg.add(m, "part", 2, part);
    reg.add(m, "part", 3, part);
    reg.add(m, "at", 2, at);
    reg.add(m, "first", 1, first);
    reg.add(m, "last", 1, last);
    for arity in [1, 2, 3] {
        reg.add(m, "bin_to_list", arity, bin_to_list);
    }
    reg.add(m, "list_to_bin", 1, list_to_bin);
    reg.add(m, "copy", 1, copy);
    reg.add(m, "copy", 2, copy);
    reg.add(m, "match", 2, match_);
    reg.add(m, "match", 3, match_);
    reg.add(m, "matches", 2, matches);
    reg.add(m, "matches", 3, matches);
    reg.add(m, "split", 2, split);
    reg.add(m, "split", 3, split);
    reg.add(m, "replace", 3, replace);
    reg.add(m, "replace", 4, replace);
    reg.add(m, "decode_unsigned", 1, decode_unsigned);
    reg.add(m, "decode_unsigned", 2, decode_unsigned);
    reg.add(m, "encode_unsigned", 1, encode_unsigned);
    reg.add(m, "encode_unsigned", 2, encode_unsigned);
    reg.add(m, "longest_common_prefix", 1, longest_common_prefix);
    reg.add(m, "longest_common_suffix", 1, longest_common_suffix);
}

#[cfg(test)]
mod tests {
    use crate::stdlib::test_bench::{a, call, i, l, s};
    use crate::term::Term;

    #[test]
    fn searching_and_splitting_like_otp() {
        // :binary.split("a,b,,c", ",", [:global]) => ["a", "b", "", "c"]
        let global = l(vec![a("global")]);
        assert_eq!(call("binary", "split", vec![s("a,b,,c"), s(","), global]), l(vec![s("a"), s("b"), s(""), s("c")]));
        // :binary.match("abcde", ["bc", "bcd"]) => {1, 3} (longest at a tie)
        assert_eq!(call("binary", "match", vec![s("abcde"), l(vec![s("bc"), s("bcd")])]), Term::pair(i(1), i(3)));
        assert_eq!(call("binary", "decode_unsigned", vec![Term::bytes(vec![1, 0])]), i(256));
        assert_eq!(call("binary", "longest_common_prefix", vec![l(vec![s("erlang"), s("ergonomy")])]), i(2));
    }
}
