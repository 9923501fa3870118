//! What `avtal diff` found, as plain data: the one value the text summary,
//! `--format json` and the HTML report are rendered from. Built by
//! `summary.rs` at the end of the run; serialises as the JSON report.

use avtal_compiler::eval::Value;
use serde::Serialize;

use super::histogram::Bar;

#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    pub old: String,
    pub new: String,
    pub input: String,
    pub entry: String,
    /// The `--set` and `--set-old` arguments, as written (`NEW: name@date=value`).
    pub overrides: Vec<String>,
    /// Data rows read, bad ones included.
    pub rows: u64,
    /// Rows that could not be read (the same errors as `avtal run`).
    pub bad_rows: u64,
    /// Rows both versions computed; every per-field count below is of these.
    pub computed_by_both: u64,
    /// Rows that fail in OLD but not in NEW.
    pub gained: u64,
    /// Rows that fail in NEW but not in OLD.
    pub lost: u64,
    pub failed_in_both: u64,
    /// Rows computed by both with at least one output field changed.
    pub records_changed: u64,
    pub records_unchanged: u64,
    pub fields: Vec<FieldReport>,
    pub groups: Option<GroupReport>,
    /// The first rows that fail in exactly one version (all of them are in
    /// `--changes`).
    pub failed_in_one: Vec<FailedRow>,
}

/// One output field (a leaf of the output record, `a.b` when nested).
#[derive(Debug, Clone, Serialize)]
pub struct FieldReport {
    pub name: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub numeric: bool,
    pub changed: u64,
    pub unchanged: u64,
    pub gained: u64,
    pub lost: u64,
    pub increased: u64,
    pub decreased: u64,
    /// Sum of NEW − OLD over the rows both computed, exact, in the field's
    /// unit (`null` for fields that are not numbers, or on overflow).
    pub total_change: Option<String>,
    pub total_overflow: bool,
    /// Numbers: the largest changes by size; others: the first changes.
    pub largest: Vec<Change>,
    pub histogram: Vec<Bar>,
}

/// One changed value of one record.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub row: u64,
    pub key: Vec<KeyCell>,
    pub old: String,
    pub new: String,
    pub difference: Option<String>,
    /// The input record, kept for explanations in the HTML report.
    #[serde(skip)]
    pub input: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyCell {
    pub field: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupReport {
    /// The input field grouped by (`--by`).
    pub by: String,
    pub groups: Vec<Group>,
    /// Rows whose group was not kept because there were too many groups.
    pub rows_in_other_groups: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub value: String,
    /// Good input rows in this group.
    pub rows: u64,
    pub records_changed: u64,
    pub gained: u64,
    pub lost: u64,
    pub fields: Vec<GroupField>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupField {
    pub name: String,
    pub changed: u64,
    pub total_change: Option<String>,
    pub total_overflow: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FailedRow {
    pub row: u64,
    pub line: u64,
    pub key: Vec<KeyCell>,
    /// `OLD` or `NEW`: the version in which the row fails.
    pub fails_in: &'static str,
    pub code: String,
    pub message: String,
}

impl FieldReport {
    /// True when the field changed anywhere or differs in success.
    pub fn has_changes(&self) -> bool {
        self.changed > 0
    }
}

impl DiffReport {
    /// The fields that changed somewhere, in output order.
    pub fn changed_fields(&self) -> impl Iterator<Item = &FieldReport> {
        self.fields.iter().filter(|f| f.has_changes())
    }
}

/// `+12.50` for increases; `-3.00` stays as it is.
pub fn signed(text: &str) -> String {
    if text.starts_with('-') || text.chars().all(|c| c == '0' || c == '.') {
        text.to_string()
    } else {
        format!("+{text}")
    }
}
