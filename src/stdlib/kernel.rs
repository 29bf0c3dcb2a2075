//! `Kernel` functions that are plain functions (`elem`, `to_string`, `inspect`...)
//! and `Kernel.+` etc. for captures like `&Kernel.+/2`. The operator and guard
//! functions share their implementation with the `:erlang` BIFs.

use super::argument::{badarg, bif_arg_errors, index};
use super::erlang;
use super::float::float_to_text;
use super::io::inspect_opts;
use crate::term::{Atom, Term};
use crate::term::inspect::{InspectOpts, inspect_with};
use crate::vm::raise::exception_struct;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult, Raise};

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

/// The `Protocol.UndefinedError` raised when `protocol` has no implementation for `value`.
pub fn protocol_undefined(protocol: &str, value: &Term) -> Control {
    Control::Raise(Raise::error(exception_struct(
        "Protocol.UndefinedError",
        vec![
            ("protocol", Term::atom(&format!("Elixir.{protocol}"))),
            ("value", value.clone()),
            ("description", Term::string("")),
        ],
    )))
}

/// The text of chardata: binaries, code points and nested lists of them.
pub fn chardata_text(t: &Term) -> Option<String> {
    let mut out = String::new();
    let mut stack = vec![t.clone()];
    while let Some(cur) = stack.pop() {
        match cur {
            Term::Binary(b) => out.push_str(std::str::from_utf8(&b).ok()?),
            Term::Nil => {}
            Term::Cons(c) => {
                stack.push(c.tail.clone());
                match &c.head {
                    Term::Int(i) => out.push(char::from_u32(u32::try_from(*i).ok()?)?),
                    h @ (Term::Binary(_) | Term::Cons(_) | Term::Nil) => stack.push(h.clone()),
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// `to_string/1` (the String.Chars protocol): strings, numbers, atoms (`nil` is
/// empty, aliases keep their `Elixir.` prefix) and chardata lists.
pub fn chars_text(t: &Term) -> Result<String, Control> {
    match t {
        Term::Binary(b) => Ok(String::from_utf8_lossy(b).into_owned()),
        Term::Int(i) => Ok(i.to_string()),
        Term::BigInt(b) => Ok(b.to_string()),
        Term::Float(f) => Ok(float_to_text(*f)),
        Term::Atom(a) if a.as_str() == "nil" => Ok(String::new()),
        Term::Atom(a) => Ok(a.as_str().to_string()),
        Term::Nil | Term::Cons(_) => {
            chardata_text(t).ok_or_else(|| protocol_undefined("String.Chars", t))
        }
        // Structs with a text form (Date...) are the term layer's business.
        _ => crate::term::text::to_text(t).map_err(|_| protocol_undefined("String.Chars", t)),
    }
}

fn to_string(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::string(chars_text(&a[0])?))
}
fn to_charlist(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match &a[0] {
        Term::Nil | Term::Cons(_) => Ok(erlang::charlist(
            &chardata_text(&a[0]).ok_or_else(|| protocol_undefined("List.Chars", &a[0]))?,
        )),
        Term::Binary(_) | Term::Int(_) | Term::BigInt(_) | Term::Float(_) | Term::Atom(_) => {
            Ok(erlang::charlist(&chars_text(&a[0])?))
        }
        other => Err(protocol_undefined("List.Chars", other)),
    }
}
fn inspect(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let opts = match a.get(1) {
        Some(o) => {
            // inspect/2 stays on one line unless asked to be pretty.
            let mut opts = inspect_opts(o, InspectOpts::default())?;
            render_options(o, &mut opts);
            if !opts.pretty {
                opts.width = usize::MAX;
            }
            opts
        }
        None => InspectOpts::default(),
    };
    Ok(Term::string(inspect_with(&a[0], &opts)))
}
/// The `inspect/2` options about how numbers, binaries and charlists are written.
fn render_options(o: &Term, opts: &mut InspectOpts) {
    use crate::term::inspect::{Binaries, Charlists};
    for p in o.list_iter() {
        let Term::Tuple(kv) = p else { continue };
        if kv.len() != 2 {
            continue;
        }
        let value = kv[1].as_atom().map(|a| a.as_str().to_string()).unwrap_or_default();
        match kv[0].as_atom().map(|a| a.as_str().to_string()).as_deref() {
            Some("base") => {
                opts.base = match value.as_str() {
                    "binary" => 2,
                    "octal" => 8,
                    "hex" => 16,
                    _ => 10,
                }
            }
            Some("binaries") => {
                opts.binaries = match value.as_str() {
                    "as_strings" => Binaries::AsStrings,
                    "as_binaries" => Binaries::AsBinaries,
                    _ => Binaries::Infer,
                }
            }
            Some("charlists") => {
                opts.charlists = match value.as_str() {
                    "as_lists" | "as_list" => Charlists::AsLists,
                    "as_charlists" | "as_charlist" => Charlists::AsCharlists,
                    _ => Charlists::Infer,
                }
            }
            Some("printable_limit") => {
                if let Some(n) = index(&kv[1]) {
                    opts.printable_limit = n;
                } else if kv[1].is_atom_named("infinity") {
                    opts.printable_limit = usize::MAX;
                }
            }
            _ => {}
        }
    }
}

/// `elem(tuple, index0)`, which Elixir inlines as `:erlang.element(index0 + 1,
/// tuple)`: its errors are that addition's and that BIF's.
fn elem(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (items, i) = element_index(&a[0], &a[1], "element", &[])?;
    Ok(items[i].clone())
}
/// `put_elem(tuple, index0, value)`: `:erlang.setelement(index0 + 1, tuple, value)`.
fn put_elem(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (items, i) = element_index(&a[0], &a[1], "setelement", &a[2..])?;
    let mut items = items.to_vec();
    items[i] = a[2].clone();
    Ok(Term::tuple(items))
}

/// `tuple`'s elements and the 0-based index of its element `index0`, or what `:erlang.bif(index0 + 1,
/// tuple, rest...)` raises: an ArithmeticError from the `+ 1` for a non-number, else
/// the BIF's ArgumentError naming each bad argument, as BEAM's error info does.
fn element_index<'t>(tuple: &'t Term, index0: &Term, bif: &str, rest: &[Term]) -> Result<(&'t [Term], usize), Control> {
    let position = match index0 {
        Term::Int(i) => Term::Int(i.saturating_add(1)),
        Term::Float(f) => Term::Float(f + 1.0),
        Term::BigInt(_) => index0.clone(),
        _ => {
            return Err(Raise::badarith().blaming(Atom::new("erlang"), Atom::new("+"), &[index0.clone(), Term::Int(1)]).into());
        }
    };
    if let (Term::Int(p), Term::Tuple(items)) = (&position, tuple)
        && (1..=items.len() as i64).contains(p)
    {
        return Ok((&items[..], (*p - 1) as usize));
    }
    let mut bad = Vec::new();
    match (&position, tuple) {
        // Below 1 is out of range for any second argument; above the size only for a tuple.
        (Term::Int(p), _) if *p < 1 => bad.push((1, "out of range")),
        (Term::Int(_) | Term::BigInt(_), Term::Tuple(_)) => bad.push((1, "out of range")),
        (Term::Int(_) | Term::BigInt(_), _) => {}
        _ => bad.push((1, "not an integer")),
    }
    if !matches!(tuple, Term::Tuple(_)) {
        bad.push((2, "not a tuple"));
    }
    let args: Vec<Term> = [position, tuple.clone()].into_iter().chain(rest.iter().cloned()).collect();
    Err(bif_arg_errors("erlang", bif, &args, &bad))
}
fn is_nil(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::bool(crate::vm::type_test::TypeTest::Nil.holds(&a[0])))
}
fn is_struct1(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::bool(a[0].struct_name().is_some()))
}
fn is_struct2(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    if a[1].as_atom().is_none() {
        return Err(badarg());
    }
    Ok(Term::bool(
        a[0].struct_name()
            .is_some_and(|n| Some(n) == a[1].as_atom()),
    ))
}
fn is_exception(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::bool(
        a[0].struct_name().is_some()
            && a[0]
                .map_get_atom("__exception__")
                .is_some_and(Term::is_truthy),
    ))
}
fn not(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match &a[0] {
        t if t.is_boolean() => Ok(Term::bool(!t.is_truthy())),
        other => Err(Control::Raise(Raise::error(Term::pair(
            Term::atom("badarg"),
            other.clone(),
        )))),
    }
}
fn concat(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    // `<>` on non-binaries raises ArgumentError naming the operand.
    match (&a[0], &a[1]) {
        (Term::Binary(x), Term::Binary(y)) => {
            let mut out = Vec::with_capacity(x.len() + y.len());
            out.extend_from_slice(x);
            out.extend_from_slice(y);
            Ok(Term::bytes(out))
        }
        _ => Err(badarg()),
    }
}
/// `base ** exponent`: `Integer.pow/2` for integers with a non-negative exponent,
/// else `:math.pow/2` (a float), as Elixir 1.14's `Kernel.**/2`.
fn power(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    if a[0].is_integer() && matches!(a[1], Term::Int(e) if e >= 0) {
        let Term::Int(e) = a[1] else { return Err(badarg()) };
        return Ok(crate::vm::arith::int_pow(&a[0], e as u64)?);
    }
    match (super::argument::float(&a[0]), super::argument::float(&a[1])) {
        (Some(b), Some(e)) if a[0].is_number() && a[1].is_number() => super::argument::finite(b.powf(e)),
        _ => Err(super::argument::badarith()),
    }
}

