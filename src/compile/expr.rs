//! Expressions: literals, variables, operators, calls, closures, captures.

use super::builder::{FunBuilder, Scope};
use super::error::{CResult, CompileError, CompileErrorKind};
use crate::syntax::ast::{BinaryOp, CallTarget, Clause, InterpPart, Node, NodeKind, UnaryOp};
use crate::syntax::Span;
use crate::term::{ATOMS, Atom, Fun, FunKind, Term};
use crate::vm::code::{BinOp, DynamicCall, FunCode, Instr, Reg};
use crate::vm::modules::{ExportCell, Modules};
use crate::vm::type_test::TypeTest;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Where a construct's value goes.
#[derive(Clone, Copy)]
pub enum Dest {
    /// Into this register, then fall through.
    Into(Reg),
    /// Returned from the function (tail position: calls become tail calls).
    Tail,
}

/// What the compiler knows about the module being compiled.
#[derive(Default, Clone)]
pub struct ModuleCtx {
    /// The module's name.
    pub name: Option<Atom>,
    /// Functions defined in it (name, arity) → public?
    pub locals: HashMap<(String, u32), bool>,
    /// Attributes defined so far, as expressions inlined at each use.
    pub attributes: HashMap<String, Node>,
    /// `alias` entries: short name → full module atom text.
    pub aliases: HashMap<String, String>,
    /// Modules whose functions are imported.
    pub imports: Vec<Atom>,
    /// Counter for anonymous functions (for inspect).
    pub lambda_count: u32,
    /// `"name/arity"` of the function being compiled.
    pub current_fun: String,
}

/// The compiler state for one compilation unit.
pub struct Compiler<'m> {
    /// The session's modules (export cells, known structs).
    pub modules: &'m Modules,
    /// The module being compiled, if any.
    pub module: ModuleCtx,
    /// Struct definitions seen in this unit (module → fields with defaults).
    pub structs: HashMap<Atom, Vec<(Atom, Term)>>,
    /// Counter for fresh variable names.
    pub fresh: u32,
    /// `@derive` requests of modules being compiled: (module, what to derive, struct fields),
    /// carried out once the module is installed.
    pub derives: Vec<(Atom, Node, Vec<Atom>)>,
    /// Public functions of the modules compiled in this unit (not installed until the
    /// code runs), for `@derive` of a protocol whose `Any` implementation is among them.
    pub compiled_exports: HashMap<Atom, Vec<(Atom, u32)>>,
    /// Structs of this unit whose defaults are computed when their module is defined:
    /// `%Name{}` reads the defaults at run time (`Kernel.struct/1`).
    pub dynamic_structs: HashSet<Atom>,
    /// Registers holding computed struct defaults, installed after their module.
    pub struct_defaults: Vec<(Atom, Reg)>,
    /// `@enforce_keys` of the structs compiled in this unit.
    pub enforce_keys: HashMap<Atom, Vec<Atom>>,
    /// `@doc` examples of the modules compiled in this unit, for `doctest` (see `ex_unit`).
    pub doc_examples: super::ex_unit::DocExamples,
    /// `Record.defrecord` definitions of the module being compiled, by name.
    pub records: HashMap<String, super::record::RecordDef>,
}

/// The full atom of an alias, honouring `alias` directives.
pub fn alias_atom(ctx: &ModuleCtx, segments: &[String]) -> Atom {
    let joined = segments.join(".");
    if let Some(first) = segments.first()
        && let Some(full) = ctx.aliases.get(first)
    {
        let rest = &segments[1..];
        if rest.is_empty() {
            return Atom::new(full);
        }
        return Atom::new(&format!("{}.{}", full, rest.join(".")));
    }
    Atom::new(&format!("Elixir.{joined}"))
}

impl<'m> Compiler<'m> {
    /// A compiler for one unit.
    pub fn new(modules: &'m Modules) -> Compiler<'m> {
        Compiler { modules, module: ModuleCtx::default(), structs: HashMap::new(), fresh: 0, derives: Vec::new(), compiled_exports: HashMap::new(), dynamic_structs: HashSet::new(), struct_defaults: Vec::new(), enforce_keys: HashMap::new(), doc_examples: Default::default(), records: HashMap::new() }
    }

    /// A fresh internal variable name (cannot clash with user names).
    pub fn fresh_name(&mut self, hint: &str) -> String {
        self.fresh += 1;
        format!("{hint}@{}", self.fresh)
    }

    /// Compiles a sequence, returning the register holding the last value (`nil` if empty).
    pub fn block_value(&mut self, b: &mut FunBuilder, nodes: &[Node]) -> CResult<Reg> {
        let mut last = None;
        for n in nodes {
            last = Some(self.expr(b, n)?);
        }
        match last {
            Some(r) => Ok(r),
            None => self.constant(b, Term::nil()),
        }
    }

    /// Loads a constant.
    pub fn constant(&mut self, b: &mut FunBuilder, value: Term) -> CResult<Reg> {
        let r = b.reg();
        b.emit(Instr::Const { dst: r, value });
        Ok(r)
    }

    /// Compiles `node` for its value or as the function's result.
    pub fn to_dest(&mut self, b: &mut FunBuilder, node: &Node, dest: Dest) -> CResult<()> {
        match dest {
            Dest::Into(r) => {
                let v = self.expr(b, node)?;
                if v != r {
                    b.emit(Instr::Move { dst: r, src: v });
                }
                Ok(())
            }
            Dest::Tail => self.tail(b, node),
        }
    }

    /// Compiles `node` in tail position: its value is returned.
    pub fn tail(&mut self, b: &mut FunBuilder, node: &Node) -> CResult<()> {
        b.line = node.span.line;
        match &node.kind {
            NodeKind::Block(items) if !items.is_empty() => {
                for n in &items[..items.len() - 1] {
                    self.expr(b, n)?;
                }
                self.tail(b, &items[items.len() - 1])
            }
            NodeKind::Call { target: CallTarget::Local(n), args, .. } if n == "__MODULE__" && args.is_empty() => {
                let v = self.expr(b, node)?;
                b.emit_return(v);
                Ok(())
            }
            NodeKind::Call { target, args, .. } => {
                if let Some(()) = self.try_control(b, node, target, args, Dest::Tail)? {
                    return Ok(());
                }
                if let Some(v) = self.inline_bif_call(b, node, target, args)? {
                    b.emit_return(v);
                    return Ok(());
                }
                // Calls that `call` compiles into something else (a variable, a
                // protocol dispatch, a path macro, a record) are not tail calls of
                // the function they name.
                if self.is_rewritten_call(node, target, args) {
                    let v = self.expr(b, node)?;
                    b.emit_return(v);
                    return Ok(());
                }
                if let Some((cell_target, argv)) = self.static_call_target(b, node, target, args)? {
                    if calls_itself(b, target, &cell_target) {
                        // A local call stays in this module version (as on BEAM), so a
                        // self tail call is a loop: move the arguments into the
                        // parameter registers and jump back to the clause dispatch.
                        let regs = self.loop_args(b, &argv)?;
                        b.emit_loop(&regs);
                    } else {
                        let regs = self.args(b, &argv)?;
                        b.emit(Instr::TailCall { target: cell_target, args: regs.into() });
                    }
                    return Ok(());
                }
                let v = self.expr(b, node)?;
                b.emit_return(v);
                Ok(())
            }
            NodeKind::FunCall { fun, args } => {
                let f = self.expr(b, fun)?;
                let regs = self.node_args(b, args)?;
                b.emit(Instr::TailCallFun { fun: f, args: regs.into() });
                Ok(())
            }
            NodeKind::BinaryOp { op: BinaryOp::Pipe, lhs, rhs } => {
                let (call, hidden) = self.pipe_chain(b, lhs, rhs)?;
                let done = self.tail(b, &call);
                b.scope.remove(&hidden);
                done
            }
            _ => {
                let v = self.expr(b, node)?;
                b.emit_return(v);
                Ok(())
            }
        }
    }

    /// True for a call that [`Compiler::call`] rewrites instead of calling the
    /// function it names: `var!`, Kernel's `to_string/1` and `inspect` (protocols),
    /// the `put_in(a.b, v)` path macros and record macros.
    fn is_rewritten_call(&self, node: &Node, target: &CallTarget, args: &[Node]) -> bool {
        if var_bang(node).is_some() {
            return true;
        }
        let local = |n: &str, arity: usize| !self.module.locals.contains_key(&(n.to_string(), arity as u32));
        let rewritten = match target {
            CallTarget::Local(n) => match n.as_str() {
                "to_string" => args.len() == 1 && local(n, 1),
                "inspect" => local(n, args.len()),
                "put_in" | "update_in" | "get_and_update_in" => args.len() == 2 && local(n, 2) && access_path(&args[0]).is_some(),
                "pop_in" => args.len() == 1 && local(n, 1) && access_path(&args[0]).is_some(),
                _ => false,
            },
            CallTarget::Remote(m, n) => {
                n == "inspect" && matches!(&m.kind, NodeKind::Alias(s) if s.len() == 1 && s[0] == "IO" && !self.module.aliases.contains_key("IO"))
            }
        };
        rewritten || self.record_expansion(node, false).is_some()
    }

    /// Compiles the arguments of a self tail call. An argument that is one operator
    /// (`n - 1`, `acc + x`) computes straight into its parameter register when no
    /// later argument reads that parameter, which spares the move of the loop.
    fn loop_args(&mut self, b: &mut FunBuilder, argv: &[Node]) -> CResult<Vec<Reg>> {
        let mut regs = Vec::with_capacity(argv.len());
        for (i, arg) in argv.iter().enumerate() {
            let r = self.expr(b, arg)?;
            // One operator, or a `rem`/`div` call (an operator when `inline_bif_call`
            // inlined it: then the last instruction is its `Op`, checked below).
            let one_op = match &arg.kind {
                NodeKind::BinaryOp { op, .. } => simple_binop(*op).is_some(),
                NodeKind::Call { target: CallTarget::Local(n) | CallTarget::Remote(_, n), args, .. } => {
                    args.len() == 2 && (n == "rem" || n == "div")
                }
                _ => false,
            };
            let param = i as Reg;
            let later_reads_param = || {
                let mut names = HashSet::new();
                for later in &argv[i + 1..] {
                    collect_vars(later, &mut names);
                }
                names.iter().any(|n| b.scope.get(n) == Some(&param))
            };
            // An earlier argument may be the parameter itself (`loop(acc, n + 1)` with
            // `acc` in register 1): then register 1 must keep its value until the move.
            let earlier_uses_param = regs.contains(&param);
            match b.code.last_mut() {
                Some(
                    Instr::Op { dst, .. }
                    | Instr::OpInt { dst, .. }
                    | Instr::Add { dst, .. }
                    | Instr::Sub { dst, .. }
                    | Instr::AddInt { dst, .. }
                    | Instr::SubInt { dst, .. },
                )
                    if one_op && *dst == r && !earlier_uses_param && !later_reads_param() =>
                {
                    *dst = param;
                    regs.push(param);
                }
                _ => regs.push(r),
            }
        }
        Ok(regs)
    }

    /// Compiles the key and value of each pair, in source order.
    pub fn pair_regs(&mut self, b: &mut FunBuilder, pairs: &[(Node, Node)]) -> CResult<Vec<(Reg, Reg)>> {
        let mut regs = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            let kr = self.expr(b, k)?;
            let vr = self.expr(b, v)?;
            regs.push((kr, vr));
        }
        Ok(regs)
    }

