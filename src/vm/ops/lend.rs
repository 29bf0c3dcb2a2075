//! Calling a native on arguments lent from their registers, and blaming its raise
//! on the call.

use super::data::{bit, dup, put, take};
use crate::term::{Atom, Term};
use crate::vm::code::Reg;
use crate::vm::native::{Control, NativeCtx, NativeFn, NativeResult, OwningFn};
use crate::vm::raise::Raise;

/// Calls native `f` on the values of registers `args` of `window`, lent instead of
/// copied: each boxed value is swapped out of its register into `buf` (the machine's
/// reused argument buffer) and swapped back as soon as `f` returns, so passing a
/// tuple or a binary costs no reference-count increment and decrement. Small
/// integers and atoms are copied and never leave their register.
///
/// Invariants: while `f` runs, a lent register holds a stale immediate from `buf`,
/// which nothing observes (a native cannot reach the machine's registers, and the
/// lending ends before this returns). Every register is whole again before the
/// caller sees the result, which may be stored into one of them; a raise is blamed
/// with the arguments read back from the registers, and a handler may read them.
/// Between calls `buf` holds no boxed term, only stale immediates, so a slot is
/// overwritten without drop glue. Small integers and atoms are written field by
/// field: reading one as a whole 16-byte term right after an arithmetic instruction
/// wrote its payload stalled on store forwarding.
#[inline]
pub(in crate::vm) fn call_native_lent(ncx: &mut NativeCtx<'_>, f: NativeFn, window: &mut [Term], args: &[Reg], buf: &mut Vec<Term>) -> NativeResult {
    let n = args.len();
    if buf.len() < n {
        buf.resize_with(n, || Term::Nil);
    }
    if !distinct_registers(args) {
        return call_native_lent_repeated(ncx, f, window, args, buf);
    }
    let buf = &mut buf[..n];
    debug_assert!(buf.iter().all(is_immediate), "between calls the lending buffer holds only immediates");
    for (slot, r) in buf.iter_mut().zip(args.iter()) {
        let reg = &mut window[*r as usize];
        match reg {
            Term::Int(x) => std::mem::forget(std::mem::replace(slot, Term::Int(*x))),
            Term::Atom(a) => std::mem::forget(std::mem::replace(slot, Term::Atom(*a))),
            reg => std::mem::swap(slot, reg),
        }
    }
    let result = f(ncx, buf);
    // A slot holding anything but a copied integer or atom was swapped in.
    for (slot, r) in buf.iter_mut().zip(args.iter()) {
        if !matches!(slot, Term::Int(_) | Term::Atom(_)) {
            std::mem::swap(slot, &mut window[*r as usize]);
        }
    }
    debug_assert!(buf.iter().all(is_immediate), "every lent value went back to its register");
    result
}

/// Calls the owning form `g` of a native (see [`OwningFn`]): an argument whose bit
/// is set in `moved` and whose register no other argument names is taken from its
/// register (dead after the call); the others are copied. When `g` raises, the
/// taken arguments (whole, by `g`'s contract) go back to their registers, so the
/// raise is blamed from the registers as [`blame_lent`] does for a lent call. The
/// buffer is left holding only immediates, as between lent calls.
pub(in crate::vm) fn call_native_owned(ncx: &mut NativeCtx<'_>, g: OwningFn, window: &mut [Term], args: &[Reg], moved: u32, buf: &mut Vec<Term>) -> NativeResult {
    let n = args.len();
    if buf.len() < n {
        buf.resize_with(n, || Term::Nil);
    }
    let taken = |i: usize, r: &Reg| bit(moved, i) && args.iter().filter(|q| *q == r).count() == 1;
    for (i, r) in args.iter().enumerate() {
        let slot = &mut window[*r as usize];
        put(&mut buf[i], if taken(i, r) { take(slot) } else { dup(slot) });
    }
    let result = g(ncx, &mut buf[..n]);
    for (i, r) in args.iter().enumerate() {
        let v = std::mem::replace(&mut buf[i], Term::Nil);
        if result.is_err() && taken(i, r) {
            put(&mut window[*r as usize], v);
        }
    }
    result
}

/// True for the terms that need no drop (what the lending buffer may keep).
fn is_immediate(t: &Term) -> bool {
    matches!(t, Term::Int(_) | Term::Atom(_) | Term::Nil | Term::Float(_) | Term::Pid(_) | Term::Ref(_))
}

/// True when no register appears twice in `args` (nearly every call).
#[inline(always)]
fn distinct_registers(args: &[Reg]) -> bool {
    match args {
        [] | [_] => true,
        [a, b] => a != b,
        [a, b, c] => a != b && a != c && b != c,
        [a, b, c, d] => a != b && a != c && a != d && b != c && b != d && c != d,
        _ => args.iter().enumerate().all(|(i, r)| !args[..i].contains(r)),
    }
}

/// [`call_native_lent`] for arguments naming a register more than once (`f(x, x)`):
/// the register is lent once; its other occurrences are copies, dropped on return.
#[cold]
fn call_native_lent_repeated(ncx: &mut NativeCtx<'_>, f: NativeFn, window: &mut [Term], args: &[Reg], buf: &mut [Term]) -> NativeResult {
    let n = args.len();
    for (i, r) in args.iter().enumerate() {
        match &mut window[*r as usize] {
            Term::Int(x) => put(&mut buf[i], Term::Int(*x)),
            Term::Atom(a) => put(&mut buf[i], Term::Atom(*a)),
            slot => {
                let v = match args[..i].iter().position(|q| q == r) {
                    Some(j) => dup(&buf[j]),
                    None => std::mem::replace(slot, Term::Nil),
                };
                put(&mut buf[i], v);
            }
        }
    }
    let result = f(ncx, &buf[..n]);
    for (i, r) in args.iter().enumerate() {
        let slot = &mut buf[i];
        if !matches!(slot, Term::Int(_) | Term::Atom(_)) {
            let v = std::mem::replace(slot, Term::Nil);
            if !args[..i].contains(r) {
                put(&mut window[*r as usize], v);
            }
        }
    }
    result
}

/// What a native called by [`call_native_lent`] asked for, its raise blamed on the
/// call `who(args)` with the arguments read back from their registers.
#[cold]
pub(in crate::vm) fn blame_lent(control: Control, who: (Atom, Atom), window: &[Term], args: &[Reg]) -> Control {
    match control {
        Control::Raise(r) => {
            let argv: Vec<Term> = args.iter().map(|r| window[*r as usize].clone()).collect();
            Control::Raise(blame_native(r, Some(who), &argv))
        }
        other => other,
    }
}

/// A native's raise, blamed on the call `who(args)` (`module`, `name`) when known.
#[cold]
pub(in crate::vm) fn blame_native(r: Raise, who: Option<(Atom, Atom)>, args: &[Term]) -> Raise {
    match who {
        // `:erlang.error/1,2` raise what they are given, from their caller: BEAM
        // puts no frame of theirs on the stacktrace.
        Some((m, n)) if m.as_str() == "erlang" && n.as_str() == "error" => r,
        // Kernel's arithmetic functions are Erlang BIFs: blame them as such.
        Some((m, n)) if m.as_str() == "Elixir.Kernel" => r.blaming(Atom::new("erlang"), n, args),
        Some((m, n)) => r.blaming(m, n, args),
        None => r,
    }
}
