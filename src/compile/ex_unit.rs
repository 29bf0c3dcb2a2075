//! ExUnit's macros, for a subset without macros: the compiler recognises the forms
//! of a test module (`use ExUnit.Case`, `test`, `describe`, `setup`/`setup_all`,
//! `@tag`/`@describetag`/`@moduletag`, `doctest`) and the assertions, and rewrites
//! them into ordinary definitions and calls of the prelude's `ExUnit` modules
//! (`src/stdlib/prelude/ex_unit/`), as Elixir's own macros expand them.
//!
//! What a test module becomes:
//! - each test is `def :"test NAME"(context)` (with the describe name in between, as
//!   Elixir names it), a test without a body is registered as not implemented;
//! - each setup is `def __ex_unit_setup_N(context)`, each setup_all
//!   `def __ex_unit_setup_all_N(context)` (named setups call the local function);
//! - `__ex_unit__/0` returns the module's tests, tags and callbacks as a map the
//!   runner reads (`ExUnit.Runner`);
//! - after `defmodule` the module registers itself with `ExUnit.Server`.
//!
//! Assertions are lowered in place so that their failure carries what Elixir's
//! macros capture at compile time: the code as text ([`code_text`]), the operands
//! of `==`/`>`/`in`..., the pattern of `=`/`match?`/`assert_receive`, and the
//! line (otplab keeps no stack frames, so the line travels with the failure).

pub mod code_text;
pub mod doc_test;

pub use doc_test::{DocExamples, note_doc};

use super::error::{CResult, CompileError};
use crate::syntax::Span;
use crate::syntax::ast::{BinaryOp, CallTarget, Clause, InterpPart, Node, NodeKind};
use code_text::code_text;
use std::collections::HashMap;

/// True when `items` (a module body) contains `use ExUnit.Case`.
pub fn is_case(items: &[Node]) -> bool {
    items.iter().any(|i| use_of(i).is_some_and(|(m, _)| m == "ExUnit.Case"))
}

/// True when the module body needs the rewrite: a test case, or a module that
/// imports `ExUnit.Assertions` (a test helper).
pub fn wants_expansion(items: &[Node]) -> bool {
    is_case(items)
        || items.iter().any(|i| match &i.kind {
            NodeKind::Call { target: CallTarget::Local(n), args, .. } if n == "import" => {
                matches!(args.first().map(|a| &a.kind), Some(NodeKind::Alias(s)) if s.join(".") == "ExUnit.Assertions")
            }
            _ => false,
        })
}

/// `ExUnit.Server.__register__(module)`: evaluated right after a test module is
/// defined, as `use ExUnit.Case`'s `@after_compile` hook does in Elixir.
pub fn registration(module: &str, span: Span) -> Node {
    let server = Node::new(NodeKind::Alias(vec!["ExUnit".into(), "Server".into()]), span);
    Node::new(
        NodeKind::Call {
            target: CallTarget::Remote(Box::new(server), "__register__".into()),
            args: vec![Node::new(NodeKind::Atom(module.into()), span)],
            parens: true,
        },
        span,
    )
}

fn use_of(item: &Node) -> Option<(String, Option<&Node>)> {
    match &item.kind {
        NodeKind::Call { target: CallTarget::Local(n), args, .. } if n == "use" => match args.first().map(|a| &a.kind) {
            Some(NodeKind::Alias(s)) => Some((s.join("."), args.get(1))),
            _ => None,
        },
        _ => None,
    }
}

/// What the body of a test module declares, gathered while rewriting it.
#[derive(Default)]
struct Suite {
    /// Definitions generated for tests and callbacks.
    defs: Vec<Node>,
    /// One map expression per test, in definition order.
    tests: Vec<Node>,
    /// Module-level setup functions, in order.
    setups: Vec<String>,
    /// setup_all functions, in order.
    setup_alls: Vec<String>,
    /// `@moduletag` entries (`{key, value}` tuples).
    moduletags: Vec<Node>,
    /// `@tag` entries waiting for the next test.
    pending_tags: Vec<Node>,
    /// `async:` of `use ExUnit.Case`.
    async_opt: Option<Node>,
    counter: u32,
    /// The documented examples `doctest` can turn into tests.
    docs: Option<DocExamples>,
    /// Doctests generated so far (they are numbered across the module).
    doctests: u32,
}

