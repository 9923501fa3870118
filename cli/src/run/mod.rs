//! `avtal run`: evaluate one entry point over a file of cases, streaming.
//!
//! CSV (long form included) and JSON Lines to CSV or JSON Lines run on
//! every core (`parallel/`): the input is cut into chunks of whole rows
//! (of whole records, in long form), and workers read, evaluate and format
//! chunks at the same time, written in input order. Otherwise
//! (`--threads 1`, Parquet and Arrow IPC)
//! rows are read on a reader thread (plain CSV cells and JSON rows
//! straight into the compiled record layout), evaluated in batches of 4096
//! through the engine boundary (`avtal_engine`: the compiled
//! entry point with `--engine jit`, the default, the interpreter for what it
//! does not compute and with `--engine interp`; the results are
//! identical), and written in input order. A bad row (a
//! cell that cannot be read, a missing JSON field, an evaluation error, a
//! result that cannot be written exactly) goes to the error report and the
//! run goes on; setup problems (errors in the sources, a missing column,
//! an unreadable file) stop it with exit code 1.

pub(crate) mod arrow_io;
pub(crate) mod early_sync;
pub(crate) mod formats;
pub(crate) mod input;
pub(crate) mod output;
pub(crate) mod parallel;
pub(crate) mod reader;
pub(crate) mod report;
pub(crate) mod row_format;

use std::time::{Duration, Instant};

use avtal_engine::arrow::Rejected;
use avtal_engine::{Computed, PreparedEntry, Results, RowFailure};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::term::{Failure, Stream, display_path};
use crate::{RunArgs, Status};
use input::Input;
use output::Output;
use reader::{RowPlace, Rows};
use report::ErrorReport;

pub(crate) use formats::input_format_of;

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
  Times are 19:00, timestamps 2026-06-05T18:30.

Lists of records (an input field such as shifts: List<Shift>):
  In JSON Lines an array of objects, [] for none. In CSV long form: one
  row per element, the record's own columns repeated; consecutive rows
  with the same first column (the key) are one record. Element field
  `start` of list `shifts` is the column shifts_start or shift_start. A
  record without elements is one row with blank element cells. A changed
  record column (E0608), a key whose rows came earlier (E0609) and a bad
  element cell fail their record, at their row; errors name that row.
  An element the agreement refuses (`shifts[2]`) is named at its own row.

Output:
  The entry point's result record, one row per good input row, in input
  order. Money, percentages and hours have 2 decimals, whole numbers none. In CSV,
  fields of nested records become `field.sub` columns and lists are JSON
  text; in JSON Lines, decimals are strings and whole numbers are numbers.
  Parquet output (.parquet) is compressed with Snappy unless
  --parquet-compression says zstd, lz4 (LZ4_RAW) or none; pyarrow, DuckDB
  and Spark read all four.

Threads:
  --threads N (default: one per core) workers read, evaluate and format
  chunks of CSV or JSON Lines rows at the same time; the output is the
  same, in input order. --threads 1 reads, evaluates and writes on one
  pipeline, batch after batch; so does long-form CSV below 3 threads (its
  rows are grouped on one reader thread, which two workers outrun).

Errors:
  A row that cannot be read or evaluated is reported with its row number
  (1-based, data rows only) and file line, and is not written; every other
  row still is. --errors FILE writes all of them as CSV (row,field,code,message).
  A CSV quote that is never closed costs its own row only: it is reported
  at the line it opened on, and reading goes on at the next line. A row or
  JSON line longer than --max-row-bytes (default 1M) is a bad row, skipped.

Files:
  --output and --errors are written to a temporary file beside each and
  replace the previous files only when the run ends: after a failure,
  SIGINT or SIGTERM they are left as they were. On Linux the temporary
  files have no name until then, so even SIGKILL leaves nothing behind. An output that names the
  input, a source file or the other output is refused.

Engines:
  --engine jit (the default) compiles the entry point to native code;
  --engine interp runs the reference interpreter. The output is the same
  byte for byte: rows the compiled code cannot compute exactly are
  evaluated by the interpreter.

Exit codes:
  0 every row succeeded; 2 some rows failed; 1 the run could not start or
  failed (errors in the sources, unreadable input, missing column, a full
  disk); 130/143 interrupted by SIGINT/SIGTERM.";

