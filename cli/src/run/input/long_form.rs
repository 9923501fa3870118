//! Long-form CSV records from their groups of rows (`groups.rs` groups
//! them): the record's own fields read from its first row, one list
//! element per row, every problem at its row, and the rows of the
//! elements given to the batch, so that an evaluation error naming an
//! element (`shifts[2]`) is reported at that element's row. The sequential
//! reader (`CsvRows`) and the workers of the chunked pipeline
//! (`parallel/worker.rs`) read a group the same way, here.

use avtal_compiler::data::DataType;
use avtal_compiler::eval::Value;
use avtal_engine::{InputBatch, InputCodec};

use super::super::report::RowError;
use super::groups::Group;

/// What reading a group needs to know of the header.
#[derive(Debug)]
pub(crate) struct LongShape {
    /// For each of the record's own fields: its name, type and column.
    pub fields: Vec<(String, DataType, usize)>,
    /// The list field's index in the input record, and its name.
    pub list: usize,
    pub list_name: String,
    /// For each field of the list's elements: its column's name, its type
    /// and the column's index.
    pub elements: Vec<(String, DataType, usize)>,
}

impl LongShape {
    /// Add the record of `group` to `batch`: its value with the rows of
    /// its elements, or its problems.
    pub(crate) fn push_group(&self, codec: &InputCodec, batch: &mut InputBatch, group: &Group) {
        match self.value(group) {
            Ok(value) => {
                codec.push_value(batch, value);
                let places = group.rows.iter().map(|(_, place)| *place);
                batch.place_elements(&self.list_name, places);
            }
            Err(errors) => codec.push_unreadable(batch, errors),
        }
    }

    /// The record of a long-form group: its own fields from its first
    /// row, one list element per row (none for a lone row whose element
    /// cells are all blank), every problem of the group and its cells at
    /// its row.
    pub(crate) fn value(&self, group: &Group) -> Result<Value, Vec<RowError>> {
        let Some((first, _)) = group.rows.first() else {
            return Err(group.errors.clone());
        };
        let blank = |record: &csv::ByteRecord| {
            self.elements.iter().all(|(_, _, column)| {
                record
                    .get(*column)
                    .unwrap_or_default()
                    .iter()
                    .all(u8::is_ascii_whitespace)
            })
        };
        let no_elements = group.rows.len() == 1 && blank(first);
        let elements = group
            .rows
            .iter()
            .filter(|_| !no_elements)
            .map(|(record, place)| {
                avtal_engine::read_fields(self.elements.iter().map(|(name, ty, column)| {
                    (name.as_str(), ty, record.get(*column).unwrap_or_default())
                }))
                .map_err(|errors| errors.into_iter().map(|e| e.at(*place)).collect())
            });
        let read = avtal_engine::read_with_list(
            self.fields.iter().map(|(name, ty, column)| {
                (name.as_str(), ty, first.get(*column).unwrap_or_default())
            }),
            self.list,
            elements,
        );
        if group.errors.is_empty() {
            return read;
        }
        let mut errors = group.errors.clone();
        errors.extend(read.err().unwrap_or_default());
        // In row order; a record's own problems (at its first row) first.
        errors.sort_by_key(|error| error.row.map_or(group.place.number, |at| at.number));
        Err(errors)
    }
}
