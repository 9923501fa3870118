//! Builtin functions and aggregates over lists.
//!
//! - `min(a, b, …)`/`max(a, b, …)` compare numbers by exact value or dates
//!   by the calendar; on a tie the first argument wins (so the result keeps
//!   that argument's scale).
//! - `abs`, the date parts `year`/`month`/`day`/`days_in_month`, `date(y,
//!   m, d)`, and the duration constructors: `days(n)` and `months(n)` are
//!   `n`, `weeks(n)` is `7·n` days, `years(n)` is `12·n` months.
//! - Aggregates: `sum` (the exact sum; `0` with scale 0 for an empty list),
//!   `count`, `all` (true for an empty list), `any`, `min`/`max` (an error
//!   for an empty list; ties keep the first element). Every element is
//!   evaluated, also for `all`/`any`, so that errors do not depend on the
//!   order of elements. An aggregate over a comprehension folds the
//!   elements as they are made, without building the list.

use std::cmp::Ordering;

use super::expr::{as_number, wrong_kind};
use super::functions::Machine;
use super::number::Number;
use super::value::compare;
use super::{At, EvalError, Value, calendar};
use crate::diagnostics::messages::eval as msg;
use crate::ir::{Aggregate, Builtin, Expr, ExprKind};
use crate::source::Span;

impl<'a, 'p> Machine<'a, 'p> {
    /// Dispatch only: each family has its own function, which keeps the
    /// native stack per level of nesting small.
    pub(super) fn builtin(
        &mut self,
        builtin: Builtin,
        args: &'p [Expr],
        span: Span,
    ) -> Result<Value, EvalError> {
        match builtin {
            Builtin::Min | Builtin::Max => self.min_max(builtin == Builtin::Min, args, span),
            Builtin::MakeDate => self.make_date(args, span),
            Builtin::Abs
            | Builtin::ToDays
            | Builtin::ToMonths
            | Builtin::ToWeeks
            | Builtin::ToYears => self.number_builtin(builtin, args, span),
            Builtin::Year | Builtin::Month | Builtin::Day | Builtin::DaysInMonth => {
                self.date_part(builtin, args, span)
            }
            Builtin::Weekday
            | Builtin::IntDiv
            | Builtin::IntMod
            | Builtin::ToHours
            | Builtin::DateOf
            | Builtin::TimeOf
            | Builtin::MakeTimestamp
            | Builtin::HoursIn
            | Builtin::HoursOn
            | Builtin::InClass
            | Builtin::DaysOf => self.time_builtin(builtin, args, span),
        }
    }

