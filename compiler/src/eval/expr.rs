//! Expressions: one `match` over [`ExprKind`], a helper per construct.
//!
//! Semantics per node are the ones documented in `ir.rs`: `and`/`or`
//! short-circuit; `if` evaluates one branch; `match` picks the first arm
//! listing the scrutinee's variant index (a `Bool` scrutinee is variant 0
//! for false, 1 for true), else the `_` arm; `let` and comprehension
//! binders write frame slots; a param is looked up at the latest `from`
//! date not after the given date. Arithmetic is `number.rs`, date moves
//! are `calendar.rs`, builtins and aggregates are `builtins.rs`.
//!
//! With a trace, `if`, `match` and param lookups record their choice.
//! Every error is reported at the span of the node where it happened.
//! Locals and fields of locals are read in place, without cloning the
//! records they sit in.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::functions::{MAX_DEPTH, Machine};
use super::number::{Number, NumberError};
use super::trace::TraceEvent;
use super::value::compare;
use super::{At, EvalError, Value, calendar};
use crate::diagnostics::messages::eval as msg;
use crate::ir::{BinOp, Expr, ExprKind, LocalId, ParamId, RoundMode, UnOp};
use crate::source::Span;
use crate::types::storage_scale;
use crate::types::{RecordId, Scale, Type};

impl<'a, 'p> Machine<'a, 'p> {
    /// Evaluate one expression in the current frame.
    pub(super) fn eval(&mut self, expr: &'p Expr) -> Result<Value, EvalError> {
        if self.depth >= MAX_DEPTH {
            return Err(msg::too_deep(expr.span, MAX_DEPTH));
        }
        self.depth += 1;
        let mut result = self.eval_kind(expr);
        self.depth -= 1;
        if takes_static_scale(expr) {
            result = canonical_result(result, expr);
        }
        #[cfg(any(test, feature = "testgen"))]
        if let Ok(value) = &result {
            super::scale_audit::observe(expr, value);
        }
        result
    }

