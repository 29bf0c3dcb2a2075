//! [`TypeTest`]: the type predicates (`is_atom/1` and its kin) the compiler turns into
//! one `IsType` instruction, as BEAM compiles them to a test, instead of a native
//! call; the natives of the same names (a capture `&is_atom/1`, `apply/3`) answer
//! through the same test, so both ways agree.

use crate::term::Term;

/// One of Kernel's and `:erlang`'s arity-1 type predicates. None of them raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeTest {
    /// `is_atom/1`.
    Atom,
    /// `is_binary/1`, and `is_bitstring/1` (otplab's bitstrings are binaries).
    Binary,
    /// `is_boolean/1`.
    Boolean,
    /// `is_float/1`.
    Float,
    /// `is_function/1`.
    Function,
    /// `is_function/2` with a literal arity (a fun of exactly that arity); the
    /// compiler makes it from a call whose arity is an integer literal up to 255
    /// (Elixir's largest), which cannot raise.
    FunctionOfArity(u8),
    /// `is_integer/1`.
    Integer,
    /// `is_list/1`: `[]` or a cell, improper or not.
    List,
    /// `is_map/1`, structs included.
    Map,
    /// `Kernel.is_nil/1`.
    Nil,
    /// `is_number/1`.
    Number,
    /// `is_pid/1`.
    Pid,
    /// `is_reference/1`.
    Reference,
    /// `is_tuple/1`.
    Tuple,
}

impl TypeTest {
    /// The test `module.name/1` makes, if it is one (`module` being `Elixir.Kernel`
    /// or `erlang`; `is_nil` is Kernel's only).
    pub fn named(module: &str, name: &str) -> Option<TypeTest> {
        if module != "Elixir.Kernel" && module != "erlang" {
            return None;
        }
        Some(match name {
            "is_atom" => TypeTest::Atom,
            "is_binary" | "is_bitstring" => TypeTest::Binary,
            "is_boolean" => TypeTest::Boolean,
            "is_float" => TypeTest::Float,
            "is_function" => TypeTest::Function,
            "is_integer" => TypeTest::Integer,
            "is_list" => TypeTest::List,
            "is_map" => TypeTest::Map,
            "is_nil" if module == "Elixir.Kernel" => TypeTest::Nil,
            "is_number" => TypeTest::Number,
            "is_pid" => TypeTest::Pid,
            "is_reference" => TypeTest::Reference,
            "is_tuple" => TypeTest::Tuple,
            _ => return None,
        })
    }

    /// Whether `t` passes the test.
    #[inline]
    pub fn holds(self, t: &Term) -> bool {
        match self {
            TypeTest::Atom => matches!(t, Term::Atom(_)),
            TypeTest::Binary => matches!(t, Term::Binary(_)),
            TypeTest::Boolean => t.is_boolean(),
            TypeTest::Float => matches!(t, Term::Float(_)),
            TypeTest::Function => matches!(t, Term::Fun(_)),
            TypeTest::FunctionOfArity(n) => matches!(t, Term::Fun(f) if f.arity == u32::from(n)),
            TypeTest::Integer => matches!(t, Term::Int(_) | Term::BigInt(_)),
            TypeTest::List => matches!(t, Term::Nil | Term::Cons(_)),
            TypeTest::Map => matches!(t, Term::Map(_)),
            TypeTest::Nil => t.is_nil(),
            TypeTest::Number => matches!(t, Term::Int(_) | Term::BigInt(_) | Term::Float(_)),
            TypeTest::Pid => matches!(t, Term::Pid(_)),
            TypeTest::Reference => matches!(t, Term::Ref(_)),
            TypeTest::Tuple => matches!(t, Term::Tuple(_)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_are_found_by_module_and_name() {
        assert_eq!(TypeTest::named("Elixir.Kernel", "is_nil"), Some(TypeTest::Nil));
        assert_eq!(TypeTest::named("erlang", "is_nil"), None, ":erlang has no is_nil");
        assert_eq!(TypeTest::named("erlang", "is_bitstring"), Some(TypeTest::Binary));
        assert_eq!(TypeTest::named("Elixir.Map", "is_map"), None);
        assert_eq!(TypeTest::named("Elixir.Kernel", "is_struct"), None, "is_struct/1 looks at a key");
    }

    #[test]
    fn each_test_takes_its_kinds_only() {
        let nil = Term::atom("nil");
        let list = Term::cons(Term::Int(1), Term::Int(2));
        assert!(TypeTest::List.holds(&Term::Nil) && TypeTest::List.holds(&list), "an improper list is a list");
        assert!(!TypeTest::List.holds(&nil));
        assert!(TypeTest::Nil.holds(&nil) && TypeTest::Atom.holds(&nil) && !TypeTest::Boolean.holds(&nil));
        assert!(TypeTest::Boolean.holds(&Term::atom("true")));
        assert!(TypeTest::Number.holds(&Term::Float(1.0)) && !TypeTest::Integer.holds(&Term::Float(1.0)));
        assert!(!TypeTest::Tuple.holds(&Term::Nil));
    }
}
