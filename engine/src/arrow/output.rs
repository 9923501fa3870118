//! [`ArrowOutput`]: computed records into Arrow arrays, one growing column
//! per output field, turned into a `RecordBatch` when the caller wants one.
//!
//! A record the compiled code computed is copied from its slots word by
//! word (its numbers are already at their column's scale); any other
//! record is first written with the CSV writer's rules (`write_cell`), so
//! that a value that cannot be written exactly fails its row here exactly
//! when it would in a CSV file, and then converted. A row is added whole
//! or not at all.

use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Decimal128Array, DictionaryArray, Int32Array, Int64Array,
    RecordBatch, StringArray, Time64MicrosecondArray, TimestampMicrosecondArray,
};
use arrow_buffer::BooleanBuffer;
use arrow_schema::{ArrowError, DataType as ArrowType, Field, Schema, SchemaRef};

use super::schema::{PRECISION, arrow_type};
use super::spares::Spares;
use super::{EPOCH_DAY, EPOCH_MINUTE};
use crate::codegen::Encoding;
use crate::results::{Computed, FieldError};
use avtal_compiler::clock;
use avtal_compiler::data::{CellError, DataType, Found, Kind, Problem};
use avtal_compiler::diagnostics::messages::data::{self as msg, DataMessage};
use avtal_compiler::eval::Value;

/// Microseconds in a minute.
const MINUTE_MICROS: i64 = 60_000_000;

/// Output records gathered into columns.
pub struct ArrowOutput {
    schema: SchemaRef,
    fields: Vec<(String, DataType)>,
    pub(super) columns: Vec<Column>,
    pub(super) rows: usize,
    /// Cell text of the row being checked, and one converted cell per field.
    text: String,
    cells: Vec<Cell>,
    spares: Spares,
}

/// One output column as it grows.
pub(super) enum Column {
    Decimal {
        scale: u32,
        precision: u8,
        /// 10^precision: every value's mantissa is smaller in magnitude.
        limit: i128,
        values: Vec<i128>,
    },
    Int(Vec<i64>),
    Date(Vec<i32>),
    Time(Vec<i64>),
    Timestamp(Vec<i64>),
    Bool(Vec<bool>),
    Enum {
        variants: Vec<String>,
        keys: Vec<i32>,
    },
    /// Texts, `Decimal` values and anything else as their cell text.
    Text(StringBuilder),
}

/// One converted cell of a row being added.
#[derive(Clone, Copy)]
pub(super) enum Cell {
    Wide(i128),
    Word(i64),
    Bool(bool),
    /// A range of `ArrowOutput::text`.
    Text(usize, usize),
}

impl ArrowOutput {
    /// Columns for records of type `record`, money, percent and hours as
    /// `Decimal128(38, 2)`.
    pub fn new(record: &DataType) -> ArrowOutput {
        ArrowOutput::with_decimal_precision(record, PRECISION)
    }

    /// Columns for records of type `record`, money, percent and hours as
    /// `Decimal128(precision, 2)`: a value with more digits fails its row
    /// (E0501). Parquet stores a precision of up to 18 as a plain 64-bit
    /// integer, much faster to write than the 16 bytes of precision 38.
    pub fn with_decimal_precision(record: &DataType, precision: u8) -> ArrowOutput {
        let precision = precision.clamp(3, PRECISION);
        let fields = record.record_fields().unwrap_or(&[]).to_vec();
        let columns = fields
            .iter()
            .map(|(_, ty)| Column::new(ty, precision))
            .collect();
        let schema = Schema::new(
            fields
                .iter()
                .map(|(name, ty)| Field::new(name, column_type(ty, precision), false))
                .collect::<Vec<_>>(),
        );
        ArrowOutput {
            schema: Arc::new(schema),
            fields,
            columns,
            rows: 0,
            text: String::new(),
            cells: Vec::new(),
            spares: Spares::default(),
        }
    }

