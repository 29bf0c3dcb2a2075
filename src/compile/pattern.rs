//! Patterns and guards.
//!
//! A pattern compiles to tests on a subject register that jump to a fail label,
//! and to bindings. Within one pattern a repeated variable (`{z, z}`) must be equal
//! at both places; `^x` compares with the existing `x`.

use super::builder::FunBuilder;
use super::error::{CResult, CompileError};
use super::expr::{Compiler, alias_atom};
use crate::syntax::ast::{BinaryOp, BitSegment, CallTarget, InterpPart, Node, NodeKind, UnaryOp};
use crate::syntax::Span;
use crate::term::{ATOMS, Atom, Term};
use crate::vm::code::{BitSeg, BitSize, BitSpec, BitType, Instr, MatchFailure, Reg};
use std::collections::HashMap;

impl<'m> Compiler<'m> {
    /// `lhs = rhs`: match, bind, and evaluate to the right-hand side.
    pub fn match_expr(&mut self, b: &mut FunBuilder, lhs: &Node, rhs: &Node) -> CResult<Reg> {
        let v = self.expr(b, rhs)?;
        let mut fails = Vec::new();
        let mut bound = HashMap::new();
        self.pattern(b, lhs, v, &mut fails, &mut bound)?;
        if !fails.is_empty() {
            let ok = b.emit(Instr::Jump { to: FunBuilder::PENDING });
            let here = b.here();
            b.patch(&fails, here);
            b.emit(Instr::MatchFail { kind: MatchFailure::BadMatch, value: v });
            let end = b.here();
            b.patch(&[ok], end);
        }
        for (n, r) in bound {
            b.scope.insert(n, r);
        }
        Ok(v)
    }

