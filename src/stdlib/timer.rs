//! Natives of time and timers: `Process.send_after/3,4`, `cancel_timer/1,2`,
//! `read_timer/1`, `Process.sleep/1`, `:timer.sleep/1`, and the `System`/`:erlang`
//! clocks (`monotonic_time`, `system_time`, `os_time`). All read the runtime's
//! clock, so they are virtual under the virtual clock.

use super::process::{bad_argument, function_clause};
use crate::runtime::TimerDest;
use crate::term::{ATOMS, Term};
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult, Raise};

/// Registers the time and timer natives.
pub fn register(reg: &mut NativeRegistry) {
    let p = "Elixir.Process";
    reg.add(p, "send_after", 3, send_after);
    reg.add(p, "send_after", 4, send_after);
    reg.add("erlang", "send_after", 3, send_after);
    reg.add("erlang", "send_after", 4, send_after);
    reg.add(p, "cancel_timer", 1, cancel_timer);
    reg.add(p, "cancel_timer", 2, cancel_timer);
    reg.add("erlang", "cancel_timer", 1, cancel_timer);
    reg.add("erlang", "cancel_timer", 2, cancel_timer);
    reg.add(p, "read_timer", 1, read_timer);
    reg.add("erlang", "read_timer", 1, read_timer);
    reg.add(p, "sleep", 1, process_sleep);
    reg.add("timer", "sleep", 1, timer_sleep);
    for m in ["Elixir.System", "erlang"] {
        reg.add(m, "monotonic_time", 0, monotonic_time);
        reg.add(m, "monotonic_time", 1, monotonic_time);
        reg.add(m, "system_time", 0, system_time);
        reg.add(m, "system_time", 1, system_time);
    }
    reg.add("Elixir.System", "os_time", 0, system_time);
    reg.add("Elixir.System", "os_time", 1, system_time);
    reg.add("os", "system_time", 0, system_time);
    reg.add("os", "system_time", 1, system_time);
}

/// Nanoseconds per second: the `:native` time unit, as on BEAM under Linux.
const NATIVE_PER_SECOND: i128 = 1_000_000_000;

/// Parts per second of a time unit (`:second`, `:millisecond`, `:native`, or a
/// positive integer), or the ArgumentError Elixir raises.
fn parts_per_second(unit: &Term) -> Result<i128, Raise> {
    let pps = match unit {
        Term::Int(n) if *n > 0 => i128::from(*n),
        Term::Atom(a) => match a.as_str() {
            "second" | "seconds" => 1,
            "millisecond" | "milli_seconds" => 1_000,
            "microsecond" | "micro_seconds" => 1_000_000,
            "nanosecond" | "nano_seconds" | "native" | "perf_counter" => NATIVE_PER_SECOND,
            _ => return Err(unit_error(unit)),
        },
        _ => return Err(unit_error(unit)),
    };
    Ok(pps)
}

fn unit_error(unit: &Term) -> Raise {
    Raise::argument_error(format!(
        "unsupported time unit. Expected :second, :millisecond, :microsecond, :nanosecond, or a positive integer, got {unit:?}"
    ))
}

/// `nanos` converted to the unit in `args[0]` (native units when absent), rounding
/// down as `erlang:convert_time_unit/3` does for positive times.
fn in_unit(nanos: i128, args: &[Term]) -> NativeResult {
    let pps = match args.first() {
        Some(unit) => parts_per_second(unit)?,
        None => NATIVE_PER_SECOND,
    };
    let value = nanos * pps / NATIVE_PER_SECOND;
    Ok(i64::try_from(value).map(Term::Int).unwrap_or_else(|_| Term::from_bigint(value.into())))
}

fn monotonic_time(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    in_unit(i128::from(cx.process.runtime().now_us()) * 1000, args)
}

fn system_time(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    in_unit(i128::from(cx.process.runtime().system_time_ms()) * 1_000_000, args)
}

/// A non-negative millisecond count from `args[i]`.
fn millis_arg(args: &[Term], i: usize) -> Result<u64, Raise> {
    match args.get(i) {
        Some(Term::Int(n)) if *n >= 0 => Ok(*n as u64),
        _ => Err(bad_argument(i + 1, "not a valid time value")),
    }
}

/// `send_after(dest, msg, time, opts \\ [])`; `abs: true` makes `time` an absolute
/// monotonic time in milliseconds.
fn send_after(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let dest = match &args[0] {
        Term::Pid(p) => TimerDest::Pid(*p),
        Term::Atom(a) => TimerDest::Name(*a),
        _ => return Err(bad_argument(1, "not a pid or an atom").into()),
    };
    let time = millis_arg(args, 2)?;
    let mut absolute = false;
    if let Some(opts) = args.get(3) {
        for o in opts.list_to_vec().ok_or_else(|| bad_argument(4, "not a list"))? {
            match tuple_pair(&o) {
                Some((k, v)) if k.is_atom_named("abs") && v.is_boolean() => absolute = v.is_truthy(),
                _ => return Err(bad_argument(4, "invalid option in list").into()),
            }
        }
    }
    let rt = cx.process.runtime();
    let delay = if absolute { time.saturating_sub(rt.now_ms()) } else { time };
    Ok(Term::Ref(rt.send_after(dest, args[1].clone(), delay)))
}

