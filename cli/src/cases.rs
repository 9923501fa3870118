//! `avtal test --cases FILE --entry NAME`: check a reviewer's case file of
//! inputs and expected outputs against an `evaluate` entry point, through
//! the engine `avtal run` uses (`avtal_engine`), without editing
//! the source.
//!
//! A case whose output differs is shown with the explanation of its first
//! differing field (`explain::Explanation::focus_on_output`).
//!
//! Every data row is a case; a row whose input cannot be read, whose
//! evaluation fails or whose expected cell cannot be read is a failed case,
//! never skipped (a row with an unterminated quote is one failed case, and
//! the cases after it are read, as by `avtal run`). The last line is always
//! `test result: N passed, M failed`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use std::cell::RefCell;

use avtal_compiler::data::DataType;
use avtal_compiler::diagnostics::messages::data as msg;
use avtal_compiler::eval::Value;
use avtal_compiler::explain::explain;
use avtal_compiler::ir::Program;
use avtal_engine::{Engine, PreparedEntry};
use serde_json::value::RawValue;

use crate::run::input::CsvRows;
use crate::term::{Failure, display_path};
use crate::{Status, TestArgs, loader};

/// Long help of `avtal test` (the case-file part).
pub const HELP: &str = "\
Case files (--cases FILE --entry NAME):
  A CSV (.csv) or JSON Lines (.jsonl, .ndjson) file of cases for an
  `evaluate` entry point: the entry's input columns, read as by
  `avtal run`, plus one column per output field to check, named
  `expected.FIELD` (e.g. `expected.vacation_guarantee`). An empty expected
  cell (or JSON null) is not checked, nor is an output field without an
  expected column. Expected cells are read with the output field's type and
  compared by value (money 197.00 equals 197). Each failing case is shown
  as `case N (line L): FIELD expected X, actual Y` with its input cells and
  the explanation of the first differing field (the calls, params, table
  rows, branches and conditions it depends on, as `avtal explain` shows
  them); a case whose input cannot be read or whose evaluation fails is a
  failed case, shown with the evaluation up to the error. An `expected.*` column for a field the output does not have is an
  error. An input with a list of records is read from CSV in long form,
  as by `avtal run`; its expected cells repeat on each row of a case. The last line is `test result: N passed, M failed`; the exit code
  is 1 when a case failed, else 0.";

const PREFIX: &str = "expected.";

pub fn run(args: &TestArgs, cases: &Path) -> Result<Status, Failure> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let loaded = loader::load(&paths)?;
    let sources = &loaded.sources;
    let compilation = crate::entry::compile_or_fail(
        sources,
        "check cases",
        Some("fix them first; `avtal check` lists them"),
    )?;
    let entry = crate::entry::select_entry(
        &compilation,
        &loaded.given,
        args.entry.as_deref(),
        "the given sources",
    )?;
    let prepared = PreparedEntry::prepare(&compilation.program, &entry, Engine::Jit);
    let (input, output) = (
        prepared.input_type().clone(),
        prepared.output_type().clone(),
    );
    let checker = Checker {
        program: &compilation.program,
        entry_name: prepared.name().to_string(),
        engine: RefCell::new(prepared),
        output: &output,
    };
    let file = File::open(cases).map_err(|e| Failure::read(cases, &e))?;
    let ext = cases
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let mut tally = Tally::default();
    match ext.as_deref() {
        Some("csv") => check_csv(&checker, cases, file, &input, &mut tally)?,
        Some("jsonl" | "ndjson") => check_jsonl(&checker, cases, file, &input, &mut tally)?,
        _ => {
            return Err(Failure::new(format!(
                "cannot tell the format of {} from its extension",
                display_path(cases)
            ))
            .with_help("name it `.csv` or `.jsonl`"));
        }
    }
    println!(
        "test result: {} passed, {} failed",
        tally.passed, tally.failed
    );
    Ok(if tally.failed > 0 {
        Status::Failed
    } else {
        Status::Success
    })
}

#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
}

struct Checker<'a> {
    program: &'a Program,
    engine: RefCell<PreparedEntry<'a>>,
    entry_name: String,
    output: &'a DataType,
}

/// One expected value of a case: the output field's index and the cell.
enum Expected {
    Value(usize, Value),
    /// The cell could not be read: `expected.FIELD: message`.
    Bad(String),
}

