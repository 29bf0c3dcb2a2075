//! `MapSet` (first-order functions): `%MapSet{map: %{element => []}, version: 2}`,
//! the representation Elixir 1.14 uses, so pattern matches and `structs: false`
//! inspection see the same struct.

use super::argument::{function_clause, list};
use crate::term::{Atom, Term, TermMap};
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult};
use std::sync::Arc;

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

/// A `%MapSet{}` holding the keys of `map`.
pub fn set_term(map: TermMap) -> Term {
    Term::map([
        (Term::atom("__struct__"), Term::atom("Elixir.MapSet")),
        (Term::atom("map"), Term::Map(Arc::new(map))),
        (Term::atom("version"), Term::Int(2)),
    ])
}

/// The element map of a `%MapSet{}`.
fn elements<'t>(t: &'t Term, name: &str, arity: u32) -> Result<&'t TermMap, Control> {
    match (t.struct_name(), t.map_get_atom("map")) {
        (Some(s), Some(Term::Map(m))) if s.as_str() == "Elixir.MapSet" => Ok(m),
        _ => Err(function_clause("MapSet", name, arity)),
    }
}

fn from_items(items: Vec<Term>) -> Term {
    set_term(items.into_iter().map(|x| (x, Term::Nil)).collect())
}

fn new(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match a.first() {
        None => Ok(set_term(TermMap::new())),
        Some(t)
            if t.struct_name()
                .is_some_and(|s| s.as_str() == "Elixir.MapSet") =>
        {
            Ok(t.clone())
        }
        Some(t) => match list(t) {
            Some(items) => Ok(from_items(items)),
            // Other enumerables go through the prelude.
            None => Err(Control::CallMfa {
                module: Atom::new("Elixir.Enum"),
                name: Atom::new("into"),
                args: vec![t.clone(), set_term(TermMap::new())],
            }),
        },
    }
}
fn put(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut m = elements(&a[0], "put", 2)?.clone();
    m.insert(a[1].clone(), Term::Nil);
    Ok(set_term(m))
}
fn delete(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut m = elements(&a[0], "delete", 2)?.clone();
    m.remove(&a[1]);
    Ok(set_term(m))
}
fn member(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::bool(
        elements(&a[0], "member?", 2)?.contains_key(&a[1]),
    ))
}
fn size(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::Int(elements(&a[0], "size", 1)?.len() as i64))
}
fn to_list(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::list(
        elements(&a[0], "to_list", 1)?.keys().cloned().collect(),
    ))
}
fn union(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (x, y) = (elements(&a[0], "union", 2)?, elements(&a[1], "union", 2)?);
    Ok(set_term(x.clone().union(y.clone())))
}
fn intersection(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (x, y) = (
        elements(&a[0], "intersection", 2)?,
        elements(&a[1], "intersection", 2)?,
    );
    Ok(set_term(
        x.iter()
            .filter(|(k, _)| y.contains_key(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    ))
}
fn difference(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (x, y) = (
        elements(&a[0], "difference", 2)?,
        elements(&a[1], "difference", 2)?,
    );
    Ok(set_term(
        x.iter()
            .filter(|(k, _)| !y.contains_key(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    ))
}
fn subset(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (x, y) = (
        elements(&a[0], "subset?", 2)?,
        elements(&a[1], "subset?", 2)?,
    );
    Ok(Term::bool(x.keys().all(|k| y.contains_key(k))))
}
fn disjoint(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (x, y) = (
        elements(&a[0], "disjoint?", 2)?,
        elements(&a[1], "disjoint?", 2)?,
    );
    Ok(Term::bool(!x.keys().any(|k| y.contains_key(k))))
}
fn equal(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (x, y) = (elements(&a[0], "equal?", 2)?, elements(&a[1], "equal?", 2)?);
    Ok(Term::bool(
        x.len() == y.len() && x.keys().all(|k| y.contains_key(k)),
    ))
}

/// Registers `MapSet`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "Elixir.MapSet";
    reg.add(m, "new", 0, new);
    reg.add(m, "new", 1, new);
    reg.add(m, "put", 2, put);
    reg.add(m, "delete", 2, delete);
    reg.add(m, "member?", 2, member);
    reg.add(m, "size", 1, size);
    reg.add(m, "to_list", 1, to_list);
    reg.add(m, "union", 2, union);
    reg.add(m, "intersection", 2, intersection);
    reg.add(m, "difference", 2, difference);
    reg.add(m, "subset?", 2, subset);
    reg.add(m, "disjoint?", 2, disjoint);
    reg.add(m, "equal?", 2, equal);
}

#[cfg(test)]
mod tests {
    use crate::stdlib::test_bench::{call, i, l, raised};

    #[test]
    fn sets_dedupe_and_combine() {
        // MapSet.new([2, 1, 2]) => %{__struct__: MapSet, map: %{1 => [], 2 => []}, version: 2}
        let s = call("Elixir.MapSet", "new", vec![l(vec![i(2), i(1), i(2)])]);
        assert_eq!(
            call("Elixir.MapSet", "to_list", vec![s.clone()]),
            l(vec![i(1), i(2)])
        );
        assert_eq!(s.map_get_atom("version"), Some(&i(2)));
        // MapSet.new([1]) |> MapSet.put(3) |> MapSet.to_list() => [1, 3]
        let one = call("Elixir.MapSet", "new", vec![l(vec![i(1)])]);
        let put = call("Elixir.MapSet", "put", vec![one.clone(), i(3)]);
        assert_eq!(
            call("Elixir.MapSet", "to_list", vec![put.clone()]),
            l(vec![i(1), i(3)])
        );
        let both = call("Elixir.MapSet", "intersection", vec![put, s]);
        assert_eq!(call("Elixir.MapSet", "to_list", vec![both]), l(vec![i(1)]));
        // MapSet.put(5, 1) => FunctionClauseError MapSet.put/2
        assert_eq!(
            raised("Elixir.MapSet", "put", vec![i(5), i(1)]).map_get_atom("arity"),
            Some(&i(2))
        );
    }
}
