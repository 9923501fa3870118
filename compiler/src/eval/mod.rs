//! Reference interpreter: evaluates the typed IR exactly.
//!
//! This is the reference semantics every other back end must reproduce bit
//! for bit: numbers are exact rationals ([`number`]), dates follow
//! [`calendar`], and every rounding is one written in the source. The
//! interpreter never panics on input; overflow, division by zero, a param
//! looked up before its first date, a date off the calendar and a table
//! without a matching row are [`EvalError`]s carrying the span of the IR
//! node where they happened.
//!
//! Entry points: [`Interpreter::call`] runs any function (rule, table,
//! condition, limit, `evaluate`) on argument values, and
//! [`Interpreter::run_example`] runs one `example` block. It does not parse,
//! check, read data or print: the input is a checked [`Program`] (programs
//! with check errors are never run).
//!
//! [`Interpreter::call_traced`] and [`Interpreter::run_example_traced`] do
//! the same and also record what they decided in a [`Trace`] (`trace.rs`).
//!
//! Code map: `expr.rs` walks expressions, `builtins.rs` holds builtins and
//! aggregates, `functions.rs` calls functions (tables, conditions, limits)
//! and runs examples, `value.rs` has [`Value`] and [`format_value`].
//! Numbers: `number.rs` (forms, scale rules, overflow, arithmetic),
//! `round.rs` (rounding, text), `wide.rs` (the 256-bit slow path).

mod builtins;
pub mod calendar;
mod expr;
mod functions;
pub mod number;
mod refuse;
mod round;
mod time_builtins;
pub mod trace;
mod value;
mod wide;
pub mod windows;

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod number_tests;
#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod tests;

/// Test-only audit of the canonical-scale rule: while enabled on a thread,
/// every evaluated `Money`/`Percent`/`Hours` node whose static scale is
/// bounded must have a value of exactly that scale. Also for other crates'
/// tests, with the `testgen` feature (the engine's differential tests).
#[cfg(any(test, feature = "testgen"))]
pub mod scale_audit {
    use std::cell::RefCell;

    use super::Value;
    use crate::ir::Expr;
    use crate::types::Type;

    thread_local! {
        static MISMATCHES: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
    }

    /// Start collecting on this thread.
    pub fn start() {
        MISMATCHES.with(|m| *m.borrow_mut() = Some(Vec::new()));
    }

    /// Stop and return what was found.
    pub fn finish() -> Vec<String> {
        MISMATCHES.with(|m| m.borrow_mut().take().unwrap_or_default())
    }

    pub(super) fn observe(expr: &Expr, value: &Value) {
        let (Some(scale), Value::Number(n)) = (expr.scale, value) else {
            return;
        };
        if !matches!(expr.ty, Type::Money | Type::Percent | Type::Hours) || n.scale() == Some(scale)
        {
            return;
        }
        // A value too large for a 96-bit mantissa at its scale has no
        // decimal form at all (number.rs), whatever the scale rule says.
        if n.to_decimal_at_scale(scale) == Err(super::NumberError::Overflow) {
            return;
        }
        MISMATCHES.with(|m| {
            if let Some(list) = m.borrow_mut().as_mut() {
                list.push(format!(
                    "{:?} at {:?}: static scale {scale}, value {n}",
                    expr.ty, expr.span
                ));
            }
        });
    }
}

use std::sync::Arc;

use chrono::NaiveDate;

use crate::diagnostics::messages::eval as msg;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Body, FuncId, Program};
use crate::source::Span;

pub use calendar::{CalendarError, DateUnit};
pub use number::{Number, NumberError};
pub use trace::{Classification, Trace, TraceEvent};
pub use value::{Value, compare, compare_const, format_value};

/// An evaluation error: what went wrong and where, as data. The wording
/// (headline, help) lives in `diagnostics::messages::eval`, which also has
/// a constructor per variant; a command renders an error only when it
/// shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// Exact arithmetic failed (overflow, division by zero, a value that
    /// cannot be written exactly, a rounding step that is not positive).
    Number { span: Span, error: NumberError },
    /// A value that cannot be written with `scale` decimals; `value` is
    /// its text when known.
    NotExact {
        span: Span,
        value: Option<String>,
        scale: u32,
    },
    /// Date arithmetic left the calendar, or a date that does not exist.
    Calendar { span: Span, error: CalendarError },
    /// A param looked up before its first `from` date.
    BeforeFirstDate {
        span: Span,
        param: String,
        date: chrono::NaiveDate,
        first: chrono::NaiveDate,
    },
    /// A param with no `from` line at all.
    ParamWithoutValues { span: Span, param: String },
    /// No row of a decision table matched; `inputs` are `name = value`.
    NoTableRow {
        span: Span,
        table: String,
        inputs: Vec<String>,
    },
    /// `min`/`max` (named `aggregate`) of a list without elements.
    EmptyAggregate { span: Span, aggregate: String },
    /// Calls or expressions nested deeper than `limit`.
    TooDeep { span: Span, limit: u32 },
    /// An interval `[start, end)` with `end` before `start`.
    ReversedInterval {
        span: Span,
        start: String,
        end: String,
    },
    /// A `refuse` whose test held: `message` is the clause's own, `place`
    /// the refused element of the input (`shifts[4]`) for the per-element
    /// form, `None` for the whole record.
    Refused {
        span: Span,
        message: String,
        place: Option<String>,
    },
    /// The IR does not have the shape the checker promises: a bug.
    Internal { span: Span, what: String },
}

