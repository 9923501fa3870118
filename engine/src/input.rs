//! Reading records into a batch: the input side of the engine boundary.
//!
//! A record goes into the compiled layout when it is representable there
//! (read straight from plain CSV cells by the slot readers, or encoded
//! from its value); otherwise the batch keeps its value for the
//! interpreter. A row that cannot be read keeps its field errors, so the
//! batch has one entry per data row and a command answers every row.
//! JSON Lines rows go straight into the layout too, lists into list
//! memory of the batch (`input/json.rs`), where they are plain.

mod element_rows;
mod json;

use std::sync::Arc;

use super::results::{FieldError, RowPlace};
use crate::codegen::{Encoding, ListArena, RecordLayout, encode_record};
use crate::slots::SlotReader;
use avtal_compiler::data::DataType;
use avtal_compiler::diagnostics::messages::data as msg;
use avtal_compiler::eval::Value;
use element_rows::ElementRows;
use json::{JsonPlan, ListBlocks};

/// The compiled input layout and how cells are read into it.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct LayoutCodec {
    pub(super) layout: RecordLayout,
    /// One reader per field, when every field has one (not texts).
    pub(super) readers: Option<Vec<SlotReader>>,
    /// The layout has text fields, which the compiled code refers to by
    /// field and the decoder takes from the record's value: keep it.
    pub(super) keeps_values: bool,
    /// How a JSON Lines row is read straight into the layout, when every
    /// field can be (no texts).
    json: Option<JsonPlan>,
}

impl LayoutCodec {
    pub(super) fn new(record: &DataType, layout: &RecordLayout) -> LayoutCodec {
        LayoutCodec {
            readers: SlotReader::for_record(record, layout),
            // Texts are referred to by field, and a list's elements are not
            // in the record's slots: the decoder needs the value.
            keeps_values: layout
                .fields
                .iter()
                .any(|slot| matches!(slot.encoding, Encoding::Text | Encoding::List)),
            json: JsonPlan::new(record, layout),
            layout: layout.clone(),
        }
    }
}

/// One record of a batch.
#[derive(Debug)]
pub(super) enum Pending {
    /// In the batch's slots at record index `at`; `value` kept when the
    /// layout has texts.
    Encoded { at: usize, value: Option<Value> },
    /// Read, but not in the slots (no compiled layout, or a value the
    /// layout cannot hold): the interpreter's.
    Decoded(Value),
    /// Could not be read.
    Unreadable(Vec<FieldError>),
}

/// Records read for one evaluation, in input order.
#[derive(Debug, Default)]
pub struct InputBatch {
    /// The layout the slots were written in, if any.
    layout: Option<Arc<LayoutCodec>>,
    pub(super) slots: Vec<u8>,
    /// The elements of the records' list fields, which their slots point at.
    lists: ListArena,
    /// The list memory of the records read straight from JSON.
    json_lists: ListBlocks,
    /// Per record read straight from JSON with lists (in record order):
    /// its index in the slots and its first block in `json_lists`.
    json_records: Vec<(usize, usize)>,
    pub(super) records: Vec<Pending>,
    /// Where the list elements of records of several rows were read.
    element_rows: ElementRows,
}

impl InputBatch {
    /// Forget every record, keeping the buffers.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.lists.clear();
        self.json_lists.clear();
        self.json_records.clear();
        self.records.clear();
        self.element_rows.clear();
    }

    /// The record pushed last spans several rows (long-form CSV): element
    /// `i` of its list field `list` was read from `rows[i]`. An evaluation
    /// error that names an element is then placed at that element's row.
    pub fn place_elements(&mut self, list: &str, rows: impl IntoIterator<Item = RowPlace>) {
        if let Some(last) = self.records.len().checked_sub(1) {
            self.element_rows.set(last, list, rows);
        }
    }

    /// The row of the element that `place` (`shifts[2]`) names, in record
    /// `index`, when that record's elements have rows of their own.
    pub(super) fn element_row(&self, index: usize, place: &str) -> Option<RowPlace> {
        self.element_rows.row_of(index, place)
    }

    /// Records in the batch, readable or not.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Record `index` as read, or its read errors.
    pub fn record(&self, index: usize) -> Option<Result<Value, &[FieldError]>> {
        match self.records.get(index)? {
            Pending::Unreadable(errors) => Some(Err(errors)),
            _ => self.value(index).map(Ok),
        }
    }

    pub(super) fn layout(&self) -> Option<&Arc<LayoutCodec>> {
        self.layout.as_ref()
    }

    pub(super) fn slots(&self) -> &[u8] {
        &self.slots
    }

    pub(super) fn pending(&self, index: usize) -> Option<&Pending> {
        self.records.get(index)
    }

    /// The value of readable record `index` (decoded from its slots when
    /// it was read straight into them: exactly the value its cells read
    /// as).
    pub(super) fn value(&self, index: usize) -> Option<Value> {
        match self.records.get(index)? {
            Pending::Decoded(value)
            | Pending::Encoded {
                value: Some(value), ..
            } => Some(value.clone()),
            Pending::Encoded { at, value: None } => {
                let codec = self.layout.as_ref()?;
                let stride = codec.layout.stride;
                let bytes = self.slots.get(at * stride..(at + 1) * stride)?;
                let blocks = self
                    .json_records
                    .binary_search_by_key(at, |(record, _)| *record)
                    .ok()
                    .and_then(|found| self.json_records.get(found))
                    .map_or(&[][..], |(_, first)| {
                        self.json_lists.get(*first..).unwrap_or_default()
                    });
                Some(Value::Record(
                    (0..codec.layout.fields.len())
                        .map(|i| json::decode_field(&codec.layout, i, bytes, blocks))
                        .collect(),
                ))
            }
            Pending::Unreadable(_) => None,
        }
    }
}

