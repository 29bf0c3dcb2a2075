//! Floats as Elixir 1.14 writes them.
//!
//! Two entry points, because Elixir has two rules:
//! - [`float_to_text`] is `Float.to_string/1` / String.Chars: Erlang's
//!   `io_lib_format:fwrite_g/1`, the shortest digits that read back as the same
//!   float, placed in fixed or exponent notation, whichever is cheaper by Erlang's
//!   cost rule (`1.0e10`, `2.5e-5`, `0.001`, `0.30000000000000004`).
//! - [`float_inspect`] is `Inspect.Float`: the same, except that integral values with
//!   `1.0 <= |x| < 1.0e16` print as the integer followed by `.0` (`10000000000.0`).

/// `Float.to_string(x)`: Erlang's shortest round-trip format.
pub fn float_to_text(x: f64) -> String {
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    let (digits, place) = shortest_digits(x.abs());
    let body = place_decimal_point(&digits, place, x.abs() >= 9_007_199_254_740_992.0);
    if x < 0.0 { format!("-{body}") } else { body }
}

/// `inspect(x)` for a float.
pub fn float_inspect(x: f64) -> String {
    let abs = x.abs();
    if (1.0..1.0e16).contains(&abs) && abs.trunc() == abs {
        // Exact: every integral float below 2^53 (and below 1e16) is an integer in i64.
        format!("{}.0", x as i64)
    } else {
        float_to_text(x)
    }
}

/// The shortest decimal digits of a positive finite `x` and the position of the
/// decimal point: `x = 0.d1 d2 d3 ... × 10^place`.
fn shortest_digits(x: f64) -> (String, i32) {
    let mut buffer = ryu::Buffer::new();
    // ryu writes either `123.45`, `0.00012`, or `1.2345e20` / `1e-7`.
    let written = buffer.format_finite(x);
    let (mantissa, exponent) = match written.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (written, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all: String = format!("{int_part}{frac_part}");
    // Leading zeros shift the point left; trailing zeros are not significant.
    let leading = all.len() - all.trim_start_matches('0').len();
    let digits = all.trim_start_matches('0').trim_end_matches('0').to_string();
    let place = int_part.len() as i32 - leading as i32 + exponent;
    (digits, place)
}

/// Erlang's `insert_decimal/3`: fixed notation unless the exponent form is shorter.
/// `beyond_exact_integers` is `|x| >= 2^53`, where Erlang never writes trailing zeros.
fn place_decimal_point(digits: &str, place: i32, beyond_exact_integers: bool) -> String {
    let len = digits.len() as i32;
    if place == 0 {
        return format!("0.{digits}");
    }
    if place > 0 && place < len {
        let (int_part, frac_part) = digits.split_at(place as usize);
        return format!("{int_part}.{frac_part}");
    }
    let exp = (place - 1).to_string();
    // Erlang's cost of the exponent form: the exponent, "e", and the dot (plus a
    // "0" after it for a one-digit mantissa).
    let exp_dot = if len == 1 { 2 } else { 1 };
    let exp_cost = exp.len() as i32 + 1 + exp_dot;
    if place < 0 {
        if 2 - place <= exp_cost {
            format!("0.{}{digits}", "0".repeat((-place) as usize))
        } else {
            exponent_form(digits, &exp)
        }
    } else if place - len + 2 <= exp_cost && !beyond_exact_integers {
        format!("{digits}{}.0", "0".repeat((place - len) as usize))
    } else {
        exponent_form(digits, &exp)
    }
}

fn exponent_form(digits: &str, exp: &str) -> String {
    let (first, rest) = digits.split_at(1);
    if rest.is_empty() { format!("{first}.0e{exp}") } else { format!("{first}.{rest}e{exp}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspect_matches_elixir() {
        // Pairs printed by Elixir 1.14 (`IO.puts inspect(x)`).
        let cases = [
            (1.0e10, "10000000000.0"),
            (1.0e16, "1.0e16"),
            (1.5e10, "15000000000.0"),
            (12345678901234568.0, "1.2345678901234568e16"),
            (1.2345678901234568e20, "1.2345678901234568e20"),
            (0.001, "0.001"),
            (0.0001, "0.0001"),
            (0.00001, "1.0e-5"),
            (0.00025, "2.5e-4"),
            (0.025, "0.025"),
            (1.0e-10, "1.0e-10"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (123.456, "123.456"),
            (1.0e15, "1000000000000000.0"),
            (9.999999999999998e15, "9999999999999998.0"),
            (1.0e17, "1.0e17"),
            (5.0e-324, "5.0e-324"),
            (1.7976931348623157e308, "1.7976931348623157e308"),
            (-1.0e16, "-1.0e16"),
            (1.0e100, "1.0e100"),
            (0.1, "0.1"),
            (1.5, "1.5"),
            (2.0e20, "2.0e20"),
            (1.25e16, "1.25e16"),
            (3.0, "3.0"),
            (0.1 + 0.2, "0.30000000000000004"),
            (2.5e-5, "2.5e-5"),
            (-0.5, "-0.5"),
            (100.0, "100.0"),
            (1.0 / 3.0, "0.3333333333333333"),
        ];
        for (x, want) in cases {
            assert_eq!(float_inspect(x), want, "inspect of {x:e}");
        }
    }

    #[test]
    fn to_text_matches_elixir() {
        // `"#{x}"` in Elixir 1.14 skips inspect's integral rule.
        assert_eq!(float_to_text(1.0e10), "1.0e10");
        assert_eq!(float_to_text(1.0e15), "1.0e15");
        assert_eq!(float_to_text(100.0), "100.0");
        assert_eq!(float_to_text(2.5e-5), "2.5e-5");
        assert_eq!(float_to_text(-0.0), "-0.0");
        assert_eq!(float_to_text(152.5), "152.5");
        // Erlang's cost rule and its 2^53 cut-off for integral values.
        let cases = [
            (1000.0, "1.0e3"),
            (150.0, "150.0"),
            (1500.0, "1.5e3"),
            (12345.0, "12345.0"),
            (1234500.0, "1.2345e6"),
            (9007199254740990.0, "9007199254740990.0"),
            (9007199254740992.0, "9.007199254740992e15"),
            (4503599627370497.0, "4503599627370497.0"),
            (0.0025, "0.0025"),
            (0.00025, "2.5e-4"),
            (0.00125, "0.00125"),
            (0.000125, "1.25e-4"),
            (1.0e-4, "0.0001"),
            (1.2e-4, "1.2e-4"),
            (1.0e22, "1.0e22"),
        ];
        for (x, want) in cases {
            assert_eq!(float_to_text(x), want, "to_string of {x:e}");
        }
    }
}
