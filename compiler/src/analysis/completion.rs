//! Completion: names in scope, record fields after `.`, enum variants,
//! the classes of a `classes` item after its name and `.`, keywords,
//! builtins and snippets for the item forms.
//!
//! Works on a program that may not parse: the word before the cursor and
//! the name before a `.` are read from the text, and their meaning is looked
//! up in whatever the checker managed to resolve.

use crate::Compilation;
use crate::check::ItemRef;
use crate::source::{FileId, Sources};
use crate::types::Type;

use super::{Index, KEYWORDS};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    Keyword,
    Snippet,
    Param,
    Function,
    Record,
    Enum,
    Variant,
    Field,
    Local,
    Builtin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Text to insert when it differs from the label; a snippet with
    /// `${1:…}` placeholders when `kind` is `Snippet`.
    pub insert_text: Option<String>,
}

fn item(label: &str, kind: CompletionKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind,
        detail,
        insert_text: None,
    }
}

const SNIPPETS: &[(&str, &str)] = &[
    (
        "rule",
        "rule ${1:name}(${2:a}: ${3:Money}) -> ${4:Money} =\n  ${0:a}",
    ),
    (
        "param",
        "param ${1:name}: ${2:Money} {\n  from ${3:2026-01-01} = ${0:0 SEK}\n}",
    ),
    (
        "table",
        "table ${1:name}(${2:a}: ${3:Int}) -> ${4:Int} {\n  | ${5:_} => ${0:0}\n}",
    ),
    ("example", "example \"${1:title}\" {\n  ${0:true}\n}"),
    (
        "classes",
        "classes ${1:ob} {\n  ${2:kväll} {\n    from ${3:19:00} on ${4:every day} to ${0:22:00}\n  }\n}",
    ),
];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Completions at byte `offset` of `file`.
pub fn completions(
    sources: &Sources,
    compilation: &Compilation,
    file: FileId,
    offset: u32,
) -> Vec<CompletionItem> {
    let text = sources.text(file);
    let offset = (offset as usize).min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word_char(*c))
        .last()
        .map(|(i, _)| i)
        .unwrap_or(offset);
    let head = before.get(..word_start).unwrap_or("");
    if let Some(object) = head.strip_suffix('.') {
        return member_completions(sources, compilation, file, object);
    }
    general_completions(compilation, file, u32::try_from(offset).unwrap_or(u32::MAX))
}

