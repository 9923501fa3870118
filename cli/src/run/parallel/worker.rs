//! One worker of the chunked pipeline: a chunk's rows split into cells,
//! read into a batch, evaluated and formatted into the output's bytes,
//! with every failed row kept for the error report.
//!
//! Each row goes the way the sequential reader takes it (`input.rs`): a
//! CSV row through the same splitter, cell count check and cell readers,
//! a JSON line through the same blank-line, byte-order-mark and limit
//! rules; so the answers are the same, row for row. Rows are counted
//! within the chunk: their numbers are known only when the chunks are put
//! back in order. A long-form record comes grouped, with its rows' numbers
//! (the reader counted them), and is read as `CsvRows` reads it
//! (`input/long_form.rs`).

use std::sync::Arc;

use avtal_compiler::data::DataType;
use avtal_compiler::diagnostics::messages::data as msg;
use avtal_engine::{InputBatch, InputCodec, PreparedEntry, Results};

use super::super::BATCH;
use super::super::input::long_form::LongShape;
use super::super::input::records::{Next, Problem, Splitter};
use super::super::input::{json_row, problem_message};
use super::super::report::RowError;
use super::super::row_format::RowFormatter;
use super::chunks::{Chunk, CsvShape, Part};
use crate::term::Failure;

/// A failed row of a chunk: its index in the chunk (from 0), its line and
/// its problems; a long-form record has its row number already.
pub(crate) struct FailedRow {
    pub index: u64,
    pub line: u64,
    pub number: Option<u64>,
    pub errors: Vec<RowError>,
}

/// A chunk done: what goes to the output and the report.
pub(crate) struct Done {
    pub seq: u64,
    /// Rows read, good or not (records, in long form).
    pub rows: u64,
    /// The data rows were counted as read by the reader (long form).
    pub counted: bool,
    /// Rows in `output`.
    pub written: u64,
    pub output: Vec<u8>,
    pub failed: Vec<FailedRow>,
    pub position: u64,
    pub failure: Option<Failure>,
    /// The chunk's input buffers, for reuse.
    pub bytes: Vec<u8>,
    pub parts: Vec<Part>,
    /// The records of its long-form groups, for reuse.
    pub spare: Vec<csv::ByteRecord>,
}

/// How the worker reads rows.
pub(crate) enum Shape {
    Csv(Arc<CsvShape>),
    /// JSON Lines of this record type, lines up to `limit` bytes.
    Jsonl {
        record: DataType,
        limit: usize,
    },
    /// Long-form CSV records, grouped by the reader.
    LongCsv(Arc<LongShape>),
}

/// The state of one worker, kept from chunk to chunk.
pub(crate) struct Worker<'w, 'p> {
    prepared: &'w mut PreparedEntry<'p>,
    shape: &'w Shape,
    codec: InputCodec,
    batch: InputBatch,
    /// Per row of the batch: its index in the chunk, its line, and its
    /// number when the reader knew it.
    places: Vec<(u64, u64, Option<u64>)>,
    results: Results,
    formatter: RowFormatter,
    record: csv::ByteRecord,
    /// The cells of a line split here: start and end in the line.
    cells: Vec<(usize, usize)>,
}

impl<'w, 'p> Worker<'w, 'p> {
    pub fn new(
        prepared: &'w mut PreparedEntry<'p>,
        shape: &'w Shape,
        csv_output: bool,
    ) -> Worker<'w, 'p> {
        let codec = prepared.input_codec();
        let formatter = if csv_output {
            RowFormatter::csv(prepared.output_type())
        } else {
            RowFormatter::jsonl(prepared.output_type())
        };
        Worker {
            batch: codec.new_batch(),
            codec,
            prepared,
            shape,
            places: Vec::with_capacity(BATCH),
            results: Results::default(),
            formatter,
            record: csv::ByteRecord::new(),
            cells: Vec::new(),
        }
    }

    /// Do one chunk.
    pub fn chunk(&mut self, mut chunk: Chunk) -> Done {
        let mut done = Done {
            seq: chunk.seq,
            rows: 0,
            counted: false,
            written: 0,
            output: std::mem::take(&mut chunk.out),
            failed: Vec::new(),
            position: chunk.position,
            failure: chunk.failure.take(),
            bytes: Vec::new(),
            parts: Vec::new(),
            spare: std::mem::take(&mut chunk.spare),
        };
        done.output.clear();
        if let Err(failure) = self.rows(&mut chunk, &mut done) {
            done.failure.get_or_insert(failure);
        }
        chunk.parts.clear();
        done.bytes = chunk.bytes;
        done.parts = chunk.parts;
        done
    }

