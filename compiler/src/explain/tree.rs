//! The explanation tree, and how it is built from a flat [`Trace`].
//!
//! A [`Node`] is a call of a rule, table, condition, limit or entry point
//! (with its arguments and value), or one decision made inside the call
//! that encloses it: a param lookup, a table row tested, an `if` or
//! `match` branch taken, a requirement tested, an interval classified
//! (`classify.rs`). Nodes hold text, not
//! values, so a tree outlives the program and prints without it. Calls
//! nest as they were made; `Enter`/`Exit` events are the brackets.

use serde::Serialize;

use super::classify::{self, CallSites, Classified};
use super::show::{cell_text, code, if_condition, location, match_scrutinee, value_text};
use crate::eval::{EvalError, TraceEvent, Value};
use crate::ir::{Body, FuncId, FunctionKind, ParamId, Program};
use crate::source::Span;
use crate::types::Type;

/// One step of an evaluation, with the steps inside it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// What happened here; its fields appear beside `kind` in JSON.
    #[serde(flatten)]
    pub step: Step,
    /// `file:line:col` of the expression or item this step is about.
    pub location: String,
    /// The steps inside a call, in evaluation order; empty for decisions.
    pub children: Vec<Node>,
    /// The span `location` names, for trimming a tree to a subexpression.
    #[serde(skip)]
    pub span: Span,
}

/// The kinds of step.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    /// A rule, table, condition, limit or entry point was called.
    Call {
        name: String,
        /// `rule`, `table`, `condition`, `limit` or `evaluate`.
        function_kind: &'static str,
        /// The `source` reference of the called item.
        source: Option<String>,
        /// Where the item is defined.
        defined_at: String,
        arguments: Vec<NamedValue>,
        outcome: Outcome,
    },
    /// `param at date`: the value in force from `from`.
    Param {
        name: String,
        source: Option<String>,
        at: String,
        /// The `from` date of the value in force; `None` before the first.
        from: Option<String>,
        value: Option<String>,
    },
    /// A table row was tested; rows are numbered from 1.
    Row {
        row: usize,
        code: String,
        matched: bool,
        /// Why the row did not match: the first cell that rejected its input.
        failed_cell: Option<FailedCell>,
    },
    /// An `if` chose a branch.
    If {
        condition: String,
        /// `then` or `else`.
        taken: &'static str,
    },
    /// A `match` chose an arm (arms numbered from 1; `_` is `default`).
    Match {
        scrutinee: String,
        value: String,
        arm: String,
    },
    /// A condition's `requires … because "…"` line was tested.
    Requirement {
        requirement: usize,
        /// The requirement's short name, when the condition gives one.
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        test: String,
        reason: String,
        passed: bool,
    },
    /// `hours_in`, `hours_on` or `in_class` classified an interval
    /// against a `classes` item (`classify.rs`); boxed, as the largest.
    Classify(Box<Classified>),
}

/// A parameter or field and its value, as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedValue {
    pub name: String,
    pub value: String,
}

/// The cell of a table row that rejected its input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedCell {
    /// Cells are numbered from 1, in parameter order.
    pub cell: usize,
    pub input: String,
    pub value: String,
    pub test: String,
}

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// It returned this value.
    Value { value: String },
    /// Evaluation failed in this call, at `error.location`.
    Error { error: ErrorInfo },
    /// A call inside this one failed; the error is shown there.
    Aborted,
}

/// An evaluation error as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorInfo {
    pub code: String,
    pub message: String,
    pub location: String,
    pub help: Option<String>,
}

impl ErrorInfo {
    pub(super) fn new(program: &Program, error: &EvalError) -> ErrorInfo {
        ErrorInfo {
            code: error.code().to_string(),
            message: error.message(),
            location: location(program, error.span()),
            help: error.help(),
        }
    }
}

/// A call being built: its arguments as values (rows name them) and the
/// steps seen so far.
struct OpenCall {
    func: FuncId,
    call_site: Span,
    args: Vec<Value>,
    children: Vec<Node>,
}

/// The top-level steps of a trace (for one `call_traced`, the one call).
pub(super) fn build(program: &Program, events: &[TraceEvent]) -> Vec<Node> {
    let mut top: Vec<Node> = Vec::new();
    let mut open: Vec<OpenCall> = Vec::new();
    // Built on the first classification only: most traces have none.
    let mut sites: Option<CallSites> = None;
    for event in events {
        let node = match event {
            TraceEvent::Classify(classification) => {
                let sites = sites.get_or_insert_with(|| CallSites::new(program));
                classify::node(program, classification, sites)
            }
            TraceEvent::Enter {
                func,
                call_site,
                args,
            } => {
                open.push(OpenCall {
                    func: *func,
                    call_site: *call_site,
                    args: args.clone(),
                    children: Vec::new(),
                });
                continue;
            }
            TraceEvent::Exit { result, .. } => match open.pop() {
                Some(call) => call_node(program, call, result),
                None => continue,
            },
            other => match decision_node(program, other, open.last()) {
                Some(node) => node,
                None => continue,
            },
        };
        match open.last_mut() {
            Some(parent) => parent.children.push(node),
            None => top.push(node),
        }
    }
    if sites.is_some() {
        classify::attach_amounts(&mut top);
    }
    top
}

