//! [`TermMap`]: the inside of an Elixir map, flat while small, a persistent B+tree
//! ([`MapTree`]) when large (as BEAM keeps a flatmap up to 32 keys and a HAMT beyond).
//!
//! Invariants:
//! - Both representations iterate in exact term order (`Ord for Term`), which is
//!   the order Elixir prints small maps in; which one a map uses is never
//!   observable, except in cost (equality, order and hashing look at the entries).
//! - `Flat` holds at most [`FLAT_MAX`] entries, sorted by key, keys distinct. A map
//!   grows into `Tree` when an insert would pass that; it does not go back when
//!   removals shrink it (a map that was large tends to grow again).
//! - A struct, a GenServer's state or a child spec is a handful of atom keys: a
//!   field read is a scan comparing atom handles, and an update of a shared map
//!   copies one small array, where the tree walked and copied several nodes.

use super::map_tree::{self, MapTree};
use super::value::{Term, release};
use std::cmp::Ordering;
use std::sync::Arc;

/// Most entries a flat map holds (BEAM's flatmap limit).
pub const FLAT_MAX: usize = 32;

/// Up to this many entries, a key with a cheap equality (an atom, a small integer,
/// a pid, a reference) is found by a linear scan rather than a binary search.
const SCAN_MAX: usize = 12;

/// The map representation: flat while small, a persistent ordered tree when large
/// (see the module invariants). Dropped through [`release`].
#[derive(Clone)]
pub struct TermMap(Repr);

#[derive(Clone)]
enum Repr {
    /// Sorted by key, at most [`FLAT_MAX`] entries.
    Flat(Vec<(Term, Term)>),
    /// More than [`FLAT_MAX`] entries (or once had).
    Tree(MapTree),
}

impl Default for TermMap {
    fn default() -> TermMap {
        TermMap::new()
    }
}

/// Where a key of a kind with a cheap equality (an atom, a small integer, a pid, a
/// reference) is in a small map, by a scan specialised to its kind (a field read:
/// one tag and one handle compared per entry): `Some(found)`, or `None` when the map
/// is too large to scan or the key is of another kind.
#[inline]
fn scan(entries: &[(Term, Term)], key: &Term) -> Option<Option<usize>> {
    if entries.len() > SCAN_MAX {
        return None;
    }
    match key {
        Term::Atom(a) => Some(entries.iter().position(|(k, _)| matches!(k, Term::Atom(b) if b == a))),
        Term::Int(i) => Some(entries.iter().position(|(k, _)| matches!(k, Term::Int(j) if j == i))),
        Term::Pid(p) => Some(entries.iter().position(|(k, _)| matches!(k, Term::Pid(q) if q == p))),
        Term::Ref(r) => Some(entries.iter().position(|(k, _)| matches!(k, Term::Ref(q) if q == r))),
        _ => None,
    }
}

/// Where `key` is in the sorted `entries`, by binary search in term order: `Ok`, or
/// `Err` with where it would go. Out of line, so the scan's callers stay small.
#[inline(never)]
fn search(entries: &[(Term, Term)], key: &Term) -> Result<usize, usize> {
    entries.binary_search_by(|(k, _)| k.cmp(key))
}

/// Where `key` is in the sorted `entries`, if there. Out of line: a field read in
/// the dispatch calls it rather than growing the loop.
#[inline(never)]
fn find(entries: &[(Term, Term)], key: &Term) -> Option<usize> {
    match scan(entries, key) {
        Some(found) => found,
        None => search(entries, key).ok(),
    }
}

/// Where `key` is in the sorted `entries` (`Ok`), or where it would go (`Err`).
#[inline]
fn locate(entries: &[(Term, Term)], key: &Term) -> Result<usize, usize> {
    match scan(entries, key) {
        Some(Some(i)) => Ok(i),
        _ => search(entries, key),
    }
}

