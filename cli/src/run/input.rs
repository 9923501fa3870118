//! Reading rows of cases: CSV (a header row, then one row per case) or JSON
//! Lines (one object per line), from a file or stdin, one row at a time.
//!
//! The CSV reader (`records.rs` splits rows into cells) reuses one
//! `ByteRecord` and parses each cell straight into a value; header names
//! are matched to the input record's fields once. Blank JSON lines are
//! skipped. Row numbers count data rows from 1; lines are the file's
//! lines, from 1.
//!
//! No row is swallowed: a row that cannot be split into cells (an
//! unterminated quote, a row over `--max-row-bytes`) is a bad row, reported
//! through [`CsvRows::cell_count_error`] like a row with a wrong number of
//! cells, and reading goes on with the next row. A JSON line over the limit
//! is a bad row too, skipped without being kept in memory.

pub(crate) mod groups;
pub(crate) mod long_form;
pub(crate) mod records;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use avtal_compiler::data::{DataType, Kind, data_name};
use avtal_compiler::diagnostics::messages::data as msg;
use avtal_compiler::eval::Value;

use avtal_engine::{InputBatch, InputCodec};

use std::sync::Arc;

use super::arrow_io::ArrowRows;
use super::parallel::Shape;
use super::parallel::chunks::{CsvShape, JsonLines, Source};
use super::reader::RowPlace;
use super::report::RowError;
use crate::DataFormat;
use crate::safe_file::{self, ROWS_READ};
use crate::term::{Failure, display_path};
use groups::{Group, Grouper};
use long_form::LongShape;
use records::{Next, Problem, QuoteEnd, Splitter};

/// The longest row or line read, in bytes (`--max-row-bytes`).
static MAX_ROW_BYTES: AtomicUsize = AtomicUsize::new(1 << 20);

/// Set the row limit of every reader opened from now on.
pub fn set_max_row_bytes(bytes: usize) {
    MAX_ROW_BYTES.store(bytes.max(1), Ordering::Relaxed);
}

pub(crate) fn max_row_bytes() -> usize {
    MAX_ROW_BYTES.load(Ordering::Relaxed)
}

/// One data row: its value, or every problem found in it.
pub struct Row {
    pub number: u64,
    pub line: u64,
    /// The record's last data row: `number` but for a long-form record of
    /// several rows.
    pub last: u64,
    pub value: Result<Value, Vec<RowError>>,
}

/// Long-form CSV runs in chunks only from this many threads on. Its rows
/// are grouped on the reader thread, in file order, and that thread is
/// the bottleneck: on two cores the chunked run of W2's 100,000 records
/// (1.1 M rows) took 0.95 s against 0.78 s for the one pipeline
/// (bench/README.md, W2), so two threads keep the one pipeline.
pub(crate) const LONG_FORM_MIN_THREADS: usize = 3;

pub struct Input {
    path: PathBuf,
    size: Option<u64>,
    rows: Rows,
}

enum Rows {
    Csv(CsvRows),
    Jsonl(JsonRows),
    /// Parquet and Arrow IPC (`arrow_io.rs`).
    Columnar(Box<ArrowRows>),
}

const BUFFER: usize = 1 << 16;

impl Input {
    pub fn open(path: &Path, format: DataFormat, record: &DataType) -> Result<Input, Failure> {
        // `Send`, so that the compiled engine can read on its own thread
        // (`fast.rs`); the CSV and JSON readers read in large blocks, so
        // locking stdin per read costs nothing.
        if matches!(format, DataFormat::Parquet | DataFormat::Arrow) {
            return Ok(Input {
                path: path.to_path_buf(),
                // Bytes read are not known through the decoder: no bar.
                size: None,
                rows: Rows::Columnar(Box::new(ArrowRows::open(path, format, record)?)),
            });
        }
        let (reader, size): (Box<dyn Read + Send>, Option<u64>) = if path.as_os_str() == "-" {
            (Box::new(io::stdin()), None)
        } else {
            let file = File::open(path).map_err(|e| Failure::read(path, &e))?;
            let size = file.metadata().ok().map(|m| m.len());
            (Box::new(file), size)
        };
        let mut input = Input::from_reader(path, reader, format, record)?;
        input.size = size;
        Ok(input)
    }

