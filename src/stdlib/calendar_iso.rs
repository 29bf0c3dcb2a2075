//! `Calendar.ISO`: the proleptic Gregorian calendar with ISO 8601 text, for `Date`,
//! `NaiveDateTime` and friends; its arithmetic is [`crate::term::calendar`]'s.
//!
//! Days are counted as Elixir's "gregorian days": 0000-01-01 is day 0. Times of day
//! are microseconds with a precision (`{us, digits}`), as Elixir stores them.

use super::argument::{function_clause, ok, small_int};
use crate::term::Term;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult};

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

/// Microseconds in a day: the denominator of Elixir's day fractions.
pub const DAY_US: i64 = 86_400_000_000;

// The arithmetic itself (leap years, month lengths, validity, gregorian days) sits in
// the term layer, so the compiler's `~D`/`~N` literals use the same code.
pub use crate::term::calendar::{date_from_gregorian_days, days_in_month, gregorian_days, is_leap, valid_date, valid_time};

/// ISO day of the week, Monday = 1 ... Sunday = 7.
pub fn iso_day_of_week(y: i64, m: i64, d: i64) -> i64 {
    // 0000-01-01 was a Saturday (6).
    (gregorian_days(y, m, d) + 5).rem_euclid(7) + 1
}

/// The weekday number (1-7) a week starting on `starting_on` gives `y-m-d`.
pub fn day_of_week_from(y: i64, m: i64, d: i64, starting_on: &str) -> Option<i64> {
    let start = match starting_on {
        "default" | "monday" => 1,
        "tuesday" => 2,
        "wednesday" => 3,
        "thursday" => 4,
        "friday" => 5,
        "saturday" => 6,
        "sunday" => 7,
        _ => return None,
    };
    Some((iso_day_of_week(y, m, d) - start).rem_euclid(7) + 1)
}

/// Day of the year, 1-based.
pub fn day_of_year(y: i64, m: i64, d: i64) -> i64 {
    gregorian_days(y, m, d) - gregorian_days(y, 1, 1) + 1
}

/// `{year_in_era, era}`: year 0 is 1 BC (era 0).
pub fn year_of_era(y: i64) -> (i64, i64) {
    if y > 0 { (y, 1) } else { (1 - y, 0) }
}

/// `{day_in_era, era}`.
pub fn day_of_era(y: i64, m: i64, d: i64) -> (i64, i64) {
    let g = gregorian_days(y, m, d);
    if y > 0 { (g - 365, 1) } else { (366 - g, 0) }
}

/// `YYYY-MM-DD` (extended) or `YYYYMMDD` (basic); negative years get a `-`.
pub fn date_text(y: i64, m: i64, d: i64, basic: bool) -> String {
    let sign = if y < 0 { "-" } else { "" };
    if basic {
        format!("{sign}{:04}{m:02}{d:02}", y.unsigned_abs())
    } else {
        format!("{sign}{:04}-{m:02}-{d:02}", y.unsigned_abs())
    }
}

/// `HH:MM:SS[.fff]` with `precision` fraction digits.
pub fn time_text(h: i64, mi: i64, s: i64, us: i64, precision: i64, basic: bool) -> String {
    let mut out = if basic { format!("{h:02}{mi:02}{s:02}") } else { format!("{h:02}:{mi:02}:{s:02}") };
    if precision > 0 {
        let digits = format!("{:06}", us.clamp(0, 999_999));
        out.push('.');
        out.push_str(&digits[..precision.clamp(0, 6) as usize]);
    }
    out
}

/// The `+HH:MM` (or `Z`) and ` ABBR Zone` suffix of a DateTime.
pub fn offset_text(utc: i64, std: i64, zone: &str, abbr: &str, basic: bool) -> String {
    if utc == 0 && std == 0 && zone == "Etc/UTC" {
        return "Z".into();
    }
    let total = utc + std;
    let secs = total.abs();
    let (h, mi) = (secs / 3600, secs % 3600 / 60);
    let sign = if total < 0 { '-' } else { '+' };
    let mut out = if basic { format!("{sign}{h:02}{mi:02}") } else { format!("{sign}{h:02}:{mi:02}") };
    if zone != "Etc/UTC" {
        out.push_str(&format!(" {abbr} {zone}"));
    }
    out
}

