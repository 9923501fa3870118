//! Comparing OLD's and NEW's results record by record, and keeping only
//! what the report needs: counts, exact totals, the top changes per field
//! (a bounded heap), histograms with fixed buckets and per-group totals.
//! Memory depends on the number of output fields, `--top` and the number
//! of groups (at most `MAX_GROUPS`), never on the number of rows.
//!
//! Differences and totals are exact [`Number`]s (`checked_sub`,
//! `checked_add`); an overflow marks the total as such instead of wrapping
//! or rounding.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};

use avtal_compiler::data::{DataType, Kind};
use avtal_compiler::diagnostics::messages::data::DataMessage;
use avtal_compiler::eval::{Number, Value};

use super::changes::ChangesFile;
use super::histogram::{Magnitudes, Transitions};
use super::report::{
    Change, DiffReport, FailedRow, FieldReport, Group, GroupField, GroupReport, KeyCell,
};
use crate::run::output::{Column, field_at, flatten};
use crate::term::Failure;

/// At most this many distinct `--by` values are reported; rows of further
/// values are counted together, which keeps memory bounded.
pub const MAX_GROUPS: usize = 1000;

/// How many rows failing in exactly one version the report lists.
const FAILED_SHOWN: usize = 10;

/// What the summary is told about the run, for the report's header.
pub struct Header {
    pub old: String,
    pub new: String,
    pub input: String,
    pub entry: String,
    pub overrides: Vec<String>,
}

pub struct Summary {
    columns: Vec<Column>,
    fields: Vec<FieldStats>,
    input_fields: Vec<(String, DataType)>,
    /// Indices of the input fields that identify a row in listings.
    key_fields: Vec<usize>,
    by: Option<usize>,
    top: usize,
    groups: Vec<GroupStats>,
    group_index: HashMap<String, usize>,
    rows_in_other_groups: u64,
    counts: Counts,
    failed_in_one: Vec<FailedRow>,
    buffer: String,
}

#[derive(Default)]
struct Counts {
    rows: u64,
    bad_rows: u64,
    computed_by_both: u64,
    gained: u64,
    lost: u64,
    failed_in_both: u64,
    records_changed: u64,
}

struct FieldStats {
    numeric: bool,
    changed: u64,
    unchanged: u64,
    increased: u64,
    decreased: u64,
    /// `None` once a sum or a difference overflowed.
    total: Option<Number>,
    largest: BinaryHeap<Reverse<Ranked>>,
    first: Vec<Change>,
    magnitudes: Magnitudes,
    transitions: Transitions,
}

/// A change ranked by its size; ties go to the earlier row.
struct Ranked {
    size: Number,
    change: Change,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Ranked) -> Ordering {
        self.size
            .cmp(&other.size)
            .then_with(|| other.change.row.cmp(&self.change.row))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Ranked) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Ranked) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

struct GroupStats {
    value: String,
    rows: u64,
    records_changed: u64,
    gained: u64,
    lost: u64,
    /// Per output field: changed records and the total change.
    fields: Vec<(u64, Option<Number>)>,
}

impl Summary {
    pub fn new(
        input: &DataType,
        output: &DataType,
        key_fields: Vec<usize>,
        by: Option<usize>,
        top: usize,
    ) -> Summary {
        let mut columns = Vec::new();
        flatten(output, "", &mut Vec::new(), &mut columns);
        let fields = columns
            .iter()
            .map(|column| FieldStats {
                numeric: is_numeric(&column.ty),
                changed: 0,
                unchanged: 0,
                increased: 0,
                decreased: 0,
                total: Some(Number::ZERO),
                largest: BinaryHeap::new(),
                first: Vec::new(),
                magnitudes: Magnitudes::new(),
                transitions: Transitions::default(),
            })
            .collect();
        Summary {
            columns,
            fields,
            input_fields: input.record_fields().unwrap_or(&[]).to_vec(),
            key_fields,
            by,
            top,
            groups: Vec::new(),
            group_index: HashMap::new(),
            rows_in_other_groups: 0,
            counts: Counts::default(),
            failed_in_one: Vec::new(),
            buffer: String::new(),
        }
    }