    /// `%{base | k => v}`: every key must already exist.
    pub fn update_map(&mut self, b: &mut FunBuilder, base: &Node, pairs: Vec<(Reg, Reg)>) -> CResult<Reg> {
        let br = self.expr(b, base)?;
        let dst = b.reg();
        b.emit(Instr::UpdateMap { dst, base: br, pairs: pairs.into(), strict: true });
        Ok(dst)
    }

    /// Compiles arguments into registers.
    pub fn node_args(&mut self, b: &mut FunBuilder, args: &[Node]) -> CResult<Vec<Reg>> {
        args.iter().map(|a| self.expr(b, a)).collect()
    }

    fn args(&mut self, b: &mut FunBuilder, args: &[Node]) -> CResult<Vec<Reg>> {
        self.node_args(b, args)
    }

    /// Compiles an expression, returning the register that holds its value.
    pub fn expr(&mut self, b: &mut FunBuilder, node: &Node) -> CResult<Reg> {
        b.line = node.span.line;
        if matches!(node.kind, NodeKind::Call { .. })
            && let Some(var) = var_bang(node)
        {
            return self.expr(b, &var);
        }
        match &node.kind {
            NodeKind::Int(i) => self.constant(b, Term::Int(*i)),
            NodeKind::BigInt(v) => self.constant(b, Term::from_bigint(v.clone())),
            NodeKind::Float(f) => self.constant(b, Term::Float(*f)),
            NodeKind::Atom(a) => self.constant(b, Term::atom(a)),
            NodeKind::Str(s) => self.constant(b, Term::string(s.clone())),
            NodeKind::Bytes(bytes) => self.constant(b, Term::bytes(bytes.clone())),
            NodeKind::Charlist(s) => {
                self.constant(b, Term::list(s.chars().map(|c| Term::Int(c as i64)).collect()))
            }
            NodeKind::Interpolated { parts, charlist } => {
                let r = self.interpolation(b, parts)?;
                if *charlist {
                    let cell = self.cell("Elixir.String", "to_charlist", 1);
                    let dst = b.reg();
                    b.emit(Instr::Call { dst, target: cell, args: vec![r].into() });
                    Ok(dst)
                } else {
                    Ok(r)
                }
            }
            NodeKind::Sigil { letter, parts, modifiers } => self.sigil(b, node.span, *letter, parts, modifiers),
            NodeKind::Var(name) => self.var(b, node.span, name),
            NodeKind::Alias(segs) => {
                let a = alias_atom(&self.module, segs);
                self.constant(b, Term::Atom(a))
            }
            NodeKind::List { .. } | NodeKind::Tuple(_) | NodeKind::Map { base: None, .. }
                if let Some(value) = literal_collection(&self.module, node) =>
            {
                self.constant(b, value)
            }
            NodeKind::List { items, tail } => {
                let regs = self.args(b, items)?;
                let t = match tail {
                    Some(t) => Some(self.expr(b, t)?),
                    None => None,
                };
                let dst = b.reg();
                b.emit(Instr::MakeList { dst, items: regs.into(), tail: t });
                Ok(dst)
            }
            NodeKind::Tuple(items) => {
                let regs = self.args(b, items)?;
                let dst = b.reg();
                b.emit(Instr::MakeTuple { dst, items: regs.into() });
                Ok(dst)
            }
            NodeKind::Map { base, pairs } => {
                let regs = self.pair_regs(b, pairs)?;
                match base {
                    Some(base) => self.update_map(b, base, regs),
                    None => {
                        let dst = b.reg();
                        b.emit(Instr::MakeMap { dst, pairs: in_key_order(pairs, regs).into() });
                        Ok(dst)
                    }
                }
            }
            NodeKind::Struct { name, base, pairs } => self.struct_literal(b, node.span, name, base.as_deref(), pairs),
            NodeKind::Bitstring(segs) => self.bitstring_value(b, node.span, segs),
            NodeKind::UnaryOp { op, operand } => self.unary(b, node.span, *op, operand),
            NodeKind::BinaryOp { op, lhs, rhs } => self.binary(b, node.span, *op, lhs, rhs),
            NodeKind::Attribute { name, value } => self.attribute(b, node.span, name, value.as_deref()),
            NodeKind::Call { target: CallTarget::Local(n), args, .. } if n == "__MODULE__" && args.is_empty() => {
                let m = self.module.name.map(Term::Atom).unwrap_or_else(Term::nil);
                self.constant(b, m)
            }
            NodeKind::Call { target, args, parens } => self.call(b, node, target, args, *parens),
            NodeKind::FunCall { fun, args } => {
                let f = self.expr(b, fun)?;
                let regs = self.args(b, args)?;
                let dst = b.reg();
                b.emit(Instr::CallFun { dst, fun: f, args: regs.into() });
                Ok(dst)
            }
            NodeKind::Access { container, key } => {
                let c = self.expr(b, container)?;
                let k = self.expr(b, key)?;
                let cell = self.cell("Elixir.Access", "get", 2);
                let dst = b.reg();
                b.emit(Instr::Call { dst, target: cell, args: vec![c, k].into() });
                Ok(dst)
            }
            NodeKind::Fn(clauses) => self.closure(b, node.span, clauses),
            NodeKind::Clauses(_) => Err(CompileError::invalid(
                node.span,
                "clauses with -> are only allowed in fn, case, receive, cond and do blocks",
            )),
            NodeKind::Block(items) => {
                // A parenthesised block shares the enclosing scope.
                self.block_value(b, items)
            }
            NodeKind::Capture(inner) => self.capture(b, node.span, inner),
            NodeKind::CaptureArg(n) => Err(CompileError::invalid(
                node.span,
                format!("capture argument &{n} must be used within the capture operator &"),
            )),
        }
    }

    fn var(&mut self, b: &mut FunBuilder, span: Span, name: &str) -> CResult<Reg> {
        if let Some(r) = b.scope.get(name) {
            return Ok(*r);
        }
        if name == "__MODULE__" {
            let m = self.module.name.map(Term::Atom).unwrap_or_else(Term::nil);
            return self.constant(b, m);
        }
        if name == "__STACKTRACE__" {
            return self.constant(b, Term::Nil);
        }
        // A zero-arity local function (or shell helper, `h`) called without parentheses.
        if self.module.locals.contains_key(&(name.to_string(), 0)) || self.special_local(name, 0).is_some() {
            let call = Node::new(
                NodeKind::Call { target: CallTarget::Local(name.to_string()), args: vec![], parens: true },
                span,
            );
            return self.expr(b, &call);
        }
        if name.starts_with('_') {
            return Err(CompileError::new(
                CompileErrorKind::Invalid,
                span,
                format!("invalid use of _. \"{name}\" represents a value to be ignored in a pattern and cannot be used in expressions"),
            ));
        }
        Err(CompileError::new(CompileErrorKind::Undefined, span, format!("undefined function {name}/0 (there is no such import)")))
    }

    /// An export cell for a module given as atom text.
    pub fn cell(&self, module: &str, name: &str, arity: u32) -> Arc<crate::vm::modules::ExportCell> {
        self.modules.cell(Atom::new(module), Atom::new(name), arity)
    }

    fn interpolation(&mut self, b: &mut FunBuilder, parts: &[InterpPart]) -> CResult<Reg> {
        let mut regs = Vec::new();
        for p in parts {
            match p {
                InterpPart::Lit(s) => regs.push(self.constant(b, Term::string(s.clone()))?),
                InterpPart::Bytes(bytes) => regs.push(self.constant(b, Term::bytes(bytes.clone()))?),
                InterpPart::Expr(e) => {
                    let v = self.expr(b, e)?;
                    let t = b.reg();
                    b.emit(Instr::ToText { dst: t, src: v });
                    regs.push(t);
                }
            }
        }
        let dst = b.reg();
        b.emit(Instr::Concat { dst, parts: regs.into() });
        Ok(dst)
    }

