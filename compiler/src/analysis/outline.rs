//! Document symbols (the outline of one file) and workspace symbols (every
//! top-level name matching a query).

use crate::Compilation;
use crate::source::{FileId, Sources, Span};
use crate::syntax::ast;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutlineKind {
    Param,
    Record,
    Field,
    Enum,
    Variant,
    Rule,
    Table,
    Condition,
    Limit,
    Example,
    Evaluate,
    Classes,
    Class,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineSymbol {
    pub name: String,
    pub kind: OutlineKind,
    /// The whole item.
    pub span: Span,
    /// The name (or an example's title).
    pub name_span: Span,
    pub detail: Option<String>,
    pub children: Vec<OutlineSymbol>,
}

fn leaf(name: &ast::Ident, kind: OutlineKind, span: Span) -> OutlineSymbol {
    OutlineSymbol {
        name: name.name.clone(),
        kind,
        span,
        name_span: name.span,
        detail: None,
        children: Vec::new(),
    }
}

/// The outline of `file`: its items in order, with fields and variants.
pub fn document_symbols(compilation: &Compilation, file: FileId) -> Vec<OutlineSymbol> {
    let Some(module) = compilation.modules.iter().find(|m| m.file == file) else {
        return Vec::new();
    };
    module.items.iter().map(item_symbol).collect()
}

fn item_symbol(item: &ast::Item) -> OutlineSymbol {
    match item {
        ast::Item::Param(x) => leaf(&x.name, OutlineKind::Param, x.span),
        ast::Item::Record(x) => OutlineSymbol {
            children: x
                .fields
                .iter()
                .map(|f| leaf(&f.name, OutlineKind::Field, f.span))
                .collect(),
            ..leaf(&x.name, OutlineKind::Record, x.span)
        },
        ast::Item::Enum(x) => OutlineSymbol {
            children: x
                .variants
                .iter()
                .map(|v| leaf(&v.name, OutlineKind::Variant, v.span))
                .collect(),
            ..leaf(&x.name, OutlineKind::Enum, x.span)
        },
        ast::Item::Rule(x) => leaf(&x.name, OutlineKind::Rule, x.span),
        ast::Item::Evaluate(x) => leaf(&x.name, OutlineKind::Evaluate, x.span),
        ast::Item::Table(x) => leaf(&x.name, OutlineKind::Table, x.span),
        ast::Item::Condition(x) => leaf(&x.name, OutlineKind::Condition, x.span),
        ast::Item::Limit(x) => leaf(&x.name, OutlineKind::Limit, x.span),
        ast::Item::Classes(x) => OutlineSymbol {
            children: x
                .classes
                .iter()
                .map(|c| leaf(&c.name, OutlineKind::Class, c.span))
                .collect(),
            ..leaf(&x.name, OutlineKind::Classes, x.span)
        },
        ast::Item::Example(x) => OutlineSymbol {
            name: format!("example \"{}\"", x.title),
            kind: OutlineKind::Example,
            span: x.span,
            name_span: x.title_span,
            detail: None,
            children: Vec::new(),
        },
    }
}

/// Every named item outside the stdlib whose name contains `query`
/// (case-insensitive), with the module it lives in as detail.
pub fn workspace_symbols(
    sources: &Sources,
    compilation: &Compilation,
    query: &str,
) -> Vec<OutlineSymbol> {
    let query = query.to_lowercase();
    let mut found = Vec::new();
    for module in &compilation.modules {
        if sources.get(module.file).is_some_and(|f| f.is_stdlib) {
            continue;
        }
        for item in &module.items {
            let mut symbol = item_symbol(item);
            if symbol.kind == OutlineKind::Example || !symbol.name.to_lowercase().contains(&query) {
                continue;
            }
            symbol.children.clear();
            symbol.detail = module.name.as_ref().map(ast::Path::dotted);
            found.push(symbol);
        }
    }
    found
}
