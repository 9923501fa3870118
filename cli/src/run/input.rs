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
use std::sync::Arc;

use avtal_compiler::data::DataType;
use avtal_compiler::diagnostics::messages::data as msg;
use avtal_compiler::eval::Value;

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
        let (reader, size): (Box<dyn Read>, Option<u64>) = if path.as_os_str() == "-" {
            (Box::new(io::stdin().lock()), None)
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
            Rows::Csv(rows) => rows.reader.position().byte(),
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
}

struct CsvRows {
    reader: csv::Reader<Box<dyn Read>>,
    record: csv::ByteRecord,
    /// For each input field: its name, type and column index.
    fields: Vec<(String, DataType, usize)>,
    header_len: usize,
    row: u64,
    values: Vec<Value>,
}

impl CsvRows {
    fn new(path: &Path, reader: Box<dyn Read>, record: &DataType) -> Result<CsvRows, Failure> {
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
        let values = Vec::with_capacity(fields.len());
        Ok(CsvRows {
            reader,
            record: csv::ByteRecord::new(),
            fields,
            header_len: header.len(),
            row: 0,
            values,
        })
    }

    fn next_row(&mut self, path: &Path) -> Result<Option<Row>, Failure> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(error) => return Err(csv_failure(path, &error)),
        }
        self.row += 1;
        let line = self.record.position().map_or(0, csv::Position::line);
        if self.record.len() != self.header_len {
            let error = RowError::new("", msg::cell_count(self.header_len, self.record.len()));
            return Ok(Some(Row {
                number: self.row,
                line,
                value: Err(vec![error]),
            }));
        }
        self.values.clear();
        let mut errors = Vec::new();
        for (name, ty, column) in &self.fields {
            let bytes = self.record.get(*column).unwrap_or(b"");
            let text = match std::str::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    errors.push(RowError::new(name, msg::not_utf8()));
                    continue;
                }
            };
            match ty.parse_text(text) {
                Ok(value) => self.values.push(value),
                Err(error) => errors.push(RowError::new(name, msg::cell(&error))),
            }
        }
        let value = if errors.is_empty() {
            Ok(Value::Record(
                self.values.drain(..).collect::<Arc<[Value]>>(),
            ))
        } else {
            Err(errors)
        };
        Ok(Some(Row {
            number: self.row,
            line,
            value,
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
    reader: BufReader<Box<dyn Read>>,
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
