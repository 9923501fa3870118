//! Walking the IR: every expression of a function body, in source order.
//!
//! Used by `focus.rs` (which locals an expression reads), by coverage
//! (which branches, arms, rows and requirements exist) and by the IDE
//! queries on the fields of limit and condition results. Read-only.

use crate::ir::{Body, Expr, ExprKind, Function};

/// Call `f` on `expr` and every expression inside it, parents first.
pub(crate) fn visit<'e>(expr: &'e Expr, f: &mut impl FnMut(&'e Expr)) {
    f(expr);
    for child in children(expr) {
        visit(child, f);
    }
}

/// Call `f` on every expression of a function's body: the expression, the
/// rows' results, the requirements' tests, the limit's two sides.
pub(crate) fn visit_body<'e>(function: &'e Function, f: &mut impl FnMut(&'e Expr)) {
    match &function.body {
        Body::Expr(expr) => visit(expr, f),
        Body::Table(rows) => rows.iter().for_each(|row| visit(&row.result, f)),
        Body::Condition(requirements) => requirements.iter().for_each(|r| visit(&r.test, f)),
        Body::Limit(limit) => {
            visit(&limit.measured, f);
            visit(&limit.bound, f);
        }
    }
}

/// The direct subexpressions, in evaluation order.
pub(super) fn children(expr: &Expr) -> Vec<&Expr> {
    match &expr.kind {
        ExprKind::Const(_) | ExprKind::Local(_) | ExprKind::Error => Vec::new(),
        ExprKind::Param { at, .. } => vec![at],
        ExprKind::Call { args, .. } | ExprKind::Builtin { args, .. } => args.iter().collect(),
        ExprKind::Unary(_, operand) => vec![operand],
        ExprKind::Binary(_, left, right) => vec![left, right],
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => vec![cond, then, otherwise],
        ExprKind::Match {
            scrutinee,
            arms,
            default,
        } => std::iter::once(&**scrutinee)
            .chain(arms.iter().map(|(_, body)| body))
            .chain(default.as_deref())
            .collect(),
        ExprKind::Let { value, body, .. } => vec![value, body],
        ExprKind::Field(record, _) => vec![record],
        ExprKind::Record { fields, .. } => fields.iter().collect(),
        ExprKind::List(items) => items.iter().collect(),
        ExprKind::Comprehension {
            element,
            list,
            filter,
            ..
        } => std::iter::once(&**list)
            .chain(filter.as_deref())
            .chain(std::iter::once(&**element))
            .collect(),
        ExprKind::Aggregate(_, list) => vec![list],
        ExprKind::Round { value, .. } => vec![value],
        ExprKind::Refuse { test, body, .. } => vec![test, body],
        ExprKind::ExpectRefused { value, .. } => vec![value],
    }
}