    fn sigil(&mut self, b: &mut FunBuilder, span: Span, letter: char, parts: &[InterpPart], modifiers: &str) -> CResult<Reg> {
        let literal = || -> Option<String> {
            let mut s = String::new();
            for p in parts {
                match p {
                    InterpPart::Lit(t) => s.push_str(t),
                    // Not text: the sigil takes its bytes through the interpolation path.
                    InterpPart::Bytes(_) | InterpPart::Expr(_) => return None,
                }
            }
            Some(s)
        };
        let text = Node::new(
            match literal() {
                Some(t) => NodeKind::Str(t),
                None => NodeKind::Interpolated { parts: parts.to_vec(), charlist: false },
            },
            span,
        );
        let remote = |module: &str, name: &str, args: Vec<Node>| {
            Node::new(
                NodeKind::Call {
                    target: CallTarget::Remote(Box::new(Node::new(NodeKind::Alias(module.split('.').map(String::from).collect()), span)), name.into()),
                    args,
                    parens: true,
                },
                span,
            )
        };
        match letter {
            's' | 'S' => self.interpolation(b, parts),
            'c' | 'C' => match literal() {
                Some(s) => self.constant(b, Term::list(s.chars().map(|c| Term::Int(c as i64)).collect())),
                None => self.expr(b, &remote("String", "to_charlist", vec![text])),
            },
            'w' | 'W' => {
                let convert = |w: &str| match modifiers {
                    "a" => Ok(Term::atom(w)),
                    "c" => Ok(Term::list(w.chars().map(|c| Term::Int(c as i64)).collect())),
                    "s" | "" => Ok(Term::string(w)),
                    other => Err(CompileError::invalid(span, format!("modifier must be one of: s, a, c (got: {other})"))),
                };
                if let Some(s) = literal() {
                    let items = s.split_whitespace().map(convert).collect::<CResult<Vec<Term>>>()?;
                    return self.constant(b, Term::list(items));
                }
                convert("")?;
                let words = remote("String", "split", vec![text]);
                let each = match modifiers {
                    "a" => Some(("String", "to_atom")),
                    "c" => Some(("String", "to_charlist")),
                    _ => None,
                };
                match each {
                    None => self.expr(b, &words),
                    Some((m, f)) => {
                        let capture = Node::new(
                            NodeKind::Capture(Box::new(Node::new(
                                NodeKind::BinaryOp {
                                    op: crate::syntax::ast::BinaryOp::Div,
                                    lhs: Box::new(Node::new(
                                        NodeKind::Call {
                                            target: CallTarget::Remote(Box::new(Node::new(NodeKind::Alias(vec![m.into()]), span)), f.into()),
                                            args: vec![],
                                            parens: false,
                                        },
                                        span,
                                    )),
                                    rhs: Box::new(Node::new(NodeKind::Int(1), span)),
                                },
                                span,
                            ))),
                            span,
                        );
                        self.expr(b, &remote("Enum", "map", vec![words, capture]))
                    }
                }
            }
            'D' => {
                let s = literal().unwrap_or_default();
                let date = parse_date(&s).ok_or_else(|| {
                    CompileError::invalid(span, format!("invalid date in ~D sigil: {s}"))
                })?;
                self.constant(b, date)
            }
            'T' | 'N' | 'U' => {
                let s = literal().unwrap_or_default();
                let value = super::sigil::calendar_sigil(letter, &s)
                    .ok_or_else(|| CompileError::invalid(span, format!("invalid ~{letter} sigil: {s}")))?;
                self.constant(b, value)
            }
            // The regex engine is the stdlib's: ~r is `Regex.compile!(source, modifiers)`.
            'r' | 'R' => {
                let mods = Node::new(NodeKind::Str(modifiers.to_string()), span);
                self.expr(b, &remote("Regex", "compile!", vec![text, mods]))
            }
            // A sigil of the learner's own: `sigil_x(text, modifiers)`, as Elixir expands it.
            other => {
                let mods = Node::new(NodeKind::Charlist(modifiers.to_string()), span);
                let call = Node::new(
                    NodeKind::Call { target: CallTarget::Local(format!("sigil_{other}")), args: vec![text, mods], parens: true },
                    span,
                );
                self.expr(b, &call)
            }
        }
    }

    /// Compiles every stage of `a |> f() |> ... |> lhs |> rhs` but the last, and
    /// returns the last stage's call, whose first argument is a hidden variable
    /// (the returned name, which the caller removes from scope afterwards) holding
    /// the value of everything before it. Walking the chain instead of nesting
    /// `pipe_into` keeps a 2,000-stage pipe linear in time, memory and stack.
    fn pipe_chain(&mut self, b: &mut FunBuilder, lhs: &Node, rhs: &Node) -> CResult<(Node, String)> {
        let mut stages = Vec::new();
        let mut seed = lhs;
        while let NodeKind::BinaryOp { op: BinaryOp::Pipe, lhs, rhs } = &seed.kind {
            stages.push(rhs);
            seed = lhs;
        }
        // No source text can name it: it starts with a NUL; the address keeps
        // nested chains (a pipe inside a stage's arguments) apart.
        let hidden = format!("\u{0}pipe{:p}", rhs);
        let var = Node::new(NodeKind::Var(hidden.clone()), seed.span);
        let mut value = self.expr(b, seed)?;
        // `stages` holds the earlier stages last-first: run them first-first.
        while let Some(stage) = stages.pop() {
            b.scope.insert(hidden.clone(), value);
            let call = self.pipe_into(&var, stage)?;
            value = self.expr(b, &call)?;
        }
        b.scope.insert(hidden.clone(), value);
        Ok((self.pipe_into(&var, rhs)?, hidden))
    }

    /// Compiles `lhs |> rhs` into the call it stands for.
    pub fn pipe_into(&self, lhs: &Node, rhs: &Node) -> CResult<Node> {
        let lhs = lhs.clone();
        match &rhs.kind {
            NodeKind::Call { target, args, .. } => {
                let mut a = vec![lhs];
                a.extend(args.iter().cloned());
                Ok(Node::new(NodeKind::Call { target: target.clone(), args: a, parens: true }, rhs.span))
            }
            NodeKind::FunCall { fun, args } => {
                let mut a = vec![lhs];
                a.extend(args.iter().cloned());
                Ok(Node::new(NodeKind::FunCall { fun: fun.clone(), args: a }, rhs.span))
            }
            NodeKind::Var(name) => Ok(Node::new(
                NodeKind::Call { target: CallTarget::Local(name.clone()), args: vec![lhs], parens: true },
                rhs.span,
            )),
            _ => Err(CompileError::invalid(
                rhs.span,
                "cannot pipe into this expression: the right side of |> must be a call",
            )),
        }
    }

    fn unary(&mut self, b: &mut FunBuilder, span: Span, op: UnaryOp, operand: &Node) -> CResult<Reg> {
        match op {
            UnaryOp::Neg => {
                if let NodeKind::Int(i) = operand.kind {
                    return self.constant(b, Term::Int(-i));
                }
                if let NodeKind::Float(f) = operand.kind {
                    return self.constant(b, Term::Float(-f));
                }
                let v = self.expr(b, operand)?;
                let zero = self.constant(b, Term::Int(0))?;
                let dst = b.reg();
                b.emit(Instr::Op { op: BinOp::Sub, dst, a: zero, b: v });
                Ok(dst)
            }
            UnaryOp::Pos => self.expr(b, operand),
            UnaryOp::Not => {
                let v = self.expr(b, operand)?;
                let dst = b.reg();
                b.emit(Instr::Not { dst, src: v });
                Ok(dst)
            }
            UnaryOp::Bang => {
                let v = self.expr(b, operand)?;
                let dst = b.reg();
                b.emit(Instr::Bang { dst, src: v });
                Ok(dst)
            }
            UnaryOp::Pin => Err(CompileError::invalid(
                span,
                "misplaced operator ^/1: the pin operator can only be used in patterns",
            )),
        }
    }

    /// Emits `lhs op rhs` as one `Op` (or `OpInt` for a small-integer literal on the
    /// right); the last instruction emitted writes the returned register.
    fn operator(&mut self, b: &mut FunBuilder, bop: BinOp, lhs: &Node, rhs: &Node) -> CResult<Reg> {
        let a = self.expr(b, lhs)?;
        if let NodeKind::Int(imm) = rhs.kind {
            let dst = b.reg();
            b.emit(match bop {
                BinOp::Add => Instr::AddInt { dst, a, imm },
                BinOp::Sub => Instr::SubInt { dst, a, imm },
                op => Instr::OpInt { op, dst, a, imm },
            });
            return Ok(dst);
        }
        let c = self.expr(b, rhs)?;
        let dst = b.reg();
        b.emit(match bop {
            BinOp::Add => Instr::Add { dst, a, b: c },
            BinOp::Sub => Instr::Sub { dst, a, b: c },
            op => Instr::Op { op, dst, a, b: c },
        });
        Ok(dst)
    }

    /// Compiles a call of `rem/2` or `div/2` that resolves to the BIF (`Kernel` or
    /// `:erlang`) as an operator instead of a native call, and a type test
    /// (`is_atom/1` and its kin) as `IsType`: `None` for any other call (including a
    /// module's own `rem/2`). The VM's slow path runs the same arithmetic and blames
    /// `:erlang.rem/2` / `div/2`, so errors read as the call's; a type test never raises.
    fn inline_bif_call(&mut self, b: &mut FunBuilder, node: &Node, target: &CallTarget, args: &[Node]) -> CResult<Option<Reg>> {
        let name = match target {
            CallTarget::Local(n) | CallTarget::Remote(_, n) => n,
        };
        if (args.len() == 1 && name.starts_with("is_")) || (args.len() == 2 && name == "is_function") {
            return self.type_test_call(b, node, target, args);
        }
        if args.len() != 2 || !(name == "rem" || name == "div") {
            return Ok(None);
        }
        let Some((cell, argv)) = self.static_call_target(b, node, target, args)? else { return Ok(None) };
        match arith_bif(&cell) {
            Some(bop) => self.operator(b, bop, &argv[0], &argv[1]).map(Some),
            None => Ok(None),
        }
    }

    /// `is_atom(x)` and its kin, resolved to Kernel or `:erlang` as any call is
    /// (a local or imported function of the same name wins): one `IsType`. So is
    /// `is_function(f, 2)` with a literal arity, which cannot raise (Agent and Task
    /// check every function they are given so); any other arity stays a call.
    fn type_test_call(&mut self, b: &mut FunBuilder, node: &Node, target: &CallTarget, args: &[Node]) -> CResult<Option<Reg>> {
        let Some((cell, argv)) = self.static_call_target(b, node, target, args)? else { return Ok(None) };
        let Some(mut test) = TypeTest::named(cell.module.as_str(), cell.name.as_str()) else { return Ok(None) };
        if let [_, arity] = argv.as_slice() {
            match (test, &arity.kind) {
                (TypeTest::Function, NodeKind::Int(n)) if let Ok(n) = u8::try_from(*n) => test = TypeTest::FunctionOfArity(n),
                _ => return Ok(None),
            }
        }
        let src = self.expr(b, &argv[0])?;
        let dst = b.reg();
        b.emit(Instr::IsType { dst, src, test });
        Ok(Some(dst))
    }

