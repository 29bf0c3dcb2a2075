//! Raising and catching: `MatchFail`, `FunctionClause`, `RaiseReg`, `TryBegin` and
//! `TryEnd`, and the errors and stacktraces of a failure (the unwinding itself is
//! `Machine::unwind`, which owns the frames).

use crate::term::{ATOMS, Atom, Term};
use crate::vm::code::{FunCode, Label, MatchFailure, Reg};
use crate::vm::machine::{Handler, MAX_FRAMES};
use crate::vm::modules::Modules;
use crate::vm::raise::{Class, Raise, exception_struct};

/// Stack entries kept in an exit reason (BEAM's default `backtrace_depth`).
pub(in crate::vm) const TRACE_DEPTH: usize = 8;

/// `TryBegin`: opens a handler in the running function (`depth` frames below it).
#[inline]
#[allow(clippy::too_many_arguments)]
pub(in crate::vm) fn op_try_begin(handlers: &mut Vec<Handler>, depth: usize, label: Label, class: Reg, reason: Reg, stack: Option<Reg>, frames: bool, next: usize) -> usize {
    handlers.push(Handler { depth, label, class, reason, stack, frames });
    next
}

/// `TryEnd`: the protected region ended normally.
#[inline]
pub(in crate::vm) fn op_try_end(handlers: &mut Vec<Handler>, next: usize) -> usize {
    handlers.pop();
    next
}

/// `MatchFail`: the error of a failed `=`, `case`, `with`, `try ... else` or `cond`.
#[cold]
pub(in crate::vm) fn op_match_fail(w: &[Term], kind: MatchFailure, value: Reg) -> Raise {
    kind.error(w[value as usize].clone())
}

/// `FunctionClause`: no clause of the running function took its arguments.
#[cold]
pub(in crate::vm) fn op_function_clause(code: &FunCode) -> Raise {
    function_clause(code)
}

/// `RaiseReg`: raises `reason` in the class named by the atom in `class`.
#[cold]
pub(in crate::vm) fn op_raise(w: &[Term], class: Reg, reason: Reg) -> Raise {
    let class = match w[class as usize].as_atom().map(|a| a.as_str()) {
        Some("throw") => Class::Throw,
        Some("exit") => Class::Exit,
        _ => Class::Error,
    };
    Raise::new(class, w[reason as usize].clone())
}

/// The stacktrace a handler sees for `raise`: the failed built-in call, if one is
/// blamed, as Elixir's top entry `{module, function, args, []}`, then `frames`
/// (see `Machine::trace`).
pub(in crate::vm) fn stacktrace(raise: &Raise, frames: Term) -> Term {
    match &raise.blame {
        // BEAM compiles arithmetic operators inline: among real frames they leave no
        // entry of their own (the blame-only list `rescue` reads keeps it).
        Some(b) if matches!(frames, Term::Cons(_)) && b.module.as_str() == "erlang" && is_inline_operator(b.function) => frames,
        Some(b) => Term::cons(
            Term::tuple(vec![Term::Atom(b.module), Term::Atom(b.function), Term::list(b.args.clone()), Term::Nil]),
            frames,
        ),
        None => frames,
    }
}

/// The SystemLimitError of a call stack past [`MAX_FRAMES`].
#[cold]
pub(in crate::vm) fn stack_limit() -> Raise {
    Raise::exception(
        "SystemLimitError",
        format!("a system limit has been reached: more than {MAX_FRAMES} nested calls (non-tail recursion too deep)"),
    )
}

/// The UndefinedFunctionError for `module.name/arity`.
#[cold]
pub fn undefined(modules: &Modules, module: Atom, name: Atom, arity: u32) -> Raise {
    let mname = crate::term::inspect::inspect(&Term::Atom(module));
    let loaded = modules.is_loaded(module);
    let message = if !loaded {
        format!("function {mname}.{}/{arity} is undefined (module {mname} is not available)", name.as_str())
    } else {
        format!("function {mname}.{}/{arity} is undefined or private", name.as_str())
    };
    let mut raise = Raise::error(exception_struct(
        "UndefinedFunctionError",
        vec![
            ("module", Term::Atom(module)),
            ("function", Term::Atom(name)),
            ("arity", Term::Int(arity as i64)),
            ("reason", Term::nil()),
            ("message", Term::string(message)),
        ],
    ));
    if loaded {
        let hint = crate::vm::suggest::did_you_mean(name, &modules.exports_of(module));
        if !hint.is_empty() {
            raise.hint = Some(hint.into());
        }
    }
    raise
}

