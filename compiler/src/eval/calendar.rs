//! Date arithmetic on `chrono::NaiveDate`: days, calendar months, parts of
//! a date.
//!
//! Rules (the language reference repeats them):
//! - `date + n days` moves by `n` days; `Date - Date` is the number of days
//!   between them (negative when the left date is earlier).
//! - `date + n months` is **one step** that keeps the day of the month and
//!   clamps it to the month's end: `2026-08-31 + 6 months = 2027-02-28`,
//!   `2028-02-29 + 12 months = 2029-02-28`. Month addition is therefore
//!   not associative: `2026-01-31 + 1 month + 1 month = 2026-03-28`, but
//!   `2026-01-31 + 2 months = 2026-03-31`. Years are 12 months, weeks are
//!   7 days (the `weeks`/`years` builtins convert before adding).
//! - The amount is a whole number (`Int`, `Days`, `Months`); a fraction or
//!   an amount beyond chrono's calendar (years −262143 to 262142) is an
//!   error, never a panic or a wrap-around.
//!
//! Span-free: errors are [`CalendarError`] facts; the evaluator adds the
//! span and `diagnostics::messages::eval` the wording.

use chrono::{Datelike, Days, Months, NaiveDate};

use super::number::Number;

/// The unit of a date amount, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateUnit {
    Days,
    Months,
}

