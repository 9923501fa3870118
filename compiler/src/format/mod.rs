//! The formatter shared by `avtal fmt` and the language server.
//!
//! Design: the AST has no comments, so the formatter works on the text,
//! line by line, with a small lexer that knows texts in quotes and `//`
//! comments (so brackets inside them do not count). It changes only
//! whitespace, never a token or a comment:
//! - each line is re-indented one step (two spaces) in from the line that
//!   opened the innermost open bracket, however many brackets that line
//!   opened; a line that starts with closing brackets goes back to the
//!   indentation of the line that opened them; a top-level line that
//!   continues an item (`source "…"`) is indented one step, while item
//!   keywords, `=`, `{`, `}`, `|` and comments at the top level stay at
//!   column 0 (the parser cuts files at column-0 item keywords);
//! - an expression body opening brackets on a top-level `= …` line hangs
//!   from the expression, two columns in; a line that continues the
//!   expression above (it starts with a binary operator, `and`, `or`), a
//!   `requires` or `refuse` (`because`) or an example's value expected
//!   refused (`refused because`) goes one step further in;
//! - trailing whitespace goes, line ends become `\n`, runs of blank lines
//!   become one, blank lines at the start and end go, and one blank line
//!   separates top-level items (consecutive `use` lines stay together);
//! - spacing inside a line is kept (drafters align table columns by hand);
//! - a `classes` item is first laid out canonically (`classes.rs`): `ranked`
//!   and `source` on the header line, a block per class, a line per span;
//!   that pass moves line breaks between tokens, never a token or a comment.
//!
//! Safety net: a file with syntax errors is not formatted, and the result
//! is parsed again and compared with the original AST with spans left out;
//! if they differ the formatter refuses ([`FormatError::WouldChangeMeaning`])
//! instead of changing meaning. Formatting is idempotent (tested on every
//! `.avtal` file in the repository and on generated programs).

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod tests;

mod classes;

use crate::source::Sources;
use crate::syntax;

/// Why a text was left as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// The text does not parse; `count` syntax errors.
    SyntaxErrors { count: usize },
    /// The formatted text would parse to a different AST (a formatter bug;
    /// nothing is changed).
    WouldChangeMeaning,
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::SyntaxErrors { count } => {
                write!(f, "not formatted: the file has {count} syntax error(s)")
            }
            FormatError::WouldChangeMeaning => {
                write!(
                    f,
                    "not formatted: formatting would change the program (a formatter bug)"
                )
            }
        }
    }
}

/// Words that start a top-level item when they begin a line at column 0.
const ITEM_KEYWORDS: &[&str] = &[
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

fn starts_with_word(line: &str, word: &str) -> bool {
    line.strip_prefix(word)
        .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
}

fn item_keyword(line: &str) -> Option<&'static str> {
    ITEM_KEYWORDS
        .iter()
        .copied()
        .find(|k| starts_with_word(line, k))
}

/// Operators that, at the start of a line, continue the expression of the
/// line before (the parser reads them so, `-` included).
const CONTINUING_OPERATORS: &[&str] = &["==", "!=", "<", ">", "+", "-", "*", "/"];

/// Whether a line continues the one before: a `because` after its
/// `requires` or `refuse`, an example's `refused because` after the value
/// it expects refused, or a line that starts with a binary operator. Such
/// lines go one step further in.
fn continues_expression(line: &str) -> bool {
    if line.starts_with("->") || line.starts_with("//") {
        return false;
    }
    ["because", "refused", "and", "or"]
        .iter()
        .any(|word| starts_with_word(line, word))
        || CONTINUING_OPERATORS.iter().any(|op| line.starts_with(op))
}

/// The brackets of one line: how many closing brackets it starts with,
/// then every later bracket in order (`true` opens). Texts in quotes and
/// `//` comments are skipped.
fn scan_line(line: &str) -> (usize, Vec<bool>) {
    let mut leading_closers = 0;
    let mut later = Vec::new();
    let mut leading = true;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                leading = false;
                while let Some(t) = chars.next() {
                    match t {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => break,
            '(' | '[' | '{' => {
                leading = false;
                later.push(true);
            }
            ')' | ']' | '}' if leading => leading_closers += 1,
            ')' | ']' | '}' => later.push(false),
            c if c.is_whitespace() => {}
            _ => leading = false,
        }
    }
    (leading_closers, later)
}

