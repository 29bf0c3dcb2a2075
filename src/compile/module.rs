//! `defmodule`: functions with clauses and default arguments, attributes, structs,
//! exceptions and the `use` of OTP behaviours.

use super::builder::FunBuilder;
use super::control::{kw_get, split_when};
use super::error::{CResult, CompileError};
use super::expr::{ClauseFail, Compiler, ModuleCtx, alias_atom};
use super::pattern::literal_term;
use crate::syntax::ast::{BinaryOp, CallTarget, Clause, Node, NodeKind};
use crate::syntax::Span;
use crate::term::{Atom, Term};
use crate::vm::code::{FunCode, Instr, ModuleCode, Reg};
use std::collections::HashMap;
use std::sync::Arc;

/// One `def`/`defp` clause as written.
struct DefClause {
    public: bool,
    name: String,
    params: Vec<Node>,
    guard: Option<Node>,
    /// `None` for a bodiless head that only declares defaults.
    body: Option<Node>,
    span: Span,
}

/// Behaviours whose `use` injects `child_spec/1`.
const USABLE: &[&str] = &["GenServer", "Agent", "Task", "Supervisor", "DynamicSupervisor", "Task.Supervisor"];

impl<'m> Compiler<'m> {
    /// Compiles `defmodule name do body end`, emitting its installation into `b`.
    pub fn defmodule(&mut self, b: &mut FunBuilder, span: Span, name: &Node, kw: &Node) -> CResult<Reg> {
        self.define_module(b, span, name, kw).map(|(dst, _)| dst)
    }

    /// [`Compiler::defmodule`], also handing back the module compiled.
    fn define_module(&mut self, b: &mut FunBuilder, span: Span, name: &Node, kw: &Node) -> CResult<(Reg, Arc<ModuleCode>)> {
        let (full, segs) = match &name.kind {
            // `defmodule :sys do`: a module named by a plain atom.
            NodeKind::Atom(a) => (Atom::new(a), vec![a.clone()]),
            NodeKind::Alias(segs) => (
                match self.module.name {
                    Some(outer) => Atom::new(&format!("{}.{}", outer.as_str(), segs.join("."))),
                    None => alias_atom(&self.module, segs),
                },
                segs.clone(),
            ),
            _ => return Err(CompileError::invalid(name.span, "invalid module name: expected an alias such as MyApp.Worker")),
        };
        let body = kw_get(kw, "do").cloned().unwrap_or_else(|| Node::new(NodeKind::Block(vec![]), span));
        let items: Vec<Node> = match body.kind {
            NodeKind::Block(items) => items,
            // `do end` (or `do nil end`): an empty module, whose body evaluates to nil.
            NodeKind::Atom(a) if a == "nil" => vec![],
            _ => vec![body],
        };

        let outer = std::mem::take(&mut self.module);
        self.module = ModuleCtx { name: Some(full), aliases: outer.aliases.clone(), ..ModuleCtx::default() };
        if outer.name.is_some() {
            // A nested module is reachable from its parent by its short name.
            self.module.aliases.insert(segs[0].clone(), format!("{}.{}", outer.name.map(|a| a.as_str()).unwrap_or(""), segs[0]));
        }
        let result = self.module_body(b, span, full, &items);
        self.module = outer;
        if self.module.name.is_some() {
            self.module.aliases.insert(segs[0].clone(), format!("{}.{}", self.module.name.map(|a| a.as_str()).unwrap_or(""), segs[0]));
        }
        let code = Arc::new(result?);
        let dst = b.reg();
        b.emit(Instr::DefineModule { module: code.clone(), dst });
        if super::ex_unit::is_case(&items) {
            self.expr(b, &super::ex_unit::registration(full.as_str(), span))?;
        }
        Ok((dst, code))
    }

