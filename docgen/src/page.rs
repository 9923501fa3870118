//! The frame of every page (head, navigation, footer) and a module's
//! page: its doc comment, a table of contents, then every item in source
//! order, as the drafter wrote them along the agreement's text.

use avtal_syntax::syntax::ast::Item;

use crate::context::{Context, anchors};
use crate::html::{doc, escape};
use crate::{STYLESHEET, examples, items};

/// A whole HTML5 document around `body`. `root` leads from the page to
/// the site's root folder (`""` or `"../"`).
pub fn frame(title: &str, root: &str, body: &str, today: chrono::NaiveDate) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<link rel=\"stylesheet\" href=\"{root}{STYLESHEET}\">\n</head>\n\
         <body>\n<nav class=\"top\" aria-label=\"Webbplatsen\"><a href=\"{root}index.html\">Innehåll</a> · \
         <a href=\"{root}antaganden.html\">Antaganden</a></nav>\n<main>\n{body}\n</main>\n\
         <footer>Skapad med <code>avtal doc</code> ur källtexten. Värden som gäller i dag avser {today}.</footer>\n\
         </body>\n</html>\n",
        title = escape(title),
    )
}

/// The doc comment above a file's `module` line, if any.
pub fn module_doc(text: &str) -> Option<String> {
    let lines: Vec<&str> = text
        .trim_start_matches('\u{FEFF}')
        .lines()
        .map(str::trim)
        .take_while(|l| l.starts_with("///"))
        .map(|l| l.trim_start_matches("///").trim())
        .collect();
    if lines.is_empty() {
        None
    } else {
        Some(lines.join("\n"))
    }
}

/// The page of the AST module `index`.
pub fn module_page(context: &Context, index: usize) -> String {
    let Some(module) = context.module(index) else {
        return String::new();
    };
    let name = context.module_name(index);
    let sources = &context.program.sources;
    let mut body = format!(
        "<h1><span class=\"kind\">Modul</span> {}</h1>",
        escape(name)
    );
    body.push_str(&format!(
        "<p class=\"source\">Källfil: <span class=\"place\">{}</span>{}</p>",
        escape(sources.name(module.file)),
        if context.is_stdlib(module.file) {
            " · standardbiblioteket"
        } else {
            ""
        }
    ));
    if let Some(text) = module_doc(sources.text(module.file)) {
        body.push_str(&format!("<div class=\"doc\">{}</div>", doc(&text)));
    }
    if !module.uses.is_empty() {
        let used: Vec<String> = module
            .uses
            .iter()
            .map(|u| {
                let dotted = u.path.dotted();
                match context.page(&dotted) {
                    Some(page) => format!("<a href=\"{}\">{}</a>", escape(page), escape(&dotted)),
                    None => escape(&dotted),
                }
            })
            .collect();
        body.push_str(&format!(
            "<p class=\"uses\">Bygger på: {}</p>",
            used.join(", ")
        ));
    }
    let anchored = anchors(module);
    body.push_str("<nav class=\"toc\" aria-label=\"Sidans innehåll\"><h2>Innehåll</h2><ol>");
    for (item, anchor) in &anchored {
        body.push_str(&format!(
            "<li><a href=\"#{}\">{} {}</a></li>",
            escape(anchor),
            kind_label(item),
            escape(&item_label(item))
        ));
    }
    body.push_str("</ol></nav>");
    for (item, anchor) in &anchored {
        let article = match item {
            Item::Example(example) => Some(examples::article(context, example, Some(anchor))),
            _ => items::article(context, name, item, Some(anchor)),
        };
        body.push_str(&article.unwrap_or_default());
    }
    frame(&format!("{name} – avtal doc"), "", &body, context.today)
}

pub fn item_label(item: &Item) -> String {
    match item {
        Item::Example(example) => format!("«{}»", example.title),
        _ => item.name().map_or_else(String::new, |n| n.name.clone()),
    }
}

pub fn kind_label(item: &Item) -> &'static str {
    match item {
        Item::Param(_) => "Parameter",
        Item::Rule(_) => "Regel",
        Item::Evaluate(_) => "Beräkning",
        Item::Table(_) => "Beslutstabell",
        Item::Condition(_) => "Villkor",
        Item::Limit(_) => "Gräns",
        Item::Classes(_) => "Tidsklasser",
        Item::Record(_) => "Post",
        Item::Enum(_) => "Alternativ",
        Item::Example(_) => "Exempel",
    }
}