    /// The names of the key fields, for the `--changes` header.
    pub fn key_names(&self) -> Vec<String> {
        self.key_fields
            .iter()
            .filter_map(|&i| self.input_fields.get(i).map(|(name, _)| name.clone()))
            .collect()
    }

    /// A row that could not be read.
    pub fn add_bad_row(&mut self) {
        self.counts.rows += 1;
        self.counts.bad_rows += 1;
    }

    /// A row that failed in both versions.
    pub fn add_failed_in_both(&mut self, input: &Value) {
        self.counts.rows += 1;
        self.counts.failed_in_both += 1;
        self.group_of(input);
    }

    /// A row that fails in `fails_in` (`OLD` or `NEW`) and not in the other.
    pub fn add_failed_in_one(
        &mut self,
        row: u64,
        line: u64,
        input: &Value,
        fails_in: &'static str,
        message: &DataMessage,
        changes: Option<&mut ChangesFile>,
    ) -> Result<(), Failure> {
        self.counts.rows += 1;
        let gained = fails_in == "OLD";
        if gained {
            self.counts.gained += 1;
        } else {
            self.counts.lost += 1;
        }
        if let Some(group) = self.group_of(input).and_then(|g| self.groups.get_mut(g)) {
            if gained {
                group.gained += 1;
            } else {
                group.lost += 1;
            }
        }
        let key = self.key_cells(input);
        if let Some(changes) = changes {
            changes.write_failed(row, &key, fails_in, message)?;
        }
        if self.failed_in_one.len() < FAILED_SHOWN {
            self.failed_in_one.push(FailedRow {
                row,
                line,
                key,
                fails_in,
                code: message.code.to_string(),
                message: message.message.clone(),
            });
        }
        Ok(())
    }

    /// A row both versions computed: compare every output field.
    pub fn add_both(
        &mut self,
        row: u64,
        input: &Value,
        old: &Value,
        new: &Value,
        mut changes: Option<&mut ChangesFile>,
    ) -> Result<(), Failure> {
        self.counts.rows += 1;
        self.counts.computed_by_both += 1;
        let group = self.group_of(input);
        let mut key: Option<Vec<KeyCell>> = None;
        let mut record_changed = false;
        for (index, column) in self.columns.iter().enumerate() {
            let (Some(old_value), Some(new_value), Some(stats)) = (
                field_at(old, &column.path),
                field_at(new, &column.path),
                self.fields.get_mut(index),
            ) else {
                continue;
            };
            let difference = match (old_value.as_number(), new_value.as_number()) {
                (Some(o), Some(n)) if stats.numeric => {
                    if o == n {
                        stats.unchanged += 1;
                        continue;
                    }
                    Some(n.checked_sub(o).ok())
                }
                _ => {
                    if old_value == new_value {
                        stats.unchanged += 1;
                        continue;
                    }
                    None
                }
            };
            record_changed = true;
            stats.changed += 1;
            let group_field = group
                .and_then(|g| self.groups.get_mut(g))
                .and_then(|g| g.fields.get_mut(index));
            if let Some(group_field) = group_field {
                group_field.0 += 1;
                group_field.1 = add_to_total(group_field.1.take(), difference.as_ref());
            }
            stats.total = add_to_total(stats.total.take(), difference.as_ref());
            if let Some(Some(d)) = &difference {
                if d.is_negative() {
                    stats.decreased += 1;
                } else {
                    stats.increased += 1;
                }
                stats.magnitudes.add(d);
            }
            let wanted_for_top = match &difference {
                Some(Some(d)) => {
                    stats.largest.len() < self.top
                        || stats
                            .largest
                            .peek()
                            .is_some_and(|Reverse(min)| d.abs() > min.size)
                }
                Some(None) => false,
                None => stats.first.len() < self.top,
            };
            let transition = !stats.numeric;
            if !(wanted_for_top || transition || changes.is_some()) {
                continue;
            }
            let old_text = cell_text(&column.ty, old_value);
            let new_text = cell_text(&column.ty, new_value);
            let difference_text = match &difference {
                Some(Some(d)) => Some(cell_text(&column.ty, &Value::Number(d.clone()))),
                Some(None) => Some("overflow".to_string()),
                None => None,
            };
            if transition {
                stats.transitions.add(&old_text, &new_text);
            }
            let key =
                key.get_or_insert_with(|| key_cells(&self.input_fields, &self.key_fields, input));
            if let Some(changes) = changes.as_deref_mut() {
                changes.write_change(
                    row,
                    key,
                    &column.name,
                    &old_text,
                    &new_text,
                    difference_text.as_deref(),
                )?;
            }
            if !wanted_for_top {
                continue;
            }
            let change = Change {
                row,
                key: key.clone(),
                old: old_text,
                new: new_text,
                difference: difference_text,
                input: Some(input.clone()),
            };
            match difference {
                Some(Some(d)) => {
                    stats.largest.push(Reverse(Ranked {
                        size: d.abs(),
                        change,
                    }));
                    if stats.largest.len() > self.top {
                        stats.largest.pop();
                    }
                }
                _ => stats.first.push(change),
            }
        }
        if record_changed {
            self.counts.records_changed += 1;
            if let Some(group) = group.and_then(|g| self.groups.get_mut(g)) {
                group.records_changed += 1;
            }
        }
        Ok(())
    }