    /// Compiles a pattern against `subject`. Failed tests are appended to `fails`;
    /// new bindings go to `bound` (the caller adds them to the scope).
    pub fn pattern(
        &mut self,
        b: &mut FunBuilder,
        p: &Node,
        subject: Reg,
        fails: &mut Vec<usize>,
        bound: &mut HashMap<String, Reg>,
    ) -> CResult<()> {
        if let Some(expanded) = self.record_expansion(p, true) {
            return self.pattern(b, &expanded?, subject, fails, bound);
        }
        if let Some(var) = super::expr::var_bang(p) {
            return self.pattern(b, &var, subject, fails, bound);
        }
        match &p.kind {
            NodeKind::Var(name) => {
                self.var_pattern(b, name, subject, fails, bound)
            }
            NodeKind::Int(_) | NodeKind::BigInt(_) | NodeKind::Float(_) | NodeKind::Atom(_) | NodeKind::Str(_) | NodeKind::Bytes(_) | NodeKind::Charlist(_) => {
                let value = literal_term(p).ok_or_else(|| CompileError::invalid(p.span, "invalid literal in pattern"))?;
                fails.push(b.emit(Instr::TestConst { reg: subject, value, fail: FunBuilder::PENDING }));
                Ok(())
            }
            NodeKind::Alias(segs) => {
                let a = alias_atom(&self.module, segs);
                fails.push(b.emit(Instr::TestConst { reg: subject, value: Term::Atom(a), fail: FunBuilder::PENDING }));
                Ok(())
            }
            NodeKind::UnaryOp { op: UnaryOp::Pin, operand } => {
                let NodeKind::Var(name) = &operand.kind else {
                    return Err(CompileError::invalid(p.span, "the pin operator ^ expects a variable"));
                };
                let Some(r) = b.scope.get(name).copied() else {
                    return Err(CompileError::invalid(p.span, format!("undefined variable ^{name}")));
                };
                fails.push(b.emit(Instr::TestEq { a: subject, b: r, fail: FunBuilder::PENDING }));
                Ok(())
            }
            NodeKind::UnaryOp { op: UnaryOp::Neg, operand } => match operand.kind {
                NodeKind::Int(i) => {
                    fails.push(b.emit(Instr::TestConst { reg: subject, value: Term::Int(-i), fail: FunBuilder::PENDING }));
                    Ok(())
                }
                NodeKind::Float(f) => {
                    fails.push(b.emit(Instr::TestConst { reg: subject, value: Term::Float(-f), fail: FunBuilder::PENDING }));
                    Ok(())
                }
                _ => Err(CompileError::invalid(p.span, "invalid pattern")),
            },
            NodeKind::Tuple(items) => {
                fails.push(b.emit(Instr::TestTuple { reg: subject, arity: items.len() as u32, fail: FunBuilder::PENDING }));
                for (i, item) in items.iter().enumerate() {
                    if is_wildcard(item) {
                        continue;
                    }
                    let r = b.reg();
                    b.emit(Instr::GetElem { dst: r, tuple: subject, index: i as u32 });
                    self.pattern(b, item, r, fails, bound)?;
                }
                Ok(())
            }
            NodeKind::List { items, tail } => {
                let mut cur = subject;
                for item in items {
                    let h = b.reg();
                    let t = b.reg();
                    fails.push(b.emit(Instr::TestCons { reg: cur, head: h, tail: t, fail: FunBuilder::PENDING }));
                    self.pattern(b, item, h, fails, bound)?;
                    cur = t;
                }
                match tail {
                    Some(t) => self.pattern(b, t, cur, fails, bound),
                    None => {
                        fails.push(b.emit(Instr::TestNil { reg: cur, fail: FunBuilder::PENDING }));
                        Ok(())
                    }
                }
            }
            NodeKind::Map { base: None, pairs } => {
                fails.push(b.emit(Instr::TestMap { reg: subject, fail: FunBuilder::PENDING }));
                self.map_pairs_pattern(b, pairs, subject, fails, bound)
            }
            NodeKind::Struct { name, base: None, pairs } => {
                self.struct_pattern(b, name, pairs, subject, fails, bound)
            }
            NodeKind::BinaryOp { op: BinaryOp::Match, lhs, rhs } => {
                self.pattern(b, lhs, subject, fails, bound)?;
                self.pattern(b, rhs, subject, fails, bound)
            }
            NodeKind::BinaryOp { op: BinaryOp::StrConcat, lhs, rhs } => {
                self.prefix_pattern(b, lhs, rhs, subject, fails, bound)
            }
            NodeKind::BinaryOp { op: op @ (BinaryOp::Range | BinaryOp::Step), lhs, rhs }
                if *op == BinaryOp::Range || matches!(&lhs.kind, NodeKind::BinaryOp { op: BinaryOp::Range, .. }) =>
            {
                self.range_pattern(b, p, subject, fails, bound)
            }
            NodeKind::Bitstring(segs) => self.bits_pattern(b, p.span, segs, subject, fails, bound),
            NodeKind::Attribute { name, value: None } => {
                let n = self
                    .module
                    .attributes
                    .get(name)
                    .cloned()
                    .ok_or_else(|| CompileError::invalid(p.span, format!("undefined module attribute @{name}")))?;
                self.pattern(b, &n, subject, fails, bound)
            }
            NodeKind::Call { target: CallTarget::Local(name), args, .. } if name == "__MODULE__" && args.is_empty() => {
                let m = self.module.name.map(Term::Atom).unwrap_or_else(Term::nil);
                fails.push(b.emit(Instr::TestConst { reg: subject, value: m, fail: FunBuilder::PENDING }));
                Ok(())
            }
            NodeKind::Interpolated { .. } => Err(CompileError::invalid(p.span, "interpolation is not allowed in patterns, use <> with a literal prefix")),
            _ => Err(CompileError::invalid(p.span, format!("cannot use this expression in a pattern: {}", describe(p)))),
        }
    }

    /// A variable in a pattern: ignored (`_x`), a test against an earlier binding of it in the same pattern, or a new binding.
    fn var_pattern(&mut self, b: &mut FunBuilder, name: &str, subject: Reg, fails: &mut Vec<usize>, bound: &mut HashMap<String, Reg>) -> CResult<()> {
        if name.starts_with('_') {
            return Ok(());
        }
        if name == "__MODULE__" {
            let m = self.module.name.map(Term::Atom).unwrap_or_else(Term::nil);
            fails.push(b.emit(Instr::TestConst { reg: subject, value: m, fail: FunBuilder::PENDING }));
            return Ok(());
        }
        match bound.get(name) {
            Some(prev) => {
                fails.push(b.emit(Instr::TestEq { a: subject, b: *prev, fail: FunBuilder::PENDING }));
            }
            None => {
                // Registers are written once (SSA), so the variable can
                // simply name the subject's register: no copy.
                bound.insert(name.to_string(), subject);
            }
        }
        Ok(())
    }

