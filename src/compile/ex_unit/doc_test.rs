//! `doctest Mod`: the `iex>` examples in the `@doc`s of a module compiled
//! earlier in the same unit (file or REPL entry) become tests named
//! `doctest Mod.fun/arity (N)`, as ExUnit.DocTest makes them. The compiler keeps
//! the examples while it compiles a module ([`note_doc`]); Elixir reads them
//! from the compiled module's docs chunk, which a script's modules do not have,
//! so here `doctest` works where `elixir file_test.exs` cannot.

use super::{Describe, Suite, int_node, parse_template, register_test, str_node, template};
use crate::compile::error::{CResult, CompileError};
use crate::syntax::Span;
use crate::syntax::ast::{CallTarget, Node, NodeKind};
use crate::term::Atom;
use std::collections::HashMap;

/// The documented functions of each module compiled in this unit.
pub type DocExamples = HashMap<Atom, Vec<FunDoc>>;

/// One function's `@doc`.
#[derive(Clone, Debug)]
pub struct FunDoc {
    /// Function name.
    pub name: String,
    /// Arity of the clause that follows the doc.
    pub arity: usize,
    /// The doc text.
    pub text: String,
    /// The source line of the doc text's first line.
    pub line: u32,
}

/// Called for each item of a module body in order: remembers a `@doc` and
/// attaches it to the `def` that follows.
pub fn note_doc(docs: &mut DocExamples, module: Atom, item: &Node, pending: &mut Option<(String, u32)>) {
    match &item.kind {
        NodeKind::Attribute { name, value: Some(v) } if name == "doc" => {
            *pending = match &v.kind {
                // A heredoc's text starts on the line after `@doc """`.
                NodeKind::Str(s) => Some((s.clone(), item.span.line + u32::from(s.contains('\n')))),
                _ => None,
            };
        }
        NodeKind::Call { target: CallTarget::Local(kind), args, .. } if kind == "def" || kind == "defp" => {
            let Some((text, line)) = pending.take() else { return };
            let head = args.first().map(|h| super::super::control::split_when(h).0);
            let (name, arity) = match head.map(|h| &h.kind) {
                Some(NodeKind::Call { target: CallTarget::Local(n), args, .. }) => (n.clone(), args.len()),
                Some(NodeKind::Var(n)) => (n.clone(), 0),
                _ => return,
            };
            if kind == "def" {
                docs.entry(module).or_default().push(FunDoc { name, arity, text, line });
            }
        }
        _ => {}
    }
}

/// One `iex>` expression, the lines it was written on, and what it should give.
struct Example {
    code: String,
    written: Vec<String>,
    expected: Option<String>,
    line: u32,
}

/// Splits a doc into tests: examples separated by blank lines are separate tests.
fn examples(doc: &FunDoc) -> Vec<Vec<Example>> {
    let lines: Vec<&str> = doc.text.lines().collect();
    let mut tests: Vec<Vec<Example>> = Vec::new();
    let mut current: Vec<Example> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let trimmed = lines[i].trim_start();
        let Some(first) = prompt(trimmed) else {
            if trimmed.is_empty() && !current.is_empty() {
                tests.push(std::mem::take(&mut current));
            }
            i += 1;
            continue;
        };
        let line = doc.line + i as u32;
        let mut code = first.to_string();
        let mut written = vec![trimmed.to_string()];
        i += 1;
        while i < lines.len() {
            let t = lines[i].trim_start();
            let Some(rest) = t.strip_prefix("...>") else { break };
            code.push('\n');
            code.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            written.push(t.to_string());
            i += 1;
        }
        let mut expected: Vec<&str> = Vec::new();
        while i < lines.len() {
            let t = lines[i].trim();
            if t.is_empty() || prompt(t).is_some() {
                break;
            }
            expected.push(t);
            written.push(t.to_string());
            i += 1;
        }
        let expected = (!expected.is_empty()).then(|| expected.join("\n"));
        current.push(Example { code, written, expected, line });
    }
    if !current.is_empty() {
        tests.push(current);
    }
    tests
}

/// The code after an `iex>` or `iex(N)>` prompt.
fn prompt(line: &str) -> Option<&str> {
    let rest = if let Some(r) = line.strip_prefix("iex>") {
        r
    } else {
        let r = line.strip_prefix("iex(")?;
        let close = r.find(")>")?;
        if !r[..close].chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        &r[close + 2..]
    };
    Some(rest.strip_prefix(' ').unwrap_or(rest))
}

