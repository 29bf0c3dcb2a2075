//! Calls and returns: `Call`, `TailCall`, `CallDynamic`, `CallFun`, `TailCallFun`
//! and `Return`, with the slower general paths they fall back on.
//!
//! Each call takes one reduction first ([`take_reduction`]). The fast paths copy
//! the arguments straight from the caller's window into the callee's (which starts
//! at the caller's `top`) and name the callee's code by a borrowed [`CodeRef`]; a
//! call and a return within one function (direct recursion) do not even reload
//! the running code. A tail call that cannot replace the frame (its target is a
//! native, or raises) calls into the function's last register and resumes at its
//! final `Return` of that register, which every function ends with.

use super::data::{Small, bit, copy_small, dup, pass, pass_reg, put, put_small, reserve, stage_args, take};
use super::exception::{stack_limit, undefined};
use super::lend::{blame_lent, blame_native, call_native_lent, call_native_owned};
use super::{Next, take_reduction};
use crate::runtime::ProcessContext;
use crate::term::{Atom, FunKind, Term};
use crate::vm::code::{FunCode, Reg, moves_in_place};
use crate::vm::code_ref::CodeRef;
use crate::vm::machine::{Frame, State, push_frame, room_for_frame};
use crate::vm::cell_cache::CellCache;
use crate::vm::modules::{Callable, Export, ExportCell, Modules};
use crate::vm::native::{Control, NativeCtx, NativeFn, OwningFn};
use crate::vm::raise::Raise;
use std::sync::Arc;

/// `TailCall` of the running function itself whose arguments can move in place (a
/// loop), with a reduction to spend: moves them — no argument is read from a
/// register another one overwrites — and gives the index to go on at (0). `None`
/// leaves everything untouched for [`State::op_tail_call`]. The one place a loop
/// is taken, so its hottest path works on the window the dispatch already holds.
#[inline(always)]
pub(in crate::vm) fn op_self_loop(w: &mut [Term], code: &FunCode, target: &ExportCell, args: &[Reg], reds: &mut i64) -> Option<usize> {
    if *reds <= 0 {
        return None;
    }
    let Some(Export { callable: Callable::Compiled(callee), .. }) = target.get() else { return None };
    if !std::ptr::eq(Arc::as_ptr(callee), code) || !moves_in_place(args) {
        return None;
    }
    *reds -= 1;
    move_in_place(w, args);
    Some(0)
}

/// Moves the arguments `args` of a call that ends the running function into
/// registers `0..args.len()` of its window `w`, one by one, in order. The caller
/// has checked [`moves_in_place`]: no argument is read from a register an earlier
/// one overwrites.
#[inline(always)]
fn move_in_place(w: &mut [Term], args: &[Reg]) {
    for (i, r) in args.iter().enumerate() {
        if *r as usize != i {
            let v = pass_on(w, args, i, *r);
            put(&mut w[i], v);
        }
    }
}

/// The export cell of `value` when it is a `&Mod.fun/arity` taking `arity`
/// arguments, from the process's `cells` (hand it back with
/// [`CellCache::keep`]); `None` for anything else, which the general path serves.
#[inline(always)]
pub(in crate::vm) fn export_cell(cells: &mut CellCache, modules: &Modules, value: &Term, arity: usize) -> Option<Arc<ExportCell>> {
    let Term::Fun(f) = value else { return None };
    let FunKind::Export { module, name } = f.kind else { return None };
    if f.arity as usize != arity {
        return None;
    }
    cells.take_defined(modules, module, name, f.arity)
}

/// A function value resolved for a call.
pub(in crate::vm) enum Resolved {
    /// Compiled code and its full argument list (a closure's captured values first).
    Code(Arc<FunCode>, Vec<Term>),
    /// A native, its arguments, and its module and name (a raise is blamed on them,
    /// as on a direct call of it).
    Native(NativeFn, Vec<Term>, (Atom, Atom)),
}

