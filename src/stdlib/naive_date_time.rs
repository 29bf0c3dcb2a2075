//! `NaiveDateTime` and `Time` in `Calendar.ISO`, and `DateTime` from ISO text: the
//! structs Elixir builds for `~N`, `~T` and `~U`, with their constructors, parsers and
//! text forms. The calendar arithmetic is `calendar_iso`'s.

use super::argument::{function_clause, ok, small_int};
use super::calendar_iso::{self as iso, ParseError, TimeParts};
use crate::term::Term;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult, Raise};

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

fn time_fields(t: TimeParts) -> Vec<(Term, Term)> {
    vec![
        (Term::atom("hour"), Term::Int(t.0)),
        (Term::atom("minute"), Term::Int(t.1)),
        (Term::atom("second"), Term::Int(t.2)),
        (Term::atom("microsecond"), iso::microsecond_term(t.3, t.4)),
    ]
}

fn struct_term(module: &str, mut fields: Vec<(Term, Term)>) -> Term {
    fields.push((Term::atom("__struct__"), Term::atom(module)));
    fields.push((Term::atom("calendar"), Term::atom("Elixir.Calendar.ISO")));
    Term::map(fields)
}

/// A `%NaiveDateTime{}`.
pub fn naive_term(date: (i64, i64, i64), time: TimeParts) -> Term {
    let mut f = vec![
        (Term::atom("year"), Term::Int(date.0)),
        (Term::atom("month"), Term::Int(date.1)),
        (Term::atom("day"), Term::Int(date.2)),
    ];
    f.extend(time_fields(time));
    struct_term("Elixir.NaiveDateTime", f)
}

/// A `%Time{}`.
pub fn time_term(time: TimeParts) -> Term {
    struct_term("Elixir.Time", time_fields(time))
}

/// A `%DateTime{}` in `Etc/UTC`.
pub fn utc_datetime_term(date: (i64, i64, i64), time: TimeParts) -> Term {
    let Term::Map(m) = naive_term(date, time) else { return Term::nil() };
    let mut m = (*m).clone();
    m.insert(Term::atom("__struct__"), Term::atom("Elixir.DateTime"));
    for (k, v) in [
        ("std_offset", Term::Int(0)),
        ("utc_offset", Term::Int(0)),
        ("time_zone", Term::string("Etc/UTC")),
        ("zone_abbr", Term::string("UTC")),
    ] {
        m.insert(Term::atom(k), v);
    }
    Term::Map(std::sync::Arc::new(m))
}

fn parse_failure(what: &str, s: &str, e: ParseError) -> Raise {
    Raise::argument_error(format!(
        "cannot parse {} as {what}, reason: {}",
        crate::term::inspect::inspect(&Term::string(s)),
        crate::term::inspect::inspect(&e.atom())
    ))
}

/// The `%NaiveDateTime{}` of a `~N[...]` literal (or `NaiveDateTime.from_iso8601!/1`).
pub fn naive_datetime_from_iso(s: &str) -> Result<Term, Raise> {
    iso::parse_datetime(s, false)
        .map(|(d, t, _)| naive_term(d, t))
        .map_err(|e| parse_failure("naive datetime", s, e))
}

/// The `%Time{}` of a `~T[...]` literal (or `Time.from_iso8601!/1`).
pub fn time_from_iso(s: &str) -> Result<Term, Raise> {
    iso::parse_time(s, false).map(time_term).map_err(|e| parse_failure("time", s, e))
}

/// The UTC `%DateTime{}` of a `~U[...]` literal: the text must carry an offset, which
/// is applied.
pub fn utc_datetime_from_iso(s: &str) -> Result<Term, Raise> {
    match iso::parse_datetime(s, false) {
        Ok((d, t, Some(offset))) => {
            let (d, t) = iso::shift_seconds(d, t, -offset);
            Ok(utc_datetime_term(d, t))
        }
        Ok((_, _, None)) => Err(parse_failure("UTC datetime", s, ParseError::MissingOffset)),
        Err(e) => Err(parse_failure("UTC datetime", s, e)),
    }
}

