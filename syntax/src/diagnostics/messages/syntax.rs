//! Diagnostic wording for the syntax stage.
//!
//! The parser (`syntax/parser_error.rs`, `syntax/parser_*.rs`) works out the
//! facts: where, what was expected (already in words, from
//! `syntax/rule_names.rs`), what was found, and which [`Hint`] applies. The
//! sentences are here. Found text is passed as it will be shown, already in
//! backticks or as "end of file", so these functions never quote twice.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;

/// A fix the parser recognised; each becomes one `help:` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// `requires … ` without `because "…"`.
    Because,
    /// A table row without `=>` before its result.
    RowArrow,
    /// A table row that does not start with `|`.
    RowStart,
    /// A match arm without `=>`.
    ArmArrow,
    /// A rule or table header without `-> Type`.
    ReturnType,
    /// `source` not followed by a quoted text.
    SourceText,
    /// `example` not followed by a quoted title.
    ExampleTitle,
    /// An `if` without its `else` branch.
    Else,
    /// A record field or parameter without `:`.
    FieldColon,
    /// `max (…)`: a space between a name and its `(`.
    CallSpace(String),
    /// `=` where a comparison was meant.
    DoubleEquals,
    /// `'…'` instead of `"…"`.
    SingleQuote,
    /// A character that looks like a space but is not (U+00A0 and friends).
    OddSpace(char),
    /// A `{`, `(` or `[` that is still open where the item ends.
    Unclosed(char),
    /// `1 000`: a number with a space inside.
    NumberSpace,
}

fn hint_text(hint: &Hint) -> String {
    match hint {
        Hint::Because => {
            "every requirement gives its reason: `requires … because \"…\"`".to_owned()
        }
        Hint::RowArrow => "a row ends with `=>` and its result, like `| 2..3 => 2`".to_owned(),
        Hint::RowStart => "each row starts with `|`, like `| 2..3 => 2`".to_owned(),
        Hint::ArmArrow => "an arm is written `Variant => value`".to_owned(),
        Hint::ReturnType => {
            "write the result type after the parameters, like `(a: Anställd) -> Money`".to_owned()
        }
        Hint::SourceText => {
            "write the reference in double quotes, like `source \"VA 5 kap. 14 §\"`".to_owned()
        }
        Hint::ExampleTitle => {
            "an example's title is a text in quotes, like `example \"heltid\" { … }`".to_owned()
        }
        Hint::Else => "an `if` needs an `else` branch, so that every case has a value".to_owned(),
        Hint::FieldColon => "write a name and its type with a colon: `lön: Money`".to_owned(),
        Hint::CallSpace(name) => {
            format!("to call `{name}`, remove the space before `(`: `{name}(…)`")
        }
        Hint::DoubleEquals => "to compare, write `==`".to_owned(),
        Hint::SingleQuote => "text is written in double quotes: `\"…\"`".to_owned(),
        // A space that is not one is meant as a space; a zero-width or
        // direction character is meant as nothing.
        Hint::OddSpace(c) if c.is_whitespace() => format!(
            "this is the invisible character U+{:04X}; replace it with an ordinary space",
            u32::from(*c)
        ),
        Hint::OddSpace(c) => format!(
            "this is the invisible character U+{:04X}; delete it",
            u32::from(*c)
        ),
        Hint::Unclosed(open) => format!("close the `{open}` opened earlier"),
        Hint::NumberSpace => "write numbers without spaces or separators: `30000`".to_owned(),
    }
}

