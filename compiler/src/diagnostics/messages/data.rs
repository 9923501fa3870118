//! Diagnostic wording for the data stage: rows of input that cannot be
//! read (E06xx), output values that cannot be written exactly (E0507), and
//! the setup problems of a run (missing columns, unknown entry point).
//!
//! Data errors have no source span: they point at a row and a field of a
//! data file, so they are [`DataMessage`]s rather than `Diagnostic`s. The
//! CLI adds the row, line and field.

use crate::data::{CellError, Expected, Found, Hint, Problem};
use crate::diagnostics::Code;

/// A message about data, with its code and an optional help line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataMessage {
    pub code: Code,
    pub message: String,
    pub help: Option<String>,
}

impl DataMessage {
    fn new(code: Code, message: String) -> DataMessage {
        DataMessage {
            code,
            message,
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> DataMessage {
        self.help = Some(help.into());
        self
    }
}

fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "money like 30000.00": what a cell of this type looks like.
pub fn expected_phrase(expected: &Expected) -> String {
    match expected {
        Expected::Int => "a whole number like 12".into(),
        Expected::Days => "a number of days like 30".into(),
        Expected::Months => "a number of months like 6".into(),
        Expected::Decimal => "a decimal number like 1.25".into(),
        Expected::Money => "money like 30000.00".into(),
        Expected::Percent => "a percentage like 83.46".into(),
        Expected::Hours => "hours like 26.5".into(),
        Expected::Rate => "an amount per hour like 62.00".into(),
        Expected::Date => "a date like 2026-01-31".into(),
        Expected::Time => "a time of day like 19:00".into(),
        Expected::Timestamp => "a timestamp like 2026-06-05T18:30".into(),
        Expected::Bool => "`true` or `false`".into(),
        Expected::Text => "text".into(),
        Expected::Enum { variants, .. } => format!("one of {}", quoted_list(variants)),
        Expected::Record(name) => format!("an object with the fields of `{name}`"),
        Expected::List => "a list".into(),
        Expected::Unsupported(name) => format!("a value of type `{name}`"),
    }
}

/// The type's name in words, for "with at most 2 decimals".
fn type_words(expected: &Expected) -> &'static str {
    match expected {
        Expected::Money => "money",
        Expected::Percent => "a percentage",
        Expected::Hours => "hours",
        Expected::Rate => "an amount per hour",
        Expected::Int => "a whole number",
        Expected::Days => "a number of days",
        Expected::Months => "a number of months",
        _ => "a number",
    }
}

fn found_phrase(found: &Found) -> String {
    match found {
        Found::Text(text) => format!("{text:?}"),
        Found::Json(text) => text.clone(),
        Found::JsonObject => "an object".into(),
        Found::JsonList => "a list".into(),
        Found::Empty => "an empty cell".into(),
        Found::Nothing => "nothing".into(),
        Found::Value(text) => text.clone(),
    }
}

fn decimals(n: u32) -> String {
    match n {
        0 => "no decimals".into(),
        1 => "at most 1 decimal".into(),
        n => format!("at most {n} decimals"),
    }
}

/// The message for one cell that could not be read or written.
pub fn cell(error: &CellError) -> DataMessage {
    let expected = expected_phrase(&error.expected);
    let found = found_phrase(&error.found);
    let plain = || DataMessage::new(Code::BadCell, format!("expected {expected}, found {found}"));
    match &error.problem {
        Problem::Malformed(hint) => {
            let message = plain();
            match hint_help(hint, &error.expected) {
                Some(help) => message.help(help),
                None => message,
            }
        }
        Problem::TooManyDecimals { allowed: 0 } => plain().help(
            "whole numbers are written without decimals; round the value before it is exported",
        ),
        Problem::TooManyDecimals { allowed } => DataMessage::new(
            Code::BadCell,
            format!(
                "expected {} with {}, found {found}",
                type_words(&error.expected),
                decimals(*allowed)
            ),
        )
        .help("round the value before it is exported: Avtal never rounds input"),
        Problem::OutOfRange => plain().help("an exact decimal holds at most 28 significant digits"),
        Problem::NoSuchDay => plain().help(format!("{found} is not a day in the calendar")),
        Problem::UnknownVariant { suggestion } => {
            let message = DataMessage::new(
                Code::BadEnumValue,
                format!("expected {expected}, found {found}"),
            );
            let name = match &error.expected {
                Expected::Enum { name, .. } => name.as_str(),
                _ => "the enum",
            };
            match suggestion {
                Some(s) => message.help(format!(
                    "did you mean `{s}`? variants of `{name}` are written exactly as declared"
                )),
                None => message.help(format!(
                    "variants of `{name}` are written exactly as declared (letter case matters)"
                )),
            }
        }
        Problem::Missing => DataMessage::new(
            Code::MissingInputField,
            format!("the row has no field `{}`", error.path),
        )
        .help(format!("give it {expected}")),
        Problem::Duplicate => DataMessage::new(
            Code::MalformedRow,
            format!("the field `{}` appears more than once", error.path),
        ),
        Problem::InvalidJson(detail) => DataMessage::new(
            Code::MalformedRow,
            format!("the row is not valid JSON: {detail}"),
        )
        .help("each line of a JSON Lines file holds one JSON object"),
        Problem::NotAnObject => DataMessage::new(
            Code::MalformedRow,
            format!("expected a JSON object, found {found}"),
        )
        .help("each line of a JSON Lines file holds one object with the input fields"),
        Problem::NotInCell => DataMessage::new(
            Code::BadCell,
            format!("{expected} cannot be held in one CSV cell"),
        )
        .help("use JSON Lines input for records and lists"),
        Problem::NotExact { allowed } => {
            let message = match allowed {
                Some(n) => format!(
                    "the value {found} cannot be written as {} with {}",
                    type_words(&error.expected),
                    decimals(*n)
                ),
                None => format!("the value {found} cannot be written as an exact decimal"),
            };
            DataMessage::new(Code::NotExact, message)
                .help("add an explicit `round(…)` where the value is computed")
        }
        Problem::TooLarge => DataMessage::new(
            Code::Overflow,
            format!(
                "the value {found} is too large to be written as {}",
                type_words(&error.expected)
            ),
        )
        .help("an exact decimal holds at most 28 significant digits"),
        Problem::DateBeyondFiles => DataMessage::new(
            Code::DateOutOfRange,
            format!("the date {found} cannot be written as `YYYY-MM-DD`"),
        )
        .help(
            "dates in data files run from 0000-01-01 to 9999-12-31; check the date arithmetic that gave it",
        ),
        Problem::WrongValue => DataMessage::new(
            Code::NotExact,
            format!("cannot write this value as {expected}"),
        )
        .help("this is a bug in Avtal; please report it with the agreement and the row"),
    }
}

fn hint_help(hint: &Hint, expected: &Expected) -> Option<String> {
    let example = |s: &Option<String>, default: &str| -> String {
        s.clone().unwrap_or_else(|| default.to_string())
    };
    match hint {
        Hint::None => match expected {
            Expected::Bool => Some("`1` and `0` are also accepted".into()),
            _ => None,
        },
        Hint::DecimalComma(s) => Some(format!(
            "use a point as the decimal separator: `{}`",
            example(s, "12.5")
        )),
        Hint::Separators(s) => Some(format!(
            "write the number without spaces or thousands separators: `{}`",
            example(s, "30000.00")
        )),
        Hint::Exponent => Some("write the number out in full, without an exponent".into()),
        Hint::Unit(s) => Some(format!(
            "write only the number, in the field's unit, without `kr`, `%` or `h`: `{}`",
            example(s, "30000.00")
        )),
        Hint::BarePoint => Some("write a digit on both sides of the point: `0.5`".into()),
        Hint::TimeFormat => {
            Some("write the time as HH:MM from 00:00 to 23:59, like `19:00`".into())
        }
        Hint::TimestampFormat => {
            Some("write timestamps as year-month-day and hour:minute: `2026-06-05T18:30`".into())
        }
        Hint::DateFormat(s) => Some(format!(
            "write dates as year-month-day: `{}`",
            example(s, "2026-01-31")
        )),
        Hint::JsonKind => match expected {
            Expected::Date
            | Expected::Time
            | Expected::Timestamp
            | Expected::Enum { .. }
            | Expected::Text => Some("write it as a JSON string".into()),
            Expected::Money
            | Expected::Percent
            | Expected::Hours
            | Expected::Rate
            | Expected::Decimal => {
                Some("write it as a JSON string like \"30000.00\" or a plain JSON number".into())
            }
            _ => None,
        },
    }
}

/// A CSV row with another number of cells than the header.
pub fn cell_count(expected: usize, found: usize) -> DataMessage {
    DataMessage::new(
        Code::MalformedRow,
        format!("expected {expected} cells as in the header, found {found}"),
    )
    .help("check for a missing or extra separator, or an unquoted comma in a cell")
}

/// A CSV row that the reader could not split into cells.
pub fn malformed_csv(detail: &str) -> DataMessage {
    DataMessage::new(
        Code::MalformedRow,
        format!("the row is not valid CSV: {detail}"),
    )
}

/// A cell that is not valid UTF-8.
pub fn not_utf8() -> DataMessage {
    DataMessage::new(Code::MalformedRow, "the text is not valid UTF-8".into())
        .help("save the file as UTF-8")
}

/// The header lacks columns for some input fields (a setup error).
pub fn missing_columns(record: &str, missing: &[String], header: &[String]) -> DataMessage {
    let plural = if missing.len() == 1 { "" } else { "s" };
    DataMessage::new(
        Code::MissingInputField,
        format!(
            "the input has no column{plural} {} for `{record}`",
            quoted_list(missing)
        ),
    )
    .help(if header.is_empty() {
        "the input is empty: its first line must name the columns".to_string()
    } else {
        format!("the header names {}", quoted_list(header))
    })
}

/// A header names a field twice (a setup error).
pub fn duplicate_column(name: &str) -> DataMessage {
    DataMessage::new(
        Code::MalformedRow,
        format!("the header names the column `{name}` twice"),
    )
    .help("rename or remove one of them")
}

/// An input field whose type no CSV cell can hold (a setup error).
pub fn field_not_in_csv(field: &str, expected: &Expected) -> DataMessage {
    DataMessage::new(
        Code::BadCell,
        format!(
            "the field `{field}` holds {}, which one CSV cell cannot hold",
            expected_phrase(expected)
        ),
    )
    .help("use JSON Lines input (`.jsonl`) for records and lists")
}

/// `--entry NAME` names no entry point.
pub fn unknown_entry(name: &str, available: &[String]) -> DataMessage {
    let message = DataMessage::new(
        Code::UnknownEntry,
        format!("no `evaluate` entry point named `{name}`"),
    );
    if available.is_empty() {
        message.help("the program has no `evaluate` entry point")
    } else {
        message.help(format!("the entry points are {}", quoted_list(available)))
    }
}

/// The file has no entry point at all.
pub fn no_entry(file: &str) -> DataMessage {
    DataMessage::new(
        Code::UnknownEntry,
        format!("`{file}` has no `evaluate` entry point"),
    )
    .help("add one: `evaluate Name(r: Input) -> Output = { … }`")
}

/// Several entry points and no `--entry`.
pub fn several_entries(available: &[String]) -> DataMessage {
    DataMessage::new(
        Code::UnknownEntry,
        format!("there are several entry points: {}", quoted_list(available)),
    )
    .help("choose one with `--entry NAME`")
}

/// `avtal explain --case`: a key that is no field of the input record.
pub fn unknown_case_field(field: &str, record: &str, fields: &[String]) -> DataMessage {
    let message = DataMessage::new(
        Code::UnknownCaseField,
        format!("the case names `{field}`, which is not a field of `{record}`"),
    );
    match crate::spelling::closest(field, fields.iter().map(String::as_str)) {
        Some(close) => message.help(format!("did you mean `{close}`?")),
        None => message.help(format!("the fields are {}", quoted_list(fields))),
    }
}

/// `avtal explain --row N` beyond the last data row.
pub fn no_such_row(row: u64, rows: u64) -> DataMessage {
    let counted = match rows {
        0 => "the input has no data rows".to_string(),
        1 => "the input has 1 data row".to_string(),
        n => format!("the input has {n} data rows"),
    };
    DataMessage::new(Code::NoSuchRow, format!("there is no row {row}: {counted}"))
        .help("rows count from 1, the CSV header not included, as `avtal run` numbers them")
}

/// Long-form CSV: a record has two list fields, and the rows can hold one.
pub fn long_form_lists(first: &str, second: &str) -> DataMessage {
    DataMessage::new(
        Code::BadCell,
        format!(
            "the fields `{first}` and `{second}` are both lists, and a long-form CSV file holds one list"
        ),
    )
    .help("use JSON Lines input (`.jsonl`) for records with several lists")
}

/// Long-form CSV: a column that both a field of the record and a field of
/// the list's elements would read.
pub fn long_form_column_twice(column: &str, list: &str) -> DataMessage {
    DataMessage::new(
        Code::MalformedRow,
        format!(
            "the column `{column}` would be read both as the record's field `{column}` and as a \
             field of the elements of `{list}`"
        ),
    )
    .help(format!(
        "rename the record's field or the element's field, so that each column has one meaning; \
         element columns are named `{list}_FIELD` (or without the list's final `s`)"
    ))
}

/// Long-form CSV: the first column, the key, is a column of the elements.
pub fn long_form_key(column: &str) -> DataMessage {
    DataMessage::new(
        Code::MalformedRow,
        format!(
            "the first column `{column}` is a column of the list's elements; in long form the first \
             column is the record's key"
        ),
    )
    .help("put a column of the record that tells records apart (such as `id`) first")
}

/// Long-form CSV (E0608): a later row of a record repeats one of the
/// record's own columns with another text than its first row.
pub fn group_disagrees(
    column: &str,
    here: &str,
    first: &str,
    first_row: u64,
    key_column: &str,
    key: &str,
) -> DataMessage {
    DataMessage::new(
        Code::GroupDisagrees,
        format!(
            "`{column}` is \"{here}\" here but \"{first}\" on row {first_row}, the first row of the \
             record with `{key_column}` {key}",
            here = crate::data::shorten(here),
            first = crate::data::shorten(first),
            key = crate::data::shorten(key),
        ),
    )
    .help(
        "each row of a record repeats the record's own columns exactly; only the columns of the \
         list's elements change from row to row",
    )
}

/// Long-form CSV (E0609): a key whose record was read from earlier rows.
pub fn group_split(key_column: &str, key: &str) -> DataMessage {
    DataMessage::new(
        Code::GroupSplit,
        format!(
            "the record with `{key_column}` {} was read from earlier rows; the rows of one record must \
             be consecutive",
            crate::data::shorten(key)
        ),
    )
    .help(format!(
        "sort the file by `{key_column}`, or bring each record's rows together (the earlier rows \
         were read as the whole record)"
    ))
}