    /// `%Name{...}` (or `%name{...}`, binding the module) as a pattern.
    fn struct_pattern(&mut self, b: &mut FunBuilder, name: &Node, pairs: &[(Node, Node)], subject: Reg, fails: &mut Vec<usize>, bound: &mut HashMap<String, Reg>) -> CResult<()> {
        fails.push(b.emit(Instr::TestMap { reg: subject, fail: FunBuilder::PENDING }));
        let k = self.constant(b, Term::Atom(ATOMS.struct_))?;
        let v = b.reg();
        fails.push(b.emit(Instr::MapGet { dst: v, map: subject, key: k, fail: FunBuilder::PENDING }));
        match &name.kind {
            NodeKind::Var(n) if n != "__MODULE__" => {
                // %name{} binds the struct's module.
                self.pattern(b, name, v, fails, bound)?;
            }
            _ => {
                let m = self.struct_module(name)?;
                let fields = self.struct_fields(m, name.span, StructUse::Pattern)?;
                check_struct_keys(m, &fields, pairs)?;
                fails.push(b.emit(Instr::TestConst { reg: v, value: Term::Atom(m), fail: FunBuilder::PENDING }));
            }
        }
        self.map_pairs_pattern(b, pairs, subject, fails, bound)
    }

    /// `"literal" <> rest` as a pattern.
    fn prefix_pattern(&mut self, b: &mut FunBuilder, lhs: &Node, rhs: &Node, subject: Reg, fails: &mut Vec<usize>, bound: &mut HashMap<String, Reg>) -> CResult<()> {
        let literal = |parts: &[InterpPart]| -> Option<Vec<u8>> {
            let mut bytes = Vec::new();
            for x in parts {
                match x {
                    InterpPart::Lit(s) => bytes.extend_from_slice(s.as_bytes()),
                    InterpPart::Bytes(b) => bytes.extend_from_slice(b),
                    InterpPart::Expr(_) => return None,
                }
            }
            Some(bytes)
        };
        let prefix = match &lhs.kind {
            NodeKind::Str(s) => Some(s.as_bytes().to_vec()),
            NodeKind::Bytes(b) => Some(b.clone()),
            NodeKind::Interpolated { parts, charlist: false } => literal(parts),
            _ => None,
        };
        let Some(prefix) = prefix else {
            return Err(CompileError::invalid(lhs.span, "the left argument of <> in a pattern must be a literal string"));
        };
        let pr = self.constant(b, Term::bytes(prefix))?;
        let rest = b.reg();
        fails.push(b.emit(Instr::TestPrefix { reg: subject, prefix: pr, rest, fail: FunBuilder::PENDING }));
        self.pattern(b, rhs, rest, fails, bound)
    }

    /// `first..last` or `first..last//step` as a pattern: a `Range` struct.
    fn range_pattern(&mut self, b: &mut FunBuilder, p: &Node, subject: Reg, fails: &mut Vec<usize>, bound: &mut HashMap<String, Reg>) -> CResult<()> {
        let NodeKind::BinaryOp { op, lhs, rhs } = &p.kind else {
            return Err(CompileError::invalid(p.span, "invalid range pattern"));
        };
        let (first, last, step) = match (&lhs.kind, op) {
            (NodeKind::BinaryOp { lhs: f, rhs: l, .. }, BinaryOp::Step) => (&**f, &**l, Some(&**rhs)),
            _ => (&**lhs, &**rhs, None),
        };
        let mut pairs = vec![
            (Node::new(NodeKind::Atom("first".into()), p.span), first.clone()),
            (Node::new(NodeKind::Atom("last".into()), p.span), last.clone()),
        ];
        if let Some(step) = step {
            pairs.push((Node::new(NodeKind::Atom("step".into()), p.span), step.clone()));
        }
        fails.push(b.emit(Instr::TestMap { reg: subject, fail: FunBuilder::PENDING }));
        let k = self.constant(b, Term::Atom(ATOMS.struct_))?;
        let v = b.reg();
        fails.push(b.emit(Instr::MapGet { dst: v, map: subject, key: k, fail: FunBuilder::PENDING }));
        fails.push(b.emit(Instr::TestConst { reg: v, value: Term::Atom(ATOMS.range), fail: FunBuilder::PENDING }));
        self.map_pairs_pattern(b, &pairs, subject, fails, bound)
    }

