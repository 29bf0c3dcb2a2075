//! The session's cap on what one native call may build at once.
//!
//! A native such as `String.duplicate/2` or `List.duplicate/2` builds its whole
//! result in one step, before the runtime's memory accounting (which samples the
//! session between slices) can see it: `String.duplicate("x", 4_000_000_000)`
//! would take 4 GB first. These calls ask here before allocating; past the
//! session's cap (the grader sets it to half its memory limit, unlimited
//! otherwise) they raise `SystemLimitError`, which the grader reports as the
//! memory limit. Without a session limit (`otplab run`, the REPL) nothing here
//! refuses: as in Elixir, only the machine's memory bounds a build. (Tuples keep
//! BEAM's own 16,777,215-element limit, checked by their natives.)

use crate::term::Term;
use crate::vm::{Control, NativeCtx, Raise};

/// Bytes one list cell takes: two terms and the shared pointer's counts.
pub const LIST_CELL_BYTES: u64 = 2 * std::mem::size_of::<Term>() as u64 + 16;

/// `Ok` when a binary of `bytes` bytes fits under the session's cap.
pub fn binary_fits(cx: &NativeCtx<'_>, bytes: u64) -> Result<(), Control> {
    fits(cx, bytes, || format!("a binary of {bytes} bytes is over the session's memory limit"))
}

/// `Ok` when a list of `length` cells fits under the session's cap.
pub fn list_fits(cx: &NativeCtx<'_>, length: u64) -> Result<(), Control> {
    fits(cx, length.saturating_mul(LIST_CELL_BYTES), || {
        format!("a list of {length} elements is over the session's memory limit")
    })
}

/// `Ok` when a tuple of `size` elements fits under the session's cap.
pub fn tuple_fits(cx: &NativeCtx<'_>, size: u64) -> Result<(), Control> {
    let bytes = size.saturating_mul(std::mem::size_of::<Term>() as u64);
    fits(cx, bytes, || format!("a tuple of {size} elements is over the session's memory limit"))
}

fn fits(cx: &NativeCtx<'_>, bytes: u64, what: impl FnOnce() -> String) -> Result<(), Control> {
    if bytes > cx.process.runtime().max_binary_bytes() {
        return Err(Control::Raise(Raise::exception("SystemLimitError", what())));
    }
    Ok(())
}
