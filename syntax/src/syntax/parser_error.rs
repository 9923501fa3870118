//! pest errors → syntax diagnostics.
//!
//! pest says where it stopped (a byte offset in `err.location`) and which
//! rules it tried there. This module turns that into one diagnostic in the
//! drafter's words: it finds the offending token in the file, groups the
//! expected rules (via `rule_names`), recognises common mistakes (a decimal
//! comma, an unknown unit, a keyword used as a name, a missing `because`)
//! and picks the byte the caret points at. Wording is in
//! `diagnostics/messages/syntax.rs`; rule names never reach the user.
//!
//! It does not use `Error::line_col` (char columns) nor pest's miette
//! support: spans stay byte offsets into the whole file.

use std::ops::Range;

use pest::error::{Error, ErrorVariant, InputLocation};

use super::parser::{Rule, is_word_char};
use super::parser_scan::Lexed;
use super::rule_names::{RuleKind, describe, group_words, is_name};
use crate::diagnostics::Diagnostic;
use crate::diagnostics::messages::syntax::{self as msg, Hint};
use crate::identifiers::is_invisible;
use crate::source::{FileId, Span};

/// Words the grammar reserves (see `a_keyword` in `grammar/avtal.pest`).
#[rustfmt::skip]
const KEYWORDS: &[&str] = &[
    "module", "use", "param", "record", "enum", "rule", "table", "condition", "limit",
    "example", "evaluate", "source", "from", "let", "if", "else", "match", "for", "in", "at",
    "most", "least", "per", "requires", "because", "and", "or", "not", "true", "false",
    "classes", "refuse",
];

/// One diagnostic for a chunk that failed to parse. `chunk` is the byte
/// range of the chunk in `text`, the whole file.
pub(super) fn diagnose(
    text: &str,
    file: FileId,
    chunk: Range<usize>,
    err: &Error<Rule>,
) -> Diagnostic {
    let relative = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((start, _)) => start,
    };
    let positives = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives,
        // pest's only custom errors are its stack and call limits.
        ErrorVariant::CustomError { .. } => {
            let first_line = text
                .get(chunk.clone())
                .and_then(|c| c.lines().next())
                .unwrap_or("");
            let end = chunk.start.saturating_add(first_line.len());
            return msg::too_complex(Span::new(file, chunk.start, end));
        }
    };
    let site = Site::new(text, file, chunk, relative, positives);
    site.common_mistake().unwrap_or_else(|| site.unexpected())
}

/// Everything known about where a chunk failed.
struct Site<'t> {
    text: &'t str,
    file: FileId,
    chunk: Range<usize>,
    /// The failure position, a byte offset in the whole file.
    pos: usize,
    positives: &'t [Rule],
    found: Found<'t>,
    before: Lexed,
    expected: Expected,
    /// The failure is at the end of the chunk (the next item, or the end
    /// of the file), not inside it.
    at_chunk_end: bool,
    /// A number ends right before the failure, on the same line.
    after_number: bool,
}