    /// Read rows from any reader (`avtal serve`'s request bodies); `path`
    /// names the input in messages. A CSV header is read here.
    pub fn from_reader(
        path: &Path,
        reader: Box<dyn Read + Send>,
        format: DataFormat,
        record: &DataType,
    ) -> Result<Input, Failure> {
        let rows = match format {
            DataFormat::Csv => Rows::Csv(CsvRows::new(path, reader, record, |_| false)?),
            DataFormat::Parquet | DataFormat::Arrow => {
                return Err(Failure::new("internal error: a columnar file read as rows"));
            }
            DataFormat::Jsonl => Rows::Jsonl(JsonRows {
                reader: BufReader::with_capacity(BUFFER, reader),
                record: record.clone(),
                buffer: Vec::new(),
                line: 0,
                row: 0,
                bytes: 0,
                limit: max_row_bytes(),
            }),
        };
        Ok(Input {
            path: path.to_path_buf(),
            size: None,
            rows,
        })
    }

    /// The input as a source of chunks for `threads` workers of
    /// `parallel/`, with how they read its rows; the input back when it is
    /// read row by row only (Parquet, Arrow IPC, and long-form CSV under
    /// [`LONG_FORM_MIN_THREADS`]).
    pub(crate) fn into_source(self, threads: usize) -> Result<(Source, Shape), Box<Input>> {
        match self.rows {
            Rows::Csv(rows) if rows.long.is_none() => {
                let (header_len, read_columns) = rows.reader.header_checks();
                let shape = Arc::new(CsvShape {
                    header: rows.header,
                    fields: rows.fields,
                    header_len,
                    read_columns,
                    limit: max_row_bytes(),
                });
                Ok((
                    Source::Csv {
                        splitter: rows.reader,
                        shape: shape.clone(),
                        record: csv::ByteRecord::new(),
                        path: self.path,
                    },
                    Shape::Csv(shape),
                ))
            }
            // Long form: grouped on the reader thread, where keys are met
            // in file order (E0608, E0609); groups read by the workers.
            Rows::Csv(rows) => match rows
                .long_shape()
                .filter(|_| threads >= LONG_FORM_MIN_THREADS)
            {
                Some(shape) => Ok((
                    Source::LongCsv {
                        rows: Box::new(rows),
                        path: self.path,
                    },
                    Shape::LongCsv(shape),
                )),
                None => Err(Box::new(Input {
                    path: self.path,
                    size: self.size,
                    rows: Rows::Csv(rows),
                })),
            },
            // Nothing is read yet: the buffer is empty.
            Rows::Jsonl(rows) if rows.reader.buffer().is_empty() && rows.line == 0 => {
                let shape = Shape::Jsonl {
                    record: rows.record,
                    limit: rows.limit,
                };
                let lines = JsonLines::new(rows.reader.into_inner(), self.path, rows.limit);
                Ok((Source::Jsonl(lines), shape))
            }
            rows => Err(Box::new(Input {
                path: self.path,
                size: self.size,
                rows,
            })),
        }
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
            Rows::Columnar(_) => 0,
        }
    }

    /// The next row, `None` at the end; an IO error is fatal.
    pub fn next_row(&mut self) -> Result<Option<Row>, Failure> {
        match &mut self.rows {
            Rows::Csv(rows) => rows.next_row(&self.path),
            Rows::Jsonl(rows) => rows.next_row(&self.path),
            Rows::Columnar(rows) => rows.next_row(&self.path),
        }
    }

    /// Read up to `limit` rows into `batch` at once, with their places,
    /// where the input is columnar (false at its end); `None` for CSV and
    /// JSON Lines, which read row by row ([`Input::read_into`]).
    pub fn read_many_into(
        &mut self,
        codec: &InputCodec,
        batch: &mut InputBatch,
        places: &mut Vec<RowPlace>,
        limit: usize,
    ) -> Option<Result<bool, Failure>> {
        match &mut self.rows {
            Rows::Columnar(rows) => {
                Some(rows.read_many_into(&self.path, codec, batch, places, limit))
            }
            Rows::Csv(_) | Rows::Jsonl(_) => None,
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
            Rows::Csv(rows) if rows.long.is_some() => {
                let Some(group) = rows.next_raw_group(&self.path)? else {
                    return Ok(None);
                };
                let place = group.place;
                if let Some(long) = &mut rows.long {
                    long.shape.push_group(codec, batch, &group);
                    long.grouper.recycle(group);
                }
                Ok(Some(place))
            }
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
            Rows::Columnar(rows) => {
                let mut places = Vec::with_capacity(1);
                rows.read_many_into(&self.path, codec, batch, &mut places, 1)?;
                Ok(places.pop())
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
    reader: Splitter,
    record: csv::ByteRecord,
    /// The line of the row last read.
    line: u64,
    /// Why the row last read could not be split into cells.
    problem: Option<RowError>,
    header: Vec<String>,
    /// For each input field: its name, type and column index.
    fields: Vec<(String, DataType, usize)>,
    header_len: usize,
    row: u64,
    /// Set when the input record has a list field: rows are grouped.
    long: Option<Box<LongForm>>,
}

/// How the rows of a long-form file become records (`groups.rs`).
struct LongForm {
    shape: Arc<LongShape>,
    grouper: Grouper,
    /// The group last handed out, kept for its cells until the next one.
    last: Option<Group>,
    at_end: bool,
}

impl CsvRows {
    /// Read the header of a CSV file of `record`s. For a record with a
    /// list field the file is in long form (`groups.rs`); besides the
    /// record's own columns, those whose name `is_record_column` accepts
    /// (`avtal test --cases`' expected columns) must repeat within a record.
    pub(crate) fn new(
        path: &Path,
        reader: Box<dyn Read + Send>,
        record: &DataType,
        is_record_column: impl Fn(&str) -> bool,
    ) -> Result<CsvRows, Failure> {
        let limit = max_row_bytes();
        let mut reader = Splitter::new(reader, limit);
        let mut first = csv::ByteRecord::new();
        match reader
            .next(&mut first)
            .map_err(|e| Failure::read(path, &e))?
        {
            Next::Record { .. } | Next::End => {}
            Next::Bad { problem, .. } => {
                let message = problem_message(&problem, &[], limit);
                return Err(Failure::new(format!(
                    "cannot read the header of {}: {}",
                    display_path(path),
                    message.message
                ))
                .with_help(message.help.unwrap_or_default()));
            }
        }
        // Names in NFC, as the sources' names are: a header written by a
        // tool that decomposes (`lo\u{308}n`) names the field `lön`.
        let header: Vec<String> = first
            .iter()
            .map(|cell| data_name(String::from_utf8_lossy(cell).trim()).into_owned())
            .collect();
        let record_fields = record.record_fields().unwrap_or(&[]);
        let lists: Vec<(usize, &str, &DataType)> = record_fields
            .iter()
            .enumerate()
            .filter_map(|(index, (name, ty))| match ty.kind() {
                Kind::List(element) => Some((index, name.as_str(), &**element)),
                _ => None,
            })
            .collect();
        if let [(_, first, _), (_, second, _), ..] = lists.as_slice() {
            return Err(msg::long_form_lists(first, second).into());
        }
        let mut fields = Vec::with_capacity(record_fields.len());
        let mut missing = Vec::new();
        let mut elements = Vec::new();
        if let Some((_, list_name, element)) = lists.first() {
            let Some(element_fields) = element.record_fields() else {
                return Err(msg::field_not_in_csv(list_name, &element.expected()).into());
            };
            for (name, ty) in element_fields {
                let names = element_columns(list_name, name);
                let mut columns = header.iter().enumerate().filter(|(_, h)| names.contains(h));
                match (columns.next(), columns.next()) {
                    (Some(_), Some((_, second))) => {
                        return Err(msg::duplicate_column(second).into());
                    }
                    (Some((index, column)), None) if ty.is_scalar() => {
                        elements.push((column.clone(), ty.clone(), index));
                    }
                    (Some(_), None) => {
                        return Err(msg::field_not_in_csv(name, &ty.expected()).into());
                    }
                    (None, _) => missing.push(names.last().cloned().unwrap_or_default()),
                }
            }
        }
        for (name, ty) in record_fields {
            if matches!(ty.kind(), Kind::List(_)) {
                continue;
            }
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
        // A column is the record's or an element's, never both.
        if let Some((name, _, _)) = elements
            .iter()
            .find(|(_, _, column)| fields.iter().any(|(_, _, own)| own == column))
        {
            let list = lists.first().map_or("", |(_, list, _)| *list);
            return Err(msg::long_form_column_twice(name, list).into());
        }
        // In long form the first column is the key: a record's own.
        if elements.iter().any(|(_, _, column)| *column == 0) {
            return Err(msg::long_form_key(header.first().map_or("", String::as_str)).into());
        }
        let long = lists.first().map(|(list, list_name, _)| {
            let compared = fields
                .iter()
                .map(|(_, _, column)| *column)
                .chain(
                    header
                        .iter()
                        .enumerate()
                        .filter(|(_, name)| is_record_column(name))
                        .map(|(column, _)| column),
                )
                .collect();
            Box::new(LongForm {
                shape: Arc::new(LongShape {
                    fields: fields.clone(),
                    list: *list,
                    list_name: (*list_name).to_string(),
                    elements: elements.clone(),
                }),
                grouper: Grouper::new(header.clone(), compared),
                last: None,
                at_end: false,
            })
        });
        // Columns whose cells can never hold a line break: every input
        // field's but text's.
        reader.set_header(
            header.len(),
            fields
                .iter()
                .chain(&elements)
                .filter(|(_, ty, _)| !matches!(ty.kind(), Kind::Text))
                .map(|(_, _, column)| *column)
                .collect(),
        );
        Ok(CsvRows {
            reader,
            record: csv::ByteRecord::new(),
            line: 0,
            problem: None,
            header: header.clone(),
            fields,
            header_len: header.len(),
            row: 0,
            long,
        })
    }

    /// The header's column names.
    pub(crate) fn header(&self) -> &[String] {
        &self.header
    }

    /// The input record's columns (name, index), its list's elements'
    /// last, for showing a row.
    pub(crate) fn input_columns(&self) -> impl Iterator<Item = (String, usize)> + '_ {
        let elements = self.long.iter().flat_map(|long| &long.shape.elements);
        self.fields
            .iter()
            .chain(elements)
            .map(|(name, _, column)| (name.clone(), *column))
    }

    /// Long form: the last data row of the record last read (a row that
    /// could not be read counts as its).
    fn last_row_of_group(&self) -> Option<u64> {
        let group = self.long.as_ref()?.last.as_ref()?;
        let rows = group.rows.iter().map(|(_, place)| place.number);
        let errors = group
            .errors
            .iter()
            .filter_map(|e| e.row.map(|at| at.number));
        rows.chain(errors).max()
    }

    /// The cells of the row last read (in long form, the first row of the
    /// record last read; empty when it had none).
    pub(crate) fn cells(&self) -> &csv::ByteRecord {
        match &self.long {
            Some(long) => long
                .last
                .as_ref()
                .and_then(|group| group.rows.first())
                .map_or(&self.record, |(first, _)| first),
            None => &self.record,
        }
    }

    pub(crate) fn next_row(&mut self, path: &Path) -> Result<Option<Row>, Failure> {
        if self.long.is_some() {
            return self.next_group(path);
        }
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
            last: self.row,
            value,
        }))
    }

    /// Read the next row into [`CsvRows::record`]; false at the end.
    pub fn read(&mut self, path: &Path) -> Result<bool, Failure> {
        let next = self
            .reader
            .next(&mut self.record)
            .map_err(|e| Failure::read(path, &e))?;
        let (line, problem) = match next {
            Next::End => return Ok(false),
            Next::Record { line } => (line, None),
            Next::Bad { line, problem } => {
                let message = problem_message(&problem, &self.header, max_row_bytes());
                (line, Some(RowError::new("", message)))
            }
        };
        self.row += 1;
        self.line = line;
        self.problem = problem;
        safe_file::bump(&ROWS_READ);
        Ok(true)
    }

    /// Its number among the data rows, from 1.
    pub fn number(&self) -> u64 {
        self.row
    }

    /// Its line in the file, from 1.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Bytes read so far.
    pub fn position(&self) -> u64 {
        self.reader.position()
    }

    /// The error of a row that could not be split into cells (an
    /// unterminated quote, a row over the limit) or has another number of
    /// cells than the header.
    pub fn cell_count_error(&self) -> Option<RowError> {
        if let Some(problem) = &self.problem {
            return Some(problem.clone());
        }
        (self.record.len() != self.header_len)
            .then(|| RowError::new("", msg::cell_count(self.header_len, self.record.len())))
    }

    /// The row's value, or every problem in its cells.
    pub fn values(&self) -> Result<Value, Vec<RowError>> {
        avtal_engine::read_fields(self.fields.iter().map(|(name, ty, column)| {
            (
                name.as_str(),
                ty,
                self.record.get(*column).unwrap_or_default(),
            )
        }))
    }
}