/// The describe block being expanded.
#[derive(Clone, Default)]
struct Describe {
    name: Option<String>,
    line: u32,
    setups: Vec<String>,
    tags: Vec<Node>,
}

/// Rewrites a test module's body (or a helper module importing the assertions).
pub fn expand(items: &[Node], span: Span, docs: &DocExamples) -> CResult<Vec<Node>> {
    let mut suite = Suite { docs: Some(docs.clone()), ..Suite::default() };
    let mut out = Vec::new();
    let case = is_case(items);
    // @moduletag applies to every test wherever it is written.
    for item in items {
        if let NodeKind::Attribute { name, value: Some(v) } = &item.kind
            && name == "moduletag"
        {
            suite.moduletags.extend(tag_entries(v)?);
        }
    }
    walk(&mut suite, items, &Describe::default(), &mut out)?;
    if case {
        out.append(&mut suite.defs);
        out.push(metadata(&suite, span)?);
    }
    Ok(out)
}

fn walk(suite: &mut Suite, items: &[Node], describe: &Describe, out: &mut Vec<Node>) -> CResult<()> {
    let mut describe = describe.clone();
    // Setups of a describe block apply to all its tests, wherever they are written.
    if describe.name.is_some() {
        for item in items {
            if let Some(("setup", args)) = local_call(item) {
                let names = callback(suite, item, args, "setup")?;
                describe.setups.extend(names);
            }
        }
    }
    for item in items {
        if let NodeKind::Attribute { name, value: Some(v) } = &item.kind {
            match name.as_str() {
                "tag" => {
                    suite.pending_tags.extend(tag_entries(v)?);
                    continue;
                }
                "describetag" => {
                    if describe.name.is_none() {
                        return Err(CompileError::invalid(item.span, "@describetag must be set inside describe/2 blocks"));
                    }
                    describe.tags.extend(tag_entries(v)?);
                    continue;
                }
                "moduletag" => continue,
                _ => {}
            }
        }
        if let Some((module, opts)) = use_of(item)
            && module == "ExUnit.Case"
        {
            suite.async_opt = opts.and_then(|o| super::control::kw_get(o, "async")).cloned();
            for m in ["ExUnit.Assertions", "ExUnit.Callbacks"] {
                out.extend(parse_template(&format!("import {m}"), item.span)?);
            }
            continue;
        }
        match local_call(item) {
            Some(("test", args)) => test(suite, item, args, &describe)?,
            Some(("describe", args)) => {
                if describe.name.is_some() {
                    return Err(CompileError::invalid(item.span, "cannot call \"describe\" inside another \"describe\""));
                }
                let (Some(name), Some(body)) = (args.first(), args.get(1).and_then(|kw| super::control::kw_get(kw, "do"))) else {
                    return Err(CompileError::invalid(item.span, "describe expects a name and a do block"));
                };
                let inner = Describe { name: Some(literal_string(name)?), line: item.span.line, setups: describe.setups.clone(), tags: vec![] };
                let body_items = match &body.kind {
                    NodeKind::Block(items) => items.clone(),
                    NodeKind::Atom(a) if a == "nil" => vec![],
                    _ => vec![body.clone()],
                };
                walk(suite, &body_items, &inner, out)?;
            }
            Some(("setup", args)) => {
                if describe.name.is_none() {
                    let names = callback(suite, item, args, "setup")?;
                    suite.setups.extend(names);
                }
            }
            Some(("setup_all", args)) => {
                if describe.name.is_some() {
                    return Err(CompileError::invalid(item.span, "cannot invoke setup_all/1 inside describe as setup_all always applies to all tests in a module"));
                }
                let names = callback(suite, item, args, "setup_all")?;
                suite.setup_alls.extend(names);
            }
            Some(("doctest", args)) => doc_test::doctest(suite, item, args)?,
            _ => out.push(lower(item)?),
        }
    }
    Ok(())
}

fn local_call(item: &Node) -> Option<(&str, &[Node])> {
    match &item.kind {
        NodeKind::Call { target: CallTarget::Local(n), args, .. } => Some((n.as_str(), args.as_slice())),
        NodeKind::Var(n) if n == "setup" || n == "setup_all" => Some((n.as_str(), &[])),
        _ => None,
    }
}