/// Joins alternatives as "A, B or C".
fn alternatives(expected: &[&str]) -> String {
    match expected {
        [] => "something else".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The general syntax error: "expected X, found Y". `found` is already
/// quoted (`` `rule` ``) or a phrase ("end of file").
pub fn unexpected(span: Span, expected: &[&str], found: &str, hint: Option<&Hint>) -> Diagnostic {
    let what = alternatives(expected);
    let d = Diagnostic::new(
        Code::Syntax,
        span,
        format!("expected {what}, found {found}"),
    );
    let d = if span.is_empty() {
        d.with_label(format!("expected {what} here"))
    } else {
        d
    };
    match hint {
        Some(h) => d.with_help(hint_text(h)),
        None => d,
    }
}

/// The note on the bracket that is still open when the item ends.
pub fn unclosed_note(open: char) -> String {
    format!("this `{open}` is never closed")
}

/// Text between items that starts no item.
pub fn expected_item(span: Span, found: &str) -> Diagnostic {
    Diagnostic::new(Code::Syntax, span, format!("expected an item, found {found}"))
        .with_help(
            "items start with `rule`, `param`, `record`, `enum`, `table`, `condition`, `limit`, `classes`, `evaluate` or `example`; comments start with `//`",
        )
}

/// A decimal comma, `12,5`.
pub fn decimal_comma(span: Span, written: &str, with_point: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Syntax,
        span,
        format!("expected a number, found `{written}` with a decimal comma"),
    )
    .with_label("decimal comma")
    .with_help(format!("use a point: `{with_point}`"))
}

/// A word after a number that is not a unit: `100 EUR`.
pub fn unknown_unit(span: Span, word: &str) -> Diagnostic {
    Diagnostic::new(Code::Syntax, span, format!("unknown unit `{word}`"))
        .with_label("not a unit")
        .with_help(
            "units are `SEK` (or `kr`), `%`, `h`, `day`/`days`, `week`/`weeks`, `month`/`months` and `year`/`years`",
        )
}

/// A keyword where a name was expected: `rule match(…)`.
pub fn keyword_as_name(span: Span, keyword: &str, expected: &[&str]) -> Diagnostic {
    let expected = alternatives(expected);
    Diagnostic::new(
        Code::Syntax,
        span,
        format!("expected {expected}, found the keyword `{keyword}`"),
    )
    .with_label("a keyword, not a name")
    .with_help(keyword_rename_help(keyword))
}

/// How to rename a keyword used as a name. A trailing underscore keeps the
/// English word and works for every keyword; where the agreement's own
/// Swedish word is the natural name (the stdlib names things in Swedish),
/// it is offered first.
fn keyword_rename_help(keyword: &str) -> String {
    let swedish = match keyword {
        "from" => Some("från"),
        "at" => Some("vid"),
        "most" => Some("högst"),
        "least" => Some("minst"),
        "source" => Some("källa"),
        "rule" => Some("regel"),
        "table" => Some("tabell"),
        "limit" => Some("gräns"),
        "condition" => Some("villkor"),
        "example" => Some("exempel"),
        "module" => Some("modul"),
        "record" => Some("post"),
        "requires" => Some("krav"),
        "because" => Some("skäl"),
        "refuse" => Some("avvisa"),
        "for" => Some("för"),
        "per" => Some("period"),
        "classes" => Some("klasser"),
        _ => None,
    };
    match swedish {
        Some(word) => format!(
            "`{keyword}` is a keyword and cannot be used as a name; rename it, in the \
             agreement's words like `{word}`, or as `{keyword}_`"
        ),
        None => format!(
            "`{keyword}` is a keyword and cannot be used as a name; rename it, like \
             `{keyword}_`"
        ),
    }
}

/// A text whose closing `"` is missing on its line.
pub fn unterminated_text(span: Span, opened: Span) -> Diagnostic {
    Diagnostic::new(
        Code::Syntax,
        span,
        "expected the closing `\"`, found end of line",
    )
    .with_label("the text ends here")
    .with_related(opened, "the text starts here")
    .with_help("a text stays on one line; add `\"` at its end")
}

/// A `///` doc comment where no item, field or variant follows.
pub fn misplaced_doc_comment(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::Syntax,
        span,
        "a doc comment `///` must stand right before an item, a record field, an enum variant or a class",
    )
    .with_help("use `//` for an ordinary comment")
}

/// `a < b < c`.
/// `a < b < c`. `continues_line` is set when the second comparison is on a
/// line that starts with `-`, which continues the line before it (in an
/// example, the previous assertion).
pub fn chained_comparison(span: Span, operator: &str, continues_line: bool) -> Diagnostic {
    let d = Diagnostic::new(
        Code::Syntax,
        span,
        format!("comparisons cannot be chained, found a second `{operator}`"),
    );
    if continues_line {
        d.with_help(
            "a line that starts with `-` continues the line before it; put the negative value in parentheses, like `(-1 SEK)`",
        )
    } else {
        d.with_help("compare twice and join with `and`: `a < b and b < c`")
    }
}

