//! Compiled code: the register machine's instruction set and function objects.
//!
//! A function's registers live in one per-process `Vec<Term>`; a frame sees the
//! window `base .. base + nregs`. For a named function the arguments arrive in
//! registers `0..arity`; for a closure the captured values come first
//! (`0..ncaptured`), then the arguments. Every variable binding gets a fresh
//! register (the compiler is SSA-like), so a rebinding inside a nested scope
//! (an `if` branch) never clobbers the outer variable.

use super::modules::ExportCell;
use super::type_test::TypeTest;
use crate::term::{Atom, Term};
use std::sync::Arc;

/// A register index within a frame.
pub type Reg = u32;
/// An instruction index within a function.
pub type Label = u32;

/// A compiled function (all clauses of a named function, or one anonymous `fn`).
#[derive(Debug)]
pub struct FunCode {
    /// The module it was written in (`nil` for script top level).
    pub module: Atom,
    /// Its name (`run`, or `-run/1-fun-0-` style for anonymous functions).
    pub name: Atom,
    /// Number of parameters.
    pub arity: u32,
    /// Number of captured values (closures only).
    pub ncaptured: u32,
    /// Registers the frame needs.
    pub nregs: u32,
    /// The instructions; private, so that every `FunCode` comes from
    /// [`FunCode::new`], which establishes the invariant the dispatch relies on.
    code: Box<[Instr]>,
    /// Per instruction, which of its register operands are their last use and may
    /// be moved rather than copied (see `compile::liveness`); empty for none.
    pub moved: Vec<u32>,
    /// Source line of each instruction (same length as `code`), for error reports.
    pub lines: Vec<u32>,
    /// Anonymous functions created by `MakeClosure`.
    pub lambdas: Vec<Arc<FunCode>>,
    /// For `inspect` of closures: `"run/1"` of the enclosing function, or empty.
    pub context: String,
    /// Index of this `fn` within its module.
    pub index: u32,
    /// Pairs `(pc, deferred)`: the compiler moved the argument computation at
    /// `deferred` (pure arithmetic) after the one at `pc` in a loop's back edge, so
    /// it writes its parameter in place; when `pc` raises, `deferred` is checked
    /// first and its raise, if any, is reported, as the written order gives it (see
    /// `compile::builder`'s `compute_args_in_place`). Empty for nearly every function.
    pub deferred: Box<[(u32, u32)]>,
    /// Per lambda, its value when it captures nothing, built once: `MakeClosure`
    /// of such a `fn` (an Agent's `fn s -> s end`, a sort's comparator) costs a
    /// reference count instead of two allocations, as BEAM keeps such funs literal.
    bare: Box<[Option<Term>]>,
}

/// Arithmetic and comparison operators with a fast path in the VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (always a float)
    Div,
    /// `div` (integer division truncating toward zero; `Kernel.div/2`, `:erlang.div/2`)
    IntDiv,
    /// `rem` (remainder with the sign of the dividend; `Kernel.rem/2`, `:erlang.rem/2`)
    Rem,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `===`
    StrictEq,
    /// `!==`
    StrictNe,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
}

/// The error a failed built-in construct raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchFailure {
    /// `=`: `{:badmatch, value}`
    BadMatch,
    /// `case`: `{:case_clause, value}`
    CaseClause,
    /// `with ... else`: `{:with_clause, value}`
    WithClause,
    /// `try ... else`: `{:try_clause, value}`
    TryClause,
    /// `cond`: `:cond_clause` (CondClauseError)
    CondClause,
}

impl MatchFailure {
    /// The error raised when `value` matched no clause of the construct.
    pub fn error(self, value: Term) -> super::raise::Raise {
        super::raise::Raise::error(match self {
            MatchFailure::BadMatch => Term::pair(Term::Atom(crate::term::ATOMS.badmatch), value),
            MatchFailure::CaseClause => Term::pair(Term::atom("case_clause"), value),
            MatchFailure::WithClause => Term::pair(Term::atom("with_clause"), value),
            MatchFailure::TryClause => Term::pair(Term::atom("try_clause"), value),
            MatchFailure::CondClause => Term::atom("cond_clause"),
        })
    }
}

