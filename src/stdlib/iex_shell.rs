//! The shell's memory of results: `v/0` and `v/1` of `IEx.Helpers`, reading what
//! the session recorded for each REPL entry (see `Runtime::record_shell_result`).

use crate::term::Term;
use crate::vm::{NativeCtx, NativeRegistry, NativeResult, Raise};

/// `v()`: the value of the latest entry; `v(n)`: of entry `n` (counting back from
/// the latest when `n` is negative: `v(-1)` is `v()`), as IEx numbers its prompts.
fn v(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let n = match a.first() {
        None => -1,
        Some(Term::Int(n)) => *n,
        Some(_) => return Err(super::argument::function_clause("IEx.Helpers", "v", 1)),
    };
    match cx.process.runtime().shell_result(n) {
        Some(value) => Ok(value),
        None => Err(Raise::exception("RuntimeError", format!("v({n}) is out of bounds")).into()),
    }
}

/// `pid(0, n, 0)`: the pid `#PID<0.n.0>`. otplab has one node and numbers its
/// processes with the middle part only, so other first and last parts name no
/// process otplab can have: ArgumentError.
fn pid(_cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    match (&a[0], &a[1], &a[2]) {
        (Term::Int(0), Term::Int(n), Term::Int(0)) if *n >= 0 => Ok(Term::Pid(crate::term::Pid(*n as u64))),
        (Term::Int(x), Term::Int(y), Term::Int(z)) => Err(Raise::exception(
            "ArgumentError",
            format!("otplab has one node and pids of the form #PID<0.N.0>, not #PID<{x}.{y}.{z}>"),
        )
        .into()),
        _ => Err(super::argument::function_clause("IEx.Helpers", "pid", 3)),
    }
}

/// Registers `IEx.Helpers.v/0,1` and `pid/3`.
pub fn register(reg: &mut NativeRegistry) {
    reg.add("Elixir.IEx.Helpers", "pid", 3, pid);
    reg.add("Elixir.IEx.Helpers", "v", 0, v);
    reg.add("Elixir.IEx.Helpers", "v", 1, v);
}
