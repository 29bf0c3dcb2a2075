//! [`Term`]: one Elixir value. 16 bytes, cheap to clone (every compound is behind an `Arc`).

use super::atom::{ATOMS, Atom};
use super::binary::Bin;
use super::map::TermMap;
use num_bigint::BigInt;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::sync::Arc;

/// An Elixir/Erlang value.
///
/// Invariants:
/// - `Int` holds every integer that fits in i64; `BigInt` only those that do not
///   (use [`Term::from_bigint`] to normalise), so equality of integers is structural.
/// - `Nil` is the empty list `[]` (Elixir's `nil` is the atom `nil`).
/// - Maps iterate in exact term order (see [`super::order`]), which is the order
///   Elixir prints small maps in.
#[derive(Clone)]
pub enum Term {
    /// A small integer.
    Int(i64),
    /// An integer outside i64.
    BigInt(Arc<BigInt>),
    /// A float (never NaN or infinite: arithmetic raises instead).
    Float(f64),
    /// An atom, including `true`, `false` and `nil`.
    Atom(Atom),
    /// The empty list `[]`.
    Nil,
    /// A list cell `[head | tail]` (tail may be any term: improper lists exist).
    Cons(Arc<Cons>),
    /// A tuple.
    Tuple(TupleArc),
    /// A binary (an Elixir string when it is valid UTF-8).
    Binary(Arc<Bin>),
    /// A map (structs are maps with a `__struct__` key).
    Map(Arc<TermMap>),
    /// A process identifier.
    Pid(Pid),
    /// A reference (`make_ref/0`, monitors, ETS table ids).
    Ref(Ref),
    /// A function value.
    Fun(Arc<Fun>),
}

/// A tuple's items: up to three inline, so a pair or triple is one allocation
/// (inside its `Arc`), and `Term` stays two words. Derefs to the `SmallVec`.
/// Dropped through [`release`], so a tuple nested a million deep cannot overflow
/// the stack.
#[derive(Clone, Default)]
pub struct TupleItems(pub smallvec::SmallVec<[Term; 3]>);

impl TupleItems {
    /// The items of `items`.
    pub fn from_vec(items: Vec<Term>) -> TupleItems {
        TupleItems(smallvec::SmallVec::from_vec(items))
    }
}