/// The function name and argument registers of an [`Instr::CallDynamic`].
#[derive(Debug)]
pub struct DynamicCall {
    /// The function's name.
    pub name: Atom,
    /// The argument registers.
    pub args: Box<[Reg]>,
}

/// One instruction. Jump targets are instruction indices in the same function.
#[derive(Debug)]
pub enum Instr {
    /// `dst = src`
    Move { dst: Reg, src: Reg },
    /// `dst = constant`
    Const { dst: Reg, value: Term },
    /// `dst = {regs...}`
    MakeTuple { dst: Reg, items: Box<[Reg]> },
    /// `dst = [items... | tail]` (tail `None` means `[]`)
    MakeList { dst: Reg, items: Box<[Reg]>, tail: Option<Reg> },
    /// `dst = %{k => v, ...}`
    MakeMap { dst: Reg, pairs: Box<[(Reg, Reg)]> },
    /// `dst = %{base | k => v}`; `strict` requires every key to exist (`|` syntax).
    UpdateMap { dst: Reg, base: Reg, pairs: Box<[(Reg, Reg)]>, strict: bool },
    /// `dst = a op b` for arithmetic and comparisons.
    Op { op: BinOp, dst: Reg, a: Reg, b: Reg },
    /// `dst = a op imm`: [`Instr::Op`] with a small-integer literal on the right
    /// (`n - 1`, `i < 10`), which skips a register load and a constant copy.
    OpInt { op: BinOp, dst: Reg, a: Reg, imm: i64 },
    /// `dst = a + b`: [`Instr::Op`] for the commonest operator, spelled out so the
    /// dispatch reaches the addition in one jump instead of two (the operator's
    /// own jump table was the second).
    Add { dst: Reg, a: Reg, b: Reg },
    /// `dst = a - b` (see [`Instr::Add`]).
    Sub { dst: Reg, a: Reg, b: Reg },
    /// `dst = a + imm` (see [`Instr::Add`] and [`Instr::OpInt`]).
    AddInt { dst: Reg, a: Reg, imm: i64 },
    /// `dst = a - imm` (see [`Instr::Add`] and [`Instr::OpInt`]).
    SubInt { dst: Reg, a: Reg, imm: i64 },
    /// `dst = not src` with `src` a boolean (`not`) — raises BadBooleanError otherwise.
    Not { dst: Reg, src: Reg },
    /// `dst = !src` (truthiness negation).
    Bang { dst: Reg, src: Reg },
    /// `dst = is_atom(src)` and its kin: a boolean, never a raise.
    IsType { dst: Reg, src: Reg, test: TypeTest },
    /// Raises `{:badbool, op, value}` style error unless `src` is a boolean (`and`/`or` lhs).
    CheckBool { src: Reg, op: Atom },
    /// `dst = "#{src}"` (String.Chars).
    ToText { dst: Reg, src: Reg },
    /// `dst = <<parts...>>` concatenation of binaries.
    Concat { dst: Reg, parts: Box<[Reg]> },
    /// `dst = src.field` on a map: KeyError if missing, BadMapError on non-maps; on an
    /// atom `src` (a module) it calls `src.field()` instead.
    Field { dst: Reg, src: Reg, key: Atom },

