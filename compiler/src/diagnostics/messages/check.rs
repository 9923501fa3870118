//! Diagnostic wording for name resolution and type checking.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;

// The names a module does not see and names that are not what they look
// like are worded in `names`; callers keep using `check::…`.
pub use super::names::{
    confusable_names, invisible_in_name, mixed_script_name, unknown_name_in_unused_module,
    use_file_declares_other,
};

pub(super) fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn unknown_name(span: Span, name: &str, suggestion: Option<&str>) -> Diagnostic {
    let d = Diagnostic::new(Code::UnknownName, span, format!("unknown name `{name}`"))
        .with_label("not defined here or in a used module");
    match suggestion {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help("define it, or `use` the module that defines it"),
    }
}

pub fn unknown_type(span: Span, name: &str, suggestion: Option<&str>) -> Diagnostic {
    let d = Diagnostic::new(Code::UnknownType, span, format!("unknown type `{name}`"));
    match suggestion {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help(
            "built-in types are `Money`, `Percent`, `Hours`, `Rate`, `Decimal`, `Int`, `Bool`, `Text`, `Date`, `Time`, `Timestamp`, `Days`, `Months`, `List<T>`; or define a `record` or `enum`",
        ),
    }
}

pub fn unknown_field(span: Span, type_name: &str, field: &str, fields: &[String]) -> Diagnostic {
    let d = Diagnostic::new(
        Code::UnknownField,
        span,
        format!("`{type_name}` has no field `{field}`"),
    );
    match crate::spelling::closest(field, fields.iter().map(String::as_str)) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help(format!("its fields are {}", quoted_list(fields))),
    }
}

pub fn duplicate_definition(span: Span, name: &str, first: Span) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateDefinition,
        span,
        format!("`{name}` is defined twice"),
    )
    .with_label("second definition")
    .with_related(first, "first defined here")
    .with_help("rename one of them")
}

pub fn unknown_module(span: Span, path: &str, suggestion: Option<&str>) -> Diagnostic {
    let d = Diagnostic::new(
        Code::UnknownModule,
        span,
        format!("unknown module `{path}`"),
    );
    match suggestion {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help(format!(
            "put the module in a file `{}.avtal` beside this one, or pass it to the command",
            path.replace('.', "/")
        )),
    }
}

pub fn ambiguous_name(span: Span, name: &str, modules: &[String]) -> Diagnostic {
    Diagnostic::new(
        Code::AmbiguousName,
        span,
        format!("`{name}` is defined in more than one used module"),
    )
    .with_help(format!(
        "it is defined in {}; rename one of them",
        quoted_list(modules)
    ))
}

pub fn ambiguous_variant(span: Span, name: &str, enums: &[String]) -> Diagnostic {
    Diagnostic::new(
        Code::AmbiguousName,
        span,
        format!("`{name}` is a variant of more than one enum"),
    )
    .with_help(format!(
        "write it with its enum: {}",
        enums
            .iter()
            .map(|e| format!("`{e}.{name}`"))
            .collect::<Vec<_>>()
            .join(" or ")
    ))
}

pub fn unknown_variant(
    span: Span,
    enum_name: &str,
    name: &str,
    variants: &[String],
    suggestion: Option<&str>,
) -> Diagnostic {
    let d = Diagnostic::new(
        Code::UnknownVariant,
        span,
        format!("`{enum_name}` has no variant `{name}`"),
    );
    match suggestion {
        Some(near) => d.with_help(format!(
            "did you mean `{near}`? the variants of `{enum_name}` are {}",
            quoted_list(variants)
        )),
        None => d.with_help(format!("its variants are {}", quoted_list(variants))),
    }
}

pub fn missing_fields(span: Span, type_name: &str, missing: &[String]) -> Diagnostic {
    let plural = if missing.len() == 1 { "" } else { "s" };
    Diagnostic::new(
        Code::MissingField,
        span,
        format!(
            "missing field{plural} {} in `{type_name}`",
            quoted_list(missing)
        ),
    )
    .with_help("give every field a value")
}

pub fn duplicate_field(span: Span, field: &str, first: Span) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateField,
        span,
        format!("field `{field}` is set twice"),
    )
    .with_related(first, "first set here")
    .with_help("remove one of them")
}

pub fn recursion(span: Span, name: &str, cycle: &[String]) -> Diagnostic {
    Diagnostic::new(
        Code::Recursion,
        span,
        format!("`{name}` calls itself through {}", cycle.join(" → ")),
    )
    .with_help("rules are total functions without recursion; compute the value directly")
}

