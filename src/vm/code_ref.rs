//! [`CodeRef`]: how the machine holds the code of a running or suspended function
//! without touching a reference count on every call.
//!
//! A call and its return used to clone and drop an `Arc<FunCode>`: two atomic
//! read-modify-writes that were the single largest cost of a function call. Two
//! kinds of call do not need them, because something else provably outlives the
//! frame:
//! - a named function's code is reached through an
//!   [`ExportCell`](super::modules::ExportCell), which keeps every definition it ever
//!   held alive for as long as the cell lives, and cells live as long as the
//!   [`Modules`](super::modules::Modules) table that the machine itself holds;
//! - a closure called by `fun.(args)` (not in tail position) is held by the
//!   caller's register `fun`: a suspended caller's registers are not written until
//!   the call returns, and the call's result register is never `fun` (the compiler
//!   gives every result a fresh register).
//!
//! The `unsafe` here is the dereference in [`CodeRef::get`] and the `Send`/`Sync`
//! impls; each states its argument. What callers must keep is asserted in debug
//! builds where they keep it: `Modules::holds_cell` at every `named` call site
//! (the call ops), and "the result register is never `fun`" in `enter_closure`.

use super::code::FunCode;
use std::ptr::NonNull;
use std::sync::Arc;

/// A handle on a function's code: a pointer to the `FunCode`, whose low bit says
/// whether the handle owns one strong count of the `Arc` the code lives in.
///
/// One word, so a suspended frame is four words and the dispatch reads the code
/// with a mask instead of a match on an enum (a call and its return each read
/// it). `FunCode` is aligned to at least 8 bytes, so the low bit of its address is
/// free.
pub(crate) struct CodeRef {
    tagged: NonNull<FunCode>,
}

/// The low bit of [`CodeRef::tagged`]: set when the handle owns a strong count.
const OWNED: usize = 1;

const _: () = assert!(std::mem::align_of::<FunCode>() > OWNED, "the low bit of a FunCode's address is free");

// `FunCode` is shared between threads through `Arc`s already; the impls below
// rely on it staying `Send + Sync` (this fails to compile otherwise).
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<FunCode>();
};

// SAFETY: a `CodeRef` is an `Arc<FunCode>` or, borrowed, the same thing without
// the reference count: a shared reference to an immutable `FunCode`, which is
// `Send + Sync` (asserted above). Moving one to another thread (a process resumed
// on another worker) moves only the pointer; the pointee's lifetime does not
// depend on the thread (it is kept by the module table, by a register of the same
// machine, which moves along with the handle, or by the handle's own count).
#[allow(unsafe_code)]
unsafe impl Send for CodeRef {}
// SAFETY: as for `Send`: `&CodeRef` only ever gives out `&FunCode`, and
// `FunCode: Sync`.
#[allow(unsafe_code)]
unsafe impl Sync for CodeRef {}

impl CodeRef {
    /// Borrows code owned by an export cell. The caller guarantees the cell belongs
    /// to the module table of the machine that will hold this handle (the call ops
    /// `debug_assert!` it with `Modules::holds_cell`): the table never drops a
    /// cell, and a cell never drops a definition it held.
    #[inline]
    pub(crate) fn named(code: &Arc<FunCode>) -> CodeRef {
        CodeRef { tagged: NonNull::from(&**code) }
    }

    /// Borrows the code of a closure that the calling function's register holds for
    /// the whole call (a non-tail `fun.(args)`; see the module docs). The caller
    /// guarantees the call's result register is not that register (`enter_closure`
    /// `debug_assert!`s it): the return writes the result before the caller's code
    /// runs again, and nothing else writes a suspended caller's window.
    #[inline]
    pub(crate) fn held_by_caller(code: &FunCode) -> CodeRef {
        CodeRef { tagged: NonNull::from(code) }
    }

