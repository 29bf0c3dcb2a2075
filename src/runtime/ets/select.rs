//! Match and select operations of [`EtsRegistry`], with continuations.
//!
//! Every one compiles its specification once, then visits candidate rows: a bound key
//! is one lookup, a tuple key with constant leading elements on an ordered_set is a
//! range of the map, anything else is a scan in table order.
//!
//! `select_reverse` visits an ordered_set from its last key down; on the other table
//! types it is `select`, as in Erlang.
//!
//! A continuation (from `select/3`, `select_reverse/3`, `match/3`) is the tuple
//! `{tag, tid, spec, resume_key, skip, limit}` with tag `:"$ets_select"` (forward) or
//! `:"$ets_select_reverse"`: resume at `resume_key`, skipping its first `skip` rows
//! (bags can stop mid-key). It is opaque to learners, as in Erlang; when a chunk
//! reaches the end of the table the continuation is `:"$end_of_table"`, which
//! `select/1` returns unchanged.

use super::error::{ArgReason, EtsError, EtsResult};
use super::key::Key;
use super::match_spec::{MatchSpec, PatternBody};
use super::objects::end_of_table;
use super::pattern::KeyPattern;
use super::registry::EtsRegistry;
use super::rows::Rows;
use super::table::{Access, Table, TableType};
use crate::term::{Pid, Term};
use std::ops::{Bound, ControlFlow};

const CONT_TAG: &str = "$ets_select";
const REVERSE_CONT_TAG: &str = "$ets_select_reverse";

/// The order rows are visited in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// Table order.
    Forward,
    /// Descending key order (ordered_set only; other tables stay `Forward`).
    Reverse,
}

impl Direction {
    fn tag(self) -> &'static str {
        match self {
            Direction::Forward => CONT_TAG,
            Direction::Reverse => REVERSE_CONT_TAG,
        }
    }
}

/// Where a visit starts: a key and how many of its rows were already visited.
#[derive(Clone)]
struct Position {
    key: Key,
    skip: usize,
}

/// Visits rows that may match `spec`, from `from`, in table order (or descending key
/// order for `Direction::Reverse`). `f` receives each row with its key and index among
/// the key's rows, and may stop the visit.
fn visit(
    table: &Table,
    rows: &Rows,
    spec: &MatchSpec,
    from: Option<&Position>,
    direction: Direction,
    mut f: impl FnMut(&Term, usize, &Term) -> ControlFlow<()>,
) {
    let reverse = direction == Direction::Reverse;
    let mut visit_slot = |key: &Term, objects: &[Term]| -> ControlFlow<()> {
        let skip = match from {
            Some(p) if p.key.cmp_term(key).is_eq() => p.skip,
            _ => 0,
        };
        for (i, o) in objects.iter().enumerate().skip(skip) {
            f(key, i, o)?;
        }
        ControlFlow::Continue(())
    };
    // Keys not yet visited: at or after the resume key going forward, at or before it
    // going back.
    let ahead = |key: &Term| match from {
        None => true,
        Some(p) if reverse => p.key.cmp_term(key).is_ge(),
        Some(p) => p.key.cmp_term(key).is_le(),
    };
    match spec.key_pattern(table.options.keypos) {
        KeyPattern::Bound(k) => {
            if let Some((key, slot)) = rows.get_key_value(&table.key(k))
                && ahead(key)
            {
                let _ = visit_slot(key, slot.objects());
            }
        }
        KeyPattern::TuplePrefix { size, prefix } if table.options.kind == TableType::OrderedSet => {
            // Tuples sort by size, then element by element; every tuple of `size`
            // elements starting with `prefix` sorts at or after the probe (prefix
            // padded with -infinity, below every term) and they are contiguous.
            let mut probe = prefix.clone();
            probe.resize(size, Term::Float(f64::NEG_INFINITY));
            let probe = table.key(&Term::tuple(probe));
            let in_range = |key: &Term| {
                matches!(key, Term::Tuple(items)
                    if items.len() == size && items.iter().zip(&prefix).all(|(a, b)| a.loose_eq(b)))
            };
            let range = rows.range(Bound::Included(&probe), Bound::Unbounded).take_while(|(k, _)| in_range(k));
            if reverse {
                let keys: Vec<_> = range.collect();
                for (key, slot) in keys.into_iter().rev().filter(|(k, _)| ahead(k)) {
                    if visit_slot(key, slot.objects()).is_break() {
                        break;
                    }
                }
            } else {
                for (key, slot) in range.filter(|(k, _)| ahead(k)) {
                    if visit_slot(key, slot.objects()).is_break() {
                        break;
                    }
                }
            }
        }
        _ => {
            let bound = from.map_or(Bound::Unbounded, |p| Bound::Included(&p.key));
            let flow = if reverse {
                rows.range(Bound::Unbounded, bound).rev().try_for_each(|(k, slot)| visit_slot(k, slot.objects()))
            } else {
                rows.range(bound, Bound::Unbounded).try_for_each(|(k, slot)| visit_slot(k, slot.objects()))
            };
            let _ = flow;
        }
    }
}

