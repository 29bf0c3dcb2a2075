//! [`MapTree`]: a large map's entries, in a persistent B+tree of term keys.
//!
//! A map past [`super::map::FLAT_MAX`] keys lives here. Elixir maps are values: a
//! GenServer keeps its state for the crash report while its callback puts a key,
//! so the put must leave the old map whole. Updating a shared tree copies the
//! nodes on the path from the root to the key (`Arc::make_mut`) and shares the
//! rest; an unshared tree (a map built in a loop) is updated in place.
//!
//! The path's length and each node's width set that cost. Copying a branch
//! takes a reference to each of its children, an atomic increment apiece (and a
//! decrement when the old version goes), so branches are narrow: up to
//! [`BRANCH_MAX`] children. Leaves copy their entries, which are mostly
//! integers and atoms, so they are wider: up to [`LEAF_MAX`]. A 100,000-key map
//! is six nodes deep; a put into it while the old version is kept took 480 ns
//! (BEAM's HAMT: 500-700 ns in the same loop), where `imbl`'s B-tree of 6-key
//! nodes, nine deep, took 1,480. A leaf that fills at its right end, as keys
//! inserted in ascending order do, splits off only the new entry, so such maps
//! keep their leaves full. Searches scan a node rather than bisect it (see
//! [`locate`]).
//!
//! Invariants:
//! - Keys are distinct and in term order across the leaves from left to right.
//! - In a branch, `keys.len() + 1 == children.len()`, every key under
//!   `children[i]` is below `keys[i]`, and every key under `children[i + 1]` is at
//!   or above it. Removals may leave a separator that no longer is a key: it still
//!   bounds both sides, which is all a search needs.
//! - No node is empty; the root is `None` exactly when the tree is. Removals do
//!   not rebalance (a node may hold fewer entries than a split leaves), so a tree
//!   is never deeper than its largest past size made it.
//! - `len` is the number of entries.

use super::value::Term;
use triomphe::Arc;

/// Most entries in a leaf. A GenServer's put+get into its 100k-key state: 28.2k
/// instructions an op with 16, 28.8k with 32 (a shared put copies the leaf);
/// in-place puts into a 1,000-key map are about 5% slower than with 32.
pub const LEAF_MAX: usize = 16;

/// Most children of a branch. Shared puts into a 100,000-key map: 8 children
/// 490 ns, 16 550 ns, 32 700 ns, 4 515 ns.
pub const BRANCH_MAX: usize = 8;

/// A tree node; shared between the versions of a map that contain it.
#[derive(Clone)]
enum Node {
    /// Entries sorted by key, between 1 and [`LEAF_MAX`].
    Leaf(Vec<(Term, Term)>),
    /// Separators and children (see the module invariants).
    Branch(Branch),
}

/// A branch: `children.len()` is between 1 and [`BRANCH_MAX`].
#[derive(Clone)]
struct Branch {
    keys: Vec<Term>,
    children: Vec<Arc<Node>>,
}

impl Branch {
    /// The child whose keys `key` falls among.
    #[inline]
    fn child_for(&self, key: &Term) -> usize {
        self.keys.iter().position(|k| k > key).unwrap_or(self.keys.len())
    }
}

/// Where `key` is in a leaf's sorted `entries` (`Ok`), or where it would go
/// (`Err`). A scan, as in a branch: at most [`LEAF_MAX`] comparisons whose
/// branches the processor predicts (all "greater" until the one that is not),
/// where a binary search mispredicts about every other step.
#[inline]
fn locate(entries: &[(Term, Term)], key: &Term) -> Result<usize, usize> {
    match entries.iter().position(|(k, _)| k >= key) {
        Some(i) if entries[i].0.cmp(key).is_eq() => Ok(i),
        Some(i) => Err(i),
        None => Err(entries.len()),
    }
}

/// The entries of a large map (see the module docs). Cloning shares every node.
#[derive(Clone, Default)]
pub struct MapTree {
    root: Option<Arc<Node>>,
    len: usize,
}

/// What an insert below a node asks of its parent: a new right sibling, and the
/// separator (its smallest key) to file it under.
type Split = Option<(Term, Arc<Node>)>;

