//! Two versions of an agreement compared clause by clause: per module,
//! the items added, removed and changed (a changed param with its old and
//! new timelines side by side, any other changed item as both versions'
//! renderings), and the unchanged ones named.
//!
//! Items are matched by module, kind and name (examples by title); an item
//! changed when its text, doc comment or source reference did, white
//! space aside.

use std::collections::BTreeSet;

use avtal_syntax::syntax::ast::{Item, ItemMeta};

use crate::context::{Context, anchors};
use crate::examples;
use crate::html::escape;
use crate::items::{self, compared_timeline, param_info};
use crate::page::{frame, item_label, kind_label};

/// One item in one version.
struct Version<'c, 'a> {
    context: &'c Context<'a>,
    module: String,
    item: &'a Item,
    anchor: String,
}

/// An item of either version, by its key.
struct Entry<'c, 'a> {
    key: (String, String, String),
    old: Option<Version<'c, 'a>>,
    new: Option<Version<'c, 'a>>,
}

pub fn diff_page(old: &Context, new: &Context, title: &str) -> String {
    let mut entries = collect(new, Vec::new(), true);
    entries = collect(old, entries, false);
    let changed: Vec<&Entry> = entries
        .iter()
        .filter(|e| status(e) != "oförändrad")
        .collect();
    let mut body = format!("<h1>Ändringar: {}</h1>", escape(title));
    body.push_str(&format!(
        "<p>Jämförelse av två versioner, klausul för klausul: {} tillagda, {} borttagna, {} ändrade, {} oförändrade. \
         Den tidigare versionen finns i sin helhet under <a href=\"old/index.html\">tidigare version</a>, den nya under <a href=\"new/index.html\">ny version</a>.</p>",
        count(&entries, "tillagd"),
        count(&entries, "borttagen"),
        count(&entries, "ändrad"),
        count(&entries, "oförändrad")
    ));
    if changed.is_empty() {
        body.push_str("<p><strong>Inga ändringar.</strong></p>");
    } else {
        body.push_str("<nav class=\"toc\" aria-label=\"Sidans innehåll\"><h2>Ändringar</h2><ol>");
        for (n, entry) in changed.iter().enumerate() {
            body.push_str(&format!(
                "<li><a href=\"#c-{}\">{} {} <span class=\"status\">{}</span></a> <span class=\"place\">{}</span></li>",
                n + 1,
                escape(&entry.key.1),
                escape(&entry.key.2),
                status(entry),
                escape(&entry.key.0)
            ));
        }
        body.push_str("</ol></nav>");
    }
    for (n, entry) in changed.iter().enumerate() {
        body.push_str(&change(entry, n + 1));
    }
    let unchanged: Vec<String> = entries
        .iter()
        .filter(|e| status(e) == "oförändrad")
        .filter_map(|e| e.new.as_ref())
        .map(|v| {
            let label = format!("{} {}", kind_label(v.item), item_label(v.item));
            match v.context.href(&v.module, &v.anchor) {
                Some(href) => format!("<a href=\"{}\">{}</a>", escape(&href), escape(&label)),
                None => escape(&label),
            }
        })
        .collect();
    if !unchanged.is_empty() {
        body.push_str(&format!(
            "<section><h2>Oförändrade</h2><p class=\"unchanged\">{}</p></section>",
            unchanged.join(", ")
        ));
    }
    frame(&format!("Ändringar – {title}"), "", &body, new.today)
}

/// Every documented item of one version, added to `entries`.
fn collect<'c, 'a>(
    context: &'c Context<'a>,
    mut entries: Vec<Entry<'c, 'a>>,
    is_new: bool,
) -> Vec<Entry<'c, 'a>> {
    let mut seen = BTreeSet::new();
    for index in &context.documented {
        let Some(module) = context.module(*index) else {
            continue;
        };
        let name = context.module_name(*index).to_string();
        for (item, anchor) in anchors(module) {
            let key = (name.clone(), kind_label(item).to_string(), item_label(item));
            if !seen.insert(key.clone()) {
                continue;
            }
            let version = Version {
                context,
                module: name.clone(),
                item,
                anchor,
            };
            match entries.iter_mut().find(|e| e.key == key) {
                Some(entry) if !is_new => entry.old = Some(version),
                _ if is_new => entries.push(Entry {
                    key,
                    old: None,
                    new: Some(version),
                }),
                _ => entries.push(Entry {
                    key,
                    old: Some(version),
                    new: None,
                }),
            }
        }
    }
    entries
}

