//! Row keys and the two orderings a table may give them.
//!
//! `set`, `bag` and `duplicate_bag` tables compare keys exactly (`1` and `1.0` are
//! two keys, as with `=:=`); `ordered_set` compares with `==` (so `1.0` replaces `1`).
//! A `BTreeMap` cannot take its ordering as a parameter, so the ordering is in the
//! key's type: an ordered_set's tree holds [`LooseKey`]s, a hashed table's index
//! and its key-order map hold [`ExactKey`]s. Each is the bare term (16 bytes): a
//! tree node's keys are what a search reads, and a key that also carried its mode
//! made them half as large again. With the slot as narrow (see `rows::Slot`), an
//! ordered_set insert of 100k scrambled integer keys went from 26.1 to 19.7 ms
//! (BEAM 15.2). Only exact keys are hashed: `Hash` follows `===`, which is their
//! equality.
//!
//! [`Key`] is a key as an operation asks for it: the term in the mode of the
//! table it is for (see `Table::key`).

use crate::term::Term;
use crate::term::order::compare;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

/// A key stored in an ordered_set, compared with `==`.
#[derive(Clone, Debug)]
pub struct LooseKey(pub Term);

/// A key stored in a set or bag table, compared and hashed with `=:=`.
#[derive(Clone, Debug)]
pub struct ExactKey(pub Term);

/// A key looked up, stored or used as a bound, in its table's mode.
#[derive(Clone, Debug)]
pub enum Key {
    /// An ordered_set's key.
    Loose(LooseKey),
    /// A set or bag table's key.
    Exact(ExactKey),
}

impl Key {
    /// A key compared with `=:=` (`exact`: set and bag tables) or `==` (ordered_set).
    pub fn new(term: Term, exact: bool) -> Key {
        if exact { Key::Exact(ExactKey(term)) } else { Key::Loose(LooseKey(term)) }
    }

    /// The key's term, owned.
    pub fn into_term(self) -> Term {
        match self {
            Key::Loose(k) => k.0,
            Key::Exact(k) => k.0,
        }
    }

    /// The key as an ordered_set stores it: borrowed when it is one (always, for a
    /// key made by the table it is used on).
    pub fn loose(&self) -> Cow<'_, LooseKey> {
        match self {
            Key::Loose(k) => Cow::Borrowed(k),
            Key::Exact(k) => Cow::Owned(LooseKey(k.0.clone())),
        }
    }

    /// The key as a hashed table stores it (see [`Key::loose`]).
    pub fn exact(&self) -> Cow<'_, ExactKey> {
        match self {
            Key::Exact(k) => Cow::Borrowed(k),
            Key::Loose(k) => Cow::Owned(ExactKey(k.0.clone())),
        }
    }

    /// [`Key::loose`], owned.
    pub fn into_loose(self) -> LooseKey {
        LooseKey(self.into_term())
    }

    /// [`Key::exact`], owned.
    pub fn into_exact(self) -> ExactKey {
        ExactKey(self.into_term())
    }
}

/// `==` order: the commonest key, an integer, is compared in line; the rest out of
/// line, which keeps the B-tree's search loop small (inlining the atom comparison
/// into it cost ordered_set inserts of integer keys about 10%).
#[inline]
fn loose_cmp(a: &Term, b: &Term) -> Ordering {
    if let (Term::Int(a), Term::Int(b)) = (a, b) {
        return a.cmp(b);
    }
    general_cmp(a, b, false)
}

/// `=:=` order (see [`loose_cmp`]).
#[inline]
fn exact_cmp(a: &Term, b: &Term) -> Ordering {
    if let (Term::Int(a), Term::Int(b)) = (a, b) {
        return a.cmp(b);
    }
    general_cmp(a, b, true)
}

