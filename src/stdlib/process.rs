//! Natives of `Process`, `Kernel`'s process functions (`send/2`, `self/0`,
//! `make_ref/0`, `node/0`, `exit/1`) and their `:erlang` counterparts.

use crate::runtime::logger::pid_text;
use crate::runtime::{AliasMode, Clock, NameError, ProcessInfo};
use crate::term::{ATOMS, Atom, ListIter, Pid, Ref, Term};
use crate::vm::raise::exception_struct;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult, Raise};

/// Registers the process natives.
pub fn register(reg: &mut NativeRegistry) {
    for m in ["erlang", "Elixir.Kernel"] {
        reg.add(m, "send", 2, send);
        reg.add(m, "self", 0, self_pid);
        reg.add(m, "make_ref", 0, make_ref);
        reg.add(m, "node", 0, node);
        reg.add(m, "node", 1, node_of);
        reg.add(m, "exit", 1, exit_self);
    }
    let p = "Elixir.Process";
    reg.add(p, "send", 3, send_with_options);
    reg.add("erlang", "send", 3, send_with_options);
    reg.add(p, "alive?", 1, alive);
    reg.add("erlang", "is_process_alive", 1, alive);
    reg.add(p, "register", 2, register_name);
    reg.add("erlang", "register", 2, erlang_register);
    reg.add(p, "unregister", 1, unregister);
    reg.add("erlang", "unregister", 1, unregister);
    reg.add(p, "whereis", 1, whereis);
    reg.add("erlang", "whereis", 1, erlang_whereis);
    reg.add(p, "registered", 0, registered);
    reg.add("erlang", "registered", 0, registered);
    reg.add(p, "list", 0, list);
    reg.add("erlang", "processes", 0, list);
    reg.add(p, "link", 1, link);
    reg.add("erlang", "link", 1, link);
    reg.add(p, "unlink", 1, unlink);
    reg.add("erlang", "unlink", 1, unlink);
    reg.add(p, "monitor", 1, monitor);
    reg.add("erlang", "monitor", 2, erlang_monitor);
    reg.add("erlang", "monitor", 3, erlang_monitor);
    reg.add("erlang", "alias", 0, alias);
    reg.add("erlang", "alias", 1, alias);
    reg.add("erlang", "unalias", 1, unalias);
    reg.add(p, "demonitor", 1, demonitor);
    reg.add(p, "demonitor", 2, demonitor);
    reg.add("erlang", "demonitor", 1, demonitor);
    reg.add("erlang", "demonitor", 2, demonitor);
    reg.add(p, "flag", 2, flag);
    reg.add("erlang", "process_flag", 2, flag);
    reg.add(p, "exit", 2, exit_other);
    reg.add("erlang", "exit", 2, exit_other);
    reg.add(p, "info", 1, info);
    reg.add("erlang", "process_info", 1, info);
    reg.add(p, "info", 2, info_item);
    reg.add("erlang", "process_info", 2, info_item);
    reg.add(p, "get", 0, dict_all);
    reg.add("erlang", "get", 0, dict_all);
    reg.add(p, "get", 1, dict_get);
    reg.add("erlang", "get", 1, erlang_get);
    reg.add(p, "get", 2, dict_get);
    reg.add(p, "get_keys", 0, dict_keys);
    reg.add("erlang", "get_keys", 0, dict_keys);
    reg.add(p, "put", 2, dict_put);
    reg.add("erlang", "put", 2, erlang_put);
    reg.add(p, "delete", 1, dict_delete);
    reg.add("erlang", "erase", 1, erlang_erase);
    reg.add("erlang", "system_info", 1, system_info);
    reg.add("erlang", "memory", 0, memory);
    reg.add("erlang", "memory", 1, memory);
    reg.add("erlang", "garbage_collect", 0, garbage_collect);
    reg.add("erlang", "garbage_collect", 1, garbage_collect);
    reg.add("Elixir.System", "schedulers_online", 0, schedulers_online);
    reg.add("Elixir.System", "schedulers", 0, schedulers_online);
}

/// `ArgumentError` as Elixir words a BIF's `badarg` (1-based argument `position`).
pub(crate) fn bad_argument(position: usize, what: &str) -> Raise {
    Raise::argument_error(super::argument::arg_error_message(position, what))
}