/// `Call` to a native on the running function's window `w`: the arguments are lent
/// (no allocation, no reference counting) and back in their registers before the
/// result is stored into `dst`; when the first argument is dead after the call
/// (`moved`) an owning form may update it in place instead. A control the native
/// asked for comes back blamed on the call, for [`State::native_control`].
///
/// A free function over the window the dispatch already holds, so the usual native
/// call neither re-borrows the registers nor goes through a [`Next`] (the split of
/// the dispatch into ops had cost an ETS call loop 7% more instructions). A tail
/// call to a native comes here too, with every argument dead.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(in crate::vm) fn call_native_in_window(
    w: &mut [Term],
    ncx: &mut NativeCtx<'_>,
    native_args: &mut Vec<Term>,
    moved: u32,
    (f, owning): (NativeFn, Option<OwningFn>),
    target: &ExportCell,
    dst: Reg,
    args: &[Reg],
) -> Result<(), Control> {
    let result = match owning {
        Some(g) if moved & 1 != 0 => call_native_owned(ncx, g, w, args, moved, native_args),
        _ => call_native_lent(ncx, f, w, args, native_args),
    };
    // The native wrote the term's tag and payload as separate stores, and one 16-byte
    // load of both cannot be forwarded from them (a stall on every call: a missed ETS
    // lookup loop ran 25% slower), so the common kinds are rebuilt from their fields
    // straight out of the result. Binding the whole result or term first, as a helper
    // function taking it does, brought the load back.
    let slot = &mut w[dst as usize];
    match result {
        Ok(Term::Int(x)) => put_small(slot, Small::Int(x)),
        Ok(Term::Nil) => put(slot, Term::Nil),
        Ok(Term::Atom(a)) => put(slot, Term::Atom(a)),
        Ok(Term::Cons(l)) => put(slot, Term::Cons(l)),
        Ok(Term::Tuple(t)) => put(slot, Term::Tuple(t)),
        Ok(Term::Map(m)) => put(slot, Term::Map(m)),
        Ok(Term::Binary(b)) => put(slot, Term::Binary(b)),
        Ok(v) => put(slot, v),
        Err(c) => return Err(blame_lent(c, (target.module, target.name), w, args)),
    }
    Ok(())
}

/// Passes one argument from register `from` to `to` (absolute indices): an
/// integer or an atom is copied; anything else is moved when `moved()` says its
/// register is dead after the call, else copied. (The mask is read only for boxed values:
/// reading it first cost fib 12 instructions per call.)
#[inline(always)]
fn pass_arg(regs: &mut [Term], from: usize, to: usize, moved: impl FnOnce() -> bool) {
    if !copy_small(regs, from, to) {
        pass_reg(regs, from, to, moved());
    }
}

