//! Mapping compiler values to LSP values: byte spans to ranges with UTF-16
//! columns (as LSP counts them), LSP positions back to byte offsets, and
//! compiler diagnostics to LSP diagnostics (the help line is appended to the
//! message, where every client shows it, and kept with the label and
//! related spans as related information). No analysis happens here.
//!
//! Many positions in one text go through a [`LineIndex`] (one per file,
//! kept by [`Ranges`]): a position then costs a binary search and a walk
//! along its own line, not a walk from the start of the text, which made
//! publishing 3,000 diagnostics of a 130 kB file take half a second.

use std::collections::HashMap;

use avtal_compiler::diagnostics::{Diagnostic, Severity};
use avtal_compiler::{FileId, Sources, Span};
use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticRelatedInformation, Location, NumberOrString, Position, Range, Uri,
};

/// The LSP position of byte `offset` in `text` (clamped to the text; an
/// offset inside a character counts as its start).
pub fn position(text: &str, offset: u32) -> Position {
    let mut offset = (offset as usize).min(text.len());
    while !text.is_char_boundary(offset) {
        offset = offset.saturating_sub(1);
    }
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let character: usize = before
        .get(line_start..)
        .unwrap_or("")
        .chars()
        .map(char::len_utf16)
        .sum();
    Position {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        character: u32::try_from(character).unwrap_or(u32::MAX),
    }
}

/// The start of every line of a text.
pub struct LineIndex<'t> {
    text: &'t str,
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> LineIndex<'t> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// The same as [`position`] on this index's text.
    pub fn position(&self, offset: u32) -> Position {
        let text = self.text;
        let mut offset = (offset as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset = offset.saturating_sub(1);
        }
        // Lines that start at or before `offset`: the last is its line.
        let line = self
            .starts
            .partition_point(|start| *start <= offset)
            .saturating_sub(1);
        let line_start = self.starts.get(line).copied().unwrap_or(0);
        let character: usize = text
            .get(line_start..offset)
            .unwrap_or("")
            .chars()
            .map(char::len_utf16)
            .sum();
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character: u32::try_from(character).unwrap_or(u32::MAX),
        }
    }

    pub fn range(&self, span: Span) -> Range {
        Range {
            start: self.position(span.start),
            end: self.position(span.end),
        }
    }
}

/// Ranges of spans in any file of `sources`, with one [`LineIndex`] per
/// file, built when first needed.
pub struct Ranges<'s> {
    sources: &'s Sources,
    lines: HashMap<FileId, LineIndex<'s>>,
}

impl<'s> Ranges<'s> {
    pub fn new(sources: &'s Sources) -> Ranges<'s> {
        Ranges {
            sources,
            lines: HashMap::new(),
        }
    }

    pub fn range(&mut self, span: Span) -> Range {
        let sources = self.sources;
        self.lines
            .entry(span.file)
            .or_insert_with(|| LineIndex::new(sources.text(span.file)))
            .range(span)
    }
}

/// The byte offset of an LSP position. A line past the end gives the end of
/// the text, a column past the end of its line gives the end of the line,
/// and a column inside a surrogate pair gives the start of that character.
pub fn offset(text: &str, position: Position) -> u32 {
    let mut line_start = 0usize;
    for _ in 0..position.line {
        match text.get(line_start..).and_then(|rest| rest.find('\n')) {
            Some(newline) => line_start += newline + 1,
            None => return u32::try_from(text.len()).unwrap_or(u32::MAX),
        }
    }
    let line = text.get(line_start..).unwrap_or("");
    let line = line.split('\n').next().unwrap_or("");
    let mut units = 0u32;
    for (index, c) in line.char_indices() {
        let width = u32::try_from(c.len_utf16()).unwrap_or(2);
        if units + width > position.character || c == '\r' {
            return u32::try_from(line_start + index).unwrap_or(u32::MAX);
        }
        units += width;
    }
    u32::try_from(line_start + line.trim_end_matches('\r').len()).unwrap_or(u32::MAX)
}

/// The LSP range of a span in its file.
pub fn range(sources: &Sources, span: Span) -> Range {
    let text = sources.text(span.file);
    Range {
        start: position(text, span.start),
        end: position(text, span.end),
    }
}

/// Semantic tokens in LSP's relative encoding (line delta, start delta,
/// length in UTF-16 units, token type index, modifiers). Tokens must be
/// sorted and on one line each, as the analysis returns them.
pub fn semantic_tokens(
    text: &str,
    tokens: &[avtal_compiler::analysis::SemanticToken],
) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut previous = Position::new(0, 0);
    let lines = LineIndex::new(text);
    for token in tokens {
        let start = lines.position(token.span.start);
        let end = lines.position(token.span.end);
        if end.line != start.line {
            continue;
        }
        let token_type = avtal_compiler::analysis::TokenKind::ALL
            .iter()
            .position(|k| *k == token.kind)
            .and_then(|i| u32::try_from(i).ok())
            .unwrap_or(0);
        let delta_line = start.line.saturating_sub(previous.line);
        let delta_start = if delta_line == 0 {
            start.character.saturating_sub(previous.character)
        } else {
            start.character
        };
        out.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: end.character.saturating_sub(start.character),
            token_type,
            token_modifiers_bitset: 0,
        });
        previous = start;
    }
    out
}

