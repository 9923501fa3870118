//! Writing result rows: CSV (a header, then one row per good input row;
//! nested records flattened to `field.sub` columns) or JSON Lines (one
//! object per row, decimals as strings), to a file, stdout or a writer
//! of the caller's (`avtal serve`).
//!
//! A row is formatted completely before any of it is written, so a value
//! that cannot be written exactly (E0507) fails the row without leaving
//! half a row in the output. A file is written through a
//! [`SafeFile`](crate::safe_file::SafeFile): it replaces the previous file
//! only when the command ends as promised.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use avtal_compiler::data::DataType;
use avtal_compiler::eval::Value;

use super::arrow_io::ArrowSink;
use super::report::RowError;
use super::row_format::RowFormatter;
pub(crate) use super::row_format::{Column, field_at, flatten};
use crate::safe_file::{self, ROWS_WRITTEN, SafeFile};
use crate::term::Failure;
use crate::{DataFormat, ParquetCompression};
use avtal_engine::arrow::Rejected;
use avtal_engine::{Computed, Results};

pub struct Output {
    path: PathBuf,
    kind: Kind,
    /// The row being written.
    line: Vec<u8>,
}

enum Kind {
    /// CSV or JSON Lines: rows formatted by `formatter` (`row_format.rs`),
    /// or written as bytes formatted elsewhere (`write_bytes`), in order.
    Rows {
        sink: BufWriter<Sink>,
        formatter: RowFormatter,
    },
    /// Parquet and Arrow IPC, gathered in columns (`arrow_io.rs`).
    Columnar(Box<ArrowSink>),
}

const BUFFER: usize = 1 << 16;

impl Output {
    /// Start writing records of `record` to `path` (absent: stdout) in
    /// `format`; `compression` is for Parquet only (given with another
    /// format, it is refused).
    pub fn open(
        path: Option<&Path>,
        format: DataFormat,
        record: &DataType,
        compression: Option<ParquetCompression>,
    ) -> Result<Output, Failure> {
        let path = path.map_or_else(|| PathBuf::from("-"), Path::to_path_buf);
        if compression.is_some() && format != DataFormat::Parquet {
            return Err(
                Failure::new("--parquet-compression is for Parquet output only").with_help(
                    "write to a `.parquet` file (or give `--output-format parquet`), or leave the flag out",
                ),
            );
        }
        if matches!(format, DataFormat::Parquet | DataFormat::Arrow) {
            let compression = compression.unwrap_or(ParquetCompression::Snappy);
            let sink = ArrowSink::open(&path, format, record, compression)?;
            return Ok(Output {
                path,
                kind: Kind::Columnar(Box::new(sink)),
                line: Vec::new(),
            });
        }
        let sink = if path.as_os_str() == "-" {
            Sink::Stdout(io::stdout().lock())
        } else {
            Sink::File(SafeFile::create(&path)?)
        };
        Output::with_sink(path, sink, format, record)
    }

    /// Write rows to any writer (`avtal serve`'s response bodies); `label`
    /// names it in messages. The same bytes as to a file.
    pub fn to_writer(
        label: &Path,
        writer: Box<dyn Write>,
        format: DataFormat,
        record: &DataType,
    ) -> Result<Output, Failure> {
        Output::with_sink(label.to_path_buf(), Sink::Writer(writer), format, record)
    }

    fn with_sink(
        path: PathBuf,
        sink: Sink,
        format: DataFormat,
        record: &DataType,
    ) -> Result<Output, Failure> {
        let mut formatter = match format {
            DataFormat::Csv => RowFormatter::csv(record),
            DataFormat::Jsonl => RowFormatter::jsonl(record),
            DataFormat::Parquet | DataFormat::Arrow => {
                return Err(Failure::new(
                    "internal error: a columnar output written as rows",
                ));
            }
        };
        let mut sink = BufWriter::with_capacity(BUFFER, sink);
        let mut header = Vec::new();
        formatter.header(&mut header)?;
        sink.write_all(&header)
            .map_err(|e| Failure::write(&path, &e))?;
        Ok(Output {
            path,
            kind: Kind::Rows { sink, formatter },
            line: Vec::new(),
        })
    }

