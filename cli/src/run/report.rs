//! The error report of a run: every failed row goes to `--errors FILE` (or
//! a writer of the caller's: `avtal serve`)
//! (CSV `row,field,code,message`) when given, and the first few are kept
//! for the summary on stderr. The file is a
//! [`SafeFile`](crate::safe_file::SafeFile), written in full or not at all.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::safe_file::{self, ROWS_FAILED, SafeFile};
use crate::term::{Failure, display_path};

/// How many errors the stderr summary shows, in all and per row.
const SHOWN: usize = 10;
const SHOWN_PER_ROW: usize = 3;

/// An error kept for the summary, or a note that a row had more.
enum Shown {
    Error {
        row: u64,
        line: u64,
        error: RowError,
    },
    More {
        row: u64,
        count: usize,
    },
}

/// One problem in one row: the field (or `""` for the whole row) and what.
pub use avtal_engine::FieldError as RowError;

pub struct ErrorReport {
    file: Option<(PathBuf, csv::Writer<BufWriter<ReportSink>>)>,
    /// `--errors FILE`, also after [`ErrorReport::finish`].
    path: Option<PathBuf>,
    shown: Vec<Shown>,
    errors: u64,
    failed_rows: u64,
}

impl ErrorReport {
    pub fn open(path: Option<&Path>) -> Result<ErrorReport, Failure> {
        let file = match path {
            Some(path) => Some(Self::start(
                path,
                ReportSink::File(SafeFile::create(path)?),
            )?),
            None => None,
        };
        Ok(ErrorReport::with_file(file, path))
    }

    /// A report written to any writer (`avtal serve`'s response bodies),
    /// the same bytes as `--errors FILE`; `label` names it in messages.
    pub fn to_writer(label: &Path, writer: Box<dyn Write>) -> Result<ErrorReport, Failure> {
        let file = Self::start(label, ReportSink::Writer(writer))?;
        Ok(ErrorReport::with_file(Some(file), Some(label)))
    }

    fn start(
        path: &Path,
        sink: ReportSink,
    ) -> Result<(PathBuf, csv::Writer<BufWriter<ReportSink>>), Failure> {
        let mut writer = csv::Writer::from_writer(BufWriter::new(sink));
        writer
            .write_record(["row", "field", "code", "message"])
            .map_err(|e| write_failure(path, e))?;
        Ok((path.to_path_buf(), writer))
    }

    fn with_file(
        file: Option<(PathBuf, csv::Writer<BufWriter<ReportSink>>)>,
        path: Option<&Path>,
    ) -> ErrorReport {
        ErrorReport {
            file,
            path: path.map(Path::to_path_buf),
            shown: Vec::new(),
            errors: 0,
            failed_rows: 0,
        }
    }

    /// Record the problems of one row (one record: a record of several
    /// long-form rows is at its first row, and a problem in a later row
    /// names that row).
    pub fn add_row(
        &mut self,
        record_row: u64,
        record_line: u64,
        errors: Vec<RowError>,
    ) -> Result<(), Failure> {
        self.failed_rows += 1;
        safe_file::bump(&ROWS_FAILED);
        let count = errors.len();
        let room = SHOWN.saturating_sub(self.shown.len());
        for (index, error) in errors.into_iter().enumerate() {
            let (row, line) = error
                .row
                .map_or((record_row, record_line), |at| (at.number, at.line));
            self.errors += 1;
            if let Some((path, writer)) = &mut self.file {
                let row_text = row.to_string();
                writer
                    .write_record([
                        row_text.as_str(),
                        error.field.as_str(),
                        error.message.code.as_str(),
                        error.message.message.as_str(),
                    ])
                    .map_err(|e| write_failure(path, e))?;
            }
            if index < SHOWN_PER_ROW.min(room) {
                self.shown.push(Shown::Error { row, line, error });
            }
        }
        let shown_here = count.min(SHOWN_PER_ROW.min(room));
        if room > 0 && count > shown_here {
            self.shown.push(Shown::More {
                row: record_row,
                count: count - shown_here,
            });
        }
        Ok(())
    }