/// The token types of [`semantic_tokens`], in `TokenKind::ALL` order.
pub fn semantic_token_legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: vec![
            lsp::SemanticTokenType::VARIABLE,
            lsp::SemanticTokenType::FUNCTION,
            lsp::SemanticTokenType::STRUCT,
            lsp::SemanticTokenType::ENUM,
            lsp::SemanticTokenType::PROPERTY,
            lsp::SemanticTokenType::ENUM_MEMBER,
            lsp::SemanticTokenType::PARAMETER,
        ],
        token_modifiers: Vec::new(),
    }
}

/// One compiler diagnostic as an LSP diagnostic. `uri_of` names the file of
/// each related span (related spans in files without a URI are dropped);
/// `code_href` is the link to the code's entry in the diagnostics reference.
///
/// The help line is in the message (every client shows that), and the
/// structured parts stay machine-readable: `code` and `codeDescription`,
/// related information, and `data` with the headline, label and help apart,
/// for clients and code actions that present them their own way.
pub fn diagnostic(
    ranges: &mut Ranges<'_>,
    diagnostic: &Diagnostic,
    uri_of: &dyn Fn(FileId) -> Option<Uri>,
    code_href: Option<Uri>,
) -> lsp::Diagnostic {
    let range = ranges.range(diagnostic.span);
    let mut related = Vec::new();
    if let Some(uri) = uri_of(diagnostic.span.file) {
        if let Some(label) = &diagnostic.label {
            related.push(DiagnosticRelatedInformation {
                location: Location {
                    uri: uri.clone(),
                    range,
                },
                message: label.clone(),
            });
        }
        if let Some(help) = &diagnostic.help {
            related.push(DiagnosticRelatedInformation {
                location: Location { uri, range },
                message: format!("help: {help}"),
            });
        }
    }
    for note in &diagnostic.related {
        if let Some(uri) = uri_of(note.span.file) {
            related.push(DiagnosticRelatedInformation {
                location: Location {
                    uri,
                    range: ranges.range(note.span),
                },
                message: note.message.clone(),
            });
        }
    }
    // The help line goes into the message as well: many clients (Neovim's
    // default float, Helix, Zed) show the message and never the related
    // information, and the help is the line that says what to do.
    let message = match &diagnostic.help {
        Some(help) => format!("{}\nhelp: {help}", diagnostic.message),
        None => diagnostic.message.clone(),
    };
    lsp::Diagnostic {
        range,
        severity: Some(match diagnostic.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diagnostic.code.to_string())),
        code_description: code_href.map(|href| lsp::CodeDescription { href }),
        source: Some("avtal".into()),
        data: Some(serde_json::json!({
            "headline": diagnostic.message,
            "label": diagnostic.label,
            "help": diagnostic.help,
        })),
        message,
        related_information: if related.is_empty() {
            None
        } else {
            Some(related)
        },
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_round_trip() {
        let text = "å😀x\nb";
        // å is 2 bytes/1 unit, 😀 4 bytes/2 units.
        assert_eq!(position(text, 6), Position::new(0, 3));
        assert_eq!(offset(text, Position::new(0, 3)), 6);
        // Inside the surrogate pair: start of the emoji.
        assert_eq!(offset(text, Position::new(0, 2)), 2);
        assert_eq!(offset(text, Position::new(0, 99)), 7);
        assert_eq!(offset(text, Position::new(9, 0)), 9);
        assert_eq!(position(text, 3), Position::new(0, 1));
        assert_eq!(position(text, 99), Position::new(1, 1));
    }

    #[test]
    fn the_line_index_gives_the_same_positions() {
        let text = "å😀x\nb\r\n\nrule x() -> Text = \"åäö 😀\" + okänd\n";
        let lines = LineIndex::new(text);
        for offset in 0..=u32::try_from(text.len()).unwrap_or(0) + 3 {
            assert_eq!(
                lines.position(offset),
                position(text, offset),
                "at {offset}"
            );
        }
    }
}
