//! The `:erlang` BIFs: operators and guards the compiler emits, plus the
//! conversion and tuple/list BIFs Elixir's Kernel is built on.
//!
//! Failures raise what BEAM raises: raw `:badarg`/`:badarith`, so `catch` sees the
//! same reasons and `Exception.normalize` turns them into ArgumentError/ArithmeticError.

use super::argument::{badarg, index, list, small_int, text};
use super::arith;
use super::float::float_to_text;
use crate::term::{ATOMS, Atom, Term};
use crate::vm::type_test::TypeTest;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult, Raise};
use std::sync::atomic::{AtomicI64, Ordering};

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

macro_rules! binary_op {
    ($name:ident, $f:path) => {
        fn $name(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
            Ok($f(&a[0], &a[1])?)
        }
    };
}

macro_rules! compare_op {
    ($name:ident, $f:path) => {
        fn $name(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
            Ok($f(&a[0], &a[1]))
        }
    };
}

binary_op!(add, arith::add);
binary_op!(sub, arith::sub);
binary_op!(mul, arith::mul);
binary_op!(fdiv, arith::fdiv);
binary_op!(div, arith::div);
binary_op!(rem, arith::rem);
binary_op!(band, arith::band);
binary_op!(bor, arith::bor);
binary_op!(bxor, arith::bxor);
binary_op!(bsl, arith::bsl);
binary_op!(bsr, arith::bsr);
compare_op!(eq, arith::eq);
compare_op!(ne, arith::ne);
compare_op!(exact_eq, arith::exact_eq);
compare_op!(exact_ne, arith::exact_ne);
compare_op!(lt, arith::lt);
compare_op!(gt, arith::gt);
compare_op!(le, arith::le);
compare_op!(ge, arith::ge);
compare_op!(max, arith::max);
compare_op!(min, arith::min);

fn neg(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(arith::neg(&a[0])?)
}
fn plus(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(arith::plus(&a[0])?)
}
fn abs(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(arith::abs(&a[0])?)
}
fn bnot(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(arith::bnot(&a[0])?)
}

fn boolean(t: &Term) -> Result<bool, Control> {
    match t {
        Term::Atom(a) if *a == ATOMS.true_ => Ok(true),
        Term::Atom(a) if *a == ATOMS.false_ => Ok(false),
        _ => Err(badarg()),
    }
}
fn and(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (x, y) = (boolean(&a[0])?, boolean(&a[1])?);
    Ok(Term::bool(x && y))
}
fn or(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (x, y) = (boolean(&a[0])?, boolean(&a[1])?);
    Ok(Term::bool(x || y))
}
fn xor(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (x, y) = (boolean(&a[0])?, boolean(&a[1])?);
    Ok(Term::bool(x ^ y))
}
fn not(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::bool(!boolean(&a[0])?))
}

/// `length/1`: raw `:badarg` for improper lists and non-lists.
pub fn length(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut it = a[0].list_iter();
    let n = it.by_ref().count();
    match it.rest() {
        Term::Nil => Ok(Term::Int(n as i64)),
        _ => Err(badarg()),
    }
}
/// `hd/1`.
pub fn hd(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match &a[0] {
        Term::Cons(c) => Ok(c.head.clone()),
        _ => Err(badarg()),
    }
}
/// `tl/1`.
pub fn tl(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match &a[0] {
        Term::Cons(c) => Ok(c.tail.clone()),
        _ => Err(badarg()),
    }
}
/// `:erlang.element(index1, tuple)` (1-based).
fn element(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match (&a[0], &a[1]) {
        (Term::Int(i), Term::Tuple(t)) if *i >= 1 && (*i as usize) <= t.len() => {
            Ok(t[*i as usize - 1].clone())
        }
        _ => Err(badarg()),
    }
}
/// `:erlang.setelement(index1, tuple, value)`.
fn setelement(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match (&a[0], &a[1]) {
        (Term::Int(i), Term::Tuple(t)) if *i >= 1 && (*i as usize) <= t.len() => {
            let mut items = t.to_vec();
            items[*i as usize - 1] = a[2].clone();
            Ok(Term::tuple(items))
        }
        _ => Err(badarg()),
    }
}
/// `tuple_size/1`.
pub fn tuple_size(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match &a[0] {
        Term::Tuple(t) => Ok(Term::Int(t.len() as i64)),
        _ => Err(badarg()),
    }
}
/// `map_size/1`: a non-map raises `{:badmap, term}`.
pub fn map_size(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match &a[0] {
        Term::Map(m) => Ok(Term::Int(m.len() as i64)),
        other => Err(super::argument::badmap(other)),
    }
}
/// `byte_size/1`.
pub fn byte_size(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match &a[0] {
        Term::Binary(b) => Ok(Term::Int(b.len() as i64)),
        _ => Err(badarg()),
    }
}
fn bit_size(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match &a[0] {
        Term::Binary(b) => Ok(Term::Int(b.len() as i64 * 8)),
        _ => Err(badarg()),
    }
}