fn tuple_pair(t: &Term) -> Option<(&Term, &Term)> {
    match t {
        Term::Tuple(items) if items.len() == 2 => Some((&items[0], &items[1])),
        _ => None,
    }
}

/// `cancel_timer(ref, opts \\ [])`: the ms that were left, or `false`; with
/// `info: false` the result is `:ok`. (`async: true` is accepted; cancelling is
/// always immediate here.)
fn cancel_timer(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let Term::Ref(r) = &args[0] else { return Err(bad_argument(1, "not a reference").into()) };
    let mut info = true;
    if let Some(opts) = args.get(1) {
        for o in opts.list_to_vec().ok_or_else(|| bad_argument(2, "not a list"))? {
            match tuple_pair(&o) {
                Some((k, v)) if k.is_atom_named("info") && v.is_boolean() => info = v.is_truthy(),
                Some((k, v)) if k.is_atom_named("async") && v.is_boolean() => {}
                _ => return Err(bad_argument(2, "invalid option in list").into()),
            }
        }
    }
    let left = cx.process.runtime().cancel_timer(*r);
    if !info {
        return Ok(Term::ok());
    }
    Ok(left.map_or(Term::bool(false), |ms| Term::Int(ms as i64)))
}

fn read_timer(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let Term::Ref(r) = &args[0] else { return Err(bad_argument(1, "not a reference").into()) };
    Ok(cx.process.runtime().read_timer(*r).map_or(Term::bool(false), |ms| Term::Int(ms as i64)))
}

/// The deadline of a sleep of `timeout` (ms or `:infinity`), if valid.
fn sleep_deadline(cx: &NativeCtx<'_>, timeout: &Term) -> Option<u64> {
    match timeout {
        Term::Int(ms) if *ms >= 0 => Some(cx.process.now_ms().saturating_add(*ms as u64)),
        Term::Atom(a) if *a == ATOMS.infinity => Some(u64::MAX),
        _ => None,
    }
}

fn process_sleep(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    match sleep_deadline(cx, &args[0]) {
        Some(deadline_ms) => Err(Control::SleepUntil { deadline_ms, value: Term::ok() }),
        None => Err(function_clause("Process", "sleep", 1).into()),
    }
}

fn timer_sleep(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    match sleep_deadline(cx, &args[0]) {
        Some(deadline_ms) => Err(Control::SleepUntil { deadline_ms, value: Term::ok() }),
        None => Err(Raise::error(Term::atom("timeout_value")).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_units_convert_from_native_nanoseconds() {
        let ns = 3_500_000_000i128;
        assert!(matches!(in_unit(ns, &[Term::atom("second")]), Ok(Term::Int(3))));
        assert!(matches!(in_unit(ns, &[Term::atom("millisecond")]), Ok(Term::Int(3500))));
        assert!(matches!(in_unit(ns, &[]), Ok(Term::Int(3_500_000_000))));
        assert!(matches!(in_unit(ns, &[Term::Int(10)]), Ok(Term::Int(35))));
        assert!(in_unit(ns, &[Term::atom("fortnight")]).is_err());
    }
}

#[cfg(test)]
mod native_tests {
    use super::*;
    use crate::runtime::{Discard, ProcessContext, Runtime};
    use std::sync::Arc;

    #[test]
    fn timers_and_sleeps_through_natives() {
        // The real clock: a virtual one would jump to the timer as soon as the
        // runtime's thread is idle, racing this test's thread.
        let rt = Runtime::start(crate::runtime::Clock::Real, Arc::new(Discard)).expect("runtime starts");
        let mut p = ProcessContext::new(rt.new_pid(), rt.clone());
        let me = Term::Pid(p.pid());
        let mut cx = NativeCtx { process: &mut p, modules: crate::vm::modules::empty_for_tests(), group_leader: &mut None };
        let t = send_after(&mut cx, &[me.clone(), Term::atom("tick"), Term::Int(60_000)]).unwrap_or(Term::Nil);
        let left = |r: NativeResult| matches!(r, Ok(Term::Int(n)) if (59_000..=60_000).contains(&n));
        assert!(left(read_timer(&mut cx, std::slice::from_ref(&t))));
        assert!(left(cancel_timer(&mut cx, std::slice::from_ref(&t))));
        assert!(matches!(cancel_timer(&mut cx, &[t]), Ok(f) if f.is_atom_named("false")));
        assert!(send_after(&mut cx, &[me, Term::atom("x"), Term::Int(-1)]).is_err());
        match process_sleep(&mut cx, &[Term::Int(100)]) {
            Err(Control::SleepUntil { deadline_ms, .. }) => {
                let now = rt.now_ms();
                assert!(deadline_ms <= now + 100 && deadline_ms + 1000 >= now + 100, "{deadline_ms} vs {now}");
            }
            other => panic!("expected a sleep, got {other:?}"),
        }
        assert!(matches!(process_sleep(&mut cx, &[Term::atom("infinity")]), Err(Control::SleepUntil { .. })));
        assert!(matches!(process_sleep(&mut cx, &[Term::Int(-5)]), Err(Control::Raise(_))));
        assert!(matches!(monotonic_time(&mut cx, &[Term::atom("millisecond")]), Ok(Term::Int(_))));
        assert!(matches!(system_time(&mut cx, &[Term::atom("second")]), Ok(Term::Int(s)) if s > 1_700_000_000));
    }
}
