//! Builtins of whole numbers and clock time: `weekday`, `div`, `mod`,
//! `hours`, the parts of a timestamp, and the hours of a class
//! (`hours_in`, `hours_on`, `in_class`, `days_of`).
//!
//! Day selectors of windows are rules; their answers are remembered by
//! the interpreter for the life of the program (a rule's answer depends
//! only on its date), so a month of shifts asks each rule once a day.
//!
//! Under a trace, `hours_in`, `hours_on` and `in_class` record the whole
//! classification of their interval (`TraceEvent::Classify`); without
//! one, they only count the minutes of the class asked.

use chrono::{Datelike, NaiveDate};

use super::functions::Machine;
use super::number::Number;
use super::trace::{Classification, TraceEvent};
use super::windows::{self, Oracle};
use super::{At, EvalError, Value};
use crate::clock;
use crate::diagnostics::messages::eval as msg;
use crate::ir::{Builtin, ClassesId, ClassesInfo, DaySelector, Expr, FuncId};
use crate::source::Span;

impl<'a, 'p> Machine<'a, 'p> {
    pub(super) fn time_builtin(
        &mut self,
        builtin: Builtin,
        args: &'p [Expr],
        span: Span,
    ) -> Result<Value, EvalError> {
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            values.push(self.eval(arg)?);
        }
        match (builtin, values.as_slice()) {
            (Builtin::Weekday, [Value::Date(d)]) => Ok(Value::Number(Number::from_i64(i64::from(
                d.weekday().number_from_monday(),
            )))),
            (Builtin::IntDiv | Builtin::IntMod, [Value::Number(a), Value::Number(b)]) => {
                int_div_mod(builtin == Builtin::IntMod, a, b, span)
            }
            (Builtin::ToHours, [Value::Number(x)]) => Ok(Value::Number(x.clone())),
            (Builtin::DateOf, [Value::Timestamp(t)]) => Ok(Value::Date(t.date())),
            (Builtin::TimeOf, [Value::Timestamp(t)]) => Ok(Value::Time(t.time())),
            (Builtin::MakeTimestamp, [Value::Date(d), Value::Time(t)]) => {
                Ok(Value::Timestamp(d.and_time(*t)))
            }
            (Builtin::HoursIn, [Value::Timestamp(s), Value::Timestamp(e), Value::Class(c, k)]) => {
                let (lo, hi) = self.interval(*s, *e, span)?;
                let asked = Measured::new(builtin, *c, *k, span);
                self.class_hours(asked, lo, hi)
            }
            (
                Builtin::HoursOn,
                [
                    Value::Date(day),
                    Value::Timestamp(s),
                    Value::Timestamp(e),
                    Value::Class(c, k),
                ],
            ) => {
                let (lo, hi) = self.interval(*s, *e, span)?;
                let asked = Measured {
                    day: Some(*day),
                    ..Measured::new(builtin, *c, *k, span)
                };
                let day = clock::day_number(*day);
                let lo = lo.max(windows::day_start(day));
                let hi = hi.min(windows::day_start(day + 1));
                self.class_hours(asked, lo, hi)
            }
            (Builtin::InClass, [Value::Timestamp(t), Value::Class(c, k)]) => {
                let minute = clock::timestamp_minutes(*t);
                let asked = Measured::new(builtin, *c, *k, span);
                let minutes = self.class_minutes(asked, minute, minute + 1)?;
                Ok(Value::Bool(minutes == 1))
            }
            (Builtin::DaysOf, [Value::Timestamp(s), Value::Timestamp(e)]) => {
                // Reversed is an error as in `hours_in`: a shift keyed in
                // backwards must not pass as a shift of no days.
                let (lo, hi) = self.interval(*s, *e, span)?;
                let mut days = Vec::new();
                if hi > lo {
                    for day in windows::day_of(lo)..=windows::day_of(hi - 1) {
                        days.push(Value::Date(date_of_day(day, span)?));
                    }
                }
                Ok(Value::List(days.into()))
            }
            _ => Err(msg::internal(
                span,
                "a clock builtin with arguments of other kinds",
            )),
        }
    }

    /// The minutes of `[start, end)`; an error when it ends before it starts.
    fn interval(
        &self,
        start: chrono::NaiveDateTime,
        end: chrono::NaiveDateTime,
        span: Span,
    ) -> Result<(i64, i64), EvalError> {
        if end < start {
            return Err(msg::reversed_interval(
                span,
                &clock::format_timestamp(start),
                &clock::format_timestamp(end),
            ));
        }
        Ok((
            clock::timestamp_minutes(start),
            clock::timestamp_minutes(end),
        ))
    }

    fn class_hours(&mut self, asked: Measured, lo: i64, hi: i64) -> Result<Value, EvalError> {
        let minutes = self.class_minutes(asked, lo, hi)?;
        Ok(Value::Number(
            Number::from_fraction(i128::from(minutes), 60).at(asked.span)?,
        ))
    }

    /// The minutes of `[lo, hi)` in the class asked.
    fn class_minutes(&mut self, asked: Measured, lo: i64, hi: i64) -> Result<i64, EvalError> {
        if self.trace.is_some() {
            return self.class_minutes_traced(asked, lo, hi);
        }
        let info = self.classes_info(asked)?;
        let mut oracle = RuleOracle {
            machine: self,
            span: asked.span,
        };
        windows::minutes_in(info, asked.class as usize, lo, hi, &mut oracle)
    }

    /// [`Machine::class_minutes`] that records the classification. Out of
    /// line and cold like the other recorders, so the untraced path keeps
    /// its small frame.
    #[cold]
    #[inline(never)]
    fn class_minutes_traced(
        &mut self,
        asked: Measured,
        lo: i64,
        hi: i64,
    ) -> Result<i64, EvalError> {
        let info = self.classes_info(asked)?;
        let mut oracle = Asking {
            oracle: RuleOracle {
                machine: self,
                span: asked.span,
            },
            asked: Vec::new(),
        };
        let pieces = windows::classify(info, lo, hi, &mut oracle)?;
        let selectors = oracle.asked;
        let minutes = pieces
            .iter()
            .filter(|piece| piece.class() == Some(asked.class as usize))
            .map(windows::Piece::minutes)
            .sum();
        self.record_event(TraceEvent::Classify(Box::new(Classification {
            span: asked.span,
            builtin: asked.builtin,
            classes: asked.classes,
            class: asked.class,
            start: lo,
            end: hi,
            day: asked.day,
            pieces,
            selectors,
        })));
        Ok(minutes)
    }

    fn classes_info(&self, asked: Measured) -> Result<&'p ClassesInfo, EvalError> {
        self.program.classes_info(asked.classes).ok_or_else(|| {
            msg::internal(
                asked.span,
                "a class of a `classes` item that does not exist",
            )
        })
    }
}

