//! Day numbers ↔ civil dates in plain integer arithmetic, for the hot
//! path of `avtal run`: the slot reader and writer (`slots.rs`). The
//! compiled code has its own, emitted as IR (`calendar.rs`).
//!
//! Day numbers are chrono's `num_days_from_ce` (0001-01-01 is day 1).
//! Everything here covers years 1 to 9999 only and returns `None` outside
//! them, so callers fall back to chrono (and `eval::calendar`), which stay
//! the definition; inside, the results are chrono's exactly (the tests
//! compare every day of that range). The conversions are Howard Hinnant's
//! `days_from_civil` / `civil_from_days` on a calendar shifted to start in
//! March, so that the leap day is the last day of the year.

/// Day number of 1970-01-01 counted from 0000-03-01, Hinnant's epoch shift.
const UNIX_FROM_MARCH_0: i64 = 719_468;
/// Day number (`num_days_from_ce`) of 1970-01-01.
const UNIX_CE: i64 = 719_163;
/// Day numbers of 0001-01-01 and 9999-12-31.
pub(crate) const FIRST_DAY: i64 = 1;
pub(crate) const LAST_DAY: i64 = 3_652_059;

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` (1–12) of `year`.
pub(crate) fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The day number of a date of years 1–9999; `None` for any other year
/// and for days not in the calendar (`2026-02-30`).
pub(crate) fn from_civil(year: i64, month: i64, day: i64) -> Option<i64> {
    if !(1..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
    {
        return None;
    }
    // Years start in March: January and February belong to the year before.
    // Year, month and day are checked above, so everything is a small
    // non-negative number and unsigned division is exact.
    let (year, month, day) = (
        year.unsigned_abs(),
        month.unsigned_abs(),
        day.unsigned_abs(),
    );
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let year_of_era = y % 400;
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let (era, day_of_era) = (era as i64, day_of_era as i64);
    Some(era * 146_097 + day_of_era - UNIX_FROM_MARCH_0 + UNIX_CE)
}

/// `(year, month, day)` of a day number of years 1–9999.
pub(crate) fn to_civil(days: i64) -> Option<(i64, i64, i64)> {
    if !(FIRST_DAY..=LAST_DAY).contains(&days) {
        return None;
    }
    // Non-negative in range: unsigned division needs no sign fix-ups.
    let z = (days - UNIX_CE + UNIX_FROM_MARCH_0).unsigned_abs();
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    // All three are small: years below 10000, months and days below 32.
    let (year, month, day) = (year as i64, month as i64, day as i64);
    Some((year, month, day))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use chrono::{Datelike, NaiveDate};

    use super::*;

    #[test]
    fn every_day_of_years_1_to_9999_is_chrono_s() {
        let mut date = NaiveDate::from_ymd_opt(1, 1, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        loop {
            let days = i64::from(date.num_days_from_ce());
            let civil = (
                i64::from(date.year()),
                i64::from(date.month()),
                i64::from(date.day()),
            );
            assert_eq!(to_civil(days), Some(civil), "{date}");
            assert_eq!(from_civil(civil.0, civil.1, civil.2), Some(days), "{date}");
            if date == last {
                assert_eq!(days, LAST_DAY);
                break;
            }
            date = date.succ_opt().unwrap();
        }
        assert_eq!(to_civil(FIRST_DAY - 1), None);
        assert_eq!(to_civil(LAST_DAY + 1), None);
        assert_eq!(from_civil(2026, 2, 29), None);
        assert!(from_civil(2028, 2, 29).is_some());
        assert_eq!(from_civil(2026, 13, 1), None);
        assert_eq!(from_civil(0, 12, 31), None);
    }
}
