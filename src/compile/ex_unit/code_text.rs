//! The source text of an expression as `Macro.to_string/1` prints it: what an
//! ExUnit failure shows after `code:` and, for a pattern, after `left:`.
//!
//! Elixir prints the quoted form again (it does not quote the file), so spacing
//! is normalised: `assert   x==1` shows as `assert x == 1`. Calls keep the
//! parentheses they were written with, which is what Elixir's formatter does for
//! the forms tests use (`assert x`, `Map.get(m, k)`, `ctx.n`).

use crate::syntax::ast::{BinaryOp, CallTarget, Clause, InterpPart, Node, NodeKind, UnaryOp};
use crate::term::{Term, inspect::inspect};

/// The text of `n`.
pub fn code_text(n: &Node) -> String {
    let mut out = String::new();
    write_node(n, &mut out);
    out
}

/// Binding power of a binary operator (higher binds tighter), for parentheses.
fn prec(op: BinaryOp) -> u8 {
    crate::syntax::precedence::binary(op.as_str()).map(|i| i.prec).unwrap_or(if op == BinaryOp::NotIn { 170 } else { 100 })
}

fn write_operand(n: &Node, parent: u8, right: bool, out: &mut String) {
    let needs = match &n.kind {
        NodeKind::BinaryOp { op, .. } => {
            let p = prec(*op);
            p < parent || (p == parent && right != right_assoc(*op))
        }
        _ => false,
    };
    if needs {
        out.push('(');
        write_node(n, out);
        out.push(')');
    } else {
        write_node(n, out);
    }
}

fn right_assoc(op: BinaryOp) -> bool {
    crate::syntax::precedence::binary(op.as_str())
        .is_some_and(|i| i.assoc == crate::syntax::precedence::Assoc::Right)
}

fn write_list(items: &[Node], out: &mut String) {
    write_seq(items, all_keywords(items), out);
}

/// Items separated by commas; `keywords` prints atom-keyed pairs as `key: value`
/// (a list of such pairs is a keyword list, as Elixir prints it).
fn write_seq(items: &[Node], keywords: bool, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match &item.kind {
            NodeKind::Tuple(p) if keywords => {
                if let NodeKind::Atom(k) = &p[0].kind {
                    out.push_str(&keyword_key(k));
                    out.push(' ');
                }
                write_node(&p[1], out);
            }
            _ => write_node(item, out),
        }
    }
}

/// `key:` for a keyword entry (`"odd key":` when the atom needs quotes).
fn keyword_key(k: &str) -> String {
    let quoted = inspect(&Term::atom(k));
    match quoted.strip_prefix(':') {
        Some(rest) => format!("{rest}:"),
        None => format!("{quoted}:"),
    }
}

fn all_keywords(items: &[Node]) -> bool {
    !items.is_empty()
        && items.iter().all(|i| matches!(&i.kind, NodeKind::Tuple(p) if p.len() == 2 && matches!(p[0].kind, NodeKind::Atom(_))))
}

fn write_args(args: &[Node], out: &mut String) {
    // A trailing keyword list prints without brackets.
    match args.split_last() {
        Some((last, rest)) if matches!(&last.kind, NodeKind::List { items, tail: None } if all_keywords(items)) => {
            write_seq(rest, false, out);
            if !rest.is_empty() {
                out.push_str(", ");
            }
            if let NodeKind::List { items, .. } = &last.kind {
                write_list(items, out);
            }
        }
        _ => write_seq(args, false, out),
    }
}

fn write_pairs(pairs: &[(Node, Node)], out: &mut String) {
    let keywordish = pairs.iter().all(|(k, _)| matches!(k.kind, NodeKind::Atom(_)));
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match &k.kind {
            NodeKind::Atom(a) if keywordish => {
                out.push_str(&keyword_key(a));
                out.push(' ');
            }
            _ => {
                write_node(k, out);
                out.push_str(" => ");
            }
        }
        write_node(v, out);
    }
}

fn write_clause(c: &Clause, out: &mut String) {
    if !c.args.is_empty() {
        write_seq(&c.args, false, out);
        out.push(' ');
    }
    if let Some(g) = &c.guard {
        out.push_str("when ");
        write_node(g, out);
        out.push(' ');
    }
    out.push_str("-> ");
    write_node(&c.body, out);
}

