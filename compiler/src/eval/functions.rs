//! Function calls and the bodies that are not plain expressions: decision
//! tables, conditions and limits; and running `example` blocks.
//!
//! The [`Machine`] is the evaluation state of one top-level call: a single
//! value stack holds every frame (a frame is `Function::n_locals` slots,
//! parameters first), so a call pushes and truncates instead of
//! allocating. The machine also counts nesting depth and stops with an
//! error, not a stack overflow, past [`MAX_DEPTH`]. When it carries a
//! [`Trace`], it records calls, table rows and requirements there.
//! Expressions are walked in `expr.rs`; this module does not look inside
//! them.

use std::cmp::Ordering;
use std::sync::Arc;

use super::expr::stored;
use super::trace::{Trace, TraceEvent};
use super::value::{compare_const, format_value};
use super::{AssertionFailure, At, EvalError, ExampleOutcome, Interpreter, Value};
use crate::diagnostics::messages::eval as msg;
use crate::ir::{
    BinOp, Body, Cell, CompareOp, Expr, ExprKind, FuncId, Function, LimitBody, Program,
    Requirement, TableRow,
};
use crate::source::{FileId, Span};

/// Deepest nesting of expressions and calls one evaluation may reach. The
/// checker forbids recursion, so real programs stay far below it; the
/// limit keeps a checker bug from overflowing the native stack (it is
/// sized for the 2 MiB stacks of test threads in debug builds).
pub(super) const MAX_DEPTH: u32 = 400;

/// Evaluation state of one top-level call or example.
pub(super) struct Machine<'a, 'p> {
    pub(super) interp: &'a Interpreter<'p>,
    pub(super) program: &'p Program,
    /// Every frame's locals, innermost frame last.
    pub(super) stack: Vec<Value>,
    /// Start of the current frame in `stack`.
    pub(super) base: usize,
    /// Current nesting of `eval` calls and function calls.
    pub(super) depth: u32,
    /// Where decisions are recorded, when someone asked (`explain`,
    /// coverage); `None` on the fast path.
    pub(super) trace: Option<&'a mut Trace>,
}

/// Placeholder for locals not yet bound (a `let` later in the body).
const UNBOUND: Value = Value::Bool(false);

impl<'a, 'p> Machine<'a, 'p> {
    pub(super) fn new(interp: &'a Interpreter<'p>) -> Self {
        Machine {
            interp,
            program: interp.program,
            stack: Vec::with_capacity(64),
            base: 0,
            depth: 0,
            trace: None,
        }
    }

    /// A machine that records its decisions in `trace`.
    pub(super) fn traced(interp: &'a Interpreter<'p>, trace: &'a mut Trace) -> Self {
        Machine {
            trace: Some(trace),
            ..Machine::new(interp)
        }
    }

