//! [`Machine`]: the interpreter loop over an explicit frame stack.
//!
//! The loop (`Machine::step_many`) only dispatches: each instruction is carried
//! out by one small `op_*` function of `super::ops`, grouped by concept. An op
//! that needs only the running function's register window (and perhaps the
//! process) is a free function on that window returning the next instruction's
//! index; an op that needs more of the machine is a method of [`State`] and
//! answers with a `Next` that says where the loop goes on. Only the loop and the frame plumbing below change the running
//! function (`Machine::code`), which is why it sits outside [`State`]: an op can
//! borrow the running code and the rest of the machine at once.
//!
//! Invariants:
//! - The running function is `code`/`st.pc`/`st.base`; `st.frames` holds the
//!   suspended callers (return continuations), innermost last. Keeping the running
//!   function out of `frames` means a call moves the caller's code handle instead
//!   of cloning it, and a return moves it back.
//! - `st.pc` is exact only when the loop has handed control back (a call, a stop,
//!   a raise): inside the loop the current instruction index is a local. Every op
//!   that raises has saved it first (`pc` for an instruction that fails, `pc + 1`
//!   for a call whose callee failed), since the stacktrace reads it.
//! - `st.regs[..top]` is the concatenation of every function's register window,
//!   callers first; the running function's window is `base .. top` (`top` is
//!   `base` plus its `nregs`). `st.regs[top..]` holds stale values of finished
//!   calls: a return does not clear its window (dropping each register was most of
//!   a call's cost); they are overwritten by the next call, or dropped when the
//!   process parks with more than `STALE_KEPT` of them (`Machine::trim`). The
//!   compiler never reads a register before writing it, so a stale value is never
//!   observed.
//! - A call never recurses on the Rust stack: it pushes a `Frame`; a tail call
//!   replaces the running function, so a `loop()` that recurses forever runs in
//!   constant memory. At most [`MAX_FRAMES`] frames exist.
//! - A handler's `depth` is the number of frames when its `try` began; a handler
//!   deeper than the frames left is dropped when its function returns.
//! - Reductions are taken by calls and loop back edges only, through
//!   [`super::ops::take_reduction`]; when the budget is spent the process yields
//!   *before* the instruction, which runs again on resume.
//! - The machine can stop between any two instructions (budget spent, `receive`
//!   with nothing to take, a sleep) and resume later from the saved frames.
//! - A frame's code is borrowed, not reference-counted, where something provably
//!   outlives the frame (see `code_ref`); the compiler's part of that bargain (a
//!   call's result register is never the closure it calls) is asserted in debug
//!   builds by the call ops.

use super::code::{FunCode, Instr, Label, Reg};
use super::code_ref::CodeRef;
use super::modules::Modules;
use super::modules::{Callable, Export};
use super::native::NativeCtx;
use super::ops::call::{Resolved, call_native_in_window, export_cell};
use super::ops::{Next, branch, data, exception, operator, pattern, receive};
use super::raise::Raise;
use crate::runtime::{ProcessContext, Step};
use crate::term::{ATOMS, Atom, FunKind, Term};
use std::sync::Arc;

pub use super::ops::exception::{exit_reason, undefined};

#[cfg(test)]
mod tests;

/// Deepest call stack a process may build before SystemLimitError (well past the
/// 1,000,000-deep recursion the course promises).
pub const MAX_FRAMES: usize = 4_000_000;

/// How many stale registers above the live windows a parked process may keep (see
/// `Machine::trim`): 4 KiB of term slots.
const STALE_KEPT: usize = 256;

/// A suspended caller: where to continue once the running function returns.
pub(super) struct Frame {
    pub(super) code: CodeRef,
    /// The instruction to resume at (the one after the call).
    pub(super) pc: usize,
    pub(super) base: usize,
    /// Register in the caller's window that receives the return value.
    pub(super) ret: Reg,
}

/// Raises the failure of the arithmetic instruction at `pc`, or of an argument
/// computation the compiler moved after it (see [`operator::first_failure`]); the
/// window is read back from `st`, where the dispatch's borrow of it came from.
#[cold]
#[inline(never)]
fn arith_fail(st: &mut State, code: &FunCode, pc: usize, raise: Raise) -> Next {
    let w = &st.regs[st.base..st.base + code.nregs as usize];
    let (pc, raise) = operator::first_failure(code, pc, raise, w);
    st.fail_at(pc, raise)
}

/// Whether one more frame fits under [`MAX_FRAMES`], making room for it if
/// needed: the call ops ask this instead of comparing the length with the limit,
/// so the common case is one comparison (length against capacity). Growth goes
/// only through `grow_frames`, which never takes the capacity past the limit, so
/// a frame fits exactly when the length is below the capacity or the limit.
#[inline(always)]
pub(super) fn room_for_frame(frames: &mut Vec<Frame>) -> bool {
    frames.len() < frames.capacity() || grow_frames(frames)
}

