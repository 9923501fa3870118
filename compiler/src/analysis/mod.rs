//! IDE queries over one [`Compilation`]: hover, go to definition, find
//! references, rename, completion, document and workspace symbols.
//!
//! Every answer is a plain struct with byte [`Span`]s; the language server
//! (`lsp/`) turns them into LSP values (UTF-16 positions, JSON). Nothing here
//! knows LSP, JSON-RPC or IO. Names are resolved from the checker's side
//! tables ([`crate::check::Symbols::references`] and `types`) plus the
//! local bindings found by [`locals`].

mod builtin_fields;
mod completion;
pub mod incremental;
mod keywords;
mod lenses;
pub mod locals;
pub mod modules;
mod outline;
mod tokens;

use crate::Compilation;
use crate::check::{ItemRef, RefTarget};
use crate::eval::{Value, format_value};
use crate::ir::FunctionKind;
use crate::source::{FileId, Sources, Span};
use crate::syntax::ast;

pub use completion::{CompletionItem, CompletionKind, completions};
pub use lenses::{ExampleLens, example_results};
pub use outline::{OutlineKind, OutlineSymbol, document_symbols, workspace_symbols};
pub use tokens::{SemanticToken, TokenKind, semantic_tokens};

/// What a name occurrence stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Ref(RefTarget),
    /// A local binding, identified by the span of its definition.
    Local(Span),
}

/// An answer to a hover request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    /// The name hovered.
    pub span: Span,
    /// Markdown: a code line with the signature or type, then the doc
    /// comment, the `source` reference and (for params) the timeline.
    pub markdown: String,
}

/// Every name occurrence of a compilation with what it stands for.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub occurrences: Vec<(Span, Target)>,
    pub locals: Vec<locals::LocalBinding>,
}

impl Index {
    pub fn new(compilation: &Compilation) -> Index {
        let mut index = Index::default();
        let symbols = &compilation.symbols;
        for (span, target) in &symbols.references {
            index.occurrences.push((*span, Target::Ref(*target)));
        }
        for symbol in &symbols.symbols {
            index
                .occurrences
                .push((symbol.span, Target::Ref(RefTarget::Item(symbol.item))));
        }
        for module in &compilation.modules {
            for item in &module.items {
                index.add_members(compilation, item);
            }
            for binding in locals::collect(module) {
                let target = Target::Local(binding.def);
                index.occurrences.push((binding.def, target));
                for use_span in &binding.uses {
                    index.occurrences.push((*use_span, target));
                }
                index.locals.push(binding);
            }
        }
        index
            .occurrences
            .sort_by_key(|(span, _)| (span.file, span.start, span.end));
        index.occurrences.dedup();
        index
    }

    /// Field, variant and class names at their definitions.
    fn add_members(&mut self, compilation: &Compilation, item: &ast::Item) {
        let Some(name) = item.name() else { return };
        let Some(item_ref) = item_at(compilation, name.span) else {
            return;
        };
        match (item, item_ref) {
            (ast::Item::Record(record), ItemRef::Record(id)) => {
                for (i, field) in record.fields.iter().enumerate() {
                    let index = u32::try_from(i).unwrap_or(u32::MAX);
                    self.occurrences
                        .push((field.name.span, Target::Ref(RefTarget::Field(id, index))));
                }
            }
            (ast::Item::Enum(def), ItemRef::Enum(id)) => {
                for (i, variant) in def.variants.iter().enumerate() {
                    let index = u32::try_from(i).unwrap_or(u32::MAX);
                    self.occurrences.push((
                        variant.name.span,
                        Target::Ref(RefTarget::Variant(id, index)),
                    ));
                }
            }
            // The checker skips a class defined twice, so classes are
            // matched by name span, not by position.
            (ast::Item::Classes(_), ItemRef::Classes(id)) => {
                let Some(info) = compilation.program.classes_info(id) else {
                    return;
                };
                for (i, class) in info.classes.iter().enumerate() {
                    let index = u32::try_from(i).unwrap_or(u32::MAX);
                    self.occurrences
                        .push((class.span, Target::Ref(RefTarget::Class(id, index))));
                }
            }
            _ => {}
        }
    }

    /// The innermost occurrence at `offset` (a cursor just after a name counts).
    pub fn at(&self, file: FileId, offset: u32) -> Option<(Span, Target)> {
        self.occurrences
            .iter()
            .filter(|(span, _)| span.file == file && span.start <= offset && offset <= span.end)
            .min_by_key(|(span, _)| span.len())
            .copied()
    }

    /// Every occurrence of `target`, the definition included.
    pub fn occurrences_of(&self, target: Target) -> Vec<Span> {
        let mut spans: Vec<Span> = self
            .occurrences
            .iter()
            .filter(|(_, t)| *t == target)
            .map(|(s, _)| *s)
            .collect();
        spans.sort_by_key(|s| (s.file, s.start));
        spans.dedup();
        spans
    }

