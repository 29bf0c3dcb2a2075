//! `:math`: floating-point functions. Domain errors (`sqrt(-1)`, `log(0)`) raise
//! `:badarith`, as BEAM does; every result is a float.

use super::argument::{badarg, finite, float};
use crate::term::Term;
use crate::vm::{NativeCtx, NativeRegistry, NativeResult};

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

fn num(t: &Term) -> Result<f64, crate::vm::Control> {
    float(t).ok_or_else(badarg)
}

macro_rules! unary {
    ($name:ident, $f:expr) => {
        fn $name(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
            let f: fn(f64) -> f64 = $f;
            finite(f(num(&a[0])?))
        }
    };
}
unary!(sqrt, f64::sqrt);
unary!(log, f64::ln);
unary!(log2, f64::log2);
unary!(log10, f64::log10);
unary!(exp, f64::exp);
unary!(floor, f64::floor);
unary!(ceil, f64::ceil);
unary!(sin, f64::sin);
unary!(cos, f64::cos);
unary!(tan, f64::tan);
unary!(atan, f64::atan);
unary!(asin, f64::asin);
unary!(acos, f64::acos);

fn pow(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    finite(num(&a[0])?.powf(num(&a[1])?))
}
fn atan2(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    finite(num(&a[0])?.atan2(num(&a[1])?))
}
fn fmod(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    finite(num(&a[0])? % num(&a[1])?)
}
fn pi(_: Cx<'_, '_>, _: &[Term]) -> NativeResult {
    Ok(Term::Float(std::f64::consts::PI))
}

/// Registers `:math`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "math";
    for (name, f) in [
        ("sqrt", sqrt as crate::vm::NativeFn),
        ("log", log),
        ("log2", log2),
        ("log10", log10),
        ("exp", exp),
        ("floor", floor),
        ("ceil", ceil),
        ("sin", sin),
        ("cos", cos),
        ("tan", tan),
        ("atan", atan),
        ("asin", asin),
        ("acos", acos),
    ] {
        reg.add(m, name, 1, f);
    }
    reg.add(m, "pow", 2, pow);
    reg.add(m, "atan2", 2, atan2);
    reg.add(m, "fmod", 2, fmod);
    reg.add(m, "pi", 0, pi);
}

#[cfg(test)]
mod tests {
    use crate::stdlib::test_bench::{a, call, i, raised};
    use crate::term::Term;

    #[test]
    fn math_results_and_domain_errors() {
        // :math.pow(2, 10) => 1024.0; :math.sqrt(16) => 4.0; :math.log2(8) => 3.0; :math.floor(2.5) => 2.0
        assert_eq!(call("math", "pow", vec![i(2), i(10)]), Term::Float(1024.0));
        assert_eq!(call("math", "sqrt", vec![i(16)]), Term::Float(4.0));
        assert_eq!(call("math", "log2", vec![i(8)]), Term::Float(3.0));
        assert_eq!(
            call("math", "floor", vec![Term::Float(2.5)]),
            Term::Float(2.0)
        );
        // :math.sqrt(-1) and :math.log(0) raise ArithmeticError
        assert_eq!(raised("math", "sqrt", vec![i(-1)]), a("badarith"));
        assert_eq!(raised("math", "log", vec![i(0)]), a("badarith"));
    }
}
