//! Operators: arithmetic and comparison (`Op`, `OpInt`) with a fast path for small
//! integers, the boolean ones (`Not`, `Bang`, `CheckBool`) and the type tests (`IsType`).

use super::data::{Small, put, put_small};
use super::{fast_reg, fast_reg_mut};
use crate::term::{Atom, Term};
use crate::vm::arith;
use crate::vm::code::{BinOp, FunCode, Instr, Label, Operand, Reg};
use crate::vm::raise::{Raise, exception_struct};
use crate::vm::type_test::TypeTest;

/// `dst = a op b`.
#[inline(always)]
pub(in crate::vm) fn op_binary(w: &mut [Term], op: BinOp, dst: Reg, a: Reg, b: Reg, next: usize) -> Result<usize, Raise> {
    if let (Term::Int(x), Term::Int(y)) = (&w[a as usize], &w[b as usize])
        && let Some(r) = int_op(op, *x, *y)
    {
        put_small(&mut w[dst as usize], r);
        return Ok(next);
    }
    binary_general(w, op, dst, a, b).map(|()| next)
}

/// `dst = a op b` off the small-integer path: floats, bignums, term comparison
/// and the errors. Out of line, so the dispatch loop keeps none of its state.
#[cold]
#[inline(never)]
fn binary_general(w: &mut [Term], op: BinOp, dst: Reg, a: Reg, b: Reg) -> Result<(), Raise> {
    let r = arith::binop(op, &w[a as usize], &w[b as usize]).map_err(|e| op_error(e, op, &w[a as usize], &w[b as usize]))?;
    put(&mut w[dst as usize], r);
    Ok(())
}

/// `dst = a op imm`.
#[inline(always)]
pub(in crate::vm) fn op_binary_imm(w: &mut [Term], op: BinOp, dst: Reg, a: Reg, imm: i64, next: usize) -> Result<usize, Raise> {
    if let Term::Int(x) = &w[a as usize]
        && let Some(r) = int_op(op, *x, imm)
    {
        put_small(&mut w[dst as usize], r);
        return Ok(next);
    }
    binary_imm_general(w, op, dst, a, imm).map(|()| next)
}

/// [`binary_general`] with an immediate right operand.
#[cold]
#[inline(never)]
fn binary_imm_general(w: &mut [Term], op: BinOp, dst: Reg, a: Reg, imm: i64) -> Result<(), Raise> {
    let r = arith::binop(op, &w[a as usize], &Term::Int(imm)).map_err(|e| op_error(e, op, &w[a as usize], &Term::Int(imm)))?;
    put(&mut w[dst as usize], r);
    Ok(())
}

/// `Add`: `dst = a + b`.
#[inline(always)]
pub(in crate::vm) fn op_add(w: &mut [Term], dst: Reg, a: Reg, b: Reg, next: usize) -> Result<usize, Raise> {
    int_or_general(w, BinOp::Add, i64::checked_add, dst, a, b, next)
}

/// `Sub`: `dst = a - b`.
#[inline(always)]
pub(in crate::vm) fn op_sub(w: &mut [Term], dst: Reg, a: Reg, b: Reg, next: usize) -> Result<usize, Raise> {
    int_or_general(w, BinOp::Sub, i64::checked_sub, dst, a, b, next)
}

/// `AddInt`: `dst = a + imm`.
#[inline(always)]
pub(in crate::vm) fn op_add_imm(w: &mut [Term], dst: Reg, a: Reg, imm: i64, next: usize) -> Result<usize, Raise> {
    int_imm_or_general(w, BinOp::Add, i64::checked_add, dst, a, imm, next)
}

/// `SubInt`: `dst = a - imm`.
#[inline(always)]
pub(in crate::vm) fn op_sub_imm(w: &mut [Term], dst: Reg, a: Reg, imm: i64, next: usize) -> Result<usize, Raise> {
    int_imm_or_general(w, BinOp::Sub, i64::checked_sub, dst, a, imm, next)
}