/// Keys that are not both integers; the same answer as `compare` in either mode.
/// Tuples of integers and atoms (`{priority, timestamp, id}`, `{:user, 42}`) are
/// compared here element by element, as term order compares tuples of one size:
/// through `compare`, each element cost a type-rank lookup and a recursive call,
/// and such keys took a job queue's ordered_set about 265 instructions a
/// comparison.
#[inline(never)]
fn general_cmp(a: &Term, b: &Term, exact: bool) -> Ordering {
    match (a, b) {
        (Term::Atom(a), Term::Atom(b)) => a.cmp(b),
        (Term::Tuple(x), Term::Tuple(y)) if x.len() == y.len() => {
            for (p, q) in x.iter().zip(y.iter()) {
                let o = match (p, q) {
                    (Term::Int(p), Term::Int(q)) => p.cmp(q),
                    (Term::Atom(p), Term::Atom(q)) => p.cmp(q),
                    _ => compare(p, q, exact),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        }
        _ => compare(a, b, exact),
    }
}

impl Key {
    /// Compares this key with a stored key's term, in this key's mode.
    pub fn cmp_term(&self, stored: &Term) -> Ordering {
        match self {
            Key::Loose(k) => loose_cmp(&k.0, stored),
            Key::Exact(k) => exact_cmp(&k.0, stored),
        }
    }
}

/// `Ord`, and the equality it implies, for a stored key type from its comparison.
macro_rules! ordered_by {
    ($key:ident, $cmp:ident) => {
        impl Ord for $key {
            #[inline]
            fn cmp(&self, other: &$key) -> Ordering {
                $cmp(&self.0, &other.0)
            }
        }

        impl PartialOrd for $key {
            fn partial_cmp(&self, other: &$key) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl PartialEq for $key {
            fn eq(&self, other: &$key) -> bool {
                self.cmp(other) == Ordering::Equal
            }
        }

        impl Eq for $key {}
    };
}

ordered_by!(LooseKey, loose_cmp);
ordered_by!(ExactKey, exact_cmp);

impl Hash for ExactKey {
    #[inline]
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.0.hash(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn loose_keys_collide_exact_keys_do_not() {
        let mut loose = BTreeMap::new();
        loose.insert(LooseKey(Term::Int(1)), 'a');
        loose.insert(LooseKey(Term::Float(1.0)), 'b');
        assert_eq!(loose.len(), 1);
        let mut exact = BTreeMap::new();
        exact.insert(ExactKey(Term::Int(1)), 'a');
        exact.insert(ExactKey(Term::Float(1.0)), 'b');
        assert_eq!(exact.len(), 2);
    }

    #[test]
    fn a_key_compares_with_a_stored_term_in_its_mode() {
        assert_eq!(Key::new(Term::Int(1), false).cmp_term(&Term::Float(1.0)), Ordering::Equal);
        assert_ne!(Key::new(Term::Int(1), true).cmp_term(&Term::Float(1.0)), Ordering::Equal);
        assert_eq!(Key::new(Term::atom("a"), true).cmp_term(&Term::atom("b")), Ordering::Less);
    }

    #[test]
    fn tuple_keys_compare_as_term_order_does() {
        let t = |items: Vec<Term>| Term::tuple(items);
        let keys = [
            t(vec![Term::Int(-5), Term::Int(10), Term::Int(3)]),
            t(vec![Term::Int(-5), Term::Int(10), Term::Float(3.0)]),
            t(vec![Term::Int(-5), Term::atom("a"), Term::Int(1)]),
            t(vec![Term::Int(-1), Term::Int(0), Term::Int(0)]),
            t(vec![Term::atom("user"), Term::Int(42)]),
            t(vec![Term::atom("user"), Term::string("x")]),
            t(vec![Term::Int(1)]),
        ];
        for a in &keys {
            for b in &keys {
                for exact in [false, true] {
                    assert_eq!(general_cmp(a, b, exact), compare(a, b, exact), "{a:?} vs {b:?} (exact: {exact})");
                }
            }
        }
    }

    #[test]
    fn stored_keys_are_bare_terms() {
        assert_eq!(std::mem::size_of::<LooseKey>(), std::mem::size_of::<Term>());
        assert_eq!(std::mem::size_of::<ExactKey>(), std::mem::size_of::<Term>());
    }
}