/// `binary_slice/2,3`: bytes by range, or by start and size (negative starts count
/// from the end).
fn binary_slice(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let bad = || super::argument::function_clause("Kernel", "binary_slice", a.len() as u32);
    let bytes = a[0].as_bytes().ok_or_else(bad)?;
    if let Some(size) = a.get(2) {
        let start = super::argument::small_int(&a[1]).ok_or_else(bad)?;
        let size = index(size).ok_or_else(bad)?;
        let total = bytes.len() as i64;
        let start = if start < 0 { (total + start).max(0) } else { start };
        if start >= total {
            return Ok(Term::bytes(Vec::new()));
        }
        let end = (start as usize).saturating_add(size).min(bytes.len());
        return Ok(Term::bytes(bytes[start as usize..end].to_vec()));
    }
    let range = super::range::Range::from_term(&a[1]).ok_or_else(bad)?;
    Ok(Term::bytes(range.pick_indices(bytes.len()).into_iter().map(|i| bytes[i]).collect()))
}

/// `is_exception/2`: a struct of `module` with `__exception__: true`.
fn is_exception2(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let exception = a[0].map_get_atom("__exception__").is_some_and(|e| e.is_atom_named("true"));
    let name_ok = match a.get(1) {
        Some(m) => a[0].struct_name().is_some_and(|n| m.as_atom() == Some(n)),
        None => a[0].struct_name().is_some(),
    };
    Ok(Term::bool(exception && name_ok))
}

