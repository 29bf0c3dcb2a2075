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

// SAFETY: a `CodeRef` is a shared reference to an immutable `FunCode` (which is
// Send + Sync); `Borrowed` merely elides the reference count.
#[allow(unsafe_code)]
unsafe impl Send for CodeRef {}
#[allow(unsafe_code)]
unsafe impl Sync for CodeRef {}

impl CodeRef {
    /// Borrows code owned by an export cell. The caller guarantees the cell belongs
    /// to the module table of the machine that will hold this handle.
    #[inline]
    pub(crate) fn named(code: &Arc<FunCode>) -> CodeRef {
        CodeRef::Borrowed(NonNull::from(&**code))
    }

    /// Borrows the code of a closure that the calling function's register holds for
    /// the whole call (a non-tail `fun.(args)`; see the module docs).
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
            // SAFETY: see `named`, `held_by_caller` and the module docs: the pointee
            // is kept alive by an export cell of the machine's module table, or by
            // the closure in a caller's register, for as long as this handle exists.
            CodeRef::Borrowed(p) => unsafe { p.as_ref() },
            CodeRef::Owned(a) => a,
        }
    }
}
