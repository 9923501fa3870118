//! Run-time values, their comparison with constants, and their text.
//!
//! A [`Value`] carries no type: the IR's [`Type`] says what a number's unit
//! is, which variant names an index stands for, and which record a field
//! list belongs to. [`format_value`] therefore takes the type. Records and
//! lists are shared (`Arc`), so passing them around never copies elements.
//! This module does not evaluate anything.

use std::cmp::Ordering;
use std::fmt::Write;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::number::Number;
use crate::ir::{ClassesId, Const, Program};
use crate::types::Type;

/// A run-time value. Numbers of every unit are [`Number`]s; a Bool
/// scrutinee of a `match` is variant 0 (false) or 1 (true).
///
/// Built-in record-like values: an `Eligibility` is
/// `Record([Bool ok, List<Text> failed, List<Text> reasons])`; a `LimitCheck` is
/// `Record([used, bound, room, Bool violated])`, the field order of
/// [`Type::builtin_fields`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(Number),
    Date(NaiveDate),
    /// A time of day, minute precision.
    Time(NaiveTime),
    /// A wall-clock timestamp, minute precision.
    Timestamp(NaiveDateTime),
    /// One class of a `classes` item.
    Class(ClassesId, u32),
    Bool(bool),
    Text(Arc<str>),
    /// Index into the enum's variants.
    Variant(u32),
    /// Fields in declaration order.
    Record(Arc<[Value]>),
    List(Arc<[Value]>),
}

impl Value {
    /// The value of a compile-time constant (param value, literal).
    pub fn from_const(constant: &Const) -> Value {
        match constant {
            Const::Number(n) => Value::Number(Number::from_decimal(*n)),
            Const::Date(d) => Value::Date(*d),
            Const::Time(t) => Value::Time(*t),
            Const::Timestamp(t) => Value::Timestamp(*t),
            Const::Class { classes, class } => Value::Class(*classes, *class),
            Const::Bool(b) => Value::Bool(*b),
            Const::Text(t) => Value::Text(Arc::from(t.as_str())),
            Const::Variant(v) => Value::Variant(*v),
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// The elements of a list, or the fields of a record.
    pub fn as_items(&self) -> Option<&Arc<[Value]>> {
        match self {
            Value::List(items) | Value::Record(items) => Some(items),
            _ => None,
        }
    }

    /// What kind of value this is, for internal error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Number(_) => "a number",
            Value::Date(_) => "a date",
            Value::Time(_) => "a time of day",
            Value::Timestamp(_) => "a timestamp",
            Value::Class(..) => "a class",
            Value::Bool(_) => "a bool",
            Value::Text(_) => "a text",
            Value::Variant(_) => "an enum variant",
            Value::Record(_) => "a record",
            Value::List(_) => "a list",
        }
    }
}

