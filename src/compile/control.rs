//! Special forms: `if`/`unless`, `case`, `cond`, `with`, `for`, `try`, `receive`,
//! `raise`, `match?`, `defmodule`, `alias`/`import`/`require`.

use super::builder::FunBuilder;
use super::error::{CResult, CompileError};
use super::expr::{Compiler, Dest};
use crate::syntax::ast::{BinaryOp, CallTarget, Clause, Node, NodeKind, UnaryOp};
use crate::syntax::Span;
use crate::term::Term;
use crate::vm::code::{Instr, MatchFailure, Reg};
use std::collections::HashMap;

/// The value of `key:` in a trailing keyword list argument.
pub fn kw_get<'a>(kw: &'a Node, key: &str) -> Option<&'a Node> {
    let NodeKind::List { items, .. } = &kw.kind else { return None };
    items.iter().find_map(|i| match &i.kind {
        NodeKind::Tuple(pair) if pair.len() == 2 && matches!(&pair[0].kind, NodeKind::Atom(a) if a == key) => Some(&pair[1]),
        _ => None,
    })
}

/// True if `n` is a keyword list literal (`[a: 1]` or a do-block list).
pub fn is_keyword_list(n: &Node) -> bool {
    match &n.kind {
        NodeKind::List { items, tail: None } => {
            !items.is_empty()
                && items.iter().all(|i| matches!(&i.kind, NodeKind::Tuple(p) if p.len() == 2 && matches!(p[0].kind, NodeKind::Atom(_))))
        }
        _ => false,
    }
}

fn clauses_of(n: &Node) -> Vec<Clause> {
    match &n.kind {
        NodeKind::Clauses(cs) => cs.clone(),
        _ => Vec::new(),
    }
}

fn nil_node(span: Span) -> Node {
    Node::new(NodeKind::Atom("nil".into()), span)
}

impl<'m> Compiler<'m> {
    /// Compiles `node` if it is a special form; `Ok(None)` if it is an ordinary call.
    pub fn try_control(&mut self, b: &mut FunBuilder, node: &Node, target: &CallTarget, args: &[Node], dest: Dest) -> CResult<Option<()>> {
        let CallTarget::Local(name) = target else { return Ok(None) };
        let span = node.span;
        match (name.as_str(), args.len()) {
            ("if", 2) | ("unless", 2) => {
                self.if_form(b, span, name, args, dest)?;
                Ok(Some(()))
            }
            ("case", 2) => {
                let subject = self.expr(b, &args[0])?;
                let clauses = kw_get(&args[1], "do").map(clauses_of).unwrap_or_default();
                self.match_clauses(b, subject, &clauses, dest, (MatchFailure::CaseClause, span.line))?;
                Ok(Some(()))
            }
            ("cond", 1) => {
                self.cond_form(b, args, dest)?;
                Ok(Some(()))
            }
            ("with", n) if n >= 1 => {
                self.with(b, span, args, dest)?;
                Ok(Some(()))
            }
            ("for", n) if n >= 1 => {
                let v = self.for_comprehension(b, span, args)?;
                self.finish_value(b, v, dest);
                Ok(Some(()))
            }
            ("try", 1) => {
                self.try_form(b, span, &args[0], dest)?;
                Ok(Some(()))
            }
            ("receive", 1) => {
                self.receive(b, &args[0], dest)?;
                Ok(Some(()))
            }
            ("raise", 1) | ("raise", 2) | ("reraise", 2) | ("reraise", 3) => {
                self.raise_form(b, name, args, dest)?;
                Ok(Some(()))
            }
            ("match?", 2) => {
                self.match_form(b, args, dest)?;
                Ok(Some(()))
            }
            ("defmodule", 2) => {
                let r = self.defmodule(b, span, &args[0], &args[1])?;
                self.finish_value(b, r, dest);
                Ok(Some(()))
            }
            ("alias", _) | ("import", _) | ("require", _) => {
                // The value of the directive is the module it names (as Elixir's).
                let module = match args.first().map(|a| &a.kind) {
                    Some(NodeKind::Alias(segs)) => Term::Atom(super::expr::alias_atom(&self.module, segs)),
                    Some(NodeKind::Atom(a)) => Term::atom(a),
                    _ => Term::nil(),
                };
                self.directive(span, name, args)?;
                let r = self.constant(b, module)?;
                self.finish_value(b, r, dest);
                Ok(Some(()))
            }
            ("def" | "defp" | "defmacro" | "defmacrop" | "defstruct" | "defexception" | "use", _) if self.module.name.is_none() => {
                Err(CompileError::invalid(span, format!("cannot invoke {name}/{} outside module", args.len())))
            }
            ("destructure", 2) => {
                self.destructure_form(b, span, args, dest)?;
                Ok(Some(()))
            }
            ("binding", 0 | 1) => {
                self.binding_form(b, span, args.first(), dest)?;
                Ok(Some(()))
            }
            ("defprotocol", 2) => {
                let r = self.defprotocol(b, span, &args[0], &args[1])?;
                self.finish_value(b, r, dest);
                Ok(Some(()))
            }
            ("defimpl", n) if n >= 2 => {
                let r = self.defimpl(b, span, args)?;
                self.finish_value(b, r, dest);
                Ok(Some(()))
            }
            ("quote", _) | ("unquote", _) | ("defmacro", _) | ("defprotocol", _) | ("defimpl", _) => {
                Err(CompileError::unsupported(span, name.to_string()))
            }
            _ => Ok(None),
        }
    }

