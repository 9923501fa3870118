//! The reference of the standard library, generated from the stdlib
//! itself: every named item of every module (rules, tables, conditions,
//! limits, params, records, enums, classes, entry points) with its
//! signature as written (arguments in order, with their types and so
//! their units), its `source` reference, its place and its doc comment in
//! full. `docs/stdlib-reference.md` is this text; a test fails when it is
//! not current (`UPDATE_EXPECT=1` rewrites it).
//!
//! It reads the parsed items, not the checked program, so the page keeps
//! the drafter's spelling of types and values; it does no IO.

use std::fmt::Write;

use crate::source::{FileId, Sources, Span};
use crate::stdlib;
use crate::syntax::{self, ast};

/// The whole page, Markdown.
pub fn render() -> String {
    let mut sources = Sources::new();
    stdlib::add_to(&mut sources);
    let mut out = String::from(
        "# Standard library reference\n\n\
         <!-- Generated from stdlib/ by avtal_compiler::stdlib_reference; do not edit.\n     \
         Regenerate: UPDATE_EXPECT=1 cargo test -p avtal-compiler --test stdlib_reference -->\n\n\
         Every item of every stdlib module, in the order of its file: the signature as written \
         (arguments in order, with their types and units), the `source` reference, the place, \
         and the doc comment in full.\n\
         [stdlib.md](stdlib.md) is the guide to the modules and their assumptions.\n\n",
    );
    let modules: Vec<(FileId, &str)> = stdlib::MODULES
        .iter()
        .enumerate()
        .filter_map(|(index, (path, _, _))| Some((FileId(u32::try_from(index).ok()?), *path)))
        .collect();
    out.push_str("## Modules\n\n");
    for (_, path) in &modules {
        let _ = writeln!(out, "- [`{path}`](#{})", anchor(path));
    }
    for (file, path) in modules {
        let (module, _) = syntax::parse(&sources, file);
        let repo_path = repository_path(sources.name(file));
        let _ = write!(
            out,
            "\n## {path}\n\n[`{repo_path}`](../{repo_path}){}\n",
            uses_text(&module)
        );
        for item in &module.items {
            item_section(&mut out, &sources, &repo_path, item);
        }
    }
    out
}

/// `<stdlib>/lag/las.avtal` → `stdlib/lag/las.avtal`.
fn repository_path(name: &str) -> String {
    match name.strip_prefix("<stdlib>/") {
        Some(rest) => format!("stdlib/{rest}"),
        None => name.to_string(),
    }
}

fn uses_text(module: &ast::Module) -> String {
    if module.uses.is_empty() {
        return String::new();
    }
    let used: Vec<String> = module
        .uses
        .iter()
        .map(|u| format!("`{}`", u.path.dotted()))
        .collect();
    format!(" · uses {}", used.join(", "))
}

/// GitHub's heading anchor: lowercase, spaces to `-`, punctuation dropped.
fn anchor(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c.to_lowercase().next()?),
            _ => None,
        })
        .collect()
}

fn type_text(ty: &ast::TypeExpr) -> String {
    match ty {
        ast::TypeExpr::Named(name) => name.name.clone(),
        ast::TypeExpr::List(element, _) => format!("List<{}>", type_text(element)),
    }
}

