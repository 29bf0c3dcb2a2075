//! Which values a call may move instead of copy: a register passed to a call (or
//! updated by `%{map | ...}`) that no path reads again before writing it is dead
//! after the instruction, so the machine can hand its value over and leave `[]`.
//!
//! That is what lets `Map.put(acc, k, v)` in a reducer update the map in place: the
//! reducer's loop passes `acc` to the closure by move, the closure passes it on to
//! `Map.put` by move, and the map arrives with one owner, as it would on BEAM where
//! nothing is shared by reference count at all.
//!
//! Soundness rests on [`reads`] naming every register an instruction reads: a
//! register missed there could be moved while a later instruction still needs it.
//! Its match lists every field of every variant, so a new instruction or field
//! does not compile until it is accounted for. Writes only sharpen the result and
//! count only where the instruction always writes. A function with a `try` is left
//! alone (a raise anywhere in the region jumps to a handler that may read anything).

use crate::vm::code::{BitSeg, BitSize, Instr, Label, Reg};

/// Per instruction (same length as `code`), a bit mask of the operands it may move:
/// bit `i` is operand `i` of [`operands`] (a call's arguments, a tuple's or list's
/// items, a move's source, a map update's base and values, the tuple an element is
/// read from).
/// Empty when nothing may be moved.
pub fn moved_args(code: &[Instr], nregs: u32, arity: u32) -> Vec<u32> {
    if !code.iter().any(|i| operands(i).is_some()) {
        return Vec::new();
    }
    let Some(guards) = handlers_over(code) else { return Vec::new() };
    let live_out = live_out(code, nregs as usize, arity, &guards);
    code.iter()
        .enumerate()
        .map(|(pc, instr)| match operands(instr) {
            Some((ops, keep)) => mask(&ops, keep, |r| !live_out[pc].has(r)),
            None => 0,
        })
        .collect()
}

/// The operands `instr` may move, in bit order, and a register it must never move
/// (a closure's own register: the machine borrows the callee's code from it for the
/// whole call, `CodeRef::held_by_caller`; a map update's keys and values).
fn operands(instr: &Instr) -> Option<(Vec<Reg>, Option<Reg>)> {
    Some(match instr {
        Instr::Move { src, .. } | Instr::MoveLoop { src, .. } => (vec![*src], None),
        Instr::MakeTuple { items, .. } => (items.to_vec(), None),
        Instr::MakeList { items, tail, .. } => (items.iter().copied().chain(*tail).collect(), None),
        Instr::GetElem { tuple, .. } => (vec![*tuple], None),
        Instr::Call { args, .. } | Instr::CallSelf { args, .. } => (args.to_vec(), None),
        Instr::CallFun { fun, args, .. } => (args.to_vec(), Some(*fun)),
        // The module is read before the arguments move, but is never moved itself.
        Instr::CallDynamic { module, call, .. } => (call.args.to_vec(), Some(*module)),
        Instr::UpdateMap { base, pairs, .. } => {
            // The base, then each pair's value; none is moved that a key names
            // (keys are read as the pairs go in), nor the base if a value does.
            let keyed = |r: &Reg| pairs.iter().any(|(k, _)| k == r);
            let named = keyed(base) || pairs.iter().any(|(_, v)| v == base);
            let values = pairs.iter().map(|(_, v)| if keyed(v) { Reg::MAX } else { *v });
            (std::iter::once(if named { Reg::MAX } else { *base }).chain(values).collect(), None)
        }
        _ => return None,
    })
}

/// Bits of the operands that are dead after the instruction and named once.
fn mask(ops: &[Reg], keep: Option<Reg>, dead: impl Fn(Reg) -> bool) -> u32 {
    let mut mask = 0u32;
    for (i, r) in ops.iter().enumerate().take(32) {
        let once = ops.iter().filter(|q| *q == r).count() == 1;
        if *r != Reg::MAX && once && Some(*r) != keep && dead(*r) {
            mask |= 1 << i;
        }
    }
    mask
}

/// A set of registers.
#[derive(Clone, PartialEq)]
struct RegSet(Vec<u64>);

impl RegSet {
    fn new(nregs: usize) -> RegSet {
        RegSet(vec![0; nregs.div_ceil(64)])
    }
    fn has(&self, r: Reg) -> bool {
        self.0.get(r as usize / 64).is_some_and(|w| w & (1 << (r % 64)) != 0)
    }
    fn insert(&mut self, r: Reg) {
        if let Some(w) = self.0.get_mut(r as usize / 64) {
            *w |= 1 << (r % 64);
        }
    }
    fn remove(&mut self, r: Reg) {
        if let Some(w) = self.0.get_mut(r as usize / 64) {
            *w &= !(1 << (r % 64));
        }
    }
    fn union(&mut self, other: &RegSet) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }
}

