//! What the checker knows about windows beyond their syntax: a span that
//! can never hold a minute (its rule selects no day) is an error (E0402),
//! so is a span whose `on next` day does not come within 14 days of a day
//! it starts on (E0405: it would be cut off there), and so are classes of
//! an unranked `classes` item that share a minute (E0403).
//!
//! Both depend on the calendar the day rules compute, so they are decided
//! by running the rules (with the interpreter) over the years
//! [`FIRST_YEAR`]..=[`LAST_YEAR`]: two decades, which hold every weekday
//! on every date and every Easter from March 23 to April 25. A rule that
//! selects a day only outside these years is reported as never selecting
//! one; that is the documented limit. The scan runs only on a program
//! without errors.

use chrono::NaiveDate;

use crate::clock;
use crate::diagnostics::Diagnostic;
use crate::diagnostics::messages::check as msg;
use crate::eval::windows::{self, Oracle};
use crate::eval::{Interpreter, Value};
use crate::ir::{ClassesInfo, DaySelector, MAX_SPAN_DAYS, Program, WindowSpan};

/// The years the checker runs day rules over.
pub const FIRST_YEAR: i32 = 2020;
pub const LAST_YEAR: i32 = 2039;

/// The diagnostics of the `classes` items `wanted` selects.
pub fn verify(program: &Program, wanted: impl Fn(&ClassesInfo) -> bool) -> Vec<Diagnostic> {
    if !program
        .classes
        .iter()
        .any(|c| wanted(c) && !c.classes.is_empty())
    {
        return Vec::new();
    }
    let interp = Interpreter::new(program);
    let mut oracle = Scan { interp: &interp };
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1),
        NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31),
    ) else {
        return Vec::new();
    };
    let (first, last) = (clock::day_number(first), clock::day_number(last));
    let mut found = Vec::new();
    for classes in program.classes.iter().filter(|c| wanted(c)) {
        let mut empty = false;
        for class in &classes.classes {
            for span in &class.spans {
                for selector in [Some(span.on), span.until].into_iter().flatten() {
                    if !selects_some(selector, first, last, &mut oracle) {
                        found.push(msg::empty_window(
                            span.span,
                            &selector_name(program, selector),
                            FIRST_YEAR,
                            LAST_YEAR,
                        ));
                        empty = true;
                    }
                }
                if !empty && let Some(anchor) = unended(span, first, last, &mut oracle) {
                    found.push(msg::no_next_day(
                        span.span,
                        &selector_name(program, span.until.unwrap_or(DaySelector::Every)),
                        &anchor,
                        MAX_SPAN_DAYS,
                    ));
                }
            }
        }
        if !classes.ranked && !empty && classes.classes.len() > 1 {
            found.extend(overlap(classes, first, last, &mut oracle));
        }
    }
    found
}

fn selects_some(selector: DaySelector, first: i64, last: i64, oracle: &mut Scan<'_, '_>) -> bool {
    (first..=last).any(|day| oracle.selects(selector, day).unwrap_or(false))
}

/// The first day the span starts on whose `on next` day does not come
/// within `MAX_SPAN_DAYS` days.
fn unended(span: &WindowSpan, first: i64, last: i64, oracle: &mut Scan<'_, '_>) -> Option<String> {
    let until = span.until?;
    (first..=last)
        .find(|&day| {
            oracle.selects(span.on, day).unwrap_or(false)
                && !(day + 1..=day + MAX_SPAN_DAYS)
                    .any(|next| oracle.selects(until, next).unwrap_or(false))
        })
        .and_then(clock::date_of_day)
        .map(|d| d.to_string())
}

/// The first minute two classes share, scanned a day at a time.
fn overlap(
    classes: &ClassesInfo,
    first: i64,
    last: i64,
    oracle: &mut Scan<'_, '_>,
) -> Option<Diagnostic> {
    for day in first..=last {
        let (lo, hi) = (windows::day_start(day), windows::day_start(day + 1));
        // A rule that fails on some day is not this check's to report.
        let Ok(Some((minute, a, b))) = windows::first_overlap(classes, lo, hi, oracle) else {
            continue;
        };
        let class = |i: usize| {
            classes
                .classes
                .get(i)
                .map(|c| (c.name.as_str(), c.span))
                .unwrap_or(("?", classes.span))
        };
        let at = clock::timestamp_of_minutes(minute)
            .map(|t| format!("{}, a {}", clock::format_timestamp(t), t.format("%A")))
            .unwrap_or_default();
        return Some(msg::overlapping_classes(
            &classes.name,
            class(a),
            class(b),
            &at,
        ));
    }
    None
}

fn selector_name(program: &Program, selector: DaySelector) -> String {
    match selector {
        DaySelector::Every => "every day".to_string(),
        DaySelector::Rule(func) => program
            .function(func)
            .map_or_else(|| "?".to_string(), |f| f.name.clone()),
    }
}

/// Runs day rules with the interpreter; a rule that fails selects nothing.
struct Scan<'i, 'p> {
    interp: &'i Interpreter<'p>,
}

impl Oracle for Scan<'_, '_> {
    type Error = ();

    fn selects(&mut self, selector: DaySelector, day: i64) -> Result<bool, ()> {
        let func = match selector {
            DaySelector::Every => return Ok(true),
            DaySelector::Rule(func) => func,
        };
        if let Some(known) = self.interp.remembered_day(func, day) {
            return Ok(known);
        }
        let date = clock::date_of_day(day).ok_or(())?;
        let answer = matches!(
            self.interp.call(func, &[Value::Date(date)]),
            Ok(Value::Bool(true))
        );
        self.interp.remember_day(func, day, answer);
        Ok(answer)
    }
}