    fn module_body(&mut self, b: &mut FunBuilder, span: Span, full: Atom, items: &[Node]) -> CResult<ModuleCode> {
        // ExUnit's forms become plain definitions (see `ex_unit`).
        let expanded = if super::ex_unit::wants_expansion(items) { Some(super::ex_unit::expand(items, span, &self.doc_examples)?) } else { None };
        let items = expanded.as_deref().unwrap_or(items);
        // Pass 1: which functions exist (so calls between them resolve locally).
        let mut clauses: Vec<DefClause> = Vec::new();
        let mut struct_fields: Option<Vec<(Atom, Term)>> = None;
        let mut is_exception = false;
        let mut uses: Vec<(String, Node)> = Vec::new();
        // What the body evaluates to: its last form's value (see `ModuleCode::last`).
        let mut last = Term::nil();
        let mut pending_doc = None;
        for item in items {
            if let Some(c) = def_clause(item)? {
                let (min, max) = arity_range(&c.params);
                for a in min..=max {
                    self.module.locals.insert((c.name.clone(), a), c.public);
                }
                clauses.push(c);
            }
        }
        // Pass 2: attributes, structs, directives, nested modules, in order.
        for item in items {
            b.line = item.span.line;
            last = Term::atom("ok");
            super::ex_unit::note_doc(&mut self.doc_examples, full, item, &mut pending_doc);
            match &item.kind {
                NodeKind::Attribute { name, value: Some(v) } => {
                    if !matches!(name.as_str(), "impl" | "doc" | "moduledoc" | "spec" | "behaviour" | "callback" | "type" | "typep" | "opaque" | "typedoc" | "derive" | "enforce_keys") {
                        self.module.attributes.insert(name.clone(), (**v).clone());
                    }
                }
                NodeKind::Call { target: CallTarget::Local(n), args, .. } => match n.as_str() {
                    "def" | "defp" => {
                        if let Some(c) = def_clause(item)? {
                            last = Term::pair(Term::atom(&c.name), Term::Int(i64::from(arity_range(&c.params).1)));
                        }
                    }
                    "defstruct" | "defexception" => {
                        let fields = struct_field_list(item.span, args.first())?;
                        let mut fields = fields;
                        if n == "defexception" {
                            is_exception = true;
                            fields.insert(0, (Atom::new("__exception__"), Term::bool(true)));
                        }
                        self.structs.insert(full, fields.clone());
                        if n == "defstruct" {
                            // The struct with its defaults, as `%Name{...}`.
                            let mut pairs = vec![(Term::atom("__struct__"), Term::Atom(full))];
                            pairs.extend(fields.iter().map(|(k, v)| (Term::Atom(*k), v.clone())));
                            last = Term::map(pairs);
                        }
                        struct_fields = Some(fields);
                    }
                    "use" => {
                        let Some(m) = args.first() else { continue };
                        let NodeKind::Alias(s) = &m.kind else {
                            return Err(CompileError::unsupported(item.span, "use with a non-alias argument"));
                        };
                        let name = s.join(".");
                        if !USABLE.contains(&name.as_str()) {
                            return Err(CompileError::unsupported(item.span, format!("use {name}")));
                        }
                        let opts = args.get(1).cloned().unwrap_or_else(|| Node::new(NodeKind::List { items: vec![], tail: None }, item.span));
                        uses.push((name, opts));
                    }
                    "alias" | "import" | "require" => {
                        let mut scratch = FunBuilder::new(full, Atom::new("__directive__"), 0, 0);
                        self.try_control(&mut scratch, item, &CallTarget::Local(n.clone()), args, super::expr::Dest::Into(0))?;
                        // A directive evaluates to the module it names.
                        if let Some(NodeKind::Alias(segs)) = args.first().map(|a| &a.kind) {
                            last = Term::Atom(alias_atom(&self.module, segs));
                        }
                    }
                    "defmodule" if args.len() == 2 => {
                        let (_, nested) = self.define_module(b, item.span, &args[0], &args[1])?;
                        last = nested.result();
                    }
                    "defmacro" | "defmacrop" | "defprotocol" | "defimpl" | "defdelegate" | "defoverridable" | "defguard" => {
                        return Err(CompileError::unsupported(item.span, n));
                    }
                    _ => {
                        return Err(CompileError::unsupported(
                            item.span,
                            "code in a module body other than definitions and attributes",
                        ));
                    }
                },
                NodeKind::Attribute { .. } => {}
                _ => {
                    return Err(CompileError::unsupported(item.span, "code in a module body other than definitions and attributes"));
                }
            }
        }
        // `use Behaviour` injects child_spec/1 unless the module defines its own.
        for (behaviour, opts) in &uses {
            if !self.module.locals.contains_key(&("child_spec".to_string(), 1)) {
                let call = Node::new(
                    NodeKind::Call {
                        target: CallTarget::Remote(
                            Box::new(Node::new(NodeKind::Alias(behaviour.split('.').map(String::from).collect()), span)),
                            "__child_spec__".into(),
                        ),
                        args: vec![
                            Node::new(NodeKind::Var("__MODULE__".into()), span),
                            Node::new(NodeKind::Var("arg".into()), span),
                            opts.clone(),
                        ],
                        parens: true,
                    },
                    span,
                );
                self.module.locals.insert(("child_spec".into(), 1), true);
                clauses.push(DefClause {
                    public: true,
                    name: "child_spec".into(),
                    params: vec![Node::new(NodeKind::Var("arg".into()), span)],
                    guard: None,
                    body: Some(call),
                    span,
                });
            }
        }
        // Exceptions get message/1 from their :message field unless defined.
        if is_exception && !self.module.locals.contains_key(&("message".to_string(), 1)) {
            let has_message = struct_fields.as_ref().is_some_and(|f| f.iter().any(|(k, _)| k.as_str() == "message"));
            if has_message {
                self.module.locals.insert(("message".into(), 1), true);
                let e = Node::new(NodeKind::Var("exception".into()), span);
                let body = Node::new(
                    NodeKind::Call { target: CallTarget::Remote(Box::new(e.clone()), "message".into()), args: vec![], parens: false },
                    span,
                );
                clauses.push(DefClause { public: true, name: "message".into(), params: vec![e], guard: None, body: Some(body), span });
            }
        }

        // Group clauses by name/arity, keeping first-appearance order.
        let mut order: Vec<(String, usize)> = Vec::new();
        let mut groups: HashMap<(String, usize), Vec<DefClause>> = HashMap::new();
        for c in clauses {
            let key = (c.name.clone(), c.params.len());
            if !groups.contains_key(&key) {
                order.push(key.clone());
            }
            groups.entry(key).or_default().push(c);
        }
        let mut functions = Vec::new();
        for key in order {
            let group = groups.remove(&key).unwrap_or_default();
            let public = group[0].public;
            let name = Atom::new(&key.0);
            let arity = key.1 as u32;
            self.module.current_fun = format!("{}/{}", key.0, arity);
            // The head that declares defaults: a bodiless one, or the first clause.
            let head_idx = group.iter().position(|c| c.body.is_none()).unwrap_or(0);
            let bodies: Vec<&DefClause> = group.iter().filter(|c| c.body.is_some()).collect();
            let code = self.function(full, name, arity, &bodies)?;
            functions.push((name, arity, public, Arc::new(code)));
            // Default arguments: f/k for each shorter arity delegates to the full one.
            let (min, _) = arity_range(&group[head_idx].params);
            for k in min..arity {
                let code = self.default_wrapper(full, name, k, &group[head_idx])?;
                functions.push((name, k, public, Arc::new(code)));
            }
        }
        Ok(ModuleCode { name: full, functions, struct_fields, is_exception, last })
    }