fn call_node(program: &Program, call: OpenCall, result: &Result<Value, EvalError>) -> Node {
    let function = program.function(call.func);
    let name = function.map_or_else(|| "?".to_string(), |f| f.name.clone());
    let arguments = function
        .map(|f| {
            f.params
                .iter()
                .zip(call.args.iter())
                .map(|((name, ty), value)| NamedValue {
                    name: name.clone(),
                    value: value_text(program, ty, value),
                })
                .collect()
        })
        .unwrap_or_default();
    let outcome = match result {
        Ok(value) => Outcome::Value {
            value: match function {
                Some(f) => value_text(program, &f.ret, value),
                None => format!("{value:?}"),
            },
        },
        // The error belongs to the innermost call that saw it fail.
        Err(_) if call.children.iter().any(failed_with_error) => Outcome::Aborted,
        Err(error) => Outcome::Error {
            error: ErrorInfo::new(program, error),
        },
    };
    Node {
        step: Step::Call {
            name,
            function_kind: function.map_or("rule", |f| kind_name(f.kind)),
            source: function.and_then(|f| f.meta.source.clone()),
            defined_at: function.map_or_else(String::new, |f| location(program, f.span)),
            arguments,
            outcome,
        },
        location: location(program, call.call_site),
        children: call.children,
        span: call.call_site,
    }
}

/// A call that failed, itself or inside.
fn failed_with_error(node: &Node) -> bool {
    matches!(
        &node.step,
        Step::Call {
            outcome: Outcome::Error { .. } | Outcome::Aborted,
            ..
        }
    )
}

pub(super) fn kind_name(kind: FunctionKind) -> &'static str {
    match kind {
        FunctionKind::Rule => "rule",
        FunctionKind::Table => "table",
        FunctionKind::Condition => "condition",
        FunctionKind::Limit => "limit",
        FunctionKind::Evaluate => "evaluate",
    }
}

fn decision_node(program: &Program, event: &TraceEvent, call: Option<&OpenCall>) -> Option<Node> {
    match event {
        TraceEvent::Param {
            param,
            span,
            at,
            period,
            value,
        } => Some(param_node(program, *param, *span, *at, *period, value)),
        TraceEvent::Row {
            func,
            row,
            failed_cell,
        } => row_node(program, *func, *row, *failed_cell, call),
        TraceEvent::If { span, taken } => Some(Node {
            step: Step::If {
                condition: if_condition(program, *span),
                taken: if *taken { "then" } else { "else" },
            },
            location: location(program, *span),
            children: Vec::new(),
            span: *span,
        }),
        TraceEvent::Match {
            span,
            scrutinee,
            ty,
            arm,
        } => Some(match_node(program, *span, ty, scrutinee, *arm)),
        TraceEvent::Requirement {
            func,
            index,
            passed,
        } => requirement_node(program, *func, *index, *passed),
        TraceEvent::Enter { .. } | TraceEvent::Exit { .. } | TraceEvent::Classify(_) => None,
    }
}

fn param_node(
    program: &Program,
    param: ParamId,
    span: Span,
    at: chrono::NaiveDate,
    period: Option<usize>,
    value: &Option<Value>,
) -> Node {
    let info = program.param(param);
    let ty = info.map_or(Type::Error, |p| p.ty.clone());
    let from = period
        .and_then(|i| info.and_then(|p| p.timeline.get(i)))
        .map(|(date, _)| date.to_string());
    Node {
        step: Step::Param {
            name: info.map_or_else(|| "?".to_string(), |p| p.name.clone()),
            source: info.and_then(|p| p.meta.source.clone()),
            at: at.to_string(),
            from,
            value: value.as_ref().map(|v| value_text(program, &ty, v)),
        },
        location: location(program, span),
        children: Vec::new(),
        span,
    }
}

fn row_node(
    program: &Program,
    func: FuncId,
    row_idx: usize,
    failed_cell: Option<usize>,
    call: Option<&OpenCall>,
) -> Option<Node> {
    let function = program.function(func)?;
    let Body::Table(rows) = &function.body else {
        return None;
    };
    let row = rows.get(row_idx)?;
    let failed_cell = failed_cell.map(|cell_idx| {
        let (input, ty) = function
            .params
            .get(cell_idx)
            .map_or(("?".to_string(), Type::Error), |(n, t)| {
                (n.clone(), t.clone())
            });
        let value = call
            .and_then(|c| c.args.get(cell_idx))
            .map_or_else(String::new, |v| value_text(program, &ty, v));
        let test = row
            .cells
            .get(cell_idx)
            .map_or_else(String::new, |cell| cell_text(program, &ty, cell));
        FailedCell {
            cell: cell_idx + 1,
            input,
            value,
            test,
        }
    });
    Some(Node {
        step: Step::Row {
            row: row_idx + 1,
            code: code(program, row.span),
            matched: failed_cell.is_none(),
            failed_cell,
        },
        location: location(program, row.span),
        children: Vec::new(),
        span: row.span,
    })
}

fn match_node(
    program: &Program,
    span: Span,
    ty: &Type,
    scrutinee: &Value,
    arm: Option<usize>,
) -> Node {
    let scrutinee_code = match_scrutinee(program, span);
    let value = value_text(program, ty, scrutinee);
    Node {
        step: Step::Match {
            scrutinee: scrutinee_code,
            value,
            arm: arm.map_or_else(|| "default".to_string(), |i| (i + 1).to_string()),
        },
        location: location(program, span),
        children: Vec::new(),
        span,
    }
}

fn requirement_node(program: &Program, func: FuncId, index: usize, passed: bool) -> Option<Node> {
    let function = program.function(func)?;
    let Body::Condition(requirements) = &function.body else {
        return None;
    };
    let requirement = requirements.get(index)?;
    Some(Node {
        step: Step::Requirement {
            requirement: index + 1,
            name: requirement.name.clone(),
            test: code(program, requirement.test.span),
            reason: requirement.reason.clone(),
            passed,
        },
        location: location(program, requirement.span),
        children: Vec::new(),
        span: requirement.span,
    })
}
