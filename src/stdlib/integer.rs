//! `Integer`: to_string/parse in any base, pow, floor_div, mod, digits, gcd, parity.

use super::argument::{bif_arg_errors, bigint, function_clause, radix, small_int, text};
use super::arith;
use super::erlang::{charlist, integer_text, parse_integer};
use crate::term::Term;
use crate::vm::{NativeCtx, NativeRegistry, NativeResult, Raise};
use num_integer::Integer as _;

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

fn base_of(a: &[Term], name: &str) -> Result<u32, crate::vm::Control> {
    match a.get(1) {
        None => Ok(10),
        Some(b) => radix(b).ok_or_else(|| function_clause("Integer", name, a.len() as u32)),
    }
}

/// The text of `:erlang.integer_to_binary/1,2` or `integer_to_list/1,2` (`bif`),
/// which `Integer.to_string` and `to_charlist` delegate to: the BIF checks the
/// integer, then the base, and is blamed for either.
fn bif_integer_text(a: &[Term], bif: &str) -> Result<String, crate::vm::Control> {
    let base = a.get(1).map_or(Some(10), radix);
    let mut bad = Vec::new();
    if !matches!(a[0], Term::Int(_) | Term::BigInt(_)) {
        bad.push((1, "not an integer"));
    }
    if base.is_none() {
        bad.push((2, "not an integer in the range 2 through 36"));
    }
    match base.and_then(|base| integer_text(&a[0], base)) {
        Some(text) if bad.is_empty() => Ok(text),
        _ => Err(bif_arg_errors("erlang", bif, a, &bad)),
    }
}

fn to_string(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    bif_integer_text(a, "integer_to_binary").map(Term::string)
}
fn to_charlist(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    bif_integer_text(a, "integer_to_list").map(|s| charlist(&s))
}

/// `Integer.parse/2`: the longest integer prefix and the rest, or `:error`. As in
/// Elixir, a bad base is an ArgumentError before the subject is looked at, and a
/// subject that is not a binary fails `parse/2`'s clauses (parse/1 is parse/2).
fn parse(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let base = match a.get(1) {
        None => 10,
        Some(b) => radix(b).ok_or_else(|| Raise::argument_error(format!("invalid base {}", crate::term::inspect::inspect(b))))?,
    };
    let s = text(&a[0]).ok_or_else(|| function_clause("Integer", "parse", 2))?;
    let signed = s.starts_with(['+', '-']);
    let body = if signed { &s[1..] } else { s };
    let digits = body.chars().take_while(|c| c.is_digit(base)).count();
    if digits == 0 {
        return Ok(Term::atom("error"));
    }
    let end = digits + usize::from(signed);
    match parse_integer(&s[..end], base) {
        Some(n) => Ok(Term::pair(n, Term::string(&s[end..]))),
        None => Ok(Term::atom("error")),
    }
}

fn pow(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match (&a[0], &a[1]) {
        (b, Term::Int(e)) if b.is_integer() && *e >= 0 => Ok(arith::int_pow(b, *e as u64)?),
        // A negative exponent is an arithmetic error, as in Elixir 1.14.
        (b, Term::Int(_)) if b.is_integer() => Err(super::argument::badarith()),
        _ => Err(function_clause("Integer", "pow", 2)),
    }
}

fn int_pair(a: &[Term], name: &str) -> Result<(), crate::vm::Control> {
    if a[0].is_integer() && a[1].is_integer() && !matches!(a[1], Term::Int(0)) {
        Ok(())
    } else {
        Err(function_clause("Integer", name, 2))
    }
}
fn floor_div(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    int_pair(a, "floor_div")?;
    Ok(arith::floor_div(&a[0], &a[1])?)
}
fn modulo(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    int_pair(a, "mod")?;
    Ok(arith::modulo(&a[0], &a[1])?)
}
fn gcd(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    match (bigint(&a[0]), bigint(&a[1])) {
        (Some(x), Some(y)) => Ok(Term::from_bigint(x.gcd(&y))),
        _ => Err(function_clause("Integer", "gcd", 2)),
    }
}
fn digits(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let base = base_of(a, "digits")?;
    let n = bigint(&a[0]).ok_or_else(|| function_clause("Integer", "digits", a.len() as u32))?;
    let negative = n.sign() == num_bigint::Sign::Minus;
    let (_, mut ds) = n.to_radix_be(base);
    if ds.is_empty() {
        ds.push(0);
    }
    // Integer.digits(-123) => [-1, -2, -3]
    Ok(Term::list(
        ds.into_iter()
            .map(|d| {
                Term::Int(if negative {
                    -i64::from(d)
                } else {
                    i64::from(d)
                })
            })
            .collect(),
    ))
}
fn undigits(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let base = base_of(a, "undigits")?;
    let items = a[0]
        .list_to_vec()
        .ok_or_else(|| function_clause("Integer", "undigits", a.len() as u32))?;
    let mut acc = Term::Int(0);
    for d in items {
        match small_int(&d) {
            Some(x) if x < i64::from(base) => {
                acc = arith::add(&arith::mul(&acc, &Term::Int(i64::from(base)))?, &d)?;
            }
            _ => {
                return Err(crate::vm::Control::Raise(crate::vm::Raise::argument_error(
                    format!(
                        "invalid digit {} in base {base}",
                        crate::term::inspect::inspect(&d)
                    ),
                )));
            }
        }
    }
    Ok(acc)
}
fn parity(a: &Term, name: &str, even: bool) -> NativeResult {
    match bigint(a) {
        Some(n) => Ok(Term::bool(n.is_even() == even)),
        None => Err(function_clause("Integer", name, 1)),
    }
}
fn is_even(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    parity(&a[0], "is_even", true)
}
fn is_odd(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    parity(&a[0], "is_odd", false)
}