/// The pid in `args[i]`, or the `not a pid` error.
pub(crate) fn pid_arg(args: &[Term], i: usize) -> Result<Pid, Raise> {
    match args.get(i) {
        Some(Term::Pid(p)) => Ok(*p),
        _ => Err(bad_argument(i + 1, "not a pid")),
    }
}

fn atom_arg(args: &[Term], i: usize) -> Result<Atom, Raise> {
    args.get(i).and_then(Term::as_atom).ok_or_else(|| bad_argument(i + 1, "not an atom"))
}

fn ref_arg(args: &[Term], i: usize) -> Result<Ref, Raise> {
    match args.get(i) {
        Some(Term::Ref(r)) => Ok(*r),
        _ => Err(bad_argument(i + 1, "not a reference")),
    }
}

/// `FunctionClauseError` for `module.function/arity` (no clause matched its guards).
pub(crate) fn function_clause(module: &str, function: &str, arity: i64) -> Raise {
    Raise::error(exception_struct(
        "FunctionClauseError",
        vec![
            ("module", Term::atom(&format!("Elixir.{module}"))),
            ("function", Term::atom(function)),
            ("arity", Term::Int(arity)),
            ("kind", Term::nil()),
            ("args", Term::nil()),
            ("clauses", Term::nil()),
        ],
    ))
}

/// The node every otplab process lives on.
fn this_node() -> Term {
    Term::atom("nonode@nohost")
}

/// Resolves a send destination: a pid, a registered name, or `{name, node}` on
/// this node. `None` for a name nobody holds.
fn destination(cx: &NativeCtx<'_>, dest: &Term) -> Result<Option<Pid>, Raise> {
    match dest {
        Term::Pid(p) => Ok(Some(*p)),
        Term::Atom(name) => Ok(cx.process.runtime().whereis(*name)),
        Term::Tuple(items) if items.len() == 2 && items[1].is_atom_named("nonode@nohost") => {
            match items[0].as_atom() {
                Some(name) => Ok(cx.process.runtime().whereis(name)),
                None => Err(bad_argument(1, "invalid destination")),
            }
        }
        Term::Tuple(items) if items.len() == 2 && items[1].as_atom().is_some() => {
            Err(Raise::argument_error("sending to another node is not supported by otplab"))
        }
        _ => Err(bad_argument(1, "invalid destination")),
    }
}

fn send(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let msg = args[1].clone();
    if let Term::Ref(r) = &args[0] {
        // An alias: delivered while active, silently dropped after.
        cx.process.send_to_alias(*r, msg.clone());
        return Ok(msg);
    }
    match destination(cx, &args[0])? {
        Some(pid) => {
            cx.process.send(pid, msg.clone());
            Ok(msg)
        }
        // A dead pid swallows the message; an unknown name is an error.
        None => Err(bad_argument(1, "invalid destination").into()),
    }
}

/// `Process.send/3` (`:erlang.send/3`): `send/2` with options; `:ok`, or
/// `:noconnect` for another node's process with `[:noconnect]` (this node has no
/// connections to make). `:nosuspend` never applies: no send blocks here.
fn send_with_options(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let mut noconnect = false;
    let mut opts = args[2].list_iter();
    for opt in opts.by_ref() {
        match opt.as_atom().map(|a| a.as_str()) {
            Some("noconnect") => noconnect = true,
            Some("nosuspend") => {}
            _ => return Err(bad_argument(3, "invalid option in list").into()),
        }
    }
    if !matches!(opts.rest(), Term::Nil) {
        return Err(bad_argument(3, "not a list").into());
    }
    if let Term::Tuple(items) = &args[0]
        && items.len() == 2
        && items[0].as_atom().is_some()
        && items[1].as_atom().is_some_and(|n| n.as_str() != "nonode@nohost")
    {
        // Another node: unreachable from this one, the message is dropped.
        return Ok(Term::atom(if noconnect { "noconnect" } else { "ok" }));
    }
    send(cx, &args[..2])?;
    Ok(Term::ok())
}

fn self_pid(cx: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    Ok(Term::Pid(cx.process.pid()))
}

fn make_ref(cx: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    let r = cx.process.runtime().make_ref();
    cx.process.recv_mark(r);
    Ok(Term::Ref(r))
}

fn node(_: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    Ok(this_node())
}