fn compile(spec: &Term) -> EtsResult<MatchSpec> {
    MatchSpec::compile(spec).map_err(|_| EtsError::Arg(2, ArgReason::BadMatchSpec))
}

/// Only an ordered_set has an order to reverse.
fn direction_for(table: &Table, direction: Direction) -> Direction {
    if table.options.kind == TableType::OrderedSet { direction } else { Direction::Forward }
}

fn limit_of(limit: &Term) -> EtsResult<usize> {
    match limit {
        Term::Int(n) if *n >= 1 => Ok(*n as usize),
        _ => Err(EtsError::Arg(3, ArgReason::OutOfRange)),
    }
}

impl EtsRegistry {
    /// `:ets.select(tab, spec)`: the body values of matching rows, in table order.
    pub fn select(&self, caller: Pid, tab: &Term, spec: &Term) -> EtsResult<Term> {
        self.select_all(caller, tab, spec, Direction::Forward)
    }

    /// `:ets.select_reverse(tab, spec)`: `select/2` in descending key order on an
    /// ordered_set (in table order on the other types).
    pub fn select_reverse(&self, caller: Pid, tab: &Term, spec: &Term) -> EtsResult<Term> {
        self.select_all(caller, tab, spec, Direction::Reverse)
    }

    fn select_all(&self, caller: Pid, tab: &Term, spec: &Term, direction: Direction) -> EtsResult<Term> {
        let table = self.open(caller, tab, Access::Read)?;
        let ms = compile(spec)?;
        let rows = table.rows.read();
        let mut out = Vec::new();
        visit(&table, &rows, &ms, None, direction_for(&table, direction), |_, _, o| {
            if let Some(v) = ms.run(o, caller) {
                out.push(v);
            }
            ControlFlow::Continue(())
        });
        Ok(Term::list(out))
    }

    /// `:ets.select(tab, spec, limit)`: `{results, continuation}` with at most `limit`
    /// results, or `:"$end_of_table"` when nothing matched.
    pub fn select_limit(&self, caller: Pid, tab: &Term, spec: &Term, limit: &Term) -> EtsResult<Term> {
        self.first_chunk(caller, tab, spec, limit, Direction::Forward)
    }

    /// `:ets.select_reverse(tab, spec, limit)`: `select/3` going down from the last key
    /// of an ordered_set.
    pub fn select_reverse_limit(&self, caller: Pid, tab: &Term, spec: &Term, limit: &Term) -> EtsResult<Term> {
        self.first_chunk(caller, tab, spec, limit, Direction::Reverse)
    }

    fn first_chunk(&self, caller: Pid, tab: &Term, spec: &Term, limit: &Term, direction: Direction) -> EtsResult<Term> {
        let table = self.open(caller, tab, Access::Read)?;
        let ms = compile(spec)?;
        let limit = limit_of(limit)?;
        Ok(self.chunk(&table, caller, &ms, spec, None, limit, direction_for(&table, direction)))
    }