    fn map_pairs_pattern(
        &mut self,
        b: &mut FunBuilder,
        pairs: &[(Node, Node)],
        subject: Reg,
        fails: &mut Vec<usize>,
        bound: &mut HashMap<String, Reg>,
    ) -> CResult<()> {
        for (k, v) in pairs {
            let key = match &k.kind {
                NodeKind::UnaryOp { op: UnaryOp::Pin, operand } => match &operand.kind {
                    NodeKind::Var(n) => *b
                        .scope
                        .get(n)
                        .ok_or_else(|| CompileError::invalid(k.span, format!("undefined variable ^{n}")))?,
                    _ => return Err(CompileError::invalid(k.span, "invalid map key in pattern")),
                },
                _ => {
                    let t = literal_term(k).ok_or_else(|| CompileError::invalid(k.span, "only literals and pinned variables are allowed as map keys in patterns"))?;
                    self.constant(b, t)?
                }
            };
            let r = b.reg();
            fails.push(b.emit(Instr::MapGet { dst: r, map: subject, key, fail: FunBuilder::PENDING }));
            self.pattern(b, v, r, fails, bound)?;
        }
        Ok(())
    }

    fn bits_pattern(
        &mut self,
        b: &mut FunBuilder,
        _span: Span,
        segs: &[BitSegment],
        subject: Reg,
        fails: &mut Vec<usize>,
        bound: &mut HashMap<String, Reg>,
    ) -> CResult<()> {
        let mut out = Vec::new();
        let mut binds = Vec::new();
        // Variables bound by earlier segments of this pattern (usable in `size(n)`).
        let mut here: HashMap<String, Reg> = HashMap::new();
        for s in segs {
            let (spec, size) = seg_spec(s)?;
            if let NodeKind::Str(lit) = &s.value.kind
                && matches!(spec.ty, BitType::Integer | BitType::Binary)
                && spec.size == BitSize::Default
                && size.is_none()
            {
                out.push(BitSeg::Bytes(lit.clone().into_bytes()));
                continue;
            }
            let size = match size {
                None => spec.size,
                Some(n) => match &n.kind {
                    NodeKind::Var(v) => match here.get(v).or_else(|| bound.get(v)).or_else(|| b.scope.get(v)) {
                        Some(r) => BitSize::Reg(*r),
                        None => return Err(CompileError::invalid(n.span, format!("undefined variable \"{v}\" in bitstring segment size"))),
                    },
                    NodeKind::UnaryOp { op: UnaryOp::Pin, operand } => match &operand.kind {
                        NodeKind::Var(v) if b.scope.contains_key(v) => BitSize::Reg(b.scope[v]),
                        _ => return Err(CompileError::invalid(n.span, "a bitstring size must be an integer or a variable")),
                    },
                    _ => return Err(CompileError::unsupported(n.span, "a bitstring size that is an expression")),
                },
            };
            let r = b.reg();
            if let NodeKind::Var(v) = &s.value.kind
                && !v.starts_with('_')
            {
                here.insert(v.clone(), r);
            }
            out.push(BitSeg::Value { dst: r, spec: BitSpec { size, ..spec } });
            binds.push((r, &s.value));
        }
        fails.push(b.emit(Instr::TestBits { reg: subject, segs: out.into(), fail: FunBuilder::PENDING }));
        for (r, node) in binds {
            self.pattern(b, node, r, fails, bound)?;
        }
        Ok(())
    }

    /// Builds a bitstring value `<<a, b::binary>>`. When every segment is a binary, a
    /// string or a plain byte, the parts are concatenated; otherwise all segments go
    /// to `:otplab_bits.build/1` together (fields narrower than a byte share bytes).
    pub fn bitstring_value(&mut self, b: &mut FunBuilder, _span: Span, segs: &[BitSegment]) -> CResult<Reg> {
        // `"é"::utf16`: a string literal with a utf type is one segment per code point.
        let mut expanded = Vec::new();
        for s in segs {
            match &s.value.kind {
                NodeKind::Str(text) if matches!(seg_spec(s)?.0.ty, BitType::Utf8 | BitType::Utf16 | BitType::Utf32) => {
                    for c in text.chars() {
                        expanded.push(BitSegment { value: Node::new(NodeKind::Int(c as i64), s.value.span), specs: s.specs.clone() });
                    }
                }
                _ => expanded.push(s.clone()),
            }
        }
        let segs = &expanded[..];
        let mut specs = Vec::new();
        for s in segs {
            let (mut spec, size) = seg_spec(s)?;
            // A string literal in a segment without a type is its bytes.
            let is_text = matches!(s.value.kind, NodeKind::Str(_) | NodeKind::Interpolated { .. });
            if is_text && spec.ty == BitType::Integer && spec.size == BitSize::Default && size.is_none() {
                spec = BitSpec { ty: BitType::Binary, unit: 8, ..spec };
            }
            specs.push((spec, size));
        }
        let plain = |spec: &BitSpec, size: &Option<&Node>| {
            size.is_none()
                && spec.size == BitSize::Default
                && ((spec.ty == BitType::Binary) || (spec.ty == BitType::Integer && spec.unit == 1 && !spec.little))
        };
        let dst = b.reg();
        if specs.iter().all(|(spec, size)| plain(spec, size)) {
            let mut parts = Vec::new();
            for (s, (spec, _)) in segs.iter().zip(&specs) {
                let v = self.expr(b, &s.value)?;
                parts.push(if spec.ty == BitType::Binary { v } else { self.call_regs(b, "Elixir.Kernel", "__byte_to_binary__", vec![v]) });
            }
            b.emit(Instr::Concat { dst, parts: parts.into() });
            return Ok(dst);
        }
        let mut items = Vec::new();
        for (s, (spec, size)) in segs.iter().zip(&specs) {
            let v = self.expr(b, &s.value)?;
            let size_reg = match (size, spec.size) {
                (Some(n), _) => self.expr(b, n)?,
                (None, BitSize::Const(n)) => self.constant(b, Term::Int(i64::from(n)))?,
                (None, _) => self.constant(b, Term::nil())?,
            };
            let spec_reg = self.constant(b, spec_term(spec))?;
            let seg = b.reg();
            b.emit(Instr::MakeTuple { dst: seg, items: vec![v, size_reg, spec_reg].into() });
            items.push(seg);
        }
        let list = b.reg();
        b.emit(Instr::MakeList { dst: list, items: items.into(), tail: None });
        Ok(self.call_regs(b, "otplab_bits", "build", vec![list]))
    }