/// Order of two scalar values of the same kind: numbers by exact value,
/// dates by the calendar, texts by bytes, bools `false < true`, variants
/// by index. `None` for values that have no order between them.
pub fn compare(left: &Value, right: &Value) -> Option<Ordering> {
    match (left, right) {
        (Value::Number(a), Value::Number(b)) => Some(a.cmp(b)),
        (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
        (Value::Time(a), Value::Time(b)) => Some(a.cmp(b)),
        (Value::Timestamp(a), Value::Timestamp(b)) => Some(a.cmp(b)),
        (Value::Class(sa, a), Value::Class(sb, b)) if sa == sb => Some(a.cmp(b)),
        (Value::Text(a), Value::Text(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Value::Variant(a), Value::Variant(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// Order of a value and a constant, as [`compare`] (table cells).
pub fn compare_const(value: &Value, constant: &Const) -> Option<Ordering> {
    match (value, constant) {
        (Value::Number(a), Const::Number(b)) => Some(a.cmp(&Number::from_decimal(*b))),
        (Value::Date(a), Const::Date(b)) => Some(a.cmp(b)),
        (Value::Time(a), Const::Time(b)) => Some(a.cmp(b)),
        (Value::Timestamp(a), Const::Timestamp(b)) => Some(a.cmp(b)),
        (Value::Text(a), Const::Text(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
        (Value::Bool(a), Const::Bool(b)) => Some(a.cmp(b)),
        (Value::Variant(a), Const::Variant(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// The value as a drafter reads it: exact decimals (money and percent
/// with at least 2 decimals and no unit, `197.00`; other numbers with their own
/// scale), a non-terminating fraction as `72000/73 (≈ 986.3013698630)`,
/// ISO dates, `true`/`false`, variant names, `Name { a: …, b: … }`,
/// `[…]`. A zero is never printed as `-0.00`.
pub fn format_value(program: &Program, ty: &Type, value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, program, ty, value);
    out
}

fn write_value(out: &mut String, program: &Program, ty: &Type, value: &Value) {
    match value {
        Value::Number(n) => {
            let min_scale = match ty {
                Type::Money | Type::Percent | Type::Rate => 2,
                _ => 0,
            };
            let text = match ty {
                Type::Money
                | Type::Percent
                | Type::Rate
                | Type::Int
                | Type::Days
                | Type::Months => n.to_text_with_min_scale(min_scale),
                _ => n.to_string(),
            };
            out.push_str(&text);
        }
        Value::Date(d) => {
            let _ = write!(out, "{d}");
        }
        Value::Time(t) => out.push_str(&crate::clock::format_time(*t)),
        Value::Timestamp(t) => out.push_str(&crate::clock::format_timestamp(*t)),
        Value::Class(classes, class) => {
            let name = program.classes_info(*classes).and_then(|info| {
                info.classes
                    .get(*class as usize)
                    .map(|c| format!("{}.{}", info.name, c.name))
            });
            out.push_str(name.as_deref().unwrap_or("?"));
        }
        Value::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Text(t) => {
            let _ = write!(out, "{:?}", t.as_ref());
        }
        Value::Variant(index) => {
            let name = match ty {
                Type::Enum(id) => program
                    .enum_info(*id)
                    .and_then(|e| e.variants.get(*index as usize)),
                _ => None,
            };
            match name {
                Some(name) => out.push_str(name),
                None => {
                    let _ = write!(out, "variant #{index}");
                }
            }
        }
        Value::Record(fields) => write_record(out, program, ty, fields),
        Value::List(items) => {
            let element_ty = match ty {
                Type::List(inner) => (**inner).clone(),
                _ => Type::Error,
            };
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, program, &element_ty, item);
            }
            out.push(']');
        }
    }
}

fn write_record(out: &mut String, program: &Program, ty: &Type, fields: &[Value]) {
    let described: Vec<(String, Type)> = match ty {
        Type::Record(id) => program
            .record(*id)
            .map(|r| {
                r.fields
                    .iter()
                    .map(|f| (f.name.clone(), f.ty.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        _ => ty
            .builtin_fields()
            .map(|fs| fs.into_iter().map(|(n, t)| (n.to_string(), t)).collect())
            .unwrap_or_default(),
    };
    out.push_str(&program.type_name(ty));
    out.push_str(" { ");
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match described.get(i) {
            Some((name, field_ty)) => {
                out.push_str(name);
                out.push_str(": ");
                write_value(out, program, field_ty, field);
            }
            None => write_value(out, program, &Type::Error, field),
        }
    }
    out.push_str(" }");
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod tests {
    use super::*;
    use crate::ir::{EnumInfo, FieldInfo, Meta, RecordInfo};
    use crate::source::{FileId, Span};
    use crate::types::{EnumId, RecordId};
    use rust_decimal::Decimal;

    fn span() -> Span {
        Span::new(FileId(0), 0, 0)
    }

    fn money(text: &str) -> Value {
        Value::Number(Number::from_decimal(text.parse::<Decimal>().unwrap()))
    }

    fn program() -> Program {
        Program {
            enums: vec![EnumInfo {
                name: "Form".into(),
                variants: vec!["Heltid".into(), "Deltid".into()],
                meta: Meta::default(),
                span: span(),
            }],
            records: vec![RecordInfo {
                name: "Lön".into(),
                fields: vec![
                    FieldInfo {
                        name: "belopp".into(),
                        ty: Type::Money,
                        doc: None,
                        span: span(),
                    },
                    FieldInfo {
                        name: "form".into(),
                        ty: Type::Enum(EnumId(0)),
                        doc: None,
                        span: span(),
                    },
                ],
                meta: Meta::default(),
                span: span(),
            }],
            ..Program::default()
        }
    }

    #[test]
    fn money_has_two_decimals() {
        let p = program();
        assert_eq!(format_value(&p, &Type::Money, &money("197")), "197.00");
        assert_eq!(
            format_value(&p, &Type::Money, &money("1380.000")),
            "1380.00"
        );
        assert_eq!(format_value(&p, &Type::Money, &money("0.125")), "0.125");
        assert_eq!(format_value(&p, &Type::Money, &money("-0.00")), "0.00");
        assert_eq!(format_value(&p, &Type::Percent, &money("4.6")), "4.60");
        assert_eq!(format_value(&p, &Type::Decimal, &money("1.50")), "1.50");
        assert_eq!(format_value(&p, &Type::Int, &money("3")), "3");
    }

    #[test]
    fn fractions_show_their_exact_value() {
        let p = program();
        let v = Value::Number(Number::from_fraction(72000, 73).unwrap());
        assert_eq!(
            format_value(&p, &Type::Money, &v),
            "72000/73 (≈ 986.3013698630)"
        );
    }

    #[test]
    fn records_lists_and_variants() {
        let p = program();
        let record = Value::Record(Arc::from(vec![money("30000"), Value::Variant(1)]));
        assert_eq!(
            format_value(&p, &Type::Record(RecordId(0)), &record),
            "Lön { belopp: 30000.00, form: Deltid }"
        );
        let eligibility = Value::Record(Arc::from(vec![
            Value::Bool(false),
            Value::List(Arc::from(vec![Value::Text(Arc::from("anställningstid"))])),
            Value::List(Arc::from(vec![Value::Text(Arc::from(
                "för kort anställning",
            ))])),
        ]));
        assert_eq!(
            format_value(&p, &Type::Eligibility, &eligibility),
            "Eligibility { ok: false, failed: [\"anställningstid\"], reasons: [\"för kort anställning\"] }"
        );
        let date = Value::Date("2026-03-01".parse().unwrap());
        assert_eq!(format_value(&p, &Type::Date, &date), "2026-03-01");
    }

    #[test]
    fn constants_compare_by_exact_value() {
        let c = Const::Number("1.5".parse().unwrap());
        assert_eq!(compare_const(&money("1.50"), &c), Some(Ordering::Equal));
        assert_eq!(compare_const(&money("1.49"), &c), Some(Ordering::Less));
        assert_eq!(compare_const(&Value::Bool(true), &c), None);
    }
}
