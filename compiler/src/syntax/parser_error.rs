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
use super::rule_names::{RuleKind, describe, is_name};
use crate::diagnostics::Diagnostic;
use crate::diagnostics::messages::syntax::{self as msg, Hint};
use crate::source::{FileId, Span};

const KEYWORDS: &[&str] = &[
    "module",
    "use",
    "param",
    "record",
    "enum",
    "rule",
    "table",
    "condition",
    "limit",
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
    "because",
    "and",
    "or",
    "not",
    "true",
    "false",
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
    let pos = chunk.start.saturating_add(relative).min(text.len());
    let span = |start: usize, end: usize| Span::new(file, start, end);
    let positives = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives,
        // pest's only custom errors are its stack and call limits.
        ErrorVariant::CustomError { .. } => {
            let first_line = text
                .get(chunk.clone())
                .and_then(|c| c.lines().next())
                .unwrap_or("");
            return msg::too_complex(span(
                chunk.start,
                chunk.start.saturating_add(first_line.len()),
            ));
        }
    };
    let found = Found::at(text, pos);
    let before = Lexed::up_to(text, chunk.start, pos);
    let expected = Expected::from(positives);

    if found.kind == FoundKind::DocComment {
        return msg::misplaced_doc_comment(span(found.start, found.end));
    }
    // Doc comments at the end of an item, with no item after them.
    let at_chunk_end = pos >= chunk.end || found.kind == FoundKind::EndOfFile;
    if let Some((start, end)) = before
        .trailing_doc
        .filter(|_| at_chunk_end && expected.item)
    {
        return msg::misplaced_doc_comment(span(start, end));
    }
    if positives.contains(&Rule::text_close) {
        let opened = before.last_text_start.unwrap_or(pos);
        return msg::unterminated_text(span(pos, pos), span(opened, pos));
    }
    if let Some((written, range)) = decimal_comma(text, pos) {
        let with_point = written.replace(',', ".");
        return msg::decimal_comma(span(range.start, range.end), &written, &with_point);
    }
    let inside = pos < chunk.end && found.kind != FoundKind::EndOfFile;
    if inside
        && found.kind == FoundKind::Word
        && KEYWORDS.contains(&found.text)
        && positives.iter().any(|r| is_name(*r))
    {
        return msg::keyword_as_name(span(found.start, found.end), found.text, &expected.phrase());
    }
    let at_line_start = pos == 0 || text.get(..pos).is_some_and(|t| t.ends_with('\n'));
    if inside && at_line_start && (expected.item || expected.end) {
        return msg::expected_item(span(found.start, found.end), &found.shown);
    }
    let after_number = follows_number_on_line(text, pos);
    if after_number && expected.unit && found.kind == FoundKind::Word {
        return msg::unknown_unit(span(found.start, found.end), found.text);
    }
    if is_comparison(found.text)
        && expected.operator
        && !positives.iter().any(|r| is_comparison_rule(*r))
    {
        return msg::chained_comparison(span(found.start, found.end), found.text);
    }

    let unclosed = if at_chunk_end {
        before.open.last().copied()
    } else {
        None
    };
    let item_keyword = first_word(text.get(chunk.clone()).unwrap_or(""));
    let context = HintContext {
        text,
        pos,
        item_keyword,
        after_number,
        unclosed,
    };
    let hint = choose_hint(&context, &found, positives, &expected);
    // When the offending token is on a later line, the caret goes right
    // after the last token: that is where something is missing.
    let gap = text
        .get(before.last_token_end.unwrap_or(pos)..pos)
        .unwrap_or("");
    let primary = match before.last_token_end {
        Some(end) if gap.contains('\n') => span(end, end),
        _ => span(found.start, found.end),
    };
    let mut words = expected.words();
    if at_chunk_end && words.len() > 1 {
        // At the end of the item a separator cannot help; the closing
        // bracket (or whatever else is missing) can.
        words.retain(|w| *w != "`,`");
    }
    let diagnostic = msg::unexpected(primary, &words, &found.shown, hint.as_ref());
    match unclosed {
        Some((at, open)) => {
            diagnostic.with_related(span(at, at.saturating_add(1)), msg::unclosed_note(open))
        }
        None => diagnostic,
    }
}

