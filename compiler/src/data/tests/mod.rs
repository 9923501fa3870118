//! Tests of reading and writing data cells, on a small hand-built
//! [`Program`] (fixtures here, cases by job in the submodules): CSV cells,
//! JSON values and rows, and output text, with the messages users see.

mod cells;
mod format;
mod json;

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::value::RawValue;

use super::*;
use crate::diagnostics::Code;
use crate::diagnostics::messages::data as msg;
use crate::eval::{Number, Value};
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

fn row_type() -> DataType {
    ty(Type::Record(RecordId(0)))
}

#[test]
fn every_type_round_trips_through_text() {
    let cases = [
        (Type::Money, "30000.00"),
        (Type::Percent, "83.46"),
        (Type::Hours, "26.90"),
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
