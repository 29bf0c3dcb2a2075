//! `Date`: ISO calendar dates as `%Date{year:, month:, day:, calendar: Calendar.ISO}`.
//! Arithmetic goes through a day count since 0000-01-01 (proleptic Gregorian),
//! which also gives the day of the week.

use super::argument::{arg_error, function_clause, ok, small_int};
use crate::term::Term;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult, Raise};

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

use super::calendar_iso::{date_from_gregorian_days, day_of_week_from, days_in_month, gregorian_days, is_leap, valid_date as valid};

/// Days since 1970-01-01.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    gregorian_days(y, m, d) - 719_528
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    date_from_gregorian_days(z + 719_528)
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

/// The year, month and day of a `%Date{}`, `%NaiveDateTime{}` or `%DateTime{}`.
pub fn ymd_of(t: &Term) -> Option<(i64, i64, i64)> {
    ymd(t)
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
        None => (false, s.strip_prefix('+').unwrap_or(s)),
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
    let basic = a.get(1).is_some_and(|f| f.is_atom_named("basic"));
    Ok(match super::calendar_iso::parse_date(s, basic) {
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
    let ((_, _, _), dow) = week_start(a, "day_of_week")?;
    Ok(Term::Int(dow))
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
    reg.add(m, "new", 4, new);
    reg.add(m, "day_of_week", 2, day_of_week);
    reg.add(m, "days_in_month", 1, days_in_month_fn);
    reg.add(m, "day_of_era", 1, day_of_era);
    reg.add(m, "day_of_year", 1, day_of_year);
    reg.add(m, "quarter_of_year", 1, quarter_of_year);
    reg.add(m, "year_of_era", 1, year_of_era);
    reg.add(m, "months_in_year", 1, months_in_year);
    reg.add(m, "from_erl", 1, from_erl);
    reg.add(m, "from_erl", 2, from_erl);
    reg.add(m, "from_erl!", 1, from_erl_bang);
    reg.add(m, "from_erl!", 2, from_erl_bang);
    reg.add(m, "to_erl", 1, to_erl);
    reg.add(m, "from_gregorian_days", 1, from_gregorian_days);
    reg.add(m, "from_gregorian_days", 2, from_gregorian_days);
    reg.add(m, "to_gregorian_days", 1, to_gregorian_days);
    reg.add(m, "to_iso8601", 2, to_iso8601);
    reg.add(m, "from_iso8601", 2, from_iso8601);
    reg.add(m, "from_iso8601!", 2, from_iso8601_bang);
    reg.add(m, "beginning_of_week", 1, beginning_of_week);
    reg.add(m, "beginning_of_week", 2, beginning_of_week);
    reg.add(m, "end_of_week", 1, end_of_week);
    reg.add(m, "end_of_week", 2, end_of_week);
    reg.add(m, "beginning_of_month", 1, beginning_of_month);
    reg.add(m, "end_of_month", 1, end_of_month);
    reg.add(m, "range", 2, range);
    reg.add(m, "range", 3, range);
    reg.add(m, "before?", 2, before);
    reg.add(m, "after?", 2, after);
}

fn day_of_era(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y, m, d) = date_arg(&a[0], "day_of_era", 1)?;
    let (n, era) = super::calendar_iso::day_of_era(y, m, d);
    Ok(Term::pair(Term::Int(n), Term::Int(era)))
}
fn day_of_year(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y, m, d) = date_arg(&a[0], "day_of_year", 1)?;
    Ok(Term::Int(super::calendar_iso::day_of_year(y, m, d)))
}
fn quarter_of_year(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (_, m, _) = date_arg(&a[0], "quarter_of_year", 1)?;
    Ok(Term::Int((m - 1) / 3 + 1))
}
fn year_of_era(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y, _, _) = date_arg(&a[0], "year_of_era", 1)?;
    let (n, era) = super::calendar_iso::year_of_era(y);
    Ok(Term::pair(Term::Int(n), Term::Int(era)))
}
fn months_in_year(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    date_arg(&a[0], "months_in_year", 1)?;
    Ok(Term::Int(12))
}
fn erl_triple(t: &Term) -> Option<(i64, i64, i64)> {
    match t {
        Term::Tuple(p) if p.len() == 3 => Some((small_int(&p[0])?, small_int(&p[1])?, small_int(&p[2])?)),
        _ => None,
    }
}
fn from_erl(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y, m, d) = erl_triple(&a[0]).ok_or_else(|| function_clause("Date", "from_erl", 2))?;
    Ok(if valid(y, m, d) { ok(date_term(y, m, d)) } else { super::argument::error(Term::atom("invalid_date")) })
}
fn from_erl_bang(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y, m, d) = erl_triple(&a[0]).ok_or_else(|| function_clause("Date", "from_erl!", 2))?;
    if valid(y, m, d) {
        Ok(date_term(y, m, d))
    } else {
        Err(Control::Raise(Raise::argument_error(format!(
            "cannot convert {} to date, reason: :invalid_date",
            crate::term::inspect::inspect(&a[0])
        ))))
    }
}
fn to_erl(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y, m, d) = date_arg(&a[0], "to_erl", 1)?;
    Ok(Term::tuple(vec![Term::Int(y), Term::Int(m), Term::Int(d)]))
}
fn from_gregorian_days(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let n = small_int(&a[0]).ok_or_else(|| function_clause("Date", "from_gregorian_days", 2))?;
    let (y, m, d) = date_from_gregorian_days(n);
    Ok(date_term(y, m, d))
}
fn to_gregorian_days(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y, m, d) = date_arg(&a[0], "to_gregorian_days", 1)?;
    Ok(Term::Int(gregorian_days(y, m, d)))
}
fn to_iso8601(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y, m, d) = date_arg(&a[0], "to_iso8601", 2)?;
    let basic = a.get(1).is_some_and(|f| f.is_atom_named("basic"));
    Ok(Term::string(super::calendar_iso::date_text(y, m, d, basic)))
}
fn week_start(a: &[Term], name: &str) -> Result<((i64, i64, i64), i64), Control> {
    let date = date_arg(&a[0], name, 2)?;
    let start = a.get(1).and_then(Term::as_atom).map_or("default".to_string(), |x| x.as_str().to_string());
    let dow = day_of_week_from(date.0, date.1, date.2, &start).ok_or_else(|| function_clause("Date", name, 2))?;
    Ok((date, dow))
}
fn beginning_of_week(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let ((y, m, d), dow) = week_start(a, "beginning_of_week")?;
    let (y, m, d) = date_from_gregorian_days(gregorian_days(y, m, d) - (dow - 1));
    Ok(date_term(y, m, d))
}
fn end_of_week(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let ((y, m, d), dow) = week_start(a, "end_of_week")?;
    let (y, m, d) = date_from_gregorian_days(gregorian_days(y, m, d) + (7 - dow));
    Ok(date_term(y, m, d))
}
fn beginning_of_month(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y, m, _) = date_arg(&a[0], "beginning_of_month", 1)?;
    Ok(date_term(y, m, 1))
}
fn end_of_month(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y, m, _) = date_arg(&a[0], "end_of_month", 1)?;
    Ok(date_term(y, m, days_in_month(y, m)))
}
fn before(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::bool(date_arg(&a[0], "before?", 2)? < date_arg(&a[1], "before?", 2)?))
}
fn after(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    Ok(Term::bool(date_arg(&a[0], "after?", 2)? > date_arg(&a[1], "after?", 2)?))
}

/// `Date.range/2,3`: `%Date.Range{first:, last:, first_in_iso_days:, last_in_iso_days:, step:}`.
fn range(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (y1, m1, d1) = date_arg(&a[0], "range", a.len() as u32)?;
    let (y2, m2, d2) = date_arg(&a[1], "range", a.len() as u32)?;
    let (first, last) = (gregorian_days(y1, m1, d1), gregorian_days(y2, m2, d2));
    let step = match a.get(2) {
        None => if first <= last { 1 } else { -1 },
        Some(Term::Int(s)) if *s != 0 => *s,
        Some(other) => {
            return Err(Control::Raise(Raise::argument_error(format!(
                "the step must be a non-zero integer, got: {}",
                crate::term::inspect::inspect(other)
            ))))
        }
    };
    Ok(Term::map([
        (Term::atom("__struct__"), Term::atom("Elixir.Date.Range")),
        (Term::atom("first"), date_term(y1, m1, d1)),
        (Term::atom("last"), date_term(y2, m2, d2)),
        (Term::atom("first_in_iso_days"), Term::Int(first)),
        (Term::atom("last_in_iso_days"), Term::Int(last)),
        (Term::atom("step"), Term::Int(step)),
    ]))
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