impl std::ops::Deref for TupleItems {
    type Target = smallvec::SmallVec<[Term; 3]>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for TupleItems {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl FromIterator<Term> for TupleItems {
    fn from_iter<I: IntoIterator<Item = Term>>(iter: I) -> TupleItems {
        TupleItems(iter.into_iter().collect())
    }
}

impl Drop for TupleItems {
    fn drop(&mut self) {
        if self.0.iter().any(Term::is_shared_compound) {
            release(std::mem::take(&mut self.0), |items| Term::Tuple(TupleArc::new(TupleItems(items))));
        }
    }
}

impl Term {
    /// A tuple, list cell, map or closure (something whose drop may go deeper).
    pub(super) fn is_shared_compound(&self) -> bool {
        matches!(self, Term::Tuple(_) | Term::Cons(_) | Term::Map(_) | Term::Fun(_))
    }
}

/// The shared box of a tuple. It has no weak references, so asking whether a tuple
/// is held only here (to update it in place) is one load, not a compare-and-swap.
pub type TupleArc = triomphe::Arc<TupleItems>;

/// A list cell. Dropped iteratively so a million-cell list cannot overflow the stack.
pub struct Cons {
    /// The first element.
    pub head: Term,
    /// The rest of the list.
    pub tail: Term,
}

impl Drop for Cons {
    fn drop(&mut self) {
        // Unlink the tail chain while we are its only owner, so dropping a long
        // list is a loop instead of a recursion; nested heads go through `release`.
        if self.head.is_shared_compound() {
            release(std::mem::replace(&mut self.head, Term::Nil), |t| t);
        }
        let mut next = std::mem::replace(&mut self.tail, Term::Nil);
        loop {
            match next {
                Term::Cons(arc) => match Arc::try_unwrap(arc) {
                    Ok(mut cell) => {
                        if cell.head.is_shared_compound() {
                            release(std::mem::replace(&mut cell.head, Term::Nil), |t| t);
                        }
                        next = std::mem::replace(&mut cell.tail, Term::Nil);
                    }
                    Err(_) => return,
                },
                other => {
                    if other.is_shared_compound() {
                        release(other, |t| t);
                    }
                    return;
                }
            }
        }
    }
}

/// How deep drops may recurse on the Rust stack before the rest is queued.
const DROP_DEPTH: u32 = 256;

thread_local! {
    /// How many drops through [`release`] are running on this thread, nested. A
    /// `Cell` of an integer: no destructor, so reading it is a plain thread-local
    /// load (a `RefCell` beside a `Vec` was a borrow and a lifetime check on every
    /// access, four per dropped tuple).
    static DROP_NESTING: Cell<u32> = const { Cell::new(0) };
    /// How many terms [`DROP_QUEUE`] holds (the outermost drop looks here, not at
    /// the queue, to see whether there is anything to empty).
    static DROP_QUEUED: Cell<usize> = const { Cell::new(0) };
    /// Terms queued by drops that were too deep.
    static DROP_QUEUE: RefCell<Vec<Term>> = const { RefCell::new(Vec::new()) };
}

/// Drops `value` (the inside of a term being dropped) with bounded recursion:
/// below [`DROP_DEPTH`] nested drops it is dropped at once; deeper, it is queued
/// (as `wrap(value)`) and the outermost drop empties the queue in a loop, so a
/// term nested a million deep never overflows the stack. Invariant: the queue is
/// empty whenever no drop is running on the thread, and `DROP_QUEUED` is its length.
pub fn release<T>(value: T, wrap: impl FnOnce(T) -> Term) {
    let depth = DROP_NESTING.get();
    if depth >= DROP_DEPTH {
        let term = wrap(value);
        // (While thread-local storage is torn down the queue may be gone: the
        // term is then dropped plainly, as the closure that owns it is.)
        if DROP_QUEUE.try_with(|q| q.borrow_mut().push(term)).is_ok() {
            DROP_QUEUED.set(DROP_QUEUED.get() + 1);
        }
        return;
    }
    DROP_NESTING.set(depth + 1);
    drop(value);
    if depth == 0 {
        // The outermost drop: empty the queue, one term at a time.
        while DROP_QUEUED.get() > 0 {
            let Some(term) = DROP_QUEUE.try_with(|q| q.borrow_mut().pop()).ok().flatten() else { break };
            DROP_QUEUED.set(DROP_QUEUED.get() - 1);
            drop(term);
        }
    }
    DROP_NESTING.set(depth);
}

/// A process identifier, printed `#PID<0.N.0>`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Pid(pub u64);

/// A unique reference, printed `#Reference<0.A.B.C>`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Ref(pub u64);

/// A function value.
pub struct Fun {
    /// Number of parameters.
    pub arity: u32,
    /// What it runs.
    pub kind: FunKind,
}

/// The two kinds of function value.
pub enum FunKind {
    /// An anonymous function with its captured environment. `code` is the compiled
    /// body, owned by the VM layer (downcast there); `term` never looks inside it.
    Closure {
        /// The module the `fn` was written in (`:erl_eval`-like `nil` module at top level).
        module: Atom,
        /// The enclosing function's name and arity, for `inspect` (`"run/1"`), or
        /// empty at top level.
        context: String,
        /// Index of the `fn` within its module, for `inspect`.
        index: u32,
        /// Compiled code (VM-owned).
        code: Arc<dyn Any + Send + Sync>,
        /// Captured variable values, in the order the code expects them.
        env: Vec<Term>,
    },
    /// A capture of a named function, `&Mod.fun/arity`.
    Export {
        /// The module.
        module: Atom,
        /// The function name.
        name: Atom,
    },
}

impl Term {
    /// The atom `true` or `false`.
    #[inline]
    pub fn bool(b: bool) -> Term {
        Term::Atom(if b { ATOMS.true_ } else { ATOMS.false_ })
    }

    /// The atom `nil`.
    pub fn nil() -> Term {
        Term::Atom(ATOMS.nil)
    }

    /// The atom `:ok`.
    pub fn ok() -> Term {
        Term::Atom(ATOMS.ok)
    }

    /// An atom from its text.
    pub fn atom(name: &str) -> Term {
        Term::Atom(Atom::new(name))
    }

    /// A binary holding `s`'s UTF-8 bytes.
    pub fn string(s: impl Into<String>) -> Term {
        Term::Binary(Arc::new(Bin::from(s.into().into_bytes())))
    }

    /// A binary holding `bytes`.
    pub fn bytes(bytes: Vec<u8>) -> Term {
        Term::Binary(Arc::new(Bin::from(bytes)))
    }

    /// A tuple of `items`.
    pub fn tuple(items: Vec<Term>) -> Term {
        Term::Tuple(TupleArc::new(TupleItems::from_vec(items)))
    }

    /// `{a, b}` (built in place: no list of items to allocate and free first).
    pub fn pair(a: Term, b: Term) -> Term {
        Term::Tuple(TupleArc::new(TupleItems(smallvec::smallvec![a, b])))
    }

    /// `{a, b, c}`, built in place as [`Term::pair`] is.
    pub fn triple(a: Term, b: Term, c: Term) -> Term {
        Term::Tuple(TupleArc::new(TupleItems(smallvec::smallvec![a, b, c])))
    }

    /// `[head | tail]`.
    pub fn cons(head: Term, tail: Term) -> Term {
        Term::Cons(Arc::new(Cons { head, tail }))
    }

    /// A proper list of `items`.
    pub fn list(items: Vec<Term>) -> Term {
        Term::list_with_tail(items, Term::Nil)
    }

    /// A list of `items` ending in `tail`.
    pub fn list_with_tail(items: Vec<Term>, tail: Term) -> Term {
        let mut acc = tail;
        for item in items.into_iter().rev() {
            acc = Term::cons(item, acc);
        }
        acc
    }

    /// A map from key-value pairs (later keys win).
    pub fn map(pairs: impl IntoIterator<Item = (Term, Term)>) -> Term {
        Term::Map(Arc::new(pairs.into_iter().collect()))
    }

    /// An integer from a bignum, normalised to `Int` when it fits.
    pub fn from_bigint(b: BigInt) -> Term {
        use num_traits::ToPrimitive;
        match b.to_i64() {
            Some(i) => Term::Int(i),
            None => Term::BigInt(Arc::new(b)),
        }
    }

    /// True if both are the same boxed term (one allocation, not merely equal).
    #[inline]
    pub fn is_same_box(&self, other: &Term) -> bool {
        match (self, other) {
            (Term::Tuple(a), Term::Tuple(b)) => TupleArc::ptr_eq(a, b),
            (Term::Cons(a), Term::Cons(b)) => Arc::ptr_eq(a, b),
            (Term::Map(a), Term::Map(b)) => Arc::ptr_eq(a, b),
            (Term::Binary(a), Term::Binary(b)) => Arc::ptr_eq(a, b),
            (Term::BigInt(a), Term::BigInt(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// Truthiness: everything but `false` and `nil` is true.
    pub fn is_truthy(&self) -> bool {
        !matches!(self, Term::Atom(a) if *a == ATOMS.false_ || *a == ATOMS.nil)
    }

    /// The atom, if this is one.
    pub fn as_atom(&self) -> Option<Atom> {
        match self {
            Term::Atom(a) => Some(*a),
            _ => None,
        }
    }

    /// True if this is the atom `name`.
    pub fn is_atom_named(&self, name: &str) -> bool {
        matches!(self, Term::Atom(a) if a.as_str() == name)
    }

    /// True for `true` or `false`.
    pub fn is_boolean(&self) -> bool {
        matches!(self, Term::Atom(a) if *a == ATOMS.true_ || *a == ATOMS.false_)
    }

    /// True for `nil`.
    pub fn is_nil(&self) -> bool {
        matches!(self, Term::Atom(a) if *a == ATOMS.nil)
    }

    /// True for an integer of either size.
    pub fn is_integer(&self) -> bool {
        matches!(self, Term::Int(_) | Term::BigInt(_))
    }

    /// True for an integer or float.
    pub fn is_number(&self) -> bool {
        matches!(self, Term::Int(_) | Term::BigInt(_) | Term::Float(_))
    }

    /// True for `[]` or a cons cell.
    pub fn is_list(&self) -> bool {
        matches!(self, Term::Nil | Term::Cons(_))
    }

    /// The bytes of a binary.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Term::Binary(b) => Some(b.as_slice()),
            _ => None,
        }
    }

    /// The text of a binary that is valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        self.as_bytes().and_then(|b| std::str::from_utf8(b).ok())
    }

    /// The elements of a proper list, or `None` for anything else (improper lists too).
    pub fn list_to_vec(&self) -> Option<Vec<Term>> {
        let mut out = Vec::new();
        let mut cur = self;
        loop {
            match cur {
                Term::Nil => return Some(out),
                Term::Cons(c) => {
                    out.push(c.head.clone());
                    cur = &c.tail;
                }
                _ => return None,
            }
        }
    }

    /// The elements of a proper list, borrowed (no allocation or reference count,
    /// unlike [`Term::list_to_vec`]), or `None` for anything else (improper lists
    /// too). The list is walked once first, to check it ends in `[]`.
    pub fn proper_list_iter(&self) -> Option<ListIter<'_>> {
        let mut walk = self.list_iter();
        walk.by_ref().for_each(drop);
        matches!(walk.rest(), Term::Nil).then(|| self.list_iter())
    }

    /// Iterates the elements of a list; stops at the first non-cons tail.
    pub fn list_iter(&self) -> ListIter<'_> {
        ListIter { cur: self }
    }

    /// The struct name of a map with a `__struct__` atom key.
    pub fn struct_name(&self) -> Option<Atom> {
        match self {
            Term::Map(m) => m.get(&Term::Atom(ATOMS.struct_)).and_then(|t| t.as_atom()),
            _ => None,
        }
    }

    /// A map's value for the atom key `key`.
    pub fn map_get_atom(&self, key: &str) -> Option<&Term> {
        match self {
            Term::Map(m) => m.get(&Term::atom(key)),
            _ => None,
        }
    }
}

/// Iterator over list elements (see [`Term::list_iter`]).
pub struct ListIter<'a> {
    cur: &'a Term,
}