/// Why ISO 8601 text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    /// The text is not in the format.
    InvalidFormat,
    /// Well-formed, but not a calendar date.
    InvalidDate,
    /// Well-formed, but not a time of day.
    InvalidTime,
    /// A UTC datetime without `Z` or an offset.
    MissingOffset,
}

impl ParseError {
    /// The reason atom Elixir returns.
    pub fn atom(self) -> Term {
        Term::atom(match self {
            ParseError::InvalidFormat => "invalid_format",
            ParseError::InvalidDate => "invalid_date",
            ParseError::InvalidTime => "invalid_time",
            ParseError::MissingOffset => "missing_offset",
        })
    }
}

/// A cursor over ISO text.
struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize) -> Option<i64> {
        let part = self.b.get(self.at..self.at + n)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.at += n;
        std::str::from_utf8(part).ok()?.parse().ok()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.at) == Some(&c) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn done(&self) -> bool {
        self.at == self.b.len()
    }
}

/// A parsed time of day: hour, minute, second, microsecond, precision.
pub type TimeParts = (i64, i64, i64, i64, i64);

fn parse_date_at(c: &mut Cursor<'_>, basic: bool) -> Result<(i64, i64, i64), ParseError> {
    let sign = if c.eat(b'-') { -1 } else { c.eat(b'+'); 1 };
    let y = c.digits(4).ok_or(ParseError::InvalidFormat)?;
    if !basic && !c.eat(b'-') {
        return Err(ParseError::InvalidFormat);
    }
    let m = c.digits(2).ok_or(ParseError::InvalidFormat)?;
    if !basic && !c.eat(b'-') {
        return Err(ParseError::InvalidFormat);
    }
    let d = c.digits(2).ok_or(ParseError::InvalidFormat)?;
    Ok((sign * y, m, d))
}

fn parse_time_at(c: &mut Cursor<'_>, basic: bool) -> Result<TimeParts, ParseError> {
    let h = c.digits(2).ok_or(ParseError::InvalidFormat)?;
    if !basic && !c.eat(b':') {
        return Err(ParseError::InvalidFormat);
    }
    let mi = c.digits(2).ok_or(ParseError::InvalidFormat)?;
    if !basic && !c.eat(b':') {
        return Err(ParseError::InvalidFormat);
    }
    let s = c.digits(2).ok_or(ParseError::InvalidFormat)?;
    let (mut us, mut precision) = (0, 0);
    if c.eat(b'.') || c.eat(b',') {
        let start = c.at;
        while c.b.get(c.at).is_some_and(u8::is_ascii_digit) {
            c.at += 1;
        }
        let frac = &c.b[start..c.at];
        if frac.is_empty() {
            return Err(ParseError::InvalidFormat);
        }
        precision = frac.len().min(6) as i64;
        let mut six: Vec<u8> = frac.iter().take(6).copied().collect();
        six.resize(6, b'0');
        us = std::str::from_utf8(&six).ok().and_then(|t| t.parse().ok()).unwrap_or(0);
    }
    Ok((h, mi, s, us, precision))
}

/// An offset in seconds (`Z`, `+HH:MM`, `-HHMM`), or `None` when there is none.
fn parse_offset_at(c: &mut Cursor<'_>, basic: bool) -> Result<Option<i64>, ParseError> {
    if c.done() {
        return Ok(None);
    }
    if c.eat(b'Z') {
        return Ok(Some(0));
    }
    let sign = if c.eat(b'+') {
        1
    } else if c.eat(b'-') {
        -1
    } else {
        return Err(ParseError::InvalidFormat);
    };
    let h = c.digits(2).ok_or(ParseError::InvalidFormat)?;
    if !basic && !c.eat(b':') {
        return Err(ParseError::InvalidFormat);
    }
    let m = c.digits(2).ok_or(ParseError::InvalidFormat)?;
    // `-00:00` means "unknown local offset" in ISO 8601 and is refused.
    if sign < 0 && h == 0 && m == 0 {
        return Err(ParseError::InvalidFormat);
    }
    Ok(Some(sign * (h * 3600 + m * 60)))
}

