//! What `&...` captures name, as Elixir resolves them: `&Kernel.max/2`, `&max/2`
//! and `&(&1 + &2)` all capture `:erlang.max/2` / `:erlang.+/2`, because Kernel
//! inlines those functions to Erlang's BIFs (elixir_rewrite); and `&Mod.fun(&1, &2)`,
//! whose arguments are the placeholders in order, is `&Mod.fun/2`. Both show in
//! `inspect` (`&:erlang.+/2`, `&String.upcase/1`) and in `Function.info/1`.

use crate::syntax::ast::{BinaryOp, CallTarget, Node, NodeKind, UnaryOp};

/// The Erlang BIF that `Kernel.name/arity` is inlined to, or `None` when Kernel
/// defines it itself (or it is a macro). Elixir 1.14's table, less `is_port/1`
/// (otplab has no ports).
pub fn kernel_inline(name: &str, arity: u32) -> Option<&'static str> {
    let erlang = match (name, arity) {
        ("!=", 2) => "/=",
        ("!==", 2) => "=/=",
        ("<=", 2) => "=<",
        ("===", 2) => "=:=",
        ("function_exported?", 3) => "function_exported",
        ("+" | "-", 1 | 2) => if name == "+" { "+" } else { "-" },
        ("*", 2) => "*",
        ("/", 2) => "/",
        ("++", 2) => "++",
        ("--", 2) => "--",
        ("<", 2) => "<",
        (">", 2) => ">",
        (">=", 2) => ">=",
        ("==", 2) => "==",
        ("not", 1) => "not",
        ("abs", 1) => "abs",
        ("apply", 2 | 3) => "apply",
        ("binary_part", 3) => "binary_part",
        ("bit_size", 1) => "bit_size",
        ("byte_size", 1) => "byte_size",
        ("ceil", 1) => "ceil",
        ("div", 2) => "div",
        ("exit", 1) => "exit",
        ("floor", 1) => "floor",
        ("hd", 1) => "hd",
        ("is_atom", 1) => "is_atom",
        ("is_binary", 1) => "is_binary",
        ("is_bitstring", 1) => "is_bitstring",
        ("is_boolean", 1) => "is_boolean",
        ("is_float", 1) => "is_float",
        ("is_function", 1 | 2) => "is_function",
        ("is_integer", 1) => "is_integer",
        ("is_list", 1) => "is_list",
        ("is_map", 1) => "is_map",
        ("is_number", 1) => "is_number",
        ("is_pid", 1) => "is_pid",
        ("is_reference", 1) => "is_reference",
        ("is_tuple", 1) => "is_tuple",
        ("length", 1) => "length",
        ("make_ref", 0) => "make_ref",
        ("map_size", 1) => "map_size",
        ("max", 2) => "max",
        ("min", 2) => "min",
        ("node", 0 | 1) => "node",
        ("rem", 2) => "rem",
        ("round", 1) => "round",
        ("self", 0) => "self",
        ("send", 2) => "send",
        ("spawn", 1 | 3) => "spawn",
        ("spawn_link", 1 | 3) => "spawn_link",
        ("spawn_monitor", 1 | 3) => "spawn_monitor",
        ("throw", 1) => "throw",
        ("tl", 1) => "tl",
        ("trunc", 1) => "trunc",
        ("tuple_size", 1) => "tuple_size",
        _ => return None,
    };
    Some(erlang)
}

/// The Kernel operator a binary operator node calls, when it is a function
/// (not a macro such as `<>`, `&&` or `in`).
fn binary_operator(op: BinaryOp) -> Option<&'static str> {
    Some(match op {
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Concat => "++",
        BinaryOp::Subtract => "--",
        BinaryOp::Lt => "<",
        BinaryOp::Gt => ">",
        BinaryOp::Le => "<=",
        BinaryOp::Ge => ">=",
        BinaryOp::Eq => "==",
        BinaryOp::Ne => "!=",
        BinaryOp::StrictEq => "===",
        BinaryOp::StrictNe => "!==",
        _ => return None,
    })
}

fn unary_operator(op: UnaryOp) -> Option<&'static str> {
    Some(match op {
        UnaryOp::Neg => "-",
        UnaryOp::Pos => "+",
        UnaryOp::Not => "not",
        _ => return None,
    })
}

/// True when `args` are exactly `&1, &2, ..., &n`.
fn sequential(args: &[&Node]) -> bool {
    !args.is_empty() && args.iter().enumerate().all(|(i, a)| matches!(a.kind, NodeKind::CaptureArg(n) if n as usize == i + 1))
}

/// What the body of `&(...)` names when it is a call whose arguments are the
/// placeholders in order: the `&name/arity` form to compile instead (a remote
/// call keeps its module; an operator or a local call of a Kernel BIF becomes
/// `&:erlang.bif/arity`). `is_local` says whether the enclosing module defines
/// `name/arity` itself (then it is not Kernel's). `None`: a real closure.
pub fn named_capture(inner: &Node, is_local: impl Fn(&str, u32) -> bool) -> Option<Node> {
    let span = inner.span;
    let erlang_capture = |name: &str, arity: usize| {
        let erlang = kernel_inline(name, arity as u32)?;
        let module = Node::new(NodeKind::Atom("erlang".into()), span);
        Some(name_arity(Node::new(NodeKind::Call { target: CallTarget::Remote(Box::new(module), erlang.into()), args: vec![], parens: false }, span), arity))
    };
    match &inner.kind {
        NodeKind::BinaryOp { op, lhs, rhs } if sequential(&[lhs, rhs]) => erlang_capture(binary_operator(*op)?, 2),
        NodeKind::UnaryOp { op, operand } if sequential(&[operand]) => erlang_capture(unary_operator(*op)?, 1),
        NodeKind::Call { target: CallTarget::Remote(module, name), args, .. }
            if super::expr::is_static_module(module) && sequential(&args.iter().collect::<Vec<_>>()) =>
        {
            let call = Node::new(NodeKind::Call { target: CallTarget::Remote(module.clone(), name.clone()), args: vec![], parens: false }, span);
            Some(name_arity(call, args.len()))
        }
        NodeKind::Call { target: CallTarget::Local(name), args, .. }
            if sequential(&args.iter().collect::<Vec<_>>()) && !is_local(name, args.len() as u32) =>
        {
            erlang_capture(name, args.len())
        }
        _ => None,
    }
}

/// `call/arity`, the node `&call/arity` captures.
fn name_arity(call: Node, arity: usize) -> Node {
    let span = call.span;
    Node::new(
        NodeKind::BinaryOp { op: BinaryOp::Div, lhs: Box::new(call), rhs: Box::new(Node::new(NodeKind::Int(arity as i64), span)) },
        span,
    )
}

#[cfg(test)]
mod tests {
    use super::kernel_inline;

    #[test]
    fn kernel_bifs_map_to_erlang_names() {
        assert_eq!(kernel_inline("<=", 2), Some("=<"));
        assert_eq!(kernel_inline("-", 1), Some("-"));
        assert_eq!(kernel_inline("inspect", 1), None);
        assert_eq!(kernel_inline("max", 3), None);
    }
}