    /// Jump.
    Jump { to: Label },
    /// Jump back, counting a reduction: a self tail call compiled as a loop (the
    /// arguments are already in the parameter registers). Yields when the budget is
    /// spent, resuming at `to`.
    Loop { to: Label },
    /// `Move { dst, src }` then `Loop { to }`: the last argument move of a self tail
    /// call fused with its back edge, one dispatch less per pass of a loop.
    MoveLoop { dst: Reg, src: Reg, to: Label },
    /// `AddInt`/`SubInt` (`dst = a + imm`, or `a - imm` when `sub`) then the `Loop { to }`
    /// after it, in one dispatch: a loop's counter written last into its parameter
    /// (`n - 1` in `loop(n - 1, acc + n)`, see `FunBuilder::compute_args_in_place`). A
    /// small-integer result with a reduction left jumps back at once; anything else
    /// (not a small integer, the budget spent) does what the `AddInt`/`SubInt` does and
    /// goes on to the `Loop`, which the builder leaves in place (see `FunBuilder::finish`).
    /// `step` is what is added (`-imm` for a `SubInt`), so the small-integer path is one
    /// checked addition either way; `sub` names the operator for the other paths.
    IntLoop { dst: Reg, a: Reg, step: i32, sub: bool, to: Label },
    /// [`Instr::IntLoop`] whose back edge lands on the `TestInt { reg: dst, value:
    /// test, fail }` at `to` (the first clause's `loop(0, acc)` of a countdown), with
    /// that test done in the same dispatch: a small-integer result with a reduction
    /// left goes on past the test (`to + 1`) when it equals `test`, else to `fail`.
    /// Anything else does what `IntLoop` does; the `TestInt` stays at `to` for the
    /// function's entry and for the `Loop` after this instruction.
    IntLoopTest { dst: Reg, a: Reg, step: i32, sub: bool, test: i32, to: Label, fail: Label },
    /// Jump unless `cond` is truthy.
    JumpIfFalsy { cond: Reg, to: Label },
    /// Jump unless `cond` is exactly `true` (guards).
    JumpUnlessTrue { cond: Reg, to: Label },

    /// Fail (jump) unless `a === b`.
    TestEq { a: Reg, b: Reg, fail: Label },
    /// Fail unless `reg === value`.
    TestConst { reg: Reg, value: Term, fail: Label },
    /// Fail unless `reg` is the integer `value`: [`Instr::TestConst`] for an integer
    /// literal (`def fib(0)`, `loop(0, acc)`), compared without loading a constant
    /// term (the builder picks it, see `FunBuilder::emit`).
    TestInt { reg: Reg, value: i64, fail: Label },
    /// Fail unless `reg` is a tuple of `arity`.
    TestTuple { reg: Reg, arity: u32, fail: Label },
    /// `dst = elem(tuple, index)` (tuple already tested).
    GetElem { dst: Reg, tuple: Reg, index: u32 },
    /// Fail unless `reg` is a cons cell; then `head`/`tail` receive its parts.
    TestCons { reg: Reg, head: Reg, tail: Reg, fail: Label },
    /// Fail unless `reg` is `[]`.
    TestNil { reg: Reg, fail: Label },
    /// Fail unless `reg` is a map.
    TestMap { reg: Reg, fail: Label },
    /// Fail unless map `map` has `key`; then `dst` is its value.
    MapGet { dst: Reg, map: Reg, key: Reg, fail: Label },
    /// Fail unless `reg` is a binary starting with `prefix`; `rest` gets the remainder.
    TestPrefix { reg: Reg, prefix: Reg, rest: Reg, fail: Label },
    /// Bitstring pattern: fail unless `reg` matches the segments; binds their registers.
    TestBits { reg: Reg, segs: Box<[BitSeg]>, fail: Label },