impl CsvRows {
    /// Long form: the next record, read from its group of rows, at its
    /// first row; `None` at the end.
    fn next_group(&mut self, path: &Path) -> Result<Option<Row>, Failure> {
        if let Some(long) = &mut self.long
            && let Some(group) = long.last.take()
        {
            long.grouper.recycle(group);
        }
        let Some(group) = self.next_raw_group(path)? else {
            return Ok(None);
        };
        let Some(long) = &mut self.long else {
            return Ok(None);
        };
        let value = long.shape.value(&group);
        let place = group.place;
        long.last = Some(group);
        Ok(Some(Row {
            number: place.number,
            line: place.line,
            last: self.last_row_of_group().unwrap_or(place.number),
            value,
        }))
    }

    /// Long form: the rows of the next record, grouped but not read;
    /// `None` at the end (and for a file not in long form).
    pub(crate) fn next_raw_group(&mut self, path: &Path) -> Result<Option<Group>, Failure> {
        loop {
            let Some(long) = &mut self.long else {
                return Ok(None);
            };
            if let Some(group) = long.grouper.pop() {
                return Ok(Some(group));
            }
            if long.at_end {
                return Ok(None);
            }
            if !self.read(path)? {
                if let Some(long) = &mut self.long {
                    long.grouper.finish();
                    long.at_end = true;
                }
                continue;
            }
            let place = RowPlace {
                number: self.row,
                line: self.line,
            };
            let problem = self.cell_count_error();
            if let Some(long) = &mut self.long {
                match problem {
                    Some(error) => long.grouper.push_unreadable(&self.record, place, error),
                    None => long.grouper.push_row(&mut self.record, place),
                }
            }
        }
    }

