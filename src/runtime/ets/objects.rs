//! Row operations of [`EtsRegistry`]: insert, lookup, delete, take, traversal.
//!
//! Each function resolves the table, checks the caller's access, then does its work
//! under a single acquisition of the table's row lock, so it is atomic.

use super::error::{ArgReason, EtsError, EtsResult};
use super::registry::EtsRegistry;
use super::rows::Slot;
use super::table::{Access, Table, TableType};
use crate::term::{Pid, Term};
use std::ops::Bound;

/// The order in which a list's rows go into `table`: OTP 25 adds a list's rows to a
/// `bag` last first (`insert(t, [{1, :a}, {1, :b}])` looks up as `[{1, :b}, {1,
/// :a}]`, and of equal rows the last is the one kept), and every other type's in list
/// order (in a set the last row of a key wins; a duplicate_bag keeps the list's order).
fn in_insertion_order(table: &Table, mut objects: Vec<Term>) -> Vec<Term> {
    if table.options.kind == TableType::Bag {
        objects.reverse();
    }
    objects
}

/// The rows given to `insert/2`: one non-empty tuple or a proper list of them.
fn objects_of(table: &Table, arg: &Term) -> EtsResult<Vec<Term>> {
    let objects = match arg {
        Term::Tuple(items) if items.is_empty() => return Err(EtsError::Arg(2, ArgReason::EmptyTuple)),
        Term::Tuple(_) => vec![arg.clone()],
        Term::Nil | Term::Cons(_) => {
            let items = arg.list_to_vec().ok_or(EtsError::Arg(2, ArgReason::NotTupleOrList))?;
            if !items.iter().all(|t| matches!(t, Term::Tuple(v) if !v.is_empty())) {
                return Err(EtsError::Arg(2, ArgReason::NotTupleOrList));
            }
            items
        }
        _ => return Err(EtsError::Arg(2, ArgReason::NotTuple)),
    };
    // Rows shorter than the key position are a plain badarg, checked before any write.
    for o in &objects {
        table.key_of(o)?;
    }
    Ok(objects)
}

impl EtsRegistry {
    /// `:ets.insert(tab, row_or_rows)`: stores the rows atomically. Returns `true`.
    pub fn insert(&self, caller: Pid, tab: &Term, objects: &Term) -> EtsResult<Term> {
        self.with_open(caller, tab, Access::Write, |table| {
            // One row (the common case) needs no list of rows. The write lock is
            // held for the put alone: the key and the row's reference are taken
            // before it, and the row replaced is freed after it (the guard is a
            // temporary of the statement), so a process inserting beside another
            // keeps it for less.
            if let Term::Tuple(items) = objects
                && !items.is_empty()
            {
                let (key, row) = (table.key(table.key_of(objects)?), objects.clone());
                let replaced = table.rows.write().put(key, row);
                drop(replaced);
                return Ok(Term::bool(true));
            }
            let objects = in_insertion_order(table, objects_of(table, objects)?);
            let keyed = objects.into_iter().map(|o| Ok((table.key(table.key_of(&o)?), o))).collect::<EtsResult<Vec<_>>>()?;
            let mut rows = table.rows.write();
            let replaced: Vec<Term> = keyed.into_iter().filter_map(|(key, o)| rows.put(key, o)).collect();
            drop(rows);
            drop(replaced);
            Ok(Term::bool(true))
        })
    }

    /// `:ets.insert_new(tab, row_or_rows)`: inserts only if no key is present yet
    /// (all or nothing). Returns `true` or `false`.
    pub fn insert_new(&self, caller: Pid, tab: &Term, objects: &Term) -> EtsResult<Term> {
        self.with_open(caller, tab, Access::Write, |table| {
            let objects = in_insertion_order(table, objects_of(table, objects)?);
            let mut rows = table.rows.write();
            let keys = objects.iter().map(|o| table.key_of(o).map(|k| table.key(k))).collect::<EtsResult<Vec<_>>>()?;
            if keys.iter().any(|k| rows.contains(k)) {
                return Ok(Term::bool(false));
            }
            for (key, o) in keys.into_iter().zip(objects) {
                rows.put(key, o);
            }
            Ok(Term::bool(true))
        })
    }

    /// `:ets.lookup(tab, key)`: the key's rows (insertion order in bags), `[]` if none.
    pub fn lookup(&self, caller: Pid, tab: &Term, key: &Term) -> EtsResult<Term> {
        self.with_open(caller, tab, Access::Read, |table| {
            // Under the read lock only the references are taken; the list is built
            // after it.
            let key = table.key(key);
            let found = match table.rows.read().get(&key) {
                None => return Ok(Term::Nil),
                Some(Slot::One(row)) => Ok(row.clone()),
                Some(Slot::Many(rows)) => Err(rows.to_vec()),
            };
            Ok(match found {
                Ok(row) => Term::cons(row, Term::Nil),
                Err(rows) => Term::list(rows),
            })
        })
    }