/// `macro_exported?/3`: Kernel's macros (the forms otplab's compiler implements);
/// other modules export no macros at run time.
fn macro_exported(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    const KERNEL_MACROS: &[(&str, i64)] = &[
        ("use", 1), ("use", 2), ("def", 1), ("def", 2), ("defp", 1), ("defp", 2), ("defmodule", 2),
        ("defmacro", 1), ("defmacro", 2), ("defstruct", 1), ("defexception", 1), ("defprotocol", 2),
        ("defimpl", 2), ("defimpl", 3), ("defdelegate", 2), ("defguard", 1), ("defguardp", 1),
        ("if", 2), ("unless", 2), ("and", 2), ("or", 2), ("!", 1), ("&&", 2), ("||", 2), ("|>", 2),
        ("..", 0), ("..", 2), ("..//", 3), ("in", 2), ("is_exception", 1), ("is_exception", 2),
        ("is_struct", 1), ("is_struct", 2), ("raise", 1), ("raise", 2), ("reraise", 2), ("reraise", 3),
        ("sigil_r", 2), ("sigil_w", 2), ("sigil_s", 2), ("sigil_c", 2), ("sigil_D", 2), ("sigil_N", 2),
        ("sigil_T", 2), ("sigil_U", 2), ("to_string", 1), ("to_charlist", 1), ("then", 2), ("tap", 2),
        ("get_in", 2), ("put_in", 2), ("update_in", 2), ("pop_in", 1), ("get_and_update_in", 2),
        ("match?", 2), ("binding", 0), ("binding", 1), ("var!", 1), ("var!", 2), ("destructure", 2),
        ("@", 1), ("alias!", 1), ("defoverridable", 1),
    ];
    let module = a[0].as_atom().ok_or_else(badarg)?;
    let name = a[1].as_atom().ok_or_else(badarg)?;
    let arity = super::argument::small_int(&a[2]).ok_or_else(badarg)?;
    Ok(Term::bool(
        module.as_str() == "Elixir.Kernel" && KERNEL_MACROS.iter().any(|(n, ar)| *n == name.as_str() && *ar == arity),
    ))
}

