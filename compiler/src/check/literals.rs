//! Literals: decimal text with a unit, dates, text, booleans.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::diagnostics::Diagnostic;
use crate::diagnostics::messages::check as msg;
use crate::ir::Const;
use crate::source::Span;
use crate::syntax::ast::{Literal, LiteralUnit};
use crate::types::Type;

/// A checked literal: its constant, type and scale.
pub(super) struct CheckedLiteral {
    pub value: Const,
    pub ty: Type,
    pub scale: u32,
}

pub(super) fn check_literal(literal: &Literal, span: Span) -> Result<CheckedLiteral, Diagnostic> {
    match literal {
        Literal::Bool(b) => Ok(CheckedLiteral {
            value: Const::Bool(*b),
            ty: Type::Bool,
            scale: 0,
        }),
        Literal::Text(t) => Ok(CheckedLiteral {
            value: Const::Text(t.clone()),
            ty: Type::Text,
            scale: 0,
        }),
        Literal::Date(text) => parse_date(text)
            .map(|d| CheckedLiteral {
                value: Const::Date(d),
                ty: Type::Date,
                scale: 0,
            })
            .ok_or_else(|| {
                msg::invalid_literal(
                    span,
                    &format!("`{text}` is not a date in the calendar"),
                    "write a real date as YYYY-MM-DD, like `2026-02-28`",
                )
            }),
        Literal::Time(text) => crate::clock::parse_time(text)
            .map(|t| CheckedLiteral {
                value: Const::Time(t),
                ty: Type::Time,
                scale: 0,
            })
            .ok_or_else(|| msg::invalid_time(span, text)),
        Literal::Timestamp(text) => crate::clock::parse_timestamp(text)
            .map(|t| CheckedLiteral {
                value: Const::Timestamp(t),
                ty: Type::Timestamp,
                scale: 0,
            })
            .ok_or_else(|| {
                let (part, fault) = timestamp_fault(text);
                msg::invalid_timestamp(span, text, part, fault)
            }),
        Literal::Number { text, unit } => number(text, *unit, span),
    }
}

/// Which part of a timestamp literal the grammar accepted but the clock
/// or calendar does not: `2026-6-5T10:00`, `2026-02-30T10:00`,
/// `2026-06-05T24:30`, `2026-06-05T7:05`.
fn timestamp_fault(text: &str) -> (&str, msg::TimestampFault) {
    use msg::TimestampFault;
    let (date, time) = text.split_once('T').unwrap_or((text, ""));
    if date.len() != 10 {
        (date, TimestampFault::DateForm)
    } else if parse_date(date).is_none() {
        (date, TimestampFault::Date)
    } else if crate::clock::parse_time(time).is_some() {
        (time, TimestampFault::TimeForm)
    } else {
        (time, TimestampFault::Time)
    }
}

pub(super) fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

fn number(text: &str, unit: Option<LiteralUnit>, span: Span) -> Result<CheckedLiteral, Diagnostic> {
    let value = Decimal::from_str_exact(text)
        .or_else(|_| Decimal::from_str(text))
        .map_err(|_| {
            msg::invalid_literal(
                span,
                &format!("the number `{text}` cannot be represented exactly"),
                "numbers have at most 28 significant digits",
            )
        })?;
    let has_point = text.contains('.');
    let whole = |what: &str| -> Result<Decimal, Diagnostic> {
        if value.fract().is_zero() {
            Ok(value.trunc())
        } else {
            Err(msg::invalid_literal(
                span,
                &format!("{what} are counted in whole numbers, found `{text}`"),
                "write a whole number, or use a smaller unit (`days` instead of `weeks`)",
            ))
        }
    };
    let (value, ty) = match unit {
        None if has_point => (value, Type::Decimal),
        None => (value, Type::Int),
        Some(LiteralUnit::Sek) => (value, Type::Money),
        Some(LiteralUnit::Percent) => (value, Type::Percent),
        Some(LiteralUnit::Hours) => (value, Type::Hours),
        Some(LiteralUnit::SekPerHour) => (value, Type::Rate),
        Some(LiteralUnit::Days) => (whole("days")?, Type::Days),
        Some(LiteralUnit::Weeks) => (scaled(whole("weeks")?, 7, span)?, Type::Days),
        Some(LiteralUnit::Months) => (whole("months")?, Type::Months),
        Some(LiteralUnit::Years) => (scaled(whole("years")?, 12, span)?, Type::Months),
    };
    Ok(CheckedLiteral {
        scale: value.scale(),
        value: Const::Number(value),
        ty,
    })
}

fn scaled(value: Decimal, factor: i64, span: Span) -> Result<Decimal, Diagnostic> {
    value.checked_mul(Decimal::from(factor)).ok_or_else(|| {
        msg::invalid_literal(span, "this duration is too long", "use a smaller number")
    })
}
