//! `avtal run`: evaluate one entry point over a file of cases, streaming.
//!
//! Rows are read one at a time (CSV or JSON Lines), parsed straight into
//! interpreter values, evaluated in batches of 4096 (by the compiled
//! entry point with `--engine jit`, the default, else the interpreter; the
//! results are identical), and written in input order. A bad row (a
//! cell that cannot be read, a missing JSON field, an evaluation error, a
//! result that cannot be written exactly) goes to the error report and the
//! run goes on; setup problems (errors in the sources, a missing column,
//! an unreadable file) stop it with exit code 1.

mod fast;
pub(crate) mod input;
pub(crate) mod output;
pub(crate) mod report;

use std::path::Path;
use std::time::{Duration, Instant};

use avtal_compiler::Sources;
use avtal_compiler::codegen::{CompiledEntry, Evaluator};
use avtal_compiler::data::DataType;
use avtal_compiler::diagnostics::messages::data as msg;
use avtal_compiler::eval::{EvalError, Interpreter, Value};
use avtal_compiler::ir::{FuncId, Program};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::term::{Failure, Stream, display_path};
use crate::{DataFormat, Engine, RunArgs, Status};
use input::{Input, Row};
use output::Output;
use report::{ErrorReport, RowError};

/// Long help of `avtal run`.
pub const HELP: &str = "\
Input:
  CSV with a header row, or JSON Lines (one object per line). Columns or
  fields are matched to the entry point's input record by name; extra
  columns are ignored, a missing one stops the run.
  Cells are plain decimals in the field's unit: 30000.00 (money), 83.46
  (a percent), 26.5 (hours), 12 (whole numbers); a point as decimal
  separator, no exponent, no thousands separator, no unit, and no more
  decimals than the type keeps. Dates are 2026-01-31. Booleans are
  true/false (any case) or 1/0. Enum values are variant names, exactly.
  In JSON, decimals may be strings (\"30000.00\") or numbers (read exactly).

Output:
  The entry point's result record, one row per good input row, in input
  order. Money, percentages and hours have 2 decimals, whole numbers none. In CSV,
  fields of nested records become `field.sub` columns and lists are JSON
  text; in JSON Lines, decimals are strings and whole numbers are numbers.

Errors:
  A row that cannot be read or evaluated is reported with its row number
  (1-based, data rows only) and file line, and is not written; every other
  row still is. --errors FILE writes all of them as CSV (row,field,code,message).

Engines:
  --engine jit (the default) compiles the entry point to native code;
  --engine interp runs the reference interpreter. The output is the same
  byte for byte: rows the compiled code cannot compute exactly are
  evaluated by the interpreter.

Exit codes:
  0 every row succeeded; 2 some rows failed; 1 the run could not start or
  was interrupted (errors in the sources, unreadable input, missing column).";

pub fn run(args: &RunArgs) -> Result<Status, Failure> {
    let crate::entry::EntryOfFile {
        loaded,
        compilation,
        entry,
    } = crate::entry::load_entry(&args.file, args.entry.as_deref(), "run")?;
    let sources = &loaded.sources;
    crate::safe_file::check_run_paths(args, sources)?;
    let plan = Plan::new(&compilation.program, entry)?;

    let input_format = input_format(args)?;
    let mut input = Input::open(&args.input, input_format, &plan.input)?;
    let output_format = output_format(args, input_format)?;
    let mut output = Output::open(args.output.as_deref(), output_format, &plan.output)?;
    let mut report = ErrorReport::open(args.errors.as_deref())?;
    let progress = progress_bar(args, input.size());

    let started = Instant::now();
    // The compiled engine on CSV input reads cells straight into the
    // compiled layout (`fast.rs`); everything else takes the general path.
    let compiled = match args.engine {
        Engine::Jit if input.is_csv() => {
            CompiledEntry::compile(&compilation.program, plan.entry).ok()
        }
        _ => None,
    };
    let rows = match compiled {
        Some(compiled) => match input.into_csv() {
            Ok((csv_rows, path)) => {
                let interpreter = Interpreter::new(&compilation.program);
                let setup = fast::Setup {
                    compiled: &compiled,
                    interpreter: &interpreter,
                    entry: plan.entry,
                    sources,
                    input_type: &plan.input,
                    output_type: &plan.output,
                };
                fast::run(
                    &setup,
                    csv_rows,
                    path,
                    &mut output,
                    &mut report,
                    progress.as_ref(),
                )?
            }
            Err(input) => {
                let mut input = *input;
                let mut evaluator = Evaluator::new(&compilation.program, plan.entry);
                run_general(
                    &mut input,
                    &mut evaluator,
                    sources,
                    &mut output,
                    &mut report,
                    progress.as_ref(),
                )?
            }
        },
        None => {
            let mut evaluator = match args.engine {
                Engine::Jit => Evaluator::new(&compilation.program, plan.entry),
                Engine::Interp => Evaluator::interpreted(&compilation.program, plan.entry),
            };
            // A payroll run of millions of rows should know why it is slow.
            if let Some(why) = evaluator.not_compiled().filter(|_| !args.quiet) {
                let name = compilation
                    .program
                    .function(plan.entry)
                    .map_or("?", |f| f.name.as_str());
                eprintln!(
                    "note: entry point `{name}` cannot be compiled to native code ({why}); \
                     the interpreter evaluates every row (the same results, more slowly)"
                );
            }
            run_general(
                &mut input,
                &mut evaluator,
                sources,
                &mut output,
                &mut report,
                progress.as_ref(),
            )?
        }
    };
    output.finish()?;
    report.finish()?;
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    let elapsed = started.elapsed();
    let destination = match &args.output {
        Some(path) if path.as_os_str() != "-" => display_path(path),
        _ => "stdout".to_string(),
    };
    if report.failed_rows() == 0 {
        if !args.quiet {
            // Timing only for people watching: logs and tests stay stable.
            let timing = if Stream::Stderr.is_terminal() {
                format!(" in {}", format_duration(elapsed, rows))
            } else {
                String::new()
            };
            eprintln!("{} written to {destination}{timing}", plural_rows(rows));
        }
        Ok(Status::Success)
    } else {
        eprint!("{}", report.summary(rows, &destination));
        Ok(Status::RowsFailed)
    }
}

/// Read, evaluate and write every row through interpreter values; returns
/// how many rows there were.
fn run_general(
    input: &mut Input,
    evaluator: &mut Evaluator<'_>,
    sources: &Sources,
    output: &mut Output,
    report: &mut ErrorReport,
    progress: Option<&ProgressBar>,
) -> Result<u64, Failure> {
    let started = Instant::now();
    let mut rows: u64 = 0;
    let mut batch = Batch::default();
    while let Some(row) = input.next_row()? {
        rows += 1;
        batch.rows.push(row);
        if batch.rows.len() == BATCH {
            batch.flush(evaluator, sources, output, report)?;
            if let Some(bar) = progress {
                update_progress(bar, input.position(), rows, started.elapsed());
            }
        }
    }
    batch.flush(evaluator, sources, output, report)?;
    Ok(rows)
}

/// The entry point and the shapes of its input and output rows.
pub(crate) struct Plan {
    pub entry: FuncId,
    pub input: DataType,
    pub output: DataType,
}

impl Plan {
    pub(crate) fn new(program: &Program, entry: FuncId) -> Result<Plan, Failure> {
        let function = program
            .function(entry)
            .ok_or_else(|| Failure::new("internal error: unknown entry point"))?;
        let [(_, param_type)] = function.params.as_slice() else {
            return Err(msg::unusable_entry(
                &function.name,
                &format!(
                    "it takes {} parameters, not one record",
                    function.params.len()
                ),
            )
            .into());
        };
        let input = DataType::new(program, param_type);
        if input.record_fields().is_none() {
            return Err(msg::unusable_entry(
                &function.name,
                &format!(
                    "its parameter has type `{}`, not a record",
                    program.type_name(param_type)
                ),
            )
            .into());
        }
        let output = DataType::new(program, &function.ret);
        if output.record_fields().is_none() {
            return Err(msg::unusable_entry(
                &function.name,
                &format!(
                    "it returns `{}`, not a record",
                    program.type_name(&function.ret)
                ),
            )
            .into());
        }
        Ok(Plan {
            entry,
            input,
            output,
        })
    }
}

fn format_from_extension(path: &Path) -> Option<DataFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "csv" => Some(DataFormat::Csv),
        "jsonl" | "ndjson" => Some(DataFormat::Jsonl),
        _ => None,
    }
}