    /// One arm per construct, each a single call, so that this frame (and
    /// the native stack per level of nesting) stays small.
    fn eval_kind(&mut self, expr: &'p Expr) -> Result<Value, EvalError> {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Const(constant) => Ok(Value::from_const(constant)),
            ExprKind::Local(local) => self.local(*local, span).cloned(),
            ExprKind::Param { param, at } => self.param(*param, at, span),
            ExprKind::Call { func, args } => self.call(*func, args, span),
            ExprKind::Builtin { builtin, args } => self.builtin(*builtin, args, span),
            ExprKind::Unary(op, operand) => self.unary(*op, operand, span),
            ExprKind::Binary(op, left, right) => self.binary(*op, left, right, span),
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => self.if_else(cond, then, otherwise, span),
            ExprKind::Match {
                scrutinee,
                arms,
                default,
            } => self.match_arms(scrutinee, arms, default.as_deref(), span),
            ExprKind::Let { local, value, body } => self.let_in(*local, value, body, span),
            ExprKind::Field(record, index) => self.field(expr, record, *index, span),
            ExprKind::Record { record, fields } => self.record(*record, fields, span),
            ExprKind::List(items) => self.list(expr, items),
            ExprKind::Comprehension {
                element,
                binder,
                list,
                filter,
            } => self.comprehension(element, *binder, list, filter.as_deref(), span),
            ExprKind::Aggregate(aggregate, list) => self.aggregate(*aggregate, list, span),
            ExprKind::Round { value, step, mode } => self.round(value, *step, *mode, span),
            ExprKind::Refuse {
                test,
                each,
                message,
                body,
            } => self.refuse(test, each.as_ref(), message, body, span),
            ExprKind::ExpectRefused { value, message } => self.expect_refused(value, message),
            ExprKind::Error => Err(msg::internal(
                span,
                "an expression the checker could not type",
            )),
        }
    }

    fn if_else(
        &mut self,
        cond: &'p Expr,
        then: &'p Expr,
        otherwise: &'p Expr,
        span: Span,
    ) -> Result<Value, EvalError> {
        let taken = self.eval_bool(cond)?;
        if self.trace.is_some() {
            self.record_event(TraceEvent::If { span, taken });
        }
        if taken {
            self.eval(then)
        } else {
            self.eval(otherwise)
        }
    }

    /// A record literal: each field is stored at its type's storage scale.
    fn record(
        &mut self,
        record: RecordId,
        fields: &'p [Expr],
        span: Span,
    ) -> Result<Value, EvalError> {
        let mut values = Vec::with_capacity(fields.len());
        for field in fields {
            values.push(self.eval(field)?);
        }
        let info = self
            .program
            .record(record)
            .ok_or_else(|| msg::internal(span, "a record type that does not exist"))?;
        let stored: Result<Vec<Value>, EvalError> = values
            .into_iter()
            .zip(fields.iter().zip(info.fields.iter()))
            .map(|(value, (field, declared))| stored(value, &declared.ty, field.span))
            .collect();
        Ok(Value::Record(Arc::from(stored?)))
    }

    /// A list literal: elements take the list's static scale.
    fn list(&mut self, list: &'p Expr, items: &'p [Expr]) -> Result<Value, EvalError> {
        let element_ty = match &list.ty {
            Type::List(inner) => inner.as_ref(),
            other => other,
        };
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            let value = self.eval(item)?;
            values.push(canonical(value, element_ty, list.scale, item.span)?);
        }
        Ok(Value::List(Arc::from(values)))
    }

    fn let_in(
        &mut self,
        local: LocalId,
        value: &'p Expr,
        body: &'p Expr,
        span: Span,
    ) -> Result<Value, EvalError> {
        let value = self.eval(value)?;
        self.set_local(local, value, span)?;
        self.eval(body)
    }

    fn round(
        &mut self,
        value: &'p Expr,
        step: Decimal,
        mode: RoundMode,
        span: Span,
    ) -> Result<Value, EvalError> {
        let value = self.eval_number(value)?;
        Ok(Value::Number(value.round(step, mode).at(span)?))
    }

    pub(super) fn local(&self, local: LocalId, span: Span) -> Result<&Value, EvalError> {
        self.stack
            .get(self.base + local.0 as usize)
            .ok_or_else(|| msg::internal(span, "a local outside its frame"))
    }

    pub(super) fn set_local(
        &mut self,
        local: LocalId,
        value: Value,
        span: Span,
    ) -> Result<(), EvalError> {
        match self.stack.get_mut(self.base + local.0 as usize) {
            Some(slot) => {
                *slot = value;
                Ok(())
            }
            None => Err(msg::internal(span, "a local outside its frame")),
        }
    }

    pub(super) fn eval_number(&mut self, expr: &'p Expr) -> Result<Number, EvalError> {
        match self.eval(expr)? {
            Value::Number(n) => Ok(n),
            other => Err(wrong_kind(expr.span, "a number", &other)),
        }
    }

    pub(super) fn eval_bool(&mut self, expr: &'p Expr) -> Result<bool, EvalError> {
        match self.eval(expr)? {
            Value::Bool(b) => Ok(b),
            other => Err(wrong_kind(expr.span, "a bool", &other)),
        }
    }

    pub(super) fn eval_date(&mut self, expr: &'p Expr) -> Result<NaiveDate, EvalError> {
        match self.eval(expr)? {
            Value::Date(d) => Ok(d),
            other => Err(wrong_kind(expr.span, "a date", &other)),
        }
    }

    pub(super) fn eval_list(&mut self, expr: &'p Expr) -> Result<Arc<[Value]>, EvalError> {
        match self.eval(expr)? {
            Value::List(items) => Ok(items),
            other => Err(wrong_kind(expr.span, "a list", &other)),
        }
    }

    /// The value of the latest `from` line on or before the date.
    fn param(&mut self, param: ParamId, at: &'p Expr, span: Span) -> Result<Value, EvalError> {
        let date = self.eval_date(at)?;
        let info = self
            .program
            .param(param)
            .ok_or_else(|| msg::internal(span, "a param that does not exist"))?;
        let timeline = self
            .interp
            .params
            .get(param.0 as usize)
            .ok_or_else(|| msg::internal(span, "a param that does not exist"))?;
        let n_started = timeline.partition_point(|(from, _)| *from <= date);
        let period = n_started.checked_sub(1);
        let in_force = period.and_then(|i| timeline.get(i));
        if self.trace.is_some() {
            let value = in_force.map(|(_, value)| value.clone());
            self.record_event(TraceEvent::Param {
                param,
                span,
                at: date,
                period: in_force.and(period),
                value,
            });
        }
        match in_force {
            Some((_, value)) => Ok(value.clone()),
            None => match timeline.first() {
                Some((first, _)) => Err(msg::before_first_date(span, &info.name, date, *first)),
                None => Err(msg::param_without_values(span, &info.name)),
            },
        }
    }

    fn unary(&mut self, op: UnOp, operand: &'p Expr, span: Span) -> Result<Value, EvalError> {
        match (op, self.eval(operand)?) {
            (UnOp::Neg, Value::Number(n)) => Ok(Value::Number(-n)),
            (UnOp::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
            (_, other) => Err(wrong_kind(span, "an operand of its operator", &other)),
        }
    }

    fn binary(
        &mut self,
        op: BinOp,
        left: &'p Expr,
        right: &'p Expr,
        span: Span,
    ) -> Result<Value, EvalError> {
        match op {
            BinOp::And => return self.and_or(true, left, right),
            BinOp::Or => return self.and_or(false, left, right),
            _ => {}
        }
        let a = self.eval(left)?;
        let b = self.eval(right)?;
        match op {
            BinOp::Add
            | BinOp::Sub
            | BinOp::Mul
            | BinOp::MulPercent
            | BinOp::Div
            | BinOp::DivPercent => arithmetic(op, &a, &b, left.span, right.span, span),
            BinOp::AddDays
            | BinOp::AddMonths
            | BinOp::SubDays
            | BinOp::SubMonths
            | BinOp::DateDiff => date_arithmetic(op, &a, &b, left.span, right.span, span),
            BinOp::TimeDiff => match (&a, &b) {
                (Value::Timestamp(end), Value::Timestamp(start)) => {
                    let minutes = crate::clock::timestamp_minutes(*end)
                        - crate::clock::timestamp_minutes(*start);
                    Ok(Value::Number(
                        Number::from_fraction(i128::from(minutes), 60).at(span)?,
                    ))
                }
                _ => Err(msg::internal(
                    span,
                    "a timestamp difference of other values",
                )),
            },
            BinOp::Concat => concat(&a, &b, span),
            BinOp::Eq => Ok(Value::Bool(a == b)),
            BinOp::Ne => Ok(Value::Bool(a != b)),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => ordering(op, &a, &b, span),
            BinOp::And | BinOp::Or => Err(msg::internal(
                span,
                "a short-circuit operator evaluated eagerly",
            )),
        }
    }

    /// `and` (`is_and`) or `or`, evaluating the right side only if needed.
    fn and_or(
        &mut self,
        is_and: bool,
        left: &'p Expr,
        right: &'p Expr,
    ) -> Result<Value, EvalError> {
        let decided = self.eval_bool(left)? != is_and;
        if decided {
            return Ok(Value::Bool(!is_and));
        }
        self.eval_bool(right).map(Value::Bool)
    }

    fn match_arms(
        &mut self,
        scrutinee: &'p Expr,
        arms: &'p [(Vec<u32>, Expr)],
        default: Option<&'p Expr>,
        span: Span,
    ) -> Result<Value, EvalError> {
        // Only the index is kept: a `Value` alive across the arm's `eval`
        // would grow this recursive frame.
        let (index, is_bool) = match self.eval(scrutinee)? {
            Value::Variant(index) => (index, false),
            Value::Bool(b) => (u32::from(b), true),
            other => return Err(wrong_kind(scrutinee.span, "an enum variant", &other)),
        };
        let arm = arms
            .iter()
            .position(|(variants, _)| variants.contains(&index));
        if self.trace.is_some() {
            let value = if is_bool {
                Value::Bool(index == 1)
            } else {
                Value::Variant(index)
            };
            self.record_match(span, scrutinee, value, arm);
        }
        if let Some((_, body)) = arm.and_then(|i| arms.get(i)) {
            return self.eval(body);
        }
        match default {
            Some(body) => self.eval(body),
            None => Err(msg::internal(
                span,
                "a `match` without an arm for its value",
            )),
        }
    }

    #[cold]
    #[inline(never)]
    fn record_match(&mut self, span: Span, scrutinee: &Expr, value: Value, arm: Option<usize>) {
        self.record_event(TraceEvent::Match {
            span,
            scrutinee: value,
            ty: scrutinee.ty.clone(),
            arm,
        });
    }

    /// A field: read in place when the record is a local or a field of
    /// one, so the record is not cloned.
    fn field(
        &mut self,
        expr: &'p Expr,
        record: &'p Expr,
        index: u32,
        span: Span,
    ) -> Result<Value, EvalError> {
        if let Some(value) = self.place(expr) {
            return Ok(value.clone());
        }
        match self.eval(record)? {
            Value::Record(fields) => fields
                .get(index as usize)
                .cloned()
                .ok_or_else(|| msg::internal(span, "a field index beyond the record")),
            other => Err(wrong_kind(record.span, "a record", &other)),
        }
    }

    /// The value a local or a chain of fields of a local denotes.
    fn place(&self, expr: &Expr) -> Option<&Value> {
        match &expr.kind {
            ExprKind::Local(local) => self.stack.get(self.base + local.0 as usize),
            ExprKind::Field(record, index) => match self.place(record)? {
                Value::Record(fields) => fields.get(*index as usize),
                _ => None,
            },
            _ => None,
        }
    }

    /// `[element for binder in list if filter]`.
    fn comprehension(
        &mut self,
        element: &'p Expr,
        binder: LocalId,
        list: &'p Expr,
        filter: Option<&'p Expr>,
        span: Span,
    ) -> Result<Value, EvalError> {
        let items = self.eval_list(list)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            self.set_local(binder, item.clone(), span)?;
            if let Some(filter) = filter
                && !self.eval_bool(filter)?
            {
                continue;
            }
            out.push(self.eval(element)?);
        }
        Ok(Value::List(Arc::from(out)))
    }
}

