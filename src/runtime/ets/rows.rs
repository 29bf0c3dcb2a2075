//! [`Rows`]: the stored rows of one table, and the index that finds them.
//!
//! Two layouts, chosen by the table type:
//! - `ordered_set`: one `BTreeMap<Key, Slot>` (keys compared with `==`), as Erlang
//!   keeps it in a tree; point operations are O(log n).
//! - `set`, `bag`, `duplicate_bag`: a hash index over one vector of slots (O(1) point
//!   operations, as Erlang's hash tables; a removal moves the last slot into the hole),
//!   plus a `BTreeMap` from each key to its slot's position, for traversal. Erlang
//!   walks these tables in hash order, which no program may rely on; otplab walks them
//!   in term order so that what a learner sees is stable and reproducible. A scan of
//!   rows inserted in key order reads the slot vector in memory order.
//!
//!   The key-order map is built by the first traversal (one sort, linear for keys
//!   inserted in order) and from then on kept up to date by every change, so a table
//!   only ever used by key (`insert`, `lookup`, `update_counter`) never pays for it.
//!
//! Invariant (hashed layout): `order`, once built, maps exactly the keys of `slots`,
//! each to its index in `slots`.
//! Invariant (both): a slot is never empty, `size` is the number of rows, and
//! `footprint` is the sum of the rows' footprints, kept by every change made here
//! (`update_element` reports its in-place change through `reaccount`; a counter
//! bumped in place keeps its estimate, an integer either way).

use super::footprint::Footprint;
use super::key::{ExactKey, Key, LooseKey};
use super::table::TableType;
use crate::term::Term;
use indexmap::IndexMap;
use indexmap::map::Entry as SlotEntry;
use rustc_hash::FxBuildHasher;
use std::collections::btree_map::{self, BTreeMap, Entry};
use std::ops::Bound;
use std::sync::OnceLock;

/// The rows stored under one key. Invariant: never empty.
///
/// A bag's rows are boxed so that a slot is one term wide (16 bytes), as the
/// tree's and the hash index's entries are what every search and insert moves.
#[derive(Debug, Clone)]
pub enum Slot {
    /// set / ordered_set: the key's only row.
    One(Term),
    /// bag / duplicate_bag: the key's rows in insertion order.
    Many(Box<Vec<Term>>),
}

impl Slot {
    /// The rows of the slot, in insertion order.
    pub fn objects(&self) -> &[Term] {
        match self {
            Slot::One(t) => std::slice::from_ref(t),
            Slot::Many(v) => v.as_slice(),
        }
    }
}

type Slots = IndexMap<ExactKey, Slot, FxBuildHasher>;

/// Each key of a hashed table mapped to its slot's position, in key order; built on
/// first use (a traversal holds only a shared borrow, hence the `OnceLock`).
type Order = OnceLock<BTreeMap<ExactKey, usize>>;

#[derive(Debug)]
enum Index {
    Tree(BTreeMap<LooseKey, Slot>),
    Hashed { slots: Slots, order: Order },
}

/// The rows of a table (bags hold several rows per key).
#[derive(Debug)]
pub struct Rows {
    kind: TableType,
    index: Index,
    size: usize,
    footprint: Footprint,
}

/// Rows in key order between two bounds, from either end.
pub enum RowRange<'a> {
    /// An ordered_set's range.
    Tree(btree_map::Range<'a, LooseKey, Slot>),
    /// A hashed table's keys in order, each with its slot's position.
    Hashed(btree_map::Range<'a, ExactKey, usize>, &'a Slots),
}

impl<'a> RowRange<'a> {
    fn slot_at(slots: &'a Slots, at: usize) -> (&'a Term, &'a Slot) {
        // `order` holds each key's position in `slots` (module invariant).
        let (key, slot) = slots.get_index(at).expect("ordered key without a slot");
        (&key.0, slot)
    }
}

impl<'a> Iterator for RowRange<'a> {
    /// A stored key's term and its slot.
    type Item = (&'a Term, &'a Slot);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            RowRange::Tree(r) => r.next().map(|(k, slot)| (&k.0, slot)),
            RowRange::Hashed(keys, slots) => keys.next().map(|(_, at)| RowRange::slot_at(slots, *at)),
        }
    }
}