/// Per instruction, the handlers of the `try`s whose body it may run in: those
/// whose `TryBegin` comes before it and whose handler label after it (the compiler
/// lays out a body between its `TryBegin` and its handler, and nothing in a body
/// jumps out of it: tail calls are not made there). `None` when a handler label
/// does not follow its `TryBegin`, which would break that layout: then nothing is moved.
fn handlers_over(code: &[Instr]) -> Option<Vec<Vec<usize>>> {
    let mut over = vec![Vec::new(); code.len()];
    for (t, instr) in code.iter().enumerate() {
        if let Instr::TryBegin { handler, .. } = instr {
            let h = *handler as usize;
            if h <= t || h > code.len() {
                return None;
            }
            over[t + 1..h].iter_mut().for_each(|o| o.push(h));
        }
    }
    Some(over)
}

/// The registers live after each instruction: read on some path before written.
/// Backward dataflow to a fixed point. An instruction inside a `try` body may also
/// raise into its handler before it writes anything, so what the handler reads is
/// live before and after it (`guards`, see [`handlers_over`]).
fn live_out(code: &[Instr], nregs: usize, arity: u32, guards: &[Vec<usize>]) -> Vec<RegSet> {
    let mut live_in = vec![RegSet::new(nregs); code.len()];
    let mut out = vec![RegSet::new(nregs); code.len()];
    let mut changed = true;
    while changed {
        changed = false;
        for pc in (0..code.len()).rev() {
            let mut o = RegSet::new(nregs);
            let mut i = RegSet::new(nregs);
            let on_match = match_writes(&code[pc], pc);
            successors(&code[pc], pc, |s| {
                if let Some(l) = live_in.get(s) {
                    o.union(l);
                    if s == pc + 1 && !on_match.is_empty() {
                        let mut l = l.clone();
                        on_match.iter().for_each(|r| l.remove(*r));
                        i.union(&l);
                    } else {
                        i.union(l);
                    }
                }
            });
            if let Some(w) = writes(&code[pc]) {
                i.remove(w);
            }
            for h in &guards[pc] {
                if let Some(l) = live_in.get(*h) {
                    o.union(l);
                    i.union(l);
                }
            }
            reads(&code[pc], arity, &mut |r| i.insert(r));
            if i != live_in[pc] {
                live_in[pc] = i;
                changed = true;
            }
            out[pc] = o;
        }
    }
    out
}

/// Where control may go after `instr` at `pc`.
fn successors(instr: &Instr, pc: usize, mut f: impl FnMut(usize)) {
    let mut to = |l: Label| f(l as usize);
    match instr {
        Instr::Jump { to: t } | Instr::Loop { to: t } | Instr::MoveLoop { to: t, .. } | Instr::RecvNext { peek: t } => to(*t),
        Instr::RecvWait { peek, expired, .. } => {
            to(*peek);
            to(*expired);
        }
        // (`IntLoopTest` goes on past the test at `to` or to its `fail`, both
        // successors of `to`, whose live registers include theirs.)
        Instr::JumpIfFalsy { to: t, .. } | Instr::JumpUnlessTrue { to: t, .. } | Instr::IntLoop { to: t, .. } | Instr::IntLoopTest { to: t, .. } => {
            to(pc as Label + 1);
            to(*t);
        }
        Instr::TestEq { fail, .. }
        | Instr::TestConst { fail, .. }
        | Instr::TestInt { fail, .. }
        | Instr::TestTuple { fail, .. }
        | Instr::TestCons { fail, .. }
        | Instr::TestNil { fail, .. }
        | Instr::TestMap { fail, .. }
        | Instr::MapGet { fail, .. }
        | Instr::TestPrefix { fail, .. }
        | Instr::TestBits { fail, .. }
        | Instr::RecvPeek { empty: fail, .. } => {
            to(pc as Label + 1);
            to(*fail);
        }
        Instr::TryBegin { handler, .. } => {
            to(pc as Label + 1);
            to(*handler);
        }
        // It returns when it does not jump.
        Instr::ReturnIfInt { fail, .. } => to(*fail),
        Instr::Return { .. }
        | Instr::ReturnConst { .. }
        | Instr::TailCall { .. }
        | Instr::TailCallFun { .. }
        | Instr::MatchFail { .. }
        | Instr::FunctionClause
        | Instr::RaiseReg { .. } => {}
        _ => to(pc as Label + 1),
    }
}

