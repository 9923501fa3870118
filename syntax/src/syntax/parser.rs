//! The parser's entry point: cuts a file into top-level chunks, runs the
//! pest grammar (`grammar/avtal.pest`) on each, and hands the result to the
//! AST builder (`parser_items`, `parser_expr`) or, on failure, to
//! `parser_error`.
//!
//! Why chunks: a PEG parser stops at the first error. Cutting the file
//! where a line starts, at column 0, with an item keyword (`rule`, `param`,
//! …, and `module`/`use`) gives every item its own parse, so one broken
//! item costs one diagnostic and the items after it still parse. Item
//! keywords are reserved, so such a line can only begin an item.
//!
//! This module does not resolve names, check types or validate dates and
//! numbers beyond their shape; the checker does.

use std::collections::HashMap;
use std::ops::Range;

use pest::Parser;

use super::ast;
use super::parser_error;
use super::parser_items::{Builder, TopEntry};
use super::parser_recover;
use super::parser_scan;
use super::spans::SpansMut;
use crate::diagnostics::Diagnostic;
use crate::diagnostics::messages::syntax as msg;
use crate::source::{BYTE_ORDER_MARK, FileId, Sources, Span};

/// The pest parser generated from `grammar/avtal.pest`.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/avtal.pest"]
pub struct AvtalParser;

/// Brackets nested deeper than this are refused before pest runs: real
/// clauses nest a handful of levels, and refusing early keeps both pest and
/// the AST builder far from the end of the stack.
pub(super) const MAX_BRACKET_DEPTH: usize = 64;

/// Words that start a top-level chunk when they begin a line.
const CHUNK_KEYWORDS: &[&str] = &[
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
];

/// Parse one file. Never fails: returns the header and items that parsed
/// and one diagnostic per broken chunk (plus literal diagnostics).
pub fn parse(sources: &Sources, file: FileId) -> (ast::Module, Vec<Diagnostic>) {
    parse_chunks(sources, file, None)
}

/// The parsed chunks of a file's previous text, by chunk text, so that an
/// edit costs a pest run of the chunks it touched only. Trees are stored
/// with spans relative to their chunk and moved into place when reused
/// (a keystroke shifts every chunk below it).
#[derive(Debug, Clone, Default)]
pub struct ChunkCache {
    chunks: HashMap<String, ParsedChunk>,
}

/// A chunk that parsed: its entries and the literal diagnostics its
/// builder made, spans relative to the chunk's first byte.
#[derive(Debug, Clone)]
struct ParsedChunk {
    entries: Vec<TopEntry>,
    diagnostics: Vec<Diagnostic>,
}

impl ParsedChunk {
    /// Move every span to `file`, `offset` bytes further on.
    fn place(mut self, file: FileId, offset: usize) -> ParsedChunk {
        let delta = u32::try_from(offset).unwrap_or(u32::MAX);
        let mut shift = |span: &mut Span| {
            span.file = file;
            span.start = span.start.saturating_add(delta);
            span.end = span.end.saturating_add(delta);
        };
        self.entries.spans_mut(&mut shift);
        self.diagnostics.spans_mut(&mut shift);
        self
    }
}

/// [`parse`], taking the chunks whose text is unchanged from `cache` and
/// leaving in it the chunks of this text only (so it never grows beyond
/// one file's worth). The result is identical to `parse`'s.
pub fn parse_cached(
    sources: &Sources,
    file: FileId,
    cache: &mut ChunkCache,
) -> (ast::Module, Vec<Diagnostic>) {
    parse_chunks(sources, file, Some(cache))
}

fn parse_chunks(
    sources: &Sources,
    file: FileId,
    mut cache: Option<&mut ChunkCache>,
) -> (ast::Module, Vec<Diagnostic>) {
    let text = sources.text(file);
    let mut module = ast::Module {
        file,
        name: None,
        uses: Vec::new(),
        items: Vec::new(),
    };
    let mut diagnostics = Vec::new();
    let mut order = HeaderOrder::default();
    let mut previous = cache
        .as_deref_mut()
        .map(|cache| std::mem::take(&mut cache.chunks))
        .unwrap_or_default();
    for chunk in split_chunks(text) {
        let Some(chunk_text) = text.get(chunk.clone()) else {
            continue;
        };
        if is_trivia(chunk_text) {
            continue;
        }
        let reused = previous.remove(chunk_text).or_else(|| {
            // The same text twice in one file (two identical examples).
            cache
                .as_deref()
                .and_then(|cache| cache.chunks.get(chunk_text).cloned())
        });
        let parsed = match reused {
            Some(parsed) => parsed,
            None => match parse_chunk(text, file, chunk.clone()) {
                Ok(parsed) => parsed,
                Err(diagnostic) => {
                    diagnostics.push(diagnostic);
                    // Keep the item declared (name, parameters, type), so
                    // its uses are not each an unknown name.
                    if let Some(item) = parser_recover::recover_item(text, file, chunk.clone()) {
                        order.place(
                            TopEntry::Item(Box::new(item)),
                            &mut module,
                            &mut diagnostics,
                        );
                    }
                    continue;
                }
            },
        };
        if let Some(cache) = cache.as_deref_mut() {
            cache.chunks.insert(chunk_text.to_string(), parsed.clone());
        }
        let ParsedChunk {
            entries,
            diagnostics: mut literal_diagnostics,
        } = parsed.place(file, chunk.start);
        diagnostics.append(&mut literal_diagnostics);
        for entry in entries {
            order.place(entry, &mut module, &mut diagnostics);
        }
    }
    (module, diagnostics)
}

