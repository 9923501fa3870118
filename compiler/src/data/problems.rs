//! What can go wrong with one cell: [`CellError`] and its parts
//! ([`Expected`], [`Problem`], [`Hint`], [`Found`]), plus the helpers that
//! shorten found text and build the path of a nested JSON value.
//!
//! Errors are data here; the wording of every message lives in
//! `diagnostics::messages::data`. Nothing here reads or writes values.

/// What was expected, for messages (a [`Kind`](super::Kind) without nested
/// fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    Int,
    Days,
    Months,
    Decimal,
    Money,
    Percent,
    Hours,
    Rate,
    Date,
    Time,
    Timestamp,
    Bool,
    Text,
    Enum { name: String, variants: Vec<String> },
    Record(String),
    List,
    Unsupported(String),
}

/// Why a cell could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The text is not of the expected form; the hint says what it looks like.
    Malformed(Hint),
    /// More decimals than the type keeps (`1.005` for money).
    TooManyDecimals { allowed: u32 },
    /// More digits than an exact decimal holds.
    OutOfRange,
    /// A well-formed date that is not in the calendar (`2026-02-30`).
    NoSuchDay,
    /// No variant of that name (E0603).
    UnknownVariant { suggestion: Option<String> },
    /// A JSON object lacks the field (E0602).
    Missing,
    /// A JSON object names the field twice (E0604).
    Duplicate,
    /// The JSON text is not valid (E0604).
    InvalidJson(String),
    /// A JSON Lines row that is valid JSON but not an object (E0604).
    NotAnObject,
    /// A list or record where a CSV cell is expected.
    NotInCell,
    /// A value that cannot be written with its type's decimals (E0507).
    NotExact { allowed: Option<u32> },
    /// A value too large for an exact decimal (E0501).
    TooLarge,
    /// A computed date outside the years a data file holds, 0000 to 9999
    /// (E0504): written, it would be text the reader refuses.
    DateBeyondFiles,
    /// A value of another type than declared (an interpreter bug).
    WrongValue,
}

/// What a malformed number, date or boolean looks like, to suggest a fix.
/// Suggestions are the corrected text, when one is clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    None,
    /// `12,5`
    DecimalComma(Option<String>),
    /// `30 000`, `30,000.00`, `30_000`
    Separators(Option<String>),
    /// `1e3`
    Exponent,
    /// `30000 kr`, `83.46 %`
    Unit(Option<String>),
    /// `.5`, `5.`
    BarePoint,
    /// `31.01.2026`, `2026/01/31`, `2026-1-31`
    DateFormat(Option<String>),
    /// A time of day is `HH:MM`, 00:00 to 23:59.
    TimeFormat,
    /// A timestamp is `YYYY-MM-DDTHH:MM`.
    TimestampFormat,
    /// A JSON value of another kind (a number for a date, an object for money).
    JsonKind,
}

/// One cell that could not be read (or one value that could not be written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// Where inside a JSON value: `absences[2].from`; empty for the cell itself.
    pub path: String,
    pub expected: Expected,
    pub problem: Problem,
    pub found: Found,
}

/// What was found, to show in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Cell text (shown quoted), shortened when long.
    Text(String),
    /// JSON text as written (`null`, `"x"`, `1e3`), shortened when long.
    Json(String),
    /// A JSON object or list (shown as a word).
    JsonObject,
    JsonList,
    /// An empty cell.
    Empty,
    /// Nothing at all (a missing field).
    Nothing,
    /// A computed value, shown as exactly as possible.
    Value(String),
}

/// Longest found text shown in full.
const SHOW_CHARS: usize = 40;

/// `text` cut after [`SHOW_CHARS`] characters, with an ellipsis.
pub(crate) fn shorten(text: &str) -> String {
    match text.char_indices().nth(SHOW_CHARS) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or(text)),
        None => text.to_string(),
    }
}

/// `name` followed by a nested path (`[2].from` or `from`).
pub(super) fn join_path(name: &str, nested: &str) -> String {
    if nested.is_empty() {
        name.to_string()
    } else if nested.starts_with('[') {
        format!("{name}{nested}")
    } else {
        format!("{name}.{nested}")
    }
}

/// A nested path as it follows a list index (`.from` or `[2]`).
pub(super) fn dotted(nested: &str) -> String {
    if nested.is_empty() || nested.starts_with('[') {
        nested.to_string()
    } else {
        format!(".{nested}")
    }
}
