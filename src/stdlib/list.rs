//! `List` (first-order functions; `foldl`, `update_at`... live in the prelude).

use super::argument::{bif_arg_error, function_clause, index, list, small_int};
use super::erlang::iolist_bytes;
use super::kernel::chardata_text;
use crate::term::Term;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult};

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

fn items(t: &Term, name: &str, arity: u32) -> Result<Vec<Term>, Control> {
    list(t).ok_or_else(|| function_clause("List", name, arity))
}

fn position(t: &Term, name: &str, arity: u32) -> Result<i64, Control> {
    small_int(t).ok_or_else(|| function_clause("List", name, arity))
}

/// A possibly negative index resolved against `len`, `None` when out of range.
fn resolve(i: i64, len: usize) -> Option<usize> {
    let n = len as i64;
    let i = if i < 0 { n + i } else { i };
    (0..n).contains(&i).then_some(i as usize)
}

fn first(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match &a[0] {
        Term::Nil => Ok(a.get(1).cloned().unwrap_or_else(Term::nil)),
        Term::Cons(c) => Ok(c.head.clone()),
        _ => Err(function_clause("List", "first", 2)),
    }
}
fn last(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let xs = items(&a[0], "last", 2)?;
    Ok(xs
        .last()
        .cloned()
        .unwrap_or_else(|| a.get(1).cloned().unwrap_or_else(Term::nil)))
}

/// Flattens nested proper lists, iteratively (deep nesting cannot overflow).
pub fn flatten_into(t: &Term, out: &mut Vec<Term>) -> Option<()> {
    let mut stack = vec![t.clone()];
    while let Some(cur) = stack.pop() {
        match cur {
            Term::Nil => {}
            Term::Cons(c) => {
                match &c.tail {
                    Term::Nil | Term::Cons(_) => stack.push(c.tail.clone()),
                    _ => return None,
                }
                match &c.head {
                    h @ (Term::Nil | Term::Cons(_)) => stack.push(h.clone()),
                    h => out.push(h.clone()),
                }
            }
            _ => return None,
        }
    }
    Some(())
}
fn flatten(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut out = Vec::new();
    flatten_into(&a[0], &mut out)
        .ok_or_else(|| function_clause("List", "flatten", a.len() as u32))?;
    let tail = match a.get(1) {
        Some(t) => Term::list(items(t, "flatten", 2)?),
        None => Term::Nil,
    };
    Ok(Term::list_with_tail(out, tail))
}
fn wrap(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(match &a[0] {
        t if t.is_list() => t.clone(),
        t if t.is_nil() => Term::Nil,
        t => Term::list(vec![t.clone()]),
    })
}
fn duplicate(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let n = index(&a[1]).ok_or_else(|| function_clause("List", "duplicate", 2))?;
    super::allocation::list_fits(cx, n as u64)?;
    Ok(Term::list(vec![a[0].clone(); n]))
}
fn insert_at(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut xs = items(&a[0], "insert_at", 3)?;
    let i = position(&a[1], "insert_at", 3)?;
    let n = xs.len() as i64;
    // Negative indexes count from the end, -1 meaning "append".
    let at = if i < 0 { (n + i + 1).max(0) } else { i.min(n) } as usize;
    xs.insert(at, a[2].clone());
    Ok(Term::list(xs))
}
fn delete(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut xs = items(&a[0], "delete", 2)?;
    // List.delete uses match (===) semantics.
    if let Some(p) = xs.iter().position(|x| *x == a[1]) {
        xs.remove(p);
    }
    Ok(Term::list(xs))
}
fn delete_at(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut xs = items(&a[0], "delete_at", 2)?;
    let i = position(&a[1], "delete_at", 2)?;
    if let Some(p) = resolve(i, xs.len()) {
        xs.remove(p);
    }
    Ok(Term::list(xs))
}
fn replace_at(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut xs = items(&a[0], "replace_at", 3)?;
    let i = position(&a[1], "replace_at", 3)?;
    if let Some(p) = resolve(i, xs.len()) {
        xs[p] = a[2].clone();
    }
    Ok(Term::list(xs))
}
fn pop_at(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut xs = items(&a[0], "pop_at", 3)?;
    let i = position(&a[1], "pop_at", 3)?;
    match resolve(i, xs.len()) {
        Some(p) => {
            let v = xs.remove(p);
            Ok(Term::pair(v, Term::list(xs)))
        }
        None => Ok(Term::pair(
            a.get(2).cloned().unwrap_or_else(Term::nil),
            a[0].clone(),
        )),
    }
}
/// Elixir's `List.to_tuple/1` is `:erlang.list_to_tuple/1`, blamed for a bad list.
fn to_tuple(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let items = list(&a[0]).ok_or_else(|| bif_arg_error("erlang", "list_to_tuple", a, 1, "not a list"))?;
    Ok(Term::tuple(items))
}