fn arithmetic(
    op: BinOp,
    a: &Value,
    b: &Value,
    left: Span,
    right: Span,
    span: Span,
) -> Result<Value, EvalError> {
    let x = as_number(a, left)?;
    let y = as_number(b, right)?;
    let result = match op {
        BinOp::Add => x.checked_add(y),
        BinOp::Sub => x.checked_sub(y),
        BinOp::Mul => x.checked_mul(y),
        BinOp::MulPercent => x.checked_mul_percent(y),
        BinOp::Div => x.checked_div(y),
        _ => x.checked_div_percent(y),
    };
    Ok(Value::Number(result.at(span)?))
}

fn date_arithmetic(
    op: BinOp,
    a: &Value,
    b: &Value,
    left: Span,
    right: Span,
    span: Span,
) -> Result<Value, EvalError> {
    let moved = match op {
        BinOp::AddDays | BinOp::AddMonths => {
            // The checker accepts the amount on either side of `+`.
            let (date, amount) = match (a, b) {
                (Value::Date(d), Value::Number(n)) | (Value::Number(n), Value::Date(d)) => (*d, n),
                _ => return Err(wrong_kind(span, "a date and an amount", a)),
            };
            if op == BinOp::AddDays {
                calendar::add_days(date, amount, false)
            } else {
                calendar::add_months(date, amount, false)
            }
        }
        BinOp::SubDays => calendar::add_days(as_date(a, left)?, as_number(b, right)?, true),
        BinOp::SubMonths => calendar::add_months(as_date(a, left)?, as_number(b, right)?, true),
        _ => {
            let days = calendar::days_between(as_date(a, left)?, as_date(b, right)?);
            return Ok(Value::Number(days));
        }
    };
    Ok(Value::Date(moved.at(span)?))
}