    fn binary(&mut self, b: &mut FunBuilder, span: Span, op: BinaryOp, lhs: &Node, rhs: &Node) -> CResult<Reg> {
        if let Some(bop) = simple_binop(op) {
            return self.operator(b, bop, lhs, rhs);
        }
        match op {
            BinaryOp::Match => self.match_expr(b, lhs, rhs),
            BinaryOp::Pipe => {
                let (call, hidden) = self.pipe_chain(b, lhs, rhs)?;
                let value = self.expr(b, &call);
                b.scope.remove(&hidden);
                value
            }
            BinaryOp::StrConcat => {
                let a = self.expr(b, lhs)?;
                let c = self.expr(b, rhs)?;
                let dst = b.reg();
                b.emit(Instr::Concat { dst, parts: vec![a, c].into() });
                Ok(dst)
            }
            BinaryOp::Concat => self.call_mfa(b, "erlang", "++", &[lhs, rhs]),
            BinaryOp::Subtract => self.call_mfa(b, "erlang", "--", &[lhs, rhs]),
            BinaryOp::Pow => self.call_mfa(b, "Elixir.Kernel", "**", &[lhs, rhs]),
            BinaryOp::Range => {
                let a = self.expr(b, lhs)?;
                let c = self.expr(b, rhs)?;
                self.range(b, a, c, None)
            }
            BinaryOp::Step => {
                let NodeKind::BinaryOp { op: BinaryOp::Range, lhs: first, rhs: last } = &lhs.kind else {
                    return Err(CompileError::invalid(span, "the // operator expects a range on its left (first..last//step)"));
                };
                let a = self.expr(b, first)?;
                let c = self.expr(b, last)?;
                let s = self.expr(b, rhs)?;
                self.range(b, a, c, Some(s))
            }
            BinaryOp::In | BinaryOp::NotIn => {
                let r = self.membership(b, lhs, rhs)?;
                if op == BinaryOp::NotIn {
                    let dst = b.reg();
                    b.emit(Instr::Not { dst, src: r });
                    Ok(dst)
                } else {
                    Ok(r)
                }
            }
            BinaryOp::And | BinaryOp::Or => {
                let dst = b.reg();
                let a = self.expr(b, lhs)?;
                // A comparison always yields a boolean: no BadBooleanError check needed.
                let boolean = matches!(
                    lhs.kind,
                    NodeKind::BinaryOp {
                        op: BinaryOp::Eq
                            | BinaryOp::Ne
                            | BinaryOp::StrictEq
                            | BinaryOp::StrictNe
                            | BinaryOp::Lt
                            | BinaryOp::Gt
                            | BinaryOp::Le
                            | BinaryOp::Ge,
                        ..
                    }
                );
                if !boolean {
                    b.emit(Instr::CheckBool { src: a, op: Atom::new(op.as_str()) });
                }
                b.emit(Instr::Move { dst, src: a });
                let j = if op == BinaryOp::And {
                    b.emit(Instr::JumpUnlessTrue { cond: a, to: FunBuilder::PENDING })
                } else {
                    b.emit(Instr::JumpIfFalsy { cond: a, to: FunBuilder::PENDING })
                };
                if op == BinaryOp::And {
                    let c = self.expr(b, rhs)?;
                    b.emit(Instr::Move { dst, src: c });
                    let here = b.here();
                    b.patch(&[j], here);
                } else {
                    // `or`: a true lhs is the result; a false one evaluates rhs.
                    let skip = b.emit(Instr::Jump { to: FunBuilder::PENDING });
                    let here = b.here();
                    b.patch(&[j], here);
                    let c = self.expr(b, rhs)?;
                    b.emit(Instr::Move { dst, src: c });
                    let end = b.here();
                    b.patch(&[skip], end);
                }
                Ok(dst)
            }
            BinaryOp::AndAnd | BinaryOp::OrOr => {
                let dst = b.reg();
                let a = self.expr(b, lhs)?;
                b.emit(Instr::Move { dst, src: a });
                if op == BinaryOp::AndAnd {
                    let j = b.emit(Instr::JumpIfFalsy { cond: a, to: FunBuilder::PENDING });
                    let c = self.expr(b, rhs)?;
                    b.emit(Instr::Move { dst, src: c });
                    let here = b.here();
                    b.patch(&[j], here);
                } else {
                    let j = b.emit(Instr::JumpIfFalsy { cond: a, to: FunBuilder::PENDING });
                    let skip = b.emit(Instr::Jump { to: FunBuilder::PENDING });
                    let here = b.here();
                    b.patch(&[j], here);
                    let c = self.expr(b, rhs)?;
                    b.emit(Instr::Move { dst, src: c });
                    let end = b.here();
                    b.patch(&[skip], end);
                }
                Ok(dst)
            }
            // `Kernel.=~/2`: a regex match, or containment of a string (the native in regex.rs).
            BinaryOp::Match_ => {
                let kernel = Node::new(NodeKind::Alias(vec!["Kernel".into()]), span);
                let call = NodeKind::Call {
                    target: CallTarget::Remote(Box::new(kernel), "=~".into()),
                    args: vec![lhs.clone(), rhs.clone()],
                    parens: true,
                };
                self.expr(b, &Node::new(call, span))
            }
            BinaryOp::When => Err(CompileError::invalid(span, "\"when\" is only allowed in function heads and clauses")),
            BinaryOp::Arrow => Err(CompileError::invalid(span, "\"<-\" is only allowed in for and with")),
            BinaryOp::Default => Err(CompileError::invalid(span, "\\\\ (default argument) is only allowed in def heads")),
            BinaryOp::Type | BinaryOp::Pipe_ => Err(CompileError::unsupported(span, format!("the {} operator here", op.as_str()))),
            _ => Err(CompileError::unsupported(span, format!("the {} operator", op.as_str()))),
        }
    }

    fn range(&mut self, b: &mut FunBuilder, first: Reg, last: Reg, step: Option<Reg>) -> CResult<Reg> {
        let step = match step {
            Some(s) => s,
            None => {
                // Elixir 1.14: a range without a step counts down when first > last.
                let cell = self.cell("Elixir.Range", "__default_step__", 2);
                let dst = b.reg();
                b.emit(Instr::Call { dst, target: cell, args: vec![first, last].into() });
                dst
            }
        };
        let ks = self.constant(b, Term::Atom(ATOMS.struct_))?;
        let kr = self.constant(b, Term::Atom(ATOMS.range))?;
        let kf = self.constant(b, Term::Atom(ATOMS.first))?;
        let kl = self.constant(b, Term::Atom(ATOMS.last))?;
        let kst = self.constant(b, Term::Atom(ATOMS.step))?;
        let dst = b.reg();
        b.emit(Instr::MakeMap { dst, pairs: vec![(ks, kr), (kf, first), (kl, last), (kst, step)].into() });
        Ok(dst)
    }

    fn membership(&mut self, b: &mut FunBuilder, lhs: &Node, rhs: &Node) -> CResult<Reg> {
        // A literal list: a chain of === tests (also valid in guards).
        if let NodeKind::List { items, tail: None } = &rhs.kind {
            let v = self.expr(b, lhs)?;
            let dst = b.reg();
            b.emit(Instr::Const { dst, value: Term::bool(false) });
            let mut ends = Vec::new();
            for item in items {
                let c = self.expr(b, item)?;
                let t = b.reg();
                b.emit(Instr::Op { op: BinOp::StrictEq, dst: t, a: v, b: c });
                let j = b.emit(Instr::JumpUnlessTrue { cond: t, to: FunBuilder::PENDING });
                b.emit(Instr::Const { dst, value: Term::bool(true) });
                ends.push(b.emit(Instr::Jump { to: FunBuilder::PENDING }));
                let here = b.here();
                b.patch(&[j], here);
            }
            let end = b.here();
            b.patch(&ends, end);
            return Ok(dst);
        }
        let v = self.expr(b, lhs)?;
        let coll = self.expr(b, rhs)?;
        let cell = self.cell("Elixir.Enum", "member?", 2);
        let dst = b.reg();
        b.emit(Instr::Call { dst, target: cell, args: vec![coll, v].into() });
        Ok(dst)
    }

    /// Calls `module.name(args...)` with nodes as arguments.
    pub fn call_mfa(&mut self, b: &mut FunBuilder, module: &str, name: &str, args: &[&Node]) -> CResult<Reg> {
        let mut regs = Vec::new();
        for a in args {
            regs.push(self.expr(b, a)?);
        }
        let cell = self.cell(module, name, regs.len() as u32);
        let dst = b.reg();
        b.emit(Instr::Call { dst, target: cell, args: regs.into() });
        Ok(dst)
    }

    /// Calls `module.name(regs...)`.
    pub fn call_regs(&mut self, b: &mut FunBuilder, module: &str, name: &str, regs: Vec<Reg>) -> Reg {
        let cell = self.cell(module, name, regs.len() as u32);
        let dst = b.reg();
        b.emit(Instr::Call { dst, target: cell, args: regs.into() });
        dst
    }

    fn attribute(&mut self, b: &mut FunBuilder, span: Span, name: &str, value: Option<&Node>) -> CResult<Reg> {
        if value.is_some() {
            return Err(CompileError::invalid(span, format!("cannot set attribute @{name} inside function/macro")));
        }
        match self.module.attributes.get(name).cloned() {
            Some(n) => self.expr(b, &n),
            None if self.module.name.is_none() => Err(CompileError::invalid(
                span,
                "cannot invoke @/1 outside module".to_string(),
            )),
            None => self.constant(b, Term::nil()),
        }
    }

    fn call(&mut self, b: &mut FunBuilder, node: &Node, target: &CallTarget, args: &[Node], parens: bool) -> CResult<Reg> {
        if let Some(r) = self.inline_bif_call(b, node, target, args)? {
            return Ok(r);
        }
        let dst = b.reg();
        if let Some(()) = self.try_control(b, node, target, args, Dest::Into(dst))? {
            return Ok(dst);
        }
        if let Some(expanded) = self.record_expansion(node, false) {
            return self.expr(b, &expanded?);
        }
        // `put_in(state.users[id].name, v)` and friends: the path macros become the
        // function forms with a key list (`[Access.key!(:users), id, Access.key!(:name)]`).
        if let CallTarget::Local(n) = target
            && let Some(arity) = match n.as_str() {
                "put_in" | "update_in" | "get_and_update_in" => Some(2),
                "pop_in" => Some(1),
                _ => None,
            }
            && args.len() == arity
            && !self.module.locals.contains_key(&(n.clone(), arity as u32))
            && let Some((root, keys)) = access_path(&args[0])
        {
            let mut argv = vec![root, Node::new(NodeKind::List { items: keys, tail: None }, args[0].span)];
            argv.extend(args[1..].iter().cloned());
            let call = Node::new(NodeKind::Call { target: CallTarget::Local(n.clone()), args: argv, parens: true }, node.span);
            return self.expr(b, &call);
        }
        // `inspect/1,2` and `IO.inspect/1,2` go through the Inspect protocol when the
        // value holds a learner's struct with its own implementation (decided at run
        // time by `:otplab_protocol.inspect/2`; anything else is inspected natively).
        let inspect_target = match target {
            CallTarget::Local(n) if n == "inspect" && !self.module.locals.contains_key(&(n.clone(), args.len() as u32)) => Some("inspect"),
            CallTarget::Remote(m, n) if n == "inspect" && matches!(&m.kind, NodeKind::Alias(s) if s.len() == 1 && s[0] == "IO" && !self.module.aliases.contains_key("IO")) => Some("io_inspect"),
            _ => None,
        };
        if let Some(native) = inspect_target
            && (1..=2).contains(&args.len())
            && self.module.name.is_none_or(|m| !m.as_str().starts_with("Elixir.Inspect"))
        {
            let mut regs = self.args(b, args)?;
            if regs.len() == 1 {
                regs.push(self.constant(b, Term::Nil)?);
            }
            return Ok(self.call_regs(b, "otplab_protocol", native, regs));
        }
        // Kernel's `to_string/1` is the String.Chars protocol, exactly what interpolation
        // does: the VM converts built-in values itself and dispatches structs.
        if let CallTarget::Local(n) = target
            && n == "to_string"
            && args.len() == 1
            && !self.module.locals.contains_key(&(n.clone(), 1))
        {
            let v = self.expr(b, &args[0])?;
            b.emit(Instr::ToText { dst, src: v });
            return Ok(dst);
        }
        // `expr.field` on something that is not a module name: map field access.
        if let CallTarget::Remote(left, name) = target {
            if !parens && args.is_empty() && !is_static_module(left) {
                let m = self.expr(b, left)?;
                b.emit(Instr::Field { dst, src: m, key: Atom::new(name) });
                return Ok(dst);
            }
            if !is_static_module(left) {
                // `mod.fun(args)` with the module computed at run time.
                let m = self.expr(b, left)?;
                let regs = self.args(b, args)?;
                b.emit(Instr::CallDynamic { dst, module: m, call: Box::new(DynamicCall { name: Atom::new(name), args: regs.into() }) });
                return Ok(dst);
            }
        }
        match self.static_call_target(b, node, target, args)? {
            Some((cell, argv)) => {
                let regs = self.args(b, &argv)?;
                if calls_itself(b, target, &cell) {
                    b.emit(Instr::CallSelf { dst, args: regs.into() });
                } else {
                    b.emit(Instr::Call { dst, target: cell, args: regs.into() });
                }
                Ok(dst)
            }
            None => Err(CompileError::invalid(node.span, "cannot compile this call")),
        }
    }