    /// Call a named function through its export cell.
    Call { dst: Reg, target: Arc<ExportCell>, args: Box<[Reg]> },
    /// Call the running function itself by a local call (`fib(n - 1)` in `fib`): a
    /// local call stays in the module version that makes it, as on BEAM, so the
    /// callee is the running code, with no export cell to look up.
    CallSelf { dst: Reg, args: Box<[Reg]> },
    /// `AddInt`/`SubInt` (`tmp = a + imm`, or `a - imm` when `sub`) whose result is the
    /// one argument of the `CallSelf { dst, args: [tmp] }` after it (`fib(n - 1)`), in
    /// one dispatch: a small-integer result goes straight into the callee's parameter
    /// as well as into `tmp`, and the call returns past the `CallSelf`. Anything else
    /// (not a small integer, no reduction left, no room for a frame) does what the
    /// `AddInt`/`SubInt` does and goes on to the `CallSelf`, which the builder leaves
    /// in place (see `FunBuilder::finish`).
    CallSelfInt { tmp: Reg, a: Reg, imm: i32, sub: bool, dst: Reg },
    /// Tail-call a named function (the current frame is replaced).
    TailCall { target: Arc<ExportCell>, args: Box<[Reg]> },
    /// Call `module.name(args)` with the module in a register (`mod.fun()`, `apply`).
    /// (The name and arguments are boxed together: inline, they made this the one
    /// variant over 32 bytes, and every instruction as large as the largest.)
    CallDynamic { dst: Reg, module: Reg, call: Box<DynamicCall> },
    /// Call a function value `fun.(args)`.
    CallFun { dst: Reg, fun: Reg, args: Box<[Reg]> },
    /// Tail-call a function value.
    TailCallFun { fun: Reg, args: Box<[Reg]> },
    /// Return `src` to the caller.
    Return { src: Reg },
    /// Return a constant: `Const` then `Return` in one dispatch (`def f(0), do: 1`,
    /// `:ok` at the end of a function).
    ReturnConst { value: Term },
    /// [`Instr::TestInt`] whose success is [`Instr::ReturnConst`] (a base case,
    /// `def fib(0), do: 0`): returns `value` when `reg` is the integer `test`, else
    /// jumps to `fail`, in one dispatch. The builder makes it from the pair and
    /// leaves the `ReturnConst` after it for any jump that arrives there (see
    /// `FunBuilder::finish`); `test` is an `i32` so the instruction stays 32 bytes.
    ReturnIfInt { reg: Reg, test: i32, fail: Label, value: Term },
    /// `Add { dst, a, b }` whose result the `Return { src: dst }` after it returns
    /// (`fib(n - 1) + fib(n - 2)` at the end of a function), in one dispatch: a sum of
    /// two small integers goes straight into the caller's register. Anything else,
    /// or a return from the function the run began with, does what the `Add` does
    /// and goes on to the `Return`, which the builder leaves in place.
    ReturnAdd { dst: Reg, a: Reg, b: Reg },
    /// `dst = fn ... end` capturing `captures` (in the lambda's expected order).
    MakeClosure { dst: Reg, lambda: u32, captures: Box<[Reg]> },

    /// Raise the error for a failed `=`/`case`/`with`/`try`/`cond` on `value`.
    MatchFail { kind: MatchFailure, value: Reg },
    /// Raise FunctionClauseError for this function (its arguments are registers `0..arity`).
    FunctionClause,
    /// Raise `class` with `reason` (the `raise`/`throw`/`exit` primitives and re-raise).
    RaiseReg { class: Reg, reason: Reg },

    /// Start a protected region: an exception unwinds to `handler` with its class and
    /// reason in `class`/`reason`, and (when `stack` names a register) its stacktrace as
    /// far as otplab knows it: `[{module, function, args, []}]` for a failed built-in
    /// call, which `Exception.normalize/3` reads for Elixir's detailed messages; else `[]`.
    /// With `frames` (a clause reads `__STACKTRACE__`), the call stack's entries follow.
    TryBegin { handler: Label, class: Reg, reason: Reg, stack: Option<Reg>, frames: bool },
    /// End the innermost protected region (normal exit).
    TryEnd,

    /// `receive`: `dst` = the message at the save index, or jump to `empty` if none.
    /// `mark` holds a value every clause needs: when it is the reference this
    /// process created last, the scan skips the messages queued before that (see
    /// `Mailbox::mark`; applying it again on a later peek of the scan changes nothing).
    /// With `at`, every clause needs a tuple with `mark`'s value as its item `at`
    /// (`{:DOWN, ^ref, _, _, _}`): the runtime skips the messages that are not one
    /// without running the patterns, as `RecvNext` would one by one.
    RecvPeek { dst: Reg, empty: Label, mark: Option<Reg>, at: Option<u32> },
    /// `receive`: the current message did not match; advance the save index and jump to `peek`.
    RecvNext { peek: Label },
    /// `receive`: the current message matched; remove it from the mailbox.
    RecvAccept,
    /// `receive`: wait for a new message (then jump to `peek`) or until the timeout in
    /// `timeout` (ms or `:infinity`; `None` = forever) elapses (then jump to `expired`).
    RecvWait { timeout: Option<Reg>, peek: Label, expired: Label },