impl DoubleEndedIterator for RowRange<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        match self {
            RowRange::Tree(r) => r.next_back().map(|(k, slot)| (&k.0, slot)),
            RowRange::Hashed(keys, slots) => keys.next_back().map(|(_, at)| RowRange::slot_at(slots, *at)),
        }
    }
}

/// The key order of `slots`, built now if no traversal has needed it yet. Slots
/// inserted in key order are already sorted, which the sort notices (one pass).
fn key_order<'a>(slots: &Slots, order: &'a Order) -> &'a BTreeMap<ExactKey, usize> {
    order.get_or_init(|| slots.keys().enumerate().map(|(at, key)| (key.clone(), at)).collect())
}

impl Rows {
    /// No rows, laid out for a table of type `kind`.
    pub fn new(kind: TableType) -> Rows {
        let index = match kind {
            TableType::OrderedSet => Index::Tree(BTreeMap::new()),
            _ => Index::Hashed { slots: Slots::default(), order: Order::new() },
        };
        Rows { kind, index, size: 0, footprint: Footprint::default() }
    }

    /// Number of rows (what `info(t, :size)` reports).
    pub fn size(&self) -> usize {
        self.size
    }

    /// The estimated size of all rows (words and large binaries), for
    /// `info(t, :memory)` and the session's memory limit.
    pub fn footprint(&self) -> Footprint {
        self.footprint
    }

    /// Follows a change made in place through [`Rows::get_mut`]: `removed` left
    /// the rows, `added` came in.
    pub fn reaccount(&mut self, removed: Footprint, added: Footprint) {
        self.footprint.add(added);
        self.footprint.sub(removed);
    }

    /// The slot under `key`.
    pub fn get(&self, key: &Key) -> Option<&Slot> {
        match &self.index {
            Index::Tree(map) => map.get(&*key.loose()),
            Index::Hashed { slots, .. } => slots.get(&*key.exact()),
        }
    }

    /// The stored key equal to `key` and its slot (an ordered_set's stored key may be
    /// `1` when `key` is `1.0`).
    pub fn get_key_value(&self, key: &Key) -> Option<(&Term, &Slot)> {
        match &self.index {
            Index::Tree(map) => map.get_key_value(&*key.loose()).map(|(k, slot)| (&k.0, slot)),
            Index::Hashed { slots, .. } => slots.get_key_value(&*key.exact()).map(|(k, slot)| (&k.0, slot)),
        }
    }

    /// The slot under `key`, to change its rows in place (not to empty it).
    pub fn get_mut(&mut self, key: &Key) -> Option<&mut Slot> {
        match &mut self.index {
            Index::Tree(map) => map.get_mut(&*key.loose()),
            Index::Hashed { slots, .. } => slots.get_mut(&*key.exact()),
        }
    }

    /// True if some row has `key`.
    pub fn contains(&self, key: &Key) -> bool {
        self.get(key).is_some()
    }

