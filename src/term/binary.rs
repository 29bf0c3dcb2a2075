//! [`Bin`]: a binary's bytes, either its own or a window on a larger binary's
//! (BEAM's sub-binary).
//!
//! Matching `<<c, rest::binary>>` binds `rest` to all but the first byte. Copying
//! those bytes made the idiomatic walk over a binary (`def walk(<<c, rest::binary>>)`)
//! quadratic: 16 us a byte over 1 MB, where BEAM takes 3 ns. A window shares the
//! bytes instead, as BEAM's sub-binaries do, so each step is constant time.
//!
//! Invariants:
//! - A window's `of` is always an owning `Bin` (windows on windows point at the
//!   root), so reaching the bytes is one indirection however deep the walk.
//! - `start + len <= of.len()`.
//! - Only windows of at least [`WINDOW_MIN`] bytes are made: smaller rests are
//!   copied (BEAM copies binaries under 64 bytes onto the process heap too), so a
//!   small binary never keeps a large one alive.

use std::ops::Deref;
use std::sync::Arc;

/// The smallest rest a match shares instead of copying (BEAM's heap-binary limit).
pub const WINDOW_MIN: usize = 64;

/// A binary's bytes (see the module docs). Equal when the bytes are.
#[derive(Clone)]
pub struct Bin(Repr);

#[derive(Clone)]
enum Repr {
    /// Bytes of its own.
    Own(Vec<u8>),
    /// `len` bytes of `of` from `start` (`of` is an `Own`).
    Window { of: Arc<Bin>, start: usize, len: usize },
}

impl Bin {
    /// The bytes of the binary.
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        match &self.0 {
            Repr::Own(v) => v,
            Repr::Window { of, start, len } => &of.as_slice()[*start..*start + *len],
        }
    }

    /// The bytes, when this binary owns them (an append may grow them in place).
    #[inline]
    pub fn own_mut(&mut self) -> Option<&mut Vec<u8>> {
        match &mut self.0 {
            Repr::Own(v) => Some(v),
            Repr::Window { .. } => None,
        }
    }

    /// True when the bytes are a window on another binary's.
    pub fn is_window(&self) -> bool {
        matches!(self.0, Repr::Window { .. })
    }

    /// `len` bytes of `bin` from `start` as a binary of their own: a window on
    /// `bin`'s bytes when there are at least [`WINDOW_MIN`], else a copy.
    ///
    /// # Panics
    /// When `start + len` is past `bin`'s end (callers have checked the range).
    pub fn part(bin: &Arc<Bin>, start: usize, len: usize) -> Arc<Bin> {
        assert!(start + len <= bin.len(), "a binary part within the binary");
        if len == bin.len() {
            return bin.clone();
        }
        if len < WINDOW_MIN {
            return Arc::new(Bin::from(bin.as_slice()[start..start + len].to_vec()));
        }
        match &bin.0 {
            Repr::Own(_) => Arc::new(Bin(Repr::Window { of: bin.clone(), start, len })),
            Repr::Window { of, start: s, .. } => Arc::new(Bin(Repr::Window { of: of.clone(), start: s + start, len })),
        }
    }
}

impl From<Vec<u8>> for Bin {
    fn from(v: Vec<u8>) -> Bin {
        Bin(Repr::Own(v))
    }
}

impl PartialEq for Bin {
    fn eq(&self, other: &Bin) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Bin {}

impl Deref for Bin {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl AsRef<[u8]> for Bin {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl std::fmt::Debug for Bin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_slice().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bin(n: usize) -> Arc<Bin> {
        Arc::new(Bin::from((0..n).map(|i| i as u8).collect::<Vec<u8>>()))
    }

    #[test]
    fn a_large_part_is_a_window_on_the_root_and_a_small_one_a_copy() {
        let whole = bin(1000);
        let rest = Bin::part(&whole, 1, 999);
        assert!(rest.is_window());
        assert_eq!(rest.as_slice(), &whole[1..]);
        // A window on a window points at the root, with the offsets added.
        let rest2 = Bin::part(&rest, 10, 900);
        assert_eq!(rest2.as_slice(), &whole[11..911]);
        match &rest2.0 {
            Repr::Window { of, start, .. } => {
                assert!(Arc::ptr_eq(of, &whole));
                assert_eq!(*start, 11);
            }
            Repr::Own(_) => panic!("a window"),
        }
        let small = Bin::part(&rest2, 0, WINDOW_MIN - 1);
        assert!(!small.is_window());
        assert_eq!(small.as_slice(), &whole[11..11 + WINDOW_MIN - 1]);
        // The whole of a binary is that binary.
        assert!(Arc::ptr_eq(&Bin::part(&whole, 0, 1000), &whole));
    }

    #[test]
    fn windows_compare_by_their_bytes() {
        let whole = bin(300);
        let copy = Arc::new(Bin::from(whole[100..].to_vec()));
        assert_eq!(Bin::part(&whole, 100, 200).as_slice(), copy.as_slice());
        let mut own = Bin::from(vec![1, 2]);
        own.own_mut().expect("owned").push(3);
        assert_eq!(own.as_slice(), &[1, 2, 3]);
        let mut window = (*Bin::part(&whole, 1, 299)).clone();
        assert!(window.own_mut().is_none(), "a window's bytes are not its own to grow");
    }
}
