//! Every point an item can reach: a function's call, each branch of each
//! `if`, each arm of each `match`, each table row, each requirement held
//! and failed; each `from` line of a param; each class of a `classes`
//! item and each span of a class.
//!
//! Items are those defined in the chosen files, in source order. Points
//! start unreached; `coverage` marks them.

use super::{CoveredItem, Point, Target};
use crate::explain::show::{code, const_text, if_condition, location, match_scrutinee};
use crate::explain::tree::kind_name;
use crate::explain::walk::visit_body;
use crate::ir::{
    Body, ClassesId, ClassesInfo, ExprKind, FuncId, Function, ParamId, ParamInfo, Program,
};
use crate::source::{FileId, Span};
use crate::types::Type;

pub(super) fn items(program: &Program, files: &[FileId]) -> Vec<(Span, CoveredItem)> {
    let mut items: Vec<(Span, CoveredItem)> = Vec::new();
    for (index, function) in program.functions.iter().enumerate() {
        if files.contains(&function.span.file) {
            let func = FuncId(u32::try_from(index).unwrap_or(u32::MAX));
            items.push((function.span, function_item(program, func, function)));
        }
    }
    for (index, param) in program.params.iter().enumerate() {
        if files.contains(&param.span.file) {
            let id = ParamId(u32::try_from(index).unwrap_or(u32::MAX));
            items.push((param.span, param_item(program, id, param)));
        }
    }
    for (index, classes) in program.classes.iter().enumerate() {
        if files.contains(&classes.span.file) {
            let id = ClassesId(u32::try_from(index).unwrap_or(u32::MAX));
            items.push((classes.span, classes_item(program, id, classes)));
        }
    }
    items.sort_by_key(|(span, _)| (span.file, span.start));
    items
}

fn target(
    program: &Program,
    kind: &'static str,
    label: String,
    span: Span,
    point: Point,
) -> Target {
    Target {
        kind,
        label,
        location: location(program, span),
        reached: false,
        point,
        span,
    }
}

fn function_item(program: &Program, func: FuncId, function: &Function) -> CoveredItem {
    let mut points = vec![target(
        program,
        "called",
        "called".to_string(),
        function.span,
        Point::Called(func),
    )];
    visit_body(function, &mut |expr| match &expr.kind {
        ExprKind::If {
            then, otherwise, ..
        } => {
            let condition = if_condition(program, expr.span);
            points.push(target(
                program,
                "then",
                format!("if {condition} → then"),
                then.span,
                Point::Branch(expr.span, true),
            ));
            points.push(target(
                program,
                "else",
                format!("if {condition} → else"),
                otherwise.span,
                Point::Branch(expr.span, false),
            ));
        }
        ExprKind::Match {
            scrutinee,
            arms,
            default,
        } => {
            let tested = match_scrutinee(program, expr.span);
            for (arm_idx, (variants, body)) in arms.iter().enumerate() {
                let names: Vec<String> = variants
                    .iter()
                    .map(|v| variant_name(program, &scrutinee.ty, *v))
                    .collect();
                points.push(target(
                    program,
                    "arm",
                    format!("match {tested} → {}", names.join(" | ")),
                    body.span,
                    Point::Arm(expr.span, Some(arm_idx)),
                ));
            }
            if let Some(body) = default {
                points.push(target(
                    program,
                    "default_arm",
                    format!("match {tested} → _"),
                    body.span,
                    Point::Arm(expr.span, None),
                ));
            }
        }
        _ => {}
    });
    match &function.body {
        Body::Table(rows) => {
            for (row_idx, row) in rows.iter().enumerate() {
                points.push(target(
                    program,
                    "row",
                    format!("row {}: {}", row_idx + 1, code(program, row.span)),
                    row.span,
                    Point::Row(func, row_idx),
                ));
            }
        }
        Body::Condition(requirements) => {
            for (index, requirement) in requirements.iter().enumerate() {
                let test = code(program, requirement.test.span);
                let test =
                    crate::explain::text::requirement_text(requirement.name.as_deref(), &test);
                points.push(target(
                    program,
                    "requirement_held",
                    format!("requires {test}: held"),
                    requirement.span,
                    Point::Requirement(func, index, true),
                ));
                points.push(target(
                    program,
                    "requirement_failed",
                    format!("requires {test}: failed, \"{}\"", requirement.reason),
                    requirement.span,
                    Point::Requirement(func, index, false),
                ));
            }
        }
        Body::Expr(_) | Body::Limit(_) => {}
    }
    // Branches were found outer first; list every point after `called` in
    // source order (stable, so a requirement's `held` stays before `failed`).
    if let Some(after_called) = points.get_mut(1..) {
        after_called.sort_by_key(|t| (t.span.file, t.span.start));
    }
    CoveredItem {
        kind: kind_name(function.kind),
        name: function.name.clone(),
        location: location(program, function.span),
        points,
    }
}

fn variant_name(program: &Program, ty: &Type, index: u32) -> String {
    match ty {
        Type::Enum(id) => program
            .enum_info(*id)
            .and_then(|e| e.variants.get(index as usize).cloned())
            .unwrap_or_else(|| format!("variant #{index}")),
        Type::Bool => (index == 1).to_string(),
        _ => format!("variant #{index}"),
    }
}

fn param_item(program: &Program, id: ParamId, param: &ParamInfo) -> CoveredItem {
    let points = param
        .timeline
        .iter()
        .enumerate()
        .map(|(period, (from, value))| {
            let span = from_line(program, param.span, *from).unwrap_or(param.span);
            target(
                program,
                "period",
                format!("from {from} = {}", const_text(program, &param.ty, value)),
                span,
                Point::Period(id, period),
            )
        })
        .collect();
    CoveredItem {
        kind: "param",
        name: param.name.clone(),
        location: location(program, param.span),
        points,
    }
}

/// The span of `from DATE` after the param's name: the IR keeps no span
/// per `from` line, and the date text is unique within one param.
fn from_line(program: &Program, name: Span, from: chrono::NaiveDate) -> Option<Span> {
    let text = program.sources.text(name.file);
    let after = text.get(name.start as usize..)?;
    let needle = format!("{from}");
    let offset = after.find(&needle)?;
    let before = after.get(..offset)?;
    // Back up to the `from` keyword in front of the date, on the same line.
    let keyword = before
        .rfind("from")
        .filter(|k| !before[*k..].contains('\n'));
    let start = name.start as usize + keyword.unwrap_or(offset);
    Some(Span::new(
        name.file,
        start,
        name.start as usize + offset + needle.len(),
    ))
}

/// A `classes` item: each class, then each of its spans, in listing order.
fn classes_item(program: &Program, id: ClassesId, classes: &ClassesInfo) -> CoveredItem {
    let mut points = Vec::new();
    for (class_idx, class) in classes.classes.iter().enumerate() {
        let class_id = u32::try_from(class_idx).unwrap_or(u32::MAX);
        points.push(target(
            program,
            "class",
            format!("class {}", class.name),
            class.span,
            Point::Class(id, class_id),
        ));
        for (span_idx, span) in class.spans.iter().enumerate() {
            points.push(target(
                program,
                "span",
                format!("{}: {}", class.name, program.window_text(span)),
                span.span,
                Point::Span(id, class_id, u32::try_from(span_idx).unwrap_or(u32::MAX)),
            ));
        }
    }
    CoveredItem {
        kind: "classes",
        name: classes.name.clone(),
        location: location(program, classes.span),
        points,
    }
}
