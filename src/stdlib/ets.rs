//! The `:ets` module: natives over the runtime's [`EtsRegistry`].
//!
//! Each native passes the calling pid (for access checks) and turns an [`EtsError`]
//! into the `ArgumentError` Elixir 1.14 raises. `foldl/3` and `foldr/3` run learner
//! code, so they hand the rows to `:lists.foldl/3` / `:lists.foldr/3` instead of
//! calling the fun from Rust.
//!
//! Ownership messages: `give_away/3` queues its `{:"ETS-TRANSFER", ...}` message in
//! the registry; the runtime delivers it with `EtsRegistry::drain_transfers` after
//! running the process (and heir messages come from `EtsRegistry::owner_exited`).

use crate::runtime::ets::{EtsError, EtsRegistry, PatternBody};
use crate::term::{Atom, Pid, Term};
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult, Raise};

/// The exception Elixir raises for `e`.
pub fn raise_for(e: EtsError) -> Control {
    match e {
        EtsError::Badarg => Control::Raise(Raise::badarg()),
        EtsError::Arg(..) => Control::Raise(Raise::argument_error(e.message())),
    }
}

fn reg<'a>(cx: &'a NativeCtx<'_>) -> (&'a EtsRegistry, Pid) {
    (cx.process.runtime().ets(), cx.process.pid())
}

fn done(r: Result<Term, EtsError>) -> NativeResult {
    r.map_err(raise_for)
}

fn new(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let id = cx.process.runtime().make_ref();
    let (ets, me) = reg(cx);
    done(ets.new_table(me, &a[0], &a[1], id))
}

fn insert(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.insert(me, &a[0], &a[1]))
}

fn insert_new(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.insert_new(me, &a[0], &a[1]))
}

fn lookup(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.lookup(me, &a[0], &a[1]))
}

fn lookup_element(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.lookup_element(me, &a[0], &a[1], &a[2]))
}

fn member(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.member(me, &a[0], &a[1]))
}

fn delete_table(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.delete_table(me, &a[0]))
}

fn delete_key(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.delete_key(me, &a[0], &a[1]))
}

fn delete_object(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.delete_object(me, &a[0], &a[1]))
}

fn delete_all_objects(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.delete_all_objects(me, &a[0]))
}

fn take(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.take(me, &a[0], &a[1]))
}

fn tab2list(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.tab2list(me, &a[0]))
}

fn first(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.first(me, &a[0]))
}

fn last(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.last(me, &a[0]))
}

fn next(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.next(me, &a[0], &a[1]))
}

fn prev(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.prev(me, &a[0], &a[1]))
}

fn update_element(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.update_element(me, &a[0], &a[1], &a[2]))
}

fn update_counter3(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.update_counter(me, &a[0], &a[1], &a[2], None))
}

fn update_counter4(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.update_counter(me, &a[0], &a[1], &a[2], Some(&a[3])))
}

fn match2(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.match_pattern(me, &a[0], &a[1], PatternBody::Bindings))
}

fn match3(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.match_limit(me, &a[0], &a[1], PatternBody::Bindings, &a[2]))
}

fn match_object2(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.match_pattern(me, &a[0], &a[1], PatternBody::Object))
}

fn match_object3(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.match_limit(me, &a[0], &a[1], PatternBody::Object, &a[2]))
}

/// `select/1`, `select_reverse/1`, `match/1` and `match_object/1`: continuations
/// carry their own spec and direction.
fn continue1(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.select_continue(me, &a[0]))
}

fn match_delete(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.match_delete(me, &a[0], &a[1]))
}

fn select2(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.select(me, &a[0], &a[1]))
}

fn select3(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.select_limit(me, &a[0], &a[1], &a[2]))
}

fn select_reverse2(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.select_reverse(me, &a[0], &a[1]))
}

fn select_reverse3(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.select_reverse_limit(me, &a[0], &a[1], &a[2]))
}

fn select_count(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.select_count(me, &a[0], &a[1]))
}

fn select_delete(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.select_delete(me, &a[0], &a[1]))
}

fn select_replace(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.select_replace(me, &a[0], &a[1]))
}

/// `foldl(fun, acc, tab)` is `:lists.foldl(fun, acc, tab2list(tab))`: the rows are
/// read atomically, then folded in the VM so the fun runs as learner code.
fn fold(cx: &mut NativeCtx<'_>, a: &[Term], direction: &str) -> NativeResult {
    let (ets, me) = reg(cx);
    let rows = done(ets.tab2list(me, &a[2]))?;
    Err(Control::CallMfa {
        module: Atom::new("lists"),
        name: Atom::new(direction),
        args: vec![a[0].clone(), a[1].clone(), rows],
    })
}

fn foldl(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    fold(cx, a, "foldl")
}

fn foldr(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    fold(cx, a, "foldr")
}