    /// Resolves a call to an export cell with its final argument list (defaults,
    /// imports and `Kernel` resolution applied), or `None` when it is not a static call.
    pub fn static_call_target(
        &mut self,
        _b: &mut FunBuilder,
        node: &Node,
        target: &CallTarget,
        args: &[Node],
    ) -> CResult<Option<(Arc<crate::vm::modules::ExportCell>, Vec<Node>)>> {
        let arity = args.len() as u32;
        match target {
            CallTarget::Remote(left, name) => {
                if !is_static_module(left) {
                    return Ok(None);
                }
                let m = match &left.kind {
                    NodeKind::Alias(segs) => alias_atom(&self.module, segs),
                    NodeKind::Atom(a) => Atom::new(a),
                    NodeKind::Var(v) | NodeKind::Call { target: CallTarget::Local(v), .. } if v == "__MODULE__" => match self.module.name {
                        Some(m) => m,
                        None => return Err(CompileError::invalid(left.span, "__MODULE__ is nil outside a module")),
                    },
                    _ => return Ok(None),
                };
                Ok(Some((self.modules.cell(m, Atom::new(name), arity), args.to_vec())))
            }
            CallTarget::Local(name) => {
                if let Some(module) = self.module.name
                    && self.module.locals.contains_key(&(name.clone(), arity))
                {
                    return Ok(Some((self.modules.cell(module, Atom::new(name), arity), args.to_vec())));
                }
                for m in self.module.imports.clone() {
                    if self.modules.is_exported(m, Atom::new(name), arity) {
                        return Ok(Some((self.modules.cell(m, Atom::new(name), arity), args.to_vec())));
                    }
                }
                if let Some(m) = self.special_local(name, arity) {
                    return Ok(Some((self.modules.cell(Atom::new(m), Atom::new(name), arity), args.to_vec())));
                }
                let kernel = Atom::new("Elixir.Kernel");
                let _ = node;
                Ok(Some((self.modules.cell(kernel, Atom::new(name), arity), args.to_vec())))
            }
        }
    }

    /// The shell helpers (`flush/0`, `i/1`, `v/1`...) are callable without a module.
    fn special_local(&self, name: &str, arity: u32) -> Option<&'static str> {
        let helpers = "Elixir.IEx.Helpers";
        self.modules.is_exported(Atom::new(helpers), Atom::new(name), arity).then_some(helpers)
    }

    /// Compiles an anonymous function.
    pub fn closure(&mut self, b: &mut FunBuilder, span: Span, clauses: &[Clause]) -> CResult<Reg> {
        let arity = clauses.first().map(|c| c.args.len()).unwrap_or(0);
        if clauses.iter().any(|c| c.args.len() != arity) {
            return Err(CompileError::invalid(span, "cannot mix clauses with different arities in anonymous functions"));
        }
        // Capture every visible variable the body mentions.
        let mut names = HashSet::new();
        for c in clauses {
            for a in &c.args {
                collect_vars(a, &mut names);
            }
            if let Some(g) = &c.guard {
                collect_vars(g, &mut names);
            }
            collect_vars(&c.body, &mut names);
        }
        let mut captured: Vec<(String, Reg)> =
            names.into_iter().filter_map(|n| b.scope.get(&n).map(|r| (n, *r))).collect();
        captured.sort();
        let ncap = captured.len() as u32;
        self.module.lambda_count += 1;
        let index = self.module.lambda_count - 1;
        let module = self.module.name.unwrap_or(ATOMS.nil);
        let fname = format!("-{}-fun-{}-", self.module.current_fun, index);
        let mut fb = FunBuilder::new(module, Atom::new(&fname), arity as u32, ncap + arity as u32);
        fb.context = self.module.current_fun.clone();
        fb.index = index;
        fb.captured = captured.iter().map(|(n, _)| n.clone()).collect();
        let mut base_scope = Scope::new();
        for (i, (n, _)) in captured.iter().enumerate() {
            base_scope.insert(n.clone(), i as u32);
        }
        fb.scope = base_scope.clone();
        let params: Vec<Reg> = (ncap..ncap + arity as u32).collect();
        self.clauses_dispatch(&mut fb, &params, clauses, &base_scope, ClauseFail::FunctionClause)?;
        let code: FunCode = fb.finish();
        let lambda = b.lambdas.len() as u32;
        b.lambdas.push(Arc::new(code));
        let dst = b.reg();
        let caps: Vec<Reg> = captured.iter().map(|(_, r)| *r).collect();
        b.emit(Instr::MakeClosure { dst, lambda, captures: caps.into() });
        Ok(dst)
    }

    /// Compiles a list of clauses over the parameter registers; each body is in tail
    /// position. When no clause matches, `fail` decides the error.
    pub fn clauses_dispatch(
        &mut self,
        b: &mut FunBuilder,
        params: &[Reg],
        clauses: &[Clause],
        base_scope: &Scope,
        fail: ClauseFail,
    ) -> CResult<()> {
        // Each clause returns (or fails on to the next), so the clauses share registers.
        let mut set = b.branches();
        for clause in clauses {
            b.branch_from(&set);
            b.scope = base_scope.clone();
            b.line = clause.span.line;
            let mut fails = Vec::new();
            let mut bound = HashMap::new();
            for (p, r) in clause.args.iter().zip(params.iter()) {
                self.pattern(b, p, *r, &mut fails, &mut bound)?;
            }
            for (n, r) in bound {
                b.scope.insert(n, r);
            }
            if let Some(g) = &clause.guard {
                self.guard(b, g, &mut fails)?;
            }
            b.tested(&mut set);
            self.tail(b, &clause.body)?;
            let next = b.here();
            b.patch(&fails, next);
        }
        b.branches_done();
        b.scope = base_scope.clone();
        match fail {
            ClauseFail::FunctionClause => {
                b.emit(Instr::FunctionClause);
            }
        }
        Ok(())
    }

    fn capture(&mut self, b: &mut FunBuilder, span: Span, inner: &Node) -> CResult<Reg> {
        // &Mod.fun/arity and &fun/arity
        if let NodeKind::BinaryOp { op: BinaryOp::Div, lhs, rhs } = &inner.kind
            && let NodeKind::Int(arity) = rhs.kind
        {
            let arity = arity as u32;
            match &lhs.kind {
                NodeKind::Call { target: CallTarget::Remote(m, name), args, .. } if args.is_empty() && is_static_module(m) => {
                    let module = match &m.kind {
                        NodeKind::Alias(segs) => alias_atom(&self.module, segs),
                        NodeKind::Atom(a) => Atom::new(a),
                        _ => self.module.name.unwrap_or(ATOMS.nil),
                    };
                    // `&Kernel.max/2` is Elixir's `&:erlang.max/2` (Kernel inlines its BIFs).
                    if module.as_str() == "Elixir.Kernel"
                        && let Some(bif) = super::capture::kernel_inline(name, arity)
                    {
                        return self.constant(b, export_fun(Atom::new("erlang"), Atom::new(bif), arity));
                    }
                    return self.constant(b, export_fun(module, Atom::new(name), arity));
                }
                NodeKind::Var(name) | NodeKind::Call { target: CallTarget::Local(name), .. } => {
                    if let Some(module) = self.module.name {
                        match self.module.locals.get(&(name.clone(), arity)) {
                            Some(true) => return self.constant(b, export_fun(module, Atom::new(name), arity)),
                            Some(false) => {
                                // A private function: wrap it in a closure.
                                let params: Vec<Node> = (1..=arity).map(|i| Node::new(NodeKind::Var(format!("&{i}")), span)).collect();
                                let call = Node::new(NodeKind::Call { target: CallTarget::Local(name.clone()), args: params.clone(), parens: true }, span);
                                let clause = Clause { args: params, guard: None, body: call, span };
                                return self.closure(b, span, &[clause]);
                            }
                            None => {}
                        }
                    }
                    if let Some(bif) = super::capture::kernel_inline(name, arity) {
                        return self.constant(b, export_fun(Atom::new("erlang"), Atom::new(bif), arity));
                    }
                    return self.constant(b, export_fun(Atom::new("Elixir.Kernel"), Atom::new(name), arity));
                }
                _ => {}
            }
        }
        // `&String.upcase(&1)`, `&(&1 + &2)`: a call of its placeholders in order is a
        // capture by name, as in Elixir.
        let is_local = |name: &str, arity: u32| self.module.name.is_some() && self.module.locals.contains_key(&(name.to_string(), arity));
        if let Some(named) = super::capture::named_capture(inner, is_local) {
            return self.capture(b, span, &named);
        }
        self.capture_expr(b, span, inner)
    }

    fn capture_expr(&mut self, b: &mut FunBuilder, span: Span, inner: &Node) -> CResult<Reg> {
        let mut max = 0;
        max_capture_arg(inner, &mut max);
        if max == 0 {
            return Err(CompileError::invalid(
                span,
                "invalid args for &, expected one of:\n\n  * &Mod.fun/arity to capture a remote function, such as &Enum.map/2\n  * &fun/arity to capture a local or imported function, such as &is_atom/1\n  * &some_code(&1, ...) containing at least one argument as &1, such as &List.flatten(&1)\n",
            ));
        }
        let params: Vec<Node> = (1..=max).map(|i| Node::new(NodeKind::Var(format!("&{i}")), span)).collect();
        let body = replace_capture_args(inner);
        let clause = Clause { args: params, guard: None, body, span };
        self.closure(b, span, &[clause])
    }
}