fn node_of(_: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    match &args[0] {
        Term::Pid(_) | Term::Ref(_) => Ok(this_node()),
        _ => Err(bad_argument(1, "not a pid, port or reference").into()),
    }
}

fn exit_self(_: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    Err(Raise::exit(args[0].clone()).into())
}

fn alive(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let pid = pid_arg(args, 0)?;
    Ok(Term::bool(cx.process.runtime().is_alive(pid)))
}

/// Elixir's `Process.register/2` message for every refusal.
fn register_error(err: NameError) -> Raise {
    match err {
        NameError::CannotRegister { pid, name } => Raise::argument_error(format!(
            "could not register {} with name :{} because it is not alive, the name is already taken, or it has already been given another name",
            pid_text(pid),
            name.as_str()
        )),
        NameError::NotRegistered(_) => bad_argument(1, "not a pid"),
    }
}

fn register_name(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let name = match args[1].as_atom() {
        Some(a) if !matches!(a.as_str(), "nil" | "false" | "true" | "undefined") => a,
        _ => return Err(function_clause("Process", "register", 2).into()),
    };
    let pid = match args[0] {
        Term::Pid(p) => p,
        _ => return Err(function_clause("Process", "register", 2).into()),
    };
    cx.process.runtime().register(pid, name).map_err(register_error)?;
    Ok(Term::bool(true))
}

fn erlang_register(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let name = atom_arg(args, 0)?;
    let pid = pid_arg(args, 1)?;
    match cx.process.runtime().register(pid, name) {
        Ok(()) => Ok(Term::bool(true)),
        Err(_) => Err(bad_argument(1, "name is in use or the process is not alive").into()),
    }
}

fn unregister(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let name = atom_arg(args, 0)?;
    cx.process.runtime().unregister(name).map_err(register_error)?;
    Ok(Term::bool(true))
}

fn whereis(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let name = atom_arg(args, 0)?;
    Ok(cx.process.runtime().whereis(name).map_or_else(Term::nil, Term::Pid))
}

fn erlang_whereis(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let name = atom_arg(args, 0)?;
    Ok(cx.process.runtime().whereis(name).map_or(Term::Atom(ATOMS.undefined), Term::Pid))
}

fn registered(cx: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    Ok(Term::list(cx.process.runtime().registered().into_iter().map(Term::Atom).collect()))
}

fn list(cx: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    Ok(Term::list(cx.process.runtime().processes().into_iter().map(Term::Pid).collect()))
}

fn link(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let pid = pid_arg(args, 0)?;
    match cx.process.link(pid) {
        Ok(()) => Ok(Term::bool(true)),
        Err(_) => Err(Raise::error(Term::Atom(ATOMS.noproc)).into()),
    }
}

fn unlink(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let pid = pid_arg(args, 0)?;
    cx.process.unlink(pid);
    Ok(Term::bool(true))
}

/// Monitors a pid or a registered name (an unknown name gives an immediate
/// `{:DOWN, ref, :process, {name, node}, :noproc}`, as BEAM does).
fn monitor_target(cx: &mut NativeCtx<'_>, target: &Term, position: usize) -> NativeResult {
    match target {
        Term::Pid(p) => Ok(Term::Ref(cx.process.monitor(*p))),
        Term::Atom(name) => match cx.process.runtime().whereis(*name) {
            Some(p) => Ok(Term::Ref(cx.process.monitor(p))),
            None => {
                let r = cx.process.runtime().make_ref();
                cx.process.recv_mark(r);
                let down = Term::tuple(vec![
                    Term::Atom(ATOMS.down),
                    Term::Ref(r),
                    Term::Atom(ATOMS.process),
                    Term::pair(Term::Atom(*name), this_node()),
                    Term::Atom(ATOMS.noproc),
                ]);
                cx.process.runtime().send(cx.process.pid(), down);
                Ok(Term::Ref(r))
            }
        },
        _ => Err(bad_argument(position, "invalid monitor target").into()),
    }
}

fn monitor(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    monitor_target(cx, &args[0], 1)
}