/// `Calendar.ISO.parse_date/2`.
pub fn parse_date(s: &str, basic: bool) -> Result<(i64, i64, i64), ParseError> {
    let mut c = Cursor { b: s.as_bytes(), at: 0 };
    let (y, m, d) = parse_date_at(&mut c, basic)?;
    if !c.done() {
        return Err(ParseError::InvalidFormat);
    }
    if valid_date(y, m, d) { Ok((y, m, d)) } else { Err(ParseError::InvalidDate) }
}

/// `Calendar.ISO.parse_time/2` (a leading `T` and a trailing offset are allowed).
pub fn parse_time(s: &str, basic: bool) -> Result<TimeParts, ParseError> {
    let mut c = Cursor { b: s.as_bytes(), at: 0 };
    c.eat(b'T');
    let t = parse_time_at(&mut c, basic)?;
    parse_offset_at(&mut c, basic)?;
    if !c.done() {
        return Err(ParseError::InvalidFormat);
    }
    if valid_time(t.0, t.1, t.2, t.3) { Ok(t) } else { Err(ParseError::InvalidTime) }
}

/// A date and time with the offset the text carried (if any).
pub type DateTimeParts = ((i64, i64, i64), TimeParts, Option<i64>);

/// Parses `date[T ]time[offset]` without applying the offset.
pub fn parse_datetime(s: &str, basic: bool) -> Result<DateTimeParts, ParseError> {
    let mut c = Cursor { b: s.as_bytes(), at: 0 };
    let date = parse_date_at(&mut c, basic)?;
    if !(c.eat(b'T') || c.eat(b' ')) {
        return Err(ParseError::InvalidFormat);
    }
    let time = parse_time_at(&mut c, basic)?;
    let offset = parse_offset_at(&mut c, basic)?;
    if !c.done() {
        return Err(ParseError::InvalidFormat);
    }
    if !valid_date(date.0, date.1, date.2) {
        return Err(ParseError::InvalidDate);
    }
    if !valid_time(time.0, time.1, time.2, time.3) {
        return Err(ParseError::InvalidTime);
    }
    Ok((date, time, offset))
}

/// Moves a date and time by `seconds` (for applying offsets).
pub fn shift_seconds(date: (i64, i64, i64), time: TimeParts, seconds: i64) -> ((i64, i64, i64), TimeParts) {
    let secs = time.0 * 3600 + time.1 * 60 + time.2 + seconds;
    let days = gregorian_days(date.0, date.1, date.2) + secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    (date_from_gregorian_days(days), (sod / 3600, sod % 3600 / 60, sod % 60, time.3, time.4))
}

fn format_arg(t: Option<&Term>, name: &str, arity: u32) -> Result<bool, Control> {
    match t {
        None => Ok(false),
        Some(f) if f.is_atom_named("extended") => Ok(false),
        Some(f) if f.is_atom_named("basic") => Ok(true),
        _ => Err(function_clause("Calendar.ISO", name, arity)),
    }
}

fn ints<const N: usize>(a: &[Term], name: &str) -> Result<[i64; N], Control> {
    let mut out = [0; N];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = small_int(&a[i]).ok_or_else(|| function_clause("Calendar.ISO", name, a.len() as u32))?;
    }
    Ok(out)
}

/// `{us, precision}`.
fn microsecond(t: &Term, name: &str, arity: u32) -> Result<(i64, i64), Control> {
    match t {
        Term::Tuple(p) if p.len() == 2 => match (small_int(&p[0]), small_int(&p[1])) {
            (Some(us), Some(pr)) => Ok((us, pr)),
            _ => Err(function_clause("Calendar.ISO", name, arity)),
        },
        _ => Err(function_clause("Calendar.ISO", name, arity)),
    }
}

/// `{us, precision}` as a term.
pub fn microsecond_term(us: i64, precision: i64) -> Term {
    Term::pair(Term::Int(us), Term::Int(precision))
}

fn tuple_of(items: &[i64]) -> Term {
    Term::tuple(items.iter().map(|i| Term::Int(*i)).collect())
}

fn naive_tuple(date: (i64, i64, i64), t: TimeParts) -> Term {
    Term::tuple(vec![
        Term::Int(date.0),
        Term::Int(date.1),
        Term::Int(date.2),
        Term::Int(t.0),
        Term::Int(t.1),
        Term::Int(t.2),
        microsecond_term(t.3, t.4),
    ])
}

