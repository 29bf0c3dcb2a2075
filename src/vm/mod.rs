//! Layer 4b — the virtual machine: explicit frames, proper tail calls, reductions,
//! suspension at `receive` and sleeps.
//!
//! - [`raise`]: [`Raise`], a learner's exception in flight.
//! - [`native`]: the contract for Rust-implemented functions.

pub mod native;
pub mod raise;

pub use native::{Control, NativeCtx, NativeFn, NativeRegistry, NativeResult};
pub use raise::{Class, Raise};
pub mod arith;
pub mod code;
pub mod machine;
pub mod modules;
pub mod process;
pub mod builtins;
pub mod spawn;