/// How a clause list fails when nothing matches.
#[derive(Clone, Copy)]
pub enum ClauseFail {
    /// FunctionClauseError for the function being compiled.
    FunctionClause,
}

/// The variable `var!(name)` or `var!(name, context)` (also `Kernel.var!`) stands
/// for: `name` itself, or, in another context, a variable no plain `name` can see
/// (its name carries the context after a `\u{1}`, which no source name holds;
/// `binding(context)` lists them).
pub fn var_bang(n: &Node) -> Option<Node> {
    let NodeKind::Call { target, args, .. } = &n.kind else { return None };
    match target {
        CallTarget::Local(f) if f == "var!" => {}
        CallTarget::Remote(m, f) if f == "var!" && matches!(&m.kind, NodeKind::Alias(s) if s.len() == 1 && s[0] == "Kernel") => {}
        _ => return None,
    }
    let name = match args.first().map(|a| &a.kind) {
        Some(NodeKind::Var(v)) => v.clone(),
        Some(NodeKind::Call { target: CallTarget::Local(v), args, .. }) if args.is_empty() => v.clone(),
        _ => return None,
    };
    let name = match args.get(1).map(|a| &a.kind) {
        None => name,
        Some(NodeKind::Atom(c)) if c == "nil" => name,
        Some(NodeKind::Atom(c)) => format!("{name}\u{1}{c}"),
        Some(_) => return None,
    };
    (args.len() <= 2).then(|| Node::new(NodeKind::Var(name), n.span))
}

/// `&Mod.fun/arity` as a value.
pub fn export_fun(module: Atom, name: Atom, arity: u32) -> Term {
    Term::Fun(Arc::new(Fun { arity, kind: FunKind::Export { module, name } }))
}

/// True for nodes that name a module at compile time.
pub fn is_static_module(n: &Node) -> bool {
    matches!(&n.kind, NodeKind::Alias(_) | NodeKind::Atom(_))
        || matches!(&n.kind, NodeKind::Var(v) if v == "__MODULE__")
        || matches!(&n.kind, NodeKind::Call { target: CallTarget::Local(v), args, .. } if v == "__MODULE__" && args.is_empty())
}


/// Collects every variable name mentioned in `n` (used to decide captures).
pub fn collect_vars(n: &Node, out: &mut HashSet<String>) {
    match &n.kind {
        NodeKind::Var(v) => {
            out.insert(v.clone());
        }
        NodeKind::Interpolated { parts, .. } | NodeKind::Sigil { parts, .. } => {
            for p in parts {
                if let InterpPart::Expr(e) = p {
                    collect_vars(e, out);
                }
            }
        }
        NodeKind::List { items, tail } => {
            items.iter().for_each(|i| collect_vars(i, out));
            if let Some(t) = tail {
                collect_vars(t, out);
            }
        }
        NodeKind::Tuple(items) | NodeKind::Block(items) => items.iter().for_each(|i| collect_vars(i, out)),
        NodeKind::Map { base, pairs } | NodeKind::Struct { base, pairs, .. } => {
            if let Some(bn) = base {
                collect_vars(bn, out);
            }
            for (k, v) in pairs {
                collect_vars(k, out);
                collect_vars(v, out);
            }
        }
        NodeKind::Bitstring(segs) => segs.iter().for_each(|s| {
            collect_vars(&s.value, out);
            s.specs.iter().for_each(|x| collect_vars(x, out));
        }),
        NodeKind::UnaryOp { operand, .. } => collect_vars(operand, out),
        NodeKind::BinaryOp { lhs, rhs, .. } => {
            collect_vars(lhs, out);
            collect_vars(rhs, out);
        }
        NodeKind::Attribute { value: Some(v), .. } => collect_vars(v, out),
        NodeKind::Call { target, args, .. } => {
            if let CallTarget::Remote(l, _) = target {
                collect_vars(l, out);
            }
            if let CallTarget::Local(name) = target {
                // A parenthesis-less local may be a variable reference.
                out.insert(name.clone());
            }
            args.iter().for_each(|a| collect_vars(a, out));
        }
        NodeKind::FunCall { fun, args } => {
            collect_vars(fun, out);
            args.iter().for_each(|a| collect_vars(a, out));
        }
        NodeKind::Access { container, key } => {
            collect_vars(container, out);
            collect_vars(key, out);
        }
        NodeKind::Fn(cs) | NodeKind::Clauses(cs) => {
            for c in cs {
                c.args.iter().for_each(|a| collect_vars(a, out));
                if let Some(g) = &c.guard {
                    collect_vars(g, out);
                }
                collect_vars(&c.body, out);
            }
        }
        NodeKind::Capture(i) => collect_vars(i, out),
        _ => {}
    }
}

fn max_capture_arg(n: &Node, max: &mut u32) {
    match &n.kind {
        NodeKind::CaptureArg(i) => *max = (*max).max(*i),
        NodeKind::Capture(_) => {}
        // `&Task.async(fn -> work(&1) end)`: placeholders inside a nested fn belong
        // to the enclosing capture.
        NodeKind::Fn(clauses) => {
            for c in clauses {
                max_capture_arg(&c.body, max);
            }
        }
        _ => visit_children(n, &mut |c| max_capture_arg(c, max)),
    }
}

fn replace_capture_args(n: &Node) -> Node {
    match &n.kind {
        NodeKind::CaptureArg(i) => Node::new(NodeKind::Var(format!("&{i}")), n.span),
        NodeKind::Capture(_) => n.clone(),
        NodeKind::Fn(clauses) => Node::new(
            NodeKind::Fn(
                clauses
                    .iter()
                    .map(|c| Clause { args: c.args.clone(), guard: c.guard.clone(), body: replace_capture_args(&c.body), span: c.span })
                    .collect(),
            ),
            n.span,
        ),
        _ => map_children(n, &replace_capture_args),
    }
}

/// Calls `f` on each direct child expression of `n`.
pub fn visit_children(n: &Node, f: &mut dyn FnMut(&Node)) {
    match &n.kind {
        NodeKind::Interpolated { parts, .. } | NodeKind::Sigil { parts, .. } => {
            for p in parts {
                if let InterpPart::Expr(e) = p {
                    f(e);
                }
            }
        }
        NodeKind::List { items, tail } => {
            for i in items {
                f(i);
            }
            if let Some(t) = tail {
                f(t);
            }
        }
        NodeKind::Tuple(items) | NodeKind::Block(items) => {
            for i in items {
                f(i);
            }
        }
        NodeKind::Map { base, pairs } | NodeKind::Struct { base, pairs, .. } => {
            if let Some(bn) = base {
                f(bn);
            }
            for (k, v) in pairs {
                f(k);
                f(v);
            }
        }
        NodeKind::UnaryOp { operand, .. } => f(operand),
        NodeKind::BinaryOp { lhs, rhs, .. } => {
            f(lhs);
            f(rhs);
        }
        NodeKind::Call { target, args, .. } => {
            if let CallTarget::Remote(l, _) = target {
                f(l);
            }
            for a in args {
                f(a);
            }
        }
        NodeKind::FunCall { fun, args } => {
            f(fun);
            for a in args {
                f(a);
            }
        }
        NodeKind::Access { container, key } => {
            f(container);
            f(key);
        }
        NodeKind::Bitstring(segs) => segs.iter().for_each(|s| f(&s.value)),
        _ => {}
    }
}

/// Rebuilds `n` with `f` applied to each direct child expression.
pub fn map_children(n: &Node, f: &dyn Fn(&Node) -> Node) -> Node {
    let kind = match &n.kind {
        NodeKind::Interpolated { parts, charlist } => NodeKind::Interpolated {
            parts: parts
                .iter()
                .map(|p| match p {
                    InterpPart::Expr(e) => InterpPart::Expr(f(e)),
                    other => other.clone(),
                })
                .collect(),
            charlist: *charlist,
        },
        NodeKind::List { items, tail } => NodeKind::List {
            items: items.iter().map(f).collect(),
            tail: tail.as_ref().map(|t| Box::new(f(t))),
        },
        NodeKind::Tuple(items) => NodeKind::Tuple(items.iter().map(f).collect()),
        NodeKind::Block(items) => NodeKind::Block(items.iter().map(f).collect()),
        NodeKind::Map { base, pairs } => NodeKind::Map {
            base: base.as_ref().map(|x| Box::new(f(x))),
            pairs: pairs.iter().map(|(k, v)| (f(k), f(v))).collect(),
        },
        NodeKind::Struct { name, base, pairs } => NodeKind::Struct {
            name: name.clone(),
            base: base.as_ref().map(|x| Box::new(f(x))),
            pairs: pairs.iter().map(|(k, v)| (f(k), f(v))).collect(),
        },
        NodeKind::UnaryOp { op, operand } => NodeKind::UnaryOp { op: *op, operand: Box::new(f(operand)) },
        NodeKind::BinaryOp { op, lhs, rhs } => NodeKind::BinaryOp { op: *op, lhs: Box::new(f(lhs)), rhs: Box::new(f(rhs)) },
        NodeKind::Call { target, args, parens } => NodeKind::Call {
            target: match target {
                CallTarget::Remote(l, name) => CallTarget::Remote(Box::new(f(l)), name.clone()),
                other => other.clone(),
            },
            args: args.iter().map(f).collect(),
            parens: *parens,
        },
        NodeKind::FunCall { fun, args } => NodeKind::FunCall { fun: Box::new(f(fun)), args: args.iter().map(f).collect() },
        NodeKind::Access { container, key } => NodeKind::Access { container: Box::new(f(container)), key: Box::new(f(key)) },
        other => other.clone(),
    };
    Node::new(kind, n.span)
}

/// The root and the keys of a path written for the path macros (`data[:a].b[k]`):
/// `expr[key]` gives `key`, `expr.field` gives `Access.key!(:field)`. `None` when the
/// expression is not such a path (then the call is the function form).
fn access_path(n: &Node) -> Option<(Node, Vec<Node>)> {
    let (container, key) = match &n.kind {
        NodeKind::Access { container, key } => ((**container).clone(), (**key).clone()),
        NodeKind::Call { target: CallTarget::Remote(left, field), args, parens: false } if args.is_empty() && !is_static_module(left) => {
            let accessor = Node::new(
                NodeKind::Call {
                    target: CallTarget::Remote(Box::new(Node::new(NodeKind::Alias(vec!["Access".into()]), n.span)), "key!".into()),
                    args: vec![Node::new(NodeKind::Atom(field.clone()), n.span)],
                    parens: true,
                },
                n.span,
            );
            ((**left).clone(), accessor)
        }
        _ => return None,
    };
    match access_path(&container) {
        Some((root, mut keys)) => {
            keys.push(key);
            Some((root, keys))
        }
        None => Some((container, vec![key])),
    }
}