fn leap_year_fn(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let [y] = ints::<1>(a, "leap_year?")?;
    Ok(Term::bool(is_leap(y)))
}
fn days_in_month_fn(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let [y, m] = ints::<2>(a, "days_in_month")?;
    Ok(Term::Int(days_in_month(y, m)))
}
fn months_in_year(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    ints::<1>(a, "months_in_year")?;
    Ok(Term::Int(12))
}
fn valid_date_fn(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let [y, m, d] = ints::<3>(a, "valid_date?")?;
    Ok(Term::bool(valid_date(y, m, d)))
}
fn valid_time_fn(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let [h, mi, s] = ints::<3>(a, "valid_time?")?;
    let (us, _) = microsecond(&a[3], "valid_time?", 4)?;
    Ok(Term::bool(valid_time(h, mi, s, us)))
}
fn day_of_week(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let [y, m, d] = ints::<3>(a, "day_of_week")?;
    let start = a[3].as_atom().map(|x| x.as_str().to_string()).unwrap_or_default();
    let dow = day_of_week_from(y, m, d, &start).ok_or_else(|| function_clause("Calendar.ISO", "day_of_week", 4))?;
    Ok(tuple_of(&[dow, 1, 7]))
}
fn day_of_year_fn(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let [y, m, d] = ints::<3>(a, "day_of_year")?;
    Ok(Term::Int(day_of_year(y, m, d)))
}
fn quarter_of_year(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let [_, m, _] = ints::<3>(a, "quarter_of_year")?;
    Ok(Term::Int((m - 1) / 3 + 1))
}
fn year_of_era_fn(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let y = small_int(&a[0]).ok_or_else(|| function_clause("Calendar.ISO", "year_of_era", a.len() as u32))?;
    let (ye, era) = year_of_era(y);
    Ok(tuple_of(&[ye, era]))
}
fn day_of_era_fn(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let [y, m, d] = ints::<3>(a, "day_of_era")?;
    let (de, era) = day_of_era(y, m, d);
    Ok(tuple_of(&[de, era]))
}
fn date_to_string(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let [y, m, d] = ints::<3>(a, "date_to_string")?;
    let basic = format_arg(a.get(3), "date_to_string", 4)?;
    Ok(Term::string(date_text(y, m, d, basic)))
}
fn time_to_string(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let [h, mi, s] = ints::<3>(a, "time_to_string")?;
    let (us, p) = microsecond(&a[3], "time_to_string", 5)?;
    let basic = format_arg(a.get(4), "time_to_string", 5)?;
    Ok(Term::string(time_text(h, mi, s, us, p, basic)))
}
fn naive_datetime_to_string(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let [y, m, d, h, mi, s] = ints::<6>(a, "naive_datetime_to_string")?;
    let (us, p) = microsecond(&a[6], "naive_datetime_to_string", 8)?;
    let basic = format_arg(a.get(7), "naive_datetime_to_string", 8)?;
    Ok(Term::string(format!("{} {}", date_text(y, m, d, basic), time_text(h, mi, s, us, p, basic))))
}
fn datetime_to_string(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let name = "datetime_to_string";
    let [y, m, d, h, mi, s] = ints::<6>(a, name)?;
    let (us, p) = microsecond(&a[6], name, 12)?;
    let bad = || function_clause("Calendar.ISO", name, 12);
    let zone = a[7].as_str().ok_or_else(bad)?;
    let abbr = a[8].as_str().ok_or_else(bad)?;
    let (utc, std) = (small_int(&a[9]).ok_or_else(bad)?, small_int(&a[10]).ok_or_else(bad)?);
    let basic = format_arg(a.get(11), name, 12)?;
    Ok(Term::string(format!(
        "{} {}{}",
        date_text(y, m, d, basic),
        time_text(h, mi, s, us, p, basic),
        offset_text(utc, std, zone, abbr, basic)
    )))
}