fn literal_string(n: &Node) -> CResult<String> {
    match &n.kind {
        NodeKind::Str(s) => Ok(s.clone()),
        NodeKind::Atom(a) => Ok(a.clone()),
        _ => Err(CompileError::unsupported(n.span, "a test or describe name that is not a literal string")),
    }
}

/// `@tag :a` / `@tag a: 1, b: 2` as `{key, value}` tuple nodes.
fn tag_entries(v: &Node) -> CResult<Vec<Node>> {
    match &v.kind {
        NodeKind::Atom(a) => Ok(vec![Node::new(
            NodeKind::Tuple(vec![Node::new(NodeKind::Atom(a.clone()), v.span), Node::new(NodeKind::Atom("true".into()), v.span)]),
            v.span,
        )]),
        NodeKind::List { items, tail: None } => {
            let mut out = Vec::new();
            for i in items {
                out.extend(tag_entries(i)?);
            }
            Ok(out)
        }
        NodeKind::Tuple(p) if p.len() == 2 => Ok(vec![v.clone()]),
        _ => Err(CompileError::invalid(v.span, "a tag must be an atom or a keyword list")),
    }
}

/// `setup`/`setup_all` in its forms: a block (with or without a context pattern),
/// `:name`, `[:a, :b]`, `{Mod, :fun}`. Returns the generated functions' names.
fn callback(suite: &mut Suite, item: &Node, args: &[Node], kind: &str) -> CResult<Vec<String>> {
    let span = item.span;
    let mut bodies: Vec<(Node, Node)> = Vec::new();
    let ctx = Node::new(NodeKind::Var("context".into()), span);
    let underscore = Node::new(NodeKind::Var("_".into()), span);
    let call_named = |n: &Node| -> CResult<Node> {
        match &n.kind {
            NodeKind::Atom(f) => Ok(Node::new(NodeKind::Call { target: CallTarget::Local(f.clone()), args: vec![ctx.clone()], parens: true }, n.span)),
            NodeKind::Tuple(p) if p.len() == 2 => match &p[1].kind {
                NodeKind::Atom(f) => Ok(Node::new(
                    NodeKind::Call { target: CallTarget::Remote(Box::new(p[0].clone()), f.clone()), args: vec![ctx.clone()], parens: true },
                    n.span,
                )),
                _ => Err(CompileError::invalid(n.span, format!("{kind} expects a function name or {{module, function}}"))),
            },
            _ => Err(CompileError::invalid(n.span, format!("{kind} expects a block, an atom, a list of atoms or {{module, function}}"))),
        }
    };
    match args {
        [kw] if super::control::kw_get(kw, "do").is_some() => {
            bodies.push((underscore, lower(super::control::kw_get(kw, "do").unwrap_or(kw))?));
        }
        [pat, kw] if super::control::kw_get(kw, "do").is_some() => {
            bodies.push((pat.clone(), lower(super::control::kw_get(kw, "do").unwrap_or(kw))?));
        }
        [Node { kind: NodeKind::List { items, .. }, .. }] => {
            for i in items {
                bodies.push((ctx.clone(), call_named(i)?));
            }
        }
        [one] => bodies.push((ctx.clone(), call_named(one)?)),
        _ => return Err(CompileError::invalid(span, format!("{kind} expects a do block or the name of a function"))),
    }
    let mut names = Vec::new();
    for (param, body) in bodies {
        let name = format!("__ex_unit_{kind}_{}", suite.counter);
        suite.counter += 1;
        suite.defs.push(def(&name, vec![param], body, span));
        names.push(name);
    }
    Ok(names)
}

fn def(name: &str, params: Vec<Node>, body: Node, span: Span) -> Node {
    let head = Node::new(NodeKind::Call { target: CallTarget::Local(name.into()), args: params, parens: true }, span);
    let kw = keyword(vec![("do", body)], span);
    Node::new(NodeKind::Call { target: CallTarget::Local("def".into()), args: vec![head, kw], parens: false }, span)
}