macro_rules! type_test {
    ($name:ident, $test:expr) => {
        fn $name(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
            Ok(Term::bool($test.holds(&a[0])))
        }
    };
}
type_test!(is_atom, TypeTest::Atom);
type_test!(is_binary, TypeTest::Binary);
type_test!(is_boolean, TypeTest::Boolean);
type_test!(is_float, TypeTest::Float);
type_test!(is_function, TypeTest::Function);
type_test!(is_integer, TypeTest::Integer);
type_test!(is_list, TypeTest::List);
type_test!(is_map, TypeTest::Map);
type_test!(is_number, TypeTest::Number);
type_test!(is_pid, TypeTest::Pid);
type_test!(is_reference, TypeTest::Reference);
type_test!(is_tuple, TypeTest::Tuple);
fn is_function2(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match (&a[0], &a[1]) {
        (Term::Fun(f), Term::Int(n)) if *n >= 0 => Ok(Term::bool(i64::from(f.arity) == *n)),
        (_, Term::Int(n)) if *n >= 0 => Ok(Term::bool(false)),
        (_, Term::BigInt(n)) if n.sign() != num_bigint::Sign::Minus => Ok(Term::bool(false)),
        (_, Term::Int(_) | Term::BigInt(_)) => Err(super::argument::arg_error(2, "out of range")),
        _ => Err(super::argument::arg_error(2, "not an integer")),
    }
}
fn is_map_key(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match &a[1] {
        Term::Map(m) => Ok(Term::bool(m.contains_key(&a[0]))),
        other => Err(super::argument::badmap(other)),
    }
}
/// `Kernel.is_map_key(map, key)`: Elixir puts the map first, Erlang the key.
pub(crate) fn kernel_is_map_key(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    is_map_key(cx, &[a[1].clone(), a[0].clone()])
}
fn map_get(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match &a[1] {
        Term::Map(m) => m.get(&a[0]).cloned().ok_or_else(|| {
            Control::Raise(Raise::error(Term::tuple(vec![
                Term::atom("badkey"),
                a[0].clone(),
                a[1].clone(),
            ])))
        }),
        other => Err(super::argument::badmap(other)),
    }
}

/// Float → integer conversions (`trunc`, `round`, `floor`, `ceil`); integers pass through.
fn float_to_int(t: &Term, f: fn(f64) -> f64) -> NativeResult {
    match t {
        Term::Int(_) | Term::BigInt(_) => Ok(t.clone()),
        Term::Float(x) => {
            let r = f(*x);
            if r.abs() < 9.0e18 {
                Ok(Term::Int(r as i64))
            } else {
                let b: Option<num_bigint::BigInt> = num_traits::FromPrimitive::from_f64(r);
                b.map(Term::from_bigint).ok_or_else(badarg)
            }
        }
        _ => Err(badarg()),
    }
}
/// `trunc/1`.
pub fn trunc(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    float_to_int(&a[0], f64::trunc)
}
/// `round/1`: halves round away from zero, as Erlang.
pub fn round(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    float_to_int(&a[0], f64::round)
}
fn floor(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    float_to_int(&a[0], f64::floor)
}
fn ceil(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    float_to_int(&a[0], f64::ceil)
}
fn to_float(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match super::argument::float(&a[0]) {
        Some(f) if f.is_finite() => Ok(Term::Float(f)),
        _ => Err(badarg()),
    }
}

/// The digits of an integer in `base` (2..=36), uppercase like Erlang.
pub fn integer_text(t: &Term, base: u32) -> Option<String> {
    let b = super::argument::bigint(t)?;
    if !(2..=36).contains(&base) {
        return None;
    }
    Some(b.to_str_radix(base).to_uppercase())
}

