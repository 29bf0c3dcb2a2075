//! [`FunBuilder`]: emits one function's instructions, allocates registers and labels,
//! and tracks variable scopes.
//!
//! Every binding gets a fresh register, so scopes are just name → register maps that
//! are saved and restored around nested constructs (a variable bound in an `if`
//! branch does not leak out, as in Elixir). Exclusive branches (the clauses of a
//! function, the arms of a `case`) start from the same register: nothing one of them
//! binds or computes outlives it (each ends in a return, or in a jump to the join,
//! whose code reads only registers allocated before the branches), so the next one
//! reuses its registers; see [`FunBuilder::branch_from`]. A function's window is
//! the most any path needs, not the sum of all its clauses.

use crate::term::{Atom, Term};
use crate::vm::code::{FunCode, FunParts, Instr, Label, Reg};
use std::collections::HashMap;
use std::sync::Arc;

/// Variables visible at a point: name → register.
pub type Scope = HashMap<String, Reg>;

/// Builds one [`FunCode`].
pub struct FunBuilder {
    /// The module being compiled (`nil` at script level).
    pub module: Atom,
    /// The function's name.
    pub name: Atom,
    /// Its arity.
    pub arity: u32,
    /// Captured variables (closures): names in register order `0..`.
    pub captured: Vec<String>,
    /// Emitted instructions.
    pub code: Vec<Instr>,
    /// Line of each instruction.
    pub lines: Vec<u32>,
    /// Closures created by this function.
    pub lambdas: Vec<Arc<FunCode>>,
    /// Visible variables.
    pub scope: Scope,
    /// Names the enclosing function makes available for capture (closures only).
    pub outer: Option<Scope>,
    /// Names of the outer variables actually captured so far (closures only).
    pub line: u32,
    next_reg: Reg,
    /// The most registers allocated so far on any branch (see [`FunBuilder::branch_from`]).
    high_reg: Reg,
    /// The furthest target [`FunBuilder::patch`] gave a jump (none is past the end).
    patched_to: Option<Label>,
    /// For inspect: `"run/1"` of the enclosing named function.
    pub context: String,
    /// Index of this `fn` within its module.
    pub index: u32,
    /// The function calls itself (a loop): its branches keep their tests'
    /// registers apart from later branches' bodies (see [`FunBuilder::tested`]).
    pub loops: bool,
    /// Argument computations moved after others (see `FunCode::deferred`).
    deferred: Vec<(u32, u32)>,
}

/// A set of exclusive branches being compiled: the register the next one starts
/// at, past the tests of those before it (see [`FunBuilder::tested`]).
#[derive(Debug, Clone, Copy)]
pub struct Branches {
    from: Reg,
}

impl FunBuilder {
    /// A builder whose first `nparams` registers hold the parameters.
    pub fn new(module: Atom, name: Atom, arity: u32, first_free: Reg) -> FunBuilder {
        FunBuilder {
            patched_to: None,
            module,
            name,
            arity,
            captured: Vec::new(),
            code: Vec::new(),
            lines: Vec::new(),
            lambdas: Vec::new(),
            scope: Scope::new(),
            outer: None,
            line: 0,
            next_reg: first_free,
            high_reg: first_free,
            context: String::new(),
            index: 0,
            loops: false,
            deferred: Vec::new(),
        }
    }

    /// A fresh register.
    pub fn reg(&mut self) -> Reg {
        let r = self.next_reg;
        self.next_reg += 1;
        r
    }

    /// Begins a set of exclusive branches (the clauses of a function, the arms of a
    /// `case`) at the next free register; see [`FunBuilder::branch_from`].
    pub fn branches(&self) -> Branches {
        Branches { from: self.next_reg }
    }

    /// Starts one of the exclusive branches of `set`: the registers the branches
    /// before it allocated in their bodies are free again. Only for branches nothing
    /// follows but a return or the join, where what is read was allocated before the
    /// set began.
    pub fn branch_from(&mut self, set: &Branches) {
        self.high_reg = self.high_reg.max(self.next_reg);
        self.next_reg = set.from;
    }

