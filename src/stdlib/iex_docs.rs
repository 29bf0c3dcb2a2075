//! `h/1` in the REPL: `IEx.Helpers.__h__/1` prints the documentation of a module
//! (`"Enum"`), of a function's arities (`"Enum.map"`) or of one (`"Enum.map/2"`),
//! from otplab's own docs (see [`super::docs`]) or the learner's `@doc`s. The
//! session turns `h Enum.map` into that call, as IEx's `h` macro quotes its argument.

use super::docs::{self, user};
use crate::term::{Atom, Term};
use crate::vm::{NativeCtx, NativeRegistry, NativeResult};

/// What `h` was asked about: a module, maybe a function name, maybe an arity.
fn split(request: &str) -> (String, Option<String>, Option<u32>) {
    let (path, arity) = match request.rsplit_once('/') {
        Some((p, a)) => (p, a.parse().ok()),
        None => (request, None),
    };
    match path.rsplit_once('.') {
        Some((module, fun)) if fun.starts_with(|c: char| c.is_lowercase() || c == '_') => {
            (module.to_string(), Some(fun.to_string()), arity)
        }
        _ => (path.to_string(), None, None),
    }
}

/// The module table's name for `module` as written (`Enum` → `Elixir.Enum`, `:ets` → `ets`).
fn module_atom(module: &str) -> Atom {
    match module.strip_prefix(':') {
        Some(erlang) => Atom::new(erlang),
        None => Atom::new(&format!("Elixir.{module}")),
    }
}

/// The text `h` prints for `request`.
pub fn documentation(request: &str, modules: &crate::vm::modules::Modules) -> String {
    let (module, fun, arity) = split(request);
    let user_docs = modules.info(module_atom(&module)).and_then(|i| i.source).map(|s| user::read(&s));
    let Some(fun) = fun else {
        if let Some(m) = docs::module(&module) {
            return format!("{module}\n\n{}\n", m.about);
        }
        if let Some(text) = user_docs.as_ref().and_then(|d| d.moduledoc.clone()) {
            return format!("{module}\n\n{text}\n");
        }
        return format!("No documentation for {module} was found\n");
    };
    let wanted = |name: &str, a: u32| name == fun && arity.is_none_or(|n| n == a);
    let mut out = Vec::new();
    if let Some(m) = docs::module(&module) {
        for f in m.functions.iter().filter(|f| wanted(f.name, f.arity)) {
            out.push(format!("def {}\n\n{}\n", f.signature, f.text));
        }
    }
    if let Some(d) = &user_docs {
        for (name, a, signature, text) in &d.functions {
            if wanted(name, *a) {
                out.push(format!("def {signature}\n\n{text}\n"));
            }
        }
    }
    if out.is_empty() {
        let exists = (0..=8).any(|a| arity.is_none_or(|n| n == a) && modules.is_exported(module_atom(&module), Atom::new(&fun), a));
        let shown = match arity {
            Some(a) => format!("{module}.{fun}/{a}"),
            None => format!("{module}.{fun}"),
        };
        return if exists {
            format!("{shown} exists but otplab has no documentation for it yet\n")
        } else {
            format!("No documentation for {shown} was found\n")
        };
    }
    out.join("\n")
}

fn h(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let request = a[0].as_str().unwrap_or_default().to_string();
    let text = documentation(&request, cx.modules);
    cx.write_stdout(&text);
    Ok(Term::atom("do not show this result in output"))
}

/// Registers `IEx.Helpers.__h__/1`.
pub fn register(reg: &mut NativeRegistry) {
    reg.add("Elixir.IEx.Helpers", "__h__", 1, h);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_split_into_module_function_and_arity() {
        assert_eq!(split("Enum"), ("Enum".to_string(), None, None));
        assert_eq!(split("Enum.map/2"), ("Enum".to_string(), Some("map".to_string()), Some(2)));
        assert_eq!(split(":ets.insert"), (":ets".to_string(), Some("insert".to_string()), None));
        assert_eq!(split("String.Chars"), ("String.Chars".to_string(), None, None));
    }

    #[test]
    fn otplab_docs_are_found_by_function_and_arity() {
        let modules = crate::vm::modules::Modules::new(crate::vm::NativeRegistry::new());
        let text = documentation("Enum.map", &modules);
        assert!(text.starts_with("def map(enumerable, fun)"), "{text}");
        assert_eq!(documentation("Enum.reduce/3", &modules).matches("def reduce").count(), 1);
        assert_eq!(documentation("Enum.reduce", &modules).matches("def reduce").count(), 2);
        assert!(documentation("Nope.x", &modules).starts_with("No documentation for Nope.x"));
    }
}