fn info1(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, _) = reg(cx);
    done(ets.info(&a[0]))
}

fn info2(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, _) = reg(cx);
    done(ets.info_item(&a[0], &a[1]))
}

fn whereis(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, _) = reg(cx);
    done(ets.whereis(&a[0]))
}

fn all(cx: &mut NativeCtx<'_>, _a: &[Term]) -> NativeResult {
    let (ets, _) = reg(cx);
    Ok(ets.all())
}

fn rename(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.rename(me, &a[0], &a[1]))
}

fn give_away(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    let result = done(ets.give_away(me, &a[0], &a[1], &a[2]));
    cx.process.runtime().deliver_ets_transfers();
    result
}

fn setopts(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.setopts(me, &a[0], &a[1]))
}

fn safe_fixtable(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    done(ets.safe_fixtable(me, &a[0], &a[1]))
}

/// A file name given as an Elixir string or an Erlang charlist.
fn path_of(t: &Term) -> Option<String> {
    if let Some(s) = t.as_str() {
        return Some(s.to_string());
    }
    t.list_to_vec()?
        .iter()
        .map(|c| match c {
            Term::Int(i) => u32::try_from(*i).ok().and_then(char::from_u32),
            _ => None,
        })
        .collect()
}

fn error_tuple(reason: Term) -> Term {
    Term::pair(Term::Atom(crate::term::ATOMS.error), reason)
}

fn tab2file(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let (ets, me) = reg(cx);
    let path = path_of(&a[1]).ok_or_else(|| Control::Raise(Raise::badarg()))?;
    match ets.tab2file(me, &a[0], &path).map_err(raise_for)? {
        Ok(()) => Ok(Term::ok()),
        Err(e) => Ok(error_tuple(e.0)),
    }
}

fn file2tab(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let id = cx.process.runtime().make_ref();
    let (ets, me) = reg(cx);
    let path = path_of(&a[0]).ok_or_else(|| Control::Raise(Raise::badarg()))?;
    match ets.file2tab(me, &path, id) {
        Ok(tab) => Ok(Term::pair(Term::ok(), tab)),
        Err(e) => Ok(error_tuple(e.0)),
    }
}

/// Registers every `:ets` function.
pub fn register(reg: &mut NativeRegistry) {
    let m = "ets";
    reg.add(m, "new", 2, new);
    reg.add(m, "insert", 2, insert);
    reg.add(m, "insert_new", 2, insert_new);
    reg.add(m, "lookup", 2, lookup);
    reg.add(m, "lookup_element", 3, lookup_element);
    reg.add(m, "member", 2, member);
    reg.add(m, "delete", 1, delete_table);
    reg.add(m, "delete", 2, delete_key);
    reg.add(m, "delete_object", 2, delete_object);
    reg.add(m, "delete_all_objects", 1, delete_all_objects);
    reg.add(m, "take", 2, take);
    reg.add(m, "tab2list", 1, tab2list);
    reg.add(m, "first", 1, first);
    reg.add(m, "last", 1, last);
    reg.add(m, "next", 2, next);
    reg.add(m, "prev", 2, prev);
    reg.add(m, "update_element", 3, update_element);
    reg.add(m, "update_counter", 3, update_counter3);
    reg.add(m, "update_counter", 4, update_counter4);
    reg.add(m, "match", 1, continue1);
    reg.add(m, "match", 2, match2);
    reg.add(m, "match", 3, match3);
    reg.add(m, "match_object", 1, continue1);
    reg.add(m, "match_object", 2, match_object2);
    reg.add(m, "match_object", 3, match_object3);
    reg.add(m, "match_delete", 2, match_delete);
    reg.add(m, "select", 1, continue1);
    reg.add(m, "select", 2, select2);
    reg.add(m, "select", 3, select3);
    reg.add(m, "select_reverse", 1, continue1);
    reg.add(m, "select_reverse", 2, select_reverse2);
    reg.add(m, "select_reverse", 3, select_reverse3);
    reg.add(m, "select_count", 2, select_count);
    reg.add(m, "select_delete", 2, select_delete);
    reg.add(m, "select_replace", 2, select_replace);
    reg.add(m, "foldl", 3, foldl);
    reg.add(m, "foldr", 3, foldr);
    reg.add(m, "info", 1, info1);
    reg.add(m, "info", 2, info2);
    reg.add(m, "whereis", 1, whereis);
    reg.add(m, "all", 0, all);
    reg.add(m, "rename", 2, rename);
    reg.add(m, "give_away", 3, give_away);
    reg.add(m, "setopts", 2, setopts);
    reg.add(m, "safe_fixtable", 2, safe_fixtable);
    reg.add(m, "tab2file", 2, tab2file);
    reg.add(m, "file2tab", 1, file2tab);
}

#[cfg(test)]
#[path = "ets_tests.rs"]
mod tests;