    /// `:ets.select(continuation)` (and `match/1`, `select_reverse/1`): the next chunk,
    /// in the direction the continuation was made for.
    pub fn select_continue(&self, caller: Pid, cont: &Term) -> EtsResult<Term> {
        if cont.is_atom_named("$end_of_table") {
            return Ok(end_of_table());
        }
        let bad = EtsError::Arg(1, ArgReason::BadContinuation);
        let Term::Tuple(parts) = cont else { return Err(bad) };
        let [tag, tid, spec, key, Term::Int(skip), Term::Int(limit)] = &parts[..] else { return Err(bad) };
        let direction = if tag.is_atom_named(CONT_TAG) {
            Direction::Forward
        } else if tag.is_atom_named(REVERSE_CONT_TAG) {
            Direction::Reverse
        } else {
            return Err(bad);
        };
        if *skip < 0 || *limit < 1 {
            return Err(bad);
        }
        let table = self.open(caller, tid, Access::Read)?;
        let ms = MatchSpec::compile(spec).map_err(|_| bad)?;
        let from = Position { key: table.key(key), skip: *skip as usize };
        Ok(self.chunk(&table, caller, &ms, spec, Some(&from), *limit as usize, direction))
    }

    #[allow(clippy::too_many_arguments)]
    fn chunk(
        &self,
        table: &Table,
        caller: Pid,
        ms: &MatchSpec,
        spec: &Term,
        from: Option<&Position>,
        limit: usize,
        direction: Direction,
    ) -> Term {
        let rows = table.rows.read();
        let mut out = Vec::new();
        let mut resume = None;
        visit(table, &rows, ms, from, direction, |key, i, o| {
            if out.len() == limit {
                resume = Some(Position { key: table.key(key), skip: i });
                return ControlFlow::Break(());
            }
            if let Some(v) = ms.run(o, caller) {
                out.push(v);
            }
            ControlFlow::Continue(())
        });
        if out.is_empty() {
            return end_of_table();
        }
        let cont = match resume {
            Some(p) => Term::tuple(vec![
                Term::atom(direction.tag()),
                Term::Ref(table.id),
                spec.clone(),
                p.key.into_term(),
                Term::Int(p.skip as i64),
                Term::Int(limit as i64),
            ]),
            None => end_of_table(),
        };
        Term::pair(Term::list(out), cont)
    }

    /// `:ets.select_count(tab, spec)`: how many rows the spec maps to `true`.
    pub fn select_count(&self, caller: Pid, tab: &Term, spec: &Term) -> EtsResult<Term> {
        let table = self.open(caller, tab, Access::Read)?;
        let ms = compile(spec)?;
        let rows = table.rows.read();
        let mut n = 0i64;
        visit(&table, &rows, &ms, None, Direction::Forward, |_, _, o| {
            if ms.selects_true(o, caller) {
                n += 1;
            }
            ControlFlow::Continue(())
        });
        Ok(Term::Int(n))
    }

    /// `:ets.select_delete(tab, spec)`: deletes the rows the spec maps to `true`;
    /// returns how many.
    pub fn select_delete(&self, caller: Pid, tab: &Term, spec: &Term) -> EtsResult<Term> {
        let table = self.open(caller, tab, Access::Write)?;
        let ms = compile(spec)?;
        Ok(Term::Int(self.delete_where(&table, &ms, caller) as i64))
    }

    fn delete_where(&self, table: &Table, ms: &MatchSpec, caller: Pid) -> usize {
        let mut rows = table.rows.write();
        let mut doomed = Vec::new();
        visit(table, &rows, ms, None, Direction::Forward, |key, _, o| {
            if ms.selects_true(o, caller) {
                doomed.push((table.key(key), o.clone()));
            }
            ControlFlow::Continue(())
        });
        // remove_object drops every equal copy at once, so count what was there.
        doomed.iter().map(|(key, o)| rows.remove_object(key, o)).sum()
    }

