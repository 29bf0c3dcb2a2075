//! Elixir's own structs otplab knows without a `defstruct`: `Range`, `Date` and the
//! built-in exceptions, with their fields and defaults in the order Elixir 1.14
//! declares them (the order `inspect` prints them in).
//!
//! This table is the one source of truth: the compiler builds `%KeyError{}` from it,
//! the VM builds `raise KeyError` from it, the standard library's
//! `Exception.normalize/2` fills in the fields a raw error does not name from it, and a
//! session registers the print order from it. A default here is the struct's default,
//! not a message: `%KeyError{}` has `message: nil`, and `Exception.message/1` computes
//! "key nil not found" from the other fields, as Elixir does.

use super::{Atom, Term};

/// A field's default value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldDefault {
    /// `nil`
    Nil,
    /// A binary.
    Text(&'static str),
}

impl FieldDefault {
    /// The default as a term.
    pub fn term(self) -> Term {
        match self {
            FieldDefault::Nil => Term::nil(),
            FieldDefault::Text(t) => Term::string(t),
        }
    }
}

/// One of Elixir's own structs.
#[derive(Debug)]
pub struct BuiltinStruct {
    /// The module atom's text, `Elixir.` included (`"Elixir.KeyError"`).
    pub module: &'static str,
    /// Whether it is an exception (has `__exception__: true`).
    pub is_exception: bool,
    /// Fields (besides `__struct__`/`__exception__`) and defaults, in declaration order.
    pub fields: &'static [(&'static str, FieldDefault)],
}

impl BuiltinStruct {
    /// The fields with their default terms, in declaration order.
    pub fn defaults(&self) -> Vec<(&'static str, Term)> {
        self.fields.iter().map(|(k, d)| (*k, d.term())).collect()
    }

    /// The module name without `Elixir.` (`"KeyError"`).
    pub fn short_name(&self) -> &'static str {
        self.module.strip_prefix("Elixir.").unwrap_or(self.module)
    }
}

use FieldDefault::{Nil, Text};

/// A struct whose every field defaults to nil.
macro_rules! nil_fields {
    ($($f:literal),*) => { &[$(($f, Nil)),*] };
}

/// Every built-in struct, exceptions after the plain ones.
pub static BUILTIN_STRUCTS: &[BuiltinStruct] = &[
    plain("Elixir.Range", nil_fields!("first", "last", "step")),
    plain("Elixir.Date", nil_fields!("calendar", "day", "month", "year")),
    // Built by `File.stream!/1` (see `stdlib::file`); known here because patterns
    // name it (the prelude's Enumerable), and a pattern on a struct the compiler
    // does not know is a CompileError, as in Elixir. Fields in Elixir's order
    // (inspect prints them so); their defaults are nil here, as nothing but the
    // native builds one.
    plain("Elixir.File.Stream", nil_fields!("path", "modes", "line_or_bytes", "raw")),
    // Built by `Date.range/2,3` (see `stdlib::date`), for the same reason.
    plain("Elixir.Date.Range", nil_fields!("first", "last", "first_in_iso_days", "last_in_iso_days", "step")),
    exception("Elixir.RuntimeError", &[("message", Text("runtime error"))]),
    exception("Elixir.ArgumentError", &[("message", Text("argument error"))]),
    exception("Elixir.ArithmeticError", &[("message", Text("bad argument in arithmetic expression"))]),
    exception("Elixir.SystemLimitError", &[("message", Text("a system limit has been reached"))]),
    exception("Elixir.Enum.EmptyError", &[("message", Text("empty error"))]),
    exception("Elixir.Enum.OutOfBoundsError", &[("message", Text("out of bounds error"))]),
    exception("Elixir.KeyError", nil_fields!("key", "term", "message")),
    exception("Elixir.MatchError", nil_fields!("term")),
    exception("Elixir.CaseClauseError", nil_fields!("term")),
    exception("Elixir.WithClauseError", nil_fields!("term")),
    exception("Elixir.TryClauseError", nil_fields!("term")),
    exception("Elixir.BadMapError", nil_fields!("term")),
    exception("Elixir.BadFunctionError", nil_fields!("term")),
    exception("Elixir.BadStructError", nil_fields!("term")),
    exception("Elixir.BadBooleanError", nil_fields!("term", "operator")),
    exception("Elixir.BadArityError", nil_fields!("function", "args")),
    exception("Elixir.CondClauseError", &[]),
    exception("Elixir.ErlangError", nil_fields!("original", "reason")),
    exception(
        "Elixir.FunctionClauseError",
        nil_fields!("module", "function", "arity", "kind", "args", "clauses"),
    ),
    exception("Elixir.UndefinedFunctionError", nil_fields!("module", "function", "arity", "reason", "message")),
    exception("Elixir.Protocol.UndefinedError", &[("protocol", Nil), ("value", Nil), ("description", Text(""))]),
    exception("Elixir.File.Error", &[("reason", Nil), ("path", Nil), ("action", Text(""))]),
];

const fn plain(module: &'static str, fields: &'static [(&'static str, FieldDefault)]) -> BuiltinStruct {
    BuiltinStruct { module, is_exception: false, fields }
}

const fn exception(module: &'static str, fields: &'static [(&'static str, FieldDefault)]) -> BuiltinStruct {
    BuiltinStruct { module, is_exception: true, fields }
}

/// The built-in struct named `module`, given with or without `Elixir.`.
pub fn builtin_struct(module: &str) -> Option<&'static BuiltinStruct> {
    let short = module.strip_prefix("Elixir.").unwrap_or(module);
    BUILTIN_STRUCTS.iter().find(|s| s.short_name() == short)
}

/// The built-in struct whose module is the atom `module`.
pub fn builtin_struct_of(module: Atom) -> Option<&'static BuiltinStruct> {
    module.as_str().strip_prefix("Elixir.").and_then(builtin_struct)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_are_found_with_or_without_the_elixir_prefix() {
        assert_eq!(builtin_struct("KeyError").map(|s| s.module), Some("Elixir.KeyError"));
        assert_eq!(builtin_struct("Elixir.Enum.EmptyError").map(|s| s.short_name()), Some("Enum.EmptyError"));
        assert!(builtin_struct("Elixir.Nope").is_none());
        assert!(builtin_struct_of(Atom::new("KeyError")).is_none(), "a bare atom :KeyError is not the module");
    }

    #[test]
    fn key_error_defaults_to_no_message_as_in_elixir() {
        // Elixir 1.14: `%KeyError{}` is `%KeyError{key: nil, term: nil, message: nil}`.
        let k = builtin_struct("KeyError").expect("KeyError");
        assert!(k.is_exception);
        let fields: Vec<_> = k.defaults().into_iter().map(|(n, v)| (n, v.is_nil())).collect();
        assert_eq!(fields, vec![("key", true), ("term", true), ("message", true)]);
    }

    #[test]
    fn file_error_path_defaults_to_nil_and_action_to_empty_text() {
        // Elixir 1.14: `%File.Error{reason: nil, path: nil, action: ""}`.
        let f = builtin_struct("File.Error").expect("File.Error");
        assert_eq!(f.fields, &[("reason", Nil), ("path", Nil), ("action", Text(""))]);
    }

    #[test]
    fn no_module_is_listed_twice() {
        let mut names: Vec<_> = BUILTIN_STRUCTS.iter().map(|s| s.module).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), BUILTIN_STRUCTS.len());
    }
}
