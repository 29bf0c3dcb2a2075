//! Natives that need the VM itself (the module table): building exceptions for
//! `raise`, `apply/2,3`, `function_exported?/3`, and small helpers the compiler emits.

use super::native::{Control, NativeCtx, NativeRegistry, NativeResult};
use super::raise::{Raise, exception_struct};
use crate::term::{ATOMS, Atom, Term};

/// Registers the VM's own natives.
pub fn register(reg: &mut NativeRegistry) {
    reg.add("Elixir.Kernel", "__exception__", 2, make_exception);
    reg.add("Elixir.Kernel", "apply", 2, apply2);
    reg.add("Elixir.Kernel", "apply", 3, apply3);
    reg.add("erlang", "apply", 2, apply2);
    reg.add("erlang", "apply", 3, apply3);
    reg.add("Elixir.Kernel", "function_exported?", 3, function_exported);
    reg.add("erlang", "function_exported", 3, function_exported);
    reg.add("Elixir.Code", "ensure_loaded?", 1, ensure_loaded);
    reg.add("Elixir.Range", "__default_step__", 2, default_step);
    reg.add("Elixir.Kernel", "__byte_to_binary__", 1, byte_to_binary);
    reg.add("otplab_logger", "set_level", 1, set_log_level);
    reg.add("otplab_logger", "level", 0, log_level);
    reg.add("Elixir.Module", "split", 1, module_split);
    reg.add("Elixir.Kernel", "struct", 1, struct1);
    reg.add("Elixir.Kernel", "struct", 2, struct2);
    reg.add("Elixir.Kernel", "struct!", 2, struct_bang);
    reg.add("Elixir.Code", "ensure_loaded", 1, ensure_loaded_tuple);
    reg.add("Elixir.Code", "ensure_compiled", 1, ensure_loaded_tuple);
    reg.add("otplab_module", "set_struct_defaults", 2, set_struct_defaults);
    reg.add("otplab_module", "put_attribute", 4, put_attribute);
    reg.add("otplab_module", "attribute", 3, attribute);
    reg.add("Elixir.Kernel", "__codepoint_to_binary__", 1, codepoint_to_binary);
    reg.add("otplab_protocol", "impl_for", 3, protocol_impl_for);
    reg.add("otplab_bits", "build", 1, bits_build);
    reg.add("otplab_protocol", "user_inspect?", 1, user_inspect);
    reg.add("otplab_protocol", "inspect", 2, protocol_inspect);
    reg.add("otplab_protocol", "io_inspect", 2, protocol_io_inspect);
}

/// `:otplab_bits.build([{value, size | nil, {type, unit, signed, little}}])`: the
/// binary of bitstring segments (what `<<...>>` compiles to for non-byte segments).
fn bits_build(_cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    use super::bits::{BitSize, BitSpec, BitType};
    let mut segs = Vec::new();
    for item in args[0].list_iter() {
        let Term::Tuple(t) = &item else { return Err(Raise::badarg().into()) };
        let Term::Tuple(s) = &t[2] else { return Err(Raise::badarg().into()) };
        let ty = match s[0].as_atom().map(|a| a.as_str()) {
            Some("integer") => BitType::Integer,
            Some("float") => BitType::Float,
            Some("binary") => BitType::Binary,
            Some("utf8") => BitType::Utf8,
            Some("utf16") => BitType::Utf16,
            Some("utf32") => BitType::Utf32,
            _ => return Err(Raise::badarg().into()),
        };
        let Term::Int(unit) = s[1] else { return Err(Raise::badarg().into()) };
        let spec = BitSpec { ty, size: BitSize::Default, unit: unit as u32, signed: s[2].is_truthy(), little: s[3].is_truthy() };
        let size = if t[1].is_nil() { None } else { Some(t[1].clone()) };
        segs.push((t[0].clone(), size, spec));
    }
    super::bits::build_bits(&segs).map_err(Into::into)
}

