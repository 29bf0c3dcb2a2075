//! In-place updates of [`EtsRegistry`]: `update_element/3` and `update_counter/3,4`.
//!
//! Both validate everything before writing, under one write lock, so a failing call
//! leaves the row unchanged and concurrent counters never lose an increment.

use super::footprint::Footprint;
use super::error::{ArgReason, EtsError, EtsResult};
use super::registry::EtsRegistry;
use super::rows::Slot;
use super::table::Access;
use crate::term::{Pid, Term};
use crate::term::value::TupleArc;
use num_bigint::BigInt;
use std::cmp::Ordering;

/// One `{pos, incr}` or `{pos, incr, threshold, setvalue}` operation.
struct CounterOp {
    pos: usize,
    incr: Term,
    threshold: Option<(Term, Term)>,
}

fn as_pos(t: &Term) -> Option<usize> {
    match t {
        Term::Int(p) if *p >= 1 => Some(*p as usize),
        _ => None,
    }
}

fn parse_counter_op(t: &Term) -> Option<CounterOp> {
    let Term::Tuple(parts) = t else { return None };
    match &parts[..] {
        [pos, incr] if incr.is_integer() => Some(CounterOp { pos: as_pos(pos)?, incr: incr.clone(), threshold: None }),
        [pos, incr, th, set] if incr.is_integer() && th.is_integer() && set.is_integer() => {
            Some(CounterOp { pos: as_pos(pos)?, incr: incr.clone(), threshold: Some((th.clone(), set.clone())) })
        }
        _ => None,
    }
}

fn add_integers(a: &Term, b: &Term) -> Option<Term> {
    match (a, b) {
        (Term::Int(x), Term::Int(y)) => Some(
            x.checked_add(*y).map(Term::Int).unwrap_or_else(|| Term::from_bigint(BigInt::from(*x) + BigInt::from(*y))),
        ),
        _ => {
            let big = |t: &Term| match t {
                Term::Int(i) => Some(BigInt::from(*i)),
                Term::BigInt(b) => Some((**b).clone()),
                _ => None,
            };
            Some(Term::from_bigint(big(a)? + big(b)?))
        }
    }
}

impl EtsRegistry {
    /// `:ets.update_element(tab, key, {pos, value} | [{pos, value}])`: `true`, or
    /// `false` when the key is absent. Sets and ordered sets only.
    pub fn update_element(&self, caller: Pid, tab: &Term, key: &Term, spec: &Term) -> EtsResult<Term> {
        self.with_open(caller, tab, Access::Write, |table| {
            let bad_spec = EtsError::Arg(3, ArgReason::BadElementSpec);
            let items = match spec {
                Term::Tuple(_) => vec![spec.clone()],
                _ => spec.list_to_vec().ok_or(bad_spec)?,
            };
            let mut updates = Vec::with_capacity(items.len());
            for item in &items {
                let Term::Tuple(parts) = item else { return Err(bad_spec) };
                let [pos, value] = &parts[..] else { return Err(bad_spec) };
                let pos = as_pos(pos).ok_or(bad_spec)?;
                if pos == table.options.keypos {
                    return Err(EtsError::Arg(3, ArgReason::SameAsKeypos));
                }
                updates.push((pos, value.clone()));
            }
            if !table.options.kind.is_set_like() {
                return Err(EtsError::Arg(3, ArgReason::OutOfRange));
            }
            let mut rows = table.rows.write();
            let Some(Slot::One(Term::Tuple(items))) = rows.get_mut(&table.key(key)) else {
                return Ok(Term::bool(false));
            };
            if updates.iter().any(|(pos, _)| *pos > items.len()) {
                return Err(EtsError::Arg(3, ArgReason::OutOfRange));
            }
            let row = TupleArc::make_mut(items);
            let (mut removed, mut added) = (Footprint::default(), Footprint::default());
            for (pos, value) in updates {
                added.add(Footprint::of(&value));
                removed.add(Footprint::of(&std::mem::replace(&mut row[pos - 1], value)));
            }
            rows.reaccount(removed, added);
            Ok(Term::bool(true))
        })
    }

