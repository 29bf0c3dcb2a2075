//! [`Raise`]: a learner's exception in flight. A value, not a Rust error.

use crate::term::{ATOMS, Atom, Term};

/// The three classes of BEAM exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// `raise`, `:erlang.error/1`, runtime errors.
    Error,
    /// `throw/1`.
    Throw,
    /// `exit/1`.
    Exit,
}

impl Class {
    /// The class as the atom `catch kind, reason` binds (`:error`, `:throw`, `:exit`).
    pub fn atom(self) -> Atom {
        match self {
            Class::Error => ATOMS.error,
            Class::Throw => ATOMS.throw,
            Class::Exit => ATOMS.exit,
        }
    }
}

/// An exception being raised: its class and reason. For `Class::Error` the reason is
/// either an exception struct (`%ArgumentError{}`) or a raw Erlang error term
/// (`:badarith`, `{:badmatch, v}`), kept raw so exit reasons match BEAM's.
#[derive(Debug, Clone)]
pub struct Raise {
    /// error / throw / exit.
    pub class: Class,
    /// The payload.
    pub reason: Term,
    /// The built-in call that failed (`div(0, 0)`), for Elixir's detailed banners.
    pub blame: Option<std::sync::Arc<Blame>>,
    /// Text the uncaught-error banner adds after the message (the "Did you mean:"
    /// list of an UndefinedFunctionError); never part of `Exception.message/1`.
    pub hint: Option<std::sync::Arc<str>>,
}

/// A failed call of a native: module, function and arguments.
#[derive(Debug, Clone)]
pub struct Blame {
    /// The module (`erlang`, `Elixir.Kernel`).
    pub module: Atom,
    /// The function name.
    pub function: Atom,
    /// The arguments it was given.
    pub args: Vec<Term>,
}

impl Raise {
    /// An error with a raw reason (`:badarg`, `{:badmatch, v}`).
    pub fn error(reason: Term) -> Raise {
        Raise { class: Class::Error, reason, blame: None, hint: None }
    }

    /// An error with an Elixir exception struct `module` (e.g. `"ArgumentError"`,
    /// without the `Elixir.` prefix) and `message`.
    pub fn exception(module: &str, message: impl Into<String>) -> Raise {
        Raise::error(exception_struct(module, vec![("message", Term::string(message.into()))]))
    }

    /// `ArgumentError` with `message`.
    pub fn argument_error(message: impl Into<String>) -> Raise {
        Raise::exception("ArgumentError", message)
    }

    /// The raw `:badarg` error (normalised to ArgumentError when rescued).
    pub fn badarg() -> Raise {
        Raise::error(Term::Atom(ATOMS.badarg))
    }

    /// The raw `:badarith` error.
    pub fn badarith() -> Raise {
        Raise::error(Term::Atom(ATOMS.badarith))
    }

    /// A raise of `class` with `reason`.
    pub fn new(class: Class, reason: Term) -> Raise {
        Raise { class, reason, blame: None, hint: None }
    }

    /// The same raise, blaming the call `module.function(args)` unless one is blamed already.
    pub fn blaming(mut self, module: Atom, function: Atom, args: &[Term]) -> Raise {
        if self.blame.is_none() && self.class == Class::Error {
            self.blame = Some(std::sync::Arc::new(Blame { module, function, args: args.to_vec() }));
        }
        self
    }

    /// A throw.
    pub fn throw(value: Term) -> Raise {
        Raise { class: Class::Throw, reason: value, blame: None, hint: None }
    }

    /// An exit.
    pub fn exit(reason: Term) -> Raise {
        Raise { class: Class::Exit, reason, blame: None, hint: None }
    }
}

/// Builds `%Module{__exception__: true, field: value...}` (`module` without `Elixir.`).
pub fn exception_struct(module: &str, fields: Vec<(&str, Term)>) -> Term {
    let mut pairs = vec![
        (Term::Atom(ATOMS.struct_), Term::atom(&format!("Elixir.{module}"))),
        (Term::Atom(ATOMS.exception), Term::bool(true)),
    ];
    // A built-in exception has every field of its shape (the fields not given at their
    // defaults), so it prints and matches as `%KeyError{...}` does in Elixir.
    if let Some(shape) = crate::term::builtin_structs::builtin_struct(module) {
        for (k, d) in shape.fields.iter().filter(|(k, _)| !fields.iter().any(|(g, _)| g == k)) {
            pairs.push((Term::atom(k), d.term()));
        }
    }
    for (k, v) in fields {
        pairs.push((Term::atom(k), v));
    }
    Term::map(pairs)
}
