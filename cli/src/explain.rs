//! `avtal explain FILE --case JSON | --input FILE --row N`: the evaluation
//! of one record by an entry point, as a tree (text or JSON).
//!
//! This module reads the record (an inline JSON object, or one row of a
//! CSV or JSON Lines file, numbered as `avtal run` numbers rows), calls
//! `avtal_compiler::explain::explain` and prints the result. Building and
//! rendering the tree is the compiler's; a problem with the record is a
//! data diagnostic naming the row and the field. An evaluation error still
//! prints the tree up to the failure, and the error as a diagnostic on
//! stderr; the exit code is then 1.

use std::path::Path;

use avtal_compiler::Sources;
use avtal_compiler::data::{CellError, DataType};
use avtal_compiler::diagnostics::Code;
use avtal_compiler::diagnostics::messages::data as msg;
use avtal_compiler::diagnostics::render::render_human;
use avtal_compiler::eval::Value;
use avtal_compiler::explain::explain;
use avtal_compiler::types::Type;

use crate::run::input::Input;
use crate::run::report::RowError;
use crate::term::{Failure, Stream, render_options};
use crate::{ExplainArgs, ReportFormat, Status};

/// Long help of `avtal explain`.
pub const HELP: &str = "\
The record:
  --case '{\"salary\": \"32000.00\", \"period\": \"2026-03-01\"}' gives it inline,
  as a JSON object with the entry's input fields (decimals as strings or
  exact JSON numbers, as in JSON Lines input); every field is required and
  no other key is allowed. --input FILE --row N takes row N of a CSV or
  JSON Lines file, counting data rows from 1 (the CSV header and blank
  JSON lines not counted), as `avtal run` numbers rows in its reports.

The tree:
  Every call of a rule, table, condition, limit or entry point, with its
  arguments, its value and the `source` of the clause; inside it every
  param read (the date it was looked up at, the `from` date of the value
  in force), every table row tested (and the cell that rejected it), every
  `if` and `match` branch taken and every `requires` tested, with the
  reason of those that failed; for `hours_in`, `hours_on` and `in_class`
  the interval, the minutes of each class in it with the span that put
  them there, and the param amount the hours are multiplied by. The text
  folds repeated steps: the calls of one comprehension are one step with
  a line per interval, and four or more calls of one rule from one place
  show the first and summarise the rest. --format json prints every step,
  schema \"avtal.explain/1\" (docs/explain.md).

Exit codes:
  0 the record was evaluated; 1 it could not be read or its evaluation
  failed (the tree up to the failure is still printed).";

pub fn run(args: &ExplainArgs) -> Result<Status, Failure> {
    let crate::entry::EntryOfFile {
        loaded,
        compilation,
        entry,
    } = crate::entry::load_entry(&args.file, args.entry.as_deref(), "explain")?;
    let sources = &loaded.sources;
    let program = &compilation.program;
    // The shape of the entry point was checked by the checker.
    let input = DataType::new(program, &Type::Record(entry.input));
    let record = match (&args.case, &args.input, args.row) {
        (Some(case), None, None) => read_case(case, &input)?,
        (None, Some(path), Some(row)) => read_row(args, path, row, &input)?,
        _ => {
            return Err(Failure::new(
                "give the record with `--case JSON` or `--input FILE --row N`",
            ));
        }
    };
    let explanation = explain(program, entry.function, &record);
    match args.format {
        ReportFormat::Text => print!("{}", explanation.render_text()),
        ReportFormat::Json => {
            let text = serde_json::to_string_pretty(&explanation.to_json())
                .map_err(|e| Failure::new(format!("internal error: {e}")))?;
            println!("{text}");
        }
    }
    match &explanation.result {
        Ok(_) => Ok(Status::Success),
        Err(error) => {
            report_error(sources, &error.to_diagnostic());
            Ok(Status::Failed)
        }
    }
}

fn report_error(sources: &Sources, diagnostic: &avtal_compiler::Diagnostic) {
    eprint!(
        "{}",
        render_human(
            sources,
            std::slice::from_ref(diagnostic),
            render_options(Stream::Stderr)
        )
    );
}

/// The `--case` object: every key a field, every field given.
fn read_case(case: &str, input: &DataType) -> Result<Value, Failure> {
    if let Some((_, message)) = crate::case_object::unknown_field(case, input) {
        return Err(message.into());
    }
    input.parse_json_text(case).map_err(|errors| {
        let failure = cell_failure("in --case", &errors);
        // The reader's help speaks of JSON Lines files; a case is one object.
        if failure.code == Some(Code::MalformedRow) {
            failure.with_help("give one JSON object: --case '{\"field\": \"value\", …}'")
        } else {
            failure
        }
    })
}

/// Row `row` of the input file, read as `avtal run` reads it.
fn read_row(args: &ExplainArgs, path: &Path, row: u64, input: &DataType) -> Result<Value, Failure> {
    let format = crate::run::input_format_of(path, args.input_format)?;
    let mut rows = Input::open(path, format, input)?;
    let mut count = 0;
    while let Some(next) = rows.next_row()? {
        count = next.last;
        // A long-form record of several rows is explained for any of them.
        if !(next.number..=next.last).contains(&row) {
            continue;
        }
        return next
            .value
            .map_err(|errors| row_failure(&format!("row {row} (line {})", next.line), &errors));
    }
    Err(msg::no_such_row(row, count).into())
}

fn cell_failure(place: &str, errors: &[CellError]) -> Failure {
    let problems: Vec<RowError> = errors
        .iter()
        .map(|error| RowError::new(&error.path, msg::cell(error)))
        .collect();
    row_failure(place, &problems)
}

/// A problem's message with its place, its help and its code.
type Described = (String, Option<String>, Code);

/// The first problem as the failure, each with its place and field; the
/// others are named in a help line so none is lost.
fn row_failure(place: &str, errors: &[RowError]) -> Failure {
    let described: Vec<Described> = errors
        .iter()
        .map(|error| {
            let field = if error.field.is_empty() {
                String::new()
            } else {
                format!(", field `{}`", error.field)
            };
            (
                format!("{place}{field}: {}", error.message.message),
                error.message.help.clone(),
                error.message.code,
            )
        })
        .collect();
    let Some((first, help, code)) = described.first().cloned() else {
        return Failure::new(format!("{place}: cannot be read"));
    };
    let mut message = msg_with_code(code, first);
    let others: Vec<String> = described
        .iter()
        .skip(1)
        .map(|(m, _, _)| m.clone())
        .collect();
    match (help, others.is_empty()) {
        (Some(help), true) => message = message.with_help(help),
        (Some(help), false) => {
            message = message.with_help(format!("{help}; also: {}", others.join("; ")));
        }
        (None, false) => message = message.with_help(format!("also: {}", others.join("; "))),
        (None, true) => {}
    }
    message
}

fn msg_with_code(code: Code, message: String) -> Failure {
    Failure {
        code: Some(code),
        ..Failure::new(message)
    }
}
