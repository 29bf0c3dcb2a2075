//! `Date`: ISO calendar dates as `%Date{year:, month:, day:, calendar: Calendar.ISO}`.
//! Arithmetic goes through a day count since 0000-01-01 (proleptic Gregorian),
//! which also gives the day of the week.

use super::argument::{arg_error, function_clause, ok, small_int};
use crate::term::Term;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult, Raise};

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn valid(y: i64, m: i64, d: i64) -> bool {
    (-9999..=9999).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)
}

/// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A `%Date{}` term.
pub fn date_term(y: i64, m: i64, d: i64) -> Term {
    Term::map([
        (Term::atom("__struct__"), Term::atom("Elixir.Date")),
        (Term::atom("calendar"), Term::atom("Elixir.Calendar.ISO")),
        (Term::atom("day"), Term::Int(d)),
        (Term::atom("month"), Term::Int(m)),
        (Term::atom("year"), Term::Int(y)),
    ])
}

/// The year, month and day of a `%Date{}` (or any map with those fields, as Elixir
/// accepts DateTime and NaiveDateTime too).
fn ymd(t: &Term) -> Option<(i64, i64, i64)> {
    let f = |k: &str| t.map_get_atom(k).and_then(small_int);
    Some((f("year")?, f("month")?, f("day")?))
}

fn date_arg(t: &Term, name: &str, arity: u32) -> Result<(i64, i64, i64), Control> {
    ymd(t).ok_or_else(|| function_clause("Date", name, arity))
}

/// Why an ISO 8601 date text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsoError {
    /// Not `YYYY-MM-DD`.
    InvalidFormat,
    /// Well formed but not a calendar date (`2024-13-01`).
    InvalidDate,
}

impl IsoError {
    fn atom(self) -> Term {
        Term::atom(match self {
            IsoError::InvalidFormat => "invalid_format",
            IsoError::InvalidDate => "invalid_date",
        })
    }
}

/// Parses `YYYY-MM-DD` (or the basic `YYYYMMDD`).
pub fn parse_iso(s: &str) -> Result<(i64, i64, i64), IsoError> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let b = body.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = body.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let parsed = match b.len() {
        10 if b[4] == b'-' && b[7] == b'-' => digits(0..4).zip(digits(5..7)).zip(digits(8..10)),
        8 => digits(0..4).zip(digits(4..6)).zip(digits(6..8)),
        _ => None,
    };
    let ((y, m), d) = parsed.ok_or(IsoError::InvalidFormat)?;
    let y = if neg { -y } else { y };
    if valid(y, m, d) {
        Ok((y, m, d))
    } else {
        Err(IsoError::InvalidDate)
    }
}

/// The `%Date{}` for a `~D[...]` literal; the compiler calls this.
pub fn date_from_iso(s: &str) -> Result<Term, Raise> {
    match parse_iso(s) {
        Ok((y, m, d)) => Ok(date_term(y, m, d)),
        Err(e) => Err(Raise::argument_error(format!(
            "cannot parse {} as date, reason: {}",
            crate::term::inspect::inspect(&Term::string(s)),
            crate::term::inspect::inspect(&e.atom())
        ))),
    }
}

/// `Date.to_string/1`: `2024-02-29`, years padded to four digits.
pub fn date_text(y: i64, m: i64, d: i64) -> String {
    if y < 0 {
        format!("-{:04}-{m:02}-{d:02}", -y)
    } else {
        format!("{y:04}-{m:02}-{d:02}")
    }
}