    /// Long form: take records to reuse for the rows of later groups.
    pub(crate) fn give_spare(&mut self, records: &mut Vec<csv::ByteRecord>) {
        if let Some(long) = &mut self.long {
            long.grouper.give_spare(records);
        }
        records.clear();
    }

    /// Long form: how the workers read a group; `None` otherwise.
    pub(crate) fn long_shape(&self) -> Option<Arc<LongShape>> {
        self.long.as_ref().map(|long| long.shape.clone())
    }
}

/// The columns that may hold field `field` of the elements of list
/// `list`: `list_field`, and `item_field` when the list's name is `item`
/// with an `s` (`shifts` → `shifts_start` or `shift_start`). The last is
/// the one named when both are missing.
fn element_columns(list: &str, field: &str) -> Vec<String> {
    let mut names = vec![format!("{list}_{field}")];
    if let Some(singular) = list.strip_suffix('s').filter(|s| !s.is_empty()) {
        names.push(format!("{singular}_{field}"));
    }
    names
}

/// The row error of a row that could not be split into cells.
pub(crate) fn problem_message(
    problem: &Problem,
    header: &[String],
    limit: usize,
) -> msg::DataMessage {
    let limit_help = format!(
        "if such long rows are expected, raise the limit: `--max-row-bytes {}`",
        byte_size(limit.saturating_mul(2))
    );
    match problem {
        Problem::TooLong { limit } => msg::DataMessage {
            code: avtal_compiler::diagnostics::Code::MalformedRow,
            message: format!(
                "the row is longer than {} (--max-row-bytes); it was skipped",
                byte_size(*limit)
            ),
            help: Some(limit_help),
        },
        Problem::UnterminatedQuote { column, line, why } => {
            let cell = match header.get(column.saturating_sub(1)) {
                Some(name) if !name.is_empty() => format!("cell `{name}` (column {column})"),
                _ => format!("column {column}"),
            };
            let reason = match why {
                QuoteEnd::EndOfFile => "the file ends inside it".to_string(),
                QuoteEnd::OverLimit { limit } => format!(
                    "it is still open after {} (--max-row-bytes)",
                    byte_size(*limit)
                ),
                QuoteEnd::TextAfterClose { line } => format!(
                    "the next quote, on line {line}, is followed by text, not by a comma or a line end"
                ),
                QuoteEnd::CellCount { expected, found } => format!(
                    "read across the line ends it gives a row of {found} cells, not {expected}"
                ),
                QuoteEnd::LineBreak { column } => {
                    let name = header
                        .get(column.saturating_sub(1))
                        .map_or(String::new(), |n| format!(" `{n}`"));
                    format!("read across the line ends, column{name} would hold a line break")
                }
            };
            let resumed = line.saturating_add(1);
            msg::DataMessage {
                code: avtal_compiler::diagnostics::Code::MalformedRow,
                message: format!(
                    "unterminated quote: the quote that opens {cell} on line {line} is not closed \
                     ({reason}); reading went on at line {resumed}"
                ),
                help: Some(match why {
                    QuoteEnd::OverLimit { .. } => format!(
                        "close the quote, or write a quote inside a quoted cell as `\"\"`; {limit_help}"
                    ),
                    _ => "close the quote, or write a quote inside a quoted cell as `\"\"`"
                        .to_string(),
                }),
            }
        }
    }
}

