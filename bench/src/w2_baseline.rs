//! W2 (one month's time report: OB, overtime, additional hours) written by
//! hand in integers: the baseline the compiled W2 is measured against, and
//! with `bench/w2/reference.py` the oracle it is checked against.
//!
//! Times are minutes since 0001-01-01T00:00. The calendar is computed once
//! per year and cached (`calendar`); a shift is measured by interval
//! arithmetic against the five fixed clock segments of each day it touches.
//! Money is exact: every pay is one rational number of öre, `i128`
//! numerator over a positive denominator, rounded once, half away from
//! zero. Parsing lives in `parse`; this module does no IO beyond writing
//! one CSV row to a caller's writer.

mod calendar;
mod parse;
#[cfg(test)]
mod tests;

use std::io::{self, Write};

use chrono::{Datelike, NaiveDate};

use calendar::{MINUTES_PER_DAY, SEGMENTS, YearTable};
pub use parse::{ParseError, parse_record};

/// What a shift is paid as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ordinary,
    Overtime,
    Mertid,
}

/// One shift, `[start, end)` in minutes since 0001-01-01T00:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    pub start: i64,
    pub end: i64,
    pub kind: Kind,
}

/// One employee's month. The parser guarantees what W2 states of its input
/// (a period year in 1900..=2199, shifts of 1 minute to 24 hours starting in
/// the period's month, no overlaps, amounts in 0..10^15 hundredths, a
/// positive rate); `evaluate` is exact for any record within those bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: i64,
    pub period: NaiveDate,
    pub salary_cents: i64,
    pub rate_hundredths: i64,
    pub overtime_ytd_cents: i64,
    pub shifts: Vec<Shift>,
}

/// Every W2 output: hours and money in hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Output {
    pub id: i64,
    pub ob_enkel_hours: i64,
    pub ob_kval_hours: i64,
    pub ob_storhelg_hours: i64,
    pub ob_pay: i64,
    pub overtime_simple_hours: i64,
    pub overtime_qualified_hours: i64,
    pub overtime_pay: i64,
    pub mertid_hours: i64,
    pub mertid_pay: i64,
    pub overtime_month_violation: bool,
    pub overtime_year_violation: bool,
    pub holidays_in_period: i64,
}

/// The day the OB amounts change.
const AMOUNT_CHANGE_DAY: i64 = calendar::day_number(2027, 4, 1);

/// OB amounts in öre an hour, in the order of `calendar::ObClass` (none,
/// enkel, kvalificerad, storhelg): before and from 2027-04-01.
const AMOUNTS_BEFORE: [i64; 4] = [0, 2_000, 6_000, 9_000];
const AMOUNTS_FROM: [i64; 4] = [0, 2_100, 6_200, 9_300];

/// Minutes counted per shift kind and class.
#[derive(Default)]
struct Minutes {
    /// OB minutes by class, of dates before and from the amount change.
    ob_before: [i64; 4],
    ob_from: [i64; 4],
    overtime: i64,
    qualified: i64,
    mertid: i64,
}

/// The outputs of one record.
pub fn evaluate(record: &Record) -> Output {
    let year = i64::from(record.period.year());
    match calendar::cached_year(year) {
        Some(table) => evaluate_with(record, table),
        None => evaluate_with(record, &YearTable::build(year)),
    }
}

fn evaluate_with(record: &Record, table: &YearTable) -> Output {
    let mut minutes = Minutes::default();
    for shift in &record.shifts {
        let length = (shift.end - shift.start).max(0);
        match shift.kind {
            Kind::Ordinary => count_ob(table, shift, &mut minutes),
            Kind::Overtime => {
                minutes.overtime += length;
                minutes.qualified += qualified_minutes(table, shift);
            }
            Kind::Mertid => minutes.mertid += length,
        }
    }
    let simple = minutes.overtime - minutes.qualified;
    // Σ over OB minutes of amount / 60: the numerator in öre·minutes an hour.
    let ob_pay_numerator: i64 = minutes
        .ob_before
        .iter()
        .zip(AMOUNTS_BEFORE)
        .map(|(m, a)| m * a)
        .sum::<i64>()
        + minutes
            .ob_from
            .iter()
            .zip(AMOUNTS_FROM)
            .map(|(m, a)| m * a)
            .sum::<i64>();
    let mut ob_minutes = minutes.ob_before;
    for (total, from) in ob_minutes.iter_mut().zip(minutes.ob_from) {
        *total += from;
    }
    let [_, enkel, kvalificerad, storhelg] = ob_minutes;
    let salary = i128::from(record.salary_cents);
    let rate = i128::from(record.rate_hundredths);
    // fte = salary * 100 / rate SEK = 10_000 * salary_cents / rate_hundredths öre.
    // Overtime: simple/60 * fte/94 + qualified/60 * fte/72, and 60 * 94 = 5640,
    // 60 * 72 = 4320, lcm = 203_040 = 5640 * 36 = 4320 * 47.
    // Within the parser's bounds the products stay far below i128::MAX;
    // beyond them they saturate rather than wrap.
    let fte_numerator = salary.saturating_mul(10_000);
    let overtime_pay = round_div(
        fte_numerator.saturating_mul(36 * i128::from(simple) + 47 * i128::from(minutes.qualified)),
        rate.saturating_mul(203_040),
    );
    // Mertid: mertid/60 * fte/142, 60 * 142 = 8520.
    let mertid_pay = round_div(
        fte_numerator.saturating_mul(i128::from(minutes.mertid)),
        rate.saturating_mul(8_520),
    );
    Output {
        id: record.id,
        ob_enkel_hours: hours(enkel),
        ob_kval_hours: hours(kvalificerad),
        ob_storhelg_hours: hours(storhelg),
        ob_pay: round_div(i128::from(ob_pay_numerator), 60),
        overtime_simple_hours: hours(simple),
        overtime_qualified_hours: hours(minutes.qualified),
        overtime_pay,
        mertid_hours: hours(minutes.mertid),
        mertid_pay,
        // 50 hours = 3000 minutes.
        overtime_month_violation: minutes.overtime > 3_000,
        // ytd_cents / 100 + overtime / 60 > 150, times 300.
        overtime_year_violation: 3 * i128::from(record.overtime_ytd_cents)
            + 5 * i128::from(minutes.overtime)
            > 45_000,
        holidays_in_period: table.holidays_in_month(record.period.month()),
    }
}