pub fn unit_mismatch(
    span: Span,
    op: &str,
    left: &str,
    right: &str,
    help: Option<&str>,
) -> Diagnostic {
    let verb = match op {
        "+" => "add",
        "-" => "subtract",
        "*" => "multiply",
        "/" => "divide",
        "and" | "or" => "combine",
        _ => "compare",
    };
    let message = match op {
        "+" | "-" | "*" | "/" => format!("cannot {verb} `{left}` and `{right}`"),
        "and" | "or" => format!("`{op}` needs `Bool` on both sides, found `{left}` and `{right}`"),
        _ => format!("cannot compare `{left}` with `{right}`"),
    };
    let d = Diagnostic::new(Code::UnitMismatch, span, message)
        .with_label(format!("`{left}` {op} `{right}`"));
    match help {
        Some(h) => d.with_help(h.to_string()),
        None => d,
    }
}

pub fn type_mismatch(span: Span, expected: &str, found: &str, help: Option<String>) -> Diagnostic {
    let d = Diagnostic::new(
        Code::TypeMismatch,
        span,
        format!("expected `{expected}`, found `{found}`"),
    );
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

/// A value of the wrong kind where the expected kind is prose ("a number").
pub fn wrong_kind(span: Span, expected: &str, found: &str) -> Diagnostic {
    Diagnostic::new(
        Code::TypeMismatch,
        span,
        format!("expected {expected}, found `{found}`"),
    )
}

pub fn argument_count(
    span: Span,
    name: &str,
    expected: usize,
    found: usize,
    signature: &str,
) -> Diagnostic {
    let plural = if expected == 1 { "" } else { "s" };
    Diagnostic::new(
        Code::ArgumentCount,
        span,
        format!("`{name}` takes {expected} argument{plural}, found {found}"),
    )
    .with_help(format!("its signature is `{signature}`"))
}

pub fn not_callable(span: Span, name: &str, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::NotCallable,
        span,
        format!("`{name}` is {what}, not something to call"),
    )
}

pub fn not_a_value(span: Span, name: &str, what: &str, help: &str) -> Diagnostic {
    Diagnostic::new(
        Code::TypeMismatch,
        span,
        format!("`{name}` is {what}, not a value"),
    )
    .with_help(help.to_string())
}

/// `date_hint` is a date expression in scope (`dag`, `e.period`), if any.
pub fn param_without_date(span: Span, name: &str, date_hint: Option<&str>) -> Diagnostic {
    Diagnostic::new(
        Code::ParamWithoutDate,
        span,
        format!("param `{name}` has a value per date, but no date is given"),
    )
    .with_help(format!(
        "look it up at a date: `{name} at {}`",
        date_hint.unwrap_or("2026-01-01")
    ))
}

pub fn at_on_non_param(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::TypeMismatch,
        span,
        "`at` looks up a dated param, but this is not a param",
    )
    .with_help("only a `param` name can stand before `at`")
}

pub fn inexact(
    span: Span,
    type_name: &str,
    allowed: u32,
    found: Option<u32>,
    step: &str,
) -> Diagnostic {
    let found = match found {
        Some(n) => format!("up to {n} decimals"),
        None => "an unbounded number of decimals (a division)".to_string(),
    };
    Diagnostic::new(
        Code::InexactOutput,
        span,
        format!("this `{type_name}` value may have {found}, but `{type_name}` keeps {allowed}"),
    )
    .with_label("rounding is never implicit")
    .with_help(format!("round it explicitly: `round(…, {step})`"))
}

pub fn not_a_record(span: Span, type_name: &str, field: &str) -> Diagnostic {
    Diagnostic::new(
        Code::NotARecord,
        span,
        format!("cannot read field `{field}` of a `{type_name}` value"),
    )
    .with_help("fields can be read only from records")
}

pub fn cannot_infer_record(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::CannotInferRecord,
        span,
        "cannot tell which record type this literal builds",
    )
    .with_help("write the type name before the brace: `Anställd { … }`")
}

pub fn invalid_round_step(span: Span, reason: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidRound,
        span,
        format!("invalid rounding step: {reason}"),
    )
    .with_help("the step is a positive literal of the value's unit, like `0.01 SEK` or `0.5 h`")
}