/// `1 MiB`, `512 KiB`, `1000 bytes`.
pub fn byte_size(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// One JSON Lines row (its line break included) as a value of `record`,
/// or every problem in it.
pub(crate) fn json_row(record: &DataType, bytes: &[u8]) -> Result<Value, Vec<RowError>> {
    match std::str::from_utf8(bytes) {
        Ok(text) => record.parse_json_text(text).map_err(|errors| {
            errors
                .iter()
                .map(|error| RowError::new(&error.path, msg::cell(error)))
                .collect()
        }),
        Err(_) => Err(vec![RowError::new("", msg::not_utf8())]),
    }
}

struct JsonRows {
    reader: BufReader<Box<dyn Read + Send>>,
    record: DataType,
    buffer: Vec<u8>,
    line: u64,
    row: u64,
    bytes: u64,
    limit: usize,
}

/// One line of JSON Lines, read with a byte limit.
enum Line {
    End,
    /// In the buffer (with its line break, if any).
    Read,
    /// Longer than the limit: skipped, not kept.
    TooLong,
}

impl JsonRows {
    /// Read one line into `buffer`, keeping at most `limit` bytes of it.
    fn read_line(&mut self) -> io::Result<Line> {
        self.buffer.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            if chunk.is_empty() {
                break;
            }
            any = true;
            let (n, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(at) => (at + 1, true),
                None => (chunk.len(), false),
            };
            if !too_long {
                if self.buffer.len() + n > self.limit.saturating_add(1) {
                    too_long = true;
                    self.buffer.clear();
                } else {
                    self.buffer
                        .extend_from_slice(chunk.get(..n).unwrap_or_default());
                }
            }
            self.reader.consume(n);
            self.bytes += n as u64;
            if done {
                break;
            }
        }
        Ok(match (any, too_long) {
            (false, _) => Line::End,
            (true, false) => Line::Read,
            (true, true) => Line::TooLong,
        })
    }

    fn next_row(&mut self, path: &Path) -> Result<Option<Row>, Failure> {
        loop {
            let read = self.read_line().map_err(|e| Failure::read(path, &e))?;
            let too_long = match read {
                Line::End => return Ok(None),
                Line::Read => false,
                Line::TooLong => true,
            };
            self.line += 1;
            if too_long {
                self.row += 1;
                safe_file::bump(&ROWS_READ);
                let message =
                    problem_message(&Problem::TooLong { limit: self.limit }, &[], self.limit);
                return Ok(Some(Row {
                    number: self.row,
                    line: self.line,
                    last: self.row,
                    value: Err(vec![RowError::new("", message)]),
                }));
            }
            let mut bytes = self.buffer.as_slice();
            if self.line == 1 {
                bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.row += 1;
            safe_file::bump(&ROWS_READ);
            let value = json_row(&self.record, bytes);
            return Ok(Some(Row {
                number: self.row,
                line: self.line,
                last: self.row,
                value,
            }));
        }
    }
}