fn concat(a: &Value, b: &Value, span: Span) -> Result<Value, EvalError> {
    match (a, b) {
        (Value::Text(x), Value::Text(y)) => {
            let mut text = String::with_capacity(x.len() + y.len());
            text.push_str(x);
            text.push_str(y);
            Ok(Value::Text(Arc::from(text)))
        }
        _ => Err(wrong_kind(span, "two texts", a)),
    }
}

fn ordering(op: BinOp, a: &Value, b: &Value, span: Span) -> Result<Value, EvalError> {
    let ordering = compare(a, b).ok_or_else(|| wrong_kind(span, "two comparable values", a))?;
    Ok(Value::Bool(match op {
        BinOp::Lt => ordering.is_lt(),
        BinOp::Le => ordering.is_le(),
        BinOp::Gt => ordering.is_gt(),
        _ => ordering.is_ge(),
    }))
}

pub(super) fn as_number(value: &Value, span: Span) -> Result<&Number, EvalError> {
    value
        .as_number()
        .ok_or_else(|| wrong_kind(span, "a number", value))
}

pub(super) fn as_date(value: &Value, span: Span) -> Result<NaiveDate, EvalError> {
    value
        .as_date()
        .ok_or_else(|| wrong_kind(span, "a date", value))
}

/// A value of the wrong kind: the checker should have prevented it.
pub(super) fn wrong_kind(span: Span, expected: &str, found: &Value) -> EvalError {
    msg::internal(
        span,
        &format!("expected {expected}, found {}", found.kind_name()),
    )
}