/// The element of a tuple at a 0-based `pos`, for the key functions.
fn key_at(t: &Term, pos: usize) -> Option<&Term> {
    match t {
        Term::Tuple(items) => items.get(pos),
        _ => None,
    }
}
fn key_pos(t: &Term, name: &str, arity: u32) -> Result<usize, Control> {
    index(t).ok_or_else(|| function_clause("List", name, arity))
}
fn keyfind(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let pos = key_pos(&a[2], "keyfind", 4)?;
    let xs = items(&a[0], "keyfind", 4)?;
    // Key comparisons use ==, as :lists.keyfind does.
    Ok(xs
        .into_iter()
        .find(|x| key_at(x, pos).is_some_and(|k| k.loose_eq(&a[1])))
        .unwrap_or_else(|| a.get(3).cloned().unwrap_or_else(Term::nil)))
}
fn keymember(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let pos = key_pos(&a[2], "keymember?", 3)?;
    let xs = items(&a[0], "keymember?", 3)?;
    Ok(Term::bool(xs.iter().any(|x| {
        key_at(x, pos).is_some_and(|k| k.loose_eq(&a[1]))
    })))
}
fn keydelete(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let pos = key_pos(&a[2], "keydelete", 3)?;
    let mut xs = items(&a[0], "keydelete", 3)?;
    if let Some(p) = xs
        .iter()
        .position(|x| key_at(x, pos).is_some_and(|k| k.loose_eq(&a[1])))
    {
        xs.remove(p);
    }
    Ok(Term::list(xs))
}
fn keyreplace(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let pos = key_pos(&a[2], "keyreplace", 4)?;
    let mut xs = items(&a[0], "keyreplace", 4)?;
    if let Some(p) = xs
        .iter()
        .position(|x| key_at(x, pos).is_some_and(|k| k.loose_eq(&a[1])))
    {
        xs[p] = a[3].clone();
    }
    Ok(Term::list(xs))
}
fn keystore(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let pos = key_pos(&a[2], "keystore", 4)?;
    let mut xs = items(&a[0], "keystore", 4)?;
    match xs
        .iter()
        .position(|x| key_at(x, pos).is_some_and(|k| k.loose_eq(&a[1])))
    {
        Some(p) => xs[p] = a[3].clone(),
        None => xs.push(a[3].clone()),
    }
    Ok(Term::list(xs))
}
fn zip(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let lists = items(&a[0], "zip", 1)?
        .iter()
        .map(|l| items(l, "zip", 1))
        .collect::<Result<Vec<_>, _>>()?;
    let shortest = lists.iter().map(Vec::len).min().unwrap_or(0);
    Ok(Term::list(
        (0..shortest)
            .map(|i| Term::tuple(lists.iter().map(|l| l[i].clone()).collect()))
            .collect(),
    ))
}
fn to_string(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    chardata_text(&a[0])
        .map(Term::string)
        .ok_or_else(|| super::argument::arg_error(1, "not valid character data (an iodata term)"))
}
fn starts_with(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let xs = items(&a[0], "starts_with?", 2)?;
    let prefix = items(&a[1], "starts_with?", 2)?;
    Ok(Term::bool(
        prefix.len() <= xs.len() && xs.iter().zip(&prefix).all(|(x, p)| x == p),
    ))
}
/// `List.ascii_printable?/1,2`: the first `limit` elements are printable ASCII; an
/// improper tail or a non-character before the limit makes it false.
fn ascii_printable(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let limit = match a.get(1) {
        None => usize::MAX,
        Some(l) if l.is_atom_named("infinity") => usize::MAX,
        Some(l) => index(l).ok_or_else(|| function_clause("List", "ascii_printable?", 2))?,
    };
    if !a[0].is_list() {
        return Err(function_clause("List", "ascii_printable?", 2));
    }
    let mut cur = &a[0];
    let mut seen = 0;
    loop {
        if seen == limit {
            return Ok(Term::bool(true));
        }
        match cur {
            Term::Nil => return Ok(Term::bool(true)),
            Term::Cons(cell) => {
                let ok = matches!(small_int(&cell.head), Some(c) if (32..127).contains(&c) || [7, 8, 9, 10, 11, 12, 13, 27].contains(&c));
                if !ok {
                    return Ok(Term::bool(false));
                }
                seen += 1;
                cur = &cell.tail;
            }
            _ => return Ok(Term::bool(false)),
        }
    }
}
fn improper(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    if !matches!(a[0], Term::Cons(_)) {
        return Err(function_clause("List", "improper?", 1));
    }
    let mut cur = &a[0];
    while let Term::Cons(cell) = cur {
        cur = &cell.tail;
    }
    Ok(Term::bool(!matches!(cur, Term::Nil)))
}
/// The tuple whose element `pos` equals `key` (`==`), with its index.
fn key_position(list_t: &[Term], key: &Term, pos: usize) -> Option<usize> {
    list_t.iter().position(|t| matches!(t, Term::Tuple(items) if items.get(pos).is_some_and(|k| crate::term::order::compare(k, key, false).is_eq())))
}
fn keyfind_bang(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let xs = items(&a[0], "keyfind!", 3)?;
    let pos = index(&a[2]).ok_or_else(|| function_clause("List", "keyfind!", 3))?;
    match key_position(&xs, &a[1], pos) {
        Some(i) => Ok(xs[i].clone()),
        None => Err(Control::Raise(crate::vm::Raise::exception(
            "KeyError",
            format!(
                "key {} at position {pos} not found in: {}",
                crate::term::inspect::inspect(&a[1]),
                crate::term::inspect::inspect(&a[0])
            ),
        ))),
    }
}
fn keytake(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut xs = items(&a[0], "keytake", 3)?;
    let pos = index(&a[2]).ok_or_else(|| function_clause("List", "keytake", 3))?;
    Ok(match key_position(&xs, &a[1], pos) {
        Some(i) => {
            let found = xs.remove(i);
            Term::pair(found, Term::list(xs))
        }
        None => Term::nil(),
    })
}
fn to_charlist(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let text = chardata_text(&a[0]).ok_or_else(super::argument::badarg)?;
    Ok(Term::list(text.chars().map(|c| Term::Int(c as i64)).collect()))
}
fn to_existing_atom(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let text = chardata_text(&a[0]).ok_or_else(super::argument::badarg)?;
    if super::erlang::atom_exists(&text) {
        Ok(Term::atom(&text))
    } else {
        Err(super::argument::arg_error(1, "not an already existing atom"))
    }
}
fn to_atom(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    chardata_text(&a[0])
        .map(|s| Term::atom(&s))
        .ok_or_else(super::argument::badarg)
}
fn to_integer(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let base = match a.get(1) {
        Some(b) => super::argument::radix(b).ok_or_else(super::argument::badarg)?,
        None => 10,
    };
    super::erlang::charlist_text(&a[0])
        .and_then(|s| super::erlang::parse_integer(&s, base))
        .ok_or_else(super::argument::badarg)
}
fn to_float(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    super::erlang::charlist_text(&a[0])
        .and_then(|s| super::string::parse_float_strict(&s))
        .map(Term::Float)
        .ok_or_else(super::argument::badarg)
}
fn iodata_length(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut out = Vec::new();
    iolist_bytes(&a[0], &mut out).ok_or_else(super::argument::badarg)?;
    Ok(Term::Int(out.len() as i64))
}