    fn only_arg(args: &'p [Expr], span: Span) -> Result<&'p Expr, EvalError> {
        match args {
            [arg] => Ok(arg),
            _ => Err(msg::internal(span, "a builtin without its one argument")),
        }
    }

    fn number_builtin(
        &mut self,
        builtin: Builtin,
        args: &'p [Expr],
        span: Span,
    ) -> Result<Value, EvalError> {
        let n = self.eval_number(Self::only_arg(args, span)?)?;
        let result = match builtin {
            Builtin::Abs => n.abs(),
            Builtin::ToWeeks => n.checked_mul(&Number::from_i64(7)).at(span)?,
            Builtin::ToYears => n.checked_mul(&Number::from_i64(12)).at(span)?,
            _ => n,
        };
        Ok(Value::Number(result))
    }

    fn date_part(
        &mut self,
        builtin: Builtin,
        args: &'p [Expr],
        span: Span,
    ) -> Result<Value, EvalError> {
        let date = self.eval_date(Self::only_arg(args, span)?)?;
        Ok(Value::Number(match builtin {
            Builtin::Year => calendar::year(date),
            Builtin::Month => calendar::month(date),
            Builtin::Day => calendar::day(date),
            _ => calendar::days_in_month(date),
        }))
    }

    fn make_date(&mut self, args: &'p [Expr], span: Span) -> Result<Value, EvalError> {
        let [year, month, day] = args else {
            return Err(msg::internal(span, "`date` without three arguments"));
        };
        let year = self.eval_number(year)?;
        let month = self.eval_number(month)?;
        let day = self.eval_number(day)?;
        Ok(Value::Date(
            calendar::make_date(&year, &month, &day).at(span)?,
        ))
    }

    /// `min(a, b, …)` / `max(a, b, …)`: arguments evaluated left to right.
    fn min_max(&mut self, is_min: bool, args: &'p [Expr], span: Span) -> Result<Value, EvalError> {
        let mut best: Option<Value> = None;
        for arg in args {
            let value = self.eval(arg)?;
            best = Some(match best {
                None => value,
                Some(current) => pick(is_min, current, value, arg.span)?,
            });
        }
        best.ok_or_else(|| msg::internal(span, "`min`/`max` without arguments"))
    }

    pub(super) fn aggregate(
        &mut self,
        aggregate: Aggregate,
        list: &'p Expr,
        span: Span,
    ) -> Result<Value, EvalError> {
        let mut fold = Fold::new(aggregate);
        if let ExprKind::Comprehension {
            element,
            binder,
            list: source,
            filter,
        } = &list.kind
        {
            let items = self.eval_list(source)?;
            for item in items.iter() {
                self.set_local(*binder, item.clone(), list.span)?;
                if let Some(filter) = filter.as_deref()
                    && !self.eval_bool(filter)?
                {
                    continue;
                }
                let value = self.eval(element)?;
                fold.push(value, element.span, span)?;
            }
        } else {
            let items = self.eval_list(list)?;
            for item in items.iter() {
                fold.push(item.clone(), list.span, span)?;
            }
        }
        fold.finish(span)
    }
}

/// The smaller (`is_min`) or larger of two values; `current` wins ties.
fn pick(is_min: bool, current: Value, candidate: Value, span: Span) -> Result<Value, EvalError> {
    let ordering = compare(&candidate, &current)
        .ok_or_else(|| wrong_kind(span, "a number or a date", &candidate))?;
    let wanted = if is_min {
        Ordering::Less
    } else {
        Ordering::Greater
    };
    Ok(if ordering == wanted {
        candidate
    } else {
        current
    })
}

/// The running state of an aggregate.
enum Fold {
    Sum(Number),
    Count(i64),
    All(bool),
    Any(bool),
    Min(Option<Value>),
    Max(Option<Value>),
}

impl Fold {
    fn new(aggregate: Aggregate) -> Fold {
        match aggregate {
            Aggregate::Sum => Fold::Sum(Number::ZERO),
            Aggregate::Count => Fold::Count(0),
            Aggregate::All => Fold::All(true),
            Aggregate::Any => Fold::Any(false),
            Aggregate::Min => Fold::Min(None),
            Aggregate::Max => Fold::Max(None),
        }
    }

    /// Add one element; `element_span` is where it came from, `span` the
    /// aggregate (where an overflow of the sum is reported).
    fn push(&mut self, value: Value, element_span: Span, span: Span) -> Result<(), EvalError> {
        match self {
            Fold::Sum(total) => {
                *total = total
                    .checked_add(as_number(&value, element_span)?)
                    .at(span)?
            }
            Fold::Count(n) => *n = n.saturating_add(1),
            Fold::All(all) => *all &= as_bool(&value, element_span)?,
            Fold::Any(any) => *any |= as_bool(&value, element_span)?,
            Fold::Min(best) => keep_best(best, true, value, element_span)?,
            Fold::Max(best) => keep_best(best, false, value, element_span)?,
        }
        Ok(())
    }

    fn finish(self, span: Span) -> Result<Value, EvalError> {
        match self {
            Fold::Sum(total) => Ok(Value::Number(total)),
            Fold::Count(n) => Ok(Value::Number(Number::from_i64(n))),
            Fold::All(b) | Fold::Any(b) => Ok(Value::Bool(b)),
            Fold::Min(best) => best.ok_or_else(|| msg::empty_aggregate(span, "min")),
            Fold::Max(best) => best.ok_or_else(|| msg::empty_aggregate(span, "max")),
        }
    }
}

/// Fold one element into a running `min`/`max`.
fn keep_best(
    best: &mut Option<Value>,
    is_min: bool,
    value: Value,
    span: Span,
) -> Result<(), EvalError> {
    *best = Some(match best.take() {
        None => value,
        Some(current) => pick(is_min, current, value, span)?,
    });
    Ok(())
}

fn as_bool(value: &Value, span: Span) -> Result<bool, EvalError> {
    value
        .as_bool()
        .ok_or_else(|| wrong_kind(span, "a bool", value))
}
