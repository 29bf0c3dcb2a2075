//! Arithmetic and comparison with Erlang semantics: i64 fast path, bignum promotion,
//! int/float mixing, `:badarith` on non-numbers. The VM's `Op` instruction and the
//! `:erlang` natives both use these functions.

use super::code::BinOp;
use super::raise::Raise;
use crate::term::Term;
use num_bigint::BigInt;
use num_traits::{ToPrimitive, Zero};
use std::sync::Arc;

fn to_big(t: &Term) -> Option<BigInt> {
    match t {
        Term::Int(i) => Some(BigInt::from(*i)),
        Term::BigInt(b) => Some((**b).clone()),
        _ => None,
    }
}

fn to_float(t: &Term) -> Option<f64> {
    match t {
        Term::Int(i) => Some(*i as f64),
        Term::BigInt(b) => b.to_f64(),
        Term::Float(f) => Some(*f),
        _ => None,
    }
}

fn checked_float(f: f64) -> Result<Term, Raise> {
    if f.is_finite() { Ok(Term::Float(f)) } else { Err(Raise::badarith()) }
}

/// Applies an arithmetic or comparison operator.
pub fn binop(op: BinOp, a: &Term, b: &Term) -> Result<Term, Raise> {
    match op {
        BinOp::Add => add(a, b),
        BinOp::Sub => sub(a, b),
        BinOp::Mul => mul(a, b),
        BinOp::Div => divide(a, b),
        BinOp::Eq => Ok(Term::bool(a.loose_eq(b))),
        BinOp::Ne => Ok(Term::bool(!a.loose_eq(b))),
        BinOp::StrictEq => Ok(Term::bool(a == b)),
        BinOp::StrictNe => Ok(Term::bool(a != b)),
        BinOp::Lt => Ok(Term::bool(a.loose_cmp(b).is_lt())),
        BinOp::Gt => Ok(Term::bool(a.loose_cmp(b).is_gt())),
        BinOp::Le => Ok(Term::bool(a.loose_cmp(b).is_le())),
        BinOp::Ge => Ok(Term::bool(a.loose_cmp(b).is_ge())),
    }
}

/// `a + b`.
pub fn add(a: &Term, b: &Term) -> Result<Term, Raise> {
    match (a, b) {
        (Term::Int(x), Term::Int(y)) => Ok(match x.checked_add(*y) {
            Some(r) => Term::Int(r),
            None => Term::from_bigint(BigInt::from(*x) + BigInt::from(*y)),
        }),
        (Term::Float(_), _) | (_, Term::Float(_)) => match (to_float(a), to_float(b)) {
            (Some(x), Some(y)) => checked_float(x + y),
            _ => Err(Raise::badarith()),
        },
        _ => match (to_big(a), to_big(b)) {
            (Some(x), Some(y)) => Ok(Term::from_bigint(x + y)),
            _ => Err(Raise::badarith()),
        },
    }
}

/// `a - b`.
pub fn sub(a: &Term, b: &Term) -> Result<Term, Raise> {
    match (a, b) {
        (Term::Int(x), Term::Int(y)) => Ok(match x.checked_sub(*y) {
            Some(r) => Term::Int(r),
            None => Term::from_bigint(BigInt::from(*x) - BigInt::from(*y)),
        }),
        (Term::Float(_), _) | (_, Term::Float(_)) => match (to_float(a), to_float(b)) {
            (Some(x), Some(y)) => checked_float(x - y),
            _ => Err(Raise::badarith()),
        },
        _ => match (to_big(a), to_big(b)) {
            (Some(x), Some(y)) => Ok(Term::from_bigint(x - y)),
            _ => Err(Raise::badarith()),
        },
    }
}

