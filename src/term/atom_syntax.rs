//! How an atom is written in Elixir source (`Macro.inspect_atom/2`, 1.14): bare
//! (`:ok`, `:+`), quoted (`:"quoted atom"`), or as a module alias (`Foo.Bar`), in the
//! three positions Elixir distinguishes: a literal, a keyword key, a remote call name.

use super::escape::escape;

/// How Elixir's tokenizer sees an atom's text (`Code.Identifier.classify/1`, inner form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AtomKind {
    /// `Elixir.Foo.Bar` and `Elixir`: a valid module alias.
    Alias,
    /// A lowercase identifier such as `ok`, `ok?`, `_foo`.
    Identifier,
    /// An operator that needs no quotes (`+`, `|>`, `when`...).
    UnquotedOperator,
    /// `::`, which is an operator but must be quoted as an atom.
    QuotedOperator,
    /// Valid bare atom text that cannot be called (`Foo`, `foo@bar`, `%{}`, `..//`).
    NotCallable,
    /// Anything else: must be quoted.
    Other,
}

/// Operators Elixir 1.14 prints without quotes (checked against `inspect/1`).
const UNQUOTED_OPERATORS: &[&str] = &[
    "===", "!==", "==", "!=", "<=", ">=", "<", ">", "&&", "&&&", "||", "|||", "and", "or", "=~",
    "|>", "<<<", ">>>", "<<~", "~>>", "<~", "~>", "<~>", "+", "-", "*", "/", "++", "--", "+++",
    "---", "..", "<>", "in", "\\\\", "|", "=", "**", ".", "when", "<-", "!", "^", "not", "&", "@",
];

/// Special forms that are valid bare atoms but not callable.
const NOT_CALLABLE: &[&str] = &["%", "%{}", "{}", "<<>>", "...", "..//", "->"];

fn classify(name: &str) -> AtomKind {
    if NOT_CALLABLE.contains(&name) {
        AtomKind::NotCallable
    } else if name == "::" {
        AtomKind::QuotedOperator
    } else if UNQUOTED_OPERATORS.contains(&name) {
        AtomKind::UnquotedOperator
    } else if is_valid_alias(name) {
        AtomKind::Alias
    } else {
        classify_identifier(name)
    }
}