    /// `if`/`unless` with `do:` and an optional `else:`.
    fn if_form(&mut self, b: &mut FunBuilder, span: Span, name: &str, args: &[Node], dest: Dest) -> CResult<()> {
        let kw = &args[1];
        let Some(then) = kw_get(kw, "do") else {
            return Err(CompileError::invalid(span, format!("invalid or duplicate keyword list given to {name}")));
        };
        let nil = nil_node(span);
        let other = kw_get(kw, "else").unwrap_or(&nil);
        let (t, e) = if name == "if" { (then, other) } else { (other, then) };
        let c = self.expr(b, &args[0])?;
        let saved = b.scope.clone();
        let j = b.emit(Instr::JumpIfFalsy { cond: c, to: FunBuilder::PENDING });
        // The two branches share registers (as a case's arms do, see `match_clauses`).
        let set = b.branches();
        b.branch_from(&set);
        self.to_dest(b, t, dest)?;
        b.scope = saved.clone();
        let end = b.emit(Instr::Jump { to: FunBuilder::PENDING });
        let here = b.here();
        b.patch(&[j], here);
        b.branch_from(&set);
        self.to_dest(b, e, dest)?;
        b.branches_done();
        b.scope = saved;
        let here = b.here();
        b.patch(&[end], here);
        Ok(())
    }

    /// `cond`: the first clause whose test is truthy; CondClauseError when none is.
    fn cond_form(&mut self, b: &mut FunBuilder, args: &[Node], dest: Dest) -> CResult<()> {
        let clauses = kw_get(&args[0], "do").map(clauses_of).unwrap_or_default();
        let saved = b.scope.clone();
        let mut ends = Vec::new();
        // A clause's test runs only when the tests before were falsy, and none reads
        // what an earlier clause computed: the clauses share registers.
        let mut set = b.branches();
        for c in &clauses {
            b.branch_from(&set);
            let Some(test) = c.args.first() else { continue };
            let v = self.expr(b, test)?;
            let j = b.emit(Instr::JumpIfFalsy { cond: v, to: FunBuilder::PENDING });
            b.tested(&mut set);
            self.to_dest(b, &c.body, dest)?;
            b.scope = saved.clone();
            ends.push(b.emit(Instr::Jump { to: FunBuilder::PENDING }));
            let here = b.here();
            b.patch(&[j], here);
        }
        b.branches_done();
        let dummy = b.reg();
        b.emit(Instr::MatchFail { kind: MatchFailure::CondClause, value: dummy });
        let here = b.here();
        b.patch(&ends, here);
        Ok(())
    }

    /// `raise`/`reraise`: the exception is built by `Kernel.__exception__/2` (reraise takes it as is).
    fn raise_form(&mut self, b: &mut FunBuilder, name: &str, args: &[Node], dest: Dest) -> CResult<()> {
        let exc = if name == "reraise" {
            self.expr(b, &args[0])?
        } else {
            let a = self.expr(b, &args[0])?;
            let opts = match args.get(1) {
                Some(o) => self.expr(b, o)?,
                None => self.constant(b, Term::Nil)?,
            };
            self.call_regs(b, "Elixir.Kernel", "__exception__", vec![a, opts])
        };
        let class = self.constant(b, Term::atom("error"))?;
        b.emit(Instr::RaiseReg { class, reason: exc });
        if let Dest::Into(r) = dest {
            b.emit(Instr::Const { dst: r, value: Term::nil() });
        }
        Ok(())
    }