    /// Compiles a guard: falls through when it is `true`, jumps to a fail label
    /// otherwise. An error inside the guard makes it false, as in Elixir.
    pub fn guard(&mut self, b: &mut FunBuilder, g: &Node, fails: &mut Vec<usize>) -> CResult<()> {
        // `a and b` holds exactly when `a` is `true` and then `b` is `true` (a
        // non-boolean `a` raises, which in a guard is a failure too), so each side
        // is a guard of its own: `is_atom(m) and is_list(a)` is two tests and two
        // jumps, with no `try` for the sides that cannot raise.
        if let NodeKind::BinaryOp { op: BinaryOp::And, lhs, rhs } = &g.kind {
            self.guard(b, lhs, fails)?;
            return self.guard(b, rhs, fails);
        }
        // `when a when b` (several guards): a, or else b, each on its own (a raise
        // in `a` only sends the clause on to `b`).
        if let NodeKind::BinaryOp { op: BinaryOp::When, lhs, rhs } = &g.kind {
            let mut first = Vec::new();
            self.guard(b, lhs, &mut first)?;
            let pass = b.emit(Instr::Jump { to: FunBuilder::PENDING });
            let second = b.here();
            b.patch(&first, second);
            self.guard(b, rhs, fails)?;
            let here = b.here();
            b.patch(&[pass], here);
            return Ok(());
        }
        let protect = guard_may_raise(g) || self.calls_local_function(g);
        let class = b.reg();
        let reason = b.reg();
        let t = if protect { Some(b.emit(Instr::TryBegin { handler: FunBuilder::PENDING, class, reason, stack: None, frames: false })) } else { None };
        let v = self.expr(b, g)?;
        if let Some(t) = t {
            b.emit(Instr::TryEnd);
            let ok = b.emit(Instr::Jump { to: FunBuilder::PENDING });
            let handler = b.here();
            b.patch(&[t], handler);
            fails.push(b.emit(Instr::Jump { to: FunBuilder::PENDING }));
            let here = b.here();
            b.patch(&[ok], here);
        }
        fails.push(b.emit(Instr::JumpUnlessTrue { cond: v, to: FunBuilder::PENDING }));
        Ok(())
    }

    /// True if `g` calls a function of the module being compiled (a `defguard` is one:
    /// its body may raise, which in a guard only means "no match").
    fn calls_local_function(&self, g: &Node) -> bool {
        let mut found = false;
        let mut visit = |n: &Node| {
            if let NodeKind::Call { target: CallTarget::Local(name), args, .. } = &n.kind
                && self.module.locals.contains_key(&(name.clone(), args.len() as u32))
            {
                found = true;
            }
        };
        visit(g);
        super::expr::visit_children(g, &mut |c| {
            if self.calls_local_function(c) {
                found = true;
            }
        });
        found
    }