/// Reads records of one entry point's input into [`InputBatch`]es.
#[derive(Debug, Clone)]
pub struct InputCodec {
    record: DataType,
    layout: Option<Arc<LayoutCodec>>,
}

impl InputCodec {
    pub(super) fn new(record: DataType, layout: Option<Arc<LayoutCodec>>) -> InputCodec {
        InputCodec { record, layout }
    }

    /// The input record's type.
    pub fn record_type(&self) -> &DataType {
        &self.record
    }

    /// An empty batch for this codec.
    pub fn new_batch(&self) -> InputBatch {
        InputBatch {
            lists: ListArena::default(),
            json_lists: ListBlocks::new(),
            json_records: Vec::new(),
            layout: self.layout.clone(),
            slots: Vec::new(),
            records: Vec::new(),
            element_rows: ElementRows::default(),
        }
    }

    /// The layout to write into `batch`: ours, when the batch is ours (an
    /// empty batch becomes ours).
    pub(super) fn bind<'c>(&'c self, batch: &mut InputBatch) -> Option<&'c LayoutCodec> {
        let ours = self.layout.as_ref()?;
        let bound = match &batch.layout {
            Some(theirs) => Arc::ptr_eq(theirs, ours),
            None => false,
        };
        if !bound {
            if !batch.records.is_empty() {
                return None;
            }
            batch.layout = Some(ours.clone());
            batch.slots.clear();
        }
        Some(ours)
    }

    /// Add a record read as a value (JSON Lines, a case, a test).
    pub fn push_value(&self, batch: &mut InputBatch, value: Value) {
        let pending = match self.bind(batch) {
            Some(codec) => encode_into(codec, &mut batch.slots, &mut batch.lists, value),
            None => Pending::Decoded(value),
        };
        batch.records.push(pending);
    }

    /// Add a JSON Lines row (its line break included) straight into the
    /// layout; false, with nothing added, when it is not plain: then read
    /// it with `DataType::parse_json_text` (which reports its problems) and
    /// add the value.
    pub fn push_json(&self, batch: &mut InputBatch, line: &[u8]) -> bool {
        let Some(codec) = self.bind(batch) else {
            return false;
        };
        let Some(plan) = &codec.json else {
            return false;
        };
        let stride = codec.layout.stride;
        let start = batch.slots.len();
        let first_block = batch.json_lists.len();
        batch.slots.resize(start + stride, 0);
        let record = batch.slots.get_mut(start..).unwrap_or_default();
        if !plan.read_row(line, record, &mut batch.json_lists) {
            batch.slots.truncate(start);
            return false;
        }
        let at = start / stride.max(1);
        if batch.json_lists.len() > first_block {
            batch.json_records.push((at, first_block));
        }
        batch.records.push(Pending::Encoded { at, value: None });
        true
    }

    /// Add a row that could not be read, with its problems.
    pub fn push_unreadable(&self, batch: &mut InputBatch, errors: Vec<FieldError>) {
        batch.records.push(Pending::Unreadable(errors));
    }

    /// Add a row of CSV cells: `cell(i)` is the cell of input field `i`.
    /// Plain cells go straight into the layout; anything else is read by
    /// the exact cell parser (the same value, or the field's error).
    pub fn push_cells<'c>(&self, batch: &mut InputBatch, cell: impl Fn(usize) -> &'c [u8]) {
        if let Some(codec) = self.bind(batch)
            && let Some(readers) = &codec.readers
        {
            let stride = codec.layout.stride;
            let start = batch.slots.len();
            batch.slots.resize(start + stride, 0);
            let record = batch.slots.get_mut(start..).unwrap_or_default();
            let plain = readers.iter().zip(&codec.layout.fields).enumerate().all(
                |(index, (reader, slot))| match (
                    reader.read(cell(index)),
                    record.get_mut(slot.offset..slot.offset + 8),
                ) {
                    (Some(word), Some(bytes)) => {
                        bytes.copy_from_slice(&word.to_ne_bytes());
                        true
                    }
                    _ => false,
                },
            );
            if plain {
                batch.records.push(Pending::Encoded {
                    at: start / stride,
                    value: None,
                });
                return;
            }
            batch.slots.truncate(start);
        }
        match self.read_cells(cell) {
            Ok(value) => self.push_value(batch, value),
            Err(errors) => self.push_unreadable(batch, errors),
        }
    }

    /// A row of CSV cells as a record value, or every problem in it.
    pub fn read_cells<'c>(
        &self,
        cell: impl Fn(usize) -> &'c [u8],
    ) -> Result<Value, Vec<FieldError>> {
        let fields = self.record.record_fields().unwrap_or(&[]);
        read_fields(
            fields
                .iter()
                .enumerate()
                .map(|(index, (name, ty))| (name.as_str(), ty, cell(index))),
        )
    }
}