/// `doctest Mod`: registers one test per group of examples of `Mod`'s functions.
pub(super) fn doctest(suite: &mut Suite, item: &Node, args: &[Node]) -> CResult<()> {
    let span = item.span;
    let module = match args.first().map(|a| &a.kind) {
        Some(NodeKind::Alias(segs)) => Atom::new(&format!("Elixir.{}", segs.join("."))),
        _ => return Err(CompileError::invalid(span, "doctest expects a module name")),
    };
    let shown = module.as_str().trim_start_matches("Elixir.").to_string();
    let Some(mut docs) = suite.docs.as_ref().and_then(|d| d.get(&module)).cloned() else {
        return Err(CompileError::unsupported(
            span,
            format!("doctest of a module not defined earlier in the same file ({shown})"),
        ));
    };
    docs.sort_by(|a, b| (&a.name, a.arity).cmp(&(&b.name, b.arity)));
    for doc in &docs {
        for group in examples(doc) {
            suite.doctests += 1;
            let name = format!("doctest {shown}.{}/{} ({})", doc.name, doc.arity, suite.doctests);
            let mut body = Vec::new();
            for example in &group {
                body.push(statement(example, &shown)?);
            }
            let body = Node::new(NodeKind::Block(body), span);
            let kw = Node::new(
                NodeKind::List {
                    items: vec![Node::new(NodeKind::Tuple(vec![Node::new(NodeKind::Atom("do".into()), span), body]), span)],
                    tail: None,
                },
                span,
            );
            register_test(suite, span, &name, &[kw], &Describe::default(), "doctest")?;
        }
    }
    Ok(())
}

/// One example as code: evaluated, then compared with `===` (or by `inspect`
/// for `#Name<...>` results, or as an expected exception).
fn statement(example: &Example, module: &str) -> CResult<Node> {
    let at = Span::new(example.line, 1);
    let expr = parse_example(&example.code, at)?;
    let mut vars: HashMap<&str, Node> = HashMap::new();
    vars.insert("doc__", str_node(example.written.join("\n"), at));
    vars.insert("line__", int_node(example.line, at));
    vars.insert("where__", str_node(format!("{module} (module)"), at));
    vars.insert("expr__", expr.clone());
    let Some(expected) = &example.expected else {
        // In a block at the example's line, so a failure names that line.
        return Ok(Node::new(NodeKind::Block(vec![expr]), at));
    };
    let code = super::code_text::code_text(&expr);
    if let Some(rest) = expected.strip_prefix("** (") {
        let (exception, message) = rest.split_once(") ").unwrap_or((rest.trim_end_matches(')'), ""));
        vars.insert("exception__", str_node(exception.to_string(), at));
        vars.insert("message__", str_node(message.to_string(), at));
        vars.insert("code__", str_node(code, at));
        return template(
            "exu_result__ = try do\n expr__\n :exu_no_raise__\nrescue\n exu_error__ -> {:exu_raised__, exu_error__}\nend\nExUnit.Assertions.__doctest_raise__(exu_result__, exception__, message__, doc__, code__, line__, where__)",
            at,
            &vars,
        );
    }
    vars.insert("code__", str_node(format!("{code} === {expected}"), at));
    match parse_example(expected, at) {
        Ok(value) if !expected.starts_with('#') => {
            vars.insert("expected__", value);
            template(
                "exu_expected__ = expected__\nexu_actual__ = expr__\nif exu_actual__ !== exu_expected__ do\n ExUnit.Assertions.__doctest_failed__(exu_actual__, exu_expected__, doc__, code__, line__, where__)\nend",
                at,
                &vars,
            )
        }
        _ => {
            vars.insert("expected__", str_node(expected.clone(), at));
            template(
                "exu_actual__ = expr__\nif inspect(exu_actual__) != expected__ do\n ExUnit.Assertions.__doctest_failed__(exu_actual__, {:ex_unit_pattern, expected__}, doc__, code__, line__, where__)\nend",
                at,
                &vars,
            )
        }
    }
}

fn parse_example(code: &str, at: Span) -> CResult<Node> {
    let nodes = parse_template(code, at)
        .map_err(|_| CompileError::invalid(at, format!("the doctest example does not parse: {code}")))?;
    Ok(match nodes.len() {
        1 => nodes.into_iter().next().unwrap_or_else(|| Node::new(NodeKind::Atom("nil".into()), at)),
        _ => Node::new(NodeKind::Block(nodes), at),
    })
}

#[cfg(test)]
mod tests {
    use super::{FunDoc, examples};

    #[test]
    fn examples_split_on_blank_lines_and_keep_continuations() {
        let doc = FunDoc {
            name: "f".into(),
            arity: 0,
            text: "Adds.\n\n    iex> x = 1\n    iex> x +\n    ...>   1\n    2\n\n    iex(3)> :a\n    ** (ArgumentError) no\n".into(),
            line: 10,
        };
        let tests = examples(&doc);
        assert_eq!(tests.len(), 2);
        assert_eq!(tests[0].len(), 2);
        assert_eq!(tests[0][0].expected, None);
        assert_eq!(tests[0][1].code, "x +\n  1");
        assert_eq!(tests[0][1].expected.as_deref(), Some("2"));
        assert_eq!(tests[0][1].line, 13);
        assert_eq!(tests[1][0].code, ":a");
        assert_eq!(tests[1][0].expected.as_deref(), Some("** (ArgumentError) no"));
    }
}