impl State {
    /// `Call`: `dst = target(args)` through an export cell.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(in crate::vm) fn op_call(
        &mut self,
        cx: &mut ProcessContext,
        code: &FunCode,
        pc: usize,
        dst: Reg,
        target: &Arc<ExportCell>,
        args: &[Reg],
        reds: &mut i64,
    ) -> Result<Next, Raise> {
        if !take_reduction(reds) {
            return Ok(self.yield_at(pc));
        }
        self.pc = pc + 1;
        if let Some(callee) = target.compiled_for(code.module) {
            debug_assert!(self.modules.holds_cell(target), "code is borrowed only from this machine's cells");
            return self.call_compiled(code, pc, callee, dst, args);
        }
        // Natives are taken by the dispatch (`call_native_in_window`) whenever a
        // reduction is left, so none gets here but through a module redefined
        // between the two looks: the general path serves it, and private and
        // undefined functions (which raise).
        let argv = self.arguments(code, args);
        self.call_cell(cx, code, target, argv, dst, reds)
    }

    /// `Call` to compiled code this function may call, entered in place by
    /// [`State::enter_code`]. Returns the callee, which the dispatch runs from its
    /// first instruction; `None` (nothing done) leaves the call to
    /// [`State::op_call`]. Returning only a reference keeps the hand-over in
    /// registers: an `Ok(Next::Enter(..))` went through memory, and its reload
    /// stalled on store forwarding (a third of a call's time).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(in crate::vm) fn enter_compiled<'c>(
        &mut self,
        running: &CodeRef,
        code: &FunCode,
        pc: usize,
        target: &'c ExportCell,
        dst: Reg,
        args: &[Reg],
        reds: &mut i64,
    ) -> Option<&'c Arc<FunCode>> {
        let callee = target.compiled_for(code.module)?;
        debug_assert!(self.modules.holds_cell(target), "code is borrowed only from this machine's cells");
        self.enter_code(running, code, pc, callee, dst, args, reds).then_some(callee)
    }

    /// Enters `callee` from the call at `pc` of the running function (`running`,
    /// `code`) when a reduction is left and there is room for a frame: the arguments
    /// are copied into the callee's window and the caller's frame is pushed, holding
    /// a duplicate of `running`; `st.pc` is 0 and `st.base` the callee's window.
    /// `false` otherwise: with no reduction left nothing is done (the process
    /// yields and the call runs again); at the frame limit the arguments were
    /// passed already, and the call goes on to raise. [`State::enter_compiled`]'s named call and
    /// `CallSelf` (`callee` is `code`: a local call of the function itself, which
    /// stays in the running version as on BEAM) both enter this way; a `CallSelf`
    /// declined here goes on to [`State::op_call_self`].
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(in crate::vm) fn enter_code(
        &mut self,
        running: &CodeRef,
        code: &FunCode,
        pc: usize,
        callee: &FunCode,
        dst: Reg,
        args: &[Reg],
        reds: &mut i64,
    ) -> bool {
        if !take_reduction(reds) {
            return false;
        }
        let base = self.base;
        // The arguments are passed before the frame is pushed, which checks the limit
        // against the capacity it compares anyway. A call declined there raises
        // SystemLimitError: the arguments it wrote are stale values above the live
        // windows, and the registers it moved them from are dead after the call (see
        // `compile::liveness`), so nothing reads what it left.
        let nb = self.pass_args(code, pc, callee, args);
        if !push_frame(&mut self.frames, || Frame { code: running.duplicate(), pc: pc + 1, base, ret: dst }) {
            *reds += 1;
            return false;
        }
        self.base = nb;
        self.pc = 0;
        true
    }

    /// `CallSelfInt`: enters the running function again, as [`State::enter_code`]
    /// does for the `CallSelf` at `pc`, with the small integer `value` as its one
    /// argument. `false` (nothing done) when no reduction is left or there is no
    /// room for a frame: the `CallSelf` goes on from there.
    #[inline(always)]
    pub(in crate::vm) fn enter_self_int(&mut self, running: &CodeRef, code: &FunCode, pc: usize, value: i64, dst: Reg, reds: &mut i64) -> bool {
        if !take_reduction(reds) {
            return false;
        }
        let base = self.base;
        if !push_frame(&mut self.frames, || Frame { code: running.duplicate(), pc: pc + 1, base, ret: dst }) {
            *reds += 1;
            return false;
        }
        let nb = base + code.nregs as usize;
        reserve(&mut self.regs, nb + code.nregs as usize);
        put_small(&mut self.regs[nb], Small::Int(value));
        self.base = nb;
        self.pc = 0;
        true
    }

    /// `CallSelf` that [`State::enter_code`] declined: the budget is spent (the
    /// process yields before the call, which runs again on resume), or the frames
    /// are at their limit (SystemLimitError, raised from the call).
    #[cold]
    pub(in crate::vm) fn op_call_self(&mut self, pc: usize, reds: &i64) -> Next {
        if *reds <= 0 {
            return self.yield_at(pc);
        }
        self.pc = pc + 1;
        Next::Raise(stack_limit())
    }

    /// `CallDynamic` (`module.fun(args)`, the module in a register) to compiled code,
    /// carried out in place as [`State::enter_compiled`] does a named call once the
    /// cell is found: a GenServer's every callback is such a call. Returns the
    /// callee's code, borrowed from the module table's cell; `None` (nothing done)
    /// leaves the call to [`State::op_call_dynamic`] (a module that is not an atom,
    /// a native, an undefined or private function, the frame limit).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(in crate::vm) fn enter_dynamic(
        &mut self,
        running: &CodeRef,
        code: &FunCode,
        pc: usize,
        dst: Reg,
        module: Reg,
        name: Atom,
        args: &[Reg],
        reds: &mut i64,
    ) -> Option<CodeRef> {
        let Term::Atom(m) = self.regs[self.base + module as usize] else { return None };
        let cell = self.cells.take(&self.modules, m, name, args.len() as u32);
        let entered = self.enter_compiled(running, code, pc, &cell, dst, args, reds).map(CodeRef::named);
        self.cells.keep(cell);
        entered
    }

    /// `CallFun` to a `&Mod.fun/arity` value whose cell is `cell` (see [`export_cell`])
    /// naming a public compiled function, carried out in place as a named call is
    /// ([`State::enter_compiled`]). `None` (nothing done) leaves the call to
    /// [`State::op_call_fun`]: a native (the dispatch runs those on its window), an
    /// undefined or private function, the frame limit.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(in crate::vm) fn enter_export(
        &mut self,
        running: &CodeRef,
        code: &FunCode,
        pc: usize,
        dst: Reg,
        cell: &ExportCell,
        args: &[Reg],
        reds: &mut i64,
    ) -> Option<CodeRef> {
        // Only a public function is callable through a capture, even from its own
        // module (`resolve_fun`'s rule).
        if !cell.get()?.public {
            return None;
        }
        self.enter_compiled(running, code, pc, cell, dst, args, reds).map(CodeRef::named)
    }

    /// The general path of `Call` to compiled code, reached only when the fast path
    /// above declined: at the frame limit, or when another process redefined the
    /// module between the dispatch's look at the cell and this one.
    #[inline(always)]
    fn call_compiled(&mut self, code: &FunCode, pc: usize, callee: &Arc<FunCode>, dst: Reg, args: &[Reg]) -> Result<Next, Raise> {
        if !room_for_frame(&mut self.frames) {
            return Err(stack_limit());
        }
        let nb = self.pass_args(code, pc, callee, args);
        Ok(Next::Enter(CodeRef::named(callee), nb, dst))
    }

    /// Copies the arguments of the call at `pc` into the window past the running
    /// function's, made large enough for `callee`; returns that window's base. An
    /// argument whose register is dead after the call is moved (see
    /// `compile::liveness`), so a map or list passed along stays unshared. (An
    /// integer is copied either way: the mask is read only for boxed values.)
    #[inline(always)]
    fn pass_args(&mut self, code: &FunCode, pc: usize, callee: &FunCode, args: &[Reg]) -> usize {
        let base = self.base;
        let nb = base + code.nregs as usize;
        let n = (callee.nregs as usize).max(args.len());
        reserve(&mut self.regs, nb + n);
        // The registers borrowed once, as a local slice: indexing `self.regs` reloaded
        // its pointer and length after every write (the writes might have changed
        // them, as far as the compiler could tell).
        let regs: &mut [Term] = &mut self.regs;
        // One argument (a body recursion on a counter or a list) is passed without
        // the loop's set-up: its counter and the operands reloaded from the stack.
        if let [r] = args {
            pass_arg(regs, base + *r as usize, nb, || bit(code.moved_at(pc), 0));
            return nb;
        }
        for (i, r) in args.iter().enumerate() {
            pass_arg(regs, base + *r as usize, nb + i, || bit(code.moved_at(pc), i));
        }
        nb
    }

    /// `TailCall` to compiled code this function may call, carried out in place when
    /// a reduction is left: the arguments move to the bottom of the running window,
    /// which becomes the callee's. Returns the callee, which the dispatch runs from
    /// its first instruction (`st.pc` is 0); `None` (nothing done) leaves the call
    /// to [`State::op_tail_call`]. Going through a [`Next::Replace`] instead cost
    /// every tail call between functions (a GenServer's loop, a `case` handing on
    /// to a helper) a trip out of the dispatch and back.
    #[inline(always)]
    pub(in crate::vm) fn enter_tail_compiled<'c>(
        &mut self,
        code: &FunCode,
        target: &'c ExportCell,
        args: &[Reg],
        reds: &mut i64,
    ) -> Option<&'c Arc<FunCode>> {
        let callee = target.compiled_for(code.module)?;
        if !take_reduction(reds) {
            return None;
        }
        debug_assert!(self.modules.holds_cell(target), "code is borrowed only from this machine's cells");
        self.move_tail_args(code, callee, args);
        self.pc = 0;
        Some(callee)
    }

    /// Moves the arguments of a tail call from the running window (`code`'s) into
    /// registers `0..args.len()` of the same window, made large enough for
    /// `callee`. The frame goes away, so every argument is moved unless named
    /// twice; in order when no argument is read from a register an earlier one
    /// overwrites, through `scratch` otherwise. Registers past the arguments keep
    /// stale values: the compiler never reads a register before writing it.
    #[inline(always)]
    fn move_tail_args(&mut self, code: &FunCode, callee: &FunCode, args: &[Reg]) {
        let base = self.base;
        reserve(&mut self.regs, base + (callee.nregs as usize).max(args.len()));
        let w = &mut self.regs[base..base + (code.nregs as usize).max(callee.nregs as usize).max(args.len())];
        if moves_in_place(args) {
            move_in_place(w, args);
        } else {
            self.scratch.clear();
            self.scratch.extend(args.iter().enumerate().map(|(i, r)| pass_on(w, args, i, *r)));
            for (i, v) in self.scratch.drain(..).enumerate() {
                put(&mut w[i], v);
            }
        }
    }

    /// `TailCall`: the running function is replaced by `target(args)`.
    #[inline(always)]
    pub(in crate::vm) fn op_tail_call(
        &mut self,
        cx: &mut ProcessContext,
        code: &FunCode,
        pc: usize,
        target: &ExportCell,
        args: &[Reg],
        reds: &mut i64,
    ) -> Result<Next, Raise> {
        if !take_reduction(reds) {
            return Ok(self.yield_at(pc));
        }
        if let Some(callee) = target.compiled_for(code.module) {
            // (Reached only when the dispatch's fast path, `enter_tail_compiled`,
            // saw another export in the cell: the module was just redefined.)
            debug_assert!(self.modules.holds_cell(target), "code is borrowed only from this machine's cells");
            self.move_tail_args(code, callee, args);
            return Ok(Next::Replace(CodeRef::named(callee)));
        }
        let ret_reg = code.nregs.saturating_sub(1);
        let entered = match target.get() {
            Some(Export { callable: Callable::Native(f), owning, .. }) => {
                // As for `Call`, then the function's final `Return` of its last register.
                // The frame ends here, so every argument is dead: an owning form
                // takes them all.
                self.pc = pc;
                let w = &mut self.regs[self.base..self.base + code.nregs as usize];
                let mut ncx = NativeCtx { process: cx, modules: &self.modules, group_leader: &mut self.group_leader };
                match call_native_in_window(w, &mut ncx, &mut self.native_args, u32::MAX, (*f, *owning), target, ret_reg, args) {
                    Ok(()) => Ok(Next::At(code.instrs().len() - 1)),
                    Err(c) => {
                        self.resume_at_return(code);
                        self.native_control(cx, code, c, ret_reg, reds)
                    }
                }
            }
            _ => {
                // Private and undefined functions: an ordinary call (which raises).
                let argv = self.arguments(code, args);
                self.pc = pc;
                self.resume_at_return(code);
                self.call_cell(cx, code, target, argv, ret_reg, reds)
            }
        };
        // A raise here is this instruction's (the native's, or the call's it asked
        // for): its frame names this line, not the final `Return`'s, which belongs
        // to the function's last clause.
        entered.or_else(|r| Ok(self.fail_at(pc, r)))
    }

    /// `CallDynamic`: `dst = module.name(args)` with the module in a register.
    #[allow(clippy::too_many_arguments)]
    pub(in crate::vm) fn op_call_dynamic(
        &mut self,
        cx: &mut ProcessContext,
        code: &FunCode,
        pc: usize,
        dst: Reg,
        module: Reg,
        name: Atom,
        args: &[Reg],
        reds: &mut i64,
    ) -> Result<Next, Raise> {
        if !take_reduction(reds) {
            return Ok(self.yield_at(pc));
        }
        let m = self.regs[self.base + module as usize].clone();
        let argv = self.arguments(code, args);
        self.pc = pc + 1;
        let m = match &m {
            Term::Atom(m) => *m,
            // Elixir 1.14 still reads `map.key()` as the field (later versions
            // deprecate it); a missing key fails as any other non-module does.
            Term::Map(map) if argv.is_empty() && let Some(v) = map.get(&Term::Atom(name)) => {
                put(&mut self.regs[self.base + dst as usize], v.clone());
                return Ok(Next::At(pc + 1));
            }
            _ => {
                return Err(Raise::argument_error(
                    "errors were found at the given arguments:\n\n  * 1st argument: not an atom\n",
                ));
            }
        };
        let target = self.modules.cell(m, name, argv.len() as u32);
        self.call_cell(cx, code, &target, argv, dst, reds)
    }

    /// `CallFun` to a closure of the right arity, carried out in place as
    /// [`State::enter_compiled`] does a named call: the captured values and the
    /// arguments are copied into the callee's window and the caller's frame is
    /// pushed. Returns the closure's code, borrowed from register `fun` (see
    /// `code_ref`); `None` (nothing done) leaves the call to [`State::op_call_fun`],
    /// which raises at the frame limit and serves every other function value.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(in crate::vm) fn enter_closure(
        &mut self,
        running: &CodeRef,
        code: &FunCode,
        pc: usize,
        dst: Reg,
        fun: Reg,
        args: &[Reg],
        reds: &mut i64,
    ) -> Option<CodeRef> {
        if !room_for_frame(&mut self.frames) {
            return None;
        }
        let base = self.base;
        let (c, env) = closure_parts(&self.regs[base + fun as usize], args.len())?;
        let callee = c.downcast_ref::<FunCode>()?;
        let (nregs, captured) = (callee.nregs as usize, env.len());
        debug_assert_ne!(dst, fun, "a call's result register is never the closure it calls");
        let callee = CodeRef::held_by_caller(callee);
        if !take_reduction(reds) {
            return None;
        }
        let nb = base + code.nregs as usize;
        closure_window(&mut self.regs, base, nb, nregs, captured, fun, args, code.moved_at(pc));
        let pushed = push_frame(&mut self.frames, || Frame { code: running.duplicate(), pc: pc + 1, base, ret: dst });
        debug_assert!(pushed, "room_for_frame was checked above");
        self.base = nb;
        self.pc = 0;
        Some(callee)
    }

    /// `CallFun`: `dst = fun.(args)`.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(in crate::vm) fn op_call_fun(
        &mut self,
        cx: &mut ProcessContext,
        code: &FunCode,
        pc: usize,
        dst: Reg,
        fun: Reg,
        args: &[Reg],
        reds: &mut i64,
    ) -> Result<Next, Raise> {
        if !take_reduction(reds) {
            return Ok(self.yield_at(pc));
        }
        self.pc = pc + 1;
        // A closure of the right arity is entered by the dispatch (`enter_closure`)
        // unless the frame limit is reached, which `call_value` raises.
        let f = self.regs[self.base + fun as usize].clone();
        let argv = self.arguments(code, args);
        self.call_value(cx, code, &f, argv, dst, reds)
    }

    /// `TailCallFun`: the running function is replaced by `fun.(args)`.
    #[inline]
    pub(in crate::vm) fn op_tail_call_fun(
        &mut self,
        cx: &mut ProcessContext,
        code: &FunCode,
        pc: usize,
        fun: Reg,
        args: &[Reg],
        reds: &mut i64,
    ) -> Result<Next, Raise> {
        if !take_reduction(reds) {
            return Ok(self.yield_at(pc));
        }
        let w = &mut self.regs[self.base..self.base + code.nregs as usize];
        if let Some(callee) = tail_closure_args(w, &mut self.scratch, fun, args) {
            return Ok(Next::Replace(callee));
        }
        let f = w[fun as usize].clone();
        let argv = self.arguments(code, args);
        self.pc = pc;
        match self.resolve_fun(&f, argv)? {
            Resolved::Code(callee, full) => {
                self.scratch = full;
                Ok(Next::Replace(CodeRef::owned(callee)))
            }
            Resolved::Native(n, argv, who) => {
                let ret_reg = code.nregs.saturating_sub(1);
                self.resume_at_return(code);
                self.call_native(cx, code, n, &argv, ret_reg, reds, Some(who))
            }
        }
    }

    /// `Return` to the caller: the result is moved straight into the caller's
    /// register, its window and resume point (`st.base`, `st.pc`) are restored, and
    /// its code is handed back for the dispatch to run (the running code again
    /// after a direct recursion). `None` (nothing done) when there is no caller:
    /// [`State::op_return`] ends the run.
    #[inline(always)]
    pub(in crate::vm) fn return_to_caller(&mut self, src: Reg) -> Option<CodeRef> {
        let caller = self.frames.pop()?;
        self.drop_handlers_of_returned();
        pass_reg(&mut self.regs, self.base + src as usize, caller.base + caller.ret as usize, true);
        Some(self.resume(caller))
    }

    /// [`State::return_to_caller`] for `ReturnAdd`: the small integer `value` goes
    /// to the caller.
    #[inline(always)]
    pub(in crate::vm) fn return_int_to_caller(&mut self, value: i64) -> Option<CodeRef> {
        let caller = self.frames.pop()?;
        self.drop_handlers_of_returned();
        put_small(&mut self.regs[caller.base + caller.ret as usize], Small::Int(value));
        Some(self.resume(caller))
    }

    /// [`State::return_to_caller`] for `ReturnConst`: `value` goes to the caller.
    #[inline(always)]
    pub(in crate::vm) fn return_const_to_caller(&mut self, value: &Term) -> Option<CodeRef> {
        let caller = self.frames.pop()?;
        self.drop_handlers_of_returned();
        super::data::op_const(&mut self.regs[caller.base..], caller.ret, value, 0);
        Some(self.resume(caller))
    }

    /// The caller's window and resume point restored after a return; its code is
    /// handed back for the dispatch to run.
    #[inline(always)]
    fn resume(&mut self, caller: Frame) -> CodeRef {
        self.base = caller.base;
        self.pc = caller.pc;
        caller.code
    }

    /// `ReturnConst` from the function the run began with: the run ends.
    pub(in crate::vm) fn op_return_const(&mut self, pc: usize, value: &Term) -> Next {
        self.pc = pc;
        Next::Return(value.clone())
    }

    /// `Return` from the function the run began with (no caller is left): the run
    /// ends with the value.
    pub(in crate::vm) fn op_return(&mut self, pc: usize, src: Reg) -> Next {
        let v = super::data::take(&mut self.regs[self.base + src as usize]);
        self.pc = pc;
        Next::Return(v)
    }

    /// Drops the handlers opened by a function that has returned: they cannot
    /// outlive it.
    #[inline(always)]
    pub(in crate::vm) fn drop_handlers_of_returned(&mut self) {
        while self.handlers.last().is_some_and(|h| h.depth > self.frames.len()) {
            self.handlers.pop();
        }
    }

    /// Copies of the values of registers `args` of the running function.
    fn arguments(&self, code: &FunCode, args: &[Reg]) -> Vec<Term> {
        let w = &self.regs[self.base..self.base + code.nregs as usize];
        args.iter().map(|r| w[*r as usize].clone()).collect()
    }

    /// Calls `target(args)` by the general path (private or undefined targets
    /// raise, natives get owned arguments).
    pub(in crate::vm) fn call_cell(
        &mut self,
        cx: &mut ProcessContext,
        code: &FunCode,
        target: &ExportCell,
        args: Vec<Term>,
        dst: Reg,
        reds: &mut i64,
    ) -> Result<Next, Raise> {
        match target.get() {
            Some(e) if !e.public && code.module != target.module => Err(undefined(&self.modules, target.module, target.name, target.arity)),
            Some(e) => match &e.callable {
                Callable::Compiled(callee) => {
                    debug_assert!(self.modules.holds_cell(target), "code is borrowed only from this machine's cells");
                    self.call_staged(code, CodeRef::named(callee), args, dst)
                }
                Callable::Native(f) => self.call_native(cx, code, *f, &args, dst, reds, Some((target.module, target.name))),
            },
            None => Err(undefined(&self.modules, target.module, target.name, target.arity)),
        }
    }

    /// Calls the function value `fun` with `args` (general path).
    pub(in crate::vm) fn call_value(&mut self, cx: &mut ProcessContext, code: &FunCode, fun: &Term, args: Vec<Term>, dst: Reg, reds: &mut i64) -> Result<Next, Raise> {
        match self.resolve_fun(fun, args)? {
            Resolved::Code(callee, full) => self.call_staged(code, CodeRef::owned(callee), full, dst),
            Resolved::Native(f, args, who) => self.call_native(cx, code, f, &args, dst, reds, Some(who)),
        }
    }

    /// Enters `callee` with owned `args`, in the window above the running one.
    fn call_staged(&mut self, code: &FunCode, callee: CodeRef, args: Vec<Term>, dst: Reg) -> Result<Next, Raise> {
        if !room_for_frame(&mut self.frames) {
            return Err(stack_limit());
        }
        let nb = self.base + code.nregs as usize;
        stage_args(&mut self.regs, nb, callee.get().nregs as usize, args);
        Ok(Next::Enter(callee, nb, dst))
    }

    /// Calls native `f` on owned arguments, its value going to register `dst`.
    #[allow(clippy::too_many_arguments)]
    fn call_native(
        &mut self,
        cx: &mut ProcessContext,
        code: &FunCode,
        f: NativeFn,
        args: &[Term],
        dst: Reg,
        reds: &mut i64,
        who: Option<(Atom, Atom)>,
    ) -> Result<Next, Raise> {
        let result = {
            let mut ncx = NativeCtx { process: cx, modules: &self.modules, group_leader: &mut self.group_leader };
            f(&mut ncx, args)
        };
        match result {
            Ok(v) => {
                put(&mut self.regs[self.base + dst as usize], v);
                Ok(Next::Reload)
            }
            Err(Control::Raise(r)) => Err(blame_native(r, who, args)),
            Err(c) => self.native_control(cx, code, c, dst, reds),
        }
    }

    /// Carries out what a native asked instead of returning a value, its result (if
    /// any) going to register `dst` of the running function. A raise is passed on
    /// as it is: blame it first ([`blame_native`]).
    pub(in crate::vm) fn native_control(&mut self, cx: &mut ProcessContext, code: &FunCode, control: Control, dst: Reg, reds: &mut i64) -> Result<Next, Raise> {
        match control {
            Control::Raise(r) => Err(r),
            Control::Call { fun, args } => self.call_value(cx, code, &fun, args, dst, reds),
            Control::CallMfa { module, name, args } => {
                let target = self.cells.take(&self.modules, module, name, args.len() as u32);
                let next = self.call_cell(cx, code, &target, args, dst, reds);
                self.cells.keep(target);
                next
            }
            Control::SleepUntil { deadline_ms, value } => {
                self.regs[self.base + dst as usize] = value;
                if cx.now_ms() < deadline_ms {
                    self.sleep_until = Some(deadline_ms);
                    Ok(Next::Stop(crate::runtime::Step::Wait { deadline_ms: Some(deadline_ms) }))
                } else {
                    Ok(Next::Reload)
                }
            }
        }
    }

    /// Points the running function at its final `Return` of its last register, so
    /// that once the call in progress fills that register, the function returns it
    /// (a tail call that could not replace the frame). Every function ends with
    /// that `Return` for exactly this purpose (see the compiler).
    fn resume_at_return(&mut self, code: &FunCode) {
        debug_assert!(
            matches!(code.instrs().last(), Some(crate::vm::code::Instr::Return { src }) if *src + 1 == code.nregs),
            "every function ends with `Return` of its last register"
        );
        self.pc = code.instrs().len() - 1;
    }

    /// A function value and its arguments resolved for a call: `badfun` and
    /// `badarity` raised here, closures' captured values put before the arguments.
    pub(in crate::vm) fn resolve_fun(&self, fun: &Term, args: Vec<Term>) -> Result<Resolved, Raise> {
        let Term::Fun(f) = fun else {
            return Err(Raise::error(Term::pair(Term::atom("badfun"), fun.clone())));
        };
        if f.arity as usize != args.len() {
            return Err(Raise::error(Term::pair(Term::atom("badarity"), Term::pair(fun.clone(), Term::list(args)))));
        }
        match &f.kind {
            FunKind::Closure { code, env, .. } => {
                let Some(code) = code.clone().downcast::<FunCode>().ok() else {
                    return Err(Raise::error(Term::pair(Term::atom("badfun"), fun.clone())));
                };
                let mut full = Vec::with_capacity(env.len() + args.len());
                full.extend(env.iter().cloned());
                full.extend(args);
                Ok(Resolved::Code(code, full))
            }
            // The cell's current definition (spawning `{m, f, args}` comes here too).
            FunKind::Export { module, name } => {
                let cell = self.modules.defined_cell(*module, *name, f.arity);
                match cell.as_deref().and_then(ExportCell::get) {
                    Some(e) if e.public => match &e.callable {
                        Callable::Compiled(c) => Ok(Resolved::Code(c.clone(), args)),
                        Callable::Native(n) => Ok(Resolved::Native(*n, args, (*module, *name))),
                    },
                    _ => Err(undefined(&self.modules, *module, *name, f.arity)),
                }
            }
        }
    }
}

