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

/// What pass 2 of a module body gathers from its forms.
struct BodyForms {
    struct_fields: Option<Vec<(Atom, Term)>>,
    is_exception: bool,
    /// `use Behaviour, opts` forms, in order.
    uses: Vec<(String, Node)>,
    /// The last `@derive` not yet consumed by a `defstruct`.
    derive: Option<Node>,
    enforce_keys: Vec<Atom>,
    /// What the body evaluates to: its last form's value (see `ModuleCode::last`).
    last: Term,
    /// The `@doc` waiting for its function (doctests).
    pending_doc: Option<(String, u32)>,
    /// The attributes as each `def` found them, by the def's position: a function
    /// reads an attribute's value at its definition, not a later redefinition.
    attributes_at: HashMap<crate::syntax::Span, HashMap<String, Node>>,
}

impl BodyForms {
    fn new() -> BodyForms {
        BodyForms {
            struct_fields: None,
            is_exception: false,
            uses: Vec::new(),
            derive: None,
            enforce_keys: Vec::new(),
            last: Term::nil(),
            pending_doc: None,
            attributes_at: HashMap::new(),
        }
    }
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
        let items = body_items(kw, span);
        self.define_module_at(b, span, full, Some(&segs[0]), &items, Vec::new())
    }

    /// Compiles and installs module `full` from its body `items`. `short` is the first
    /// segment of the name as written (a nested module is reachable from its parent by
    /// it); `attributes` are set before the body runs (`@protocol`/`@for` of an impl).
    pub fn define_module_at(
        &mut self,
        b: &mut FunBuilder,
        span: Span,
        full: Atom,
        short: Option<&str>,
        items: &[Node],
        attributes: Vec<(String, Node)>,
    ) -> CResult<(Reg, Arc<ModuleCode>)> {
        let outer = std::mem::take(&mut self.module);
        let outer_records = std::mem::take(&mut self.records);
        self.module = ModuleCtx { name: Some(full), aliases: outer.aliases.clone(), ..ModuleCtx::default() };
        self.module.attributes.extend(attributes);
        if let (Some(outer_name), Some(short)) = (outer.name, short) {
            // A nested module is reachable from its parent by its short name.
            self.module.aliases.insert(short.to_string(), format!("{}.{}", outer_name.as_str(), short));
        }
        let result = self.module_body(b, span, full, items);
        self.module = outer;
        self.records = outer_records;
        if let (Some(outer_name), Some(short)) = (self.module.name, short) {
            self.module.aliases.insert(short.to_string(), format!("{}.{}", outer_name.as_str(), short));
        }
        let code = Arc::new(result?);
        let exports = code.functions.iter().filter(|f| f.2).map(|f| (f.0, f.1)).collect();
        self.compiled_exports.insert(full, exports);
        let dst = b.reg();
        b.emit(Instr::DefineModule { module: code.clone(), dst });
        // Struct defaults computed by the body replace their placeholders.
        if let Some(pos) = self.struct_defaults.iter().position(|(m, _)| *m == full) {
            let (_, list) = self.struct_defaults.remove(pos);
            let m = self.constant(b, Term::Atom(full))?;
            self.call_regs(b, "otplab_module", "set_struct_defaults", vec![m, list]);
        }
        // `@derive` implementations need the struct, so they come after the module.
        let (mine, others): (Vec<_>, Vec<_>) = std::mem::take(&mut self.derives).into_iter().partition(|(m, _, _)| *m == full);
        self.derives = others;
        for (module, what, fields) in mine {
            self.derive(b, span, module, &what, &fields)?;
        }
        if super::ex_unit::is_case(items) {
            self.expr(b, &super::ex_unit::registration(full.as_str(), span))?;
        }
        Ok((dst, code))
    }

    fn module_body(&mut self, b: &mut FunBuilder, span: Span, full: Atom, items: &[Node]) -> CResult<ModuleCode> {
        // ExUnit's forms become plain definitions (see `ex_unit`).
        let expanded = if super::ex_unit::wants_expansion(items) { Some(super::ex_unit::expand(items, span, &self.doc_examples)?) } else { None };
        let items = expanded.as_deref().unwrap_or(items);
        // Pass 1: which functions exist (so calls between them resolve locally).
        let mut clauses = self.declare_functions(items)?;
        // Pass 2: attributes, structs, directives, nested modules, in order. Variables
        // bound by body code are the body's own.
        let outer_scope = b.scope.clone();
        let forms = self.body_forms(b, full, items);
        b.scope = outer_scope;
        let forms = forms?;
        self.generated_clauses(span, &forms, &mut clauses)?;
        let functions = self.compile_functions(full, clauses, &forms.attributes_at)?;
        let BodyForms { struct_fields, is_exception, enforce_keys, last, .. } = forms;
        Ok(ModuleCode { name: full, functions, struct_fields, is_exception, enforce_keys, last })
    }

    /// Pass 1 of a module body: every `def`/`defp`/`defdelegate` clause, each
    /// function recorded as a local of the module (all arities its defaults give).
    fn declare_functions(&mut self, items: &[Node]) -> CResult<Vec<DefClause>> {
        let mut clauses: Vec<DefClause> = Vec::new();
        for item in items {
            for c in delegate_clauses(item)? {
                self.module.locals.insert((c.name.clone(), c.params.len() as u32), true);
                clauses.push(c);
            }
            if let Some(c) = def_clause(item)? {
                let (min, max) = arity_range(&c.params);
                for a in min..=max {
                    self.module.locals.insert((c.name.clone(), a), c.public);
                }
                clauses.push(c);
            }
        }
        Ok(clauses)
    }

    /// Pass 2 of a module body: its forms in order (attributes, `defstruct`, `use`,
    /// directives, nested modules, plain code), compiled into the body's code `b`.
    fn body_forms(&mut self, b: &mut FunBuilder, full: Atom, items: &[Node]) -> CResult<BodyForms> {
        let mut forms = BodyForms::new();
        for item in items {
            b.line = item.span.line;
            forms.last = Term::atom("ok");
            super::ex_unit::note_doc(&mut self.doc_examples, full, item, &mut forms.pending_doc);
            match &item.kind {
                NodeKind::Attribute { name, value: Some(v) } => {
                    if name == "derive" {
                        forms.derive = Some((**v).clone());
                    }
                    if name == "enforce_keys" {
                        forms.enforce_keys = atom_list(v).ok_or_else(|| CompileError::invalid(v.span, "@enforce_keys expects a list of atoms"))?;
                    }
                    if !matches!(name.as_str(), "impl" | "doc" | "moduledoc" | "spec" | "behaviour" | "callback" | "type" | "typep" | "opaque" | "typedoc" | "derive" | "enforce_keys") {
                        let value = if computed_at_definition(v) { self.attribute_once(b, full, name, v)? } else { (**v).clone() };
                        self.module.attributes.insert(name.clone(), value);
                    }
                }
                NodeKind::Call { target: CallTarget::Local(n), args, .. } => match n.as_str() {
                    "def" | "defp" | "defguard" | "defguardp" => {
                        forms.attributes_at.insert(item.span, self.module.attributes.clone());
                        if let Some(c) = def_clause(item)? {
                            forms.last = Term::pair(Term::atom(&c.name), Term::Int(i64::from(arity_range(&c.params).1)));
                        }
                    }
                    "defstruct" | "defexception" => self.struct_form(b, full, item, n == "defexception", args.first(), &mut forms)?,
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
                        forms.uses.push((name, opts));
                    }
                    "alias" | "import" | "require" => {
                        let mut scratch = FunBuilder::new(full, Atom::new("__directive__"), 0, 0);
                        self.try_control(&mut scratch, item, &CallTarget::Local(n.clone()), args, super::expr::Dest::Into(0))?;
                        // A directive evaluates to the module it names.
                        if let Some(NodeKind::Alias(segs)) = args.first().map(|a| &a.kind) {
                            forms.last = Term::Atom(alias_atom(&self.module, segs));
                        }
                    }
                    "defmodule" if args.len() == 2 => {
                        let (_, nested) = self.define_module(b, item.span, &args[0], &args[1])?;
                        forms.last = nested.result();
                    }
                    "defprotocol" if args.len() == 2 => {
                        self.defprotocol(b, item.span, &args[0], &args[1])?;
                    }
                    "defimpl" => {
                        self.defimpl(b, item.span, args)?;
                    }
                    "defdelegate" => {}
                    "defmacro" | "defmacrop" | "defprotocol" | "defoverridable" => {
                        return Err(CompileError::unsupported(item.span, n));
                    }
                    _ => forms.last = self.body_code(b, item)?,
                },
                NodeKind::Attribute { .. } => {}
                _ if self.define_record(item)? => {}
                _ => forms.last = self.body_code(b, item)?,
            }
        }
        Ok(forms)
    }

    /// `@name value` whose value calls code: computed once, when the module body
    /// runs (as Elixir computes it once, at compile time), and stored in the module
    /// table; the returned node reads that stored value wherever `@name` is used.
    fn attribute_once(&mut self, b: &mut FunBuilder, full: Atom, name: &str, value: &Node) -> CResult<Node> {
        self.fresh += 1;
        let n = i64::from(self.fresh);
        let span = value.span;
        let node = |kind| Node::new(kind, span);
        let module = node(NodeKind::Atom(full.as_str().to_string()));
        let attr = node(NodeKind::Atom(name.to_string()));
        let call = |fun: &str, args: Vec<Node>| {
            node(NodeKind::Call { target: CallTarget::Remote(Box::new(node(NodeKind::Atom("otplab_module".into()))), fun.into()), args, parens: true })
        };
        let store = call("put_attribute", vec![module.clone(), attr.clone(), node(NodeKind::Int(n)), value.clone()]);
        self.body_code(b, &store)?;
        Ok(call("attribute", vec![module, attr, node(NodeKind::Int(n))]))
    }

    /// `defstruct`/`defexception` in a module body.
    fn struct_form(&mut self, b: &mut FunBuilder, full: Atom, item: &Node, exception: bool, spec: Option<&Node>, forms: &mut BodyForms) -> CResult<()> {
        let (fields, dynamic) = self.struct_field_list(item.span, spec)?;
        let mut fields = fields;
        if let Some(list) = dynamic {
            // Defaults that are not literals are computed when the module is
            // defined (as Elixir does at compile time) and installed after it.
            let r = self.expr(b, &list)?;
            self.struct_defaults.push((full, r));
            self.dynamic_structs.insert(full);
        }
        self.enforce_keys.insert(full, forms.enforce_keys.clone());
        if exception {
            forms.is_exception = true;
            fields.insert(0, (Atom::new("__exception__"), Term::bool(true)));
        }
        self.structs.insert(full, fields.clone());
        if let Some(d) = forms.derive.take() {
            let names = fields.iter().map(|(k, _)| *k).filter(|k| k.as_str() != "__exception__").collect();
            self.derives.push((full, d, names));
        }
        if !exception {
            // The struct with its defaults, as `%Name{...}`.
            let mut pairs = vec![(Term::atom("__struct__"), Term::Atom(full))];
            pairs.extend(fields.iter().map(|(k, v)| (Term::Atom(*k), v.clone())));
            forms.last = Term::map(pairs);
        }
        forms.struct_fields = Some(fields);
        Ok(())
    }

    /// The functions Elixir generates for a module: `child_spec/1` for a `use`d
    /// behaviour, an exception's `message/1`, a struct's `__struct__/0,1`, and
    /// `__info__/1`; a function the module defines itself is kept.
    fn generated_clauses(&mut self, span: Span, forms: &BodyForms, clauses: &mut Vec<DefClause>) -> CResult<()> {
        let uses = &forms.uses;
        // `use Behaviour` injects child_spec/1 unless the module defines its own.
        for (behaviour, opts) in uses {
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
        if forms.is_exception && !self.module.locals.contains_key(&("message".to_string(), 1)) {
            let has_message = forms.struct_fields.as_ref().is_some_and(|f| f.iter().any(|(k, _)| k.as_str() == "message"));
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
        // `__struct__/0,1`, as Elixir defines them for every struct.
        if forms.struct_fields.is_some() {
            for src in ["def __struct__(), do: Kernel.struct(__MODULE__)", "def __struct__(fields), do: Kernel.struct!(__MODULE__, fields)"] {
                for node in super::protocol::generated(src, span)? {
                    if let Some(c) = def_clause(&node)?
                        && !self.module.locals.contains_key(&(c.name.clone(), c.params.len() as u32))
                    {
                        clauses.push(c);
                    }
                }
            }
        }
        // `__info__/1`: the public functions (sorted, as Elixir gives them), no macros.
        let mut public: Vec<(String, usize)> = clauses.iter().filter(|c| c.public).flat_map(|c| {
            let (min, max) = arity_range(&c.params);
            (min..=max).map(move |a| (c.name.clone(), a as usize))
        }).collect();
        public.sort();
        public.dedup();
        let listed: Vec<String> = public
            .iter()
            .map(|(n, a)| format!("{}: {a}", crate::term::inspect::inspect(&Term::atom(n)).trim_start_matches(':')))
            .collect();
        let info_src = format!(
            "def __info__(:functions), do: [{}]\ndef __info__(:macros), do: []\ndef __info__(:module), do: __MODULE__\n",
            listed.join(", ")
        );
        for node in super::protocol::generated(&info_src, span)? {
            if let Some(c) = def_clause(&node)? {
                clauses.push(c);
            }
        }
        Ok(())
    }

    /// Compiles the clauses grouped by name/arity (in first-appearance order), plus a
    /// wrapper per default argument.
    fn compile_functions(
        &mut self,
        full: Atom,
        clauses: Vec<DefClause>,
        attributes_at: &HashMap<crate::syntax::Span, HashMap<String, Node>>,
    ) -> CResult<Vec<(Atom, u32, bool, Arc<FunCode>)>> {
        // Each function sees the attributes as its first clause found them; the
        // module's final attributes come back afterwards.
        let final_attributes = self.module.attributes.clone();
        let compiled = self.compile_function_groups(full, clauses, attributes_at);
        self.module.attributes = final_attributes;
        compiled
    }

    fn compile_function_groups(
        &mut self,
        full: Atom,
        clauses: Vec<DefClause>,
        attributes_at: &HashMap<crate::syntax::Span, HashMap<String, Node>>,
    ) -> CResult<Vec<(Atom, u32, bool, Arc<FunCode>)>> {
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
            if let Some(attributes) = attributes_at.get(&group[0].span) {
                self.module.attributes = attributes.clone();
            }
            let code = self.function(full, name, arity, &bodies)?;
            functions.push((name, arity, public, Arc::new(code)));
            // Default arguments: f/k for each shorter arity delegates to the full one.
            let (min, _) = arity_range(&group[head_idx].params);
            for k in min..arity {
                let code = self.default_wrapper(full, name, k, &group[head_idx])?;
                functions.push((name, k, public, Arc::new(code)));
            }
        }
        Ok(functions)
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
        fb.loops = clauses.iter().any(|c| calls_itself(&c.body, name.as_str(), arity));
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

/// The forms of a `do` block, one per element (an empty block has none).
pub fn body_items(kw: &Node, span: Span) -> Vec<Node> {
    let body = kw_get(kw, "do").cloned().unwrap_or_else(|| Node::new(NodeKind::Block(vec![]), span));
    match body.kind {
        NodeKind::Block(items) => items,
        // `do end` (or `do nil end`): an empty module, whose body evaluates to nil.
        NodeKind::Atom(a) if a == "nil" => vec![],
        _ => vec![body],
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
    if kind == "defguard" || kind == "defguardp" {
        return guard_clause(item, kind, args).map(Some);
    }
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

/// `defguard name(args) when expr` (or `defguardp`): a function whose body is the guard
/// expression. A guard that calls it is compiled so that a raise inside means "no
/// match", as when Elixir inlines the guard (see `Compiler::guard`).
fn guard_clause(item: &Node, kind: &str, args: &[Node]) -> CResult<DefClause> {
    let head = args.first().ok_or_else(|| CompileError::invalid(item.span, format!("{kind} expects name(args) when guard")))?;
    let (call, Some(body)) = split_when(head) else {
        return Err(CompileError::invalid(item.span, format!("{kind} expects a when clause: {kind} is_even(x) when rem(x, 2) == 0")));
    };
    let (name, params) = match &call.kind {
        NodeKind::Call { target: CallTarget::Local(n), args, .. } => (n.clone(), args.clone()),
        NodeKind::Var(n) => (n.clone(), vec![]),
        _ => return Err(CompileError::invalid(call.span, format!("invalid {kind} head"))),
    };
    if let Some(p) = params.iter().find(|p| !matches!(p.kind, NodeKind::Var(_))) {
        return Err(CompileError::invalid(p.span, format!("only variables are allowed as arguments of {kind}")));
    }
    Ok(DefClause { public: kind == "defguard", name, params, guard: None, body: Some(body.clone()), span: item.span })
}

/// A struct's fields with their known defaults, and the expression computing all of
/// them when some default is not a literal.
type StructFields = (Vec<(Atom, Term)>, Option<Node>);

/// A literal list of atoms (`@enforce_keys [:a, :b]`).
fn atom_list(n: &Node) -> Option<Vec<Atom>> {
    match &n.kind {
        NodeKind::List { items, tail: None } => items
            .iter()
            .map(|i| match &i.kind {
                NodeKind::Atom(a) => Some(Atom::new(a)),
                _ => None,
            })
            .collect(),
        NodeKind::Atom(a) => Some(vec![Atom::new(a)]),
        _ => None,
    }
}

/// `defdelegate f(a, b), to: Mod` (and `as: :g`): `def f(a, b), do: Mod.g(a, b)`.
fn delegate_clauses(item: &Node) -> CResult<Vec<DefClause>> {
    let NodeKind::Call { target: CallTarget::Local(kind), args, .. } = &item.kind else { return Ok(vec![]) };
    if kind != "defdelegate" {
        return Ok(vec![]);
    }
    let (Some(head), Some(opts)) = (args.first(), args.get(1)) else {
        return Err(CompileError::invalid(item.span, "defdelegate expects a function head and to: Module"));
    };
    let Some(to) = kw_get(opts, "to") else {
        return Err(CompileError::invalid(item.span, "defdelegate expects a :to option"));
    };
    let heads: Vec<&Node> = match &head.kind {
        NodeKind::List { items, .. } => items.iter().collect(),
        _ => vec![head],
    };
    let mut out = Vec::new();
    for h in heads {
        let (name, params) = match &h.kind {
            NodeKind::Call { target: CallTarget::Local(n), args, .. } => (n.clone(), args.clone()),
            NodeKind::Var(n) => (n.clone(), vec![]),
            _ => return Err(CompileError::invalid(h.span, "invalid function head in defdelegate")),
        };
        let target_name = match kw_get(opts, "as") {
            Some(Node { kind: NodeKind::Atom(a), .. }) => a.clone(),
            _ => name.clone(),
        };
        let call_args: Vec<Node> = params.iter().map(strip_default).collect();
        let body = Node::new(
            NodeKind::Call { target: CallTarget::Remote(Box::new(to.clone()), target_name), args: call_args, parens: true },
            h.span,
        );
        out.push(DefClause { public: true, name, params, guard: None, body: Some(body), span: item.span });
    }
    Ok(out)
}

impl<'m> Compiler<'m> {
    /// A form in a module body that is not a definition (`IO.puts "loading"`, a
    /// variable): it runs when the module is defined, before its functions exist, as
    /// in Elixir. Its variables stay in the body (`module_body` restores the scope).
    fn body_code(&mut self, b: &mut FunBuilder, item: &Node) -> CResult<Term> {
        self.expr(b, item)?;
        Ok(Term::nil())
    }

    /// The fields of `defstruct` with their defaults. Literal defaults (attributes
    /// included) are known now; when some are not, the second result is a list
    /// expression `[{field, default}, ...]` of every field, to run when the module is
    /// defined (the placeholder for such a default is nil).
    fn struct_field_list(&mut self, span: Span, arg: Option<&Node>) -> CResult<StructFields> {
        let Some(arg) = arg else { return Ok((vec![], None)) };
        let arg = self.inline_attributes(arg);
        let NodeKind::List { items, .. } = &arg.kind else {
            return Err(CompileError::invalid(span, "defstruct expects a list of fields"));
        };
        let mut out = Vec::new();
        let mut pairs = Vec::new();
        let mut dynamic = false;
        for i in items {
            match &i.kind {
                NodeKind::Atom(a) => {
                    out.push((Atom::new(a), Term::nil()));
                    pairs.push(Node::new(NodeKind::Tuple(vec![i.clone(), Node::new(NodeKind::Atom("nil".into()), i.span)]), i.span));
                }
                NodeKind::Tuple(p) if p.len() == 2 => {
                    let Some(k) = literal_term(&p[0]).and_then(|t| t.as_atom()) else {
                        return Err(CompileError::invalid(i.span, "struct field names must be atoms"));
                    };
                    let v = literal_term(&p[1]).or_else(|| empty_collection(&p[1]));
                    dynamic |= v.is_none();
                    out.push((k, v.unwrap_or_else(Term::nil)));
                    pairs.push(i.clone());
                }
                _ => return Err(CompileError::invalid(i.span, "invalid struct field")),
            }
        }
        let list = dynamic.then(|| Node::new(NodeKind::List { items: pairs, tail: None }, arg.span));
        Ok((out, list))
    }

    /// `node` with every `@attr` read replaced by the attribute's value expression.
    fn inline_attributes(&self, node: &Node) -> Node {
        if let NodeKind::Attribute { name, value: None } = &node.kind
            && let Some(v) = self.module.attributes.get(name)
        {
            return self.inline_attributes(v);
        }
        super::expr::map_children(node, &|c| self.inline_attributes(c))
    }
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

/// Whether an attribute's value calls code (a function call, or a variable of the
/// module body): such a value is computed once when the module is defined. Literals,
/// operators over them, sigils and captures stay inlined at each use, so they keep
/// working in guards and patterns.
fn computed_at_definition(value: &Node) -> bool {
    let found = std::cell::Cell::new(false);
    fn visit(n: &Node, found: &std::cell::Cell<bool>) -> Node {
        match &n.kind {
            NodeKind::Capture(_) | NodeKind::Fn(_) => return n.clone(),
            NodeKind::Call { target: CallTarget::Local(name), .. } | NodeKind::Var(name) if name.starts_with("__") => {}
            NodeKind::Call { .. } | NodeKind::FunCall { .. } | NodeKind::Var(_) => found.set(true),
            _ => {}
        }
        super::expr::map_children(n, &|c| visit(c, found))
    }
    visit(value, &found);
    found.get()
}

/// True if `body` calls the function `name/arity` by its local name anywhere (a
/// loop, or a body recursion): see `FunBuilder::loops`.
fn calls_itself(body: &Node, name: &str, arity: u32) -> bool {
    if let NodeKind::Call { target: CallTarget::Local(n), args, .. } = &body.kind
        && n == name
        && args.len() == arity as usize
    {
        return true;
    }
    let mut found = false;
    super::expr::visit_children(body, &mut |c| found = found || calls_itself(c, name, arity));
    found
}

#[cfg(test)]
mod tests {
    use super::super::liveness::writes;
    use crate::vm::code::Instr;

    /// The literal's register and the test's writes (see below) in function `name`
    /// of the first module in `source`.
    fn compiled(source: &str, name: &str) -> (u32, Vec<u32>) {
        let module = crate::compile::first_module(source);
        let f = module.functions.iter().find(|f| f.0.as_str() == name).expect("the function");
        literal_and_test_writes(f.3.instrs())
    }

    /// The register a `Const` of a tuple literal writes, and every register written
    /// before the first `Const` (the first clause's test and the second's head).
    fn literal_and_test_writes(code: &[Instr]) -> (u32, Vec<u32>) {
        let at = code.iter().position(|i| matches!(i, Instr::Const { value: crate::term::Term::Tuple(_), .. })).expect("a tuple literal");
        let Instr::Const { dst, .. } = &code[at] else { unreachable!() };
        (*dst, code[..at].iter().filter_map(writes).collect())
    }

    #[test]
    fn a_loops_later_clause_keeps_its_registers_apart_from_the_tests_before_it() {
        // Each pass runs the first clause's guard before the second clause's body:
        // sharing a register, the guard's boolean overwrote the `{2, 1}` the body
        // left for the next pass.
        let src = "defmodule U do\n\
                   def bump(_t, i, n) when i > n, do: :ok\n\
                   def bump(t, i, n) do\n\
                     :ets.update_counter(t, rem(i, 100), {2, 1})\n\
                     bump(t, i + 1, n)\n\
                   end\n\
                   def once(i, n) when i > n, do: :ok\n\
                   def once(_i, n), do: [{2, 1} | n]\n\
                   end";
        let (literal, tested) = compiled(src, "bump");
        assert!(tested.iter().all(|r| *r < literal), "r{literal} is within the tests before it: {tested:?}");
        // A function that does not call itself still shares them (a small window).
        let (literal, tested) = compiled(src, "once");
        assert!(tested.iter().any(|r| *r > literal), "r{literal} is below the guard's register: {tested:?}");
    }

    #[test]
    fn a_function_calls_itself_by_name_and_arity_anywhere_in_its_body() {
        let body = |src: &str| crate::syntax::parse(src).expect("parses").remove(0);
        assert!(super::calls_itself(&body("if x, do: f(x - 1), else: 0"), "f", 1));
        assert!(super::calls_itself(&body("[f(1) | g(2)]"), "f", 1));
        assert!(!super::calls_itself(&body("f(1, 2)"), "f", 1), "another arity");
        assert!(!super::calls_itself(&body("M.f(1)"), "f", 1), "a remote call");
        assert!(!super::calls_itself(&body("g(fn -> 1 end)"), "f", 1));
    }
}