/// The register `instr` always writes, if any (a conditional write, as a test's
/// bindings on success only, is not one).
pub(super) fn writes(instr: &Instr) -> Option<Reg> {
    match instr {
        Instr::Move { dst, .. }
        | Instr::MoveLoop { dst, .. }
        | Instr::Const { dst, .. }
        | Instr::MakeTuple { dst, .. }
        | Instr::MakeList { dst, .. }
        | Instr::MakeMap { dst, .. }
        | Instr::UpdateMap { dst, .. }
        | Instr::Op { dst, .. }
        | Instr::OpInt { dst, .. }
        | Instr::Add { dst, .. }
        | Instr::Sub { dst, .. }
        | Instr::AddInt { dst, .. }
        | Instr::SubInt { dst, .. }
        | Instr::CallSelfInt { tmp: dst, .. }
        | Instr::IntLoop { dst, .. }
        | Instr::IntLoopTest { dst, .. }
        | Instr::ReturnAdd { dst, .. }
        | Instr::Not { dst, .. }
        | Instr::Bang { dst, .. }
        | Instr::IsType { dst, .. }
        | Instr::ToText { dst, .. }
        | Instr::Concat { dst, .. }
        | Instr::Field { dst, .. }
        | Instr::GetElem { dst, .. }
        | Instr::Call { dst, .. }
        | Instr::CallSelf { dst, .. }
        | Instr::CallDynamic { dst, .. }
        | Instr::CallFun { dst, .. }
        | Instr::MakeClosure { dst, .. }
        | Instr::DefineModule { dst, .. } => Some(*dst),
        _ => None,
    }
}

/// The registers the test at `pc` writes when it matches, i.e. on the way to the
/// next instruction and not to its `fail` label: a value taken out of a map or a
/// list cell by a pattern is dead before the test on that path, so a loop that
/// takes a map out of its state can still hand it on by move. None when `fail` is
/// the next instruction too: that edge is then also the failing one.
fn match_writes(instr: &Instr, pc: usize) -> Vec<Reg> {
    let (fail, written) = match instr {
        Instr::MapGet { dst, fail, .. } => (*fail, vec![*dst]),
        Instr::RecvPeek { dst, empty, .. } => (*empty, vec![*dst]),
        Instr::TestCons { head, tail, fail, .. } => (*fail, vec![*head, *tail]),
        Instr::TestPrefix { rest, fail, .. } => (*fail, vec![*rest]),
        _ => return Vec::new(),
    };
    if fail as usize == pc + 1 { Vec::new() } else { written }
}

