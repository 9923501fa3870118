//! Calendar arithmetic emitted as Cranelift IR, inline where it is used.
//!
//! Dates are `i64` day numbers counted from 0001-01-01 = 1 (chrono's
//! `num_days_from_ce`). The conversions between day numbers and
//! year/month/day are the classic era-based algorithms for the proleptic
//! Gregorian calendar (400-year eras of 146 097 days, years starting in
//! March so the leap day is last), written here from their arithmetic:
//! every division is by a positive constant, so nothing traps on any input,
//! and garbage in gives garbage out that a range flag rejects.
//!
//! The rules are `eval/calendar.rs`'s: `date + n months` is one step
//! clamped to the month's end, and a result outside chrono's calendar
//! (years −262144 to 262143) is invalid (the interpreter's E0504).
//! Emitting the code instead of calling Rust helpers lets the JIT and the
//! ahead-of-time library share it: a shared library built from the object
//! file cannot call back into the `avtal` binary. `codegen/tests.rs`
//! compares every function here with chrono over a wide range.
//!
//! Each function returns an `I64` value and, where the operation can fail,
//! an `I8` flag that is 1 when the result is off the calendar.

use chrono::{Datelike, NaiveDate};
use cranelift_codegen::ir::{InstBuilder, Value, condcodes::IntCC, types};
use cranelift_frontend::FunctionBuilder;

/// Day number of the first date of the calendar (chrono's `NaiveDate::MIN`).
pub fn min_day() -> i64 {
    i64::from(NaiveDate::MIN.num_days_from_ce())
}

/// Day number of the last date of the calendar (chrono's `NaiveDate::MAX`).
pub fn max_day() -> i64 {
    i64::from(NaiveDate::MAX.num_days_from_ce())
}

fn min_year() -> i64 {
    i64::from(NaiveDate::MIN.year())
}

fn max_year() -> i64 {
    i64::from(NaiveDate::MAX.year())
}

/// Days from 0000-03-01 (the start of the algorithm's era 0) to 0001-01-01
/// is 306, and 0001-01-01 is day 1, so `shifted = day + 305`.
const SHIFT: i64 = 305;
const DAYS_PER_ERA: i64 = 146_097;

/// A date split into parts (all `I64`).
pub struct Civil {
    pub year: Value,
    pub month: Value,
    pub day: Value,
}

/// `⌊x / k⌋` for a constant `k > 0`.
fn floor_div(b: &mut FunctionBuilder, x: Value, k: i64) -> Value {
    let q = b.ins().sdiv_imm_s(x, k);
    let back = b.ins().imul_imm_s(q, k);
    let r = b.ins().isub(x, back);
    let negative = b.ins().icmp_imm_s(IntCC::SignedLessThan, r, 0);
    let negative = b.ins().uextend(types::I64, negative);
    b.ins().isub(q, negative)
}

/// 1 when `low ≤ x ≤ high`.
fn between(b: &mut FunctionBuilder, x: Value, low: i64, high: i64) -> Value {
    let above = b.ins().icmp_imm_s(IntCC::SignedGreaterThanOrEqual, x, low);
    let below = b.ins().icmp_imm_s(IntCC::SignedLessThanOrEqual, x, high);
    b.ins().band(above, below)
}

/// 1 when `day` is a date of the calendar.
pub fn on_calendar(b: &mut FunctionBuilder, day: Value) -> Value {
    between(b, day, min_day(), max_day())
}

