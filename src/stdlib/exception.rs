//! Exceptions: turning raw Erlang errors into Elixir exception structs
//! ([`normalize`]), their messages ([`message`]), the banner an uncaught error
//! prints ([`banner`]), and building the struct `raise` raises ([`make_exception`]).
//!
//! Built-in exception modules are known here. A user module's exception
//! (`defexception`) is the VM's business: it calls `Mod.exception/1` and, when the
//! struct has no binary `message` field, `Mod.message/1`; [`is_builtin`] tells the
//! two apart.

use super::argument::{function_clause, list};
use crate::term::inspect::inspect;
use crate::term::{ATOMS, Atom, Term};
use crate::vm::raise::exception_struct;
use crate::vm::{Class, Control, NativeCtx, NativeRegistry, NativeResult, Raise};

/// Fields (besides `__struct__`/`__exception__`) and defaults of each built-in
/// exception (`module` without `Elixir.`), in the order Elixir declares them, which
/// is also the order `inspect` prints them in: read from the one table of Elixir's own
/// structs ([`crate::term::builtin_structs`]).
pub fn builtin_fields(module: &str) -> Option<Vec<(&'static str, Term)>> {
    crate::term::builtin_structs::builtin_struct(module)
        .filter(|s| s.is_exception)
        .map(|s| s.defaults())
}

/// True for exception modules this file knows (`Elixir.ArgumentError`...).
pub fn is_builtin(module: Atom) -> bool {
    module
        .as_str()
        .strip_prefix("Elixir.")
        .is_some_and(|m| builtin_fields(m).is_some())
}

/// A module atom as Elixir prints it in messages: `Foo.Bar` or `:lists`.
pub fn module_name(module: &Term) -> String {
    match module {
        Term::Atom(a) => match a.as_str().strip_prefix("Elixir.") {
            Some(m) => m.to_string(),
            None => inspect(module),
        },
        other => inspect(other),
    }
}

fn raw(name: &str, fields: Vec<(&str, Term)>) -> Term {
    exception_struct(name, fields)
}

/// `Exception.normalize(:error, reason)`: raw Erlang errors become Elixir exception
/// structs; exception structs pass through.
pub fn normalize(reason: &Term) -> Term {
    if reason
        .map_get_atom("__exception__")
        .is_some_and(|e| e.is_atom_named("true"))
    {
        return reason.clone();
    }
    let tagged = |tag: &str| match reason {
        Term::Tuple(t) if !t.is_empty() && t[0].is_atom_named(tag) => Some(&t[..]),
        _ => None,
    };
    match reason {
        Term::Atom(a) => match a.as_str() {
            "badarg" => {
                return raw(
                    "ArgumentError",
                    vec![("message", Term::string("argument error"))],
                );
            }
            "badarith" => {
                return raw(
                    "ArithmeticError",
                    vec![(
                        "message",
                        Term::string("bad argument in arithmetic expression"),
                    )],
                );
            }
            "system_limit" => {
                return raw(
                    "SystemLimitError",
                    vec![("message", Term::string("a system limit has been reached"))],
                );
            }
            "cond_clause" => return raw("CondClauseError", vec![]),
            "function_clause" => return with_defaults("FunctionClauseError", vec![]),
            "undef" => return with_defaults("UndefinedFunctionError", vec![]),
            _ => {}
        },
        Term::Tuple(_) => {
            let one = |tag: &str, module: &str, field: &str| {
                tagged(tag)
                    .filter(|t| t.len() == 2)
                    .map(|t| with_defaults(module, vec![(field, t[1].clone())]))
            };
            for (tag, module) in [
                ("badmatch", "MatchError"),
                ("case_clause", "CaseClauseError"),
                ("try_clause", "TryClauseError"),
                ("with_clause", "WithClauseError"),
                ("badmap", "BadMapError"),
                ("badfun", "BadFunctionError"),
                ("badstruct", "BadStructError"),
            ] {
                if let Some(e) = one(tag, module, "term") {
                    return e;
                }
            }
            if let Some(t) = tagged("badkey") {
                match t.len() {
                    2 => return with_defaults("KeyError", vec![("key", t[1].clone())]),
                    3 => {
                        return with_defaults(
                            "KeyError",
                            vec![("key", t[1].clone()), ("term", t[2].clone())],
                        );
                    }
                    _ => {}
                }
            }
            if let Some(t) = tagged("badarity").filter(|t| t.len() == 2)
                && let Term::Tuple(inner) = &t[1]
                && inner.len() == 2
            {
                return with_defaults(
                    "BadArityError",
                    vec![("function", inner[0].clone()), ("args", inner[1].clone())],
                );
            }
            if let Some(t) = tagged("badbool").filter(|t| t.len() == 3) {
                return with_defaults(
                    "BadBooleanError",
                    vec![("operator", t[1].clone()), ("term", t[2].clone())],
                );
            }
        }
        _ => {}
    }
    with_defaults("ErlangError", vec![("original", reason.clone())])
}