/// Parses `YYYY-MM-DD` into a `%Date{}` struct term.
pub fn parse_date(s: &str) -> Option<Term> {
    // ISO 8601 as Calendar.ISO reads it: `[-]YYYY-MM-DD`, the year at least four
    // digits (a leading `-` is a year before 0000), month and day two digits each.
    let s = s.trim();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let mut it = s.splitn(3, '-');
    let digits = |p: &str, min: usize, max: usize| {
        (p.len() >= min && p.len() <= max && p.bytes().all(|c| c.is_ascii_digit())).then(|| p.parse::<i64>().ok()).flatten()
    };
    let y = digits(it.next()?, 4, 18)?;
    let y = if negative { -y } else { y };
    let m = digits(it.next()?, 2, 2)?;
    let d = digits(it.next()?, 2, 2)?;
    if !crate::term::calendar::valid_date(y, m, d) {
        return None;
    }
    Some(Term::map(vec![
        (Term::Atom(ATOMS.struct_), Term::atom("Elixir.Date")),
        (Term::atom("calendar"), Term::atom("Elixir.Calendar.ISO")),
        (Term::atom("day"), Term::Int(d)),
        (Term::atom("month"), Term::Int(m)),
        (Term::atom("year"), Term::Int(y)),
    ]))
}

/// The value of a list, tuple or map written with literals only (`{2, 1}`,
/// `[:set, :public]`, `[Task.Supervised]`), built once at compile time: the code
/// then shares it instead of allocating it anew on every run, as BEAM does with
/// literals. An alias inside names the module the unit's aliases make it, as it
/// does when compiled on its own. `None` when any part is not a literal.
fn literal_collection(ctx: &ModuleCtx, n: &Node) -> Option<Term> {
    super::pattern::literal_term_in(n, &|segs| Term::Atom(alias_atom(ctx, segs)))
}

/// The VM operator for a call resolved to `cell`, when it is an arithmetic BIF that
/// compiles to one `Op` instruction (`rem/2`, `div/2` of `Kernel` or `:erlang`).
fn arith_bif(cell: &crate::vm::modules::ExportCell) -> Option<BinOp> {
    if cell.arity != 2 || !matches!(cell.module.as_str(), "Elixir.Kernel" | "erlang") {
        return None;
    }
    match cell.name.as_str() {
        "rem" => Some(BinOp::Rem),
        "div" => Some(BinOp::IntDiv),
        _ => None,
    }
}

/// The VM operator for a source operator that compiles to one `Op` instruction.
fn simple_binop(op: BinaryOp) -> Option<BinOp> {
    match op {
        BinaryOp::Add => Some(BinOp::Add),
        BinaryOp::Sub => Some(BinOp::Sub),
        BinaryOp::Mul => Some(BinOp::Mul),
        BinaryOp::Div => Some(BinOp::Div),
        BinaryOp::Eq => Some(BinOp::Eq),
        BinaryOp::Ne => Some(BinOp::Ne),
        BinaryOp::StrictEq => Some(BinOp::StrictEq),
        BinaryOp::StrictNe => Some(BinOp::StrictNe),
        BinaryOp::Lt => Some(BinOp::Lt),
        BinaryOp::Gt => Some(BinOp::Gt),
        BinaryOp::Le => Some(BinOp::Le),
        BinaryOp::Ge => Some(BinOp::Ge),
        _ => None,
    }
}

/// True when a call from the function `b` builds, to `cell` through `target`, is a
/// local call of that same function (`fib(n - 1)` in `fib/1`): it stays in the
/// module version that makes it, as on BEAM, so the VM needs no export cell for it
/// (a loop in tail position, `Instr::CallSelf` otherwise). A closure's body is never
/// the function its name says, and a remote call (`M.f()`) goes through the cell.
fn calls_itself(b: &FunBuilder, target: &CallTarget, cell: &ExportCell) -> bool {
    matches!(target, CallTarget::Local(_))
        && b.captured.is_empty()
        && cell.module == b.module
        && cell.name == b.name
        && cell.arity == b.arity
}