/// True if `t` holds (at any depth) a struct with its own `Inspect` implementation.
fn holds_user_inspect(modules: &super::modules::Modules, t: &Term) -> bool {
    let mut stack = vec![t];
    while let Some(cur) = stack.pop() {
        match cur {
            Term::Map(m) => {
                if let Some(s) = cur.struct_name() {
                    let name = s.as_str().strip_prefix("Elixir.").unwrap_or(s.as_str());
                    if modules.is_defined(Atom::new(&format!("Elixir.Inspect.{name}"))) {
                        return true;
                    }
                }
                for (k, v) in m.iter() {
                    stack.push(k);
                    stack.push(v);
                }
            }
            Term::Tuple(items) => stack.extend(items.iter()),
            Term::Cons(_) => {
                let mut rest = cur;
                while let Term::Cons(c) = rest {
                    stack.push(&c.head);
                    rest = &c.tail;
                }
                stack.push(rest);
            }
            _ => {}
        }
    }
    false
}

/// `:otplab_protocol.user_inspect?(term)`: see [`holds_user_inspect`].
fn user_inspect(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    Ok(Term::bool(holds_user_inspect(cx.modules, &args[0])))
}

/// What `inspect(term, opts)` compiles to: the native `Kernel.inspect/2`, unless the
/// term holds a learner's struct with an `Inspect` implementation (then the prelude's
/// `Inspect.Algebra.__inspect__/2` renders it through the protocol).
fn protocol_inspect(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let module = if uses_struct_inspect(args) && holds_user_inspect(cx.modules, &args[0]) { "Elixir.Inspect.Algebra" } else { "Elixir.Kernel" };
    let name = if module == "Elixir.Kernel" { "inspect" } else { "__inspect__" };
    Err(Control::CallMfa { module: Atom::new(module), name: Atom::new(name), args: args.to_vec() })
}

/// False when the options (`args[1]`, if any) say `structs: false`: then no
/// struct is shown through its `Inspect` implementation, only as a map.
fn uses_struct_inspect(args: &[Term]) -> bool {
    let structs_false = |p: &Term| matches!(p, Term::Tuple(kv) if kv.len() == 2 && kv[0].is_atom_named("structs") && kv[1].is_atom_named("false"));
    !args.get(1).is_some_and(|opts| opts.list_iter().any(|p| structs_false(&p)))
}

/// What `IO.inspect(term, opts)` compiles to, as [`protocol_inspect`].
fn protocol_io_inspect(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let (module, name) =
        if uses_struct_inspect(args) && holds_user_inspect(cx.modules, &args[0]) { ("Elixir.Inspect.Algebra", "__io_inspect__") } else { ("Elixir.IO", "inspect") };
    Err(Control::CallMfa { module: Atom::new(module), name: Atom::new(name), args: args.to_vec() })
}

/// The name Elixir gives a built-in type in protocol dispatch (`defimpl P, for: Integer`).
pub fn builtin_type_name(t: &Term) -> &'static str {
    match t {
        Term::Int(_) | Term::BigInt(_) => "Integer",
        Term::Float(_) => "Float",
        Term::Atom(_) => "Atom",
        Term::Nil | Term::Cons(_) => "List",
        Term::Tuple(_) => "Tuple",
        Term::Binary(_) => "BitString",
        Term::Map(_) => "Map",
        Term::Pid(_) => "PID",
        Term::Ref(_) => "Reference",
        Term::Fun(_) => "Function",
    }
}

/// `:otplab_protocol.impl_for(protocol, value, fallback_to_any)`: the implementation
/// module of `protocol` for `value`, or nil. As in Elixir, a struct is served by the
/// implementation for its own module (never by the `Map` one), then by `Any` when the
/// protocol falls back to it; other values by their built-in type's implementation.
fn protocol_impl_for(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let Some(protocol) = args[0].as_atom() else { return Err(Raise::badarg().into()) };
    let value = &args[1];
    let target = match value.struct_name() {
        Some(s) => s.as_str().strip_prefix("Elixir.").unwrap_or(s.as_str()).to_string(),
        None => builtin_type_name(value).to_string(),
    };
    let mut candidates = vec![format!("{}.{target}", protocol.as_str())];
    if args[2].is_truthy() {
        candidates.push(format!("{}.Any", protocol.as_str()));
    }
    for c in candidates {
        let module = Atom::new(&c);
        if cx.modules.is_defined(module) {
            return Ok(Term::Atom(module));
        }
    }
    Ok(Term::nil())
}

