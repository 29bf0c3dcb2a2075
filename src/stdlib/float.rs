//! `Float`: round/ceil/floor with precision, parse, to_string; and [`float_to_text`],
//! Erlang's shortest round-trip float printing used by `to_string` and `Float.to_string`.

use super::argument::{finite, function_clause, small_int, text};
use crate::term::Term;
use crate::vm::{NativeCtx, NativeRegistry, NativeResult};

/// The shortest text that reads back as `f`, laid out as Erlang's
/// `io_lib_format:fwrite_g/1` does (`1.0`, `0.1`, `1.0e6`, `1.2345678901234568e16`).
pub fn float_to_text(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // Rust's `{:e}` prints the shortest round-trip digits: "6.666666666666666e-1".
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    // Value = 0.DIGITS × 10^place.
    let place = exp + 1;
    let len = digits.len() as i64;
    let body = if place < 0 || place >= len {
        let exp_text = (place - 1).to_string();
        let exp_dot = if len == 1 { 2 } else { 1 };
        let exp_cost = exp_text.len() as i64 + 1 + exp_dot;
        if place < 0 {
            if 2 - place <= exp_cost {
                format!("0.{}{}", "0".repeat((-place) as usize), digits)
            } else {
                with_exponent(&digits, &exp_text)
            }
        } else if place - len + 2 <= exp_cost && f.abs() < 9_007_199_254_740_992.0 {
            format!("{}{}.0", digits, "0".repeat((place - len) as usize))
        } else {
            with_exponent(&digits, &exp_text)
        }
    } else if place == 0 {
        format!("0.{digits}")
    } else {
        let (int, frac) = digits.split_at(place as usize);
        format!("{int}.{frac}")
    };
    if f < 0.0 { format!("-{body}") } else { body }
}

fn with_exponent(digits: &str, exp: &str) -> String {
    let (first, rest) = digits.split_at(1);
    if rest.is_empty() {
        format!("{first}.0e{exp}")
    } else {
        format!("{first}.{rest}e{exp}")
    }
}

/// Parses the longest float prefix of `s` as `Float.parse/1` does: digits, an optional
/// fraction and exponent; returns the value and the byte length consumed.
pub fn parse_prefix(s: &str) -> Option<(f64, usize)> {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == int_start {
        return None;
    }
    let mut end = i;
    if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        end = i;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let exp_start = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > exp_start {
            end = j;
        }
    }
    let value: f64 = s[..end].parse().ok()?;
    value.is_finite().then_some((value, end))
}

/// Rounds `f` to `digits` decimal places, halves away from zero, the way
/// `Float.round/2` does on the exact decimal expansion (so 2.675 → 2.67, as in Elixir).
pub fn round_to(f: f64, digits: u32, mode: Rounding) -> f64 {
    // Decide on the exact decimal expansion of the double: format with plenty of
    // digits (f64 is exact in at most 1074 places; 40 beyond the target suffice to
    // see whether we are above, at or below the half).
    let exact = format!("{:.*}", digits as usize + 40, f.abs());
    let cut = exact
        .find('.')
        .map(|p| p + 1 + digits as usize)
        .unwrap_or(exact.len());
    let (kept, rest) = exact.split_at(cut.min(exact.len()));
    let kept = kept.trim_end_matches('.');
    let truncated: f64 = kept.parse().unwrap_or(0.0);
    let rest_nonzero = rest.bytes().any(|c| c != b'0');
    let ulp = 10f64.powi(-(digits as i32));
    let up = match mode {
        Rounding::HalfUp => rest.as_bytes().first().is_some_and(|c| *c >= b'5'),
        Rounding::Ceil => rest_nonzero && f > 0.0,
        Rounding::Floor => rest_nonzero && f < 0.0,
    };
    let magnitude = if up { truncated + ulp } else { truncated };
    // Re-parse through text so the result is the double nearest the decimal.
    let text = format!("{:.*}", digits as usize, magnitude);
    let value: f64 = text.parse().unwrap_or(magnitude);
    if f < 0.0 { -value } else { value }
}

/// How [`round_to`] rounds.
#[derive(Clone, Copy)]
pub enum Rounding {
    /// Halves away from zero (`Float.round`).
    HalfUp,
    /// Toward positive infinity (`Float.ceil`).
    Ceil,
    /// Toward negative infinity (`Float.floor`).
    Floor,
}

fn rounding(name: &'static str, mode: Rounding) -> impl Fn(&[Term]) -> NativeResult {
    move |a: &[Term]| {
        let arity = a.len() as u32;
        let f = match &a[0] {
            Term::Float(f) => *f,
            _ => return Err(function_clause("Float", name, arity)),
        };
        let digits = match a.get(1) {
            None => 0,
            Some(d) => match small_int(d) {
                Some(d @ 0..=15) => d as u32,
                _ => return Err(function_clause("Float", name, arity)),
            },
        };
        finite(round_to(f, digits, mode))
    }
}

fn round(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    rounding("round", Rounding::HalfUp)(a)
}
fn ceil(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    rounding("ceil", Rounding::Ceil)(a)
}
fn floor(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    rounding("floor", Rounding::Floor)(a)
}
fn parse(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let s = text(&a[0]).ok_or_else(|| function_clause("Float", "parse", 1))?;
    Ok(match parse_prefix(s) {
        Some((f, used)) => Term::pair(Term::Float(f), Term::string(&s[used..])),
        None => Term::atom("error"),
    })
}
fn to_string(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    match &a[0] {
        Term::Float(f) => Ok(Term::string(float_to_text(*f))),
        _ => Err(function_clause("Float", "to_string", 1)),
    }
}