fn is_std(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn input_format(args: &RunArgs) -> Result<DataFormat, Failure> {
    input_format_of(&args.input, args.input_format)
}

/// The format of an input file: `explicit` (from `--input-format`), else
/// CSV for stdin, else the extension's.
pub(crate) fn input_format_of(
    input: &Path,
    explicit: Option<DataFormat>,
) -> Result<DataFormat, Failure> {
    if let Some(format) = explicit {
        return Ok(format);
    }
    if is_std(input) {
        return Ok(DataFormat::Csv);
    }
    format_from_extension(input).ok_or_else(|| {
        Failure::new(format!(
            "cannot tell the format of {} from its extension",
            display_path(input)
        ))
        .with_help("name it `.csv` or `.jsonl`, or say `--input-format csv|jsonl`")
    })
}

fn output_format(args: &RunArgs, input: DataFormat) -> Result<DataFormat, Failure> {
    if let Some(format) = args.output_format {
        return Ok(format);
    }
    match &args.output {
        Some(path) if !is_std(path) => format_from_extension(path).ok_or_else(|| {
            Failure::new(format!(
                "cannot tell the format of {} from its extension",
                display_path(path)
            ))
            .with_help("name it `.csv` or `.jsonl`, or say `--output-format csv|jsonl`")
        }),
        _ => Ok(input),
    }
}

/// Rows evaluated together: the compiled engine runs over a whole batch
/// at once; memory stays bounded by the batch, whatever the input size.
pub(crate) const BATCH: usize = 4096;

#[derive(Default)]
struct Batch {
    rows: Vec<Row>,
    values: Vec<Value>,
    results: Vec<Result<Value, EvalError>>,
}

impl Batch {
    /// Evaluate the rows read so far and write them in input order; row
    /// problems go to the report.
    fn flush(
        &mut self,
        evaluator: &mut Evaluator<'_>,
        sources: &Sources,
        output: &mut Output,
        report: &mut ErrorReport,
    ) -> Result<(), Failure> {
        self.values.clear();
        self.values.extend(
            self.rows
                .iter()
                .filter_map(|row| row.value.as_ref().ok().cloned()),
        );
        self.results.clear();
        evaluator.evaluate_batch(&self.values, &mut self.results);
        let mut results = self.results.drain(..);
        for row in self.rows.drain(..) {
            if let Err(errors) = row.value {
                report.add_row(row.number, row.line, errors)?;
                continue;
            }
            let Some(result) = results.next() else {
                return Err(Failure::new("internal error: a row without a result"));
            };
            write_result(sources, row.number, row.line, result, output, report)?;
        }
        Ok(())
    }
}

/// Write one evaluated row; an evaluation error goes to the report.
fn write_result(
    sources: &Sources,
    number: u64,
    line: u64,
    result: Result<Value, EvalError>,
    output: &mut Output,
    report: &mut ErrorReport,
) -> Result<(), Failure> {
    let result = match result {
        Ok(result) => result,
        Err(error) => {
            let message = eval_error_message(sources, &error);
            return report.add_row(number, line, vec![RowError::new("", message)]);
        }
    };
    match output.write_row(&result)? {
        Ok(()) => Ok(()),
        Err(error) => report.add_row(number, line, vec![error]),
    }
}

/// An evaluation error as a row message, with the place in the sources.
pub(crate) fn eval_error_message(sources: &Sources, error: &EvalError) -> msg::DataMessage {
    let diagnostic = error.to_diagnostic();
    msg::DataMessage {
        code: diagnostic.code,
        message: format!(
            "{} ({})",
            diagnostic.message,
            sources.location(diagnostic.span)
        ),
        help: diagnostic.help,
    }
}

fn progress_bar(args: &RunArgs, size: Option<u64>) -> Option<ProgressBar> {
    let size = size?;
    if args.quiet || !Stream::Stderr.is_terminal() {
        return None;
    }
    let style = ProgressStyle::with_template(
        "{bar:40.cyan/blue} {binary_bytes}/{binary_total_bytes} {msg} ({eta} left)",
    )
    .ok()?
    .progress_chars("█▉▊▋▌▍▎▏ ");
    let bar =
        ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr()).with_style(style);
    Some(bar)
}

fn update_progress(bar: &ProgressBar, position: u64, rows: u64, elapsed: Duration) {
    bar.set_position(position);
    let seconds = elapsed.as_secs_f64();
    if seconds > 0.0 {
        bar.set_message(format!("{rows} rows, {:.0} rows/s", rows as f64 / seconds));
    }
}

fn plural_rows(rows: u64) -> String {
    if rows == 1 {
        "1 row".to_string()
    } else {
        format!("{rows} rows")
    }
}

/// `0.42 s (2380 rows/s)`
fn format_duration(elapsed: Duration, rows: u64) -> String {
    let seconds = elapsed.as_secs_f64();
    if seconds > 0.0 && rows > 0 {
        format!("{seconds:.2} s ({:.0} rows/s)", rows as f64 / seconds)
    } else {
        format!("{seconds:.2} s")
    }
}
