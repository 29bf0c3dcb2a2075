//! Erlang term order and the two equalities.
//!
//! number < atom < reference < fun < port < pid < tuple < map < list < bitstring.
//! Tuples compare by size then elements; maps by size, then keys, then values;
//! lists element by element (iteratively, so long lists never recurse deeply).
//!
//! Two flavours:
//! - **loose** (`==`, `<`, `Enum.sort`): `1 == 1.0`.
//! - **exact** (`===`, map keys, the `Ord`/`Eq` impls): integers and floats that
//!   are numerically equal still differ, the integer sorting first.

use super::value::{FunKind, Term};
use num_bigint::BigInt;
use num_traits::ToPrimitive;
use std::cmp::Ordering;

fn type_rank(t: &Term) -> u8 {
    match t {
        Term::Int(_) | Term::BigInt(_) | Term::Float(_) => 0,
        Term::Atom(_) => 1,
        Term::Ref(_) => 2,
        Term::Fun(_) => 3,
        Term::Pid(_) => 5,
        Term::Tuple(_) => 6,
        Term::Map(_) => 7,
        Term::Nil | Term::Cons(_) => 8,
        Term::Binary(_) => 9,
    }
}

fn cmp_float_big(f: f64, b: &BigInt) -> Ordering {
    // Exact enough for the magnitudes where it matters: a float beyond i64 compared
    // with a bignum converts the bignum to f64.
    let bf = b.to_f64().unwrap_or(if b.sign() == num_bigint::Sign::Minus {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    });
    f.partial_cmp(&bf).unwrap_or(Ordering::Equal)
}

/// Compares two numbers numerically; `exact` breaks int/float ties (int first).
fn cmp_numbers(a: &Term, b: &Term, exact: bool) -> Ordering {
    let ord = match (a, b) {
        (Term::Int(x), Term::Int(y)) => return x.cmp(y),
        (Term::Float(x), Term::Float(y)) => return x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (Term::Int(x), Term::Float(y)) => cmp_int_float(*x, *y),
        (Term::Float(x), Term::Int(y)) => cmp_int_float(*y, *x).reverse(),
        (Term::BigInt(x), Term::BigInt(y)) => return x.cmp(y),
        (Term::BigInt(x), Term::Int(y)) => return (**x).cmp(&BigInt::from(*y)),
        (Term::Int(x), Term::BigInt(y)) => return BigInt::from(*x).cmp(y),
        (Term::BigInt(x), Term::Float(y)) => cmp_float_big(*y, x).reverse(),
        (Term::Float(x), Term::BigInt(y)) => cmp_float_big(*x, y),
        _ => Ordering::Equal,
    };
    if ord == Ordering::Equal && exact {
        let a_int = !matches!(a, Term::Float(_));
        let b_int = !matches!(b, Term::Float(_));
        // Integers sort before numerically equal floats.
        b_int.cmp(&a_int)
    } else {
        ord
    }
}