impl TermMap {
    /// An empty map.
    pub fn new() -> TermMap {
        TermMap(Repr::Flat(Vec::new()))
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Flat(v) => v.len(),
            Repr::Tree(t) => t.len(),
        }
    }

    /// No entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value under `key` (exact equality, as map keys compare).
    #[inline]
    pub fn get(&self, key: &Term) -> Option<&Term> {
        match &self.0 {
            Repr::Flat(v) => find(v, key).map(|i| &v[i].1),
            Repr::Tree(t) => t.get(key),
        }
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &Term) -> bool {
        self.get(key).is_some()
    }

    /// Puts `value` under `key`, giving back the value it replaces.
    pub fn insert(&mut self, key: Term, value: Term) -> Option<Term> {
        match &mut self.0 {
            Repr::Flat(v) => match locate(v, &key) {
                Ok(i) => Some(std::mem::replace(&mut v[i].1, value)),
                Err(i) if v.len() < FLAT_MAX => {
                    v.insert(i, (key, value));
                    None
                }
                Err(i) => {
                    let mut entries = std::mem::take(v);
                    entries.insert(i, (key, value));
                    self.0 = Repr::Tree(MapTree::from_sorted(entries));
                    None
                }
            },
            Repr::Tree(t) => t.insert(key, value),
        }
    }

    /// Takes `key` out, giving back its value.
    pub fn remove(&mut self, key: &Term) -> Option<Term> {
        match &mut self.0 {
            Repr::Flat(v) => find(v, key).map(|i| v.remove(i).1),
            Repr::Tree(t) => t.remove(key),
        }
    }

    /// The entries in term order of their keys.
    pub fn iter(&self) -> Iter<'_> {
        match &self.0 {
            Repr::Flat(v) => Iter::Flat(v.iter()),
            Repr::Tree(t) => Iter::Tree(t.iter()),
        }
    }

    /// The keys in term order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Term> + ExactSizeIterator {
        self.iter().map(|(k, _)| k)
    }

    /// The values, in their keys' term order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Term> + ExactSizeIterator {
        self.iter().map(|(_, v)| v)
    }

    /// The map of `entries` in any order; a later entry wins over an earlier one
    /// with the same key, as successive inserts. Entries already in strict key
    /// order (a map literal, whose atom keys the compiler sorts) are checked with
    /// one comparison each and kept as they are. (Out of line: inlined into the
    /// dispatch it changed how the compiler laid out the rest of the loop.)
    #[inline(never)]
    pub fn from_entries(mut entries: Vec<(Term, Term)>) -> TermMap {
        if entries.windows(2).all(|w| w[0].0 < w[1].0) {
            return TermMap::sorted(entries);
        }
        // A stable sort keeps equal keys in their order; the last of each run wins.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(Term, Term)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => out.push((k, v)),
            }
        }
        TermMap::sorted(out)
    }

    /// The map of `entries`, sorted by key with no key twice.
    fn sorted(entries: Vec<(Term, Term)>) -> TermMap {
        if entries.len() > FLAT_MAX {
            TermMap(Repr::Tree(MapTree::from_sorted(entries)))
        } else {
            TermMap(Repr::Flat(entries))
        }
    }

    /// Both maps; `self`'s value wins where both have a key. The smaller one's
    /// entries go into the larger (a tree put copies only what the larger shares).
    pub fn union(self, mut other: TermMap) -> TermMap {
        if self.len() >= other.len() {
            let mut into = self;
            for (k, v) in other {
                if !into.contains_key(&k) {
                    into.insert(k, v);
                }
            }
            into
        } else {
            for (k, v) in self {
                other.insert(k, v);
            }
            other
        }
    }
}

/// An iterator over a map's entries in key order.
pub enum Iter<'a> {
    /// Over a flat map.
    Flat(std::slice::Iter<'a, (Term, Term)>),
    /// Over a tree.
    Tree(map_tree::Iter<'a>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a Term, &'a Term);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Flat(i) => i.next().map(|(k, v)| (k, v)),
            Iter::Tree(i) => i.next(),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Iter::Flat(i) => i.size_hint(),
            Iter::Tree(i) => i.size_hint(),
        }
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Flat(i) => i.next_back().map(|(k, v)| (k, v)),
            Iter::Tree(i) => i.next_back(),
        }
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// An iterator taking a map's entries in key order.
pub enum IntoIter {
    /// Out of a flat map.
    Flat(std::vec::IntoIter<(Term, Term)>),
    /// Out of a tree (its entries taken out, or copied where shared).
    Tree(std::vec::IntoIter<(Term, Term)>),
}

