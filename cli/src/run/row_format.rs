//! Formatting result rows as bytes: a CSV line (nested records flattened
//! to `field.sub` columns, quoted as the `csv` crate quotes) or a JSON
//! Lines object (decimals as strings).
//!
//! One formatter serves [`super::output::Output`], which writes each row
//! as it comes, and the workers of `parallel/`, which format a whole chunk
//! of rows into one buffer: so both give the same bytes. A row is
//! formatted completely before it is appended, so a value that cannot be
//! written exactly (E0507) fails the row without leaving half of it.
//! Nothing here writes to a file.

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

use avtal_compiler::data::{CellError, DataType, Problem};
use avtal_compiler::diagnostics::messages::data as msg;
use avtal_compiler::eval::Value;
use avtal_engine::Computed;

use super::report::RowError;
use crate::term::Failure;

/// One CSV column: a leaf of the output record.
pub(crate) struct Column {
    pub name: String,
    /// Field indices from the output record down to this value.
    pub path: Vec<usize>,
    pub ty: DataType,
}

/// Formats rows of one output record type. Not `Send`: each thread makes
/// its own.
pub(crate) struct RowFormatter {
    kind: Kind,
    /// The cells (CSV) or the object (JSON) of the row being formatted.
    buffer: String,
}

enum Kind {
    Csv {
        /// Quotes cells as CSV needs into `formatted`.
        writer: Box<csv::Writer<Formatted>>,
        formatted: Formatted,
        columns: Vec<Column>,
        /// End offsets of each cell in `buffer`.
        ends: Vec<usize>,
    },
    Jsonl {
        record: DataType,
    },
}

impl RowFormatter {
    /// A CSV formatter of `record`'s leaves.
    pub fn csv(record: &DataType) -> RowFormatter {
        let mut columns = Vec::new();
        flatten(record, "", &mut Vec::new(), &mut columns);
        let formatted = Formatted::default();
        let writer = Box::new(csv::WriterBuilder::new().from_writer(formatted.clone()));
        RowFormatter {
            kind: Kind::Csv {
                writer,
                formatted,
                columns,
                ends: Vec::new(),
            },
            buffer: String::new(),
        }
    }

    /// A JSON Lines formatter of `record`.
    pub fn jsonl(record: &DataType) -> RowFormatter {
        RowFormatter {
            kind: Kind::Jsonl {
                record: record.clone(),
            },
            buffer: String::new(),
        }
    }

    pub fn is_csv(&self) -> bool {
        matches!(self.kind, Kind::Csv { .. })
    }

    /// Append the CSV header line (nothing for JSON Lines).
    pub fn header(&mut self, out: &mut Vec<u8>) -> Result<(), Failure> {
        let Kind::Csv {
            writer,
            formatted,
            columns,
            ..
        } = &mut self.kind
        else {
            return Ok(());
        };
        writer
            .write_record(columns.iter().map(|c| c.name.as_bytes()))
            .map_err(csv_failure)?;
        formatted.drain_into(writer, out)
    }

    /// Append one computed result: a CSV line straight from the compiled
    /// slots where it is plain, else through [`RowFormatter::value`].
    pub fn computed(
        &mut self,
        computed: &Computed<'_>,
        out: &mut Vec<u8>,
    ) -> Result<Result<(), RowError>, Failure> {
        if self.is_csv() && computed.write_csv_line(out) {
            return Ok(Ok(()));
        }
        self.value(&computed.to_value(), out)
    }

    /// Append one result value; `Ok(Err(..))`, with nothing appended, when
    /// it cannot be written exactly.
    pub fn value(
        &mut self,
        value: &Value,
        out: &mut Vec<u8>,
    ) -> Result<Result<(), RowError>, Failure> {
        self.buffer.clear();
        match &mut self.kind {
            Kind::Csv {
                writer,
                formatted,
                columns,
                ends,
            } => {
                ends.clear();
                for column in columns.iter() {
                    let written = field_at(value, &column.path)
                        .ok_or_else(|| wrong_value(&column.ty))
                        .and_then(|cell| column.ty.write_cell(cell, &mut self.buffer));
                    if let Err(error) = written {
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
                writer.write_record(cells).map_err(csv_failure)?;
                formatted.drain_into(writer, out)?;
            }
            Kind::Jsonl { record } => {
                if let Err(error) = record.write_json(value, &mut self.buffer) {
                    return Ok(Err(RowError::new(&error.path, msg::cell(&error))));
                }
                self.buffer.push('\n');
                out.extend_from_slice(self.buffer.as_bytes());
            }
        }
        Ok(Ok(()))
    }
}

/// The bytes the CSV writer wrote and [`Formatted::drain_into`] has not
/// yet moved on.
#[derive(Clone, Default)]
struct Formatted(Rc<RefCell<Vec<u8>>>);

impl Formatted {
    /// Move what `writer` wrote to the end of `out`.
    fn drain_into(
        &self,
        writer: &mut csv::Writer<Formatted>,
        out: &mut Vec<u8>,
    ) -> Result<(), Failure> {
        writer
            .flush()
            .map_err(|e| Failure::new(format!("internal error: {e}")))?;
        let mut bytes = self
            .0
            .try_borrow_mut()
            .map_err(|_| Failure::new("internal error: the CSV formatter is busy"))?;
        out.extend_from_slice(&bytes);
        bytes.clear();
        Ok(())
    }
}

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

/// Formatting into memory fails only on a broken invariant.
fn csv_failure(error: csv::Error) -> Failure {
    Failure::new(format!("internal error: cannot format a CSV row: {error}"))
}