fn keyword(pairs: Vec<(&str, Node)>, span: Span) -> Node {
    let items = pairs
        .into_iter()
        .map(|(k, v)| Node::new(NodeKind::Tuple(vec![Node::new(NodeKind::Atom(k.into()), span), v]), span))
        .collect();
    Node::new(NodeKind::List { items, tail: None }, span)
}

/// `test "name"`, `test "name" do ... end`, `test "name", context do ... end`.
fn test(suite: &mut Suite, item: &Node, args: &[Node], describe: &Describe) -> CResult<()> {
    let span = item.span;
    let Some(name) = args.first() else {
        return Err(CompileError::invalid(span, "test expects a name"));
    };
    let name = literal_string(name)?;
    let full = match &describe.name {
        Some(d) => format!("test {d} {name}"),
        None => format!("test {name}"),
    };
    register_test(suite, span, &full, &args[1..], describe, "test")
}

/// Defines the test function `full` (unless it has no body) and its metadata.
fn register_test(suite: &mut Suite, span: Span, full: &str, rest: &[Node], describe: &Describe, test_type: &str) -> CResult<()> {
    let (param, body) = match rest {
        [] => (None, None),
        [kw] => (Some(Node::new(NodeKind::Var("_".into()), span)), super::control::kw_get(kw, "do").cloned()),
        [pat, kw] => (Some(pat.clone()), super::control::kw_get(kw, "do").cloned()),
        _ => return Err(CompileError::invalid(span, "test expects a name, an optional context and a do block")),
    };
    if param.is_some() && body.is_none() {
        return Err(CompileError::invalid(span, "missing :do option in \"test\""));
    }
    let implemented = body.is_some();
    if let (Some(p), Some(b)) = (param, body) {
        suite.defs.push(def(full, vec![p], located_statements(&lower(&b)?)?, span));
    }
    let tags = std::mem::take(&mut suite.pending_tags);
    let atom = |s: &str| Node::new(NodeKind::Atom(s.into()), span);
    let string = |s: &str| Node::new(NodeKind::Str(s.into()), span);
    let list = |items: Vec<Node>| Node::new(NodeKind::List { items, tail: None }, span);
    let entry = Node::new(
        NodeKind::Map {
            base: None,
            pairs: vec![
                (atom("name"), atom(full)),
                (atom("test_type"), atom(test_type)),
                (atom("describe"), describe.name.as_deref().map(string).unwrap_or_else(|| atom("nil"))),
                (atom("describe_line"), if describe.name.is_some() { Node::new(NodeKind::Int(i64::from(describe.line)), span) } else { atom("nil") }),
                (atom("line"), Node::new(NodeKind::Int(i64::from(span.line)), span)),
                (atom("tags"), list(tags)),
                (atom("describetags"), list(describe.tags.clone())),
                (atom("setups"), list(describe.setups.iter().map(|s| atom(s)).collect())),
                (atom("implemented"), atom(if implemented { "true" } else { "false" })),
            ],
        },
        span,
    );
    suite.tests.push(entry);
    Ok(())
}

/// Marks each statement of a test body with its line, so a failure raised by
/// the statement (not by an assertion, which carries its own) shows the line
/// Elixir's stacktrace gives for the test's frame.
fn located_statements(body: &Node) -> CResult<Node> {
    let items = match &body.kind {
        NodeKind::Block(items) => items.clone(),
        _ => vec![body.clone()],
    };
    let mut out = Vec::with_capacity(items.len() * 2);
    for item in items {
        let mut vars = HashMap::new();
        vars.insert("line__", int_node(item.span.line, item.span));
        out.push(template("Process.put(:\"$ex_unit_line\", line__)", item.span, &vars)?);
        out.push(item);
    }
    Ok(Node::new(NodeKind::Block(out), body.span))
}

/// `def __ex_unit__` with the module's tests and callbacks.
fn metadata(suite: &Suite, span: Span) -> CResult<Node> {
    let atom = |s: &str| Node::new(NodeKind::Atom(s.into()), span);
    let list = |items: Vec<Node>| Node::new(NodeKind::List { items, tail: None }, span);
    let map = Node::new(
        NodeKind::Map {
            base: None,
            pairs: vec![
                (atom("async"), suite.async_opt.clone().unwrap_or_else(|| atom("false"))),
                (atom("moduletags"), list(suite.moduletags.clone())),
                (atom("setup_all"), list(suite.setup_alls.iter().map(|s| atom(s)).collect())),
                (atom("setup"), list(suite.setups.iter().map(|s| atom(s)).collect())),
                (atom("tests"), list(suite.tests.clone())),
            ],
        },
        span,
    );
    Ok(def("__ex_unit__", vec![], map, span))
}

