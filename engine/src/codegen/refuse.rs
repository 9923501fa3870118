//! `refuse … if test because "message"`: the record ends with
//! [`NativeStatus::Refused`] when the test holds, and the engine gives it
//! to the interpreter, which names the element and gives the clause's
//! message (the shared library returns `AVTAL_E_REFUSED`).
//!
//! The per-element form reaches here as `any([t for x in list])`, so the
//! test is an ordinary aggregate over the list, compiled as any other;
//! which element was refused is the interpreter's business.

use super::CodegenError;
use super::NativeStatus;
use super::translate::{FunctionTranslator, Result, Val};
use avtal_compiler::ir::Expr;

impl<'a> FunctionTranslator<'a, '_> {
    pub(super) fn translate_refuse(&mut self, test: &'a Expr, body: &'a Expr) -> Result<Val> {
        let Val::Bool(refused) = self.translate_expr(test)? else {
            return Err(CodegenError::Internal(
                "a refusal's test that is not a bool",
            ));
        };
        // A branch, not a flag carried to the end: the body of a refused
        // record is not evaluated, as in the interpreter.
        self.fail_if_because(refused, NativeStatus::Refused);
        self.translate_expr(body)
    }
}