pub fn unknown_round_mode(span: Span, name: &str, modes: &[&str]) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidRound,
        span,
        format!("unknown rounding mode `{name}`"),
    )
    .with_help(format!(
        "the modes are {}",
        modes
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

pub fn invalid_entry(span: Span, reason: &str, help: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidEntryPoint,
        span,
        format!("invalid entry point: {reason}"),
    )
    .with_help(help.to_string())
}

pub fn param_timeline(span: Span, date: &str, previous: Span) -> Diagnostic {
    Diagnostic::new(
        Code::ParamTimeline,
        span,
        format!("`from {date}` does not come after the line before it"),
    )
    .with_related(previous, "previous date")
    .with_help("list the `from` lines in increasing date order, each date once")
}

/// A fraction `a/b` as a param's value. `literal` is the value to write
/// instead, exact or rounded.
pub fn fraction_in_param(
    span: Span,
    written: &str,
    literal: &str,
    exact: bool,
    denominator: rust_decimal::Decimal,
) -> Diagnostic {
    let d = Diagnostic::new(
        Code::ParamTimeline,
        span,
        format!("a param's value must be a literal, found the fraction `{written}`"),
    )
    .with_label("a division");
    if exact {
        d.with_help(format!("write the value itself: `{literal}`"))
    } else {
        d.with_help(format!(
            "`{written}` has no exact decimal form; write the value the agreement states, \
             like `{literal}` (rounded), or keep the param a whole number and divide where \
             it is used: `x / {denominator}`"
        ))
    }
}

pub fn param_not_constant(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::ParamTimeline,
        span,
        "a param's value must be a literal",
    )
    .with_help("write the value itself, like `1709 SEK` or `4.6 %`")
}

pub fn not_a_list(span: Span, found: &str) -> Diagnostic {
    Diagnostic::new(
        Code::NotAList,
        span,
        format!("expected a list, found `{found}`"),
    )
}

pub fn empty_list(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::EmptyList,
        span,
        "cannot tell the element type of this empty list",
    )
    .with_help("use it where a `List<T>` is expected, such as a record field or rule argument")
}

pub fn non_exhaustive(span: Span, missing: &[String]) -> Diagnostic {
    Diagnostic::new(
        Code::NonExhaustiveMatch,
        span,
        format!("`match` does not cover {}", quoted_list(missing)),
    )
    .with_help("add an arm for each missing variant, or a `_ =>` arm")
}

pub fn unreachable_arm(span: Span) -> Diagnostic {
    Diagnostic::new(Code::UnreachableArm, span, "this arm can never be chosen")
        .with_label("earlier arms already cover it")
        .with_help("remove it, or move it above the arm that covers it")
}

pub fn table_not_covered(span: Span, examples: &[String]) -> Diagnostic {
    Diagnostic::new(
        Code::TableNotCovered,
        span,
        format!("no row matches {}", examples.join("; or ")),
    )
    .with_help("add rows for these inputs, or end with a row of `_` cells")
}

pub fn unreachable_row(span: Span, row_number: usize) -> Diagnostic {
    Diagnostic::new(
        Code::UnreachableRow,
        span,
        format!("row {row_number} can never be chosen"),
    )
    .with_label("the rows above match every input this row matches (first match wins)")
    .with_help("remove the row, or move it above the rows that cover it")
}

pub fn invalid_cell(span: Span, column_type: &str, reason: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidCell,
        span,
        format!("invalid cell in a column of type `{column_type}`: {reason}"),
    )
}

pub fn cell_count(span: Span, expected: usize, found: usize) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidCell,
        span,
        format!("expected {expected} cells, one per table input, found {found}"),
    )
    .with_help("write one cell per input, `_` for any value")
}

pub fn invalid_literal(span: Span, what: &str, help: &str) -> Diagnostic {
    Diagnostic::new(Code::InvalidLiteral, span, what.to_string()).with_help(help.to_string())
}

/// `25:00`: a time literal off the clock.
pub fn invalid_time(span: Span, text: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidClock,
        span,
        format!("`{text}` is not a time of day"),
    )
    .with_help(TIME_HELP)
}

const TIME_HELP: &str =
    "a time runs from `00:00` to `23:59`; the end of a day is `00:00` of the next";

/// What is wrong with a timestamp literal: its date or its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFault {
    /// The date is not `YYYY-MM-DD` with two-digit month and day.
    DateForm,
    /// The date is not in the calendar.
    Date,
    /// The time is a time of day, but without two digits for the hour.
    TimeForm,
    /// The time is not `HH:MM` from `00:00` to `23:59`.
    Time,
}

/// `2026-06-05T24:30`, `2026-02-30T10:00`: a timestamp literal whose
/// date or time does not exist; `part` is the faulty part as written.
pub fn invalid_timestamp(span: Span, text: &str, part: &str, fault: TimestampFault) -> Diagnostic {
    let (what, help) = match fault {
        TimestampFault::DateForm => (
            format!("`{part}` is not written YYYY-MM-DD"),
            "write two digits for month and day: `2026-06-05T18:30`",
        ),
        TimestampFault::Date => (
            format!("`{part}` is not a date in the calendar"),
            "write a real date, like `2026-02-28T18:30`",
        ),
        TimestampFault::TimeForm => (
            format!("`{part}` needs two digits for the hour"),
            "write the time as HH:MM: `2026-06-05T07:05`",
        ),
        TimestampFault::Time => (format!("`{part}` is not a time of day"), TIME_HELP),
    };
    Diagnostic::new(
        Code::InvalidClock,
        span,
        format!("`{text}` is not a timestamp: {what}"),
    )
    .with_help(help)
}