/// Parses a whole string as an integer in `base` (optional sign, no spaces), as
/// `binary_to_integer` does.
pub fn parse_integer(s: &str, base: u32) -> Option<Term> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(base)) || !(2..=36).contains(&base) {
        return None;
    }
    let b = num_bigint::BigInt::parse_bytes(s.trim_start_matches('+').as_bytes(), base)?;
    Some(Term::from_bigint(b))
}

fn base_arg(t: &Term) -> Result<u32, Control> {
    super::argument::radix(t).ok_or_else(badarg)
}
fn integer_to_binary(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let base = if a.len() > 1 { base_arg(&a[1])? } else { 10 };
    integer_text(&a[0], base)
        .map(Term::string)
        .ok_or_else(badarg)
}
fn integer_to_list(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let base = if a.len() > 1 { base_arg(&a[1])? } else { 10 };
    integer_text(&a[0], base)
        .map(|s| charlist(&s))
        .ok_or_else(badarg)
}
fn binary_to_integer(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let base = if a.len() > 1 { base_arg(&a[1])? } else { 10 };
    text(&a[0])
        .and_then(|s| parse_integer(s, base))
        .ok_or_else(badarg)
}
fn list_to_integer(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let base = if a.len() > 1 { base_arg(&a[1])? } else { 10 };
    charlist_text(&a[0])
        .and_then(|s| parse_integer(&s, base))
        .ok_or_else(badarg)
}
fn float_to_binary(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match &a[0] {
        Term::Float(f) if a.len() == 1 || a[1].is_nil() => {
            // Erlang's default: 20 decimals in scientific notation, `e+00` exponent.
            let s = format!("{f:.20e}");
            let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
            let exp: i32 = exp.parse().unwrap_or(0);
            let sign = if exp < 0 { '-' } else { '+' };
            Ok(Term::string(format!("{mantissa}e{sign}{:02}", exp.abs())))
        }
        Term::Float(f) => match float_format_opts(&a[1]) {
            Some(FloatFormat::Short) => Ok(Term::string(float_to_text(*f))),
            Some(FloatFormat::Decimals(n, compact)) => {
                let mut s = format!("{f:.n$}");
                if compact && s.contains('.') {
                    while s.ends_with('0') && !s.ends_with(".0") {
                        s.pop();
                    }
                }
                Ok(Term::string(s))
            }
            None => Err(badarg()),
        },
        _ => Err(badarg()),
    }
}
enum FloatFormat {
    Short,
    Decimals(usize, bool),
}
fn float_format_opts(opts: &Term) -> Option<FloatFormat> {
    let mut decimals = None;
    let mut compact = false;
    let mut short = false;
    for o in list(opts)? {
        match &o {
            Term::Atom(a) if a.as_str() == "short" => short = true,
            Term::Atom(a) if a.as_str() == "compact" => compact = true,
            Term::Tuple(t) if t.len() == 2 && t[0].is_atom_named("decimals") => {
                decimals = Some(index(&t[1]).filter(|n| *n <= 253)?);
            }
            _ => return None,
        }
    }
    match (short, decimals) {
        (true, _) => Some(FloatFormat::Short),
        (false, Some(n)) => Some(FloatFormat::Decimals(n, compact)),
        (false, None) => None,
    }
}

/// A charlist of `s`'s code points.
pub fn charlist(s: &str) -> Term {
    Term::list(s.chars().map(|c| Term::Int(c as i64)).collect())
}

/// The text of a charlist of Unicode code points, if it is one.
pub fn charlist_text(t: &Term) -> Option<String> {
    let mut out = String::new();
    for item in list(t)? {
        out.push(char::from_u32(u32::try_from(small_int(&item)?).ok()?)?);
    }
    Some(out)
}

