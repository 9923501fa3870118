//! An explanation as plain text for a terminal: a header with the input
//! and the output (or the error), then the tree of steps drawn with
//! box-drawing characters, each step with its place in brackets. Repeated
//! steps are folded (`fold.rs`); classifications are drawn by
//! `text_classify.rs`.
//!
//! Deterministic: the same explanation always gives the same text.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::Explanation;
use super::fold::{self, Shown};
use super::text_classify;
use super::tree::{ErrorInfo, FailedCell, NamedValue, Node, Outcome, Step};

pub(super) fn render(explanation: &Explanation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "explain {}", explanation.entry);
    write_fields(&mut out, "input", &explanation.input);
    match &explanation.error {
        Some(error) => {
            let _ = writeln!(out, "{}", error_line(error));
        }
        None => write_fields(&mut out, "output", &explanation.output),
    }
    if explanation.tree.is_some() {
        out.push('\n');
        out.push_str(&render_tree(explanation));
    }
    out
}

pub(super) fn render_tree(explanation: &Explanation) -> String {
    let mut writer = Writer {
        out: String::new(),
        input: &explanation.input_text,
        classified: HashSet::new(),
    };
    if let Some(tree) = &explanation.tree {
        writer.node(tree, "", "", true);
    }
    writer.out
}

fn write_fields(out: &mut String, title: &str, fields: &[NamedValue]) {
    let _ = writeln!(out, "{title}:");
    for field in fields {
        if field.name.is_empty() {
            let _ = writeln!(out, "  {}", field.value);
        } else {
            let _ = writeln!(out, "  {} = {}", field.name, field.value);
        }
    }
}

fn error_line(error: &ErrorInfo) -> String {
    format!(
        "error[{}]: {} [{}]",
        error.code, error.message, error.location
    )
}

/// The text being written, and what it has said already.
pub(super) struct Writer<'a> {
    out: String,
    /// The input record's text: an argument that is the whole input is
    /// shown as `(the input)`, since the input is printed above.
    input: &'a str,
    /// The intervals whose classification was shown, by item, start and
    /// end: a later call on the same interval does not repeat it.
    pub(super) classified: HashSet<(String, String, String)>,
}

impl Writer<'_> {
    /// `connector` goes before this node's first line, `prefix` before
    /// the lines under it; `is_root` drops the arguments (the input is
    /// above).
    fn node(&mut self, node: &Node, connector: &str, prefix: &str, is_root: bool) {
        let (headline, details) = match &node.step {
            Step::Classify(_) => text_classify::single(self, node),
            _ => (headline(node, self.input, is_root), details(node)),
        };
        self.lines(
            connector,
            prefix,
            &headline,
            &node.location,
            &details,
            !node.children.is_empty(),
        );
        let shown = fold::shown(&node.children);
        let count = shown.len();
        for (i, item) in shown.into_iter().enumerate() {
            let last = i + 1 == count;
            let (connector, child_prefix) = if last {
                (format!("{prefix}└─ "), format!("{prefix}   "))
            } else {
                (format!("{prefix}├─ "), format!("{prefix}│  "))
            };
            match item {
                Shown::Step(child) => self.node(child, &connector, &child_prefix, false),
                Shown::Loop(calls) => {
                    let (headline, location, details) = text_classify::folded(self, &calls);
                    self.lines(
                        &connector,
                        &child_prefix,
                        &headline,
                        &location,
                        &details,
                        false,
                    );
                }
                Shown::MoreCalls(calls) => {
                    let (headline, location) = more_calls(&calls, self.input);
                    self.lines(&connector, &child_prefix, &headline, &location, &[], false);
                }
            }
        }
    }

    /// A step's headline with its place, and the lines under it.
    fn lines(
        &mut self,
        connector: &str,
        prefix: &str,
        headline: &str,
        location: &str,
        details: &[String],
        has_children: bool,
    ) {
        let _ = writeln!(self.out, "{connector}{headline}  [{location}]");
        let detail_prefix = if has_children {
            format!("{prefix}│  ")
        } else {
            format!("{prefix}   ")
        };
        for line in details {
            let _ = writeln!(self.out, "{detail_prefix}{line}");
        }
    }
}