impl MapTree {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// No entries.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The tree of `entries`, which are sorted by key with no key twice.
    pub fn from_sorted(entries: Vec<(Term, Term)>) -> MapTree {
        let len = entries.len();
        if len == 0 {
            return MapTree::default();
        }
        // Full leaves, then full branches over them, level by level.
        let mut level: Vec<(Term, Arc<Node>)> = Vec::with_capacity(len.div_ceil(LEAF_MAX));
        let mut rest = entries.into_iter().peekable();
        while rest.peek().is_some() {
            let leaf: Vec<(Term, Term)> = rest.by_ref().take(LEAF_MAX).collect();
            level.push((leaf[0].0.clone(), Arc::new(Node::Leaf(leaf))));
        }
        while level.len() > 1 {
            let mut up = Vec::with_capacity(level.len().div_ceil(BRANCH_MAX));
            let mut nodes = level.into_iter().peekable();
            while nodes.peek().is_some() {
                let group: Vec<(Term, Arc<Node>)> = nodes.by_ref().take(BRANCH_MAX).collect();
                let low = group[0].0.clone();
                let mut keys = Vec::with_capacity(group.len() - 1);
                let mut children = Vec::with_capacity(group.len());
                for (i, (key, child)) in group.into_iter().enumerate() {
                    if i > 0 {
                        keys.push(key);
                    }
                    children.push(child);
                }
                up.push((low, Arc::new(Node::Branch(Branch { keys, children }))));
            }
            level = up;
        }
        let root = level.pop().map(|(_, node)| node);
        MapTree { root, len }
    }

    /// The value under `key`.
    pub fn get(&self, key: &Term) -> Option<&Term> {
        let mut node = self.root.as_deref()?;
        loop {
            match node {
                Node::Branch(b) => node = &b.children[b.child_for(key)],
                Node::Leaf(entries) => {
                    return locate(entries, key).ok().map(|i| &entries[i].1);
                }
            }
        }
    }