/// Flattens an iolist (bytes 0..=255, binaries, nested lists, binary tails) into bytes.
pub fn iolist_bytes(t: &Term, out: &mut Vec<u8>) -> Option<()> {
    // An explicit stack: iolists can nest deeply.
    let mut stack = vec![t.clone()];
    while let Some(cur) = stack.pop() {
        match cur {
            Term::Binary(b) => out.extend_from_slice(&b),
            Term::Nil => {}
            Term::Cons(c) => {
                stack.push(c.tail.clone());
                match &c.head {
                    Term::Int(i) => out.push(u8::try_from(*i).ok()?),
                    Term::Binary(b) => out.extend_from_slice(b),
                    h @ (Term::Cons(_) | Term::Nil) => stack.push(h.clone()),
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
    Some(())
}
fn iolist_to_binary(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    if let Term::Binary(_) = &a[0] {
        return Ok(a[0].clone());
    }
    let mut out = Vec::new();
    match &a[0] {
        Term::Nil | Term::Cons(_) => iolist_bytes(&a[0], &mut out).ok_or_else(badarg)?,
        _ => return Err(badarg()),
    }
    Ok(Term::bytes(out))
}
fn list_to_binary(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    if !a[0].is_list() {
        return Err(badarg());
    }
    iolist_to_binary(cx, a)
}
fn iolist_size(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match iolist_to_binary(cx, a)? {
        Term::Binary(b) => Ok(Term::Int(b.len() as i64)),
        _ => Err(badarg()),
    }
}
fn binary_to_list(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match &a[0] {
        Term::Binary(b) => Ok(Term::list(
            b.iter().map(|x| Term::Int(i64::from(*x))).collect(),
        )),
        _ => Err(badarg()),
    }
}
fn atom_to_binary(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    a[0].as_atom()
        .map(|x| Term::string(x.as_str()))
        .ok_or_else(badarg)
}
fn atom_to_list(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    a[0].as_atom()
        .map(|x| charlist(x.as_str()))
        .ok_or_else(badarg)
}
fn binary_to_atom(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    text(&a[0])
        .filter(|s| s.chars().count() <= 255)
        .map(Term::atom)
        .ok_or_else(badarg)
}
fn list_to_atom(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    charlist_text(&a[0])
        .filter(|s| s.chars().count() <= 255)
        .map(|s| Term::atom(&s))
        .ok_or_else(badarg)
}
/// True if an atom named `name` was already created (`binary_to_existing_atom`).
pub fn atom_exists(name: &str) -> bool {
    // Atoms are interned in ustr's global table; `existing` looks without creating.
    ustr::existing_ustr(name).is_some()
}
fn binary_to_existing_atom(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match text(&a[0]) {
        Some(s) if atom_exists(s) => Ok(Term::Atom(Atom::new(s))),
        _ => Err(badarg()),
    }
}
fn list_to_tuple(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    list(&a[0]).map(Term::tuple).ok_or_else(badarg)
}
fn tuple_to_list(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    super::argument::tuple(&a[0])
        .map(|t| Term::list(t.to_vec()))
        .ok_or_else(badarg)
}
/// `a ++ b`: `a` must be a proper list; `b` may be anything (it becomes the tail).
pub fn append(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let items = list(&a[0]).ok_or_else(badarg)?;
    Ok(Term::list_with_tail(items, a[1].clone()))
}
/// `a -- b`: removes the first occurrence (exact equality) of each element of `b`.
pub fn subtract(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut items = list(&a[0]).ok_or_else(badarg)?;
    for x in list(&a[1]).ok_or_else(badarg)? {
        if let Some(p) = items.iter().position(|y| *y == x) {
            items.remove(p);
        }
    }
    Ok(Term::list(items))
}
fn make_tuple(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let n = index(&a[0]).filter(|n| *n < (1 << 24)).ok_or_else(badarg)?;
    super::allocation::tuple_fits(cx, n as u64)?;
    Ok(Term::tuple(vec![a[1].clone(); n]))
}
fn append_element(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut items = super::argument::tuple(&a[0]).ok_or_else(badarg)?.to_vec();
    items.push(a[1].clone());
    Ok(Term::tuple(items))
}
fn delete_element(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut items = super::argument::tuple(&a[1]).ok_or_else(badarg)?.to_vec();
    let i = index(&a[0])
        .filter(|i| *i >= 1 && *i <= items.len())
        .ok_or_else(badarg)?;
    items.remove(i - 1);
    Ok(Term::tuple(items))
}
fn insert_element(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let mut items = super::argument::tuple(&a[1]).ok_or_else(badarg)?.to_vec();
    let i = index(&a[0])
        .filter(|i| *i >= 1 && *i <= items.len() + 1)
        .ok_or_else(badarg)?;
    items.insert(i - 1, a[2].clone());
    Ok(Term::tuple(items))
}
/// `binary_part(binary, start, length)`.
pub fn binary_part(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let bytes = a[0].as_bytes().ok_or_else(badarg)?;
    let (start, len) = (
        small_int(&a[1]).ok_or_else(badarg)?,
        small_int(&a[2]).ok_or_else(badarg)?,
    );
    // A negative length counts backwards from `start`.
    let (from, to) = if len >= 0 {
        (start, start + len)
    } else {
        (start + len, start)
    };
    if from < 0 || to as usize > bytes.len() {
        return Err(badarg());
    }
    Ok(Term::bytes(bytes[from as usize..to as usize].to_vec()))
}
fn error1(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Err(Control::Raise(Raise::error(a[0].clone())))
}
fn throw(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Err(Control::Raise(Raise::throw(a[0].clone())))
}
fn exit(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Err(Control::Raise(Raise::exit(a[0].clone())))
}
/// `apply(fun, args)`: the VM makes the call.
fn apply2(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let args = list(&a[1]).ok_or_else(badarg)?;
    Err(Control::Call {
        fun: a[0].clone(),
        args,
    })
}
/// `apply(module, name, args)`.
fn apply3(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match (&a[0], &a[1], list(&a[2])) {
        (Term::Atom(m), Term::Atom(f), Some(args)) => Err(Control::CallMfa {
            module: *m,
            name: *f,
            args,
        }),
        _ => Err(badarg()),
    }
}

/// `:erlang.raise(class, reason, stacktrace)` (what `reraise` compiles to). The
/// stacktrace argument must be a list; the VM records its own trace for the re-raise.
fn raise3(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    if !a[2].is_list() {
        return Err(badarg());
    }
    let reason = a[1].clone();
    match a[0].as_atom().map(|c| c.as_str()) {
        Some("error") => Err(Control::Raise(Raise::error(reason))),
        Some("throw") => Err(Control::Raise(Raise::throw(reason))),
        Some("exit") => Err(Control::Raise(Raise::exit(reason))),
        _ => Err(badarg()),
    }
}
/// `node/0`: a session is a single, non-distributed node.
fn node(_: Cx<'_, '_>, _: &[Term]) -> NativeResult {
    Ok(Term::atom("nonode@nohost"))
}
fn binary_to_float(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    text(&a[0])
        .and_then(super::string::parse_float_strict)
        .map(Term::Float)
        .ok_or_else(badarg)
}
fn list_to_float(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    charlist_text(&a[0])
        .and_then(|s| super::string::parse_float_strict(&s))
        .map(Term::Float)
        .ok_or_else(badarg)
}

static UNIQUE: AtomicI64 = AtomicI64::new(1);
/// `:erlang.unique_integer/0,1` (`[:positive]` and `[:monotonic]` both hold: it counts up from 1).
pub fn unique_integer(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    if let Some(opts) = a.first() {
        for o in list(opts).ok_or_else(badarg)? {
            if !(o.is_atom_named("positive") || o.is_atom_named("monotonic")) {
                return Err(badarg());
            }
        }
    }
    Ok(Term::Int(UNIQUE.fetch_add(1, Ordering::Relaxed)))
}

/// Registers every `:erlang` BIF of this file.
pub fn register(reg: &mut NativeRegistry) {
    reg.add("Elixir.Kernel", "is_map_key", 2, kernel_is_map_key);
    let m = "erlang";
    for (name, f) in [
        ("+", add as crate::vm::NativeFn),
        ("-", sub),
        ("*", mul),
        ("/", fdiv),
        ("div", div),
        ("rem", rem),
        ("band", band),
        ("bor", bor),
        ("bxor", bxor),
        ("bsl", bsl),
        ("bsr", bsr),
        ("==", eq),
        ("/=", ne),
        ("=:=", exact_eq),
        ("=/=", exact_ne),
        ("<", lt),
        (">", gt),
        ("=<", le),
        (">=", ge),
        ("max", max),
        ("min", min),
        ("and", and),
        ("or", or),
        ("xor", xor),
        ("++", append),
        ("--", subtract),
        ("element", element),
        ("setelement", setelement),
        ("is_function", is_function2),
        ("is_map_key", is_map_key),
        ("map_get", map_get),
        ("integer_to_binary", integer_to_binary),
        ("integer_to_list", integer_to_list),
        ("binary_to_integer", binary_to_integer),
        ("list_to_integer", list_to_integer),
        ("float_to_binary", float_to_binary),
        ("atom_to_binary", atom_to_binary),
        ("binary_to_atom", binary_to_atom),
        ("binary_to_existing_atom", binary_to_existing_atom),
        ("make_tuple", make_tuple),
        ("append_element", append_element),
        ("delete_element", delete_element),
        ("error", error1),
    ] {
        reg.add(m, name, 2, f);
    }
    for (name, f) in [
        ("-", neg as crate::vm::NativeFn),
        ("+", plus),
        ("abs", abs),
        ("bnot", bnot),
        ("not", not),
        ("length", length),
        ("hd", hd),
        ("tl", tl),
        ("tuple_size", tuple_size),
        ("map_size", map_size),
        ("byte_size", byte_size),
        ("bit_size", bit_size),
        ("is_atom", is_atom),
        ("is_binary", is_binary),
        ("is_bitstring", is_binary),
        ("is_boolean", is_boolean),
        ("is_float", is_float),
        ("is_function", is_function),
        ("is_integer", is_integer),
        ("is_list", is_list),
        ("is_map", is_map),
        ("is_number", is_number),
        ("is_pid", is_pid),
        ("is_reference", is_reference),
        ("is_tuple", is_tuple),
        ("trunc", trunc),
        ("round", round),
        ("floor", floor),
        ("ceil", ceil),
        ("float", to_float),
        ("integer_to_binary", integer_to_binary),
        ("integer_to_list", integer_to_list),
        ("binary_to_integer", binary_to_integer),
        ("list_to_integer", list_to_integer),
        ("float_to_binary", float_to_binary),
        ("atom_to_binary", atom_to_binary),
        ("atom_to_list", atom_to_list),
        ("binary_to_atom", binary_to_atom),
        ("binary_to_existing_atom", binary_to_existing_atom),
        ("list_to_atom", list_to_atom),
        ("list_to_tuple", list_to_tuple),
        ("tuple_to_list", tuple_to_list),
        ("list_to_binary", list_to_binary),
        ("iolist_to_binary", iolist_to_binary),
        ("iolist_size", iolist_size),
        ("binary_to_list", binary_to_list),
        ("error", error1),
        ("throw", throw),
        ("exit", exit),
        ("unique_integer", unique_integer),
    ] {
        reg.add(m, name, 1, f);
    }
    reg.add(m, "apply", 2, apply2);
    reg.add(m, "apply", 3, apply3);
    reg.add(m, "setelement", 3, setelement);
    reg.add(m, "insert_element", 3, insert_element);
    reg.add(m, "binary_part", 3, binary_part);
    reg.add(m, "unique_integer", 0, unique_integer);
    reg.add(m, "raise", 3, raise3);
    reg.add(m, "node", 0, node);
    reg.add(m, "binary_to_float", 1, binary_to_float);
    reg.add(m, "list_to_float", 1, list_to_float);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_text_round_trips() {
        // Integer.to_string(255, 16) => "FF"; String.to_integer("-15") => -15
        assert_eq!(integer_text(&Term::Int(255), 16).as_deref(), Some("FF"));
        assert!(matches!(parse_integer("-15", 10), Some(Term::Int(-15))));
        assert!(matches!(parse_integer("+7", 10), Some(Term::Int(7))));
        assert!(parse_integer("12abc", 10).is_none());
        assert!(parse_integer("", 10).is_none());
        assert!(parse_integer("-", 10).is_none());
        assert!(matches!(parse_integer("ff", 16), Some(Term::Int(255))));
    }

    #[test]
    fn iolists_flatten() {
        // :erlang.iolist_to_binary(["ab", [?c, ["d"]], 101]) => "abcde"
        let t = Term::list(vec![
            Term::string("ab"),
            Term::list(vec![Term::Int(99), Term::list(vec![Term::string("d")])]),
            Term::Int(101),
        ]);
        let mut out = Vec::new();
        assert!(iolist_bytes(&t, &mut out).is_some());
        assert_eq!(out, b"abcde");
        assert!(iolist_bytes(&Term::list(vec![Term::Int(256)]), &mut Vec::new()).is_none());
    }

    #[test]
    fn charlists_decode() {
        assert_eq!(charlist_text(&charlist("héllo")).as_deref(), Some("héllo"));
        assert!(charlist_text(&Term::list(vec![Term::atom("a")])).is_none());
    }
}

#[cfg(test)]
mod native_tests {
    use crate::stdlib::test_bench::{a, call, i, l, raised, s, t};
    use crate::term::Term;

    #[test]
    fn list_and_tuple_bifs() {
        // length([1, 2]) => 2; hd([]) raises :badarg; [1] ++ 2 => [1 | 2]; [1, 2, 1] -- [1] => [2, 1]
        assert_eq!(call("erlang", "length", vec![l(vec![i(1), i(2)])]), i(2));
        assert_eq!(raised("erlang", "hd", vec![l(vec![])]), a("badarg"));
        assert_eq!(
            call("erlang", "++", vec![l(vec![i(1)]), i(2)]),
            Term::list_with_tail(vec![i(1)], i(2))
        );
        assert_eq!(
            call(
                "erlang",
                "--",
                vec![l(vec![i(1), i(2), i(1)]), l(vec![i(1)])]
            ),
            l(vec![i(2), i(1)])
        );
        assert_eq!(
            call("erlang", "element", vec![i(2), t(vec![a("a"), a("b")])]),
            a("b")
        );
        assert_eq!(
            raised("erlang", "element", vec![i(3), t(vec![a("a")])]),
            a("badarg")
        );
        assert_eq!(
            call(
                "erlang",
                "delete_element",
                vec![i(1), t(vec![a("a"), a("b")])]
            ),
            t(vec![a("b")])
        );
        // map_size(5) raises {:badmap, 5}
        assert_eq!(
            raised("erlang", "map_size", vec![i(5)]),
            t(vec![a("badmap"), i(5)])
        );
    }

    #[test]
    fn numbers_and_conversions() {
        // round(2.5) => 3; round(-2.5) => -3; trunc(-2.7) => -2; :erlang.float(1) => 1.0
        assert_eq!(call("erlang", "round", vec![Term::Float(2.5)]), i(3));
        assert_eq!(call("erlang", "round", vec![Term::Float(-2.5)]), i(-3));
        assert_eq!(call("erlang", "trunc", vec![Term::Float(-2.7)]), i(-2));
        assert_eq!(call("erlang", "float", vec![i(1)]), Term::Float(1.0));
        // :erlang.float_to_binary(1.5) => "1.50000000000000000000e+00"
        assert_eq!(
            call("erlang", "float_to_binary", vec![Term::Float(1.5)]),
            s("1.50000000000000000000e+00")
        );
        // :erlang.float_to_binary(1.23456, decimals: 2) => "1.23"
        let opts = l(vec![t(vec![a("decimals"), i(2)])]);
        assert_eq!(
            call(
                "erlang",
                "float_to_binary",
                vec![Term::Float(1.23456), opts]
            ),
            s("1.23")
        );
        assert_eq!(call("erlang", "binary_to_integer", vec![s("-42")]), i(-42));
        assert_eq!(
            raised("erlang", "binary_to_integer", vec![s("4x")]),
            a("badarg")
        );
        assert_eq!(
            call("erlang", "binary_part", vec![s("hello"), i(1), i(3)]),
            s("ell")
        );
        assert_eq!(
            call("erlang", "and", vec![a("true"), a("false")]),
            a("false")
        );
        assert_eq!(raised("erlang", "and", vec![i(1), a("true")]), a("badarg"));
        assert_eq!(raised("erlang", "+", vec![i(1), a("a")]), a("badarith"));
    }

    #[test]
    fn apply_hands_the_call_to_the_vm() {
        let (r, _) = crate::stdlib::test_bench::run(
            "erlang",
            "apply",
            vec![a("lists"), a("reverse"), l(vec![l(vec![])])],
        );
        assert!(
            matches!(r, Err(crate::vm::Control::CallMfa { ref name, .. }) if name.as_str() == "reverse")
        );
        assert_eq!(raised("erlang", "throw", vec![a("x")]), a("x"));
    }
}
