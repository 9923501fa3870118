//! CSV cells straight into a compiled record layout, and result slots
//! straight back into cell text: the fast path of `avtal run`.
//!
//! Every function here either gives exactly what the general path gives
//! (reading: `DataType::parse_text` then `codegen::encode_value`;
//! writing: `codegen::decode_value` then [`DataType::write_cell`] and the
//! CSV writer's quoting) or *declines*, and the caller takes the general
//! path for that cell or row. Declining is always allowed, a different
//! answer never is; `tests/slots.rs` compares both paths on generated
//! cells. So this file only has to be right about the plain forms:
//! `-?[0-9]+(\.[0-9]+)?` with no more decimals than the type keeps and a
//! magnitude that fits an `i64` at the slot's scale, `YYYY-MM-DD`,
//! `true`/`false`/`1`/`0`, a variant's exact name. Anything else
//! (surrounding blanks, errors, huge values) declines.
//!
//! No allocation per cell; the plans are built once per run.

use chrono::{Datelike, NaiveDate};

use crate::codegen::{Encoding, RecordLayout};
use crate::days;
use avtal_compiler::data::{DataType, Kind};

/// How one input field is read into its slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SlotReader {
    kind: ReadKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ReadKind {
    /// A number with at most `scale` decimals (trailing zeros beyond are
    /// fine), stored as its mantissa at `scale`.
    Number {
        scale: u32,
    },
    Date,
    /// `HH:MM` or `H:MM`: the minute of the day.
    Time,
    /// `YYYY-MM-DDTHH:MM` (or a space for the `T`): minutes from
    /// 0001-01-01T00:00.
    Timestamp,
    Bool,
    /// Variant names as bytes, by index.
    Variant(Vec<Box<[u8]>>),
}

impl SlotReader {
    /// Readers for every field of `record`, or `None` when the layout is
    /// not the one this file knows for the record's types (then the caller
    /// stays on the general path).
    pub fn for_record(record: &DataType, layout: &RecordLayout) -> Option<Vec<SlotReader>> {
        let fields = record.record_fields()?;
        if fields.len() != layout.fields.len() {
            return None;
        }
        fields
            .iter()
            .zip(&layout.fields)
            .map(|((_, ty), slot)| SlotReader::for_field(ty, slot.encoding))
            .collect()
    }

    /// The reader of one field of type `ty` in a slot of `encoding`, or
    /// `None` when the pair is not one this file knows.
    pub fn for_field(ty: &DataType, encoding: Encoding) -> Option<SlotReader> {
        let kind = match (ty.kind(), encoding) {
            (
                Kind::Money | Kind::Percent | Kind::Hours | Kind::Rate,
                Encoding::Number { scale: 2 },
            )
            | (Kind::Int | Kind::Days | Kind::Months, Encoding::Number { scale: 0 }) => {
                // `max_scale` is what `parse_decimal` allows and
                // the slot's scale is where `canonical` puts it.
                let scale = ty.max_scale()?;
                ReadKind::Number { scale }
            }
            (Kind::Date, Encoding::Date) => ReadKind::Date,
            (Kind::Time, Encoding::Time) => ReadKind::Time,
            (Kind::Timestamp, Encoding::Timestamp) => ReadKind::Timestamp,
            (Kind::Bool, Encoding::Bool) => ReadKind::Bool,
            (Kind::Enum { variants, .. }, Encoding::Variant) => ReadKind::Variant(
                variants
                    .iter()
                    .map(|v| v.as_bytes().to_vec().into_boxed_slice())
                    .collect(),
            ),
            // Texts have no slot word (the engine keeps the
            // record's value); any other pair is not this
            // file's layout. One arm per encoding, so a new one
            // must be placed here.
            (
                _,
                Encoding::Number { .. }
                | Encoding::Date
                | Encoding::Time
                | Encoding::Timestamp
                | Encoding::Bool
                | Encoding::Variant
                | Encoding::Text
                | Encoding::List,
            ) => return None,
        };
        Some(SlotReader { kind })
    }

    /// The slot word of a plain cell, or `None` to take the general path.
    pub fn read(&self, cell: &[u8]) -> Option<i64> {
        match &self.kind {
            ReadKind::Number { scale } => parse_fixed(cell, *scale),
            ReadKind::Date => parse_day(cell),
            ReadKind::Time => parse_minute_of_day(cell),
            ReadKind::Timestamp => parse_timestamp(cell),
            ReadKind::Bool => {
                if cell.eq_ignore_ascii_case(b"true") || cell == b"1" {
                    Some(1)
                } else if cell.eq_ignore_ascii_case(b"false") || cell == b"0" {
                    Some(0)
                } else {
                    None
                }
            }
            ReadKind::Variant(names) => names
                .iter()
                .position(|name| **name == *cell)
                .and_then(|index| i64::try_from(index).ok()),
        }
    }
}

