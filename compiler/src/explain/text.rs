//! An explanation as plain text for a terminal: a header with the input
//! and the output (or the error), then the tree of steps drawn with
//! box-drawing characters, each step with its place in brackets.
//!
//! Deterministic: the same explanation always gives the same text.

use std::fmt::Write as _;

use super::Explanation;
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
    let mut out = String::new();
    if let Some(tree) = &explanation.tree {
        let input = Input(&explanation.input_text);
        write_node(&mut out, tree, "", "", &input, true);
    }
    out
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

/// The input record's text: an argument that is the whole input is shown
/// as `(the input)`, since the input is printed above.
struct Input<'a>(&'a str);

/// `connector` goes before this node's first line, `prefix` before the
/// lines under it; `is_root` drops the arguments (the input is above).
fn write_node(
    out: &mut String,
    node: &Node,
    connector: &str,
    prefix: &str,
    input: &Input<'_>,
    is_root: bool,
) {
    let _ = writeln!(
        out,
        "{connector}{}  [{}]",
        headline(node, input, is_root),
        node.location
    );
    let detail_prefix = if node.children.is_empty() {
        format!("{prefix}   ")
    } else {
        format!("{prefix}│  ")
    };
    for line in details(node) {
        let _ = writeln!(out, "{detail_prefix}{line}");
    }
    let count = node.children.len();
    for (i, child) in node.children.iter().enumerate() {
        let last = i + 1 == count;
        let (connector, child_prefix) = if last {
            (format!("{prefix}└─ "), format!("{prefix}   "))
        } else {
            (format!("{prefix}├─ "), format!("{prefix}│  "))
        };
        write_node(out, child, &connector, &child_prefix, input, false);
    }
}

fn headline(node: &Node, input: &Input<'_>, is_root: bool) -> String {
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
                arguments
                    .iter()
                    .map(|a| {
                        if a.value == input.0 {
                            format!("{} = (the input)", a.name)
                        } else {
                            format!("{} = {}", a.name, a.value)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
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
            test,
            reason,
            passed,
            ..
        } => {
            if *passed {
                format!("requires {test}: holds")
            } else {
                format!("requires {test}: FAILED, \"{reason}\"")
            }
        }
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
