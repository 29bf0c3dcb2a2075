//! Parsing the option list of `:ets.new/2` into [`TableOptions`].
//!
//! As in Erlang, later options override earlier ones (`[:set, :bag]` makes a bag),
//! and anything unknown or malformed is "invalid options" on argument 2.

use super::error::{ArgReason, EtsError, EtsResult};
use super::table::{Heir, Protection, TableOptions, TableType};
use crate::term::Term;

/// Parses the options list of `new/2`.
pub fn parse_options(options: &Term) -> EtsResult<TableOptions> {
    let items = options.list_to_vec().ok_or(EtsError::Arg(2, ArgReason::NotList))?;
    let invalid = EtsError::Arg(2, ArgReason::InvalidOptions);
    let mut o = TableOptions::default();
    for item in &items {
        match item {
            Term::Atom(a) => match a.as_str() {
                "set" => o.kind = TableType::Set,
                "ordered_set" => o.kind = TableType::OrderedSet,
                "bag" => o.kind = TableType::Bag,
                "duplicate_bag" => o.kind = TableType::DuplicateBag,
                "public" => o.protection = Protection::Public,
                "protected" => o.protection = Protection::Protected,
                "private" => o.protection = Protection::Private,
                "named_table" => o.named = true,
                "compressed" => o.compressed = true,
                _ => return Err(invalid),
            },
            Term::Tuple(parts) => {
                let name = parts.first().and_then(Term::as_atom).ok_or(invalid)?;
                match (name.as_str(), &parts[1..]) {
                    ("keypos", [Term::Int(n)]) if *n >= 1 => o.keypos = *n as usize,
                    ("heir", _) => o.heir = parse_heir(item).ok_or(invalid)?,
                    ("read_concurrency", [b]) if b.is_boolean() => o.read_concurrency = b.is_truthy(),
                    ("write_concurrency", [b]) if b.is_boolean() || b.is_atom_named("auto") => {
                        o.write_concurrency = b.clone()
                    }
                    ("decentralized_counters", [b]) if b.is_boolean() => {
                        o.decentralized_counters = b.is_truthy()
                    }
                    _ => return Err(invalid),
                }
            }
            _ => return Err(invalid),
        }
    }
    Ok(o)
}

/// Parses `{:heir, pid, data}` or `{:heir, :none}`.
pub fn parse_heir(item: &Term) -> Option<Heir> {
    let Term::Tuple(parts) = item else { return None };
    match &parts[..] {
        [tag, none] if tag.is_atom_named("heir") && none.is_atom_named("none") => Some(Heir::None),
        [tag, Term::Pid(pid), data] if tag.is_atom_named("heir") => Some(Heir::Pid(*pid, data.clone())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::Pid;

    #[test]
    fn later_options_win_and_defaults_hold() {
        let o = parse_options(&Term::list(vec![Term::atom("set"), Term::atom("bag"), Term::atom("public"), Term::atom("private")]))
            .expect("valid");
        assert_eq!(o.kind, TableType::Bag);
        assert_eq!(o.protection, Protection::Private);
        let d = parse_options(&Term::Nil).expect("valid");
        assert_eq!((d.kind, d.protection, d.keypos, d.named), (TableType::Set, Protection::Protected, 1, false));
    }

    #[test]
    fn tuples_are_checked() {
        let keypos = |n| Term::list(vec![Term::pair(Term::atom("keypos"), Term::Int(n))]);
        assert_eq!(parse_options(&keypos(2)).map(|o| o.keypos), Ok(2));
        assert_eq!(parse_options(&keypos(0)).err(), Some(EtsError::Arg(2, ArgReason::InvalidOptions)));
        let heir = Term::list(vec![Term::tuple(vec![Term::atom("heir"), Term::Pid(Pid(3)), Term::Int(1)])]);
        assert!(matches!(parse_options(&heir).map(|o| o.heir), Ok(Heir::Pid(Pid(3), _))));
        let bad_heir = Term::list(vec![Term::tuple(vec![Term::atom("heir"), Term::atom("x"), Term::Int(1)])]);
        assert!(parse_options(&bad_heir).is_err());
        assert_eq!(parse_options(&Term::atom("set")).err(), Some(EtsError::Arg(2, ArgReason::NotList)));
        assert_eq!(
            parse_options(&Term::list(vec![Term::atom("bogus")])).err(),
            Some(EtsError::Arg(2, ArgReason::InvalidOptions))
        );
    }
}