/// `IntLoop`: `dst = a + step` (`step` negative for a subtraction), then back to
/// `to` when the result is a small integer and a reduction is left; otherwise on
/// to `next`, the `Loop` behind it, which yields (the result written) or counts the
/// reduction (the general path's result written, or its raise returned).
#[inline(always)]
pub(in crate::vm) fn op_int_loop(w: &mut [Term], dst: Reg, a: Reg, (step, sub): (i32, bool), to: Label, reds: &mut i64, next: usize) -> Result<usize, Raise> {
    if let Term::Int(x) = fast_reg(w, a)
        && let Some(v) = x.checked_add(i64::from(step))
    {
        put_small(fast_reg_mut(w, dst), Small::Int(v));
        return Ok(if super::take_reduction(reds) { to as usize } else { next });
    }
    if sub { op_sub_imm(w, dst, a, -i64::from(step), next) } else { op_add_imm(w, dst, a, i64::from(step), next) }
}

/// `IntLoopTest`: [`op_int_loop`], then, when it jumps back (the counter a small
/// integer, a reduction left), the `TestInt` at `to` done here: past it (`to + 1`)
/// when the counter is `test`, else to `fail`. (`next` is never `to`: the back edge
/// lands before the instruction.)
#[inline(always)]
pub(in crate::vm) fn op_int_loop_test(w: &mut [Term], (dst, a): (Reg, Reg), step: (i32, bool), (test, to, fail): (i32, Label, Label), reds: &mut i64, next: usize) -> Result<usize, Raise> {
    let at = op_int_loop(w, dst, a, step, to, reds, next)?;
    if at != to as usize {
        return Ok(at);
    }
    Ok(if super::pattern::is_int(w, dst, i64::from(test)) { at + 1 } else { fail as usize })
}

/// `a + b` when both are small integers and so is the sum (`ReturnAdd`'s fast path).
#[inline(always)]
pub(in crate::vm) fn small_sum(w: &[Term], a: Reg, b: Reg) -> Option<i64> {
    match (fast_reg(w, a), fast_reg(w, b)) {
        (Term::Int(x), Term::Int(y)) => x.checked_add(*y),
        _ => None,
    }
}

/// `a + imm` (`a - imm` when `sub`) when `a` is a small integer and so is the
/// result (`CallSelfInt`'s fast path).
#[inline(always)]
pub(in crate::vm) fn small_imm(w: &[Term], a: Reg, imm: i32, sub: bool) -> Option<i64> {
    let Term::Int(x) = fast_reg(w, a) else { return None };
    if sub { x.checked_sub(i64::from(imm)) } else { x.checked_add(i64::from(imm)) }
}

/// `dst = a op b` for an operator known where the instruction is dispatched: `int`
/// on two small integers (`None` when the result is not one), else the general path.
#[inline(always)]
fn int_or_general(w: &mut [Term], op: BinOp, int: fn(i64, i64) -> Option<i64>, dst: Reg, a: Reg, b: Reg, next: usize) -> Result<usize, Raise> {
    if let (Term::Int(x), Term::Int(y)) = (fast_reg(w, a), fast_reg(w, b))
        && let Some(r) = int(*x, *y)
    {
        put_small(fast_reg_mut(w, dst), Small::Int(r));
        return Ok(next);
    }
    binary_general(w, op, dst, a, b).map(|()| next)
}

/// [`int_or_general`] with an immediate right operand.
#[inline(always)]
fn int_imm_or_general(w: &mut [Term], op: BinOp, int: fn(i64, i64) -> Option<i64>, dst: Reg, a: Reg, imm: i64, next: usize) -> Result<usize, Raise> {
    if let Term::Int(x) = fast_reg(w, a)
        && let Some(r) = int(*x, imm)
    {
        put_small(fast_reg_mut(w, dst), Small::Int(r));
        return Ok(next);
    }
    binary_imm_general(w, op, dst, a, imm).map(|()| next)
}

/// `dst = not src`: BadBooleanError unless `src` is a boolean.
#[inline]
pub(in crate::vm) fn op_not(w: &mut [Term], dst: Reg, src: Reg, next: usize) -> Result<usize, Raise> {
    let v = &w[src as usize];
    if !v.is_boolean() {
        return Err(bad_boolean("not", v));
    }
    let r = Term::bool(!v.is_truthy());
    put(&mut w[dst as usize], r);
    Ok(next)
}

/// `dst = !src` (truthiness).
#[inline]
pub(in crate::vm) fn op_bang(w: &mut [Term], dst: Reg, src: Reg, next: usize) -> usize {
    let r = Term::bool(!w[src as usize].is_truthy());
    put(&mut w[dst as usize], r);
    next
}

