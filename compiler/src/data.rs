//! Reading and writing data cells: one CSV cell or one JSON value into an
//! interpreter [`Value`] of a known [`Type`], and a `Value` back into cell
//! text or JSON. No IO: the CLI reads the files and hands over text.
//!
//! The rules (DESIGN.md, "Units in data"):
//! - numbers are plain decimals in the value's own unit: `30000.00` money,
//!   `83.46` for 83.46 %, `26.5` hours, `12` for whole numbers; they are read
//!   exactly (never through `f64`), with a point as decimal separator, no
//!   exponent, no thousands separator and no unit; a value may not have
//!   more decimals than its type keeps (money, percent and hours 2, whole
//!   numbers 0), but trailing zeros beyond that are fine (`12.00` is `12`);
//! - dates are ISO `2026-01-31`;
//! - booleans are `true`/`false` in any letter case, or `1`/`0`;
//! - enum values are variant names, exactly as declared (case-sensitive);
//! - text is taken as is (other cells have surrounding blanks trimmed);
//! - in JSON, numbers may be strings (`"30000.00"`) or JSON numbers (their
//!   exact text is used, through `RawValue`), booleans JSON booleans or the
//!   strings above, records objects and lists arrays.
//!
//! Output is exact: money and percent with 2 decimals, whole numbers
//! without, hours with their own decimals but at least 1, decimals as they
//! are; never `-0.00`. A value that does not fit is an error (E0507), never
//! rounded. Wording of every error lives in `diagnostics::messages::data`.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::eval::{Number, Value};
use crate::ir::Program;
use crate::types::Type;

/// A type resolved for reading and writing data: enum variant names and
/// record fields are copied out of the [`Program`] once, so that per-cell
/// work needs no lookups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataType {
    kind: Kind,
}

/// The shape of a [`DataType`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Int,
    Days,
    Months,
    Decimal,
    Money,
    Percent,
    Hours,
    Date,
    Bool,
    Text,
    Enum {
        name: String,
        variants: Vec<String>,
    },
    /// Also the built-in record-like types (`Eligibility`, `LimitCheck`).
    Record {
        name: String,
        fields: Vec<(String, DataType)>,
    },
    List(Box<DataType>),
    /// A type data cannot hold (only after a check error).
    Unsupported(String),
}

/// What was expected, for messages (a [`Kind`] without nested fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    Int,
    Days,
    Months,
    Decimal,
    Money,
    Percent,
    Hours,
    Date,
    Bool,
    Text,
    Enum { name: String, variants: Vec<String> },
    Record(String),
    List,
    Unsupported(String),
}

/// Why a cell could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The text is not of the expected form; the hint says what it looks like.
    Malformed(Hint),
    /// More decimals than the type keeps (`1.005` for money).
    TooManyDecimals { allowed: u32 },
    /// More digits than an exact decimal holds.
    OutOfRange,
    /// A well-formed date that is not in the calendar (`2026-02-30`).
    NoSuchDay,
    /// No variant of that name (E0603).
    UnknownVariant { suggestion: Option<String> },
    /// A JSON object lacks the field (E0602).
    Missing,
    /// A JSON object names the field twice (E0604).
    Duplicate,
    /// The JSON text is not valid (E0604).
    InvalidJson(String),
    /// A JSON Lines row that is valid JSON but not an object (E0604).
    NotAnObject,
    /// A list or record where a CSV cell is expected.
    NotInCell,
    /// A value that cannot be written with its type's decimals (E0507).
    NotExact { allowed: Option<u32> },
    /// A value of another type than declared (an interpreter bug).
    WrongValue,
}

/// What a malformed number, date or boolean looks like, to suggest a fix.
/// Suggestions are the corrected text, when one is clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    None,
    /// `12,5`
    DecimalComma(Option<String>),
    /// `30 000`, `30,000.00`, `30_000`
    Separators(Option<String>),
    /// `1e3`
    Exponent,
    /// `30000 kr`, `83.46 %`
    Unit(Option<String>),
    /// `.5`, `5.`
    BarePoint,
    /// `31.01.2026`, `2026/01/31`, `2026-1-31`
    DateFormat(Option<String>),
    /// A JSON value of another kind (a number for a date, an object for money).
    JsonKind,
}

/// One cell that could not be read (or one value that could not be written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// Where inside a JSON value: `absences[2].from`; empty for the cell itself.
    pub path: String,
    pub expected: Expected,
    pub problem: Problem,
    pub found: Found,
}

/// What was found, to show in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Cell text (shown quoted), shortened when long.
    Text(String),
    /// JSON text as written (`null`, `"x"`, `1e3`), shortened when long.
    Json(String),
    /// A JSON object or list (shown as a word).
    JsonObject,
    JsonList,
    /// An empty cell.
    Empty,
    /// Nothing at all (a missing field).
    Nothing,
    /// A computed value, shown as exactly as possible.
    Value(String),
}

/// Longest found text shown in full.
const SHOW_CHARS: usize = 40;

fn shorten(text: &str) -> String {
    match text.char_indices().nth(SHOW_CHARS) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or(text)),
        None => text.to_string(),
    }
}

