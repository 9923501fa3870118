//! Reading rows of cases: CSV (a header row, then one row per case) or JSON
//! Lines (one object per line), from a file or stdin, one row at a time.
//!
//! The CSV reader reuses one `ByteRecord` and parses each cell straight
//! into a value; header names are matched to the input record's fields
//! once. Blank JSON lines are skipped. Row numbers count data rows from 1;
//! lines are the file's lines, from 1.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use avtal_compiler::data::DataType;
use avtal_compiler::diagnostics::messages::data as msg;
use avtal_compiler::eval::Value;

use avtal_compiler::engine::{InputBatch, InputCodec};

use super::reader::RowPlace;
use super::report::RowError;
use crate::DataFormat;
use crate::term::{Failure, display_path};

/// One data row: its value, or every problem found in it.
pub struct Row {
    pub number: u64,
    pub line: u64,
    pub value: Result<Value, Vec<RowError>>,
}

pub struct Input {
    path: PathBuf,
    size: Option<u64>,
    rows: Rows,
}

enum Rows {
    Csv(CsvRows),
    Jsonl(JsonRows),
}

const BUFFER: usize = 1 << 16;

impl Input {
    pub fn open(path: &Path, format: DataFormat, record: &DataType) -> Result<Input, Failure> {
        // `Send`, so that the compiled engine can read on its own thread
        // (`fast.rs`); the CSV and JSON readers read in large blocks, so
        // locking stdin per read costs nothing.
        let (reader, size): (Box<dyn Read + Send>, Option<u64>) = if path.as_os_str() == "-" {
            (Box::new(io::stdin()), None)
        } else {
            let file = File::open(path).map_err(|e| Failure::read(path, &e))?;
            let size = file.metadata().ok().map(|m| m.len());
            (Box::new(file), size)
        };
        let rows = match format {
            DataFormat::Csv => Rows::Csv(CsvRows::new(path, reader, record)?),
            DataFormat::Jsonl => Rows::Jsonl(JsonRows {
                reader: BufReader::with_capacity(BUFFER, reader),
                record: record.clone(),
                buffer: Vec::new(),
                line: 0,
                row: 0,
                bytes: 0,
            }),
        };
        Ok(Input {
            path: path.to_path_buf(),
            size,
            rows,
        })
    }

    /// The file's size, when it is a file (for the progress bar).
    pub fn size(&self) -> Option<u64> {
        self.size
    }

    /// Bytes read so far.
    pub fn position(&self) -> u64 {
        match &self.rows {
            Rows::Csv(rows) => rows.position(),
            Rows::Jsonl(rows) => rows.bytes,
        }
    }

    /// The next row, `None` at the end; an IO error is fatal.
    pub fn next_row(&mut self) -> Result<Option<Row>, Failure> {
        match &mut self.rows {
            Rows::Csv(rows) => rows.next_row(&self.path),
            Rows::Jsonl(rows) => rows.next_row(&self.path),
        }
    }

    /// Read the next row into `batch` with `codec` (a CSV row cell by
    /// cell, straight into the compiled layout where it is plain); its
    /// number and line, `None` at the end. A row that cannot be read goes
    /// into the batch with its errors.
    pub fn read_into(
        &mut self,
        codec: &InputCodec,
        batch: &mut InputBatch,
    ) -> Result<Option<RowPlace>, Failure> {
        match &mut self.rows {
            Rows::Csv(rows) => {
                if !rows.read(&self.path)? {
                    return Ok(None);
                }
                match rows.cell_count_error() {
                    Some(error) => codec.push_unreadable(batch, vec![error]),
                    None => {
                        let record = &rows.record;
                        let fields = &rows.fields;
                        codec.push_cells(batch, |index| {
                            fields
                                .get(index)
                                .and_then(|(_, _, column)| record.get(*column))
                                .unwrap_or_default()
                        });
                    }
                }
                Ok(Some(RowPlace {
                    number: rows.number(),
                    line: rows.line(),
                }))
            }
            Rows::Jsonl(rows) => {
                let Some(row) = rows.next_row(&self.path)? else {
                    return Ok(None);
                };
                match row.value {
                    Ok(value) => codec.push_value(batch, value),
                    Err(errors) => codec.push_unreadable(batch, errors),
                }
                Ok(Some(RowPlace {
                    number: row.number,
                    line: row.line,
                }))
            }
        }
    }
}

/// CSV rows, one reused `ByteRecord` at a time.
pub struct CsvRows {
    reader: csv::Reader<Box<dyn Read + Send>>,
    record: csv::ByteRecord,
    /// For each input field: its name, type and column index.
    fields: Vec<(String, DataType, usize)>,
    header_len: usize,
    row: u64,
}

