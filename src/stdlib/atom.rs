//! `Atom`: to_string and to_charlist.

use super::argument::bif_arg_error;
use super::erlang::charlist;
use crate::term::Term;
use crate::vm::{NativeCtx, NativeRegistry, NativeResult};

// Elixir inlines both as the Erlang BIFs, which raise and are blamed.
fn to_string(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    a[0].as_atom()
        .map(|x| Term::string(x.as_str()))
        .ok_or_else(|| bif_arg_error("erlang", "atom_to_binary", a, 1, "not an atom"))
}
fn to_charlist(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    a[0].as_atom()
        .map(|x| charlist(x.as_str()))
        .ok_or_else(|| bif_arg_error("erlang", "atom_to_list", a, 1, "not an atom"))
}

/// Registers `Atom`.
pub fn register(reg: &mut NativeRegistry) {
    reg.add("Elixir.Atom", "to_string", 1, to_string);
    reg.add("Elixir.Atom", "to_charlist", 1, to_charlist);
}

#[cfg(test)]
mod tests {
    use crate::stdlib::test_bench::{a, call, s};

    #[test]
    fn atom_text_keeps_alias_prefix() {
        // Atom.to_string(:ok) => "ok"; Atom.to_string(String) => "Elixir.String"
        assert_eq!(call("Elixir.Atom", "to_string", vec![a("ok")]), s("ok"));
        assert_eq!(
            call("Elixir.Atom", "to_string", vec![a("Elixir.String")]),
            s("Elixir.String")
        );
    }
}
