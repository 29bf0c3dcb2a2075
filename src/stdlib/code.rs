//! What `Code` (in `prelude/code.ex`) needs from Rust: compiling source text inside
//! a running process. A native may not run learner code itself (see `vm::native`),
//! so `:otplab_code.compile/3` compiles the text into a closure over the caller's
//! binding names and returns it; the prelude applies it on the VM's own frame stack,
//! where it can suspend, define modules and raise like any other code.

use std::collections::HashSet;
use std::sync::{Arc, Weak};

use parking_lot::Mutex;

use crate::term::{Atom, Fun, FunKind, Term, ATOMS};
use crate::vm::modules::Modules;
use crate::vm::{NativeCtx, NativeRegistry, NativeResult, Raise};

const MODULE: &str = "otplab_code";

fn bad(name: &str, arity: u32) -> crate::vm::Control {
    super::argument::function_clause(MODULE, name, arity)
}

/// `compile(source, names, file)`: `{fun, names_out}` where `fun` takes the values
/// of `names` (binding names, as binaries) and returns `{value, values_out}`, the
/// values of `names_out` after the code ran. Syntax and compile errors raise
/// Elixir's `SyntaxError`/`TokenMissingError`/`CompileError` with `file`'s position.
fn compile(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (Some(source), Some(names), Some(file)) =
        (super::argument::text(&a[0]), a[1].list_to_vec(), super::argument::text(&a[2]))
    else {
        return Err(bad("compile", 3));
    };
    let names: Vec<String> = names.iter().filter_map(|n| super::argument::text(n).map(str::to_string)).collect();
    let nodes = crate::syntax::parse(source).map_err(|e| {
        let banner = e.banner(file);
        let message = banner.split_once(") ").map_or(banner.as_str(), |(_, m)| m).to_string();
        Raise::exception(e.exception_name(), message)
    })?;
    let program = crate::compile::compile_program(&nodes, cx.modules, &names, true).map_err(|e| {
        Raise::exception("CompileError", format!("{}:{}: {}", file, e.span.line, e.message))
    })?;
    let arity = names.len() as u32;
    let fun = Term::Fun(Arc::new(Fun {
        arity,
        kind: FunKind::Closure {
            module: ATOMS.nil,
            context: String::new(),
            index: 0,
            code: program.code,
            env: Vec::new(),
        },
    }));
    let out = program.bindings_out.into_iter().map(Term::string).collect();
    Ok(Term::pair(fun, Term::list(out)))
}

/// `set_file(path)`: names the file whose code runs from now on (stacktraces and
/// `c/1`'s module list read it) and returns the previous name.
fn set_file(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let Some(file) = super::argument::text(&a[0]) else { return Err(bad("set_file", 1)) };
    let previous = cx.modules.source_file(ATOMS.nil);
    cx.modules.set_source_file(file);
    Ok(Term::string(previous.to_string()))
}

/// `modules_of(path)`: the modules whose latest definition came from `path`, sorted.
fn modules_of(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let Some(file) = super::argument::text(&a[0]) else { return Err(bad("modules_of", 1)) };
    let mut names: Vec<Atom> =
        cx.modules.module_names().into_iter().filter(|m| &*cx.modules.source_file(*m) == file).collect();
    names.sort_by(|x, y| x.as_str().cmp(y.as_str()));
    Ok(Term::list(names.into_iter().map(Term::Atom).collect()))
}

/// The files `Code.require_file` has loaded, per module table (one per session). A
/// weak reference, so a dropped session's entry is never taken for a new one.
static REQUIRED: Mutex<Vec<(Weak<Modules>, HashSet<String>)>> = Mutex::new(Vec::new());

/// `require(path)`: true the first time `path` is required in this session (and
/// records it), false afterwards.
fn require(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let Some(file) = super::argument::text(&a[0]) else { return Err(bad("require", 1)) };
    let mut required = REQUIRED.lock();
    required.retain(|(w, _)| w.strong_count() > 0);
    let me = Arc::downgrade(cx.modules);
    let set = match required.iter().position(|(w, _)| w.ptr_eq(&me)) {
        Some(i) => &mut required[i].1,
        None => {
            required.push((me, HashSet::new()));
            &mut required.last_mut().expect("just pushed").1
        }
    };
    Ok(Term::bool(set.insert(file.to_string())))
}

/// `unrequire(path)`: forgets that `path` was required (a load that raised).
fn unrequire(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let Some(file) = super::argument::text(&a[0]) else { return Err(bad("unrequire", 1)) };
    let me = Arc::downgrade(cx.modules);
    for (w, set) in REQUIRED.lock().iter_mut() {
        if w.ptr_eq(&me) {
            set.remove(file);
        }
    }
    Ok(Term::ok())
}

/// The files `c/1` compiled, per module table, in the order first compiled.
static COMPILED: Mutex<Vec<(Weak<Modules>, Vec<String>)>> = Mutex::new(Vec::new());

/// `compiled(path)`: records that `c/1` compiled `path` (for `recompile/0`).
fn compiled(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let Some(file) = super::argument::text(&a[0]) else { return Err(bad("compiled", 1)) };
    let mut all = COMPILED.lock();
    all.retain(|(w, _)| w.strong_count() > 0);
    let me = Arc::downgrade(cx.modules);
    match all.iter_mut().find(|(w, _)| w.ptr_eq(&me)) {
        Some((_, files)) if files.iter().any(|f| f == file) => {}
        Some((_, files)) => files.push(file.to_string()),
        None => all.push((me, vec![file.to_string()])),
    }
    Ok(Term::ok())
}

/// `compiled_files()`: the files `c/1` compiled in this session, in order.
fn compiled_files(cx: &mut NativeCtx<'_>, _a: &[Term]) -> NativeResult {
    let me = Arc::downgrade(cx.modules);
    let all = COMPILED.lock();
    let files = all.iter().find(|(w, _)| w.ptr_eq(&me)).map(|(_, f)| f.clone()).unwrap_or_default();
    Ok(Term::list(files.into_iter().map(Term::string).collect()))
}

/// Registers `:otplab_code`, the natives behind `Code.eval_string/eval_file/require_file`.
pub fn register(reg: &mut NativeRegistry) {
    reg.add(MODULE, "compile", 3, compile);
    reg.add(MODULE, "set_file", 1, set_file);
    reg.add(MODULE, "modules_of", 1, modules_of);
    reg.add(MODULE, "require", 1, require);
    reg.add(MODULE, "unrequire", 1, unrequire);
    reg.add(MODULE, "compiled", 1, compiled);
    reg.add(MODULE, "compiled_files", 0, compiled_files);
}
