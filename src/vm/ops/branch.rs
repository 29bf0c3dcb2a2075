//! Jumps: unconditional, on a condition, and the loop back edge (a self tail
//! call compiled as a jump, which takes a reduction in the loop itself).

use crate::term::{ATOMS, Term};
use crate::vm::code::{Label, Reg};

/// `Jump`: go to `to`.
#[inline(always)]
pub(in crate::vm) fn op_jump(to: Label) -> usize {
    to as usize
}

/// `Loop`: go back to `to` (the dispatch takes the reduction and yields there).
#[inline(always)]
pub(in crate::vm) fn op_loop(to: Label) -> usize {
    to as usize
}

/// `JumpIfFalsy`: go to `to` when `cond` is `nil` or `false`, else to `next`.
#[inline(always)]
pub(in crate::vm) fn op_jump_if_falsy(w: &[Term], cond: Reg, to: Label, next: usize) -> usize {
    if w[cond as usize].is_truthy() { next } else { to as usize }
}

/// `JumpUnlessTrue`: go to `to` unless `cond` is exactly `true` (a guard).
#[inline(always)]
pub(in crate::vm) fn op_jump_unless_true(w: &[Term], cond: Reg, to: Label, next: usize) -> usize {
    if matches!(&w[cond as usize], Term::Atom(a) if *a == ATOMS.true_) { next } else { to as usize }
}
