//! `--html FILE`: the diff report as one self-contained HTML page (inline
//! CSS, inline SVG, no scripts, no fonts or anything else from the
//! network), so it opens in any browser and can be mailed as it is.
//!
//! Sections: the counts, the summary table, a histogram of the changes of
//! each changed field (SVG bars with their labels as text), the `--by`
//! table, the largest changes, the rows failing in one version, and a few
//! changed records explained side by side (OLD | NEW).

use std::fmt::Write as _;
use std::path::Path;

use avtal_compiler::eval::Value;
use avtal_compiler::explain::explain;
use avtal_docgen::escape;

use super::histogram::Bar;
use super::report::{Change, DiffReport, FieldReport, GroupReport, signed};
use super::text;
use super::versions::Version;
use crate::term::Failure;

/// How many records are shown side by side.
const SIDE_BY_SIDE: usize = 3;

/// Explains one input record as OLD and NEW compute it, with
/// `avtal_compiler::explain` (the reference interpreter under a trace).
pub struct Explanations<'v> {
    old: &'v Version,
    new: &'v Version,
}

/// One record in two columns.
pub struct SideBySide {
    pub old: String,
    pub new: String,
}

impl<'v> Explanations<'v> {
    pub fn new(old: &'v Version, new: &'v Version) -> Explanations<'v> {
        Explanations { old, new }
    }

    /// Both explanations, trimmed to what `field` depends on.
    pub fn side_by_side(&self, input: &Value, field: &str) -> SideBySide {
        let explain = |version: &Version| {
            let program = &version.compilation.program;
            explain(program, version.entry.function, input)
                .focus_on_output(field)
                .render_text()
        };
        SideBySide {
            old: explain(self.old),
            new: explain(self.new),
        }
    }
}

pub fn write(path: &Path, report: &DiffReport, explanations: &Explanations) -> Result<(), Failure> {
    let page = render(report, explanations);
    crate::safe_file::write_all(path, page.as_bytes())
}

pub fn render(report: &DiffReport, explanations: &Explanations) -> String {
    let mut out = String::new();
    let title = format!("avtal diff: {}", report.entry);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    let _ = writeln!(out, "<h1>{}</h1>", escape(&title));
    let _ = writeln!(
        out,
        "<p class=\"meta\">OLD <code>{}</code> · NEW <code>{}</code> · population <code>{}</code></p>",
        escape(&report.old),
        escape(&report.new),
        escape(&report.input)
    );
    for change in &report.overrides {
        let _ = writeln!(
            out,
            "<p class=\"meta\">with <code>{}</code></p>",
            escape(change)
        );
    }
    let _ = writeln!(
        out,
        "<p class=\"headline\" id=\"headline\">{}</p>",
        escape(&text::headline(report))
    );
    summary_table(&mut out, report);
    let changed: Vec<&FieldReport> = report.changed_fields().collect();
    if !changed.is_empty() {
        let _ = writeln!(out, "<h2>Distribution of changes</h2>");
        for field in &changed {
            histogram(&mut out, field);
        }
    }
    if let Some(groups) = &report.groups {
        groups_table(&mut out, report, groups);
    }
    for field in &changed {
        largest_table(&mut out, field);
    }
    failed_table(&mut out, report);
    side_by_side(&mut out, report, explanations);
    out.push_str("</body>\n</html>\n");
    out
}