pub fn run(args: &RunArgs) -> Result<Status, Failure> {
    let crate::entry::EntryOfFile {
        loaded,
        compilation,
        entry,
    } = crate::entry::load_entry(&args.file, args.entry.as_deref(), "run")?;
    crate::safe_file::check_run_paths(args, &loaded.sources)?;
    let mut prepared = PreparedEntry::prepare(&compilation.program, &entry, args.engine.into());
    // A payroll run of millions of rows should know why it is slow.
    if let Some(why) = prepared.interpreted_because().filter(|_| !args.quiet) {
        eprintln!(
            "note: entry point `{}` cannot be compiled to native code ({why}); \
             the interpreter evaluates every row (the same results, more slowly)",
            prepared.name()
        );
    }

    let input_format = input_format_of(&args.input, args.input_format)?;
    let input = Input::open(&args.input, input_format, prepared.input_type())?;
    let output_format =
        formats::output_format_of(args.output.as_deref(), args.output_format, input_format)?;
    let mut output = Output::open(
        args.output.as_deref(),
        output_format,
        prepared.output_type(),
        args.parquet_compression,
    )?;
    let mut report = ErrorReport::open(args.errors.as_deref())?;
    let progress = progress_bar(args, input.size());

    let started = Instant::now();
    let on_progress = |position: u64, count: u64| {
        if let Some(bar) = &progress {
            update_progress(bar, position, count, started.elapsed());
        }
    };
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, usize::from),
        |n| usize::try_from(n).unwrap_or(1),
    );
    let chunked = if threads > 1 && !output.is_columnar() {
        input.into_source(threads)
    } else {
        Err(Box::new(input))
    };
    let count = match chunked {
        Ok((source, shape)) => parallel::run_chunks(
            &mut prepared,
            source,
            shape,
            &mut output,
            &mut report,
            threads,
            on_progress,
        )?,
        Err(input) => {
            let mut rows = Rows::spawn(*input, prepared.input_codec())?;
            write_rows(
                &mut prepared,
                &mut rows,
                &mut output,
                &mut report,
                u64::MAX,
                on_progress,
            )?
            .rows
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
                format!(" in {}", format_duration(elapsed, count))
            } else {
                String::new()
            };
            eprintln!("{} written to {destination}{timing}", plural_rows(count));
        }
        Ok(Status::Success)
    } else {
        eprint!("{}", report.summary(count, &destination));
        Ok(Status::RowsFailed)
    }
}

/// How far [`write_rows`] went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Written {
    /// Records written or reported.
    pub rows: u64,
    /// True when it stopped at `limit` with rows left.
    pub cut: bool,
}

/// Evaluate every batch `rows` delivers and write each answer in input
/// order: good rows to `output`, failed rows to `report`, at most `limit`
/// records. After each batch `after_batch(bytes read, rows so far)` sees
/// the progress. `avtal run` and `avtal serve`'s batches share this loop,
/// so they give the same bytes.
pub(crate) fn write_rows(
    prepared: &mut PreparedEntry<'_>,
    rows: &mut Rows,
    output: &mut Output,
    report: &mut ErrorReport,
    limit: u64,
    mut after_batch: impl FnMut(u64, u64),
) -> Result<Written, Failure> {
    let mut results = Results::default();
    let mut line = Vec::new();
    let mut count: u64 = 0;
    while let Some(batch) = rows.next_batch() {
        let batch = batch?;
        prepared.evaluate(&batch.records, &mut results);
        let whole_batch = count.saturating_add(batch.places.len() as u64) <= limit;
        if whole_batch && write_batch(prepared, &batch.places, &results, output, report)? {
            count += batch.places.len() as u64;
            let position = batch.position;
            rows.recycle(batch);
            after_batch(position, count);
            continue;
        }
        for (index, place) in batch.places.iter().enumerate() {
            if count >= limit {
                return Ok(Written {
                    rows: count,
                    cut: true,
                });
            }
            let answer = results
                .get(index)
                .ok_or_else(|| Failure::new("internal error: a row without a result"))?;
            write_answer(prepared, *place, answer, &mut line, output, report)?;
            count += 1;
        }
        let position = batch.position;
        rows.recycle(batch);
        after_batch(position, count);
    }
    Ok(Written {
        rows: count,
        cut: false,
    })
}

/// Write a whole evaluated batch at once where the output is columnar
/// (its columns copied a column at a time), failed rows to the report in
/// order; false for the row formats, which [`write_answer`] writes.
fn write_batch(
    prepared: &PreparedEntry<'_>,
    places: &[RowPlace],
    results: &Results,
    output: &mut Output,
    report: &mut ErrorReport,
) -> Result<bool, Failure> {
    if results.len() != places.len() {
        return Err(Failure::new("internal error: a row without a result"));
    }
    let written = output.write_results(results, |index, rejected| {
        let place = places
            .get(index)
            .ok_or_else(|| Failure::new("internal error: a result without a row"))?;
        let errors = match rejected {
            Rejected::Failed(failure) => prepared.field_errors(failure),
            Rejected::Unwritable(error) => vec![error],
        };
        report.add_row(place.number, place.line, errors)
    });
    written.transpose().map(|written| written.is_some())
}

/// Write one row's answer: a CSV line straight from the compiled slots
/// where it is plain, else the general writer; a failed row, or a result
/// that cannot be written exactly, goes to the report.
fn write_answer(
    prepared: &PreparedEntry<'_>,
    place: RowPlace,
    answer: Result<Computed<'_>, &RowFailure>,
    line: &mut Vec<u8>,
    output: &mut Output,
    report: &mut ErrorReport,
) -> Result<(), Failure> {
    let computed = match answer {
        Ok(computed) => computed,
        Err(failure) => {
            return report.add_row(place.number, place.line, prepared.field_errors(failure));
        }
    };
    if let Some(written) = output.write_computed(&computed)? {
        return match written {
            Ok(()) => Ok(()),
            Err(error) => report.add_row(place.number, place.line, vec![error]),
        };
    }
    if output.is_csv() {
        line.clear();
        if computed.write_csv_line(line) {
            return output.write_bytes(line);
        }
    }
    match output.write_row(&computed.to_value())? {
        Ok(()) => Ok(()),
        Err(error) => report.add_row(place.number, place.line, vec![error]),
    }
}

/// Rows evaluated together: the compiled engine runs over a whole batch
/// at once; memory stays bounded by the batch, whatever the input size.
pub(crate) const BATCH: usize = 4096;

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
