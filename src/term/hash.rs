//! `Hash` for [`Term`], consistent with its exact equality (`===`).
//!
//! Invariant: `a == b` (exact, see [`super::order`]) implies equal hashes. So every
//! case hashes only what exact equality looks at, normalised the same way:
//! an integer is always hashed as an integer whether stored small or as a bignum,
//! `0.0` and `-0.0` (equal in OTP 25) hash alike, and function values, whose
//! equality involves code identity, hash by kind only.
//!
//! Used by ETS `set`/`bag` tables for their key index; nothing iterates in hash
//! order, so the hash values themselves are never observable.

use super::value::{FunKind, Term};
use num_traits::ToPrimitive;
use std::hash::{Hash, Hasher};

// One tag per exact-equality class, so `1`, `1.0` and `:"1"` spread apart.
const INT: u8 = 0;
const FLOAT: u8 = 1;
const ATOM: u8 = 2;
const REF: u8 = 3;
const FUN: u8 = 4;
const PID: u8 = 5;
const TUPLE: u8 = 6;
const MAP: u8 = 7;
const NIL: u8 = 8;
const CONS: u8 = 9;
const BINARY: u8 = 10;

impl Hash for Term {
    /// Small integers and atoms, nearly every ETS key, are hashed here, inline in
    /// the index's lookup; everything else in [`hash_term`].
    #[inline]
    fn hash<H: Hasher>(&self, h: &mut H) {
        match self {
            Term::Int(i) => {
                h.write_u8(INT);
                h.write_i64(*i);
            }
            Term::Atom(a) => {
                h.write_u8(ATOM);
                a.hash(h);
            }
            _ => hash_term(self, h),
        }
    }
}

/// [`Term`]'s hash for every term but the two commonest, which `Hash::hash` takes
/// first (and hashes for this when they end an improper list).
fn hash_term<H: Hasher>(term: &Term, h: &mut H) {
    // Lists are walked iteratively (a long list must not recurse per cell).
    let mut t = term;
    while let Term::Cons(cell) = t {
        h.write_u8(CONS);
        cell.head.hash(h);
        t = &cell.tail;
    }
    match t {
        // An improper list's tail: `Hash::hash` hashes these itself.
        Term::Int(_) | Term::Atom(_) => t.hash(h),
        Term::BigInt(b) => {
            h.write_u8(INT);
            // A bignum within i64 (not normally built) equals the small integer.
            match b.to_i64() {
                Some(i) => h.write_i64(i),
                None => b.hash(h),
            }
        }
        Term::Float(f) => {
            h.write_u8(FLOAT);
            let f = if *f == 0.0 { 0.0 } else { *f };
            h.write_u64(f.to_bits());
        }
        Term::Ref(r) => {
            h.write_u8(REF);
            r.hash(h);
        }
        Term::Pid(p) => {
            h.write_u8(PID);
            p.hash(h);
        }
        Term::Fun(f) => {
            h.write_u8(FUN);
            if let FunKind::Export { module, name } = &f.kind {
                module.hash(h);
                name.hash(h);
                h.write_u32(f.arity);
            }
        }
        Term::Tuple(items) => {
            h.write_u8(TUPLE);
            h.write_usize(items.len());
            for item in items.iter() {
                item.hash(h);
            }
        }
        Term::Map(m) => {
            h.write_u8(MAP);
            h.write_usize(m.len());
            // Keys iterate in exact term order, so equal maps feed the same sequence.
            for (k, v) in m.iter() {
                k.hash(h);
                v.hash(h);
            }
        }
        Term::Nil => h.write_u8(NIL),
        Term::Binary(bytes) => {
            h.write_u8(BINARY);
            h.write(bytes);
        }
        // The loop above consumed every list cell.
        Term::Cons(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigInt;
    use std::collections::hash_map::DefaultHasher;
    use std::sync::Arc;

    fn hash_of(t: &Term) -> u64 {
        let mut h = DefaultHasher::new();
        t.hash(&mut h);
        h.finish()
    }

    #[test]
    fn exactly_equal_terms_hash_alike() {
        let pairs = [
            (Term::Int(7), Term::BigInt(Arc::new(BigInt::from(7)))),
            (Term::Float(0.0), Term::Float(-0.0)),
            (
                Term::list(vec![Term::Int(1), Term::atom("a")]),
                Term::list(vec![Term::Int(1), Term::atom("a")]),
            ),
            (Term::pair(Term::string("k"), Term::Nil), Term::pair(Term::string("k"), Term::Nil)),
            // Improper lists end in a term `Hash::hash` takes itself.
            (Term::cons(Term::Int(1), Term::Int(2)), Term::cons(Term::Int(1), Term::Int(2))),
            (Term::cons(Term::Int(1), Term::atom("t")), Term::cons(Term::Int(1), Term::atom("t"))),
        ];
        for (a, b) in pairs {
            assert_eq!(a, b);
            assert_eq!(hash_of(&a), hash_of(&b), "{a:?} and {b:?}");
        }
    }

    #[test]
    fn an_improper_tail_counts() {
        let with_tail = |t| Term::cons(Term::Int(1), t);
        assert_ne!(hash_of(&with_tail(Term::Int(2))), hash_of(&with_tail(Term::Int(3))));
        assert_ne!(hash_of(&with_tail(Term::atom("a"))), hash_of(&with_tail(Term::atom("b"))));
        assert_ne!(hash_of(&with_tail(Term::Int(2))), hash_of(&Term::list(vec![Term::Int(1), Term::Int(2)])));
    }

    #[test]
    fn integer_and_float_keys_stay_apart() {
        assert_ne!(Term::Int(1), Term::Float(1.0));
        assert_ne!(hash_of(&Term::Int(1)), hash_of(&Term::Float(1.0)));
    }
}