// ---------------------------------------------------------------------------
// Assertions

/// Rewrites every assertion form inside `n` (post-order, so assertions nested
/// in closures and blocks are lowered too).
pub fn lower(n: &Node) -> CResult<Node> {
    rebuild(n, &mut |original, node| lower_form(original, node))
}

/// Rebuilds `n` bottom-up, applying `f` to every node (as written, and with its
/// children rebuilt) after its children.
fn rebuild(n: &Node, f: &mut dyn FnMut(&Node, Node) -> CResult<Node>) -> CResult<Node> {
    let mut go = |x: &Node| rebuild(x, f);
    let kind = match &n.kind {
        NodeKind::Interpolated { parts, charlist } => NodeKind::Interpolated { parts: rebuild_parts(parts, &mut go)?, charlist: *charlist },
        NodeKind::Sigil { letter, parts, modifiers } => {
            NodeKind::Sigil { letter: *letter, parts: rebuild_parts(parts, &mut go)?, modifiers: modifiers.clone() }
        }
        NodeKind::List { items, tail } => NodeKind::List {
            items: items.iter().map(&mut go).collect::<CResult<_>>()?,
            tail: match tail {
                Some(t) => Some(Box::new(go(t)?)),
                None => None,
            },
        },
        NodeKind::Tuple(items) => NodeKind::Tuple(items.iter().map(&mut go).collect::<CResult<_>>()?),
        NodeKind::Block(items) => NodeKind::Block(items.iter().map(&mut go).collect::<CResult<_>>()?),
        NodeKind::Map { base, pairs } => NodeKind::Map {
            base: match base {
                Some(b) => Some(Box::new(go(b)?)),
                None => None,
            },
            pairs: pairs.iter().map(|(k, v)| Ok((go(k)?, go(v)?))).collect::<CResult<_>>()?,
        },
        NodeKind::Struct { name, base, pairs } => NodeKind::Struct {
            name: name.clone(),
            base: match base {
                Some(b) => Some(Box::new(go(b)?)),
                None => None,
            },
            pairs: pairs.iter().map(|(k, v)| Ok((go(k)?, go(v)?))).collect::<CResult<_>>()?,
        },
        NodeKind::UnaryOp { op, operand } => NodeKind::UnaryOp { op: *op, operand: Box::new(go(operand)?) },
        NodeKind::BinaryOp { op, lhs, rhs } => NodeKind::BinaryOp { op: *op, lhs: Box::new(go(lhs)?), rhs: Box::new(go(rhs)?) },
        NodeKind::Attribute { name, value: Some(v) } => NodeKind::Attribute { name: name.clone(), value: Some(Box::new(go(v)?)) },
        NodeKind::Call { target, args, parens } => NodeKind::Call {
            target: match target {
                CallTarget::Remote(l, name) => CallTarget::Remote(Box::new(go(l)?), name.clone()),
                other => other.clone(),
            },
            args: args.iter().map(&mut go).collect::<CResult<_>>()?,
            parens: *parens,
        },
        NodeKind::FunCall { fun, args } => {
            NodeKind::FunCall { fun: Box::new(go(fun)?), args: args.iter().map(&mut go).collect::<CResult<_>>()? }
        }
        NodeKind::Access { container, key } => NodeKind::Access { container: Box::new(go(container)?), key: Box::new(go(key)?) },
        NodeKind::Fn(cs) => NodeKind::Fn(rebuild_clauses(cs, &mut go)?),
        NodeKind::Clauses(cs) => NodeKind::Clauses(rebuild_clauses(cs, &mut go)?),
        NodeKind::Capture(i) => NodeKind::Capture(Box::new(go(i)?)),
        other => other.clone(),
    };
    f(n, Node::new(kind, n.span))
}