impl CsvRows {
    fn new(
        path: &Path,
        reader: Box<dyn Read + Send>,
        record: &DataType,
    ) -> Result<CsvRows, Failure> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            // Rows with another number of cells are reported per row.
            .flexible(true)
            .buffer_capacity(BUFFER)
            .from_reader(reader);
        let header: Vec<String> = reader
            .byte_headers()
            .map_err(|e| csv_failure(path, &e))?
            .iter()
            .map(|cell| String::from_utf8_lossy(cell).trim().to_string())
            .collect();
        let record_fields = record.record_fields().unwrap_or(&[]);
        let mut fields = Vec::with_capacity(record_fields.len());
        let mut missing = Vec::new();
        for (name, ty) in record_fields {
            let mut columns = header.iter().enumerate().filter(|(_, h)| *h == name);
            match (columns.next(), columns.next()) {
                (Some(_), Some(_)) => return Err(msg::duplicate_column(name).into()),
                (Some((index, _)), None) => {
                    if !ty.is_scalar() {
                        return Err(msg::field_not_in_csv(name, &ty.expected()).into());
                    }
                    fields.push((name.clone(), ty.clone(), index));
                }
                (None, _) => missing.push(name.clone()),
            }
        }
        if !missing.is_empty() {
            let record_name = match record.expected() {
                avtal_compiler::data::Expected::Record(name) => name,
                _ => "the input".to_string(),
            };
            return Err(msg::missing_columns(&record_name, &missing, &header).into());
        }
        Ok(CsvRows {
            reader,
            record: csv::ByteRecord::new(),
            fields,
            header_len: header.len(),
            row: 0,
        })
    }

    fn next_row(&mut self, path: &Path) -> Result<Option<Row>, Failure> {
        if !self.read(path)? {
            return Ok(None);
        }
        let value = match self.cell_count_error() {
            Some(error) => Err(vec![error]),
            None => self.values(),
        };
        Ok(Some(Row {
            number: self.row,
            line: self.line(),
            value,
        }))
    }

    /// Read the next row into [`CsvRows::record`]; false at the end.
    pub fn read(&mut self, path: &Path) -> Result<bool, Failure> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {
                self.row += 1;
                Ok(true)
            }
            Ok(false) => Ok(false),
            Err(error) => Err(csv_failure(path, &error)),
        }
    }

    /// Its number among the data rows, from 1.
    pub fn number(&self) -> u64 {
        self.row
    }

    /// Its line in the file, from 1.
    pub fn line(&self) -> u64 {
        self.record.position().map_or(0, csv::Position::line)
    }

    /// Bytes read so far.
    pub fn position(&self) -> u64 {
        self.reader.position().byte()
    }

    /// The error of a row with another number of cells than the header.
    pub fn cell_count_error(&self) -> Option<RowError> {
        (self.record.len() != self.header_len)
            .then(|| RowError::new("", msg::cell_count(self.header_len, self.record.len())))
    }

    /// The row's value, or every problem in its cells.
    pub fn values(&self) -> Result<Value, Vec<RowError>> {
        avtal_compiler::engine::read_fields(self.fields.iter().map(|(name, ty, column)| {
            (
                name.as_str(),
                ty,
                self.record.get(*column).unwrap_or_default(),
            )
        }))
    }
}

fn csv_failure(path: &Path, error: &csv::Error) -> Failure {
    match error.kind() {
        csv::ErrorKind::Io(io_error) => Failure::read(path, io_error),
        _ => Failure::new(format!("cannot read {}: {error}", display_path(path))),
    }
}

struct JsonRows {
    reader: BufReader<Box<dyn Read + Send>>,
    record: DataType,
    buffer: Vec<u8>,
    line: u64,
    row: u64,
    bytes: u64,
}

impl JsonRows {
    fn next_row(&mut self, path: &Path) -> Result<Option<Row>, Failure> {
        loop {
            self.buffer.clear();
            let read = self
                .reader
                .read_until(b'\n', &mut self.buffer)
                .map_err(|e| Failure::read(path, &e))?;
            if read == 0 {
                return Ok(None);
            }
            self.bytes += read as u64;
            self.line += 1;
            let mut bytes = self.buffer.as_slice();
            if self.line == 1 {
                bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.row += 1;
            let value = match std::str::from_utf8(bytes) {
                Ok(text) => self.record.parse_json_text(text).map_err(|errors| {
                    errors
                        .iter()
                        .map(|error| RowError::new(&error.path, msg::cell(error)))
                        .collect()
                }),
                Err(_) => Err(vec![RowError::new("", msg::not_utf8())]),
            };
            return Ok(Some(Row {
                number: self.row,
                line: self.line,
                value,
            }));
        }
    }
}
