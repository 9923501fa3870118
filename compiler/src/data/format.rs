//! Writing a [`Value`] as cell text or JSON text, exactly: money,
//! percent and hours with 2 decimals, whole numbers without, decimals as
//! they are, dates as ISO text; never `-0.00`. A value that does not fit
//! its type is an error, never rounded.
//!
//! Reading is in `cells.rs` and `json.rs`.

use std::fmt::{self, Write as _};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::problems::{dotted, join_path};
use super::{CellError, DataType, Found, Kind, Problem};
use crate::eval::{Number, NumberError, Value};

impl DataType {
    /// Write a scalar as cell text (lists and records as JSON text).
    pub fn write_cell(&self, value: &Value, out: &mut String) -> Result<(), Box<CellError>> {
        match (&self.kind, value) {
            (Kind::Text, Value::Text(text)) => {
                out.push_str(text);
                Ok(())
            }
            (Kind::Record { .. } | Kind::List(_), _) => self.write_json(value, out),
            _ => self.write_scalar(value, out),
        }
    }

    /// Write a value as JSON text: numbers with decimals as strings, whole
    /// numbers as JSON numbers, records as objects.
    pub fn write_json(&self, value: &Value, out: &mut String) -> Result<(), Box<CellError>> {
        match (&self.kind, value) {
            (Kind::Int | Kind::Days | Kind::Months | Kind::Bool, _) => {
                self.write_scalar(value, out)
            }
            (Kind::Text, Value::Text(text)) => {
                write_json_string(text, out);
                Ok(())
            }
            (Kind::Record { fields, .. }, Value::Record(values))
                if fields.len() == values.len() =>
            {
                out.push('{');
                for (index, ((name, ty), value)) in fields.iter().zip(values.iter()).enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    write_json_string(name, out);
                    out.push(':');
                    ty.write_json(value, out).map_err(|mut e| {
                        e.path = join_path(name, &e.path);
                        e
                    })?;
                }
                out.push('}');
                Ok(())
            }
            (Kind::List(element), Value::List(values)) => {
                out.push('[');
                for (index, value) in values.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    element.write_json(value, out).map_err(|mut e| {
                        e.path = format!("[{index}]{}", dotted(&e.path));
                        e
                    })?;
                }
                out.push(']');
                Ok(())
            }
            (Kind::Record { .. } | Kind::List(_) | Kind::Unsupported(_), _) => {
                Err(Box::new(self.error(Problem::WrongValue, Found::Nothing)))
            }
            (Kind::Enum { variants, .. }, Value::Variant(index)) => {
                match variants.get(*index as usize) {
                    Some(name) => {
                        write_json_string(name, out);
                        Ok(())
                    }
                    None => Err(Box::new(self.error(Problem::WrongValue, Found::Nothing))),
                }
            }
            _ => {
                // Decimals and dates: digits, `-` and `.` need no escaping.
                out.push('"');
                self.write_scalar(value, out)?;
                out.push('"');
                Ok(())
            }
        }
    }

    fn write_scalar(&self, value: &Value, out: &mut String) -> Result<(), Box<CellError>> {
        let written = match (&self.kind, value) {
            (Kind::Money | Kind::Percent | Kind::Hours | Kind::Rate, Value::Number(n)) => {
                match n.to_decimal_at_scale(2) {
                    Ok(d) => write_decimal(d, out),
                    Err(NumberError::Overflow) => return Err(self.too_large(n)),
                    Err(_) => return Err(self.not_exact(n, Some(2))),
                }
            }
            (Kind::Int | Kind::Days | Kind::Months, Value::Number(n)) => {
                match n.to_decimal_at_scale(0) {
                    Ok(d) => write_decimal(d, out),
                    Err(NumberError::Overflow) => return Err(self.too_large(n)),
                    Err(_) => return Err(self.not_exact(n, Some(0))),
                }
            }
            (Kind::Decimal, Value::Number(n)) => match n.to_decimal() {
                Some(d) => write_decimal(d, out),
                None => return Err(self.not_exact(n, None)),
            },
            (Kind::Date, Value::Date(date)) => {
                if !in_data_files(*date) {
                    let shown = date.to_string();
                    return Err(Box::new(
                        self.error(Problem::DateBeyondFiles, Found::Value(shown)),
                    ));
                }
                write_date(*date, out)
            }
            (Kind::Time, Value::Time(time)) => {
                out.push_str(&crate::clock::format_time(*time));
                Ok(())
            }
            (Kind::Timestamp, Value::Timestamp(stamp)) => {
                if !in_data_files(stamp.date()) {
                    let shown = crate::clock::format_timestamp(*stamp);
                    return Err(Box::new(
                        self.error(Problem::DateBeyondFiles, Found::Value(shown)),
                    ));
                }
                out.push_str(&crate::clock::format_timestamp(*stamp));
                Ok(())
            }
            (Kind::Bool, Value::Bool(b)) => {
                out.push_str(if *b { "true" } else { "false" });
                Ok(())
            }
            (Kind::Text, Value::Text(text)) => {
                out.push_str(text);
                Ok(())
            }
            (Kind::Enum { variants, .. }, Value::Variant(index)) => {
                match variants.get(*index as usize) {
                    Some(name) => {
                        out.push_str(name);
                        Ok(())
                    }
                    None => return Err(Box::new(self.error(Problem::WrongValue, Found::Nothing))),
                }
            }
            _ => return Err(Box::new(self.error(Problem::WrongValue, Found::Nothing))),
        };
        written.map_err(|_| Box::new(self.error(Problem::WrongValue, Found::Nothing)))
    }

    /// Why `number` cannot be written with `allowed` decimals: it has more
    /// (or does not terminate), or it is too large for an exact decimal.
    fn not_exact(&self, number: &Number, allowed: Option<u32>) -> Box<CellError> {
        let (num, den) = number.fraction_parts();
        let (problem, shown) = match number.to_decimal() {
            Some(d) => (Problem::NotExact { allowed }, d.normalize().to_string()),
            None if den == 1 => (Problem::TooLarge, num.to_string()),
            None if terminates(den) => (Problem::TooLarge, format!("{num}/{den}")),
            None => (Problem::NotExact { allowed }, format!("{num}/{den}")),
        };
        Box::new(self.error(problem, Found::Value(shown)))
    }

    fn too_large(&self, number: &Number) -> Box<CellError> {
        let shown = match number.to_decimal() {
            Some(d) => d.normalize().to_string(),
            None => {
                let (num, den) = number.fraction_parts();
                if den == 1 {
                    num.to_string()
                } else {
                    format!("{num}/{den}")
                }
            }
        };
        Box::new(self.error(Problem::TooLarge, Found::Value(shown)))
    }
}