/// Every register `instr` reads. Each variant's fields are named in full, so a new
/// field is a compile error here until it is classified.
pub(super) fn reads(instr: &Instr, arity: u32, f: &mut impl FnMut(Reg)) {
    match instr {
        Instr::Move { dst: _, src } | Instr::MoveLoop { dst: _, src, to: _ } => f(*src),
        Instr::Const { dst: _, value: _ } => {}
        Instr::MakeTuple { dst: _, items } => items.iter().for_each(|r| f(*r)),
        Instr::MakeList { dst: _, items, tail } => {
            items.iter().for_each(|r| f(*r));
            if let Some(t) = tail {
                f(*t);
            }
        }
        Instr::MakeMap { dst: _, pairs } => pairs.iter().for_each(|(k, v)| {
            f(*k);
            f(*v);
        }),
        Instr::UpdateMap { dst: _, base, pairs, strict: _ } => {
            f(*base);
            pairs.iter().for_each(|(k, v)| {
                f(*k);
                f(*v);
            });
        }
        Instr::Op { op: _, dst: _, a, b } => {
            f(*a);
            f(*b);
        }
        Instr::OpInt { op: _, dst: _, a, imm: _ } => f(*a),
        Instr::Add { dst: _, a, b } | Instr::Sub { dst: _, a, b } => {
            f(*a);
            f(*b);
        }
        Instr::AddInt { dst: _, a, imm: _ } | Instr::SubInt { dst: _, a, imm: _ } => f(*a),
        Instr::Not { dst: _, src } | Instr::Bang { dst: _, src } | Instr::ToText { dst: _, src } => f(*src),
        Instr::IsType { dst: _, src, test: _ } => f(*src),
        Instr::CheckBool { src, op: _ } => f(*src),
        Instr::Concat { dst: _, parts } => parts.iter().for_each(|r| f(*r)),
        Instr::Field { dst: _, src, key: _ } => f(*src),
        Instr::Jump { to: _ } | Instr::Loop { to: _ } => {}
        Instr::JumpIfFalsy { cond, to: _ } | Instr::JumpUnlessTrue { cond, to: _ } => f(*cond),
        Instr::TestEq { a, b, fail: _ } => {
            f(*a);
            f(*b);
        }
        Instr::TestConst { reg, value: _, fail: _ }
        | Instr::TestInt { reg, value: _, fail: _ }
        | Instr::TestTuple { reg, arity: _, fail: _ }
        | Instr::TestNil { reg, fail: _ }
        | Instr::TestMap { reg, fail: _ } => f(*reg),
        Instr::GetElem { dst: _, tuple, index: _ } => f(*tuple),
        Instr::TestCons { reg, head: _, tail: _, fail: _ } => f(*reg),
        Instr::MapGet { dst: _, map, key, fail: _ } => {
            f(*map);
            f(*key);
        }
        Instr::TestPrefix { reg, prefix, rest: _, fail: _ } => {
            f(*reg);
            f(*prefix);
        }
        Instr::TestBits { reg, segs, fail: _ } => {
            f(*reg);
            for seg in segs.iter() {
                match seg {
                    BitSeg::Value { dst: _, spec } => {
                        if let BitSize::Reg(r) = spec.size {
                            f(r);
                        }
                    }
                    BitSeg::Bytes(_) => {}
                }
            }
        }
        Instr::Call { dst: _, target: _, args } | Instr::CallSelf { dst: _, args } | Instr::TailCall { target: _, args } => {
            args.iter().for_each(|r| f(*r))
        }
        Instr::CallDynamic { dst: _, module, call } => {
            f(*module);
            call.args.iter().for_each(|r| f(*r));
        }
        Instr::CallFun { dst: _, fun, args } | Instr::TailCallFun { fun, args } => {
            f(*fun);
            args.iter().for_each(|r| f(*r));
        }
        Instr::Return { src } => f(*src),
        Instr::ReturnConst { value: _ } => {}
        Instr::CallSelfInt { tmp: _, a, imm: _, sub: _, dst: _ }
        | Instr::IntLoop { dst: _, a, step: _, sub: _, to: _ }
        | Instr::IntLoopTest { dst: _, a, step: _, sub: _, test: _, to: _, fail: _ } => f(*a),
        Instr::ReturnAdd { dst: _, a, b } => {
            f(*a);
            f(*b);
        }
        Instr::ReturnIfInt { reg, test: _, fail: _, value: _ } => f(*reg),
        Instr::MakeClosure { dst: _, lambda: _, captures } => captures.iter().for_each(|r| f(*r)),
        Instr::MatchFail { kind: _, value } => f(*value),
        // The error names the function's arguments.
        Instr::FunctionClause => (0..arity).for_each(&mut *f),
        Instr::RaiseReg { class, reason } => {
            f(*class);
            f(*reason);
        }
        Instr::TryBegin { handler: _, class: _, reason: _, stack: _, frames: _ } | Instr::TryEnd => {}
        Instr::RecvPeek { dst: _, empty: _, mark, at: _ } => {
            if let Some(m) = mark {
                f(*m);
            }
        }
        Instr::RecvNext { peek: _ } | Instr::RecvAccept => {}
        Instr::RecvWait { timeout, peek: _, expired: _ } => {
            if let Some(t) = timeout {
                f(*t);
            }
        }
        Instr::DefineModule { module: _, dst: _ } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vm::code::BinOp;
    use crate::vm::modules::Modules;
    use crate::vm::native::NativeRegistry;

    fn call(dst: Reg, args: &[Reg]) -> Instr {
        let modules = Modules::new(NativeRegistry::new());
        let cell = modules.cell(crate::term::Atom::new("m"), crate::term::Atom::new("f"), args.len() as u32);
        Instr::Call { dst, target: cell, args: args.into() }
    }

    #[test]
    fn an_argument_read_later_is_copied_and_one_never_read_again_is_moved() {
        // r2 = f(r0, r1); return r0 + r2
        let code = vec![call(2, &[0, 1]), Instr::Op { op: BinOp::Add, dst: 3, a: 0, b: 2 }, Instr::Return { src: 3 }];
        assert_eq!(moved_args(&code, 4, 2), vec![0b10, 0, 0]);
    }

    #[test]
    fn a_loop_keeps_what_the_next_pass_reads_alive() {
        // 0: r2 = f(r0, r1); 1: r1 = r2; 2: loop to 0 (r0 read again next pass; r2
        // dies at the move)
        let code = vec![call(2, &[0, 1]), Instr::Move { dst: 1, src: 2 }, Instr::Loop { to: 0 }];
        assert_eq!(moved_args(&code, 3, 2), vec![0b10, 1, 0]);
    }

    #[test]
    fn a_register_named_twice_or_read_on_a_failure_path_is_not_moved() {
        // 0: test r0 == [] else 3; 1: r1 = f(r0, r0); 2: return r1; 3: return r0
        let code = vec![
            Instr::TestNil { reg: 0, fail: 3 },
            call(1, &[0, 0]),
            Instr::Return { src: 1 },
            Instr::Return { src: 0 },
        ];
        assert_eq!(moved_args(&code, 2, 1), vec![0, 0, 0, 0]);
        // A branch that reads r0 after the call keeps it.
        let code = vec![call(1, &[0]), Instr::JumpIfFalsy { cond: 1, to: 3 }, Instr::Return { src: 1 }, Instr::Return { src: 0 }];
        assert_eq!(moved_args(&code, 2, 1), vec![0, 0, 0, 0]);
    }

    #[test]
    fn a_closure_register_is_never_moved() {
        let code = vec![Instr::CallFun { dst: 1, fun: 0, args: vec![0].into() }, Instr::Return { src: 1 }];
        assert_eq!(moved_args(&code, 2, 1), vec![0, 0]);
        // r1 = r0; r2 = elem(r1, 0); return r2 (r0 and r1 die where they are read)
        let code = vec![Instr::Move { dst: 1, src: 0 }, Instr::GetElem { dst: 2, tuple: 1, index: 0 }, Instr::Return { src: 2 }];
        assert_eq!(moved_args(&code, 3, 1), vec![1, 1, 0]);
    }

    #[test]
    fn a_test_writes_only_on_its_match_path() {
        // 0: r1 = m[r2] else 3; 1: r3 = f(r1); 2: loop to 0; 3: return r1.
        // r1 is written before the call reads it again, except on the failing path,
        // which reads the value of the pass before: the call must not take it.
        let get = |fail| Instr::MapGet { dst: 1, map: 0, key: 2, fail };
        let code = vec![get(3), call(3, &[1]), Instr::Loop { to: 0 }, Instr::Return { src: 1 }];
        assert_eq!(moved_args(&code, 4, 3), vec![0; 4]);
        // Without the failing path's read, the call takes r1 (the next pass writes it first).
        let code = vec![get(3), call(3, &[1]), Instr::Loop { to: 0 }, Instr::Return { src: 3 }];
        assert_eq!(moved_args(&code, 4, 3), vec![0, 1, 0, 0]);
        // A test failing to the next instruction writes nothing there.
        let code = vec![get(1), call(3, &[1]), Instr::Loop { to: 0 }];
        assert_eq!(moved_args(&code, 4, 3), vec![0; 3]);
    }

    fn try_begin(handler: Label) -> Instr {
        Instr::TryBegin { handler, class: 2, reason: 3, stack: None, frames: false }
    }

    #[test]
    fn what_a_try_handler_reads_stays_alive_through_the_body() {
        // 0: try (handler 4); 1: r1 = f(r0); 2: try end; 3: return r1; 4: return r0
        let code = vec![try_begin(4), call(1, &[0]), Instr::TryEnd, Instr::Return { src: 1 }, Instr::Return { src: 0 }];
        assert_eq!(moved_args(&code, 4, 1), vec![0; 5], "the handler reads r0");
        // A handler that reads only the reason lets the call take r0.
        let code = vec![try_begin(4), call(1, &[0]), Instr::TryEnd, Instr::Return { src: 1 }, Instr::Return { src: 3 }];
        assert_eq!(moved_args(&code, 4, 1), vec![0, 1, 0, 0, 0]);
        // Raising before its write, the call leaves r1 as it was: a handler reading
        // r1 keeps it alive through the call that takes and writes it.
        let code = vec![Instr::Move { dst: 1, src: 0 }, try_begin(4), call(1, &[1]), Instr::TryEnd, Instr::Return { src: 1 }];
        assert_eq!(moved_args(&code, 4, 1), vec![1, 0, 0, 0, 0]);
        // A handler label that does not follow its TryBegin turns the analysis off.
        let code = vec![Instr::Return { src: 0 }, try_begin(0), call(1, &[0])];
        assert!(moved_args(&code, 4, 1).is_empty());
    }
}
