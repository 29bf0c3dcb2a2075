//! Arithmetic and comparison on terms, shared by the `:erlang` operator BIFs,
//! `Kernel`, `Integer` and the VM's fast path.
//!
//! The VM calls these plain functions directly for `a + b`, `a < b`... instead of
//! going through the native registry; the registered `:erlang.+/2` etc. are thin
//! wrappers around the same functions, so both paths agree by construction.
//!
//! Semantics (Erlang's): integers never overflow (i64 results promote to bignums and
//! bignum results that fit return to `Term::Int`); mixing an integer and a float
//! gives a float; `/` always gives a float; `div`/`rem` truncate toward zero; any
//! non-number operand, division by zero or a non-finite float result raises the raw
//! `:badarith` error.

use crate::term::Term;
use super::code::BinOp;
use super::raise::Raise;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};
use std::cmp::Ordering;

/// Two numeric operands, classified.
enum Pair {
    Ints(i64, i64),
    Bigs(BigInt, BigInt),
    Floats(f64, f64),
}

fn big(t: &Term) -> Option<BigInt> {
    match t {
        Term::Int(i) => Some(BigInt::from(*i)),
        Term::BigInt(b) => Some((**b).clone()),
        _ => None,
    }
}

fn to_f64(t: &Term) -> Result<f64, Raise> {
    match t {
        Term::Int(i) => Ok(*i as f64),
        Term::Float(f) => Ok(*f),
        Term::BigInt(b) => b
            .to_f64()
            .filter(|f| f.is_finite())
            .ok_or_else(Raise::badarith),
        _ => Err(Raise::badarith()),
    }
}

fn classify(a: &Term, b: &Term) -> Result<Pair, Raise> {
    match (a, b) {
        (Term::Int(x), Term::Int(y)) => Ok(Pair::Ints(*x, *y)),
        (Term::Float(_), _) | (_, Term::Float(_)) => Ok(Pair::Floats(to_f64(a)?, to_f64(b)?)),
        _ => match (big(a), big(b)) {
            (Some(x), Some(y)) => Ok(Pair::Bigs(x, y)),
            _ => Err(Raise::badarith()),
        },
    }
}

fn float(f: f64) -> Result<Term, Raise> {
    if f.is_finite() {
        Ok(Term::Float(f))
    } else {
        Err(Raise::badarith())
    }
}

/// Integer operands only (for `div`, `rem`, bit operations).
fn ints(a: &Term, b: &Term) -> Result<Pair, Raise> {
    match classify(a, b)? {
        Pair::Floats(..) => Err(Raise::badarith()),
        p => Ok(p),
    }
}

/// `a + b`.
pub fn add(a: &Term, b: &Term) -> Result<Term, Raise> {
    match classify(a, b)? {
        Pair::Ints(x, y) => Ok(x
            .checked_add(y)
            .map(Term::Int)
            .unwrap_or_else(|| Term::from_bigint(BigInt::from(x) + BigInt::from(y)))),
        Pair::Bigs(x, y) => Ok(Term::from_bigint(x + y)),
        Pair::Floats(x, y) => float(x + y),
    }
}

/// `a - b`.
pub fn sub(a: &Term, b: &Term) -> Result<Term, Raise> {
    match classify(a, b)? {
        Pair::Ints(x, y) => Ok(x
            .checked_sub(y)
            .map(Term::Int)
            .unwrap_or_else(|| Term::from_bigint(BigInt::from(x) - BigInt::from(y)))),
        Pair::Bigs(x, y) => Ok(Term::from_bigint(x - y)),
        Pair::Floats(x, y) => float(x - y),
    }
}

/// `a * b`.
pub fn mul(a: &Term, b: &Term) -> Result<Term, Raise> {
    match classify(a, b)? {
        Pair::Ints(x, y) => Ok(x
            .checked_mul(y)
            .map(Term::Int)
            .unwrap_or_else(|| Term::from_bigint(BigInt::from(x) * BigInt::from(y)))),
        Pair::Bigs(x, y) => Ok(Term::from_bigint(x * y)),
        Pair::Floats(x, y) => float(x * y),
    }
}

/// `a / b`: always a float; dividing by zero (or 0.0) raises `:badarith`.
pub fn fdiv(a: &Term, b: &Term) -> Result<Term, Raise> {
    let (x, y) = (to_f64(a)?, to_f64(b)?);
    if y == 0.0 {
        return Err(Raise::badarith());
    }
    float(x / y)
}

