//! `Keyword` (first-order functions): lists of `{atom, value}` pairs where the
//! first occurrence of a key wins on read and writes replace every occurrence.

use super::argument::{arg_error, function_clause, key_error, list, ok};
use crate::term::{Atom, Term};
use crate::vm::code::MatchFailure;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult};

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

/// The `{key, value}` pairs of a keyword list, or FunctionClauseError for `Keyword.name/arity`.
fn pairs(t: &Term, name: &str, arity: u32) -> Result<Vec<(Term, Term)>, Control> {
    let items = list(t).ok_or_else(|| function_clause("Keyword", name, arity))?;
    items
        .into_iter()
        .map(|item| match &item {
            Term::Tuple(kv) if kv.len() == 2 => Ok((kv[0].clone(), kv[1].clone())),
            _ => Err(function_clause("Keyword", name, arity)),
        })
        .collect()
}

fn key_arg<'t>(t: &'t Term, name: &str, arity: u32) -> Result<&'t Term, Control> {
    if t.as_atom().is_some() {
        Ok(t)
    } else {
        Err(function_clause("Keyword", name, arity))
    }
}

fn build(ps: impl IntoIterator<Item = (Term, Term)>) -> Term {
    Term::list(ps.into_iter().map(|(k, v)| Term::pair(k, v)).collect())
}

/// `Keyword.get/2,3` as Elixir 1.14 writes it, `case :lists.keyfind(key, 1, keywords)`:
/// the first tuple whose first element is `key` answers (its value if it is a pair,
/// a CaseClauseError if not); elements that are not such tuples are passed over, not
/// checked; an improper tail reached before a match is keyfind's ArgumentError.
/// Walked in place: options lists are read on every `start_child` and `GenServer.start`.
fn get(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    if !matches!(a[0], Term::Nil | Term::Cons(_)) {
        return Err(function_clause("Keyword", "get", 3));
    }
    let key = key_arg(&a[1], "get", 3)?;
    let mut cur = &a[0];
    loop {
        match cur {
            Term::Cons(cell) => {
                if let Term::Tuple(kv) = &cell.head
                    && kv.first() == Some(key)
                {
                    return match kv.len() {
                        2 => Ok(kv[1].clone()),
                        // The `case` around keyfind in Elixir's definition.
                        _ => Err(Control::Raise(MatchFailure::CaseClause.error(cell.head.clone()))),
                    };
                }
                cur = &cell.tail;
            }
            Term::Nil => return Ok(a.get(2).cloned().unwrap_or_else(Term::nil)),
            _ => return Err(arg_error(3, "not a proper list")),
        }
    }
}
fn fetch(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let key = key_arg(&a[1], "fetch", 2)?;
    Ok(
        match pairs(&a[0], "fetch", 2)?
            .into_iter()
            .find(|(k, _)| k == key)
        {
            Some((_, v)) => ok(v),
            None => Term::atom("error"),
        },
    )
}
fn fetch_bang(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let key = key_arg(&a[1], "fetch!", 2)?;
    pairs(&a[0], "fetch!", 2)?
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .ok_or_else(|| key_error(key, &a[0]))
}
fn get_values(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let key = key_arg(&a[1], "get_values", 2)?;
    Ok(Term::list(
        pairs(&a[0], "get_values", 2)?
            .into_iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v)
            .collect(),
    ))
}
fn has_key(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let key = key_arg(&a[1], "has_key?", 2)?;
    Ok(Term::bool(
        pairs(&a[0], "has_key?", 2)?.iter().any(|(k, _)| k == key),
    ))
}
fn keys(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::list(
        pairs(&a[0], "keys", 1)?
            .into_iter()
            .map(|(k, _)| k)
            .collect(),
    ))
}
fn values(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::list(
        pairs(&a[0], "values", 1)?
            .into_iter()
            .map(|(_, v)| v)
            .collect(),
    ))
}
fn delete(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let key = key_arg(&a[1], "delete", 2)?;
    Ok(build(
        pairs(&a[0], "delete", 2)?
            .into_iter()
            .filter(|(k, _)| k != key),
    ))
}
/// `Keyword.put/3`: the pair goes first; every old occurrence is removed.
fn put(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let key = key_arg(&a[1], "put", 3)?;
    let rest = pairs(&a[0], "put", 3)?
        .into_iter()
        .filter(|(k, _)| k != key);
    Ok(build(
        std::iter::once((key.clone(), a[2].clone())).chain(rest),
    ))
}
fn put_new(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let key = key_arg(&a[1], "put_new", 3)?;
    let ps = pairs(&a[0], "put_new", 3)?;
    if ps.iter().any(|(k, _)| k == key) {
        return Ok(a[0].clone());
    }
    Ok(build(
        std::iter::once((key.clone(), a[2].clone())).chain(ps),
    ))
}
/// `Keyword.merge/2`: keys of the second list replace the first's, appended at the end.
fn merge(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (x, y) = (pairs(&a[0], "merge", 2)?, pairs(&a[1], "merge", 2)?);
    let kept = x
        .into_iter()
        .filter(|(k, _)| !y.iter().any(|(k2, _)| k2 == k));
    Ok(build(kept.chain(y.clone())))
}
fn take(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let ks = list(&a[1]).ok_or_else(|| function_clause("Keyword", "take", 2))?;
    Ok(build(
        pairs(&a[0], "take", 2)?
            .into_iter()
            .filter(|(k, _)| ks.contains(k)),
    ))
}
fn drop(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let ks = list(&a[1]).ok_or_else(|| function_clause("Keyword", "drop", 2))?;
    Ok(build(
        pairs(&a[0], "drop", 2)?
            .into_iter()
            .filter(|(k, _)| !ks.contains(k)),
    ))
}
/// `Keyword.pop/2,3`: the first value (or default) and the list without the key.
fn pop(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let key = key_arg(&a[1], "pop", 3)?;
    let ps = pairs(&a[0], "pop", 3)?;
    match ps.iter().find(|(k, _)| k == key) {
        Some((_, v)) => {
            let v = v.clone();
            Ok(Term::pair(
                v,
                build(ps.into_iter().filter(|(k, _)| k != key)),
            ))
        }
        None => Ok(Term::pair(
            a.get(2).cloned().unwrap_or_else(Term::nil),
            a[0].clone(),
        )),
    }
}
fn is_keyword(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let ok = list(&a[0]).is_some_and(|items| {
        items
            .iter()
            .all(|i| matches!(i, Term::Tuple(kv) if kv.len() == 2 && kv[0].as_atom().is_some()))
    });
    Ok(Term::bool(ok))
}
/// `Keyword.new/0,1`: later duplicates win, each key at its last position.
fn new(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let Some(arg) = a.first() else {
        return Ok(Term::Nil);
    };
    let Some(ps) = list(arg).map(|_| pairs(arg, "new", 1)).transpose()? else {
        // Other enumerables go through the prelude.
        return Err(Control::CallMfa {
            module: Atom::new("Elixir.Enum"),
            name: Atom::new("into"),
            args: vec![arg.clone(), Term::Nil],
        });
    };
    let mut seen: Vec<Term> = Vec::new();
    let mut out = Vec::new();
    for (k, v) in ps.into_iter().rev() {
        if k.as_atom().is_none() {
            return Err(function_clause("Keyword", "new", 1));
        }
        if !seen.contains(&k) {
            seen.push(k.clone());
            out.push((k, v));
        }
    }
    out.reverse();
    Ok(build(out))
}