/// Registers `List`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "Elixir.List";
    for arity in [1, 2] {
        reg.add(m, "first", arity, first);
        reg.add(m, "last", arity, last);
        reg.add(m, "flatten", arity, flatten);
        reg.add(m, "to_integer", arity, to_integer);
    }
    reg.add(m, "wrap", 1, wrap);
    reg.add(m, "duplicate", 2, duplicate);
    reg.add(m, "insert_at", 3, insert_at);
    reg.add(m, "delete", 2, delete);
    reg.add(m, "delete_at", 2, delete_at);
    reg.add(m, "replace_at", 3, replace_at);
    reg.add(m, "pop_at", 2, pop_at);
    reg.add(m, "pop_at", 3, pop_at);
    reg.add(m, "to_tuple", 1, to_tuple);
    reg.add(m, "keyfind", 3, keyfind);
    reg.add(m, "keyfind", 4, keyfind);
    reg.add(m, "keymember?", 3, keymember);
    reg.add(m, "keydelete", 3, keydelete);
    reg.add(m, "keyreplace", 4, keyreplace);
    reg.add(m, "keystore", 4, keystore);
    reg.add(m, "zip", 1, zip);
    reg.add(m, "to_string", 1, to_string);
    reg.add(m, "to_atom", 1, to_atom);
    reg.add(m, "to_float", 1, to_float);
    reg.add(m, "starts_with?", 2, starts_with);
    reg.add(m, "ascii_printable?", 1, ascii_printable);
    reg.add(m, "ascii_printable?", 2, ascii_printable);
    reg.add(m, "improper?", 1, improper);
    reg.add(m, "keyfind!", 3, keyfind_bang);
    reg.add(m, "keytake", 3, keytake);
    reg.add(m, "to_charlist", 1, to_charlist);
    reg.add(m, "to_existing_atom", 1, to_existing_atom);
    reg.add(m, "iodata_length", 1, iodata_length);
}