    /// `match?(pattern, value)`: true or false, binding nothing outside.
    fn match_form(&mut self, b: &mut FunBuilder, args: &[Node], dest: Dest) -> CResult<()> {
        let v = self.expr(b, &args[1])?;
        let (pat, guard) = split_when(&args[0]);
        let saved = b.scope.clone();
        let fails = self.clause_head(b, pat, guard, v)?;
        b.scope = saved;
        let r = b.reg();
        b.emit(Instr::Const { dst: r, value: Term::bool(true) });
        let end = b.emit(Instr::Jump { to: FunBuilder::PENDING });
        let here = b.here();
        b.patch(&fails, here);
        b.emit(Instr::Const { dst: r, value: Term::bool(false) });
        let here = b.here();
        b.patch(&[end], here);
        self.finish_value(b, r, dest);
        Ok(())
    }

    /// `destructure([a, b], list)`, rewritten as a match on `Enum.take/2` of the padded list.
    fn destructure_form(&mut self, b: &mut FunBuilder, span: Span, args: &[Node], dest: Dest) -> CResult<()> {
        // `destructure([a, b], list)`: `[a, b] = Enum.take((list || []) ++ [nil, nil], 2)`.
        let NodeKind::List { items, tail: None } = &args[0].kind else {
            return Err(CompileError::invalid(span, "destructure expects a list of patterns on the left"));
        };
        let n = items.len();
        let node = |kind| Node::new(kind, span);
        let padded = node(NodeKind::BinaryOp {
            op: crate::syntax::ast::BinaryOp::Concat,
            lhs: Box::new(node(NodeKind::BinaryOp {
                op: crate::syntax::ast::BinaryOp::OrOr,
                lhs: Box::new(args[1].clone()),
                rhs: Box::new(node(NodeKind::List { items: vec![], tail: None })),
            })),
            rhs: Box::new(node(NodeKind::List { items: vec![node(NodeKind::Atom("nil".into())); n], tail: None })),
        });
        let take = node(NodeKind::Call {
            target: CallTarget::Remote(Box::new(node(NodeKind::Alias(vec!["Enum".into()]))), "take".into()),
            args: vec![padded, node(NodeKind::Int(n as i64))],
            parens: true,
        });
        let assign = node(NodeKind::BinaryOp { op: crate::syntax::ast::BinaryOp::Match, lhs: Box::new(args[0].clone()), rhs: Box::new(take) });
        let r = self.expr(b, &assign)?;
        self.finish_value(b, r, dest);
        Ok(())
    }

    /// `binding()`: the variables in scope as a keyword list.
    fn binding_form(&mut self, b: &mut FunBuilder, span: Span, context: Option<&Node>, dest: Dest) -> CResult<()> {
        // The variables of a context (`binding(:ctx)`: those of `var!(x, :ctx)`) in
        // scope as a keyword list sorted by name (internal names, which hold `@`,
        // are not the learner's).
        let context = match context.map(|a| &a.kind) {
            None => None,
            Some(NodeKind::Atom(c)) if c == "nil" => None,
            Some(NodeKind::Atom(c)) => Some(c.clone()),
            Some(_) => return Err(CompileError::unsupported(span, "binding/1 with a context that is not a literal atom")),
        };
        let in_context = |k: &str| match (&context, k.split_once('\u{1}')) {
            (None, None) => Some(k.to_string()),
            (Some(c), Some((name, kc))) if kc == c => Some(name.to_string()),
            _ => None,
        };
        let mut names: Vec<(String, u32)> =
            b.scope.iter().filter(|(k, _)| !k.contains('@')).filter_map(|(k, v)| in_context(k).map(|n| (n, *v))).collect();
        names.sort();
        let mut pairs = Vec::new();
        for (name, reg) in names {
            let k = self.constant(b, Term::atom(&name))?;
            let t = b.reg();
            b.emit(Instr::MakeTuple { dst: t, items: vec![k, reg].into() });
            pairs.push(t);
        }
        let r = b.reg();
        b.emit(Instr::MakeList { dst: r, items: pairs.into(), tail: None });
        self.finish_value(b, r, dest);
        Ok(())
    }