    pub fn local(&self, def: Span) -> Option<&locals::LocalBinding> {
        self.locals.iter().find(|b| b.def == def)
    }
}

fn item_at(compilation: &Compilation, name_span: Span) -> Option<ItemRef> {
    compilation
        .symbols
        .symbols
        .iter()
        .find(|s| s.span == name_span)
        .map(|s| s.item)
}

/// The span of the name where `target` is defined.
pub fn definition_span(compilation: &Compilation, index: &Index, target: Target) -> Option<Span> {
    match target {
        Target::Local(def) => Some(def),
        Target::Ref(RefTarget::Item(item)) => compilation
            .symbols
            .symbols
            .iter()
            .find(|s| s.item == item)
            .map(|s| s.span),
        Target::Ref(member) => index
            .occurrences
            .iter()
            .find(|(span, t)| *t == Target::Ref(member) && is_member_definition(compilation, *span))
            .map(|(s, _)| *s),
    }
}

fn is_member_definition(compilation: &Compilation, span: Span) -> bool {
    compilation.modules.iter().any(|m| {
        m.items.iter().any(|item| match item {
            ast::Item::Record(r) => r.fields.iter().any(|f| f.name.span == span),
            ast::Item::Enum(e) => e.variants.iter().any(|v| v.name.span == span),
            ast::Item::Classes(c) => c.classes.iter().any(|class| class.name.span == span),
            _ => false,
        })
    })
}

/// Go to definition. A field of a limit's or condition's result
/// (`tak.room`) goes to the limit or condition that made the value.
pub fn definition(compilation: &Compilation, file: FileId, offset: u32) -> Option<Span> {
    let index = Index::new(compilation);
    let Some((_, target)) = index.at(file, offset) else {
        let field = builtin_fields::at(compilation, file, offset)?;
        return builtin_fields::origin_span(compilation, field.origin?);
    };
    definition_span(compilation, &index, target)
}

/// Find references: every occurrence of the name at `offset`.
pub fn references(
    compilation: &Compilation,
    file: FileId,
    offset: u32,
    include_declaration: bool,
) -> Vec<Span> {
    let index = Index::new(compilation);
    let Some((_, target)) = index.at(file, offset) else {
        return Vec::new();
    };
    let definition = definition_span(compilation, &index, target);
    index
        .occurrences_of(target)
        .into_iter()
        .filter(|s| include_declaration || Some(*s) != definition)
        .collect()
}

/// Why a rename was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameError(pub String);

/// Keywords of the language (no identifier may be one).
pub const KEYWORDS: &[&str] = &[
    "module",
    "use",
    "param",
    "record",
    "enum",
    "rule",
    "table",
    "condition",
    "limit",
    "classes",
    "example",
    "evaluate",
    "source",
    "from",
    "let",
    "if",
    "else",
    "match",
    "for",
    "in",
    "at",
    "most",
    "least",
    "per",
    "requires",
    "refuse",
    "because",
    "and",
    "or",
    "not",
    "true",
    "false",
];

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_');
    first_ok
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && name != "_"
        && !KEYWORDS.contains(&name)
}

/// The span of the name at `offset` if it can be renamed.
pub fn prepare_rename(
    sources: &Sources,
    compilation: &Compilation,
    file: FileId,
    offset: u32,
) -> Result<Span, RenameError> {
    let index = Index::new(compilation);
    let (span, target) = index
        .at(file, offset)
        .ok_or_else(|| RenameError("no name to rename here".into()))?;
    let definition = definition_span(compilation, &index, target)
        .ok_or_else(|| RenameError("cannot find where this name is defined".into()))?;
    if sources.get(definition.file).is_some_and(|f| f.is_stdlib) {
        return Err(RenameError(
            "this name is defined in the standard library".into(),
        ));
    }
    Ok(span)
}

/// Rename the name at `offset` everywhere: the spans to replace by `new_name`.
/// Refuses when `new_name` is not an identifier, the name is defined in the
/// stdlib, or the new name would clash with a name already in scope.
pub fn rename(
    sources: &Sources,
    compilation: &Compilation,
    file: FileId,
    offset: u32,
    new_name: &str,
) -> Result<Vec<Span>, RenameError> {
    if !is_identifier(new_name) {
        return Err(RenameError(format!(
            "`{new_name}` is not a valid name (a letter or `_` first, then letters, digits or `_`; not a keyword)"
        )));
    }
    prepare_rename(sources, compilation, file, offset)?;
    let index = Index::new(compilation);
    let (_, target) = index
        .at(file, offset)
        .ok_or_else(|| RenameError("no name to rename here".into()))?;
    if let Some(clash) = clash(compilation, &index, target, new_name) {
        return Err(RenameError(clash));
    }
    Ok(index.occurrences_of(target))
}

