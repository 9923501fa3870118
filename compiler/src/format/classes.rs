//! The canonical layout of `classes` items, decided before the line pass.
//!
//! The line pass (`super::format_text`) keeps every line break a drafter
//! wrote; for most items that is the layout. A `classes` item has one
//! house layout instead, because its spans are read as a timetable:
//!
//! ```text
//! /// OB-tillägg
//! classes ob ranked source "Bilaga 3 § 4" {
//!   /// Helg
//!   helg {
//!     from 19:00 on fredag to 07:00 on next måndag
//!   }
//!   natt {
//!     from 22:00 on every day to 06:00
//!   }
//! }
//! ```
//!
//! So `ranked` and `source` join the header line, each class opens a
//! block of its own, and each span is one line. Only line breaks and the
//! spaces between tokens change: every token and comment stays, in order.
//! A `//` comment that shared a line with the token before it still does;
//! one on a line of its own stays on a line of its own. A blank line is
//! kept where the layout starts a new line anyway (between classes, say).
//! This pass only chooses line breaks; the line pass indents the result.
//!
//! An item it cannot read as a whole (no closing `}`, text after the
//! closing `}`) is left to the line pass as it is.

/// The kinds of token in a `classes` item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Open,
    Close,
    /// `//` or `///` to the end of the line.
    Comment,
    /// A text in quotes (the `source`).
    Text,
    /// Anything else between spaces: names, keywords, `19:00`.
    Word,
}

#[derive(Debug, Clone)]
struct Token<'t> {
    kind: Kind,
    text: &'t str,
    /// The token before it is on the same source line; `gap` is the
    /// whitespace between them.
    same_line: bool,
    gap: &'t str,
    /// An empty line stands between this token and the one before.
    blank_before: bool,
}

/// Split `text` into tokens. Texts in quotes and comments are one token
/// each, so braces inside them do not count.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut newlines = 0usize;
    let mut gap_start = 0;
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let Some(c) = text.get(at..).and_then(|s| s.chars().next()) else {
            break;
        };
        if c.is_whitespace() {
            if c == '\n' {
                newlines += 1;
            }
            at += c.len_utf8();
            continue;
        }
        let start = at;
        let kind = if text.get(at..).is_some_and(|s| s.starts_with("//")) {
            at = text
                .get(at..)
                .and_then(|s| s.find('\n'))
                .map_or(text.len(), |n| at + n);
            Kind::Comment
        } else if c == '"' {
            at += 1;
            let mut escaped = false;
            while let Some(t) = text.get(at..).and_then(|s| s.chars().next()) {
                if t == '\n' {
                    break;
                }
                at += t.len_utf8();
                match t {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => break,
                    _ => escaped = false,
                }
            }
            Kind::Text
        } else if c == '{' {
            at += 1;
            Kind::Open
        } else if c == '}' {
            at += 1;
            Kind::Close
        } else {
            while let Some(t) = text.get(at..).and_then(|s| s.chars().next()) {
                let comment = text.get(at..).is_some_and(|s| s.starts_with("//"));
                if t.is_whitespace() || matches!(t, '{' | '}' | '"') || comment {
                    break;
                }
                at += t.len_utf8();
            }
            Kind::Word
        };
        // A comment's text ends before a `\r` of a CRLF line end.
        let token_text = text.get(start..at).unwrap_or("").trim_end();
        out.push(Token {
            kind,
            text: token_text,
            same_line: newlines == 0 && !out.is_empty(),
            gap: text.get(gap_start..start).unwrap_or(" "),
            blank_before: newlines >= 2,
        });
        newlines = 0;
        gap_start = at;
    }
    out
}

/// Where the `classes` item that starts on line `first` of `lines` ends:
/// the index of its last line, when the item closes and nothing but a
/// comment follows its closing `}`.
pub(super) fn item_end(lines: &[&str], first: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut opened = false;
    for (index, line) in lines.iter().enumerate().skip(first) {
        let line_tokens = tokens(line);
        let mut iter = line_tokens.iter();
        for token in iter.by_ref() {
            match token.kind {
                Kind::Open => {
                    depth += 1;
                    opened = true;
                }
                Kind::Close => depth = depth.checked_sub(1)?,
                _ => {}
            }
            if opened && depth == 0 {
                break;
            }
        }
        if opened && depth == 0 {
            return iter.all(|t| t.kind == Kind::Comment).then_some(index);
        }
    }
    None
}

/// The lines of a `classes` item (the text from its `classes` keyword to
/// its closing `}`) in the canonical layout, unindented.
pub(super) fn layout(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut after_close = false;
    let mut previous: Option<&str> = None;
    let all_tokens = tokens(text);
    for token in &all_tokens {
        let trailing_comment =
            token.kind == Kind::Comment && token.same_line && !current.is_empty();
        let starts_line = match token.kind {
            _ if trailing_comment => false,
            Kind::Comment | Kind::Close => true,
            // A class name at the class level; a span at the span level.
            Kind::Word if depth == 1 => true,
            Kind::Word if depth >= 2 => {
                token.text == "from"
                    || (token.text == "all" && !matches!(previous, Some("on" | "next")))
            }
            _ => false,
        } || (after_close && !trailing_comment);
        if starts_line && !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if starts_line && token.blank_before && !lines.is_empty() {
            lines.push(String::new());
        }
        if !current.is_empty() {
            // A trailing comment keeps its distance; tokens one space.
            if trailing_comment {
                current.push_str(token.gap.trim_matches(['\r', '\n']));
            } else {
                current.push(' ');
            }
        }
        current.push_str(token.text);
        after_close = false;
        match token.kind {
            Kind::Open => {
                depth += 1;
                lines.push(std::mem::take(&mut current));
            }
            Kind::Close => {
                depth = depth.saturating_sub(1);
                after_close = true;
            }
            Kind::Comment => lines.push(std::mem::take(&mut current)),
            Kind::Text | Kind::Word => {}
        }
        previous = Some(token.text);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}