    /// Compiles a clause head — `pattern` against `subject`, then `guard` — binding
    /// the pattern's variables in the current scope. Returns the jumps taken when
    /// the head does not match (the caller points them at the next clause).
    pub fn clause_head(&mut self, b: &mut FunBuilder, pattern: &Node, guard: Option<&Node>, subject: Reg) -> CResult<Vec<usize>> {
        let mut fails = Vec::new();
        let mut bound = HashMap::new();
        self.pattern(b, pattern, subject, &mut fails, &mut bound)?;
        for (n, r) in bound {
            b.scope.insert(n, r);
        }
        if let Some(g) = guard {
            self.guard(b, g, &mut fails)?;
        }
        Ok(fails)
    }

    /// Puts a computed value where `dest` wants it.
    pub fn finish_value(&mut self, b: &mut FunBuilder, v: Reg, dest: Dest) {
        match dest {
            Dest::Into(r) => {
                if r != v {
                    b.emit(Instr::Move { dst: r, src: v });
                }
            }
            Dest::Tail => b.emit_return(v),
        }
    }

    /// `->` clauses over `subject` (case, else-branches); no match raises `failure`,
    /// reported at `line` (the construct's, as Elixir reports a CaseClauseError at
    /// its `case`, not at its last clause).
    pub fn match_clauses(&mut self, b: &mut FunBuilder, subject: Reg, clauses: &[Clause], dest: Dest, (failure, line): (MatchFailure, u32)) -> CResult<()> {
        let saved = b.scope.clone();
        let mut ends = Vec::new();
        // An arm ends in a return or a jump to the join, after which only `subject`
        // and `dest` (allocated before) are read: the arms share registers.
        let mut set = b.branches();
        for c in clauses {
            b.branch_from(&set);
            b.line = c.span.line;
            let Some(p) = c.args.first() else { continue };
            let fails = self.clause_head(b, p, c.guard.as_ref(), subject)?;
            b.tested(&mut set);
            self.to_dest(b, &c.body, dest)?;
            b.scope = saved.clone();
            ends.push(b.emit(Instr::Jump { to: FunBuilder::PENDING }));
            let here = b.here();
            b.patch(&fails, here);
        }
        b.branches_done();
        b.line = line;
        b.emit(Instr::MatchFail { kind: failure, value: subject });
        let here = b.here();
        b.patch(&ends, here);
        Ok(())
    }

    fn with(&mut self, b: &mut FunBuilder, span: Span, args: &[Node], dest: Dest) -> CResult<()> {
        let (kw, steps) = match args.last() {
            Some(last) if kw_get(last, "do").is_some() => (last, &args[..args.len() - 1]),
            _ => return Err(CompileError::invalid(span, "missing :do option in \"with\"")),
        };
        let body = kw_get(kw, "do").cloned().unwrap_or_else(|| nil_node(span));
        let else_clauses = kw_get(kw, "else").map(clauses_of);
        let saved = b.scope.clone();
        let failed = b.reg();
        let mut to_else = Vec::new();
        for step in steps {
            match &step.kind {
                NodeKind::BinaryOp { op: BinaryOp::Arrow, lhs, rhs } => {
                    let v = self.expr(b, rhs)?;
                    b.emit(Instr::Move { dst: failed, src: v });
                    let (pat, guard) = split_when(lhs);
                    to_else.extend(self.clause_head(b, pat, guard, v)?);
                }
                _ => {
                    self.expr(b, step)?;
                }
            }
        }
        self.to_dest(b, &body, dest)?;
        b.scope = saved.clone();
        let end = b.emit(Instr::Jump { to: FunBuilder::PENDING });
        let here = b.here();
        b.patch(&to_else, here);
        match else_clauses {
            Some(cs) => self.match_clauses(b, failed, &cs, dest, (MatchFailure::WithClause, span.line))?,
            None => self.finish_value(b, failed, dest),
        }
        b.scope = saved;
        let here = b.here();
        b.patch(&[end], here);
        Ok(())
    }

