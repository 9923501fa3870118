//! Explanations of results: the evaluation of one record as a tree, and
//! (in [`coverage`]) which branches, rows, requirements and param periods
//! a set of examples reaches.
//!
//! Both are built on the interpreter's [`Trace`]: [`explain`] runs the
//! reference interpreter with a trace, turns the flat events into a tree of
//! [`Node`]s (`tree.rs`), and renders it as text for a terminal (`text.rs`)
//! or as JSON with the versioned schema `avtal.explain/1` (`json.rs`,
//! documented in `docs/explain.md`). `focus.rs` trims a tree to what one
//! output field depends on. This module does no IO and never panics: an
//! evaluation error is part of the explanation, with the tree up to it.

mod classify;
pub mod coverage;
mod focus;
mod fold;
mod json;
mod show;
mod text;
mod text_classify;
mod tree;
pub(crate) mod walk;

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod classify_tests;
#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod tests;

use crate::eval::{EvalError, ExampleOutcome, Interpreter, Trace, Value};
use crate::ir::{FuncId, Program};
use crate::types::Type;

pub use classify::{Amount, ClassMinutes, ClassPiece, Classified, SpanMinutes, WindowRef};
pub use tree::{ErrorInfo, FailedCell, NamedValue, Node, Outcome, Step};

/// The schema name and version of [`Explanation::to_json`].
pub const SCHEMA: &str = "avtal.explain/1";

/// The evaluation of one record by an entry point (or any function taking
/// one value), step by step.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The entry point's name.
    pub entry: String,
    /// The input record's fields, as text.
    pub input: Vec<NamedValue>,
    /// The whole input record as text, as arguments show it.
    pub input_text: String,
    /// The result, or the error that stopped the evaluation.
    pub result: Result<Value, EvalError>,
    /// The result's fields as text (empty after an error).
    pub output: Vec<NamedValue>,
    /// The error as text, when the evaluation failed.
    pub error: Option<ErrorInfo>,
    /// The call of the entry point, with every step inside it; `None` only
    /// when the entry could not be called at all (an unknown function).
    pub tree: Option<Node>,
    /// For each output field, the spans of the entry's body it depends on
    /// (see `focus.rs`); empty when the body is not a record literal.
    slices: Vec<(String, Vec<crate::source::Span>)>,
}

/// Evaluate `record` with `entry` under a trace and explain it.
pub fn explain(program: &Program, entry: FuncId, record: &Value) -> Explanation {
    let interpreter = Interpreter::new(program);
    let mut trace = Trace::new();
    let result = interpreter.call_traced(entry, std::slice::from_ref(record), &mut trace);
    let tree = tree::build(program, &trace.events).into_iter().next();
    let function = program.function(entry);
    let input_ty = function
        .and_then(|f| f.params.first())
        .map_or(Type::Error, |(_, ty)| ty.clone());
    let output = match (&result, function) {
        (Ok(value), Some(f)) => fields(program, &f.ret, value),
        _ => Vec::new(),
    };
    Explanation {
        entry: function.map_or_else(String::new, |f| f.name.clone()),
        input: fields(program, &input_ty, record),
        input_text: show::value_text(program, &input_ty, record),
        error: result.as_ref().err().map(|e| ErrorInfo::new(program, e)),
        output,
        result,
        tree,
        slices: function.map_or_else(Vec::new, |f| focus::slices(program, f)),
    }
}

/// One `example` block evaluated under a trace: its outcome and the
/// calls its assertions made, each the tree `explain` would show for it
/// (the worked cases of `avtal doc`).
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleExplanation {
    pub outcome: ExampleOutcome,
    /// The top-level calls in evaluation order; a call's `span` is its
    /// place in the assertion.
    pub calls: Vec<Node>,
}

/// Run example `index` of `program.examples` with a trace and explain it.
pub fn explain_example(program: &Program, index: usize) -> ExampleExplanation {
    let interpreter = Interpreter::new(program);
    let mut trace = Trace::new();
    let outcome = interpreter.run_example_traced(index, &mut trace);
    let calls = tree::build(program, &trace.events)
        .into_iter()
        .filter(|node| matches!(node.step, Step::Call { .. }))
        .collect();
    ExampleExplanation { outcome, calls }
}

impl Explanation {
    /// The explanation as JSON, schema [`SCHEMA`] (see `docs/explain.md`).
    pub fn to_json(&self) -> serde_json::Value {
        json::to_json(self)
    }

    /// The explanation as an indented tree for a terminal, without colour.
    pub fn render_text(&self) -> String {
        text::render(self)
    }

    /// Only the tree of [`Explanation::render_text`], without the input and
    /// output above it (for reports that show those already).
    pub fn render_tree(&self) -> String {
        text::render_tree(self)
    }

    /// The same explanation with only the steps the output field `field`
    /// depends on at the top level of the entry's body (the calls and
    /// decisions in its expression and in the `let`s it reads). Unchanged
    /// when the body is not a record literal or the field is unknown.
    pub fn focus_on_output(&self, field: &str) -> Explanation {
        focus::focus(self, field)
    }
}

/// The fields of a record value as text; a non-record is one unnamed value.
fn fields(program: &Program, ty: &Type, value: &Value) -> Vec<NamedValue> {
    let record_fields = match ty {
        Type::Record(id) => program.record(*id).map(|r| &r.fields),
        _ => None,
    };
    match (record_fields, value) {
        (Some(declared), Value::Record(values)) => declared
            .iter()
            .zip(values.iter())
            .map(|(field, value)| NamedValue {
                name: field.name.clone(),
                value: show::value_text(program, &field.ty, value),
            })
            .collect(),
        _ => vec![NamedValue {
            name: String::new(),
            value: show::value_text(program, ty, value),
        }],
    }
}
