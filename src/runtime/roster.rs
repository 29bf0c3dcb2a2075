//! `Roster`: a process's links, monitors, watchers or aliases — a short vector
//! that grows a hash index once it is long.
//!
//! Most processes hold a handful of entries, where a scan of a few words beats a
//! hash table and costs no extra memory. A supervisor, a `Task.async_stream`
//! caller or a trap_exit parent can hold 10⁵ of them, and each child's exit
//! removes one: without an index that is O(n) per exit and O(n²) overall, where
//! BEAM's per-process link and monitor trees stay O(log n). From [`INDEX_FROM`]
//! entries on, an index maps each key to its slot, so lookup and removal are
//! O(1) at any size.
//!
//! Invariant: an indexed roster's `index` maps every key in its `items` to its
//! position, and nothing else. Keys are unique (callers never insert a key that is
//! present: pids are checked, refs are fresh). Removal swaps the last entry into
//! the hole, so order is insertion order perturbed by removals; every listing a
//! learner sees (`Process.info`) sorts.

use rustc_hash::FxHashMap;
use super::info::heap_chunk;
use std::hash::Hash;

/// Entries at which the hash index is built (and below a quarter of which it is dropped).
pub(crate) const INDEX_FROM: usize = 32;

/// Keyed entries, unique by key; see the module docs. Scanned rosters hold only
/// the vector, so a roster costs a process no more than a `Vec` (24 bytes).
#[derive(Debug)]
pub(crate) enum Roster<K, V> {
    /// Fewer than [`INDEX_FROM`] entries (or shrunk back): found by scanning.
    Scanned(Vec<(K, V)>),
    /// Many entries, with the index from each key to its slot.
    Indexed(Box<Indexed<K, V>>),
}

/// A long roster's entries and their index.
#[derive(Debug)]
pub(crate) struct Indexed<K, V> {
    items: Vec<(K, V)>,
    index: FxHashMap<K, usize>,
}

impl<K, V> Default for Roster<K, V> {
    fn default() -> Self {
        Roster::Scanned(Vec::new())
    }
}

impl<K: Copy + Eq + Hash, V: Copy> Roster<K, V> {
    /// The entries, in slot order.
    pub fn items(&self) -> &[(K, V)] {
        match self {
            Roster::Scanned(items) => items,
            Roster::Indexed(big) => &big.items,
        }
    }

    /// The keys, in slot order.
    pub fn keys(&self) -> impl Iterator<Item = K> + '_ {
        self.items().iter().map(|(k, _)| *k)
    }

    /// True when there is no hash index (the roster is scanned).
    #[cfg(test)]
    pub fn is_scanned(&self) -> bool {
        matches!(self, Roster::Scanned(_))
    }

    fn position(&self, key: &K) -> Option<usize> {
        match self {
            Roster::Scanned(items) => items.iter().position(|(k, _)| k == key),
            Roster::Indexed(big) => big.index.get(key).copied(),
        }
    }

    /// The value stored under `key`.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.position(key).map(|i| &self.items()[i].1)
    }

    /// True when `key` is present.
    pub fn contains(&self, key: &K) -> bool {
        self.position(key).is_some()
    }

    /// Adds an entry whose key is not present (see the invariant).
    pub fn insert(&mut self, key: K, value: V) {
        debug_assert!(!self.contains(&key), "Roster keys are unique");
        match self {
            Roster::Indexed(big) => {
                big.index.insert(key, big.items.len());
                big.items.push((key, value));
            }
            Roster::Scanned(items) => {
                items.push((key, value));
                if items.len() >= INDEX_FROM {
                    let items = std::mem::take(items);
                    let index = items.iter().enumerate().map(|(i, (k, _))| (*k, i)).collect();
                    *self = Roster::Indexed(Box::new(Indexed { items, index }));
                }
            }
        }
    }

    /// Removes the entry under `key`; its value if there was one.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        let at = self.position(key)?;
        Some(self.remove_at(at))
    }

    /// Removes the entry under `key` unless `keep` holds for its value.
    pub fn remove_unless(&mut self, key: &K, keep: impl Fn(&V) -> bool) -> Option<V> {
        let at = self.position(key)?;
        if keep(&self.items()[at].1) {
            return None;
        }
        Some(self.remove_at(at))
    }

    fn remove_at(&mut self, at: usize) -> V {
        match self {
            Roster::Scanned(items) => items.swap_remove(at).1,
            Roster::Indexed(big) => {
                let (key, value) = big.items.swap_remove(at);
                big.index.remove(&key);
                if let Some((moved, _)) = big.items.get(at) {
                    big.index.insert(*moved, at);
                }
                if big.items.len() < INDEX_FROM / 4 {
                    *self = Roster::Scanned(std::mem::take(&mut big.items));
                }
                value
            }
        }
    }

    /// Takes every entry out, leaving the roster empty.
    pub fn take_items(&mut self) -> Vec<(K, V)> {
        match std::mem::take(self) {
            Roster::Scanned(items) => items,
            Roster::Indexed(big) => big.items,
        }
    }

    /// Heap bytes held: the entry vector, and for a long roster its box and the
    /// index's buckets (key, slot and a control byte each, at hashbrown's 7/8 load).
    pub fn heap_bytes(&self) -> usize {
        let entry = std::mem::size_of::<(K, V)>();
        match self {
            Roster::Scanned(items) => heap_chunk(items.capacity() * entry),
            Roster::Indexed(big) => {
                let bucket = std::mem::size_of::<(K, usize)>() + 1;
                heap_chunk(std::mem::size_of::<Indexed<K, V>>())
                    + heap_chunk(big.items.capacity() * entry)
                    + heap_chunk(big.index.capacity() * 8 / 7 * bucket)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_roster_costs_a_process_what_a_vec_did() {
        assert_eq!(std::mem::size_of::<Roster<u64, u64>>(), std::mem::size_of::<Vec<(u64, u64)>>());
    }

    #[test]
    fn small_rosters_are_scanned_and_large_ones_indexed() {
        let mut r: Roster<u64, u64> = Roster::default();
        for k in 0..(INDEX_FROM as u64 - 1) {
            r.insert(k, k * 10);
        }
        assert!(r.is_scanned());
        r.insert(1000, 1);
        assert!(!r.is_scanned(), "the index is built at INDEX_FROM entries");
        for k in 0..10_000 {
            r.insert(2000 + k, k);
        }
        assert_eq!(r.get(&(2000 + 9_999)), Some(&9_999));
        assert_eq!(r.remove(&5), Some(50));
        assert_eq!(r.remove(&5), None);
        assert!(!r.contains(&5));
        // every key still maps to its own slot after swap-removals
        for k in (2000..12_000).step_by(3) {
            assert_eq!(r.remove(&k), Some(k - 2000));
        }
        for (i, (k, _)) in r.items().iter().enumerate() {
            assert_eq!(r.position(k), Some(i));
        }
    }

    #[test]
    fn the_index_goes_when_the_roster_shrinks() {
        let mut r: Roster<u64, ()> = Roster::default();
        for k in 0..100 {
            r.insert(k, ());
        }
        for k in 0..95 {
            r.remove(&k);
        }
        assert!(r.is_scanned());
        assert_eq!(r.keys().collect::<Vec<_>>().len(), 5);
        assert!(r.contains(&99));
        assert_eq!(r.remove_unless(&99, |_| true), None);
        assert_eq!(r.remove_unless(&99, |_| false), Some(()));
        assert_eq!(r.take_items().len(), 4);
        assert!(r.items().is_empty());
    }
}
