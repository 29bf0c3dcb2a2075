//! The contract for functions written in Rust ("natives", BEAM's BIFs).
//!
//! A native never calls back into the VM: a function that needs to run learner code
//! (apply a fun, call a module function) returns [`Control::Call`] and the VM makes the
//! call in the native's place, as a tail call. This keeps every learner call on the
//! VM's explicit frame stack, where it can suspend and be preempted.

use super::raise::Raise;
use crate::runtime::ProcessContext;
use crate::term::{Atom, Term};

/// What a native may ask of the VM instead of returning a value.
#[derive(Debug)]
pub enum Control {
    /// Raise an exception in the calling process.
    Raise(Raise),
    /// Call `fun` (a `Term::Fun`) with `args`; its result becomes the native's result.
    Call {
        /// The function value.
        fun: Term,
        /// Its arguments (count must equal its arity, else BadArityError).
        args: Vec<Term>,
    },
    /// Call `module.name(args...)`; its result becomes the native's result.
    CallMfa {
        /// The module atom (`Elixir.Enum`, `lists`).
        module: Atom,
        /// The function name.
        name: Atom,
        /// The arguments.
        args: Vec<Term>,
    },
    /// Suspend the process until `deadline_ms` on the runtime clock, then return `value`
    /// (how `Process.sleep` works).
    SleepUntil {
        /// Monotonic milliseconds at which to resume.
        deadline_ms: u64,
        /// The native's result once resumed.
        value: Term,
    },
}

impl From<Raise> for Control {
    fn from(r: Raise) -> Control {
        Control::Raise(r)
    }
}

/// A native's outcome.
pub type NativeResult = Result<Term, Control>;

/// What a native can reach: the calling process (pid, runtime, output).
pub struct NativeCtx<'a> {
    /// The calling process.
    pub process: &'a mut ProcessContext,
}

/// A function implemented in Rust. `args.len()` always equals the registered arity.
pub type NativeFn = fn(&mut NativeCtx<'_>, &[Term]) -> NativeResult;