    /// The fields (with defaults) of struct `module`, named at `span` as `used`, or
    /// the error Elixir's expansion of `%module{}` gives there.
    ///
    /// Elixir expands a file (or a shell input) whole before it runs any of it, so
    /// code outside every module (the file's own lines, and functions written
    /// there) cannot use a struct that a `defmodule` of the same file defines: that
    /// module does not exist yet when the code is expanded. Inside a module the
    /// struct is usable once its `defmodule` came earlier in the file, as its body
    /// has run by then.
    fn struct_fields(&self, module: Atom, span: Span, used: StructUse) -> CResult<Vec<(Atom, Term)>> {
        let loaded = || self.modules.info(module).and_then(|i| i.struct_fields).or_else(|| builtin_struct_fields(module));
        let this_unit = self.structs.get(&module);
        if this_unit.is_some() && self.module.name.is_none() && loaded().is_none() {
            return Err(CompileError::invalid(
                span,
                format!(
                    "cannot access struct {}, the struct was not yet defined or the struct is being accessed in the same context that defines it",
                    inspect_atom(module)
                ),
            ));
        }
        this_unit.cloned().or_else(loaded).ok_or_else(|| {
            let name = inspect_atom(module);
            let arity = match used {
                StructUse::Value => 1,
                StructUse::Pattern => 0,
            };
            CompileError::invalid(
                span,
                format!(
                    "{name}.__struct__/{arity} is undefined, cannot expand struct {name}. Make sure the struct name is correct. \
                     If the struct name exists and is correct but it still cannot be found, you likely have cyclic module usage in your code"
                ),
            )
        })
    }

    /// The module a struct name refers to.
    pub fn struct_module(&self, name: &Node) -> CResult<Atom> {
        match &name.kind {
            NodeKind::Alias(segs) => Ok(alias_atom(&self.module, segs)),
            NodeKind::Var(v) | NodeKind::Call { target: CallTarget::Local(v), .. } if v == "__MODULE__" => self
                .module
                .name
                .ok_or_else(|| CompileError::invalid(name.span, "__MODULE__ is nil outside a module")),
            NodeKind::Atom(a) => Ok(Atom::new(a)),
            _ => Err(CompileError::invalid(name.span, "expected a module name after %")),
        }
    }

    /// `%Mod{k: v}` or `%Mod{base | k: v}` as a value.
    pub fn struct_literal(&mut self, b: &mut FunBuilder, span: Span, name: &Node, base: Option<&Node>, pairs: &[(Node, Node)]) -> CResult<Reg> {
        let module = self.struct_module(name)?;
        let fields = self.struct_fields(module, span, StructUse::Value)?;
        check_struct_keys(module, &fields, pairs)?;
        if base.is_none() {
            let enforced = self
                .enforce_keys
                .get(&module)
                .cloned()
                .or_else(|| self.modules.info(module).map(|i| i.enforce_keys))
                .unwrap_or_default();
            let given: Vec<Atom> = pairs.iter().filter_map(|(k, _)| literal_term(k).and_then(|t| t.as_atom())).collect();
            let missing: Vec<Term> = enforced.iter().filter(|k| !given.contains(k)).map(|k| Term::Atom(*k)).collect();
            if !missing.is_empty() {
                // Elixir refuses this when compiling; otplab raises the same error where it runs.
                let message = crate::vm::builtins::enforce_message(module, &missing);
                let exc = crate::vm::raise::exception_struct("ArgumentError", vec![("message", Term::string(message))]);
                let class = self.constant(b, Term::atom("error"))?;
                let reason = self.constant(b, exc)?;
                b.emit(Instr::RaiseReg { class, reason });
                return Ok(reason);
            }
        }
        let regs = self.pair_regs(b, pairs)?;
        let dst = b.reg();
        match base {
            Some(base) => return self.update_map(b, base, regs),
            None if self.dynamic_structs.contains(&module) => {
                let m = self.constant(b, Term::Atom(module))?;
                let fresh = self.call_regs(b, "Elixir.Kernel", "struct", vec![m]);
                b.emit(Instr::UpdateMap { dst, base: fresh, pairs: regs.into(), strict: true });
            }
            None => {
                let mut all = Vec::new();
                let ks = self.constant(b, Term::Atom(ATOMS.struct_))?;
                let ms = self.constant(b, Term::Atom(module))?;
                all.push((ks, ms));
                for (f, default) in &fields {
                    let kr = self.constant(b, Term::Atom(*f))?;
                    let vr = self.constant(b, default.clone())?;
                    all.push((kr, vr));
                }
                all.extend(regs);
                b.emit(Instr::MakeMap { dst, pairs: all.into() });
            }
        }
        Ok(dst)
    }
}