/// `Integer.extended_gcd/2`: `{gcd, s, t}` with `a*s + b*t == gcd`, Elixir's iteration.
fn extended_gcd(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    use num_bigint::BigInt;
    let (Some(x), Some(y)) = (bigint(&a[0]), bigint(&a[1])) else {
        return Err(function_clause("Integer", "extended_gcd", 2));
    };
    let zero = BigInt::from(0);
    if x == zero && y == zero {
        return Ok(Term::tuple(vec![Term::Int(0), Term::Int(0), Term::Int(0)]));
    }
    // extended_gcd(r1, r0, s1, s0, t1, t0) as in Elixir's Integer.
    let (mut r1, mut r0) = (y, x);
    let (mut s1, mut s0) = (BigInt::from(0), BigInt::from(1));
    let (mut t1, mut t0) = (BigInt::from(1), BigInt::from(0));
    while r1 != zero {
        let q = &r0 / &r1;
        let r2 = &r0 - &q * &r1;
        let s2 = &s0 - &q * &s1;
        let t2 = &t0 - &q * &t1;
        (r0, r1) = (r1, r2);
        (s0, s1) = (s1, s2);
        (t0, t1) = (t1, t2);
    }
    if r0 < zero {
        (r0, s0, t0) = (-r0, -s0, -t0);
    }
    Ok(Term::tuple(vec![Term::from_bigint(r0), Term::from_bigint(s0), Term::from_bigint(t0)]))
}

/// Registers `Integer`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "Elixir.Integer";
    reg.add(m, "extended_gcd", 2, extended_gcd);
    for arity in [1, 2] {
        reg.add(m, "to_string", arity, to_string);
        reg.add(m, "to_charlist", arity, to_charlist);
        reg.add(m, "parse", arity, parse);
        reg.add(m, "digits", arity, digits);
        reg.add(m, "undigits", arity, undigits);
    }
    reg.add(m, "pow", 2, pow);
    reg.add(m, "floor_div", 2, floor_div);
    reg.add(m, "mod", 2, modulo);
    reg.add(m, "gcd", 2, gcd);
    reg.add(m, "is_even", 1, is_even);
    reg.add(m, "is_odd", 1, is_odd);
}

#[cfg(test)]
mod tests {
    use crate::stdlib::test_bench::{a, call, i, l, raised_message, s, t};

    fn integer(name: &str, args: Vec<crate::term::Term>) -> crate::term::Term {
        call("Elixir.Integer", name, args)
    }

    #[test]
    fn text_and_parsing() {
        // Integer.to_string(255, 16) => "FF"; Integer.parse("12abc") => {12, "abc"}
        assert_eq!(integer("to_string", vec![i(255), i(16)]), s("FF"));
        assert_eq!(integer("parse", vec![s("12abc")]), t(vec![i(12), s("abc")]));
        assert_eq!(
            integer("parse", vec![s("-12abc")]),
            t(vec![i(-12), s("abc")])
        );
        assert_eq!(integer("parse", vec![s("+")]), a("error"));
        assert_eq!(
            integer("digits", vec![i(-123)]),
            l(vec![i(-1), i(-2), i(-3)])
        );
    }

    #[test]
    fn arithmetic_helpers() {
        // Integer.pow(2, 10) => 1024; floor_div(-7, 2) => -4; mod(-7, 2) => 1; gcd(12, 18) => 6
        assert_eq!(integer("pow", vec![i(2), i(10)]), i(1024));
        assert_eq!(integer("floor_div", vec![i(-7), i(2)]), i(-4));
        assert_eq!(integer("mod", vec![i(-7), i(2)]), i(1));
        assert_eq!(integer("gcd", vec![i(12), i(18)]), i(6));
        assert!(integer("is_even", vec![i(4)]).is_atom_named("true"));
        // Integer.pow(2, -1) => ** (ArithmeticError) bad argument in arithmetic expression
        assert_eq!(
            raised_message("Elixir.Integer", "pow", vec![i(2), i(-1)]),
            "bad argument in arithmetic expression"
        );
    }
}