/// Registers `Keyword`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "Elixir.Keyword";
    reg.add(m, "get", 2, get);
    reg.add(m, "get", 3, get);
    reg.add(m, "fetch", 2, fetch);
    reg.add(m, "fetch!", 2, fetch_bang);
    reg.add(m, "get_values", 2, get_values);
    reg.add(m, "has_key?", 2, has_key);
    reg.add(m, "keys", 1, keys);
    reg.add(m, "values", 1, values);
    reg.add(m, "delete", 2, delete);
    reg.add(m, "put", 3, put);
    reg.add(m, "put_new", 3, put_new);
    reg.add(m, "merge", 2, merge);
    reg.add(m, "take", 2, take);
    reg.add(m, "drop", 2, drop);
    reg.add(m, "pop", 2, pop);
    reg.add(m, "pop", 3, pop);
    reg.add(m, "keyword?", 1, is_keyword);
    reg.add(m, "new", 0, new);
    reg.add(m, "new", 1, new);
}

#[cfg(test)]
mod tests {
    use crate::stdlib::test_bench::{a, call, i, kw, raised, s, t};

    #[test]
    fn writes_follow_elixir_ordering() {
        let dup = kw(vec![("a", i(1)), ("b", i(2)), ("a", i(3))]);
        // Keyword.put([a: 1, b: 2, a: 3], :a, 9) => [a: 9, b: 2]
        assert_eq!(
            call("Elixir.Keyword", "put", vec![dup.clone(), a("a"), i(9)]),
            kw(vec![("a", i(9)), ("b", i(2))])
        );
        // Keyword.merge([a: 1, b: 2, a: 3], [b: 4, c: 5]) => [a: 1, a: 3, b: 4, c: 5]
        assert_eq!(
            call(
                "Elixir.Keyword",
                "merge",
                vec![dup.clone(), kw(vec![("b", i(4)), ("c", i(5))])]
            ),
            kw(vec![("a", i(1)), ("a", i(3)), ("b", i(4)), ("c", i(5))])
        );
        // Keyword.new([b: 1, a: 2, b: 3]) => [a: 2, b: 3]
        let raw = kw(vec![("b", i(1)), ("a", i(2)), ("b", i(3))]);
        assert_eq!(
            call("Elixir.Keyword", "new", vec![raw]),
            kw(vec![("a", i(2)), ("b", i(3))])
        );
        // Keyword.pop([a: 1, b: 2, a: 3], :a) => {1, [b: 2]}
        assert_eq!(
            call("Elixir.Keyword", "pop", vec![dup.clone(), a("a")]),
            t(vec![i(1), kw(vec![("b", i(2))])])
        );
        // Keyword.put_new([a: 1], :b, 2) => [b: 2, a: 1]
        assert_eq!(
            call(
                "Elixir.Keyword",
                "put_new",
                vec![kw(vec![("a", i(1))]), a("b"), i(2)]
            ),
            kw(vec![("b", i(2)), ("a", i(1))])
        );
        assert_eq!(call("Elixir.Keyword", "get", vec![dup, a("a")]), i(1));
    }

    #[test]
    fn bad_arguments_raise_function_clause() {
        // Keyword.get([a: 1], "a") => no function clause matching in Keyword.get/3
        let e = raised("Elixir.Keyword", "get", vec![kw(vec![("a", i(1))]), s("a")]);
        assert_eq!(e.map_get_atom("arity"), Some(&i(3)));
        // Keyword.fetch!([a: 1], :b) => KeyError key :b
        let e = raised(
            "Elixir.Keyword",
            "fetch!",
            vec![kw(vec![("a", i(1))]), a("b")],
        );
        assert_eq!(e.map_get_atom("key"), Some(&a("b")));
    }
}