    fn key_cells(&self, input: &Value) -> Vec<KeyCell> {
        key_cells(&self.input_fields, &self.key_fields, input)
    }

    /// The group of a good input row, counting the row in it.
    fn group_of(&mut self, input: &Value) -> Option<usize> {
        let by = self.by?;
        let (_, ty) = self.input_fields.get(by)?;
        let value = field_at(input, &[by])?;
        self.buffer.clear();
        if ty.write_cell(value, &mut self.buffer).is_err() {
            self.buffer.push('?');
        }
        let index = match self.group_index.get(self.buffer.as_str()) {
            Some(index) => *index,
            None if self.groups.len() < MAX_GROUPS => {
                let index = self.groups.len();
                self.groups.push(GroupStats {
                    value: self.buffer.clone(),
                    rows: 0,
                    records_changed: 0,
                    gained: 0,
                    lost: 0,
                    fields: vec![(0, Some(Number::ZERO)); self.columns.len()],
                });
                self.group_index.insert(self.buffer.clone(), index);
                index
            }
            None => {
                self.rows_in_other_groups += 1;
                return None;
            }
        };
        if let Some(group) = self.groups.get_mut(index) {
            group.rows += 1;
        }
        Some(index)
    }

    pub fn any_row_failed(&self) -> bool {
        let c = &self.counts;
        c.bad_rows + c.gained + c.lost + c.failed_in_both > 0
    }

    /// The report, with groups sorted by their value.
    pub fn finish(self, header: Header) -> DiffReport {
        let counts = self.counts;
        let fields: Vec<FieldReport> = self
            .columns
            .iter()
            .zip(self.fields)
            .map(|(column, stats)| {
                let histogram = if stats.numeric {
                    stats.magnitudes.bars()
                } else {
                    stats.transitions.bars()
                };
                let mut largest: Vec<Change> = stats
                    .largest
                    .into_sorted_vec()
                    .into_iter()
                    .map(|Reverse(ranked)| ranked.change)
                    .collect();
                largest.extend(stats.first);
                FieldReport {
                    name: column.name.clone(),
                    type_: type_name(&column.ty),
                    numeric: stats.numeric,
                    changed: stats.changed,
                    unchanged: stats.unchanged,
                    gained: counts.gained,
                    lost: counts.lost,
                    increased: stats.increased,
                    decreased: stats.decreased,
                    total_change: total_text(&column.ty, stats.numeric, stats.total.as_ref()),
                    total_overflow: stats.numeric && stats.total.is_none(),
                    largest,
                    histogram,
                }
            })
            .collect();
        let groups = self.by.and_then(|by| {
            let (by_name, _) = self.input_fields.get(by)?;
            let mut groups: Vec<Group> = self
                .groups
                .into_iter()
                .map(|g| Group {
                    value: g.value,
                    rows: g.rows,
                    records_changed: g.records_changed,
                    gained: g.gained,
                    lost: g.lost,
                    fields: self
                        .columns
                        .iter()
                        .zip(&fields)
                        .zip(g.fields)
                        .map(|((column, field), (changed, total))| GroupField {
                            name: column.name.clone(),
                            changed,
                            total_change: total_text(&column.ty, field.numeric, total.as_ref()),
                            total_overflow: field.numeric && total.is_none(),
                        })
                        .collect(),
                })
                .collect();
            groups.sort_by(|a, b| natural_order(&a.value, &b.value));
            Some(GroupReport {
                by: by_name.clone(),
                groups,
                rows_in_other_groups: self.rows_in_other_groups,
            })
        });
        DiffReport {
            old: header.old,
            new: header.new,
            input: header.input,
            entry: header.entry,
            overrides: header.overrides,
            rows: counts.rows,
            bad_rows: counts.bad_rows,
            computed_by_both: counts.computed_by_both,
            gained: counts.gained,
            lost: counts.lost,
            failed_in_both: counts.failed_in_both,
            records_changed: counts.records_changed,
            records_unchanged: counts
                .computed_by_both
                .saturating_sub(counts.records_changed),
            fields,
            groups,
            failed_in_one: self.failed_in_one,
        }
    }
}