/// The lines of `text`, with every top-level `classes` item in its
/// canonical layout (see `classes.rs`); other lines as they are.
fn lines_with_classes_laid_out(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut depth = 0usize;
    let mut index = 0;
    while let Some(raw) = lines.get(index) {
        let line = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if depth == 0
            && starts_with_word(line, "classes")
            && let Some(end) = classes::item_end(&lines, index)
        {
            let mut item = line.to_string();
            for more in lines.get(index + 1..=end).unwrap_or(&[]) {
                item.push('\n');
                item.push_str(more);
            }
            out.extend(classes::layout(&item));
            index = end + 1;
            continue;
        }
        let (closers, later) = scan_line(line);
        depth = depth.saturating_sub(closers);
        for opens in later {
            depth = if opens {
                depth + 1
            } else {
                depth.saturating_sub(1)
            };
        }
        out.push((*raw).to_string());
        index += 1;
    }
    out
}

/// Format without the safety net (whitespace changes only).
pub fn format_text(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    // For each open bracket, the indentation of the line that opened it:
    // the lines inside hang one step (two spaces) further in, and the line
    // that closes it goes back to the opener's indentation, however many
    // brackets one line opens (`f(Record {` is one step, not two).
    let mut openers: Vec<usize> = Vec::new();
    let mut pending_blank = false;
    // Whether the previous emitted line was a top-level comment or doc
    // line (the item after it belongs to it: no blank line between).
    let mut after_top_comment = false;
    let mut previous_was_header = false;
    for raw in &lines_with_classes_laid_out(text) {
        let line = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if line.is_empty() {
            pending_blank = !out.is_empty();
            continue;
        }
        let (closers, later) = scan_line(line);
        let at_top_before = openers.is_empty();
        let mut closed_to = None;
        for _ in 0..closers {
            closed_to = openers.pop().or(closed_to);
        }
        let is_comment = line.starts_with("//");
        let keyword = item_keyword(line);
        let top = at_top_before;
        let continuation = if continues_expression(line) { 2 } else { 0 };
        let indent = match (closed_to, openers.last()) {
            (Some(opener), _) => opener,
            (None, Some(opener)) => opener + 2 + continuation,
            (None, None) => {
                if continuation > 0 {
                    2 + continuation
                } else if keyword.is_some()
                    || is_comment
                    || line.starts_with(['=', '{', '}', '|', '(', ')'])
                {
                    0
                } else {
                    2
                }
            }
        };
        let is_header = top && keyword == Some("use");
        let starts_item = top && (keyword.is_some() || is_comment);
        let use_after_use = is_header && previous_was_header;
        if starts_item && !out.is_empty() && !after_top_comment && !use_after_use {
            pending_blank = true;
        }
        if pending_blank && !out.is_empty() {
            out.push(String::new());
        }
        pending_blank = false;
        out.push(format!("{}{}", " ".repeat(indent), line));
        after_top_comment = top && is_comment;
        if starts_item {
            previous_was_header = is_header;
        }
        // A body that opens brackets on a top-level `= …` line hangs from
        // its expression, two columns in, not from the `=`.
        let opener_indent = if top && line.starts_with('=') {
            2
        } else {
            indent
        };
        for opens in later {
            if opens {
                openers.push(opener_indent);
            } else {
                openers.pop();
            }
        }
    }
    let mut result = out.join("\n");
    if !result.is_empty() {
        result.push('\n');
    }
    result
}

/// The AST of `text` printed without spans (for meaning comparisons).
pub fn ast_without_spans(text: &str) -> (String, usize) {
    let mut sources = Sources::new();
    let file = sources.add("<format>", text);
    let (module, diagnostics) = syntax::parse(&sources, file);
    let header = (
        module.name.as_ref().map(|p| p.dotted()),
        module
            .uses
            .iter()
            .map(|u| u.path.dotted())
            .collect::<Vec<_>>(),
    );
    let printed = format!("{header:?}{:?}", module.items);
    (strip_spans(&printed), diagnostics.len())
}

/// Remove every `Span { … }` from a Debug print.
fn strip_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find("Span {") {
        out.push_str(rest.get(..at).unwrap_or(""));
        let after = rest.get(at..).unwrap_or("");
        match after.find('}') {
            Some(end) => rest = after.get(end + 1..).unwrap_or(""),
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Format `text`, or say why it was left as it was.
pub fn format_source(text: &str) -> Result<String, FormatError> {
    let (before, errors) = ast_without_spans(text);
    if errors > 0 {
        return Err(FormatError::SyntaxErrors { count: errors });
    }
    let formatted = format_text(text);
    let (after, after_errors) = ast_without_spans(&formatted);
    if after_errors > 0 || after != before {
        return Err(FormatError::WouldChangeMeaning);
    }
    Ok(formatted)
}