/// `:erlang.monitor/2,3`; of monitor/3's options only `alias: mode` is supported.
fn erlang_monitor(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    if !args[0].is_atom_named("process") {
        return Err(bad_argument(1, "invalid monitor type").into());
    }
    let mut alias = None;
    if let Some(opts) = args.get(2) {
        let items = option_list(opts, 3)?;
        for o in items {
            match o {
                Term::Tuple(kv) if kv.len() == 2 && kv[0].is_atom_named("alias") => {
                    alias = Some(alias_mode(&kv[1]).ok_or_else(|| bad_argument(3, "invalid option in list"))?);
                }
                Term::Tuple(kv) if kv.len() == 2 && kv[0].is_atom_named("tag") => {
                    return Err(Raise::argument_error("the :tag monitor option is not supported by otplab").into());
                }
                _ => return Err(bad_argument(3, "invalid option in list").into()),
            }
        }
    }
    match (alias, &args[1]) {
        (Some(mode), Term::Pid(p)) => Ok(Term::Ref(cx.process.monitor_with_alias(*p, mode))),
        (Some(_), _) => Err(Raise::argument_error("an aliased monitor of a registered name is not supported by otplab").into()),
        (None, target) => monitor_target(cx, target, 2),
    }
}

/// The options of a BIF's argument at `position`, borrowed; BEAM's two errors
/// for anything but a proper list.
fn option_list(opts: &Term, position: usize) -> Result<ListIter<'_>, Raise> {
    match opts.proper_list_iter() {
        Some(items) => Ok(items),
        None if opts.is_list() => Err(bad_argument(position, "not a proper list")),
        None => Err(bad_argument(position, "not a list")),
    }
}

fn alias_mode(t: &Term) -> Option<AliasMode> {
    match t.as_atom()?.as_str() {
        "explicit_unalias" => Some(AliasMode::ExplicitUnalias),
        "demonitor" => Some(AliasMode::Demonitor),
        "reply_demonitor" => Some(AliasMode::ReplyDemonitor),
        _ => None,
    }
}

/// `:erlang.alias/0,1`: `[:explicit_unalias]` (the default) or `[:reply]`.
fn alias(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let mut mode = AliasMode::ExplicitUnalias;
    if let Some(opts) = args.first() {
        let items = option_list(opts, 1)?;
        for o in items {
            match o.as_atom().map(|a| a.as_str()) {
                Some("explicit_unalias") => mode = AliasMode::ExplicitUnalias,
                Some("reply") => mode = AliasMode::ReplyDemonitor,
                _ => return Err(bad_argument(1, "invalid option in list").into()),
            }
        }
    }
    Ok(Term::Ref(cx.process.alias(mode)))
}

/// `:erlang.unalias/1`: true if the alias was active.
fn unalias(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let r = ref_arg(args, 0)?;
    Ok(Term::bool(cx.process.unalias(r)))
}

/// `demonitor(ref)` and `demonitor(ref, opts)` with `:flush` and `:info`.
fn demonitor(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let r = ref_arg(args, 0)?;
    let (mut flush, mut info) = (false, false);
    if let Some(opts) = args.get(1) {
        let items = option_list(opts, 2)?;
        for o in items {
            match o.as_atom().map(|a| a.as_str()) {
                Some("flush") => flush = true,
                Some("info") => info = true,
                _ => return Err(bad_argument(2, "invalid option in list").into()),
            }
        }
    }
    let was_active = cx.process.demonitor(r, flush);
    Ok(Term::bool(!info || was_active))
}

fn flag(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    match args[0].as_atom().map(|a| a.as_str()) {
        Some("trap_exit") => {
            if !args[1].is_boolean() {
                return Err(bad_argument(2, "invalid value for trap_exit").into());
            }
            Ok(Term::bool(cx.process.set_trap_exit(args[1].is_truthy())))
        }
        Some(other) => Err(Raise::argument_error(format!(
            "Process.flag(:{other}, _) is not supported by otplab (only :trap_exit)"
        ))
        .into()),
        None => Err(bad_argument(1, "invalid process flag").into()),
    }
}

fn exit_other(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let pid = pid_arg(args, 0)?;
    cx.process.exit(pid, args[1].clone());
    if pid == cx.process.pid() && cx.process.fatal_signal_pending() {
        // A fatal signal to oneself acts before the call returns: park the process
        // so the driver's signal check ends it (a `try` cannot catch it).
        return Err(Control::SleepUntil { deadline_ms: u64::MAX, value: Term::bool(true) });
    }
    Ok(Term::bool(true))
}

/// `{:process, pid}` entries for `:monitors`.
fn monitors_term(info: &ProcessInfo) -> Term {
    Term::list(info.monitors.iter().map(|(_, p)| Term::pair(Term::Atom(ATOMS.process), Term::Pid(*p))).collect())
}

