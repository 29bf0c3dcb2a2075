//! `h Enum.map` in the REPL: IEx's `h` is a macro that reads its argument as code,
//! not a value (evaluating `Enum.map` would call `Enum.map/0`). Before an entry is
//! compiled, a top-level `h` with one argument naming a module, a function or a
//! function with its arity becomes `IEx.Helpers.__h__("Enum.map/2")`.

use crate::syntax::ast::{BinaryOp, CallTarget, Node, NodeKind};

/// Rewrites each top-level `h(...)` of `nodes` whose argument names something.
pub fn quote_h_arguments(nodes: Vec<Node>) -> Vec<Node> {
    nodes.into_iter().map(quote_h).collect()
}

fn quote_h(node: Node) -> Node {
    let NodeKind::Call { target: CallTarget::Local(name), args, .. } = &node.kind else { return node };
    if name != "h" || args.len() != 1 {
        return node;
    }
    let Some(request) = describe(&args[0]) else { return node };
    let span = node.span;
    let helpers = Node::new(NodeKind::Alias(vec!["IEx".to_string(), "Helpers".to_string()]), span);
    Node::new(
        NodeKind::Call {
            target: CallTarget::Remote(Box::new(helpers), "__h__".to_string()),
            args: vec![Node::new(NodeKind::Str(request), span)],
            parens: true,
        },
        span,
    )
}

/// `Enum`, `:ets`, `Enum.map`, `Enum.map/2` as text; `None` for anything else.
fn describe(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Alias(segments) => Some(segments.join(".")),
        NodeKind::Atom(a) => Some(format!(":{a}")),
        NodeKind::Call { target: CallTarget::Remote(left, fun), args, .. } if args.is_empty() => {
            let module = match &left.kind {
                NodeKind::Alias(segments) => segments.join("."),
                NodeKind::Atom(a) => format!(":{a}"),
                _ => return None,
            };
            Some(format!("{module}.{fun}"))
        }
        NodeKind::BinaryOp { op: BinaryOp::Div, lhs, rhs } => match &rhs.kind {
            NodeKind::Int(arity) => Some(format!("{}/{arity}", describe(lhs)?)),
            _ => None,
        },
        _ => None,
    }
}

/// The text of each top-level `defmodule` in `nodes`, as (module name, source
/// lines from its `defmodule` to the next top-level expression), for `h/1`.
pub fn module_sources(nodes: &[Node], source: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = source.lines().collect();
    let mut out = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        let NodeKind::Call { target: CallTarget::Local(name), args, .. } = &node.kind else { continue };
        let Some(NodeKind::Alias(segments)) = args.first().map(|a| &a.kind) else { continue };
        if name != "defmodule" {
            continue;
        }
        let from = node.span.line.saturating_sub(1) as usize;
        let to = nodes.get(i + 1).map_or(lines.len(), |n| n.span.line.saturating_sub(1) as usize).max(from);
        let text = lines.get(from..to.min(lines.len())).map(|l| l.join("\n")).unwrap_or_default();
        out.push((segments.join("."), text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(src: &str) -> Option<String> {
        let nodes = quote_h_arguments(crate::syntax::parse(src).ok()?);
        match &nodes[0].kind {
            NodeKind::Call { target: CallTarget::Remote(_, f), args, .. } if f == "__h__" => match &args[0].kind {
                NodeKind::Str(s) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    #[test]
    fn h_quotes_what_it_names() {
        assert_eq!(rewritten("h Enum"), Some("Enum".to_string()));
        assert_eq!(rewritten("h Enum.map"), Some("Enum.map".to_string()));
        assert_eq!(rewritten("h(Enum.map/2)"), Some("Enum.map/2".to_string()));
        assert_eq!(rewritten("h :ets.insert"), Some(":ets.insert".to_string()));
        assert_eq!(rewritten("h x"), None);
    }
}
