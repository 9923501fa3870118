//! The reading side of the chunked pipeline: the input cut into chunks of
//! whole rows, on one thread, cheaply, so that the workers can split,
//! read, evaluate and format the chunks at the same time.
//!
//! CSV: runs of whole quote-free lines are cut as they are (every line
//! break there ends a row, `records/plain.rs`); a line with a quote, a line
//! longer than the buffer and a last line without a line break are split
//! here, row by row, by the same [`Splitter`] that reads a file
//! sequentially, and shipped as cells. So a quoted cell over several
//! lines, an unterminated quote and its resumption at the next line are
//! exactly as in a sequential read. JSON Lines: whole lines; a line over
//! `--max-row-bytes` is skipped here without being kept and shipped as a
//! marker. Each chunk knows the file line of each of its pieces; row
//! numbers are counted when the chunks are put back in order.
//!
//! Long-form CSV: rows are split and grouped into records here, by the
//! sequential reader itself (`CsvRows`, `input/groups.rs`), so that keys
//! are met in file order and a changed record column (E0608), a key whose
//! rows came earlier (E0609) and every row number are exactly the
//! sequential run's; each chunk holds whole records, whose cells the
//! workers read.

use std::io::{self, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use avtal_compiler::data::DataType;

use super::super::input::groups::Group;
use super::super::input::records::{Next, Splitter};
use super::super::input::{CsvRows, problem_message};
use super::super::report::RowError;
use crate::term::Failure;

/// A chunk of input, in file order by `seq`.
pub(crate) struct Chunk {
    pub seq: u64,
    /// The text of the `Lines` pieces.
    pub bytes: Vec<u8>,
    pub parts: Vec<Part>,
    /// Bytes of input read when the chunk was complete.
    pub position: u64,
    /// A read failure: the run stops here (rows of this chunk are lost).
    pub failure: Option<Failure>,
    /// A buffer for the worker's output, handed round for reuse.
    pub out: Vec<u8>,
    /// A buffer for the records of long-form groups the worker is done
    /// with, handed back to the grouper (empty here).
    pub spare: Vec<csv::ByteRecord>,
    /// The input's last chunk.
    pub last: bool,
}

/// A piece of a chunk, in file order.
pub(crate) enum Part {
    /// `bytes[range]`: whole lines, the first being line `first_line` of
    /// the file (CSV lines without quotes, or JSON lines).
    Lines {
        range: Range<usize>,
        first_line: u64,
    },
    /// A CSV row split here: its cells, its first line, and why it could
    /// not be split (its cells are then not read).
    CsvRow {
        record: csv::ByteRecord,
        line: u64,
        problem: Option<RowError>,
    },
    /// A JSON line longer than the limit, skipped.
    JsonTooLong { line: u64 },
    /// The rows of one long-form record, grouped, with their places.
    Group(Box<Group>),
}

/// What the workers need to know of a CSV file's header.
pub(crate) struct CsvShape {
    pub header: Vec<String>,
    /// For each input field: its name, type and column index.
    pub fields: Vec<(String, DataType, usize)>,
    /// The quote rule's checks (`Splitter::set_header`).
    pub header_len: Option<usize>,
    pub read_columns: Vec<usize>,
    pub limit: usize,
}

/// An input the pipeline can cut into chunks.
pub(crate) enum Source {
    Csv {
        splitter: Splitter,
        shape: Arc<CsvShape>,
        record: csv::ByteRecord,
        path: PathBuf,
    },
    Jsonl(JsonLines),
    /// Long-form CSV, read and grouped by the sequential reader.
    LongCsv {
        rows: Box<CsvRows>,
        path: PathBuf,
    },
}

impl Source {
    /// Fill `chunk` with at least `want` bytes of rows, or up to the end;
    /// false at the end of the input.
    pub fn fill(&mut self, chunk: &mut Chunk, want: usize) -> Result<bool, Failure> {
        match self {
            Source::Csv {
                splitter,
                shape,
                record,
                path,
            } => {
                fill_csv(splitter, shape, record, chunk, want).map_err(|e| Failure::read(path, &e))
            }
            Source::Jsonl(lines) => lines
                .fill(chunk, want)
                .map_err(|e| Failure::read(&lines.path, &e)),
            Source::LongCsv { rows, path } => fill_groups(rows, path, chunk),
        }
    }

    /// Records of used long-form groups, for the rows of later ones.
    pub fn give_spare(&mut self, records: &mut Vec<csv::ByteRecord>) {
        match self {
            Source::LongCsv { rows, .. } => rows.give_spare(records),
            Source::Csv { .. } | Source::Jsonl(_) => records.clear(),
        }
    }

    /// Bytes of input consumed so far.
    pub fn position(&self) -> u64 {
        match self {
            Source::Csv { splitter, .. } => splitter.position(),
            Source::Jsonl(lines) => lines.position,
            Source::LongCsv { rows, .. } => rows.position(),
        }
    }
}

/// Data rows of long-form records per chunk, at least (a chunk ends with
/// a whole record).
const GROUP_ROWS: usize = 8192;

/// Fill `chunk` with whole long-form records; false at the end.
fn fill_groups(rows: &mut CsvRows, path: &Path, chunk: &mut Chunk) -> Result<bool, Failure> {
    let mut taken = 0;
    while taken < GROUP_ROWS {
        let Some(group) = rows.next_raw_group(path)? else {
            return Ok(false);
        };
        taken += group.rows.len().max(1);
        chunk.parts.push(Part::Group(Box::new(group)));
    }
    Ok(true)
}

/// Rows split here per chunk at most, so that a file of quoted cells still
/// comes in chunks of a batch's size.
const SPLIT_ROWS: usize = 4096;

fn fill_csv(
    splitter: &mut Splitter,
    shape: &CsvShape,
    record: &mut csv::ByteRecord,
    chunk: &mut Chunk,
    want: usize,
) -> io::Result<bool> {
    let mut split_rows = 0;
    loop {
        if chunk.bytes.len() >= want || split_rows >= SPLIT_ROWS {
            return Ok(true);
        }
        let start = chunk.bytes.len();
        let first_line = splitter.line();
        splitter.take_plain(&mut chunk.bytes, want)?;
        if chunk.bytes.len() > start {
            chunk.parts.push(Part::Lines {
                range: start..chunk.bytes.len(),
                first_line,
            });
            continue;
        }
        let (line, problem) = match splitter.next(record)? {
            Next::End => return Ok(false),
            Next::Record { line } => (line, None),
            Next::Bad { line, problem } => {
                let message = problem_message(&problem, &shape.header, shape.limit);
                (line, Some(RowError::new("", message)))
            }
        };
        chunk.parts.push(Part::CsvRow {
            record: record.clone(),
            line,
            problem,
        });
        split_rows += 1;
    }
}

/// JSON Lines cut into whole lines, with a buffer that holds any line up
/// to the limit.
pub(crate) struct JsonLines {
    reader: Box<dyn Read + Send>,
    path: PathBuf,
    buffer: Vec<u8>,
    start: usize,
    end: usize,
    at_eof: bool,
    /// Lines read so far.
    line: u64,
    limit: usize,
    position: u64,
}

const JSON_BUFFER: usize = 1 << 18;

impl JsonLines {
    pub fn new(reader: Box<dyn Read + Send>, path: PathBuf, limit: usize) -> JsonLines {
        JsonLines {
            reader,
            path,
            buffer: vec![0; JSON_BUFFER],
            start: 0,
            end: 0,
            at_eof: false,
            line: 0,
            limit,
            position: 0,
        }
    }

    /// The longest line kept, its line break included (as `read_line`
    /// of the sequential reader keeps it).
    fn longest(&self) -> usize {
        self.limit.saturating_add(1)
    }

    fn fill(&mut self, chunk: &mut Chunk, want: usize) -> io::Result<bool> {
        loop {
            if chunk.bytes.len() >= want {
                return Ok(true);
            }
            let available = self.buffer.get(self.start..self.end).unwrap_or_default();
            if let Some(last) = memchr::memrchr(b'\n', available) {
                let taken = last + 1;
                self.take_lines(chunk, taken);
                continue;
            }
            if self.at_eof {
                // The last line, without a line break.
                let rest = self.end - self.start;
                if rest > 0 {
                    self.take_lines(chunk, rest);
                }
                return Ok(false);
            }
            if self.end - self.start == self.buffer.len() {
                if self.buffer.len() > self.longest() {
                    self.skip_line(chunk)?;
                    continue;
                }
                let grown = self
                    .buffer
                    .len()
                    .saturating_mul(2)
                    .min(self.longest().saturating_add(1));
                self.buffer.resize(grown, 0);
            }
            self.refill()?;
        }
    }

    /// Move the first `n` bytes of the buffer (whole lines, the last
    /// perhaps without its line break at the end of the input) into
    /// `chunk`, a line over the limit as a marker.
    fn take_lines(&mut self, chunk: &mut Chunk, n: usize) {
        let region = self
            .buffer
            .get(self.start..self.start + n)
            .unwrap_or_default();
        let mut run_start = chunk.bytes.len();
        let mut run_line = self.line + 1;
        let mut from = 0;
        while from < region.len() {
            let to = memchr::memchr(b'\n', region.get(from..).unwrap_or_default())
                .map_or(region.len(), |at| from + at + 1);
            self.line += 1;
            if to - from > self.longest() {
                if chunk.bytes.len() > run_start {
                    chunk.parts.push(Part::Lines {
                        range: run_start..chunk.bytes.len(),
                        first_line: run_line,
                    });
                }
                chunk.parts.push(Part::JsonTooLong { line: self.line });
                run_start = chunk.bytes.len();
                run_line = self.line + 1;
            } else {
                chunk
                    .bytes
                    .extend_from_slice(region.get(from..to).unwrap_or_default());
            }
            from = to;
        }
        if chunk.bytes.len() > run_start {
            chunk.parts.push(Part::Lines {
                range: run_start..chunk.bytes.len(),
                first_line: run_line,
            });
        }
        self.consume(n);
    }

    /// Skip a line longer than the buffer (and so than the limit) without
    /// keeping it.
    fn skip_line(&mut self, chunk: &mut Chunk) -> io::Result<()> {
        loop {
            let available = self.buffer.get(self.start..self.end).unwrap_or_default();
            if let Some(at) = memchr::memchr(b'\n', available) {
                self.consume(at + 1);
                break;
            }
            let n = available.len();
            self.consume(n);
            if !self.refill()? {
                break;
            }
        }
        self.line += 1;
        chunk.parts.push(Part::JsonTooLong { line: self.line });
        Ok(())
    }

    fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
        self.position += n as u64;
    }

    /// Keep the unread bytes, read more after them; false at the end.
    fn refill(&mut self) -> io::Result<bool> {
        if self.at_eof {
            return Ok(false);
        }
        self.buffer.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        loop {
            let Some(free) = self.buffer.get_mut(self.end..).filter(|f| !f.is_empty()) else {
                return Ok(true);
            };
            match self.reader.read(free) {
                Ok(0) => {
                    self.at_eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
    }
}