fn pairs_term(pairs: &[(Term, Term)]) -> Term {
    Term::list(pairs.iter().map(|(k, v)| Term::pair(k.clone(), v.clone())).collect())
}

/// The value of one `Process.info/2` item.
fn info_value(info: &ProcessInfo, item: &str) -> Result<Term, Raise> {
    Ok(match item {
        "status" => info.status.atom(),
        "message_queue_len" => Term::Int(info.message_queue_len as i64),
        "messages" => Term::list(info.messages.clone()),
        "links" => Term::list(info.links.iter().copied().map(Term::Pid).collect()),
        "monitors" => monitors_term(info),
        "monitored_by" => Term::list(info.monitored_by.iter().copied().map(Term::Pid).collect()),
        "trap_exit" => Term::bool(info.trap_exit),
        "registered_name" => info.registered_name.map_or(Term::Nil, Term::Atom),
        "dictionary" => pairs_term(&info.dictionary),
        "memory" => Term::Int(info.memory as i64),
        other => {
            return Err(Raise::argument_error(format!(
                "Process.info item :{other} is not supported by otplab"
            )));
        }
    })
}

fn info(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let pid = pid_arg(args, 0)?;
    let Some(info) = cx.process.runtime().process_info(pid) else { return Ok(Term::nil()) };
    let mut items = Vec::new();
    if let Some(name) = info.registered_name {
        items.push(Term::pair(Term::atom("registered_name"), Term::Atom(name)));
    }
    for key in ["status", "message_queue_len", "links", "dictionary", "trap_exit"] {
        items.push(Term::pair(Term::atom(key), info_value(&info, key)?));
    }
    Ok(Term::list(items))
}

fn info_item(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let pid = pid_arg(args, 0)?;
    let Some(info) = cx.process.runtime().process_info(pid) else { return Ok(Term::nil()) };
    match &args[1] {
        Term::Atom(item) => Ok(Term::pair(Term::Atom(*item), info_value(&info, item.as_str())?)),
        list if list.is_list() => {
            let keys = list.list_to_vec().ok_or_else(|| bad_argument(2, "invalid item or item list"))?;
            let mut out = Vec::with_capacity(keys.len());
            for k in keys {
                let item = k.as_atom().ok_or_else(|| bad_argument(2, "invalid item or item list"))?;
                out.push(Term::pair(k.clone(), info_value(&info, item.as_str())?));
            }
            Ok(Term::list(out))
        }
        _ => Err(bad_argument(2, "invalid item or item list").into()),
    }
}

fn dict_all(cx: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    Ok(pairs_term(&cx.process.dict_entries()))
}

/// `Process.get(key, default \\ nil)`.
fn dict_get(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let default = args.get(1).cloned().unwrap_or_else(Term::nil);
    Ok(cx.process.dict_get(&args[0]).unwrap_or(default))
}

fn erlang_get(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    Ok(cx.process.dict_get(&args[0]).unwrap_or(Term::Atom(ATOMS.undefined)))
}

fn dict_keys(cx: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    Ok(Term::list(cx.process.dict_entries().into_iter().map(|(k, _)| k).collect()))
}

fn dict_put(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    Ok(cx.process.dict_put(args[0].clone(), args[1].clone()).unwrap_or_else(Term::nil))
}

fn erlang_put(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    Ok(cx.process.dict_put(args[0].clone(), args[1].clone()).unwrap_or(Term::Atom(ATOMS.undefined)))
}

fn dict_delete(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    Ok(cx.process.dict_delete(&args[0]).unwrap_or_else(Term::nil))
}

fn erlang_erase(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    Ok(cx.process.dict_delete(&args[0]).unwrap_or(Term::Atom(ATOMS.undefined)))
}

/// Scheduler threads running processes: two workers on the real clock, the one
/// thread of the virtual clock.
fn scheduler_count(cx: &NativeCtx<'_>) -> i64 {
    match cx.process.runtime().clock() {
        Clock::Real => 2,
        Clock::Virtual => 1,
    }
}

fn schedulers_online(cx: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    Ok(Term::Int(scheduler_count(cx)))
}