/// The byte where nesting first exceeds `limit` brackets, if it does.
pub(super) fn nesting_overflow(text: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    for token in Lexer::new(text, 0) {
        match token.first {
            '(' | '[' | '{' => {
                depth = depth.saturating_add(1);
                if depth > limit {
                    return Some(token.start);
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
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
        if self.operator {
            vec!["an operator"]
        } else if self.item {
            vec!["an item"]
        } else if self.unit {
            vec!["a unit like `SEK`"]
        } else {
            vec!["end of file"]
        }
    }

    fn phrase(&self) -> String {
        let words = self.words();
        match words.as_slice() {
            [one] => (*one).to_owned(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
            [] => String::new(),
        }
    }
}

/// Facts about the error's surroundings that select a hint.
struct HintContext<'t> {
    text: &'t str,
    pos: usize,
    /// The keyword that starts the chunk's item (`table`, `rule`, …).
    item_keyword: &'t str,
    after_number: bool,
    unclosed: Option<(usize, char)>,
}

fn choose_hint(
    context: &HintContext<'_>,
    found: &Found<'_>,
    positives: &[Rule],
    expected: &Expected,
) -> Option<Hint> {
    let expects = |rule: Rule| positives.contains(&rule);
    let before = context.text.get(..context.pos).unwrap_or("");
    let after_number = context.after_number;
    let unclosed = context.unclosed;
    let in_table = context.item_keyword == "table";
    Some(match found.kind {
        FoundKind::OddSpace(c) => Hint::OddSpace(c),
        _ if found.text.starts_with('\'') => Hint::SingleQuote,
        _ if found.text == "=" && expected.operator => Hint::DoubleEquals,
        _ if expects(Rule::kw_because) => Hint::Because,
        _ if expects(Rule::fat_arrow) && in_table => Hint::RowArrow,
        _ if expects(Rule::punct_pipe) && expects(Rule::brace_close) && in_table => Hint::RowStart,
        _ if expects(Rule::fat_arrow) => Hint::ArmArrow,
        FoundKind::Number if after_number => Hint::NumberSpace,
        _ if expects(Rule::ret_arrow) => Hint::ReturnType,
        _ if expects(Rule::text_open) && before.trim_end().ends_with("source") => Hint::SourceText,
        _ if expects(Rule::text_open) && before.trim_end().ends_with("example") => {
            Hint::ExampleTitle
        }
        _ if expects(Rule::kw_else) => Hint::Else,
        _ if expected.tokens == ["`:`"] => Hint::FieldColon,
        _ if found.text == "(" && before.ends_with([' ', '\t']) => {
            let name: String = before
                .trim_end()
                .chars()
                .rev()
                .take_while(|c| is_word_char(*c))
                .collect();
            if name.is_empty() {
                return unclosed.map(|(_, open)| Hint::Unclosed(open));
            }
            Hint::CallSpace(name.chars().rev().collect())
        }
        _ => return unclosed.map(|(_, open)| Hint::Unclosed(open)),
    })
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
        } else if first.is_whitespace() || first.is_control() {
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

/// What a lexical scan of the chunk up to the error position saw.
struct Lexed {
    last_token_end: Option<usize>,
    last_text_start: Option<usize>,
    /// The first `///` line after the last token, if any.
    trailing_doc: Option<(usize, usize)>,
    /// Brackets still open, innermost last.
    open: Vec<(usize, char)>,
}

impl Lexed {
    fn up_to(text: &str, start: usize, pos: usize) -> Lexed {
        let mut lexed = Lexed {
            last_token_end: None,
            last_text_start: None,
            trailing_doc: None,
            open: Vec::new(),
        };
        for token in Lexer::new(text, start) {
            if token.start >= pos {
                break;
            }
            if token.first == '/' && token.end.saturating_sub(token.start) > 1 {
                // A doc comment (the lexer returns those as tokens).
                lexed.trailing_doc = lexed.trailing_doc.or(Some((token.start, token.end)));
                continue;
            }
            lexed.trailing_doc = None;
            lexed.last_token_end = Some(token.end.min(pos));
            match token.first {
                '"' => lexed.last_text_start = Some(token.start),
                '(' | '[' | '{' => lexed.open.push((token.start, token.first)),
                ')' | ']' | '}' => {
                    lexed.open.pop();
                }
                _ => {}
            }
        }
        lexed
    }
}

/// A minimal lexer that skips spaces, comments and text contents, so
/// brackets inside them are not counted. Tokens are single characters,
/// except a text in quotes, which is one token up to its closing quote or
/// the end of its line, and a `///` doc comment, one token to the line end.
struct Lexer<'t> {
    text: &'t str,
    pos: usize,
}

struct Token {
    start: usize,
    end: usize,
    first: char,
}

impl<'t> Lexer<'t> {
    fn new(text: &'t str, pos: usize) -> Lexer<'t> {
        Lexer { text, pos }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        loop {
            let rest = self.text.get(self.pos..)?;
            let first = rest.chars().next()?;
            let start = self.pos;
            if first.is_whitespace() || first == '\u{FEFF}' {
                self.pos = start.saturating_add(first.len_utf8());
                continue;
            }
            if rest.starts_with("//") {
                let line = rest.find('\n').unwrap_or(rest.len());
                self.pos = start.saturating_add(line);
                if rest.starts_with("///") && !rest.starts_with("////") {
                    return Some(Token {
                        start,
                        end: self.pos,
                        first: '/',
                    });
                }
                continue;
            }
            let len = if first == '"' {
                text_token_len(rest)
            } else {
                first.len_utf8()
            };
            self.pos = start.saturating_add(len);
            return Some(Token {
                start,
                end: self.pos,
                first,
            });
        }
    }
}

/// Length of a text token starting at its opening quote.
fn text_token_len(rest: &str) -> usize {
    let mut escaped = false;
    for (index, c) in rest.char_indices().skip(1) {
        match c {
            '\n' | '\r' => return index,
            '"' if !escaped => return index.saturating_add(1),
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
    }
    rest.len()
}