/// Add a difference to a running total; `None` (overflow) stays `None`,
/// and a difference that overflowed makes it `None`. Non-numeric fields
/// (`difference` is `None`) leave it as it is.
fn add_to_total(total: Option<Number>, difference: Option<&Option<Number>>) -> Option<Number> {
    match difference {
        None => total,
        Some(None) => None,
        Some(Some(d)) => total?.checked_add(d).ok(),
    }
}

fn key_cells(fields: &[(String, DataType)], keys: &[usize], input: &Value) -> Vec<KeyCell> {
    keys.iter()
        .filter_map(|&i| {
            let (name, ty) = fields.get(i)?;
            let value = field_at(input, &[i])?;
            Some(KeyCell {
                field: name.clone(),
                value: cell_text(ty, value),
            })
        })
        .collect()
}

/// A value as it would be written by `avtal run`.
pub fn cell_text(ty: &DataType, value: &Value) -> String {
    let mut out = String::new();
    if ty.write_cell(value, &mut out).is_err() {
        // Only a sum too large for a decimal gets here: its exact digits.
        out = match value {
            Value::Number(n) => n.to_string(),
            other => format!("{other:?}"),
        };
    }
    out
}

fn total_text(ty: &DataType, numeric: bool, total: Option<&Number>) -> Option<String> {
    if !numeric {
        return None;
    }
    total.map(|t| cell_text(ty, &Value::Number(t.clone())))
}

pub fn is_numeric(ty: &DataType) -> bool {
    matches!(
        ty.kind(),
        Kind::Int
            | Kind::Days
            | Kind::Months
            | Kind::Decimal
            | Kind::Money
            | Kind::Percent
            | Kind::Hours
            | Kind::Rate
    )
}

pub fn type_name(ty: &DataType) -> String {
    match ty.kind() {
        Kind::Enum { name, .. } | Kind::Record { name, .. } | Kind::Unsupported(name) => {
            name.clone()
        }
        Kind::List(inner) => format!("List<{}>", type_name(inner)),
        other => format!("{other:?}"),
    }
}

/// Numbers by value (`2` before `10`), then text.
fn natural_order(a: &str, b: &str) -> Ordering {
    match (a.parse::<i128>(), b.parse::<i128>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "tests state their expectations with unwrap"
)]
mod tests {
    use super::*;

    #[test]
    fn a_total_that_overflows_is_reported_not_wrapped() {
        let huge = Number::from_fraction(i128::MAX, 1).unwrap();
        let one = Number::from_i64(1);
        let total = add_to_total(Some(huge.clone()), Some(&Some(Number::from_i64(0))));
        assert_eq!(total, Some(huge.clone()));
        assert_eq!(add_to_total(Some(huge), Some(&Some(one.clone()))), None);
        // Once overflowed, it stays so; a difference that overflowed too.
        assert_eq!(add_to_total(None, Some(&Some(one.clone()))), None);
        assert_eq!(add_to_total(Some(one.clone()), Some(&None)), None);
        // Fields that are not numbers leave the total alone.
        assert_eq!(add_to_total(Some(one.clone()), None), Some(one));
    }

    #[test]
    fn groups_sort_numbers_by_value() {
        let mut values = vec!["10", "9", "II", "I", "100"];
        values.sort_by(|a, b| natural_order(a, b));
        assert_eq!(values, ["9", "10", "100", "I", "II"]);
    }
}