/// `Money * Hours`, `Hours * Money` or `Hours / Money`: pay by the hour
/// needs a rate. `money` and `hours` are the operands as written, when
/// they are short names (else placeholders).
pub fn hours_times_money(
    span: Span,
    division: bool,
    money: Option<&str>,
    hours: Option<&str>,
) -> Diagnostic {
    let money = money.unwrap_or("belopp");
    let hours = hours.unwrap_or("timmar");
    if division {
        return Diagnostic::new(
            Code::HoursTimesMoney,
            span,
            "cannot divide `Hours` by `Money`",
        )
        .with_label("hours per krona is not a unit")
        .with_help(format!(
            "money divided by a rate is hours: `{money} / 62 SEK/h`; \
             money divided by hours is a rate: `{money} / {hours}`"
        ));
    }
    Diagnostic::new(
        Code::HoursTimesMoney,
        span,
        "cannot multiply `Money` and `Hours`",
    )
    .with_label("money per hour is a `Rate`")
    .with_help(format!(
        "multiply a rate by the hours: `{money} / 94 h * {hours}` (a rate from pay \
         for 94 hours), or `62 SEK/h * {hours}`"
    ))
}

/// A span's day selector that is not a `(Date) -> Bool` rule; `found`
/// says what it is (`a param`, `a rule \`(Date) -> Int\``).
pub fn invalid_day_selector(span: Span, name: &str, found: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidDaySelector,
        span,
        format!("`{name}` cannot select days: it is {found}"),
    )
    .with_label("not a rule `(Date) -> Bool`")
    .with_help("name a rule that takes one `Date` and returns `Bool`, or write `every day`")
}

/// A span whose days are never selected in the years the checker scans.
pub fn empty_window(span: Span, selector: &str, first: i32, last: i32) -> Diagnostic {
    Diagnostic::new(
        Code::EmptyWindow,
        span,
        format!("this span never holds a minute: `{selector}` selects no day"),
    )
    .with_label(format!(
        "`{selector}` is false on every day from {first} to {last}"
    ))
    .with_help(format!(
        "check the test in `{selector}`; a span needs a day to start on, and with \
         `on next` a day to end on"
    ))
}

/// Two classes of an unranked `classes` item share a minute: `first`
/// and `second` are the classes (names and spans) in the order listed,
/// `minute` the first shared one in words.
pub fn overlapping_classes(
    classes: &str,
    first: (&str, Span),
    second: (&str, Span),
    minute: &str,
) -> Diagnostic {
    let (first, first_span) = first;
    let (second, second_span) = second;
    Diagnostic::new(
        Code::OverlappingClasses,
        second_span,
        format!("classes `{first}` and `{second}` of `{classes}` overlap"),
    )
    .with_label(format!("`{second}` and `{first}` both hold {minute}"))
    .with_related(first_span, format!("`{first}` is listed here"))
    .with_help(format!(
        "write `classes {classes} ranked {{` so that the class listed first wins, \
         or narrow the windows so that no minute is in both"
    ))
}

pub fn unknown_class(span: Span, classes: &str, name: &str, known: &[String]) -> Diagnostic {
    Diagnostic::new(
        Code::UnknownClass,
        span,
        format!("`{classes}` has no class `{name}`"),
    )
    .with_help(
        match crate::spelling::closest(name, known.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{classes}.{s}`?"),
            None => format!("its classes are {}", quoted_list(known)),
        },
    )
}

/// A span whose `on next` day does not come within `days` days of a day
/// it starts on.
pub fn no_next_day(span: Span, selector: &str, start: &str, days: i64) -> Diagnostic {
    Diagnostic::new(
        Code::NoNextDay,
        span,
        format!("the span starting on {start} finds no `{selector}` day within {days} days"),
    )
    .with_label(format!("it would be cut off after {days} days"))
    .with_help("a span ends on the first later day its `on next` rule selects; check that rule")
}

/// `refuse … because ""`: a refusal must say why.
pub fn refusal_without_message(span: Span) -> Diagnostic {
    Diagnostic::new(Code::InvalidRefusal, span, "a refusal without a message")
        .with_help("say in the clause's words what is not accepted, e.g. `because \"a shift is at most 24 hours long\"`")
}

/// `refuse for x in LIST`, where LIST is not a field path of a parameter.
pub fn refusal_list_not_a_field(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidRefusal,
        span,
        "`refuse for` needs a list read from a parameter, such as `r.shifts`",
    )
    .with_help(
        "the error names the element by its place in the input (`shifts[4]`); test the \
         condition inside the `if` instead of filtering the list first \
         (`refuse for s in r.shifts if s.kind == ordinary and …`)",
    )
}
