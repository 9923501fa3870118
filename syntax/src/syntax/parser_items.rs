//! AST building for the header and the items: pest pairs of one chunk →
//! [`TopEntry`] values. Expressions are built in `parser_expr`.
//!
//! The grammar already guarantees each pair's shape, but the builder never
//! assumes it: children are picked by rule, and a missing one becomes an
//! empty name or an error expression instead of a panic.

use pest::iterators::{Pair, Pairs};

use super::ast::{self, Ident, ItemMeta, TypeExpr};
use super::parser::Rule;
use super::parser_expr::error_expr;
use crate::diagnostics::Diagnostic;
use crate::diagnostics::messages::syntax as msg;
use crate::source::{FileId, Span};

/// Deepest `List<…>` nesting accepted in a type.
const MAX_TYPE_DEPTH: usize = 16;

/// One top-level entry of a chunk.
#[derive(Debug, Clone)]
pub(super) enum TopEntry {
    Module(ast::Path),
    Use(ast::Use),
    Item(Box<ast::Item>),
}

/// Builds AST nodes from the pairs of one chunk. Spans are made absolute
/// by adding `offset`, the chunk's first byte in the file.
pub(super) struct Builder<'d> {
    pub(super) file: FileId,
    pub(super) offset: usize,
    /// Nesting as written and AST depth built so far on the current path;
    /// see `parser_expr`.
    pub(super) nesting: usize,
    pub(super) depth: usize,
    pub(super) too_deep_reported: bool,
    pub(super) diagnostics: &'d mut Vec<Diagnostic>,
}

impl<'d> Builder<'d> {
    pub(super) fn new(file: FileId, offset: usize, diagnostics: &'d mut Vec<Diagnostic>) -> Self {
        Builder {
            file,
            offset,
            nesting: 0,
            depth: 0,
            too_deep_reported: false,
            diagnostics,
        }
    }