/// The calls of a run after its first: how many, and each value with the
/// arguments that gave it (or how often, for a value given many times).
fn more_calls(calls: &[&Node], input: &str) -> (String, String) {
    let mut by_value: Vec<(&str, Vec<String>)> = Vec::new();
    let mut name = "";
    let mut kind = "";
    for call in calls {
        let Step::Call {
            name: called,
            function_kind,
            arguments,
            outcome: Outcome::Value { value },
            ..
        } = &call.step
        else {
            continue;
        };
        (name, kind) = (called, function_kind);
        let arguments = argument_list(arguments, input);
        match by_value.iter_mut().find(|(v, _)| v == value) {
            Some((_, all)) => all.push(arguments),
            None => by_value.push((value, vec![arguments])),
        }
    }
    let values: Vec<String> = by_value
        .iter()
        .map(|(value, arguments)| {
            // Arguments of several parameters hold commas already.
            let separator = if arguments.iter().any(|a| a.contains(", ")) {
                "; "
            } else {
                ", "
            };
            match arguments.len() {
                1..=3 => format!("= {value} for {}", arguments.join(separator)),
                n => format!("= {value} {n} times"),
            }
        })
        .collect();
    let location = calls
        .first()
        .map_or_else(String::new, |c| c.location.clone());
    (
        format!(
            "{kind} {name}, {} more calls here: {}",
            calls.len(),
            values.join("; ")
        ),
        location,
    )
}

fn argument_list(arguments: &[NamedValue], input: &str) -> String {
    arguments
        .iter()
        .map(|a| {
            if a.value == input {
                format!("{} = (the input)", a.name)
            } else {
                format!("{} = {}", a.name, a.value)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn headline(node: &Node, input: &str, is_root: bool) -> String {
    match &node.step {
        Step::Call {
            name,
            function_kind,
            arguments,
            outcome,
            ..
        } => {
            let arguments = if is_root {
                arguments
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                argument_list(arguments, input)
            };
            let result = match outcome {
                Outcome::Value { value } => format!(" = {value}"),
                Outcome::Error { .. } => " failed".to_string(),
                Outcome::Aborted => " failed inside".to_string(),
            };
            format!("{function_kind} {name}({arguments}){result}")
        }
        Step::Param {
            name,
            at,
            from,
            value,
            ..
        } => match (from, value) {
            (Some(from), Some(value)) => {
                format!("param {name} at {at} = {value} (in force from {from})")
            }
            _ => format!("param {name} at {at}: no value, before its first `from` date"),
        },
        Step::Row {
            row,
            code,
            matched,
            failed_cell,
        } => match (matched, failed_cell) {
            (true, _) => format!("row {row} matched: {code}"),
            (false, Some(cell)) => format!("row {row} skipped: {}", cell_reason(cell)),
            (false, None) => format!("row {row} skipped: {code}"),
        },
        Step::If { condition, taken } => format!("if {condition} → {taken}"),
        Step::Match {
            scrutinee,
            value,
            arm,
        } => {
            let arm = if arm == "default" {
                "the `_` arm".to_string()
            } else {
                format!("arm {arm}")
            };
            format!("match {scrutinee} = {value} → {arm}")
        }
        Step::Requirement {
            name,
            test,
            reason,
            passed,
            ..
        } => {
            let requirement = requirement_text(name.as_deref(), test);
            if *passed {
                format!("requires {requirement}: holds")
            } else {
                format!("requires {requirement}: FAILED, \"{reason}\"")
            }
        }
        // Drawn by `text_classify`.
        Step::Classify(classified) => format!("{} = {}", classified.call, classified.value),
    }
}

/// A requirement as explanations and coverage name it: `name (test)`
/// when it has a name, else its test.
pub(crate) fn requirement_text(name: Option<&str>, test: &str) -> String {
    match name {
        Some(name) => format!("{name} ({test})"),
        None => test.to_string(),
    }
}

fn cell_reason(cell: &FailedCell) -> String {
    format!(
        "{} = {} is not `{}` (cell {})",
        cell.input, cell.value, cell.test, cell.cell
    )
}

/// Lines under a step's headline: its source reference and, for the call
/// where evaluation failed, the error.
fn details(node: &Node) -> Vec<String> {
    let mut lines = Vec::new();
    match &node.step {
        Step::Call {
            source, outcome, ..
        } => {
            if let Some(source) = source {
                lines.push(format!("source: {source}"));
            }
            if let Outcome::Error { error } = outcome {
                lines.push(error_line(error));
                if let Some(help) = &error.help {
                    lines.push(format!("help: {help}"));
                }
            }
        }
        Step::Param {
            source: Some(source),
            ..
        } => lines.push(format!("source: {source}")),
        _ => {}
    }
    lines
}