fn text_arg<'t>(a: &'t [Term], name: &str) -> Result<(&'t str, bool), Control> {
    let s = a[0].as_str().ok_or_else(|| function_clause("Calendar.ISO", name, 2))?;
    Ok((s, format_arg(a.get(1), name, 2)?))
}
fn parse_date_fn(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (s, basic) = text_arg(a, "parse_date")?;
    Ok(match parse_date(s, basic) {
        Ok((y, m, d)) => ok(tuple_of(&[y, m, d])),
        Err(e) => super::argument::error(e.atom()),
    })
}
fn parse_time_fn(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (s, basic) = text_arg(a, "parse_time")?;
    Ok(match parse_time(s, basic) {
        Ok((h, mi, sec, us, p)) => ok(Term::tuple(vec![Term::Int(h), Term::Int(mi), Term::Int(sec), microsecond_term(us, p)])),
        Err(e) => super::argument::error(e.atom()),
    })
}
fn parse_naive_datetime_fn(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (s, basic) = text_arg(a, "parse_naive_datetime")?;
    Ok(match parse_datetime(s, basic) {
        Ok((date, time, _)) => ok(naive_tuple(date, time)),
        Err(e) => super::argument::error(e.atom()),
    })
}
fn parse_utc_datetime_fn(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (s, basic) = text_arg(a, "parse_utc_datetime")?;
    Ok(match parse_datetime(s, basic) {
        Ok((date, time, Some(offset))) => {
            let (date, time) = shift_seconds(date, time, -offset);
            Term::tuple(vec![Term::ok(), naive_tuple(date, time), Term::Int(offset)])
        }
        Ok((_, _, None)) => super::argument::error(ParseError::MissingOffset.atom()),
        Err(e) => super::argument::error(e.atom()),
    })
}

fn naive_datetime_to_iso_days(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let [y, m, d, h, mi, s] = ints::<6>(a, "naive_datetime_to_iso_days")?;
    let (us, _) = microsecond(&a[6], "naive_datetime_to_iso_days", 7)?;
    let parts = (h * 3600 + mi * 60 + s) * 1_000_000 + us;
    Ok(Term::pair(Term::Int(gregorian_days(y, m, d)), Term::pair(Term::Int(parts), Term::Int(DAY_US))))
}

/// `{parts, parts_per_day}` as microseconds of the day.
fn day_fraction_us(t: &Term, name: &str) -> Result<i64, Control> {
    let bad = || function_clause("Calendar.ISO", name, 1);
    let Term::Tuple(p) = t else { return Err(bad()) };
    let (parts, per_day) = match (p.first().and_then(small_int), p.get(1).and_then(small_int)) {
        (Some(a), Some(b)) if p.len() == 2 && b > 0 => (a, b),
        _ => return Err(bad()),
    };
    Ok((i128::from(parts) * i128::from(DAY_US) / i128::from(per_day)) as i64)
}

fn time_from_us(us_of_day: i64) -> Vec<Term> {
    let secs = us_of_day / 1_000_000;
    vec![
        Term::Int(secs / 3600),
        Term::Int(secs % 3600 / 60),
        Term::Int(secs % 60),
        microsecond_term(us_of_day % 1_000_000, 6),
    ]
}

fn naive_datetime_from_iso_days(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let bad = || function_clause("Calendar.ISO", "naive_datetime_from_iso_days", 1);
    let Term::Tuple(p) = &a[0] else { return Err(bad()) };
    let days = p.first().and_then(small_int).filter(|_| p.len() == 2).ok_or_else(bad)?;
    let us = day_fraction_us(&p[1], "naive_datetime_from_iso_days")?;
    let (y, m, d) = date_from_gregorian_days(days);
    let mut items = vec![Term::Int(y), Term::Int(m), Term::Int(d)];
    items.extend(time_from_us(us));
    Ok(Term::tuple(items))
}
fn time_to_day_fraction(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let [h, mi, s] = ints::<3>(a, "time_to_day_fraction")?;
    let (us, _) = microsecond(&a[3], "time_to_day_fraction", 4)?;
    Ok(Term::pair(Term::Int((h * 3600 + mi * 60 + s) * 1_000_000 + us), Term::Int(DAY_US)))
}
fn time_from_day_fraction(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let us = day_fraction_us(&a[0], "time_from_day_fraction")?;
    Ok(Term::tuple(time_from_us(us)))
}
fn day_rollover_relative_to_midnight_utc(_: Cx<'_, '_>, _: &[Term]) -> NativeResult {
    Ok(Term::pair(Term::Int(0), Term::Int(1)))
}