    /// The schema of the batches.
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// Records added since the last batch.
    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Add one record, or say why it cannot be written (nothing of it is
    /// added then).
    pub fn push(&mut self, computed: &Computed<'_>) -> Result<(), FieldError> {
        if !self.push_slots(computed) {
            self.add_value(&computed.to_value())?;
        }
        self.rows += 1;
        Ok(())
    }

    /// Hand back a batch taken earlier, once its consumer is done with it:
    /// the next batches reuse its vectors (where nothing else holds them).
    pub fn recycle(&mut self, batch: RecordBatch) {
        self.spares.reclaim(batch);
    }

    /// The records added so far as one batch; the columns start again.
    pub fn take_batch(&mut self) -> Result<RecordBatch, ArrowError> {
        let spares = &mut self.spares;
        let arrays = self
            .columns
            .iter_mut()
            .map(|column| column.take(spares))
            .collect::<Result<Vec<ArrayRef>, ArrowError>>()?;
        self.rows = 0;
        RecordBatch::try_new(self.schema.clone(), arrays)
    }

    /// Copy a compiled record's slots; false (nothing added) when it is
    /// not one, or some word is not plain.
    fn push_slots(&mut self, computed: &Computed<'_>) -> bool {
        let Some((bytes, layout)) = computed.slots() else {
            return false;
        };
        self.cells.clear();
        for (column, slot) in self.columns.iter().zip(&layout.fields) {
            let cell = slot_word(bytes, slot.offset)
                .and_then(|word| SlotCopy::of(column, slot.encoding).cell(word));
            match cell {
                Some(cell) => self.cells.push(cell),
                None => return false,
            }
        }
        self.append_cells();
        true
    }

    /// Add one record value, checked with the CSV writer's rules, or say
    /// why it cannot be written (nothing of it is added then).
    pub fn push_value(&mut self, value: &Value) -> Result<(), FieldError> {
        self.add_value(value)?;
        self.rows += 1;
        Ok(())
    }

    /// Check a record value with the CSV writer's rules, then add it.
    fn add_value(&mut self, value: &Value) -> Result<(), FieldError> {
        let Value::Record(values) = value else {
            return Err(FieldError::new("", msg::cell(&wrong_value(None))));
        };
        self.text.clear();
        self.cells.clear();
        for ((name, ty), value) in self.fields.iter().zip(values.iter()) {
            let start = self.text.len();
            ty.write_cell(value, &mut self.text)
                .map_err(|error| FieldError::new(name, msg::cell(&error)))?;
            let cell = convert(ty, value, start, self.text.len())
                .ok_or_else(|| FieldError::new(name, msg::cell(&wrong_value(Some(ty)))))?;
            if let (
                Cell::Wide(mantissa),
                Some(Column::Decimal {
                    precision, limit, ..
                }),
            ) = (cell, self.columns.get(self.cells.len()))
                && mantissa.abs() >= *limit
            {
                let text = self.text.get(start..).unwrap_or_default();
                return Err(FieldError::new(name, too_many_digits(ty, text, *precision)));
            }
            self.cells.push(cell);
        }
        if self.cells.len() != self.columns.len() {
            return Err(FieldError::new("", msg::cell(&wrong_value(None))));
        }
        self.append_cells();
        Ok(())
    }

    fn append_cells(&mut self) {
        for (column, cell) in self.columns.iter_mut().zip(&self.cells) {
            column.push(*cell, &self.text);
        }
    }
}

/// The cell of a value whose text `write_cell` accepted (at
/// `text[start..end]`); `None` for a value of another kind.
fn convert(ty: &DataType, value: &Value, start: usize, end: usize) -> Option<Cell> {
    Some(match (ty.kind(), value) {
        (Kind::Money | Kind::Percent | Kind::Hours | Kind::Rate, Value::Number(n)) => {
            Cell::Wide(n.to_decimal_at_scale(2).ok()?.mantissa())
        }
        (Kind::Int | Kind::Days | Kind::Months, Value::Number(n)) => {
            Cell::Word(i64::try_from(n.to_decimal_at_scale(0).ok()?.mantissa()).ok()?)
        }
        (Kind::Date, Value::Date(date)) => Cell::Word(clock::day_number(*date) - EPOCH_DAY),
        (Kind::Time, Value::Time(time)) => {
            Cell::Word(i64::from(clock::minute_of_day(*time)) * MINUTE_MICROS)
        }
        (Kind::Timestamp, Value::Timestamp(stamp)) => Cell::Word(
            (clock::timestamp_minutes(*stamp) - EPOCH_MINUTE).checked_mul(MINUTE_MICROS)?,
        ),
        (Kind::Bool, Value::Bool(b)) => Cell::Bool(*b),
        (Kind::Enum { .. }, Value::Variant(v)) => Cell::Word(i64::from(*v)),
        _ => Cell::Text(start, end),
    })
}

/// A decimal with more digits than its column's precision.
fn too_many_digits(ty: &DataType, text: &str, precision: u8) -> DataMessage {
    let error = CellError {
        path: String::new(),
        expected: ty.expected(),
        problem: Problem::TooLarge,
        found: Found::Value(text.to_string()),
    };
    let mut message = msg::cell(&error);
    message.help = Some(format!(
        "this column is `Decimal128({precision}, 2)`: at most {} digits before the point",
        precision.saturating_sub(2)
    ));
    message
}

fn wrong_value(ty: Option<&DataType>) -> CellError {
    CellError {
        path: String::new(),
        expected: ty.map_or(avtal_compiler::data::Expected::List, DataType::expected),
        problem: Problem::WrongValue,
        found: Found::Nothing,
    }
}

/// The Arrow type of an output column: the data type's (decimals of
/// `precision`), but records and lists (never an entry point's output
/// fields) as their JSON text.
fn column_type(ty: &DataType, precision: u8) -> ArrowType {
    match (ty.kind(), arrow_type(ty)) {
        (Kind::Record { .. } | Kind::List(_), _) => ArrowType::Utf8,
        (_, ArrowType::Decimal128(_, scale)) => ArrowType::Decimal128(precision, scale),
        (_, other) => other,
    }
}

/// The word of the slot at `offset` of a compiled record's bytes.
pub(super) fn slot_word(bytes: &[u8], offset: usize) -> Option<i64> {
    bytes
        .get(offset..offset.checked_add(8)?)
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .map(i64::from_ne_bytes)
}

/// How the words of one output slot become the cells of its column: the
/// one rule of `push_slots` and of the batch copy (`output_batch.rs`).
#[derive(Clone, Copy)]
pub(super) enum SlotCopy {
    /// A number at the column's scale, below `limit` in magnitude.
    Decimal {
        limit: i128,
    },
    /// The word itself (whole numbers, enum variants).
    Word,
    Date,
    Time,
    Timestamp,
    Bool,
    /// A slot this column cannot take: the general path writes the row.
    Never,
}

impl SlotCopy {
    pub(super) fn of(column: &Column, encoding: Encoding) -> SlotCopy {
        match (column, encoding) {
            (Column::Decimal { scale, limit, .. }, Encoding::Number { scale: at })
                if *scale == at =>
            {
                SlotCopy::Decimal { limit: *limit }
            }
            (Column::Int(_), Encoding::Number { scale: 0 })
            | (Column::Enum { .. }, Encoding::Variant) => SlotCopy::Word,
            (Column::Date(_), Encoding::Date) => SlotCopy::Date,
            (Column::Time(_), Encoding::Time) => SlotCopy::Time,
            (Column::Timestamp(_), Encoding::Timestamp) => SlotCopy::Timestamp,
            (Column::Bool(_), Encoding::Bool) => SlotCopy::Bool,
            _ => SlotCopy::Never,
        }
    }