    fn function(&mut self, module: Atom, name: Atom, arity: u32, group: &[&DefClause]) -> CResult<FunCode> {
        let mut fb = FunBuilder::new(module, name, arity, arity);
        fb.line = group.first().map(|c| c.span.line).unwrap_or(0);
        let params: Vec<Reg> = (0..arity).collect();
        let clauses: Vec<Clause> = group
            .iter()
            .map(|c| Clause {
                args: c.params.iter().map(strip_default).collect(),
                guard: c.guard.clone(),
                body: c.body.clone().unwrap_or_else(|| Node::new(NodeKind::Atom("nil".into()), c.span)),
                span: c.span,
            })
            .collect();
        let scope = fb.scope.clone();
        self.clauses_dispatch(&mut fb, &params, &clauses, &scope, ClauseFail::FunctionClause)?;
        Ok(fb.finish())
    }

    fn default_wrapper(&mut self, module: Atom, name: Atom, k: u32, head: &DefClause) -> CResult<FunCode> {
        let mut fb = FunBuilder::new(module, name, k, k);
        fb.line = head.span.line;
        let mut args = Vec::new();
        let mut given = 0u32;
        let required = head.params.iter().filter(|p| !is_default(p)).count() as u32;
        let mut defaults_to_use = k - required;
        for p in &head.params {
            match &p.kind {
                NodeKind::BinaryOp { op: BinaryOp::Default, rhs, .. } => {
                    if defaults_to_use > 0 {
                        defaults_to_use -= 1;
                        args.push(given);
                        given += 1;
                    } else {
                        let r = self.expr(&mut fb, rhs)?;
                        args.push(r);
                    }
                }
                _ => {
                    args.push(given);
                    given += 1;
                }
            }
        }
        let cell = self.modules.cell(module, name, head.params.len() as u32);
        fb.emit(Instr::TailCall { target: cell, args: args.into() });
        Ok(fb.finish())
    }
}