/// True when `1/den` has a finite decimal form (only factors 2 and 5).
fn terminates(den: i128) -> bool {
    if den <= 0 {
        return false;
    }
    let mut rest = den;
    while rest % 2 == 0 {
        rest /= 2;
    }
    while rest % 5 == 0 {
        rest /= 5;
    }
    rest == 1
}

/// Write `d` with exactly its scale (`1.50`, `-12`, `0.05`); never `-0`.
/// Hand-written because `Display` for `Decimal` is a fifth of the time of
/// a CSV run.
fn write_decimal(d: Decimal, out: &mut String) -> fmt::Result {
    const LEN: usize = 40;
    let scale = d.scale() as usize;
    let magnitude = d.mantissa().unsigned_abs();
    // A 96-bit mantissa has at most 29 digits; scale is at most 28.
    let mut buffer = [b'0'; LEN];
    let mut len = 0;
    // u128 division is slow: use u64 for the usual magnitudes.
    match u64::try_from(magnitude) {
        Ok(mut small) => {
            for slot in buffer.iter_mut().rev() {
                *slot = b'0' + (small % 10) as u8;
                small /= 10;
                len += 1;
                if small == 0 {
                    break;
                }
            }
        }
        Err(_) => {
            let mut large = magnitude;
            for slot in buffer.iter_mut().rev() {
                *slot = b'0' + (large % 10) as u8;
                large /= 10;
                len += 1;
                if large == 0 {
                    break;
                }
            }
        }
    }
    // Leading zeros so that there is a digit before the point.
    let len = len.max(scale + 1).min(LEN);
    let digits = buffer.get(LEN - len..).unwrap_or(&[]);
    let text = std::str::from_utf8(digits).map_err(|_| fmt::Error)?;
    if d.mantissa() < 0 {
        out.push('-');
    }
    let (whole, fraction) = text.split_at(len - scale);
    out.push_str(whole);
    if scale > 0 {
        out.push('.');
        out.push_str(fraction);
    }
    Ok(())
}

/// Whether `date` can be written to a data file and read back.
///
/// Data files hold dates as `YYYY-MM-DD`: four-digit years, 0000 to 9999,
/// the form of ISO 8601 without an agreed expansion and of JSON Schema's
/// `"format": "date"`, and the only form `avtal run` reads (`cells.rs`).
/// Avtal's calendar runs much further (−262143 to 262142), but a date
/// outside the files' years is refused when written, as a row error
/// (E0504) naming the field, rather than written as chrono's `+10000-04-01`,
/// which neither `avtal run` nor most other readers would take back.
pub(super) fn in_data_files(date: NaiveDate) -> bool {
    (0..=9999).contains(&date.year())
}

/// `YYYY-MM-DD` for years 0 to 9999, chrono's own form otherwise (for
/// messages only: [`in_data_files`] keeps such dates out of data files).
pub(super) fn write_date(date: NaiveDate, out: &mut String) -> fmt::Result {
    if in_data_files(date) {
        write!(
            out,
            "{:04}-{:02}-{:02}",
            date.year(),
            date.month(),
            date.day()
        )
    } else {
        write!(out, "{date}")
    }
}

/// Append `text` as a JSON string literal.
pub fn write_json_string(text: &str, out: &mut String) {
    let plain = !text.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20);
    if plain {
        out.push('"');
        out.push_str(text);
        out.push('"');
        return;
    }
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