impl Checker<'_> {
    fn fields(&self) -> &[(String, DataType)] {
        self.output.record_fields().unwrap_or(&[])
    }

    /// The output field an `expected.FIELD` column checks.
    fn field(&self, name: &str) -> Result<usize, Failure> {
        self.fields()
            .iter()
            .position(|(field, _)| field == name)
            .ok_or_else(|| {
                let outputs: Vec<String> = self
                    .fields()
                    .iter()
                    .map(|(field, _)| format!("`{field}`"))
                    .collect();
                Failure::new(format!(
                    "the column `{PREFIX}{name}` checks `{name}`, which is not an output of `{}`",
                    self.entry_name
                ))
                .with_help(format!("its outputs are {}", outputs.join(", ")))
            })
    }

    /// Evaluate one case and report it; `input` is its input cells.
    fn check(
        &self,
        number: u64,
        line: u64,
        value: Result<Value, Vec<String>>,
        expected: Vec<Expected>,
        input: &str,
        tally: &mut Tally,
    ) {
        let mut problems: Vec<String> = Vec::new();
        // The explanation of the first problem the evaluation shows.
        let mut explanation: Option<String> = None;
        match value {
            Err(errors) => problems.extend(errors),
            Ok(value) => match self.evaluate(&value) {
                Err(messages) => {
                    problems.extend(
                        messages
                            .into_iter()
                            .map(|m| format!("evaluation failed: {m}")),
                    );
                    explanation = Some(self.explain(&value, None));
                }
                Ok(result) => {
                    let actual: &[Value] = match &result {
                        Value::Record(fields) => fields,
                        _ => &[],
                    };
                    for item in expected {
                        match item {
                            Expected::Bad(message) => problems.push(message),
                            Expected::Value(index, want) => {
                                let (name, ty) = match self.fields().get(index) {
                                    Some((name, ty)) => (name.as_str(), ty),
                                    None => continue,
                                };
                                let got = actual.get(index);
                                if got != Some(&want) {
                                    problems.push(format!(
                                        "{name} expected {}, actual {}",
                                        show(ty, Some(&want)),
                                        show(ty, got)
                                    ));
                                    if explanation.is_none() {
                                        explanation = Some(self.explain(&value, Some(name)));
                                    }
                                }
                            }
                        }
                    }
                }
            },
        }
        if problems.is_empty() {
            tally.passed += 1;
            return;
        }
        tally.failed += 1;
        let mut report = String::new();
        for problem in &problems {
            let _ = writeln!(report, "case {number} (line {line}): {problem}");
        }
        let _ = writeln!(report, "  input: {input}");
        if let Some(tree) = explanation {
            for line in tree.lines() {
                let _ = writeln!(report, "  {line}");
            }
        }
        print!("{report}");
    }

    /// The result of one case, or its problems (with their places).
    fn evaluate(&self, value: &Value) -> Result<Value, Vec<String>> {
        let mut engine = self.engine.borrow_mut();
        engine.evaluate_value(value).map_err(|failure| {
            engine
                .field_errors(&failure)
                .into_iter()
                .map(|error| error.message.message)
                .collect()
        })
    }

    /// The evaluation of `value` as a tree, trimmed to what the output
    /// `field` depends on (the whole tree when `None`).
    fn explain(&self, value: &Value, field: Option<&str>) -> String {
        let entry = self.engine.borrow().entry().function;
        let explanation = explain(self.program, entry, value);
        let explanation = match field {
            Some(field) => explanation.focus_on_output(field),
            None => explanation,
        };
        let title = match field {
            Some(field) => format!("how `{field}` was computed:"),
            None => "how far the evaluation got:".to_string(),
        };
        format!("{title}\n{}", explanation.render_tree())
    }
}

/// A value as an output cell.
fn show(ty: &DataType, value: Option<&Value>) -> String {
    let Some(value) = value else {
        return "nothing".to_string();
    };
    let mut out = String::new();
    match ty.write_cell(value, &mut out) {
        Ok(()) => out,
        Err(_) => format!("{value:?}"),
    }
}

