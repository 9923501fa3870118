//! Reading one CSV cell into a [`Value`] of a known type: numbers through
//! [`parse_decimal`], ISO dates, booleans, enum variants by exact name and
//! text as is, with a suggested fix where one is clear.
//!
//! Only scalars fit a cell: records and lists are refused here and read as
//! JSON in `json.rs`. Nothing here writes values.

use std::sync::Arc;

use chrono::NaiveDate;

use super::format::write_date;
use super::problems::shorten;
use super::{CellError, DataType, Found, Hint, Kind, Problem, parse_decimal};
use crate::eval::{Number, Value};

impl DataType {
    /// Read one CSV cell.
    pub fn parse_text(&self, text: &str) -> Result<Value, Box<CellError>> {
        if let Kind::Text = self.kind {
            return Ok(Value::Text(Arc::from(text)));
        }
        let trimmed = text.trim_matches(|c: char| c.is_ascii_whitespace());
        let found = || {
            if trimmed.is_empty() {
                Found::Empty
            } else {
                Found::Text(shorten(text))
            }
        };
        self.parse_trimmed(trimmed)
            .map_err(|problem| Box::new(self.error(problem, found())))
    }

    /// A number read from data in its canonical form: money, percent and
    /// hours always at scale 2 (`30000` is read as `30000.00`), so that
    /// every stored value of these types has its type's storage scale and
    /// a compiled back end can fix scales at compile time. Exact: the cell
    /// was already checked to have at most 2 decimals.
    fn canonical(&self, d: rust_decimal::Decimal) -> Result<Number, Problem> {
        let number = Number::from_decimal(d);
        match self.kind {
            Kind::Money | Kind::Percent | Kind::Hours | Kind::Rate => number
                .to_decimal_at_scale(2)
                .map(Number::from_decimal)
                .map_err(|_| Problem::OutOfRange),
            _ => Ok(number),
        }
    }

    /// Read a trimmed scalar; the caller adds what was found.
    pub(super) fn parse_trimmed(&self, text: &str) -> Result<Value, Problem> {
        match &self.kind {
            Kind::Int
            | Kind::Days
            | Kind::Months
            | Kind::Decimal
            | Kind::Money
            | Kind::Percent
            | Kind::Hours
            | Kind::Rate => {
                let d = parse_decimal(text, self.max_scale())?;
                Ok(Value::Number(self.canonical(d)?))
            }
            Kind::Date => parse_date(text).map(Value::Date),
            Kind::Time => crate::clock::parse_time(text)
                .map(Value::Time)
                .ok_or(Problem::Malformed(Hint::TimeFormat)),
            Kind::Timestamp => parse_timestamp(text),
            Kind::Bool => parse_bool(text)
                .map(Value::Bool)
                .ok_or(Problem::Malformed(Hint::None)),
            Kind::Text => Ok(Value::Text(Arc::from(text))),
            Kind::Enum { variants, .. } => match variants.iter().position(|v| v == text) {
                Some(index) => Ok(Value::Variant(u32::try_from(index).unwrap_or(u32::MAX))),
                None => Err(Problem::UnknownVariant {
                    suggestion: suggest_variant(variants, text),
                }),
            },
            Kind::Record { .. } | Kind::List(_) | Kind::Unsupported(_) => Err(Problem::NotInCell),
        }
    }
}

/// `YYYY-MM-DDTHH:MM` (or a space for the `T`): a well-formed text whose
/// date or time does not exist is "no such day" or a malformed time.
fn parse_timestamp(text: &str) -> Result<Value, Problem> {
    if let Some(stamp) = crate::clock::parse_timestamp(text) {
        return Ok(Value::Timestamp(stamp));
    }
    match text.split_once(['T', ' ']) {
        Some((date, time)) if date.len() == 10 && time.len() == 5 => {
            parse_date(date)?;
            Err(Problem::Malformed(Hint::TimeFormat))
        }
        _ => Err(Problem::Malformed(Hint::TimestampFormat)),
    }
}

/// `YYYY-MM-DD`, exactly: years 0000 to 9999, the dates the writer writes
/// (`format::in_data_files`; it refuses the others).
fn parse_date(text: &str) -> Result<NaiveDate, Problem> {
    let b = text.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(Problem::Malformed(Hint::DateFormat(suggest_date(text))));
    }
    let number = |range: std::ops::Range<usize>| -> u32 {
        b.get(range)
            .unwrap_or(&[])
            .iter()
            .fold(0u32, |acc, c| acc * 10 + u32::from(c - b'0'))
    };
    let year = i32::try_from(number(0..4)).unwrap_or(0);
    NaiveDate::from_ymd_opt(year, number(5..7), number(8..10)).ok_or(Problem::NoSuchDay)
}

/// A corrected date for the common other forms: `31.01.2026`, `31/1/2026`,
/// `2026/01/31`, `2026-1-31`, `20260131`.
fn suggest_date(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
    let numbers: Option<Vec<u32>> = parts.iter().map(|p| p.parse::<u32>().ok()).collect();
    let (year, month, day) = match (parts.as_slice(), numbers.as_deref()) {
        ([y, _, _], Some(&[yv, m, d])) if y.len() == 4 => (yv, m, d),
        ([_, _, y], Some(&[d, m, yv])) if y.len() == 4 => (yv, m, d),
        ([whole], Some(&[_])) if whole.len() == 8 => {
            let y = whole.get(0..4)?.parse().ok()?;
            let m = whole.get(4..6)?.parse().ok()?;
            let d = whole.get(6..8)?.parse().ok()?;
            (y, m, d)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let mut out = String::new();
    write_date(date, &mut out).ok()?;
    Some(out)
}

fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") || text == "1" {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") || text == "0" {
        Some(false)
    } else {
        None
    }
}

/// A variant that differs only in letter case or separators.
fn suggest_variant(variants: &[String], text: &str) -> Option<String> {
    let simple = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let wanted = simple(text);
    if wanted.is_empty() {
        return None;
    }
    variants.iter().find(|v| simple(v) == wanted).cloned()
}