/// The day number of `year-month-day`, for a valid month (1–12); the day
/// may be anything, which simply counts on from the month's first.
pub fn days_from_civil(b: &mut FunctionBuilder, year: Value, month: Value, day: Value) -> Value {
    // Years start in March: January and February belong to the year before.
    let early = b.ins().icmp_imm_s(IntCC::SignedLessThanOrEqual, month, 2);
    let early = b.ins().uextend(types::I64, early);
    let y = b.ins().isub(year, early);
    let era = floor_div(b, y, 400);
    let era_start = b.ins().imul_imm_s(era, 400);
    let year_of_era = b.ins().isub(y, era_start);
    // Month from March = 0 to February = 11.
    let from_march = b.ins().iadd_imm_s(month, -3);
    let after_new_year = b.ins().iadd_imm_s(month, 9);
    let late = b.ins().icmp_imm_s(IntCC::SignedGreaterThan, month, 2);
    let shifted_month = b.ins().select(late, from_march, after_new_year);
    // Days before the month in a March-based year: (153·m + 2) / 5.
    let t = b.ins().imul_imm_s(shifted_month, 153);
    let t = b.ins().iadd_imm_s(t, 2);
    let month_start = b.ins().sdiv_imm_s(t, 5);
    let day_of_year = b.ins().iadd(month_start, day);
    let day_of_year = b.ins().iadd_imm_s(day_of_year, -1);
    // 365 days a year, plus a leap day every 4 years but not every 100.
    let plain = b.ins().imul_imm_s(year_of_era, 365);
    let fourth = b.ins().sdiv_imm_s(year_of_era, 4);
    let hundredth = b.ins().sdiv_imm_s(year_of_era, 100);
    let day_of_era = b.ins().iadd(plain, fourth);
    let day_of_era = b.ins().isub(day_of_era, hundredth);
    let day_of_era = b.ins().iadd(day_of_era, day_of_year);
    let eras = b.ins().imul_imm_s(era, DAYS_PER_ERA);
    let shifted = b.ins().iadd(eras, day_of_era);
    b.ins().iadd_imm_s(shifted, -SHIFT)
}

/// Year, month and day of a day number.
pub fn civil_from_days(b: &mut FunctionBuilder, day_number: Value) -> Civil {
    let shifted = b.ins().iadd_imm_s(day_number, SHIFT);
    let era = floor_div(b, shifted, DAYS_PER_ERA);
    let eras = b.ins().imul_imm_s(era, DAYS_PER_ERA);
    let day_of_era = b.ins().isub(shifted, eras);
    // year_of_era = (doe − doe/1460 + doe/36524 − doe/146096) / 365
    let a = b.ins().sdiv_imm_s(day_of_era, 1460);
    let c = b.ins().sdiv_imm_s(day_of_era, 36_524);
    let e = b.ins().sdiv_imm_s(day_of_era, 146_096);
    let t = b.ins().isub(day_of_era, a);
    let t = b.ins().iadd(t, c);
    let t = b.ins().isub(t, e);
    let year_of_era = b.ins().sdiv_imm_s(t, 365);
    let era_years = b.ins().imul_imm_s(era, 400);
    let year = b.ins().iadd(year_of_era, era_years);
    let plain = b.ins().imul_imm_s(year_of_era, 365);
    let fourth = b.ins().sdiv_imm_s(year_of_era, 4);
    let hundredth = b.ins().sdiv_imm_s(year_of_era, 100);
    let year_start = b.ins().iadd(plain, fourth);
    let year_start = b.ins().isub(year_start, hundredth);
    let day_of_year = b.ins().isub(day_of_era, year_start);
    // March-based month: (5·doy + 2) / 153.
    let t = b.ins().imul_imm_s(day_of_year, 5);
    let t = b.ins().iadd_imm_s(t, 2);
    let shifted_month = b.ins().sdiv_imm_s(t, 153);
    let t = b.ins().imul_imm_s(shifted_month, 153);
    let t = b.ins().iadd_imm_s(t, 2);
    let month_start = b.ins().sdiv_imm_s(t, 5);
    let day = b.ins().isub(day_of_year, month_start);
    let day = b.ins().iadd_imm_s(day, 1);
    let spring = b.ins().icmp_imm_s(IntCC::SignedLessThan, shifted_month, 10);
    let from_march = b.ins().iadd_imm_s(shifted_month, 3);
    let after_new_year = b.ins().iadd_imm_s(shifted_month, -9);
    let month = b.ins().select(spring, from_march, after_new_year);
    let early = b.ins().icmp_imm_s(IntCC::SignedLessThanOrEqual, month, 2);
    let early = b.ins().uextend(types::I64, early);
    let year = b.ins().iadd(year, early);
    Civil { year, month, day }
}