    /// True when every word gives a cell (nothing to check).
    pub(super) fn always_plain(self) -> bool {
        matches!(self, SlotCopy::Word | SlotCopy::Bool)
    }

    /// The cell of `word`, `None` when it is not plain (the general path
    /// then writes the row, or says why it cannot).
    pub(super) fn cell(self, word: i64) -> Option<Cell> {
        match self {
            SlotCopy::Decimal { limit } => {
                (i128::from(word).abs() < limit).then_some(Cell::Wide(i128::from(word)))
            }
            SlotCopy::Word => Some(Cell::Word(word)),
            SlotCopy::Date => date_cell(word).map(Cell::Word),
            SlotCopy::Time => Some(Cell::Word(word.checked_mul(MINUTE_MICROS)?)),
            SlotCopy::Timestamp => {
                let stamp = clock::timestamp_of_minutes(word)?;
                if !(0..=9999).contains(&chrono::Datelike::year(&stamp)) {
                    return None;
                }
                Some(Cell::Word(
                    word.checked_sub(EPOCH_MINUTE)?.checked_mul(MINUTE_MICROS)?,
                ))
            }
            SlotCopy::Bool => Some(Cell::Bool(word != 0)),
            SlotCopy::Never => None,
        }
    }
}

/// A day number's Arrow day, within the years a data file holds (as
/// `write_cell` checks).
pub(super) fn date_cell(word: i64) -> Option<i64> {
    let day = word.checked_sub(EPOCH_DAY)?;
    (-EPOCH_DAY..=3_652_059 - EPOCH_DAY)
        .contains(&day)
        .then_some(day)
}

impl Column {
    fn new(ty: &DataType, precision: u8) -> Column {
        match ty.kind() {
            Kind::Money | Kind::Percent | Kind::Hours | Kind::Rate => Column::Decimal {
                scale: 2,
                precision,
                limit: 10_i128.pow(u32::from(precision)),
                values: Vec::new(),
            },
            Kind::Int | Kind::Days | Kind::Months => Column::Int(Vec::new()),
            Kind::Date => Column::Date(Vec::new()),
            Kind::Time => Column::Time(Vec::new()),
            Kind::Timestamp => Column::Timestamp(Vec::new()),
            Kind::Bool => Column::Bool(Vec::new()),
            Kind::Enum { variants, .. } => Column::Enum {
                variants: variants.clone(),
                keys: Vec::new(),
            },
            Kind::Decimal
            | Kind::Text
            | Kind::Record { .. }
            | Kind::List(_)
            | Kind::Unsupported(_) => Column::Text(StringBuilder::new()),
        }
    }