    /// Write one result; `Ok(Err(..))` when the value cannot be written
    /// exactly (nothing of the row is written then).
    pub fn write_row(&mut self, value: &Value) -> Result<Result<(), RowError>, Failure> {
        match &mut self.kind {
            Kind::Columnar(sink) => return sink.write_value(value),
            Kind::Rows { sink, formatter } => {
                self.line.clear();
                if let Err(error) = formatter.value(value, &mut self.line)? {
                    return Ok(Err(error));
                }
                sink.write_all(&self.line)
                    .map_err(|e| Failure::write(&self.path, &e))?;
            }
        }
        safe_file::bump(&ROWS_WRITTEN);
        Ok(Ok(()))
    }

    /// Write a computed result straight into columns, where the output is
    /// columnar (`None` for the row formats).
    pub fn write_computed(
        &mut self,
        computed: &Computed<'_>,
    ) -> Result<Option<Result<(), RowError>>, Failure> {
        match &mut self.kind {
            Kind::Columnar(sink) => sink.write(computed).map(Some),
            Kind::Rows { .. } => Ok(None),
        }
    }

    /// Write every answer of an evaluated batch at once, where the output
    /// is columnar (`None` for the row formats, written row by row);
    /// `rejected(index, why)` for each row not written.
    pub fn write_results<'r>(
        &mut self,
        results: &'r Results,
        rejected: impl FnMut(usize, Rejected<'r>) -> Result<(), Failure>,
    ) -> Option<Result<(), Failure>> {
        match &mut self.kind {
            Kind::Columnar(sink) => Some(sink.write_results(results, rejected)),
            Kind::Rows { .. } => None,
        }
    }

    /// True for Parquet and Arrow IPC, gathered in columns.
    pub fn is_columnar(&self) -> bool {
        matches!(self.kind, Kind::Columnar(_))
    }

    /// True for CSV output, whose rows [`Output::write_bytes`] may write.
    pub fn is_csv(&self) -> bool {
        matches!(&self.kind, Kind::Rows { formatter, .. } if formatter.is_csv())
    }

    /// Write a row formatted elsewhere (a complete line), in order with
    /// those written by [`Output::write_row`].
    pub fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        self.write_rows_bytes(bytes, 1)
    }

    /// Write `rows` rows formatted elsewhere (complete lines, as a
    /// [`RowFormatter`] of this output's format gives them).
    pub fn write_rows_bytes(&mut self, bytes: &[u8], rows: u64) -> Result<(), Failure> {
        let sink = match &mut self.kind {
            Kind::Rows { sink, .. } => sink,
            Kind::Columnar(_) => {
                return Err(Failure::new(
                    "internal error: text written to a columnar output",
                ));
            }
        };
        sink.write_all(bytes)
            .map_err(|e| Failure::write(&self.path, &e))?;
        ROWS_WRITTEN.fetch_add(rows, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Write out what is buffered; a file is then ready to replace the
    /// previous one when the command ends (`safe_file::commit_ready`).
    pub fn finish(self) -> Result<(), Failure> {
        let path = self.path;
        let writer = match self.kind {
            Kind::Rows { sink, .. } => sink,
            Kind::Columnar(sink) => return sink.finish(),
        };
        match writer.into_inner() {
            Ok(Sink::File(file)) => file.finish(),
            Ok(Sink::Stdout(mut stdout)) => stdout.flush().map_err(|e| Failure::write(&path, &e)),
            Ok(Sink::Writer(mut writer)) => writer.flush().map_err(|e| Failure::write(&path, &e)),
            Err(error) => Err(Failure::write(&path, error.error())),
        }
    }
}

/// Where the rows go: stdout (streaming), a file replaced at the end, or
/// a writer of the caller's (a response body).
enum Sink {
    Stdout(io::StdoutLock<'static>),
    File(SafeFile),
    Writer(Box<dyn Write>),
}

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(stdout) => stdout.write(bytes),
            Sink::File(file) => file.write(bytes),
            Sink::Writer(writer) => writer.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(stdout) => stdout.flush(),
            Sink::File(file) => file.flush(),
            Sink::Writer(writer) => writer.flush(),
        }
    }
}