/// Fills `scratch` with the captured values and arguments for tail-calling the
/// closure in register `fun` with `args`, and returns its code, owned (the call
/// replaces the frame whose register held the closure); `None` (scratch
/// untouched) when `fun` is not a closure of that arity, for the general path.
fn tail_closure_args(window: &mut [Term], scratch: &mut Vec<Term>, fun: Reg, args: &[Reg]) -> Option<CodeRef> {
    let (code, env) = closure_parts(&window[fun as usize], args.len())?;
    let callee = CodeRef::owned(code.clone().downcast::<FunCode>().ok()?);
    scratch.clear();
    scratch.extend(env.iter().map(dup));
    // The frame goes away, so arguments move (the closure's register last: its
    // captured values are copied above, and its code is owned by `callee`).
    scratch.extend(args.iter().enumerate().map(|(i, r)| if *r == fun { dup(&window[*r as usize]) } else { pass_on(window, args, i, *r) }));
    Some(callee)
}

/// Fills the window at `nb` for calling the closure in register `fun` of the window
/// at `base` with `args`: its `captured` values, then the arguments, copied straight
/// from the closure and the caller's window (which lie below `nb`); the window is
/// `nregs` long. Kept out of the interpreter loop, whose hot arithmetic paths ran 15%
/// slower with this inlined there.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn closure_window(regs: &mut Vec<Term>, base: usize, nb: usize, nregs: usize, captured: usize, fun: Reg, args: &[Reg], moved: u32) {
    reserve(regs, nb + nregs.max(captured + args.len()));
    let (below, window) = regs.split_at_mut(nb);
    let caller = &mut below[base..];
    if let Some((_, env)) = closure_parts(&caller[fun as usize], args.len()) {
        for (slot, v) in window.iter_mut().zip(env.iter()) {
            put(slot, dup(v));
        }
    }
    // Moved arguments (dead after the call; never `fun` itself) are taken.
    for (i, (slot, r)) in window[captured..].iter_mut().zip(args.iter()).enumerate() {
        let from = &mut caller[*r as usize];
        put(slot, pass(from, bit(moved, i)));
    }
}

/// Argument `i` (register `r`) of a call that ends the running function: moved
/// out of its register unless another argument names the same register (then a copy).
#[inline(always)]
fn pass_on(window: &mut [Term], args: &[Reg], i: usize, r: Reg) -> Term {
    let slot = &mut window[r as usize];
    // An immediate is copied either way; only a boxed value needs the check.
    if matches!(slot, Term::Int(_) | Term::Atom(_) | Term::Nil) {
        return dup(slot);
    }
    if args.iter().enumerate().any(|(j, q)| j != i && *q == r) { dup(slot) } else { take(slot) }
}

/// The code and captured values of `t` when it is a closure taking `arity` arguments.
#[inline]
fn closure_parts(t: &Term, arity: usize) -> Option<(&Arc<dyn std::any::Any + Send + Sync>, &[Term])> {
    let Term::Fun(f) = t else { return None };
    let FunKind::Closure { code, env, .. } = &f.kind else { return None };
    if f.arity as usize != arity {
        return None;
    }
    Some((code, env))
}