/// Where a struct is named: Elixir expands `%M{}` as a value through
/// `M.__struct__/1` and as a pattern through `M.__struct__/0`, and names the one it
/// could not find.
#[derive(Clone, Copy)]
enum StructUse {
    Value,
    Pattern,
}

/// A module's name as Elixir prints it (`M`, `Foo.Bar`, `:erlang_mod`).
fn inspect_atom(module: Atom) -> String {
    crate::term::inspect::inspect(&Term::Atom(module))
}

/// Every key of `%module{pairs}` is an atom naming one of `fields`.
fn check_struct_keys(module: Atom, fields: &[(Atom, Term)], pairs: &[(Node, Node)]) -> CResult<()> {
    for (k, _) in pairs {
        let Some(key) = literal_term(k).and_then(|t| t.as_atom()) else {
            return Err(CompileError::invalid(k.span, "struct fields must be atoms"));
        };
        if !fields.iter().any(|(f, _)| *f == key) {
            return Err(CompileError::invalid(
                k.span,
                format!("unknown key {} for struct {}", inspect_atom(key), inspect_atom(module)),
            ));
        }
    }
    Ok(())
}

/// The spec of a segment and its `size(...)` expression when that is not a literal.
fn seg_spec(s: &BitSegment) -> CResult<(BitSpec, Option<&Node>)> {
    let mut spec = BitSpec { ty: BitType::Integer, size: BitSize::Default, unit: 0, signed: false, little: false };
    let mut size_expr = None;
    for m in &s.specs {
        match &m.kind {
            NodeKind::Var(n) | NodeKind::Call { target: CallTarget::Local(n), .. } => {
                let arg = match &m.kind {
                    NodeKind::Call { args, .. } => args.first(),
                    _ => None,
                };
                match n.as_str() {
                    "binary" | "bytes" => {
                        spec.ty = BitType::Binary;
                        if spec.unit == 0 {
                            spec.unit = 8;
                        }
                    }
                    "bitstring" | "bits" => {
                        spec.ty = BitType::Binary;
                        spec.unit = 1;
                    }
                    "integer" => spec.ty = BitType::Integer,
                    "float" => spec.ty = BitType::Float,
                    "utf8" => spec.ty = BitType::Utf8,
                    "utf16" => spec.ty = BitType::Utf16,
                    "utf32" => spec.ty = BitType::Utf32,
                    "signed" => spec.signed = true,
                    "unsigned" => spec.signed = false,
                    "big" => spec.little = false,
                    // Every machine otplab runs on is little-endian.
                    "little" | "native" => spec.little = true,
                    "size" => match arg.map(|a| &a.kind) {
                        Some(NodeKind::Int(k)) if *k >= 0 => spec.size = BitSize::Const(*k as u32),
                        Some(_) => size_expr = arg,
                        None => return Err(CompileError::invalid(m.span, "size/1 expects an argument")),
                    },
                    "unit" => match arg.map(|a| &a.kind) {
                        Some(NodeKind::Int(k)) if (1..=256).contains(k) => spec.unit = *k as u32,
                        _ => return Err(CompileError::invalid(m.span, "unit/1 expects an integer from 1 to 256")),
                    },
                    other => return Err(CompileError::unsupported(m.span, format!("the bitstring modifier {other}"))),
                }
            }
            NodeKind::Int(k) if *k >= 0 => spec.size = BitSize::Const(*k as u32),
            _ => return Err(CompileError::unsupported(m.span, "this bitstring modifier")),
        }
    }
    if spec.unit == 0 {
        spec.unit = if spec.ty == BitType::Binary { 8 } else { 1 };
    }
    Ok((spec, size_expr))
}

/// A spec as the term `:otplab_bits.build/1` reads: `{type, unit, signed, little}`.
fn spec_term(spec: &BitSpec) -> Term {
    let ty = match spec.ty {
        BitType::Integer => "integer",
        BitType::Float => "float",
        BitType::Binary => "binary",
        BitType::Utf8 => "utf8",
        BitType::Utf16 => "utf16",
        BitType::Utf32 => "utf32",
    };
    Term::tuple(vec![Term::atom(ty), Term::Int(i64::from(spec.unit)), Term::bool(spec.signed), Term::bool(spec.little)])
}

fn is_wildcard(n: &Node) -> bool {
    matches!(&n.kind, NodeKind::Var(v) if v.starts_with('_'))
}

