//! Diagnostic wording for the eval stage.
//!
//! The interpreter reports facts (a [`NumberError`], a [`CalendarError`],
//! a param's name and dates); these constructors turn them into
//! [`EvalError`]s with a headline and, where the fix is known, a help line.

use chrono::NaiveDate;

use crate::diagnostics::{Code, Diagnostic};
use crate::eval::{CalendarError, EvalError, NumberError};
use crate::source::Span;

pub fn number(span: Span, error: NumberError) -> EvalError {
    match error {
        NumberError::Overflow => EvalError::new(
            Code::Overflow,
            span,
            "the exact result is too large to represent",
        )
        .with_help(
            "numbers are kept exact up to about 38 digits in numerator and denominator; \
             check the inputs for a misplaced decimal point",
        ),
        NumberError::DivisionByZero => {
            EvalError::new(Code::DivisionByZero, span, "division by zero")
                .with_help("test the divisor first: `if d == 0 { … } else { x / d }`")
        }
        NumberError::NotExact { scale } => not_exact(span, None, scale),
        NumberError::InvalidStep => EvalError::new(
            Code::InvalidRound,
            span,
            "the rounding step must be greater than zero",
        ),
    }
}

/// A value that cannot be written with `scale` decimals without rounding.
pub fn not_exact(span: Span, value: Option<&str>, scale: u32) -> EvalError {
    let plural = if scale == 1 { "" } else { "s" };
    let headline = match value {
        Some(v) => format!("{v} cannot be written with {scale} decimal{plural} without rounding"),
        None => {
            format!("the value cannot be written with {scale} decimal{plural} without rounding")
        }
    };
    let step = match scale {
        0 => "1".to_string(),
        s => format!("0.{}1", "0".repeat(s.saturating_sub(1) as usize)),
    };
    EvalError::new(Code::NotExact, span, headline)
        .with_help(format!("round it explicitly: `round(…, {step})`"))
}

pub fn calendar(span: Span, error: &CalendarError) -> EvalError {
    match error {
        CalendarError::NotWhole { amount, unit } => EvalError::new(
            Code::DateOutOfRange,
            span,
            format!("{amount} is not a whole number of {}", unit.name()),
        )
        .with_help("dates move by whole days or months; round the amount first: `round(n, 1)`"),
        CalendarError::OutOfRange {
            date,
            subtract,
            amount,
            unit,
        } => {
            let op = if *subtract { "-" } else { "+" };
            EvalError::new(
                Code::DateOutOfRange,
                span,
                format!(
                    "{date} {op} {amount} {} is outside the supported calendar",
                    unit.name()
                ),
            )
            .with_help("dates run from the year −262144 to 262143; check the amount")
        }
        CalendarError::NoSuchDate { year, month, day } => EvalError::new(
            Code::DateOutOfRange,
            span,
            format!("`date({year}, {month}, {day})` is not a date"),
        )
        .with_help(
            "the month is 1 to 12 and the day at most the month's length; `days_in_month` gives it",
        ),
    }
}

pub fn before_first_date(span: Span, param: &str, date: NaiveDate, first: NaiveDate) -> EvalError {
    EvalError::new(
        Code::BeforeFirstDate,
        span,
        format!("param `{param}` has no value on {date}"),
    )
    .with_help(format!(
        "the param starts on {first}; check the date or add a `from` line"
    ))
}

pub fn param_without_values(span: Span, param: &str) -> EvalError {
    EvalError::new(
        Code::BeforeFirstDate,
        span,
        format!("param `{param}` has no `from` lines"),
    )
    .with_help("give it a value: `from 2026-01-01 = …`")
}

/// `inputs` are `name = value` texts, one per table input.
pub fn no_table_row(span: Span, table: &str, inputs: &[String]) -> EvalError {
    EvalError::new(
        Code::NoTableRow,
        span,
        format!("no row of table `{table}` matches {}", inputs.join(", ")),
    )
    .with_help("add a row for these inputs, or end the table with a row of `_` cells")
}

/// `min`/`max` of a list without elements. There is no code of its own;
/// `E0213` (an empty list) is the closest.
pub fn empty_aggregate(span: Span, name: &str) -> EvalError {
    EvalError::new(
        Code::EmptyList,
        span,
        format!("`{name}` of an empty list has no value"),
    )
    .with_help(format!(
        "test `count(…) > 0` before taking the `{name}` of a list that may be empty"
    ))
}

/// Calls or expressions nested deeper than the interpreter allows. The
/// checker forbids recursion, so this means a checker bug or a program of
/// extraordinary depth; `E0110` (recursion) is the closest code.
pub fn too_deep(span: Span, limit: u32) -> EvalError {
    EvalError::new(
        Code::Recursion,
        span,
        format!("evaluation nested more than {limit} levels deep"),
    )
    .with_help("split the expression into smaller rules, or report a recursion the checker missed")
}

/// The IR does not have the shape the checker promises (a value of the
/// wrong kind, a missing local). Never the drafter's fault.
pub fn internal(span: Span, what: &str) -> EvalError {
    EvalError::new(
        Code::TypeMismatch,
        span,
        format!("internal error in the interpreter: {what}"),
    )
    .with_help("this is a bug in the Avtal checker; please report it with the source")
}

pub fn example_failed(
    span: Span,
    title: &str,
    expected: Option<&str>,
    actual: Option<&str>,
) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        Code::ExampleFailed,
        span,
        format!("example \"{title}\" does not hold"),
    );
    match (expected, actual) {
        (Some(expected), Some(actual)) => diagnostic
            .with_label(format!("expected {expected}, found {actual}"))
            .with_help("fix the rule, or the expected value if the agreement says otherwise"),
        _ => diagnostic.with_label("this is false"),
    }
}