impl Iterator for IntoIter {
    type Item = (Term, Term);
    fn next(&mut self) -> Option<(Term, Term)> {
        match self {
            IntoIter::Flat(i) => i.next(),
            IntoIter::Tree(i) => i.next(),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            IntoIter::Flat(i) => i.size_hint(),
            IntoIter::Tree(i) => i.size_hint(),
        }
    }
}

impl DoubleEndedIterator for IntoIter {
    fn next_back(&mut self) -> Option<(Term, Term)> {
        match self {
            IntoIter::Flat(i) => i.next_back(),
            IntoIter::Tree(i) => i.next_back(),
        }
    }
}

impl ExactSizeIterator for IntoIter {}

impl FromIterator<(Term, Term)> for TermMap {
    /// Later entries win over earlier ones with the same key, as successive inserts.
    fn from_iter<I: IntoIterator<Item = (Term, Term)>>(iter: I) -> TermMap {
        TermMap::from_entries(iter.into_iter().collect())
    }
}

impl IntoIterator for TermMap {
    type Item = (Term, Term);
    type IntoIter = IntoIter;
    fn into_iter(mut self) -> IntoIter {
        match std::mem::replace(&mut self.0, Repr::Flat(Vec::new())) {
            Repr::Flat(v) => IntoIter::Flat(v.into_iter()),
            Repr::Tree(t) => IntoIter::Tree(t.into_entries().into_iter()),
        }
    }
}

