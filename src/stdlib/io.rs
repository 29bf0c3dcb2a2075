//! `IO`: puts, write, inspect, warn, gets, to the calling process's output device.
//! Text goes through the runtime's [`crate::runtime::OutputSink`], never the terminal.

use super::argument::{function_clause, list};
use super::kernel::{chardata_text, chars_text};
use crate::term::Term;
use crate::term::inspect::{InspectOpts, inspect_with};
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult};

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

/// Where a write goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Device {
    Stdout,
    Stderr,
}

fn device(t: &Term, name: &str, arity: u32) -> Result<Device, Control> {
    match t {
        Term::Atom(a) if a.as_str() == "stdio" => Ok(Device::Stdout),
        Term::Atom(a) if a.as_str() == "stderr" || a.as_str() == "standard_error" => {
            Ok(Device::Stderr)
        }
        // A pid device is the group leader: this runtime has one, standard output.
        Term::Pid(_) => Ok(Device::Stdout),
        _ => Err(function_clause("IO", name, arity)),
    }
}

fn emit(cx: &mut NativeCtx<'_>, dev: Device, text: &str) {
    match dev {
        Device::Stdout => cx.write_stdout(text),
        Device::Stderr => cx.process.runtime().output().write_stderr(text),
    }
}

/// The text of `IO.puts`/`IO.write`'s argument: chardata or any String.Chars term.
fn printable_text(t: &Term) -> Result<String, Control> {
    match t {
        Term::Nil | Term::Cons(_) => chardata_text(t)
            .ok_or_else(|| super::argument::arg_error(1, "not valid character data")),
        other => chars_text(other),
    }
}

/// Reads `inspect/2` options (`label` is IO.inspect's, handled by the caller) on
/// top of `base`: `limit`, `pretty`, `width`, `charlists`, `structs`...; unknown
/// keys are ignored as Elixir ignores them.
pub fn inspect_opts(opts: &Term, base: InspectOpts) -> Result<InspectOpts, Control> {
    let mut out = base;
    let pairs = list(opts).ok_or_else(|| function_clause("Inspect.Opts", "new", 1))?;
    for p in pairs {
        let Term::Tuple(kv) = &p else {
            return Err(function_clause("Inspect.Opts", "new", 1));
        };
        if kv.len() != 2 {
            return Err(function_clause("Inspect.Opts", "new", 1));
        }
        let count = |v: &Term| match v {
            Term::Int(n) if *n >= 0 => Some(*n as usize),
            Term::Atom(a) if a.as_str() == "infinity" => Some(usize::MAX),
            _ => None,
        };
        match kv[0].as_atom().map(|a| a.as_str()) {
            Some("limit") => out.limit = count(&kv[1]).unwrap_or(out.limit),
            Some("width") => out.width = count(&kv[1]).unwrap_or(out.width),
            Some("pretty") => out.pretty = kv[1].is_truthy(),
            Some("structs") => out.structs = kv[1].is_truthy(),
            _ => {}
        }
    }
    Ok(out)
}

fn label_of(opts: &Term) -> Result<Option<String>, Control> {
    for p in opts.list_iter() {
        if let Term::Tuple(kv) = p
            && kv.len() == 2
            && kv[0].is_atom_named("label")
        {
            return Ok(Some(chars_text(&kv[1])?));
        }
    }
    Ok(None)
}

/// IO.inspect's text for `item`: `label: ` then the pretty (width 80) inspection.
pub fn inspect_line(item: &Term, opts: &Term) -> Result<String, Control> {
    let base = InspectOpts {
        pretty: true,
        width: 80,
        ..Default::default()
    };
    let parsed = inspect_opts(opts, base)?;
    let doc = inspect_with(item, &parsed);
    Ok(match label_of(opts)? {
        Some(label) => format!("{label}: {doc}\n"),
        None => format!("{doc}\n"),
    })
}

