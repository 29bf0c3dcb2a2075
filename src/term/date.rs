//! `Date` values as Elixir's `Calendar.ISO` writes them (`2020-07-10`), shared by
//! `inspect` (`~D[2020-07-10]`) and `to_string`.

use super::value::Term;

/// The ISO text of a `%Date{}` in `Calendar.ISO`, or `None` if `t` is not one.
/// Years are zero-padded to four digits, negative years get a leading `-`.
pub fn iso_date(t: &Term) -> Option<String> {
    if t.struct_name()?.as_str() != "Elixir.Date" {
        return None;
    }
    if !t.map_get_atom("calendar")?.is_atom_named("Elixir.Calendar.ISO") {
        return None;
    }
    let field = |name: &str| match t.map_get_atom(name) {
        Some(Term::Int(i)) => Some(*i),
        _ => None,
    };
    let (year, month, day) = (field("year")?, field("month")?, field("day")?);
    let sign = if year < 0 { "-" } else { "" };
    Some(format!("{sign}{:04}-{month:02}-{day:02}", year.unsigned_abs()))
}

fn int_field(t: &Term, name: &str) -> Option<i64> {
    match t.map_get_atom(name) {
        Some(Term::Int(i)) => Some(*i),
        _ => None,
    }
}

fn is_iso_struct(t: &Term, module: &str) -> bool {
    t.struct_name().is_some_and(|n| n.as_str() == module)
        && t.map_get_atom("calendar").is_some_and(|c| c.is_atom_named("Elixir.Calendar.ISO"))
}

/// `HH:MM:SS[.fff]` of a struct with hour, minute, second and `microsecond: {us, precision}`.
fn iso_time_of(t: &Term) -> Option<String> {
    let (h, mi, s) = (int_field(t, "hour")?, int_field(t, "minute")?, int_field(t, "second")?);
    let (us, precision) = match t.map_get_atom("microsecond")? {
        Term::Tuple(p) if p.len() == 2 => match (&p[0], &p[1]) {
            (Term::Int(us), Term::Int(pr)) => (*us, *pr),
            _ => return None,
        },
        _ => return None,
    };
    let mut out = format!("{h:02}:{mi:02}:{s:02}");
    if precision > 0 {
        let digits = format!("{:06}", us.clamp(0, 999_999));
        out.push('.');
        out.push_str(&digits[..precision.clamp(0, 6) as usize]);
    }
    Some(out)
}

fn iso_date_of(t: &Term) -> Option<String> {
    let (year, month, day) = (int_field(t, "year")?, int_field(t, "month")?, int_field(t, "day")?);
    let sign = if year < 0 { "-" } else { "" };
    Some(format!("{sign}{:04}-{month:02}-{day:02}", year.unsigned_abs()))
}

/// The ISO text of a `%Time{}` (`13:00:07.001`).
pub fn iso_time(t: &Term) -> Option<String> {
    if !is_iso_struct(t, "Elixir.Time") {
        return None;
    }
    iso_time_of(t)
}

/// The ISO text of a `%NaiveDateTime{}` (`2015-01-13 13:00:07`).
pub fn iso_naive_datetime(t: &Term) -> Option<String> {
    if !is_iso_struct(t, "Elixir.NaiveDateTime") {
        return None;
    }
    Some(format!("{} {}", iso_date_of(t)?, iso_time_of(t)?))
}

/// The text of a `%DateTime{}` and whether it is in UTC (`Etc/UTC`, no offsets):
/// `2015-01-13 13:00:07Z` or `2015-01-13 13:00:07+01:00 CET Europe/Berlin`.
pub fn iso_datetime(t: &Term) -> Option<(String, bool)> {
    if !is_iso_struct(t, "Elixir.DateTime") {
        return None;
    }
    let (utc, std) = (int_field(t, "utc_offset")?, int_field(t, "std_offset")?);
    let zone = t.map_get_atom("time_zone")?.as_str()?;
    let abbr = t.map_get_atom("zone_abbr")?.as_str()?;
    let is_utc = utc == 0 && std == 0 && zone == "Etc/UTC";
    let offset = if is_utc {
        "Z".to_string()
    } else {
        let total = utc + std;
        let sign = if total < 0 { '-' } else { '+' };
        let secs = total.abs();
        let mut o = format!("{sign}{:02}:{:02}", secs / 3600, secs % 3600 / 60);
        if zone != "Etc/UTC" {
            o.push_str(&format!(" {abbr} {zone}"));
        }
        o
    };
    Some((format!("{} {}{offset}", iso_date_of(t)?, iso_time_of(t)?), is_utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i64, month: i64, day: i64) -> Term {
        Term::map([
            (Term::atom("__struct__"), Term::atom("Elixir.Date")),
            (Term::atom("calendar"), Term::atom("Elixir.Calendar.ISO")),
            (Term::atom("year"), Term::Int(year)),
            (Term::atom("month"), Term::Int(month)),
            (Term::atom("day"), Term::Int(day)),
        ])
    }

    #[test]
    fn formats_like_calendar_iso() {
        assert_eq!(iso_date(&date(2020, 7, 10)).as_deref(), Some("2020-07-10"));
        assert_eq!(iso_date(&date(1, 1, 1)).as_deref(), Some("0001-01-01"));
        assert_eq!(iso_date(&date(-5, 1, 1)).as_deref(), Some("-0005-01-01"));
        assert_eq!(iso_date(&date(12345, 1, 1)).as_deref(), Some("12345-01-01"));
        assert_eq!(iso_date(&Term::map([])), None);
    }
}
