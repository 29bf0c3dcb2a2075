//! `for` comprehensions, desugared to `Enum.reduce/3` over each generator.
//!
//! `for x <- xs, f(x), y <- ys, do: body` becomes nested reductions that push each
//! body value onto an accumulator list, reversed at the end; `into:` hands the list to
//! `Enum.into/2`, `uniq: true` to `Enum.uniq/1`, and `reduce:` threads the learner's
//! accumulator through the `->` clauses instead.

use super::builder::FunBuilder;
use super::control::{is_keyword_list, kw_get};
use super::error::{CResult, CompileError};
use super::expr::Compiler;
use crate::syntax::ast::{BinaryOp, BitSegment, CallTarget, Clause, Node, NodeKind};
use crate::syntax::parser::segment;
use crate::syntax::Span;
use crate::vm::code::Reg;

fn var(name: &str, span: Span) -> Node {
    Node::new(NodeKind::Var(name.to_string()), span)
}

fn remote(module: &[&str], name: &str, args: Vec<Node>, span: Span) -> Node {
    let m = if module.len() == 1 && module[0].starts_with(':') {
        Node::new(NodeKind::Atom(module[0][1..].to_string()), span)
    } else {
        Node::new(NodeKind::Alias(module.iter().map(|s| s.to_string()).collect()), span)
    };
    Node::new(NodeKind::Call { target: CallTarget::Remote(Box::new(m), name.to_string()), args, parens: true }, span)
}

fn clause(args: Vec<Node>, body: Node, span: Span) -> Clause {
    Clause { args, guard: None, body, span }
}

impl<'m> Compiler<'m> {
    /// Compiles a `for` comprehension, returning the register with its value.
    pub fn for_comprehension(&mut self, b: &mut FunBuilder, span: Span, args: &[Node]) -> CResult<Reg> {
        let mut opts: Vec<&Node> = Vec::new();
        let mut steps: Vec<&Node> = Vec::new();
        for a in args {
            if is_keyword_list(a) && (kw_get(a, "do").is_some() || kw_get(a, "into").is_some() || kw_get(a, "reduce").is_some() || kw_get(a, "uniq").is_some()) {
                opts.push(a);
            } else {
                steps.push(a);
            }
        }
        let opt = |k: &str| opts.iter().find_map(|o| kw_get(o, k)).cloned();
        let Some(body) = opt("do") else {
            return Err(CompileError::invalid(span, "missing :do option in \"for\""));
        };
        let reduce_init = opt("reduce");
        let acc = self.fresh_name("for_acc");
        let inner = match &reduce_init {
            Some(_) => {
                // The do-block holds `acc_pattern -> body` clauses.
                let NodeKind::Clauses(cs) = &body.kind else {
                    return Err(CompileError::invalid(span, "when using :reduce with comprehensions, the do block must be written using acc -> expr clauses"));
                };
                Node::new(
                    NodeKind::Call {
                        target: CallTarget::Local("case".into()),
                        args: vec![
                            var(&acc, span),
                            Node::new(NodeKind::List { items: vec![kw("do", Node::new(NodeKind::Clauses(cs.clone()), span), span)], tail: None }, span),
                        ],
                        parens: true,
                    },
                    span,
                )
            }
            None => Node::new(NodeKind::List { items: vec![body.clone()], tail: Some(Box::new(var(&acc, span))) }, span),
        };
        let nested = self.for_steps(&steps, inner, &acc, span)?;
        let init = reduce_init.unwrap_or_else(|| Node::new(NodeKind::List { items: vec![], tail: None }, span));
        // Bind the initial accumulator, then run the nested reductions.
        let program = Node::new(
            NodeKind::Block(vec![
                Node::new(NodeKind::BinaryOp { op: BinaryOp::Match, lhs: Box::new(var(&acc, span)), rhs: Box::new(init) }, span),
                nested,
            ]),
            span,
        );
        let saved = b.scope.clone();
        let mut r = self.expr(b, &program)?;
        b.scope = saved;
        if opt("reduce").is_none() {
            r = self.call_regs(b, "lists", "reverse", vec![r]);
            if opt("uniq").is_some_and(|u| matches!(&u.kind, NodeKind::Atom(a) if a == "true")) {
                r = self.call_regs(b, "Elixir.Enum", "uniq", vec![r]);
            }
            if let Some(into) = opt("into") {
                let i = self.expr(b, &into)?;
                r = self.call_regs(b, "Elixir.Enum", "into", vec![r, i]);
            }
        }
        Ok(r)
    }

