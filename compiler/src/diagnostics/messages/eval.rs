//! Diagnostic wording for the eval stage.
//!
//! The interpreter reports facts (a [`NumberError`], a [`CalendarError`],
//! a param's name and dates) as [`EvalError`] variants, built with the
//! constructors below; [`code`], [`headline`] and [`help`] say them in
//! words when a command shows them.

use chrono::NaiveDate;

use crate::diagnostics::{Code, Diagnostic};
use crate::eval::{CalendarError, EvalError, NumberError};
use crate::source::Span;

pub fn number(span: Span, error: NumberError) -> EvalError {
    match error {
        NumberError::NotExact { scale } => not_exact(span, None, scale),
        error => EvalError::Number { span, error },
    }
}

/// A value that cannot be written with `scale` decimals without rounding.
pub fn not_exact(span: Span, value: Option<&str>, scale: u32) -> EvalError {
    EvalError::NotExact {
        span,
        value: value.map(str::to_string),
        scale,
    }
}

pub fn calendar(span: Span, error: &CalendarError) -> EvalError {
    EvalError::Calendar {
        span,
        error: error.clone(),
    }
}

pub fn before_first_date(span: Span, param: &str, date: NaiveDate, first: NaiveDate) -> EvalError {
    EvalError::BeforeFirstDate {
        span,
        param: param.to_string(),
        date,
        first,
    }
}

pub fn param_without_values(span: Span, param: &str) -> EvalError {
    EvalError::ParamWithoutValues {
        span,
        param: param.to_string(),
    }
}

/// `inputs` are `name = value` texts, one per table input.
pub fn no_table_row(span: Span, table: &str, inputs: &[String]) -> EvalError {
    EvalError::NoTableRow {
        span,
        table: table.to_string(),
        inputs: inputs.to_vec(),
    }
}

/// `min`/`max` of a list without elements.
pub fn empty_aggregate(span: Span, name: &str) -> EvalError {
    EvalError::EmptyAggregate {
        span,
        aggregate: name.to_string(),
    }
}

/// Calls or expressions nested deeper than the interpreter allows.
pub fn too_deep(span: Span, limit: u32) -> EvalError {
    EvalError::TooDeep { span, limit }
}

/// The IR does not have the shape the checker promises (a value of the
/// wrong kind, a missing local). Never the drafter's fault.
pub fn internal(span: Span, what: &str) -> EvalError {
    EvalError::Internal {
        span,
        what: what.to_string(),
    }
}

/// The code of an evaluation error.
pub fn code(error: &EvalError) -> Code {
    match error {
        EvalError::Number { error, .. } => match error {
            NumberError::Overflow => Code::Overflow,
            NumberError::DivisionByZero => Code::DivisionByZero,
            NumberError::NotExact { .. } => Code::NotExact,
            NumberError::InvalidStep => Code::InvalidRound,
        },
        EvalError::NotExact { .. } => Code::NotExact,
        EvalError::Calendar { .. } => Code::DateOutOfRange,
        EvalError::BeforeFirstDate { .. } | EvalError::ParamWithoutValues { .. } => {
            Code::BeforeFirstDate
        }
        EvalError::NoTableRow { .. } => Code::NoTableRow,
        // There is no code of its own; `E0213` (an empty list) is the
        // closest.
        EvalError::EmptyAggregate { .. } => Code::EmptyList,
        // The checker forbids recursion, so this means a checker bug or a
        // program of extraordinary depth; `E0110` (recursion) is closest.
        EvalError::TooDeep { .. } => Code::Recursion,
        EvalError::ReversedInterval { .. } => Code::ReversedInterval,
        EvalError::Refused { .. } => Code::Refused,
        EvalError::Internal { .. } => Code::Internal,
    }
}