fn int_field(t: &Term, k: &str) -> Option<i64> {
    t.map_get_atom(k).and_then(small_int)
}

/// Date and time parts of any struct that has them (NaiveDateTime, DateTime).
fn parts(t: &Term) -> Option<((i64, i64, i64), TimeParts)> {
    let (us, p) = match t.map_get_atom("microsecond")? {
        Term::Tuple(x) if x.len() == 2 => (small_int(&x[0])?, small_int(&x[1])?),
        _ => return None,
    };
    Some((
        (int_field(t, "year")?, int_field(t, "month")?, int_field(t, "day")?),
        (int_field(t, "hour")?, int_field(t, "minute")?, int_field(t, "second")?, us, p),
    ))
}

fn time_parts(t: &Term) -> Option<TimeParts> {
    let (us, p) = match t.map_get_atom("microsecond")? {
        Term::Tuple(x) if x.len() == 2 => (small_int(&x[0])?, small_int(&x[1])?),
        _ => return None,
    };
    Some((int_field(t, "hour")?, int_field(t, "minute")?, int_field(t, "second")?, us, p))
}

fn naive_arg(t: &Term, name: &str, arity: u32) -> Result<((i64, i64, i64), TimeParts), Control> {
    parts(t).ok_or_else(|| function_clause("NaiveDateTime", name, arity))
}

fn ints(a: &[Term], n: usize, module: &str, name: &str) -> Result<Vec<i64>, Control> {
    a.iter().take(n).map(|x| small_int(x).ok_or_else(|| function_clause(module, name, a.len() as u32))).collect()
}

/// `{us, precision}` from an optional argument (an integer means precision 6).
fn micro_arg(t: Option<&Term>) -> Option<(i64, i64)> {
    match t {
        None => Some((0, 0)),
        Some(Term::Int(us)) => Some((*us, 6)),
        Some(Term::Tuple(x)) if x.len() == 2 => Some((small_int(&x[0])?, small_int(&x[1])?)),
        _ => None,
    }
}

