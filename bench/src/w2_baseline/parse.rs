//! One JSON line of the W2 population into a `Record`, refusing what the
//! W2 text says cannot occur, with an error value and never a panic.
//!
//! Numbers are read from their JSON text (`serde_json`'s `RawValue`), never
//! through a binary float: `30000.00` is 3,000,000 hundredths exactly, and a
//! value that is not a whole number of hundredths is refused. Times are
//! `YYYY-MM-DDTHH:MM` exactly. The same input is refused by
//! `bench/w2/reference.py` (with its own wording).

use std::borrow::Cow;
use std::fmt;

use chrono::NaiveDate;
use std::marker::PhantomData;

use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::calendar::{FIRST_YEAR, LAST_YEAR, MINUTES_PER_DAY, civil_date, day_number};
use super::{Kind, Record, Shift};

#[derive(Deserialize)]
struct JsonRecord<'a> {
    id: i64,
    #[serde(borrow)]
    period: Cow<'a, str>,
    #[serde(borrow)]
    salary: &'a RawValue,
    #[serde(borrow)]
    rate: &'a RawValue,
    #[serde(borrow)]
    overtime_ytd: &'a RawValue,
    #[serde(borrow)]
    shifts: Vec<JsonShift<'a>>,
}

struct JsonShift<'a> {
    start: Cow<'a, str>,
    end: Cow<'a, str>,
    kind: JsonKind,
}

/// A string, borrowed from the line unless it has escapes.
#[derive(Deserialize)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum ShiftField {
    Start,
    End,
    Kind,
    #[serde(other)]
    Other,
}

// By hand rather than derived: a derived struct also accepts a JSON array
// of its fields in order, which is not a W2 shift (the reference refuses it).
impl<'de: 'a, 'a> Deserialize<'de> for JsonShift<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ShiftVisitor(PhantomData))
    }
}

