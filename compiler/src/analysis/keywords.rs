//! Hover on the keywords whose meaning is not obvious from their word:
//! `refuse` and an example's `refused because`. Found in the text, not the
//! AST, since keywords leave no node; names are hovered by `Index`.

use super::Hover;
use crate::Compilation;
use crate::source::{FileId, Span};

const REFUSE: &str = "```avtal\nrefuse [for x in r.list] if TEST because \"MESSAGE\"\n```\n\n\
The clause does not accept the record when `TEST` holds: it fails with `MESSAGE` (E0510), \
naming the first refused element of the input (`shifts[2]`) in the per-element form. \
The rest of the block is not evaluated for a refused record.";

const REFUSED: &str = "```avtal\nEXPR refused because \"MESSAGE\"\n```\n\n\
An example's assertion: holds when evaluating `EXPR` stops at a `refuse` with exactly \
`MESSAGE`; a computed value or another message makes it false.";

/// The hover of the keyword at `offset`, if it is one of ours.
pub(super) fn hover(compilation: &Compilation, file: FileId, offset: u32) -> Option<Hover> {
    let text = compilation.program.sources.text(file);
    let at = usize::try_from(offset).ok()?;
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let start = text
        .get(..at)?
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(at, |(i, _)| i);
    let end = text
        .get(at..)?
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(text.len(), |(i, _)| at + i);
    let word = text.get(start..end)?;
    let after = text.get(end..).unwrap_or("").trim_start();
    let markdown = match word {
        "refuse" => REFUSE,
        "refused" if after.starts_with("because") => REFUSED,
        _ => return None,
    };
    Some(Hover {
        span: Span::new(file, start, end),
        markdown: markdown.to_string(),
    })
}