    /// Ends the test of the current branch of `set` (its patterns and guard): in a
    /// function that [`loops`](FunBuilder::loops), the branches after it start past
    /// the registers the test used. Every pass of a loop runs the tests of the
    /// branches before the one it takes; sharing their registers with its body had
    /// them overwrite, each pass, what the body left for the next one (a literal the
    /// next `Const` finds in place, a tuple the next `MakeTuple` refills): an ETS
    /// counter loop with a guard clause first took a count up and down of its
    /// `{2, 1}` per pass, 12% of its time. Elsewhere the registers stay shared,
    /// which keeps a GenServer's window (`handle_message`'s five clauses) small.
    pub fn tested(&self, set: &mut Branches) {
        if self.loops {
            set.from = set.from.max(self.next_reg);
        }
    }

    /// Ends a set of exclusive branches: registers allocated after the join come
    /// past every register any branch used, so none of them is shared with a value
    /// a branch left behind.
    pub fn branches_done(&mut self) {
        self.next_reg = self.next_reg.max(self.high_reg);
    }

    /// Emits `instr`, returning its index (a `TestConst` of an integer as a `TestInt`).
    pub fn emit(&mut self, instr: Instr) -> usize {
        // An integer literal is tested without a constant term (see `Instr::TestInt`).
        let instr = match instr {
            Instr::TestConst { reg, value: Term::Int(value), fail } => Instr::TestInt { reg, value, fail },
            other => other,
        };
        self.code.push(instr);
        self.lines.push(self.line);
        self.code.len() - 1
    }

    /// Moves `srcs[i]` into register `i` for every `i`, as if all at once: sources
    /// that a move would overwrite before they are read go through fresh registers.
    /// Returns how many moves it emitted.
    fn emit_parallel_move(&mut self, srcs: &[Reg]) -> usize {
        let before = self.code.len();
        if crate::vm::code::moves_in_place(srcs) {
            for (i, r) in srcs.iter().enumerate() {
                if *r as usize != i {
                    self.emit(Instr::Move { dst: i as Reg, src: *r });
                }
            }
        } else {
            let temps: Vec<Reg> = srcs
                .iter()
                .map(|r| {
                    let t = self.reg();
                    self.emit(Instr::Move { dst: t, src: *r });
                    t
                })
                .collect();
            for (i, t) in temps.into_iter().enumerate() {
                self.emit(Instr::Move { dst: i as Reg, src: t });
            }
        }
        self.code.len() - before
    }

    /// Returns `v`; when the instruction just emitted put a constant in `v`, the
    /// two become one `ReturnConst`. (Not when a jump was patched to arrive
    /// between them: that path would return `v` without the constant.)
    pub fn emit_return(&mut self, v: Reg) {
        let here = self.here();
        if self.patched_to.is_none_or(|t| t < here)
            && matches!(self.code.last(), Some(Instr::Const { dst, .. }) if *dst == v)
            && let Some(Instr::Const { value, .. }) = self.code.pop()
        {
            self.lines.pop();
            self.emit(Instr::ReturnConst { value });
            return;
        }
        self.emit(Instr::Return { src: v });
    }

    /// The back edge of a self tail call: moves `srcs` into the parameter registers
    /// and jumps to the clause dispatch, the last move fused into the jump
    /// (`MoveLoop`). Nothing can jump between the moves and the back edge: they are
    /// emitted here, after every argument is computed.
    pub fn emit_loop(&mut self, srcs: &[Reg]) {
        let mut srcs = srcs.to_vec();
        self.compute_args_in_place(&mut srcs);
        let moves = self.emit_parallel_move(&srcs);
        match self.code.last() {
            Some(&Instr::Move { dst, src }) if moves > 0 => {
                self.code.pop();
                self.lines.pop();
                self.emit(Instr::MoveLoop { dst, src, to: 0 });
            }
            _ => {
                self.emit(Instr::Loop { to: 0 });
            }
        }
    }