fn count(entries: &[Entry], wanted: &str) -> usize {
    entries.iter().filter(|e| status(e) == wanted).count()
}

fn status(entry: &Entry) -> &'static str {
    match (&entry.old, &entry.new) {
        (None, Some(_)) => "tillagd",
        (Some(_), None) => "borttagen",
        (Some(old), Some(new)) if text(old) != text(new) => "ändrad",
        _ => "oförändrad",
    }
}

/// What a reader could see change: the item's text, doc and source.
fn text(version: &Version) -> String {
    let meta = meta(version.item);
    let code = version.context.snippet(version.item.span());
    let mut all = code.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(doc) = &meta.doc {
        all.push_str("\n/// ");
        all.push_str(&doc.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    if let Some((source, _)) = &meta.source {
        all.push_str("\nsource ");
        all.push_str(source);
    }
    all
}

fn meta(item: &Item) -> &ItemMeta {
    match item {
        Item::Param(x) => &x.meta,
        Item::Record(x) => &x.meta,
        Item::Enum(x) => &x.meta,
        Item::Rule(x) | Item::Evaluate(x) => &x.meta,
        Item::Table(x) => &x.meta,
        Item::Condition(x) => &x.meta,
        Item::Limit(x) => &x.meta,
        Item::Classes(x) => &x.meta,
        Item::Example(x) => &x.meta,
    }
}

/// One change: its heading, then the old and the new version side by side.
fn change(entry: &Entry, n: usize) -> String {
    let status = status(entry);
    let mut out = format!(
        "<section class=\"change {}\" id=\"c-{n}\"><h2>{} {} <span class=\"status\">{status}</span></h2><p class=\"place\">Modul {}</p>",
        match status {
            "tillagd" => "added",
            "borttagen" => "removed",
            _ => "changed",
        },
        escape(&entry.key.1),
        escape(&entry.key.2),
        escape(&entry.key.0)
    );
    let is_param = matches!(
        entry.new.as_ref().or(entry.old.as_ref()).map(|v| v.item),
        Some(Item::Param(_))
    );
    out.push_str("<div class=\"sides\">");
    for (heading, version) in [("Tidigare", &entry.old), ("Ny", &entry.new)] {
        out.push_str(&format!("<div class=\"side\"><h3>{heading} version</h3>"));
        match version {
            None => out.push_str("<p class=\"note\">Finns inte i denna version.</p>"),
            Some(v) if is_param => {
                let other = if heading == "Ny" {
                    &entry.old
                } else {
                    &entry.new
                };
                let mark = if heading == "Ny" { "ny" } else { "ändras" };
                out.push_str(&param_side(v, other.as_ref(), mark));
            }
            Some(v) => out.push_str(&rendering(v)),
        }
        out.push_str("</div>");
    }
    out.push_str("</div></section>");
    out
}

/// A param's timeline in one version, with a link to its page; the rows
/// the other version does not have are marked with `mark`.
fn param_side(version: &Version, other: Option<&Version>, mark: &str) -> String {
    let link = link(version);
    let Some(info) = param_of(version) else {
        return link;
    };
    let other = other.and_then(|o| param_of(o).map(|i| (o.context.program, i, mark)));
    format!(
        "{link}{}",
        compared_timeline(version.context.program, info, version.context.today, other)
    )
}

fn param_of<'a>(version: &Version<'_, 'a>) -> Option<&'a avtal_compiler::ir::ParamInfo> {
    match version.item {
        Item::Param(param) => param_info(version.context, &param.name),
        _ => None,
    }
}

fn rendering(version: &Version) -> String {
    let article = match version.item {
        Item::Example(example) => examples::article(version.context, example, None),
        item => items::article(version.context, &version.module, item, None).unwrap_or_default(),
    };
    format!("{}{article}", link(version))
}

fn link(version: &Version) -> String {
    match version.context.href(&version.module, &version.anchor) {
        Some(href) => format!(
            "<p class=\"uses\"><a href=\"{}\">Hela sidan för {}</a></p>",
            escape(&href),
            escape(&version.module)
        ),
        None => String::new(),
    }
}
