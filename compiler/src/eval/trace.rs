//! The optional record of one evaluation: what `avtal explain` and
//! `avtal test --coverage` are built on.
//!
//! When a [`Trace`] is handed to [`super::Interpreter::call_traced`] or
//! [`super::Interpreter::run_example_traced`], the interpreter appends a
//! [`TraceEvent`] at every decision it makes: entering and leaving a
//! function (with its arguments and its result or error), looking a param
//! up, testing a table row, taking an `if` branch or a `match` arm,
//! testing a condition's requirement, and classifying an interval against
//! a `classes` item (`hours_in`, `hours_on`, `in_class`). Events come in evaluation order and
//! `Enter`/`Exit` always pair up, also when the evaluation fails, so the
//! list is a flattened tree.
//!
//! This module only defines the data; the interpreter records it and
//! `crate::explain` turns it into trees and coverage. Without a trace the
//! interpreter pays one `Option` test per recorded decision.

use chrono::NaiveDate;

use super::windows::Piece;
use super::{EvalError, Value};
use crate::ir::{Builtin, ClassesId, FuncId, ParamId};
use crate::source::Span;
use crate::types::Type;

/// Everything one traced evaluation did, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trace {
    pub events: Vec<TraceEvent>,
}

impl Trace {
    pub fn new() -> Trace {
        Trace::default()
    }

    pub(super) fn push(&mut self, event: TraceEvent) {
        self.events.push(event);
    }
}

/// One decision of the interpreter.
#[derive(Debug, Clone, PartialEq)]
pub enum TraceEvent {
    /// A function is entered; `args` are its parameters' values as stored
    /// (at their storage scale). `call_site` is the call expression, or the
    /// function's own span for a top-level call.
    Enter {
        func: FuncId,
        call_site: Span,
        args: Vec<Value>,
    },
    /// The function entered last returns, with its value or its error.
    Exit {
        func: FuncId,
        result: Result<Value, EvalError>,
    },
    /// `param at date`. `period` is the index of the `from` line in force
    /// (`None` before the first one, an error), `value` its value.
    Param {
        param: ParamId,
        span: Span,
        at: NaiveDate,
        period: Option<usize>,
        value: Option<Value>,
    },
    /// Row `row` of a table was tested: it matched (`failed_cell` is
    /// `None`), or cell `failed_cell` rejected its input. Rows after the
    /// matching one are not tested and have no event.
    Row {
        func: FuncId,
        row: usize,
        failed_cell: Option<usize>,
    },
    /// An `if` at `span` chose its `then` branch (`taken`) or its `else`.
    If { span: Span, taken: bool },
    /// A `match` at `span` chose arm `arm` (`None`: the `_` arm) for the
    /// scrutinee's value, of type `ty`.
    Match {
        span: Span,
        scrutinee: Value,
        ty: Type,
        arm: Option<usize>,
    },
    /// Requirement `index` of a condition held (`passed`) or not.
    Requirement {
        func: FuncId,
        index: usize,
        passed: bool,
    },
    /// `hours_in`, `hours_on` or `in_class` classified an interval (boxed:
    /// it is the largest event and the rarest).
    Classify(Box<Classification>),
}

/// What one `hours_in`, `hours_on` or `in_class` call decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    /// The builtin call.
    pub span: Span,
    pub builtin: Builtin,
    /// The class asked for: class `class` of item `classes`.
    pub classes: ClassesId,
    pub class: u32,
    /// The interval measured, `[start, end)` in minute numbers (`clock`):
    /// for `hours_on` already cut to its day, for `in_class` the one
    /// minute that starts at `t`. Empty (`end <= start`) when `hours_on`'s
    /// day is outside the shift.
    pub start: i64,
    pub end: i64,
    /// The day of `hours_on`; `None` for the others.
    pub day: Option<NaiveDate>,
    /// The whole classification of the interval, every class of the item
    /// (not only the one asked) and the minutes no class holds, in order.
    pub pieces: Vec<Piece>,
    /// The day rules the classification asked about some day (whether the
    /// interpreter called them now or remembered an earlier answer), in
    /// the order first asked: coverage counts them as called.
    pub selectors: Vec<FuncId>,
}
