//! Coverage as text and as JSON (`avtal.coverage/1`).
//!
//! The percentage is computed in integers (tenths of a percent, rounded
//! down), so no float is involved.

use std::fmt::Write as _;

use serde_json::{Value as Json, json};

use super::{Coverage, SCHEMA};

/// `80.0`: reached / total in percent with one decimal, rounded down;
/// `100.0` for nothing to reach.
pub(super) fn percent(reached: usize, total: usize) -> String {
    if total == 0 {
        return "100.0".to_string();
    }
    let tenths = reached.saturating_mul(1000) / total;
    format!("{}.{}", tenths / 10, tenths % 10)
}

pub(super) fn text(coverage: &Coverage) -> String {
    let mut out = String::new();
    let examples = match coverage.examples {
        1 => "1 example".to_string(),
        n => format!("{n} examples"),
    };
    let _ = writeln!(out, "coverage of {examples}");
    for item in &coverage.items {
        let reached = item.points.iter().filter(|t| t.reached).count();
        let _ = writeln!(
            out,
            "\n{} {}  [{}]  {reached} of {}",
            item.kind,
            item.name,
            item.location,
            item.points.len()
        );
        for target in &item.points {
            let mark = if target.reached {
                "reached    "
            } else {
                "NOT REACHED"
            };
            let _ = writeln!(out, "  {mark}  {}  [{}]", target.label, target.location);
        }
    }
    let missed: Vec<String> = coverage
        .items
        .iter()
        .flat_map(|item| {
            item.points
                .iter()
                .filter(|t| !t.reached)
                .map(move |t| format!("  {}  {} {}: {}", t.location, item.kind, item.name, t.label))
        })
        .collect();
    if !missed.is_empty() {
        let _ = writeln!(out, "\nnot reached by any example:");
        for line in &missed {
            let _ = writeln!(out, "{line}");
        }
    }
    let (reached, total) = coverage.totals();
    let _ = writeln!(
        out,
        "\ncoverage: {reached} of {total} points reached ({} %)",
        percent(reached, total)
    );
    out
}

pub(super) fn json(coverage: &Coverage) -> Json {
    let (reached, total) = coverage.totals();
    json!({
        "schema": SCHEMA,
        "examples": coverage.examples,
        "reached": reached,
        "total": total,
        "percent": percent(reached, total),
        "items": serde_json::to_value(&coverage.items).unwrap_or(Json::Null),
    })
}