impl EvalError {
    /// Where it happened.
    pub fn span(&self) -> Span {
        match self {
            EvalError::Number { span, .. }
            | EvalError::NotExact { span, .. }
            | EvalError::Calendar { span, .. }
            | EvalError::BeforeFirstDate { span, .. }
            | EvalError::ParamWithoutValues { span, .. }
            | EvalError::NoTableRow { span, .. }
            | EvalError::EmptyAggregate { span, .. }
            | EvalError::TooDeep { span, .. }
            | EvalError::ReversedInterval { span, .. }
            | EvalError::Refused { span, .. }
            | EvalError::Internal { span, .. } => *span,
        }
    }

    /// The field of the input it names (`shifts[4]`), when it names one.
    pub fn place(&self) -> Option<&str> {
        match self {
            EvalError::Refused { place, .. } => place.as_deref(),
            _ => None,
        }
    }

    /// Its diagnostic code.
    pub fn code(&self) -> Code {
        msg::code(self)
    }

    /// The headline users see.
    pub fn message(&self) -> String {
        msg::headline(self)
    }

    /// The help line, when the fix is known.
    pub fn help(&self) -> Option<String> {
        msg::help(self)
    }

    pub fn to_diagnostic(&self) -> Diagnostic {
        let diagnostic = Diagnostic::new(self.code(), self.span(), self.message());
        match self.help() {
            Some(help) => diagnostic.with_help(help),
            None => diagnostic,
        }
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error[{}]: {}", self.code(), self.message())
    }
}

impl std::error::Error for EvalError {}

/// Attach a span to a span-free error (typst's `At`).
pub(crate) trait At<T> {
    fn at(self, span: Span) -> Result<T, EvalError>;
}

impl<T> At<T> for Result<T, NumberError> {
    fn at(self, span: Span) -> Result<T, EvalError> {
        self.map_err(|e| msg::number(span, e))
    }
}

impl<T> At<T> for Result<T, CalendarError> {
    fn at(self, span: Span) -> Result<T, EvalError> {
        self.map_err(|e| msg::calendar(span, &e))
    }
}

/// The outcome of one `example` block.
#[derive(Debug, Clone, PartialEq)]
pub enum ExampleOutcome {
    Passed,
    /// Every assertion was evaluated; these did not hold.
    Failed(Vec<AssertionFailure>),
    /// Evaluation stopped at the first error.
    Error(EvalError),
}

/// An assertion that evaluated to false.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssertionFailure {
    pub span: Span,
    /// For `a == b` at the top of an assertion: the right side, formatted
    /// with [`format_value`]. `None` for other assertions.
    pub expected: Option<String>,
    /// For `a == b`: the left side, formatted. `None` otherwise.
    pub actual: Option<String>,
}

impl AssertionFailure {
    /// The failure as an `E0506` diagnostic for the example `title`.
    pub fn to_diagnostic(&self, title: &str) -> Diagnostic {
        msg::example_failed(
            self.span,
            title,
            self.expected.as_deref(),
            self.actual.as_deref(),
        )
    }
}

/// The interpreter for one checked program. Cheap to share: evaluation
/// state lives in each call, so one `Interpreter` can serve many threads.
pub struct Interpreter<'p> {
    program: &'p Program,
    /// Each param's timeline with its values converted once.
    params: Vec<Vec<(NaiveDate, Value)>>,
    /// Each condition's requirements as shared texts, `(handle, reason)`
    /// (empty for other functions).
    reasons: Vec<Vec<(Arc<str>, Arc<str>)>>,
    empty_list: Arc<[Value]>,
    /// Answers of day-selector rules, by (rule, day number): a rule's
    /// answer for a date never changes, and windows ask the same days
    /// for every shift of a month.
    days: std::sync::RwLock<std::collections::HashMap<(FuncId, i64), bool>>,
}

impl<'p> Interpreter<'p> {
    pub fn new(program: &'p Program) -> Self {
        let params = program
            .params
            .iter()
            .map(|p| {
                p.timeline
                    .iter()
                    .map(|(date, value)| (*date, Value::from_const(value)))
                    .collect()
            })
            .collect();
        let reasons = program
            .functions
            .iter()
            .map(|f| match &f.body {
                Body::Condition(requirements) => requirements
                    .iter()
                    .map(|r| (Arc::from(r.handle()), Arc::from(r.reason.as_str())))
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        Interpreter {
            program,
            params,
            reasons,
            empty_list: Arc::from(Vec::new()),
            days: Default::default(),
        }
    }

    /// A day selector's remembered answer for day `day`.
    pub(crate) fn remembered_day(&self, func: FuncId, day: i64) -> Option<bool> {
        self.days.read().ok()?.get(&(func, day)).copied()
    }

    pub(crate) fn remember_day(&self, func: FuncId, day: i64, answer: bool) {
        if let Ok(mut days) = self.days.write() {
            days.insert((func, day), answer);
        }
    }

    pub fn program(&self) -> &'p Program {
        self.program
    }

    /// Call any function (rule, table, condition, limit, evaluate) with
    /// argument values, one per parameter.
    pub fn call(&self, func: FuncId, args: &[Value]) -> Result<Value, EvalError> {
        functions::Machine::new(self).call_with_values(func, args)
    }

    /// Run example `index` of `program.examples`.
    pub fn run_example(&self, index: usize) -> ExampleOutcome {
        functions::Machine::new(self).run_example(index)
    }

    /// [`Interpreter::call`], recording every decision in `trace`.
    pub fn call_traced(
        &self,
        func: FuncId,
        args: &[Value],
        trace: &mut Trace,
    ) -> Result<Value, EvalError> {
        functions::Machine::traced(self, trace).call_with_values(func, args)
    }

    /// [`Interpreter::run_example`], recording every decision in `trace`.
    pub fn run_example_traced(&self, index: usize, trace: &mut Trace) -> ExampleOutcome {
        functions::Machine::traced(self, trace).run_example(index)
    }
}
