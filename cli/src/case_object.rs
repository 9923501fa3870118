//! One JSON object given as a whole record (`avtal explain --case`, a
//! single record posted to `avtal serve`): a key that names no field is
//! refused before the object is read, so a misspelt field is reported as
//! itself rather than as the field it was meant to be, missing.

use std::collections::BTreeMap;

use avtal_compiler::data::{DataType, Expected};
use avtal_compiler::diagnostics::messages::data::{self as msg, DataMessage};
use serde_json::value::RawValue;

/// The first key of `json` that is not a field of `input`, with the
/// message naming the record's fields. `None` when every key is a field,
/// or when `json` is not an object (the reader reports that).
pub(crate) fn unknown_field(json: &str, input: &DataType) -> Option<(String, DataMessage)> {
    let object = serde_json::from_str::<BTreeMap<String, Box<RawValue>>>(json).ok()?;
    let fields: Vec<String> = input
        .record_fields()
        .unwrap_or(&[])
        .iter()
        .map(|(name, _)| name.clone())
        .collect();
    let unknown = object.keys().find(|key| !fields.contains(key))?;
    let record = match input.expected() {
        Expected::Record(name) => name,
        _ => "the input".to_string(),
    };
    let message = msg::unknown_case_field(unknown, &record, &fields);
    Some((unknown.clone(), message))
}