    /// Before the moves of a self tail call: an argument computed into a register
    /// of its own (`acc + n` in `loop(n - 1, acc + n)`) is computed straight into
    /// its parameter register instead, one move fewer on every pass, when that is
    /// the same as moving it there at the end: the instruction computing it writes
    /// one register and nothing else, and everything after it up to the moves runs
    /// straight on (no jump leaves it and none arrives in it), reads neither the
    /// parameter nor the argument's register, and writes neither; no other
    /// argument is that parameter or that register.
    ///
    /// When what follows reads the parameter (`acc + n` after `n - 1`), an
    /// arithmetic argument is moved after it instead, so it still writes its
    /// parameter last (see [`FunBuilder::defer_arithmetic`]).
    fn compute_args_in_place(&mut self, srcs: &mut [Reg]) {
        let end = self.code.len();
        for i in 0..srcs.len() {
            let (param, arg) = (i as Reg, srcs[i]);
            if arg == param || srcs.iter().enumerate().any(|(j, r)| j != i && (*r == param || *r == arg)) {
                continue;
            }
            let Some(at) = self.code.iter().rposition(|instr| super::liveness::writes(instr) == Some(arg)) else { continue };
            if self.patched_to.is_some_and(|t| t as usize > at) {
                continue;
            }
            let (mut touched, mut reads_param) = (false, false);
            for instr in &mut self.code[at + 1..end] {
                touched |= super::liveness::writes(instr).is_some_and(|w| w == param || w == arg);
                super::liveness::reads(instr, self.arity, &mut |r| {
                    touched |= r == arg;
                    reads_param |= r == param;
                });
                touched |= instr.labels_mut().next().is_some();
            }
            if touched {
                continue;
            }
            let at = if reads_param {
                match self.defer_arithmetic(at, end) {
                    Some(to) => to,
                    None => continue,
                }
            } else {
                at
            };
            let dst = match &mut self.code[at] {
                Instr::Add { dst, .. }
                | Instr::Sub { dst, .. }
                | Instr::AddInt { dst, .. }
                | Instr::SubInt { dst, .. }
                | Instr::Op { dst, .. }
                | Instr::OpInt { dst, .. }
                | Instr::Const { dst, .. }
                | Instr::MakeTuple { dst, .. }
                | Instr::MakeList { dst, .. }
                | Instr::Call { dst, .. }
                | Instr::CallSelf { dst, .. } => dst,
                _ => continue,
            };
            *dst = param;
            srcs[i] = param;
        }
    }

    /// Moves the arithmetic instruction at `at` to the end of `at..end` (the
    /// argument computations of a loop's back edge) and returns its new index, when
    /// everything it passes is arithmetic, a constant or a move (nothing with an
    /// effect, nothing but an ArithmeticError to raise) and writes no register it
    /// reads; `None` leaves the code as it is. Its parameter is then written after
    /// the instructions that read it (`n - 1` after `acc + n`): on the common path
    /// the loop's counter goes from its register back into it, with no copy
    /// between. What the order written raises is kept: each instruction passed is
    /// recorded in `deferred`, and when one of them raises, the moved one is tried
    /// first on the same registers (`vm::ops::operator::first_failure`). One move a
    /// function at most (and past eight instructions at most): the `deferred` list
    /// describes a single one, so a second back edge keeps its move.
    fn defer_arithmetic(&mut self, at: usize, end: usize) -> Option<usize> {
        let arithmetic = |instr: &Instr| instr.arithmetic().is_some();
        if !arithmetic(&self.code[at]) || end - at > 8 || !self.deferred.is_empty() {
            return None;
        }
        let mut inputs = Vec::new();
        super::liveness::reads(&self.code[at], self.arity, &mut |r| inputs.push(r));
        let passable = self.code[at + 1..end].iter().all(|instr| {
            (arithmetic(instr) || matches!(instr, Instr::Const { .. } | Instr::Move { .. }))
                && super::liveness::writes(instr).is_some_and(|w| !inputs.contains(&w))
        });
        if !passable {
            return None;
        }
        let moved = self.code.remove(at);
        self.code.insert(end - 1, moved);
        let line = self.lines.remove(at);
        self.lines.insert(end - 1, line);
        self.deferred = (at..end - 1).map(|pc| (pc as u32, (end - 1) as u32)).collect();
        Some(end - 1)
    }

    /// The index the next instruction will have (a label target).
    pub fn here(&self) -> Label {
        self.code.len() as Label
    }

    /// A placeholder label to be patched with [`FunBuilder::patch`].
    pub const PENDING: Label = Label::MAX;

    /// Points every pending jump in `sites` to `target`.
    pub fn patch(&mut self, sites: &[usize], target: Label) {
        if !sites.is_empty() {
            self.patched_to = self.patched_to.max(Some(target));
        }
        for &i in sites {
            patch_instr(&mut self.code[i], target);
        }
    }

