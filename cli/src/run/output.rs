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

use std::cell::RefCell;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use avtal_compiler::data::{CellError, DataType, Problem};
use avtal_compiler::diagnostics::messages::data as msg;
use avtal_compiler::eval::Value;

use super::arrow_io::ArrowSink;
use super::report::RowError;
use crate::DataFormat;
use crate::safe_file::{self, ROWS_WRITTEN, SafeFile};
use crate::term::Failure;
use avtal_engine::Computed;

pub struct Output {
    path: PathBuf,
    kind: Kind,
    buffer: String,
}

enum Kind {
    Csv {
        sink: BufWriter<Sink>,
        /// Formats one row at a time (quoting as CSV needs) into its
        /// `Vec`, which then goes to `sink`: so rows formatted here and
        /// rows written as bytes (`write_bytes`) stay in order.
        formatter: Box<csv::Writer<Formatted>>,
        formatted: Formatted,
        columns: Vec<Column>,
        /// End offsets of each cell in `buffer`.
        ends: Vec<usize>,
    },
    Jsonl {
        writer: BufWriter<Sink>,
        record: DataType,
    },
    /// Parquet and Arrow IPC, gathered in columns (`arrow_io.rs`).
    Columnar(Box<ArrowSink>),
}

/// One CSV column: a leaf of the output record.
pub(crate) struct Column {
    pub name: String,
    /// Field indices from the output record down to this value.
    pub path: Vec<usize>,
    pub ty: DataType,
}

const BUFFER: usize = 1 << 16;