/// Makes room for one more frame (the rare branch of [`room_for_frame`] and
/// [`push_frame`]): doubles the capacity (at least 4, as `Vec` starts), clamped
/// to [`MAX_FRAMES`]; `false` at the limit.
#[cold]
#[inline(never)]
fn grow_frames(frames: &mut Vec<Frame>) -> bool {
    if frames.len() >= MAX_FRAMES {
        return false;
    }
    let target = (frames.capacity() * 2).clamp(4, MAX_FRAMES);
    frames.reserve_exact(target - frames.len());
    true
}

/// The window of the function the dispatch has just entered in place (its own
/// code again: a direct recursion, or a loop through a tail call), without the
/// bounds check of slicing: the call that entered it made the registers at
/// least `base + nregs` long.
///
/// # Safety
/// `regs.len() >= base + nregs`: true right after `State::enter_code` or
/// `State::enter_tail_compiled` answered yes for a callee of `nregs` registers
/// entered at `base` (each `reserve`s the callee's window before answering).
#[inline(always)]
#[allow(unsafe_code)]
unsafe fn entered_window(regs: &mut [Term], base: usize, nregs: usize) -> &mut [Term] {
    debug_assert!(base + nregs <= regs.len(), "the call reserved the callee's window");
    // SAFETY: in bounds by the caller's contract above.
    unsafe { regs.get_unchecked_mut(base..base + nregs) }
}

/// Pushes the frame `make` builds, unless the stack is at [`MAX_FRAMES`]
/// (`false`, nothing built). The frame is written straight into its slot: room is
/// made first (out of line), then the frame is built where it lives. `Vec::push`
/// builds it ahead of a possible reallocation, in a stack temporary whose 16-byte
/// reload stalled on store forwarding (a direct recursion's every call); `extend`
/// and `resize_with` build it in place too but were left out of line as the
/// dispatch grew (fib: 390 -> 436 instructions per call). Checking the limit here,
/// against the capacity, spares a call a comparison with the limit.
#[inline(always)]
#[allow(unsafe_code)]
pub(super) fn push_frame(frames: &mut Vec<Frame>, make: impl FnOnce() -> Frame) -> bool {
    if frames.len() == frames.capacity() && !grow_frames(frames) {
        return false;
    }
    let len = frames.len();
    debug_assert!(len < frames.capacity(), "room for one more frame was made");
    frames.spare_capacity_mut()[0].write(make());
    // SAFETY: the slot at `len`, the first spare one (there is one: made above, and
    // indexing checked it), was initialised by the `write` just done, so the first
    // `len + 1` elements are initialised and `len + 1 <= capacity`.
    unsafe { frames.set_len(len + 1) };
    true
}

/// An open `try`.
pub(super) struct Handler {
    /// `frames.len()` when the `try` began: unwinding resumes the function that was
    /// running then (the continuation at this index, or the running one if none is
    /// deeper).
    pub(super) depth: usize,
    pub(super) label: Label,
    pub(super) class: Reg,
    pub(super) reason: Reg,
    /// Receives the stacktrace, if the `try` asked for it (see [`Instr::TryBegin`]).
    pub(super) stack: Option<Reg>,
    /// The stacktrace lists the call stack's frames too (the `try` reads `__STACKTRACE__`).
    pub(super) frames: bool,
}

/// A `receive` in progress.
#[derive(Default)]
pub(super) struct Receiving {
    /// Deadline of the `receive ... after` being waited on.
    pub(super) deadline: Option<u64>,
    /// Set when the last step parked at `RecvWait`: on resume, re-scan for new messages first.
    pub(super) waiting: bool,
}

/// How a machine's run ended, once it has.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The entry function returned this value.
    Returned(Term),
    /// An exception escaped every handler.
    Raised(Raise),
}

/// One process's execution state.
pub struct Machine {
    /// The running function (`None` once the entry function has returned or raised).
    code: Option<CodeRef>,
    /// Everything else.
    st: State,
}

/// The machine's state besides its running code: what the ops act on.
pub(super) struct State {
    pub(super) modules: Arc<Modules>,
    pub(super) regs: Vec<Term>,
    /// The running function's next instruction, as of the last time it was saved.
    pub(super) pc: usize,
    /// Where the running function's register window starts in `regs`.
    pub(super) base: usize,
    pub(super) frames: Vec<Frame>,
    pub(super) handlers: Vec<Handler>,
    pub(super) recv: Receiving,
    /// A sleep in progress: resume only at this time.
    pub(super) sleep_until: Option<u64>,
    pub(super) outcome: Option<Outcome>,
    /// Arguments of a tail call, on their way into the replaced window.
    pub(super) scratch: Vec<Term>,
    /// Arguments of the native being called (reused; between calls it holds only
    /// stale immediates, see `ops::lend`).
    pub(super) native_args: Vec<Term>,
    /// Where `IO.puts` goes: `None` is standard output, else a device process.
    pub(super) group_leader: Option<crate::term::Pid>,
    /// The export cells of this process's recent dynamic calls.
    pub(super) cells: super::cell_cache::CellCache,
}

