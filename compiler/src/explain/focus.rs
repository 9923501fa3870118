//! Trimming an explanation to one output field.
//!
//! An entry point's body is usually `let`s followed by a record literal.
//! The slice of an output field is the span of its expression in that
//! literal plus the spans of the `let` values it reads, directly or
//! through other `let`s. Focusing keeps the top-level steps (calls and
//! decisions of the entry's own body) that lie inside the slice; the steps
//! inside a kept call are kept whole.

use std::collections::BTreeSet;

use super::Explanation;
use super::walk::visit;
use crate::ir::{Body, Expr, ExprKind, Function, LocalId, Program};
use crate::source::Span;

/// Each output field's slice of the entry's body; empty when the body
/// (after its `let`s) is not a record literal.
pub(super) fn slices(program: &Program, function: &Function) -> Vec<(String, Vec<Span>)> {
    let Body::Expr(body) = &function.body else {
        return Vec::new();
    };
    let mut expr: &Expr = body;
    let mut lets: Vec<(LocalId, &Expr)> = Vec::new();
    while let ExprKind::Let { local, value, body } = &expr.kind {
        lets.push((*local, &**value));
        expr = &**body;
    }
    let ExprKind::Record { record, fields } = &expr.kind else {
        return Vec::new();
    };
    let Some(info) = program.record(*record) else {
        return Vec::new();
    };
    info.fields
        .iter()
        .zip(fields.iter())
        .map(|(declared, field)| (declared.name.clone(), slice(field, &lets)))
        .collect()
}

/// The spans `field` depends on among the body's `let`s.
fn slice(field: &Expr, lets: &[(LocalId, &Expr)]) -> Vec<Span> {
    let mut spans = vec![field.span];
    let mut seen: BTreeSet<LocalId> = BTreeSet::new();
    let mut pending = locals_read(field);
    while let Some(local) = pending.pop() {
        if !seen.insert(local) {
            continue;
        }
        // A slot may be bound by several `let`s; all of them are kept.
        for (_, value) in lets.iter().filter(|(bound, _)| *bound == local) {
            spans.push(value.span);
            pending.extend(locals_read(value));
        }
    }
    spans
}

fn locals_read(expr: &Expr) -> Vec<LocalId> {
    let mut locals = Vec::new();
    visit(expr, &mut |e| {
        if let ExprKind::Local(local) = e.kind {
            locals.push(local);
        }
    });
    locals
}

pub(super) fn focus(explanation: &Explanation, field: &str) -> Explanation {
    let mut focused = explanation.clone();
    let Some((_, spans)) = explanation.slices.iter().find(|(name, _)| name == field) else {
        return focused;
    };
    if let Some(root) = focused.tree.as_mut() {
        root.children
            .retain(|child| spans.iter().any(|span| contains(*span, child.span)));
    }
    focused
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
}
