//! The spawn family: a new process running a function value or `module.fun(args)`.

use super::machine::Machine;
use super::native::{NativeCtx, NativeRegistry, NativeResult};
use super::process::VmProcess;
use super::raise::Raise;
use crate::runtime::SpawnOpts;
use crate::term::Term;

/// Registers spawn, spawn_link and spawn_monitor (arity 1 and 3, Kernel and :erlang),
/// and `Process.group_leader/0,2`.
pub fn register(reg: &mut NativeRegistry) {
    reg.add("Elixir.Process", "group_leader", 0, group_leader0);
    reg.add("Elixir.Process", "group_leader", 2, group_leader2);
    reg.add("erlang", "group_leader", 0, group_leader0);
    for m in ["Elixir.Kernel", "erlang", "Elixir.Process"] {
        reg.add(m, "spawn", 1, spawn1);
        reg.add(m, "spawn", 3, spawn3);
        reg.add(m, "spawn_link", 1, spawn_link1);
        reg.add(m, "spawn_link", 3, spawn_link3);
        reg.add(m, "spawn_monitor", 1, spawn_monitor1);
        reg.add(m, "spawn_monitor", 3, spawn_monitor3);
    }
}

#[derive(Clone, Copy)]
enum Mode {
    Plain,
    Link,
    Monitor,
}

fn machine_for(cx: &NativeCtx<'_>, args: &[Term]) -> Result<Machine, Raise> {
    match args {
        [fun] => {
            if !matches!(fun, Term::Fun(f) if f.arity == 0) {
                return Err(Raise::badarg());
            }
            Machine::for_fun(cx.modules.clone(), fun, vec![])
        }
        [m, f, a] => {
            let (Some(m), Some(f), Some(a)) = (m.as_atom(), f.as_atom(), a.list_to_vec()) else {
                return Err(Raise::badarg());
            };
            // An undefined target fails inside the new process, as on BEAM.
            Machine::for_mfa(cx.modules.clone(), m, f, a)
        }
        _ => Err(Raise::badarg()),
    }
}

fn spawn_with(cx: &mut NativeCtx<'_>, args: &[Term], mode: Mode) -> NativeResult {
    let mut machine = machine_for(cx, args)?;
    // A new process inherits its parent's group leader, as on BEAM.
    machine.set_group_leader(*cx.group_leader);
    let me = cx.process.pid();
    let opts = match mode {
        Mode::Plain => SpawnOpts::default(),
        Mode::Link => SpawnOpts { link_to: Some(me), ..Default::default() },
        Mode::Monitor => SpawnOpts { monitor_by: Some(me), ..Default::default() },
    };
    let (pid, monitor) = cx.process.runtime().spawn(Box::new(VmProcess::new(machine)), opts);
    Ok(match (mode, monitor) {
        (Mode::Monitor, Some(r)) => Term::pair(Term::Pid(pid), Term::Ref(r)),
        _ => Term::Pid(pid),
    })
}

fn spawn1(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    spawn_with(cx, a, Mode::Plain)
}
fn spawn3(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    spawn_with(cx, a, Mode::Plain)
}
fn spawn_link1(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    spawn_with(cx, a, Mode::Link)
}
fn spawn_link3(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    spawn_with(cx, a, Mode::Link)
}
fn spawn_monitor1(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    spawn_with(cx, a, Mode::Monitor)
}
fn spawn_monitor3(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    spawn_with(cx, a, Mode::Monitor)
}


/// `Process.group_leader/0`: the device process, or this process itself standing
/// for standard output (otplab's standard output is not a process).
fn group_leader0(cx: &mut NativeCtx<'_>, _args: &[Term]) -> NativeResult {
    Ok(Term::Pid(cx.group_leader.unwrap_or_else(|| cx.process.pid())))
}

/// `Process.group_leader(self(), device)`: send this process's output to `device`.
fn group_leader2(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    match (&args[0], &args[1]) {
        (Term::Pid(p), Term::Pid(device)) if *p == cx.process.pid() => {
            *cx.group_leader = if *device == cx.process.pid() { None } else { Some(*device) };
            Ok(Term::bool(true))
        }
        (Term::Pid(_), Term::Pid(_)) => Err(Raise::exception(
            "ArgumentError",
            "Process.group_leader/2 on another process is not supported by otplab (set it from the process itself)",
        )
        .into()),
        _ => Err(Raise::badarg().into()),
    }
}
