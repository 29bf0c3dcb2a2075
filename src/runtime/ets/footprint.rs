//! [`Footprint`]: what a row costs a table, for `info(t, :memory)` and the session's
//! memory limit.
//!
//! Words follow BEAM's flat term layout (see [`super::info`]); binaries over 64
//! bytes live outside the row in BEAM (a 6-word handle), so their bytes are kept
//! apart, to be counted against the memory limit without changing what `:memory`
//! reports. The walk keeps its own stack: a row may be nested deeper than the
//! native stack could recurse (a million-deep tuple must not overflow it).

use crate::term::{FunKind, Term};
use smallvec::SmallVec;

/// Binaries up to this size are stored inside the row.
const HEAP_BINARY_MAX: usize = 64;

/// The estimated size of one stored term.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Footprint {
    /// The term's flat size in machine words, as BEAM would copy it into a table.
    pub words: usize,
    /// Bytes of the binaries too large to live in the row.
    pub binary_bytes: usize,
}

/// A term that takes no words beyond the slot holding it (as the walk below counts).
#[inline]
fn is_immediate(t: &Term) -> bool {
    match t {
        Term::Int(i) => (-(1i64 << 59)..(1i64 << 59)).contains(i),
        Term::Atom(_) | Term::Nil | Term::Pid(_) => true,
        _ => false,
    }
}

impl Footprint {
    /// The footprint of `term`. The usual row, a tuple of immediates (`{key,
    /// count}`), takes its header and one word a field, counted here in line with
    /// the insert; anything else is walked.
    #[inline]
    pub fn of(term: &Term) -> Footprint {
        if let Term::Tuple(items) = term
            && items.iter().all(is_immediate)
        {
            return Footprint { words: 1 + items.len(), binary_bytes: 0 };
        }
        Footprint::walk(term)
    }

    /// The footprint of `term`, walked without recursion.
    #[inline(never)]
    fn walk(term: &Term) -> Footprint {
        let mut total = Footprint::default();
        // Inline room for a usual row (a tuple of a few fields): a heap-allocated
        // stack was most of the cost of an insert.
        let mut pending: SmallVec<[&Term; 16]> = SmallVec::new();
        pending.push(term);
        while let Some(t) = pending.pop() {
            match t {
                t if is_immediate(t) => {}
                Term::Int(_) | Term::Float(_) => total.words += 2,
                Term::BigInt(b) => total.words += 1 + (b.bits() as usize).div_ceil(64),
                // (Taken by the first arm; named for the match to be exhaustive.)
                Term::Atom(_) | Term::Nil | Term::Pid(_) => {}
                Term::Ref(_) => total.words += 3,
                Term::Tuple(items) => {
                    total.words += 1 + items.len();
                    pending.extend(items.iter());
                }
                Term::Cons(_) => {
                    let mut iter = t.list_iter();
                    for item in iter.by_ref() {
                        total.words += 2;
                        pending.push(item);
                    }
                    pending.push(iter.rest());
                }
                Term::Binary(b) if b.len() <= HEAP_BINARY_MAX => total.words += 2 + b.len().div_ceil(8),
                Term::Binary(b) => {
                    total.words += 6;
                    total.binary_bytes += b.len();
                }
                Term::Map(m) => {
                    total.words += 4 + 2 * m.len();
                    for (k, v) in m.iter() {
                        pending.push(k);
                        pending.push(v);
                    }
                }
                Term::Fun(f) => match &f.kind {
                    FunKind::Export { .. } => total.words += 2,
                    FunKind::Closure { env, .. } => {
                        total.words += 5 + env.len();
                        pending.extend(env.iter());
                    }
                },
            }
        }
        total
    }

    /// Bytes against the session's memory limit: the words and the large binaries.
    pub fn bytes(self) -> usize {
        self.words.saturating_mul(8).saturating_add(self.binary_bytes)
    }

    /// Adds `other` (a row stored).
    pub fn add(&mut self, other: Footprint) {
        self.words += other.words;
        self.binary_bytes += other.binary_bytes;
    }

    /// Takes `other` away (a row removed or replaced); never below zero.
    pub fn sub(&mut self, other: Footprint) {
        self.words = self.words.saturating_sub(other.words);
        self.binary_bytes = self.binary_bytes.saturating_sub(other.binary_bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_of_small_integers_is_three_words() {
        assert_eq!(Footprint::of(&Term::pair(Term::Int(1), Term::Int(2))), Footprint { words: 3, binary_bytes: 0 });
    }

    #[test]
    fn a_flat_row_counts_as_the_walk_does() {
        let big = Term::Int(1 << 60);
        let flat = Term::tuple(vec![Term::Int(7), Term::atom("x"), Term::Nil]);
        assert_eq!(Footprint::of(&flat), Footprint { words: 4, binary_bytes: 0 });
        // A field that is not an immediate sends the row through the walk.
        let mixed = Term::tuple(vec![Term::Int(7), big.clone()]);
        assert_eq!(Footprint::of(&mixed).words, 3 + 2);
        assert_eq!(Footprint::of(&big).words, 2);
    }

    #[test]
    fn large_binaries_count_their_bytes_apart() {
        let big = Term::bytes(vec![0; 100_000]);
        assert_eq!(Footprint::of(&big), Footprint { words: 6, binary_bytes: 100_000 });
        assert_eq!(Footprint::of(&Term::string("abc")).words, 3);
    }

    #[test]
    fn a_deeply_nested_term_does_not_overflow_the_stack() {
        let mut t = Term::Nil;
        for _ in 0..1_000_000 {
            t = Term::tuple(vec![t]);
        }
        assert_eq!(Footprint::of(&t).words, 2_000_000);
        // Dropping it is the term layer's business (iterative there too).
    }
}