impl<'a> ListIter<'a> {
    /// What remains after the elements yielded so far (`[]` at the end of a proper list).
    pub fn rest(&self) -> &'a Term {
        self.cur
    }
}

impl<'a> Iterator for ListIter<'a> {
    type Item = &'a Term;
    fn next(&mut self) -> Option<&'a Term> {
        match self.cur {
            Term::Cons(c) => {
                self.cur = &c.tail;
                Some(&c.head)
            }
            _ => None,
        }
    }
}

impl From<i64> for Term {
    fn from(i: i64) -> Term {
        Term::Int(i)
    }
}

impl From<bool> for Term {
    fn from(b: bool) -> Term {
        Term::bool(b)
    }
}

impl From<Atom> for Term {
    fn from(a: Atom) -> Term {
        Term::Atom(a)
    }
}

impl From<&str> for Term {
    fn from(s: &str) -> Term {
        Term::string(s)
    }
}

impl std::fmt::Debug for Term {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&super::inspect::inspect(self))
    }
}

#[cfg(test)]
mod size_tests {
    use super::Term;

    /// Registers, list cells and map entries are all terms: the interpreter's memory
    /// figures and its copying cost assume two words.
    #[test]
    fn a_term_is_two_words() {
        assert_eq!(std::mem::size_of::<Term>(), 16);
    }
}

#[cfg(test)]
mod deep_tests {
    use super::*;

    /// Runs `f` on a thread with a small stack, as a process's scheduler has.
    fn on_small_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new().stack_size(256 * 1024).spawn(f).expect("thread").join().expect("no overflow");
    }

    #[test]
    fn terms_nested_a_million_deep_drop_and_compare_without_recursion() {
        on_small_stack(|| {
            let nest = |wrap: fn(Term) -> Term| (0..1_000_000).fold(Term::Nil, |acc, _| wrap(acc));
            let tuples = nest(|t| Term::tuple(vec![t]));
            let same = nest(|t| Term::tuple(vec![t]));
            assert!(tuples == same);
            let deeper = Term::tuple(vec![same]);
            assert!(tuples != deeper && tuples > deeper, "[] sorts after any tuple");
            let heads = nest(|t| Term::cons(t, Term::Nil));
            let mut map = TermMap::new();
            let maps = (0..200_000).fold(Term::Nil, |acc, _| {
                map = TermMap::new();
                map.insert(Term::atom("a"), acc);
                Term::Map(Arc::new(std::mem::take(&mut map)))
            });
            drop((tuples, deeper, heads, maps));
        });
    }
}