fn max_finite(_: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    Ok(Term::Float(f64::MAX))
}
fn min_finite(_: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    Ok(Term::Float(f64::MIN))
}
/// `Float.pow/2`: a float base to an integer or float exponent.
fn pow(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let Term::Float(base) = a[0] else { return Err(function_clause("Float", "pow", 2)) };
    match &a[1] {
        Term::Int(e) => finite(base.powi(i32::try_from(*e).map_err(|_| super::argument::badarith())?)),
        Term::Float(e) if base < 0.0 && e.fract() != 0.0 => Err(super::argument::badarith()),
        Term::Float(e) => finite(base.powf(*e)),
        _ => Err(function_clause("Float", "pow", 2)),
    }
}
/// `Float.ratio/1`: the exact `{numerator, denominator}` of a float, in lowest terms.
fn ratio(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    use num_bigint::BigInt;
    let Term::Float(f) = a[0] else { return Err(function_clause("Float", "ratio", 1)) };
    if f == 0.0 {
        return Ok(Term::pair(Term::Int(0), Term::Int(1)));
    }
    let bits = f.to_bits();
    let sign: i64 = if bits >> 63 == 1 { -1 } else { 1 };
    let raw_exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    // f = mantissa * 2^exp
    let (mut mantissa, mut exp) = if raw_exp == 0 { (frac, -1074) } else { (frac | (1 << 52), raw_exp - 1075) };
    while exp < 0 && mantissa % 2 == 0 {
        mantissa /= 2;
        exp += 1;
    }
    let num = BigInt::from(sign) * BigInt::from(mantissa);
    Ok(if exp >= 0 {
        Term::pair(Term::from_bigint(num << exp as usize), Term::Int(1))
    } else {
        Term::pair(Term::from_bigint(num), Term::from_bigint(BigInt::from(1) << (-exp) as usize))
    })
}
fn to_charlist(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let Term::Float(f) = a[0] else { return Err(function_clause("Float", "to_charlist", 1)) };
    Ok(Term::list(float_to_text(f).chars().map(|c| Term::Int(c as i64)).collect()))
}

/// Registers `Float`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "Elixir.Float";
    reg.add(m, "max_finite", 0, max_finite);
    reg.add(m, "min_finite", 0, min_finite);
    reg.add(m, "pow", 2, pow);
    reg.add(m, "ratio", 1, ratio);
    reg.add(m, "to_charlist", 1, to_charlist);
    reg.add(m, "round", 1, round);
    reg.add(m, "round", 2, round);
    reg.add(m, "ceil", 1, ceil);
    reg.add(m, "ceil", 2, ceil);
    reg.add(m, "floor", 1, floor);
    reg.add(m, "floor", 2, floor);
    reg.add(m, "parse", 1, parse);
    reg.add(m, "to_string", 1, to_string);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_erlang() {
        // Float.to_string/1 in Elixir 1.14 for each input:
        let cases = [
            (1.0, "1.0"),
            (100.0, "100.0"),
            (1.0e6, "1.0e6"),
            (123456789.0, "123456789.0"),
            (1.0e15, "1.0e15"),
            (1.0e20, "1.0e20"),
            (0.1, "0.1"),
            (0.001, "0.001"),
            (0.0001, "0.0001"),
            (1.0e-5, "1.0e-5"),
            (2.0 / 3.0, "0.6666666666666666"),
            (1.5e300, "1.5e300"),
            (-0.0, "-0.0"),
            (12345678901234567.0, "1.2345678901234568e16"),
            (-42.5, "-42.5"),
        ];
        for (f, want) in cases {
            assert_eq!(float_to_text(f), want, "{f}");
        }
    }

    #[test]
    fn rounds_like_elixir() {
        // Float.round(2 / 3, 2) => 0.67; Float.round(2.675, 2) => 2.67 (binary 2.67499..)
        assert_eq!(round_to(2.0 / 3.0, 2, Rounding::HalfUp), 0.67);
        assert_eq!(round_to(2.675, 2, Rounding::HalfUp), 2.67);
        assert_eq!(round_to(-1.5, 0, Rounding::HalfUp), -2.0);
        // Float.ceil(1.01, 1) => 1.1 ; Float.floor(-1.01, 1) => -1.1
        assert_eq!(round_to(1.01, 1, Rounding::Ceil), 1.1);
        assert_eq!(round_to(-1.01, 1, Rounding::Floor), -1.1);
        assert_eq!(round_to(3.7, 0, Rounding::Floor), 3.0);
    }

    #[test]
    fn parses_prefixes() {
        // Float.parse("3.25abc") => {3.25, "abc"}; Float.parse("1e3") => {1.0e3, ""}
        assert_eq!(parse_prefix("3.25abc"), Some((3.25, 4)));
        assert_eq!(parse_prefix("1e3"), Some((1000.0, 3)));
        assert_eq!(parse_prefix("12."), Some((12.0, 2)));
        assert_eq!(parse_prefix("x"), None);
    }
}