impl<'t> Site<'t> {
    fn new(
        text: &'t str,
        file: FileId,
        chunk: Range<usize>,
        relative: usize,
        positives: &'t [Rule],
    ) -> Site<'t> {
        let pos = chunk.start.saturating_add(relative).min(text.len());
        let found = Found::at(text, pos);
        let at_chunk_end = pos >= chunk.end || found.kind == FoundKind::EndOfFile;
        Site {
            before: Lexed::up_to(text, chunk.start, pos),
            expected: Expected::from(positives),
            after_number: follows_number_on_line(text, pos),
            text,
            file,
            chunk,
            pos,
            positives,
            found,
            at_chunk_end,
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn found_span(&self) -> Span {
        self.span(self.found.start, self.found.end)
    }

    fn expects(&self, rule: Rule) -> bool {
        self.positives.contains(&rule)
    }

    /// A mistake with its own message, if this is one.
    fn common_mistake(&self) -> Option<Diagnostic> {
        let (text, pos, found) = (self.text, self.pos, &self.found);
        if found.kind == FoundKind::DocComment {
            return Some(msg::misplaced_doc_comment(self.found_span()));
        }
        // Doc comments at the end of an item, with no item after them.
        if let Some((start, end)) = self.before.trailing_doc
            && self.at_chunk_end
            && self.expected.item
        {
            return Some(msg::misplaced_doc_comment(self.span(start, end)));
        }
        if self.expects(Rule::text_close) {
            let opened = self.before.last_text_start.unwrap_or(pos);
            return Some(msg::unterminated_text(
                self.span(pos, pos),
                self.span(opened, pos),
            ));
        }
        if let Some((written, range)) = decimal_comma(text, pos) {
            let with_point = written.replace(',', ".");
            return Some(msg::decimal_comma(
                self.span(range.start, range.end),
                &written,
                &with_point,
            ));
        }
        let is_word = found.kind == FoundKind::Word;
        // A keyword where a name was expected; a keyword followed by `:`
        // where a field or parameter starts is one too (`from: Date`),
        // though pest names the whole field, not its name, as expected.
        // In a record literal (`R { from: 1 }`) the keyword makes pest read
        // a block, so only the `{` or `,` before it tells.
        let after_open = text
            .get(self.chunk.start..pos)
            .map(str::trim_end)
            .is_some_and(|before| before.ends_with('{') || before.ends_with(','));
        let names_a_field = (self.positives.iter().any(|r| starts_with_name(*r)) || after_open)
            && text
                .get(found.end..)
                .is_some_and(|rest| rest.trim_start_matches([' ', '\t']).starts_with(':'));
        if !self.at_chunk_end && is_word && KEYWORDS.contains(&found.text) {
            if self.positives.iter().any(|r| is_name(*r)) {
                return Some(msg::keyword_as_name(
                    self.found_span(),
                    found.text,
                    &self.expected.words(),
                ));
            }
            if names_a_field {
                return Some(msg::keyword_as_name(
                    self.found_span(),
                    found.text,
                    &["a field name"],
                ));
            }
        }
        // A byte order mark is whitespace to the grammar, so one inside a
        // name (`lö<U+FEFF>n`) splits it silently; name it, not the word after.
        if let Some(last_end) = self.before.last_token_end
            && let Some((offset, c)) = text.get(last_end..pos).and_then(|gap| {
                gap.char_indices()
                    .find(|(_, c)| is_invisible(*c) && !matches!(c, '\n' | '\r' | '\t'))
            })
        {
            let at = last_end.saturating_add(offset);
            let span = self.span(at, at.saturating_add(c.len_utf8()));
            let shown = format!("an invisible character (U+{:04X})", u32::from(c));
            return Some(msg::unexpected(
                span,
                &self.expected.words(),
                &shown,
                Some(&Hint::OddSpace(c)),
            ));
        }
        let at_line_start = pos == 0 || text.get(..pos).is_some_and(|t| t.ends_with('\n'));
        if !self.at_chunk_end && at_line_start && (self.expected.item || self.expected.end) {
            return Some(msg::expected_item(self.found_span(), &found.shown));
        }
        if self.after_number && self.expected.unit && is_word {
            return Some(msg::unknown_unit(self.found_span(), found.text));
        }
        if let Some(start) = thousands_group_start(text, pos, found, self.after_number) {
            let written = text.get(start..found.end).unwrap_or("");
            let joined: String = written.chars().filter(|c| !c.is_whitespace()).collect();
            return Some(msg::number_with_space(
                self.span(start, found.end),
                written,
                &joined,
            ));
        }
        if is_comparison(found.text)
            && self.expected.operator
            && !self.positives.iter().any(|r| is_comparison_rule(*r))
        {
            // In an example, a line starting with `-` continues the
            // assertion before it, which then reads as a chain.
            let line_start = text
                .get(..pos)
                .and_then(|t| t.rfind('\n'))
                .map_or(0, |i| i.saturating_add(1));
            let continues_line = text
                .get(line_start..pos)
                .is_some_and(|l| l.trim_start().starts_with('-'));
            return Some(msg::chained_comparison(
                self.found_span(),
                found.text,
                continues_line,
            ));
        }
        None
    }

    /// The general "expected X, found Y", with a hint when one applies.
    fn unexpected(&self) -> Diagnostic {
        let unclosed = if self.at_chunk_end {
            self.before.open.last().copied()
        } else {
            None
        };
        let hint = self.hint(unclosed);
        // When the offending token is on a later line, the caret goes right
        // after the last token: that is where something is missing.
        let last_end = self.before.last_token_end.unwrap_or(self.pos);
        let gap = self.text.get(last_end..self.pos).unwrap_or("");
        let primary = if gap.contains('\n') {
            self.span(last_end, last_end)
        } else {
            self.found_span()
        };
        let mut words = self.expected.words();
        if self.at_chunk_end && words.len() > 1 {
            // At the end of the item a separator cannot help; the closing
            // bracket (or whatever else is missing) can.
            words.retain(|w| *w != "`,`");
        }
        let diagnostic = msg::unexpected(primary, &words, &self.found.shown, hint.as_ref());
        match unclosed {
            Some((at, open)) => diagnostic.with_related(
                self.span(at, at.saturating_add(1)),
                msg::unclosed_note(open),
            ),
            None => diagnostic,
        }
    }

    fn hint(&self, unclosed: Option<(usize, char)>) -> Option<Hint> {
        let found = &self.found;
        let before = self.text.get(..self.pos).unwrap_or("").trim_end();
        let in_table = first_word(self.text.get(self.chunk.clone()).unwrap_or("")) == "table";
        Some(match found.kind {
            FoundKind::OddSpace(c) => Hint::OddSpace(c),
            _ if found.text.starts_with('\'') => Hint::SingleQuote,
            _ if found.text == "=" && self.expected.operator => Hint::DoubleEquals,
            _ if self.expects(Rule::kw_because) => Hint::Because,
            _ if self.expects(Rule::fat_arrow) && in_table => Hint::RowArrow,
            _ if self.expects(Rule::punct_pipe) && self.expects(Rule::brace_close) && in_table => {
                Hint::RowStart
            }
            _ if self.expects(Rule::fat_arrow) => Hint::ArmArrow,
            FoundKind::Number if self.after_number => Hint::NumberSpace,
            _ if self.expects(Rule::ret_arrow) => Hint::ReturnType,
            _ if self.expects(Rule::text_open) && before.ends_with("source") => Hint::SourceText,
            _ if self.expects(Rule::text_open) && before.ends_with("example") => Hint::ExampleTitle,
            _ if self.expects(Rule::kw_else) => Hint::Else,
            _ if self.expected.tokens == ["`:`"] => Hint::FieldColon,
            // `max (…)`: a space between a name and its `(`.
            _ if found.text == "(" && before.len() < self.pos && before.ends_with(is_word_char) => {
                let name_len = before.len() - before.trim_end_matches(is_word_char).len();
                Hint::CallSpace(
                    before
                        .get(before.len() - name_len..)
                        .unwrap_or("")
                        .to_owned(),
                )
            }
            _ => return unclosed.map(|(_, open)| Hint::Unclosed(open)),
        })
    }
}

/// The expected rules, grouped by how they are shown.
struct Expected {
    tokens: Vec<&'static str>,
    operator: bool,
    item: bool,
    end: bool,
    unit: bool,
}

impl Expected {
    fn from(positives: &[Rule]) -> Expected {
        let mut expected = Expected {
            tokens: Vec::new(),
            operator: false,
            item: false,
            end: false,
            unit: false,
        };
        for rule in positives {
            let (kind, words) = describe(*rule);
            match kind {
                RuleKind::Token if !expected.tokens.contains(&words) => expected.tokens.push(words),
                RuleKind::Token | RuleKind::Hidden => {}
                RuleKind::Operator => expected.operator = true,
                RuleKind::ItemStart => expected.item = true,
                RuleKind::End => expected.end = true,
                RuleKind::Unit => expected.unit = true,
            }
        }
        // Closing brackets read best last: "expected `,` or `)`".
        expected
            .tokens
            .sort_by_key(|w| matches!(*w, "`)`" | "`]`" | "`}`"));
        expected
    }