    fn function(&self, func: FuncId, span: Span) -> Result<&'p Function, EvalError> {
        self.program
            .function(func)
            .ok_or_else(|| msg::internal(span, "a call to a function that does not exist"))
    }

    /// `Interpreter::call`: the arguments are values already.
    pub(super) fn call_with_values(
        mut self,
        func: FuncId,
        args: &[Value],
    ) -> Result<Value, EvalError> {
        let nowhere = Span::new(FileId(0), 0, 0);
        let function = self.function(func, nowhere)?;
        if args.len() != function.params.len() {
            let what = format!(
                "`{}` takes {} arguments, but was given {}",
                function.name,
                function.params.len(),
                args.len()
            );
            return Err(msg::internal(function.span, &what));
        }
        for (arg, (_, ty)) in args.iter().zip(function.params.iter()) {
            self.stack.push(stored(arg.clone(), ty, function.span)?);
        }
        self.enter(func, function, 0, function.span)
    }

    /// A call in an expression: arguments are evaluated left to right
    /// straight into the new frame.
    pub(super) fn call(
        &mut self,
        func: FuncId,
        args: &'p [Expr],
        span: Span,
    ) -> Result<Value, EvalError> {
        let function = self.function(func, span)?;
        if args.len() != function.params.len() {
            return Err(msg::internal(
                span,
                "a call with the wrong number of arguments",
            ));
        }
        let base = self.stack.len();
        for (arg, (_, ty)) in args.iter().zip(function.params.iter()) {
            let value = self.eval(arg)?;
            self.stack.push(stored(value, ty, arg.span)?);
        }
        self.enter(func, function, base, span)
    }

    /// Run `function` on the frame starting at `base`, whose parameters
    /// are already pushed; `span` is the call site.
    fn enter(
        &mut self,
        func: FuncId,
        function: &'p Function,
        base: usize,
        span: Span,
    ) -> Result<Value, EvalError> {
        if self.depth >= MAX_DEPTH {
            return Err(msg::too_deep(span, MAX_DEPTH));
        }
        let n_locals = (function.n_locals as usize).max(function.params.len());
        if self.trace.is_some() {
            self.record_enter(func, base, function.params.len(), span);
        }
        self.stack.resize(base + n_locals, UNBOUND);
        let caller_base = std::mem::replace(&mut self.base, base);
        self.depth += 1;
        let result = match &function.body {
            Body::Expr(body) => self.eval(body),
            Body::Table(rows) => self.table(func, function, rows, span),
            Body::Condition(requirements) => self.condition(func, requirements),
            Body::Limit(limit) => self.limit(limit),
        };
        self.depth -= 1;
        self.base = caller_base;
        self.stack.truncate(base);
        if self.trace.is_some() {
            self.record_event(TraceEvent::Exit {
                func,
                result: result.clone(),
            });
        }
        result
    }

    /// Append `event` to the trace. Out of line and cold, like the other
    /// `record_*`: without a trace, evaluation pays only the `is_some` test
    /// and its frames stay as small as before.
    #[cold]
    #[inline(never)]
    pub(super) fn record_event(&mut self, event: TraceEvent) {
        if let Some(trace) = self.trace.as_deref_mut() {
            trace.push(event);
        }
    }

    /// An `Enter` event with the `n_params` values from `base` on.
    #[cold]
    #[inline(never)]
    fn record_enter(&mut self, func: FuncId, base: usize, n_params: usize, span: Span) {
        let args = self
            .stack
            .get(base..base + n_params)
            .unwrap_or(&[])
            .to_vec();
        self.record_event(TraceEvent::Enter {
            func,
            call_site: span,
            args,
        });
    }

    /// First row whose every cell accepts its input.
    fn table(
        &mut self,
        func: FuncId,
        function: &'p Function,
        rows: &'p [TableRow],
        span: Span,
    ) -> Result<Value, EvalError> {
        for (row_idx, row) in rows.iter().enumerate() {
            let failed_cell = self.first_failing_cell(row);
            if self.trace.is_some() {
                self.record_event(TraceEvent::Row {
                    func,
                    row: row_idx,
                    failed_cell,
                });
            }
            if failed_cell.is_none() {
                return self.eval(&row.result);
            }
        }
        let inputs: Vec<String> = function
            .params
            .iter()
            .enumerate()
            .map(|(i, (name, ty))| match self.stack.get(self.base + i) {
                Some(value) => format!("{name} = {}", format_value(self.program, ty, value)),
                None => name.clone(),
            })
            .collect();
        Err(msg::no_table_row(span, &function.name, &inputs))
    }

    /// The first cell that rejects its input; `None` when the row matches.
    fn first_failing_cell(&self, row: &TableRow) -> Option<usize> {
        row.cells.iter().enumerate().position(|(i, cell)| {
            !self
                .stack
                .get(self.base + i)
                .is_some_and(|input| cell_matches(cell, input))
        })
    }

    /// Every requirement is evaluated; the failed ones' handles and reasons
    /// are kept in order.
    fn condition(
        &mut self,
        func: FuncId,
        requirements: &'p [Requirement],
    ) -> Result<Value, EvalError> {
        let mut failed = Vec::new();
        let mut reasons = Vec::new();
        for (i, requirement) in requirements.iter().enumerate() {
            let passed = self.eval_bool(&requirement.test)?;
            if self.trace.is_some() {
                self.record_event(TraceEvent::Requirement {
                    func,
                    index: i,
                    passed,
                });
            }
            if !passed {
                let (handle, reason) = self
                    .interp
                    .reasons
                    .get(func.0 as usize)
                    .and_then(|reasons| reasons.get(i))
                    .cloned()
                    .unwrap_or_else(|| {
                        (
                            Arc::from(requirement.handle()),
                            Arc::from(requirement.reason.as_str()),
                        )
                    });
                failed.push(Value::Text(handle));
                reasons.push(Value::Text(reason));
            }
        }
        let ok = failed.is_empty();
        let (failed, reasons) = if ok {
            (
                self.interp.empty_list.clone(),
                self.interp.empty_list.clone(),
            )
        } else {
            (Arc::from(failed), Arc::from(reasons))
        };
        Ok(Value::Record(Arc::from([
            Value::Bool(ok),
            Value::List(failed),
            Value::List(reasons),
        ])))
    }

    /// `used`, `bound`, `room` (what is left before the bound is crossed;
    /// negative once it is) and `violated`.
    fn limit(&mut self, limit: &'p LimitBody) -> Result<Value, EvalError> {
        let ty = &limit.measured.ty;
        let used = self.eval_number(&limit.measured)?;
        let bound = self.eval_number(&limit.bound)?;
        let span = limit.measured.span.to(limit.bound.span);
        let (room, violated) = if limit.at_most {
            (bound.checked_sub(&used).at(span)?, used > bound)
        } else {
            (used.checked_sub(&bound).at(span)?, used < bound)
        };
        // The three numbers are stored values: at the type's storage scale.
        Ok(Value::Record(Arc::from([
            stored(Value::Number(used), ty, limit.measured.span)?,
            stored(Value::Number(bound), ty, limit.bound.span)?,
            stored(Value::Number(room), ty, span)?,
            Value::Bool(violated),
        ])))
    }

    /// `Interpreter::run_example`: every assertion is evaluated; the first
    /// error stops the example.
    pub(super) fn run_example(mut self, index: usize) -> ExampleOutcome {
        let Some(example) = self.program.examples.get(index) else {
            let nowhere = Span::new(FileId(0), 0, 0);
            return ExampleOutcome::Error(msg::internal(nowhere, "no example with this index"));
        };
        self.stack.resize(example.n_locals as usize, UNBOUND);
        let mut failures = Vec::new();
        for assertion in &example.assertions {
            match self.assertion(assertion) {
                Ok(None) => {}
                Ok(Some(failure)) => failures.push(failure),
                Err(error) => return ExampleOutcome::Error(error),
            }
        }
        if failures.is_empty() {
            ExampleOutcome::Passed
        } else {
            ExampleOutcome::Failed(failures)
        }
    }

    /// `None` when the assertion holds. For `a == b` the failure shows both
    /// sides, each formatted with its own type.
    fn assertion(&mut self, assertion: &'p Expr) -> Result<Option<AssertionFailure>, EvalError> {
        if let ExprKind::ExpectRefused { value, message } = &assertion.kind {
            let actual = match self.refusal_of(value)? {
                Err(got) if got == *message => return Ok(None),
                Err(got) => format!("refused because {got:?}"),
                Ok(computed) => format_value(self.program, &value.ty, &computed),
            };
            return Ok(Some(AssertionFailure {
                span: assertion.span,
                expected: Some(format!("refused because {message:?}")),
                actual: Some(actual),
            }));
        }
        if let ExprKind::Binary(BinOp::Eq, left, right) = &assertion.kind {
            let actual = self.eval(left)?;
            let expected = self.eval(right)?;
            if actual == expected {
                return Ok(None);
            }
            return Ok(Some(AssertionFailure {
                span: assertion.span,
                expected: Some(format_value(self.program, &right.ty, &expected)),
                actual: Some(format_value(self.program, &left.ty, &actual)),
            }));
        }
        if self.eval_bool(assertion)? {
            return Ok(None);
        }
        Ok(Some(AssertionFailure {
            span: assertion.span,
            expected: None,
            actual: None,
        }))
    }
}

/// A table cell's test; constants compare with the input by exact value.
fn cell_matches(cell: &Cell, input: &Value) -> bool {
    match cell {
        Cell::Any => true,
        Cell::OneOf(constants) => constants
            .iter()
            .any(|c| compare_const(input, c) == Some(Ordering::Equal)),
        Cell::Compare(op, constant) => {
            compare_const(input, constant).is_some_and(|ordering| compare_op_holds(*op, ordering))
        }
        Cell::Range(low, high) => {
            compare_const(input, low).is_some_and(|o| o != Ordering::Less)
                && compare_const(input, high).is_some_and(|o| o != Ordering::Greater)
        }
    }
}

fn compare_op_holds(op: CompareOp, ordering: Ordering) -> bool {
    match op {
        CompareOp::Eq => ordering == Ordering::Equal,
        CompareOp::Ne => ordering != Ordering::Equal,
        CompareOp::Lt => ordering == Ordering::Less,
        CompareOp::Le => ordering != Ordering::Greater,
        CompareOp::Gt => ordering == Ordering::Greater,
        CompareOp::Ge => ordering != Ordering::Less,
    }
}