    /// Define (or redefine) a module; `dst` receives `{:module, Name, <<>>, nil}`.
    DefineModule { module: Arc<ModuleCode>, dst: Reg },
}

/// The right operand of an arithmetic instruction (see [`Instr::arithmetic`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operand {
    /// A register.
    Reg(Reg),
    /// A small integer held in the instruction.
    Imm(i64),
}

impl Instr {
    /// `(op, a, b)` when the instruction computes `a op b` into its one destination
    /// and does nothing else (`Op`, `OpInt`, `Add`, `Sub`, `AddInt`, `SubInt`): pure,
    /// raising at most an ArithmeticError. The compiler moves such an instruction
    /// past others of its kind in a loop's back edge, and the VM recomputes one
    /// aside to find which of them raises first (`FunCode::deferred`): both go by
    /// this one list. `IntLoop` is in it too, for the VM: it is an `AddInt`/`SubInt`
    /// fused with the back edge after the compiler has moved what it moves.
    pub fn arithmetic(&self) -> Option<(BinOp, Reg, Operand)> {
        Some(match *self {
            Instr::Op { op, a, b, .. } => (op, a, Operand::Reg(b)),
            Instr::OpInt { op, a, imm, .. } => (op, a, Operand::Imm(imm)),
            Instr::Add { a, b, .. } => (BinOp::Add, a, Operand::Reg(b)),
            Instr::Sub { a, b, .. } => (BinOp::Sub, a, Operand::Reg(b)),
            Instr::AddInt { a, imm, .. } => (BinOp::Add, a, Operand::Imm(imm)),
            Instr::SubInt { a, imm, .. } => (BinOp::Sub, a, Operand::Imm(imm)),
            Instr::IntLoop { a, step, sub, .. } | Instr::IntLoopTest { a, step, sub, .. } => if sub { (BinOp::Sub, a, Operand::Imm(-i64::from(step))) } else { (BinOp::Add, a, Operand::Imm(i64::from(step))) },
            _ => return None,
        })
    }

    /// The registers the instruction's small-integer path reads and writes without a
    /// bounds check (`vm::ops::fast_reg`): [`FunCode::new`] makes the frame larger than
    /// each of them. Every instruction whose op reaches `fast_reg` is listed here.
    pub fn fast_registers(&self) -> impl Iterator<Item = Reg> {
        use Instr::*;
        let regs: [Option<Reg>; 3] = match *self {
            Add { dst, a, b } | Sub { dst, a, b } | ReturnAdd { dst, a, b } => [Some(dst), Some(a), Some(b)],
            AddInt { dst, a, .. } | SubInt { dst, a, .. } | IntLoop { dst, a, .. } | IntLoopTest { dst, a, .. } => [Some(dst), Some(a), None],
            CallSelfInt { tmp, a, .. } => [Some(tmp), Some(a), None],
            TestInt { reg, .. } | ReturnIfInt { reg, .. } => [Some(reg), None, None],
            _ => [None; 3],
        };
        regs.into_iter().flatten()
    }