impl Output {
    pub fn open(
        path: Option<&Path>,
        format: DataFormat,
        record: &DataType,
    ) -> Result<Output, Failure> {
        let path = path.map_or_else(|| PathBuf::from("-"), Path::to_path_buf);
        if matches!(format, DataFormat::Parquet | DataFormat::Arrow) {
            let sink = ArrowSink::open(&path, format, record)?;
            return Ok(Output {
                path,
                kind: Kind::Columnar(Box::new(sink)),
                buffer: String::new(),
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
        let kind = match format {
            DataFormat::Csv => {
                let mut columns = Vec::new();
                flatten(record, "", &mut Vec::new(), &mut columns);
                let formatted = Formatted::default();
                let mut formatter =
                    Box::new(csv::WriterBuilder::new().from_writer(formatted.clone()));
                let mut sink = BufWriter::with_capacity(BUFFER, sink);
                formatter
                    .write_record(columns.iter().map(|c| c.name.as_bytes()))
                    .map_err(|e| csv_failure(&path, e))?;
                drain(&mut formatter, &formatted, &mut sink, &path)?;
                Kind::Csv {
                    sink,
                    formatter,
                    formatted,
                    columns,
                    ends: Vec::new(),
                }
            }
            DataFormat::Jsonl => Kind::Jsonl {
                writer: BufWriter::with_capacity(BUFFER, sink),
                record: record.clone(),
            },
            DataFormat::Parquet | DataFormat::Arrow => {
                return Err(Failure::new(
                    "internal error: a columnar output written as rows",
                ));
            }
        };
        Ok(Output {
            path,
            kind,
            buffer: String::new(),
        })
    }

    /// Write one result; `Ok(Err(..))` when the value cannot be written
    /// exactly (nothing of the row is written then).
    pub fn write_row(&mut self, value: &Value) -> Result<Result<(), RowError>, Failure> {
        self.buffer.clear();
        match &mut self.kind {
            Kind::Columnar(sink) => return sink.write_value(value),
            Kind::Csv {
                sink,
                formatter,
                formatted,
                columns,
                ends,
            } => {
                ends.clear();
                for column in columns.iter() {
                    let formatted = field_at(value, &column.path)
                        .ok_or_else(|| wrong_value(&column.ty))
                        .and_then(|cell| column.ty.write_cell(cell, &mut self.buffer));
                    if let Err(error) = formatted {
                        return Ok(Err(RowError::new(&column.name, msg::cell(&error))));
                    }
                    ends.push(self.buffer.len());
                }
                let buffer = self.buffer.as_bytes();
                let mut start = 0;
                let cells = ends.iter().map(|&end| {
                    let cell = buffer.get(start..end).unwrap_or(b"");
                    start = end;
                    cell
                });
                formatter
                    .write_record(cells)
                    .map_err(|e| csv_failure(&self.path, e))?;
                drain(formatter, formatted, sink, &self.path)?;
            }
            Kind::Jsonl { writer, record } => {
                if let Err(error) = record.write_json(value, &mut self.buffer) {
                    return Ok(Err(RowError::new(&error.path, msg::cell(&error))));
                }
                self.buffer.push('\n');
                writer
                    .write_all(self.buffer.as_bytes())
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
            Kind::Csv { .. } | Kind::Jsonl { .. } => Ok(None),
        }
    }

    /// True for CSV output, whose rows [`Output::write_bytes`] may write.
    pub fn is_csv(&self) -> bool {
        matches!(self.kind, Kind::Csv { .. })
    }

    /// Write rows formatted elsewhere (complete CSV lines), in order with
    /// those written by [`Output::write_row`].
    pub fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        let sink: &mut dyn Write = match &mut self.kind {
            Kind::Csv { sink, .. } => sink,
            Kind::Jsonl { writer, .. } => writer,
            Kind::Columnar(_) => {
                return Err(Failure::new(
                    "internal error: text written to a columnar output",
                ));
            }
        };
        sink.write_all(bytes)
            .map_err(|e| Failure::write(&self.path, &e))?;
        safe_file::bump(&ROWS_WRITTEN);
        Ok(())
    }

    /// Write out what is buffered; a file is then ready to replace the
    /// previous one when the command ends (`safe_file::commit_ready`).
    pub fn finish(self) -> Result<(), Failure> {
        let path = self.path;
        let writer = match self.kind {
            Kind::Csv { sink, .. } => sink,
            Kind::Jsonl { writer, .. } => writer,
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

/// The bytes the CSV formatter wrote and [`drain`] has not yet moved on.
#[derive(Clone, Default)]
struct Formatted(Rc<RefCell<Vec<u8>>>);

impl Write for Formatted {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .try_borrow_mut()
            .map_err(io::Error::other)?
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Move what `formatter` wrote into `sink`.
fn drain(
    formatter: &mut csv::Writer<Formatted>,
    formatted: &Formatted,
    sink: &mut BufWriter<Sink>,
    path: &Path,
) -> Result<(), Failure> {
    formatter.flush().map_err(|e| Failure::write(path, &e))?;
    let mut bytes = formatted
        .0
        .try_borrow_mut()
        .map_err(|_| Failure::new("internal error: the CSV formatter is busy"))?;
    sink.write_all(&bytes)
        .map_err(|e| Failure::write(path, &e))?;
    bytes.clear();
    Ok(())
}

/// The leaves of a record type, depth first, with dotted names.
pub(crate) fn flatten(
    ty: &DataType,
    prefix: &str,
    path: &mut Vec<usize>,
    columns: &mut Vec<Column>,
) {
    let Some(fields) = ty.record_fields() else {
        return;
    };
    for (index, (name, field_type)) in fields.iter().enumerate() {
        let name = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        path.push(index);
        if field_type.record_fields().is_some() {
            flatten(field_type, &name, path, columns);
        } else {
            columns.push(Column {
                name,
                path: path.clone(),
                ty: field_type.clone(),
            });
        }
        path.pop();
    }
}

pub(crate) fn field_at<'v>(value: &'v Value, path: &[usize]) -> Option<&'v Value> {
    path.iter().try_fold(value, |value, index| match value {
        Value::Record(fields) => fields.get(*index),
        _ => None,
    })
}

fn wrong_value(ty: &DataType) -> Box<CellError> {
    Box::new(CellError {
        path: String::new(),
        expected: ty.expected(),
        problem: Problem::WrongValue,
        found: avtal_compiler::data::Found::Nothing,
    })
}

fn csv_failure(path: &Path, error: csv::Error) -> Failure {
    match error.into_kind() {
        csv::ErrorKind::Io(io_error) => Failure::write(path, &io_error),
        other => Failure::new(format!("cannot write {}: {other:?}", path.display())),
    }
}
