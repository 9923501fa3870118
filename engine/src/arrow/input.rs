//! [`ArrowInput`]: the rows of Arrow record batches into an
//! [`InputBatch`], column by column where the compiled layout allows it.

use std::ops::Range;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::Schema;

use super::cells::read_cell;
use super::fast;
use crate::input::{InputBatch, InputCodec, Pending};
use crate::results::FieldError;
use avtal_compiler::data::{DataType, Expected};
use avtal_compiler::diagnostics::messages::data::{self as msg, DataMessage};
use avtal_compiler::eval::Value;

/// The input record's fields bound to the columns of one schema.
#[derive(Debug)]
pub struct ArrowInput {
    record: DataType,
    /// Per input field, its column in the schema.
    columns: Vec<usize>,
    /// Per row of the range being read: where its record went in the
    /// slots, or `None` for the general path (reused buffer).
    places: Vec<Option<usize>>,
}

impl ArrowInput {
    /// Bind the fields of the input record `record` to the columns of
    /// `schema` by name; extra columns are ignored. A missing or doubled
    /// column is a setup error, as in a CSV header.
    pub fn bind(record: &DataType, schema: &Schema) -> Result<ArrowInput, DataMessage> {
        let record = record.clone();
        let fields = record.record_fields().unwrap_or(&[]);
        // Column names in NFC, as the sources' names are (`data_name`).
        let header: Vec<String> = schema
            .fields()
            .iter()
            .map(|f| avtal_compiler::data::data_name(f.name()).into_owned())
            .collect();
        let mut columns = Vec::with_capacity(fields.len());
        let mut missing = Vec::new();
        for (name, _) in fields {
            let mut found = header.iter().enumerate().filter(|(_, h)| *h == name);
            match (found.next(), found.next()) {
                (Some(_), Some(_)) => return Err(msg::duplicate_column(name)),
                (Some((index, _)), None) => columns.push(index),
                (None, _) => missing.push(name.clone()),
            }
        }
        if !missing.is_empty() {
            let record_name = match record.expected() {
                Expected::Record(name) => name,
                _ => "the input".to_string(),
            };
            return Err(msg::missing_columns(&record_name, &missing, &header));
        }
        Ok(ArrowInput {
            record,
            columns,
            places: Vec::new(),
        })
    }

    /// Add rows `rows` of `columns` (a batch of the schema bound) to
    /// `batch`, one record per row, in order: straight into the slots
    /// column by column where every field is a scalar slot, else each row
    /// read as a value; a row that cannot be read keeps its errors.
    pub fn push_rows(
        &mut self,
        codec: &InputCodec,
        batch: &mut InputBatch,
        columns: &RecordBatch,
        rows: Range<usize>,
    ) {
        let rows = rows.start..rows.end.min(columns.num_rows());
        let fields = self.record.record_fields().unwrap_or(&[]);
        let layout = codec.bind(batch).filter(|codec| !codec.keeps_values);
        self.places.clear();
        if let Some(layout_codec) = layout {
            let layout = &layout_codec.layout;
            let stride = layout.stride.max(1);
            let base = batch.slots.len() / stride;
            let n = rows.len();
            batch.slots.resize((base + n) * stride, 0);
            self.places.extend((0..n).map(|offset| Some(base + offset)));
            let slots = batch.slots.get_mut(base * stride..).unwrap_or_default();
            for (index, ((slot, (_, ty)), column)) in layout
                .fields
                .iter()
                .zip(fields)
                .zip(&self.columns)
                .enumerate()
            {
                let Some(array) = columns.columns().get(*column) else {
                    self.places.iter_mut().for_each(|p| *p = None);
                    continue;
                };
                let reader = layout_codec.readers.as_ref().and_then(|r| r.get(index));
                let places = &mut self.places;
                fast::fill(
                    array.as_ref(),
                    rows.clone(),
                    ty,
                    slot.encoding,
                    reader,
                    |offset, word| {
                        let at = offset * stride + slot.offset;
                        if let Some(bytes) = slots.get_mut(at..at + 8) {
                            bytes.copy_from_slice(&word.to_ne_bytes());
                        }
                    },
                    |offset| {
                        if let Some(place) = places.get_mut(offset) {
                            *place = None;
                        }
                    },
                );
            }
            // Close the gaps of the rows the general path reads: their
            // records are encoded after the plain ones.
            let mut next = base;
            for place in self.places.iter_mut() {
                if let Some(at) = *place {
                    if at != next {
                        batch
                            .slots
                            .copy_within(at * stride..(at + 1) * stride, next * stride);
                    }
                    *place = Some(next);
                    next += 1;
                }
            }
            batch.slots.truncate(next * stride);
        } else {
            self.places.resize(rows.len(), None);
        }
        for (offset, row) in rows.enumerate() {
            match self.places.get(offset).copied().flatten() {
                Some(at) => batch.records.push(Pending::Encoded { at, value: None }),
                None => match self.read_row(columns, row) {
                    Ok(value) => codec.push_value(batch, value),
                    Err(errors) => codec.push_unreadable(batch, errors),
                },
            }
        }
    }

    /// Row `row` as a record value, or every problem in it.
    pub fn read_row(&self, columns: &RecordBatch, row: usize) -> Result<Value, Vec<FieldError>> {
        let fields = self.record.record_fields().unwrap_or(&[]);
        let mut values = Vec::with_capacity(fields.len());
        let mut errors = Vec::new();
        for ((name, ty), column) in fields.iter().zip(&self.columns) {
            let Some(array) = columns.columns().get(*column) else {
                errors.push(FieldError::new(
                    name,
                    msg::field_not_in_csv(name, &ty.expected()),
                ));
                continue;
            };
            match read_cell(array.as_ref(), row, ty, name) {
                Ok(value) => values.push(value),
                Err(problems) => errors.extend(problems),
            }
        }
        if errors.is_empty() {
            Ok(Value::Record(Arc::from(values)))
        } else {
            Err(errors)
        }
    }
}