fn rebuild_parts(parts: &[InterpPart], go: &mut dyn FnMut(&Node) -> CResult<Node>) -> CResult<Vec<InterpPart>> {
    parts
        .iter()
        .map(|p| match p {
            InterpPart::Expr(e) => Ok(InterpPart::Expr(go(e)?)),
            other => Ok(other.clone()),
        })
        .collect()
}

fn rebuild_clauses(cs: &[Clause], go: &mut dyn FnMut(&Node) -> CResult<Node>) -> CResult<Vec<Clause>> {
    cs.iter()
        .map(|c| {
            Ok(Clause {
                args: c.args.iter().map(&mut *go).collect::<CResult<_>>()?,
                guard: match &c.guard {
                    Some(g) => Some(go(g)?),
                    None => None,
                },
                body: go(&c.body)?,
                span: c.span,
            })
        })
        .collect()
}

/// Parses a template's source and puts `nodes[name]` where `name` appears as a
/// variable (placeholders end in `__`).
fn template(src: &str, span: Span, nodes: &HashMap<&str, Node>) -> CResult<Node> {
    let items = parse_template(src, span)?;
    let mut out = Vec::new();
    for item in &items {
        out.push(rebuild(item, &mut |_, n| match &n.kind {
            NodeKind::Var(v) if nodes.contains_key(v.as_str()) => Ok(nodes[v.as_str()].clone()),
            _ => Ok(Node { kind: n.kind, span }),
        })?);
    }
    Ok(if out.len() == 1 { out.remove(0) } else { Node::new(NodeKind::Block(out), span) })
}

fn parse_template(src: &str, span: Span) -> CResult<Vec<Node>> {
    crate::syntax::parse(src).map_err(|e| CompileError::invalid(span, format!("internal ExUnit template does not parse: {e:?}")))
}

const COMPARISONS: &[BinaryOp] = &[
    BinaryOp::Eq,
    BinaryOp::StrictEq,
    BinaryOp::Ne,
    BinaryOp::StrictNe,
    BinaryOp::Lt,
    BinaryOp::Gt,
    BinaryOp::Le,
    BinaryOp::Ge,
    BinaryOp::In,
    BinaryOp::NotIn,
    BinaryOp::Match_,
];

fn str_node(s: String, span: Span) -> Node {
    Node::new(NodeKind::Str(s), span)
}

fn int_node(i: u32, span: Span) -> Node {
    Node::new(NodeKind::Int(i64::from(i)), span)
}