    /// `:ets.update_counter(tab, key, ops)` and `/4` with a `default` row inserted
    /// (with its key replaced by `key`) when the key is absent. Returns the new value,
    /// or a list of them when `ops` is a list.
    pub fn update_counter(
        &self,
        caller: Pid,
        tab: &Term,
        key: &Term,
        ops: &Term,
        default: Option<&Term>,
    ) -> EtsResult<Term> {
        self.with_open(caller, tab, Access::Write, |table| {
            if !table.options.kind.is_set_like() {
                return Err(EtsError::Arg(1, ArgReason::WrongType));
            }
            let keypos = table.options.keypos;
            // `n` or `{pos, n}` with a small `n`: the shape nearly every counter uses,
            // served below without building the general operation list.
            let plain = match ops {
                Term::Int(n) => Some((keypos + 1, *n)),
                Term::Tuple(parts) => match &parts[..] {
                    [Term::Int(pos), Term::Int(n)] if *pos >= 1 => Some((*pos as usize, *n)),
                    _ => None,
                },
                _ => None,
            };
            // Operations are validated before the default row (Erlang's argument order).
            let parsed = if plain.is_none() { Some(parse_counter_ops(ops, keypos)?) } else { None };
            if let Some(d) = default
                && !matches!(d, Term::Tuple(_))
            {
                return Err(EtsError::Arg(4, ArgReason::NotTuple));
            }
            let map_key = table.key(key);
            let mut rows = table.rows.write();
            if let Some((pos, n)) = plain
                && pos != keypos
                && let Some(Slot::One(Term::Tuple(items))) = rows.get_mut(&map_key)
                && let Some(Term::Int(value)) = items.get(pos - 1)
                && let Some(sum) = value.checked_add(n)
            {
                // In place, as below; every check the general path makes has passed.
                if let Term::Int(field) = &mut TupleArc::make_mut(items)[pos - 1] {
                    *field = sum;
                }
                return Ok(Term::Int(sum));
            }
            let (ops, as_list) = match parsed {
                Some(parsed) => parsed,
                None => parse_counter_ops(ops, keypos)?,
            };
            let ops = &ops[..];
            match rows.get_mut(&map_key) {
                // The row is updated in place; `make_mut` copies it first only when a
                // process still holds the old row (a lookup's result), which must not change.
                Some(Slot::One(Term::Tuple(items))) => {
                    check_counter_ops(ops, items, keypos)?;
                    Ok(bump(&mut TupleArc::make_mut(items)[..], ops, as_list))
                }
                Some(Slot::One(_)) => Err(EtsError::Badarg),
                Some(Slot::Many(_)) => Err(EtsError::Arg(1, ArgReason::WrongType)),
                None => {
                    let Some(Term::Tuple(items)) = default else { return Err(EtsError::Arg(2, ArgReason::KeyMissing)) };
                    let mut row = items.to_vec();
                    *row.get_mut(keypos - 1).ok_or(EtsError::Badarg)? = key.clone();
                    check_counter_ops(ops, &row, keypos)?;
                    let result = bump(&mut row, ops, as_list);
                    rows.put(map_key, Term::tuple(row));
                    Ok(result)
                }
            }
        })
    }
}

/// The operations `ops` asks for (an increment, one `{pos, incr...}` tuple or a list
/// of them), and whether the caller gets a list of results.
fn parse_counter_ops(ops: &Term, keypos: usize) -> EtsResult<(Vec<CounterOp>, bool)> {
    let bad_op = EtsError::Arg(3, ArgReason::BadUpdateOp);
    Ok(match ops {
        i if i.is_integer() => (vec![CounterOp { pos: keypos + 1, incr: i.clone(), threshold: None }], false),
        Term::Tuple(_) => (vec![parse_counter_op(ops).ok_or(bad_op)?], false),
        _ => {
            let items = ops.list_to_vec().ok_or(bad_op)?;
            (items.iter().map(parse_counter_op).collect::<Option<Vec<_>>>().ok_or(bad_op)?, true)
        }
    })
}

/// Checks every operation against the row before anything is written, so a failing
/// call changes nothing. Checking against the original row is exact: a field an
/// earlier operation writes was already checked to hold an integer.
fn check_counter_ops(ops: &[CounterOp], row: &[Term], keypos: usize) -> EtsResult<()> {
    for op in ops {
        if op.pos == keypos {
            return Err(EtsError::Arg(3, ArgReason::SameAsKeypos));
        }
        let field = row.get(op.pos - 1).ok_or(EtsError::Arg(3, ArgReason::CounterPosOutOfRange))?;
        if !field.is_integer() {
            return Err(EtsError::Arg(3, ArgReason::NotInteger));
        }
    }
    Ok(())
}

/// Applies checked operations in order; returns the new value (a list of them when
/// `as_list`).
fn bump(row: &mut [Term], ops: &[CounterOp], as_list: bool) -> Term {
    let mut results = Vec::new();
    let mut last = Term::Nil;
    for op in ops {
        let field = &mut row[op.pos - 1];
        let mut value = add_integers(field, &op.incr).unwrap_or_else(|| field.clone());
        if let Some((threshold, set)) = &op.threshold {
            let rising = op.incr.cmp(&Term::Int(0)) != Ordering::Less;
            let crossed = if rising { value > *threshold } else { value < *threshold };
            if crossed {
                value = set.clone();
            }
        }
        *field = value.clone();
        if as_list {
            results.push(value);
        } else {
            last = value;
        }
    }
    if as_list { Term::list(results) } else { last }
}