fn naive_new(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    if a.len() == 2 {
        let d = super::date::ymd_of(&a[0]).ok_or_else(|| function_clause("NaiveDateTime", "new", 2))?;
        let t = time_parts(&a[1]).ok_or_else(|| function_clause("NaiveDateTime", "new", 2))?;
        return Ok(ok(naive_term(d, t)));
    }
    let v = ints(a, 6, "NaiveDateTime", "new")?;
    let (us, p) = micro_arg(a.get(6)).ok_or_else(|| function_clause("NaiveDateTime", "new", 8))?;
    if !iso::valid_date(v[0], v[1], v[2]) {
        return Ok(super::argument::error(Term::atom("invalid_date")));
    }
    if !iso::valid_time(v[3], v[4], v[5], us) {
        return Ok(super::argument::error(Term::atom("invalid_time")));
    }
    Ok(ok(naive_term((v[0], v[1], v[2]), (v[3], v[4], v[5], us, p))))
}
fn naive_new_bang(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let r = naive_new(cx, a)?;
    match &r {
        Term::Tuple(p) if p[0].is_atom_named("ok") => Ok(p[1].clone()),
        Term::Tuple(p) => Err(Control::Raise(Raise::argument_error(format!(
            "cannot build naive datetime, reason: {}",
            crate::term::inspect::inspect(&p[1])
        )))),
        _ => Ok(r),
    }
}
fn naive_from_iso8601(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = a[0].as_str().ok_or_else(|| function_clause("NaiveDateTime", "from_iso8601", 2))?;
    Ok(match iso::parse_datetime(s, false) {
        Ok((d, t, _)) => ok(naive_term(d, t)),
        Err(e) => super::argument::error(e.atom()),
    })
}
fn naive_from_iso8601_bang(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = a[0].as_str().ok_or_else(|| function_clause("NaiveDateTime", "from_iso8601!", 2))?;
    Ok(naive_datetime_from_iso(s)?)
}
fn naive_to_string(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (d, t) = naive_arg(&a[0], "to_string", 1)?;
    Ok(Term::string(format!("{} {}", iso::date_text(d.0, d.1, d.2, false), iso::time_text(t.0, t.1, t.2, t.3, t.4, false))))
}
fn naive_to_iso8601(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (d, t) = naive_arg(&a[0], "to_iso8601", 2)?;
    let basic = a.get(1).is_some_and(|f| f.is_atom_named("basic"));
    Ok(Term::string(format!("{}T{}", iso::date_text(d.0, d.1, d.2, basic), iso::time_text(t.0, t.1, t.2, t.3, t.4, basic))))
}
fn naive_to_date(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (d, _) = naive_arg(&a[0], "to_date", 1)?;
    Ok(super::date::date_term(d.0, d.1, d.2))
}
fn naive_to_time(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (_, t) = naive_arg(&a[0], "to_time", 1)?;
    Ok(time_term(t))
}
/// Microseconds since 0000-01-01 00:00:00.
fn total_us(d: (i64, i64, i64), t: TimeParts) -> i128 {
    let days = i128::from(iso::gregorian_days(d.0, d.1, d.2));
    days * i128::from(iso::DAY_US) + i128::from((t.0 * 3600 + t.1 * 60 + t.2) * 1_000_000 + t.3)
}
fn from_total_us(us: i128, precision: i64) -> ((i64, i64, i64), TimeParts) {
    let day = i128::from(iso::DAY_US);
    let days = us.div_euclid(day) as i64;
    let of_day = us.rem_euclid(day) as i64;
    let secs = of_day / 1_000_000;
    (iso::date_from_gregorian_days(days), (secs / 3600, secs % 3600 / 60, secs % 60, of_day % 1_000_000, precision))
}
fn unit_us(t: Option<&Term>) -> Option<i128> {
    Some(match t.and_then(Term::as_atom).map(|a| a.as_str().to_string()).as_deref() {
        None | Some("second") => 1_000_000,
        Some("millisecond") => 1_000,
        Some("microsecond") => 1,
        Some("minute") => 60_000_000,
        Some("hour") => 3_600_000_000,
        Some("day") => 86_400_000_000,
        _ => return None,
    })
}
fn naive_add(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (d, t) = naive_arg(&a[0], "add", 3)?;
    let n = small_int(&a[1]).ok_or_else(|| function_clause("NaiveDateTime", "add", 3))?;
    let unit = unit_us(a.get(2)).ok_or_else(|| function_clause("NaiveDateTime", "add", 3))?;
    let precision = if unit < 1_000_000 && unit >= 1_000 { t.4.max(3) } else if unit == 1 { 6 } else { t.4 };
    let (d, t) = from_total_us(total_us(d, t) + i128::from(n) * unit, precision);
    Ok(naive_term(d, t))
}
fn naive_diff(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (d1, t1) = naive_arg(&a[0], "diff", 3)?;
    let (d2, t2) = naive_arg(&a[1], "diff", 3)?;
    let unit = unit_us(a.get(2)).ok_or_else(|| function_clause("NaiveDateTime", "diff", 3))?;
    let delta = total_us(d1, t1) - total_us(d2, t2);
    Ok(Term::Int((delta / unit) as i64))
}
fn naive_compare(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (d1, t1) = naive_arg(&a[0], "compare", 2)?;
    let (d2, t2) = naive_arg(&a[1], "compare", 2)?;
    Ok(order_atom(total_us(d1, t1).cmp(&total_us(d2, t2))))
}
fn order_atom(o: std::cmp::Ordering) -> Term {
    Term::atom(match o {
        std::cmp::Ordering::Less => "lt",
        std::cmp::Ordering::Equal => "eq",
        std::cmp::Ordering::Greater => "gt",
    })
}

