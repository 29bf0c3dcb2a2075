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

/// A handle on a function's code.
pub(crate) enum CodeRef {
    /// Code kept alive by something that outlives the frame (see the module docs):
    /// an export cell of the machine's module table, or the caller's closure.
    Borrowed(NonNull<FunCode>),
    /// Code kept alive by this handle (closures, scripts, dynamically resolved calls).
    Owned(Arc<FunCode>),
}

// `FunCode` is shared between threads through `Arc`s already; the impls below
// rely on it staying `Send + Sync` (this fails to compile otherwise).
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<FunCode>();
};

// SAFETY: a `CodeRef` is an `Arc<FunCode>` or, for `Borrowed`, the same thing
// without the reference count: a shared reference to an immutable `FunCode`,
// which is `Send + Sync` (asserted above). Moving one to another thread (a process
// resumed on another worker) moves only the pointer; the pointee's lifetime does
// not depend on the thread (it is kept by the module table or by a register of
// the same machine, which moves along with the handle).
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
        CodeRef::Borrowed(NonNull::from(&**code))
    }

    /// Borrows the code of a closure that the calling function's register holds for
    /// the whole call (a non-tail `fun.(args)`; see the module docs). The caller
    /// guarantees the call's result register is not that register (`enter_closure`
    /// `debug_assert!`s it): the return writes the result before the caller's code
    /// runs again, and nothing else writes a suspended caller's window.
    #[inline]
    pub(crate) fn held_by_caller(code: &FunCode) -> CodeRef {
        CodeRef::Borrowed(NonNull::from(code))
    }

    /// Another handle on the same code (a copy for named code, a new reference
    /// otherwise).
    #[inline]
    pub(crate) fn duplicate(&self) -> CodeRef {
        match self {
            CodeRef::Borrowed(p) => CodeRef::Borrowed(*p),
            CodeRef::Owned(a) => CodeRef::Owned(a.clone()),
        }
    }

    /// The code.
    #[inline]
    #[allow(unsafe_code)]
    pub(crate) fn get(&self) -> &FunCode {
        match self {
            // SAFETY: `p` came from a live `&FunCode` (`named`, `held_by_caller`), and
            // the pointee is kept alive for as long as this handle exists: by an
            // export cell of the machine's module table (cells and their versions are
            // never dropped while the table lives, and the machine holds the table),
            // or by the closure in the register of the caller suspended below this
            // frame (not overwritten until this frame is gone). `FunCode` is never
            // mutated after it is built, so a shared reference is valid.
            CodeRef::Borrowed(p) => unsafe { p.as_ref() },
            CodeRef::Owned(a) => a,
        }
    }
}