    fn receive(&mut self, b: &mut FunBuilder, kw: &Node, dest: Dest) -> CResult<()> {
        let clauses = kw_get(kw, "do").map(clauses_of).unwrap_or_default();
        let after = kw_get(kw, "after").map(clauses_of).unwrap_or_default();
        let saved = b.scope.clone();
        let item = pinned_item(&clauses);
        let pin = item.as_ref().map(|(name, _)| name.clone()).or_else(|| common_pin(&clauses));
        let mark = pin.and_then(|name| b.scope.get(&name).copied());
        let at = item.map(|(_, i)| i).filter(|_| mark.is_some());
        let msg = b.reg();
        let peek = b.here();
        let peek_instr = b.emit(Instr::RecvPeek { dst: msg, empty: FunBuilder::PENDING, mark, at });
        let mut ends = Vec::new();
        // A clause that fails hands on to the next, which reads only the message (or,
        // past the last, the scan goes on to the next message and starts again); a
        // clause that matches ends in a jump to the join: the clauses share registers.
        // The timeout is allocated after them all, so a scan that starts again after
        // a wait cannot overwrite it.
        let mut set = b.branches();
        for c in &clauses {
            b.branch_from(&set);
            let Some(p) = c.args.first() else { continue };
            let fails = self.clause_head(b, p, c.guard.as_ref(), msg)?;
            b.tested(&mut set);
            b.emit(Instr::RecvAccept);
            self.to_dest(b, &c.body, dest)?;
            b.scope = saved.clone();
            ends.push(b.emit(Instr::Jump { to: FunBuilder::PENDING }));
            let here = b.here();
            b.patch(&fails, here);
        }
        b.branches_done();
        b.emit(Instr::RecvNext { peek });
        let wait = b.here();
        b.patch(&[peek_instr], wait);
        let timeout = match after.first() {
            Some(c) => match c.args.first() {
                Some(t) => Some(self.expr(b, t)?),
                None => None,
            },
            None => None,
        };
        // The timeout expression is evaluated before waiting, so jump over the wait
        // instruction's own evaluation on re-entry: RecvWait keeps the deadline.
        let wait_instr = b.emit(Instr::RecvWait { timeout, peek, expired: 0 });
        let expired = b.here();
        if let Instr::RecvWait { expired: e, .. } = &mut b.code[wait_instr] {
            *e = expired;
        }
        match after.first() {
            Some(c) => {
                self.to_dest(b, &c.body, dest)?;
                b.scope = saved;
            }
            None => {
                // Unreachable without a timeout; keep the value defined.
                let r = self.constant(b, Term::nil())?;
                self.finish_value(b, r, dest);
            }
        }
        let here = b.here();
        b.patch(&ends, here);
        Ok(())
    }