impl DataType {
    /// Resolve `ty` against `program`.
    pub fn new(program: &Program, ty: &Type) -> DataType {
        let kind = match ty {
            Type::Int => Kind::Int,
            Type::Days => Kind::Days,
            Type::Months => Kind::Months,
            Type::Decimal => Kind::Decimal,
            Type::Money => Kind::Money,
            Type::Percent => Kind::Percent,
            Type::Hours => Kind::Hours,
            Type::Date => Kind::Date,
            Type::Bool => Kind::Bool,
            Type::Text => Kind::Text,
            Type::Enum(id) => match program.enum_info(*id) {
                Some(info) => Kind::Enum {
                    name: info.name.clone(),
                    variants: info.variants.clone(),
                },
                None => Kind::Unsupported(program.type_name(ty)),
            },
            Type::Record(id) => match program.record(*id) {
                Some(info) => Kind::Record {
                    name: info.name.clone(),
                    fields: info
                        .fields
                        .iter()
                        .map(|f| (f.name.clone(), DataType::new(program, &f.ty)))
                        .collect(),
                },
                None => Kind::Unsupported(program.type_name(ty)),
            },
            Type::Eligibility | Type::LimitCheck(_) => Kind::Record {
                name: program.type_name(ty),
                fields: ty
                    .builtin_fields()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(name, field_ty)| (name.to_string(), DataType::new(program, &field_ty)))
                    .collect(),
            },
            Type::List(inner) => Kind::List(Box::new(DataType::new(program, inner))),
            Type::Error => Kind::Unsupported(program.type_name(ty)),
        };
        DataType { kind }
    }

    pub fn kind(&self) -> &Kind {
        &self.kind
    }

    /// The fields, when this is a record type.
    pub fn record_fields(&self) -> Option<&[(String, DataType)]> {
        match &self.kind {
            Kind::Record { fields, .. } => Some(fields),
            _ => None,
        }
    }

    /// True when a value of this type fits in one CSV cell (not a record,
    /// list or unsupported type).
    pub fn is_scalar(&self) -> bool {
        !matches!(
            self.kind,
            Kind::Record { .. } | Kind::List(_) | Kind::Unsupported(_)
        )
    }

    /// A description for messages.
    pub fn expected(&self) -> Expected {
        match &self.kind {
            Kind::Int => Expected::Int,
            Kind::Days => Expected::Days,
            Kind::Months => Expected::Months,
            Kind::Decimal => Expected::Decimal,
            Kind::Money => Expected::Money,
            Kind::Percent => Expected::Percent,
            Kind::Hours => Expected::Hours,
            Kind::Date => Expected::Date,
            Kind::Bool => Expected::Bool,
            Kind::Text => Expected::Text,
            Kind::Enum { name, variants } => Expected::Enum {
                name: name.clone(),
                variants: variants.clone(),
            },
            Kind::Record { name, .. } => Expected::Record(name.clone()),
            Kind::List(_) => Expected::List,
            Kind::Unsupported(name) => Expected::Unsupported(name.clone()),
        }
    }

    fn error(&self, problem: Problem, found: Found) -> CellError {
        CellError {
            path: String::new(),
            expected: self.expected(),
            problem,
            found,
        }
    }

    /// Decimals a number of this type may have (`None`: any).
    fn max_scale(&self) -> Option<u32> {
        match self.kind {
            Kind::Money | Kind::Percent | Kind::Hours => Some(2),
            Kind::Int | Kind::Days | Kind::Months => Some(0),
            _ => None,
        }
    }

    // ---- reading text cells ------------------------------------------------

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

    /// Read a trimmed scalar; the caller adds what was found.
    fn parse_trimmed(&self, text: &str) -> Result<Value, Problem> {
        match &self.kind {
            Kind::Int
            | Kind::Days
            | Kind::Months
            | Kind::Decimal
            | Kind::Money
            | Kind::Percent
            | Kind::Hours => parse_decimal(text, self.max_scale())
                .map(|d| Value::Number(Number::from_decimal(d))),
            Kind::Date => parse_date(text).map(Value::Date),
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

    // ---- reading JSON ------------------------------------------------------

    /// Read one JSON value (a whole JSON Lines row when this is a record).
    /// Every problem is reported, each with its path.
    pub fn parse_json(&self, raw: &RawValue) -> Result<Value, Vec<CellError>> {
        let mut errors = Vec::new();
        let value = self.json_value(raw.get(), &mut errors);
        match value {
            Some(value) if errors.is_empty() => Ok(value),
            _ => Err(errors),
        }
    }

    /// Read one JSON Lines row: `line` must hold one JSON object.
    pub fn parse_json_text(&self, line: &str) -> Result<Value, Vec<CellError>> {
        let text = line.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r'));
        if let (Kind::Record { fields, .. }, Some(b'{')) = (&self.kind, text.as_bytes().first()) {
            // One pass over the row: fields are split off as they come.
            let mut errors = Vec::new();
            return match self.json_record(fields, text, &mut errors) {
                Some(value) if errors.is_empty() => Ok(value),
                _ => Err(errors),
            };
        }
        match serde_json::from_str::<&RawValue>(line) {
            Ok(raw) if !raw.get().starts_with('{') => {
                let found = match raw.get().as_bytes().first() {
                    Some(b'[') => Found::JsonList,
                    _ => Found::Json(shorten(raw.get())),
                };
                Err(vec![self.error(Problem::NotAnObject, found)])
            }
            Ok(raw) => self.parse_json(raw),
            Err(err) => {
                Err(vec![self.error(
                    Problem::InvalidJson(err.to_string()),
                    Found::Nothing,
                )])
            }
        }
    }

    fn json_value(&self, raw: &str, errors: &mut Vec<CellError>) -> Option<Value> {
        let first = raw.as_bytes().first().copied().unwrap_or(b'n');
        match (&self.kind, first) {
            (Kind::Record { fields, .. }, b'{') => self.json_record(fields, raw, errors),
            (Kind::List(element), b'[') => json_list(element, raw, errors),
            (_, b'{') => self.json_fail(
                Problem::Malformed(Hint::JsonKind),
                Found::JsonObject,
                errors,
            ),
            (_, b'[') => {
                self.json_fail(Problem::Malformed(Hint::JsonKind), Found::JsonList, errors)
            }
            (Kind::Record { .. } | Kind::List(_), _) => self.json_fail(
                Problem::Malformed(Hint::JsonKind),
                Found::Json(shorten(raw)),
                errors,
            ),
            (_, b'"') => {
                let text = match json_string(raw) {
                    Ok(text) => text,
                    Err(err) => {
                        return self.json_fail(
                            Problem::InvalidJson(err.to_string()),
                            Found::Json(shorten(raw)),
                            errors,
                        );
                    }
                };
                let result = match self.kind {
                    Kind::Text => Ok(Value::Text(Arc::from(text.as_ref()))),
                    _ => self.parse_trimmed(text.trim_matches(|c: char| c.is_ascii_whitespace())),
                };
                self.json_result(result, raw, errors)
            }
            // Numbers keep their exact text; booleans read as in cells.
            (Kind::Date | Kind::Enum { .. }, b'-' | b'0'..=b'9' | b't' | b'f') => self.json_fail(
                Problem::Malformed(Hint::JsonKind),
                Found::Json(shorten(raw)),
                errors,
            ),
            (_, b'-' | b'0'..=b'9' | b't' | b'f') => {
                let result = self.parse_trimmed(raw);
                self.json_result(result, raw, errors)
            }
            _ => self.json_fail(
                Problem::Malformed(Hint::JsonKind),
                Found::Json(shorten(raw)),
                errors,
            ),
        }
    }

    fn json_result(
        &self,
        result: Result<Value, Problem>,
        raw: &str,
        errors: &mut Vec<CellError>,
    ) -> Option<Value> {
        match result {
            Ok(value) => Some(value),
            Err(problem) => self.json_fail(problem, Found::Json(shorten(raw)), errors),
        }
    }

    fn json_fail(
        &self,
        problem: Problem,
        found: Found,
        errors: &mut Vec<CellError>,
    ) -> Option<Value> {
        errors.push(self.error(problem, found));
        None
    }

    fn json_record(
        &self,
        fields: &[(String, DataType)],
        raw: &str,
        errors: &mut Vec<CellError>,
    ) -> Option<Value> {
        let mut slots: Vec<Option<&RawValue>> = vec![None; fields.len()];
        let mut duplicates = Vec::new();
        let mut deserializer = serde_json::Deserializer::from_str(raw);
        let seed = ObjectSeed {
            fields,
            slots: &mut slots,
            duplicates: &mut duplicates,
        };
        if let Err(err) = seed
            .deserialize(&mut deserializer)
            .and_then(|()| deserializer.end())
        {
            return self.json_fail(
                Problem::InvalidJson(err.to_string()),
                Found::Nothing,
                errors,
            );
        }
        for index in duplicates {
            if let Some((name, ty)) = fields.get(index) {
                let mut error = ty.error(Problem::Duplicate, Found::Nothing);
                error.path = name.clone();
                errors.push(error);
            }
        }
        let mut values = Vec::with_capacity(fields.len());
        for ((name, ty), slot) in fields.iter().zip(slots) {
            let before = errors.len();
            let value = match slot {
                Some(raw) => ty.json_value(raw.get(), errors),
                None => {
                    errors.push(ty.error(Problem::Missing, Found::Nothing));
                    None
                }
            };
            for error in errors.iter_mut().skip(before) {
                error.path = join_path(name, &error.path);
            }
            if let Some(value) = value {
                values.push(value);
            }
        }
        (values.len() == fields.len()).then(|| Value::Record(Arc::from(values)))
    }

    // ---- writing -----------------------------------------------------------

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
            (Kind::Money | Kind::Percent, Value::Number(n)) => match n.to_decimal_at_scale(2) {
                Ok(d) => write_decimal(d, out),
                Err(_) => return Err(self.not_exact(n, Some(2))),
            },
            (Kind::Int | Kind::Days | Kind::Months, Value::Number(n)) => {
                match n.to_decimal_at_scale(0) {
                    Ok(d) => write_decimal(d, out),
                    Err(_) => return Err(self.not_exact(n, Some(0))),
                }
            }
            (Kind::Hours, Value::Number(n)) => {
                match n.to_decimal().and_then(|d| fit_scale(d, 1, 2)) {
                    Some(d) => write_decimal(d, out),
                    None => return Err(self.not_exact(n, Some(2))),
                }
            }
            (Kind::Decimal, Value::Number(n)) => match n.to_decimal() {
                Some(d) => write_decimal(d, out),
                None => return Err(self.not_exact(n, None)),
            },
            (Kind::Date, Value::Date(date)) => write_date(*date, out),
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

    fn not_exact(&self, number: &Number, allowed: Option<u32>) -> Box<CellError> {
        let shown = match number.to_decimal() {
            Some(d) => d.normalize().to_string(),
            None => "a fraction with no finite decimal form".to_string(),
        };
        Box::new(self.error(Problem::NotExact { allowed }, Found::Value(shown)))
    }
}

/// `name` followed by a nested path (`[2].from` or `from`).
fn join_path(name: &str, nested: &str) -> String {
    if nested.is_empty() {
        name.to_string()
    } else if nested.starts_with('[') {
        format!("{name}{nested}")
    } else {
        format!("{name}.{nested}")
    }
}

fn dotted(nested: &str) -> String {
    if nested.is_empty() || nested.starts_with('[') {
        nested.to_string()
    } else {
        format!(".{nested}")
    }
}

fn json_list(element: &DataType, raw: &str, errors: &mut Vec<CellError>) -> Option<Value> {
    let items: Vec<&RawValue> = match serde_json::from_str(raw) {
        Ok(items) => items,
        Err(err) => {
            errors.push(CellError {
                path: String::new(),
                expected: Expected::List,
                problem: Problem::InvalidJson(err.to_string()),
                found: Found::Nothing,
            });
            return None;
        }
    };
    let mut values = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let before = errors.len();
        if let Some(value) = element.json_value(item.get(), errors) {
            values.push(value);
        }
        for error in errors.iter_mut().skip(before) {
            error.path = format!("[{index}]{}", dotted(&error.path));
        }
    }
    (values.len() == items.len()).then(|| Value::List(Arc::from(values)))
}