fn summary_table(out: &mut String, report: &DiffReport) {
    let _ = writeln!(
        out,
        "<h2>Summary</h2>\n<table id=\"summary\">\n<thead><tr><th>output field</th><th>type</th>\
         <th>changed</th><th>unchanged</th><th>gained</th><th>lost</th><th>total change</th></tr></thead>\n<tbody>"
    );
    for field in &report.fields {
        let class = if field.has_changes() {
            " class=\"changed\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<tr{class}><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&field.name),
            escape(&field.type_),
            field.changed,
            field.unchanged,
            field.gained,
            field.lost,
            escape(&text::total(
                field.total_change.as_deref(),
                field.total_overflow
            ))
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Horizontal bars, one per bucket, label left and count right, so the
/// labels read as text (and a DOM dump shows them).
fn histogram(out: &mut String, field: &FieldReport) {
    const ROW: usize = 22;
    const LABEL: usize = 230;
    const BAR: usize = 420;
    let bars: &[Bar] = &field.histogram;
    let max = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let height = ROW * bars.len() + 8;
    let what = if field.numeric {
        "size of the change NEW − OLD"
    } else {
        "OLD → NEW"
    };
    let _ = writeln!(
        out,
        "<figure class=\"histogram\"><figcaption>{} ({}; records per bar)</figcaption>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\" \
         aria-label=\"histogram of changes of {}\">",
        escape(&field.name),
        what,
        LABEL + BAR + 80,
        escape(&field.name)
    );
    for (index, bar) in bars.iter().enumerate() {
        let y = index * ROW + 4;
        // A bar for every nonzero count, however small; none for zero.
        let width = if bar.count == 0 {
            0.0
        } else {
            (bar.count as f64 / max as f64 * BAR as f64)
                .round()
                .max(1.0)
        };
        let class = match bar.direction {
            d if d < 0 => "down",
            d if d > 0 => "up",
            _ => "moved",
        };
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text>\
             <rect x=\"{}\" y=\"{y}\" width=\"{width}\" height=\"{}\" class=\"{class}\"/>\
             <text x=\"{}\" y=\"{}\" class=\"count\">{}</text>",
            LABEL - 8,
            y + 14,
            escape(&bar.label),
            LABEL,
            ROW - 6,
            LABEL as f64 + width + 6.0,
            y + 14,
            bar.count
        );
    }
    out.push_str("</svg></figure>\n");
}

fn groups_table(out: &mut String, report: &DiffReport, groups: &GroupReport) {
    let changed: Vec<(usize, &FieldReport)> = report
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.has_changes())
        .collect();
    let _ = write!(
        out,
        "<h2>By {}</h2>\n<table id=\"groups\">\n<thead><tr><th>{}</th><th>rows</th><th>changed</th>\
         <th>gained</th><th>lost</th>",
        escape(&groups.by),
        escape(&groups.by)
    );
    for (_, field) in &changed {
        let _ = write!(out, "<th>{}</th>", escape(&field.name));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for group in &groups.groups {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
            escape(&group.value),
            group.rows,
            group.records_changed,
            group.gained,
            group.lost
        );
        for (index, _) in &changed {
            let cell = group
                .fields
                .get(*index)
                .map_or(String::new(), |f| match &f.total_change {
                    _ if f.total_overflow => "overflow".to_string(),
                    Some(total) => signed(total),
                    None => format!("{} changed", f.changed),
                });
            let _ = write!(out, "<td class=\"n\">{}</td>", escape(&cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    if groups.rows_in_other_groups > 0 {
        let _ = writeln!(
            out,
            "<p>{} rows in further groups are not shown.</p>",
            groups.rows_in_other_groups
        );
    }
}

fn largest_table(out: &mut String, field: &FieldReport) {
    let title = if field.numeric {
        "Largest changes of"
    } else {
        "First changes of"
    };
    let _ = write!(
        out,
        "<h2>{title} {}</h2>\n<table class=\"largest\">\n<thead><tr><th>row</th>",
        escape(&field.name)
    );
    if let Some(first) = field.largest.first() {
        for key in &first.key {
            let _ = write!(out, "<th>{}</th>", escape(&key.field));
        }
    }
    out.push_str("<th>old</th><th>new</th><th>difference</th></tr></thead>\n<tbody>\n");
    for change in &field.largest {
        let _ = write!(out, "<tr><td class=\"n\">{}</td>", change.row);
        for key in &change.key {
            let _ = write!(out, "<td>{}</td>", escape(&key.value));
        }
        let _ = writeln!(
            out,
            "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&change.old),
            escape(&change.new),
            escape(&change.difference.as_deref().map(signed).unwrap_or_default())
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn failed_table(out: &mut String, report: &DiffReport) {
    if report.failed_in_one.is_empty() {
        return;
    }
    out.push_str(
        "<h2>Rows that fail in one version only</h2>\n<table id=\"failed\">\n<thead><tr>\
         <th>row</th><th>line</th><th>fails in</th><th>code</th><th>message</th></tr></thead>\n<tbody>\n",
    );
    for failed in &report.failed_in_one {
        let _ = writeln!(
            out,
            "<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            failed.row,
            failed.line,
            failed.fails_in,
            escape(&failed.code),
            escape(&failed.message)
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The largest changes of the field changed in most records, OLD and NEW
/// side by side.
fn side_by_side(out: &mut String, report: &DiffReport, explanations: &Explanations) {
    let Some(field) = report.changed_fields().max_by_key(|f| f.changed) else {
        return;
    };
    let changes: Vec<&Change> = field
        .largest
        .iter()
        .filter(|c| c.input.is_some())
        .take(SIDE_BY_SIDE)
        .collect();
    if changes.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<h2>Records side by side</h2>\n<p>The {} largest changes of <code>{}</code>, explained as OLD and NEW compute them \
         (the steps this field depends on).</p>",
        changes.len(),
        escape(&field.name)
    );
    for change in changes {
        let Some(input) = &change.input else {
            continue;
        };
        let pair = explanations.side_by_side(input, &field.name);
        let key: Vec<String> = change
            .key
            .iter()
            .map(|k| format!("{} {}", k.field, k.value))
            .collect();
        let _ = writeln!(
            out,
            "<section class=\"record\"><h3>row {} {}: {} → {}</h3>\n<div class=\"pair\">\
             <div><h4>OLD</h4><pre>{}</pre></div><div><h4>NEW</h4><pre>{}</pre></div></div></section>",
            change.row,
            escape(&key.join(", ")),
            escape(&change.old),
            escape(&change.new),
            escape(&pair.old),
            escape(&pair.new)
        );
    }
}

const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 2rem auto;
       max-width: 72rem; padding: 0 1rem; color: #1d2430; background: #fff; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #d6dbe3; padding-bottom: .2rem; }
h3 { font-size: 1rem; }
.meta { color: #4a5568; margin: .2rem 0; }
.headline { font-size: 1.05rem; font-weight: 600; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #e3e7ed; text-align: left; }
th { background: #f3f5f8; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.changed td:first-child { font-weight: 600; }
figure { margin: 1rem 0; }
figcaption { font-weight: 600; margin-bottom: .3rem; }
svg text { font-size: 12px; fill: #1d2430; }
rect.up { fill: #2f855a; } rect.down { fill: #c53030; } rect.moved { fill: #4a6fa5; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.pair pre { background: #f7f8fa; border: 1px solid #e3e7ed; padding: .6rem; overflow-x: auto;
            white-space: pre; font-size: .8rem; }
h4 { margin: .2rem 0; }
code { background: #f3f5f8; padding: 0 .2rem; }
";

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn text_is_escaped_for_html() {
        assert_eq!(
            escape(r#"<b>"Lön" & 'tillägg'</b>"#),
            "&lt;b&gt;&quot;Lön&quot; &amp; &#39;tillägg&#39;&lt;/b&gt;"
        );
    }
}