/// Registers `Kernel`.
pub fn register(reg: &mut NativeRegistry) {
    let k = "Elixir.Kernel";
    reg.add(k, "**", 2, power);
    reg.add(k, "binary_slice", 2, binary_slice);
    reg.add(k, "binary_slice", 3, binary_slice);
    reg.add(k, "is_exception", 2, is_exception2);
    reg.add(k, "macro_exported?", 3, macro_exported);
    // The operators and guards are the :erlang BIFs under Elixir's names.
    let mut bifs = NativeRegistry::new();
    erlang::register(&mut bifs);
    let renamed = [
        ("+", "+", 2),
        ("-", "-", 2),
        ("*", "*", 2),
        ("/", "/", 2),
        ("+", "+", 1),
        ("-", "-", 1),
        ("div", "div", 2),
        ("rem", "rem", 2),
        ("abs", "abs", 1),
        ("==", "==", 2),
        ("!=", "/=", 2),
        ("===", "=:=", 2),
        ("!==", "=/=", 2),
        ("<", "<", 2),
        (">", ">", 2),
        ("<=", "=<", 2),
        (">=", ">=", 2),
        ("max", "max", 2),
        ("min", "min", 2),
        ("++", "++", 2),
        ("--", "--", 2),
        ("length", "length", 1),
        ("hd", "hd", 1),
        ("tl", "tl", 1),
        ("tuple_size", "tuple_size", 1),
        ("map_size", "map_size", 1),
        ("byte_size", "byte_size", 1),
        ("bit_size", "bit_size", 1),
        ("round", "round", 1),
        ("trunc", "trunc", 1),
        ("floor", "floor", 1),
        ("ceil", "ceil", 1),
        ("is_atom", "is_atom", 1),
        ("is_binary", "is_binary", 1),
        ("is_bitstring", "is_bitstring", 1),
        ("is_boolean", "is_boolean", 1),
        ("is_float", "is_float", 1),
        ("is_function", "is_function", 1),
        ("is_function", "is_function", 2),
        ("is_integer", "is_integer", 1),
        ("is_list", "is_list", 1),
        ("is_map", "is_map", 1),
        ("is_number", "is_number", 1),
        ("is_pid", "is_pid", 1),
        ("is_reference", "is_reference", 1),
        ("is_tuple", "is_tuple", 1),
        ("apply", "apply", 2),
        ("apply", "apply", 3),
        ("throw", "throw", 1),
        ("exit", "exit", 1),
        ("node", "node", 0),
    ];
    for (elixir, bif, arity) in renamed {
        if let Some(f) = bifs.get(
            crate::term::Atom::new("erlang"),
            crate::term::Atom::new(bif),
            arity,
        ) {
            reg.add(k, elixir, arity, f);
        }
    }
    reg.add(k, "elem", 2, elem);
    reg.add(k, "put_elem", 3, put_elem);
    reg.add(k, "to_string", 1, to_string);
    reg.add(k, "to_charlist", 1, to_charlist);
    reg.add(k, "inspect", 1, inspect);
    reg.add(k, "inspect", 2, inspect);
    reg.add(k, "is_nil", 1, is_nil);
    reg.add(k, "is_struct", 1, is_struct1);
    reg.add(k, "is_struct", 2, is_struct2);
    reg.add(k, "is_exception", 1, is_exception);
    reg.add(k, "not", 1, not);
    reg.add(k, "binary_part", 3, erlang::binary_part);
    reg.add(k, "<>", 2, concat);
    reg.add("Elixir.String.Chars", "to_string", 1, to_string);
}