    fn try_form(&mut self, b: &mut FunBuilder, span: Span, kw: &Node, dest: Dest) -> CResult<()> {
        let body = kw_get(kw, "do").cloned().unwrap_or_else(|| nil_node(span));
        let rescue = kw_get(kw, "rescue").map(clauses_of).unwrap_or_default();
        let catch = kw_get(kw, "catch").map(clauses_of).unwrap_or_default();
        let else_clauses = kw_get(kw, "else").map(clauses_of);
        let after = kw_get(kw, "after").cloned();
        // Tail calls inside `try` would escape the handler: compute into a register.
        let result = b.reg();
        let saved = b.scope.clone();

        let (aclass, areason) = (b.reg(), b.reg());
        let after_try = if after.is_some() {
            Some(b.emit(Instr::TryBegin { handler: FunBuilder::PENDING, class: aclass, reason: areason, stack: None, frames: false }))
        } else {
            None
        };

        let (class, reason, stack) = (b.reg(), b.reg(), b.reg());
        // `rescue` reads the stacktrace's blamed call (to normalise a failed built-in's
        // error); a clause reading `__STACKTRACE__` asks for the frames as well.
        let frames = rescue.iter().chain(catch.iter()).any(|c| {
            let mut used = std::collections::HashSet::new();
            super::expr::collect_vars(&c.body, &mut used);
            used.contains("__STACKTRACE__")
        });
        let wants_stack = (!rescue.is_empty() || frames).then_some(stack);
        let t = b.emit(Instr::TryBegin { handler: FunBuilder::PENDING, class, reason, stack: wants_stack, frames });
        let saved = {
            let mut scope = saved;
            if frames {
                scope.insert("__STACKTRACE__".to_string(), stack);
            }
            scope
        };
        self.to_dest(b, &body, Dest::Into(result))?;
        b.emit(Instr::TryEnd);
        b.scope = saved.clone();
        if let Some(cs) = &else_clauses {
            let v = b.reg();
            b.emit(Instr::Move { dst: v, src: result });
            self.match_clauses(b, v, cs, Dest::Into(result), (MatchFailure::TryClause, span.line))?;
            b.scope = saved.clone();
        }
        let done = b.emit(Instr::Jump { to: FunBuilder::PENDING });
        let handler = b.here();
        b.patch(&[t], handler);

        let mut ends = Vec::new();
        if !rescue.is_empty() {
            // Only errors are rescued; they are normalised to exception structs first.
            let is_error = b.reg();
            let err_atom = self.constant(b, Term::atom("error"))?;
            b.emit(Instr::Op { op: crate::vm::code::BinOp::StrictEq, dst: is_error, a: class, b: err_atom });
            let skip = b.emit(Instr::JumpUnlessTrue { cond: is_error, to: FunBuilder::PENDING });
            // The stacktrace names a failed built-in call, for Elixir's detailed messages.
            let exc = self.call_regs(b, "Elixir.Exception", "normalize", vec![class, reason, stack]);
            for c in &rescue {
                let mut fails = Vec::new();
                let Some(p) = c.args.first() else { continue };
                let (var, mods) = rescue_parts(p);
                if !mods.is_empty() {
                    let sk = self.constant(b, Term::atom("__struct__"))?;
                    let sv = b.reg();
                    fails.push(b.emit(Instr::MapGet { dst: sv, map: exc, key: sk, fail: FunBuilder::PENDING }));
                    let mut oks = Vec::new();
                    for m in &mods {
                        let ma = self.struct_module(m)?;
                        let mr = self.constant(b, Term::Atom(ma))?;
                        let t = b.reg();
                        b.emit(Instr::Op { op: crate::vm::code::BinOp::StrictEq, dst: t, a: sv, b: mr });
                        let j = b.emit(Instr::JumpUnlessTrue { cond: t, to: FunBuilder::PENDING });
                        oks.push(b.emit(Instr::Jump { to: FunBuilder::PENDING }));
                        let here = b.here();
                        b.patch(&[j], here);
                    }
                    fails.push(b.emit(Instr::Jump { to: FunBuilder::PENDING }));
                    let here = b.here();
                    b.patch(&oks, here);
                }
                if let Some(v) = var {
                    b.scope.insert(v, exc);
                }
                self.to_dest(b, &c.body, Dest::Into(result))?;
                b.scope = saved.clone();
                ends.push(b.emit(Instr::Jump { to: FunBuilder::PENDING }));
                let here = b.here();
                b.patch(&fails, here);
            }
            let here = b.here();
            b.patch(&[skip], here);
        }
        for c in &catch {
            let mut fails = Vec::new();
            let mut bound = HashMap::new();
            let (kind_pat, val_pat) = match c.args.len() {
                1 => (None, &c.args[0]),
                2 => (Some(&c.args[0]), &c.args[1]),
                _ => return Err(CompileError::invalid(c.span, "catch expects one or two patterns")),
            };
            match kind_pat {
                Some(k) => self.pattern(b, k, class, &mut fails, &mut bound)?,
                None => {
                    fails.push(b.emit(Instr::TestConst { reg: class, value: Term::atom("throw"), fail: FunBuilder::PENDING }));
                }
            }
            self.pattern(b, val_pat, reason, &mut fails, &mut bound)?;
            for (n, r) in bound {
                b.scope.insert(n, r);
            }
            if let Some(g) = &c.guard {
                self.guard(b, g, &mut fails)?;
            }
            self.to_dest(b, &c.body, Dest::Into(result))?;
            b.scope = saved.clone();
            ends.push(b.emit(Instr::Jump { to: FunBuilder::PENDING }));
            let here = b.here();
            b.patch(&fails, here);
        }
        // Nothing matched: re-raise.
        b.emit(Instr::RaiseReg { class, reason });
        let here = b.here();
        b.patch(&ends, here);
        b.patch(&[done], here);

        if let (Some(at), Some(after)) = (after_try, after) {
            b.emit(Instr::TryEnd);
            self.expr(b, &after)?;
            b.scope = saved.clone();
            let fin = b.emit(Instr::Jump { to: FunBuilder::PENDING });
            let h = b.here();
            b.patch(&[at], h);
            self.expr(b, &after)?;
            b.scope = saved.clone();
            b.emit(Instr::RaiseReg { class: aclass, reason: areason });
            let here = b.here();
            b.patch(&[fin], here);
        }
        self.finish_value(b, result, dest);
        Ok(())
    }

