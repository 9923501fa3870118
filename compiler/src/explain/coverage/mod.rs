//! Coverage of examples: which branches, match arms, table rows,
//! requirements (each as held and as failed), param periods, and classes
//! and spans of `classes` items the examples reach, per item, and what no
//! example reaches.
//!
//! [`coverage`] runs the chosen examples under a [`Trace`], keeps the set
//! of [`Point`]s the traces touched (`reached.rs`), lists every point the
//! items of the chosen files have (`points.rs`) and marks each. Rendering
//! is `render.rs`: text for a terminal, JSON with the versioned schema
//! `avtal.coverage/1` (`docs/explain.md`). No IO, no panics.

mod points;
mod reached;
mod render;

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod tests;

use std::collections::HashSet;

use serde::Serialize;

use crate::eval::{ExampleOutcome, Interpreter, Trace};
use crate::ir::Program;
use crate::source::{FileId, Span};

/// The schema name and version of [`Coverage::to_json`].
pub const SCHEMA: &str = "avtal.coverage/1";

/// Something an example can reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Point {
    /// The function was called.
    Called(crate::ir::FuncId),
    /// The `if` at the span took its `then` (`true`) or `else` branch.
    Branch(Span, bool),
    /// The `match` at the span chose arm `Some(i)` or its `_` arm.
    Arm(Span, Option<usize>),
    /// A table row matched.
    Row(crate::ir::FuncId, usize),
    /// A requirement held (`true`) or failed.
    Requirement(crate::ir::FuncId, usize, bool),
    /// A param was read in the period of its `from` line `usize`.
    Period(crate::ir::ParamId, usize),
    /// A class of a `classes` item held a minute of an interval measured
    /// by `hours_in`, `hours_on` or `in_class`.
    Class(crate::ir::ClassesId, u32),
    /// A span of a class put a minute in its class (class, span).
    Span(crate::ir::ClassesId, u32, u32),
}

/// The coverage of a set of examples over the items of a set of files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// How many examples ran.
    pub examples: usize,
    /// Rules, tables, conditions, limits, entry points, params and
    /// `classes` items, in source order, each with its points.
    pub items: Vec<CoveredItem>,
}

/// One item and what the examples reached in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoveredItem {
    /// `rule`, `table`, `condition`, `limit`, `evaluate`, `param` or
    /// `classes`.
    pub kind: &'static str,
    pub name: String,
    pub location: String,
    pub points: Vec<Target>,
}

/// One point of an item: what it is, where, and whether it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// `called`, `then`, `else`, `arm`, `default_arm`, `row`,
    /// `requirement_held`, `requirement_failed`, `period`, `class` or
    /// `span`.
    pub kind: &'static str,
    /// The point in the agreement's words (`if a.lön > 30000 SEK → else`).
    pub label: String,
    pub location: String,
    pub reached: bool,
    #[serde(skip)]
    pub(crate) point: Point,
    /// Where the point is, to list points in source order.
    #[serde(skip)]
    pub(crate) span: Span,
}

impl Coverage {
    /// How many points there are, and how many were reached.
    pub fn totals(&self) -> (usize, usize) {
        let all = self.items.iter().flat_map(|item| item.points.iter());
        let (total, reached) = all.fold((0, 0), |(total, reached), target| {
            (total + 1, reached + usize::from(target.reached))
        });
        (reached, total)
    }

    /// The coverage as text: per item, then what is not reached, then a
    /// summary line `coverage: R of T points reached (P %)`.
    pub fn render_text(&self) -> String {
        render::text(self)
    }

    /// The coverage as JSON, schema [`SCHEMA`].
    pub fn to_json(&self) -> serde_json::Value {
        render::json(self)
    }
}

/// Run examples `examples` (indices into `program.examples`) under a trace
/// and report what they reach among the items defined in `files`.
pub fn coverage(program: &Program, files: &[FileId], examples: &[usize]) -> Coverage {
    let interpreter = Interpreter::new(program);
    let mut reached: HashSet<Point> = HashSet::new();
    let mut ran = 0;
    for &index in examples {
        let mut trace = Trace::new();
        // Failing examples count too: what they reached was evaluated.
        let _outcome: ExampleOutcome = interpreter.run_example_traced(index, &mut trace);
        reached::collect(&trace, &mut reached);
        ran += 1;
    }
    let mut items: Vec<CoveredItem> = points::items(program, files)
        .into_iter()
        .map(|(_, item)| item)
        .collect();
    for target in items.iter_mut().flat_map(|item| item.points.iter_mut()) {
        target.reached = reached.contains(&target.point);
    }
    Coverage {
        examples: ran,
        items,
    }
}