/// `a * b`.
pub fn mul(a: &Term, b: &Term) -> Result<Term, Raise> {
    match (a, b) {
        (Term::Int(x), Term::Int(y)) => Ok(match x.checked_mul(*y) {
            Some(r) => Term::Int(r),
            None => Term::from_bigint(BigInt::from(*x) * BigInt::from(*y)),
        }),
        (Term::Float(_), _) | (_, Term::Float(_)) => match (to_float(a), to_float(b)) {
            (Some(x), Some(y)) => checked_float(x * y),
            _ => Err(Raise::badarith()),
        },
        _ => match (to_big(a), to_big(b)) {
            (Some(x), Some(y)) => Ok(Term::from_bigint(x * y)),
            _ => Err(Raise::badarith()),
        },
    }
}

/// `a / b`: always a float; division by zero is `:badarith`.
pub fn divide(a: &Term, b: &Term) -> Result<Term, Raise> {
    match (to_float(a), to_float(b)) {
        (Some(_), Some(y)) if y == 0.0 => Err(Raise::badarith()),
        (Some(x), Some(y)) => checked_float(x / y),
        _ => Err(Raise::badarith()),
    }
}

/// `div(a, b)`: integer division truncating toward zero.
pub fn int_div(a: &Term, b: &Term) -> Result<Term, Raise> {
    match (a, b) {
        (Term::Int(_), Term::Int(0)) => Err(Raise::badarith()),
        (Term::Int(x), Term::Int(y)) => Ok(match x.checked_div(*y) {
            Some(r) => Term::Int(r),
            None => Term::from_bigint(BigInt::from(*x) / BigInt::from(*y)),
        }),
        _ => match (to_big(a), to_big(b)) {
            (Some(_), Some(y)) if y.is_zero() => Err(Raise::badarith()),
            (Some(x), Some(y)) => Ok(Term::from_bigint(x / y)),
            _ => Err(Raise::badarith()),
        },
    }
}

/// `rem(a, b)`: remainder with the sign of `a`.
pub fn int_rem(a: &Term, b: &Term) -> Result<Term, Raise> {
    match (a, b) {
        (Term::Int(_), Term::Int(0)) => Err(Raise::badarith()),
        (Term::Int(x), Term::Int(y)) => Ok(Term::Int(x.checked_rem(*y).unwrap_or(0))),
        _ => match (to_big(a), to_big(b)) {
            (Some(_), Some(y)) if y.is_zero() => Err(Raise::badarith()),
            (Some(x), Some(y)) => Ok(Term::from_bigint(x % y)),
            _ => Err(Raise::badarith()),
        },
    }
}

/// Unary minus.
pub fn negate(a: &Term) -> Result<Term, Raise> {
    match a {
        Term::Int(x) => Ok(match x.checked_neg() {
            Some(r) => Term::Int(r),
            None => Term::from_bigint(-BigInt::from(*x)),
        }),
        Term::BigInt(b) => Ok(Term::from_bigint(-(**b).clone())),
        Term::Float(f) => Ok(Term::Float(-f)),
        _ => Err(Raise::badarith()),
    }
}

/// A bignum as a term (helper for natives that build big results).
pub fn big(b: BigInt) -> Term {
    match b.to_i64() {
        Some(i) => Term::Int(i),
        None => Term::BigInt(Arc::new(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_promotes_to_bignum_and_back() {
        let max = Term::Int(i64::MAX);
        let over = add(&max, &Term::Int(1)).expect("add");
        assert!(matches!(over, Term::BigInt(_)));
        let back = sub(&over, &Term::Int(1)).expect("sub");
        assert!(matches!(back, Term::Int(i64::MAX)));
    }

    #[test]
    fn division_is_float_and_zero_is_badarith() {
        assert!(matches!(divide(&Term::Int(10), &Term::Int(4)), Ok(Term::Float(f)) if f == 2.5));
        assert!(divide(&Term::Int(1), &Term::Int(0)).is_err());
        assert!(matches!(int_rem(&Term::Int(-7), &Term::Int(3)), Ok(Term::Int(-1))));
        assert!(add(&Term::atom("a"), &Term::Int(1)).is_err());
    }
}