/// `Elixir` followed by zero or more `.Segment`, each segment an ASCII capital then
/// ASCII letters, digits or `_`.
fn is_valid_alias(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("Elixir") else { return false };
    if rest.is_empty() {
        return true;
    }
    rest.strip_prefix('.').is_some_and(|segments| {
        segments.split('.').all(|seg| {
            let mut chars = seg.chars();
            chars.next().is_some_and(|c| c.is_ascii_uppercase())
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    })
}

/// The identifier tokenizer: a letter or `_`, then letters, digits, `_` or `@`, with
/// an optional final `?` or `!`. Capitalised names and names with `@` are valid
/// atoms but not callable identifiers.
fn classify_identifier(name: &str) -> AtomKind {
    let mut chars = name.chars();
    let Some(first) = chars.next() else { return AtomKind::Other };
    if !(first == '_' || first.is_alphabetic()) {
        return AtomKind::Other;
    }
    let body: Vec<char> = chars.collect();
    let (core, _suffix) = match body.last() {
        Some('?' | '!') => (&body[..body.len() - 1], true),
        _ => (&body[..], false),
    };
    if !core.iter().all(|c| c.is_alphanumeric() || *c == '_' || *c == '@') {
        return AtomKind::Other;
    }
    if first.is_uppercase() || core.contains(&'@') {
        AtomKind::NotCallable
    } else {
        AtomKind::Identifier
    }
}

fn quoted(name: &str) -> String {
    let (escaped, _) = escape(name.as_bytes(), b'"', usize::MAX);
    format!("\"{escaped}\"")
}

/// An atom as a literal: `:ok`, `nil`, `Foo.Bar`, `:"quoted atom"`.
pub fn atom_literal(name: &str) -> String {
    if matches!(name, "nil" | "true" | "false") {
        return name.to_string();
    }
    match classify(name) {
        AtomKind::Alias => match name {
            "Elixir" | "Elixir.Elixir" => name.to_string(),
            _ if name.starts_with("Elixir.Elixir.") => name.to_string(),
            _ => name.strip_prefix("Elixir.").unwrap_or(name).to_string(),
        },
        AtomKind::QuotedOperator | AtomKind::Other => format!(":{}", quoted(name)),
        AtomKind::Identifier | AtomKind::UnquotedOperator | AtomKind::NotCallable => format!(":{name}"),
    }
}

/// An atom as a keyword key, colon included: `a:`, `"my key":`, `+:`.
pub fn atom_key(name: &str) -> String {
    match classify(name) {
        AtomKind::Alias | AtomKind::QuotedOperator | AtomKind::Other => format!("{}:", quoted(name)),
        AtomKind::Identifier | AtomKind::UnquotedOperator | AtomKind::NotCallable => format!("{name}:"),
    }
}

/// A function name after `Mod.` in a capture: `upcase`, `+`, `"weird name"`.
pub fn atom_remote_call(name: &str) -> String {
    match classify(name) {
        AtomKind::Identifier | AtomKind::UnquotedOperator | AtomKind::QuotedOperator => name.to_string(),
        AtomKind::Alias | AtomKind::NotCallable | AtomKind::Other => quoted(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_match_elixir() {
        // Each pair printed by Elixir 1.14's `inspect/1`.
        let cases = [
            ("ok", ":ok"),
            ("nil", "nil"),
            ("true", "true"),
            ("quoted atom", ":\"quoted atom\""),
            ("$end_of_table", ":\"$end_of_table\""),
            ("$1", ":\"$1\""),
            ("ok?", ":ok?"),
            ("Elixir", "Elixir"),
            ("Elixir.Elixir", "Elixir.Elixir"),
            ("Elixir.Elixir.Foo", "Elixir.Elixir.Foo"),
            ("Elixir.Foo.Bar", "Foo.Bar"),
            ("Elixir.foo", ":\"Elixir.foo\""),
            ("Elixir.A.B1_c", "A.B1_c"),
            ("Elixir.A..B", ":\"Elixir.A..B\""),
            ("Elixir.", ":\"Elixir.\""),
            ("Foo", ":Foo"),
            ("Foo!", ":Foo!"),
            ("Foo.Bar", ":\"Foo.Bar\""),
            ("+", ":+"),
            ("::", ":\"::\""),
            ("%{}", ":%{}"),
            ("..//", ":..//"),
            ("\\\\", ":\\\\"),
            ("=>", ":\"=>\""),
            ("//", ":\"//\""),
            ("~~~", ":\"~~~\""),
            ("not in", ":\"not in\""),
            ("foo@bar", ":foo@bar"),
            ("", ":\"\""),
            ("olá", ":olá"),
            ("Ünicode", ":Ünicode"),
            ("_", ":_"),
            ("a?b", ":\"a?b\""),
            ("foo!?", ":\"foo!?\""),
            ("9a", ":\"9a\""),
            ("a\tb", ":\"a\\tb\""),
        ];
        for (name, want) in cases {
            assert_eq!(atom_literal(name), want, "atom {name:?}");
        }
    }

    #[test]
    fn keys_and_remote_calls() {
        assert_eq!(atom_key("a"), "a:");
        assert_eq!(atom_key("my key"), "\"my key\":");
        assert_eq!(atom_key("Foo"), "Foo:");
        assert_eq!(atom_key("::"), "\"::\":");
        assert_eq!(atom_key("+"), "+:");
        assert_eq!(atom_key("nil"), "nil:");
        assert_eq!(atom_key("Elixir"), "\"Elixir\":");
        assert_eq!(atom_remote_call("upcase"), "upcase");
        assert_eq!(atom_remote_call("+"), "+");
        assert_eq!(atom_remote_call("weird name"), "\"weird name\"");
    }
}