    /// `:ets.lookup_element(tab, key, pos)`: one field of the key's row (a list of
    /// fields for bags).
    pub fn lookup_element(&self, caller: Pid, tab: &Term, key: &Term, pos: &Term) -> EtsResult<Term> {
        self.with_open(caller, tab, Access::Read, |table| {
            let pos = match pos {
                Term::Int(p) if *p >= 1 => *p as usize,
                _ => return Err(EtsError::Arg(3, ArgReason::OutOfRange)),
            };
            let rows = table.rows.read();
            let slot = rows.get(&table.key(key)).ok_or(EtsError::Arg(2, ArgReason::KeyMissing))?;
            let fields = slot
                .objects()
                .iter()
                .map(|o| match o {
                    Term::Tuple(items) => items.get(pos - 1).cloned(),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
                .ok_or(EtsError::Arg(3, ArgReason::PosGreaterThanSize))?;
            if table.options.kind.is_set_like() {
                fields.into_iter().next().ok_or(EtsError::Arg(2, ArgReason::KeyMissing))
            } else {
                Ok(Term::list(fields))
            }
        })
    }

    /// `:ets.member(tab, key)`.
    pub fn member(&self, caller: Pid, tab: &Term, key: &Term) -> EtsResult<Term> {
        self.with_open(caller, tab, Access::Read, |table| {
            Ok(Term::bool(table.rows.read().contains(&table.key(key))))
        })
    }

    /// `:ets.delete(tab, key)`: removes the key's rows. Returns `true`.
    pub fn delete_key(&self, caller: Pid, tab: &Term, key: &Term) -> EtsResult<Term> {
        self.with_open(caller, tab, Access::Write, |table| {
            // The removed rows are freed after the lock is released (as `insert`).
            let key = table.key(key);
            let removed = table.rows.write().remove_key(&key);
            drop(removed);
            Ok(Term::bool(true))
        })
    }

    /// `:ets.delete_object(tab, row)`: removes rows equal to `row` (every copy in a
    /// duplicate_bag). Returns `true`.
    pub fn delete_object(&self, caller: Pid, tab: &Term, object: &Term) -> EtsResult<Term> {
        let table = self.open(caller, tab, Access::Write)?;
        if !matches!(object, Term::Tuple(_)) {
            return Err(EtsError::Arg(2, ArgReason::NotTuple));
        }
        let key = table.key(table.key_of(object)?);
        table.rows.write().remove_object(&key, object);
        Ok(Term::bool(true))
    }

    /// `:ets.delete_all_objects(tab)`. Returns `true`.
    pub fn delete_all_objects(&self, caller: Pid, tab: &Term) -> EtsResult<Term> {
        let table = self.open(caller, tab, Access::Write)?;
        table.rows.write().clear();
        Ok(Term::bool(true))
    }

    /// `:ets.take(tab, key)`: removes and returns the key's rows.
    pub fn take(&self, caller: Pid, tab: &Term, key: &Term) -> EtsResult<Term> {
        self.with_open(caller, tab, Access::Write, |table| {
            // The list is built after the lock is released (as `insert`).
            let key = table.key(key);
            let removed = table.rows.write().remove_key(&key);
            Ok(Term::list(removed))
        })
    }

    /// `:ets.tab2list(tab)`: every row in table order.
    pub fn tab2list(&self, caller: Pid, tab: &Term) -> EtsResult<Term> {
        let table = self.open(caller, tab, Access::Read)?;
        Ok(Term::list(table.rows.read().all()))
    }

    /// `:ets.first(tab)`: the first key or `:"$end_of_table"`.
    pub fn first(&self, caller: Pid, tab: &Term) -> EtsResult<Term> {
        let table = self.open(caller, tab, Access::Read)?;
        let rows = table.rows.read();
        Ok(key_or_end(&table, rows.iter().next().map(|(_, slot)| slot)))
    }

    /// `:ets.last(tab)`: the last key of an ordered_set; `first/1` for other types
    /// (as in Erlang, where they have no order).
    pub fn last(&self, caller: Pid, tab: &Term) -> EtsResult<Term> {
        let table = self.open(caller, tab, Access::Read)?;
        if table.options.kind != TableType::OrderedSet {
            return self.first(caller, tab);
        }
        let rows = table.rows.read();
        Ok(key_or_end(&table, rows.iter().next_back().map(|(_, slot)| slot)))
    }

    /// `:ets.next(tab, key)`: the key after `key`. On an ordered_set `key` need not
    /// be present; on other types it must be.
    pub fn next(&self, caller: Pid, tab: &Term, key: &Term) -> EtsResult<Term> {
        self.step(caller, tab, key, true)
    }

    /// `:ets.prev(tab, key)`: the key before `key` (`next/2` on unordered types).
    pub fn prev(&self, caller: Pid, tab: &Term, key: &Term) -> EtsResult<Term> {
        self.step(caller, tab, key, false)
    }

    fn step(&self, caller: Pid, tab: &Term, key: &Term, forward: bool) -> EtsResult<Term> {
        let table = self.open(caller, tab, Access::Read)?;
        let rows = table.rows.read();
        let k = table.key(key);
        let ordered = table.options.kind == TableType::OrderedSet;
        if !ordered && !rows.contains(&k) {
            return Err(EtsError::Arg(2, ArgReason::KeyMissing));
        }
        let found = if forward || !ordered {
            rows.range(Bound::Excluded(&k), Bound::Unbounded).next()
        } else {
            rows.range(Bound::Unbounded, Bound::Excluded(&k)).next_back()
        };
        Ok(key_or_end(&table, found.map(|(_, slot)| slot)))
    }
}

/// The key of the slot's first row (what Erlang returns: the stored key), or
/// `:"$end_of_table"`.
fn key_or_end(table: &Table, slot: Option<&Slot>) -> Term {
    slot.and_then(|s| s.objects().first())
        .and_then(|o| table.key_of(o).ok().cloned())
        .unwrap_or_else(end_of_table)
}

/// The atom `:"$end_of_table"`.
pub fn end_of_table() -> Term {
    Term::atom("$end_of_table")
}