#[cfg(test)]
mod tests {
    use crate::stdlib::test_bench::{a, call, i, kw, l, raised, s, t};

    fn ints(xs: &[i64]) -> crate::term::Term {
        l(xs.iter().map(|x| i(*x)).collect())
    }

    #[test]
    fn positional_edits_match_elixir() {
        let xs = ints(&[1, 2, 3]);
        // List.insert_at([1, 2, 3], -1, 0) => [1, 2, 3, 0]; 10 => [1, 2, 3, 0]; -10 => [0, 1, 2, 3]
        assert_eq!(
            call("Elixir.List", "insert_at", vec![xs.clone(), i(-1), i(0)]),
            ints(&[1, 2, 3, 0])
        );
        assert_eq!(
            call("Elixir.List", "insert_at", vec![xs.clone(), i(10), i(0)]),
            ints(&[1, 2, 3, 0])
        );
        assert_eq!(
            call("Elixir.List", "insert_at", vec![xs.clone(), i(-10), i(0)]),
            ints(&[0, 1, 2, 3])
        );
        // List.delete_at([1, 2, 3], -1) => [1, 2]; replace_at(-5) => unchanged
        assert_eq!(
            call("Elixir.List", "delete_at", vec![xs.clone(), i(-1)]),
            ints(&[1, 2])
        );
        assert_eq!(
            call("Elixir.List", "replace_at", vec![xs.clone(), i(-5), i(0)]),
            xs.clone()
        );
        // List.pop_at([1, 2, 3], 1) => {2, [1, 3]}; pop_at(5, :none) => {:none, [1, 2, 3]}
        assert_eq!(
            call("Elixir.List", "pop_at", vec![xs.clone(), i(1)]),
            t(vec![i(2), ints(&[1, 3])])
        );
        assert_eq!(
            call("Elixir.List", "pop_at", vec![xs.clone(), i(5), a("none")]),
            t(vec![a("none"), xs])
        );
    }

    #[test]
    fn flatten_keys_zip_and_text() {
        // List.flatten([1, [2, [3]], []], [4]) => [1, 2, 3, 4]
        let nested = l(vec![i(1), l(vec![i(2), l(vec![i(3)])]), l(vec![])]);
        assert_eq!(
            call("Elixir.List", "flatten", vec![nested, ints(&[4])]),
            ints(&[1, 2, 3, 4])
        );
        // List.keystore([a: 1], :b, 0, {:b, 2}) => [a: 1, b: 2]
        let store = call(
            "Elixir.List",
            "keystore",
            vec![kw(vec![("a", i(1))]), a("b"), i(0), t(vec![a("b"), i(2)])],
        );
        assert_eq!(store, kw(vec![("a", i(1)), ("b", i(2))]));
        // List.zip([[1, 2], [:a, :b, :c]]) => [{1, :a}, {2, :b}]
        let z = call(
            "Elixir.List",
            "zip",
            vec![l(vec![ints(&[1, 2]), l(vec![a("a"), a("b"), a("c")])])],
        );
        assert_eq!(z, l(vec![t(vec![i(1), a("a")]), t(vec![i(2), a("b")])]));
        // List.to_string([104, "i", [?!]]) => "hi!"
        assert_eq!(
            call(
                "Elixir.List",
                "to_string",
                vec![l(vec![i(104), s("i"), l(vec![i(33)])])]
            ),
            s("hi!")
        );
        // List.first([], :d) => :d ; List.wrap(nil) => []
        assert_eq!(
            call("Elixir.List", "first", vec![l(vec![]), a("d")]),
            a("d")
        );
        assert_eq!(call("Elixir.List", "wrap", vec![a("nil")]), l(vec![]));
        // List.first(5) => FunctionClauseError List.first/2
        assert_eq!(
            raised("Elixir.List", "first", vec![i(5)]).map_get_atom("arity"),
            Some(&i(2))
        );
    }
}
