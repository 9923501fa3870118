//! Evaluating `refuse` (E0510) and the `refused because` assertion of
//! examples.
//!
//! The per-element form tests every element, in order, as the `any` it is
//! lowered to does (so an error in any element's test is the record's
//! error, in every engine alike), and then names the first element whose
//! test held.

use super::functions::Machine;
use super::{EvalError, Value};
use crate::diagnostics::messages::eval as msg;
use crate::ir::{Aggregate, Expr, ExprKind, RefuseEach};
use crate::source::Span;

impl<'p> Machine<'_, 'p> {
    pub(super) fn refuse(
        &mut self,
        test: &'p Expr,
        each: Option<&RefuseEach>,
        message: &str,
        body: &'p Expr,
        span: Span,
    ) -> Result<Value, EvalError> {
        let refused = match each {
            None => self.eval_bool(test)?.then_some(None),
            Some(each) => self
                .first_refused(test)?
                .map(|index| Some(format!("{}[{index}]", each.path))),
        };
        match refused {
            Some(place) => Err(EvalError::Refused {
                span,
                message: message.to_string(),
                place,
            }),
            None => self.eval(body),
        }
    }

    /// The index of the first element whose test holds, after testing
    /// them all; `test` is `any([t for x in list])`.
    fn first_refused(&mut self, test: &'p Expr) -> Result<Option<usize>, EvalError> {
        let ExprKind::Aggregate(Aggregate::Any, comprehension) = &test.kind else {
            return Err(msg::internal(
                test.span,
                "a per-element refusal without `any`",
            ));
        };
        let ExprKind::Comprehension {
            element,
            binder,
            list,
            filter: None,
        } = &comprehension.kind
        else {
            return Err(msg::internal(
                test.span,
                "a per-element refusal without a list",
            ));
        };
        let items = self.eval_list(list)?;
        let mut first = None;
        for (index, item) in items.iter().enumerate() {
            self.set_local(*binder, item.clone(), test.span)?;
            if self.eval_bool(element)? && first.is_none() {
                first = Some(index);
            }
        }
        Ok(first)
    }

    /// True when `value` is refused with exactly `message`; false when it
    /// is computed or refused with another message; any other error stays
    /// the example's error.
    pub(super) fn expect_refused(
        &mut self,
        value: &'p Expr,
        message: &str,
    ) -> Result<Value, EvalError> {
        Ok(Value::Bool(
            matches!(self.refusal_of(value)?, Err(got) if got == message),
        ))
    }

    /// `value`'s value, or the message it was refused with; other errors
    /// are errors.
    pub(super) fn refusal_of(
        &mut self,
        value: &'p Expr,
    ) -> Result<Result<Value, String>, EvalError> {
        let (stack, base, depth) = (self.stack.len(), self.base, self.depth);
        let result = self.eval(value);
        // An error leaves the frames of the calls it passed through; the
        // example goes on in its own.
        self.stack.truncate(stack);
        self.base = base;
        self.depth = depth;
        match result {
            Ok(value) => Ok(Ok(value)),
            Err(EvalError::Refused { message, .. }) => Ok(Err(message)),
            Err(other) => Err(other),
        }
    }
}