/// The term a literal node stands for (numbers, atoms, strings, and lists/tuples/maps
/// of literals), or `None` if it is not a literal. An alias is taken as written
/// (`Foo.Bar` is `Elixir.Foo.Bar`); see [`literal_term_in`] to resolve it.
pub fn literal_term(n: &Node) -> Option<Term> {
    literal_term_in(n, &|segs| Term::atom(&format!("Elixir.{}", segs.join("."))))
}

/// [`literal_term`] with each alias's module given by `alias` (the compiler passes
/// the unit's aliases, so `[Bar]` after `alias Foo.Bar` is `[Foo.Bar]`).
pub fn literal_term_in(n: &Node, alias: &dyn Fn(&[String]) -> Term) -> Option<Term> {
    let all = |items: &[Node]| items.iter().map(|i| literal_term_in(i, alias)).collect::<Option<Vec<_>>>();
    Some(match &n.kind {
        NodeKind::Int(i) => Term::Int(*i),
        NodeKind::BigInt(b) => Term::from_bigint(b.clone()),
        NodeKind::Float(f) => Term::Float(*f),
        NodeKind::Atom(a) => Term::atom(a),
        NodeKind::Str(s) => Term::string(s.clone()),
        NodeKind::Bytes(b) => Term::bytes(b.clone()),
        NodeKind::Charlist(s) => Term::list(s.chars().map(|c| Term::Int(c as i64)).collect()),
        NodeKind::Alias(segs) => alias(segs),
        NodeKind::UnaryOp { op: UnaryOp::Neg, operand } => match operand.kind {
            NodeKind::Int(i) => Term::Int(-i),
            NodeKind::Float(f) => Term::Float(-f),
            _ => return None,
        },
        NodeKind::List { items, tail } => {
            let tail = match tail {
                Some(t) => literal_term_in(t, alias)?,
                None => Term::Nil,
            };
            Term::list_with_tail(all(items)?, tail)
        }
        NodeKind::Tuple(items) => Term::tuple(all(items)?),
        NodeKind::Map { base: None, pairs } => {
            let mut out = Vec::new();
            for (k, v) in pairs {
                out.push((literal_term_in(k, alias)?, literal_term_in(v, alias)?));
            }
            Term::map(out)
        }
        _ => return None,
    })
}

fn guard_may_raise(g: &Node) -> bool {
    match &g.kind {
        NodeKind::BinaryOp { op, lhs, rhs } => {
            matches!(op, BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::And | BinaryOp::Or)
                || guard_may_raise(lhs)
                || guard_may_raise(rhs)
        }
        // `not 1` and `-:a` raise, which in a guard means only "no match" (`-1`
        // does not).
        NodeKind::UnaryOp { operand, .. } if matches!(operand.kind, NodeKind::Int(_) | NodeKind::Float(_)) => false,
        NodeKind::UnaryOp { op, operand } => matches!(op, UnaryOp::Not | UnaryOp::Neg | UnaryOp::Pos) || guard_may_raise(operand),
        // The type tests, and `self()` and `node()`, raise on no argument; of the
        // two-argument `is_` functions, only `is_function` with a literal arity
        // (`is_map_key(x, k)` raises on a non-map, `is_function(f, n)` on a bad `n`).
        NodeKind::Call { target: CallTarget::Local(name), args, .. } => {
            let total = match args.as_slice() {
                [] => matches!(name.as_str(), "self" | "node"),
                [_] => name.starts_with("is_"),
                [_, arity] => name == "is_function" && matches!(arity.kind, NodeKind::Int(n) if n >= 0),
                _ => false,
            };
            !(total && args.iter().all(|a| !guard_may_raise(a)))
        }
        NodeKind::Call { .. } | NodeKind::Access { .. } => true,
        _ => false,
    }
}

fn describe(n: &Node) -> &'static str {
    match &n.kind {
        NodeKind::Call { .. } => "a function call",
        NodeKind::FunCall { .. } => "an anonymous function call",
        NodeKind::BinaryOp { .. } => "an operator",
        NodeKind::Fn(_) => "an anonymous function",
        _ => "this expression",
    }
}

/// Fields of Elixir's own structs that code may build with `%Name{}`, from the one
/// table of them ([`crate::term::builtin_structs`]); exceptions lead with
/// `__exception__: true`.
pub fn builtin_struct_fields(module: Atom) -> Option<Vec<(Atom, Term)>> {
    let shape = crate::term::builtin_structs::builtin_struct_of(module)?;
    let marker = shape.is_exception.then(|| (Atom::new("__exception__"), Term::bool(true)));
    Some(marker.into_iter().chain(shape.defaults().into_iter().map(|(k, v)| (Atom::new(k), v))).collect())
}