/// Calls `f(day, from, to)` for each day the shift touches, with the
/// shift's part of that day as clock minutes `[from, to)`.
#[inline]
fn for_each_day(shift: &Shift, mut f: impl FnMut(i64, i64, i64)) {
    let mut day = shift.start.div_euclid(MINUTES_PER_DAY);
    let mut from = shift.start - day * MINUTES_PER_DAY;
    while day * MINUTES_PER_DAY < shift.end {
        let to = (shift.end - day * MINUTES_PER_DAY).min(MINUTES_PER_DAY);
        f(day, from, to);
        day += 1;
        from = 0;
    }
}

/// The minutes of `[from, to)` within each clock segment.
#[inline]
fn segment_overlaps(from: i64, to: i64) -> [i64; 5] {
    SEGMENTS.map(|(start, end)| (to.min(end) - from.max(start)).max(0))
}

fn count_ob(table: &YearTable, shift: &Shift, minutes: &mut Minutes) {
    for_each_day(shift, |day, from, to| {
        let profile = table.profile(day);
        let counters = if day < AMOUNT_CHANGE_DAY {
            &mut minutes.ob_before
        } else {
            &mut minutes.ob_from
        };
        for (overlap, class) in segment_overlaps(from, to).into_iter().zip(profile.ob) {
            if let Some(counter) = counters.get_mut(class as usize) {
                *counter += overlap;
            }
        }
    });
}

fn qualified_minutes(table: &YearTable, shift: &Shift) -> i64 {
    let mut qualified = 0;
    for_each_day(shift, |day, from, to| {
        let profile = table.profile(day);
        for (overlap, is_qualified) in segment_overlaps(from, to)
            .into_iter()
            .zip(profile.qualified)
        {
            qualified += overlap * i64::from(is_qualified);
        }
    });
    qualified
}

/// `round2(minutes / 60)` in hundredths: minutes * 100 / 60 = minutes * 5 / 3.
fn hours(minutes: i64) -> i64 {
    round_div(i128::from(minutes) * 5, 3)
}

/// `numerator / denominator` rounded half away from zero. Only records
/// outside the parser's bounds reach the edges: a value beyond `i64`
/// saturates, and a denominator that is not positive (a rate of zero) gives 0.
fn round_div(numerator: i128, denominator: i128) -> i64 {
    if denominator <= 0 {
        return 0;
    }
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    let rounded = if 2 * remainder.abs() >= denominator {
        quotient + numerator.signum()
    } else {
        quotient
    };
    i64::try_from(rounded).unwrap_or(if rounded < 0 { i64::MIN } else { i64::MAX })
}

/// The CSV header, without its line end.
pub const CSV_HEADER: &str = "id,ob_enkel_hours,ob_kval_hours,ob_storhelg_hours,ob_pay,\
overtime_simple_hours,overtime_qualified_hours,overtime_pay,mertid_hours,mertid_pay,\
overtime_month_violation,overtime_year_violation,holidays_in_period";

/// Hundredths written with exactly two decimals: `0.00`, `-0.05`, `1234.57`.
struct Hundredths(i64);

impl std::fmt::Display for Hundredths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", magnitude / 100, magnitude % 100)
    }
}

/// One output row, ending in `\n`.
pub fn write_csv_row(out: &mut impl Write, o: &Output) -> io::Result<()> {
    writeln!(
        out,
        "{},{},{},{},{},{},{},{},{},{},{},{},{}",
        o.id,
        Hundredths(o.ob_enkel_hours),
        Hundredths(o.ob_kval_hours),
        Hundredths(o.ob_storhelg_hours),
        Hundredths(o.ob_pay),
        Hundredths(o.overtime_simple_hours),
        Hundredths(o.overtime_qualified_hours),
        Hundredths(o.overtime_pay),
        Hundredths(o.mertid_hours),
        Hundredths(o.mertid_pay),
        o.overtime_month_violation,
        o.overtime_year_violation,
        o.holidays_in_period,
    )
}