#[cfg(test)]
mod tests {
    use crate::stdlib::test_bench::{a, call, i, l, raised_message, s, t};
    use crate::term::Term;

    #[test]
    fn to_string_follows_string_chars() {
        // to_string(:atom) <> to_string(12) <> to_string(1.0) => "atom121.0"
        assert_eq!(
            call("Elixir.Kernel", "to_string", vec![a("atom")]),
            s("atom")
        );
        assert_eq!(
            call("Elixir.Kernel", "to_string", vec![Term::Float(1.0)]),
            s("1.0")
        );
        // to_string(String) => "Elixir.String"; to_string(nil) => ""
        assert_eq!(
            call("Elixir.Kernel", "to_string", vec![a("Elixir.String")]),
            s("Elixir.String")
        );
        assert_eq!(call("Elixir.Kernel", "to_string", vec![a("nil")]), s(""));
        // to_string([?a, "bc", [?d]]) => "abcd"
        assert_eq!(
            call(
                "Elixir.Kernel",
                "to_string",
                vec![l(vec![i(97), s("bc"), l(vec![i(100)])])]
            ),
            s("abcd")
        );
        // to_string({1, 2}) => protocol String.Chars not implemented for {1, 2} of type Tuple
        assert_eq!(
            raised_message("Elixir.Kernel", "to_string", vec![t(vec![i(1), i(2)])]),
            "protocol String.Chars not implemented for {1, 2} of type Tuple"
        );
        // to_charlist("hé") => [104, 233]
        assert_eq!(
            call("Elixir.Kernel", "to_charlist", vec![s("hé")]),
            l(vec![i(104), i(233)])
        );
    }

    #[test]
    fn tuple_access_and_operators() {
        assert_eq!(
            call("Elixir.Kernel", "elem", vec![t(vec![a("a"), a("b")]), i(1)]),
            a("b")
        );
        // elem({1}, 5) is :erlang.element(6, {1}), out of range.
        assert_eq!(
            raised_message("Elixir.Kernel", "elem", vec![t(vec![i(1)]), i(5)]),
            "errors were found at the given arguments:\n\n  * 1st argument: out of range\n"
        );
        assert_eq!(
            call("Elixir.Kernel", "put_elem", vec![t(vec![i(1)]), i(0), i(2)]),
            t(vec![i(2)])
        );
        // Kernel.+(1, 2) => 3; Kernel.!=(1, 1.0) => false; Kernel.<>("a", "b") => "ab"
        assert_eq!(call("Elixir.Kernel", "+", vec![i(1), i(2)]), i(3));
        assert_eq!(
            call("Elixir.Kernel", "!=", vec![i(1), Term::Float(1.0)]),
            a("false")
        );
        assert_eq!(call("Elixir.Kernel", "<>", vec![s("a"), s("b")]), s("ab"));
        assert_eq!(
            call("Elixir.Kernel", "inspect", vec![l(vec![i(1), i(2)])]),
            s("[1, 2]")
        );
    }
}
