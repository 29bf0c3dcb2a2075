//! `Map` (the first-order functions; those taking a function are in the prelude).

use super::argument::{badarg, badmap, key_error, list, ok};
use crate::term::{Atom, Term, TermMap};
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult};
use std::sync::Arc;

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

/// The map argument, or `{:badmap, term}` like Elixir's Map functions.
pub fn map_arg(t: &Term) -> Result<&TermMap, Control> {
    match t {
        Term::Map(m) => Ok(m),
        other => Err(badmap(other)),
    }
}

fn with(m: &TermMap, f: impl FnOnce(&mut TermMap)) -> Term {
    let mut copy = m.clone();
    f(&mut copy);
    Term::Map(Arc::new(copy))
}

fn get(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let m = map_arg(&a[0])?;
    Ok(m.get(&a[1])
        .cloned()
        .unwrap_or_else(|| a.get(2).cloned().unwrap_or_else(Term::nil)))
}
fn put(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let m = map_arg(&a[0])?;
    Ok(with(m, |c| {
        c.insert(a[1].clone(), a[2].clone());
    }))
}
/// `Map.put/3` owning its arguments (see `OwningFn`): an unshared map is updated in
/// place, as a reducer's accumulator is once the machine moves it along.
fn put_owned(cx: Cx<'_, '_>, a: &mut [Term]) -> NativeResult {
    if let [map, key, value] = a
        && let Some(map) = put_in_place(map, key, value)
    {
        return Ok(map);
    }
    put(cx, a)
}
/// `Map.delete/2` owning its arguments (see [`put_owned`]).
fn delete_owned(cx: Cx<'_, '_>, a: &mut [Term]) -> NativeResult {
    if let [map, key] = a
        && let Some(map) = remove_in_place(map, key)
    {
        return Ok(map);
    }
    delete(cx, a)
}

/// The owning forms' insert (`Map.put/3`, `:maps.put/3`): takes the map out of
/// `map` with `key => value` put into it (in place when nobody else holds it, the
/// key and value taken from their slots), or `None`, nothing taken, when `map` is
/// not a map (the plain form then raises as it does).
pub(super) fn put_in_place(map: &mut Term, key: &mut Term, value: &mut Term) -> Option<Term> {
    let Term::Map(m) = map else { return None };
    Arc::make_mut(m).insert(std::mem::replace(key, Term::Nil), std::mem::replace(value, Term::Nil));
    Some(std::mem::replace(map, Term::Nil))
}