/// `dst = is_atom(src)` and its kin (see [`TypeTest`]).
#[inline]
pub(in crate::vm) fn op_is_type(w: &mut [Term], dst: Reg, src: Reg, test: TypeTest, next: usize) -> usize {
    let holds = test.holds(&w[src as usize]);
    put_small(&mut w[dst as usize], Small::Bool(holds));
    next
}

/// The left side of `and`/`or` (`op`) must be a boolean.
#[inline]
pub(in crate::vm) fn op_check_bool(w: &[Term], src: Reg, op: Atom, next: usize) -> Result<usize, Raise> {
    let v = &w[src as usize];
    if !v.is_boolean() {
        return Err(bad_boolean(op.as_str(), v));
    }
    Ok(next)
}

/// `x op y` on small integers when the result needs no general arithmetic: `None`
/// for `/` (a float), for an overflow into a bignum and for a zero divisor (the
/// general path in [`arith::binop`] then promotes or raises, blamed by [`op_error`]).
#[inline(always)]
pub(in crate::vm) fn int_op(op: BinOp, x: i64, y: i64) -> Option<Small> {
    Some(match op {
        BinOp::Add => Small::Int(x.checked_add(y)?),
        BinOp::Sub => Small::Int(x.checked_sub(y)?),
        BinOp::Mul => Small::Int(x.checked_mul(y)?),
        // `None` for a zero divisor and for `i64::MIN` by `-1`: the general path
        // raises `:badarith` for the first and promotes (or gives 0) for the second.
        BinOp::IntDiv => Small::Int(x.checked_div(y)?),
        BinOp::Rem => Small::Int(x.checked_rem(y)?),
        BinOp::Lt => Small::Bool(x < y),
        BinOp::Gt => Small::Bool(x > y),
        BinOp::Le => Small::Bool(x <= y),
        BinOp::Ge => Small::Bool(x >= y),
        BinOp::Eq | BinOp::StrictEq => Small::Bool(x == y),
        BinOp::Ne | BinOp::StrictNe => Small::Bool(x != y),
        BinOp::Div => return None,
    })
}

/// The error of a failed arithmetic operator, blamed on `:erlang` as BEAM reports it.
#[cold]
fn op_error(e: Raise, op: BinOp, x: &Term, y: &Term) -> Raise {
    let name = match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::IntDiv => "div",
        BinOp::Rem => "rem",
        _ => "/",
    };
    e.blaming(Atom::new("erlang"), Atom::new(name), &[x.clone(), y.clone()])
}

/// The failure to report when the instruction at `pc` of `code` raised `raise` on
/// the window `w`: if the compiler moved an argument computation after it (see
/// [`FunCode::deferred`]) and that one fails on the same registers, its raise and
/// pc, as the order the source was written in raises first; else `raise` at `pc`.
/// The moved instruction only reads registers the ones it was moved past do not
/// write, and a failed instruction wrote nothing, so `w` holds its operands.
#[cold]
#[inline(never)]
pub(in crate::vm) fn first_failure(code: &FunCode, pc: usize, raise: Raise, w: &[Term]) -> (usize, Raise) {
    for &(at, moved) in code.deferred.iter() {
        if at as usize == pc
            && let Some(first) = would_raise(&code.instrs()[moved as usize], w)
        {
            return (moved as usize, first);
        }
    }
    (pc, raise)
}

/// The raise arithmetic instruction `instr` would give on the window `w`, computed
/// aside (nothing is written); `None` when it succeeds or is not arithmetic.
fn would_raise(instr: &Instr, w: &[Term]) -> Option<Raise> {
    let (op, a, b) = instr.arithmetic()?;
    let imm;
    let y = match b {
        Operand::Reg(b) => &w[b as usize],
        Operand::Imm(i) => {
            imm = Term::Int(i);
            &imm
        }
    };
    let x = &w[a as usize];
    arith::binop(op, x, y).err().map(|e| op_error(e, op, x, y))
}

/// BadBooleanError for operator `op` given the non-boolean `v`.
#[cold]
fn bad_boolean(op: &str, v: &Term) -> Raise {
    Raise::error(exception_struct(
        "BadBooleanError",
        vec![
            ("term", v.clone()),
            ("operator", Term::atom(op)),
            (
                "message",
                Term::string(format!("expected a boolean on left-side of \"{}\", got: {}", op, crate::term::inspect::inspect(v))),
            ),
        ],
    ))
}