    /// Every jump target of the instruction. The match has no catch-all, so a new
    /// instruction must say whether it jumps: [`FunCode::new`]'s bounds invariant
    /// depends on seeing every label (and the compiler patches pending jumps
    /// through it).
    pub fn labels_mut(&mut self) -> impl Iterator<Item = &mut Label> {
        use Instr::*;
        let (first, second) = match self {
            Jump { to } | Loop { to } | MoveLoop { to, .. } | IntLoop { to, .. } | JumpIfFalsy { to, .. } | JumpUnlessTrue { to, .. } => (Some(to), None),
            IntLoopTest { to, fail, .. } => (Some(to), Some(fail)),
            TestEq { fail, .. }
            | TestConst { fail, .. }
            | TestInt { fail, .. }
            | TestTuple { fail, .. }
            | TestCons { fail, .. }
            | TestNil { fail, .. }
            | TestMap { fail, .. }
            | MapGet { fail, .. }
            | TestPrefix { fail, .. }
            | TestBits { fail, .. }
            | ReturnIfInt { fail, .. } => (Some(fail), None),
            TryBegin { handler, .. } => (Some(handler), None),
            RecvPeek { empty, .. } => (Some(empty), None),
            RecvNext { peek } => (Some(peek), None),
            RecvWait { peek, expired, .. } => (Some(peek), Some(expired)),
            Move { .. }
            | Const { .. }
            | MakeTuple { .. }
            | MakeList { .. }
            | MakeMap { .. }
            | UpdateMap { .. }
            | Op { .. }
            | OpInt { .. }
            | Add { .. }
            | Sub { .. }
            | AddInt { .. }
            | SubInt { .. }
            | Not { .. }
            | Bang { .. }
            | IsType { .. }
            | CheckBool { .. }
            | ToText { .. }
            | Concat { .. }
            | Field { .. }
            | GetElem { .. }
            | Call { .. }
            | CallSelf { .. }
            | CallSelfInt { .. }
            | TailCall { .. }
            | CallDynamic { .. }
            | CallFun { .. }
            | TailCallFun { .. }
            | Return { .. }
            | ReturnConst { .. }
            | ReturnAdd { .. }
            | MakeClosure { .. }
            | MatchFail { .. }
            | FunctionClause
            | RaiseReg { .. }
            | TryEnd
            | RecvAccept
            | DefineModule { .. } => (None, None),
        };
        first.into_iter().chain(second)
    }
}

pub use super::bits::{BitSeg, BitSize, BitSpec, BitType};

/// What [`FunCode::new`] is built from: every field of [`FunCode`].
pub struct FunParts {
    /// See [`FunCode::module`].
    pub module: Atom,
    /// See [`FunCode::name`].
    pub name: Atom,
    /// See [`FunCode::arity`].
    pub arity: u32,
    /// See [`FunCode::ncaptured`].
    pub ncaptured: u32,
    /// See [`FunCode::nregs`].
    pub nregs: u32,
    /// The instructions, ending with a `Return` of register `nregs - 1` (the return
    /// of a tail call the VM could not turn into a frame replacement).
    pub code: Vec<Instr>,
    /// See [`FunCode::moved`].
    pub moved: Vec<u32>,
    /// See [`FunCode::lines`].
    pub lines: Vec<u32>,
    /// See [`FunCode::lambdas`].
    pub lambdas: Vec<Arc<FunCode>>,
    /// See [`FunCode::context`].
    pub context: String,
    /// See [`FunCode::index`].
    pub index: u32,
    /// See [`FunCode::deferred`].
    pub deferred: Vec<(u32, u32)>,
}

/// The message of a jump the compiler left pointing past the end of a function.
const BAD_LABEL: &str = "otplab internal error: a jump past the end of a function";

impl FunCode {
    /// Builds a function, establishing the invariant that lets the dispatch index
    /// the instructions without a bounds check: **every instruction index the
    /// machine can reach is in range.** The machine only ever goes to `pc + 1`
    /// after an instruction that does not end its function, to a label, or to the
    /// trailing `Return` (`code.len() - 1`); so it holds when every label is in
    /// range and the last instruction is a `Return`. A label out of range (a
    /// compiler bug) is sent to an appended block that raises a RuntimeError
    /// saying so, followed by a fresh trailing `Return`.
    pub fn new(parts: FunParts) -> FunCode {
        let FunParts { module, name, arity, ncaptured, mut nregs, mut code, mut moved, mut lines, lambdas, context, index, deferred } = parts;
        let ends_with_return = matches!(code.last(), Some(Instr::Return { .. }));
        // A label out of range goes to `len`, where the raising block is appended.
        let len = code.len();
        let mut out_of_range = false;
        for l in code.iter_mut().flat_map(Instr::labels_mut) {
            if *l as usize >= len {
                *l = len as Label;
                out_of_range = true;
            }
        }
        if out_of_range || !ends_with_return {
            let (class, reason, scratch) = (nregs, nregs + 1, nregs + 2);
            nregs += 3;
            let error = super::raise::Raise::exception("RuntimeError", BAD_LABEL).reason;
            code.push(Instr::Const { dst: class, value: Term::Atom(Atom::new("error")) });
            code.push(Instr::Const { dst: reason, value: error });
            code.push(Instr::RaiseReg { class, reason });
            code.push(Instr::Return { src: scratch });
            let line = lines.last().copied().unwrap_or(0);
            lines.resize(code.len(), line);
            if !moved.is_empty() {
                moved.resize(code.len(), 0);
            }
        }
        // The invariant of `vm::ops::fast_reg`: the window covers every register an
        // instruction's unchecked path touches (the compiler allocates them all
        // below `nregs` already; this makes it so whatever built the parts).
        if let Some(top) = code.iter().flat_map(Instr::fast_registers).max() {
            nregs = nregs.max(top.saturating_add(1));
        }
        let bare = lambdas.iter().map(|lam| (lam.ncaptured == 0).then(|| FunCode::closure(lam, Vec::new()))).collect();
        let deferred = deferred.into_boxed_slice();
        FunCode { module, name, arity, ncaptured, nregs, code: code.into_boxed_slice(), moved, lines, lambdas, context, index, deferred, bare }
    }

