//! Calendar arithmetic emitted as Cranelift IR, inline where it is used.
//!
//! Dates are `i64` day numbers counted from 0001-01-01 = 1 (chrono's
//! `num_days_from_ce`). The conversions between day numbers and
//! year/month/day are Neri and Schneider's for the proleptic Gregorian
//! calendar (years starting in March so the leap day is last), on years
//! shifted by whole 400-year eras so that all arithmetic is unsigned:
//! every division is by a positive constant, so nothing traps on any input,
//! and garbage in gives garbage out that a range flag rejects.
//!
//! The rules are `eval/calendar.rs`'s: `date + n months` is one step
//! clamped to the month's end, and a result outside chrono's calendar
//! (years −262143 to 262142) is invalid (the interpreter's E0504).
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
/// is 306, and 0001-01-01 is day 1.
const SHIFT: i64 = 305;
const DAYS_PER_ERA: i64 = 146_097;
/// 400-year eras added to every year, so that every year of the calendar
/// (from −262 144) is positive and all arithmetic can be unsigned: an
/// unsigned division by a constant is a multiply and a shift, with none of
/// the sign corrections a signed one needs.
const ERAS: i64 = 656;
const YEAR_SHIFT: i64 = ERAS * 400;
/// `n`, the days since 0000-03-01 of the shifted calendar, is `day + DAY_SHIFT`.
const DAY_SHIFT: i64 = SHIFT + ERAS * DAYS_PER_ERA;

/// A date split into parts (all `I64`).
pub struct Civil {
    pub year: Value,
    pub month: Value,
    pub day: Value,
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
    let shifted = b.ins().iadd_imm_s(year, YEAR_SHIFT);
    days_from_shifted(b, shifted, month, day)
}

/// [`days_from_civil`] of a shifted year (`year + YEAR_SHIFT`, positive).
/// Neri and Schneider's rata die ("Euclidean affine functions and their
/// application to calendar algorithms", 2022): years start in March, so
/// the leap day is the last day of the year.
fn days_from_shifted(b: &mut FunctionBuilder, year: Value, month: Value, day: Value) -> Value {
    let early = b.ins().icmp_imm_s(IntCC::SignedLessThanOrEqual, month, 2);
    let early = b.ins().uextend(types::I64, early);
    let y = b.ins().isub(year, early);
    // January and February are months 13 and 14 of the year before.
    let twelve = b.ins().imul_imm_s(early, 12);
    let m = b.ins().iadd(month, twelve);
    let century = b.ins().udiv_imm_u(y, 100);
    // Days before the year: 365·y + y/4 − y/100 + y/400.
    let quarter_days = b.ins().imul_imm_s(y, 1461);
    let year_days = b.ins().ushr_imm_u(quarter_days, 2);
    let year_days = b.ins().isub(year_days, century);
    let quads = b.ins().ushr_imm_u(century, 2);
    let year_days = b.ins().iadd(year_days, quads);
    // Days before the month, counted from March: (979·m − 2919) / 32.
    let t = b.ins().imul_imm_s(m, 979);
    let t = b.ins().iadd_imm_s(t, -2919);
    let month_days = b.ins().ushr_imm_u(t, 5);
    let n = b.ins().iadd(year_days, month_days);
    let n = b.ins().iadd(n, day);
    b.ins().iadd_imm_s(n, -1 - DAY_SHIFT)
}

/// Year, month and day of a day number.
pub fn civil_from_days(b: &mut FunctionBuilder, day_number: Value) -> Civil {
    let shifted = civil_shifted(b, day_number);
    Civil {
        year: b.ins().iadd_imm_s(shifted.year, -YEAR_SHIFT),
        ..shifted
    }
}

/// Year (shifted), month and day of a day number on the calendar, by
/// Neri and Schneider's algorithm: three divisions by constants.
fn civil_shifted(b: &mut FunctionBuilder, day_number: Value) -> Civil {
    let n = b.ins().iadd_imm_s(day_number, DAY_SHIFT);
    // Century and day of the century.
    let n1 = b.ins().ishl_imm_u(n, 2);
    let n1 = b.ins().iadd_imm_s(n1, 3);
    let century = b.ins().udiv_imm_u(n1, DAYS_PER_ERA);
    let whole = b.ins().imul_imm_s(century, DAYS_PER_ERA);
    let rest = b.ins().isub(n1, whole);
    let day_of_century = b.ins().ushr_imm_u(rest, 2);
    // Year of the century and day of the year, from one product.
    let n2 = b.ins().ishl_imm_u(day_of_century, 2);
    let n2 = b.ins().iadd_imm_s(n2, 3);
    let p2 = b.ins().imul_imm_s(n2, 2_939_745);
    let year_of_century = b.ins().ushr_imm_u(p2, 32);
    let low = b.ins().band_imm_u(p2, 0xFFFF_FFFF);
    let day_of_year = b.ins().udiv_imm_u(low, 11_758_980);
    let hundreds = b.ins().imul_imm_s(century, 100);
    let year = b.ins().iadd(hundreds, year_of_century);
    // Month (March = 3 … February = 14) and day, from one product.
    let n3 = b.ins().imul_imm_s(day_of_year, 2141);
    let n3 = b.ins().iadd_imm_s(n3, 197_913);
    let month = b.ins().ushr_imm_u(n3, 16);
    let low = b.ins().band_imm_u(n3, 0xFFFF);
    let day = b.ins().udiv_imm_u(low, 2141);
    let day = b.ins().iadd_imm_s(day, 1);
    let january = b
        .ins()
        .icmp_imm_u(IntCC::UnsignedGreaterThanOrEqual, day_of_year, 306);
    let next = b.ins().uextend(types::I64, january);
    let year = b.ins().iadd(year, next);
    let twelve = b.ins().imul_imm_s(next, 12);
    let month = b.ins().isub(month, twelve);
    Civil { year, month, day }
}