/// Run pest and the AST builder on one chunk, spans relative to the chunk.
/// A chunk that does not parse gives its diagnostic (absolute spans).
fn parse_chunk(text: &str, file: FileId, chunk: Range<usize>) -> Result<ParsedChunk, Diagnostic> {
    let chunk_text = text.get(chunk.clone()).unwrap_or_default();
    if let Some(at) = parser_scan::nesting_overflow(chunk_text, MAX_BRACKET_DEPTH) {
        let start = chunk.start.saturating_add(at);
        return Err(msg::too_deeply_nested(
            Span::new(file, start, start.saturating_add(1)),
            MAX_BRACKET_DEPTH,
        ));
    }
    match AvtalParser::parse(Rule::chunk_file, chunk_text) {
        Ok(pairs) => {
            let mut diagnostics = Vec::new();
            let mut builder = Builder::new(file, 0, &mut diagnostics);
            let entries = builder.chunk(pairs);
            Ok(ParsedChunk {
                entries,
                diagnostics,
            })
        }
        Err(err) => Err(parser_error::diagnose(text, file, chunk, &err)),
    }
}

/// Enforces "`module` first, then `use` lines, then items" across chunks.
/// Out-of-order lines are still recorded, so later stages see them.
#[derive(Default)]
struct HeaderOrder {
    seen_anything: bool,
    seen_item: bool,
}

impl HeaderOrder {
    fn place(
        &mut self,
        entry: TopEntry,
        module: &mut ast::Module,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        match entry {
            TopEntry::Module(path) => {
                if self.seen_anything || module.name.is_some() {
                    diagnostics.push(msg::module_not_first(path.span));
                } else {
                    module.name = Some(path);
                }
            }
            TopEntry::Use(use_) => {
                if self.seen_item {
                    diagnostics.push(msg::use_after_items(use_.span));
                }
                module.uses.push(use_);
            }
            TopEntry::Item(item) => {
                self.seen_item = true;
                module.items.push(*item);
            }
        }
        self.seen_anything = true;
    }
}

/// Byte ranges of the chunks: a new chunk begins at each line that starts
/// with a chunk keyword, or at the doc comment right above such a line.
fn split_chunks(text: &str) -> Vec<Range<usize>> {
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        lines.push((line_start, line));
        line_start += line.len();
    }
    let mut starts = vec![0];
    for (index, (start, line)) in lines.iter().enumerate() {
        if !starts_with_chunk_keyword(line) {
            continue;
        }
        // The doc comment above an item belongs to it, even with blank or
        // `//` lines in between; walk back over them.
        let mut begin = *start;
        for (earlier_start, earlier) in lines.get(..index).unwrap_or(&[]).iter().rev() {
            // A byte order mark before the file's first doc comment is
            // whitespace to the grammar, so it is here too.
            let trimmed =
                earlier.trim_start_matches(|c: char| c.is_whitespace() || c == BYTE_ORDER_MARK);
            if is_doc_comment(trimmed) {
                begin = *earlier_start;
            } else if !(trimmed.trim_end().is_empty() || trimmed.starts_with("//")) {
                break;
            }
        }
        if starts.last().is_some_and(|last| begin > *last) {
            starts.push(begin);
        }
    }
    let mut chunks = Vec::with_capacity(starts.len());
    for (index, start) in starts.iter().enumerate() {
        let end = starts.get(index + 1).copied().unwrap_or(text.len());
        chunks.push(*start..end);
    }
    chunks
}

fn starts_with_chunk_keyword(line: &str) -> bool {
    CHUNK_KEYWORDS.iter().any(|keyword| {
        line.strip_prefix(keyword)
            .is_some_and(|rest| !rest.chars().next().is_some_and(is_word_char))
    })
}

/// Approximates XID_Continue, which is what the grammar uses; it only
/// decides where chunks begin, so an exotic miss costs a worse message,
/// never a wrong parse.
pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_doc_comment(trimmed: &str) -> bool {
    trimmed.starts_with("///") && !trimmed.starts_with("////")
}

/// True when a chunk holds only blank lines and `//` comments.
fn is_trivia(chunk: &str) -> bool {
    chunk.lines().all(|line| {
        let trimmed = line.trim_start_matches([BYTE_ORDER_MARK, ' ', '\t', '\r']);
        trimmed.is_empty() || (trimmed.starts_with("//") && !is_doc_comment(trimmed))
    })
}