/// `%FunctionClauseError{}` with Elixir's fields only (its message is computed from
/// them), so it inspects as the struct. `args` is `nil`, as BEAM raises it: the
/// arguments are in the stacktrace's top entry, from which the top level's blame
/// lists them (`stdlib::exception::blame_function_clause`).
fn function_clause(code: &FunCode) -> Raise {
    let (module, function) = beam_name(code);
    Raise::error(exception_struct(
        "FunctionClauseError",
        vec![
            ("module", Term::Atom(module)),
            ("function", Term::Atom(function)),
            ("arity", Term::Int(code.arity as i64)),
            ("kind", Term::nil()),
            ("args", Term::nil()),
            ("clauses", Term::nil()),
        ],
    ))
}

/// The exit reason of a process that died from `raise`: errors and throws carry
/// `trace` (see `Machine::trace`), exits are their reason alone.
pub fn exit_reason(raise: &Raise, trace: Term) -> Term {
    match raise.class {
        Class::Exit => raise.reason.clone(),
        Class::Error => Term::pair(raise.reason.clone(), trace),
        Class::Throw => Term::pair(Term::pair(Term::atom("nocatch"), raise.reason.clone()), trace),
    }
}

/// True for `:erlang` functions BEAM runs as inline instructions (arithmetic and
/// bitwise operators), which never appear in a stacktrace.
fn is_inline_operator(function: Atom) -> bool {
    matches!(function.as_str(), "+" | "-" | "*" | "/" | "div" | "rem" | "band" | "bor" | "bxor" | "bsl" | "bsr" | "bnot")
}

/// The module and function BEAM would name `code` by: top-level code is
/// `:elixir_compiler_0.__FILE__/1`, its anonymous functions `-__FILE__/1-fun-N-`.
fn beam_name(code: &FunCode) -> (Atom, Atom) {
    if code.module != ATOMS.nil {
        return (code.module, code.name);
    }
    let name = match code.name.as_str().strip_prefix("--fun-") {
        Some(rest) => Atom::new(&format!("-__FILE__/1-fun-{rest}")),
        None => Atom::new("__FILE__"),
    };
    (Atom::new("elixir_compiler_0"), name)
}

/// Whether `reason` is the FunctionClauseError that `code`'s own clauses raise
/// (not one a native raised, nor another function's).
pub(in crate::vm) fn is_function_clause_of(reason: &Term, code: &FunCode) -> bool {
    let (module, function) = beam_name(code);
    reason.struct_name().is_some_and(|s| s.as_str() == "Elixir.FunctionClauseError")
        && reason.map_get_atom("module").is_some_and(|m| m.is_atom_named(module.as_str()))
        && reason.map_get_atom("function").is_some_and(|f| f.is_atom_named(function.as_str()))
}

/// One stacktrace entry for `code` stopped before instruction `pc`, as Elixir's
/// `{module, function, arity, [file: f, line: l]}`. Top-level code is named as
/// Elixir names a script's: `:elixir_compiler_0.__FILE__/1`, and its anonymous
/// functions `-__FILE__/1-fun-N-`.
pub(in crate::vm) fn trace_entry(modules: &Modules, code: &FunCode, pc: usize) -> Term {
    let line = code.lines.get(pc.saturating_sub(1)).copied().unwrap_or(0);
    let file = modules.source_file(code.module);
    let (module, name) = beam_name(code);
    // A closure's BEAM function takes its captured values before its parameters.
    let arity = match name.as_str() {
        "__FILE__" => 1,
        n if n.starts_with('-') => code.arity + code.ncaptured,
        _ => code.arity,
    };
    let mut location = vec![Term::pair(Term::atom("file"), Term::list(file.chars().map(|c| Term::Int(c as i64)).collect()))];
    if line > 0 {
        location.push(Term::pair(Term::atom("line"), Term::Int(i64::from(line))));
    }
    Term::tuple(vec![Term::Atom(module), Term::Atom(name), Term::Int(i64::from(arity)), Term::list(location)])
}