/// `1 709`: a number written with a space as thousands separator.
pub fn number_with_space(span: Span, written: &str, joined: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Syntax,
        span,
        format!("expected a number without spaces, found `{written}`"),
    )
    .with_help(format!("write `{joined}`"))
}

/// `10000-01-01`: a date whose year has more than four digits.
pub fn date_year_out_of_range(span: Span, written: &str, year: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidLiteral,
        span,
        format!("the year of `{written}` is {year}; dates end with the year 9999"),
    )
    .with_label("year out of range")
    .with_help(
        "dates have four-digit years, as data files hold them; for an open end, use a far \
         date such as `9999-12-31`",
    )
}

/// Brackets or expressions nested beyond the parser's limit.
pub fn too_deeply_nested(span: Span, limit: usize) -> Diagnostic {
    Diagnostic::new(
        Code::Syntax,
        span,
        format!("this is nested too deeply (more than {limit} levels)"),
    )
    .with_help("split the expression with `let`, or into smaller rules")
}

/// An expression whose tree is too deep although it is not nested as
/// written: a chain of thousands of operators.
pub fn too_long_expression(span: Span, limit: usize) -> Diagnostic {
    Diagnostic::new(
        Code::Syntax,
        span,
        format!("this expression is too long (its operators go more than {limit} levels deep)"),
    )
    .with_help("split it with `let` into parts, or into smaller rules, and add the parts")
}

/// pest stopped because of its stack or call limit.
pub fn too_complex(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::Syntax,
        span,
        "this item is too large or too deeply nested to read",
    )
    .with_help("split it into smaller rules")
}

/// An escape other than `\"`, `\\` and `\n` in a text.
pub fn invalid_escape(span: Span, escape: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidLiteral,
        span,
        format!("unknown escape `{escape}` in a text"),
    )
    .with_help("the escapes are `\\\"` (a quote), `\\\\` (a backslash) and `\\n` (a new line)")
}

/// `2026-1-1`: a date without leading zeros.
pub fn malformed_date(span: Span, written: &str, padded: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidLiteral,
        span,
        format!("expected a date as YYYY-MM-DD, found `{written}`"),
    )
    .with_help(format!("write two digits for month and day: `{padded}`"))
}

/// A second `module` line, or one after `use` lines or items.
pub fn module_not_first(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::Syntax,
        span,
        "`module` must be the first line of a file, and appear once",
    )
    .with_help("move it to the top of the file")
}

/// A `use` line after the first item.
pub fn use_after_items(span: Span) -> Diagnostic {
    Diagnostic::new(Code::Syntax, span, "`use` must come before the first item")
        .with_help("move the `use` lines to the top of the file, after `module`")
}

/// `x => …` anywhere but as the second argument of `filter`.
pub fn lambda_outside_filter(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::Syntax,
        span,
        "a test `x => …` can only be the second argument of `filter`",
    )
    .with_help(
        "write `filter(list, x => condition)`, or a comprehension `[x for x in list if condition]`",
    )
}

/// `round(x, step, mode)` where `mode` is not a plain name.
pub fn round_mode_not_name(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::Syntax,
        span,
        "expected a rounding mode name like `half_even`, found an expression",
    )
    .with_help("the third argument of `round` is the name of a rounding mode")
}

/// `round` with other than two or three arguments.
pub fn round_arguments(span: Span, found: usize) -> Diagnostic {
    let plural = if found == 1 { "" } else { "s" };
    Diagnostic::new(
        Code::Syntax,
        span,
        format!("expected `round(value, step)` or `round(value, step, mode)`, found {found} argument{plural}"),
    )
    .with_help("give the step to round to, like `round(x, 0.01 SEK)`")
}

/// `filter` not written as `filter(list, x => condition)`.
pub fn filter_arguments(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::Syntax,
        span,
        "expected `filter(list, x => condition)`",
    )
    .with_help("the second argument names each element and tests it, like `filter(medlemmar, m => m.aktiv)`")
}