    fn rows(&mut self, chunk: &mut Chunk, done: &mut Done) -> Result<(), Failure> {
        self.batch.clear();
        self.places.clear();
        for part in chunk.parts.drain(..) {
            match part {
                Part::Lines { range, first_line } => match self.shape {
                    Shape::Csv(shape) => {
                        let shape = shape.clone();
                        let text = chunk.bytes.get(range).unwrap_or_default();
                        self.csv_lines(text, first_line, &shape, done)?;
                    }
                    Shape::Jsonl { .. } => {
                        let text = chunk.bytes.get(range).unwrap_or_default();
                        self.json_lines(text, first_line, done)?;
                    }
                    Shape::LongCsv(_) => {}
                },
                Part::Group(group) => {
                    if let Shape::LongCsv(shape) = self.shape {
                        shape.push_group(&self.codec, &mut self.batch, &group);
                        done.counted = true;
                        self.pushed_at(group.place.line, Some(group.place.number), done)?;
                        let records = group.rows.into_iter().map(|(record, _)| record);
                        done.spare.extend(records);
                    }
                }
                Part::CsvRow {
                    record,
                    line,
                    problem,
                } => {
                    if let Shape::Csv(shape) = self.shape {
                        let shape = shape.clone();
                        let cell = |column: usize| record.get(column).unwrap_or_default();
                        self.csv_row(record.len(), cell, line, problem, &shape, done)?;
                    }
                }
                Part::JsonTooLong { line } => {
                    let limit = match self.shape {
                        Shape::Jsonl { limit, .. } => *limit,
                        Shape::Csv(shape) => shape.limit,
                        Shape::LongCsv(_) => super::super::input::max_row_bytes(),
                    };
                    let message = problem_message(&Problem::TooLong { limit }, &[], limit);
                    self.unreadable(line, vec![RowError::new("", message)], done)?;
                }
            }
        }
        self.flush(done)
    }

    /// Whole lines without a quote, from `first_line`, each with its line
    /// break. A line without a carriage return and within the limit is
    /// split at its commas here, as `Splitter::plain_line` splits it; any
    /// other goes through a splitter of its own.
    fn csv_lines(
        &mut self,
        text: &[u8],
        first_line: u64,
        shape: &CsvShape,
        done: &mut Done,
    ) -> Result<(), Failure> {
        let mut cells = std::mem::take(&mut self.cells);
        let mut line = first_line;
        let mut from = 0;
        let mut result = Ok(());
        while from < text.len() && result.is_ok() {
            let end = memchr::memchr(b'\n', text.get(from..).unwrap_or_default())
                .map_or(text.len(), |at| from + at);
            let row = text.get(from..end).unwrap_or_default();
            if row.is_empty() {
                // A blank line: no row.
            } else if row.len() <= shape.limit && split_at_commas(row, &mut cells) {
                let cell = |column: usize| {
                    cells
                        .get(column)
                        .and_then(|&(start, end)| row.get(start..end))
                        .unwrap_or_default()
                };
                result = self.csv_row(cells.len(), cell, line, None, shape, done);
            } else {
                let bytes = text
                    .get(from..(end + 1).min(text.len()))
                    .unwrap_or_default();
                let mut splitter = Splitter::over_chunk(
                    bytes.to_vec(),
                    0..bytes.len(),
                    line,
                    shape.limit,
                    shape.header_len,
                    shape.read_columns.clone(),
                );
                result = self.csv_split(&mut splitter, shape, done);
            }
            line += 1;
            from = end + 1;
        }
        self.cells = cells;
        result
    }

    /// The rows of `splitter`.
    fn csv_split(
        &mut self,
        splitter: &mut Splitter,
        shape: &CsvShape,
        done: &mut Done,
    ) -> Result<(), Failure> {
        let mut record = std::mem::take(&mut self.record);
        let result = loop {
            let next = match splitter.next(&mut record) {
                Ok(next) => next,
                Err(e) => break Err(Failure::new(format!("internal error: {e}"))),
            };
            let (line, problem) = match next {
                Next::End => break Ok(()),
                Next::Record { line } => (line, None),
                Next::Bad { line, problem } => {
                    let message = problem_message(&problem, &shape.header, shape.limit);
                    (line, Some(RowError::new("", message)))
                }
            };
            let cell = |column: usize| record.get(column).unwrap_or_default();
            if let Err(failure) = self.csv_row(record.len(), cell, line, problem, shape, done) {
                break Err(failure);
            }
        };
        self.record = record;
        result
    }