    /// Puts `value` under `key`, giving back the value it replaces.
    pub fn insert(&mut self, key: Term, value: Term) -> Option<Term> {
        let Some(root) = &mut self.root else {
            self.root = Some(Arc::new(Node::Leaf(vec![(key, value)])));
            self.len = 1;
            return None;
        };
        let (old, split) = insert_into(root, key, value);
        if let Some((separator, right)) = split {
            let left = self.root.take().expect("the root split");
            self.root = Some(Arc::new(Node::Branch(Branch { keys: vec![separator], children: vec![left, right] })));
        }
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    /// Takes `key` out, giving back its value. A key that is not there copies
    /// nothing.
    pub fn remove(&mut self, key: &Term) -> Option<Term> {
        self.get(key)?;
        let root = self.root.as_mut()?;
        let (old, emptied) = remove_from(root, key);
        if emptied {
            self.root = None;
        } else if let Node::Branch(b) = &**root
            && b.children.len() == 1
        {
            // A root with one child is one level too many.
            let only = b.children[0].clone();
            self.root = Some(only);
        }
        if old.is_some() {
            self.len -= 1;
        }
        old
    }

    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_> {
        let mut it = Iter { front: Vec::new(), front_leaf: [].iter(), back: Vec::new(), back_leaf: [].iter(), remaining: self.len };
        if let Some(root) = self.root.as_deref() {
            it.front_leaf = descend(root, &mut it.front, Side::Front);
            it.back_leaf = descend(root, &mut it.back, Side::Back);
        }
        it
    }

    /// The entries in key order, taken out of the nodes this tree alone holds and
    /// copied from the ones it shares.
    pub fn into_entries(self) -> Vec<(Term, Term)> {
        let mut out = Vec::with_capacity(self.len);
        if let Some(root) = self.root {
            take_entries(root, &mut out);
        }
        out
    }
}

/// Puts `key` under `node` (copied first if shared). Returns the replaced value
/// and the split the node made, if it overflowed.
fn insert_into(node: &mut Arc<Node>, key: Term, value: Term) -> (Option<Term>, Split) {
    match Arc::make_mut(node) {
        Node::Leaf(entries) => match locate(entries, &key) {
            Ok(i) => (Some(std::mem::replace(&mut entries[i].1, value)), None),
            Err(i) => {
                entries.insert(i, (key, value));
                if entries.len() <= LEAF_MAX {
                    return (None, None);
                }
                // Filled at the right end (ascending keys): the new entry starts the
                // next leaf and this one stays full. Otherwise halves.
                let at = if i == LEAF_MAX { LEAF_MAX } else { entries.len() / 2 };
                let right = entries.split_off(at);
                (None, Some((right[0].0.clone(), Arc::new(Node::Leaf(right)))))
            }
        },
        Node::Branch(b) => {
            let i = b.child_for(&key);
            let (old, split) = insert_into(&mut b.children[i], key, value);
            let Some((separator, right)) = split else { return (old, None) };
            b.keys.insert(i, separator);
            b.children.insert(i + 1, right);
            if b.children.len() <= BRANCH_MAX {
                return (old, None);
            }
            // As for leaves: a split at the right end moves only the new child.
            let at = if i + 1 == BRANCH_MAX { BRANCH_MAX } else { b.children.len() / 2 };
            let children = b.children.split_off(at);
            let keys = b.keys.split_off(at);
            let separator = b.keys.pop().expect("a branch keeps one separator fewer than children");
            (old, Some((separator, Arc::new(Node::Branch(Branch { keys, children })))))
        }
    }
}

/// Takes `key` (known to be there) out from under `node`, copied first if shared.
/// Returns its value and whether the node is left empty.
fn remove_from(node: &mut Arc<Node>, key: &Term) -> (Option<Term>, bool) {
    match Arc::make_mut(node) {
        Node::Leaf(entries) => match locate(entries, key) {
            Ok(i) => {
                let (_, value) = entries.remove(i);
                (Some(value), entries.is_empty())
            }
            Err(_) => (None, false),
        },
        Node::Branch(b) => {
            let i = b.child_for(key);
            let (old, emptied) = remove_from(&mut b.children[i], key);
            if emptied {
                b.children.remove(i);
                // The separator between the removed child and a neighbour goes too.
                if !b.keys.is_empty() {
                    b.keys.remove(i.saturating_sub(1));
                }
            }
            (old, b.children.is_empty())
        }
    }
}

/// Moves (or copies, where shared) the entries under `node` to `out`, in order.
fn take_entries(node: Arc<Node>, out: &mut Vec<(Term, Term)>) {
    match Arc::try_unwrap(node) {
        Ok(Node::Leaf(entries)) => out.extend(entries),
        Ok(Node::Branch(b)) => b.children.into_iter().for_each(|c| take_entries(c, out)),
        Err(shared) => match &*shared {
            Node::Leaf(entries) => out.extend(entries.iter().cloned()),
            Node::Branch(b) => b.children.iter().for_each(|c| take_entries(c.clone(), out)),
        },
    }
}

/// Which end an iterator walks from.
#[derive(Clone, Copy)]
enum Side {
    Front,
    Back,
}

/// Walks from `node` down its first (or last) children to a leaf, recording each
/// branch and the child taken; returns the leaf's entries.
fn descend<'a>(mut node: &'a Node, path: &mut Vec<(&'a Branch, usize)>, side: Side) -> std::slice::Iter<'a, (Term, Term)> {
    loop {
        match node {
            Node::Branch(b) => {
                let i = match side {
                    Side::Front => 0,
                    Side::Back => b.children.len() - 1,
                };
                path.push((b, i));
                node = &b.children[i];
            }
            Node::Leaf(entries) => return entries.iter(),
        }
    }
}

/// The next leaf from `path`'s end towards `side`, or `None` past the last.
fn step<'a>(path: &mut Vec<(&'a Branch, usize)>, side: Side) -> Option<std::slice::Iter<'a, (Term, Term)>> {
    while let Some((b, i)) = path.pop() {
        let next = match side {
            Side::Front => (i + 1 < b.children.len()).then_some(i + 1),
            Side::Back => i.checked_sub(1),
        };
        if let Some(j) = next {
            path.push((b, j));
            return Some(descend(&b.children[j], path, side));
        }
    }
    None
}

