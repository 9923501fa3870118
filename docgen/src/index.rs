//! The index page (every module with its summary, agreement modules
//! first, then the standard library) and the page of assumptions: every
//! doc comment that marks one with **Antagande**, linked to its item.

use crate::context::{Context, anchors};
use crate::html::{assumption, doc, escape, inline, summary};
use crate::page::{frame, item_label, kind_label, module_doc};

pub fn index_page(context: &Context, title: &str) -> String {
    let mut body = format!("<h1>{}</h1>", escape(title));
    body.push_str(&format!(
        "<p>Avtalets moduler som dokument: varje parameter med sina värden över tid, varje regel som formel, tabeller, villkor, gränser och räknade exempel. \
         Antagandena som källtexten gör står samlade under <a href=\"antaganden.html\">Antaganden</a>. Värden som gäller i dag avser {}.</p>",
        context.today
    ));
    for (heading, stdlib) in [("Avtalet", false), ("Standardbiblioteket", true)] {
        let modules: Vec<usize> = context
            .documented
            .iter()
            .copied()
            .filter(|i| {
                context
                    .module(*i)
                    .is_some_and(|m| context.is_stdlib(m.file) == stdlib)
            })
            .collect();
        if modules.is_empty() {
            continue;
        }
        body.push_str(&format!(
            "<section><h2>{heading}</h2><table class=\"modules\"><thead><tr><th>Modul</th><th>Innehåll</th><th>Beskrivning</th></tr></thead><tbody>"
        ));
        for index in modules {
            let Some(module) = context.module(index) else {
                continue;
            };
            let name = context.module_name(index);
            let Some(page) = context.page(name) else {
                continue;
            };
            let description = module_doc(context.program.sources.text(module.file))
                .map(|d| inline(&summary(&d)))
                .unwrap_or_default();
            body.push_str(&format!(
                "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{description}</td></tr>",
                escape(page),
                escape(name),
                counts(module)
            ));
        }
        body.push_str("</tbody></table></section>");
    }
    frame(title, "", &body, context.today)
}

/// "3 parametrar, 5 regler, 2 exempel".
fn counts(module: &avtal_syntax::syntax::ast::Module) -> String {
    use avtal_syntax::syntax::ast::Item;
    let (mut params, mut rules, mut examples, mut types) = (0, 0, 0, 0);
    for item in &module.items {
        match item {
            Item::Param(_) => params += 1,
            Item::Example(_) => examples += 1,
            Item::Record(_) | Item::Enum(_) => types += 1,
            _ => rules += 1,
        }
    }
    let parts = [
        (params, "parameter", "parametrar"),
        (rules, "regel", "regler"),
        (types, "typ", "typer"),
        (examples, "exempel", "exempel"),
    ];
    parts
        .iter()
        .filter(|(count, _, _)| *count > 0)
        .map(|(count, one, many)| format!("{count} {}", if *count == 1 { one } else { many }))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn assumptions_page(context: &Context, title: &str) -> String {
    let mut body = String::from(
        "<h1>Antaganden</h1><p>Där avtalstexten inte säger allt som en beräkning behöver har källtexten gjort ett antagande. \
         Här står de samlade, med länk till den regel eller parameter där de gäller; parterna bör pröva dem särskilt.</p>",
    );
    let mut found = 0;
    for index in &context.documented {
        let Some(module) = context.module(*index) else {
            continue;
        };
        let name = context.module_name(*index);
        let mut rows = String::new();
        for (item, anchor) in anchors(module) {
            let Some(text) = item_doc(item).and_then(assumption) else {
                continue;
            };
            found += 1;
            let href = context.href(name, &anchor).unwrap_or_default();
            rows.push_str(&format!(
                "<li><a href=\"{}\">{} {}</a><div class=\"doc\">{}</div></li>",
                escape(&href),
                kind_label(item),
                escape(&item_label(item)),
                doc(text)
            ));
        }
        if !rows.is_empty() {
            body.push_str(&format!(
                "<section><h2>{}</h2><ul class=\"assumptions\">{rows}</ul></section>",
                escape(name)
            ));
        }
    }
    if found == 0 {
        body.push_str("<p>Källtexten markerar inga antaganden.</p>");
    }
    frame(&format!("Antaganden – {title}"), "", &body, context.today)
}

fn item_doc(item: &avtal_syntax::syntax::ast::Item) -> Option<&str> {
    use avtal_syntax::syntax::ast::Item;
    let meta = match item {
        Item::Param(x) => &x.meta,
        Item::Record(x) => &x.meta,
        Item::Enum(x) => &x.meta,
        Item::Rule(x) | Item::Evaluate(x) => &x.meta,
        Item::Table(x) => &x.meta,
        Item::Condition(x) => &x.meta,
        Item::Limit(x) => &x.meta,
        Item::Classes(x) => &x.meta,
        Item::Example(x) => &x.meta,
    };
    meta.doc.as_deref()
}