fn write_node(n: &Node, out: &mut String) {
    match &n.kind {
        NodeKind::Int(i) => out.push_str(&i.to_string()),
        NodeKind::BigInt(i) => out.push_str(&i.to_string()),
        NodeKind::Float(f) => out.push_str(&inspect(&Term::Float(*f))),
        NodeKind::Atom(a) => out.push_str(&inspect(&Term::atom(a))),
        NodeKind::Str(s) => out.push_str(&inspect(&Term::string(s.clone()))),
        NodeKind::Bytes(bytes) => out.push_str(&inspect(&Term::bytes(bytes.clone()))),
        NodeKind::Charlist(s) => {
            let q = inspect(&Term::string(s.clone()));
            out.push('\'');
            out.push_str(q.trim_matches('"'));
            out.push('\'');
        }
        NodeKind::Interpolated { parts, charlist } => {
            let q = if *charlist { '\'' } else { '"' };
            out.push(q);
            write_parts(parts, out);
            out.push(q);
        }
        NodeKind::Sigil { letter, parts, modifiers } => {
            // Elixir 1.14 prints every sigil with double quotes: `~D"2018-12-20"`.
            out.push('~');
            out.push(*letter);
            out.push('"');
            write_parts(parts, out);
            out.push('"');
            out.push_str(modifiers);
        }
        NodeKind::Var(v) => out.push_str(v),
        NodeKind::Alias(segs) => out.push_str(&segs.join(".")),
        NodeKind::List { .. } | NodeKind::Tuple(_) | NodeKind::Map { .. } | NodeKind::Struct { .. } | NodeKind::Bitstring(_) => {
            write_container(n, out)
        }
        NodeKind::UnaryOp { op, operand } => {
            out.push_str(match op {
                UnaryOp::Neg => "-",
                UnaryOp::Pos => "+",
                UnaryOp::Not => "not ",
                UnaryOp::Bang => "!",
                UnaryOp::Pin => "^",
            });
            write_operand(operand, 250, false, out);
        }
        NodeKind::BinaryOp { op, lhs, rhs } => {
            let p = prec(*op);
            write_operand(lhs, p, false, out);
            match op {
                BinaryOp::Range | BinaryOp::Step | BinaryOp::Type => out.push_str(op.as_str()),
                _ => {
                    out.push(' ');
                    out.push_str(op.as_str());
                    out.push(' ');
                }
            }
            write_operand(rhs, p, true, out);
        }
        NodeKind::Attribute { name, value } => {
            out.push('@');
            out.push_str(name);
            if let Some(v) = value {
                out.push(' ');
                write_node(v, out);
            }
        }
        NodeKind::Call { .. } | NodeKind::FunCall { .. } | NodeKind::Access { .. } => write_call(n, out),
        NodeKind::Fn(clauses) => {
            out.push_str("fn ");
            for (i, c) in clauses.iter().enumerate() {
                if i > 0 {
                    out.push_str("; ");
                }
                write_clause(c, out);
            }
            out.push_str(" end");
        }
        NodeKind::Clauses(clauses) => {
            for (i, c) in clauses.iter().enumerate() {
                if i > 0 {
                    out.push_str("; ");
                }
                write_clause(c, out);
            }
        }
        NodeKind::Block(items) => {
            out.push('(');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str("; ");
                }
                write_node(item, out);
            }
            out.push(')');
        }
        NodeKind::Capture(inner) => {
            out.push('&');
            match &inner.kind {
                NodeKind::BinaryOp { op: BinaryOp::Div, .. } => write_node(inner, out),
                NodeKind::Call { .. } => write_node(inner, out),
                _ => {
                    out.push('(');
                    write_node(inner, out);
                    out.push(')');
                }
            }
        }
        NodeKind::CaptureArg(i) => {
            out.push('&');
            out.push_str(&i.to_string());
        }
    }
}