    /// One CSV row of `count` cells, `cell(column)` each, as
    /// `Input::read_into` reads it.
    fn csv_row<'c>(
        &mut self,
        count: usize,
        cell: impl Fn(usize) -> &'c [u8],
        line: u64,
        problem: Option<RowError>,
        shape: &CsvShape,
        done: &mut Done,
    ) -> Result<(), Failure> {
        let header_len = shape.header.len();
        let error = problem.or_else(|| {
            (count != header_len).then(|| RowError::new("", msg::cell_count(header_len, count)))
        });
        match error {
            Some(error) => self.codec.push_unreadable(&mut self.batch, vec![error]),
            None => {
                let fields = &shape.fields;
                self.codec.push_cells(&mut self.batch, |index| {
                    fields
                        .get(index)
                        .map(|(_, _, column)| cell(*column))
                        .unwrap_or_default()
                });
            }
        }
        self.pushed(line, done)
    }

    /// JSON lines from `first_line`, each with its line break (the last
    /// line of the file perhaps without), as `JsonRows::next_row` reads
    /// them.
    fn json_lines(&mut self, text: &[u8], first_line: u64, done: &mut Done) -> Result<(), Failure> {
        let Shape::Jsonl { record, .. } = self.shape else {
            return Ok(());
        };
        let mut line = first_line;
        let mut from = 0;
        while from < text.len() {
            let to = memchr::memchr(b'\n', text.get(from..).unwrap_or_default())
                .map_or(text.len(), |at| from + at + 1);
            let mut bytes = text.get(from..to).unwrap_or_default();
            from = to;
            if line == 1 {
                bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                line += 1;
                continue;
            }
            if !self.codec.push_json(&mut self.batch, bytes) {
                match json_row(record, bytes) {
                    Ok(value) => self.codec.push_value(&mut self.batch, value),
                    Err(errors) => self.codec.push_unreadable(&mut self.batch, errors),
                }
            }
            self.pushed(line, done)?;
            line += 1;
        }
        Ok(())
    }

    fn unreadable(
        &mut self,
        line: u64,
        errors: Vec<RowError>,
        done: &mut Done,
    ) -> Result<(), Failure> {
        self.codec.push_unreadable(&mut self.batch, errors);
        self.pushed(line, done)
    }

    /// A row went into the batch: note its place; evaluate a full batch.
    fn pushed(&mut self, line: u64, done: &mut Done) -> Result<(), Failure> {
        self.pushed_at(line, None, done)
    }

    /// A row (or a long-form record, at its first row `number`) went into
    /// the batch.
    fn pushed_at(
        &mut self,
        line: u64,
        number: Option<u64>,
        done: &mut Done,
    ) -> Result<(), Failure> {
        self.places.push((done.rows, line, number));
        done.rows += 1;
        if self.places.len() >= BATCH {
            self.flush(done)?;
        }
        Ok(())
    }

    /// Evaluate the batch and format its answers.
    fn flush(&mut self, done: &mut Done) -> Result<(), Failure> {
        if self.places.is_empty() {
            return Ok(());
        }
        self.prepared.evaluate(&self.batch, &mut self.results);
        for (at, &(index, line, number)) in self.places.iter().enumerate() {
            let answer = self
                .results
                .get(at)
                .ok_or_else(|| Failure::new("internal error: a row without a result"))?;
            let errors = match answer {
                Ok(computed) => match self.formatter.computed(&computed, &mut done.output)? {
                    Ok(()) => {
                        done.written += 1;
                        continue;
                    }
                    Err(error) => vec![error],
                },
                Err(failure) => self.prepared.field_errors(failure),
            };
            done.failed.push(FailedRow {
                index,
                line,
                number,
                errors,
            });
        }
        self.batch.clear();
        self.places.clear();
        Ok(())
    }
}

/// The cells of `row` (start and end of each) split at its commas; false
/// when it holds a carriage return (a line end of its own in CSV). Cells
/// are short: a plain loop beats a search per comma.
fn split_at_commas(row: &[u8], cells: &mut Vec<(usize, usize)>) -> bool {
    cells.clear();
    let mut start = 0;
    for (at, &byte) in row.iter().enumerate() {
        match byte {
            b',' => {
                cells.push((start, at));
                start = at + 1;
            }
            b'\r' => return false,
            _ => {}
        }
    }
    cells.push((start, row.len()));
    true
}