impl DateUnit {
    pub fn name(self) -> &'static str {
        match self {
            DateUnit::Days => "days",
            DateUnit::Months => "months",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// The amount is not a whole number (or not even an `i64`).
    NotWhole { amount: String, unit: DateUnit },
    /// The result lies outside the supported calendar.
    OutOfRange {
        date: NaiveDate,
        subtract: bool,
        amount: String,
        unit: DateUnit,
    },
    /// `date(y, m, d)` names no day.
    NoSuchDate {
        year: String,
        month: String,
        day: String,
    },
}

/// The whole number of an amount.
fn whole(amount: &Number, unit: DateUnit) -> Result<i64, CalendarError> {
    amount.to_i64().ok_or_else(|| CalendarError::NotWhole {
        amount: amount.to_string(),
        unit,
    })
}

fn out_of_range(date: NaiveDate, subtract: bool, amount: &Number, unit: DateUnit) -> CalendarError {
    CalendarError::OutOfRange {
        date,
        subtract,
        amount: amount.to_string(),
        unit,
    }
}

/// `date + amount days` (`subtract`: `date - amount days`).
pub fn add_days(
    date: NaiveDate,
    amount: &Number,
    subtract: bool,
) -> Result<NaiveDate, CalendarError> {
    let n = whole(amount, DateUnit::Days)?;
    let forward = (n >= 0) != subtract;
    let days = Days::new(n.unsigned_abs());
    let moved = if forward {
        date.checked_add_days(days)
    } else {
        date.checked_sub_days(days)
    };
    moved.ok_or_else(|| out_of_range(date, subtract, amount, DateUnit::Days))
}

/// `date + amount months` in one step, clamped to the month's end
/// (`subtract`: `date - amount months`).
pub fn add_months(
    date: NaiveDate,
    amount: &Number,
    subtract: bool,
) -> Result<NaiveDate, CalendarError> {
    let n = whole(amount, DateUnit::Months)?;
    let forward = (n >= 0) != subtract;
    let months = u32::try_from(n.unsigned_abs())
        .map_err(|_| out_of_range(date, subtract, amount, DateUnit::Months))?;
    let moved = if forward {
        date.checked_add_months(Months::new(months))
    } else {
        date.checked_sub_months(Months::new(months))
    };
    moved.ok_or_else(|| out_of_range(date, subtract, amount, DateUnit::Months))
}

/// `later - earlier` in days, as an `Int`-scaled number.
pub fn days_between(later: NaiveDate, earlier: NaiveDate) -> Number {
    Number::from_i64(later.signed_duration_since(earlier).num_days())
}

/// `date(year, month, day)`.
pub fn make_date(year: &Number, month: &Number, day: &Number) -> Result<NaiveDate, CalendarError> {
    let part = |n: &Number| n.to_i64();
    let date = match (part(year), part(month), part(day)) {
        (Some(y), Some(m), Some(d)) => match (i32::try_from(y), u32::try_from(m), u32::try_from(d))
        {
            (Ok(y), Ok(m), Ok(d)) => NaiveDate::from_ymd_opt(y, m, d),
            _ => None,
        },
        _ => None,
    };
    date.ok_or_else(|| CalendarError::NoSuchDate {
        year: year.to_string(),
        month: month.to_string(),
        day: day.to_string(),
    })
}

pub fn year(date: NaiveDate) -> Number {
    Number::from_i64(i64::from(date.year()))
}

pub fn month(date: NaiveDate) -> Number {
    Number::from_i64(i64::from(date.month()))
}

pub fn day(date: NaiveDate) -> Number {
    Number::from_i64(i64::from(date.day()))
}

pub fn days_in_month(date: NaiveDate) -> Number {
    Number::from_i64(i64::from(date.num_days_in_month()))
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn n(value: i64) -> Number {
        Number::from_i64(value)
    }

    #[test]
    fn months_clamp_to_the_month_end() {
        assert_eq!(
            add_months(d("2026-08-31"), &n(6), false),
            Ok(d("2027-02-28"))
        );
        assert_eq!(
            add_months(d("2028-02-29"), &n(12), false),
            Ok(d("2029-02-28"))
        );
        assert_eq!(
            add_months(d("2026-03-31"), &n(1), true),
            Ok(d("2026-02-28"))
        );
        assert_eq!(
            add_months(d("2026-03-31"), &n(-1), false),
            Ok(d("2026-02-28"))
        );
        assert_eq!(
            add_months(d("2026-03-31"), &n(-1), true),
            Ok(d("2026-04-30"))
        );
    }

    #[test]
    fn month_steps_are_not_associative() {
        let once = add_months(d("2026-01-31"), &n(2), false).unwrap();
        let twice = add_months(
            add_months(d("2026-01-31"), &n(1), false).unwrap(),
            &n(1),
            false,
        )
        .unwrap();
        assert_eq!(once, d("2026-03-31"));
        assert_eq!(twice, d("2026-03-28"));
    }

    #[test]
    fn days_and_differences() {
        assert_eq!(add_days(d("2026-12-31"), &n(1), false), Ok(d("2027-01-01")));
        assert_eq!(add_days(d("2026-03-01"), &n(1), true), Ok(d("2026-02-28")));
        assert_eq!(add_days(d("2026-03-01"), &n(-1), true), Ok(d("2026-03-02")));
        assert_eq!(days_between(d("2027-01-01"), d("2026-01-01")), n(365));
        assert_eq!(days_between(d("2026-01-01"), d("2027-01-01")), n(-365));
        assert_eq!(days_in_month(d("2028-02-10")), n(29));
        assert_eq!(days_in_month(d("2026-02-10")), n(28));
        assert_eq!(year(d("2026-02-10")), n(2026));
        assert_eq!(month(d("2026-02-10")), n(2));
        assert_eq!(day(d("2026-02-10")), n(10));
    }

    #[test]
    fn out_of_range_is_an_error() {
        let err = add_days(d("2026-01-01"), &n(i64::MAX), false).unwrap_err();
        assert!(matches!(err, CalendarError::OutOfRange { .. }));
        let err = add_days(d("2026-01-01"), &n(i64::MIN), true).unwrap_err();
        assert!(matches!(err, CalendarError::OutOfRange { .. }));
        let err = add_months(d("2026-01-01"), &n(i64::from(u32::MAX) + 1), false).unwrap_err();
        assert!(matches!(err, CalendarError::OutOfRange { .. }));
        let err = add_months(d("2026-01-01"), &n(4_000_000), false).unwrap_err();
        assert!(matches!(err, CalendarError::OutOfRange { .. }));
        let half = Number::from_decimal(rust_decimal::Decimal::new(5, 1));
        let err = add_days(d("2026-01-01"), &half, false).unwrap_err();
        assert_eq!(
            err,
            CalendarError::NotWhole {
                amount: "0.5".into(),
                unit: DateUnit::Days
            }
        );
    }

    #[test]
    fn make_date_checks_the_day() {
        assert_eq!(make_date(&n(2028), &n(2), &n(29)), Ok(d("2028-02-29")));
        let err = make_date(&n(2026), &n(2), &n(30)).unwrap_err();
        assert_eq!(
            err,
            CalendarError::NoSuchDate {
                year: "2026".into(),
                month: "2".into(),
                day: "30".into()
            }
        );
        assert!(make_date(&n(2026), &n(13), &n(1)).is_err());
        assert!(make_date(&n(i64::MAX), &n(1), &n(1)).is_err());
    }
}