/// `raise x` / `raise Mod, opts`: the exception struct to raise.
fn make_exception(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let (what, opts) = (&args[0], &args[1]);
    match what {
        Term::Binary(_) => Ok(exception_struct("RuntimeError", vec![("message", what.clone())])),
        Term::Map(_) if what.map_get_atom("__exception__").is_some_and(|t| t.is_truthy()) => Ok(what.clone()),
        Term::Atom(module) => {
            // Keyword options, or a bare message string (`raise ArgumentError, "msg"`).
            let kv: Vec<(Term, Term)> = match opts {
                Term::Binary(_) => vec![(Term::Atom(ATOMS.message), opts.clone())],
                Term::Nil => vec![],
                other => match other.list_to_vec() {
                    Some(items) => items
                        .into_iter()
                        .filter_map(|i| match i {
                            Term::Tuple(p) if p.len() == 2 => Some((p[0].clone(), p[1].clone())),
                            _ => None,
                        })
                        .collect(),
                    None => return Err(Raise::argument_error("raise/2 expects a keyword list or a message as its second argument").into()),
                },
            };
            if let Some(info) = cx.modules.info(*module) {
                if cx.modules.is_exported(*module, Atom::new("exception"), 1) {
                    let arg = match opts {
                        Term::Binary(_) => opts.clone(),
                        _ => Term::list(kv.into_iter().map(|(k, v)| Term::pair(k, v)).collect()),
                    };
                    return Err(Control::CallMfa { module: *module, name: Atom::new("exception"), args: vec![arg] });
                }
                if let Some(fields) = info.struct_fields.filter(|_| info.is_exception) {
                    let mut m: crate::term::TermMap = fields.into_iter().map(|(k, v)| (Term::Atom(k), v)).collect();
                    m.insert(Term::Atom(ATOMS.struct_), Term::Atom(*module));
                    for (k, v) in kv {
                        if !m.contains_key(&k) {
                            return Err(Raise::exception(
                                "KeyError",
                                format!("key {} not found", crate::term::inspect::inspect(&k)),
                            )
                            .into());
                        }
                        m.insert(k, v);
                    }
                    return Ok(Term::Map(std::sync::Arc::new(m)));
                }
            }
            let name = module.as_str();
            let short = name.strip_prefix("Elixir.").unwrap_or(name);
            // Elixir's own exceptions: their shape (fields and defaults) from the one table.
            if let Some(shape) = crate::term::builtin_structs::builtin_struct_of(*module).filter(|s| s.is_exception) {
                let mut fields = shape.defaults();
                for (k, v) in kv {
                    match k.as_atom().and_then(|a| fields.iter_mut().find(|(n, _)| *n == a.as_str())) {
                        Some(slot) => slot.1 = v,
                        None => {
                            return Err(Raise::exception("KeyError", format!("key {} not found", crate::term::inspect::inspect(&k)))
                                .into());
                        }
                    }
                }
                return Ok(exception_struct(short, fields));
            }
            let Some(default) = short.ends_with("Error").then_some("") else {
                return Err(Raise::argument_error(format!(
                    "expected a module that implements the exception behaviour, got: {}",
                    crate::term::inspect::inspect(what)
                ))
                .into());
            };
            let mut fields: Vec<(String, Term)> = kv
                .into_iter()
                .filter_map(|(k, v)| k.as_atom().map(|a| (a.as_str().to_string(), v)))
                .collect();
            if !fields.iter().any(|(k, _)| k == "message") {
                fields.push(("message".into(), Term::string(default)));
            }
            let fields: Vec<(&str, Term)> = fields.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            Ok(exception_struct(short, fields))
        }
        other => Err(Raise::argument_error(format!(
            "raise/1 and raise/2 expect a module name, string or exception as the first argument, got: {}",
            crate::term::inspect::inspect(other)
        ))
        .into()),
    }
}

fn apply2(_cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let Some(list) = args[1].list_to_vec() else {
        return Err(Raise::badarg().into());
    };
    Err(Control::Call { fun: args[0].clone(), args: list })
}

