//! Natives of `:global`, the global name registry, on this single node: any term
//! names a process, a process may hold several names, and a name goes away with
//! its process. `{:global, name}` in GenServer and friends goes through these.

use crate::term::{ATOMS, Term};
use crate::vm::{NativeCtx, NativeRegistry, NativeResult, Raise};

/// Registers the `:global` natives.
pub fn register(reg: &mut NativeRegistry) {
    let m = "global";
    reg.add(m, "register_name", 2, register_name);
    reg.add(m, "register_name", 3, register_name);
    reg.add(m, "re_register_name", 2, re_register_name);
    reg.add(m, "re_register_name", 3, re_register_name);
    reg.add(m, "unregister_name", 1, unregister_name);
    reg.add(m, "whereis_name", 1, whereis_name);
    reg.add(m, "send", 2, send);
    reg.add(m, "registered_names", 0, registered_names);
    reg.add(m, "sync", 0, sync);
}

fn yes_no(ok: bool) -> Term {
    Term::atom(if ok { "yes" } else { "no" })
}

/// `register_name(name, pid[, resolve])`: `:yes`, or `:no` when the name is taken.
/// (The resolve function only matters when two nodes' tables merge.)
fn register_name(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let Term::Pid(pid) = args[1] else {
        return Err(Raise::error(Term::atom("badarg")).into());
    };
    Ok(yes_no(cx.process.runtime().register_global(args[0].clone(), pid)))
}

/// `re_register_name(name, pid[, resolve])`: moves `name` to `pid`; `:yes`.
fn re_register_name(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let Term::Pid(pid) = args[1] else {
        return Err(Raise::error(Term::atom("badarg")).into());
    };
    let rt = cx.process.runtime();
    rt.unregister_global(&args[0]);
    Ok(yes_no(rt.register_global(args[0].clone(), pid)))
}

fn unregister_name(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    cx.process.runtime().unregister_global(&args[0]);
    Ok(Term::Atom(ATOMS.ok))
}

fn whereis_name(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    Ok(cx.process.runtime().whereis_global(&args[0]).map_or(Term::Atom(ATOMS.undefined), Term::Pid))
}

/// `send(name, msg)`: the pid it went to; exits `{:badarg, {name, msg}}` for an
/// unknown name, as `:global` does.
fn send(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let rt = cx.process.runtime();
    match rt.whereis_global(&args[0]) {
        Some(pid) => {
            rt.send(pid, args[1].clone());
            Ok(Term::Pid(pid))
        }
        None => Err(Raise::exit(Term::pair(
            Term::atom("badarg"),
            Term::pair(args[0].clone(), args[1].clone()),
        ))
        .into()),
    }
}

fn registered_names(cx: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    Ok(Term::list(cx.process.runtime().global_names()))
}

/// One node has nothing to synchronise with.
fn sync(_: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    Ok(Term::Atom(ATOMS.ok))
}