    /// Code kept alive by this handle (closures, scripts, dynamically resolved calls).
    #[inline]
    pub(crate) fn owned(code: Arc<FunCode>) -> CodeRef {
        let raw = NonNull::new(Arc::into_raw(code).cast_mut()).expect("Arc::into_raw is never null");
        CodeRef { tagged: raw.map_addr(|a| a | OWNED) }
    }

    /// True when the handle owns a strong count (dropping it releases one).
    #[inline(always)]
    pub(crate) fn is_owned(&self) -> bool {
        self.tagged.addr().get() & OWNED != 0
    }

    /// The code's address, without the ownership bit.
    #[inline(always)]
    fn untagged(&self) -> *mut FunCode {
        self.tagged.as_ptr().map_addr(|a| a & !OWNED)
    }

    /// Another handle on the same code (a copy for borrowed code, a new strong
    /// count for owned code).
    #[inline]
    #[allow(unsafe_code)]
    pub(crate) fn duplicate(&self) -> CodeRef {
        if self.is_owned() {
            // SAFETY: an owned handle holds a strong count of the `Arc` whose data
            // `untagged` points at (made by `Arc::into_raw` in `owned`), so the
            // allocation is live; the new count is released by the copy's drop.
            unsafe { Arc::increment_strong_count(self.untagged()) };
        }
        CodeRef { tagged: self.tagged }
    }

    /// The code.
    #[inline(always)]
    #[allow(unsafe_code)]
    pub(crate) fn get(&self) -> &FunCode {
        // SAFETY: the pointer came from a live `&FunCode` (`named`, `held_by_caller`)
        // or from `Arc::into_raw` (`owned`), and the pointee is kept alive for as long
        // as this handle exists: by an export cell of the machine's module table
        // (cells and their versions are never dropped while the table lives, and
        // the machine holds the table), by the closure in the register of the caller
        // suspended below this frame (not overwritten until this frame is gone), or
        // by the strong count this handle owns. `FunCode` is never mutated after it
        // is built, so a shared reference is valid.
        unsafe { &*self.untagged() }
    }
}

impl Drop for CodeRef {
    #[inline]
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        if self.is_owned() {
            // SAFETY: an owned handle was made by `owned` from `Arc::into_raw` (or by
            // `duplicate`, which added the count), and releases its count once, here.
            unsafe { drop(Arc::from_raw(self.untagged().cast_const())) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vm::code::{FunParts, Instr};

    fn code() -> Arc<FunCode> {
        let name = crate::term::Atom::new("f");
        Arc::new(FunCode::new(FunParts {
            module: name,
            name,
            arity: 0,
            ncaptured: 0,
            nregs: 1,
            code: vec![Instr::Return { src: 0 }],
            moved: Vec::new(),
            lines: vec![1],
            lambdas: Vec::new(),
            context: String::new(),
            deferred: Vec::new(),
            index: 0,
        }))
    }

    #[test]
    fn an_owned_handle_holds_one_count_and_its_duplicates_one_each() {
        let arc = code();
        let owned = CodeRef::owned(arc.clone());
        assert!(owned.is_owned());
        assert!(std::ptr::eq(owned.get(), &*arc), "the handle reads the code it was made from");
        assert_eq!(Arc::strong_count(&arc), 2);
        let copy = owned.duplicate();
        assert_eq!(Arc::strong_count(&arc), 3);
        assert!(std::ptr::eq(copy.get(), &*arc));
        drop(owned);
        drop(copy);
        assert_eq!(Arc::strong_count(&arc), 1);
    }

    #[test]
    fn a_borrowed_handle_touches_no_count() {
        let arc = code();
        let named = CodeRef::named(&arc);
        let copy = named.duplicate();
        assert!(!named.is_owned() && !copy.is_owned());
        assert!(std::ptr::eq(copy.get(), &*arc));
        assert_eq!(Arc::strong_count(&arc), 1);
        drop((named, copy));
        assert_eq!(Arc::strong_count(&arc), 1);
    }
}
