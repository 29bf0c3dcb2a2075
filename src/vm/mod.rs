//! Layer 4b — the virtual machine: explicit frames, proper tail calls, reductions,
//! suspension at `receive` and sleeps.
//!
//! - [`code`]: the instruction set and compiled functions ([`code::FunCode`]).
//! - `code_ref`: how frames hold code without a reference count per call.
//! - [`modules`]: the shared table of modules and the export cells calls go through.
//! - `cell_cache`: the cells of a process's recent dynamic calls, kept past the table's lock.
//! - [`machine`]: [`machine::Machine`], the interpreter loop over an explicit frame stack.
//! - `ops`: one small function per instruction, grouped by concept (the loop dispatches to them).
//! - [`arith`]: arithmetic and comparison with Erlang's rules.
//! - [`bits`]: bitstring segments, matched and built.
//! - [`raise`]: [`Raise`], a learner's exception in flight.
//! - [`native`]: the contract for Rust-implemented functions.
//! - [`builtins`]: natives that need the machine's modules (`apply`, `raise`, ...).
//! - [`spawn`]: the spawn family of natives.
//! - [`type_test`]: [`type_test::TypeTest`], `is_atom/1` and its kin, as one instruction.
//! - [`suggest`]: "Did you mean:" for undefined functions (Jaro distance).
//! - [`process`]: a machine as the runtime's process body.

pub mod arith;
pub mod bits;
pub mod builtins;
mod cell_cache;
pub mod code;
pub(crate) mod code_ref;
pub mod machine;
pub mod modules;
pub mod native;
mod ops;
pub mod process;
pub mod raise;
pub mod spawn;
pub mod suggest;
pub mod type_test;

pub use native::{Control, NativeCtx, NativeFn, NativeRegistry, NativeResult, OwningFn};
pub use raise::{Class, Raise};