/// The entries of a [`MapTree`] in key order, from either end. Each end walks
/// on its own; `remaining` stops them where they meet.
pub struct Iter<'a> {
    front: Vec<(&'a Branch, usize)>,
    front_leaf: std::slice::Iter<'a, (Term, Term)>,
    back: Vec<(&'a Branch, usize)>,
    back_leaf: std::slice::Iter<'a, (Term, Term)>,
    remaining: usize,
}

/// One entry from one end of an iteration: the next (or last) entry of that
/// end's leaf, moving on to the following leaf when it runs out.
fn take_from<'a>(
    leaf: &mut std::slice::Iter<'a, (Term, Term)>,
    path: &mut Vec<(&'a Branch, usize)>,
    remaining: &mut usize,
    side: Side,
) -> Option<(&'a Term, &'a Term)> {
    if *remaining == 0 {
        return None;
    }
    loop {
        let entry = match side {
            Side::Front => leaf.next(),
            Side::Back => leaf.next_back(),
        };
        if let Some((k, v)) = entry {
            *remaining -= 1;
            return Some((k, v));
        }
        *leaf = step(path, side)?;
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a Term, &'a Term);

    fn next(&mut self) -> Option<Self::Item> {
        take_from(&mut self.front_leaf, &mut self.front, &mut self.remaining, Side::Front)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        take_from(&mut self.back_leaf, &mut self.back, &mut self.remaining, Side::Back)
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::cmp::Ordering;
    use std::collections::BTreeMap;

    fn int(i: i64) -> Term {
        Term::Int(i)
    }

    /// Checks the module invariants and returns the depth (a lone leaf is 1).
    fn check(t: &MapTree) -> usize {
        fn walk(n: &Node, lo: Option<&Term>, hi: Option<&Term>, count: &mut usize) -> usize {
            match n {
                Node::Leaf(e) => {
                    assert!(!e.is_empty() && e.len() <= LEAF_MAX);
                    assert!(e.windows(2).all(|w| w[0].0.cmp(&w[1].0) == Ordering::Less));
                    assert!(e.iter().all(|(k, _)| lo.is_none_or(|lo| k >= lo) && hi.is_none_or(|hi| k < hi)));
                    *count += e.len();
                    1
                }
                Node::Branch(b) => {
                    assert!(!b.children.is_empty() && b.children.len() <= BRANCH_MAX);
                    assert_eq!(b.keys.len() + 1, b.children.len());
                    let depths: Vec<usize> = (0..b.children.len())
                        .map(|i| {
                            let l = if i == 0 { lo } else { Some(&b.keys[i - 1]) };
                            let h = if i == b.keys.len() { hi } else { Some(&b.keys[i]) };
                            walk(&b.children[i], l, h, count)
                        })
                        .collect();
                    assert!(depths.windows(2).all(|w| w[0] == w[1]), "leaves at one depth");
                    1 + depths[0]
                }
            }
        }
        let mut count = 0;
        let depth = t.root.as_deref().map_or(0, |r| walk(r, None, None, &mut count));
        assert_eq!(count, t.len());
        assert_eq!(t.root.is_none(), t.is_empty());
        depth
    }

    #[test]
    fn ascending_inserts_fill_their_leaves_and_stay_shallow() {
        let mut t = MapTree::default();
        for i in 0..100_000 {
            assert_eq!(t.insert(int(i), int(i * 2)), None);
        }
        // 6,250 full leaves under four levels of full branches and a root.
        assert_eq!(check(&t), 6);
        assert_eq!(t.get(&int(99_999)), Some(&int(199_998)));
        assert_eq!(t.get(&int(100_000)), None);
        assert!(t.iter().map(|(k, _)| k.clone()).eq((0..100_000).map(int)));
        assert!(t.iter().rev().map(|(k, _)| k.clone()).eq((0..100_000).rev().map(int)));
    }

    #[test]
    fn a_shared_tree_is_left_whole_by_changes_to_its_copy() {
        let mut a = MapTree::from_sorted((0..1000).map(|i| (int(i), int(i))).collect());
        let b = a.clone();
        a.insert(int(5000), int(1));
        a.insert(int(10), int(-10));
        a.remove(&int(20));
        assert_eq!((a.len(), b.len()), (1000, 1000));
        assert_eq!((b.get(&int(10)), b.get(&int(20)), b.get(&int(5000))), (Some(&int(10)), Some(&int(20)), None));
        assert_eq!((a.get(&int(10)), a.get(&int(20)), a.get(&int(5000))), (Some(&int(-10)), None, Some(&int(1))));
        check(&a);
        check(&b);
    }

    #[test]
    fn removing_every_key_empties_the_tree() {
        let mut t = MapTree::from_sorted((0..5000).map(|i| (int(i), int(i))).collect());
        check(&t);
        for i in (0..5000i32).step_by(2).chain((1..5000i32).step_by(2).rev()).map(i64::from) {
            assert_eq!(t.remove(&int(i)), Some(int(i)), "key {i}");
            assert_eq!(t.remove(&int(i)), None);
        }
        assert!(t.is_empty() && t.root.is_none());
        assert_eq!(t.iter().next(), None);
    }

    #[test]
    fn into_entries_moves_or_copies_in_order() {
        let t = MapTree::from_sorted((0..300).map(|i| (int(i), int(-i))).collect());
        let kept = t.clone();
        let mut u = kept.clone();
        u.insert(int(1), int(7));
        assert_eq!(t.into_entries(), (0..300).map(|i| (int(i), int(-i))).collect::<Vec<_>>());
        assert_eq!(u.into_entries()[1], (int(1), int(7)));
        assert_eq!(kept.get(&int(1)), Some(&int(-1)));
    }

    #[derive(Debug, Clone)]
    enum Op {
        Put(i64, i64),
        Del(i64),
        Snapshot,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0i64..400, any::<i64>()).prop_map(|(k, v)| Op::Put(k, v)),
            2 => (0i64..400).prop_map(Op::Del),
            1 => Just(Op::Snapshot),
        ]
    }

    proptest! {
        /// Any sequence of puts and removes, with snapshots kept along the way,
        /// agrees with a BTreeMap, from both ends, and leaves every snapshot as it was.
        #[test]
        fn agrees_with_an_ordered_map(ops in proptest::collection::vec(op(), 1..600)) {
            let mut t = MapTree::default();
            let mut model = BTreeMap::new();
            let mut snaps: Vec<(MapTree, BTreeMap<i64, i64>)> = Vec::new();
            for op in ops {
                match op {
                    Op::Put(k, v) => prop_assert_eq!(t.insert(int(k), int(v)), model.insert(k, v).map(int)),
                    Op::Del(k) => prop_assert_eq!(t.remove(&int(k)), model.remove(&k).map(int)),
                    Op::Snapshot => snaps.push((t.clone(), model.clone())),
                }
            }
            check(&t);
            let want: Vec<(Term, Term)> = model.iter().map(|(k, v)| (int(*k), int(*v))).collect();
            let got: Vec<(Term, Term)> = t.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            prop_assert_eq!(&got, &want);
            let mut back: Vec<(Term, Term)> = t.iter().rev().map(|(k, v)| (k.clone(), v.clone())).collect();
            back.reverse();
            prop_assert_eq!(&back, &want);
            // Both ends at once meet without skipping or repeating.
            let mut it = t.iter();
            let mut mixed = Vec::new();
            let mut tail = Vec::new();
            loop {
                match (it.next(), it.next_back()) {
                    (Some(a), Some(b)) => { mixed.push(a.0.clone()); tail.push(b.0.clone()); }
                    (Some(a), None) => { mixed.push(a.0.clone()); break; }
                    (None, _) => break,
                }
            }
            tail.reverse();
            mixed.extend(tail);
            prop_assert_eq!(mixed, want.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>());
            for (snap, model) in snaps {
                check(&snap);
                prop_assert!(snap.iter().map(|(k, v)| (k.clone(), v.clone())).eq(model.iter().map(|(k, v)| (int(*k), int(*v)))));
            }
        }
    }
}