    /// Rows whose keys lie between `lo` and `hi`, in key order.
    pub fn range<'a>(&'a self, lo: Bound<&'a Key>, hi: Bound<&'a Key>) -> RowRange<'a> {
        // The bounds are only read while the range is set up; the range borrows the map.
        match &self.index {
            Index::Tree(map) => {
                let (lo, hi) = (lo.map(Key::loose), hi.map(Key::loose));
                RowRange::Tree(map.range::<LooseKey, _>((lo.as_ref().map(|k| &**k), hi.as_ref().map(|k| &**k))))
            }
            Index::Hashed { slots, order } => {
                let (lo, hi) = (lo.map(Key::exact), hi.map(Key::exact));
                let keys = key_order(slots, order).range::<ExactKey, _>((lo.as_ref().map(|k| &**k), hi.as_ref().map(|k| &**k)));
                RowRange::Hashed(keys, slots)
            }
        }
    }

    /// Every slot in key order.
    pub fn iter(&self) -> RowRange<'_> {
        self.range(Bound::Unbounded, Bound::Unbounded)
    }

    /// Stores `object` under `key` with the table type's rules. Returns the row it
    /// replaced (or a bag's duplicate), for the caller to drop once its lock is
    /// released.
    pub fn put(&mut self, key: Key, object: Term) -> Option<Term> {
        let kind = self.kind;
        let added = Footprint::of(&object);
        let replaced = self.put_row(kind, key, object);
        self.footprint.add(added);
        if let Some(replaced) = &replaced {
            self.footprint.sub(Footprint::of(replaced));
        }
        replaced
    }

    /// Stores `object`; returns the row it replaced, or the object itself when a bag
    /// already holds it (nothing stored, so both are counted and taken away).
    fn put_row(&mut self, kind: TableType, key: Key, object: Term) -> Option<Term> {
        match &mut self.index {
            Index::Tree(map) => {
                // An ordered_set's `1.0` replaces the stored key `1` too, which needs a
                // re-insert; otherwise the existing entry just takes the new row.
                let key = key.into_loose();
                let incoming = key.0.clone();
                match map.entry(key) {
                    Entry::Vacant(e) => {
                        e.insert(Slot::One(object));
                        self.size += 1;
                        None
                    }
                    Entry::Occupied(mut e) => {
                        let old = if incoming != e.key().0 {
                            let (_, old) = e.remove_entry();
                            map.insert(LooseKey(incoming), Slot::One(object));
                            old
                        } else {
                            e.insert(Slot::One(object))
                        };
                        match old {
                            Slot::One(t) => Some(t),
                            Slot::Many(_) => None,
                        }
                    }
                }
            }
            Index::Hashed { slots, order } => match slots.entry(key.into_exact()) {
                SlotEntry::Vacant(e) => {
                    if let Some(order) = order.get_mut() {
                        order.insert(e.key().clone(), e.index());
                    }
                    e.insert(match kind {
                        TableType::Set | TableType::OrderedSet => Slot::One(object),
                        TableType::Bag | TableType::DuplicateBag => Slot::Many(Box::new(vec![object])),
                    });
                    self.size += 1;
                    None
                }
                SlotEntry::Occupied(mut e) => match e.get_mut() {
                    Slot::One(row) => Some(std::mem::replace(row, object)),
                    Slot::Many(rows) => {
                        if kind == TableType::Bag && rows.iter().any(|r| r == &object) {
                            return Some(object);
                        }
                        rows.push(object);
                        self.size += 1;
                        None
                    }
                },
            },
        }
    }

    /// Removes the slot under `key` entirely.
    fn take_slot(&mut self, key: &Key) -> Option<Slot> {
        match &mut self.index {
            Index::Tree(map) => map.remove(&*key.loose()),
            Index::Hashed { slots, order } => {
                // The last slot moves into the hole: its position in `order` follows.
                let key = key.exact();
                let (at, _, slot) = slots.swap_remove_full(&*key)?;
                if let Some(order) = order.get_mut() {
                    order.remove(&*key);
                    if let Some((moved, _)) = slots.get_index(at) {
                        *order.get_mut(moved).expect("every slot is ordered") = at;
                    }
                }
                Some(slot)
            }
        }
    }

    /// Removes every row under `key`; returns them.
    pub fn remove_key(&mut self, key: &Key) -> Vec<Term> {
        let rows = match self.take_slot(key) {
            Some(Slot::One(t)) => vec![t],
            Some(Slot::Many(v)) => *v,
            None => return Vec::new(),
        };
        self.size -= rows.len();
        for row in &rows {
            self.footprint.sub(Footprint::of(row));
        }
        rows
    }

    /// Removes the rows under `key` that equal `object` exactly; returns how many.
    pub fn remove_object(&mut self, key: &Key, object: &Term) -> usize {
        let (removed, emptied) = match self.get_mut(key) {
            None => return 0,
            Some(Slot::One(t)) => {
                let hit = usize::from(t == object);
                (hit, hit == 1)
            }
            Some(Slot::Many(rows)) => {
                let before = rows.len();
                rows.retain(|r| r != object);
                (before - rows.len(), rows.is_empty())
            }
        };
        if emptied {
            self.take_slot(key);
        }
        self.size -= removed;
        // Every removed row equals `object` exactly, so each had its footprint.
        let each = Footprint::of(object);
        for _ in 0..removed {
            self.footprint.sub(each);
        }
        removed
    }

    /// Every row in table order.
    pub fn all(&self) -> Vec<Term> {
        let mut out = Vec::with_capacity(self.size);
        for (_, slot) in self.iter() {
            out.extend_from_slice(slot.objects());
        }
        out
    }

    /// Removes every row.
    pub fn clear(&mut self) {
        match &mut self.index {
            Index::Tree(map) => map.clear(),
            Index::Hashed { slots, order } => {
                slots.clear();
                order.take();
            }
        }
        self.size = 0;
        self.footprint = Footprint::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(k: i64, v: &str) -> Term {
        Term::pair(Term::Int(k), Term::atom(v))
    }

    fn exact(k: i64) -> Key {
        Key::new(Term::Int(k), true)
    }

    #[test]
    fn bag_keeps_insertion_order_and_drops_exact_duplicates() {
        let mut rows = Rows::new(TableType::Bag);
        for v in ["walk", "with", "me", "with"] {
            rows.put(exact(1), row(1, v));
        }
        assert_eq!(rows.size(), 3);
        assert_eq!(rows.all(), vec![row(1, "walk"), row(1, "with"), row(1, "me")]);
    }

    #[test]
    fn duplicate_bag_keeps_copies_and_remove_object_drops_all_of_them() {
        let mut rows = Rows::new(TableType::DuplicateBag);
        let k = exact(1);
        rows.put(k.clone(), row(1, "home"));
        rows.put(k.clone(), row(1, "home"));
        rows.put(k.clone(), row(1, "about"));
        assert_eq!(rows.size(), 3);
        assert_eq!(rows.remove_object(&k, &row(1, "home")), 2);
        assert_eq!(rows.all(), vec![row(1, "about")]);
        assert_eq!(rows.size(), 1);
        assert_eq!(rows.remove_object(&k, &row(1, "about")), 1);
        assert!(!rows.contains(&k));
        assert_eq!(rows.iter().count(), 0);
    }

    #[test]
    fn ordered_set_float_key_replaces_integer_key() {
        let mut rows = Rows::new(TableType::OrderedSet);
        rows.put(Key::new(Term::Int(10), false), row(10, "a"));
        let float_row = Term::pair(Term::Float(10.0), Term::atom("f"));
        rows.put(Key::new(Term::Float(10.0), false), float_row.clone());
        assert_eq!(rows.size(), 1);
        assert_eq!(rows.all(), vec![float_row]);
        assert!(matches!(rows.iter().next().map(|(k, _)| k), Some(Term::Float(_))));
    }

    #[test]
    fn hashed_tables_walk_in_key_order_whatever_the_insertion_order() {
        let mut rows = Rows::new(TableType::Set);
        for k in [5, 3, 9, 1] {
            rows.put(exact(k), row(k, "x"));
        }
        rows.put(exact(3), row(3, "y"));
        assert_eq!(rows.size(), 4);
        assert_eq!(rows.all(), vec![row(1, "x"), row(3, "y"), row(5, "x"), row(9, "x")]);
        assert_eq!(rows.remove_key(&exact(5)), vec![row(5, "x")]);
        let after_3: Vec<_> = rows.range(Bound::Excluded(&exact(3)), Bound::Unbounded).map(|(k, _)| k.clone()).collect();
        assert_eq!(after_3, vec![Term::Int(9)]);
        let back: Vec<_> = rows.iter().rev().map(|(k, _)| k.clone()).collect();
        assert_eq!(back, vec![Term::Int(9), Term::Int(3), Term::Int(1)]);
    }

    /// The module invariant: a built order maps exactly the slots' keys to their positions.
    fn assert_order_consistent(rows: &Rows) {
        let Index::Hashed { slots, order } = &rows.index else { panic!("a hashed table") };
        if let Some(order) = order.get() {
            assert_eq!(order.len(), slots.len());
            for (key, at) in order {
                assert_eq!(slots.get_index(*at).map(|(k, _)| k), Some(key));
            }
        }
    }

    fn keys(rows: &Rows) -> Vec<i64> {
        rows.iter().map(|(k, _)| if let Term::Int(i) = k { *i } else { panic!("integer keys") }).collect()
    }

    #[test]
    fn the_key_order_is_built_by_the_first_walk_and_kept_by_later_changes() {
        let mut rows = Rows::new(TableType::Set);
        for k in [5, 3, 9, 1] {
            rows.put(exact(k), row(k, "x"));
        }
        // Removed before any walk: nothing to keep up to date yet.
        rows.remove_key(&exact(9));
        let Index::Hashed { order, .. } = &rows.index else { panic!("a hashed table") };
        assert!(order.get().is_none(), "lookups and inserts alone never build the order");
        assert_eq!(keys(&rows), vec![1, 3, 5]);
        assert_order_consistent(&rows);
        // After the walk: new keys, and a removal that moves the last slot into the hole.
        for k in [4, 2, 8] {
            rows.put(exact(k), row(k, "y"));
        }
        rows.remove_key(&exact(3));
        assert_order_consistent(&rows);
        assert_eq!(keys(&rows), vec![1, 2, 4, 5, 8]);
        rows.clear();
        assert_eq!(keys(&rows), Vec::<i64>::new());
        rows.put(exact(7), row(7, "z"));
        assert_eq!(keys(&rows), vec![7]);
        assert_order_consistent(&rows);
    }

    #[test]
    fn the_footprint_follows_insert_overwrite_and_delete_exactly() {
        let big = |n: usize| Term::pair(Term::Int(1), Term::bytes(vec![b'x'; n]));
        for kind in [TableType::Set, TableType::OrderedSet, TableType::Bag] {
            let mut rows = Rows::new(kind);
            let key = Key::new(Term::Int(1), kind != TableType::OrderedSet);
            rows.put(key.clone(), big(100_000));
            // {1, <<100_000 bytes>>}: a 3-word tuple, a 6-word handle, the bytes apart.
            assert_eq!(rows.footprint(), Footprint { words: 9, binary_bytes: 100_000 });
            rows.put(key.clone(), big(100_000));
            assert_eq!(rows.footprint().binary_bytes, 100_000, "{kind:?}: an overwrite or a bag's duplicate replaces");
            rows.put(key.clone(), big(200_000));
            let expect = if kind == TableType::Bag { 300_000 } else { 200_000 };
            assert_eq!(rows.footprint().binary_bytes, expect, "{kind:?}");
            assert_eq!(rows.remove_object(&key, &big(200_000)), 1);
            assert_eq!(rows.footprint().binary_bytes, expect - 200_000, "{kind:?}");
            rows.put(key.clone(), big(10));
            rows.remove_key(&key);
            assert_eq!(rows.footprint(), Footprint::default(), "{kind:?}");
            rows.put(key, big(100));
            rows.clear();
            assert_eq!(rows.footprint(), Footprint::default(), "{kind:?}");
        }
    }

    #[test]
    fn a_tree_or_index_entry_is_two_terms_wide() {
        assert_eq!(std::mem::size_of::<Slot>(), std::mem::size_of::<Term>());
        assert_eq!(std::mem::size_of::<(LooseKey, Slot)>(), 2 * std::mem::size_of::<Term>());
    }

    #[test]
    fn set_keys_compare_exactly_so_one_and_one_point_zero_are_two_rows() {
        let mut rows = Rows::new(TableType::Set);
        rows.put(exact(1), row(1, "int"));
        rows.put(Key::new(Term::Float(1.0), true), Term::pair(Term::Float(1.0), Term::atom("float")));
        assert_eq!(rows.size(), 2);
        assert!(rows.contains(&Key::new(Term::Float(1.0), true)));
    }
}
