//! [`CodeRef`]: how the machine holds the code of a running or suspended function
//! without touching a reference count on every call.
//!
//! A call and its return used to clone and drop an `Arc<FunCode>`: two atomic
//! read-modify-writes that were the single largest cost of a function call. Code of
//! a named function does not need them: it is reached through an
//! [`ExportCell`](super::modules::ExportCell), which keeps every definition it ever
//! held alive for as long as the cell lives, and cells live as long as the
//! [`Modules`](super::modules::Modules) table that the machine itself holds.

use super::code::FunCode;
use std::ptr::NonNull;
use std::sync::Arc;

/// A handle on a function's code.
pub(crate) enum CodeRef {
    /// Code of a named function, borrowed from an export cell of the machine's own
    /// module table (see the module docs for why it outlives the machine).
    Named(NonNull<FunCode>),
    /// Code kept alive by this handle (closures, scripts, dynamically resolved calls).
    Owned(Arc<FunCode>),
}

// SAFETY: a `CodeRef` is a shared reference to an immutable `FunCode` (which is
// Send + Sync); `Named` merely elides the reference count.
#[allow(unsafe_code)]
unsafe impl Send for CodeRef {}
#[allow(unsafe_code)]
unsafe impl Sync for CodeRef {}

impl CodeRef {
    /// Borrows code owned by an export cell. The caller guarantees the cell belongs
    /// to the module table of the machine that will hold this handle.
    #[inline]
    pub(crate) fn named(code: &Arc<FunCode>) -> CodeRef {
        CodeRef::Named(NonNull::from(&**code))
    }

    /// The code.
    #[inline]
    #[allow(unsafe_code)]
    pub(crate) fn get(&self) -> &FunCode {
        match self {
            // SAFETY: see `named` and the module docs: the pointee is kept alive by an
            // export cell of a module table that outlives this handle's machine.
            CodeRef::Named(p) => unsafe { p.as_ref() },
            CodeRef::Owned(a) => a,
        }
    }
}