fn params_text(params: &[ast::ParamDecl]) -> String {
    params
        .iter()
        .map(|p| format!("{}: {}", p.name.name, type_text(&p.ty)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A doc comment as `///` lines at `indent`.
fn doc_lines(out: &mut String, doc: Option<&String>, indent: &str) {
    for line in doc.into_iter().flat_map(|d| d.lines()) {
        let _ = writeln!(out, "{indent}/// {line}");
    }
}

/// The text of a span on one line (continuation lines joined by a space).
fn one_line(sources: &Sources, span: Span) -> String {
    sources
        .snippet(span)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The kind, the signature block, and what is inside it.
fn item_section(out: &mut String, sources: &Sources, repo_path: &str, item: &ast::Item) {
    let Some(name) = item.name() else {
        return; // examples are not part of a module's interface
    };
    let mut code = String::new();
    let (kind, meta) = match item {
        ast::Item::Rule(rule) | ast::Item::Evaluate(rule) => {
            let keyword = if matches!(item, ast::Item::Rule(_)) {
                "rule"
            } else {
                "evaluate"
            };
            let _ = writeln!(
                code,
                "{keyword} {}({}) -> {}",
                rule.name.name,
                params_text(&rule.params),
                type_text(&rule.ret)
            );
            (keyword, &rule.meta)
        }
        ast::Item::Table(table) => {
            let _ = writeln!(
                code,
                "table {}({}) -> {}",
                table.name.name,
                params_text(&table.params),
                type_text(&table.ret)
            );
            let _ = writeln!(code, "  // {} rows, first match", table.rows.len());
            ("table", &table.meta)
        }
        ast::Item::Condition(condition) => {
            let _ = writeln!(
                code,
                "condition {}({}) {{",
                condition.name.name,
                params_text(&condition.params)
            );
            for requirement in &condition.requirements {
                let _ = writeln!(code, "  {}", one_line(sources, requirement.span));
            }
            code.push_str("}\n");
            ("condition", &condition.meta)
        }
        ast::Item::Limit(limit) => {
            let bound = match limit.kind {
                ast::LimitKind::AtMost => "at most",
                ast::LimitKind::AtLeast => "at least",
            };
            let period = limit
                .period
                .as_ref()
                .map_or_else(String::new, |(p, _)| format!(" per {p}"));
            let _ = writeln!(
                code,
                "limit {}({}) {{\n  {} {bound} {}{period}\n}}",
                limit.name.name,
                params_text(&limit.params),
                one_line(sources, limit.measured.span),
                one_line(sources, limit.bound.span),
            );
            ("limit", &limit.meta)
        }
        ast::Item::Param(param) => {
            let _ = writeln!(
                code,
                "param {}: {} {{",
                param.name.name,
                type_text(&param.ty)
            );
            for step in &param.timeline {
                let _ = writeln!(code, "  {}", one_line(sources, step.span));
            }
            code.push_str("}\n");
            ("param", &param.meta)
        }
        ast::Item::Record(record) => {
            let _ = writeln!(code, "record {} {{", record.name.name);
            for field in &record.fields {
                doc_lines(&mut code, field.doc.as_ref(), "  ");
                let _ = writeln!(code, "  {}: {}", field.name.name, type_text(&field.ty));
            }
            code.push_str("}\n");
            ("record", &record.meta)
        }
        ast::Item::Enum(enum_def) => {
            let _ = writeln!(code, "enum {} {{", enum_def.name.name);
            for variant in &enum_def.variants {
                doc_lines(&mut code, variant.doc.as_ref(), "  ");
                let _ = writeln!(code, "  {}", variant.name.name);
            }
            code.push_str("}\n");
            ("enum", &enum_def.meta)
        }
        ast::Item::Classes(classes) => {
            let ranked = if classes.ranked { " ranked" } else { "" };
            let _ = writeln!(code, "classes {}{ranked} {{", classes.name.name);
            for class in &classes.classes {
                doc_lines(&mut code, class.doc.as_ref(), "  ");
                let spans: Vec<String> = class
                    .spans
                    .iter()
                    .map(|s| one_line(sources, s.span))
                    .collect();
                let _ = writeln!(code, "  {} {{ {} }}", class.name.name, spans.join("; "));
            }
            code.push_str("}\n");
            ("classes", &classes.meta)
        }
        ast::Item::Example(_) => return,
    };
    let line = sources.line_col(name.span.file, name.span.start).line;
    let _ = write!(
        out,
        "\n### {kind} {}\n\n[`{repo_path}:{line}`](../{repo_path}#L{line})",
        name.name
    );
    if let Some((source, _)) = &meta.source {
        let _ = write!(out, " · source: {source}");
    }
    let _ = write!(out, "\n\n```avtal\n{code}```\n");
    if let Some(doc) = &meta.doc {
        let _ = write!(out, "\n{doc}\n");
    }
}