fn puts(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (dev, item) = match a {
        [d, item] => (device(d, "puts", 2)?, item),
        [item] => (Device::Stdout, item),
        _ => return Err(function_clause("IO", "puts", 2)),
    };
    let mut text = printable_text(item)?;
    text.push('\n');
    emit(cx, dev, &text);
    Ok(Term::ok())
}
fn write(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (dev, item) = match a {
        [d, item] => (device(d, "write", 2)?, item),
        [item] => (Device::Stdout, item),
        _ => return Err(function_clause("IO", "write", 2)),
    };
    let text = printable_text(item)?;
    emit(cx, dev, &text);
    Ok(Term::ok())
}
fn inspect(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (dev, item, opts) = match a {
        [item] => (Device::Stdout, item, Term::Nil),
        [item, opts] => (Device::Stdout, item, opts.clone()),
        [d, item, opts] => (device(d, "inspect", 3)?, item, opts.clone()),
        _ => return Err(function_clause("IO", "inspect", 3)),
    };
    let text = inspect_line(item, &opts)?;
    emit(cx, dev, &text);
    Ok(item.clone())
}
fn warn(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let text = printable_text(&a[0])?;
    emit(cx, Device::Stderr, &format!("warning: {text}\n"));
    Ok(Term::ok())
}
/// `IO.gets/1,2`: prints the prompt, then the next line of the program's standard
/// input (the terminal, or piped stdin) with its newline; `:eof` at its end or in
/// a session given no input (the grader).
fn gets(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let prompt = a
        .last()
        .map(printable_text)
        .transpose()?
        .unwrap_or_default();
    emit(cx, Device::Stdout, &prompt);
    Ok(match cx.process.runtime().read_line() {
        Some(line) => Term::string(line),
        None => Term::atom("eof"),
    })
}
fn iodata_to_binary(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    if let Term::Binary(_) = &a[0] {
        return Ok(a[0].clone());
    }
    let mut out = Vec::new();
    super::erlang::iolist_bytes(&a[0], &mut out).ok_or_else(super::argument::badarg)?;
    Ok(Term::bytes(out))
}
fn chardata_to_string(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match &a[0] {
        Term::Binary(_) => Ok(a[0].clone()),
        t => chardata_text(t)
            .map(Term::string)
            .ok_or_else(|| function_clause("IO", "chardata_to_string", 1)),
    }
}

/// Registers `IO`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "Elixir.IO";
    // `IO.puts`/`IO.write` are the prelude's (a struct goes through String.Chars
    // first); they call these with the device and the text.
    reg.add("otplab_io", "puts", 2, puts);
    reg.add("otplab_io", "write", 2, write);
    for arity in [1, 2] {
        reg.add(m, "puts", arity, puts);
        reg.add(m, "write", arity, write);
        reg.add(m, "warn", arity, warn);
        reg.add(m, "gets", arity, gets);
    }
    for arity in [1, 2, 3] {
        reg.add(m, "inspect", arity, inspect);
    }
    reg.add(m, "iodata_to_binary", 1, iodata_to_binary);
    reg.add(m, "chardata_to_string", 1, chardata_to_string);
}

#[cfg(test)]
mod tests {
    use crate::stdlib::test_bench::{a, i, kw, l, run, s};

    #[test]
    fn puts_writes_text_and_newline() {
        // IO.puts("hi"); IO.puts(:ok); IO.puts(42); IO.puts(['a', "b"]) print:
        // hi / ok / 42 / ab
        for (arg, want) in [
            (s("hi"), "hi\n"),
            (a("ok"), "ok\n"),
            (i(42), "42\n"),
            (l(vec![i(97), s("b")]), "ab\n"),
        ] {
            let (r, out) = run("Elixir.IO", "puts", vec![arg]);
            assert!(matches!(r, Ok(ref t) if t.is_atom_named("ok")));
            assert_eq!(*out.stdout.lock(), want);
        }
    }

    #[test]
    fn puts_to_stderr() {
        let (_, out) = run("Elixir.IO", "puts", vec![a("stderr"), s("oops")]);
        assert_eq!(*out.stderr.lock(), "oops\n");
        assert_eq!(*out.stdout.lock(), "");
    }

    #[test]
    fn inspect_returns_its_argument_and_prints_the_label() {
        // IO.inspect([1, 2], label: "xs") prints "xs: [1, 2]" and returns [1, 2]
        let (r, out) = run(
            "Elixir.IO",
            "inspect",
            vec![l(vec![i(1), i(2)]), kw(vec![("label", s("xs"))])],
        );
        assert!(matches!(r, Ok(ref t) if *t == l(vec![i(1), i(2)])));
        assert_eq!(*out.stdout.lock(), "xs: [1, 2]\n");
    }

    #[test]
    fn write_has_no_newline_and_gets_is_eof() {
        let (_, out) = run("Elixir.IO", "write", vec![s("a")]);
        assert_eq!(*out.stdout.lock(), "a");
        let (r, _) = run("Elixir.IO", "gets", vec![s("> ")]);
        assert!(matches!(r, Ok(ref t) if t.is_atom_named("eof")));
    }
}