/// 1 when `year` is a leap year of the Gregorian calendar.
fn is_leap(b: &mut FunctionBuilder, year: Value) -> Value {
    let by4 = b.ins().srem_imm_s(year, 4);
    let by4 = b.ins().icmp_imm_s(IntCC::Equal, by4, 0);
    let by100 = b.ins().srem_imm_s(year, 100);
    let by100 = b.ins().icmp_imm_s(IntCC::NotEqual, by100, 0);
    let by400 = b.ins().srem_imm_s(year, 400);
    let by400 = b.ins().icmp_imm_s(IntCC::Equal, by400, 0);
    let common = b.ins().band(by4, by100);
    b.ins().bor(common, by400)
}

/// Days in `month` (1–12) of `year`.
pub fn days_in_month(b: &mut FunctionBuilder, year: Value, month: Value) -> Value {
    // 31 for odd months up to July and even months from August: 30 plus
    // the low bit of `month + month / 8`.
    let eighth = b.ins().sshr_imm_s(month, 3);
    let t = b.ins().iadd(month, eighth);
    let t = b.ins().band_imm_s(t, 1);
    let long = b.ins().iadd_imm_s(t, 30);
    let leap = is_leap(b, year);
    let leap = b.ins().uextend(types::I64, leap);
    let february = b.ins().iadd_imm_s(leap, 28);
    let is_february = b.ins().icmp_imm_s(IntCC::Equal, month, 2);
    b.ins().select(is_february, february, long)
}

/// `day ± n days`, and whether the result is off the calendar.
pub fn add_days(b: &mut FunctionBuilder, day: Value, n: Value, subtract: bool) -> (Value, Value) {
    let (moved, overflow) = if subtract {
        b.ins().ssub_overflow(day, n)
    } else {
        b.ins().sadd_overflow(day, n)
    };
    let on = on_calendar(b, moved);
    let off = b.ins().bxor_imm_u(on, 1);
    (moved, b.ins().bor(overflow, off))
}

/// `day ± n months` in one step, the day clamped to the new month's end,
/// and whether the result is off the calendar.
pub fn add_months(b: &mut FunctionBuilder, day: Value, n: Value, subtract: bool) -> (Value, Value) {
    let civil = civil_from_days(b, day);
    let months = b.ins().imul_imm_s(civil.year, 12);
    let months = b.ins().iadd(months, civil.month);
    let months = b.ins().iadd_imm_s(months, -1);
    let (months, overflow) = if subtract {
        b.ins().ssub_overflow(months, n)
    } else {
        b.ins().sadd_overflow(months, n)
    };
    let year = floor_div(b, months, 12);
    let whole_years = b.ins().imul_imm_s(year, 12);
    let month = b.ins().isub(months, whole_years);
    let month = b.ins().iadd_imm_s(month, 1);
    let length = days_in_month(b, year, month);
    let clamped = b.ins().smin(civil.day, length);
    let moved = days_from_civil(b, year, month, clamped);
    let in_range = between(b, year, min_year(), max_year());
    let off = b.ins().bxor_imm_u(in_range, 1);
    (moved, b.ins().bor(overflow, off))
}

/// `date(year, month, day)`, and whether those name no day.
pub fn make_date(b: &mut FunctionBuilder, year: Value, month: Value, day: Value) -> (Value, Value) {
    let year_ok = between(b, year, min_year(), max_year());
    let month_ok = between(b, month, 1, 12);
    // A bad month gets some month's length; it is rejected anyway.
    let length = days_in_month(b, year, month);
    let positive = b.ins().icmp_imm_s(IntCC::SignedGreaterThanOrEqual, day, 1);
    let short = b.ins().icmp(IntCC::SignedLessThanOrEqual, day, length);
    let ok = b.ins().band(year_ok, month_ok);
    let ok = b.ins().band(ok, positive);
    let ok = b.ins().band(ok, short);
    let result = days_from_civil(b, year, month, day);
    (result, b.ins().bxor_imm_u(ok, 1))
}

/// Which part of a date `date_part` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Year,
    Month,
    Day,
    DaysInMonth,
}

/// A part of a date on the calendar.
pub fn date_part(b: &mut FunctionBuilder, day: Value, part: Part) -> Value {
    let civil = civil_from_days(b, day);
    match part {
        Part::Year => civil.year,
        Part::Month => civil.month,
        Part::Day => civil.day,
        Part::DaysInMonth => days_in_month(b, civil.year, civil.month),
    }
}