fn ints3(a: &[Term], name: &str) -> Result<(i64, i64, i64), Control> {
    match (small_int(&a[0]), small_int(&a[1]), small_int(&a[2])) {
        (Some(y), Some(m), Some(d)) => Ok((y, m, d)),
        _ => Err(function_clause("Date", name, 4)),
    }
}
fn new(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y, m, d) = ints3(a, "new")?;
    Ok(if valid(y, m, d) {
        ok(date_term(y, m, d))
    } else {
        super::argument::error(Term::atom("invalid_date"))
    })
}
fn new_bang(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y, m, d) = ints3(a, "new!")?;
    if valid(y, m, d) {
        Ok(date_term(y, m, d))
    } else {
        Err(Control::Raise(Raise::argument_error(
            "cannot build date, reason: :invalid_date",
        )))
    }
}
fn add(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y, m, d) = date_arg(&a[0], "add", 2)?;
    let n = small_int(&a[1]).ok_or_else(|| function_clause("Date", "add", 2))?;
    let (y2, m2, d2) = civil_from_days(days_from_civil(y, m, d) + n);
    if !(-9999..=9999).contains(&y2) {
        return Err(arg_error(1, "out of range"));
    }
    Ok(date_term(y2, m2, d2))
}
fn diff(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y1, m1, d1) = date_arg(&a[0], "diff", 2)?;
    let (y2, m2, d2) = date_arg(&a[1], "diff", 2)?;
    Ok(Term::Int(
        days_from_civil(y1, m1, d1) - days_from_civil(y2, m2, d2),
    ))
}
fn compare(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let x = date_arg(&a[0], "compare", 2)?;
    let y = date_arg(&a[1], "compare", 2)?;
    Ok(Term::atom(match x.cmp(&y) {
        std::cmp::Ordering::Less => "lt",
        std::cmp::Ordering::Equal => "eq",
        std::cmp::Ordering::Greater => "gt",
    }))
}
fn to_string(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y, m, d) = date_arg(&a[0], "to_string", 1)?;
    Ok(Term::string(date_text(y, m, d)))
}
fn from_iso8601(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = a[0]
        .as_str()
        .ok_or_else(|| function_clause("Date", "from_iso8601", 2))?;
    Ok(match parse_iso(s) {
        Ok((y, m, d)) => ok(date_term(y, m, d)),
        Err(e) => super::argument::error(e.atom()),
    })
}
fn from_iso8601_bang(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = a[0]
        .as_str()
        .ok_or_else(|| function_clause("Date", "from_iso8601!", 2))?;
    Ok(date_from_iso(s)?)
}
/// `Date.day_of_week/1`: 1 = Monday ... 7 = Sunday.
fn day_of_week(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y, m, d) = date_arg(&a[0], "day_of_week", 2)?;
    // 1970-01-01 was a Thursday (4).
    Ok(Term::Int((days_from_civil(y, m, d) + 3).rem_euclid(7) + 1))
}
fn leap_year(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y, _, _) = date_arg(&a[0], "leap_year?", 1)?;
    Ok(Term::bool(is_leap(y)))
}
fn days_in_month_fn(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y, m, _) = date_arg(&a[0], "days_in_month", 1)?;
    Ok(Term::Int(days_in_month(y, m)))
}
/// `Date.utc_today/0` from the host's wall clock.
fn utc_today(_: Cx<'_, '_>, _: &[Term]) -> NativeResult {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    Ok(date_term(y, m, d))
}

/// Registers `Date`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "Elixir.Date";
    reg.add(m, "new", 3, new);
    reg.add(m, "new!", 3, new_bang);
    reg.add(m, "add", 2, add);
    reg.add(m, "diff", 2, diff);
    reg.add(m, "compare", 2, compare);
    reg.add(m, "to_string", 1, to_string);
    reg.add(m, "to_iso8601", 1, to_string);
    reg.add(m, "from_iso8601", 1, from_iso8601);
    reg.add(m, "from_iso8601!", 1, from_iso8601_bang);
    reg.add(m, "day_of_week", 1, day_of_week);
    reg.add(m, "leap_year?", 1, leap_year);
    reg.add(m, "days_in_month", 1, days_in_month_fn);
    reg.add(m, "utc_today", 0, utc_today);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stdlib::test_bench::{a, call, i, raised_message, s};

    #[test]
    fn calendar_arithmetic() {
        // Date.new!(2024, 2, 29) |> Date.add(1) => ~D[2024-03-01]
        let leap = call("Elixir.Date", "new!", vec![i(2024), i(2), i(29)]);
        assert_eq!(
            call("Elixir.Date", "add", vec![leap.clone(), i(1)]),
            date_term(2024, 3, 1)
        );
        assert_eq!(
            call("Elixir.Date", "to_string", vec![leap]),
            s("2024-02-29")
        );
        // Date.diff(~D[2024-03-01], ~D[2024-01-01]) => 60; compare => :gt; day_of_week => 5
        let (mar, jan) = (date_term(2024, 3, 1), date_term(2024, 1, 1));
        assert_eq!(
            call("Elixir.Date", "diff", vec![mar.clone(), jan.clone()]),
            i(60)
        );
        assert_eq!(
            call("Elixir.Date", "compare", vec![mar.clone(), jan]),
            a("gt")
        );
        assert_eq!(call("Elixir.Date", "day_of_week", vec![mar]), i(5));
    }

    #[test]
    fn invalid_dates() {
        // Date.new(2020, 2, 30) => {:error, :invalid_date}
        assert_eq!(
            call("Elixir.Date", "new", vec![i(2020), i(2), i(30)]),
            Term::pair(a("error"), a("invalid_date"))
        );
        assert_eq!(
            raised_message("Elixir.Date", "new!", vec![i(2020), i(2), i(30)]),
            "cannot build date, reason: :invalid_date"
        );
        assert_eq!(parse_iso("2024-13-01"), Err(IsoError::InvalidDate));
        assert_eq!(parse_iso("x"), Err(IsoError::InvalidFormat));
        assert_eq!(parse_iso("2024-03-01"), Ok((2024, 3, 1)));
    }
}