/// The owning forms' removal (`Map.delete/2`, `:maps.remove/2`), as
/// [`put_in_place`]: a map without `key` is handed back untouched (not copied).
pub(super) fn remove_in_place(map: &mut Term, key: &Term) -> Option<Term> {
    let Term::Map(m) = map else { return None };
    if m.contains_key(key) {
        Arc::make_mut(m).remove(key);
    }
    Some(std::mem::replace(map, Term::Nil))
}
fn put_new(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let m = map_arg(&a[0])?;
    if m.contains_key(&a[1]) {
        return Ok(a[0].clone());
    }
    Ok(with(m, |c| {
        c.insert(a[1].clone(), a[2].clone());
    }))
}
fn delete(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let m = map_arg(&a[0])?;
    Ok(with(m, |c| {
        c.remove(&a[1]);
    }))
}
fn keys(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::list(map_arg(&a[0])?.keys().cloned().collect()))
}
fn values(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::list(map_arg(&a[0])?.values().cloned().collect()))
}
/// `{k, v}` pairs in key order.
pub fn pairs(m: &TermMap) -> Term {
    Term::list(
        m.iter()
            .map(|(k, v)| Term::pair(k.clone(), v.clone()))
            .collect(),
    )
}
fn to_list(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(pairs(map_arg(&a[0])?))
}
fn merge(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (x, y) = (map_arg(&a[0])?, map_arg(&a[1])?);
    // Merging an empty map is the other one, shared (as `use GenServer`'s
    // child_spec/1 merges its empty overrides on every start_child).
    if y.is_empty() {
        return Ok(a[0].clone());
    }
    if x.is_empty() {
        return Ok(a[1].clone());
    }
    Ok(Term::Map(Arc::new(y.clone().union(x.clone()))))
}
fn has_key(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::bool(map_arg(&a[0])?.contains_key(&a[1])))
}
fn fetch(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(match map_arg(&a[0])?.get(&a[1]) {
        Some(v) => ok(v.clone()),
        None => Term::atom("error"),
    })
}
fn fetch_bang(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    map_arg(&a[0])?
        .get(&a[1])
        .cloned()
        .ok_or_else(|| key_error(&a[1], &a[0]))
}
fn key_list(t: &Term) -> Result<Vec<Term>, Control> {
    list(t).ok_or_else(badarg)
}
fn take(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let m = map_arg(&a[0])?;
    let mut out = TermMap::new();
    for k in key_list(&a[1])? {
        if let Some(v) = m.get(&k) {
            out.insert(k, v.clone());
        }
    }
    Ok(Term::Map(Arc::new(out)))
}
fn drop(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let m = map_arg(&a[0])?;
    let ks = key_list(&a[1])?;
    Ok(with(m, |c| {
        for k in &ks {
            c.remove(k);
        }
    }))
}
fn split(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let m = map_arg(&a[0])?;
    let (mut taken, mut rest) = (TermMap::new(), m.clone());
    for k in key_list(&a[1])? {
        if let Some(v) = rest.remove(&k) {
            taken.insert(k, v);
        }
    }
    Ok(Term::pair(
        Term::Map(Arc::new(taken)),
        Term::Map(Arc::new(rest)),
    ))
}
fn pop(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let m = map_arg(&a[0])?;
    match m.get(&a[1]) {
        Some(v) => {
            let v = v.clone();
            Ok(Term::pair(
                v,
                with(m, |c| {
                    c.remove(&a[1]);
                }),
            ))
        }
        None => Ok(Term::pair(
            a.get(2).cloned().unwrap_or_else(Term::nil),
            a[0].clone(),
        )),
    }
}
fn replace(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let m = map_arg(&a[0])?;
    if !m.contains_key(&a[1]) {
        return Ok(a[0].clone());
    }
    Ok(with(m, |c| {
        c.insert(a[1].clone(), a[2].clone());
    }))
}
fn replace_bang(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let m = map_arg(&a[0])?;
    if !m.contains_key(&a[1]) {
        return Err(key_error(&a[1], &a[0]));
    }
    Ok(with(m, |c| {
        c.insert(a[1].clone(), a[2].clone());
    }))
}
fn equal(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    map_arg(&a[0])?;
    map_arg(&a[1])?;
    Ok(Term::bool(a[0] == a[1]))
}
fn new(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match a.first() {
        None => Ok(Term::map([])),
        Some(Term::Map(m)) if a[0].struct_name().is_none() => Ok(Term::Map(m.clone())),
        Some(t) => match list(t) {
            Some(items) => {
                let mut out = TermMap::new();
                for item in items {
                    match &item {
                        Term::Tuple(kv) if kv.len() == 2 => {
                            out.insert(kv[0].clone(), kv[1].clone());
                        }
                        _ => return Err(badarg()),
                    }
                }
                Ok(Term::Map(Arc::new(out)))
            }
            // Other enumerables (ranges, streams, structs) go through the prelude.
            None => Err(Control::CallMfa {
                module: Atom::new("Elixir.Enum"),
                name: Atom::new("into"),
                args: vec![t.clone(), Term::map([])],
            }),
        },
    }
}
fn from_struct(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match &a[0] {
        Term::Map(m) if a[0].struct_name().is_some() => Ok(with(m, |c| {
            c.remove(&Term::atom("__struct__"));
        })),
        _ => Err(super::argument::function_clause("Map", "from_struct", 1)),
    }
}

/// `Map.from_keys/2`: every key mapped to the same value.
fn from_keys(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let keys = list(&a[0]).ok_or_else(|| super::argument::function_clause("Map", "from_keys", 2))?;
    Ok(Term::map(keys.into_iter().map(|k| (k, a[1].clone()))))
}

