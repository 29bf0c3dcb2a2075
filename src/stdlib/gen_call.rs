//! `:otplab_gen.send_request/3`: the client's half of OTP's call protocol up to the
//! wait, in one native step, for the prelude's `GenServer.request/4`.
//!
//! A call monitors the server with an alias (`:erlang.monitor(:process, pid, alias:
//! :demonitor)`) and sends `{label, {self(), [:alias | tag]}, request}`; the prelude
//! then waits for `{[:alias | tag], reply}` or the `:DOWN`. Written in Elixir those
//! steps were a third of a round trip's interpreted instructions (two `self/0`
//! calls, the `pid == self()` test, the option list of the monitor, three terms
//! built one instruction at a time, four native calls); here they are one.
//!
//! The messages, the monitor and the alias are exactly what the Elixir steps
//! made, so a server, `:sys`, a crash report and a late reply see no difference.

use crate::runtime::aliases::AliasMode;
use crate::term::{ATOMS, Atom, Term};
use crate::vm::{NativeCtx, NativeRegistry, NativeResult};

/// Registers `:otplab_gen.send_request/3`.
pub fn register(reg: &mut NativeRegistry) {
    reg.add("otplab_gen", "send_request", 3, send_request);
}

/// `send_request(server, label, request)`: for a pid, or an atom registered to
/// one, monitors it with an alias and sends the request; returns the monitor's
/// reference (the reply's tag). Returns `:noproc` for an unregistered atom,
/// `:calling_self` when the server is the caller, and `:unresolved` for any other
/// server reference (`{:global, _}`, `{:via, _, _}`, `{name, node}`), which the
/// prelude resolves with `GenServer.whereis/1` and passes back as a pid.
fn send_request(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let server = match &args[0] {
        Term::Pid(p) => *p,
        Term::Atom(name) => match cx.process.runtime().whereis(*name) {
            Some(p) => p,
            None => return Ok(Term::Atom(ATOMS.noproc)),
        },
        _ => return Ok(Term::Atom(Atom::new("unresolved"))),
    };
    let me = cx.process.pid();
    if server == me {
        return Ok(Term::Atom(Atom::new("calling_self")));
    }
    let tag = cx.process.monitor_with_alias(server, AliasMode::Demonitor);
    let reply_to = Term::cons(Term::Atom(ATOMS.alias), Term::Ref(tag));
    let from = Term::pair(Term::Pid(me), reply_to);
    cx.process.send(server, Term::triple(args[1].clone(), from, args[2].clone()));
    Ok(Term::Ref(tag))
}
