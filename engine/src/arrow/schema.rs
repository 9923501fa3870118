//! The Arrow type of each Avtal data type, as `avtal run` writes it (and
//! as it reads it best: any other column type a field accepts is listed in
//! `cells.rs`).

use std::sync::Arc;

use arrow_schema::{DataType as ArrowType, Field, Fields, Schema, TimeUnit};

use avtal_compiler::data::{DataType, Kind};

/// Decimal precision of money, percent and hours columns: the widest a
/// `Decimal128` holds, since a computed amount may exceed 18 digits.
pub(crate) const PRECISION: u8 = 38;

/// The Arrow type of a value of `ty`.
pub fn arrow_type(ty: &DataType) -> ArrowType {
    match ty.kind() {
        Kind::Money | Kind::Percent | Kind::Hours | Kind::Rate => {
            ArrowType::Decimal128(PRECISION, 2)
        }
        Kind::Int | Kind::Days | Kind::Months => ArrowType::Int64,
        // A `Decimal` keeps its own scale per value; a column has one.
        Kind::Decimal | Kind::Text | Kind::Unsupported(_) => ArrowType::Utf8,
        Kind::Date => ArrowType::Date32,
        Kind::Time => ArrowType::Time64(TimeUnit::Microsecond),
        Kind::Timestamp => ArrowType::Timestamp(TimeUnit::Microsecond, None),
        Kind::Bool => ArrowType::Boolean,
        Kind::Enum { .. } => {
            ArrowType::Dictionary(Box::new(ArrowType::Int32), Box::new(ArrowType::Utf8))
        }
        Kind::Record { fields, .. } => ArrowType::Struct(record_fields(fields)),
        Kind::List(element) => {
            ArrowType::List(Arc::new(Field::new("item", arrow_type(element), false)))
        }
    }
}

/// The Arrow field of a record field: never nullable, since every field of
/// an Avtal record has a value.
pub fn arrow_field(name: &str, ty: &DataType) -> Field {
    Field::new(name, arrow_type(ty), false)
}

fn record_fields(fields: &[(String, DataType)]) -> Fields {
    fields
        .iter()
        .map(|(name, ty)| arrow_field(name, ty))
        .collect()
}

/// The schema of the output record `record`: one column per field.
pub fn output_schema(record: &DataType) -> Schema {
    Schema::new(record_fields(record.record_fields().unwrap_or(&[])))
}