fn time_new(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let v = ints(a, 3, "Time", "new")?;
    let (us, p) = micro_arg(a.get(3)).ok_or_else(|| function_clause("Time", "new", 5))?;
    Ok(if iso::valid_time(v[0], v[1], v[2], us) {
        ok(time_term((v[0], v[1], v[2], us, p)))
    } else {
        super::argument::error(Term::atom("invalid_time"))
    })
}
fn time_from_iso8601(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = a[0].as_str().ok_or_else(|| function_clause("Time", "from_iso8601", 2))?;
    Ok(match iso::parse_time(s, false) {
        Ok(t) => ok(time_term(t)),
        Err(e) => super::argument::error(e.atom()),
    })
}
fn time_from_iso8601_bang(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = a[0].as_str().ok_or_else(|| function_clause("Time", "from_iso8601!", 2))?;
    Ok(time_from_iso(s)?)
}
fn time_to_string(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let t = time_parts(&a[0]).ok_or_else(|| function_clause("Time", "to_string", 1))?;
    Ok(Term::string(iso::time_text(t.0, t.1, t.2, t.3, t.4, false)))
}
fn time_compare(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let x = time_parts(&a[0]).ok_or_else(|| function_clause("Time", "compare", 2))?;
    let y = time_parts(&a[1]).ok_or_else(|| function_clause("Time", "compare", 2))?;
    Ok(order_atom((x.0, x.1, x.2, x.3).cmp(&(y.0, y.1, y.2, y.3))))
}

fn datetime_from_naive(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (d, t) = naive_arg(&a[0], "from_naive", 3)?;
    if a[1].as_str() != Some("Etc/UTC") {
        return Ok(super::argument::error(Term::atom("utc_only_time_zone_database")));
    }
    Ok(ok(utc_datetime_term(d, t)))
}
fn datetime_from_naive_bang(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (d, t) = naive_arg(&a[0], "from_naive!", 3)?;
    if a[1].as_str() != Some("Etc/UTC") {
        return Err(Control::Raise(Raise::argument_error(format!(
            "cannot convert {} to datetime, reason: :utc_only_time_zone_database",
            crate::term::inspect::inspect(&a[0])
        ))));
    }
    Ok(utc_datetime_term(d, t))
}
fn datetime_from_iso8601(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let s = a[0].as_str().ok_or_else(|| function_clause("DateTime", "from_iso8601", 3))?;
    Ok(match iso::parse_datetime(s, false) {
        Ok((d, t, Some(offset))) => {
            let (d, t) = iso::shift_seconds(d, t, -offset);
            Term::tuple(vec![Term::ok(), utc_datetime_term(d, t), Term::Int(offset)])
        }
        Ok((_, _, None)) => super::argument::error(Term::atom("missing_offset")),
        Err(e) => super::argument::error(e.atom()),
    })
}
fn datetime_to_naive(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (d, t) = parts(&a[0]).ok_or_else(|| function_clause("DateTime", "to_naive", 1))?;
    Ok(naive_term(d, t))
}
fn datetime_to_date(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (d, _) = parts(&a[0]).ok_or_else(|| function_clause("DateTime", "to_date", 1))?;
    Ok(super::date::date_term(d.0, d.1, d.2))
}
fn datetime_to_string(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    crate::term::date::iso_datetime(&a[0])
        .map(|(text, _)| Term::string(text))
        .ok_or_else(|| function_clause("DateTime", "to_string", 1))
}
fn datetime_to_iso8601(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (d, t) = parts(&a[0]).ok_or_else(|| function_clause("DateTime", "to_iso8601", 2))?;
    let (utc, std) = (int_field(&a[0], "utc_offset").unwrap_or(0), int_field(&a[0], "std_offset").unwrap_or(0));
    let zone = a[0].map_get_atom("time_zone").and_then(Term::as_str).unwrap_or("Etc/UTC");
    let offset = iso::offset_text(utc, std, zone, "", false);
    // to_iso8601 never prints the zone name.
    let offset = offset.split(' ').next().unwrap_or("Z").to_string();
    Ok(Term::string(format!("{}T{}{offset}", iso::date_text(d.0, d.1, d.2, false), iso::time_text(t.0, t.1, t.2, t.3, t.4, false))))
}