/// A built-in exception struct with `fields` set and every other field at its default.
fn with_defaults(module: &str, fields: Vec<(&str, Term)>) -> Term {
    let mut all = builtin_fields(module).unwrap_or_default();
    for (k, v) in fields {
        match all.iter_mut().find(|(name, _)| *name == k) {
            Some(slot) => slot.1 = v,
            None => all.push((k, v)),
        }
    }
    raw(module, all)
}

/// BEAM's extended error info for a `:badarg` from an `:erlang` BIF: which argument
/// was wrong and why (what `erl_erts_errors` reports and Elixir prints).
fn badarg_detail(function: &str, args: &[Term]) -> Option<(usize, &'static str)> {
    let not_tuple = |t: &Term| !matches!(t, Term::Tuple(_));
    Some(match (function, args) {
        ("hd" | "tl", _) => (1, "not a nonempty list"),
        ("length" | "list_to_tuple", _) => (1, "not a list"),
        ("element" | "setelement", [_, t, ..]) if not_tuple(t) => (2, "not a tuple"),
        ("element" | "setelement", [n, ..]) if !n.is_integer() => (1, "not an integer"),
        ("element" | "setelement", _) => (1, "out of range"),
        ("tuple_size" | "tuple_to_list", _) => (1, "not a tuple"),
        ("byte_size" | "bit_size", _) => (1, "not a bitstring"),
        ("abs" | "round" | "trunc" | "float" | "floor" | "ceil", _) => (1, "not a number"),
        ("integer_to_binary" | "integer_to_list", [n, ..]) if !n.is_integer() => {
            (1, "not an integer")
        }
        ("atom_to_binary" | "atom_to_list", _) => (1, "not an atom"),
        ("binary_to_atom" | "binary_to_existing_atom", [b, ..]) if b.as_bytes().is_none() => {
            (1, "not a binary")
        }
        ("binary_to_existing_atom", _) => (1, "not an already existing atom"),
        ("binary_to_integer", [b, ..]) if b.as_bytes().is_none() => (1, "not a binary"),
        ("binary_to_integer", [_]) => (1, "not a textual representation of an integer"),
        ("binary_to_float", [b]) if b.as_bytes().is_none() => (1, "not a binary"),
        ("binary_to_float", [_]) => (1, "not a textual representation of a float"),
        _ => return None,
    })
}

/// `Exception.normalize(:error, reason, stacktrace)` when the failing call is known:
/// a `:badarg` from an `:erlang` BIF gets BEAM's detailed message
/// ("errors were found at the given arguments: ... not a nonempty list"), as
/// Elixir shows for both rescued and uncaught errors; otherwise as [`normalize`].
pub fn normalize_blamed(reason: &Term, call: Option<&FailedCall<'_>>) -> Term {
    if let (true, Some(c)) = (reason.is_atom_named("badarg"), call)
        && c.module == "erlang"
        && let Some((position, why)) = badarg_detail(c.function, c.args)
    {
        let message = super::argument::arg_error_message(position, why);
        return raw("ArgumentError", vec![("message", Term::string(message))]);
    }
    // A raw `:function_clause` names its function through the stacktrace's top
    // entry, as Elixir's `Exception.normalize/3` reads it.
    if let (true, Some(c)) = (reason.is_atom_named("function_clause"), call) {
        return with_defaults(
            "FunctionClauseError",
            vec![
                ("module", Term::atom(c.module)),
                ("function", Term::atom(c.function)),
                ("arity", Term::Int(c.args.len() as i64)),
            ],
        );
    }
    normalize(reason)
}

fn field<'t>(e: &'t Term, key: &str) -> &'t Term {
    static NIL: std::sync::LazyLock<Term> = std::sync::LazyLock::new(Term::nil);
    e.map_get_atom(key).unwrap_or(&NIL)
}