/// Lowers `node` if it is an assertion form; otherwise returns it unchanged.
/// `original` is the form as written (its text is what failures show).
fn lower_form(original: &Node, node: Node) -> CResult<Node> {
    let NodeKind::Call { target: CallTarget::Local(name), args, .. } = &node.kind else { return Ok(node) };
    let written: &[Node] = match &original.kind {
        NodeKind::Call { args, .. } => args,
        _ => &[],
    };
    let span = node.span;
    let code = str_node(code_text(original), span);
    let line = int_node(span.line, span);
    let mut vars: HashMap<&str, Node> = HashMap::new();
    vars.insert("code__", code);
    vars.insert("line__", line);
    match (name.as_str(), args.len()) {
        ("assert" | "refute", 1 | 2) => {
            let kind = name.clone();
            let message = args.get(1).cloned();
            assertion(&kind, &args[0], written.first().unwrap_or(&args[0]), message, vars, span)
        }
        ("assert_receive" | "assert_received" | "refute_receive" | "refute_received", 1..=3) => {
            let received = name.ends_with("ed");
            if received && args.len() > 2 {
                return Ok(node);
            }
            let default_timeout = if received { 0 } else { 100 };
            let timeout = if received { None } else { args.get(1).cloned() };
            let message = if received { args.get(1) } else { args.get(2) };
            let (pat, guard) = super::control::split_when(&args[0]);
            let pattern_text = code_text(written.first().unwrap_or(&args[0]));
            vars.insert("code__", str_node(format!("{name} {pattern_text}"), span));
            vars.insert("pattext__", str_node(pattern_text, span));
            vars.insert("pat__", pat.clone());
            vars.insert("timeout__", timeout.unwrap_or_else(|| Node::new(NodeKind::Int(default_timeout), span)));
            vars.insert("message__", message.cloned().unwrap_or_else(|| Node::new(NodeKind::Atom("nil".into()), span)));
            let head = match guard {
                Some(g) => {
                    vars.insert("guard__", g.clone());
                    "pat__ = exu_msg__ when guard__"
                }
                None => "pat__ = exu_msg__",
            };
            let src = if name.starts_with("assert") {
                format!(
                    "exu_received__ = receive do\n {head} -> exu_msg__\nafter\n timeout__ -> ExUnit.Assertions.__receive_failed__(pattext__, timeout__, code__, line__, message__)\nend\npat__ = exu_received__"
                )
            } else {
                format!(
                    "receive do\n {head} -> ExUnit.Assertions.__refute_receive_failed__(exu_msg__, pattext__, code__, line__, message__)\nafter\n timeout__ -> false\nend"
                )
            };
            template(&src, span, &vars)
        }
        ("catch_exit" | "catch_throw" | "catch_error", 1) => {
            let kind = &name["catch_".len()..];
            vars.insert("expr__", args[0].clone());
            vars.insert("kind__", Node::new(NodeKind::Atom(kind.into()), span));
            template(
                "exu_caught__ = try do\n _ = expr__\n :exu_nothing_caught__\ncatch\n kind__, exu_reason__ -> {:exu_caught__, exu_reason__}\nend\nExUnit.Assertions.__caught__(exu_caught__, kind__, line__)",
                span,
                &vars,
            )
        }
        ("flunk", 0 | 1) | ("assert_raise", 2 | 3) | ("assert_in_delta" | "refute_in_delta", 3 | 4) => {
            // Ordinary functions: run them where the failure knows its line.
            let call = Node::new(
                NodeKind::Call {
                    target: CallTarget::Remote(Box::new(Node::new(NodeKind::Alias(vec!["ExUnit".into(), "Assertions".into()]), span)), name.clone()),
                    args: args.clone(),
                    parens: true,
                },
                span,
            );
            let f = Node::new(NodeKind::Fn(vec![Clause { args: vec![], guard: None, body: call, span }]), span);
            vars.insert("fun__", f);
            template("ExUnit.Assertions.__located__(line__, fun__)", span, &vars)
        }
        _ => Ok(node),
    }
}

