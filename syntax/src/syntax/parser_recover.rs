//! Recovery of a broken item's declaration, so that one mistake inside an
//! item does not make every use of its name an "unknown name".
//!
//! When a chunk fails to parse, `parser` reports its error and then runs
//! the grammar's `item_head` on the same text: a prefix rule that reads the
//! item's name, parameters and declared type, and for records, enums and
//! `classes` the fields, variants and classes that parse (skipping lines
//! that do not). The item is built from that by the ordinary builders in
//! `parser_items`; what is missing is an error expression, which the
//! checker accepts silently with the declared type. Nothing is reported
//! here: the chunk's own diagnostic is the one the user sees.

use std::ops::Range;

use pest::Parser;

use super::ast;
use super::parser::{AvtalParser, Rule};
use super::parser_expr::error_expr;
use super::parser_items::{Builder, doc_text};
use crate::source::FileId;

/// The item declared by the broken chunk `chunk` of `text`, with absolute
/// spans, or `None` when even its header does not parse (or it has no
/// name: an example).
pub(super) fn recover_item(text: &str, file: FileId, chunk: Range<usize>) -> Option<ast::Item> {
    let chunk_text = text.get(chunk.clone())?;
    let pairs = AvtalParser::parse(Rule::item_head, chunk_text).ok()?;
    // Literal problems in the recovered part would be a second diagnostic
    // for one broken item; the chunk's own error stands for them.
    let mut ignored = Vec::new();
    let mut builder = Builder::new(file, chunk.start, &mut ignored);
    let head = pairs.into_iter().next()?;
    let mut docs = Vec::new();
    for child in head.into_inner() {
        let doc = doc_text(&docs);
        let item = match child.as_rule() {
            Rule::doc_line => {
                docs.push(child);
                continue;
            }
            Rule::param_head => ast::Item::Param(builder.param(child, doc)),
            Rule::record_head => ast::Item::Record(builder.record(child, doc)),
            Rule::enum_head => ast::Item::Enum(builder.enum_def(child, doc)),
            Rule::rule_head => ast::Item::Rule(builder.rule(child, doc)),
            Rule::evaluate_head => ast::Item::Evaluate(builder.rule(child, doc)),
            Rule::table_head => ast::Item::Table(with_catch_all_row(builder.table(child, doc))),
            Rule::condition_head => ast::Item::Condition(builder.condition(child, doc)),
            Rule::limit_head => ast::Item::Limit(builder.limit(child, doc)),
            Rule::classes_head => ast::Item::Classes(builder.classes(child, doc)),
            _ => continue,
        };
        return Some(item);
    }
    None
}

/// A table whose rows are lost gets one row of `_` cells with an error
/// result: it covers every input, so the checker does not add a "not
/// covered" error to the syntax error, and the result stays unknown.
fn with_catch_all_row(mut table: ast::Table) -> ast::Table {
    let span = table.span;
    table.rows = vec![ast::TableRow {
        cells: table
            .params
            .iter()
            .map(|p| ast::Cell::Any(p.span))
            .collect(),
        result: error_expr(span),
        span,
    }];
    table
}
