//! The instructions of [`super::code::Instr`], one small `op_*` function each,
//! grouped by concept; [`super::machine::Machine`]'s loop only dispatches to them.
//!
//! - [`data`]: building values (tuples, lists, maps, closures, binaries, text) and
//!   the register primitives every op uses (`put`, `take`, `dup`).
//! - [`operator`]: arithmetic, comparison and boolean operators, with the
//!   small-integer fast path.
//! - [`branch`]: jumps and the loop back edge.
//! - [`pattern`]: the tests a compiled pattern is made of.
//! - [`call`]: calls, tail calls and returns, named or through a function value.
//! - [`lend`]: calling a native on arguments lent from their registers.
//! - [`exception`]: raising, `try`, and the stacktraces and errors of a failure.
//! - [`receive`]: selective receive, its suspension and its timeout.
//! - [`module`]: `defmodule` at run time.
//!
//! An op on the register window alone is a free function of the window; an op
//! that needs more of the machine is a method of [`State`] answering with a
//! [`Next`]. Both are `#[inline(always)]` on the paths that loops take (the
//! interpreter's speed is measured in instructions per call, see the bench notes)
//! and out of line where they only raise or hand over to a slower path.

pub(super) mod branch;
pub(super) mod call;
pub(super) mod data;
pub(super) mod exception;
pub(super) mod lend;
pub(super) mod module;
pub(super) mod operator;
pub(super) mod pattern;
pub(super) mod receive;

use super::code::Reg;
use super::code_ref::CodeRef;
use super::machine::State;
use super::raise::Raise;
use crate::runtime::Step;
use crate::term::Term;

/// Where the loop goes on after an op on [`State`].
pub(super) enum Next {
    /// At this instruction of the running function, whose window may have moved
    /// to `st.base` (a direct recursion was entered or returned from).
    At(usize),
    /// Whatever function is running now, from `st.pc` (the op entered or
    /// resumed another function itself).
    Reload,
    /// Call `code`, whose arguments are already in the window at `base`; its
    /// result goes to register `ret` of the running function, which resumes at
    /// `st.pc`.
    Enter(CodeRef, usize, Reg),
    /// A tail call: `code` replaces the running function, its arguments in
    /// `st.scratch`.
    Replace(CodeRef),
    /// The running function returns this value (`st.pc` saved).
    Return(Term),
    /// The slice ends (`st.pc` is where to resume).
    Stop(Step),
    /// An exception (`st.pc` is where it was raised, see the machine's invariants).
    Raise(Raise),
}

/// Register `r` of `w`, read without a bounds check. Only for the small-integer
/// paths of the instructions [`Instr::fast_registers`](super::code::Instr::fast_registers)
/// lists, on the window of the function running them and on their own operands:
/// `FunCode::new` (the only constructor of a `FunCode`) makes its `nregs` exceed
/// every such operand, and the dispatch's window is `nregs` registers long. (These
/// paths run on every pass of an arithmetic loop: the checks were a tenth of its
/// instructions.)
#[inline(always)]
#[allow(unsafe_code)]
pub(in crate::vm) fn fast_reg(w: &[Term], r: Reg) -> &Term {
    debug_assert!((r as usize) < w.len(), "register {r} past a window of {}", w.len());
    // SAFETY: `r < w.len()`, see above.
    unsafe { w.get_unchecked(r as usize) }
}

/// [`fast_reg`], to write.
#[inline(always)]
#[allow(unsafe_code)]
pub(in crate::vm) fn fast_reg_mut(w: &mut [Term], r: Reg) -> &mut Term {
    debug_assert!((r as usize) < w.len(), "register {r} past a window of {}", w.len());
    // SAFETY: `r < w.len()`, see [`fast_reg`].
    unsafe { w.get_unchecked_mut(r as usize) }
}

/// Takes one reduction for a call or a loop's back edge: `false` when the budget
/// is spent, and the process must yield before the instruction (which then runs
/// again when it resumes). The only place reductions are counted.
#[inline(always)]
pub(super) fn take_reduction(reds: &mut i64) -> bool {
    if *reds <= 0 {
        return false;
    }
    *reds -= 1;
    true
}

impl State {
    /// The stop of an instruction at `pc` that found the budget spent.
    #[inline]
    pub(super) fn yield_at(&mut self, pc: usize) -> Next {
        self.pc = pc;
        Next::Stop(Step::Yielded)
    }

    /// The failure of the instruction at `pc`. The saved `pc` is the one after it,
    /// as a call's is (a stacktrace entry names the line of the instruction before
    /// its `pc`: see `exception::trace_entry`).
    #[cold]
    pub(super) fn fail_at(&mut self, pc: usize, raise: Raise) -> Next {
        self.pc = pc + 1;
        Next::Raise(raise)
    }
}