/// Cells of a row as a record value (field by field, in record order:
/// name, type, cell text), or every problem found: the exact cell parser
/// of every reader of CSV rows.
pub fn read_fields<'a>(
    cells: impl Iterator<Item = (&'a str, &'a DataType, &'a [u8])>,
) -> Result<Value, Vec<FieldError>> {
    let mut values = Vec::with_capacity(cells.size_hint().0);
    let mut errors = Vec::new();
    for (name, ty, cell) in cells {
        let Ok(text) = std::str::from_utf8(cell) else {
            errors.push(FieldError::new(name, msg::not_utf8()));
            continue;
        };
        match ty.parse_text(text) {
            Ok(value) => values.push(value),
            Err(error) => errors.push(FieldError::new(name, msg::cell(&error))),
        }
    }
    if errors.is_empty() {
        Ok(Value::Record(values.into()))
    } else {
        Err(errors)
    }
}

/// A record whose field `list` is a list of records, from the cells of its
/// other fields (as [`read_fields`] takes them, the list field left out)
/// and its elements, each read by [`read_fields`] from a row of its own:
/// the record path of long-form CSV. Every problem is returned, the
/// record's own and each element's.
pub fn read_with_list<'a>(
    cells: impl Iterator<Item = (&'a str, &'a DataType, &'a [u8])>,
    list: usize,
    elements: impl IntoIterator<Item = Result<Value, Vec<FieldError>>>,
) -> Result<Value, Vec<FieldError>> {
    let own = read_fields(cells);
    let mut items = Vec::new();
    let mut errors = match &own {
        Ok(_) => Vec::new(),
        Err(errors) => errors.clone(),
    };
    for element in elements {
        match element {
            Ok(value) => items.push(value),
            Err(element_errors) => errors.extend(element_errors),
        }
    }
    match own {
        Ok(Value::Record(fields)) if errors.is_empty() => {
            let mut fields = fields.to_vec();
            let at = list.min(fields.len());
            fields.insert(at, Value::List(items.into()));
            Ok(Value::Record(fields.into()))
        }
        _ => Err(errors),
    }
}

/// Encode `value` at the end of `slots`, or keep it for the interpreter
/// when the layout cannot hold it (a number beyond 64 bits, say).
fn encode_into(
    codec: &LayoutCodec,
    slots: &mut Vec<u8>,
    lists: &mut ListArena,
    value: Value,
) -> Pending {
    let stride = codec.layout.stride;
    let start = slots.len();
    slots.resize(start + stride, 0);
    let encoded = slots
        .get_mut(start..)
        .is_some_and(|record| encode_record(&codec.layout, &value, record, lists));
    if encoded {
        Pending::Encoded {
            at: start / stride.max(1),
            value: codec.keeps_values.then_some(value),
        }
    } else {
        slots.truncate(start);
        Pending::Decoded(value)
    }
}