    /// `:ets.select_replace(tab, spec)`: replaces each matching row by the body's
    /// value, which must keep the key (else the spec is invalid and nothing changes).
    /// Sets and ordered sets only. Returns how many rows were replaced.
    pub fn select_replace(&self, caller: Pid, tab: &Term, spec: &Term) -> EtsResult<Term> {
        let table = self.open(caller, tab, Access::Write)?;
        if !table.options.kind.is_set_like() {
            return Err(EtsError::Arg(1, ArgReason::WrongType));
        }
        let ms = compile(spec)?;
        let mut rows = table.rows.write();
        let mut replacements = Vec::new();
        let mut key_changed = false;
        visit(&table, &rows, &ms, None, Direction::Forward, |key, _, o| {
            if let Some(new) = ms.run(o, caller) {
                match table.key_of(&new) {
                    Ok(k) if table.key(k).cmp_term(key).is_eq() => replacements.push((table.key(key), new)),
                    _ => {
                        key_changed = true;
                        return ControlFlow::Break(());
                    }
                }
            }
            ControlFlow::Continue(())
        });
        if key_changed {
            return Err(EtsError::Arg(2, ArgReason::BadMatchSpec));
        }
        let n = replacements.len();
        for (key, new) in replacements {
            rows.put(key, new);
        }
        Ok(Term::Int(n as i64))
    }

    /// `:ets.match(tab, pattern)` (`body = Bindings`) and `match_object/2` (`Object`).
    pub fn match_pattern(&self, caller: Pid, tab: &Term, pattern: &Term, body: PatternBody) -> EtsResult<Term> {
        self.select(caller, tab, &pattern_spec(pattern, body))
    }

    /// `:ets.match(tab, pattern, limit)` and `match_object/3`: chunks with a continuation.
    pub fn match_limit(&self, caller: Pid, tab: &Term, pattern: &Term, body: PatternBody, limit: &Term) -> EtsResult<Term> {
        self.select_limit(caller, tab, &pattern_spec(pattern, body), limit)
    }

    /// `:ets.match_delete(tab, pattern)`: deletes matching rows. Returns `true`.
    pub fn match_delete(&self, caller: Pid, tab: &Term, pattern: &Term) -> EtsResult<Term> {
        let table = self.open(caller, tab, Access::Write)?;
        let ms = compile(&pattern_spec(pattern, PatternBody::True))?;
        self.delete_where(&table, &ms, caller);
        Ok(Term::bool(true))
    }
}

fn pattern_spec(pattern: &Term, body: PatternBody) -> Term {
    MatchSpec::pattern_spec_term(pattern, body.term())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::ets::table::TableOptions;
    use crate::term::{Atom, Ref};

    fn table(kind: TableType, keys: impl Iterator<Item = Term>) -> Table {
        let table = Table::new(Ref(1), Atom::new("t"), TableOptions { kind, ..TableOptions::default() }, Pid(1));
        {
            let mut rows = table.rows.write();
            for k in keys {
                rows.put(table.key(&k), Term::pair(k, Term::atom("v")));
            }
        }
        table
    }

    fn spec(head: Term) -> MatchSpec {
        MatchSpec::compile(&Term::list(vec![Term::tuple(vec![head, Term::Nil, Term::list(vec![Term::atom("$_")])])]))
            .expect("valid spec")
    }

    /// How many rows `select` would test against `head`.
    fn visited(table: &Table, head: Term) -> usize {
        let mut n = 0;
        visit(table, &table.rows.read(), &spec(head), None, Direction::Forward, |_, _, _| {
            n += 1;
            ControlFlow::Continue(())
        });
        n
    }

    #[test]
    fn a_bound_key_is_one_lookup_not_a_scan() {
        for kind in [TableType::Set, TableType::OrderedSet, TableType::Bag] {
            let t = table(kind, (1..=10_000).map(Term::Int));
            assert_eq!(visited(&t, Term::pair(Term::Int(5_000), Term::atom("_"))), 1, "{kind:?}");
            assert_eq!(visited(&t, Term::pair(Term::Int(20_000), Term::atom("_"))), 0, "{kind:?}");
            assert_eq!(visited(&t, Term::pair(Term::atom("$1"), Term::atom("_"))), 10_000, "{kind:?}");
        }
    }

    #[test]
    fn a_key_prefix_narrows_an_ordered_set_to_its_range() {
        let keys = (1..=100).flat_map(|a| (1..=10).map(move |b| Term::pair(Term::Int(a), Term::Int(b))));
        let t = table(TableType::OrderedSet, keys);
        let head = Term::pair(Term::pair(Term::Int(42), Term::atom("$1")), Term::atom("_"));
        assert_eq!(visited(&t, head), 10);
    }
}