fn clash(
    compilation: &Compilation,
    index: &Index,
    target: Target,
    new_name: &str,
) -> Option<String> {
    let program = &compilation.program;
    let item_named = compilation
        .symbols
        .symbols
        .iter()
        .find(|s| s.name == new_name);
    match target {
        Target::Ref(RefTarget::Item(_)) => item_named.map(|s| {
            format!(
                "renaming would clash with `{new_name}` already defined in module `{}`",
                s.module
            )
        }),
        Target::Ref(RefTarget::Field(record, _)) => program
            .record(record)
            .filter(|r| r.field_index(new_name).is_some())
            .map(|r| format!("record `{}` already has a field `{new_name}`", r.name)),
        Target::Ref(RefTarget::Variant(id, _)) => program
            .enum_info(id)
            .filter(|e| e.variants.iter().any(|v| v == new_name))
            .map(|e| format!("enum `{}` already has a variant `{new_name}`", e.name)),
        Target::Ref(RefTarget::Class(id, _)) => program
            .classes_info(id)
            .filter(|c| c.classes.iter().any(|v| v.name == new_name))
            .map(|c| format!("`{}` already has a class `{new_name}`", c.name)),
        Target::Local(def) => {
            let binding = index.local(def)?;
            if let Some(other) = index
                .locals
                .iter()
                .find(|b| b.scope == binding.scope && b.name == new_name && b.def != def)
            {
                return Some(format!(
                    "renaming would clash with the local `{}` in the same item",
                    other.name
                ));
            }
            item_named.map(|s| {
                format!(
                    "renaming would clash with `{new_name}` defined in module `{}`",
                    s.module
                )
            })
        }
    }
}

/// Hover: the type or signature of the name at `offset`, its doc comment,
/// its `source` reference and, for a param, its timeline and the value in
/// force on `today`.
pub fn hover(
    compilation: &Compilation,
    file: FileId,
    offset: u32,
    today: chrono::NaiveDate,
) -> Option<Hover> {
    let index = Index::new(compilation);
    let Some((span, target)) = index.at(file, offset) else {
        return builtin_field_hover(compilation, file, offset)
            .or_else(|| keywords::hover(compilation, file, offset));
    };
    let program = &compilation.program;
    let mut out = String::new();
    let mut doc: Option<String> = None;
    let mut source: Option<String> = None;
    let mut extra = String::new();
    let code = match target {
        Target::Local(def) => {
            let binding = index.local(def)?;
            let ty = binding
                .uses
                .iter()
                .chain(std::iter::once(&binding.def))
                .find_map(|s| type_at(compilation, *s))
                .or_else(|| binding.ty.clone())
                .unwrap_or_else(|| "?".into());
            format!("{}: {ty}", binding.name)
        }
        Target::Ref(RefTarget::Item(ItemRef::Param(id))) => {
            let param = program.param(id)?;
            doc = param.meta.doc.clone();
            source = param.meta.source.clone();
            let mut in_force = None;
            extra.push_str("\n\n| from | value |\n|---|---|\n");
            for (date, value) in &param.timeline {
                let text = format_value(program, &param.ty, &Value::from_const(value))
                    + unit_suffix(&param.ty);
                if *date <= today {
                    in_force = Some(text.clone());
                }
                extra.push_str(&format!("| {date} | {text} |\n"));
            }
            match in_force {
                Some(value) => extra.push_str(&format!("\nIn force today ({today}): **{value}**")),
                None => extra.push_str(&format!("\nNot yet in force today ({today})")),
            }
            format!("param {}: {}", param.name, program.type_name(&param.ty))
        }
        Target::Ref(RefTarget::Item(ItemRef::Func(id))) => {
            let function = program.function(id)?;
            doc = function.meta.doc.clone();
            source = function.meta.source.clone();
            let keyword = match function.kind {
                FunctionKind::Rule => "rule",
                FunctionKind::Table => "table",
                FunctionKind::Condition => "condition",
                FunctionKind::Limit => "limit",
                FunctionKind::Evaluate => "evaluate",
            };
            let params: Vec<String> = function
                .params
                .iter()
                .map(|(n, t)| format!("{n}: {}", program.type_name(t)))
                .collect();
            format!(
                "{keyword} {}({}) -> {}",
                function.name,
                params.join(", "),
                program.type_name(&function.ret)
            )
        }
        Target::Ref(RefTarget::Item(ItemRef::Record(id))) => {
            let record = program.record(id)?;
            doc = record.meta.doc.clone();
            source = record.meta.source.clone();
            let fields: Vec<String> = record
                .fields
                .iter()
                .map(|f| format!("  {}: {}", f.name, program.type_name(&f.ty)))
                .collect();
            format!("record {} {{\n{}\n}}", record.name, fields.join(",\n"))
        }
        Target::Ref(RefTarget::Item(ItemRef::Enum(id))) => {
            let info = program.enum_info(id)?;
            doc = info.meta.doc.clone();
            source = info.meta.source.clone();
            format!("enum {} {{ {} }}", info.name, info.variants.join(", "))
        }
        Target::Ref(RefTarget::Field(id, field)) => {
            let record = program.record(id)?;
            let info = record.fields.get(field as usize)?;
            doc = info.doc.clone();
            format!(
                "{}.{}: {}",
                record.name,
                info.name,
                program.type_name(&info.ty)
            )
        }
        Target::Ref(RefTarget::Variant(id, variant)) => {
            let info = program.enum_info(id)?;
            let name = info.variants.get(variant as usize)?;
            doc = variant_doc(compilation, &index, target);
            format!("{}.{name}", info.name)
        }
        Target::Ref(RefTarget::Item(ItemRef::Classes(id))) => {
            let info = program.classes_info(id)?;
            doc = info.meta.doc.clone();
            source = info.meta.source.clone();
            let ranked = if info.ranked { " ranked" } else { "" };
            let mut text = format!("classes {}{ranked} {{\n", info.name);
            for class in &info.classes {
                text.push_str(&format!("  {} {{\n", class.name));
                for span in &class.spans {
                    text.push_str(&format!("    {}\n", program.window_text(span)));
                }
                text.push_str("  }\n");
            }
            text.push('}');
            text
        }
        Target::Ref(RefTarget::Class(id, class)) => {
            let info = program.classes_info(id)?;
            let class_info = info.classes.get(class as usize)?;
            doc = class_info.doc.clone();
            if info.ranked {
                extra.push_str(&format!(
                    "\n\nRank {} of {} in `{}`: a minute in several windows goes to the first class listed.",
                    class + 1,
                    info.classes.len(),
                    info.name
                ));
            }
            let mut text = format!("class {}.{} {{\n", info.name, class_info.name);
            for span in &class_info.spans {
                text.push_str(&format!("  {}\n", program.window_text(span)));
            }
            text.push('}');
            text
        }
    };
    out.push_str("```avtal\n");
    out.push_str(&code);
    out.push_str("\n```");
    if let Some(doc) = doc {
        out.push_str("\n\n");
        out.push_str(&doc);
    }
    if let Some(source) = source {
        out.push_str(&format!("\n\nSource: {source}"));
    }
    out.push_str(&extra);
    Some(Hover {
        span,
        markdown: out,
    })
}