    pub(super) fn push(&mut self, cell: Cell, text: &str) {
        match (self, cell) {
            (Column::Decimal { values, .. }, Cell::Wide(v)) => values.push(v),
            (
                Column::Int(values) | Column::Time(values) | Column::Timestamp(values),
                Cell::Word(v),
            ) => {
                values.push(v);
            }
            (Column::Date(values), Cell::Word(v)) => {
                values.push(i32::try_from(v).unwrap_or_default());
            }
            (Column::Enum { keys, .. }, Cell::Word(v)) => {
                keys.push(i32::try_from(v).unwrap_or_default());
            }
            (Column::Bool(values), Cell::Bool(b)) => values.push(b),
            (Column::Text(builder), Cell::Text(start, end)) => {
                builder.append_value(text.get(start..end).unwrap_or_default());
            }
            // Cells are made for their column (`push_slots`, `convert`).
            _ => {}
        }
    }

    /// The values gathered as an array; the column starts again with a
    /// vector from `spares` (or a new one as large: the next batch is as
    /// long, and growing it again would copy each column twice over).
    fn take(&mut self, spares: &mut Spares) -> Result<ArrayRef, ArrowError> {
        fn swap<T>(values: &mut Vec<T>, spare: impl FnOnce(usize) -> Vec<T>) -> Vec<T> {
            let next = spare(values.len());
            std::mem::replace(values, next)
        }
        Ok(match self {
            Column::Decimal {
                scale,
                precision,
                values,
                ..
            } => Arc::new(
                Decimal128Array::from(swap(values, |n| spares.wide(n)))
                    .with_precision_and_scale(*precision, i8::try_from(*scale).unwrap_or(2))?,
            ),
            Column::Int(values) => Arc::new(Int64Array::from(swap(values, |n| spares.words(n)))),
            Column::Date(values) => Arc::new(Date32Array::from(swap(values, |n| spares.halves(n)))),
            Column::Time(values) => Arc::new(Time64MicrosecondArray::from(swap(values, |n| {
                spares.words(n)
            }))),
            Column::Timestamp(values) => {
                Arc::new(TimestampMicrosecondArray::from(swap(values, |n| {
                    spares.words(n)
                })))
            }
            // Bits, not a vector of their own: the vector stays.
            Column::Bool(values) => {
                let array = BooleanArray::from(BooleanBuffer::from(values.as_slice()));
                values.clear();
                Arc::new(array)
            }
            Column::Enum { variants, keys } => Arc::new(DictionaryArray::<Int32Type>::try_new(
                Int32Array::from(swap(keys, |n| spares.halves(n))),
                Arc::new(StringArray::from_iter_values(variants.iter())),
            )?),
            Column::Text(builder) => Arc::new(builder.finish()),
        })
    }
}
