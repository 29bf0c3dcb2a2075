//! The tests a compiled pattern is made of. Each goes on to `next` when the value
//! fits (binding what it destructures) and jumps to `fail` when it does not; none
//! raises (the compiler emits `MatchFail` after the last clause).

use crate::term::Term;
use crate::vm::code::{BitSeg, Label, Reg};

/// `TestEq`: `a === b`.
#[inline(always)]
pub(in crate::vm) fn op_test_eq(w: &[Term], a: Reg, b: Reg, fail: Label, next: usize) -> usize {
    if w[a as usize] != w[b as usize] { fail as usize } else { next }
}

/// `TestConst`: `reg === value`, atoms compared without the general term order.
/// (An integer literal is a `TestInt`: the builder emits no `TestConst` of one.)
#[inline(always)]
pub(in crate::vm) fn op_test_const(w: &[Term], reg: Reg, value: &Term, fail: Label, next: usize) -> usize {
    let differs = match (&w[reg as usize], value) {
        (Term::Atom(x), Term::Atom(y)) => x != y,
        (x, v) => x != v,
    };
    if differs { fail as usize } else { next }
}

/// `TestInt`: `reg === value` for an integer literal.
#[inline(always)]
pub(in crate::vm) fn op_test_int(w: &[Term], reg: Reg, value: i64, fail: Label, next: usize) -> usize {
    if is_int(w, reg, value) { next } else { fail as usize }
}

/// Whether `reg` holds the integer `value` (the test of `TestInt` and of `ReturnIfInt`).
#[inline(always)]
pub(in crate::vm) fn is_int(w: &[Term], reg: Reg, value: i64) -> bool {
    matches!(super::fast_reg(w, reg), Term::Int(x) if *x == value)
}

/// `TestTuple`: a tuple of `arity` items.
#[inline(always)]
pub(in crate::vm) fn op_test_tuple(w: &[Term], reg: Reg, arity: u32, fail: Label, next: usize) -> usize {
    if matches!(&w[reg as usize], Term::Tuple(t) if t.len() == arity as usize) { next } else { fail as usize }
}

/// `GetElem`: `dst = elem(tuple, index)`, the tuple already tested.
#[inline(always)]
///
/// With `moved` (the tuple's register is dead afterwards, as at the last element a
/// pattern reads) the tuple is taken out, and an unshared one gives its element up
/// instead of a copy: `{:reply, r, state}` leaves `state` with one owner.
pub(in crate::vm) fn op_get_elem(w: &mut [Term], dst: Reg, tuple: Reg, index: u32, moved: bool, next: usize) -> usize {
    let v = match &mut w[tuple as usize] {
        Term::Tuple(t) if moved && !matches!(t[index as usize], Term::Int(_) | Term::Atom(_)) => {
            match super::data::take(&mut w[tuple as usize]) {
                Term::Tuple(mut t) if t.is_unique() => std::mem::replace(&mut crate::term::value::TupleArc::make_mut(&mut t)[index as usize], Term::Nil),
                Term::Tuple(t) => t[index as usize].clone(),
                _ => Term::Nil,
            }
        }
        Term::Tuple(t) => t[index as usize].clone(),
        _ => Term::Nil,
    };
    super::data::put(&mut w[dst as usize], v);
    next
}

/// `TestCons`: a non-empty list, its head and tail bound to `head` and `tail`.
#[inline(always)]
pub(in crate::vm) fn op_test_cons(w: &mut [Term], reg: Reg, head: Reg, tail: Reg, fail: Label, next: usize) -> usize {
    let (h, t) = match &w[reg as usize] {
        Term::Cons(c) => (c.head.clone(), c.tail.clone()),
        _ => return fail as usize,
    };
    w[head as usize] = h;
    w[tail as usize] = t;
    next
}

/// `TestNil`: `[]`.
#[inline(always)]
pub(in crate::vm) fn op_test_nil(w: &[Term], reg: Reg, fail: Label, next: usize) -> usize {
    if matches!(w[reg as usize], Term::Nil) { next } else { fail as usize }
}

/// `TestMap`: a map.
#[inline(always)]
pub(in crate::vm) fn op_test_map(w: &[Term], reg: Reg, fail: Label, next: usize) -> usize {
    if matches!(w[reg as usize], Term::Map(_)) { next } else { fail as usize }
}

/// `MapGet`: `map` has `key`, its value bound to `dst`.
#[inline]
pub(in crate::vm) fn op_map_get(w: &mut [Term], dst: Reg, map: Reg, key: Reg, fail: Label, next: usize) -> usize {
    let found = match &w[map as usize] {
        Term::Map(m) => m.get(&w[key as usize]).cloned(),
        _ => None,
    };
    match found {
        Some(v) => {
            super::data::put(&mut w[dst as usize], v);
            next
        }
        None => fail as usize,
    }
}

/// `TestPrefix`: a binary starting with `prefix`, the remainder bound to `rest`.
#[inline]
pub(in crate::vm) fn op_test_prefix(w: &mut [Term], reg: Reg, prefix: Reg, rest: Reg, fail: Label, next: usize) -> usize {
    let r = match (&w[reg as usize], &w[prefix as usize]) {
        // The rest shares the binary's bytes (see `Bin::part`).
        (Term::Binary(b), Term::Binary(p)) if b.starts_with(p) => Some(Term::Binary(crate::term::Bin::part(b, p.len(), b.len() - p.len()))),
        _ => None,
    };
    match r {
        Some(v) => {
            w[rest as usize] = v;
            next
        }
        None => fail as usize,
    }
}

/// `TestBits`: a bitstring matching `segs`, each segment's value bound.
#[inline(never)]
pub(in crate::vm) fn op_test_bits(w: &mut [Term], reg: Reg, segs: &[BitSeg], fail: Label, next: usize) -> usize {
    // `<<c, rest::binary>>`, the walk over a binary a byte at a time: bound as the
    // general matcher would bind it, without its list of bindings.
    if let [BitSeg::Value { dst: byte, spec: first }, BitSeg::Value { dst: rest, spec: second }] = segs
        && first.is_unsigned_byte()
        && second.is_rest_of_bytes()
    {
        let (c, tail) = match &w[reg as usize] {
            Term::Binary(b) if !b.is_empty() => (b[0], crate::term::Bin::part(b, 1, b.len() - 1)),
            _ => return fail as usize,
        };
        w[*byte as usize] = Term::Int(i64::from(c));
        w[*rest as usize] = Term::Binary(tail);
        return next;
    }
    let bytes = match &w[reg as usize] {
        Term::Binary(b) => b.clone(),
        _ => return fail as usize,
    };
    let window: &[Term] = w;
    match crate::vm::bits::match_bits(&bytes, segs, &|r| window[r as usize].clone()) {
        Some(binds) => {
            for (r, v) in binds {
                w[r as usize] = v;
            }
            next
        }
        None => fail as usize,
    }
}