impl Machine {
    /// A machine that will call `fun` (a function value) with `args`.
    pub fn for_fun(modules: Arc<Modules>, fun: &Term, args: Vec<Term>) -> Result<Machine, Raise> {
        let mut m = Machine::empty(modules);
        match m.st.resolve_fun(fun, args)? {
            Resolved::Code(code, full) => m.push_frame(CodeRef::owned(code), full, 0),
            Resolved::Native(..) => return Err(Raise::argument_error("cannot start a process on a native function")),
        }
        Ok(m)
    }

    /// A machine that will run `code` (a zero-arity function, e.g. a compiled script).
    pub fn for_code(modules: Arc<Modules>, code: Arc<FunCode>, args: Vec<Term>) -> Machine {
        let mut m = Machine::empty(modules);
        m.push_frame(CodeRef::owned(code), args, 0);
        m
    }

    /// A machine that will call `module.name(args)`.
    pub fn for_mfa(modules: Arc<Modules>, module: Atom, name: Atom, args: Vec<Term>) -> Result<Machine, Raise> {
        let fun = Term::Fun(Arc::new(crate::term::Fun {
            arity: args.len() as u32,
            kind: FunKind::Export { module, name },
        }));
        Machine::for_fun(modules, &fun, args)
    }

    /// Heap bytes the machine holds outside its own struct: the allocated register,
    /// frame, handler and scratch buffers (process memory accounting). The terms in
    /// the registers are shared `Arc`s and the code is the module's, so neither is
    /// counted; this reads capacities only, so parking may ask it every time.
    pub fn heap_bytes(&self) -> usize {
        use crate::runtime::info::heap_chunk;
        use std::mem::size_of;
        heap_chunk(self.st.regs.capacity() * size_of::<Term>())
            + heap_chunk(self.st.frames.capacity() * size_of::<Frame>())
            + heap_chunk(self.st.handlers.capacity() * size_of::<Handler>())
            + heap_chunk(self.st.scratch.capacity() * size_of::<Term>())
            + self.st.cells.heap_bytes()
    }

    fn empty(modules: Arc<Modules>) -> Machine {
        Machine {
            code: None,
            st: State {
                modules,
                regs: Vec::with_capacity(16),
                pc: 0,
                base: 0,
                frames: Vec::new(),
                handlers: Vec::new(),
                recv: Receiving::default(),
                sleep_until: None,
                outcome: None,
                scratch: Vec::new(),
                native_args: Vec::new(),
                group_leader: None,
                cells: Default::default(),
            },
        }
    }

    /// Sets the group leader (a device process) that output goes to.
    pub fn set_group_leader(&mut self, device: Option<crate::term::Pid>) {
        self.st.group_leader = device;
    }

    /// The shared module table.
    pub fn modules(&self) -> &Arc<Modules> {
        &self.st.modules
    }