/// Hover on a field of a built-in value: its type, meaning, and the limit
/// or condition that made the value.
fn builtin_field_hover(compilation: &Compilation, file: FileId, offset: u32) -> Option<Hover> {
    let field = builtin_fields::at(compilation, file, offset)?;
    let mut markdown = format!("```avtal\n{}\n```\n\n{}", field.signature, field.doc);
    if let Some(function) = field.origin.and_then(|id| compilation.program.function(id)) {
        let keyword = match function.kind {
            FunctionKind::Condition => "condition",
            _ => "limit",
        };
        markdown.push_str(&format!("\n\nFrom {keyword} `{}`.", function.name));
        if let Some(source) = &function.meta.source {
            markdown.push_str(&format!("\n\nSource: {source}"));
        }
    }
    Some(Hover {
        span: field.span,
        markdown,
    })
}

fn type_at(compilation: &Compilation, span: Span) -> Option<String> {
    compilation
        .symbols
        .types
        .iter()
        .find(|(s, ty)| *s == span && !ty.is_error())
        .map(|(_, ty)| compilation.program.type_name(ty))
}

fn variant_doc(compilation: &Compilation, index: &Index, target: Target) -> Option<String> {
    let def = definition_span(compilation, index, target)?;
    compilation.modules.iter().find_map(|m| {
        m.items.iter().find_map(|item| match item {
            ast::Item::Enum(e) => e
                .variants
                .iter()
                .find(|v| v.name.span == def)
                .and_then(|v| v.doc.clone()),
            _ => None,
        })
    })
}

/// The unit written after a value of `ty` in Avtal source.
fn unit_suffix(ty: &crate::types::Type) -> &'static str {
    use crate::types::Type;
    match ty {
        Type::Money => " SEK",
        Type::Percent => " %",
        Type::Hours => " h",
        Type::Rate => " SEK/h",
        Type::Days => " days",
        Type::Months => " months",
        _ => "",
    }
}