/// The headline of an evaluation error.
pub fn headline(error: &EvalError) -> String {
    match error {
        EvalError::Number { error, .. } => match error {
            NumberError::Overflow => "the exact result is too large to represent".to_string(),
            NumberError::DivisionByZero => "division by zero".to_string(),
            NumberError::NotExact { scale } => not_exact_headline(None, *scale),
            NumberError::InvalidStep => "the rounding step must be greater than zero".to_string(),
        },
        EvalError::NotExact { value, scale, .. } => not_exact_headline(value.as_deref(), *scale),
        EvalError::Calendar { error, .. } => match error {
            CalendarError::NotWhole { amount, unit } => {
                format!("{amount} is not a whole number of {}", unit.name())
            }
            CalendarError::OutOfRange {
                date,
                subtract,
                amount,
                unit,
            } => {
                let op = if *subtract { "-" } else { "+" };
                format!(
                    "{date} {op} {amount} {} is outside the supported calendar",
                    unit.name()
                )
            }
            CalendarError::NoSuchDate { year, month, day } => {
                format!("`date({year}, {month}, {day})` is not a date")
            }
        },
        EvalError::BeforeFirstDate { param, date, .. } => {
            format!("param `{param}` has no value on {date}")
        }
        EvalError::ParamWithoutValues { param, .. } => {
            format!("param `{param}` has no `from` lines")
        }
        EvalError::NoTableRow { table, inputs, .. } => {
            format!("no row of table `{table}` matches {}", inputs.join(", "))
        }
        EvalError::EmptyAggregate { aggregate, .. } => {
            format!("`{aggregate}` of an empty list has no value")
        }
        EvalError::TooDeep { limit, .. } => {
            format!("evaluation nested more than {limit} levels deep")
        }
        EvalError::ReversedInterval { start, end, .. } => {
            format!("the interval {start} to {end} ends before it starts")
        }
        // The clause's own words, as written after `because`.
        EvalError::Refused { message, .. } => message.clone(),
        EvalError::Internal { what, .. } => format!("internal error in the interpreter: {what}"),
    }
}

/// The help line of an evaluation error, when the fix is known.
pub fn help(error: &EvalError) -> Option<String> {
    Some(match error {
        EvalError::Number { error, .. } => match error {
            NumberError::Overflow => "numbers are kept exact up to about 38 digits in numerator \
                                      and denominator; check the inputs for a misplaced decimal point"
                .to_string(),
            NumberError::DivisionByZero => {
                "test the divisor first: `if d == 0 { … } else { x / d }`".to_string()
            }
            NumberError::NotExact { scale } => not_exact_help(*scale),
            NumberError::InvalidStep => return None,
        },
        EvalError::NotExact { scale, .. } => not_exact_help(*scale),
        EvalError::Calendar { error, .. } => match error {
            CalendarError::NotWhole { .. } => {
                "dates move by whole days or months; round the amount first: `round(n, 1)`"
                    .to_string()
            }
            CalendarError::OutOfRange { .. } => {
                "dates run from the year −262143 to 262142; check the amount".to_string()
            }
            CalendarError::NoSuchDate { .. } => "the month is 1 to 12 and the day at most the \
                                                 month's length; `days_in_month` gives it"
                .to_string(),
        },
        EvalError::BeforeFirstDate { first, .. } => {
            format!("the param starts on {first}; check the date or add a `from` line")
        }
        EvalError::ParamWithoutValues { .. } => "give it a value: `from 2026-01-01 = …`".to_string(),
        EvalError::NoTableRow { .. } => {
            "add a row for these inputs, or end the table with a row of `_` cells".to_string()
        }
        EvalError::EmptyAggregate { aggregate, .. } => format!(
            "test `count(…) > 0` before taking the `{aggregate}` of a list that may be empty"
        ),
        EvalError::TooDeep { .. } => "split the expression into smaller rules, or report a \
                                      recursion the checker missed"
            .to_string(),
        EvalError::ReversedInterval { .. } => "check the order of the two timestamps and the \
                                               data; a shift past midnight ends on the next date"
            .to_string(),
        EvalError::Refused { place, .. } => match place {
            Some(place) => format!("the agreement does not accept `{place}`: correct it in the input"),
            None => "the agreement does not accept this record: correct it in the input".to_string(),
        },
        EvalError::Internal { .. } => {
            "this is a bug in the Avtal checker; please report it with the source".to_string()
        }
    })
}

fn not_exact_headline(value: Option<&str>, scale: u32) -> String {
    let plural = if scale == 1 { "" } else { "s" };
    match value {
        Some(v) => format!("{v} cannot be written with {scale} decimal{plural} without rounding"),
        None => {
            format!("the value cannot be written with {scale} decimal{plural} without rounding")
        }
    }
}

fn not_exact_help(scale: u32) -> String {
    let step = match scale {
        0 => "1".to_string(),
        s => format!("0.{}1", "0".repeat(s.saturating_sub(1) as usize)),
    };
    format!("round it explicitly: `round(…, {step})`")
}

pub fn reversed_interval(span: Span, start: &str, end: &str) -> EvalError {
    EvalError::ReversedInterval {
        span,
        start: start.to_string(),
        end: end.to_string(),
    }
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