/// What a builtin measures against: the class asked, by whom, where.
#[derive(Clone, Copy)]
struct Measured {
    builtin: Builtin,
    classes: ClassesId,
    class: u32,
    /// The day of `hours_on`.
    day: Option<NaiveDate>,
    span: Span,
}

impl Measured {
    fn new(builtin: Builtin, classes: ClassesId, class: u32, span: Span) -> Measured {
        Measured {
            builtin,
            classes,
            class,
            day: None,
            span,
        }
    }
}

fn date_of_day(day: i64, span: Span) -> Result<NaiveDate, EvalError> {
    clock::date_of_day(day).ok_or_else(|| msg::internal(span, "a day off the calendar"))
}

/// `div(a, b)` rounds down (toward minus infinity); `mod` is the
/// remainder with the sign of `b`.
fn int_div_mod(remainder: bool, a: &Number, b: &Number, span: Span) -> Result<Value, EvalError> {
    let (a, a_den) = a.fraction_parts();
    let (b, b_den) = b.fraction_parts();
    if a_den != 1 || b_den != 1 {
        return Err(msg::internal(
            span,
            "`div`/`mod` of a number that is not whole",
        ));
    }
    if b == 0 {
        return Err(msg::number(span, super::NumberError::DivisionByZero));
    }
    let overflow = || msg::number(span, super::NumberError::Overflow);
    let mut quotient = a.checked_div(b).ok_or_else(overflow)?;
    let rest = a.checked_rem(b).ok_or_else(overflow)?;
    if rest != 0 && ((rest < 0) != (b < 0)) {
        quotient -= 1;
    }
    let value = if remainder {
        let product = b.checked_mul(quotient).ok_or_else(overflow)?;
        a.checked_sub(product).ok_or_else(overflow)?
    } else {
        quotient
    };
    Ok(Value::Number(Number::from_fraction(value, 1).at(span)?))
}

/// Asks day selectors by calling their rule, remembering each answer in
/// the interpreter.
struct RuleOracle<'m, 'a, 'p> {
    machine: &'m mut Machine<'a, 'p>,
    span: Span,
}

impl Oracle for RuleOracle<'_, '_, '_> {
    type Error = EvalError;

    fn selects(&mut self, selector: DaySelector, day: i64) -> Result<bool, EvalError> {
        let func = match selector {
            DaySelector::Every => return Ok(true),
            DaySelector::Rule(func) => func,
        };
        if let Some(known) = self.machine.interp.remembered_day(func, day) {
            return Ok(known);
        }
        // A day off the calendar does not exist, so no rule selects it: a
        // span near the calendar's first or last day is cut there, not an
        // error (the compiled code's `selects` does the same).
        let Some(date) = clock::date_of_day(day) else {
            return Ok(false);
        };
        let answer = match self.machine.interp.call(func, &[Value::Date(date)])? {
            Value::Bool(b) => b,
            _ => {
                return Err(msg::internal(
                    self.span,
                    "a day selector that is not a Bool",
                ));
            }
        };
        self.machine.interp.remember_day(func, day, answer);
        Ok(answer)
    }
}

/// An oracle that also notes which day rules were asked, for the trace.
struct Asking<O> {
    oracle: O,
    asked: Vec<FuncId>,
}

impl<O: Oracle> Oracle for Asking<O> {
    type Error = O::Error;

    fn selects(&mut self, selector: DaySelector, day: i64) -> Result<bool, O::Error> {
        if let DaySelector::Rule(func) = selector
            && !self.asked.contains(&func)
        {
            self.asked.push(func);
        }
        self.oracle.selects(selector, day)
    }
}