/// The value in its canonical form: a `Money`, `Percent` or `Hours` number
/// with the static scale `scale` of the IR node it is the value of
/// (ARCHITECTURE.md, "every Money/Percent/Hours value has the static scale
/// of its IR node"). Raising the scale is exact; the checker guarantees a
/// value never has more decimals than its node's bound, so needing to drop
/// digits is an internal error, never a silent rounding. Other types, an
/// unbounded scale (after a division) and `Decimal` (which keeps its own
/// run-time scale) are left as they are.
pub(super) fn canonical(
    value: Value,
    ty: &Type,
    scale: Scale,
    span: Span,
) -> Result<Value, EvalError> {
    let (Some(scale), Value::Number(n)) = (scale, &value) else {
        return Ok(value);
    };
    if !matches!(ty, Type::Money | Type::Percent | Type::Hours) || n.scale() == Some(scale) {
        return Ok(value);
    }
    match n.to_decimal_at_scale(scale) {
        Ok(d) => Ok(Value::Number(Number::from_decimal(d))),
        Err(NumberError::Overflow) => Err(msg::number(span, NumberError::Overflow)),
        Err(_) => Err(msg::internal(
            span,
            "a value with more decimals than its static scale",
        )),
    }
}

/// Nodes whose value is brought to the node's static scale (the
/// canonical-scale rule): the ones whose value comes from somewhere else
/// (a branch, a call, a param, a choice among arguments or elements).
fn takes_static_scale(expr: &Expr) -> bool {
    matches!(expr.ty, Type::Money | Type::Percent | Type::Hours)
        && expr.scale.is_some()
        && matches!(
            expr.kind,
            ExprKind::Param { .. }
                | ExprKind::Call { .. }
                | ExprKind::Builtin { .. }
                | ExprKind::If { .. }
                | ExprKind::Match { .. }
                | ExprKind::Aggregate(..)
        )
}

/// Out of line, so that the recursive `eval` frame stays small.
#[inline(never)]
fn canonical_result(result: Result<Value, EvalError>, expr: &Expr) -> Result<Value, EvalError> {
    canonical(result?, &expr.ty, expr.scale, expr.span)
}

/// A value stored in a record field, an argument or a limit: at its
/// type's storage scale (`types::storage_scale`).
pub(super) fn stored(value: Value, ty: &Type, span: Span) -> Result<Value, EvalError> {
    canonical(value, ty, storage_scale(ty), span)
}