fn plural_args(args: &Term) -> String {
    let items = list(args).unwrap_or_default();
    match items.len() {
        0 => "called with no arguments".into(),
        1 => format!("called with 1 argument ({})", inspect(&items[0])),
        n => format!(
            "called with {n} arguments ({})",
            items.iter().map(inspect).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// `Exception.message/1` for built-in exceptions; any other exception's binary
/// `message` field (a user module with a custom `message/1` is the VM's to call).
pub fn message(e: &Term) -> String {
    let name = e.struct_name().map(|a| a.as_str()).unwrap_or("");
    let name = name.strip_prefix("Elixir.").unwrap_or(name);
    let term = || inspect(field(e, "term"));
    match name {
        "KeyError" if field(e, "message").is_nil() => {
            let mut m = format!("key {} not found", inspect(field(e, "key")));
            if !field(e, "term").is_nil() {
                m.push_str(&format!(" in: {}", term()));
            }
            m
        }
        "MatchError" => format!("no match of right hand side value: {}", term()),
        "CaseClauseError" => format!("no case clause matching: {}", term()),
        "WithClauseError" => format!("no with clause matching: {}", term()),
        "TryClauseError" => format!("no try clause matching: {}", term()),
        "CondClauseError" => "no cond clause evaluated to a truthy value".into(),
        "BadMapError" => format!("expected a map, got: {}", term()),
        "BadStructError" => format!("expected a struct, got: {}", term()),
        "BadFunctionError" => format!("expected a function, got: {}", term()),
        "BadBooleanError" => format!(
            "expected a boolean on left-side of \"{}\", got: {}",
            field(e, "operator")
                .as_atom()
                .map(|a| a.as_str())
                .unwrap_or(""),
            term()
        ),
        "BadArityError" => {
            let fun = field(e, "function");
            let arity = match fun {
                Term::Fun(f) => f.arity,
                _ => 0,
            };
            format!(
                "{} with arity {arity} {}",
                inspect(fun),
                plural_args(field(e, "args"))
            )
        }
        "ErlangError" if field(e, "message").as_str().is_none() => {
            format!("Erlang error: {}", inspect(field(e, "original")))
        }
        "FunctionClauseError" => match field(e, "module") {
            m if m.is_nil() => "no function clause matches".into(),
            m => {
                let mfa = format_mfa(m, field(e, "function"), field(e, "arity"));
                // The arguments, once a blame has filled them in (`Exception.blame/3`).
                let given = list(field(e, "args")).map_or(String::new(), |args| given_arguments(&mfa, &args));
                format!("no function clause matching in {mfa}{given}")
            }
        },
        "UndefinedFunctionError" if field(e, "message").as_str().is_none() => {
            undefined_function_message(e)
        }
        "Protocol.UndefinedError" => {
            let value = field(e, "value");
            let mut m = format!(
                "protocol {} not implemented for {} of type {}",
                module_name(field(e, "protocol")),
                inspect(value),
                match value.struct_name() {
                    // Elixir 1.14 names a struct's own module: "of type User (a struct)".
                    Some(s) => format!("{} (a struct)", module_name(&Term::Atom(s))),
                    None => type_name(value).to_string(),
                }
            );
            if let Some(d) = field(e, "description").as_str().filter(|d| !d.is_empty()) {
                m.push_str(", ");
                m.push_str(d);
            }
            m
        }
        "File.Error" => super::file::error_message(e),
        _ => match field(e, "message") {
            Term::Binary(_) => field(e, "message").as_str().unwrap_or("").to_string(),
            other => inspect(other),
        },
    }
}

fn undefined_function_message(e: &Term) -> String {
    let module = field(e, "module");
    if module.is_nil() {
        return "undefined function".into();
    }
    let mfa = format!(
        "function {}.{}/{}",
        module_name(module),
        field(e, "function")
            .as_atom()
            .map(|a| a.as_str())
            .unwrap_or(""),
        inspect(field(e, "arity"))
    );
    // The VM sets `reason`: the module is unknown, or it lacks the function.
    if field(e, "reason").is_atom_named("module could not be loaded") {
        format!(
            "{mfa} is undefined (module {} is not available)",
            module_name(module)
        )
    } else {
        format!("{mfa} is undefined or private")
    }
}

/// The type name `Protocol.UndefinedError` reports (`Tuple`, `Integer`...): a
/// built-in type's dispatch name, and `Any` for a struct.
pub fn type_name(t: &Term) -> &'static str {
    match t {
        Term::Map(_) if t.struct_name().is_some() => "Any",
        _ => crate::vm::builtins::builtin_type_name(t),
    }
}

/// `Exception.format_mfa/3`: `GenServer.call(StackServer, :pop, 5000)`, and an
/// anonymous function by where it was written (`-f/1-fun-0-` is `anonymous fn/1 in
/// M.f/1`, or `anonymous fn(:b) in M.f/1` given its arguments).
pub fn format_mfa(module: &Term, fun: &Term, args: &Term) -> String {
    let raw = fun.as_atom().map(|a| a.as_str()).unwrap_or_default();
    if let Some((outer, arity)) = raw.strip_prefix('-').and_then(|n| n.rsplit_once("-fun-")).and_then(|(outer, _)| outer.rsplit_once('/')) {
        let outer = format_mfa(module, &Term::atom(outer), &Term::Int(arity.parse().unwrap_or(0)));
        return match list(args) {
            Some(items) => format!("anonymous fn({}) in {outer}", items.iter().map(inspect).collect::<Vec<_>>().join(", ")),
            None => format!("anonymous fn/{} in {outer}", inspect(args)),
        };
    }
    let name = crate::term::atom_syntax::atom_remote_call(raw);
    match (args, list(args)) {
        (_, Some(items)) => format!(
            "{}.{name}({})",
            module_name(module),
            items.iter().map(inspect).collect::<Vec<_>>().join(", ")
        ),
        (arity, None) => format!("{}.{name}/{}", module_name(module), inspect(arity)),
    }
}

/// What FunctionClauseError's message adds once its arguments are known:
/// "The following arguments were given to M.f/1:", then each, numbered.
fn given_arguments(mfa: &str, args: &[Term]) -> String {
    let listed: String = args.iter().enumerate().map(|(i, a)| format!("\n    # {}\n    {}\n", i + 1, inspect(a))).collect();
    format!("\n\nThe following arguments were given to {mfa}:\n{listed}")
}

/// Elixir's top-level blame of a FunctionClauseError that a named function raised,
/// with its arguments in the stacktrace's top entry (`{M, :k, [:c], loc}`, as the
/// VM records them): the lines that list them after the banner, and the trace
/// with that entry naming the arity instead, as a script's uncaught error shows
/// both. `None` for any other error.
pub fn blame_function_clause(reason: &Term, trace: &Term) -> Option<(String, Term)> {
    if reason.struct_name()?.as_str() != "Elixir.FunctionClauseError" {
        return None;
    }
    let mut entries = list(trace)?;
    let top = super::argument::tuple(entries.first()?).filter(|t| t.len() == 4)?;
    let args = list(&top[2])?;
    if top[0] != *field(reason, "module") || top[1] != *field(reason, "function") {
        return None;
    }
    let arity = Term::Int(args.len() as i64);
    let mfa = format_mfa(&top[0], &top[1], &arity);
    // The message's list of arguments as the top level prints it: four spaces after
    // the banner's first line and before every later one, blank ones too.
    let text = format!("    {}", given_arguments(&mfa, &args).replace('\n', "\n    "));
    entries[0] = Term::tuple(vec![top[0].clone(), top[1].clone(), arity, top[3].clone()]);
    Some((text, Term::list(entries)))
}

/// The lines Elixir prints under an uncaught error or in a crash report, one per
/// entry of `trace`, each indented by four spaces (`    st.exs:3: A.g/1`).
pub fn stacktrace_lines(trace: &Term) -> Vec<String> {
    trace.list_iter().filter_map(format_stack_entry).map(|l| format!("    {l}")).collect()
}

/// The detail of the `[error] Process ... raised an exception` report: the banner
/// as Elixir's logger words it (a throw is an `ErlangError` `{:nocatch, value}`),
/// then the stacktrace carried by the process's `exit_reason`.
pub fn crash_detail(raise: &crate::vm::Raise, exit_reason: &Term) -> String {
    let mut text = match raise.class {
        Class::Throw => banner(Class::Error, &Term::pair(Term::atom("nocatch"), raise.reason.clone())),
        // The logger names no failed call (`: 1 / 0`), unlike the script banner.
        class => banner(class, &raise.reason),
    };
    if let Term::Tuple(t) = exit_reason
        && t.len() == 2
    {
        for line in stacktrace_lines(&t[1]) {
            text.push('\n');
            text.push_str(&line);
        }
    }
    text
}

/// How Elixir names a stack entry's function: top-level code is `(file)`, an
/// anonymous function `-f/2-fun-0-` is `anonymous fn/1 in M.f/2`.
fn format_entry_mfa(module: &Term, fun: &Term, arity: &Term) -> String {
    let name = fun.as_atom().map(|a| a.as_str()).unwrap_or_default();
    if name == "__FILE__" {
        return "(file)".to_string();
    }
    format_mfa(module, fun, arity)
}

/// One stacktrace entry `{m, f, args_or_arity, location}` as Elixir formats it.
fn format_stack_entry(entry: &Term) -> Option<String> {
    let t = super::argument::tuple(entry).filter(|t| t.len() == 4)?;
    let mfa = format_entry_mfa(&t[0], &t[1], &t[2]);
    let file = t[3].list_iter().find_map(|kv| match kv {
        Term::Tuple(p) if p.len() == 2 && p[0].is_atom_named("file") => {
            super::erlang::charlist_text(&p[1]).or_else(|| p[1].as_str().map(str::to_string))
        }
        _ => None,
    });
    let line = t[3].list_iter().find_map(|kv| match kv {
        Term::Tuple(p) if p.len() == 2 && p[0].is_atom_named("line") => Some(inspect(&p[1])),
        _ => None,
    });
    Some(match (file, line) {
        (Some(f), Some(l)) => format!("{f}:{l}: {mfa}"),
        (Some(f), None) => format!("{f}: {mfa}"),
        _ => mfa,
    })
}

/// `Exception.format_exit/1`: the text after `** (exit) `.
pub fn format_exit(reason: &Term) -> String {
    format_exit_joined(reason, "\n    ")
}

fn format_exit_joined(reason: &Term, joiner: &str) -> String {
    if let Term::Tuple(t) = reason
        && t.len() == 2
    {
        // {exception, stacktrace}: an exception that killed the process.
        if let Some(entries) = list(&t[1]).filter(|e| !e.is_empty()) {
            let lines: Option<Vec<String>> = entries.iter().map(format_stack_entry).collect();
            if let Some(lines) = lines {
                let inner = banner(Class::Error, &t[0]);
                let mut out = format!("an exception was raised:{joiner}{}", indent(&inner, joiner));
                for l in lines {
                    out.push_str(joiner);
                    out.push_str("    ");
                    out.push_str(&l);
                }
                return out;
            }
        }
        // {reason, {m, f, args}}: an exit from a call (GenServer.call, Task.await).
        if let Term::Tuple(mfa) = &t[1]
            && mfa.len() == 3
            && mfa[0].as_atom().is_some()
            && mfa[1].as_atom().is_some()
        {
            let deeper = format!("{joiner}    ");
            return format!(
                "exited in: {}{joiner}** (EXIT) {}",
                format_mfa(&mfa[0], &mfa[1], &mfa[2]),
                format_exit_joined(&t[0], &deeper)
            );
        }
    }
    exit_reason_text(reason)
}

fn indent(text: &str, joiner: &str) -> String {
    text.replace('\n', joiner)
}

fn exit_reason_text(reason: &Term) -> String {
    match reason {
        Term::Atom(a) => match a.as_str() {
            "normal" => "normal".into(),
            "shutdown" => "shutdown".into(),
            "calling_self" => "process attempted to call itself".into(),
            "timeout" => "time out".into(),
            "killed" => "killed".into(),
            "noconnection" => "no connection".into(),
            "noproc" => "no process: the process is not alive or there's no process currently \
                         associated with the given name, possibly because its application isn't started"
                .into(),
            _ => inspect(reason),
        },
        Term::Tuple(t) if t.len() == 2 && t[0].is_atom_named("shutdown") => {
            format!("shutdown: {}", inspect(&t[1]))
        }
        _ => inspect(reason),
    }
}

/// The first line(s) Elixir prints for an uncaught `class`/`reason` in a script:
/// `** (MatchError) no match of right hand side value: 2`, `** (throw) :x`,
/// `** (exit) exited in: ...`.
pub fn banner(class: Class, reason: &Term) -> String {
    banner_blamed(class, reason, None)
}

/// The failing call at the top of the stacktrace, for [`banner_blamed`].
pub struct FailedCall<'a> {
    /// The module (`erlang`).
    pub module: &'a str,
    /// The function (`div`, `+`).
    pub function: &'a str,
    /// Its arguments.
    pub args: &'a [Term],
}

/// Like [`banner`], but with the failing call known, as Elixir's top-level does: an
/// ArithmeticError from an `:erlang` operator names the expression
/// (`bad argument in arithmetic expression: div(0, 0)`).
pub fn banner_blamed(class: Class, reason: &Term, call: Option<FailedCall<'_>>) -> String {
    match class {
        Class::Throw => format!("** (throw) {}", inspect(reason)),
        Class::Exit => format!("** (exit) {}", format_exit(reason)),
        Class::Error => {
            let e = normalize_blamed(reason, call.as_ref());
            let mut text = message(&e);
            let is_arith = e
                .struct_name()
                .is_some_and(|a| a.as_str() == "Elixir.ArithmeticError");
            if let (true, Some(c)) = (is_arith && reason.is_atom_named("badarith"), call)
                && c.module == "erlang"
            {
                text.push_str(": ");
                text.push_str(&blame_expression(c.function, c.args));
            }
            format!(
                "** ({}) {text}",
                module_name(&Term::Atom(e.struct_name().unwrap_or(ATOMS.nil)))
            )
        }
    }
}

/// `1 + :a`, `-:a`, `div(0, 0)`: how Elixir shows the failing arithmetic call.
fn blame_expression(function: &str, args: &[Term]) -> String {
    let shown: Vec<String> = args.iter().map(inspect).collect();
    match (function, shown.as_slice()) {
        ("+" | "-" | "*" | "/", [a, b]) => format!("{a} {function} {b}"),
        ("+" | "-", [a]) => format!("{function}{a}"),
        (f, items) => format!("{f}({})", items.join(", ")),
    }
}

/// Builds the exception `raise` raises: `raise "msg"` (RuntimeError), `raise Mod` /
/// `raise Mod, opts` for built-in modules, `raise %SomeError{}` as is. A user module
/// (see [`is_builtin`]) is not handled here: the VM calls its `exception/1`.
pub fn make_exception(module_or_msg: &Term, opts: Option<&Term>) -> Result<Term, Raise> {
    match module_or_msg {
        Term::Binary(_) if opts.is_none() => Ok(raw(
            "RuntimeError",
            vec![("message", module_or_msg.clone())],
        )),
        Term::Map(_) if opts.is_none() && module_or_msg.map_get_atom("__exception__").is_some() => {
            Ok(module_or_msg.clone())
        }
        Term::Atom(a) if is_builtin(*a) => {
            let module = a.as_str().trim_start_matches("Elixir.");
            let mut fields = builtin_fields(module).unwrap_or_default();
            let given = match opts {
                // `raise ArgumentError, "msg"` is `ArgumentError.exception("msg")`, which
                // the default implementation turns into `[message: "msg"]`.
                Some(msg @ Term::Binary(_)) => {
                    Term::list(vec![Term::pair(Term::Atom(ATOMS.message), msg.clone())])
                }
                Some(other) => other.clone(),
                None => Term::Nil,
            };
            let pairs = list(&given).ok_or_else(|| {
                Raise::argument_error(format!(
                    "expected a keyword list as the second argument of raise, got: {}",
                    inspect(&given)
                ))
            })?;
            for p in pairs {
                match &p {
                    Term::Tuple(kv) if kv.len() == 2 => match kv[0].as_atom() {
                        Some(k) if fields.iter().any(|(n, _)| *n == k.as_str()) => {
                            if let Some(slot) = fields.iter_mut().find(|(n, _)| *n == k.as_str()) {
                                slot.1 = kv[1].clone();
                            }
                        }
                        _ => {
                            return Err(Raise::exception(
                                "KeyError",
                                format!("key {} not found", inspect(&kv[0])),
                            ));
                        }
                    },
                    other => {
                        return Err(Raise::argument_error(format!(
                            "expected a keyword list as the second argument of raise, got: {}",
                            inspect(other)
                        )));
                    }
                }
            }
            Ok(raw(module, fields))
        }
        Term::Atom(a) => Err(Raise::error(with_defaults(
            "UndefinedFunctionError",
            vec![
                ("module", Term::Atom(*a)),
                ("function", Term::atom("exception")),
                ("arity", Term::Int(1)),
            ],
        ))),
        other => Err(Raise::argument_error(format!(
            "raise/1 and reraise/2 expect a module name, string or exception as the first \
             argument, got: {}",
            inspect(other)
        ))),
    }
}

fn class_of(t: &Term) -> Option<Class> {
    match t.as_atom()?.as_str() {
        "error" => Some(Class::Error),
        "throw" => Some(Class::Throw),
        "exit" => Some(Class::Exit),
        _ => None,
    }
}

fn message_native(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    if a[0].map_get_atom("__exception__").is_none() {
        return Err(function_clause("Exception", "message", 1));
    }
    // A `defexception` module's own message/1 (a learner's override included).
    if let Some(module) = a[0].struct_name()
        && cx.modules.is_defined(module)
        && cx.modules.is_exported(module, crate::term::Atom::new("message"), 1)
    {
        return Err(crate::vm::Control::CallMfa { module, name: crate::term::Atom::new("message"), args: vec![a[0].clone()] });
    }
    Ok(Term::string(message(&a[0])))
}
fn normalize_native(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let top = top_call(a.get(2));
    let call = top.as_ref().map(|(m, f, args)| FailedCall {
        module: m,
        function: f,
        args,
    });
    match class_of(&a[0]) {
        Some(Class::Error) => Ok(normalize_blamed(&a[1], call.as_ref())),
        Some(_) => Ok(a[1].clone()),
        None => Err(function_clause("Exception", "normalize", 3)),
    }
}
fn top_call(stack: Option<&Term>) -> Option<(String, String, Vec<Term>)> {
    let first = stack?.list_iter().next()?;
    let t = super::argument::tuple(first).filter(|t| t.len() == 4)?;
    Some((
        t[0].as_atom()?.as_str().to_string(),
        t[1].as_atom()?.as_str().to_string(),
        list(&t[2])?,
    ))
}
fn format_banner_native(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let class = class_of(&a[0]).ok_or_else(|| function_clause("Exception", "format_banner", 3))?;
    let top = top_call(a.get(2));
    let call = top.as_ref().map(|(m, f, args)| FailedCall {
        module: m,
        function: f,
        args,
    });
    Ok(Term::string(banner_blamed(class, &a[1], call)))
}
fn format_native(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let class = class_of(&a[0]).ok_or_else(|| function_clause("Exception", "format", 3))?;
    let top = top_call(a.get(2));
    let call = top.as_ref().map(|(m, f, args)| FailedCall {
        module: m,
        function: f,
        args,
    });
    let mut out = banner_blamed(class, &a[1], call);
    if let Some(stack) = a.get(2) {
        for entry in stack.list_iter() {
            if let Some(line) = format_stack_entry(entry) {
                out.push_str("\n    ");
                out.push_str(&line);
            }
        }
    }
    Ok(Term::string(out))
}
fn format_exit_native(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    Ok(Term::string(format_exit(&a[0])))
}
/// `Exception.format_stacktrace/1`: one `    file:line: M.f/a` line per entry.
fn format_stacktrace_native(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let mut out = String::new();
    for line in stacktrace_lines(&a[0]) {
        out.push_str(&line);
        out.push('\n');
    }
    Ok(Term::string(out))
}

fn format_mfa_native(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    Ok(Term::string(format_mfa(&a[0], &a[1], &a[2])))
}
fn exception_native(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    Ok(a[0]
        .map_get_atom("__exception__")
        .is_some_and(Term::is_truthy)
        .into())
}
/// `raise/1,2` for strings, exception structs and built-in modules.
fn raise_native(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let e = make_exception(&a[0], a.get(1))?;
    Err(Control::Raise(Raise::error(e)))
}

/// `Exception.format_file_line/2,3` and `format_file_line_column/3,4`: `file:line:col:`
/// with the parts that are known (a column only after a line), then the suffix.
fn format_file_line(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    file_line_text(a, false)
}
fn format_file_line_column(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    file_line_text(a, true)
}
fn file_line_text(a: &[Term], with_column: bool) -> NativeResult {
    let (line, column, suffix) = if with_column {
        (&a[1], Some(&a[2]), a.get(3))
    } else {
        (&a[1], None, a.get(2))
    };
    let suffix = suffix.and_then(Term::as_str).unwrap_or("");
    let Some(file) = a[0].as_str() else { return Ok(Term::string("")) };
    let mut out = format!("{file}:");
    if let Term::Int(l) = line {
        out.push_str(&format!("{l}:"));
        if let Some(Term::Int(c)) = column {
            out.push_str(&format!("{c}:"));
        }
    }
    if !suffix.is_empty() {
        out.push(' ');
        out.push_str(suffix);
    }
    Ok(Term::string(out))
}

/// Registers `Exception` and `Kernel.raise/1,2` (for built-in exceptions).
pub fn register(reg: &mut NativeRegistry) {
    let m = "Elixir.Exception";
    for arity in [2, 3] {
        reg.add(m, "format_file_line", arity, format_file_line);
    }
    for arity in [3, 4] {
        reg.add(m, "format_file_line_column", arity, format_file_line_column);
    }
    reg.add(m, "message", 1, message_native);
    reg.add(m, "normalize", 2, normalize_native);
    reg.add(m, "normalize", 3, normalize_native);
    reg.add(m, "format_banner", 2, format_banner_native);
    reg.add(m, "format_banner", 3, format_banner_native);
    reg.add(m, "format", 2, format_native);
    reg.add(m, "format", 3, format_native);
    reg.add(m, "format_exit", 1, format_exit_native);
    reg.add(m, "format_mfa", 3, format_mfa_native);
    reg.add(m, "format_stacktrace", 1, format_stacktrace_native);
    reg.add(m, "exception?", 1, exception_native);
    reg.add("Elixir.Kernel", "raise", 1, raise_native);
    reg.add("Elixir.Kernel", "raise", 2, raise_native);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stdlib::test_bench::{a, i, kw, l, s, t};

    fn msg(reason: Term) -> String {
        message(&normalize(&reason))
    }

    #[test]
    fn normalized_messages_match_elixir() {
        // Exception.message(Exception.normalize(:error, x)) in Elixir 1.14:
        assert_eq!(msg(a("badarg")), "argument error");
        assert_eq!(msg(a("badarith")), "bad argument in arithmetic expression");
        assert_eq!(
            msg(t(vec![a("badmatch"), i(2)])),
            "no match of right hand side value: 2"
        );
        assert_eq!(
            msg(t(vec![a("badfun"), i(3)])),
            "expected a function, got: 3"
        );
        assert_eq!(msg(t(vec![a("badmap"), i(3)])), "expected a map, got: 3");
        assert_eq!(
            msg(t(vec![a("case_clause"), i(3)])),
            "no case clause matching: 3"
        );
        assert_eq!(
            msg(t(vec![a("try_clause"), i(3)])),
            "no try clause matching: 3"
        );
        assert_eq!(
            msg(t(vec![a("with_clause"), i(3)])),
            "no with clause matching: 3"
        );
        assert_eq!(
            msg(a("cond_clause")),
            "no cond clause evaluated to a truthy value"
        );
        assert_eq!(msg(a("system_limit")), "a system limit has been reached");
        assert_eq!(msg(t(vec![a("foo"), i(1)])), "Erlang error: {:foo, 1}");
        assert_eq!(msg(a("function_clause")), "no function clause matches");
        assert_eq!(msg(a("undef")), "undefined function");
        assert_eq!(
            msg(t(vec![a("badkey"), a("email")])),
            "key :email not found"
        );
    }

    #[test]
    fn function_errors_name_the_function() {
        let fce = with_defaults(
            "FunctionClauseError",
            vec![
                ("module", a("Elixir.Stack")),
                ("function", a("pop")),
                ("arity", i(1)),
            ],
        );
        assert_eq!(message(&fce), "no function clause matching in Stack.pop/1");
        let undef = |reason: Term| {
            with_defaults(
                "UndefinedFunctionError",
                vec![
                    ("module", a("Elixir.Foo")),
                    ("function", a("bar")),
                    ("arity", i(0)),
                    ("reason", reason),
                ],
            )
        };
        assert_eq!(
            message(&undef(a("module could not be loaded"))),
            "function Foo.bar/0 is undefined (module Foo is not available)"
        );
        assert_eq!(
            message(&undef(a("function not exported"))),
            "function Foo.bar/0 is undefined or private"
        );
    }

    #[test]
    fn banners_match_the_conformance_stderr() {
        // 002_match_error.stderr1
        let m = t(vec![a("badmatch"), t(vec![a("error"), a("not_found")])]);
        assert_eq!(
            banner(Class::Error, &m),
            "** (MatchError) no match of right hand side value: {:error, :not_found}"
        );
        // 005_map_update_keyerror.stderr1
        assert_eq!(
            banner(Class::Error, &t(vec![a("badkey"), a("email")])),
            "** (KeyError) key :email not found"
        );
        // 019_arithmetic_error.stderr1: blamed with the failing call
        let args = [i(0), i(0)];
        let call = FailedCall {
            module: "erlang",
            function: "div",
            args: &args,
        };
        assert_eq!(
            banner_blamed(Class::Error, &a("badarith"), Some(call)),
            "** (ArithmeticError) bad argument in arithmetic expression: div(0, 0)"
        );
        let args = [i(1), a("a")];
        let call = FailedCall {
            module: "erlang",
            function: "+",
            args: &args,
        };
        assert_eq!(
            banner_blamed(Class::Error, &a("badarith"), Some(call)),
            "** (ArithmeticError) bad argument in arithmetic expression: 1 + :a"
        );
        // 092_job_failure_uncaught.stderr1
        let e = make_exception(&s("Intentional job failure"), None)
            .ok()
            .unwrap_or(Term::Nil);
        assert_eq!(
            banner(Class::Error, &e),
            "** (RuntimeError) Intentional job failure"
        );
        assert_eq!(
            banner(Class::Throw, &t(vec![a("a"), i(1)])),
            "** (throw) {:a, 1}"
        );
        assert_eq!(banner(Class::Exit, &a("normal")), "** (exit) normal");
    }

    #[test]
    fn badarg_from_a_bif_gets_the_detailed_message() {
        // hd([]) rescued: "errors were found at the given arguments:\n\n  * 1st argument: not a nonempty list\n"
        let args = [l(vec![])];
        let call = FailedCall {
            module: "erlang",
            function: "hd",
            args: &args,
        };
        assert_eq!(
            message(&normalize_blamed(&a("badarg"), Some(&call))),
            "errors were found at the given arguments:\n\n  * 1st argument: not a nonempty list\n"
        );
        // elem(5, 0) => :erlang.element(1, 5): "* 2nd argument: not a tuple"
        let args = [i(1), i(5)];
        let call = FailedCall {
            module: "erlang",
            function: "element",
            args: &args,
        };
        assert_eq!(
            banner_blamed(Class::Error, &a("badarg"), Some(call)),
            "** (ArgumentError) errors were found at the given arguments:\n\n  * 2nd argument: not a tuple\n"
        );
        // 5 ++ [] => "argument error" (no detail for ++)
        let args = [i(5), l(vec![])];
        let call = FailedCall {
            module: "erlang",
            function: "++",
            args: &args,
        };
        assert_eq!(
            message(&normalize_blamed(&a("badarg"), Some(&call))),
            "argument error"
        );
    }

    #[test]
    fn exit_banners_from_calls() {
        // As 048_genserver_noproc_uncaught.stderr1 (+ the line Elixir prints after it),
        // with a plain atom name so the expectation does not depend on alias inspection.
        let call = t(vec![
            a("Elixir.GenServer"),
            a("call"),
            l(vec![a("stack"), a("pop"), i(5000)]),
        ]);
        assert_eq!(
            banner(Class::Exit, &t(vec![a("noproc"), call.clone()])),
            "** (exit) exited in: GenServer.call(:stack, :pop, 5000)\n    ** (EXIT) no process: \
             the process is not alive or there's no process currently associated with the given \
             name, possibly because its application isn't started"
        );
        assert_eq!(
            banner(
                Class::Exit,
                &t(vec![t(vec![a("shutdown"), i(1)]), call.clone()])
            ),
            "** (exit) exited in: GenServer.call(:stack, :pop, 5000)\n    ** (EXIT) shutdown: 1"
        );
        // 037_async_stream_timeout_uncaught.stderr1
        let stream = t(vec![
            a("Elixir.Task.Supervised"),
            a("stream"),
            l(vec![i(300)]),
        ]);
        assert_eq!(
            banner(Class::Exit, &t(vec![a("timeout"), stream])),
            "** (exit) exited in: Task.Supervised.stream(300)\n    ** (EXIT) time out"
        );
        assert_eq!(
            banner(Class::Exit, &t(vec![a("foo"), a("bar")])),
            "** (exit) {:foo, :bar}"
        );
    }

    #[test]
    fn raise_builds_builtin_exceptions() {
        let e = make_exception(&a("Elixir.ArgumentError"), None)
            .ok()
            .unwrap_or(Term::Nil);
        assert_eq!(message(&e), "argument error");
        let opts = kw(vec![("message", s("bad"))]);
        let e = make_exception(&a("Elixir.ArgumentError"), Some(&opts))
            .ok()
            .unwrap_or(Term::Nil);
        assert_eq!(message(&e), "bad");
        assert!(make_exception(&i(5), None).is_err());
        // raise RuntimeError, "boom" => %RuntimeError{message: "boom"}
        let e = make_exception(&a("Elixir.RuntimeError"), Some(&s("boom")))
            .ok()
            .unwrap_or(Term::Nil);
        assert_eq!(banner(Class::Error, &e), "** (RuntimeError) boom");
        assert!(is_builtin(crate::term::Atom::new("Elixir.KeyError")));
        assert!(!is_builtin(crate::term::Atom::new("Elixir.MyError")));
    }
}