/// Registers `Map`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "Elixir.Map";
    reg.add(m, "from_keys", 2, from_keys);
    reg.add(m, "get", 2, get);
    reg.add(m, "get", 3, get);
    reg.add(m, "put", 3, put);
    reg.add_owning(m, "put", 3, put_owned);
    reg.add_owning(m, "delete", 2, delete_owned);
    reg.add(m, "put_new", 3, put_new);
    reg.add(m, "delete", 2, delete);
    reg.add(m, "keys", 1, keys);
    reg.add(m, "values", 1, values);
    reg.add(m, "to_list", 1, to_list);
    reg.add(m, "merge", 2, merge);
    reg.add(m, "has_key?", 2, has_key);
    reg.add(m, "fetch", 2, fetch);
    reg.add(m, "fetch!", 2, fetch_bang);
    reg.add(m, "take", 2, take);
    reg.add(m, "drop", 2, drop);
    reg.add(m, "split", 2, split);
    reg.add(m, "pop", 2, pop);
    reg.add(m, "pop", 3, pop);
    reg.add(m, "replace", 3, replace);
    reg.add(m, "replace!", 3, replace_bang);
    reg.add(m, "equal?", 2, equal);
    reg.add(m, "new", 0, new);
    reg.add(m, "new", 1, new);
    reg.add(m, "from_struct", 1, from_struct);
}

#[cfg(test)]
mod tests {
    use crate::stdlib::test_bench::{a, call, i, l, m, raised, raised_message, t};
    use crate::term::Term;

    #[test]
    fn basic_access() {
        let map = m(vec![("a", i(1)), ("b", i(2))]);
        assert_eq!(call("Elixir.Map", "get", vec![map.clone(), a("a")]), i(1));
        assert_eq!(
            call("Elixir.Map", "get", vec![map.clone(), a("z"), i(0)]),
            i(0)
        );
        assert_eq!(
            call("Elixir.Map", "keys", vec![map.clone()]),
            l(vec![a("a"), a("b")])
        );
        // Map.split(%{a: 1, b: 2, c: 3}, [:a, :c, :z]) => {%{a: 1, c: 3}, %{b: 2}}
        let abc = m(vec![("a", i(1)), ("b", i(2)), ("c", i(3))]);
        assert_eq!(
            call(
                "Elixir.Map",
                "split",
                vec![abc, l(vec![a("a"), a("c"), a("z")])]
            ),
            t(vec![
                m(vec![("a", i(1)), ("c", i(3))]),
                m(vec![("b", i(2))])
            ])
        );
        // Map.pop(%{a: 1}, :b, 0) => {0, %{a: 1}}
        let one = m(vec![("a", i(1))]);
        assert_eq!(
            call("Elixir.Map", "pop", vec![one.clone(), a("b"), i(0)]),
            t(vec![i(0), one.clone()])
        );
        // Map.merge(%{a: 1}, %{a: 2, b: 3}) => %{a: 2, b: 3}
        let merged = call(
            "Elixir.Map",
            "merge",
            vec![one, m(vec![("a", i(2)), ("b", i(3))])],
        );
        assert_eq!(merged, m(vec![("a", i(2)), ("b", i(3))]));
        // Map.new([{:a, 1}, {:a, 2}]) => %{a: 2}
        let pairs = l(vec![t(vec![a("a"), i(1)]), t(vec![a("a"), i(2)])]);
        assert_eq!(call("Elixir.Map", "new", vec![pairs]), m(vec![("a", i(2))]));
        // Map.equal?(%{a: 1}, %{a: 1.0}) => false
        assert!(
            call(
                "Elixir.Map",
                "equal?",
                vec![m(vec![("a", i(1))]), m(vec![("a", Term::Float(1.0))])]
            )
            .is_atom_named("false")
        );
    }

    #[test]
    fn errors() {
        // Map.fetch!(%{a: 1}, :email) => key :email not found in: %{a: 1}
        let e = raised(
            "Elixir.Map",
            "fetch!",
            vec![m(vec![("a", i(1))]), a("email")],
        );
        assert_eq!(e.map_get_atom("key"), Some(&a("email")));
        // Map.get(5, :a) => expected a map, got: 5
        assert_eq!(
            raised_message("Elixir.Map", "get", vec![i(5), a("a")]),
            "expected a map, got: 5"
        );
        let e = raised("Elixir.Map", "replace!", vec![m(vec![]), a("a"), i(1)]);
        assert_eq!(e.struct_name().map(|n| n.as_str()), Some("Elixir.KeyError"));
        assert_eq!(e.map_get_atom("term"), Some(&m(vec![])));
    }
}