/// A map literal's key and value registers, sorted by key when every key is a
/// distinct literal atom (`%{id: ..., start: ...}`), so the map is built without
/// sorting at run time (see `TermMap::from_entries`). The values were evaluated in
/// source order already; only the order the entries are handed over changes.
fn in_key_order(pairs: &[(Node, Node)], regs: Vec<(Reg, Reg)>) -> Vec<(Reg, Reg)> {
    let keys: Option<Vec<Atom>> = pairs
        .iter()
        .map(|(k, _)| match &k.kind {
            NodeKind::Atom(name) => Some(Atom::new(name)),
            _ => None,
        })
        .collect();
    let Some(keys) = keys else { return regs };
    let mut keyed: Vec<(Atom, (Reg, Reg))> = keys.into_iter().zip(regs.iter().copied()).collect();
    keyed.sort_by_key(|(key, _)| *key);
    if keyed.windows(2).any(|w| w[0].0 == w[1].0) {
        // A repeated key: the later value wins, which the run-time build decides.
        return regs;
    }
    keyed.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use crate::vm::code::{BinOp, FunCode, Instr};
    use crate::vm::type_test::TypeTest;

    /// The code of `name` in the first module `source` defines.
    fn function(source: &str, name: &str) -> std::sync::Arc<FunCode> {
        let module = crate::compile::first_module(source);
        let f = module.functions.iter().find(|f| f.0.as_str() == name).expect("the function");
        f.3.clone()
    }

    #[test]
    fn guard_sides_joined_by_and_are_tests_of_their_own_without_a_try() {
        let src = "defmodule G do\n\
                   def f({m, f, a}) when is_atom(m) and is_atom(f) and is_list(a), do: :ok\n\
                   def f(_), do: :no\n\
                   def g(x) when is_list(x) and length(x) > 1, do: :long\n\
                   def g(_), do: :no\n\
                   end";
        let tries = |code: &FunCode| code.instrs().iter().filter(|i| matches!(i, Instr::TryBegin { .. })).count();
        let f = function(src, "f");
        assert_eq!(tries(&f), 0, "type tests cannot raise: {:?}", f.instrs());
        let jumps = f.instrs().iter().filter(|i| matches!(i, Instr::JumpUnlessTrue { .. })).count();
        assert_eq!(jumps, 3, "one test and jump a side: {:?}", f.instrs());
        // `length/1` may raise: only its side is protected.
        assert_eq!(tries(&function(src, "g")), 1);
    }

    fn ops(code: &FunCode) -> Vec<BinOp> {
        code.instrs()
            .iter()
            .filter_map(|i| match i {
                Instr::Op { op, .. } | Instr::OpInt { op, .. } => Some(*op),
                Instr::Add { .. } | Instr::AddInt { .. } | Instr::ReturnAdd { .. } => Some(BinOp::Add),
                Instr::Sub { .. } | Instr::SubInt { .. } => Some(BinOp::Sub),
                Instr::CallSelfInt { sub, .. } => Some(if *sub { BinOp::Sub } else { BinOp::Add }),
                _ => None,
            })
            .collect()
    }

    fn calls(code: &FunCode) -> Vec<String> {
        code.instrs()
            .iter()
            .filter_map(|i| match i {
                Instr::Call { target, .. } | Instr::TailCall { target, .. } => Some(target.name.as_str().to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn rem_and_div_of_kernel_and_erlang_compile_to_operators() {
        let src = "defmodule M do\n\
                   def f(i, j), do: {rem(i, 10), div(i, j), Kernel.rem(i, j), :erlang.div(i, 3)}\n\
                   def g(x) when rem(x, 2) == 0, do: :erlang.rem(x, 4)\n\
                   end";
        let f = function(src, "f");
        assert_eq!(ops(&f), [BinOp::Rem, BinOp::IntDiv, BinOp::Rem, BinOp::IntDiv]);
        assert!(calls(&f).is_empty(), "no native call left: {:?}", calls(&f));
        let g = function(src, "g");
        assert_eq!(ops(&g), [BinOp::Rem, BinOp::Eq, BinOp::Rem]);
        assert!(calls(&g).is_empty());
    }

    #[test]
    fn only_a_local_call_of_the_function_itself_is_a_self_call() {
        let src = "defmodule M do\n\
                   def f(0), do: 0\n\
                   def f(n), do: f(n - 1) + M.f(n - 1) + f(n, 1) + (fn x -> f(x) end).(n)\n\
                   def f(n, _), do: n\n\
                   end";
        let f = function(src, "f");
        let selfs = f.instrs().iter().filter(|i| matches!(i, Instr::CallSelf { .. })).count();
        // `f(n - 1)` only: the remote `M.f` goes through its cell (it may reach a newer
        // version), `f/2` is another function, and the closure's `f(x)` is in the fn.
        assert_eq!(selfs, 1);
        assert_eq!(calls(&f), ["f", "f"]);
        assert!(f.instrs().iter().any(|i| matches!(i, Instr::ReturnIfInt { test: 0, .. })), "the literal 0 is tested as an integer");
        let lambda = &f.lambdas[0];
        assert!(!lambda.instrs().iter().any(|i| matches!(i, Instr::CallSelf { .. })));
    }

    #[test]
    fn exclusive_branches_share_registers() {
        let clause = "def f({:a, x}), do: {x + 1, [x + 2, x + 3]}\n";
        let arm = |n: u32| format!("{n} -> {{x + 1, [x + 2, x + 3]}}\n");
        let module = |body: &str| format!("defmodule M do\n{body}end");
        let fun = |arms: &str| format!("def g(x) do\ny = case x do\n{arms}end\nz = if x > 0, do: [x, x + 7], else: [x, x + 8]\nw = cond do\nx > 5 -> x + 1\ntrue -> x + 2\nend\n{{y, z, w}}\nend\n");
        // More clauses, arms, branches: the same window (each one returns or joins).
        let one = function(&module(clause), "f").nregs;
        let three = function(&module(&clause.repeat(3)), "f").nregs;
        assert_eq!(one, three);
        let two_arms = function(&module(&fun(&(arm(1) + &arm(2)))), "g").nregs;
        let five_arms = function(&module(&fun(&(1..=5).map(arm).collect::<String>())), "g").nregs;
        assert_eq!(two_arms, five_arms);
    }

    #[test]
    fn a_base_case_tests_and_returns_in_one_instruction() {
        let src = "defmodule M do\n\
                   def f(0), do: :zero\n\
                   def f(10_000_000_000), do: :big\n\
                   def f(n) when n > 5, do: n\n\
                   def f(n), do: {n, f(n - 1)}\n\
                   end";
        let f = function(src, "f");
        let code = f.instrs();
        let fused = code.iter().position(|i| matches!(i, Instr::ReturnIfInt { test: 0, .. })).expect("f(0) is fused");
        // The `ReturnConst` stays behind it, so no index moves.
        assert!(matches!(code[fused + 1], Instr::ReturnConst { .. }));
        // A literal past 32 bits keeps its `TestInt` (the fused instruction holds an i32).
        assert!(code.iter().any(|i| matches!(i, Instr::TestInt { value: 10_000_000_000, .. })));
        assert!(!code.iter().any(|i| matches!(i, Instr::ReturnIfInt { test, .. } if *test != 0)));
    }

    #[test]
    fn a_body_recursion_passes_its_argument_and_returns_its_sum_in_one_instruction_each() {
        let src = "defmodule M do\n\
                   def fib(0), do: 0\n\
                   def fib(1), do: 1\n\
                   def fib(n), do: fib(n - 1) + fib(n - 2)\n\
                   def up(n), do: [up(n + 1), up(n + 10_000_000_000)]\n\
                   def two(a, b), do: two(a - 1, b) + a\n\
                   end";
        let fib = function(src, "fib");
        let code = fib.instrs();
        let calls: Vec<usize> = code.iter().enumerate().filter(|(_, i)| matches!(i, Instr::CallSelfInt { .. })).map(|(at, _)| at).collect();
        assert_eq!(calls.len(), 2, "fib(n - 1) and fib(n - 2)");
        for at in calls {
            let Instr::CallSelfInt { tmp, sub: true, dst, .. } = code[at] else { panic!("a subtraction: {:?}", code[at]) };
            // The `CallSelf` stays behind it, so no index moves.
            assert!(matches!(&code[at + 1], Instr::CallSelf { dst: d, args } if *d == dst && **args == [tmp]));
        }
        let sum = code.iter().position(|i| matches!(i, Instr::ReturnAdd { .. })).expect("the sum is returned in one");
        let Instr::ReturnAdd { dst, .. } = code[sum] else { unreachable!() };
        assert!(matches!(code[sum + 1], Instr::Return { src } if src == dst));
        // An immediate past 32 bits keeps its `AddInt`; a call of two arguments its `SubInt`.
        let up = function(src, "up");
        assert_eq!(up.instrs().iter().filter(|i| matches!(i, Instr::CallSelfInt { sub: false, imm: 1, .. })).count(), 1);
        assert!(up.instrs().iter().any(|i| matches!(i, Instr::AddInt { imm: 10_000_000_000, .. })));
        let two = function(src, "two");
        assert!(!two.instrs().iter().any(|i| matches!(i, Instr::CallSelfInt { .. })));
        assert!(two.instrs().iter().any(|i| matches!(i, Instr::ReturnAdd { .. })));
    }

    #[test]
    fn a_loops_last_computed_argument_goes_straight_into_its_parameter() {
        let src = "defmodule M do\n\
                   def loop(0, acc), do: acc\n\
                   def loop(n, acc), do: loop(n - 1, acc + n)\n\
                   def swap(0, a, b), do: {a, b}\n\
                   def swap(n, a, b), do: swap(n - 1, b, a)\n\
                   def cons(0, acc), do: acc\n\
                   def cons(n, acc), do: cons(n - 1, [n | acc])\n\
                   end";
        let code = function(src, "loop");
        // `acc + n` is computed into `acc`'s register; `n - 1`, which the sum reads
        // `n` before, is computed after it, into `n`'s: no move at the back edge.
        // The sum's failure checks the subtraction first (the written order).
        let instrs = code.instrs();
        // The subtraction and the back edge are one `IntLoop`, which also does the
        // first clause's `0` test it lands on (`IntLoopTest`: past the test, or to
        // the second clause at its `fail`); the `Loop` stays behind it for the paths
        // that do not jump at once, and the `TestInt` for the function's entry.
        let back = instrs.iter().position(|i| matches!(i, Instr::Loop { to: 0 })).expect("a back edge with no move");
        assert!(matches!(instrs[back - 2], Instr::Add { dst: 1, a: 1, b: 0 }), "{instrs:?}");
        let Instr::TestInt { reg: 0, value: 0, fail } = instrs[0] else { panic!("{instrs:?}") };
        assert!(
            matches!(instrs[back - 1], Instr::IntLoopTest { dst: 0, a: 0, step: -1, sub: true, test: 0, to: 0, fail: f } if f == fail),
            "{instrs:?}"
        );
        assert_eq!(*code.deferred, [((back - 2) as u32, (back - 1) as u32)]);
        assert!(!instrs.iter().any(|i| matches!(i, Instr::Move { .. } | Instr::MoveLoop { .. })));
        // A list cell is not arithmetic: the counter is not moved past it, and keeps
        // its move at the back edge.
        let cons = function(src, "cons");
        assert!(cons.deferred.is_empty());
        assert!(cons.instrs().iter().any(|i| matches!(i, Instr::MoveLoop { dst: 0, .. })), "{:?}", cons.instrs());
        // `k - 1` goes into `k`'s register (the moves read only `a` and `b`), and the
        // two parameters that trade places keep their moves.
        let swap = function(src, "swap");
        assert!(swap.instrs().iter().any(|i| matches!(i, Instr::SubInt { dst: 0, a: 0, imm: 1 } | Instr::IntLoop { dst: 0, a: 0, step: -1, .. })), "{:?}", swap.instrs());
        assert!(swap.instrs().iter().filter(|i| matches!(i, Instr::Move { .. } | Instr::MoveLoop { .. })).count() >= 3);
    }

    #[test]
    fn literal_collections_are_constants_with_their_aliases_resolved() {
        let src = "defmodule M do\n\
                   alias Foo.Bar\n\
                   def f(x), do: {{2, 1}, [:set, :public], %{a: [1]}, {Bar, 1}, [Baz], {x, 0}}\n\
                   end";
        let f = function(src, "f");
        let consts: Vec<String> = f
            .instrs()
            .iter()
            .filter_map(|i| match i {
                Instr::Const { value: v @ (crate::term::Term::Tuple(_) | crate::term::Term::Cons(_) | crate::term::Term::Map(_)), .. } => {
                    Some(crate::term::inspect::inspect(v))
                }
                _ => None,
            })
            .collect();
        let built = f.instrs().iter().filter(|i| matches!(i, Instr::MakeTuple { .. })).count();
        // The five literals are constants, `Bar` as the alias names it; `{x, 0}`
        // and the outer tuple are built.
        assert_eq!(consts, ["{2, 1}", "[:set, :public]", "%{a: [1]}", "{Foo.Bar, 1}", "[Baz]"]);
        assert_eq!(built, 2);
    }

    #[test]
    fn a_modules_own_rem_stays_a_call() {
        let src = "defmodule M do\n\
                   def f(i), do: rem(i, 10) + M.div(i, 2)\n\
                   def rem(a, b), do: {a, b}\n\
                   def div(a, b), do: {a, b}\n\
                   end";
        let f = function(src, "f");
        assert_eq!(ops(&f), [BinOp::Add]);
        assert_eq!(calls(&f), ["rem", "div"]);
    }

    /// The keys a map literal's `MakeMap` hands over, as the constants loaded into
    /// its key registers.
    fn map_keys(code: &FunCode) -> Vec<String> {
        let consts: std::collections::HashMap<u32, String> = code
            .instrs()
            .iter()
            .filter_map(|i| match i {
                Instr::Const { dst, value } => Some((*dst, crate::term::inspect::inspect(value))),
                _ => None,
            })
            .collect();
        code.instrs()
            .iter()
            .find_map(|i| match i {
                Instr::MakeMap { pairs, .. } => Some(pairs.iter().map(|(k, _)| consts.get(k).cloned().unwrap_or_default()).collect()),
                _ => None,
            })
            .expect("a MakeMap")
    }

    #[test]
    fn a_literals_atom_keys_are_handed_over_in_key_order() {
        let src = "defmodule M do\n\
                   def f(x, y), do: %{start: x, id: y, restart: x}\n\
                   def g(x, y), do: %{b: x, a: y, b: y}\n\
                   def h(x, y), do: %{:b => x, 1 => y}\n\
                   end";
        assert_eq!(map_keys(&function(src, "f")), [":id", ":restart", ":start"]);
        // A repeated key or a key that is not an atom: source order, sorted at run time.
        assert_eq!(map_keys(&function(src, "g")), [":b", ":a", ":b"]);
        assert_eq!(map_keys(&function(src, "h")), [":b", "1"]);
    }

    #[test]
    fn type_tests_of_kernel_and_erlang_compile_to_is_type() {
        let src = "defmodule M do\n\
                   def f(x) when is_atom(x) and is_list(x), do: {is_map(x), :erlang.is_tuple(x), Kernel.is_nil(x)}\n\
                   def g(x), do: {is_function(x, 1), is_struct(x)}\n\
                   def k(x, n) when is_function(x, n), do: {is_function(x, 256), is_function(x, -1), Kernel.is_function(x, 0)}\n\
                   end";
        let own = "defmodule N do\n\
                   import Kernel, except: [is_map: 1]\n\
                   def is_map(_), do: :mine\n\
                   def h(x), do: is_map(x)\n\
                   end";
        let tests = |code: &FunCode| -> Vec<TypeTest> {
            code.instrs()
                .iter()
                .filter_map(|i| match i {
                    Instr::IsType { test, .. } => Some(*test),
                    _ => None,
                })
                .collect()
        };
        let f = function(src, "f");
        assert_eq!(tests(&f), [TypeTest::Atom, TypeTest::List, TypeTest::Map, TypeTest::Tuple, TypeTest::Nil]);
        assert!(calls(&f).is_empty(), "no native call left: {:?}", calls(&f));
        // A literal arity is a test of its own; a computed or out-of-range one, and
        // tests that look inside, stay calls.
        let g = function(src, "g");
        assert_eq!(tests(&g), [TypeTest::FunctionOfArity(1)]);
        assert_eq!(calls(&g), ["is_struct"]);
        let k = function(src, "k");
        assert_eq!(tests(&k), [TypeTest::FunctionOfArity(0)]);
        assert_eq!(calls(&k), ["is_function", "is_function", "is_function"]);
        // A module's own function of the name is called.
        let h = function(own, "h");
        assert!(tests(&h).is_empty());
        assert_eq!(calls(&h), ["is_map"]);
    }
}