/// Registers `NaiveDateTime`, `Time` and the `DateTime` conversions.
pub fn register(reg: &mut NativeRegistry) {
    let n = "Elixir.NaiveDateTime";
    for arity in [2, 6, 7, 8] {
        reg.add(n, "new", arity, naive_new);
        reg.add(n, "new!", arity, naive_new_bang);
    }
    reg.add(n, "from_iso8601", 1, naive_from_iso8601);
    reg.add(n, "from_iso8601", 2, naive_from_iso8601);
    reg.add(n, "from_iso8601!", 1, naive_from_iso8601_bang);
    reg.add(n, "from_iso8601!", 2, naive_from_iso8601_bang);
    reg.add(n, "to_string", 1, naive_to_string);
    reg.add(n, "to_iso8601", 1, naive_to_iso8601);
    reg.add(n, "to_iso8601", 2, naive_to_iso8601);
    reg.add(n, "to_date", 1, naive_to_date);
    reg.add(n, "to_time", 1, naive_to_time);
    reg.add(n, "add", 2, naive_add);
    reg.add(n, "add", 3, naive_add);
    reg.add(n, "diff", 2, naive_diff);
    reg.add(n, "diff", 3, naive_diff);
    reg.add(n, "compare", 2, naive_compare);
    let t = "Elixir.Time";
    for arity in [3, 4, 5] {
        reg.add(t, "new", arity, time_new);
    }
    reg.add(t, "from_iso8601", 1, time_from_iso8601);
    reg.add(t, "from_iso8601", 2, time_from_iso8601);
    reg.add(t, "from_iso8601!", 1, time_from_iso8601_bang);
    reg.add(t, "from_iso8601!", 2, time_from_iso8601_bang);
    reg.add(t, "to_string", 1, time_to_string);
    reg.add(t, "to_iso8601", 1, time_to_string);
    reg.add(t, "compare", 2, time_compare);
    let d = "Elixir.DateTime";
    for arity in [2, 3] {
        reg.add(d, "from_naive", arity, datetime_from_naive);
        reg.add(d, "from_naive!", arity, datetime_from_naive_bang);
    }
    reg.add(d, "from_iso8601", 1, datetime_from_iso8601);
    reg.add(d, "from_iso8601", 2, datetime_from_iso8601);
    reg.add(d, "to_naive", 1, datetime_to_naive);
    reg.add(d, "to_date", 1, datetime_to_date);
    reg.add(d, "to_string", 1, datetime_to_string);
    reg.add(d, "to_iso8601", 1, datetime_to_iso8601);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigil_texts_build_the_structs_elixir_prints() {
        let n = naive_datetime_from_iso("2015-01-13T13:00:07.001").expect("valid");
        assert_eq!(crate::term::inspect::inspect(&n), "~N[2015-01-13 13:00:07.001]");
        let t = time_from_iso("13:00:07").expect("valid");
        assert_eq!(crate::term::inspect::inspect(&t), "~T[13:00:07]");
        let u = utc_datetime_from_iso("2015-01-13T13:00:07.001+00:00").expect("valid");
        assert_eq!(crate::term::inspect::inspect(&u), "~U[2015-01-13 13:00:07.001Z]");
        assert!(utc_datetime_from_iso("2015-01-13 13:00:07").is_err());
    }
}
