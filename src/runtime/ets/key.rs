//! [`Key`]: a row key with the ordering its table type demands.
//!
//! `set`, `bag` and `duplicate_bag` tables compare keys exactly (`1` and `1.0` are
//! two keys, as with `=:=`); `ordered_set` compares with `==` (so `1.0` replaces `1`).
//! A `BTreeMap` cannot take its ordering as a parameter, so every key carries the
//! flag. Invariant: all keys of one map carry the same flag, so `Ord` is a total
//! order within a map. Only exact keys are ever hashed (the hash index of `set` and
//! bag tables): `Hash` follows `===`, which is their equality, while `==` keys live
//! in the ordered_set's tree.

use crate::term::Term;
use crate::term::order::compare;
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

/// A key in a table's map.
#[derive(Clone, Debug)]
pub struct Key {
    /// The key term as stored (for ordered_set: the latest inserted of the `==` class).
    pub term: Term,
    exact: bool,
}

impl Key {
    /// A key compared with `=:=` (set and bag tables) or `==` (`exact == false`, ordered_set).
    pub fn new(term: Term, exact: bool) -> Key {
        Key { term, exact }
    }
}

impl PartialEq for Key {
    #[inline]
    fn eq(&self, other: &Key) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Key {}

impl Hash for Key {
    #[inline]
    fn hash<H: Hasher>(&self, h: &mut H) {
        debug_assert!(self.exact, "ordered_set keys are never hashed");
        self.term.hash(h)
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    #[inline]
    fn cmp(&self, other: &Key) -> Ordering {
        // The commonest key, an integer, is compared in line; the rest out of line,
        // which keeps the B-tree's search loop small (inlining the atom comparison
        // into it cost ordered_set inserts of integer keys about 10%).
        if let (Term::Int(a), Term::Int(b)) = (&self.term, &other.term) {
            return a.cmp(b);
        }
        self.cmp_general(other)
    }
}

impl Key {
    /// [`Ord::cmp`] for keys that are not both integers; same answer as `compare`
    /// in either mode.
    #[inline(never)]
    fn cmp_general(&self, other: &Key) -> Ordering {
        if let (Term::Atom(a), Term::Atom(b)) = (&self.term, &other.term) {
            return a.cmp(b);
        }
        compare(&self.term, &other.term, self.exact)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn loose_keys_collide_exact_keys_do_not() {
        let mut loose = BTreeMap::new();
        loose.insert(Key::new(Term::Int(1), false), 'a');
        loose.insert(Key::new(Term::Float(1.0), false), 'b');
        assert_eq!(loose.len(), 1);
        let mut exact = BTreeMap::new();
        exact.insert(Key::new(Term::Int(1), true), 'a');
        exact.insert(Key::new(Term::Float(1.0), true), 'b');
        assert_eq!(exact.len(), 2);
    }
}