fn system_info(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let rt = cx.process.runtime();
    match args[0].as_atom().map(|a| a.as_str()) {
        Some("process_count") => Ok(Term::Int(rt.process_count() as i64)),
        Some("schedulers" | "schedulers_online" | "logical_processors" | "logical_processors_online") => {
            Ok(Term::Int(scheduler_count(cx)))
        }
        Some("otp_release") => Ok(Term::string("25")),
        Some(other) => Err(Raise::argument_error(format!(
            ":erlang.system_info(:{other}) is not supported by otplab"
        ))
        .into()),
        None => Err(bad_argument(1, "invalid system info item").into()),
    }
}

/// `:erlang.garbage_collect/0,1`: `true` (for a pid: `true` while it lives,
/// `false` after). Terms here are reference-counted and freed as the last
/// reference goes, so there is no garbage for a collection to find; the call is
/// kept because code measuring memory (`:erlang.memory/1` before and after) makes it.
fn garbage_collect(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    match args.first() {
        None => Ok(Term::bool(true)),
        Some(Term::Pid(p)) => Ok(Term::bool(cx.process.runtime().is_alive(*p))),
        Some(_) => Err(bad_argument(1, "not a pid").into()),
    }
}

/// `:erlang.memory/0` (keyword list of every category) and `/1` (one category or
/// a list of them).
fn memory(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let m = cx.process.runtime().memory();
    let categories: [(&str, usize); 9] = [
        ("total", m.total),
        ("processes", m.processes),
        ("processes_used", m.processes_used),
        ("system", m.system),
        ("atom", m.atom),
        ("atom_used", m.atom_used),
        ("binary", m.binary),
        ("code", m.code),
        ("ets", m.ets),
    ];
    let lookup = |t: &Term| -> Result<Term, Raise> {
        let name = t.as_atom().map(|a| a.as_str());
        categories
            .iter()
            .find(|(k, _)| Some(*k) == name)
            .map(|(_, v)| Term::Int(*v as i64))
            .ok_or_else(|| bad_argument(1, "invalid memory type option"))
    };
    match args.first() {
        None => Ok(Term::list(
            categories.iter().map(|(k, v)| Term::pair(Term::atom(k), Term::Int(*v as i64))).collect(),
        )),
        Some(t @ Term::Atom(_)) => Ok(lookup(t)?),
        Some(list) => {
            let items = list.list_to_vec().ok_or_else(|| bad_argument(1, "invalid memory type option"))?;
            let mut out = Vec::with_capacity(items.len());
            for t in items {
                out.push(Term::pair(t.clone(), lookup(&t)?));
            }
            Ok(Term::list(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Discard, ProcessContext, Runtime};
    use crate::vm::Control;
    use std::sync::Arc;

    fn process() -> (Runtime, ProcessContext) {
        let rt = Runtime::new(Arc::new(Discard));
        let pid = rt.new_pid();
        let cx = ProcessContext::new(pid, rt.clone());
        (rt, cx)
    }

    fn message(r: NativeResult) -> String {
        match r {
            Err(Control::Raise(raise)) => match raise.reason.map_get_atom("message") {
                Some(m) => m.as_str().unwrap_or_default().to_string(),
                None => format!("{:?}", raise.reason),
            },
            other => panic!("expected a raise, got {other:?}"),
        }
    }

    #[test]
    fn send_to_self_and_unknown_names() {
        let (_rt, mut p) = process();
        let me = Term::Pid(p.pid());
        let mut cx = NativeCtx { process: &mut p, modules: crate::vm::modules::empty_for_tests(), group_leader: &mut None };
        assert!(matches!(send(&mut cx, &[me, Term::Int(1)]), Ok(Term::Int(1))));
        assert_eq!(cx.process.message_queue_len(), 1);
        assert_eq!(
            message(send(&mut cx, &[Term::atom("no_such_name"), Term::Int(1)])),
            "errors were found at the given arguments:\n\n  * 1st argument: invalid destination\n"
        );
    }

    #[test]
    fn register_refusals_carry_elixirs_message() {
        let (rt, mut p) = process();
        let me = Term::Pid(p.pid());
        let other = Term::Pid(ProcessContext::new(rt.new_pid(), rt.clone()).pid());
        let mut cx = NativeCtx { process: &mut p, modules: crate::vm::modules::empty_for_tests(), group_leader: &mut None };
        assert!(register_name(&mut cx, &[me.clone(), Term::atom("taken")]).is_ok());
        assert!(matches!(whereis(&mut cx, &[Term::atom("taken")]), Ok(Term::Pid(_))));
        let msg = message(register_name(&mut cx, &[other, Term::atom("taken")]));
        assert!(msg.ends_with(
            "with name :taken because it is not alive, the name is already taken, or it has already been given another name"
        ), "{msg}");
        assert!(msg.starts_with("could not register #PID<0."), "{msg}");
        assert!(matches!(unregister(&mut cx, &[Term::atom("taken")]), Ok(Term::Atom(_))));
        assert_eq!(
            message(unregister(&mut cx, &[Term::atom("taken")])),
            "errors were found at the given arguments:\n\n  * 1st argument: not a pid\n"
        );
        assert!(whereis(&mut cx, &[Term::atom("taken")]).is_ok_and(|t| t.is_nil()));
        assert!(register_name(&mut cx, &[me, Term::nil()]).is_err());
    }

    #[test]
    fn dictionary_flag_and_info() {
        let (_rt, mut p) = process();
        let me = Term::Pid(p.pid());
        let mut cx = NativeCtx { process: &mut p, modules: crate::vm::modules::empty_for_tests(), group_leader: &mut None };
        assert!(dict_put(&mut cx, &[Term::atom("a"), Term::Int(1)]).is_ok_and(|t| t.is_nil()));
        assert!(matches!(dict_put(&mut cx, &[Term::atom("a"), Term::Int(2)]), Ok(Term::Int(1))));
        assert!(matches!(dict_get(&mut cx, &[Term::atom("b"), Term::atom("dflt")]), Ok(t) if t.is_atom_named("dflt")));
        assert!(matches!(dict_delete(&mut cx, &[Term::atom("a")]), Ok(Term::Int(2))));
        let old = flag(&mut cx, &[Term::atom("trap_exit"), Term::bool(true)]);
        assert!(matches!(old, Ok(t) if t.is_atom_named("false")));
        let item = info_item(&mut cx, &[me.clone(), Term::atom("trap_exit")]);
        assert!(matches!(item, Ok(Term::Tuple(t)) if t[0].is_atom_named("trap_exit") && t[1].is_atom_named("true")));
        let queue = info_item(&mut cx, &[me.clone(), Term::atom("message_queue_len")]);
        assert!(matches!(queue, Ok(Term::Tuple(t)) if t[0].is_atom_named("message_queue_len") && matches!(t[1], Term::Int(0))));
        assert!(message(info_item(&mut cx, &[me, Term::atom("reductions")])).contains("not supported"));
    }

    #[test]
    fn monitor_of_unknown_name_and_demonitor_flush() {
        let (rt, mut p) = process();
        let mut cx = NativeCtx { process: &mut p, modules: crate::vm::modules::empty_for_tests(), group_leader: &mut None };
        let r = monitor(&mut cx, &[Term::atom("ghost")]);
        assert!(matches!(r, Ok(Term::Ref(_))));
        assert_eq!(cx.process.message_queue_len(), 1, "DOWN :noproc is queued at once");
        let dead = Term::Pid(rt.new_pid());
        let r2 = monitor(&mut cx, &[dead]).unwrap_or(Term::Nil);
        assert_eq!(cx.process.message_queue_len(), 2);
        assert!(demonitor(&mut cx, &[r2, Term::list(vec![Term::atom("flush")])]).is_ok());
        assert_eq!(cx.process.message_queue_len(), 1, "flush removed the second DOWN");
        assert!(matches!(link(&mut cx, &[Term::Pid(rt.new_pid())]), Err(Control::Raise(_))));
    }

    #[test]
    fn memory_and_system_info() {
        let (_rt, mut p) = process();
        let mut cx = NativeCtx { process: &mut p, modules: crate::vm::modules::empty_for_tests(), group_leader: &mut None };
        let all = memory(&mut cx, &[]).ok().and_then(|t| t.list_to_vec()).unwrap_or_default();
        assert_eq!(all.len(), 9);
        assert!(matches!(memory(&mut cx, &[Term::atom("processes")]), Ok(Term::Int(n)) if n > 0));
        assert!(memory(&mut cx, &[Term::atom("bogus")]).is_err());
        assert!(matches!(system_info(&mut cx, &[Term::atom("process_count")]), Ok(Term::Int(n)) if n >= 1));
    }
}