/// Registers `Calendar.ISO`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "Elixir.Calendar.ISO";
    reg.add(m, "leap_year?", 1, leap_year_fn);
    reg.add(m, "days_in_month", 2, days_in_month_fn);
    reg.add(m, "months_in_year", 1, months_in_year);
    reg.add(m, "valid_date?", 3, valid_date_fn);
    reg.add(m, "valid_time?", 4, valid_time_fn);
    reg.add(m, "day_of_week", 4, day_of_week);
    reg.add(m, "day_of_year", 3, day_of_year_fn);
    reg.add(m, "quarter_of_year", 3, quarter_of_year);
    reg.add(m, "year_of_era", 1, year_of_era_fn);
    reg.add(m, "year_of_era", 3, year_of_era_fn);
    reg.add(m, "day_of_era", 3, day_of_era_fn);
    reg.add(m, "date_to_string", 3, date_to_string);
    reg.add(m, "date_to_string", 4, date_to_string);
    reg.add(m, "time_to_string", 4, time_to_string);
    reg.add(m, "time_to_string", 5, time_to_string);
    reg.add(m, "naive_datetime_to_string", 7, naive_datetime_to_string);
    reg.add(m, "naive_datetime_to_string", 8, naive_datetime_to_string);
    reg.add(m, "datetime_to_string", 11, datetime_to_string);
    reg.add(m, "datetime_to_string", 12, datetime_to_string);
    for arity in [1, 2] {
        reg.add(m, "parse_date", arity, parse_date_fn);
        reg.add(m, "parse_time", arity, parse_time_fn);
        reg.add(m, "parse_naive_datetime", arity, parse_naive_datetime_fn);
        reg.add(m, "parse_utc_datetime", arity, parse_utc_datetime_fn);
    }
    reg.add(m, "naive_datetime_to_iso_days", 7, naive_datetime_to_iso_days);
    reg.add(m, "naive_datetime_from_iso_days", 1, naive_datetime_from_iso_days);
    reg.add(m, "time_to_day_fraction", 4, time_to_day_fraction);
    reg.add(m, "time_from_day_fraction", 1, time_from_day_fraction);
    reg.add(m, "day_rollover_relative_to_midnight_utc", 0, day_rollover_relative_to_midnight_utc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gregorian_days_match_elixir() {
        // Date.to_gregorian_days(~D[2000-01-01]) => 730485; from_gregorian_days(-1) => ~D[-0001-12-31]
        assert_eq!(gregorian_days(2000, 1, 1), 730_485);
        assert_eq!(gregorian_days(0, 1, 2), 1);
        assert_eq!(date_from_gregorian_days(-1), (-1, 12, 31));
        assert_eq!(date_from_gregorian_days(730_485), (2000, 1, 1));
        // Calendar.ISO.day_of_week(2016, 10, 31, :monday) => {1, 1, 7}; (-99, 1, 31) => 4
        assert_eq!(iso_day_of_week(2016, 10, 31), 1);
        assert_eq!(iso_day_of_week(-99, 1, 31), 4);
        assert_eq!(day_of_week_from(2016, 10, 31, "saturday"), Some(3));
        assert_eq!(day_of_era(-1, 12, 31), (367, 0));
        assert_eq!(day_of_era(1, 1, 1), (1, 1));
    }

    #[test]
    fn iso_text_round_trips() {
        assert_eq!(parse_date("-2015-01-23", false), Ok((-2015, 1, 23)));
        assert_eq!(parse_date("2015-01-32", false), Err(ParseError::InvalidDate));
        assert_eq!(parse_date("20150123", false), Err(ParseError::InvalidFormat));
        // "2015-01-23 23:50:07,0123456" => {12345, 6}
        assert_eq!(parse_datetime("2015-01-23 23:50:07,0123456", false), Ok(((2015, 1, 23), (23, 50, 7, 12345, 6), None)));
        assert_eq!(parse_datetime("20150123T235007Z", true), Ok(((2015, 1, 23), (23, 50, 7, 0, 0), Some(0))));
        assert_eq!(time_text(2, 2, 2, 2, 2, false), "02:02:02.00");
        assert_eq!(offset_text(-28800, 3600, "America/Los_Angeles", "PDT", false), "-07:00 PDT America/Los_Angeles");
        assert_eq!(offset_text(0, 0, "Etc/UTC", "UTC", false), "Z");
    }
}