    fn directive(&mut self, span: Span, name: &str, args: &[Node]) -> CResult<()> {
        let Some(first) = args.first() else {
            return Err(CompileError::invalid(span, format!("{name} expects a module")));
        };
        let full = match &first.kind {
            NodeKind::Alias(segs) => super::expr::alias_atom(&self.module, segs),
            NodeKind::Atom(a) => crate::term::Atom::new(a),
            NodeKind::Call { target: CallTarget::Remote(l, n), .. } if super::expr::is_static_module(l) && !matches!(l.kind, NodeKind::Alias(_) | NodeKind::Atom(_)) => {
                let m = self.module.name.ok_or_else(|| CompileError::invalid(span, "__MODULE__ is nil outside a module"))?;
                crate::term::Atom::new(&format!("{}.{}", m.as_str(), n))
            }
            _ => return Err(CompileError::unsupported(span, format!("this form of {name}"))),
        };
        match name {
            "alias" => {
                let short = match args.get(1).and_then(|kw| kw_get(kw, "as")) {
                    Some(Node { kind: NodeKind::Alias(s), .. }) => s.join("."),
                    _ => full.as_str().rsplit('.').next().unwrap_or("").to_string(),
                };
                self.module.aliases.insert(short, full.as_str().to_string());
            }
            "import" => self.module.imports.push(full),
            _ => {}
        }
        Ok(())
    }
}

/// Splits `pattern when guard` into its parts.
/// A variable every clause of a `receive` pins where its message must hold the
/// value (a tuple's item, a list's, a map's key or value, either side of `=`), so a
/// message that matches any clause contains that value: the receive may skip the
/// messages older than it (`Instr::RecvPeek`'s `mark`), as BEAM's compiler does for
/// `ref = make_ref()` or a monitor followed by `receive do {^ref, _} -> ... end`.
fn common_pin(clauses: &[Clause]) -> Option<String> {
    let mut common: Option<Vec<String>> = None;
    for c in clauses {
        let mut pins = Vec::new();
        required_pins(c.args.first()?, &mut pins);
        common = Some(match common {
            None => pins,
            Some(before) => before.into_iter().filter(|n| pins.contains(n)).collect(),
        });
    }
    common?.into_iter().next()
}

/// A variable every clause of a `receive` pins as the same item of a tuple message,
/// with that item's index (`{:DOWN, ^ref, :process, _, _}`: `ref`, 1): a message
/// that is not a tuple holding exactly that value there matches no clause, so the
/// runtime passes over it without running the patterns (`Instr::RecvPeek`'s `at`).
/// Only a clause's first pinned item is looked at; clauses that differ give `None`.
fn pinned_item(clauses: &[Clause]) -> Option<(String, u32)> {
    let mut common: Option<(String, u32)> = None;
    for c in clauses {
        let found = tuple_pin(c.args.first()?)?;
        if common.as_ref().is_some_and(|before| *before != found) {
            return None;
        }
        common = Some(found);
    }
    common
}

/// The first item of tuple pattern `p` (either side of `=`) that is a pinned
/// variable, with its index.
fn tuple_pin(p: &Node) -> Option<(String, u32)> {
    match &p.kind {
        NodeKind::Tuple(items) => items.iter().enumerate().find_map(|(i, item)| match &item.kind {
            NodeKind::UnaryOp { op: UnaryOp::Pin, operand } => match &operand.kind {
                NodeKind::Var(name) => Some((name.clone(), u32::try_from(i).ok()?)),
                _ => None,
            },
            _ => None,
        }),
        NodeKind::BinaryOp { op: BinaryOp::Match, lhs, rhs } => tuple_pin(lhs).or_else(|| tuple_pin(rhs)),
        _ => None,
    }
}

/// The pinned variables a match of pattern `p` requires inside the matched term.
fn required_pins(p: &Node, out: &mut Vec<String>) {
    match &p.kind {
        NodeKind::UnaryOp { op: UnaryOp::Pin, operand } => {
            if let NodeKind::Var(name) = &operand.kind {
                out.push(name.clone());
            }
        }
        NodeKind::Tuple(items) => items.iter().for_each(|i| required_pins(i, out)),
        NodeKind::List { items, tail } => {
            items.iter().for_each(|i| required_pins(i, out));
            if let Some(t) = tail {
                required_pins(t, out);
            }
        }
        NodeKind::Map { base: None, pairs } | NodeKind::Struct { base: None, pairs, .. } => pairs.iter().for_each(|(k, v)| {
            required_pins(k, out);
            required_pins(v, out);
        }),
        NodeKind::BinaryOp { op: BinaryOp::Match, lhs, rhs } => {
            required_pins(lhs, out);
            required_pins(rhs, out);
        }
        _ => {}
    }
}

pub fn split_when(n: &Node) -> (&Node, Option<&Node>) {
    match &n.kind {
        NodeKind::BinaryOp { op: BinaryOp::When, lhs, rhs } => (lhs, Some(rhs)),
        _ => (n, None),
    }
}