    /// The absolute span of a pair, ending at its last token. pest's span
    /// of a rule that ends in `*` or `?` also covers the spaces and
    /// comments skipped before the repetition gave up; they are cut off.
    pub(super) fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let start = self.offset.saturating_add(pair.as_span().start());
        let len = match pair.as_rule() {
            Rule::doc_line | Rule::doc_text => pair.as_str().len(),
            _ => significant_len(pair.as_str()),
        };
        Span::new(self.file, start, start.saturating_add(len))
    }

    pub(super) fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            // NFC, so that one name typed two ways is one name.
            name: crate::identifiers::normalize(pair.as_str()).into_owned(),
            span: self.span(pair),
        }
    }

    /// Placeholder for a name the grammar promised but the pairs lack.
    pub(super) fn missing_ident(&self, span: Span) -> Ident {
        Ident {
            name: String::new(),
            span,
        }
    }

    /// The entries of a chunk (`chunk_file`).
    pub(super) fn chunk(&mut self, pairs: Pairs<'_, Rule>) -> Vec<TopEntry> {
        let mut entries = Vec::new();
        for chunk in pairs {
            for pair in chunk.into_inner() {
                let span = self.span(&pair);
                match pair.as_rule() {
                    Rule::module_decl => entries.push(TopEntry::Module(self.module_path(pair))),
                    Rule::use_decl => {
                        let path = self.module_path(pair);
                        entries.push(TopEntry::Use(ast::Use { path, span }));
                    }
                    Rule::item_def => {
                        if let Some(item) = self.item(pair) {
                            entries.push(TopEntry::Item(Box::new(item)));
                        }
                    }
                    _ => {}
                }
            }
        }
        entries
    }

    /// The `a.b.c` path inside a `module` or `use` line.
    fn module_path(&self, decl: Pair<'_, Rule>) -> ast::Path {
        let decl_span = self.span(&decl);
        let Some(path) = decl.into_inner().find(|p| p.as_rule() == Rule::module_path) else {
            return ast::Path {
                segments: Vec::new(),
                span: decl_span,
            };
        };
        ast::Path {
            span: self.span(&path),
            segments: path
                .into_inner()
                .filter(|p| p.as_rule() == Rule::name_ident)
                .map(|p| self.ident(&p))
                .collect(),
        }
    }

    fn item(&mut self, pair: Pair<'_, Rule>) -> Option<ast::Item> {
        let mut docs = Vec::new();
        for child in pair.into_inner() {
            let item = match child.as_rule() {
                Rule::doc_line => {
                    docs.push(child);
                    continue;
                }
                Rule::param_def => ast::Item::Param(self.param(child, doc_text(&docs))),
                Rule::record_def => ast::Item::Record(self.record(child, doc_text(&docs))),
                Rule::enum_def => ast::Item::Enum(self.enum_def(child, doc_text(&docs))),
                Rule::rule_def => ast::Item::Rule(self.rule(child, doc_text(&docs))),
                Rule::evaluate_def => ast::Item::Evaluate(self.rule(child, doc_text(&docs))),
                Rule::table_def => ast::Item::Table(self.table(child, doc_text(&docs))),
                Rule::condition_def => ast::Item::Condition(self.condition(child, doc_text(&docs))),
                Rule::limit_def => ast::Item::Limit(self.limit(child, doc_text(&docs))),
                Rule::classes_def => ast::Item::Classes(self.classes(child, doc_text(&docs))),
                Rule::example_def => ast::Item::Example(self.example(child, doc_text(&docs))),
                _ => continue,
            };
            return Some(item);
        }
        None
    }

    /// The parts every declaration shares: name, parameters, result type
    /// and `source`. Returns the remaining children for the caller.
    fn header<'i>(&mut self, pair: Pair<'i, Rule>, doc: Option<String>) -> Header<'i> {
        let span = self.span(&pair);
        let mut header = Header {
            meta: ItemMeta { doc, source: None },
            name: self.missing_ident(span),
            params: Vec::new(),
            ret: None,
            rest: Vec::new(),
            span,
        };
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::name_ident => header.name = self.ident(&child),
                Rule::param_list => header.params = self.param_list(child),
                Rule::type_expr => header.ret = Some(self.type_expr(child, 0)),
                Rule::source_clause => {
                    header.meta.source = child
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::text_lit)
                        .map(|text| self.text(text));
                }
                _ => header.rest.push(child),
            }
        }
        header
    }

    pub(super) fn param(&mut self, pair: Pair<'_, Rule>, doc: Option<String>) -> ast::Param {
        let header = self.header(pair, doc);
        let mut timeline = Vec::new();
        for step in header
            .rest
            .into_iter()
            .filter(|p| p.as_rule() == Rule::param_step)
        {
            let span = self.span(&step);
            let mut from = None;
            let mut value = None;
            for child in step.into_inner() {
                match child.as_rule() {
                    Rule::date_lit => from = Some(self.date(&child)),
                    Rule::an_expr => value = Some(self.expr(child)),
                    _ => {}
                }
            }
            timeline.push(ast::ParamStep {
                from: from.unwrap_or_else(|| error_expr(span)),
                value: value.unwrap_or_else(|| error_expr(span)),
                span,
            });
        }
        let ty = header
            .ret
            .unwrap_or(TypeExpr::Named(self.missing_ident(header.span)));
        ast::Param {
            meta: header.meta,
            name: header.name,
            ty,
            timeline,
            span: header.span,
        }
    }

    pub(super) fn record(&mut self, pair: Pair<'_, Rule>, doc: Option<String>) -> ast::RecordDef {
        let header = self.header(pair, doc);
        let mut fields = Vec::new();
        for field in header
            .rest
            .into_iter()
            .filter(|p| p.as_rule() == Rule::field_def)
        {
            let span = self.span(&field);
            let mut docs = Vec::new();
            let mut name = self.missing_ident(span);
            let mut ty = None;
            for child in field.into_inner() {
                match child.as_rule() {
                    Rule::doc_line => docs.push(child),
                    Rule::field_name => name = self.ident(&child),
                    Rule::type_expr => ty = Some(self.type_expr(child, 0)),
                    _ => {}
                }
            }
            fields.push(ast::FieldDef {
                doc: doc_text(&docs),
                ty: ty.unwrap_or_else(|| TypeExpr::Named(self.missing_ident(span))),
                name,
                span,
            });
        }
        ast::RecordDef {
            meta: header.meta,
            name: header.name,
            fields,
            span: header.span,
        }
    }

    pub(super) fn enum_def(&mut self, pair: Pair<'_, Rule>, doc: Option<String>) -> ast::EnumDef {
        let header = self.header(pair, doc);
        let mut variants = Vec::new();
        for variant in header
            .rest
            .into_iter()
            .filter(|p| p.as_rule() == Rule::variant_def)
        {
            let span = self.span(&variant);
            let mut docs = Vec::new();
            let mut name = self.missing_ident(span);
            for child in variant.into_inner() {
                match child.as_rule() {
                    Rule::doc_line => docs.push(child),
                    Rule::variant_name => name = self.ident(&child),
                    _ => {}
                }
            }
            variants.push(ast::VariantDef {
                doc: doc_text(&docs),
                name,
                span,
            });
        }
        ast::EnumDef {
            meta: header.meta,
            name: header.name,
            variants,
            span: header.span,
        }
    }

    /// `rule` and `evaluate` share their shape.
    pub(super) fn rule(&mut self, pair: Pair<'_, Rule>, doc: Option<String>) -> ast::Rule {
        let header = self.header(pair, doc);
        let mut body = None;
        for child in header.rest {
            if child.as_rule() == Rule::rule_body {
                body = child
                    .into_inner()
                    .find(|p| p.as_rule() != Rule::eq_sign)
                    .map(|p| self.expr(p));
            }
        }
        ast::Rule {
            meta: header.meta,
            ret: header
                .ret
                .unwrap_or_else(|| TypeExpr::Named(self.missing_ident(header.span))),
            name: header.name,
            params: header.params,
            body: body.unwrap_or_else(|| error_expr(header.span)),
            span: header.span,
        }
    }

    pub(super) fn table(&mut self, pair: Pair<'_, Rule>, doc: Option<String>) -> ast::Table {
        let header = self.header(pair, doc);
        let mut rows = Vec::new();
        for row in header
            .rest
            .into_iter()
            .filter(|p| p.as_rule() == Rule::table_row)
        {
            rows.push(self.table_row(row));
        }
        ast::Table {
            meta: header.meta,
            ret: header
                .ret
                .unwrap_or_else(|| TypeExpr::Named(self.missing_ident(header.span))),
            name: header.name,
            params: header.params,
            rows,
            span: header.span,
        }
    }

    pub(super) fn condition(
        &mut self,
        pair: Pair<'_, Rule>,
        doc: Option<String>,
    ) -> ast::Condition {
        let header = self.header(pair, doc);
        let mut requirements = Vec::new();
        for requirement in header
            .rest
            .into_iter()
            .filter(|p| p.as_rule() == Rule::requirement_line)
        {
            let span = self.span(&requirement);
            let mut name = None;
            let mut test = None;
            let mut reason = String::new();
            for child in requirement.into_inner() {
                match child.as_rule() {
                    Rule::requirement_name => {
                        name = child
                            .into_inner()
                            .find(|p| p.as_rule() == Rule::name_ident)
                            .map(|p| self.ident(&p));
                    }
                    Rule::an_expr => test = Some(self.expr(child)),
                    Rule::text_lit => reason = self.text(child).0,
                    _ => {}
                }
            }
            requirements.push(ast::Requirement {
                name,
                test: test.unwrap_or_else(|| error_expr(span)),
                reason,
                span,
            });
        }
        ast::Condition {
            meta: header.meta,
            name: header.name,
            params: header.params,
            requirements,
            span: header.span,
        }
    }

    pub(super) fn classes(&mut self, pair: Pair<'_, Rule>, doc: Option<String>) -> ast::Classes {
        // Name, doc and `source` as every item has them.
        let header = self.header(pair, doc);
        let mut classes = ast::Classes {
            meta: header.meta,
            name: header.name,
            ranked: false,
            classes: Vec::new(),
            span: header.span,
        };
        for child in header.rest {
            match child.as_rule() {
                Rule::classes_ranked => classes.ranked = true,
                Rule::class_def => {
                    let class = self.class_def(child);
                    classes.classes.push(class);
                }
                _ => {}
            }
        }
        classes
    }

    fn class_def(&mut self, pair: Pair<'_, Rule>) -> ast::ClassDef {
        let span = self.span(&pair);
        let mut docs = Vec::new();
        let mut class = ast::ClassDef {
            doc: None,
            name: self.missing_ident(span),
            spans: Vec::new(),
            span,
        };
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::doc_line => docs.push(child),
                Rule::name_ident => class.name = self.ident(&child),
                Rule::span_from | Rule::span_all_day => {
                    let window = self.window_span(child);
                    class.spans.push(window);
                }
                _ => {}
            }
        }
        class.doc = doc_text(&docs);
        class
    }

    fn window_span(&mut self, pair: Pair<'_, Rule>) -> ast::WindowSpan {
        let span = self.span(&pair);
        let mut times = Vec::new();
        let mut on = None;
        let mut until = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::time_lit => times.push(ast::Expr {
                    kind: ast::ExprKind::Literal(ast::Literal::Time(child.as_str().to_owned())),
                    span: self.span(&child),
                }),
                Rule::day_selector => on = Some(self.day_selector(child)),
                Rule::span_until => {
                    until = child
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::day_selector)
                        .map(|p| self.day_selector(p));
                }
                _ => {}
            }
        }
        let mut times = times.into_iter();
        ast::WindowSpan {
            from: times.next(),
            on: on.unwrap_or(ast::DaySelector::Every(span)),
            to: times.next(),
            until,
            span,
        }
    }

    fn day_selector(&mut self, pair: Pair<'_, Rule>) -> ast::DaySelector {
        let span = self.span(&pair);
        match pair.into_inner().next() {
            Some(name) if name.as_rule() == Rule::name_ref => {
                ast::DaySelector::Rule(self.ident(&name))
            }
            _ => ast::DaySelector::Every(span),
        }
    }

    pub(super) fn limit(&mut self, pair: Pair<'_, Rule>, doc: Option<String>) -> ast::Limit {
        let header = self.header(pair, doc);
        let mut exprs = Vec::new();
        let mut kind = ast::LimitKind::AtMost;
        let mut period = None;
        for child in header.rest {
            match child.as_rule() {
                Rule::an_expr => exprs.push(self.expr(child)),
                Rule::limit_kind if child.as_str().starts_with("least") => {
                    kind = ast::LimitKind::AtLeast;
                }
                Rule::limit_period => {
                    let words: Vec<Pair<'_, Rule>> = child
                        .into_inner()
                        .filter(|p| p.as_rule() == Rule::period_word)
                        .collect();
                    if let (Some(first), Some(last)) = (words.first(), words.last()) {
                        let text: Vec<&str> = words.iter().map(|w| w.as_str()).collect();
                        period = Some((text.join(" "), self.span(first).to(self.span(last))));
                    }
                }
                _ => {}
            }
        }
        let mut exprs = exprs.into_iter();
        ast::Limit {
            meta: header.meta,
            name: header.name,
            params: header.params,
            measured: exprs.next().unwrap_or_else(|| error_expr(header.span)),
            kind,
            bound: exprs.next().unwrap_or_else(|| error_expr(header.span)),
            period,
            span: header.span,
        }
    }

    fn example(&mut self, pair: Pair<'_, Rule>, doc: Option<String>) -> ast::Example {
        let header = self.header(pair, doc);
        let mut title = None;
        let mut assertions = Vec::new();
        for child in header.rest {
            match child.as_rule() {
                Rule::text_lit => title = Some(self.text(child)),
                Rule::an_expr => assertions.push(self.expr(child)),
                Rule::example_refusal => assertions.push(self.example_refusal(child)),
                _ => {}
            }
        }
        let (title, title_span) = title.unwrap_or_else(|| (String::new(), header.span));
        ast::Example {
            meta: header.meta,
            title,
            title_span,
            assertions,
            span: header.span,
        }
    }

    /// `EXPR refused because "MESSAGE"`.
    fn example_refusal(&mut self, pair: Pair<'_, Rule>) -> ast::Expr {
        let span = self.span(&pair);
        let mut value = None;
        let mut message = (String::new(), span);
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::an_expr => value = Some(self.expr(child)),
                Rule::text_lit => message = self.text(child),
                _ => {}
            }
        }
        ast::Expr {
            kind: ast::ExprKind::Refused {
                value: Box::new(value.unwrap_or_else(|| error_expr(span))),
                message: message.0,
                message_span: message.1,
            },
            span,
        }
    }

    fn param_list(&mut self, pair: Pair<'_, Rule>) -> Vec<ast::ParamDecl> {
        let mut params = Vec::new();
        for decl in pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::param_decl)
        {
            let span = self.span(&decl);
            let mut name = self.missing_ident(span);
            let mut ty = None;
            for child in decl.into_inner() {
                match child.as_rule() {
                    Rule::name_ident => name = self.ident(&child),
                    Rule::type_expr => ty = Some(self.type_expr(child, 0)),
                    _ => {}
                }
            }
            params.push(ast::ParamDecl {
                ty: ty.unwrap_or_else(|| TypeExpr::Named(self.missing_ident(span))),
                name,
                span,
            });
        }
        params
    }

    /// `Money` or `List<T>`. `depth` bounds the recursion on `List<List<…>>`.
    pub(super) fn type_expr(&mut self, pair: Pair<'_, Rule>, depth: usize) -> TypeExpr {
        let span = self.span(&pair);
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::type_ident => return TypeExpr::Named(self.ident(&child)),
                Rule::list_type => {
                    if depth >= MAX_TYPE_DEPTH {
                        self.diagnostics
                            .push(msg::too_deeply_nested(span, MAX_TYPE_DEPTH));
                        return TypeExpr::Named(self.missing_ident(span));
                    }
                    let inner = child.into_inner().find(|p| p.as_rule() == Rule::type_expr);
                    let element = match inner {
                        Some(inner) => self.type_expr(inner, depth + 1),
                        None => TypeExpr::Named(self.missing_ident(span)),
                    };
                    return TypeExpr::List(Box::new(element), span);
                }
                _ => {}
            }
        }
        TypeExpr::Named(self.missing_ident(span))
    }
}

