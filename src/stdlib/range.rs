//! Reading `%Range{first:, last:, step:}` arguments (`String.slice/2`, `List`
//! functions that accept ranges) and resolving them against a length.

use crate::term::{ATOMS, Term};

/// A decoded range `first..last//step`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// The first element.
    pub first: i64,
    /// The last element (inclusive).
    pub last: i64,
    /// The step (never zero).
    pub step: i64,
}

impl Range {
    /// Decodes a `%Range{}` struct of small integers.
    pub fn from_term(t: &Term) -> Option<Range> {
        if t.struct_name()? != ATOMS.range {
            return None;
        }
        let int = |k: &str| match t.map_get_atom(k) {
            Some(Term::Int(i)) => Some(*i),
            _ => None,
        };
        let (first, last) = (int("first")?, int("last")?);
        // Ranges built before `//` existed have no step: infer it as Elixir does.
        let step = int("step").unwrap_or(if first <= last { 1 } else { -1 });
        (step != 0).then_some(Range { first, last, step })
    }

    /// The positions of a `len`-element sequence that slicing by this range selects,
    /// with negative bounds counted from the end (Elixir 1.14 `slice` rules: a
    /// decreasing range with step -1 selects nothing; the start clamps at 0).
    pub fn pick_indices(&self, len: usize) -> Vec<usize> {
        let n = len as i64;
        let step = if self.step == -1 && self.first > self.last {
            1
        } else {
            self.step
        };
        if step < 0 {
            return Vec::new();
        }
        let first = if self.first < 0 {
            (self.first + n).max(0)
        } else {
            self.first
        };
        let last = if self.last < 0 {
            self.last + n
        } else {
            self.last
        };
        if first > last || first >= n {
            return Vec::new();
        }
        let last = last.min(n - 1);
        (first..=last)
            .step_by(step as usize)
            .map(|i| i as usize)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(first: i64, last: i64, step: i64) -> Range {
        Range { first, last, step }
    }

    #[test]
    fn slices_like_string_slice() {
        // String.slice("elixir", 1..-1) => "lixir"; -3..-1 => "xir"; 10..12 => "";
        // -10..2 => "eli"; 2..1 => ""; 0..10//2 => "eii"
        assert_eq!(r(1, -1, 1).pick_indices(6), vec![1, 2, 3, 4, 5]);
        assert_eq!(r(-3, -1, 1).pick_indices(6), vec![3, 4, 5]);
        assert!(r(10, 12, 1).pick_indices(6).is_empty());
        assert_eq!(r(-10, 2, 1).pick_indices(6), vec![0, 1, 2]);
        assert!(r(2, 1, -1).pick_indices(6).is_empty());
        assert_eq!(r(0, 10, 2).pick_indices(6), vec![0, 2, 4]);
    }
}