/// `e in [A, B]` → (Some("e"), [A, B]); `A` → (None, [A]); `e` → (Some("e"), []).
fn rescue_parts(p: &Node) -> (Option<String>, Vec<Node>) {
    match &p.kind {
        NodeKind::BinaryOp { op: BinaryOp::In, lhs, rhs } => {
            let var = match &lhs.kind {
                NodeKind::Var(v) if !v.starts_with('_') => Some(v.clone()),
                _ => None,
            };
            let mods = match &rhs.kind {
                NodeKind::List { items, .. } => items.clone(),
                _ => vec![(**rhs).clone()],
            };
            (var, mods)
        }
        NodeKind::Var(v) => (if v.starts_with('_') { None } else { Some(v.clone()) }, vec![]),
        NodeKind::List { items, .. } => (None, items.clone()),
        _ => (None, vec![p.clone()]),
    }
}

#[cfg(test)]
mod tests {
    use crate::vm::code::Instr;

    /// The `mark` of each `RecvPeek` in function `name` of the module in `source`.
    fn marks(source: &str, name: &str) -> Vec<bool> {
        let module = crate::compile::first_module(source);
        let f = module.functions.iter().find(|f| f.0.as_str() == name).expect("the function");
        f.3.instrs()
            .iter()
            .filter_map(|i| match i {
                Instr::RecvPeek { mark, .. } => Some(mark.is_some()),
                _ => None,
            })
            .collect()
    }

    /// The `at` of each `RecvPeek` in function `name` of the module in `source`.
    fn items(source: &str, name: &str) -> Vec<Option<u32>> {
        let module = crate::compile::first_module(source);
        let f = module.functions.iter().find(|f| f.0.as_str() == name).expect("the function");
        f.3.instrs()
            .iter()
            .filter_map(|i| match i {
                Instr::RecvPeek { at, .. } => Some(*at),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_receive_filters_by_a_tuple_item_only_when_every_clause_pins_it_there() {
        let src = "defmodule M do\n\
                   def down(r), do: (receive do {:DOWN, ^r, :process, _, why} -> why; {:DOWN, ^r, _, _, _} = m -> m end)\n\
                   def bound(r), do: (receive do x = {_, ^r} -> x after 5 -> :t end)\n\
                   def call(r), do: (receive do {^r, v} -> v; {:DOWN, ^r, _, _, why} -> why end)\n\
                   def open(r), do: (receive do {:DOWN, ^r, _, _, why} -> why; :other -> 0 end)\n\
                   def deep(r), do: (receive do {:a, {^r, v}} -> v end)\n\
                   def listed(r), do: (receive do [^r | _] -> 1 end)\n\
                   end";
        assert_eq!(items(src, "down"), [Some(1)]);
        assert_eq!(items(src, "bound"), [Some(1)], "either side of = may hold the tuple");
        assert_eq!(items(src, "call"), [None], "the pin is item 0 in one clause and 1 in the other");
        assert_eq!(items(src, "open"), [None], "a clause without the pin takes other messages");
        assert_eq!(items(src, "deep"), [None], "only a top-level item is checked");
        assert_eq!(items(src, "listed"), [None], "a list is not a tuple");
    }

    #[test]
    fn a_receive_is_marked_only_when_every_clause_pins_the_same_variable() {
        let src = "defmodule M do\n\
                   def call(r), do: (receive do {^r, v} -> v; {:DOWN, ^r, _, _, why} -> why after 10 -> :t end)\n\
                   def nested(r), do: (receive do [{:a, %{k: ^r}} | _] -> 1; %{^r => _} -> 2; x = {^r} -> x end)\n\
                   def open(r), do: (receive do {^r, v} -> v; :other -> 0 end)\n\
                   def split(r, s), do: (receive do {^r, v} -> v; {^s, v} -> v end)\n\
                   def guarded(r), do: (receive do {x, v} when x == r -> v end)\n\
                   def bits(n), do: (receive do <<^n, _::binary>> -> 1 end)\n\
                   end";
        assert_eq!(marks(src, "call"), [true]);
        assert_eq!(marks(src, "nested"), [true]);
        assert_eq!(marks(src, "open"), [false], "a clause without the pin takes older messages");
        assert_eq!(marks(src, "split"), [false], "no one value is in every match");
        assert_eq!(marks(src, "guarded"), [false], "a guard is not a pattern");
        assert_eq!(marks(src, "bits"), [false], "a byte of a binary is not a term of the message");
    }
}
