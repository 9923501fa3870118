//! An `example` block as a worked case: each assertion as a formula, the
//! inputs and the result of each call it makes, whether it holds, and the
//! explanation tree of `avtal explain` folded under each call.
//!
//! The evaluation is the reference interpreter's, through
//! `explain::explain_example`; this module only renders what it returns.

use avtal_compiler::eval::ExampleOutcome;
use avtal_compiler::explain::{Node, Outcome, Step, explain_example};
use avtal_syntax::syntax::ast;

use crate::context::Context;
use crate::formula::Formula;
use crate::html::escape;
use crate::items::{header, id_attribute};

pub fn article(context: &Context, example: &ast::Example, anchor: Option<&str>) -> String {
    let mut out = format!(
        "<article class=\"item example\"{}><h3><span class=\"kind\">Exempel</span> {}</h3>",
        id_attribute(anchor),
        escape(&example.title)
    );
    out.push_str(&header(context, &example.meta, example.span));
    let index = context
        .program
        .examples
        .iter()
        .position(|e| e.span == example.span);
    let explained = index.map(|i| explain_example(context.program, i));
    let failed_spans: Vec<avtal_compiler::Span> = match explained.as_ref().map(|e| &e.outcome) {
        Some(ExampleOutcome::Failed(failures)) => failures.iter().map(|f| f.span).collect(),
        _ => Vec::new(),
    };
    let mut formula = Formula::new(context);
    for assertion in &example.assertions {
        let holds = !failed_spans.contains(&assertion.span);
        out.push_str("<div class=\"case\">");
        out.push_str(&format!(
            "<div class=\"formula assertion\">{}</div>",
            formula.expr(assertion)
        ));
        let calls = explained
            .as_ref()
            .map(|e| {
                e.calls
                    .iter()
                    .filter(|c| {
                        c.span.file == assertion.span.file
                            && assertion.span.start <= c.span.start
                            && c.span.end <= assertion.span.end
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        // An argument's call (`anställd(…)` inside `garanti(anställd(…))`)
        // is evaluated first and is a top-level step too; the worked case
        // is the outermost call, whose inputs show the argument's value.
        let outermost = calls.iter().filter(|c| {
            !calls.iter().any(|other| {
                other.span != c.span
                    && other.span.start <= c.span.start
                    && c.span.end <= other.span.end
            })
        });
        for call in outermost {
            out.push_str(&worked_call(call));
        }
        let verdict = match explained.as_ref().map(|e| &e.outcome) {
            Some(ExampleOutcome::Error(error)) => format!(
                "<p class=\"verdict bad\">Beräkningen stannade: {} [{}]</p>",
                escape(&error.message()),
                escape(&error.code().to_string())
            ),
            Some(_) if holds => "<p class=\"verdict ok\">✓ Stämmer.</p>".to_string(),
            Some(_) => "<p class=\"verdict bad\">✗ Stämmer inte.</p>".to_string(),
            None => String::new(),
        };
        out.push_str(&verdict);
        out.push_str("</div>");
    }
    out.push_str(&formula.rounding_notes());
    out.push_str("</article>");
    out
}

/// One call of an assertion: its inputs, its result, and the tree.
fn worked_call(call: &Node) -> String {
    let Step::Call {
        name,
        arguments,
        outcome,
        ..
    } = &call.step
    else {
        return String::new();
    };
    let mut out = format!(
        "<table class=\"worked\"><caption>{}</caption><tbody>",
        escape(name)
    );
    for argument in arguments {
        out.push_str(&format!(
            "<tr><th>Indata</th><td><span class=\"name\">{}</span></td><td>{}</td></tr>",
            escape(&argument.name),
            escape(&argument.value)
        ));
    }
    out.push_str(&format!(
        "<tr class=\"result\"><th>Resultat</th><td></td><td>{}</td></tr></tbody></table>",
        outcome_text(outcome)
    ));
    out.push_str(&format!(
        "<details class=\"explain\"><summary>Så räknas det (avtal explain)</summary><ul class=\"tree\">{}</ul></details>",
        node(call)
    ));
    out
}

fn outcome_text(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Value { value } => format!("<strong>{}</strong>", escape(value)),
        Outcome::Error { error } => format!(
            "fel {}: {} ({})",
            escape(&error.code),
            escape(&error.message),
            escape(&error.location)
        ),
        Outcome::Aborted => "avbröts (se felet nedan)".to_string(),
    }
}

/// A step of the tree as a list item; a call with steps inside folds.
fn node(node: &Node) -> String {
    let line = format!(
        "{} <span class=\"place\">{}</span>",
        headline(&node.step),
        escape(&node.location)
    );
    if node.children.is_empty() {
        return format!("<li>{line}</li>");
    }
    let children: String = node.children.iter().map(self::node).collect();
    format!("<li><details><summary>{line}</summary><ul>{children}</ul></details></li>")
}

fn headline(step: &Step) -> String {
    match step {
        Step::Call {
            name,
            function_kind,
            source,
            arguments,
            outcome,
            ..
        } => {
            let args: Vec<String> = arguments
                .iter()
                .map(|a| format!("{} = {}", escape(&a.name), escape(&a.value)))
                .collect();
            let source = source
                .as_deref()
                .map(|s| format!(" <cite>{}</cite>", escape(s)))
                .unwrap_or_default();
            format!(
                "{} <span class=\"name\">{}</span>({}) → {}{source}",
                kind_words(function_kind),
                escape(name),
                args.join(", "),
                outcome_text(outcome)
            )
        }
        Step::Param {
            name,
            at,
            from,
            value,
            ..
        } => format!(
            "parameter <span class=\"name\">{}</span> den {} = {}{}",
            escape(name),
            escape(at),
            escape(value.as_deref().unwrap_or("inget värde")),
            from.as_deref()
                .map(|f| format!(" (gäller från {})", escape(f)))
                .unwrap_or_default()
        ),
        Step::Row {
            row,
            code,
            matched,
            failed_cell,
        } => match (matched, failed_cell) {
            (true, _) => format!("rad {row} <code>{}</code> gäller", escape(code)),
            (false, Some(cell)) => format!(
                "rad {row} <code>{}</code> gäller inte: {} = {} uppfyller inte {}",
                escape(code),
                escape(&cell.input),
                escape(&cell.value),
                escape(&cell.test)
            ),
            (false, None) => format!("rad {row} <code>{}</code> gäller inte", escape(code)),
        },
        Step::If { condition, taken } => format!(
            "om <code>{}</code>: {}",
            escape(condition),
            if *taken == "then" { "ja" } else { "nej" }
        ),
        Step::Match {
            scrutinee,
            value,
            arm,
        } => format!(
            "<code>{}</code> är {} (gren {})",
            escape(scrutinee),
            escape(value),
            escape(arm)
        ),
        Step::Requirement {
            requirement,
            name,
            test,
            reason,
            passed,
        } => format!(
            "krav {requirement}{} <code>{}</code>: {} ({})",
            name.as_deref()
                .map(|n| format!(" <code>{}</code>", escape(n)))
                .unwrap_or_default(),
            escape(test),
            if *passed { "uppfyllt" } else { "inte uppfyllt" },
            escape(reason)
        ),
        Step::Classify(classified) => {
            let classes: Vec<String> = classified
                .by_class
                .iter()
                .map(|c| {
                    format!(
                        "{} {} min",
                        escape(c.class.as_deref().unwrap_or("ingen klass")),
                        c.minutes
                    )
                })
                .collect();
            format!(
                "<code>{}</code> = {}: {} – {}; {}",
                escape(&classified.call),
                escape(&classified.value),
                escape(&classified.start),
                escape(&classified.end),
                classes.join(", ")
            )
        }
    }
}

fn kind_words(kind: &str) -> &'static str {
    match kind {
        "table" => "tabell",
        "condition" => "villkor",
        "limit" => "gräns",
        "evaluate" => "beräkning",
        _ => "regel",
    }
}
