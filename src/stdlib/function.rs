//! `Function`: what a function value is (`info/1,2`) and captures built at run time
//! (`capture/3`). `identity/1` lives in the prelude.

use super::argument::function_clause;
use crate::term::{Fun, FunKind, Term};
use crate::vm::{NativeCtx, NativeRegistry, NativeResult};
use std::sync::Arc;

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

/// The `{key, value}` pairs of `Function.info/1` for `fun`, in Erlang's order.
fn info_pairs(fun: &Fun, me: Term) -> Vec<(&'static str, Term)> {
    match &fun.kind {
        FunKind::Export { module, name } => vec![
            ("module", Term::Atom(*module)),
            ("name", Term::Atom(*name)),
            ("arity", Term::Int(i64::from(fun.arity))),
            ("env", Term::Nil),
            ("type", Term::atom("external")),
        ],
        FunKind::Closure { module, context, index, env, .. } => {
            // Erlang names a fun after its enclosing function: `-run/1-fun-0-`.
            let name = if context.is_empty() { format!("-fun-{index}-") } else { format!("-{context}-fun-{index}-") };
            vec![
                ("pid", me),
                ("module", Term::Atom(*module)),
                ("index", Term::Int(i64::from(*index))),
                ("name", Term::atom(&name)),
                ("arity", Term::Int(i64::from(fun.arity))),
                ("env", Term::list(env.clone())),
                ("type", Term::atom("local")),
            ]
        }
    }
}

fn info1(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let Term::Fun(fun) = &a[0] else { return Err(function_clause("Function", "info", 1)) };
    let me = Term::Pid(cx.process.pid());
    Ok(Term::list(info_pairs(fun, me).into_iter().map(|(k, v)| Term::pair(Term::atom(k), v)).collect()))
}

fn info2(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let Term::Fun(fun) = &a[0] else { return Err(function_clause("Function", "info", 2)) };
    let key = a[1].as_atom().ok_or_else(|| function_clause("Function", "info", 2))?;
    let me = Term::Pid(cx.process.pid());
    let value = info_pairs(fun, me)
        .into_iter()
        .find(|(k, _)| *k == key.as_str())
        .map(|(_, v)| v)
        .unwrap_or_else(|| match key.as_str() {
            // External funs have no pid; other keys Erlang knows answer `:undefined`.
            "pid" | "index" | "new_index" | "uniq" | "new_uniq" | "refs" => Term::atom("undefined"),
            _ => Term::nil(),
        });
    if value.is_nil() {
        return Err(super::argument::badarg());
    }
    Ok(Term::pair(a[1].clone(), value))
}

fn capture(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let bad = || function_clause("Function", "capture", 3);
    let module = a[0].as_atom().ok_or_else(bad)?;
    let name = a[1].as_atom().ok_or_else(bad)?;
    let arity = super::argument::small_int(&a[2]).and_then(|n| u32::try_from(n).ok()).filter(|n| *n <= 255).ok_or_else(bad)?;
    Ok(Term::Fun(Arc::new(Fun { arity, kind: FunKind::Export { module, name } })))
}

/// Registers the `Function` natives.
pub fn register(reg: &mut NativeRegistry) {
    reg.add("Elixir.Function", "info", 1, info1);
    reg.add("Elixir.Function", "info", 2, info2);
    reg.add("Elixir.Function", "capture", 3, capture);
}

#[cfg(test)]
mod tests {
    use crate::stdlib::test_bench::{a, call, i};

    #[test]
    fn captures_describe_themselves() {
        // Function.info(&String.length/1, :name) => {:name, :length}
        let f = call("Elixir.Function", "capture", vec![a("Elixir.String"), a("length"), i(1)]);
        assert_eq!(crate::term::inspect::inspect(&f), "&String.length/1");
        let name = call("Elixir.Function", "info", vec![f.clone(), a("name")]);
        assert_eq!(crate::term::inspect::inspect(&name), "{:name, :length}");
        let info = call("Elixir.Function", "info", vec![f]);
        assert_eq!(
            crate::term::inspect::inspect(&info),
            "[module: String, name: :length, arity: 1, env: [], type: :external]"
        );
    }
}
