//! `:queue`: Erlang's double-ended FIFO as the tuple `{rear, front}` (rear newest
//! first), with OTP's own rebalancing, so a queue prints and compares exactly as on
//! BEAM. The functions that take a fun (`filter`, `fold`, ...) are not provided.

use super::argument::badarg;
use crate::term::Term;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult, Raise};

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;
type Q = (Vec<Term>, Vec<Term>);

fn queue_arg(t: &Term) -> Result<Q, Control> {
    match t {
        Term::Tuple(p) if p.len() == 2 => match (p[0].list_to_vec(), p[1].list_to_vec()) {
            (Some(r), Some(f)) => Ok((r, f)),
            _ => Err(badarg()),
        },
        _ => Err(badarg()),
    }
}

fn queue_term((r, f): Q) -> Term {
    Term::pair(Term::list(r), Term::list(f))
}

fn rev(mut v: Vec<Term>) -> Vec<Term> {
    v.reverse();
    v
}

/// Front list to a balanced queue: the first half stays in front.
fn f2r(list: Vec<Term>) -> Q {
    let keep = list.len() / 2;
    let mut front = list;
    let rest = front.split_off(keep);
    (rev(rest), front)
}

/// Rear list to a balanced queue: the newest half stays at the rear.
fn r2f(list: Vec<Term>) -> Q {
    let keep = list.len() / 2;
    let mut rear = list;
    let rest = rear.split_off(keep);
    (rear, rev(rest))
}

/// `error(empty)`, what OTP raises for get/drop on an empty queue.
fn empty_error(_queue: &Term) -> Control {
    Control::Raise(Raise::error(Term::atom("empty")))
}

fn value(v: Term) -> Term {
    Term::pair(Term::atom("value"), v)
}