impl<'a> IntoIterator for &'a TermMap {
    type Item = (&'a Term, &'a Term);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl PartialEq for TermMap {
    /// Same entries, exactly (whatever the representations).
    fn eq(&self, other: &TermMap) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl Eq for TermMap {}

impl PartialOrd for TermMap {
    fn partial_cmp(&self, other: &TermMap) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TermMap {
    /// The entries compared in key order, as sequences.
    fn cmp(&self, other: &TermMap) -> Ordering {
        self.iter().cmp(other.iter())
    }
}

impl std::fmt::Debug for TermMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl std::hash::Hash for TermMap {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_usize(self.len());
        for (k, v) in self {
            k.hash(state);
            v.hash(state);
        }
    }
}

impl Drop for TermMap {
    fn drop(&mut self) {
        match &mut self.0 {
            Repr::Flat(v) => {
                if v.iter().any(|(k, v)| k.is_shared_compound() || v.is_shared_compound()) {
                    release(std::mem::take(v), |entries| Term::Map(Arc::new(TermMap(Repr::Flat(entries)))));
                }
            }
            Repr::Tree(t) => {
                if !t.is_empty() {
                    release(std::mem::take(t), |inner| Term::Map(Arc::new(TermMap(Repr::Tree(inner)))));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::Atom;

    fn atom(s: &str) -> Term {
        Term::Atom(Atom::new(s))
    }

    fn keys(m: &TermMap) -> Vec<Term> {
        m.keys().cloned().collect()
    }

    #[test]
    fn a_small_map_stays_sorted_and_finds_every_kind_of_key() {
        let mut m = TermMap::new();
        for k in [atom("b"), Term::Int(2), atom("a"), Term::Float(2.0), Term::bytes(b"x".to_vec())] {
            assert_eq!(m.insert(k.clone(), k), None);
        }
        assert_eq!(keys(&m), vec![Term::Int(2), Term::Float(2.0), atom("a"), atom("b"), Term::bytes(b"x".to_vec())]);
        assert_eq!(m.get(&Term::Float(2.0)), Some(&Term::Float(2.0)));
        assert_eq!(m.get(&Term::Int(3)), None);
        assert_eq!(m.insert(atom("a"), Term::Int(1)), Some(atom("a")));
        assert_eq!(m.remove(&Term::Int(2)), Some(Term::Int(2)));
        assert_eq!(m.len(), 4);
        assert!(!m.contains_key(&Term::Int(2)) && m.contains_key(&Term::Float(2.0)));
    }

    #[test]
    fn growing_past_the_flat_limit_keeps_every_entry_in_order() {
        let mut m = TermMap::new();
        for i in (0..100).rev() {
            m.insert(Term::Int(i), Term::Int(i * 2));
            let flat = matches!(m.0, Repr::Flat(_));
            assert_eq!(flat, m.len() <= FLAT_MAX, "at {} entries", m.len());
        }
        assert_eq!(keys(&m), (0..100).map(Term::Int).collect::<Vec<_>>());
        assert_eq!(m.get(&Term::Int(40)), Some(&Term::Int(80)));
    }

    #[test]
    fn equality_order_and_hash_ignore_the_representation() {
        use std::hash::{Hash, Hasher};
        let flat: TermMap = (0..10).map(|i| (Term::Int(i), Term::Int(i))).collect();
        let mut tree: TermMap = (0..40).map(|i| (Term::Int(i), Term::Int(i))).collect();
        for i in 10..40 {
            tree.remove(&Term::Int(i));
        }
        assert!(matches!(tree.0, Repr::Tree(_)));
        assert!(flat == tree);
        assert_eq!(flat.cmp(&tree), Ordering::Equal);
        let hash = |m: &TermMap| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            m.hash(&mut h);
            h.finish()
        };
        assert_eq!(hash(&flat), hash(&tree));
    }

    #[test]
    fn collecting_keeps_the_last_of_equal_keys_as_inserts_would() {
        let m: TermMap = vec![(atom("a"), Term::Int(1)), (atom("b"), Term::Int(2)), (atom("a"), Term::Int(3))].into_iter().collect();
        assert_eq!(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>(), vec![(atom("a"), Term::Int(3)), (atom("b"), Term::Int(2))]);
        let one_and_float: TermMap = vec![(Term::Int(1), atom("i")), (Term::Float(1.0), atom("f"))].into_iter().collect();
        assert_eq!(one_and_float.len(), 2);
    }

    #[test]
    fn entries_in_key_order_are_kept_and_others_sorted() {
        let sorted = TermMap::from_entries(vec![(atom("a"), Term::Int(1)), (atom("b"), Term::Int(2))]);
        let unsorted = TermMap::from_entries(vec![(atom("b"), Term::Int(2)), (atom("a"), Term::Int(1))]);
        assert_eq!(sorted, unsorted);
        assert_eq!(keys(&unsorted), vec![atom("a"), atom("b")]);
        let repeated = TermMap::from_entries(vec![(atom("a"), Term::Int(1)), (atom("a"), Term::Int(2))]);
        assert_eq!(repeated.len(), 1);
        assert_eq!(repeated.get(&atom("a")), Some(&Term::Int(2)));
    }

    #[test]
    fn union_prefers_the_receiver_in_both_representations() {
        let small = |pairs: &[(i64, i64)]| pairs.iter().map(|&(k, v)| (Term::Int(k), Term::Int(v))).collect::<TermMap>();
        let u = small(&[(1, 10), (2, 20)]).union(small(&[(2, 0), (3, 30)]));
        assert_eq!(u, small(&[(1, 10), (2, 20), (3, 30)]));
        let big = |off: i64| (0..50).map(|k| (Term::Int(k), Term::Int(k + off))).collect::<TermMap>();
        let u = big(1).union(big(2));
        assert_eq!(u.get(&Term::Int(7)), Some(&Term::Int(8)));
        assert_eq!(u.len(), 50);
    }

    #[test]
    fn dropping_a_deeply_nested_flat_map_does_not_overflow_the_stack() {
        let mut t = Term::Nil;
        for _ in 0..200_000 {
            t = Term::Map(Arc::new(std::iter::once((atom("inner"), t)).collect()));
        }
        drop(t);
    }
}