/// `div(a, b)`: integer division truncating toward zero.
pub fn div(a: &Term, b: &Term) -> Result<Term, Raise> {
    match ints(a, b)? {
        Pair::Ints(_, 0) => Err(Raise::badarith()),
        Pair::Ints(x, y) => Ok(x
            .checked_div(y)
            .map(Term::Int)
            .unwrap_or_else(|| Term::from_bigint(BigInt::from(x) / BigInt::from(y)))),
        Pair::Bigs(_, y) if y.is_zero() => Err(Raise::badarith()),
        Pair::Bigs(x, y) => Ok(Term::from_bigint(x / y)),
        Pair::Floats(..) => Err(Raise::badarith()),
    }
}

/// `rem(a, b)`: remainder with the sign of `a`.
pub fn rem(a: &Term, b: &Term) -> Result<Term, Raise> {
    match ints(a, b)? {
        Pair::Ints(_, 0) => Err(Raise::badarith()),
        Pair::Ints(x, y) => Ok(Term::Int(x.checked_rem(y).unwrap_or(0))),
        Pair::Bigs(_, y) if y.is_zero() => Err(Raise::badarith()),
        Pair::Bigs(x, y) => Ok(Term::from_bigint(x % y)),
        Pair::Floats(..) => Err(Raise::badarith()),
    }
}

/// `Integer.floor_div(a, b)`: division rounding toward negative infinity.
pub fn floor_div(a: &Term, b: &Term) -> Result<Term, Raise> {
    match ints(a, b)? {
        Pair::Ints(_, 0) => Err(Raise::badarith()),
        Pair::Ints(x, y) if !(x == i64::MIN && y == -1) => {
            Ok(Term::Int(num_integer::Integer::div_floor(&x, &y)))
        }
        Pair::Ints(x, y) => Ok(Term::from_bigint(
            BigInt::from(x).div_floor(&BigInt::from(y)),
        )),
        Pair::Bigs(_, y) if y.is_zero() => Err(Raise::badarith()),
        Pair::Bigs(x, y) => Ok(Term::from_bigint(x.div_floor(&y))),
        Pair::Floats(..) => Err(Raise::badarith()),
    }
}

/// `Integer.mod(a, b)`: remainder with the sign of `b`.
pub fn modulo(a: &Term, b: &Term) -> Result<Term, Raise> {
    match ints(a, b)? {
        Pair::Ints(_, 0) => Err(Raise::badarith()),
        Pair::Ints(x, y) if !(x == i64::MIN && y == -1) => {
            Ok(Term::Int(num_integer::Integer::mod_floor(&x, &y)))
        }
        Pair::Ints(..) => Ok(Term::Int(0)),
        Pair::Bigs(_, y) if y.is_zero() => Err(Raise::badarith()),
        Pair::Bigs(x, y) => Ok(Term::from_bigint(x.mod_floor(&y))),
        Pair::Floats(..) => Err(Raise::badarith()),
    }
}

/// Unary `-a`.
pub fn neg(a: &Term) -> Result<Term, Raise> {
    sub(&Term::Int(0), a).and_then(|r| match (a, r) {
        // -0.0 stays a float zero; 0 - 0.0 would be 0.0 anyway.
        (Term::Float(f), _) => float(-f),
        (_, r) => Ok(r),
    })
}

/// Unary `+a` (the identity on numbers).
pub fn plus(a: &Term) -> Result<Term, Raise> {
    if a.is_number() {
        Ok(a.clone())
    } else {
        Err(Raise::badarith())
    }
}

/// `abs(a)`. A non-number raises `:badarg` (it is a guard BIF, not an operator).
pub fn abs(a: &Term) -> Result<Term, Raise> {
    match a {
        Term::Int(i) => Ok(i
            .checked_abs()
            .map(Term::Int)
            .unwrap_or_else(|| Term::from_bigint(BigInt::from(*i).abs()))),
        Term::BigInt(b) => Ok(Term::from_bigint(b.abs())),
        Term::Float(f) => Ok(Term::Float(f.abs())),
        _ => Err(Raise::badarg()),
    }
}

fn bitwise(
    a: &Term,
    b: &Term,
    small: fn(i64, i64) -> i64,
    large: fn(&BigInt, &BigInt) -> BigInt,
) -> Result<Term, Raise> {
    match ints(a, b)? {
        Pair::Ints(x, y) => Ok(Term::Int(small(x, y))),
        Pair::Bigs(x, y) => Ok(Term::from_bigint(large(&x, &y))),
        Pair::Floats(..) => Err(Raise::badarith()),
    }
}

/// `band`.
pub fn band(a: &Term, b: &Term) -> Result<Term, Raise> {
    bitwise(a, b, |x, y| x & y, |x, y| x & y)
}

