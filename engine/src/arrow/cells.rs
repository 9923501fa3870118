//! The general path of reading an Arrow cell: its exact text, read by the
//! CSV cell parser (`DataType::parse_text`), so that a value read from
//! Arrow is the value its text would be, with the same errors. Only rows
//! the fast path (`fast.rs`) declines come here, and the interpreter's
//! rows (`--engine interp`), which need values anyway.
//!
//! Which Arrow types a field reads: every field reads text columns (as a
//! CSV cell); numbers also read `Decimal128`/`Decimal64` of any scale
//! (digits beyond the type's decimals must be zeros) and integer columns;
//! dates `Date32` and whole-day `Date64`; times `Time32`/`Time64` and
//! timestamps `Timestamp` without a time zone, in whole minutes; booleans
//! `Boolean`; enums and texts dictionary strings; a list of records a
//! `List`/`LargeList` of `Struct` whose children are named as the
//! element's fields. A null is an error, never a zero.

use std::borrow::Cow;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal64Type, Decimal128Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type,
    UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, ArrowPrimitiveType, PrimitiveArray, StructArray};
use arrow_schema::{DataType as ArrowType, TimeUnit};

use super::{EPOCH_DAY, EPOCH_MINUTE};
use crate::results::FieldError;
use avtal_compiler::clock;
use avtal_compiler::data::{CellError, DataType, Found, Hint, Kind, Problem};
use avtal_compiler::diagnostics::Code;
use avtal_compiler::diagnostics::messages::data::{self as msg, DataMessage};
use avtal_compiler::eval::Value;

/// Cell `row` of `array` as a value of `ty`; `path` names the field in
/// messages (`salary`, `shifts[2].start`).
pub(crate) fn read_cell(
    array: &dyn Array,
    row: usize,
    ty: &DataType,
    path: &str,
) -> Result<Value, Vec<FieldError>> {
    if array.is_null(row) {
        return Err(vec![null_error(ty, path)]);
    }
    if let Kind::List(element) = ty.kind() {
        return read_list(array, row, element, path);
    }
    let text = match cell_text(array, row, ty) {
        Ok(text) => text,
        Err(Unreadable::WrongType) => return Err(vec![wrong_type(ty, array.data_type(), path)]),
        Err(Unreadable::Cell(problem, found)) => {
            let error = CellError {
                path: String::new(),
                expected: ty.expected(),
                problem,
                found,
            };
            return Err(vec![FieldError::new(path, msg::cell(&error))]);
        }
    };
    ty.parse_text(&text)
        .map_err(|error| vec![FieldError::new(path, msg::cell(&error))])
}

/// Why a cell has no text to read.
enum Unreadable {
    /// The column's type is not one the field reads.
    WrongType,
    /// A value that has no text of the field's type (a date beyond year
    /// 9999, a time with seconds).
    Cell(Problem, Found),
}

/// The text a CSV file would hold for this cell.
fn cell_text<'a>(
    array: &'a dyn Array,
    row: usize,
    ty: &DataType,
) -> Result<Cow<'a, str>, Unreadable> {
    if let Some(text) = string_at(array, row) {
        return Ok(Cow::Borrowed(text));
    }
    let kind = ty.kind();
    let numeric = matches!(
        kind,
        Kind::Int
            | Kind::Days
            | Kind::Months
            | Kind::Decimal
            | Kind::Money
            | Kind::Percent
            | Kind::Hours
            | Kind::Rate
    );
    let text = match (array.data_type(), kind) {
        (ArrowType::Decimal128(_, scale), _) if numeric => {
            decimal_text(i128_at::<Decimal128Type>(array, row), *scale)
        }
        (ArrowType::Decimal64(_, scale), _) if numeric => {
            decimal_text(i128::from(value_at::<Decimal64Type>(array, row)), *scale)
        }
        (
            ArrowType::Int8
            | ArrowType::Int16
            | ArrowType::Int32
            | ArrowType::Int64
            | ArrowType::UInt8
            | ArrowType::UInt16
            | ArrowType::UInt32
            | ArrowType::UInt64,
            _,
        ) if numeric => integer_at(array, row)
            .ok_or(Unreadable::WrongType)?
            .to_string(),
        (ArrowType::Date32, Kind::Date) => date_text(i64::from(value_at::<
            arrow_array::types::Date32Type,
        >(array, row)))?,
        (ArrowType::Date64, Kind::Date) => {
            let millis = value_at::<arrow_array::types::Date64Type>(array, row);
            if millis.rem_euclid(86_400_000) != 0 {
                return Err(Unreadable::Cell(
                    Problem::Malformed(Hint::None),
                    Found::Value(format!("a Date64 of {millis} ms, not a whole day")),
                ));
            }
            date_text(millis.div_euclid(86_400_000))?
        }
        (ArrowType::Time32(_) | ArrowType::Time64(_), Kind::Time) => {
            let (value, per_minute) = clock_value(array, row).ok_or(Unreadable::WrongType)?;
            time_text(value, per_minute)?
        }
        (ArrowType::Timestamp(_, None), Kind::Timestamp) => {
            let (value, per_minute) = clock_value(array, row).ok_or(Unreadable::WrongType)?;
            timestamp_text(value, per_minute)?
        }
        (ArrowType::Boolean, Kind::Bool) => array.as_boolean().value(row).to_string(),
        _ => return Err(Unreadable::WrongType),
    };
    Ok(Cow::Owned(text))
}

