//! Choosing without branching: `if`, `match`, table rows and the right
//! side of `and`/`or` whose every alternative is cheap and *safe* are
//! computed on every record and chosen with `select`s.
//!
//! A branch on a run-time value the processor cannot predict (a division,
//! a years-of-service band, a reason code) costs more than computing a few
//! constants or field reads on both sides. Evaluating what the interpreter
//! would not is only allowed when it cannot change the record's result:
//! the one failure a safe expression may meet is leaving the fixed point
//! ([`super::NativeStatus::Range`]), after which the interpreter evaluates the
//! record from the start and gives its own result or error. So a safe
//! expression may overflow, but may not divide, look a param up (before
//! its first date is an error of the program), move a date (off the
//! calendar), consult a table (no row) or build lists and texts.

use avtal_compiler::ir::{BinOp, Body, Expr, ExprKind, Program};
use avtal_compiler::types::Type;

/// How many IR nodes all alternatives together may have.
const BUDGET: u32 = 24;

/// Whether every one of `exprs` is safe to evaluate on a path the
/// interpreter does not take, and all together cheap enough.
pub(super) fn speculable<'e>(program: &Program, exprs: impl IntoIterator<Item = &'e Expr>) -> bool {
    let mut budget = BUDGET;
    exprs
        .into_iter()
        .all(|expr| scalar(program, &expr.ty) && safe(program, expr, &mut budget))
}

/// A type whose values `select` can choose between (numbers, bools,
/// dates, enum values, and records of those).
fn scalar(program: &Program, ty: &Type) -> bool {
    match ty {
        Type::Bool | Type::Date | Type::Time | Type::Timestamp | Type::Enum(_) => true,
        Type::Record(id) => program
            .record(*id)
            .is_some_and(|info| info.fields.iter().all(|f| scalar(program, &f.ty))),
        t => t.is_numeric(),
    }
}

fn safe(program: &Program, expr: &Expr, budget: &mut u32) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    match &expr.kind {
        ExprKind::Const(c) => !matches!(c, avtal_compiler::ir::Const::Text(_)),
        ExprKind::Local(_) => true,
        ExprKind::Field(record, _) => safe(program, record, budget),
        ExprKind::Unary(_, operand) => safe(program, operand, budget),
        ExprKind::Binary(op, left, right) => {
            let allowed = matches!(
                op,
                BinOp::Add
                    | BinOp::Sub
                    | BinOp::Mul
                    | BinOp::MulPercent
                    | BinOp::DateDiff
                    | BinOp::Eq
                    | BinOp::Ne
                    | BinOp::Lt
                    | BinOp::Le
                    | BinOp::Gt
                    | BinOp::Ge
                    | BinOp::And
                    | BinOp::Or
            );
            // Texts compare through their pieces, lists are not scalars.
            let plain = |e: &Expr| !matches!(e.ty, Type::Text | Type::List(_));
            allowed
                && plain(left)
                && plain(right)
                && safe(program, left, budget)
                && safe(program, right, budget)
        }
        ExprKind::Builtin { builtin, args } => {
            avtal_compiler::builtins::def_of(*builtin).is_some_and(|def| def.speculable())
                && args.iter().all(|a| safe(program, a, budget))
        }
        ExprKind::Let { value, body, .. } => {
            safe(program, value, budget) && safe(program, body, budget)
        }
        ExprKind::Round { value, .. } => safe(program, value, budget),
        ExprKind::Record { fields, .. } => fields.iter().all(|f| safe(program, f, budget)),
        ExprKind::Call { func, args } => {
            let Some(function) = program.function(*func) else {
                return false;
            };
            matches!(&function.body, Body::Expr(body) if safe(program, body, budget))
                && args.iter().all(|a| safe(program, a, budget))
        }
        ExprKind::Param { .. }
        | ExprKind::If { .. }
        | ExprKind::Match { .. }
        | ExprKind::List(_)
        | ExprKind::Comprehension { .. }
        | ExprKind::Aggregate(..)
        | ExprKind::Refuse { .. }
        | ExprKind::ExpectRefused { .. }
        | ExprKind::Error => false,
    }
}
