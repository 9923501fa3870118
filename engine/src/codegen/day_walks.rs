//! One classification per day for the `hours_on` calls of a day's element
//! (JIT only, next to `fuse.rs`).
//!
//! W2's OB pay takes, for each day of a shift, `hours_on(d, s.start,
//! s.end, C)` for three classes of one item, each clipping the interval
//! to the day and probing the memo. When two or more calls of a
//! `days_of` comprehension's element take the same interval on its day,
//! in places the element always evaluates (operands of arithmetic), the
//! day's part is classified once for every class before the element, and
//! the calls read the minutes (`known_walks`). The calls would each have
//! classified it; only the order of failures between them and the rest
//! of the element changes, which the JIT may do (`fuse.rs`: any failure
//! sends the record to the interpreter).

use super::seq::Stage;
use super::translate::{FunctionTranslator, Result, Val};
use avtal_compiler::ir::{BinOp, Builtin, ClassesId, Const, Expr, ExprKind, LocalId};

#[cfg(test)]
thread_local! {
    /// Intervals classified once for a day's calls, on this thread.
    pub(super) static SHARED_DAY_WALKS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// An argument of `hours_on` that is a field of a local (`s.start`).
type FieldOf = (LocalId, u32);

impl<'a, 'b> FunctionTranslator<'a, 'b> {
    /// In the frame of a `days_of` comprehension's `stage`, with its
    /// binder bound to the day: classify each interval that two or more
    /// `hours_on` calls of the element take on that day, once. The caller
    /// drops the entries after the element's step.
    pub(super) fn share_day_walks(&mut self, stage: &Stage<'a>) -> Result<()> {
        if !self.fuse_loops || stage.filter.is_some() {
            return Ok(());
        }
        let mut calls: Vec<(ClassesId, FieldOf, FieldOf)> = Vec::new();
        always_evaluated_hours_on(stage.element, stage.binder, &mut calls);
        let mut twice: Vec<(ClassesId, FieldOf, FieldOf)> = Vec::new();
        for (index, call) in calls.iter().enumerate() {
            if calls.iter().skip(index + 1).any(|c| c == call) && !twice.contains(call) {
                twice.push(*call);
            }
        }
        let Some(Val::Date(day)) = self.frame_local(stage.binder) else {
            return Ok(());
        };
        for (classes, lo, hi) in twice {
            let (Some(Val::Date(lo)), Some(Val::Date(hi))) = (self.field_of(lo), self.field_of(hi))
            else {
                continue;
            };
            #[cfg(test)]
            SHARED_DAY_WALKS.with(|n| n.set(n.get() + 1));
            if let Some(minutes) = self.class_minutes_all(classes, lo, hi, Some(day))? {
                self.known_walks.push((classes, Some(day), lo, hi, minutes));
            }
        }
        Ok(())
    }

    fn frame_local(&self, local: LocalId) -> Option<Val> {
        self.frames.last()?.get(local.0 as usize)?.clone()
    }

    /// `local.field` in the current frame, when `local` holds a record.
    fn field_of(&self, (local, field): FieldOf) -> Option<Val> {
        match self.frame_local(local)? {
            Val::Record(fields) => fields.get(field as usize).cloned(),
            _ => None,
        }
    }
}

/// The `hours_on(day, x.a, y.b, C)` calls of `expr` that its evaluation
/// always reaches (through arithmetic, comparisons and rounding, not
/// through `and`/`or`, branches or calls), on the day `day`.
fn always_evaluated_hours_on(
    expr: &Expr,
    day: LocalId,
    out: &mut Vec<(ClassesId, FieldOf, FieldOf)>,
) {
    match &expr.kind {
        ExprKind::Binary(BinOp::And | BinOp::Or, ..) => {}
        ExprKind::Binary(_, left, right) => {
            always_evaluated_hours_on(left, day, out);
            always_evaluated_hours_on(right, day, out);
        }
        ExprKind::Unary(_, operand) => always_evaluated_hours_on(operand, day, out),
        ExprKind::Round { value, .. } => always_evaluated_hours_on(value, day, out),
        ExprKind::Builtin {
            builtin: Builtin::HoursOn,
            args,
        } => {
            if let [on, lo, hi, class] = args.as_slice()
                && matches!(&on.kind, ExprKind::Local(l) if *l == day)
                && let (Some(lo), Some(hi)) = (field_of_local(lo), field_of_local(hi))
                && lo.0 != day
                && hi.0 != day
                && let ExprKind::Const(Const::Class { classes, .. }) = &class.kind
            {
                out.push((*classes, lo, hi));
            }
        }
        _ => {}
    }
}

fn field_of_local(expr: &Expr) -> Option<FieldOf> {
    match &expr.kind {
        ExprKind::Field(record, index) => match &record.kind {
            ExprKind::Local(local) => Some((*local, *index)),
            _ => None,
        },
        _ => None,
    }
}