struct ShiftVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for ShiftVisitor<'a> {
    type Value = JsonShift<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a shift object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut start, mut end, mut kind) = (None, None, None);
        while let Some(field) = map.next_key()? {
            match field {
                ShiftField::Start if start.is_none() => start = Some(map.next_value::<Text>()?.0),
                ShiftField::End if end.is_none() => end = Some(map.next_value::<Text>()?.0),
                ShiftField::Kind if kind.is_none() => kind = Some(map.next_value()?),
                ShiftField::Start => return Err(de::Error::duplicate_field("start")),
                ShiftField::End => return Err(de::Error::duplicate_field("end")),
                ShiftField::Kind => return Err(de::Error::duplicate_field("kind")),
                ShiftField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(JsonShift {
            start: start.ok_or_else(|| de::Error::missing_field("start"))?,
            end: end.ok_or_else(|| de::Error::missing_field("end"))?,
            kind: kind.ok_or_else(|| de::Error::missing_field("kind"))?,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum JsonKind {
    Ordinary,
    Overtime,
    Mertid,
}

/// A field of the input, for error messages; shifts are counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Period,
    Salary,
    Rate,
    OvertimeYtd,
    ShiftStart(usize),
    ShiftEnd(usize),
}

/// Why a line is not a W2 record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Not JSON, or not an object of the W2 shape (serde_json's message).
    Json(String),
    NotANumber(Field),
    MoreThanTwoDecimals(Field),
    /// Negative, or 10^13 or more.
    OutOfRange(Field),
    ZeroRate,
    BadTime {
        field: Field,
        text: String,
    },
    PeriodNotFirstOfMonth,
    PeriodOutsideYears(i64),
    ShiftNotAfterStart(usize),
    ShiftLongerThanADay(usize),
    ShiftOutsideMonth(usize),
    ShiftsOverlap,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Period => write!(f, "period"),
            Field::Salary => write!(f, "salary"),
            Field::Rate => write!(f, "rate"),
            Field::OvertimeYtd => write!(f, "overtime_ytd"),
            Field::ShiftStart(i) => write!(f, "shift {i} start"),
            Field::ShiftEnd(i) => write!(f, "shift {i} end"),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Json(message) => write!(f, "{message}"),
            ParseError::NotANumber(field) => write!(f, "{field}: expected a number"),
            ParseError::MoreThanTwoDecimals(field) => write!(f, "{field}: more than two decimals"),
            ParseError::OutOfRange(field) => write!(f, "{field}: out of range"),
            ParseError::ZeroRate => write!(f, "rate: must be above zero"),
            ParseError::BadTime { field, text } => write!(f, "{field}: not a valid time `{text}`"),
            ParseError::PeriodNotFirstOfMonth => {
                write!(f, "period: expected the first day of a month")
            }
            ParseError::PeriodOutsideYears(year) => {
                write!(f, "period: year {year} outside {FIRST_YEAR}..{LAST_YEAR}")
            }
            ParseError::ShiftNotAfterStart(i) => write!(f, "shift {i}: must end after it starts"),
            ParseError::ShiftLongerThanADay(i) => write!(f, "shift {i}: longer than 24 hours"),
            ParseError::ShiftOutsideMonth(i) => {
                write!(f, "shift {i}: starts outside the period's month")
            }
            ParseError::ShiftsOverlap => write!(f, "shifts overlap"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Hundredths must stay below this (values below 10^13), which keeps every
/// product of the evaluator well inside `i128`.
const HUNDREDTHS_LIMIT: i64 = 1_000_000_000_000_000;

/// One JSON line (without its line end) into a record.
pub fn parse_record(line: &str) -> Result<Record, ParseError> {
    // A derived struct also accepts an array of its fields in order.
    if !line.trim_start().starts_with('{') {
        return Err(ParseError::Json("expected a JSON object".to_string()));
    }
    let json: JsonRecord<'_> =
        serde_json::from_str(line).map_err(|e| ParseError::Json(e.to_string()))?;
    let (year, month, day) = parse_date(&json.period).ok_or_else(|| ParseError::BadTime {
        field: Field::Period,
        text: json.period.to_string(),
    })?;
    if day != 1 {
        return Err(ParseError::PeriodNotFirstOfMonth);
    }
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(ParseError::PeriodOutsideYears(year));
    }
    let period = i32::try_from(year)
        .ok()
        .zip(u32::try_from(month).ok())
        .and_then(|(y, m)| NaiveDate::from_ymd_opt(y, m, 1))
        .ok_or(ParseError::PeriodOutsideYears(year))?;
    let salary_cents = hundredths(json.salary, Field::Salary)?;
    let rate_hundredths = hundredths(json.rate, Field::Rate)?;
    if rate_hundredths == 0 {
        return Err(ParseError::ZeroRate);
    }
    let overtime_ytd_cents = hundredths(json.overtime_ytd, Field::OvertimeYtd)?;

    let month_start = day_number(year, month, 1) * MINUTES_PER_DAY;
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let month_end = day_number(next_year, next_month, 1) * MINUTES_PER_DAY;
    let mut shifts = Vec::with_capacity(json.shifts.len());
    for (i, s) in (1..).zip(&json.shifts) {
        let start = parse_minute(&s.start, Field::ShiftStart(i))?;
        let end = parse_minute(&s.end, Field::ShiftEnd(i))?;
        if start >= end {
            return Err(ParseError::ShiftNotAfterStart(i));
        }
        if end - start > MINUTES_PER_DAY {
            return Err(ParseError::ShiftLongerThanADay(i));
        }
        if !(month_start..month_end).contains(&start) {
            return Err(ParseError::ShiftOutsideMonth(i));
        }
        let kind = match s.kind {
            JsonKind::Ordinary => Kind::Ordinary,
            JsonKind::Overtime => Kind::Overtime,
            JsonKind::Mertid => Kind::Mertid,
        };
        shifts.push(Shift { start, end, kind });
    }
    let mut ordered: Vec<(i64, i64)> = shifts.iter().map(|s| (s.start, s.end)).collect();
    ordered.sort_unstable();
    // Shifts that touch (one ends where the next starts) do not overlap.
    if ordered
        .windows(2)
        .any(|pair| matches!(pair, [a, b] if b.0 < a.1))
    {
        return Err(ParseError::ShiftsOverlap);
    }
    Ok(Record {
        id: json.id,
        period,
        salary_cents,
        rate_hundredths,
        overtime_ytd_cents,
        shifts,
    })
}

/// The exact value of a JSON number, in hundredths.
fn hundredths(raw: &RawValue, field: Field) -> Result<i64, ParseError> {
    let text = raw.get().trim().as_bytes();
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let exponent_at = text.iter().position(|&b| b == b'e' || b == b'E');
    let (mantissa, exponent) = match exponent_at {
        Some(at) => (text.get(..at).unwrap_or_default(), text.get(at + 1..)),
        None => (text, None),
    };
    let (integer, fraction) = match mantissa.iter().position(|&b| b == b'.') {
        Some(at) => (
            mantissa.get(..at).unwrap_or_default(),
            mantissa.get(at + 1..),
        ),
        None => (mantissa, None),
    };
    let all_digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    if !all_digits(integer) || fraction.is_some_and(|f| !all_digits(f)) {
        return Err(ParseError::NotANumber(field));
    }
    let fraction = fraction.unwrap_or_default();
    let exponent = match exponent {
        None => 0,
        Some(e) => parse_exponent(e).ok_or(ParseError::NotANumber(field))?,
    };
    // value = digits * 10^(exponent - fraction digits); hundredths = digits * 10^power.
    let digits: Vec<u8> = integer
        .iter()
        .chain(fraction)
        .copied()
        .skip_while(|&b| b == b'0')
        .collect();
    let trailing_zeros = digits.iter().rev().take_while(|&&b| b == b'0').count();
    let significant = digits
        .get(..digits.len() - trailing_zeros)
        .unwrap_or_default();
    if significant.is_empty() {
        return Ok(0);
    }
    let fraction_digits = i64::try_from(fraction.len()).unwrap_or(i64::MAX);
    let power = exponent
        .saturating_sub(fraction_digits)
        .saturating_add(2)
        .saturating_add(i64::try_from(trailing_zeros).unwrap_or(i64::MAX));
    if power < 0 {
        return Err(ParseError::MoreThanTwoDecimals(field));
    }
    // At most 15 digits in all keeps the value below 10^15 hundredths.
    let length = i64::try_from(significant.len()).unwrap_or(i64::MAX);
    if negative || length.saturating_add(power) > 15 {
        return Err(ParseError::OutOfRange(field));
    }
    let mut value: i64 = 0;
    for &b in significant {
        value = value * 10 + i64::from(b - b'0');
    }
    for _ in 0..power {
        value *= 10;
    }
    debug_assert!(value < HUNDREDTHS_LIMIT);
    Ok(value)
}

/// A JSON exponent (`+7`, `-12`, `3`), saturating far beyond any value
/// that matters.
fn parse_exponent(text: &[u8]) -> Option<i64> {
    let (sign, digits) = match text.split_first() {
        Some((b'-', rest)) => (-1, rest),
        Some((b'+', rest)) => (1, rest),
        _ => (1, text),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let magnitude = digits.iter().fold(0i64, |n, &b| {
        n.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    Some(sign * magnitude.min(1_000_000_000))
}

fn digit_value(b: u8) -> Option<i64> {
    b.is_ascii_digit().then(|| i64::from(b - b'0'))
}

fn number(digits: &[u8]) -> Option<i64> {
    digits
        .iter()
        .try_fold(0, |n, &b| Some(n * 10 + digit_value(b)?))
}

/// `YYYY-MM-DD`, a real date of year 1 or later.
fn parse_date(text: &str) -> Option<(i64, i64, i64)> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *text.as_bytes() else {
        return None;
    };
    let (year, month, day) = (
        number(&[y0, y1, y2, y3])?,
        number(&[m0, m1])?,
        number(&[d0, d1])?,
    );
    let real = year >= 1
        && (1..=12).contains(&month)
        && day >= 1
        && civil_date(day_number(year, month, day)) == (year, month, day);
    real.then_some((year, month, day))
}

/// `YYYY-MM-DDTHH:MM` as minutes since 0001-01-01T00:00.
fn parse_minute(text: &str, field: Field) -> Result<i64, ParseError> {
    let bad = || ParseError::BadTime {
        field,
        text: text.to_string(),
    };
    let (date, time) = text.split_at_checked(10).ok_or_else(bad)?;
    let (year, month, day) = parse_date(date).ok_or_else(bad)?;
    let [b'T', h0, h1, b':', n0, n1] = *time.as_bytes() else {
        return Err(bad());
    };
    let (hour, minute) = (
        number(&[h0, h1]).ok_or_else(bad)?,
        number(&[n0, n1]).ok_or_else(bad)?,
    );
    if hour > 23 || minute > 59 {
        return Err(bad());
    }
    Ok(day_number(year, month, day) * MINUTES_PER_DAY + hour * 60 + minute)
}
