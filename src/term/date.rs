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