    /// The value of lambda `lam` closed over `env` (its captured values, in order).
    pub(crate) fn closure(lam: &Arc<FunCode>, env: Vec<Term>) -> Term {
        let fun = crate::term::Fun {
            arity: lam.arity,
            kind: crate::term::FunKind::Closure { module: lam.module, context: lam.context.clone(), index: lam.index, code: lam.clone(), env },
        };
        Term::Fun(Arc::new(fun))
    }

    /// The prebuilt value of lambda `lambda` when it captures nothing.
    #[inline]
    pub(crate) fn bare_closure(&self, lambda: u32) -> Option<&Term> {
        self.bare.get(lambda as usize)?.as_ref()
    }

    /// The instructions.
    #[inline(always)]
    pub fn instrs(&self) -> &[Instr] {
        &self.code
    }

    /// The instructions, for the dispatch: see [`Body`].
    #[inline(always)]
    pub(crate) fn body(&self) -> Body<'_> {
        Body(&self.code)
    }

    /// The source line of instruction `pc` (0 when unknown).
    pub fn line_at(&self, pc: usize) -> u32 {
        self.lines.get(pc).copied().unwrap_or(0)
    }

    /// The moved-operand mask of instruction `pc` (bit `i`: argument `i` of a call,
    /// or the base of a map update, is dead afterwards).
    #[inline(always)]
    pub fn moved_at(&self, pc: usize) -> u32 {
        self.moved.get(pc).copied().unwrap_or(0)
    }
}

/// A function's instructions as the dispatch reads them: taken once when a
/// function starts running, so the loop keeps the slice itself rather than
/// reloading it from the `FunCode` after every write (the code is reached through
/// a raw handle, so the compiler cannot tell the writes never touch it). Made only
/// by [`FunCode::body`], so it always holds a whole function's code.
#[derive(Clone, Copy)]
pub(crate) struct Body<'a>(&'a [Instr]);

impl<'a> Body<'a> {
    /// The instruction at `pc`, which the machine reached: in range by the
    /// invariant of [`FunCode::new`].
    #[inline(always)]
    #[allow(unsafe_code)]
    pub(crate) fn at(self, pc: usize) -> &'a Instr {
        debug_assert!(pc < self.0.len(), "pc {pc} past the end of a function");
        // SAFETY: `pc` is an index the machine reached, so it is in range: see
        // `FunCode::new`, the only constructor of a `FunCode` (its `code` is private
        // and never mutated), and this slice is a whole `FunCode`'s `code`.
        unsafe { self.0.get_unchecked(pc) }
    }
}