fn apply3(_cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let (Some(module), Some(name), Some(list)) = (args[0].as_atom(), args[1].as_atom(), args[2].list_to_vec()) else {
        return Err(Raise::badarg().into());
    };
    Err(Control::CallMfa { module, name, args: list })
}

fn function_exported(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let (Some(module), Some(name), Term::Int(arity)) = (args[0].as_atom(), args[1].as_atom(), &args[2]) else {
        return Err(Raise::badarg().into());
    };
    Ok(Term::bool(cx.modules.is_exported(module, name, *arity as u32)))
}

fn ensure_loaded(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    Ok(Term::bool(args[0].as_atom().is_some_and(|m| cx.modules.is_loaded(m))))
}

/// `Code.ensure_loaded/1`: `{:module, m}` or `{:error, :nofile}`.
fn ensure_loaded_tuple(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    match args[0].as_atom() {
        Some(m) if cx.modules.is_loaded(m) => Ok(Term::pair(Term::atom("module"), Term::Atom(m))),
        Some(_) => Ok(Term::pair(Term::atom("error"), Term::atom("nofile"))),
        None => Err(Raise::badarg().into()),
    }
}

/// `:otplab_module.set_struct_defaults(module, [{field, value}])`: the defaults a
/// `defstruct` computed when its module was defined (see `compile::module`).
fn set_struct_defaults(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let Some(module) = args[0].as_atom() else { return Err(Raise::badarg().into()) };
    let fields = args[1]
        .list_iter()
        .filter_map(|t| match t {
            Term::Tuple(p) if p.len() == 2 => Some((p[0].as_atom()?, p[1].clone())),
            _ => None,
        })
        .collect();
    cx.modules.set_struct_defaults(module, fields);
    Ok(Term::atom("ok"))
}

/// `:otplab_module.put_attribute(module, name, n, value)`: the value of an attribute
/// that is not a literal, computed once when its module body ran (see
/// `compile::module`); returns the value.
fn put_attribute(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let (Some(module), Some(name), Term::Int(n)) = (args[0].as_atom(), args[1].as_atom(), &args[2]) else {
        return Err(Raise::badarg().into());
    };
    let n = u32::try_from(*n).map_err(|_| Raise::badarg())?;
    cx.modules.set_attribute(module, name, n, args[3].clone());
    Ok(args[3].clone())
}

/// `:otplab_module.attribute(module, name, n)`: reads what `put_attribute` stored
/// (`nil` before the module body got there, as an attribute read before it is set).
fn attribute(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let (Some(module), Some(name), Term::Int(n)) = (args[0].as_atom(), args[1].as_atom(), &args[2]) else {
        return Err(Raise::badarg().into());
    };
    let n = u32::try_from(*n).map_err(|_| Raise::badarg())?;
    Ok(cx.modules.attribute(module, name, n).unwrap_or_else(Term::nil))
}

/// `struct!(Mod, fields)`: as `struct/2`, but every `@enforce_keys` field must be given
/// and an unknown key is a KeyError, as Elixir's `Mod.__struct__/1` checks.
fn struct_bang(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    if let Term::Atom(m) = &args[0]
        && let Some(info) = cx.modules.info(*m)
        && let Some(fields) = &info.struct_fields
    {
        let given: Vec<Term> = match &args[1] {
            Term::Map(map) => map.keys().cloned().collect(),
            other => other
                .list_iter()
                .filter_map(|t| match t {
                    Term::Tuple(p) if p.len() == 2 => Some(p[0].clone()),
                    _ => None,
                })
                .collect(),
        };
        let missing: Vec<Term> = info.enforce_keys.iter().map(|k| Term::Atom(*k)).filter(|k| !given.contains(k)).collect();
        if !missing.is_empty() {
            return Err(Raise::argument_error(enforce_message(*m, &missing)).into());
        }
        if let Some(k) = given.iter().find(|k| !k.as_atom().is_some_and(|a| fields.iter().any(|(f, _)| *f == a))) {
            return Err(Raise::exception("KeyError", format!("key {} not found", crate::term::inspect::inspect(k))).into());
        }
    }
    struct2(cx, args)
}