    pub fn failed_rows(&self) -> u64 {
        self.failed_rows
    }

    /// Write out what is buffered; the file is then ready to replace the
    /// previous one when the command ends (`safe_file::commit_ready`).
    /// The report keeps its path for [`ErrorReport::listing`].
    pub fn finish(&mut self) -> Result<(), Failure> {
        let Some((path, writer)) = self.file.take() else {
            return Ok(());
        };
        writer
            .into_inner()
            .map_err(|e| Failure::write(&path, e.error()))
            .and_then(|buffered| {
                buffered
                    .into_inner()
                    .map_err(|e| Failure::write(&path, e.error()))
            })
            .and_then(|sink| match sink {
                ReportSink::File(file) => file.finish(),
                ReportSink::Writer(mut writer) => {
                    writer.flush().map_err(|e| Failure::write(&path, &e))
                }
            })
    }

    /// The stderr summary: a headline, the first errors, where the rest are.
    pub fn summary(&self, rows: u64, destination: &str) -> String {
        let mut out = String::new();
        let written = rows.saturating_sub(self.failed_rows);
        let headline = if rows == 1 && written == 0 {
            "the only row failed; no results were written".to_string()
        } else if written == 0 {
            format!("all {rows} rows failed; no results were written")
        } else {
            format!(
                "{} of {rows} rows failed; the other {written} were written to {destination}",
                self.failed_rows
            )
        };
        let _ = writeln!(out, "error: {headline}");
        out.push_str(&self.listing());
        out
    }

    /// The first errors, one per line, and where the rest are (for a
    /// summary with its own headline, as `avtal diff` prints).
    pub fn listing(&self) -> String {
        let mut out = String::new();
        let mut shown_errors = 0u64;
        for shown in &self.shown {
            match shown {
                Shown::Error { row, line, error } => {
                    shown_errors += 1;
                    // Columnar files (Parquet, Arrow) have rows, not lines: 0.
                    let at = if *line == 0 {
                        format!("row {row}")
                    } else {
                        format!("row {row} (line {line})")
                    };
                    let place = if error.field.is_empty() {
                        at
                    } else {
                        format!("{at}, field {}", error.field)
                    };
                    let _ = writeln!(
                        out,
                        "  {place}: {} [{}]",
                        error.message.message, error.message.code
                    );
                    if let Some(help) = &error.message.help {
                        let _ = writeln!(out, "      help: {help}");
                    }
                }
                Shown::More { row, count } => {
                    let noun = if *count == 1 { "error" } else { "errors" };
                    let _ = writeln!(out, "  row {row}: {count} more {noun}");
                }
            }
        }
        let hidden = self.errors.saturating_sub(shown_errors);
        match &self.path {
            Some(path) if hidden > 0 => {
                let _ = writeln!(
                    out,
                    "  … {hidden} more not shown; all {} errors are in {}",
                    self.errors,
                    display_path(path)
                );
            }
            Some(path) => {
                let _ = writeln!(out, "  (also written to {})", display_path(path));
            }
            None if hidden > 0 => {
                let _ = writeln!(
                    out,
                    "  … {hidden} more not shown; `--errors FILE` writes all {} errors",
                    self.errors
                );
            }
            None => {}
        }
        out
    }
}

/// Where `--errors` goes: a file replaced at the end, or a writer of the
/// caller's.
enum ReportSink {
    File(SafeFile),
    Writer(Box<dyn Write>),
}

impl Write for ReportSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            ReportSink::File(file) => file.write(bytes),
            ReportSink::Writer(writer) => writer.write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            ReportSink::File(file) => file.flush(),
            ReportSink::Writer(writer) => writer.flush(),
        }
    }
}

fn write_failure(path: &Path, error: csv::Error) -> Failure {
    match error.into_kind() {
        csv::ErrorKind::Io(io_error) => Failure::write(path, &io_error),
        other => Failure::new(format!("cannot write {}: {other:?}", display_path(path))),
    }
}
