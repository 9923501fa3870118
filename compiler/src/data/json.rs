//! Reading JSON into a [`Value`] of a known type: one value, or one JSON
//! Lines row in a single pass. Numbers keep their exact text (through
//! `RawValue`), strings are read like cells, records are objects (unknown
//! fields skipped) and lists arrays; every problem is reported with its
//! path (`absences[2].from`).
//!
//! Writing JSON is in `format.rs`.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::problems::{dotted, join_path, shorten};
use super::{CellError, DataType, Expected, Found, Hint, Kind, Problem};
use crate::eval::Value;

impl DataType {
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
                // Field names are NFC: so is the key, to find it.
                _ => {
                    let key = super::data_name(&key);
                    self.fields.iter().position(|(name, _)| *name == *key)
                }
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

/// The text of a JSON string literal. Strings without escapes (nearly all
/// of them) are borrowed; the raw value was validated when it was split
/// off its row.
fn json_string(raw: &str) -> Result<Cow<'_, str>, serde_json::Error> {
    match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) if !inner.contains(['\\', '"']) => Ok(Cow::Borrowed(inner)),
        _ => serde_json::from_str::<String>(raw).map(Cow::Owned),
    }
}
