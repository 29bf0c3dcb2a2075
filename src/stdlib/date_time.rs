//! `DateTime` in UTC: `utc_now/0` and `to_unix/1,2`, read from the clock in force
//! (under the virtual clock, a fixed epoch plus virtual elapsed time).

use crate::term::{ATOMS, Term};
use crate::vm::{NativeCtx, NativeRegistry, NativeResult, Raise};

/// Registers the DateTime natives.
pub fn register(reg: &mut NativeRegistry) {
    reg.add("Elixir.DateTime", "utc_now", 0, utc_now);
    reg.add("Elixir.DateTime", "to_unix", 1, to_unix);
}

/// Civil date from days since 1970-01-01: Calendar.ISO's gregorian-day conversion,
/// shifted by the gregorian day of the Unix epoch.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    super::calendar_iso::date_from_gregorian_days(days + UNIX_EPOCH_GREGORIAN_DAYS)
}

/// `Calendar.ISO`'s gregorian day number of 1970-01-01.
const UNIX_EPOCH_GREGORIAN_DAYS: i64 = 719_528;

/// `%DateTime{}` for `ms` milliseconds since the Unix epoch, in UTC.
pub fn date_time_from_unix_ms(ms: i64) -> Term {
    let secs = ms.div_euclid(1000);
    let micros = ms.rem_euclid(1000) * 1000;
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    Term::map(vec![
        (Term::Atom(ATOMS.struct_), Term::atom("Elixir.DateTime")),
        (Term::atom("calendar"), Term::atom("Elixir.Calendar.ISO")),
        (Term::atom("year"), Term::Int(y)),
        (Term::atom("month"), Term::Int(mo)),
        (Term::atom("day"), Term::Int(d)),
        (Term::atom("hour"), Term::Int(sod / 3600)),
        (Term::atom("minute"), Term::Int(sod / 60 % 60)),
        (Term::atom("second"), Term::Int(sod % 60)),
        (Term::atom("microsecond"), Term::pair(Term::Int(micros), Term::Int(6))),
        (Term::atom("std_offset"), Term::Int(0)),
        (Term::atom("utc_offset"), Term::Int(0)),
        (Term::atom("time_zone"), Term::string("Etc/UTC")),
        (Term::atom("zone_abbr"), Term::string("UTC")),
    ])
}

fn utc_now(cx: &mut NativeCtx<'_>, _args: &[Term]) -> NativeResult {
    Ok(date_time_from_unix_ms(cx.process.runtime().system_time_ms() as i64))
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn to_unix(_cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let field = |k: &str| match args[0].map_get_atom(k) {
        Some(Term::Int(i)) => Some(*i),
        _ => None,
    };
    match (field("year"), field("month"), field("day"), field("hour"), field("minute"), field("second")) {
        (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(s)) => {
            Ok(Term::Int(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s))
        }
        _ => Err(Raise::error(Term::atom("function_clause")).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_epoch_and_a_leap_day_round_trip() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        let leap = days_from_civil(2024, 2, 29);
        assert_eq!(civil_from_days(leap), (2024, 2, 29));
        let t = date_time_from_unix_ms(1_700_000_000_123);
        assert_eq!(t.map_get_atom("year"), Some(&Term::Int(2023)));
        assert_eq!(t.map_get_atom("hour"), Some(&Term::Int(22)));
        assert_eq!(t.map_get_atom("microsecond"), Some(&Term::pair(Term::Int(123_000), Term::Int(6))));
    }
}
