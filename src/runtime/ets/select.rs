//! Match and select operations of [`EtsRegistry`], with continuations.
//!
//! Every one compiles its specification once, then visits candidate rows: a bound key
//! is one lookup, a tuple key with constant leading elements on an ordered_set is a
//! range of the map, anything else is a scan in table order.
//!
//! A continuation (from `select/3`, `match/3`) is the tuple
//! `{:"$ets_select", tid, spec, resume_key, skip, limit}`: resume at `resume_key`,
//! skipping its first `skip` rows (bags can stop mid-key). It is opaque to learners,
//! as in Erlang; when a chunk reaches the end of the table the continuation is
//! `:"$end_of_table"`, which `select/1` returns unchanged.

use super::error::{ArgReason, EtsError, EtsResult};
use super::key::Key;
use super::match_spec::{MatchSpec, PatternBody};
use super::objects::end_of_table;
use super::pattern::KeyPattern;
use super::registry::EtsRegistry;
use super::table::{Access, Rows, Table, TableType};
use crate::term::{Pid, Term};
use std::ops::{Bound, ControlFlow};

const CONT_TAG: &str = "$ets_select";

/// Where a visit starts: a key and how many of its rows were already visited.
#[derive(Clone)]
struct Position {
    key: Key,
    skip: usize,
}

/// Visits rows that may match `spec`, from `from`, in table order. `f` receives each
/// row with its position and may stop the visit.
fn visit(
    table: &Table,
    rows: &Rows,
    spec: &MatchSpec,
    from: Option<&Position>,
    mut f: impl FnMut(Position, &Term) -> ControlFlow<()>,
) {
    let start = match from {
        Some(p) => Bound::Included(p.key.clone()),
        None => Bound::Unbounded,
    };
    let mut visit_slot = |key: &Key, objects: &[Term]| -> ControlFlow<()> {
        let skip = match from {
            Some(p) if p.key == *key => p.skip,
            _ => 0,
        };
        for (i, o) in objects.iter().enumerate().skip(skip) {
            f(Position { key: key.clone(), skip: i }, o)?;
        }
        ControlFlow::Continue(())
    };
    match spec.key_pattern(table.options.keypos) {
        KeyPattern::Bound(k) => {
            let key = table.key(k);
            let resumable = from.is_none_or(|p| p.key <= key);
            if let (true, Some((key, slot))) = (resumable, rows.map.get_key_value(&key)) {
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
            let start = match start {
                Bound::Included(k) if k > probe => Bound::Included(k),
                _ => Bound::Included(probe),
            };
            for (key, slot) in rows.map.range((start, Bound::Unbounded)) {
                let in_range = matches!(&key.term, Term::Tuple(items)
                    if items.len() == size && items.iter().zip(&prefix).all(|(a, b)| a.loose_eq(b)));
                if !in_range || visit_slot(key, slot.objects()).is_break() {
                    break;
                }
            }
        }
        _ => {
            for (key, slot) in rows.map.range((start, Bound::Unbounded)) {
                if visit_slot(key, slot.objects()).is_break() {
                    break;
                }
            }
        }
    }
}

fn compile(spec: &Term) -> EtsResult<MatchSpec> {
    MatchSpec::compile(spec).map_err(|_| EtsError::Arg(2, ArgReason::BadMatchSpec))
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
        let table = self.open(caller, tab, Access::Read)?;
        let ms = compile(spec)?;
        let rows = table.rows.read();
        let mut out = Vec::new();
        visit(&table, &rows, &ms, None, |_, o| {
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
        let table = self.open(caller, tab, Access::Read)?;
        let ms = compile(spec)?;
        let limit = limit_of(limit)?;
        Ok(self.chunk(&table, caller, &ms, spec, None, limit))
    }

    /// `:ets.select(continuation)` (and `match/1`): the next chunk.
    pub fn select_continue(&self, caller: Pid, cont: &Term) -> EtsResult<Term> {
        if cont.is_atom_named("$end_of_table") {
            return Ok(end_of_table());
        }
        let bad = EtsError::Arg(1, ArgReason::BadContinuation);
        let Term::Tuple(parts) = cont else { return Err(bad) };
        let [tag, tid, spec, key, Term::Int(skip), Term::Int(limit)] = parts.as_slice() else { return Err(bad) };
        if !tag.is_atom_named(CONT_TAG) || *skip < 0 || *limit < 1 {
            return Err(bad);
        }
        let table = self.open(caller, tid, Access::Read)?;
        let ms = MatchSpec::compile(spec).map_err(|_| bad)?;
        let from = Position { key: table.key(key), skip: *skip as usize };
        Ok(self.chunk(&table, caller, &ms, spec, Some(&from), *limit as usize))
    }

    fn chunk(&self, table: &Table, caller: Pid, ms: &MatchSpec, spec: &Term, from: Option<&Position>, limit: usize) -> Term {
        let rows = table.rows.read();
        let mut out = Vec::new();
        let mut resume = None;
        visit(table, &rows, ms, from, |pos, o| {
            if out.len() == limit {
                resume = Some(pos);
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
                Term::atom(CONT_TAG),
                Term::Ref(table.id),
                spec.clone(),
                p.key.term,
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
        visit(&table, &rows, &ms, None, |_, o| {
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
        visit(table, &rows, ms, None, |pos, o| {
            if ms.selects_true(o, caller) {
                doomed.push((pos.key, o.clone()));
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
        visit(&table, &rows, &ms, None, |pos, o| {
            if let Some(new) = ms.run(o, caller) {
                match table.key_of(&new) {
                    Ok(k) if table.key(k) == pos.key => replacements.push((pos.key, new)),
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
            rows.put(table.options.kind, key, new);
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