/// The string of a text or dictionary-of-text column.
pub(crate) fn string_at(array: &dyn Array, row: usize) -> Option<&str> {
    match array.data_type() {
        ArrowType::Utf8 => Some(array.as_string::<i32>().value(row)),
        ArrowType::LargeUtf8 => Some(array.as_string::<i64>().value(row)),
        ArrowType::Utf8View => Some(array.as_string_view().value(row)),
        ArrowType::Dictionary(_, _) => {
            let dictionary = array.as_any_dictionary();
            let key = dictionary_key(dictionary.keys(), row)?;
            let values = dictionary.values();
            (key < values.len() && values.is_valid(key))
                .then(|| string_at(values.as_ref(), key))
                .flatten()
        }
        _ => None,
    }
}

/// The key of a dictionary at `row`, of any integer key type.
pub(crate) fn dictionary_key(keys: &dyn Array, row: usize) -> Option<usize> {
    let key = integer_at(keys, row)?;
    usize::try_from(key).ok()
}

/// An integer column's value as an `i128` (every integer type fits).
fn integer_at(array: &dyn Array, row: usize) -> Option<i128> {
    Some(match array.data_type() {
        ArrowType::Int8 => i128::from(value_at::<Int8Type>(array, row)),
        ArrowType::Int16 => i128::from(value_at::<Int16Type>(array, row)),
        ArrowType::Int32 => i128::from(value_at::<Int32Type>(array, row)),
        ArrowType::Int64 => i128::from(value_at::<Int64Type>(array, row)),
        ArrowType::UInt8 => i128::from(value_at::<UInt8Type>(array, row)),
        ArrowType::UInt16 => i128::from(value_at::<UInt16Type>(array, row)),
        ArrowType::UInt32 => i128::from(value_at::<UInt32Type>(array, row)),
        ArrowType::UInt64 => i128::from(value_at::<UInt64Type>(array, row)),
        _ => return None,
    })
}

fn value_at<T: ArrowPrimitiveType>(array: &dyn Array, row: usize) -> T::Native {
    let values: &PrimitiveArray<T> = array.as_primitive::<T>();
    values.value(row)
}

fn i128_at<T: ArrowPrimitiveType<Native = i128>>(array: &dyn Array, row: usize) -> i128 {
    value_at::<T>(array, row)
}

/// A time or timestamp column's raw value and how many of its units make
/// a minute.
pub(crate) fn clock_value(array: &dyn Array, row: usize) -> Option<(i64, i64)> {
    use arrow_array::types::{
        Time32MillisecondType, Time32SecondType, Time64MicrosecondType, Time64NanosecondType,
        TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
        TimestampSecondType,
    };
    Some(match array.data_type() {
        ArrowType::Time32(TimeUnit::Second) => {
            (i64::from(value_at::<Time32SecondType>(array, row)), 60)
        }
        ArrowType::Time32(TimeUnit::Millisecond) => (
            i64::from(value_at::<Time32MillisecondType>(array, row)),
            60_000,
        ),
        ArrowType::Time64(TimeUnit::Microsecond) => {
            (value_at::<Time64MicrosecondType>(array, row), 60_000_000)
        }
        ArrowType::Time64(TimeUnit::Nanosecond) => {
            (value_at::<Time64NanosecondType>(array, row), 60_000_000_000)
        }
        ArrowType::Timestamp(TimeUnit::Second, None) => {
            (value_at::<TimestampSecondType>(array, row), 60)
        }
        ArrowType::Timestamp(TimeUnit::Millisecond, None) => {
            (value_at::<TimestampMillisecondType>(array, row), 60_000)
        }
        ArrowType::Timestamp(TimeUnit::Microsecond, None) => {
            (value_at::<TimestampMicrosecondType>(array, row), 60_000_000)
        }
        ArrowType::Timestamp(TimeUnit::Nanosecond, None) => (
            value_at::<TimestampNanosecondType>(array, row),
            60_000_000_000,
        ),
        _ => return None,
    })
}