/// What [`Builder::header`] collected, plus the children it left alone.
struct Header<'i> {
    meta: ItemMeta,
    name: Ident,
    params: Vec<ast::ParamDecl>,
    ret: Option<TypeExpr>,
    rest: Vec<Pair<'i, Rule>>,
    span: Span,
}

/// Doc comment text: `///` and one following space stripped, lines joined
/// with `\n`; `None` when there is no doc comment.
pub(super) fn doc_text(docs: &[Pair<'_, Rule>]) -> Option<String> {
    if docs.is_empty() {
        return None;
    }
    let lines: Vec<&str> = docs
        .iter()
        .map(|line| {
            let text = line.as_str().strip_prefix("///").unwrap_or("");
            text.strip_prefix(' ').unwrap_or(text).trim_end()
        })
        .collect();
    Some(lines.join("\n"))
}

/// Length of `text` without trailing spaces and `//` comments.
fn significant_len(text: &str) -> usize {
    let mut text = text.trim_end();
    loop {
        let line_start = text.rfind('\n').map_or(0, |i| i.saturating_add(1));
        let line = text.get(line_start..).unwrap_or("");
        match comment_start(line) {
            Some(at) => {
                text = text
                    .get(..line_start.saturating_add(at))
                    .unwrap_or("")
                    .trim_end()
            }
            None => return text.len(),
        }
    }
}

/// Where a `//` comment begins on a line, skipping texts in quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_text = false;
    let mut escaped = false;
    for (index, c) in line.char_indices() {
        if in_text {
            match c {
                '\\' => escaped = !escaped,
                '"' if !escaped => in_text = false,
                _ => escaped = false,
            }
        } else if c == '"' {
            in_text = true;
        } else if line.get(index..).is_some_and(|rest| rest.starts_with("//")) {
            return Some(index);
        }
    }
    None
}