    /// What to list: specific tokens first; "an operator" or "an item"
    /// only when nothing more specific was expected.
    fn words(&self) -> Vec<&'static str> {
        if !self.tokens.is_empty() {
            return self.tokens.clone();
        }
        let group = if self.operator {
            RuleKind::Operator
        } else if self.item {
            RuleKind::ItemStart
        } else if self.unit {
            RuleKind::Unit
        } else {
            RuleKind::End
        };
        vec![group_words(group)]
    }
}

/// The first word of a chunk after doc comments, comments and spaces.
fn first_word(chunk: &str) -> &str {
    let mut rest = chunk;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
        if rest.starts_with("//") {
            rest = rest.find('\n').and_then(|i| rest.get(i..)).unwrap_or("");
            continue;
        }
        let len = rest.len() - rest.trim_start_matches(is_word_char).len();
        return rest.get(..len).unwrap_or("");
    }
}

/// `12,5`: a comma between digits where the grammar did not accept one.
fn decimal_comma(text: &str, pos: usize) -> Option<(String, Range<usize>)> {
    let before = text.get(..pos)?;
    let after = text.get(pos..)?.strip_prefix(',')?;
    let whole_len = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let fraction_len = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if whole_len == 0 || fraction_len == 0 {
        return None;
    }
    let range = pos.saturating_sub(whole_len)..pos.saturating_add(1).saturating_add(fraction_len);
    Some((text.get(range.clone())?.to_owned(), range))
}