/// `assert`/`refute` of one expression: a comparison shows both operands, a match
/// or `match?` shows the pattern, anything else is tested for truthiness.
fn assertion(kind: &str, expr: &Node, written: &Node, message: Option<Node>, mut vars: HashMap<&'static str, Node>, span: Span) -> CResult<Node> {
    let assert = kind == "assert";
    vars.insert("kind__", Node::new(NodeKind::Atom(kind.into()), span));
    vars.insert("message__", message.clone().unwrap_or_else(|| Node::new(NodeKind::Atom("nil".into()), span)));
    match &expr.kind {
        NodeKind::BinaryOp { op, lhs, rhs } if COMPARISONS.contains(op) && message.is_none() => {
            vars.insert("left__", (**lhs).clone());
            vars.insert("right__", (**rhs).clone());
            let test = format!("exu_left__ {} exu_right__", op.as_str());
            let (yes, no) = if assert {
                ("true".to_string(), format!("ExUnit.Assertions.__compare_failed__(kind__, :\"{}\", exu_left__, exu_right__, code__, line__)", op.as_str()))
            } else {
                (format!("ExUnit.Assertions.__compare_failed__(kind__, :\"{}\", exu_left__, exu_right__, code__, line__)", op.as_str()), "false".to_string())
            };
            template(&format!("exu_left__ = left__\nexu_right__ = right__\nif {test} do\n {yes}\nelse\n {no}\nend"), span, &vars)
        }
        NodeKind::BinaryOp { op: BinaryOp::Match, lhs, rhs } if assert => {
            let (pat, guard) = super::control::split_when(lhs);
            vars.insert("pat__", pat.clone());
            let written_lhs = match &written.kind {
                NodeKind::BinaryOp { lhs, .. } => lhs,
                _ => lhs,
            };
            vars.insert("pattext__", str_node(code_text(written_lhs), span));
            vars.insert("right__", (**rhs).clone());
            let head = match guard {
                Some(g) => {
                    vars.insert("guard__", g.clone());
                    "pat__ when guard__"
                }
                None => "pat__",
            };
            template(
                &format!(
                    "exu_right__ = right__\ncase exu_right__ do\n {head} -> :ok\n _ -> ExUnit.Assertions.__match_failed__(:\"=\", pattext__, exu_right__, code__, line__, message__)\nend\npat__ = exu_right__"
                ),
                span,
                &vars,
            )
        }
        NodeKind::Call { target: CallTarget::Local(m), args, .. } if m == "match?" && args.len() == 2 => {
            vars.insert("pat__", args[0].clone());
            let written_pattern = match &written.kind {
                NodeKind::Call { args: w, .. } if w.len() == 2 => &w[0],
                _ => &args[0],
            };
            vars.insert("pattext__", str_node(code_text(written_pattern), span));
            vars.insert("right__", args[1].clone());
            let fail = format!("ExUnit.Assertions.__match_failed__(:\"{}\", pattext__, exu_right__, code__, line__, message__)", if assert { "match?" } else { "refute match?" });
            let (yes, no) = if assert { ("true".to_string(), fail) } else { (fail, "false".to_string()) };
            template(&format!("exu_right__ = right__\nif match?(pat__, exu_right__) do\n {yes}\nelse\n {no}\nend"), span, &vars)
        }
        _ => {
            vars.insert("expr__", expr.clone());
            let src = if assert {
                "exu_value__ = expr__\nif exu_value__ do\n exu_value__\nelse\n ExUnit.Assertions.__truthy_failed__(kind__, exu_value__, code__, line__, message__)\nend"
            } else {
                "exu_value__ = expr__\nif exu_value__ do\n ExUnit.Assertions.__truthy_failed__(kind__, exu_value__, code__, line__, message__)\nelse\n false\nend"
            };
            template(src, span, &vars)
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::vm::NativeRegistry;
    use crate::vm::modules::Modules;

    /// The names of the functions the first module of `source` compiles to.
    fn functions(source: &str) -> Vec<String> {
        let module = crate::compile::first_module(source);
        let mut names: Vec<String> = module.functions.iter().map(|f| format!("{}/{}", f.0.as_str(), f.1)).collect();
        names.sort();
        names
    }

    fn error(source: &str) -> String {
        let nodes = crate::syntax::parse(source).expect("parses");
        let modules = Modules::new(NativeRegistry::new());
        match crate::compile::compile_program(&nodes, &modules, &[], false) {
            Ok(_) => panic!("compiled: {source}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn tests_and_callbacks_become_functions_named_as_elixir_names_them() {
        let src = "defmodule T do\n  use ExUnit.Case\n  setup_all do\n    :ok\n  end\n  setup :named\n  test \"a\", do: assert 1 == 1\n  describe \"d\" do\n    setup [:named, :named]\n    test \"b\", ctx do\n      assert ctx\n    end\n  end\n  test \"pending\"\n  defp named(_), do: :ok\nend";
        assert_eq!(
            functions(src),
            [
                "__ex_unit__/0",
                "__ex_unit_setup_1/1",
                "__ex_unit_setup_2/1",
                "__ex_unit_setup_3/1",
                "__ex_unit_setup_all_0/1",
                "__info__/1",
                "named/1",
                "test a/1",
                "test d b/1",
            ]
        );
    }

    #[test]
    fn misplaced_forms_are_compile_errors() {
        let nested = "defmodule T do\n  use ExUnit.Case\n  describe \"a\" do\n    describe \"b\" do\n    end\n  end\nend";
        assert!(error(nested).contains("cannot call \"describe\" inside another \"describe\""), "{}", error(nested));
        let tag = "defmodule T do\n  use ExUnit.Case\n  @describetag :x\n  test \"a\", do: :ok\nend";
        assert!(error(tag).contains("@describetag must be set inside describe/2 blocks"));
        let doc = "defmodule T do\n  use ExUnit.Case\n  doctest Enum\nend";
        assert!(error(doc).contains("doctest of a module not defined earlier in the same file (Enum) is not supported by otplab"), "{}", error(doc));
        let name = "defmodule T do\n  use ExUnit.Case\n  test name, do: :ok\nend";
        assert!(error(name).contains("not a literal string"));
    }
}
