//! The values of the calendar sigils `~T[13:05:01.123]`, `~N[2020-01-02 03:04:05]`
//! and `~U[2020-01-02 03:04:05Z]`: the structs Elixir builds at compile time
//! (`%Time{}`, `%NaiveDateTime{}`, `%DateTime{}` in UTC, ISO calendar). The
//! microsecond field is `{value, precision}` where precision is the number of
//! fraction digits written (at most 6).

use super::expr::parse_date;
use crate::term::Term;

/// The struct of `~T`, `~N` or `~U` with text `s`, or `None` when it is not valid.
pub fn calendar_sigil(letter: char, s: &str) -> Option<Term> {
    let s = s.trim();
    match letter {
        'T' => Some(time_struct("Elixir.Time", parse_time(s)?, None, false)),
        'N' | 'U' => {
            let (date, rest) = s.split_at(s.find([' ', 'T'])?);
            let date = parse_date(date)?;
            let mut time = &rest[1..];
            if letter == 'U' {
                time = time.strip_suffix('Z').or_else(|| time.strip_suffix("+00:00"))?;
            }
            let name = if letter == 'N' { "Elixir.NaiveDateTime" } else { "Elixir.DateTime" };
            Some(time_struct(name, parse_time(time)?, Some(date), letter == 'U'))
        }
        _ => None,
    }
}

/// (hour, minute, second, microseconds, precision).
fn parse_time(s: &str) -> Option<(i64, i64, i64, i64, i64)> {
    let (hms, fraction) = match s.split_once('.') {
        Some((a, f)) => (a, Some(f)),
        None => (s, None),
    };
    let mut it = hms.splitn(3, ':');
    let h: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let sec: i64 = it.next()?.parse().ok()?;
    if !crate::term::calendar::valid_time(h, m, sec, 0) {
        return None;
    }
    let (us, precision) = match fraction {
        None => (0, 0),
        Some(f) if !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()) => {
            let digits: String = f.chars().take(6).collect();
            let precision = digits.len() as i64;
            let padded = format!("{digits:0<6}");
            (padded.parse().ok()?, precision)
        }
        Some(_) => return None,
    };
    Some((h, m, sec, us, precision))
}

fn time_struct(name: &str, (h, m, s, us, precision): (i64, i64, i64, i64, i64), date: Option<Term>, utc: bool) -> Term {
    let mut pairs = vec![
        (Term::atom("__struct__"), Term::atom(name)),
        (Term::atom("calendar"), Term::atom("Elixir.Calendar.ISO")),
        (Term::atom("hour"), Term::Int(h)),
        (Term::atom("minute"), Term::Int(m)),
        (Term::atom("second"), Term::Int(s)),
        (Term::atom("microsecond"), Term::pair(Term::Int(us), Term::Int(precision))),
    ];
    if let Some(date) = date {
        for key in ["year", "month", "day"] {
            if let Some(v) = date.map_get_atom(key) {
                pairs.push((Term::atom(key), v.clone()));
            }
        }
    }
    if utc {
        pairs.push((Term::atom("std_offset"), Term::Int(0)));
        pairs.push((Term::atom("utc_offset"), Term::Int(0)));
        pairs.push((Term::atom("time_zone"), Term::string("Etc/UTC")));
        pairs.push((Term::atom("zone_abbr"), Term::string("UTC")));
    }
    Term::map(pairs)
}

#[cfg(test)]
mod tests {
    use super::calendar_sigil;
    use crate::term::Term;

    #[test]
    fn times_keep_the_precision_written() {
        let t = calendar_sigil('T', "13:05:01.12").expect("valid");
        assert_eq!(t.map_get_atom("microsecond"), Some(&Term::pair(Term::Int(120_000), Term::Int(2))));
        assert!(calendar_sigil('T', "25:00:00").is_none());
    }

    #[test]
    fn utc_date_times_need_their_zone() {
        assert!(calendar_sigil('U', "2020-01-02 03:04:05Z").is_some());
        assert!(calendar_sigil('U', "2020-01-02 03:04:05").is_none());
        assert_eq!(calendar_sigil('N', "2020-01-02T03:04:05").and_then(|n| n.map_get_atom("day").cloned()), Some(Term::Int(2)));
    }
}