/// `-?[0-9]+(\.[0-9]+)?` as an `i64` mantissa at `scale`; decimals beyond
/// `scale` must be zeros (`12.00` is the whole number 12), as
/// `parse_decimal` drops them. The integer part alone cannot overflow
/// `parse_decimal`: it already fits an `i64` here.
fn parse_fixed(cell: &[u8], scale: u32) -> Option<i64> {
    let (negative, digits) = match cell.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, cell),
    };
    let mut magnitude: i64 = 0;
    let mut int_digits = 0usize;
    let mut rest = digits;
    while let Some((&b, tail)) = rest.split_first() {
        if !b.is_ascii_digit() {
            break;
        }
        magnitude = magnitude
            .checked_mul(10)?
            .checked_add(i64::from(b - b'0'))?;
        int_digits += 1;
        rest = tail;
    }
    if int_digits == 0 {
        return None;
    }
    let mut decimals = 0u32;
    match rest.split_first() {
        None => {}
        Some((b'.', fraction)) => {
            // `parse_decimal` reads every digit, trailing zeros included,
            // into a `u128` before it drops zeros, and refuses what
            // overflows it; 38 digits always fit.
            if fraction.is_empty() || int_digits + fraction.len() > 38 {
                return None;
            }
            for &b in fraction {
                if !b.is_ascii_digit() {
                    return None;
                }
                if decimals < scale {
                    magnitude = magnitude
                        .checked_mul(10)?
                        .checked_add(i64::from(b - b'0'))?;
                    decimals += 1;
                } else if b != b'0' {
                    return None;
                }
            }
        }
        Some(_) => return None,
    }
    for _ in decimals..scale {
        magnitude = magnitude.checked_mul(10)?;
    }
    Some(if negative { -magnitude } else { magnitude })
}

/// `YYYY-MM-DD` as a day number from 0001-01-01 (chrono's
/// `num_days_from_ce`, as the layout stores dates).
fn parse_day(cell: &[u8]) -> Option<i64> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *cell else {
        return None;
    };
    let digit = |b: u8| b.is_ascii_digit().then(|| u32::from(b - b'0'));
    let year = digit(y0)? * 1000 + digit(y1)? * 100 + digit(y2)? * 10 + digit(y3)?;
    let month = digit(m0)? * 10 + digit(m1)?;
    let day = digit(d0)? * 10 + digit(d1)?;
    // Years 1-9999 without chrono (the same day numbers); year 0 by chrono.
    if let Some(days) = days::from_civil(i64::from(year), i64::from(month), i64::from(day)) {
        return Some(days);
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some(i64::from(date.num_days_from_ce()))
}