fn new(_: Cx<'_, '_>, _: &[Term]) -> NativeResult {
    Ok(queue_term((vec![], vec![])))
}
fn from_list(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(queue_term(f2r(a[0].list_to_vec().ok_or_else(badarg)?)))
}
fn to_list(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (r, mut f) = queue_arg(&a[0])?;
    f.extend(rev(r));
    Ok(Term::list(f))
}
fn len(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (r, f) = queue_arg(&a[0])?;
    Ok(Term::Int((r.len() + f.len()) as i64))
}
fn is_empty(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (r, f) = queue_arg(&a[0])?;
    Ok(Term::bool(r.is_empty() && f.is_empty()))
}
fn is_queue(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::bool(queue_arg(&a[0]).is_ok()))
}
fn member(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (r, f) = queue_arg(&a[1])?;
    let eq = |x: &Term| crate::term::order::compare(x, &a[0], true).is_eq();
    Ok(Term::bool(r.iter().any(eq) || f.iter().any(eq)))
}
fn push_rear(x: Term, (mut r, f): Q) -> Q {
    if f.is_empty() && r.len() == 1 {
        return (vec![x], r);
    }
    r.insert(0, x);
    (r, f)
}
fn push_front(x: Term, (r, mut f): Q) -> Q {
    if r.is_empty() && f.len() == 1 {
        return (f, vec![x]);
    }
    f.insert(0, x);
    (r, f)
}
fn in_(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(queue_term(push_rear(a[0].clone(), queue_arg(&a[1])?)))
}
fn in_r(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(queue_term(push_front(a[0].clone(), queue_arg(&a[1])?)))
}
fn snoc(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(queue_term(push_rear(a[1].clone(), queue_arg(&a[0])?)))
}
/// Removes the front element: `(element, rest)`, `None` when empty.
fn pop_front((mut r, mut f): Q) -> Option<(Term, Q)> {
    if f.is_empty() {
        if r.is_empty() {
            return None;
        }
        if r.len() == 1 {
            return Some((r.remove(0), (vec![], vec![])));
        }
        let newest = r.remove(0);
        let mut out = rev(r);
        let v = out.remove(0);
        return Some((v, (vec![newest], out)));
    }
    let v = f.remove(0);
    if f.is_empty() {
        return Some((v, r2f(r)));
    }
    Some((v, (r, f)))
}
/// Removes the rear element.
fn pop_rear((mut r, mut f): Q) -> Option<(Term, Q)> {
    if r.is_empty() {
        if f.is_empty() {
            return None;
        }
        if f.len() == 1 {
            return Some((f.remove(0), (vec![], vec![])));
        }
        let oldest = f.remove(0);
        let mut inn = rev(f);
        let v = inn.remove(0);
        return Some((v, (inn, vec![oldest])));
    }
    let v = r.remove(0);
    if r.is_empty() {
        return Some((v, f2r(f)));
    }
    Some((v, (r, f)))
}
fn out(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(match pop_front(queue_arg(&a[0])?) {
        Some((v, q)) => Term::pair(value(v), queue_term(q)),
        None => Term::pair(Term::atom("empty"), a[0].clone()),
    })
}
fn out_r(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(match pop_rear(queue_arg(&a[0])?) {
        Some((v, q)) => Term::pair(value(v), queue_term(q)),
        None => Term::pair(Term::atom("empty"), a[0].clone()),
    })
}
fn get(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    pop_front(queue_arg(&a[0])?).map(|(v, _)| v).ok_or_else(|| empty_error(&a[0]))
}
fn get_r(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    pop_rear(queue_arg(&a[0])?).map(|(v, _)| v).ok_or_else(|| empty_error(&a[0]))
}
fn peek(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(pop_front(queue_arg(&a[0])?).map_or_else(|| Term::atom("empty"), |(v, _)| value(v)))
}
fn peek_r(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(pop_rear(queue_arg(&a[0])?).map_or_else(|| Term::atom("empty"), |(v, _)| value(v)))
}
fn drop(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    pop_front(queue_arg(&a[0])?).map(|(_, q)| queue_term(q)).ok_or_else(|| empty_error(&a[0]))
}
fn drop_r(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    pop_rear(queue_arg(&a[0])?).map(|(_, q)| queue_term(q)).ok_or_else(|| empty_error(&a[0]))
}
fn reverse(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (r, f) = queue_arg(&a[0])?;
    Ok(queue_term((f, r)))
}
fn join(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (r1, f1) = queue_arg(&a[0])?;
    let (r2, f2) = queue_arg(&a[1])?;
    if r2.is_empty() && f2.is_empty() {
        return Ok(a[0].clone());
    }
    if r1.is_empty() && f1.is_empty() {
        return Ok(a[1].clone());
    }
    let mut front = f1;
    front.extend(rev(r1));
    front.extend(f2);
    Ok(queue_term((r2, front)))
}
/// `:queue.split(n, q)`: the first `n` elements and the rest, balanced as OTP does.
fn split(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let n = super::argument::index(&a[0]).ok_or_else(badarg)?;
    let (r, f) = queue_arg(&a[1])?;
    let total = r.len() + f.len();
    if n == 0 {
        return Ok(Term::pair(queue_term((vec![], vec![])), a[1].clone()));
    }
    if n > total {
        return Err(badarg());
    }
    if n == f.len() {
        return Ok(Term::pair(queue_term(f2r(f)), queue_term(r2f(r))));
    }
    if n < f.len() {
        // The first element stays in front; the next n-1 go to the first queue's rear.
        let mut front = f;
        let rest = front.split_off(n);
        let first = front.remove(0);
        return Ok(Term::pair(queue_term((rev(front), vec![first])), queue_term((r, rest))));
    }
    if n == total {
        return Ok(Term::pair(a[1].clone(), queue_term((vec![], vec![]))));
    }
    // n > |front|: the newest total-n elements of the rear start the second queue.
    let m = total - n;
    let mut rear = r;
    let kept = rear.split_off(m);
    let moved = rear;
    let newest = moved[0].clone();
    let second_front = rev(moved[1..].to_vec());
    Ok(Term::pair(queue_term((kept, f)), queue_term((vec![newest], second_front))))
}

/// Registers `:queue`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "queue";
    reg.add(m, "new", 0, new);
    reg.add(m, "from_list", 1, from_list);
    reg.add(m, "to_list", 1, to_list);
    reg.add(m, "len", 1, len);
    reg.add(m, "is_empty", 1, is_empty);
    reg.add(m, "is_queue", 1, is_queue);
    reg.add(m, "member", 2, member);
    reg.add(m, "in", 2, in_);
    reg.add(m, "in_r", 2, in_r);
    reg.add(m, "cons", 2, in_r);
    reg.add(m, "snoc", 2, snoc);
    reg.add(m, "out", 1, out);
    reg.add(m, "out_r", 1, out_r);
    reg.add(m, "get", 1, get);
    reg.add(m, "head", 1, get);
    reg.add(m, "get_r", 1, get_r);
    reg.add(m, "last", 1, get_r);
    reg.add(m, "daeh", 1, get_r);
    reg.add(m, "peek", 1, peek);
    reg.add(m, "peek_r", 1, peek_r);
    reg.add(m, "drop", 1, drop);
    reg.add(m, "tail", 1, drop);
    reg.add(m, "drop_r", 1, drop_r);
    reg.add(m, "init", 1, drop_r);
    reg.add(m, "liat", 1, drop_r);
    reg.add(m, "reverse", 1, reverse);
    reg.add(m, "join", 2, join);
    reg.add(m, "split", 2, split);
}
