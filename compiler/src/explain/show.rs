//! Text of values, constants and table cells as an explanation shows them:
//! the drafter's notation with its unit (`1709.00 SEK`, `4.60 %`,
//! `>= 10`), and places as `file:line:col`.
//!
//! Only formatting; nothing here evaluates or decides.

use crate::eval::{Value, format_value};
use crate::ir::{Cell, CompareOp, Const, Program};
use crate::source::Span;
use crate::types::Type;

/// A value in the drafter's notation, with the unit of a scalar number.
pub(super) fn value_text(program: &Program, ty: &Type, value: &Value) -> String {
    let text = format_value(program, ty, value);
    match unit(ty) {
        Some(unit) if matches!(value, Value::Number(_)) => format!("{text} {unit}"),
        _ => text,
    }
}

/// The unit written after a number of this type, if any.
fn unit(ty: &Type) -> Option<&'static str> {
    match ty {
        Type::Money => Some("SEK"),
        Type::Percent => Some("%"),
        Type::Hours => Some("h"),
        Type::Rate => Some("SEK/h"),
        Type::Days => Some("days"),
        Type::Months => Some("months"),
        _ => None,
    }
}

/// A table cell as it is written in the source.
pub(super) fn cell_text(program: &Program, ty: &Type, cell: &Cell) -> String {
    match cell {
        Cell::Any => "_".to_string(),
        Cell::OneOf(constants) => constants
            .iter()
            .map(|c| const_text(program, ty, c))
            .collect::<Vec<_>>()
            .join(" or "),
        Cell::Compare(op, constant) => {
            let op = match op {
                CompareOp::Eq => "==",
                CompareOp::Ne => "!=",
                CompareOp::Lt => "<",
                CompareOp::Le => "<=",
                CompareOp::Gt => ">",
                CompareOp::Ge => ">=",
            };
            format!("{op} {}", const_text(program, ty, constant))
        }
        Cell::Range(low, high) => format!(
            "{}..{}",
            const_text(program, ty, low),
            const_text(program, ty, high)
        ),
    }
}

/// A constant of type `ty` (a param value, a table cell's literal).
pub(super) fn const_text(program: &Program, ty: &Type, constant: &Const) -> String {
    value_text(program, ty, &Value::from_const(constant))
}

/// `file:line:col` of the start of a span.
pub(super) fn location(program: &Program, span: Span) -> String {
    program.sources.location(span)
}

/// The source text a span covers, on one line: a one-line text as
/// written (table rows keep their aligned columns), a longer one with each
/// run of white space, line breaks included, as one space.
pub(super) fn code(program: &Program, span: Span) -> String {
    let text = program.sources.snippet(span).trim();
    if text.contains('\n') {
        squeeze(text)
    } else {
        text.to_string()
    }
}

/// The condition of the `if` at `span`: the text between `if` and `{`.
pub(super) fn if_condition(program: &Program, span: Span) -> String {
    let text = program.sources.snippet(span);
    let after_if = text.strip_prefix("if").unwrap_or(text);
    squeeze(after_if.split('{').next().unwrap_or(""))
}

/// What the `match` at `span` tests: the text between `match` and `{`.
pub(super) fn match_scrutinee(program: &Program, span: Span) -> String {
    let text = program.sources.snippet(span);
    let after_match = text.strip_prefix("match").unwrap_or(text);
    squeeze(after_match.split('{').next().unwrap_or(""))
}

/// Runs of white space (line breaks included) as one space.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
