//! `:ets.info/1,2`, the memory estimate, and the table listings the REPL shows.
//!
//! Memory is reported in machine words, modelled on BEAM's layout (measured with
//! Elixir 1.14 / OTP 25 on 64-bit): an empty set/bag table costs 305 words and an
//! ordered_set 139; each row costs its flat term size plus 4 words (hash tables) or
//! 5 words (the ordered_set's tree node). So `{1, 2}` adds 7 words to a set.

use super::error::{ArgReason, EtsError, EtsResult};
use super::registry::EtsRegistry;
use super::table::{Access, Heir, Table, TableType};
use crate::term::{Pid, Ref, Term};

/// One line of the REPL's table listing ([`EtsRegistry::summaries`]).
#[derive(Debug, Clone, PartialEq)]
pub struct TableSummary {
    /// The table's id.
    pub id: Ref,
    /// Its name (for unnamed tables, the name given to `new/2`).
    pub name: String,
    /// `named_table` given.
    pub named: bool,
    /// `set`, `ordered_set`, `bag` or `duplicate_bag`.
    pub kind: &'static str,
    /// `public`, `protected` or `private`.
    pub protection: &'static str,
    /// Number of rows.
    pub size: usize,
    /// Estimated memory in words.
    pub memory: usize,
    /// The owning process.
    pub owner: Pid,
}

/// The flat size of a term in words, as BEAM would copy it into a table.
pub fn term_words(t: &Term) -> usize {
    super::footprint::Footprint::of(t).words
}

fn memory_of(table: &Table) -> usize {
    let (base, per_row) = match table.options.kind {
        TableType::OrderedSet => (139, 5),
        _ => (305, 4),
    };
    // The rows keep their footprint up to date: no walk over the table here.
    let rows = table.rows.read();
    base + per_row * rows.size() + rows.footprint().words
}

/// The info items of `info/1`, in the order Erlang lists them.
const INFO_ORDER: [&str; 15] = [
    "id",
    "decentralized_counters",
    "read_concurrency",
    "write_concurrency",
    "compressed",
    "memory",
    "owner",
    "heir",
    "name",
    "size",
    "node",
    "named_table",
    "type",
    "keypos",
    "protection",
];

fn item(table: &Table, name: &str) -> Option<Term> {
    let o = &table.options;
    Some(match name {
        "id" => Term::Ref(table.id),
        "decentralized_counters" => Term::bool(o.decentralized_counters),
        "read_concurrency" => Term::bool(o.read_concurrency),
        "write_concurrency" => o.write_concurrency.clone(),
        "compressed" => Term::bool(o.compressed),
        "memory" => Term::Int(memory_of(table) as i64),
        "owner" => Term::Pid(table.owner()),
        "heir" => match &*table.heir.lock() {
            Heir::None => Term::atom("none"),
            Heir::Pid(p, _) => Term::Pid(*p),
        },
        "name" => Term::Atom(table.name()),
        "size" => Term::Int(table.rows.read().size() as i64),
        "node" => Term::atom("nonode@nohost"),
        "named_table" => Term::bool(o.named),
        "type" => Term::atom(o.kind.name()),
        "keypos" => Term::Int(o.keypos as i64),
        "protection" => Term::atom(o.protection.name()),
        "fixed" => Term::bool(false),
        _ => return None,
    })
}

impl EtsRegistry {
    /// `:ets.info(tab)`: the keyword list of every item, or `:undefined` for a table
    /// that does not exist. Anyone may ask, even about a private table.
    pub fn info(&self, tab: &Term) -> EtsResult<Term> {
        match self.resolve(tab) {
            Ok(table) => Ok(Term::list(
                INFO_ORDER
                    .iter()
                    .filter_map(|name| item(&table, name).map(|v| Term::pair(Term::atom(name), v)))
                    .collect(),
            )),
            Err(EtsError::Arg(1, ArgReason::NoTable)) => Ok(Term::atom("undefined")),
            Err(e) => Err(e),
        }
    }

    /// `:ets.info(tab, item)`: one item, or `:undefined` for a missing table.
    pub fn info_item(&self, tab: &Term, which: &Term) -> EtsResult<Term> {
        let table = match self.resolve(tab) {
            Ok(t) => t,
            Err(EtsError::Arg(1, ArgReason::NoTable)) => return Ok(Term::atom("undefined")),
            Err(e) => return Err(e),
        };
        let bad = EtsError::Arg(2, ArgReason::BadInfoItem);
        item(&table, which.as_atom().ok_or(bad)?.as_str()).ok_or(bad)
    }

    /// A summary of every table (for the REPL's table view), in creation order.
    pub fn summaries(&self) -> Vec<TableSummary> {
        self.tables()
            .iter()
            .map(|t| TableSummary {
                id: t.id,
                name: t.name().as_str().to_string(),
                named: t.options.named,
                kind: t.options.kind.name(),
                protection: t.options.protection.name(),
                size: t.rows.read().size(),
                memory: memory_of(t),
                owner: t.owner(),
            })
            .collect()
    }

    /// Every row of table `tid` in table order (for the REPL's table view, which
    /// shows rows regardless of protection), or `None` if the table is gone.
    pub fn rows(&self, tid: Ref) -> Option<Vec<Term>> {
        self.resolve(&Term::Ref(tid)).ok().map(|t| t.rows.read().all())
    }

    /// `:ets.safe_fixtable(tab, bool)`: accepted (tables here are never rehashed
    /// under a traversal: `next/2` always continues from the key). Needs read access.
    pub fn safe_fixtable(&self, caller: Pid, tab: &Term, fix: &Term) -> EtsResult<Term> {
        self.open(caller, tab, Access::Read)?;
        if !fix.is_boolean() {
            return Err(EtsError::Arg(2, ArgReason::NotAtom));
        }
        Ok(Term::bool(true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_sizes_follow_beam_layout() {
        assert_eq!(term_words(&Term::pair(Term::Int(1), Term::Int(2))), 3);
        assert_eq!(term_words(&Term::pair(Term::Int(2), Term::string("hello world this is a binary"))), 9);
        assert_eq!(term_words(&Term::pair(Term::Int(3), Term::list(vec![Term::Int(1), Term::Int(2), Term::Int(3)]))), 9);
        assert_eq!(term_words(&Term::map([(Term::atom("a"), Term::Int(1))])), 6);
    }
}
