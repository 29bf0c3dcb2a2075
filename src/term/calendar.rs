//! Proleptic Gregorian calendar arithmetic, as Elixir's `Calendar.ISO` does it: leap
//! years, month lengths, valid dates and times, and "gregorian days" (0000-01-01 is
//! day 0). The one copy of it: `stdlib::calendar_iso` re-exports it for `Date`,
//! `NaiveDateTime` and friends, and the compiler checks `~D`/`~N`/`~U` literals with it.

/// Whether `y` is a leap year.
pub fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in month `m` of year `y`.
pub fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whether `y-m-d` is a date of the calendar (years -9999..=9999, as Elixir's).
pub fn valid_date(y: i64, m: i64, d: i64) -> bool {
    (-9999..=9999).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)
}

/// Whether `h:mi:s` is a time of day (no leap seconds, as Calendar.ISO).
pub fn valid_time(h: i64, mi: i64, s: i64, us: i64) -> bool {
    (0..24).contains(&h) && (0..60).contains(&mi) && (0..60).contains(&s) && (0..1_000_000).contains(&us)
}

/// Gregorian days of `y-m-d` (0000-01-01 is 0), after Howard Hinnant's days_from_civil.
pub fn gregorian_days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe + 60
}

/// The date of gregorian day `n` (inverse of [`gregorian_days`]).
pub fn date_from_gregorian_days(n: i64) -> (i64, i64, i64) {
    let z = n - 60;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gregorian_days_round_trip_and_match_elixir() {
        // Elixir: Date.to_gregorian_days(~D[1970-01-01]) == 719_528.
        assert_eq!(gregorian_days(1970, 1, 1), 719_528);
        assert_eq!(gregorian_days(0, 1, 1), 0);
        for n in [-800_000, -1, 0, 59, 60, 719_528, 738_000, 3_652_424] {
            let (y, m, d) = date_from_gregorian_days(n);
            assert!(valid_date(y, m, d) || !(-9999..=9999).contains(&y), "{n}");
            assert_eq!(gregorian_days(y, m, d), n);
        }
    }

    #[test]
    fn leap_years_and_month_lengths() {
        assert!(is_leap(2000) && is_leap(2024) && !is_leap(1900) && !is_leap(2023));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert!(!valid_date(2023, 2, 29) && valid_date(2024, 2, 29) && !valid_date(2024, 13, 1));
        assert!(valid_time(23, 59, 59, 999_999) && !valid_time(24, 0, 0, 0));
    }
}