/// 1 when the shifted `year` is a leap year (the shift is whole eras, so
/// it is a leap year exactly when the real year is).
fn is_leap(b: &mut FunctionBuilder, year: Value) -> Value {
    // Divisible by 4 and not by 100, or by 400: by 4 and (not by 25, or by 16).
    let low = b.ins().band_imm_u(year, 3);
    let by4 = b.ins().icmp_imm_s(IntCC::Equal, low, 0);
    let by25 = b.ins().urem_imm_u(year, 25);
    let not_by25 = b.ins().icmp_imm_s(IntCC::NotEqual, by25, 0);
    let low = b.ins().band_imm_u(year, 15);
    let by16 = b.ins().icmp_imm_s(IntCC::Equal, low, 0);
    let either = b.ins().bor(not_by25, by16);
    b.ins().band(by4, either)
}

/// Days in `month` (1–12) of `year`.
pub fn days_in_month(b: &mut FunctionBuilder, year: Value, month: Value) -> Value {
    let shifted = b.ins().iadd_imm_s(year, YEAR_SHIFT);
    days_in_month_shifted(b, shifted, month)
}

fn days_in_month_shifted(b: &mut FunctionBuilder, year: Value, month: Value) -> Value {
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
/// and whether the result is off the calendar. `day` must be on the
/// calendar (every date the compiled code holds is: inputs are checked,
/// and each operation that leaves the calendar ends the record).
pub fn add_months(b: &mut FunctionBuilder, day: Value, n: Value, subtract: bool) -> (Value, Value) {
    let civil = civil_shifted(b, day);
    let months = b.ins().imul_imm_s(civil.year, 12);
    let months = b.ins().iadd(months, civil.month);
    let months = b.ins().iadd_imm_s(months, -1);
    let (months, overflow) = if subtract {
        b.ins().ssub_overflow(months, n)
    } else {
        b.ins().sadd_overflow(months, n)
    };
    // The result's year must be a year of the calendar; then `months` is
    // positive and the division below unsigned.
    let first = (min_year() + YEAR_SHIFT) * 12;
    let last = (max_year() + YEAR_SHIFT) * 12 + 11;
    let in_range = between(b, months, first, last);
    let year = b.ins().udiv_imm_u(months, 12);
    let whole_years = b.ins().imul_imm_s(year, 12);
    let month = b.ins().isub(months, whole_years);
    let month = b.ins().iadd_imm_s(month, 1);
    let length = days_in_month_shifted(b, year, month);
    let clamped = b.ins().smin(civil.day, length);
    let moved = days_from_shifted(b, year, month, clamped);
    let off = b.ins().bxor_imm_u(in_range, 1);
    (moved, b.ins().bor(overflow, off))
}

/// `date(year, month, day)`, and whether those name no day.
pub fn make_date(b: &mut FunctionBuilder, year: Value, month: Value, day: Value) -> (Value, Value) {
    let year_ok = between(b, year, min_year(), max_year());
    let month_ok = between(b, month, 1, 12);
    // A bad year or month gives garbage (never a trap); it is rejected.
    let shifted = b.ins().iadd_imm_s(year, YEAR_SHIFT);
    let length = days_in_month_shifted(b, shifted, month);
    let positive = b.ins().icmp_imm_s(IntCC::SignedGreaterThanOrEqual, day, 1);
    let short = b.ins().icmp(IntCC::SignedLessThanOrEqual, day, length);
    let ok = b.ins().band(year_ok, month_ok);
    let ok = b.ins().band(ok, positive);
    let ok = b.ins().band(ok, short);
    let result = days_from_shifted(b, shifted, month, day);
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
    let civil = civil_shifted(b, day);
    match part {
        Part::Year => b.ins().iadd_imm_s(civil.year, -YEAR_SHIFT),
        Part::Month => civil.month,
        Part::Day => civil.day,
        Part::DaysInMonth => days_in_month_shifted(b, civil.year, civil.month),
    }
}
