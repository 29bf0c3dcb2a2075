//! Decoding native arguments and building the errors a bad argument raises.
//!
//! Every native shares these so that a wrong argument produces exactly the
//! exception Elixir 1.14 raises: raw `:badarg`, the "errors were found at the given
//! arguments" ArgumentError, or a FunctionClauseError naming the Elixir function.

use crate::term::{ATOMS, Term};
use crate::vm::raise::exception_struct;
use crate::vm::{Control, Raise};
use num_bigint::BigInt;

/// The raw `:badarg` error as a [`Control`].
pub fn badarg() -> Control {
    Control::Raise(Raise::badarg())
}

/// The raw `:badarith` error as a [`Control`].
pub fn badarith() -> Control {
    Control::Raise(Raise::badarith())
}

/// English ordinal of a 1-based argument position, as BEAM's error info prints it.
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, x) if x != 11 => "st",
        (2, x) if x != 12 => "nd",
        (3, x) if x != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// ArgumentError "errors were found at the given arguments:\n\n  * 1st argument: why\n",
/// the message BEAM's extended error info gives a failing BIF.
pub fn arg_error(position: usize, why: &str) -> Control {
    Control::Raise(Raise::argument_error(arg_error_message(position, why)))
}

/// [`arg_error`] raised by the Erlang function an Elixir one delegates to (Elixir
/// inlines `Atom.to_string/1` as `:erlang.atom_to_binary/1`, `elem/2` as
/// `:erlang.element/2`...): blamed on `:module.function(args)` as BEAM blames it.
pub fn bif_arg_error(module: &str, function: &str, args: &[Term], position: usize, why: &str) -> Control {
    bif_arg_errors(module, function, args, &[(position, why)])
}

/// [`bif_arg_error`] for a call with several bad arguments: BEAM's error info
/// names each, in argument order.
pub fn bif_arg_errors(module: &str, function: &str, args: &[Term], bad: &[(usize, &str)]) -> Control {
    Control::Raise(Raise::argument_error(arg_errors_message(bad)).blaming(
        crate::term::Atom::new(module),
        crate::term::Atom::new(function),
        args,
    ))
}

/// The text of [`arg_error`]'s message.
pub fn arg_error_message(position: usize, why: &str) -> String {
    arg_errors_message(&[(position, why)])
}

/// The message naming each of several bad arguments (1-based position, why), in order.
fn arg_errors_message(bad: &[(usize, &str)]) -> String {
    let lines: String = bad.iter().map(|(position, why)| format!("  * {} argument: {why}\n", ordinal(*position))).collect();
    format!("errors were found at the given arguments:\n\n{lines}")
}

/// `%FunctionClauseError{module: M, function: f, arity: n}` for an Elixir function
/// whose clauses reject the arguments (`module` without `Elixir.`).
pub fn function_clause(module: &str, function: &str, arity: u32) -> Control {
    Control::Raise(Raise::error(exception_struct(
        "FunctionClauseError",
        vec![
            ("module", Term::atom(&format!("Elixir.{module}"))),
            ("function", Term::atom(function)),
            ("arity", Term::Int(i64::from(arity))),
            ("kind", Term::nil()),
            ("args", Term::nil()),
            ("clauses", Term::nil()),
        ],
    )))
}

/// `%KeyError{key: key, term: term, message: nil}`.
pub fn key_error(key: &Term, term: &Term) -> Control {
    Control::Raise(Raise::error(exception_struct(
        "KeyError",
        vec![
            ("key", key.clone()),
            ("term", term.clone()),
            ("message", Term::nil()),
        ],
    )))
}

/// The raw `{:badmap, term}` error.
pub fn badmap(term: &Term) -> Control {
    Control::Raise(Raise::error(Term::pair(Term::atom("badmap"), term.clone())))
}

/// The text of a binary that is valid UTF-8.
pub fn text(t: &Term) -> Option<&str> {
    t.as_str()
}

/// A small integer argument.
pub fn small_int(t: &Term) -> Option<i64> {
    match t {
        Term::Int(i) => Some(*i),
        _ => None,
    }
}

/// An integer base Erlang accepts (2 to 36), if `t` is one.
pub fn radix(t: &Term) -> Option<u32> {
    small_int(t).filter(|b| (2..=36).contains(b)).map(|b| b as u32)
}

/// A non-negative integer argument that fits in `usize`.
pub fn index(t: &Term) -> Option<usize> {
    small_int(t).and_then(|i| usize::try_from(i).ok())
}

/// Any integer as a bignum.
pub fn bigint(t: &Term) -> Option<BigInt> {
    match t {
        Term::Int(i) => Some(BigInt::from(*i)),
        Term::BigInt(b) => Some((**b).clone()),
        _ => None,
    }
}

/// Any number as a float (bignums beyond f64 become infinities, so callers check).
pub fn float(t: &Term) -> Option<f64> {
    use num_traits::ToPrimitive;
    match t {
        Term::Int(i) => Some(*i as f64),
        Term::BigInt(b) => b.to_f64(),
        Term::Float(f) => Some(*f),
        _ => None,
    }
}

/// The elements of a proper list.
pub fn list(t: &Term) -> Option<Vec<Term>> {
    t.list_to_vec()
}

/// The elements of a tuple.
pub fn tuple(t: &Term) -> Option<&[Term]> {
    match t {
        Term::Tuple(items) => Some(&items[..]),
        _ => None,
    }
}

/// An `{:ok, value}` tuple.
pub fn ok(value: Term) -> Term {
    Term::pair(Term::ok(), value)
}

/// An `{:error, reason}` tuple.
pub fn error(reason: Term) -> Term {
    Term::pair(Term::Atom(ATOMS.error), reason)
}

/// A float result, raising `:badarith` for the NaN and infinities BEAM never produces.
pub fn finite(f: f64) -> Result<Term, Control> {
    if f.is_finite() {
        Ok(Term::Float(f))
    } else {
        Err(badarith())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_follow_english() {
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(2), "2nd");
        assert_eq!(ordinal(3), "3rd");
        assert_eq!(ordinal(4), "4th");
        assert_eq!(ordinal(11), "11th");
        assert_eq!(ordinal(22), "22nd");
    }
}