/// Collects the raw values of known fields of a JSON object, borrowing
/// keys and values from the input; unknown fields are skipped.
struct ObjectSeed<'s, 'de> {
    fields: &'s [(String, DataType)],
    slots: &'s mut Vec<Option<&'de RawValue>>,
    duplicates: &'s mut Vec<usize>,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_, 'de> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Rows usually list fields in the same order: try the next one first.
        let mut next = 0;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let key = key.0;
            let index = match self.fields.get(next) {
                Some((name, _)) if *name == key => Some(next),
                _ => self.fields.iter().position(|(name, _)| *name == key),
            };
            match index {
                Some(index) => {
                    let value: &'de RawValue = map.next_value()?;
                    match self.slots.get_mut(index) {
                        Some(slot @ None) => *slot = Some(value),
                        Some(Some(_)) => self.duplicates.push(index),
                        None => {}
                    }
                    next = index + 1;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// An object key, borrowed when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

// ---- numbers ---------------------------------------------------------------

/// Parse a plain decimal: `-?[0-9]+(\.[0-9]+)?`, exactly, with at most
/// `max_scale` decimals once trailing zeros are dropped.
pub fn parse_decimal(text: &str, max_scale: Option<u32>) -> Result<Decimal, Problem> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    // Up to 19 digits fit a u64 (the usual case); more go to a u128.
    let mut small: u64 = 0;
    let mut mantissa: u128 = 0;
    let mut scale: u32 = 0;
    let mut seen_point = false;
    let mut int_digits = 0usize;
    let mut frac_digits = 0usize;
    let mut overflow = false;
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                let digit = b - b'0';
                let count = int_digits + frac_digits;
                if count < 19 {
                    small = small * 10 + u64::from(digit);
                } else {
                    if count == 19 {
                        mantissa = u128::from(small);
                    }
                    match mantissa
                        .checked_mul(10)
                        .and_then(|m| m.checked_add(u128::from(digit)))
                    {
                        Some(m) => mantissa = m,
                        None => overflow = true,
                    }
                }
                if seen_point {
                    frac_digits += 1;
                    scale = scale.saturating_add(1);
                } else {
                    int_digits += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => return Err(Problem::Malformed(number_hint(text))),
        }
    }
    if int_digits == 0 || (seen_point && frac_digits == 0) {
        return Err(Problem::Malformed(number_hint(text)));
    }
    if int_digits + frac_digits < 20 {
        mantissa = u128::from(small);
    }
    if overflow {
        return Err(Problem::OutOfRange);
    }
    // Drop trailing zeros beyond what the type keeps: `12.00` is the Int 12.
    let limit = max_scale.unwrap_or(Decimal::MAX_SCALE);
    while scale > limit && mantissa.is_multiple_of(10) {
        mantissa /= 10;
        scale -= 1;
    }
    if scale > limit {
        return Err(match max_scale {
            Some(allowed) => Problem::TooManyDecimals { allowed },
            None => Problem::OutOfRange,
        });
    }
    let signed = i128::try_from(mantissa).map_err(|_| Problem::OutOfRange)?;
    let signed = if negative { -signed } else { signed };
    let mut decimal =
        Decimal::try_from_i128_with_scale(signed, scale).map_err(|_| Problem::OutOfRange)?;
    if decimal.is_zero() {
        decimal.set_sign_positive(true);
    }
    Ok(decimal)
}

/// Guess what a malformed number looks like.
fn number_hint(text: &str) -> Hint {
    // A unit after the number: `30000 kr`, `83.46 %`, `26.5h`.
    let number_end = text
        .char_indices()
        .find(|(_, c)| {
            !(c.is_ascii_digit()
                || matches!(
                    c,
                    '-' | '.' | ',' | ' ' | '\u{a0}' | '\u{202f}' | '_' | '\''
                ))
        })
        .map(|(i, _)| i);
    if let Some(end) = number_end {
        let (number, rest) = text.split_at(end);
        let rest = rest.trim();
        let unit_like = rest == "%"
            || rest.eq_ignore_ascii_case("kr")
            || rest.eq_ignore_ascii_case("sek")
            || rest.eq_ignore_ascii_case("h")
            || rest.eq_ignore_ascii_case("kr.");
        if unit_like && !number.trim().is_empty() {
            let number = number.trim();
            let suggestion = parse_decimal(number, None).ok().map(|_| number.to_string());
            return Hint::Unit(suggestion);
        }
        let exponent = text.contains(['e', 'E'])
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, 'e' | 'E' | '-' | '+' | '.'));
        if exponent {
            return Hint::Exponent;
        }
        return Hint::None;
    }
    if text.starts_with('.') || text.ends_with('.') || text.starts_with("-.") {
        return Hint::BarePoint;
    }
    let commas = text.matches(',').count();
    let points = text.matches('.').count();
    let blanks = text.contains([' ', '\u{a0}', '\u{202f}', '_', '\'']);
    if commas == 1 && points == 0 && !blanks {
        // `12,5`: a decimal comma. (`30,000` is ambiguous; a comma is far
        // more often a decimal separator in Swedish data.)
        let fixed = text.replace(',', ".");
        let suggestion = parse_decimal(&fixed, None).ok().map(|_| fixed);
        return Hint::DecimalComma(suggestion);
    }
    if blanks || commas > 0 {
        let digits: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_' | '\''))
            .collect();
        // `30 000,50` (Swedish) or `30,000.50` (English).
        let fixed = if points == 0 && commas == 1 {
            digits.replace(',', ".")
        } else {
            digits.replace(',', "")
        };
        let suggestion = parse_decimal(&fixed, None).ok().map(|_| fixed);
        return Hint::Separators(suggestion);
    }
    Hint::None
}