/// `bor`.
pub fn bor(a: &Term, b: &Term) -> Result<Term, Raise> {
    bitwise(a, b, |x, y| x | y, |x, y| x | y)
}

/// `bxor`.
pub fn bxor(a: &Term, b: &Term) -> Result<Term, Raise> {
    bitwise(a, b, |x, y| x ^ y, |x, y| x ^ y)
}

/// `bnot`.
pub fn bnot(a: &Term) -> Result<Term, Raise> {
    match a {
        Term::Int(x) => Ok(Term::Int(!x)),
        Term::BigInt(b) => Ok(Term::from_bigint(-(**b).clone() - 1)),
        _ => Err(Raise::badarith()),
    }
}

/// Shifts left by `n` (negative `n` shifts right), arithmetic like Erlang.
fn shift(value: BigInt, n: &BigInt) -> Result<Term, Raise> {
    // Shifts beyond a few million bits would exhaust memory; BEAM raises system_limit.
    let n = n
        .to_i64()
        .filter(|n| n.abs() < (1 << 24))
        .ok_or_else(Raise::badarith)?;
    if n >= 0 {
        Ok(Term::from_bigint(value << (n as usize)))
    } else {
        // `>>` on a negative BigInt rounds toward negative infinity, like `bsr`.
        Ok(Term::from_bigint(value >> ((-n) as usize)))
    }
}

/// `bsl`.
pub fn bsl(a: &Term, b: &Term) -> Result<Term, Raise> {
    match ints(a, b)? {
        Pair::Ints(x, y) => shift(BigInt::from(x), &BigInt::from(y)),
        Pair::Bigs(x, y) => shift(x, &y),
        Pair::Floats(..) => Err(Raise::badarith()),
    }
}

/// `bsr`.
pub fn bsr(a: &Term, b: &Term) -> Result<Term, Raise> {
    match ints(a, b)? {
        Pair::Ints(x, y) => shift(BigInt::from(x), &-BigInt::from(y)),
        Pair::Bigs(x, y) => shift(x, &-y),
        Pair::Floats(..) => Err(Raise::badarith()),
    }
}

/// `a == b` (numbers by value).
pub fn eq(a: &Term, b: &Term) -> Term {
    Term::bool(a.loose_eq(b))
}

/// `a != b`.
pub fn ne(a: &Term, b: &Term) -> Term {
    Term::bool(!a.loose_eq(b))
}

/// `a === b`.
pub fn exact_eq(a: &Term, b: &Term) -> Term {
    Term::bool(a == b)
}

/// `a !== b`.
pub fn exact_ne(a: &Term, b: &Term) -> Term {
    Term::bool(a != b)
}

/// `a < b` in term order.
pub fn lt(a: &Term, b: &Term) -> Term {
    Term::bool(a.loose_cmp(b) == Ordering::Less)
}

/// `a > b`.
pub fn gt(a: &Term, b: &Term) -> Term {
    Term::bool(a.loose_cmp(b) == Ordering::Greater)
}

/// `a <= b` (`=<` in Erlang).
pub fn le(a: &Term, b: &Term) -> Term {
    Term::bool(a.loose_cmp(b) != Ordering::Greater)
}

/// `a >= b`.
pub fn ge(a: &Term, b: &Term) -> Term {
    Term::bool(a.loose_cmp(b) != Ordering::Less)
}

/// `max(a, b)`: the larger in term order; `a` when equal (as Erlang).
pub fn max(a: &Term, b: &Term) -> Term {
    if a.loose_cmp(b) == Ordering::Less {
        b.clone()
    } else {
        a.clone()
    }
}

/// `min(a, b)`: the smaller in term order; `a` when equal.
pub fn min(a: &Term, b: &Term) -> Term {
    if b.loose_cmp(a) == Ordering::Less {
        b.clone()
    } else {
        a.clone()
    }
}

/// An integer power by squaring (`Integer.pow/2`, `**`); `exp` must be non-negative.
pub fn int_pow(base: &Term, exp: u64) -> Result<Term, Raise> {
    let b = big(base).ok_or_else(Raise::badarith)?;
    // Cap the exponent so a typo cannot allocate gigabytes; BEAM would grind too.
    let e = u32::try_from(exp).map_err(|_| Raise::error(Term::atom("system_limit")))?;
    Ok(Term::from_bigint(num_traits::pow::Pow::pow(b, e)))
}