    /// How the run ended, once it has.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.st.outcome.as_ref()
    }

    /// Approximate heap bytes held by this machine (frames and registers).
    pub fn memory_bytes(&self) -> usize {
        self.st.regs.capacity() * std::mem::size_of::<Term>()
            + self.st.frames.capacity() * std::mem::size_of::<Frame>()
            + std::mem::size_of::<Machine>()
    }

    /// Runs for about `budget` reductions.
    pub fn run(&mut self, cx: &mut ProcessContext, budget: u32) -> Step {
        if self.st.outcome.is_some() {
            return Step::Exited(Term::Atom(ATOMS.normal));
        }
        if let Some(deadline) = self.st.sleep_until {
            if cx.now_ms() < deadline {
                return Step::Wait { deadline_ms: Some(deadline) };
            }
            self.st.sleep_until = None;
        }
        let mut reds = budget as i64;
        let step = loop {
            match self.step_many(cx, &mut reds) {
                Ok(step) => {
                    if !matches!(step, Step::Yielded) {
                        self.trim();
                    }
                    break step;
                }
                Err(raise) => {
                    if let Some(step) = self.unwind(raise) {
                        self.trim();
                        break step;
                    }
                }
            }
        };
        // The grader's cost model counts what every slice used.
        cx.runtime().meter().add_reductions(u64::try_from(budget as i64 - reds).unwrap_or(0));
        step
    }

    /// Executes instructions until a stop or an error: the dispatch, one jump table.
    /// An instruction that acts only on the register window is carried out in
    /// place and the loop goes on at the next index it gives; the others are ops on
    /// [`State`] that `break 'op` with a [`Next`] saying how the loop goes on.
    fn step_many(&mut self, cx: &mut ProcessContext, reds: &mut i64) -> Result<Step, Raise> {
        // The budget is counted in a local of this frame: read through the
        // pointer, every call paid a load of the pointer before the load of the count.
        let mut left = *reds;
        let end = self.dispatch(cx, &mut left);
        *reds = left;
        end
    }

    /// The loop of [`Machine::step_many`], `reds` being its local count.
    #[inline(always)]
    fn dispatch(&mut self, cx: &mut ProcessContext, reds: &mut i64) -> Result<Step, Raise> {
        'frame: loop {
            let Some(running) = self.code.as_ref() else {
                return Ok(Step::Exited(Term::Atom(ATOMS.normal)));
            };
            let code = running.get();
            let body = code.body();
            let st = &mut self.st;
            let nregs = code.nregs as usize;
            let mut pc = st.pc;
            // The running function's window, borrowed once per entry: indexing a local
            // slice spares reloading `regs` around every write.
            let base = st.base;
            let mut w = &mut st.regs[base..base + nregs];
            'instr: loop {
                let next = 'op: {
                    let instr = body.at(pc);
                    let after = pc + 1;
                    pc = match instr {
                        Instr::Move { dst, src } => data::op_move(w, *dst, *src, || code.moved_at(pc) != 0, after),
                        Instr::Const { dst, value } => data::op_const(w, *dst, value, after),
                        Instr::MakeTuple { dst, items } => data::op_make_tuple(w, *dst, items, code.moved_at(pc), after),
                        Instr::MakeList { dst, items, tail } => data::op_make_list(w, *dst, items, *tail, code.moved_at(pc), after),
                        Instr::MakeMap { dst, pairs } => data::op_make_map(w, *dst, pairs, after),
                        Instr::UpdateMap { dst, base, pairs, strict } => match data::op_update_map(w, *dst, *base, pairs, *strict, code.moved_at(pc), after) { Ok(to) => to, Err(e) => break 'op st.fail_at(pc, e) },
                        Instr::MakeClosure { dst, lambda, captures } => data::op_make_closure(w, code, *dst, *lambda, captures, after),
                        Instr::Concat { dst, parts } => match data::op_concat(w, cx, *dst, parts, after) { Ok(to) => to, Err(e) => break 'op st.fail_at(pc, e) },
                        Instr::Op { op, dst, a, b } => match operator::op_binary(w, *op, *dst, *a, *b, after) { Ok(to) => to, Err(e) => break 'op arith_fail(st, code, pc, e) },
                        Instr::OpInt { op, dst, a, imm } => match operator::op_binary_imm(w, *op, *dst, *a, *imm, after) { Ok(to) => to, Err(e) => break 'op arith_fail(st, code, pc, e) },
                        Instr::Add { dst, a, b } => match operator::op_add(w, *dst, *a, *b, after) { Ok(to) => to, Err(e) => break 'op arith_fail(st, code, pc, e) },
                        Instr::Sub { dst, a, b } => match operator::op_sub(w, *dst, *a, *b, after) { Ok(to) => to, Err(e) => break 'op arith_fail(st, code, pc, e) },
                        Instr::AddInt { dst, a, imm } => match operator::op_add_imm(w, *dst, *a, *imm, after) { Ok(to) => to, Err(e) => break 'op arith_fail(st, code, pc, e) },
                        Instr::SubInt { dst, a, imm } => match operator::op_sub_imm(w, *dst, *a, *imm, after) { Ok(to) => to, Err(e) => break 'op arith_fail(st, code, pc, e) },
                        Instr::Not { dst, src } => match operator::op_not(w, *dst, *src, after) { Ok(to) => to, Err(e) => break 'op st.fail_at(pc, e) },
                        Instr::Bang { dst, src } => operator::op_bang(w, *dst, *src, after),
                        Instr::IsType { dst, src, test } => operator::op_is_type(w, *dst, *src, *test, after),
                        Instr::CheckBool { src, op } => match operator::op_check_bool(w, *src, *op, after) { Ok(to) => to, Err(e) => break 'op st.fail_at(pc, e) },
                        Instr::Jump { to } => branch::op_jump(*to),
                        Instr::JumpIfFalsy { cond, to } => branch::op_jump_if_falsy(w, *cond, *to, after),
                        Instr::JumpUnlessTrue { cond, to } => branch::op_jump_unless_true(w, *cond, *to, after),
                        Instr::TestEq { a, b, fail } => pattern::op_test_eq(w, *a, *b, *fail, after),
                        Instr::TestConst { reg, value, fail } => pattern::op_test_const(w, *reg, value, *fail, after),
                        Instr::TestInt { reg, value, fail } => pattern::op_test_int(w, *reg, *value, *fail, after),
                        Instr::TestTuple { reg, arity, fail } => pattern::op_test_tuple(w, *reg, *arity, *fail, after),
                        Instr::GetElem { dst, tuple, index } => pattern::op_get_elem(w, *dst, *tuple, *index, code.moved_at(pc) != 0, after),
                        Instr::TestCons { reg, head, tail, fail } => pattern::op_test_cons(w, *reg, *head, *tail, *fail, after),
                        Instr::TestNil { reg, fail } => pattern::op_test_nil(w, *reg, *fail, after),
                        Instr::TestMap { reg, fail } => pattern::op_test_map(w, *reg, *fail, after),
                        Instr::MapGet { dst, map, key, fail } => pattern::op_map_get(w, *dst, *map, *key, *fail, after),
                        Instr::TestPrefix { reg, prefix, rest, fail } => pattern::op_test_prefix(w, *reg, *prefix, *rest, *fail, after),
                        Instr::TestBits { reg, segs, fail } => pattern::op_test_bits(w, *reg, segs, *fail, after),
                        Instr::RecvPeek { dst, empty, mark, at } => receive::op_recv_peek(w, cx, *dst, *empty, (*mark, *at), after),
                        Instr::RecvNext { peek } => receive::op_recv_next(cx, *peek),
                        Instr::RecvAccept => receive::op_recv_accept(cx, &mut st.recv, after),
                        // (The raise is built before `st` is borrowed to save the pc.)
                        Instr::MatchFail { kind, value } => match exception::op_match_fail(w, *kind, *value) {
                            raise => break 'op st.fail_at(pc, raise),
                        },
                        Instr::FunctionClause => match exception::op_function_clause(code) {
                            raise => break 'op st.fail_at(pc, raise),
                        },
                        Instr::RaiseReg { class, reason } => match exception::op_raise(w, *class, *reason) {
                            raise => break 'op st.fail_at(pc, raise),
                        },
                        Instr::TryBegin { handler, class, reason, stack, frames } => {
                            exception::op_try_begin(&mut st.handlers, st.frames.len(), *handler, *class, *reason, *stack, *frames, after)
                        }
                        Instr::TryEnd => exception::op_try_end(&mut st.handlers, after),
                        Instr::MoveLoop { dst, src, to } => {
                            data::op_move(w, *dst, *src, || code.moved_at(pc) != 0, 0);
                            if !super::ops::take_reduction(reds) {
                                break 'op st.yield_at(branch::op_loop(*to));
                            }
                            branch::op_loop(*to)
                        }
                        Instr::IntLoop { dst, a, step, sub, to } => match operator::op_int_loop(w, *dst, *a, (*step, *sub), *to, reds, after) {
                            Ok(to) => to,
                            Err(e) => break 'op arith_fail(st, code, pc, e),
                        },
                        Instr::IntLoopTest { dst, a, step, sub, test, to, fail } => {
                            match operator::op_int_loop_test(w, (*dst, *a), (*step, *sub), (*test, *to, *fail), reds, after) {
                                Ok(to) => to,
                                Err(e) => break 'op arith_fail(st, code, pc, e),
                            }
                        }
                        Instr::Loop { to } => {
                            if !super::ops::take_reduction(reds) {
                                break 'op st.yield_at(branch::op_loop(*to));
                            }
                            branch::op_loop(*to)
                        }
                        // The ops on the rest of the machine. The hottest go on in
                        // place here, where the `Next` they give is known. (An `At`
                        // owns nothing: forgetting it spares a call of `Next`'s drop glue.)
                        Instr::Call { dst, target, args } => {
                            // A native runs on this window (see `call_native_in_window`).
                            if let Some(Export { callable: Callable::Native(f), owning, .. }) = target.get()
                                && super::ops::take_reduction(reds)
                            {
                                st.pc = after;
                                let mut ncx = NativeCtx { process: cx, modules: &st.modules, group_leader: &mut st.group_leader };
                                match call_native_in_window(w, &mut ncx, &mut st.native_args, code.moved_at(pc), (*f, *owning), target, *dst, args) {
                                    Ok(()) => { pc = after; continue 'instr; }
                                    Err(c) => break 'op st.native_control(cx, code, c, *dst, reds).unwrap_or_else(Next::Raise),
                                }
                            }
                            if let Some(callee) = st.enter_compiled(running, code, pc, target, *dst, args, reds) {
                                if std::ptr::eq(Arc::as_ptr(callee), code) {
                                    // SAFETY: the call just entered `code` (`nregs` registers) at `st.base`.
                                    #[allow(unsafe_code)]
                                    let entered = unsafe { entered_window(&mut st.regs, st.base, nregs) };
                                    (pc, w) = (0, entered);
                                    continue 'instr;
                                }
                                self.code = Some(CodeRef::named(callee));
                                continue 'frame;
                            }
                            let next = st.op_call(cx, code, pc, *dst, target, args, reds).unwrap_or_else(Next::Raise);
                            let Next::At(to) = next else { break 'op next };
                            std::mem::forget(next);
                            w = &mut st.regs[st.base..st.base + nregs];
                            to
                        }
                        Instr::CallSelf { dst, args } => {
                            if st.enter_code(running, code, pc, code, *dst, args, reds) {
                                // SAFETY: `enter_code` just entered `code` (`nregs` registers) at `st.base`.
                                #[allow(unsafe_code)]
                                let entered = unsafe { entered_window(&mut st.regs, st.base, nregs) };
                                (pc, w) = (0, entered);
                                continue 'instr;
                            }
                            break 'op st.op_call_self(pc, reds);
                        }
                        Instr::CallSelfInt { tmp, a, imm, sub, dst } => {
                            if let Some(v) = operator::small_imm(w, *a, *imm, *sub) {
                                data::put_small(super::ops::fast_reg_mut(w, *tmp), data::Small::Int(v));
                                // The call's own index is `after`: its frame resumes past it.
                                if st.enter_self_int(running, code, after, v, *dst, reds) {
                                    // SAFETY: `enter_self_int` just entered `code` (`nregs` registers) at `st.base`.
                                    #[allow(unsafe_code)]
                                    let entered = unsafe { entered_window(&mut st.regs, st.base, nregs) };
                                    (pc, w) = (0, entered);
                                    continue 'instr;
                                }
                                w = &mut st.regs[st.base..st.base + nregs];
                                after
                            } else {
                                let imm = i64::from(*imm);
                                let done = if *sub { operator::op_sub_imm(w, *tmp, *a, imm, after) } else { operator::op_add_imm(w, *tmp, *a, imm, after) };
                                match done { Ok(to) => to, Err(e) => break 'op st.fail_at(pc, e) }
                            }
                        }
                        Instr::ReturnAdd { dst, a, b } => {
                            let Some(v) = operator::small_sum(w, *a, *b) else {
                                match operator::op_add(w, *dst, *a, *b, after) { Ok(to) => { pc = to; continue 'instr } Err(e) => break 'op st.fail_at(pc, e) }
                            };
                            data::put_small(super::ops::fast_reg_mut(w, *dst), data::Small::Int(v));
                            // No caller: the `Return` after this ends the run.
                            let Some(caller) = st.return_int_to_caller(v) else {
                                (pc, w) = (after, &mut st.regs[st.base..st.base + nregs]);
                                continue 'instr;
                            };
                            if std::ptr::eq(caller.get(), code) {
                                (pc, w) = (st.pc, &mut st.regs[st.base..st.base + nregs]);
                                continue 'instr;
                            }
                            self.code = Some(caller);
                            continue 'frame;
                        }
                        Instr::Return { src } => {
                            let Some(caller) = st.return_to_caller(*src) else { break 'op st.op_return(pc, *src) };
                            if std::ptr::eq(caller.get(), code) {
                                (pc, w) = (st.pc, &mut st.regs[st.base..st.base + nregs]);
                                continue 'instr;
                            }
                            self.code = Some(caller);
                            continue 'frame;
                        }
                        // A base case (`TestInt` and `ReturnConst` in one): jumps
                        // unless its integer is there, and returns as `ReturnConst` does.
                        Instr::ReturnIfInt { reg, test, fail, .. } if !pattern::is_int(w, *reg, i64::from(*test)) => *fail as usize,
                        Instr::ReturnConst { value } | Instr::ReturnIfInt { value, .. } => {
                            let Some(caller) = st.return_const_to_caller(value) else { break 'op st.op_return_const(pc, value) };
                            if std::ptr::eq(caller.get(), code) {
                                (pc, w) = (st.pc, &mut st.regs[st.base..st.base + nregs]);
                                continue 'instr;
                            }
                            self.code = Some(caller);
                            continue 'frame;
                        }
                        Instr::TailCall { target, args } => {
                            // A loop goes on in place (a function's own code is always
                            // callable from itself, public or not).
                            if let Some(to) = super::ops::call::op_self_loop(w, code, target, args, reds) {
                                pc = to;
                                continue 'instr;
                            }
                            if let Some(callee) = st.enter_tail_compiled(code, target, args, reds) {
                                if std::ptr::eq(Arc::as_ptr(callee), code) {
                                    // SAFETY: the call just entered `code` (`nregs` registers) at `st.base`.
                                    #[allow(unsafe_code)]
                                    let entered = unsafe { entered_window(&mut st.regs, st.base, nregs) };
                                    (pc, w) = (0, entered);
                                    continue 'instr;
                                }
                                self.code = Some(CodeRef::named(callee));
                                continue 'frame;
                            }
                            let next = st.op_tail_call(cx, code, pc, target, args, reds).unwrap_or_else(Next::Raise);
                            let Next::At(to) = next else { break 'op next };
                            std::mem::forget(next);
                            w = &mut st.regs[st.base..st.base + nregs];
                            to
                        }
                        Instr::CallDynamic { dst, module, call } => {
                            if let Some(callee) = st.enter_dynamic(running, code, pc, *dst, *module, call.name, &call.args, reds) {
                                self.code = Some(callee);
                                continue 'frame;
                            }
                            break 'op st.op_call_dynamic(cx, code, pc, *dst, *module, call.name, &call.args, reds).unwrap_or_else(Next::Raise);
                        }
                        Instr::CallFun { dst, fun, args } => {
                            if let Some(callee) = st.enter_closure(running, code, pc, *dst, *fun, args, reds) {
                                self.code = Some(callee);
                                continue 'frame;
                            }
                            // A `&Mod.fun/arity` value runs as the named call would: a
                            // native on this window, compiled code entered in place.
                            // (`enter_closure` declined, so the window is as it was.)
                            w = &mut st.regs[st.base..st.base + nregs];
                            if let Some(cell) = export_cell(&mut st.cells, &st.modules, &w[*fun as usize], args.len()) {
                                if let Some(Export { callable: Callable::Native(f), owning, public: true }) = cell.get()
                                    && super::ops::take_reduction(reds)
                                {
                                    st.pc = after;
                                    let mut ncx = NativeCtx { process: cx, modules: &st.modules, group_leader: &mut st.group_leader };
                                    let done = call_native_in_window(w, &mut ncx, &mut st.native_args, code.moved_at(pc), (*f, *owning), &cell, *dst, args);
                                    st.cells.keep(cell);
                                    match done {
                                        Ok(()) => { pc = after; continue 'instr; }
                                        Err(c) => break 'op st.native_control(cx, code, c, *dst, reds).unwrap_or_else(Next::Raise),
                                    }
                                }
                                let entered = st.enter_export(running, code, pc, *dst, &cell, args, reds);
                                st.cells.keep(cell);
                                if let Some(callee) = entered {
                                    self.code = Some(callee);
                                    continue 'frame;
                                }
                            }
                            break 'op st.op_call_fun(cx, code, pc, *dst, *fun, args, reds).unwrap_or_else(Next::Raise);
                        }
                        Instr::TailCallFun { fun, args } => break 'op st.op_tail_call_fun(cx, code, pc, *fun, args, reds).unwrap_or_else(Next::Raise),
                        Instr::Field { dst, src, key } => break 'op st.op_field(cx, code, pc, *dst, *src, *key, reds).unwrap_or_else(Next::Raise),
                        Instr::ToText { dst, src } => break 'op st.op_to_text(cx, code, pc, *dst, *src, reds).unwrap_or_else(Next::Raise),
                        Instr::RecvWait { timeout, peek, expired } => break 'op st.op_recv_wait(cx, pc, *timeout, *peek, *expired).unwrap_or_else(Next::Raise),
                        Instr::DefineModule { module, dst } => break 'op st.op_define_module(code, pc, module, *dst).unwrap_or_else(Next::Raise),
                    };
                    continue 'instr;
                };
                match next {
                    Next::At(to) => {
                        // The op may have moved the window (direct recursion).
                        pc = to;
                        w = &mut st.regs[st.base..st.base + nregs];
                    }
                    other => match self.follow(other) {
                        None => continue 'frame,
                        Some(end) => return end,
                    },
                }
            }
        }
    }

    /// Carries out what an op asked for besides going on at an index (`At`, which
    /// the dispatch takes itself, changes nothing here): `None` when the machine goes
    /// on with the function now running, `Some` when the run ends.
    #[inline(always)]
    fn follow(&mut self, next: Next) -> Option<Result<Step, Raise>> {
        match next {
            Next::At(_) | Next::Reload => None,
            Next::Enter(callee, base, ret) => {
                self.enter(callee, base, ret);
                None
            }
            Next::Replace(callee) => {
                self.replace_frame(callee);
                None
            }
            Next::Return(v) => Some(Ok(self.do_return(v))),
            Next::Stop(step) => Some(Ok(step)),
            Next::Raise(raise) => Some(Err(raise)),
        }
    }

    /// Calls `code` with `args`: the running function (whose `pc` must already be its
    /// resume point) becomes a continuation that receives the result in `ret`.
    fn push_frame(&mut self, code: CodeRef, args: Vec<Term>, ret: Reg) {
        let base = self.top();
        data::stage_args(&mut self.st.regs, base, code.get().nregs as usize, args);
        self.enter(code, base, ret);
    }

    /// End of the running function's window (see the invariants above).
    #[inline]
    fn top(&self) -> usize {
        self.code.as_ref().map_or(0, |c| self.st.base + c.get().nregs as usize)
    }

    /// Drops the stale values above the live windows when the process parks, past
    /// the first [`STALE_KEPT`] of them. Those are kept, as a BEAM process keeps dead
    /// data on its heap until its next collection: a server parking after every
    /// message would otherwise drop them and write them back as `[]` on every
    /// request (a tenth of a `GenServer.call`'s instructions); a deep computation's
    /// garbage is still released before the process goes idle. (Dropping all of
    /// them once there were more than `STALE_KEPT` made a GenServer that started
    /// 260 registers deep drop all 260 when it first parked, and write them back on
    /// its first request.)
    fn trim(&mut self) {
        let kept = self.top() + STALE_KEPT;
        if self.st.regs.len() > kept {
            self.st.regs.truncate(kept);
        }
    }

    /// Makes `code`, whose window starts at `base`, the running function; the
    /// function running until now becomes the caller, resuming at `st.pc`.
    #[inline(always)]
    fn enter(&mut self, code: CodeRef, base: usize, ret: Reg) {
        let st = &mut self.st;
        if let Some(caller) = self.code.replace(code) {
            let (pc, base) = (st.pc, st.base);
            let pushed = push_frame(&mut st.frames, || Frame { code: caller, pc, base, ret });
            debug_assert!(pushed, "the op that asked for this call checked room_for_frame");
        }
        st.pc = 0;
        st.base = base;
    }

    /// Replaces the running function with `callee`, its arguments taken from
    /// `scratch` (a tail call; empty when `State::move_tail_args` already moved
    /// them into place). Registers past the arguments keep stale values: the
    /// compiler never reads a register before writing it, and not clearing them
    /// keeps a tail loop cheap.
    fn replace_frame(&mut self, callee: CodeRef) {
        let st = &mut self.st;
        let base = st.base;
        let n = (callee.get().nregs as usize).max(st.scratch.len());
        data::reserve(&mut st.regs, base + n);
        for (i, v) in st.scratch.drain(..).enumerate() {
            data::put(&mut st.regs[base + i], v);
        }
        self.code = Some(callee);
        st.pc = 0;
    }

    /// The function the run began with returns `v`: the run ends. (A return to a
    /// caller is carried out by the dispatch, `State::return_to_caller`.)
    #[inline(always)]
    fn do_return(&mut self, v: Term) -> Step {
        debug_assert!(self.st.frames.is_empty(), "a return with a caller left is the dispatch's");
        drop(self.code.take());
        let st = &mut self.st;
        st.handlers.clear();
        st.outcome = Some(Outcome::Returned(v));
        Step::Exited(Term::Atom(ATOMS.normal))
    }

    /// Routes an exception to the innermost handler, or ends the process.
    fn unwind(&mut self, raise: Raise) -> Option<Step> {
        self.st.recv = Receiving::default();
        match self.st.handlers.pop() {
            Some(h) if h.depth <= self.st.frames.len() && self.code.is_some() => {
                // Taken before the unwinding drops the frames it lists.
                let trace = h.stack.map(|_| exception::stacktrace(&raise, if h.frames { self.trace(&raise) } else { Term::Nil }));
                let st = &mut self.st;
                if h.depth < st.frames.len() {
                    // The `try` is in a suspended caller: resume it, dropping deeper calls.
                    st.frames.truncate(h.depth + 1);
                    let f = st.frames.pop().expect("depth < len");
                    self.code = Some(f.code);
                    st.base = f.base;
                }
                let base = st.base;
                st.pc = h.label as usize;
                st.regs[base + h.class as usize] = Term::Atom(raise.class.atom());
                if let (Some(stack), Some(trace)) = (h.stack, trace) {
                    st.regs[base + stack as usize] = trace;
                }
                st.regs[base + h.reason as usize] = raise.reason;
                None
            }
            _ => {
                let trace = self.trace(&raise);
                self.code = None;
                let st = &mut self.st;
                st.frames.clear();
                st.regs.clear();
                st.handlers.clear();
                let reason = exit_reason(&raise, trace);
                st.outcome = Some(Outcome::Raised(raise));
                Some(Step::Exited(reason))
            }
        }
    }

    /// The stack where a raise escapes the process, innermost call first (see
    /// [`exception::trace_entry`]). Built only when a process dies from an exception
    /// or a `try` reads `__STACKTRACE__`, so calls pay nothing for it; tail calls
    /// leave no frame, as on BEAM.
    fn trace(&self, raise: &Raise) -> Term {
        // A function none of whose clauses matched is named with its arguments
        // instead of its arity, at the line of its first clause (that of its first
        // instruction), as BEAM names it: `{M, :f, [:c], [line: 9]}`.
        let clause_failure = self.code.as_ref().is_some_and(|c| {
            matches!(self.st.pc.checked_sub(1).and_then(|at| c.get().instrs().get(at)), Some(Instr::FunctionClause))
                && exception::is_function_clause_of(&raise.reason, c.get())
        });
        let current = self.code.as_ref().map(|c| (c, if clause_failure { 1 } else { self.st.pc }));
        let callers = self.st.frames.iter().rev().map(|f| (&f.code, f.pc));
        let mut entries: Vec<Term> = current
            .into_iter()
            .chain(callers)
            .take(exception::TRACE_DEPTH)
            .map(|(code, pc)| exception::trace_entry(&self.st.modules, code.get(), pc))
            .collect();
        if let (true, Some(code), Some(Term::Tuple(top))) = (clause_failure, &self.code, entries.first()) {
            // The parameters follow a closure's captured values in its window.
            let (captured, arity) = (code.get().ncaptured as usize, code.get().arity as usize);
            let params = self.st.base + captured..self.st.base + captured + arity;
            if let Some(args) = self.st.regs.get(params) {
                let mut items = top.to_vec();
                items[2] = Term::list(args.to_vec());
                entries[0] = Term::tuple(items);
            }
        }
        Term::list(entries)
    }
}
