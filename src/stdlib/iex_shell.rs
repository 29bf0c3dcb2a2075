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

/// Registers `IEx.Helpers.v/0,1`.
pub fn register(reg: &mut NativeRegistry) {
    reg.add("Elixir.IEx.Helpers", "v", 0, v);
    reg.add("Elixir.IEx.Helpers", "v", 1, v);
}
