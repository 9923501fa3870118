//! Hover and go to definition on the fields of built-in values: `tak.room`
//! where `tak` is a limit's `LimitCheck<T>`, `b.failed` where `b` is a
//! condition's `Eligibility`.
//!
//! These fields belong to no record, so the checker lists no reference for
//! them; they are found in the typed IR instead (a `Field` whose object has
//! built-in fields). The definition is the limit or condition that made the
//! value, followed through `let` bindings; a value of another origin (a
//! rule's argument) has none.

use crate::Compilation;
use crate::check::ItemRef;
use crate::explain::walk;
use crate::ir::{Expr, ExprKind, FuncId, FunctionKind, LocalId};
use crate::source::{FileId, Span};
use crate::types::Type;

/// A use of a built-in field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltinFieldUse {
    /// The field's name where it is used.
    pub span: Span,
    /// `LimitCheck<Hours>.room: Hours`
    pub signature: String,
    /// What the field means.
    pub doc: &'static str,
    /// The limit or condition whose result it reads, when known.
    pub origin: Option<FuncId>,
}

/// The built-in field whose name is at byte `offset` of `file`.
pub fn at(compilation: &Compilation, file: FileId, offset: u32) -> Option<BuiltinFieldUse> {
    let program = &compilation.program;
    let mut found = None;
    let mut look = |body_lets: &[(LocalId, &Expr)], expr: &Expr| {
        let ExprKind::Field(object, index) = &expr.kind else {
            return;
        };
        if expr.span.file != file || found.is_some() {
            return;
        }
        let Some(fields) = object.ty.builtin_fields() else {
            return;
        };
        let Some((name, ty)) = fields.get(*index as usize) else {
            return;
        };
        let length = u32::try_from(name.len()).unwrap_or(u32::MAX);
        let span = Span {
            file,
            start: expr.span.end.saturating_sub(length),
            end: expr.span.end,
        };
        // The checker records the type of every field name it resolved:
        // this confirms that the expression ends with the name.
        let recorded = compilation.symbols.types.iter().any(|(s, _)| *s == span);
        if !recorded || offset < span.start || offset > span.end {
            return;
        }
        found = Some(BuiltinFieldUse {
            span,
            signature: format!(
                "{}.{name}: {}",
                program.type_name(&object.ty),
                program.type_name(ty)
            ),
            doc: field_doc(&object.ty, name),
            origin: origin(compilation, body_lets, object, 0),
        });
    };
    for function in &program.functions {
        if function.span.file != file {
            continue;
        }
        let mut exprs = Vec::new();
        walk::visit_body(function, &mut |e| exprs.push(e));
        let lets = lets_of(&exprs);
        for expr in &exprs {
            look(&lets, expr);
        }
    }
    for example in program.examples.iter().filter(|e| e.span.file == file) {
        let mut exprs = Vec::new();
        for assertion in &example.assertions {
            walk::visit(assertion, &mut |e| exprs.push(e));
        }
        let lets = lets_of(&exprs);
        for expr in &exprs {
            look(&lets, expr);
        }
    }
    found
}

/// The span of the name of the limit or condition `id`.
pub fn origin_span(compilation: &Compilation, id: FuncId) -> Option<Span> {
    compilation
        .symbols
        .symbols
        .iter()
        .find(|s| s.item == ItemRef::Func(id))
        .map(|s| s.span)
}

fn lets_of<'e>(exprs: &[&'e Expr]) -> Vec<(LocalId, &'e Expr)> {
    exprs
        .iter()
        .filter_map(|e| match &e.kind {
            ExprKind::Let { local, value, .. } => Some((*local, &**value)),
            _ => None,
        })
        .collect()
}

/// The limit or condition whose call gave `value`, through `let`s.
fn origin(
    compilation: &Compilation,
    lets: &[(LocalId, &Expr)],
    value: &Expr,
    depth: usize,
) -> Option<FuncId> {
    // A chain of `let a = b` longer than this is not worth following.
    if depth > 16 {
        return None;
    }
    match &value.kind {
        ExprKind::Call { func, .. } => {
            let function = compilation.program.function(*func)?;
            matches!(function.kind, FunctionKind::Limit | FunctionKind::Condition).then_some(*func)
        }
        ExprKind::Local(local) => {
            let (_, bound) = lets.iter().find(|(l, _)| l == local)?;
            origin(compilation, lets, bound, depth + 1)
        }
        ExprKind::Let { body, .. } => origin(compilation, lets, body, depth + 1),
        _ => None,
    }
}

/// What each built-in field means (docs/reference.md, "Limits" and
/// "Conditions").
fn field_doc(owner: &Type, name: &str) -> &'static str {
    match (owner, name) {
        (Type::LimitCheck(_), "used") => "The measured value.",
        (Type::LimitCheck(_), "bound") => "The bound the limit sets.",
        (Type::LimitCheck(_), "room") => {
            "How far the measured value may still move before the limit is violated: \
             `bound - used` for `at most`, `used - bound` for `at least`; negative when violated."
        }
        (Type::LimitCheck(_), "violated") => {
            "Whether the limit is violated: `used > bound` for `at most`, `used < bound` for `at least`."
        }
        (Type::Eligibility, "ok") => "Whether every requirement holds.",
        (Type::Eligibility, "failed") => {
            "The reasons (`because` texts) of the requirements that do not hold, in order."
        }
        _ => "",
    }
}