/// Elixir's words for a struct built without its `@enforce_keys`.
pub fn enforce_message(module: Atom, missing: &[Term]) -> String {
    format!(
        "the following keys must also be given when building struct {}: {}",
        crate::term::inspect::inspect(&Term::Atom(module)),
        crate::term::inspect::inspect(&Term::list(missing.to_vec()))
    )
}

fn default_step(_cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    match (&args[0], &args[1]) {
        (a, b) if a.is_integer() && b.is_integer() => Ok(Term::Int(if a.loose_cmp(b).is_gt() { -1 } else { 1 })),
        (a, b) => Err(Raise::argument_error(format!(
            "ranges (first..last) expect both sides to be integers, got: {}..{}",
            crate::term::inspect::inspect(a),
            crate::term::inspect::inspect(b)
        ))
        .into()),
    }
}

fn byte_to_binary(_cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    match &args[0] {
        Term::Int(i) => Ok(Term::bytes(vec![(*i & 0xff) as u8])),
        _ => Err(Raise::badarg().into()),
    }
}

fn codepoint_to_binary(_cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    match &args[0] {
        Term::Int(i) => match char::from_u32(*i as u32) {
            Some(c) => Ok(Term::string(c.to_string())),
            None => Err(Raise::badarg().into()),
        },
        _ => Err(Raise::badarg().into()),
    }
}


fn struct1(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    struct2(cx, &[args[0].clone(), Term::Nil])
}

/// `struct(Mod | %Mod{}, fields)`: the struct with `fields` applied; unknown keys
/// are ignored, as Elixir's `struct/2` does.
fn struct2(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let mut base: crate::term::TermMap = match &args[0] {
        Term::Atom(m) => {
            let Some(fields) = cx.modules.info(*m).and_then(|i| i.struct_fields) else {
                return Err(Raise::argument_error(format!(
                    "{} is not a struct",
                    crate::term::inspect::inspect(&args[0])
                ))
                .into());
            };
            let mut map: crate::term::TermMap = fields.into_iter().map(|(k, v)| (Term::Atom(k), v)).collect();
            map.insert(Term::Atom(ATOMS.struct_), Term::Atom(*m));
            map
        }
        Term::Map(m) if args[0].struct_name().is_some() => (**m).clone(),
        other => {
            return Err(Raise::argument_error(format!(
                "expected a struct name or a struct, got: {}",
                crate::term::inspect::inspect(other)
            ))
            .into());
        }
    };
    let pairs: Vec<(Term, Term)> = match &args[1] {
        Term::Map(m) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        other => other
            .list_iter()
            .filter_map(|t| match t {
                Term::Tuple(p) if p.len() == 2 => Some((p[0].clone(), p[1].clone())),
                _ => None,
            })
            .collect(),
    };
    for (k, v) in pairs {
        if k != Term::Atom(ATOMS.struct_) && base.contains_key(&k) {
            base.insert(k, v);
        }
    }
    Ok(Term::Map(std::sync::Arc::new(base)))
}

fn set_log_level(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let Some(level) = args[0].as_atom().and_then(|a| crate::runtime::LogLevel::from_name(a.as_str())) else {
        return Err(Raise::argument_error(format!(
            "invalid value for :level option: {}",
            crate::term::inspect::inspect(&args[0])
        ))
        .into());
    };
    cx.process.runtime().set_log_level(level);
    Ok(Term::ok())
}

fn log_level(cx: &mut NativeCtx<'_>, _args: &[Term]) -> NativeResult {
    Ok(Term::atom(cx.process.runtime().log_level().name()))
}

/// `Module.split(Foo.Bar)` → `["Foo", "Bar"]`.
fn module_split(_cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let name = match &args[0] {
        Term::Atom(a) => a.as_str().to_string(),
        Term::Binary(_) => args[0].as_str().unwrap_or_default().to_string(),
        _ => return Err(Raise::error(Term::atom("function_clause")).into()),
    };
    let Some(rest) = name.strip_prefix("Elixir.") else {
        return Err(Raise::argument_error(format!("expected an Elixir module, got: {}", crate::term::inspect::inspect(&args[0]))).into());
    };
    Ok(Term::list(rest.split('.').map(Term::string).collect()))
}