fn is_default(p: &Node) -> bool {
    matches!(&p.kind, NodeKind::BinaryOp { op: BinaryOp::Default, .. })
}

fn strip_default(p: &Node) -> Node {
    match &p.kind {
        NodeKind::BinaryOp { op: BinaryOp::Default, lhs, .. } => (**lhs).clone(),
        _ => p.clone(),
    }
}

fn arity_range(params: &[Node]) -> (u32, u32) {
    let total = params.len() as u32;
    let defaults = params.iter().filter(|p| is_default(p)).count() as u32;
    (total - defaults, total)
}

/// Recognises `def name(params) when guard, do: body` / `do ... end` in any form.
fn def_clause(item: &Node) -> CResult<Option<DefClause>> {
    let NodeKind::Call { target: CallTarget::Local(kind), args, .. } = &item.kind else { return Ok(None) };
    if kind != "def" && kind != "defp" {
        return Ok(None);
    }
    let public = kind == "def";
    let Some(head) = args.first() else {
        return Err(CompileError::invalid(item.span, format!("{kind} expects a function head")));
    };
    let (head, guard) = split_when(head);
    let (name, params) = match &head.kind {
        NodeKind::Call { target: CallTarget::Local(n), args, .. } => (n.clone(), args.clone()),
        NodeKind::Var(n) => (n.clone(), vec![]),
        _ => return Err(CompileError::invalid(head.span, format!("invalid function head in {kind}"))),
    };
    let Some(kw) = args.get(1) else {
        // A bodiless head (`def f(a, b \\ 1)`) only declares default arguments.
        return Ok(Some(DefClause { public, name, params, guard: None, body: None, span: item.span }));
    };
    let Some(body) = kw_get(kw, "do") else {
        return Err(CompileError::invalid(item.span, format!("missing :do option in \"{kind}\"")));
    };
    // `def f do ... rescue ... end`: an implicit try.
    let has_try = ["rescue", "catch", "after"].iter().any(|k| kw_get(kw, k).is_some());
    let body = if has_try {
        Node::new(
            NodeKind::Call { target: CallTarget::Local("try".into()), args: vec![kw.clone()], parens: true },
            item.span,
        )
    } else {
        body.clone()
    };
    Ok(Some(DefClause { public, name, params, guard: guard.cloned(), body: Some(body), span: item.span }))
}

fn struct_field_list(span: Span, arg: Option<&Node>) -> CResult<Vec<(Atom, Term)>> {
    let Some(arg) = arg else { return Ok(vec![]) };
    let NodeKind::List { items, .. } = &arg.kind else {
        return Err(CompileError::invalid(span, "defstruct expects a list of fields"));
    };
    let mut out = Vec::new();
    for i in items {
        match &i.kind {
            NodeKind::Atom(a) => out.push((Atom::new(a), Term::nil())),
            NodeKind::Tuple(p) if p.len() == 2 => {
                let Some(k) = literal_term(&p[0]).and_then(|t| t.as_atom()) else {
                    return Err(CompileError::invalid(i.span, "struct field names must be atoms"));
                };
                let Some(v) = literal_term(&p[1]).or_else(|| empty_collection(&p[1])) else {
                    return Err(CompileError::unsupported(p[1].span, "a struct default that is not a literal"));
                };
                out.push((k, v));
            }
            _ => return Err(CompileError::invalid(i.span, "invalid struct field")),
        }
    }
    Ok(out)
}

fn empty_collection(n: &Node) -> Option<Term> {
    match &n.kind {
        NodeKind::Call { target: CallTarget::Remote(m, f), args, .. } if args.is_empty() => match (&m.kind, f.as_str()) {
            (NodeKind::Alias(s), "new") if s == &["Map".to_string()] => Some(Term::map(vec![])),
            _ => None,
        },
        _ => None,
    }
}