/// Rescale `d` to at least `min` decimals; `None` when it needs more than `max`.
fn fit_scale(d: Decimal, min: u32, max: u32) -> Option<Decimal> {
    let mut d = if d.scale() > max { d.normalize() } else { d };
    if d.scale() > max {
        return None;
    }
    if d.scale() < min {
        d.rescale(min);
    }
    Some(d)
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

// ---- dates and booleans ----------------------------------------------------

/// `YYYY-MM-DD`, exactly.
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

fn write_date(date: NaiveDate, out: &mut String) -> fmt::Result {
    if (0..=9999).contains(&date.year()) {
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

/// The text of a JSON string literal. Strings without escapes (nearly all
/// of them) are borrowed; the raw value was validated when it was split
/// off its row.
fn json_string(raw: &str) -> Result<Cow<'_, str>, serde_json::Error> {
    match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) if !inner.contains(['\\', '"']) => Ok(Cow::Borrowed(inner)),
        _ => serde_json::from_str::<String>(raw).map(Cow::Owned),
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

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::result_large_err
)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;
    use crate::diagnostics::messages::data as msg;
    use crate::ir::{EnumInfo, FieldInfo, Meta, RecordInfo};
    use crate::source::{FileId, Span};
    use crate::types::{EnumId, RecordId};

    fn program() -> Program {
        let span = Span::new(FileId(0), 0, 0);
        let field = |name: &str, ty: Type| FieldInfo {
            name: name.into(),
            ty,
            doc: None,
            span,
        };
        Program {
            enums: vec![EnumInfo {
                name: "Avdelning".into(),
                variants: vec!["I".into(), "II".into()],
                meta: Meta::default(),
                span,
            }],
            records: vec![
                RecordInfo {
                    name: "Rad".into(),
                    fields: vec![
                        field("salary", Type::Money),
                        field("division", Type::Enum(EnumId(0))),
                        field("days", Type::List(Box::new(Type::Date))),
                    ],
                    meta: Meta::default(),
                    span,
                },
                RecordInfo {
                    name: "Ut".into(),
                    fields: vec![
                        field("pay", Type::Money),
                        field("note", Type::Text),
                        field("room", Type::LimitCheck(Box::new(Type::Hours))),
                    ],
                    meta: Meta::default(),
                    span,
                },
            ],
            ..Program::default()
        }
    }

    fn ty(t: Type) -> DataType {
        DataType::new(&program(), &t)
    }

    fn number(text: &str) -> Value {
        Value::Number(Number::from_decimal(Decimal::from_str_exact(text).unwrap()))
    }

    fn read(t: Type, text: &str) -> Result<Value, CellError> {
        ty(t).parse_text(text).map_err(|e| *e)
    }

    fn read_error(t: Type, text: &str) -> (CellError, msg::DataMessage) {
        let error = read(t, text).unwrap_err();
        let message = msg::cell(&error);
        (error, message)
    }

    fn write(t: Type, value: &Value) -> Result<String, CellError> {
        let mut out = String::new();
        ty(t)
            .write_cell(value, &mut out)
            .map(|()| out)
            .map_err(|e| *e)
    }

    fn decimal_of(value: &Value) -> Decimal {
        match value {
            Value::Number(n) => n.to_decimal().unwrap(),
            other => panic!("not a number: {other:?}"),
        }
    }

    #[test]
    fn money_reads_exactly() {
        let v = read(Type::Money, "30000.00").unwrap();
        assert_eq!(decimal_of(&v), Decimal::new(3_000_000, 2));
        assert_eq!(
            decimal_of(&read(Type::Money, " -12.5 ").unwrap()),
            Decimal::new(-125, 1)
        );
        assert_eq!(
            decimal_of(&read(Type::Money, "0.1").unwrap()).to_string(),
            "0.1"
        );
        // Trailing zeros beyond the type's decimals are harmless.
        assert_eq!(
            decimal_of(&read(Type::Money, "1.500").unwrap()).to_string(),
            "1.50"
        );
        assert!(read(Type::Money, "-0.00").is_ok());
    }

    #[test]
    fn money_with_too_many_decimals_is_refused() {
        let (error, message) = read_error(Type::Money, "1.005");
        assert_eq!(error.problem, Problem::TooManyDecimals { allowed: 2 });
        assert_eq!(message.code, Code::BadCell);
        assert_eq!(
            message.message,
            "expected money with at most 2 decimals, found \"1.005\""
        );
    }

    #[test]
    fn decimal_comma_is_refused_with_a_help() {
        let (error, message) = read_error(Type::Decimal, "12,5");
        assert_eq!(
            error.problem,
            Problem::Malformed(Hint::DecimalComma(Some("12.5".into())))
        );
        assert_eq!(
            message.message,
            "expected a decimal number like 1.25, found \"12,5\""
        );
        assert_eq!(
            message.help.as_deref(),
            Some("use a point as the decimal separator: `12.5`")
        );
    }

    #[test]
    fn exponent_is_refused() {
        let (error, message) = read_error(Type::Money, "1e3");
        assert_eq!(error.problem, Problem::Malformed(Hint::Exponent));
        assert!(message.help.unwrap().contains("without an exponent"));
        assert!(read(Type::Money, "1E-2").is_err());
    }

    #[test]
    fn thousands_separators_are_refused() {
        let (error, message) = read_error(Type::Money, "30 000");
        assert_eq!(
            error.problem,
            Problem::Malformed(Hint::Separators(Some("30000".into())))
        );
        assert_eq!(
            message.message,
            "expected money like 30000.00, found \"30 000\""
        );
        let (error, _) = read_error(Type::Money, "30,000.50");
        assert_eq!(
            error.problem,
            Problem::Malformed(Hint::Separators(Some("30000.50".into())))
        );
        let (error, _) = read_error(Type::Money, "30\u{a0}000,50");
        assert_eq!(
            error.problem,
            Problem::Malformed(Hint::Separators(Some("30000.50".into())))
        );
    }

    #[test]
    fn units_and_odd_forms_are_refused() {
        let (error, message) = read_error(Type::Money, "30000 kr");
        assert_eq!(
            error.problem,
            Problem::Malformed(Hint::Unit(Some("30000".into())))
        );
        assert!(message.help.unwrap().contains("`30000`"));
        let (error, _) = read_error(Type::Percent, "83.46 %");
        assert_eq!(
            error.problem,
            Problem::Malformed(Hint::Unit(Some("83.46".into())))
        );
        for bad in [
            ".5", "5.", "+5", "--5", "5-", "1.2.3", "abc", "0x10", "NaN", "inf", "١٢",
        ] {
            assert!(read(Type::Decimal, bad).is_err(), "{bad}");
        }
        let (error, message) = read_error(Type::Money, "   ");
        assert_eq!(error.found, Found::Empty);
        assert_eq!(
            message.message,
            "expected money like 30000.00, found an empty cell"
        );
    }

    #[test]
    fn huge_numbers_are_out_of_range_not_a_panic() {
        let (error, _) = read_error(Type::Decimal, &"9".repeat(40));
        assert_eq!(error.problem, Problem::OutOfRange);
        let (error, _) = read_error(Type::Decimal, &format!("0.{}", "1".repeat(29)));
        assert_eq!(error.problem, Problem::OutOfRange);
        assert!(read(Type::Decimal, "79228162514264337593543950335").is_ok());
        assert!(read(Type::Decimal, "-79228162514264337593543950335").is_ok());
        assert!(read(Type::Decimal, "79228162514264337593543950336").is_err());
        let long_zeros = format!("0.1{}", "0".repeat(29));
        assert_eq!(
            decimal_of(&read(Type::Decimal, &long_zeros).unwrap())
                .to_string()
                .len(),
            30
        );
        assert_eq!(
            decimal_of(&read(Type::Decimal, "1234567890123456789").unwrap()).to_string(),
            "1234567890123456789"
        );
        assert_eq!(
            decimal_of(&read(Type::Decimal, "-12345678901234567890.5").unwrap()).to_string(),
            "-12345678901234567890.5"
        );
    }

    #[test]
    fn whole_numbers() {
        assert_eq!(
            decimal_of(&read(Type::Int, "12").unwrap()),
            Decimal::from(12)
        );
        assert_eq!(
            decimal_of(&read(Type::Int, "12.00").unwrap()).to_string(),
            "12"
        );
        assert_eq!(
            decimal_of(&read(Type::Days, "-3").unwrap()),
            Decimal::from(-3)
        );
        let (error, message) = read_error(Type::Int, "12.5");
        assert_eq!(error.problem, Problem::TooManyDecimals { allowed: 0 });
        assert_eq!(
            message.message,
            "expected a whole number like 12, found \"12.5\""
        );
        assert!(read(Type::Months, "6").is_ok());
    }

    #[test]
    fn hours_and_percent() {
        assert_eq!(
            decimal_of(&read(Type::Hours, "26.9").unwrap()).to_string(),
            "26.9"
        );
        assert!(read(Type::Hours, "26.925").is_err());
        assert_eq!(
            decimal_of(&read(Type::Percent, "83.46").unwrap()).to_string(),
            "83.46"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(
            read(Type::Date, "2026-01-31").unwrap(),
            Value::Date(NaiveDate::from_ymd_opt(2026, 1, 31).unwrap())
        );
        let (error, message) = read_error(Type::Date, "2026-02-30");
        assert_eq!(error.problem, Problem::NoSuchDay);
        assert_eq!(
            message.help.as_deref(),
            Some("\"2026-02-30\" is not a day in the calendar")
        );
        let (error, _) = read_error(Type::Date, "31.01.2026");
        assert_eq!(
            error.problem,
            Problem::Malformed(Hint::DateFormat(Some("2026-01-31".into())))
        );
        let (error, _) = read_error(Type::Date, "2026/1/31");
        assert_eq!(
            error.problem,
            Problem::Malformed(Hint::DateFormat(Some("2026-01-31".into())))
        );
        let (error, _) = read_error(Type::Date, "20260131");
        assert_eq!(
            error.problem,
            Problem::Malformed(Hint::DateFormat(Some("2026-01-31".into())))
        );
        assert!(read(Type::Date, "2026-1-31x").is_err());
        assert!(read(Type::Date, "åäö").is_err());
    }

    #[test]
    fn booleans() {
        for (text, value) in [
            ("true", true),
            ("FALSE", false),
            ("True", true),
            ("1", true),
            ("0", false),
        ] {
            assert_eq!(
                read(Type::Bool, text).unwrap(),
                Value::Bool(value),
                "{text}"
            );
        }
        let (_, message) = read_error(Type::Bool, "ja");
        assert_eq!(message.message, "expected `true` or `false`, found \"ja\"");
    }

    #[test]
    fn enums_are_exact_and_list_their_variants() {
        let avdelning = Type::Enum(EnumId(0));
        assert_eq!(read(avdelning.clone(), "II").unwrap(), Value::Variant(1));
        let (error, message) = read_error(avdelning.clone(), "III");
        assert_eq!(message.code, Code::BadEnumValue);
        assert_eq!(message.message, "expected one of `I`, `II`, found \"III\"");
        assert_eq!(error.problem, Problem::UnknownVariant { suggestion: None });
        let (error, message) = read_error(avdelning, "ii");
        assert_eq!(
            error.problem,
            Problem::UnknownVariant {
                suggestion: Some("II".into())
            }
        );
        assert!(message.help.unwrap().starts_with("did you mean `II`?"));
    }

    #[test]
    fn text_is_taken_as_is() {
        assert_eq!(
            read(Type::Text, " Åsa ").unwrap(),
            Value::Text(Arc::from(" Åsa "))
        );
    }

    #[test]
    fn lists_do_not_fit_a_cell() {
        let (error, _) = read_error(Type::List(Box::new(Type::Int)), "[1]");
        assert_eq!(error.problem, Problem::NotInCell);
    }

    #[test]
    fn money_and_percent_print_two_decimals_never_minus_zero() {
        assert_eq!(write(Type::Money, &number("197")).unwrap(), "197.00");
        assert_eq!(write(Type::Money, &number("0")).unwrap(), "0.00");
        assert_eq!(write(Type::Money, &number("-0.000")).unwrap(), "0.00");
        let mut minus_zero = Decimal::new(0, 2);
        minus_zero.set_sign_negative(true);
        let v = Value::Number(Number::from_decimal(minus_zero));
        assert_eq!(write(Type::Money, &v).unwrap(), "0.00");
        assert_eq!(write(Type::Percent, &number("4.6")).unwrap(), "4.60");
        assert_eq!(write(Type::Money, &number("-12.5")).unwrap(), "-12.50");
    }

    #[test]
    fn inexact_values_are_errors_not_rounded() {
        let error = write(Type::Money, &number("0.125")).unwrap_err();
        assert_eq!(error.problem, Problem::NotExact { allowed: Some(2) });
        let message = msg::cell(&error);
        assert_eq!(message.code, Code::NotExact);
        assert_eq!(
            message.message,
            "the value 0.125 cannot be written as money with at most 2 decimals"
        );
        assert!(write(Type::Int, &number("1.5")).is_err());
        assert!(write(Type::Hours, &number("1.125")).is_err());
    }

    #[test]
    fn other_scalars_print_plainly() {
        assert_eq!(write(Type::Int, &number("12.00")).unwrap(), "12");
        assert_eq!(write(Type::Days, &number("-3")).unwrap(), "-3");
        assert_eq!(write(Type::Hours, &number("123.4")).unwrap(), "123.4");
        assert_eq!(write(Type::Hours, &number("173.10")).unwrap(), "173.10");
        assert_eq!(write(Type::Hours, &number("200")).unwrap(), "200.0");
        assert_eq!(write(Type::Hours, &number("-0.0")).unwrap(), "0.0");
        assert_eq!(write(Type::Decimal, &number("1.250")).unwrap(), "1.250");
        assert_eq!(write(Type::Decimal, &number("0.0005")).unwrap(), "0.0005");
        assert_eq!(write(Type::Decimal, &number("-0.05")).unwrap(), "-0.05");
        assert_eq!(
            write(Type::Decimal, &number("79228162514264337593543950335")).unwrap(),
            "79228162514264337593543950335"
        );
        assert_eq!(
            write(Type::Decimal, &number("-7.9228162514264337593543950335")).unwrap(),
            "-7.9228162514264337593543950335"
        );
        assert_eq!(
            write(Type::Decimal, &number("0.0000000000000000000000000001")).unwrap(),
            "0.0000000000000000000000000001"
        );
        assert_eq!(write(Type::Bool, &Value::Bool(true)).unwrap(), "true");
        let date = Value::Date(NaiveDate::from_ymd_opt(2027, 2, 28).unwrap());
        assert_eq!(write(Type::Date, &date).unwrap(), "2027-02-28");
        assert_eq!(
            write(Type::Enum(EnumId(0)), &Value::Variant(1)).unwrap(),
            "II"
        );
        assert!(write(Type::Enum(EnumId(0)), &Value::Variant(7)).is_err());
        assert!(write(Type::Money, &Value::Bool(true)).is_err());
    }

    #[test]
    fn every_type_round_trips_through_text() {
        let cases = [
            (Type::Money, "30000.00"),
            (Type::Percent, "83.46"),
            (Type::Hours, "26.9"),
            (Type::Decimal, "0.046"),
            (Type::Int, "-12"),
            (Type::Days, "30"),
            (Type::Months, "6"),
            (Type::Date, "2026-01-01"),
            (Type::Bool, "false"),
            (Type::Text, "semesterlönegaranti, \"VA\""),
            (Type::Enum(EnumId(0)), "I"),
        ];
        for (t, text) in cases {
            let value = read(t.clone(), text).unwrap();
            assert_eq!(write(t, &value).unwrap(), text);
        }
    }

    fn row_type() -> DataType {
        ty(Type::Record(RecordId(0)))
    }

    #[test]
    fn json_rows_take_strings_and_exact_numbers() {
        let row = row_type()
            .parse_json_text(r#"{"extra": {"x": [1]}, "days": ["2026-01-01"], "division": "II", "salary": 30000.10}"#)
            .unwrap();
        let Value::Record(fields) = row else { panic!() };
        assert_eq!(decimal_of(&fields[0]).to_string(), "30000.10");
        assert_eq!(fields[1], Value::Variant(1));
        let row = row_type()
            .parse_json_text(r#"{"salary": "0.1234", "division": "I", "days": []}"#)
            .unwrap_err();
        assert_eq!(row.len(), 1);
        assert_eq!(row[0].path, "salary");
        assert_eq!(row[0].problem, Problem::TooManyDecimals { allowed: 2 });
        // Digits beyond f64's precision survive.
        let d = ty(Type::Decimal);
        let raw: &RawValue = serde_json::from_str("0.1234567890123456789").unwrap();
        assert_eq!(
            decimal_of(&d.parse_json(raw).unwrap()).to_string(),
            "0.1234567890123456789"
        );
    }

    #[test]
    fn json_rows_report_every_problem_with_its_path() {
        let errors = row_type()
            .parse_json_text(r#"{"salary": null, "days": ["2026-01-01", "2026-02-30", 5]}"#)
            .unwrap_err();
        let summary: Vec<(String, Code)> = errors
            .iter()
            .map(|e| (e.path.clone(), msg::cell(e).code))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("salary".to_string(), Code::BadCell),
                ("division".to_string(), Code::MissingInputField),
                ("days[1]".to_string(), Code::BadCell),
                ("days[2]".to_string(), Code::BadCell),
            ]
        );
        assert_eq!(
            msg::cell(&errors[0]).message,
            "expected money like 30000.00, found null"
        );
        assert_eq!(
            msg::cell(&errors[1]).message,
            "the row has no field `division`"
        );
    }

    #[test]
    fn malformed_json_rows() {
        for line in ["{", "[1, 2]", "12", "{\"salary\": 1,}", "", "{} x", "{}{}"] {
            let errors = row_type().parse_json_text(line).unwrap_err();
            assert!(!errors.is_empty(), "{line}");
            let code = msg::cell(&errors[0]).code;
            assert!(
                matches!(code, Code::MalformedRow | Code::BadCell),
                "{line}: {code}"
            );
        }
        let errors = row_type()
            .parse_json_text(r#"{"salary": "1.00", "salary": "2.00", "division": "I", "days": []}"#)
            .unwrap_err();
        assert_eq!(errors[0].problem, Problem::Duplicate);
    }

    #[test]
    fn json_scalars() {
        let parse = |t: Type, text: &str| {
            let raw: &RawValue = serde_json::from_str(text).unwrap();
            ty(t).parse_json(raw)
        };
        assert_eq!(parse(Type::Bool, "true").unwrap(), Value::Bool(true));
        assert_eq!(parse(Type::Bool, "\"false\"").unwrap(), Value::Bool(false));
        assert_eq!(
            decimal_of(&parse(Type::Int, "12").unwrap()),
            Decimal::from(12)
        );
        assert_eq!(
            decimal_of(&parse(Type::Int, "\"12\"").unwrap()),
            Decimal::from(12)
        );
        assert!(parse(Type::Money, "1e3").is_err());
        assert!(parse(Type::Date, "20260101").is_err());
        assert_eq!(
            parse(Type::Text, "\"a\\nb\"").unwrap(),
            Value::Text(Arc::from("a\nb"))
        );
        assert!(parse(Type::Money, "{}").is_err());
    }

    #[test]
    fn json_output() {
        let out_type = ty(Type::Record(RecordId(1)));
        let value = Value::Record(Arc::from(vec![
            number("-0"),
            Value::Text(Arc::from("rad 1\n\"citat\"")),
            Value::Record(Arc::from(vec![
                number("210.5"),
                number("200"),
                number("-10.5"),
                Value::Bool(true),
            ])),
        ]));
        let mut out = String::new();
        out_type.write_json(&value, &mut out).unwrap();
        assert_eq!(
            out,
            r#"{"pay":"0.00","note":"rad 1\n\"citat\"","room":{"used":"210.5","bound":"200.0","room":"-10.5","violated":true}}"#
        );
        let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed["room"]["violated"], true);
        // A nested value that does not fit names its path.
        let bad = Value::Record(Arc::from(vec![
            number("1"),
            Value::Text(Arc::from("")),
            Value::Record(Arc::from(vec![
                number("0.001"),
                number("1"),
                number("1"),
                Value::Bool(false),
            ])),
        ]));
        let error = out_type.write_json(&bad, &mut String::new()).unwrap_err();
        assert_eq!(error.path, "room.used");
    }
}