/// `mantissa / 10^scale` written out exactly, as a CSV cell would hold it.
pub(crate) fn decimal_text(mantissa: i128, scale: i8) -> String {
    let digits = mantissa.unsigned_abs().to_string();
    let sign = if mantissa < 0 { "-" } else { "" };
    if scale <= 0 {
        let zeros = "0".repeat(usize::from(scale.unsigned_abs()));
        return format!("{sign}{digits}{zeros}");
    }
    let scale = usize::from(scale.unsigned_abs());
    let padded = if digits.len() <= scale {
        format!("{}{digits}", "0".repeat(scale + 1 - digits.len()))
    } else {
        digits
    };
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    format!("{sign}{whole}.{fraction}")
}

/// Arrow's day `days` (from 1970-01-01) as `YYYY-MM-DD`, for the years a
/// data file holds (0000 to 9999).
fn date_text(days: i64) -> Result<String, Unreadable> {
    let date = days
        .checked_add(EPOCH_DAY)
        .and_then(clock::date_of_day)
        .filter(|d| (0..=9999).contains(&chrono::Datelike::year(d)));
    match date {
        Some(date) => Ok(date.format("%Y-%m-%d").to_string()),
        None => Err(Unreadable::Cell(
            Problem::NoSuchDay,
            Found::Value(format!("day {days} from 1970-01-01")),
        )),
    }
}

/// A time of day in whole minutes, `HH:MM`.
fn time_text(value: i64, per_minute: i64) -> Result<String, Unreadable> {
    let minute = (value.rem_euclid(per_minute) == 0)
        .then(|| value.div_euclid(per_minute))
        .filter(|m| (0..clock::DAY_MINUTES).contains(m));
    match minute {
        Some(m) => Ok(format!("{:02}:{:02}", m / 60, m % 60)),
        None => Err(Unreadable::Cell(
            Problem::Malformed(Hint::TimeFormat),
            Found::Value(format!(
                "{value} ({} per minute), not a whole minute of a day",
                per_minute
            )),
        )),
    }
}

/// A timestamp in whole minutes, `YYYY-MM-DDTHH:MM`.
fn timestamp_text(value: i64, per_minute: i64) -> Result<String, Unreadable> {
    let stamp = (value.rem_euclid(per_minute) == 0)
        .then(|| value.div_euclid(per_minute))
        .and_then(|m| m.checked_add(EPOCH_MINUTE))
        .and_then(clock::timestamp_of_minutes)
        .filter(|t| (0..=9999).contains(&chrono::Datelike::year(t)));
    match stamp {
        Some(stamp) => Ok(clock::format_timestamp(stamp)),
        None => Err(Unreadable::Cell(
            Problem::Malformed(Hint::TimestampFormat),
            Found::Value(format!(
                "{value} ({per_minute} per minute), not a whole minute of the years 0000 to 9999"
            )),
        )),
    }
}