/// Read one expected cell with the output field's type; `None` when empty.
fn expected_cell(checker: &Checker<'_>, index: usize, text: &str) -> Option<Expected> {
    if text.trim().is_empty() {
        return None;
    }
    let (name, ty) = checker.fields().get(index)?;
    let parsed = if ty.is_scalar() {
        ty.parse_text(text).map_err(|e| msg::cell(&e).message)
    } else {
        ty.parse_json_text(text).map_err(|errors| {
            errors
                .iter()
                .map(|e| msg::cell(e).message)
                .collect::<Vec<_>>()
                .join("; ")
        })
    };
    Some(match parsed {
        Ok(value) => Expected::Value(index, value),
        Err(message) => Expected::Bad(format!("{PREFIX}{name}: {message}")),
    })
}

fn check_csv(
    checker: &Checker<'_>,
    path: &Path,
    file: File,
    input: &DataType,
    tally: &mut Tally,
) -> Result<(), Failure> {
    // `avtal run`'s reader: a stray quote costs its case, not the cases
    // after it, and a record with a list is read from long-form rows,
    // whose expected columns repeat like the record's own.
    let mut rows = CsvRows::new(path, Box::new(file), input, |name| name.starts_with(PREFIX))?;
    let header = rows.header().to_vec();
    let mut checks: Vec<(usize, usize)> = Vec::new();
    for (column, name) in header.iter().enumerate() {
        if let Some(field) = name.strip_prefix(PREFIX) {
            checks.push((column, checker.field(field)?));
        }
    }
    let shown_columns: Vec<(String, usize)> = rows.input_columns().collect();
    while let Some(row) = rows.next_row(path)? {
        let cells = rows.cells();
        let text = |column: usize| String::from_utf8_lossy(cells.get(column).unwrap_or_default());
        // A row that could not be split into cells has none to show.
        let shown = if cells.len() == header.len() {
            shown_columns
                .iter()
                .map(|(name, column)| format!("{name}={}", text(*column)))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            String::new()
        };
        let value = row.value.map_err(|errors| {
            errors
                .iter()
                .map(|error| {
                    let place = match error.row {
                        Some(at) if at.number != row.number => format!(" (row {})", at.number),
                        _ => String::new(),
                    };
                    if error.field.is_empty() {
                        format!("{}{place}", error.message.message)
                    } else {
                        format!("{}{place}: {}", error.field, error.message.message)
                    }
                })
                .collect()
        });
        let expected = if value.is_ok() {
            checks
                .iter()
                .filter_map(|(column, field)| expected_cell(checker, *field, &text(*column)))
                .collect()
        } else {
            Vec::new()
        };
        checker.check(row.number, row.line, value, expected, &shown, tally);
    }
    Ok(())
}

fn check_jsonl(
    checker: &Checker<'_>,
    path: &Path,
    file: File,
    input: &DataType,
    tally: &mut Tally,
) -> Result<(), Failure> {
    let reader = BufReader::new(file);
    let mut number = 0u64;
    for (index, text) in reader.lines().enumerate() {
        let text = text.map_err(|e| Failure::read(path, &e))?;
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            continue;
        }
        number += 1;
        let line = index as u64 + 1;
        let value = input.parse_json_text(text).map_err(|errors| {
            errors
                .iter()
                .map(|e| format!("{}: {}", e.path, msg::cell(e).message))
                .collect()
        });
        let mut expected = Vec::new();
        if let Ok(object) = serde_json::from_str::<BTreeMap<String, Box<RawValue>>>(text) {
            for (key, raw) in &object {
                let Some(name) = key.strip_prefix(PREFIX) else {
                    continue;
                };
                let field = checker.field(name)?;
                let empty = matches!(serde_json::from_str::<String>(raw.get()),
                    Ok(string) if string.trim().is_empty());
                if empty || raw.get() == "null" {
                    continue;
                }
                if let Some((_, ty)) = checker.fields().get(field) {
                    match ty.parse_json(raw) {
                        Ok(value) => expected.push(Expected::Value(field, value)),
                        Err(errors) => {
                            let message: Vec<String> =
                                errors.iter().map(|e| msg::cell(e).message).collect();
                            expected.push(Expected::Bad(format!("{key}: {}", message.join("; "))));
                        }
                    }
                }
            }
        }
        checker.check(number, line, value, expected, text, tally);
    }
    Ok(())
}