/// After `object.`: variants of an enum, classes of a `classes` item,
/// fields of a record value.
fn member_completions(
    sources: &Sources,
    compilation: &Compilation,
    file: FileId,
    object: &str,
) -> Vec<CompletionItem> {
    let program = &compilation.program;
    let name_start = object
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word_char(*c))
        .last()
        .map(|(i, _)| i)
        .unwrap_or(object.len());
    let name = object.get(name_start..).unwrap_or("");
    let end = u32::try_from(object.len()).unwrap_or(u32::MAX);
    // `Enum.` lists the variants.
    if let Some(symbol) = compilation.symbols.symbols.iter().find(|s| s.name == name)
        && let ItemRef::Enum(id) = symbol.item
        && let Some(info) = program.enum_info(id)
    {
        return info
            .variants
            .iter()
            .map(|v| item(v, CompletionKind::Variant, Some(info.name.clone())))
            .collect();
    }
    // `Classes.` lists the classes, each with its windows.
    if let Some(symbol) = compilation.symbols.symbols.iter().find(|s| s.name == name)
        && let ItemRef::Classes(id) = symbol.item
        && let Some(info) = program.classes_info(id)
    {
        return info
            .classes
            .iter()
            .map(|class| {
                let windows: Vec<String> =
                    class.spans.iter().map(|s| program.window_text(s)).collect();
                item(
                    &class.name,
                    CompletionKind::Variant,
                    Some(windows.join("; ")),
                )
            })
            .collect();
    }
    // The type the checker gave the expression ending just before the dot,
    // or else any occurrence of the same name in this file.
    let types = &compilation.symbols.types;
    let ty = types
        .iter()
        .find(|(s, ty)| s.file == file && s.end == end && !ty.is_error())
        .or_else(|| {
            types
                .iter()
                .find(|(s, ty)| s.file == file && !ty.is_error() && sources.snippet(*s) == name)
        })
        .map(|(_, ty)| ty.clone());
    let fields: Vec<(String, Type)> = match &ty {
        Some(Type::Record(id)) => program
            .record(*id)
            .map(|r| {
                r.fields
                    .iter()
                    .map(|f| (f.name.clone(), f.ty.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        Some(other) => other
            .builtin_fields()
            .unwrap_or_default()
            .into_iter()
            .map(|(n, t)| (n.to_string(), t))
            .collect(),
        None => program
            .records
            .iter()
            .flat_map(|r| r.fields.iter().map(|f| (f.name.clone(), f.ty.clone())))
            .collect(),
    };
    let mut items: Vec<CompletionItem> = fields
        .into_iter()
        .map(|(n, t)| item(&n, CompletionKind::Field, Some(program.type_name(&t))))
        .collect();
    items.sort_by(|a, b| a.label.cmp(&b.label));
    items.dedup_by(|a, b| a.label == b.label);
    items
}

fn general_completions(
    compilation: &Compilation,
    file: FileId,
    offset: u32,
) -> Vec<CompletionItem> {
    let program = &compilation.program;
    let mut items = Vec::new();
    // A keyword that starts an item form is offered once, as its snippet.
    for keyword in KEYWORDS {
        if !SNIPPETS.iter().any(|(label, _)| label == keyword) {
            items.push(item(keyword, CompletionKind::Keyword, None));
        }
    }
    for (label, body) in SNIPPETS {
        items.push(CompletionItem {
            label: (*label).to_string(),
            kind: CompletionKind::Snippet,
            detail: Some(format!("{label} …")),
            insert_text: Some((*body).to_string()),
        });
    }
    for builtin in crate::builtins::BUILTINS {
        items.push(item(
            builtin.name,
            CompletionKind::Builtin,
            Some(builtin.signature.into()),
        ));
    }
    // Names visible from this file: its own items and those of the modules
    // it `use`s (as the checker resolves them).
    let uses: Vec<String> = compilation
        .modules
        .iter()
        .find(|m| m.file == file)
        .map(|m| m.uses.iter().map(|u| u.path.dotted()).collect())
        .unwrap_or_default();
    let visible =
        |symbol: &crate::check::Symbol| symbol.span.file == file || uses.contains(&symbol.module);
    let mut visible_enums = Vec::new();
    for symbol in compilation.symbols.symbols.iter().filter(|s| visible(s)) {
        if let ItemRef::Enum(id) = symbol.item {
            visible_enums.push(id);
        }
        let (kind, detail) = match symbol.item {
            ItemRef::Param(id) => (
                CompletionKind::Param,
                program
                    .param(id)
                    .map(|p| format!("param: {}", program.type_name(&p.ty))),
            ),
            ItemRef::Func(id) => (
                CompletionKind::Function,
                program
                    .function(id)
                    .map(|f| format!("-> {}", program.type_name(&f.ret))),
            ),
            ItemRef::Record(_) => (CompletionKind::Record, Some("record".into())),
            ItemRef::Enum(_) => (CompletionKind::Enum, Some("enum".into())),
            ItemRef::Classes(_) => (CompletionKind::Enum, Some("classes".into())),
        };
        items.push(item(&symbol.name, kind, detail));
    }
    for info in visible_enums.iter().filter_map(|id| program.enum_info(*id)) {
        for variant in &info.variants {
            items.push(item(
                variant,
                CompletionKind::Variant,
                Some(info.name.clone()),
            ));
        }
    }
    let index = Index::new(compilation);
    for binding in &index.locals {
        if binding.def.file == file
            && binding.scope.start <= offset
            && offset <= binding.scope.end
            && binding.def.end <= offset
        {
            items.push(item(
                &binding.name,
                CompletionKind::Local,
                binding.ty.clone(),
            ));
        }
    }
    items.sort_by(|a, b| (a.label.as_str(), a.kind as u8).cmp(&(b.label.as_str(), b.kind as u8)));
    items.dedup_by(|a, b| a.label == b.label && a.kind == b.kind);
    items
}