/// A list of records: a `List` or `LargeList` of `Struct` whose children
/// carry the element's field names; every element's problems, at paths
/// like `shifts[2].start`.
fn read_list(
    array: &dyn Array,
    row: usize,
    element: &DataType,
    path: &str,
) -> Result<Value, Vec<FieldError>> {
    let (items, range) = match array.data_type() {
        ArrowType::List(_) => {
            let list = array.as_list::<i32>();
            let offsets = list.value_offsets();
            let range = offsets
                .get(row)
                .zip(offsets.get(row + 1))
                .and_then(|(a, b)| Some(usize::try_from(*a).ok()?..usize::try_from(*b).ok()?));
            (list.values(), range)
        }
        ArrowType::LargeList(_) => {
            let list = array.as_list::<i64>();
            let offsets = list.value_offsets();
            let range = offsets
                .get(row)
                .zip(offsets.get(row + 1))
                .and_then(|(a, b)| Some(usize::try_from(*a).ok()?..usize::try_from(*b).ok()?));
            (list.values(), range)
        }
        other => return Err(vec![wrong_type_of_list(element, other, path)]),
    };
    let (Some(range), Some(structs), Some(fields)) =
        (range, items.as_struct_opt(), element.record_fields())
    else {
        return Err(vec![wrong_type_of_list(element, array.data_type(), path)]);
    };
    let mut values = Vec::with_capacity(range.len());
    let mut errors = Vec::new();
    for (index, item) in range.enumerate() {
        let item_path = format!("{path}[{index}]");
        if structs.is_null(item) {
            errors.push(null_error(element, &item_path));
            continue;
        }
        let mut record = Vec::with_capacity(fields.len());
        for (name, ty) in fields {
            let field_path = format!("{item_path}.{name}");
            match child_column(structs, name) {
                Some(column) => match read_cell(column.as_ref(), item, ty, &field_path) {
                    Ok(value) => record.push(value),
                    Err(problems) => errors.extend(problems),
                },
                None => errors.push(FieldError::new(
                    &field_path,
                    DataMessage {
                        code: Code::MissingInputField,
                        message: format!("the list's records have no field `{name}`"),
                        help: Some(format!(
                            "give the list's struct a child `{name}` ({})",
                            msg::expected_phrase(&ty.expected())
                        )),
                    },
                )),
            }
        }
        values.push(Value::Record(Arc::from(record)));
    }
    if errors.is_empty() {
        Ok(Value::List(Arc::from(values)))
    } else {
        Err(errors)
    }
}

fn null_error(ty: &DataType, path: &str) -> FieldError {
    FieldError::new(
        path,
        DataMessage {
            code: Code::BadCell,
            message: format!(
                "expected {}, found null",
                msg::expected_phrase(&ty.expected())
            ),
            help: Some(
                "every field needs a value: fill the cell, or leave the row out of the input"
                    .into(),
            ),
        },
    )
}

pub(crate) fn wrong_type(ty: &DataType, found: &ArrowType, path: &str) -> FieldError {
    FieldError::new(
        path,
        DataMessage {
            code: Code::BadCell,
            message: format!(
                "expected {}, found a column of Arrow type `{found}`",
                msg::expected_phrase(&ty.expected())
            ),
            help: Some(format!("give the column {}", accepted(ty))),
        },
    )
}

fn wrong_type_of_list(element: &DataType, found: &ArrowType, path: &str) -> FieldError {
    FieldError::new(
        path,
        DataMessage {
            code: Code::BadCell,
            message: format!("expected a list of records, found a column of Arrow type `{found}`"),
            help: Some(format!(
                "give the column the type `{}`",
                ArrowType::List(Arc::new(arrow_schema::Field::new(
                    "item",
                    super::schema::arrow_type(element),
                    false
                )))
            )),
        },
    )
}

/// The Arrow types a field reads, for the help of a wrong column.
fn accepted(ty: &DataType) -> String {
    let written = super::schema::arrow_type(ty);
    let others = match ty.kind() {
        Kind::Money | Kind::Percent | Kind::Hours | Kind::Rate => {
            "a decimal type with at most 2 decimals (binary floating point is never read: it cannot hold 0.10 exactly), an integer type or text"
        }
        Kind::Int | Kind::Days | Kind::Months | Kind::Decimal => {
            "an integer type, a decimal type or text (binary floating point is never read)"
        }
        Kind::Date => "`Date32`, `Date64` or text like 2026-01-31",
        Kind::Time => "`Time32`/`Time64` in whole minutes, or text like 19:00",
        Kind::Timestamp => {
            "`Timestamp` without a time zone in whole minutes, or text like 2026-06-05T18:30"
        }
        Kind::Bool => "`Boolean`, or text (true/false, 1/0)",
        Kind::Enum { .. } | Kind::Text => "a text or dictionary-of-text type",
        Kind::Record { .. } | Kind::List(_) | Kind::Unsupported(_) => "the type above",
    };
    format!("the type `{written}`, or {others}")
}

/// The child `name` of a list's structs: by its name as written, else by
/// its name in NFC, as every other name in a data file is matched
/// (`data_name`).
fn child_column<'s>(structs: &'s StructArray, name: &str) -> Option<&'s ArrayRef> {
    structs.column_by_name(name).or_else(|| {
        let at = structs
            .column_names()
            .iter()
            .position(|child| avtal_compiler::data::data_name(child) == name)?;
        structs.columns().get(at)
    })
}
