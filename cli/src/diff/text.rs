//! The text report of `avtal diff` (stdout, the default `--format`):
//! the counts, one line per output field, the largest changes of each
//! changed field, the rows that fail in one version, and the `--by` table.
//! Plain aligned columns, no colour, so it reads the same in a terminal,
//! a log and a test.

use std::fmt::Write as _;

use super::report::{DiffReport, FieldReport, GroupReport, signed};

pub fn render(report: &DiffReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "diff of {} (OLD) and {} (NEW), entry point `{}`, over {}",
        report.old, report.new, report.entry, report.input
    );
    for change in &report.overrides {
        let _ = writeln!(out, "with {change}");
    }
    let _ = writeln!(out, "{}", headline(report));
    out.push('\n');
    out.push_str(&fields_table(report));
    for field in report.changed_fields() {
        out.push('\n');
        out.push_str(&largest(field));
    }
    if !report.failed_in_one.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "rows that fail in one version only:");
        for failed in &report.failed_in_one {
            let key = key_text(&failed.key);
            let _ = writeln!(
                out,
                "  row {}{key} (line {}): fails in {}: {} [{}]",
                failed.row, failed.line, failed.fails_in, failed.message, failed.code
            );
        }
        let shown = report.failed_in_one.len() as u64;
        if report.gained + report.lost > shown {
            let _ = writeln!(
                out,
                "  … {} more; `--changes FILE` lists every one",
                report.gained + report.lost - shown
            );
        }
    }
    if let Some(groups) = &report.groups {
        out.push('\n');
        out.push_str(&groups_table(report, groups));
    }
    out
}

/// `1000 rows: 998 computed by both versions (412 changed, 586 unchanged), …`
pub fn headline(report: &DiffReport) -> String {
    let mut parts = vec![format!(
        "{} computed by both versions ({} changed, {} unchanged)",
        report.computed_by_both, report.records_changed, report.records_unchanged
    )];
    if report.gained > 0 {
        parts.push(format!("{} fail only in OLD (gained)", report.gained));
    }
    if report.lost > 0 {
        parts.push(format!("{} fail only in NEW (lost)", report.lost));
    }
    if report.failed_in_both > 0 {
        parts.push(format!("{} fail in both", report.failed_in_both));
    }
    if report.bad_rows > 0 {
        parts.push(format!("{} could not be read", report.bad_rows));
    }
    let noun = if report.rows == 1 { "row" } else { "rows" };
    format!("{} {noun}: {}", report.rows, parts.join(", "))
}

fn fields_table(report: &DiffReport) -> String {
    let rows = report
        .fields
        .iter()
        .map(|f| {
            vec![
                f.name.clone(),
                f.type_.clone(),
                f.changed.to_string(),
                f.unchanged.to_string(),
                f.gained.to_string(),
                f.lost.to_string(),
                total(f.total_change.as_deref(), f.total_overflow),
            ]
        })
        .collect();
    table(
        &[
            "output field",
            "type",
            "changed",
            "unchanged",
            "gained",
            "lost",
            "total change",
        ],
        &[false, false, true, true, true, true, true],
        rows,
    )
}

fn largest(field: &FieldReport) -> String {
    let title = if field.numeric {
        format!("largest changes of {}:", field.name)
    } else {
        format!("first changes of {}:", field.name)
    };
    let mut header = vec!["row".to_string()];
    if let Some(first) = field.largest.first() {
        header.extend(first.key.iter().map(|k| k.field.clone()));
    }
    header.extend(["old", "new", "difference"].map(String::from));
    let rows = field
        .largest
        .iter()
        .map(|change| {
            let mut row = vec![change.row.to_string()];
            row.extend(change.key.iter().map(|k| k.value.clone()));
            row.push(change.old.clone());
            row.push(change.new.clone());
            row.push(change.difference.as_deref().map(signed).unwrap_or_default());
            row
        })
        .collect();
    let headers: Vec<&str> = header.iter().map(String::as_str).collect();
    let right = vec![true; headers.len()];
    format!("{title}\n{}", indent(&table(&headers, &right, rows)))
}

fn groups_table(report: &DiffReport, groups: &GroupReport) -> String {
    let changed: Vec<usize> = report
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.has_changes())
        .map(|(i, _)| i)
        .collect();
    let mut header: Vec<String> = vec![
        groups.by.clone(),
        "rows".into(),
        "changed".into(),
        "gained".into(),
        "lost".into(),
    ];
    for &i in &changed {
        if let Some(field) = report.fields.get(i) {
            header.push(field.name.clone());
        }
    }
    let rows = groups
        .groups
        .iter()
        .map(|group| {
            let mut row = vec![
                group.value.clone(),
                group.rows.to_string(),
                group.records_changed.to_string(),
                group.gained.to_string(),
                group.lost.to_string(),
            ];
            for &i in &changed {
                if let Some(field) = group.fields.get(i) {
                    row.push(match &field.total_change {
                        _ if field.total_overflow => "overflow".into(),
                        Some(t) => signed(t),
                        None => format!("{} changed", field.changed),
                    });
                }
            }
            row
        })
        .collect();
    let headers: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut right = vec![true; headers.len()];
    if let Some(first) = right.first_mut() {
        *first = false;
    }
    let mut out = format!(
        "by {} (total change per changed field):\n{}",
        groups.by,
        indent(&table(&headers, &right, rows))
    );
    if groups.rows_in_other_groups > 0 {
        let _ = writeln!(
            out,
            "  … {} rows in further groups not shown (more than {} distinct values)",
            groups.rows_in_other_groups,
            super::summary::MAX_GROUPS
        );
    }
    out
}

pub fn total(total: Option<&str>, overflow: bool) -> String {
    match total {
        _ if overflow => "overflow".to_string(),
        Some(t) => signed(t),
        None => "-".to_string(),
    }
}

fn key_text(key: &[super::report::KeyCell]) -> String {
    key.iter()
        .map(|k| format!(" {} {}", k.field, k.value))
        .collect::<Vec<_>>()
        .join(",")
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

/// Aligned columns; `right[i]` right-aligns column i.
fn table(headers: &[&str], right: &[bool], rows: Vec<Vec<String>>) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header_row: Vec<String> = headers.iter().map(|h| (*h).to_string()).collect();
    for row in std::iter::once(header_row).chain(rows) {
        let mut line = String::new();
        for (index, cell) in row.iter().enumerate() {
            let width = widths.get(index).copied().unwrap_or(0);
            let pad = width.saturating_sub(cell.chars().count());
            if index > 0 {
                line.push_str("  ");
            }
            if right.get(index).copied().unwrap_or(false) {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