/// Lists, tuples, maps, structs and bitstrings.
fn write_container(n: &Node, out: &mut String) {
    match &n.kind {
        NodeKind::List { items, tail } => {
            out.push('[');
            write_list(items, out);
            if let Some(t) = tail {
                out.push_str(" | ");
                write_node(t, out);
            }
            out.push(']');
        }
        NodeKind::Tuple(items) => {
            out.push('{');
            write_seq(items, false, out);
            out.push('}');
        }
        NodeKind::Map { base, pairs } => {
            out.push_str("%{");
            if let Some(b) = base {
                write_node(b, out);
                out.push_str(" | ");
            }
            write_pairs(pairs, out);
            out.push('}');
        }
        NodeKind::Struct { name, base, pairs } => {
            out.push('%');
            write_node(name, out);
            out.push('{');
            if let Some(b) = base {
                write_node(b, out);
                out.push_str(" | ");
            }
            write_pairs(pairs, out);
            out.push('}');
        }
        NodeKind::Bitstring(segs) => {
            out.push_str("<<");
            for (i, s) in segs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_node(&s.value, out);
                for spec in &s.specs {
                    out.push_str("::");
                    write_node(spec, out);
                }
            }
            out.push_str(">>");
        }
        // Every other kind is `write_node`'s, which sends only these here.
        _ => write_node(n, out),
    }
}

/// Calls (local, remote, of a fun value, a field) and access (`c[k]`).
fn write_call(n: &Node, out: &mut String) {
    match &n.kind {
        NodeKind::Call { target, args, parens } => {
            match target {
                CallTarget::Local(name) => out.push_str(name),
                CallTarget::Remote(m, name) => {
                    write_operand(m, 255, false, out);
                    out.push('.');
                    out.push_str(name);
                }
            }
            let is_field = matches!(target, CallTarget::Remote(..)) && !parens && args.is_empty();
            if is_field {
                return;
            }
            if *parens || args.is_empty() {
                out.push('(');
                write_args(args, out);
                out.push(')');
            } else {
                out.push(' ');
                write_args(args, out);
            }
        }
        NodeKind::FunCall { fun, args } => {
            write_operand(fun, 255, false, out);
            out.push_str(".(");
            write_args(args, out);
            out.push(')');
        }
        NodeKind::Access { container, key } => {
            write_operand(container, 255, false, out);
            out.push('[');
            write_node(key, out);
            out.push(']');
        }
        // Every other kind is `write_node`'s, which sends only these here.
        _ => write_node(n, out),
    }
}

fn write_parts(parts: &[InterpPart], out: &mut String) {
    for p in parts {
        match p {
            InterpPart::Lit(s) => {
                let q = inspect(&Term::string(s.clone()));
                out.push_str(&q[1..q.len() - 1]);
            }
            InterpPart::Bytes(bytes) => bytes.iter().for_each(|b| out.push_str(&format!("\\x{b:02X}"))),
            InterpPart::Expr(e) => {
                out.push_str("#{");
                write_node(e, out);
                out.push('}');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::code_text;

    fn text(src: &str) -> String {
        let nodes = crate::syntax::parse(src).expect("parses");
        code_text(&nodes[0])
    }

    #[test]
    fn spacing_is_normalised_and_parentheses_kept() {
        assert_eq!(text("assert   x==ctx.n"), "assert x == ctx.n");
        assert_eq!(text("assert {:ok, _} = {:error, :nope}"), "assert {:ok, _} = {:error, :nope}");
        assert_eq!(text("refute 1 in [1, 2]"), "refute 1 in [1, 2]");
        assert_eq!(text("assert String.upcase(\"abc\") ==\n \"abd\""), "assert String.upcase(\"abc\") == \"abd\"");
        assert_eq!(text("assert match?(%{a: x} when x > 5, %{a: 1})"), "assert match?(%{a: x} when x > 5, %{a: 1})");
        assert_eq!(text("assert Enum.to_list(1..40) == (a + b) * 2"), "assert Enum.to_list(1..40) == (a + b) * 2");
        assert_eq!(text("assert_raise ArgumentError, fn -> raise \"x\" end"), "assert_raise ArgumentError, fn -> raise \"x\" end");
        assert_eq!(text("assert %{\"k\" => ^v} = f(k: 1)"), "assert %{\"k\" => ^v} = f(k: 1)");
    }
}