/// `HH:MM` or `H:MM` of 00:00 to 23:59 as its minute of the day (as
/// `clock::parse_time` then `clock::minute_of_day`); digits only.
fn parse_minute_of_day(cell: &[u8]) -> Option<i64> {
    let digit = |b: u8| b.is_ascii_digit().then(|| i64::from(b - b'0'));
    let (hours, minutes) = match *cell {
        [h, b':', m0, m1] => (digit(h)?, digit(m0)? * 10 + digit(m1)?),
        [h0, h1, b':', m0, m1] => (digit(h0)? * 10 + digit(h1)?, digit(m0)? * 10 + digit(m1)?),
        _ => return None,
    };
    (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
}

/// `YYYY-MM-DDTHH:MM` or `YYYY-MM-DD HH:MM` as minutes from
/// 0001-01-01T00:00 (as `clock::parse_timestamp` then
/// `clock::timestamp_minutes`).
fn parse_timestamp(cell: &[u8]) -> Option<i64> {
    let [date @ .., separator, h0, h1, b':', m0, m1] = cell else {
        return None;
    };
    if date.len() != 10 || !matches!(separator, b'T' | b' ') {
        return None;
    }
    let day = parse_day(date)?;
    let minute = parse_minute_of_day(&[*h0, *h1, b':', *m0, *m1])?;
    day.checked_sub(1)?
        .checked_mul(avtal_compiler::clock::DAY_MINUTES)?
        .checked_add(minute)
}

/// How one output field is written from its slot as a CSV cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SlotWriter {
    kind: WriteKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum WriteKind {
    Number {
        scale: u32,
    },
    Date,
    Bool,
    /// Variant names as they appear in a CSV cell, `None` for a name the
    /// CSV writer would quote (the general path writes those).
    Variant(Vec<Option<Box<[u8]>>>),
}

impl SlotWriter {
    /// Writers for every field of `record`, or `None` when some field is
    /// not a scalar of the layout's encoding.
    pub fn for_record(record: &DataType, layout: &RecordLayout) -> Option<Vec<SlotWriter>> {
        let fields = record.record_fields()?;
        if fields.len() != layout.fields.len() {
            return None;
        }
        fields
            .iter()
            .zip(&layout.fields)
            .map(|((_, ty), slot)| {
                let kind = match (ty.kind(), slot.encoding) {
                    (Kind::Money | Kind::Percent | Kind::Hours, Encoding::Number { scale: 2 }) => {
                        WriteKind::Number { scale: 2 }
                    }
                    (Kind::Int | Kind::Days | Kind::Months, Encoding::Number { scale: 0 }) => {
                        WriteKind::Number { scale: 0 }
                    }
                    (Kind::Date, Encoding::Date) => WriteKind::Date,
                    (Kind::Bool, Encoding::Bool) => WriteKind::Bool,
                    (Kind::Enum { variants, .. }, Encoding::Variant) => WriteKind::Variant(
                        variants
                            .iter()
                            .map(|v| {
                                let plain = !v.is_empty()
                                    && !v.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'));
                                plain.then(|| v.as_bytes().to_vec().into_boxed_slice())
                            })
                            .collect(),
                    ),
                    // Text results are decoded with their pieces by the
                    // general writer; any other pair is not this file's
                    // layout.
                    (
                        _,
                        Encoding::Number { .. }
                        | Encoding::Date
                        | Encoding::Time
                        | Encoding::Timestamp
                        | Encoding::Bool
                        | Encoding::Variant
                        | Encoding::Text
                        | Encoding::List,
                    ) => return None,
                };
                Some(SlotWriter { kind })
            })
            .collect()
    }

    /// Append the cell text of `word`; false (and nothing appended) to
    /// take the general path.
    pub fn write(&self, word: i64, out: &mut Vec<u8>) -> bool {
        match &self.kind {
            WriteKind::Number { scale } => {
                write_fixed(word, *scale, out);
                true
            }
            WriteKind::Date => write_day(word, out),
            WriteKind::Bool => {
                out.extend_from_slice(if word != 0 { b"true" } else { b"false" });
                true
            }
            WriteKind::Variant(names) => {
                match usize::try_from(word)
                    .ok()
                    .and_then(|index| names.get(index))
                    .and_then(Option::as_ref)
                {
                    Some(name) => {
                        out.extend_from_slice(name);
                        true
                    }
                    None => false,
                }
            }
        }
    }
}

/// `mantissa / 10^scale` with exactly `scale` decimals, as `write_decimal`
/// writes a decimal of that mantissa and scale (never `-0`: a zero
/// mantissa has no sign).
fn write_fixed(mantissa: i64, scale: u32, out: &mut Vec<u8>) {
    const LEN: usize = 24;
    let mut buffer = [b'0'; LEN];
    let mut magnitude = mantissa.unsigned_abs();
    let mut len = 0;
    for slot in buffer.iter_mut().rev() {
        *slot = b'0' + (magnitude % 10) as u8;
        magnitude /= 10;
        len += 1;
        if magnitude == 0 {
            break;
        }
    }
    // Leading zeros so that there is a digit before the point.
    let scale = scale as usize;
    let len = len.max(scale + 1).min(LEN);
    let digits = buffer.get(LEN - len..).unwrap_or(&[]);
    if mantissa < 0 {
        out.push(b'-');
    }
    let (whole, fraction) = digits.split_at(len - scale.min(len));
    out.extend_from_slice(whole);
    if scale > 0 {
        out.push(b'.');
        out.extend_from_slice(fraction);
    }
}

/// A day number as `YYYY-MM-DD` for years 0 to 9999; other years and
/// day numbers off the calendar decline.
fn write_day(day: i64, out: &mut Vec<u8>) -> bool {
    let civil = match days::to_civil(day) {
        Some((year, month, day)) => (year, month, day),
        None => {
            // Year 0 (and anything else chrono knows) by chrono.
            let Some(date) = i32::try_from(day)
                .ok()
                .and_then(NaiveDate::from_num_days_from_ce_opt)
            else {
                return false;
            };
            (
                i64::from(date.year()),
                i64::from(date.month()),
                i64::from(date.day()),
            )
        }
    };
    let (Ok(year), Ok(month), Ok(day)) = (
        u32::try_from(civil.0),
        u32::try_from(civil.1),
        u32::try_from(civil.2),
    ) else {
        return false;
    };
    if year > 9999 {
        return false;
    }
    let digit = |n: u32| b'0' + (n % 10) as u8;
    out.extend_from_slice(&[
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(month / 10),
        digit(month),
        b'-',
        digit(day / 10),
        digit(day),
    ]);
    true
}