/// Applies an arithmetic or comparison operator (the VM's `Op` instruction slow path).
pub fn binop(op: BinOp, a: &Term, b: &Term) -> Result<Term, Raise> {
    match op {
        BinOp::Add => add(a, b),
        BinOp::Sub => sub(a, b),
        BinOp::Mul => mul(a, b),
        BinOp::Div => fdiv(a, b),
        BinOp::IntDiv => div(a, b),
        BinOp::Rem => rem(a, b),
        BinOp::Eq => Ok(eq(a, b)),
        BinOp::Ne => Ok(ne(a, b)),
        BinOp::StrictEq => Ok(exact_eq(a, b)),
        BinOp::StrictNe => Ok(exact_ne(a, b)),
        BinOp::Lt => Ok(lt(a, b)),
        BinOp::Gt => Ok(gt(a, b)),
        BinOp::Le => Ok(le(a, b)),
        BinOp::Ge => Ok(ge(a, b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t: Result<Term, Raise>) -> String {
        match t {
            Ok(Term::Int(i)) => i.to_string(),
            Ok(Term::BigInt(b)) => b.to_string(),
            Ok(Term::Float(f)) => format!("{f:?}"),
            Ok(Term::Atom(a)) => a.as_str().to_string(),
            Ok(_) => "other".into(),
            Err(r) => format!("raise {:?}", r.reason),
        }
    }

    #[test]
    fn integer_overflow_promotes_and_demotes() {
        // iex> 9223372036854775807 + 1  => 9223372036854775808
        assert_eq!(
            s(add(&Term::Int(i64::MAX), &Term::Int(1))),
            "9223372036854775808"
        );
        let big = add(&Term::Int(i64::MAX), &Term::Int(1))
            .ok()
            .unwrap_or(Term::Nil);
        assert!(matches!(sub(&big, &Term::Int(1)), Ok(Term::Int(i64::MAX))));
        // iex> 4294967296 * 4294967296 => 18446744073709551616
        assert_eq!(
            s(mul(&Term::Int(1 << 32), &Term::Int(1 << 32))),
            "18446744073709551616"
        );
    }

    #[test]
    fn division_follows_erlang() {
        // div(-7, 2) => -3; rem(-7, 2) => -1; Integer.floor_div(-7, 2) => -4; Integer.mod(-7, 2) => 1
        assert_eq!(s(div(&Term::Int(-7), &Term::Int(2))), "-3");
        assert_eq!(s(rem(&Term::Int(-7), &Term::Int(2))), "-1");
        assert_eq!(s(floor_div(&Term::Int(-7), &Term::Int(2))), "-4");
        assert_eq!(s(modulo(&Term::Int(-7), &Term::Int(2))), "1");
        // 1 / 4 => 0.25; 4 / 2 => 2.0
        assert_eq!(s(fdiv(&Term::Int(1), &Term::Int(4))), "0.25");
        assert_eq!(s(fdiv(&Term::Int(4), &Term::Int(2))), "2.0");
        assert_eq!(s(div(&Term::Int(0), &Term::Int(0))), "raise :badarith");
        assert_eq!(s(fdiv(&Term::Int(1), &Term::Float(0.0))), "raise :badarith");
        assert_eq!(s(div(&Term::Float(1.0), &Term::Int(1))), "raise :badarith");
    }

    #[test]
    fn mixing_ints_and_floats_gives_floats() {
        // 1 + 1.5 => 2.5
        assert_eq!(s(add(&Term::Int(1), &Term::Float(1.5))), "2.5");
        assert_eq!(s(add(&Term::Int(1), &Term::atom("a"))), "raise :badarith");
    }

    #[test]
    fn bit_operations() {
        // bsl(1, 70) => 1180591620717411303424 ; bsr(-8, 1) => -4 ; bnot(5) => -6
        assert_eq!(
            s(bsl(&Term::Int(1), &Term::Int(70))),
            "1180591620717411303424"
        );
        assert_eq!(s(bsr(&Term::Int(-8), &Term::Int(1))), "-4");
        assert_eq!(s(bnot(&Term::Int(5))), "-6");
        assert_eq!(s(bxor(&Term::Int(6), &Term::Int(3))), "5");
    }

    #[test]
    fn comparisons_and_pow() {
        assert_eq!(s(Ok(eq(&Term::Int(1), &Term::Float(1.0)))), "true");
        assert_eq!(s(Ok(exact_eq(&Term::Int(1), &Term::Float(1.0)))), "false");
        assert_eq!(s(Ok(lt(&Term::Int(1), &Term::atom("a")))), "true");
        // Integer.pow(2, 100) => 1267650600228229401496703205376
        assert_eq!(
            s(int_pow(&Term::Int(2), 100)),
            "1267650600228229401496703205376"
        );
        // max(1, 1.0) => 1
        assert!(matches!(
            max(&Term::Int(1), &Term::Float(1.0)),
            Term::Int(1)
        ));
    }
}