fn cmp_int_float(i: i64, f: f64) -> Ordering {
    // Compare without losing precision for large i64 values.
    if f.is_nan() {
        return Ordering::Equal;
    }
    if f >= 9.3e18 {
        return Ordering::Less;
    }
    if f <= -9.3e18 {
        return Ordering::Greater;
    }
    let ft = f.trunc();
    let fi = ft as i64;
    match i.cmp(&fi) {
        Ordering::Equal => {
            let frac = f - ft;
            if frac > 0.0 {
                Ordering::Less
            } else if frac < 0.0 {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        }
        o => o,
    }
}

/// Nesting depth past which a comparison continues on an explicit stack
/// ([`compare_deep`]) instead of the Rust stack: a term nested a million deep
/// must compare, not overflow. Shallow terms keep the allocation-free recursion.
const RECURSION_LIMIT: u32 = 96;

/// Compares two terms in Erlang term order. `exact` selects `===` semantics for numbers.
pub fn compare(a: &Term, b: &Term, exact: bool) -> Ordering {
    compare_at(a, b, exact, 0)
}

fn compare_at(a: &Term, b: &Term, exact: bool, depth: u32) -> Ordering {
    if depth > RECURSION_LIMIT {
        return compare_deep(a, b, exact);
    }
    let mut a = a;
    let mut b = b;
    loop {
        let (ra, rb) = (type_rank(a), type_rank(b));
        if ra != rb {
            return ra.cmp(&rb);
        }
        match (a, b) {
            (Term::Cons(x), Term::Cons(y)) => {
                if std::sync::Arc::ptr_eq(x, y) {
                    return Ordering::Equal;
                }
                match compare_at(&x.head, &y.head, exact, depth + 1) {
                    Ordering::Equal => {
                        a = &x.tail;
                        b = &y.tail;
                        continue;
                    }
                    o => return o,
                }
            }
            (Term::Nil, Term::Nil) => return Ordering::Equal,
            (Term::Nil, Term::Cons(_)) => return Ordering::Less,
            (Term::Cons(_), Term::Nil) => return Ordering::Greater,
            // An improper tail compared against a list cell: order by type.
            _ => return compare_non_list(a, b, exact, depth),
        }
    }
}

fn compare_non_list(a: &Term, b: &Term, exact: bool, depth: u32) -> Ordering {
    match (a, b) {
        (Term::Int(_) | Term::BigInt(_) | Term::Float(_), _) => cmp_numbers(a, b, exact),
        (Term::Atom(x), Term::Atom(y)) => x.cmp(y),
        (Term::Ref(x), Term::Ref(y)) => x.cmp(y),
        (Term::Pid(x), Term::Pid(y)) => x.cmp(y),
        (Term::Fun(x), Term::Fun(y)) => {
            if std::sync::Arc::ptr_eq(x, y) {
                return Ordering::Equal;
            }
            match (&x.kind, &y.kind) {
                (
                    FunKind::Export { module: m1, name: n1 },
                    FunKind::Export { module: m2, name: n2 },
                ) => m1.cmp(m2).then(n1.cmp(n2)).then(x.arity.cmp(&y.arity)),
                (FunKind::Export { .. }, FunKind::Closure { .. }) => Ordering::Less,
                (FunKind::Closure { .. }, FunKind::Export { .. }) => Ordering::Greater,
                (
                    FunKind::Closure { code: c1, env: e1, .. },
                    FunKind::Closure { code: c2, env: e2, .. },
                ) => {
                    let p1 = std::sync::Arc::as_ptr(c1) as *const u8 as usize;
                    let p2 = std::sync::Arc::as_ptr(c2) as *const u8 as usize;
                    p1.cmp(&p2).then_with(|| compare_seq(e1, e2, exact, depth))
                }
            }
        }
        (Term::Tuple(x), Term::Tuple(y)) => {
            x.len().cmp(&y.len()).then_with(|| compare_seq(x, y, exact, depth))
        }
        (Term::Map(x), Term::Map(y)) => {
            if std::sync::Arc::ptr_eq(x, y) {
                return Ordering::Equal;
            }
            x.len()
                .cmp(&y.len())
                .then_with(|| {
                    for (k1, k2) in x.keys().zip(y.keys()) {
                        match compare_at(k1, k2, true, depth + 1) {
                            Ordering::Equal => {}
                            o => return o,
                        }
                    }
                    Ordering::Equal
                })
                .then_with(|| {
                    for (v1, v2) in x.values().zip(y.values()) {
                        match compare_at(v1, v2, exact, depth + 1) {
                            Ordering::Equal => {}
                            o => return o,
                        }
                    }
                    Ordering::Equal
                })
        }
        (Term::Binary(x), Term::Binary(y)) => x.as_slice().cmp(y.as_slice()),
        _ => type_rank(a).cmp(&type_rank(b)),
    }
}

fn compare_seq(x: &[Term], y: &[Term], exact: bool, depth: u32) -> Ordering {
    for (p, q) in x.iter().zip(y.iter()) {
        match compare_at(p, q, exact, depth + 1) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    x.len().cmp(&y.len())
}

/// One pending step of [`compare_deep`].
enum Step<'a> {
    /// Compare these two terms (`exact` for `===`).
    Pair(&'a Term, &'a Term, bool),
    /// A result already known, used if everything pushed after it was equal.
    Known(Ordering),
}

/// [`compare`] on an explicit stack: the same order, for any nesting depth.
/// Steps are pushed in reverse, so they run left to right.
fn compare_deep(a: &Term, b: &Term, exact: bool) -> Ordering {
    let mut steps = vec![Step::Pair(a, b, exact)];
    while let Some(step) = steps.pop() {
        let (a, b, exact) = match step {
            Step::Known(Ordering::Equal) => continue,
            Step::Known(decided) => return decided,
            Step::Pair(a, b, exact) => (a, b, exact),
        };
        let (ra, rb) = (type_rank(a), type_rank(b));
        if ra != rb {
            return ra.cmp(&rb);
        }
        match (a, b) {
            (Term::Cons(x), Term::Cons(y)) => {
                if !std::sync::Arc::ptr_eq(x, y) {
                    steps.push(Step::Pair(&x.tail, &y.tail, exact));
                    steps.push(Step::Pair(&x.head, &y.head, exact));
                }
            }
            (Term::Nil, Term::Nil) => {}
            (Term::Nil, Term::Cons(_)) => return Ordering::Less,
            (Term::Cons(_), Term::Nil) => return Ordering::Greater,
            (Term::Tuple(x), Term::Tuple(y)) => {
                if x.len() != y.len() {
                    return x.len().cmp(&y.len());
                }
                steps.extend(x.iter().zip(y.iter()).rev().map(|(p, q)| Step::Pair(p, q, exact)));
            }
            (Term::Map(x), Term::Map(y)) => {
                if std::sync::Arc::ptr_eq(x, y) {
                    continue;
                }
                if x.len() != y.len() {
                    return x.len().cmp(&y.len());
                }
                // Every key before any value, as in the recursive order.
                let values: Vec<Step<'_>> = x.values().zip(y.values()).map(|(p, q)| Step::Pair(p, q, exact)).collect();
                steps.extend(values.into_iter().rev());
                let keys: Vec<Step<'_>> = x.keys().zip(y.keys()).map(|(p, q)| Step::Pair(p, q, true)).collect();
                steps.extend(keys.into_iter().rev());
            }
            (Term::Fun(x), Term::Fun(y)) => match (&x.kind, &y.kind) {
                (FunKind::Closure { code: c1, env: e1, .. }, FunKind::Closure { code: c2, env: e2, .. }) => {
                    let p1 = std::sync::Arc::as_ptr(c1) as *const u8 as usize;
                    let p2 = std::sync::Arc::as_ptr(c2) as *const u8 as usize;
                    if p1 != p2 {
                        return p1.cmp(&p2);
                    }
                    steps.push(Step::Known(e1.len().cmp(&e2.len())));
                    steps.extend(e1.iter().zip(e2.iter()).rev().map(|(p, q)| Step::Pair(p, q, exact)));
                }
                _ => match compare_non_list(a, b, exact, 0) {
                    Ordering::Equal => {}
                    decided => return decided,
                },
            },
            // Scalars: no recursion below them.
            _ => match compare_non_list(a, b, exact, 0) {
                Ordering::Equal => {}
                decided => return decided,
            },
        }
    }
    Ordering::Equal
}

impl Term {
    /// Elixir's `==`: numbers compare by value (`1 == 1.0`).
    pub fn loose_eq(&self, other: &Term) -> bool {
        match (self, other) {
            (Term::Int(a), Term::Int(b)) => a == b,
            (Term::Atom(a), Term::Atom(b)) => a == b,
            (Term::Pid(a), Term::Pid(b)) => a == b,
            (Term::Ref(a), Term::Ref(b)) => a == b,
            _ => compare(self, other, false) == Ordering::Equal,
        }
    }

    /// Term order with `==` semantics, as used by `<`, `>=`, `Enum.sort`.
    pub fn loose_cmp(&self, other: &Term) -> Ordering {
        compare(self, other, false)
    }
}

impl PartialEq for Term {
    /// Exact equality, Elixir's `===` (also how maps compare keys).
    fn eq(&self, other: &Term) -> bool {
        match (self, other) {
            (Term::Int(a), Term::Int(b)) => a == b,
            (Term::Atom(a), Term::Atom(b)) => a == b,
            _ => compare(self, other, true) == Ordering::Equal,
        }
    }
}

impl Eq for Term {}

impl PartialOrd for Term {
    fn partial_cmp(&self, other: &Term) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Term {
    /// Exact term order (integers before equal floats). Atoms and small integers, the
    /// usual map keys (a struct's fields, a GenServer's state), and pids and
    /// references (a supervisor's children, a server's monitors) are compared here
    /// without the general walk: every map lookup compares a few of them.
    #[inline]
    fn cmp(&self, other: &Term) -> Ordering {
        match (self, other) {
            (Term::Atom(a), Term::Atom(b)) => a.cmp(b),
            (Term::Int(a), Term::Int(b)) => a.cmp(b),
            (Term::Pid(a), Term::Pid(b)) => a.cmp(b),
            (Term::Ref(a), Term::Ref(b)) => a.cmp(b),
            _ => compare(self, other, true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_paths_of_ord_agree_with_the_general_walk() {
        let terms = [
            Term::atom("zebra"),
            Term::atom("apple"),
            Term::atom("apple"),
            Term::atom("nil"),
            Term::Int(-3),
            Term::Int(7),
            Term::Int(i64::MAX),
            Term::Float(7.0),
            Term::tuple(vec![Term::atom("a")]),
        ];
        for a in &terms {
            for b in &terms {
                assert_eq!(a.cmp(b), compare(a, b, true), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn numbers_before_atoms_before_tuples_before_lists_before_binaries() {
        let mut v = [Term::string("bin"),
            Term::list(vec![Term::Int(1)]),
            Term::tuple(vec![Term::Int(1)]),
            Term::atom("atom"),
            Term::Float(2.5),
            Term::Int(1)];
        v.sort_by(|a, b| a.loose_cmp(b));
        assert!(matches!(v[0], Term::Int(1)));
        assert!(matches!(v[1], Term::Float(_)));
        assert!(matches!(v[2], Term::Atom(_)));
        assert!(matches!(v[3], Term::Tuple(_)));
        assert!(matches!(v[4], Term::Cons(_)));
        assert!(matches!(v[5], Term::Binary(_)));
    }

    #[test]
    fn one_equals_one_point_zero_loosely_but_not_exactly() {
        assert!(Term::Int(1).loose_eq(&Term::Float(1.0)));
        assert_ne!(Term::Int(1), Term::Float(1.0));
        assert_eq!(Term::Int(1).cmp(&Term::Float(1.0)), Ordering::Less);
    }

    #[test]
    fn tuples_compare_by_size_first() {
        let a = Term::tuple(vec![Term::Int(9)]);
        let b = Term::tuple(vec![Term::Int(1), Term::Int(2)]);
        assert_eq!(a.loose_cmp(&b), Ordering::Less);
    }

    #[test]
    fn long_lists_compare_without_recursion() {
        let a = Term::list((0..1_000_000).map(Term::Int).collect());
        let b = Term::list((0..1_000_000).map(Term::Int).collect());
        assert!(a.loose_eq(&b));
    }
}