    fn for_steps(&mut self, steps: &[&Node], inner: Node, acc: &str, span: Span) -> CResult<Node> {
        let Some((first, rest)) = steps.split_first() else { return Ok(inner) };
        let rest_node = self.for_steps(rest, inner, acc, span)?;
        match &first.kind {
            NodeKind::BinaryOp { op: BinaryOp::Arrow, lhs, rhs } => {
                let (pattern, guard) = super::control::split_when(lhs);
                // A list generator; its pattern may be a bitstring (`<<c>> <- ["a", "bc"]`
                // takes the one-byte strings), which is not a bitstring generator.
                let (pattern, source) = (pattern.clone(), (**rhs).clone());
                let elem = self.fresh_name("for_elem");
                let matched = Clause { args: vec![pattern], guard: guard.cloned(), body: rest_node, span };
                let skip = clause(vec![var("_", span)], var(acc, span), span);
                let case = Node::new(
                    NodeKind::Call {
                        target: CallTarget::Local("case".into()),
                        args: vec![
                            var(&elem, span),
                            Node::new(NodeKind::List { items: vec![kw("do", Node::new(NodeKind::Clauses(vec![matched, skip]), span), span)], tail: None }, span),
                        ],
                        parens: true,
                    },
                    span,
                );
                let f = Node::new(NodeKind::Fn(vec![clause(vec![var(&elem, span), var(acc, span)], case, span)]), span);
                Ok(remote(&["Enum"], "reduce", vec![source, var(acc, span), f], span))
            }
            NodeKind::Bitstring(segs) if matches!(segs.last().map(|s| &s.value.kind), Some(NodeKind::BinaryOp { op: BinaryOp::Arrow, .. })) => {
                let (last, before) = segs.split_last().unwrap_or_else(|| unreachable!("the guard saw a last segment"));
                let NodeKind::BinaryOp { lhs, rhs, .. } = &last.value.kind else { unreachable!("the guard saw an arrow") };
                // Either way a list generator over the binary's pieces, wrapped around the
                // rest, which is already built.
                let (pattern, source) = if before.is_empty() && last.specs.is_empty() && !matches!(lhs.kind, NodeKind::BinaryOp { op: BinaryOp::Type, .. }) {
                    // `<<c <- binary>>`: one byte at a time, the binary's bytes as a list.
                    ((**lhs).clone(), remote(&[":erlang"], "binary_to_list", vec![(**rhs).clone()], span))
                } else {
                    // `<<r::8, g::8, b::8 <- pixels>>` and the like: the pieces the pattern
                    // takes from the binary one after another, each then matched whole.
                    let mut taking: Vec<BitSegment> = before.to_vec();
                    taking.push(segment((**lhs).clone()));
                    let rest = self.fresh_name("for_rest");
                    let mut with_rest = taking.clone();
                    with_rest.push(BitSegment { value: var(&rest, span), specs: vec![var("binary", span)] });
                    let took = Node::new(NodeKind::Tuple(vec![Node::new(NodeKind::Atom("ok".into()), span), var(&rest, span)]), span);
                    let matcher = Node::new(
                        NodeKind::Fn(vec![
                            clause(vec![Node::new(NodeKind::Bitstring(with_rest), span)], took, span),
                            clause(vec![var("_", span)], Node::new(NodeKind::Atom("done".into()), span), span),
                        ]),
                        span,
                    );
                    let chunks = remote(&["Enum"], "__bitstring_chunks__", vec![(**rhs).clone(), matcher], span);
                    (Node::new(NodeKind::Bitstring(taking), span), chunks)
                };
                let generator = Node::new(NodeKind::BinaryOp { op: BinaryOp::Arrow, lhs: Box::new(pattern), rhs: Box::new(source) }, span);
                self.for_steps(&[&generator], rest_node, acc, span)
            }
            _ => {
                // A filter: keep going only when it is truthy.
                Ok(Node::new(
                    NodeKind::Call {
                        target: CallTarget::Local("if".into()),
                        args: vec![
                            (*first).clone(),
                            Node::new(NodeKind::List { items: vec![kw("do", rest_node, span), kw("else", var(acc, span), span)], tail: None }, span),
                        ],
                        parens: true,
                    },
                    span,
                ))
            }
        }
    }
}

fn kw(key: &str, value: Node, span: Span) -> Node {
    Node::new(NodeKind::Tuple(vec![Node::new(NodeKind::Atom(key.into()), span), value]), span)
}