/// `1 709`: three digits after a number and a space read as a thousands
/// group. Returns where the number before the space starts.
fn thousands_group_start(
    text: &str,
    pos: usize,
    found: &Found<'_>,
    after_number: bool,
) -> Option<usize> {
    let group = found.kind == FoundKind::Number && found.text.len() == 3;
    let rest = text.get(found.end..)?;
    let ends_number = !rest.starts_with(|c: char| c == '.' || c.is_ascii_digit());
    if !(after_number && group && ends_number) {
        return None;
    }
    let before = text.get(..pos)?.trim_end_matches([' ', '\t']);
    let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    Some(before.len().saturating_sub(digits))
}

/// True when a number ends right before `pos`, with only spaces between.
fn follows_number_on_line(text: &str, pos: usize) -> bool {
    let before = text.get(..pos).unwrap_or("").trim_end_matches([' ', '\t']);
    let Some(last) = before.chars().next_back() else {
        return false;
    };
    if !last.is_ascii_digit() {
        return false;
    }
    // `x2` is a name, not a number.
    let word = before.trim_end_matches(is_word_char);
    let run = before.get(word.len()..).unwrap_or("");
    run.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// Rules that begin with a name and a `:` (a field, a parameter, a field
/// of a record literal).
fn starts_with_name(rule: Rule) -> bool {
    matches!(rule, Rule::field_def | Rule::param_decl | Rule::field_init)
}

fn is_comparison(text: &str) -> bool {
    matches!(text, "==" | "!=" | "<" | "<=" | ">" | ">=")
}

fn is_comparison_rule(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::op_eq | Rule::op_ne | Rule::op_lt | Rule::op_le | Rule::op_gt | Rule::op_ge
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FoundKind {
    EndOfFile,
    EndOfLine,
    DocComment,
    Word,
    Number,
    OddSpace(char),
    Other,
}

/// The token at the error position, and how to show it.
struct Found<'t> {
    start: usize,
    end: usize,
    text: &'t str,
    shown: String,
    kind: FoundKind,
}

impl<'t> Found<'t> {
    fn at(text: &'t str, pos: usize) -> Found<'t> {
        let rest = text.get(pos..).unwrap_or("");
        let Some(first) = rest.chars().next() else {
            return Found::phrase(pos, FoundKind::EndOfFile, "end of file");
        };
        let (len, kind) = if first == '\n' || first == '\r' {
            return Found::phrase(pos, FoundKind::EndOfLine, "end of line");
        } else if rest.starts_with("///") {
            (3, FoundKind::DocComment)
        } else if first.is_alphabetic() || first == '_' {
            (
                rest.len() - rest.trim_start_matches(is_word_char).len(),
                FoundKind::Word,
            )
        } else if first.is_ascii_digit() {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            (digits, FoundKind::Number)
        } else if first.is_whitespace() || crate::identifiers::is_invisible(first) {
            let shown = format!("an invisible character (U+{:04X})", u32::from(first));
            let mut found = Found::phrase(pos, FoundKind::OddSpace(first), "");
            found.end = pos.saturating_add(first.len_utf8());
            found.shown = shown;
            return found;
        } else if first == '"' {
            let line = rest.lines().next().unwrap_or(rest);
            (line.len(), FoundKind::Other)
        } else {
            let two = ["==", "!=", "<=", ">=", "=>", "->", "..", "//"];
            let len = two
                .iter()
                .find(|t| rest.starts_with(**t))
                .map_or(first.len_utf8(), |t| t.len());
            (len, FoundKind::Other)
        };
        let token = rest.get(..len).unwrap_or("");
        Found {
            start: pos,
            end: pos.saturating_add(len),
            text: token,
            shown: format!("`{}`", shorten(token)),
            kind,
        }
    }

    fn phrase(pos: usize, kind: FoundKind, shown: &str) -> Found<'t> {
        Found {
            start: pos,
            end: pos,
            text: "",
            shown: shown.to_owned(),
            kind,
        }
    }
}

/// Long found text (a whole line of text in quotes) is cut for the headline.
fn shorten(token: &str) -> String {
    const MAX_CHARS: usize = 24;
    if token.chars().count() <= MAX_CHARS {
        return token.to_owned();
    }
    let mut short: String = token.chars().take(MAX_CHARS).collect();
    short.push('…');
    short
}
