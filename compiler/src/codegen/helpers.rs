//! `extern "C"` helpers the compiled code calls for calendar arithmetic.
//!
//! They wrap `eval::calendar`, so month clamping and the calendar's range
//! are the interpreter's by construction. Dates travel as day numbers from
//! 0001-01-01; a failure (a date off the calendar, garbage input) is
//! [`INVALID`], which the compiled code turns into the fallback status.
//! None of them panics on any input: a panic cannot unwind out of an
//! `extern "C"` function.

use chrono::{Datelike, NaiveDate};

use crate::eval::{Number, calendar};

/// Returned for "no result": the record falls back to the interpreter.
pub const INVALID: i64 = i64::MIN;

fn date(days: i64) -> Option<NaiveDate> {
    i32::try_from(days)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

fn days(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

/// `date ± n days` (`subtract` nonzero for `-`).
pub extern "C" fn avtal_add_days(day: i64, n: i64, subtract: i64) -> i64 {
    date(day)
        .and_then(|d| calendar::add_days(d, &Number::from_i64(n), subtract != 0).ok())
        .map_or(INVALID, days)
}

/// `date ± n months`, one step, clamped to the month's end. Years 1 to
/// 9999 in integer arithmetic (`days.rs`, chrono's results exactly), the
/// rest through `eval::calendar`.
pub extern "C" fn avtal_add_months(day: i64, n: i64, subtract: i64) -> i64 {
    let signed = if subtract != 0 {
        n.checked_neg()
    } else {
        Some(n)
    };
    if let Some(moved) = signed.and_then(|n| super::days::add_months(day, n)) {
        return moved;
    }
    date(day)
        .and_then(|d| calendar::add_months(d, &Number::from_i64(n), subtract != 0).ok())
        .map_or(INVALID, days)
}

/// Parts of a date: 0 year, 1 month, 2 day, 3 days in the month.
pub extern "C" fn avtal_date_part(day: i64, part: i64) -> i64 {
    let Some(d) = date(day) else {
        return INVALID;
    };
    let number = match part {
        0 => calendar::year(d),
        1 => calendar::month(d),
        2 => calendar::day(d),
        _ => calendar::days_in_month(d),
    };
    number.to_i64().unwrap_or(INVALID)
}

/// `date(y, m, d)`.
pub extern "C" fn avtal_make_date(year: i64, month: i64, day: i64) -> i64 {
    calendar::make_date(
        &Number::from_i64(year),
        &Number::from_i64(month),
        &Number::from_i64(day),
    )
    .map_or(INVALID, days)
}

/// Name and address of every helper, for `JITBuilder::symbol`.
pub(super) fn symbols() -> [(&'static str, *const u8); 4] {
    [
        ("avtal_add_days", avtal_add_days as *const u8),
        ("avtal_add_months", avtal_add_months as *const u8),
        ("avtal_date_part", avtal_date_part as *const u8),
        ("avtal_make_date", avtal_make_date as *const u8),
    ]
}
