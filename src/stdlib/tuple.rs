//! `Tuple`: to_list, append, insert_at, delete_at, duplicate, sum, product.

use super::argument::{arg_error, bif_arg_error, function_clause, index, tuple};
use super::arith;
use crate::term::Term;
use crate::vm::{NativeCtx, NativeRegistry, NativeResult};

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

fn items(t: &Term) -> Result<Vec<Term>, crate::vm::Control> {
    tuple(t)
        .map(<[Term]>::to_vec)
        .ok_or_else(|| arg_error(1, "not a tuple"))
}

/// Elixir's `Tuple.to_list/1` is `:erlang.tuple_to_list/1`, blamed for a non-tuple.
fn to_list(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let items = tuple(&a[0]).ok_or_else(|| bif_arg_error("erlang", "tuple_to_list", a, 1, "not a tuple"))?;
    Ok(Term::list(items.to_vec()))
}
fn append(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut xs = items(&a[0])?;
    xs.push(a[1].clone());
    Ok(Term::tuple(xs))
}
fn insert_at(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut xs = items(&a[0])?;
    let i = index(&a[1])
        .filter(|i| *i <= xs.len())
        .ok_or_else(|| arg_error(1, "out of range"))?;
    xs.insert(i, a[2].clone());
    Ok(Term::tuple(xs))
}
fn delete_at(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut xs = items(&a[0])?;
    let i = index(&a[1])
        .filter(|i| *i < xs.len())
        .ok_or_else(|| arg_error(1, "out of range"))?;
    xs.remove(i);
    Ok(Term::tuple(xs))
}
fn duplicate(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let n = index(&a[1])
        .filter(|n| *n < (1 << 24))
        .ok_or_else(|| arg_error(1, "out of range"))?;
    super::allocation::tuple_fits(cx, n as u64)?;
    Ok(Term::tuple(vec![a[0].clone(); n]))
}
fn fold(
    a: &[Term],
    name: &str,
    start: i64,
    op: fn(&Term, &Term) -> Result<Term, crate::vm::Raise>,
) -> NativeResult {
    let xs = tuple(&a[0]).ok_or_else(|| function_clause("Tuple", name, 1))?;
    let mut acc = Term::Int(start);
    for x in xs {
        acc = op(&acc, x)?;
    }
    Ok(acc)
}
fn sum(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    fold(a, "sum", 0, arith::add)
}
fn product(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    fold(a, "product", 1, arith::mul)
}

/// Registers `Tuple`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "Elixir.Tuple";
    reg.add(m, "to_list", 1, to_list);
    reg.add(m, "append", 2, append);
    reg.add(m, "insert_at", 3, insert_at);
    reg.add(m, "delete_at", 2, delete_at);
    reg.add(m, "duplicate", 2, duplicate);
    reg.add(m, "sum", 1, sum);
    reg.add(m, "product", 1, product);
}

#[cfg(test)]
mod tests {
    use crate::stdlib::test_bench::{a, call, i, raised_message, t};
    use crate::term::Term;

    #[test]
    fn tuple_edits() {
        // Tuple.insert_at({1, 2}, 0, :x) => {:x, 1, 2}; Tuple.duplicate(0, 3) => {0, 0, 0}
        assert_eq!(
            call(
                "Elixir.Tuple",
                "insert_at",
                vec![t(vec![i(1), i(2)]), i(0), a("x")]
            ),
            t(vec![a("x"), i(1), i(2)])
        );
        assert_eq!(
            call("Elixir.Tuple", "duplicate", vec![i(0), i(3)]),
            t(vec![i(0), i(0), i(0)])
        );
        // Tuple.sum({1, 2.5}) => 3.5; Tuple.product({2, 3}) => 6
        assert_eq!(
            call("Elixir.Tuple", "sum", vec![t(vec![i(1), Term::Float(2.5)])]),
            Term::Float(3.5)
        );
        assert_eq!(
            call("Elixir.Tuple", "product", vec![t(vec![i(2), i(3)])]),
            i(6)
        );
        // Tuple.insert_at({1, 2}, 5, :x) => ArgumentError "...1st argument: out of range"
        assert_eq!(
            raised_message(
                "Elixir.Tuple",
                "insert_at",
                vec![t(vec![i(1), i(2)]), i(5), a("x")]
            ),
            "errors were found at the given arguments:\n\n  * 1st argument: out of range\n"
        );
    }
}