    /// Finishes the function. A trailing `Return` of a reserved last register is
    /// appended: the VM uses it to return the result of a tail call it could not
    /// turn into a frame replacement (a native target).
    pub fn finish(mut self) -> FunCode {
        self.branches_done();
        let scratch = self.reg();
        self.emit(Instr::Return { src: scratch });
        let moved = super::liveness::moved_args(&self.code, self.next_reg, self.arity + self.captured.len() as u32);
        fuse_pairs(&mut self.code);
        fuse_loop_tests(&mut self.code);
        FunCode::new(FunParts {
            moved,
            module: self.module,
            name: self.name,
            arity: self.arity,
            ncaptured: self.captured.len() as u32,
            nregs: self.next_reg,
            code: self.code,
            lines: self.lines,
            lambdas: self.lambdas,
            context: self.context,
            index: self.index,
            deferred: self.deferred,
        })
    }
}

/// Fuses the hot pairs of a body recursion into one dispatch each. Every fused
/// instruction replaces the first of its pair and does what that one did when it
/// cannot do both (see each in `vm::code`); the second stays where it was, so no
/// index moves, a jump that arrives at it still finds it, and what each register
/// holds at each index is unchanged: the moves computed before stay right.
/// - `TestInt` then `ReturnConst` (a clause whose head tests an integer literal and
///   whose body is a constant: `def fib(1), do: 1`) becomes `ReturnIfInt`;
/// - `AddInt`/`SubInt` into a register that is the one argument of the `CallSelf`
///   after it (`fib(n - 1)`) becomes `CallSelfInt`;
/// - `Add` whose result the `Return` after it returns becomes `ReturnAdd`;
/// - `AddInt`/`SubInt` then the `Loop` of a back edge (`n - 1` written last into its
///   parameter) becomes `IntLoop`.
fn fuse_pairs(code: &mut [Instr]) {
    for i in 1..code.len() {
        let fused = match (&code[i - 1], &code[i]) {
            (Instr::TestInt { reg, value, fail }, Instr::ReturnConst { value: result }) => {
                i32::try_from(*value).ok().map(|test| Instr::ReturnIfInt { reg: *reg, test, fail: *fail, value: result.clone() })
            }
            (Instr::AddInt { dst: tmp, a, imm } | Instr::SubInt { dst: tmp, a, imm }, Instr::CallSelf { dst, args })
                if **args == [*tmp] =>
            {
                let sub = matches!(code[i - 1], Instr::SubInt { .. });
                i32::try_from(*imm).ok().map(|imm| Instr::CallSelfInt { tmp: *tmp, a: *a, imm, sub, dst: *dst })
            }
            (Instr::Add { dst, a, b }, Instr::Return { src }) if src == dst => Some(Instr::ReturnAdd { dst: *dst, a: *a, b: *b }),
            (Instr::AddInt { dst, a, imm } | Instr::SubInt { dst, a, imm }, Instr::Loop { to }) => {
                let sub = matches!(code[i - 1], Instr::SubInt { .. });
                i32::try_from(if sub { -*imm } else { *imm }).ok().map(|step| Instr::IntLoop { dst: *dst, a: *a, step, sub, to: *to })
            }
            _ => None,
        };
        if let Some(instr) = fused {
            code[i - 1] = instr;
        }
    }
}

/// Folds into an `IntLoop` the `TestInt` its back edge lands on, when that test
/// reads the counter the loop just wrote (`def loop(0, acc), do: acc` before
/// `def loop(n, acc), do: loop(n - 1, acc + n)`): `IntLoopTest`, one dispatch a
/// pass fewer. As in [`fuse_pairs`], nothing moves: the `TestInt` stays for the
/// function's entry and the `Loop` after the `IntLoop` stays for its slow path.
fn fuse_loop_tests(code: &mut [Instr]) {
    for i in 0..code.len() {
        if let Instr::IntLoop { dst, a, step, sub, to } = code[i]
            && let Some(Instr::TestInt { reg, value, fail }) = code.get(to as usize)
            && *reg == dst
            && let Ok(test) = i32::try_from(*value)
        {
            code[i] = Instr::IntLoopTest { dst, a, step, sub, test, to, fail: *fail };
        }
    }
}

fn patch_instr(instr: &mut Instr, target: Label) {
    for slot in instr.labels_mut() {
        if *slot == FunBuilder::PENDING {
            *slot = target;
        }
    }
}
