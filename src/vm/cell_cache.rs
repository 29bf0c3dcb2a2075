//! [`CellCache`]: the export cells a process called dynamically of late, so that
//! its next `module.fun(args)` or `&Mod.fun/arity` call finds the cell without
//! the module table.
//!
//! The table ([`Modules`]) is shared by every process: finding a cell there
//! takes its read lock, hashes the key and clones the cell's `Arc`, and the lock
//! word and the reference count are written by both scheduler threads at once (a
//! GenServer's every callback is such a call: `module.handle_call(...)`). A cell is
//! never removed from the table and always stands for the same
//! `module.name/arity` (a redefinition changes what it holds, not which cell it
//! is), so a process may keep one as long as it likes and still call the
//! current definition through it.
//!
//! What it is for, measured (`T.loop(n, g)` calling `g.(n)` 1M times; BEAM 9 ns
//! for each kind): a `&T.id/1` value went through a lookup that took the cell's
//! mutex to hand out its definition (removed), and cost 120 ns a call where a
//! closure costs 22; entered in place as a named call it costs 26 ns from this
//! cache, 45 from the table. A native's capture (`&is_integer/1`) 87 -> 24 ns. For
//! `module.fun(args)` (`CallDynamic`) the cache kept the instruction count of a
//! GenServer message level (5,329 -> 5,345 on the virtual clock): its gain there
//! is the shared lock word and reference count no longer on the path.
//!
//! Invariants:
//! - Every cell here is the table's cell for its `module.name/arity` (so code
//!   borrowed from it lives as long as the table, as for named calls).
//! - A cell sits in the slot its key hashes to; a miss replaces what was there.
//! - No slots until the first dynamic call: a process that makes none (most
//!   spawned workers) pays one word.

use super::modules::{ExportCell, Modules};
use crate::term::Atom;
use std::sync::Arc;

/// How many cells a process keeps (a power of two: the slot is the key's low bits).
const SLOTS: usize = 8;

/// A process's recently used export cells (see the module docs).
#[derive(Default)]
pub(crate) struct CellCache {
    slots: Option<Box<[Option<Arc<ExportCell>>; SLOTS]>>,
}

impl CellCache {
    /// The slot `module.name/arity` goes to: interned atoms are distinct addresses.
    #[inline(always)]
    fn slot(module: Atom, name: Atom, arity: u32) -> usize {
        let m = module.as_str().as_ptr() as usize;
        let n = name.as_str().as_ptr() as usize;
        ((m >> 3) ^ (n >> 4) ^ arity as usize) & (SLOTS - 1)
    }

    /// The cell for `module.name/arity`, taken out of its slot on a hit or from
    /// `modules` (created there on first use) on a miss. Hand it back with
    /// [`CellCache::keep`] once the call is made: taking it out instead of
    /// lending it leaves the machine free to run the call meanwhile.
    #[inline(always)]
    pub(crate) fn take(&mut self, modules: &Modules, module: Atom, name: Atom, arity: u32) -> Arc<ExportCell> {
        self.hit(module, name, arity).unwrap_or_else(|| modules.cell(module, name, arity))
    }

    /// [`CellCache::take`] for a function value: on a miss, only a cell
    /// [`Modules::defined_cell`] gives (a defined function or a native), so
    /// calling captures of made-up names adds no cell to the table.
    #[inline(always)]
    pub(crate) fn take_defined(&mut self, modules: &Modules, module: Atom, name: Atom, arity: u32) -> Option<Arc<ExportCell>> {
        self.hit(module, name, arity).or_else(|| modules.defined_cell(module, name, arity))
    }

    /// The cell for `module.name/arity` taken out of its slot, if it is there.
    #[inline(always)]
    fn hit(&mut self, module: Atom, name: Atom, arity: u32) -> Option<Arc<ExportCell>> {
        let slot = &mut self.slots.as_mut()?[Self::slot(module, name, arity)];
        if slot.as_ref().is_some_and(|c| c.module == module && c.name == name && c.arity == arity) { slot.take() } else { None }
    }

    /// Puts `cell` (from [`CellCache::take`]) in its slot, replacing what is there.
    #[inline(always)]
    pub(crate) fn keep(&mut self, cell: Arc<ExportCell>) {
        let i = Self::slot(cell.module, cell.name, cell.arity);
        self.slots.get_or_insert_with(Default::default)[i] = Some(cell);
    }

    /// Heap bytes held (process memory accounting): the slots once allocated.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.as_ref().map_or(0, |_| crate::runtime::info::heap_chunk(std::mem::size_of::<[Option<Arc<ExportCell>>; SLOTS]>()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_cell_is_taken_again_without_the_table_and_is_the_tables_cell() {
        let modules = Modules::new(crate::vm::NativeRegistry::new());
        let (m, f) = (Atom::new("Elixir.CacheProbe"), Atom::new("run"));
        let mut cache = CellCache::default();
        assert_eq!(cache.heap_bytes(), 0, "no slots before the first dynamic call");
        let first = cache.take(&modules, m, f, 1);
        assert!(modules.holds_cell(&first));
        cache.keep(first.clone());
        assert!(cache.heap_bytes() > 0);
        let again = cache.take(&modules, m, f, 1);
        assert!(Arc::ptr_eq(&first, &again), "the same cell");
        // Taken out: the slot is empty until the cell is kept again, and a miss
        // still finds the table's cell.
        let from_table = cache.take(&modules, m, f, 1);
        assert!(Arc::ptr_eq(&first, &from_table));
    }

    #[test]
    fn a_function_value_of_a_made_up_name_gets_no_cell() {
        let modules = Modules::new(crate::vm::NativeRegistry::new());
        let (m, f) = (Atom::new("Elixir.CacheProbe"), Atom::new("made_up_for_the_cache_test"));
        let mut cache = CellCache::default();
        assert!(cache.take_defined(&modules, m, f, 1).is_none());
        assert!(modules.defined_cell(m, f, 1).is_none(), "the table is unchanged");
        // A dynamic call's cell is created as before (the table's `cell`).
        let c = cache.take(&modules, m, f, 1);
        cache.keep(c);
        assert!(cache.take_defined(&modules, m, f, 1).is_some(), "kept cells are hits");
    }

    #[test]
    fn keys_that_differ_only_in_arity_or_name_get_their_own_cells() {
        let modules = Modules::new(crate::vm::NativeRegistry::new());
        let m = Atom::new("Elixir.CacheProbe");
        let mut cache = CellCache::default();
        let keys = [(Atom::new("a"), 0), (Atom::new("a"), 1), (Atom::new("b"), 1), (Atom::new("c"), 2)];
        for (name, arity) in keys {
            let c = cache.take(&modules, m, name, arity);
            cache.keep(c);
        }
        for (name, arity) in keys {
            let c = cache.take(&modules, m, name, arity);
            assert_eq!((c.module, c.name, c.arity), (m, name, arity));
            cache.keep(c);
        }
    }
}