/// A compiled module, installed when its `defmodule` runs.
#[derive(Debug)]
pub struct ModuleCode {
    /// The module name.
    pub name: Atom,
    /// Every function: name, arity, public?, code.
    pub functions: Vec<(Atom, u32, bool, Arc<FunCode>)>,
    /// Struct fields with defaults, if the module has `defstruct`/`defexception`.
    pub struct_fields: Option<Vec<(Atom, Term)>>,
    /// True for `defexception`.
    pub is_exception: bool,
    /// `@enforce_keys`: fields every `%Name{}` and `struct!/2` must give.
    pub enforce_keys: Vec<Atom>,
    /// The value of the body's last form (`{:hi, 0}` after `def hi`, `:ok` after an
    /// attribute or `use`, the struct after `defstruct`, `nil` for an empty body).
    pub last: Term,
}

impl ModuleCode {
    /// What `defmodule` evaluates to: `{:module, Name, bytecode, last}`. otplab has no
    /// BEAM bytecode to show, so that element is an empty binary.
    pub fn result(&self) -> Term {
        Term::tuple(vec![Term::atom("module"), Term::Atom(self.name), Term::bytes(Vec::new()), self.last.clone()])
    }
}

/// True when the values of `srcs` can be moved into registers `0..n` one by one,
/// in order: no source below `n` is overwritten before it is read (a source may
/// be its own target). Otherwise the moves need temporaries.
pub fn moves_in_place(srcs: &[Reg]) -> bool {
    let n = srcs.len();
    srcs.iter().enumerate().all(|(i, r)| *r as usize >= n || *r as usize == i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(code: Vec<Instr>, nregs: u32) -> FunParts {
        let lines = vec![7; code.len()];
        FunParts { module: Atom::new("nil"), name: Atom::new("f"), arity: 0, ncaptured: 0, nregs, code, moved: Vec::new(), lines, lambdas: Vec::new(), context: String::new(), index: 0, deferred: Vec::new() }
    }

    #[test]
    fn well_formed_code_is_kept_as_built() {
        let f = FunCode::new(parts(vec![Instr::Jump { to: 1 }, Instr::Return { src: 0 }], 1));
        assert_eq!(f.instrs().len(), 2);
        assert_eq!(f.nregs, 1);
    }

    #[test]
    fn a_label_past_the_end_goes_to_a_raise_and_the_code_still_ends_in_a_return() {
        let f = FunCode::new(parts(vec![Instr::TestNil { reg: 0, fail: 99 }, Instr::Return { src: 0 }], 1));
        let Instr::TestNil { fail, .. } = f.instrs()[0] else { panic!("TestNil") };
        assert!(matches!(f.instrs()[fail as usize], Instr::Const { .. }));
        assert!(matches!(f.instrs()[fail as usize + 2], Instr::RaiseReg { .. }));
        assert!(matches!(f.instrs().last(), Some(Instr::Return { src: 3 })));
        assert_eq!(f.nregs, 4);
        assert_eq!(f.lines.len(), f.instrs().len());
    }

    #[test]
    fn the_window_covers_every_register_read_unchecked() {
        // `Add`'s small-integer path reads and writes without bounds checks: a frame
        // too small for its operands is widened, whatever built the parts.
        let f = FunCode::new(parts(vec![Instr::Add { dst: 0, a: 1, b: 7 }, Instr::Return { src: 0 }], 2));
        assert_eq!(f.nregs, 8);
        let f = FunCode::new(parts(vec![Instr::IntLoop { dst: 5, a: 0, step: -1, sub: true, to: 0 }, Instr::Return { src: 0 }], 2));
        assert_eq!(f.nregs, 6);
        // Other instructions' registers are checked where they are read.
        let f = FunCode::new(parts(vec![Instr::Move { dst: 0, src: 9 }, Instr::Return { src: 0 }], 2));
        assert_eq!(f.nregs, 2);
    }

    #[test]
    fn code_without_a_trailing_return_gets_one() {
        let f = FunCode::new(parts(vec![Instr::Jump { to: 0 }], 0));
        assert!(matches!(f.instrs().last(), Some(Instr::Return { .. })));
    }
}

// Every instruction is as large as the largest variant, and the dispatch indexes
// them by multiplying with the size: keep it at four words.
const _: () = assert!(std::mem::size_of::<Instr>() == 32, "Instr grew past 32 bytes");
