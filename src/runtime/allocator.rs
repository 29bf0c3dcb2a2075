//! [`Mimalloc`]: the allocator under the binary's [`HeapGauge`](super::heap_gauge::HeapGauge),
//! mimalloc asked for a plain block whenever a plain block is aligned enough.
//!
//! Every term is a heap block (a tuple, a list cell, a map node), allocated and
//! freed at the rate a process computes. The `mimalloc` crate's allocator passes
//! every request to `mi_malloc_aligned`, whose checks of the alignment and offset
//! come before the same free-list pop `mi_malloc` does: about 20 instructions of a
//! tuple's ~80. Blocks of 16 bytes or more from `mi_malloc` are 16-aligned
//! (mimalloc's `MI_MAX_ALIGN_SIZE`), smaller ones are aligned to their size class
//! (8), so the plain path serves a layout whose alignment is at most 16 and at most
//! its size — the rule std's own `System` allocator applies to `malloc` on x86-64.
//! Anything else (a page-aligned buffer) goes to the aligned calls.

use libmimalloc_sys::{mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned, mi_zalloc, mi_zalloc_aligned};
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// The largest alignment a plain mimalloc block of at least that size has.
const PLAIN_ALIGN: usize = 16;

/// mimalloc, with the plain calls for ordinary layouts (see the module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct Mimalloc;

/// True when a plain block of `size` bytes is aligned enough for `align`.
#[inline(always)]
fn plain(align: usize, size: usize) -> bool {
    align <= PLAIN_ALIGN && align <= size
}

// SAFETY: every block comes from mimalloc and goes back to it: `mi_malloc`,
// `mi_zalloc` and `mi_realloc` return blocks aligned to 16 when they are 16 bytes
// or larger and to 8 otherwise, which `plain` requires of the layout before using
// them (and `realloc` checks for the new size); the other layouts get the aligned
// calls with the layout's alignment. `mi_free` frees a block from any of them.
// Nothing here allocates through Rust or unwinds.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: plain C calls with a size (and an alignment that is a power of two).
        unsafe {
            if plain(layout.align(), layout.size()) {
                mi_malloc(layout.size()).cast()
            } else {
                mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        unsafe {
            if plain(layout.align(), layout.size()) {
                mi_zalloc(layout.size()).cast()
            } else {
                mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from one of this allocator's mimalloc calls (the
        // `GlobalAlloc` contract), and `mi_free` takes any of them.
        unsafe { mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout`; the plain call is
        // used only when a plain block of the new size is aligned enough.
        unsafe {
            if plain(layout.align(), new_size) {
                mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_block_has_its_layouts_alignment() {
        // Sizes across mimalloc's small size classes, with each alignment that
        // takes the plain path and two that do not.
        for align in [1, 2, 4, 8, 16, 32, 4096] {
            for size in [1, 3, 8, 15, 16, 24, 40, 48, 100, 1024, 5000] {
                let Ok(layout) = Layout::from_size_align(size, align) else { continue };
                // SAFETY: a non-zero size; the block is freed with the same layout.
                #[allow(unsafe_code)]
                unsafe {
                    let p = Mimalloc.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "size {size} align {align}");
                    let p = Mimalloc.realloc(p, layout, size * 3);
                    assert_eq!(p as usize % align, 0, "realloc of size {size} align {align}");
                    Mimalloc.dealloc(p, Layout::from_size_align(size * 3, align).unwrap());
                    let z = Mimalloc.alloc_zeroed(layout);
                    assert!(std::slice::from_raw_parts(z, size).iter().all(|b| *b == 0));
                    Mimalloc.dealloc(z, layout);
                }
            }
        }
    }
}
