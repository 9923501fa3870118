//! Splitting CSV text into rows of cells, for [`super::CsvRows`]: RFC 4180
//! with the `csv` crate's leniencies (`\n`, `\r\n` or `\r` end a row, blank
//! lines are skipped, a leading UTF-8 BOM is dropped, text after a closing
//! quote on the same line is kept), plus the two things that crate cannot
//! do: report a quote that is never closed, and bound the bytes of a row.
//!
//! **The quote rule.** A quoted cell may span lines. It is taken to be an
//! unterminated quote, and its row a bad row, when the file ends inside it,
//! when it is still open after `limit` bytes of its row, when the quote that
//! closes it on a later line is followed by something other than a comma or
//! a line end, or when the row it ends has another number of cells than the
//! header or holds a line break in a column that an input field other than
//! a `Text` one reads (no other input type can hold a line break, even
//! after blanks are trimmed). The bad row is reported at the line the quote
//! opened on, and reading resumes at the next line: the bytes read past it
//! (at most `limit`) are read again, so every later row is read as if the
//! bad quote were not there. A quote that opens and fails on one line is
//! handled as the `csv` crate does, except at the end of the file.
//!
//! **The byte limit.** A row longer than `limit` bytes outside a quoted
//! cell that spans lines is a bad row; the rest of its line is skipped
//! without being kept, so memory stays within about `limit` whatever the
//! input. This module does not read cells as values (`CsvRows` does).

use std::io::{self, Read};

mod plain;

const BUFFER: usize = 1 << 16;

/// What [`Splitter::next`] found.
pub enum Next {
    /// A row, whose cells are in the record; `line` is its first line.
    Record {
        line: u64,
    },
    /// A row that could not be split into cells: the record holds the
    /// cells before the quote that broke it (none for a row too long).
    Bad {
        line: u64,
        problem: Problem,
    },
    End,
}

/// Why a row could not be split into cells.
pub enum Problem {
    /// A quote opening cell `column` (from 1) on `line` is not closed.
    UnterminatedQuote {
        column: usize,
        line: u64,
        why: QuoteEnd,
    },
    /// The row is longer than the limit.
    TooLong { limit: usize },
}

/// How an unterminated quote was recognised.
pub enum QuoteEnd {
    EndOfFile,
    OverLimit {
        limit: usize,
    },
    /// Closed on `line` by a quote followed by other text.
    TextAfterClose {
        line: u64,
    },
    /// The row would have had `found` cells, not the header's `expected`.
    CellCount {
        expected: usize,
        found: usize,
    },
    /// A cell that no line break can be in would hold one.
    LineBreak {
        column: usize,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    StartRow,
    StartCell,
    Unquoted,
    Quoted,
    /// Just after a quote inside a quoted cell: a doubled quote or its end.
    QuoteInQuoted,
}

/// The quote of the cell being read.
#[derive(Clone, Copy)]
struct Quote {
    column: usize,
    line: u64,
    spans_lines: bool,
}

pub struct Splitter {
    source: Box<dyn Read + Send>,
    buffer: Vec<u8>,
    start: usize,
    end: usize,
    at_eof: bool,
    from_source: u64,
    /// The line of the next unread byte, from 1.
    line: u64,
    limit: usize,
    /// The cell being read, when it is not pushed straight from `buffer`.
    cell: Vec<u8>,
    /// Bytes read since the line break after a multi-line quote opened:
    /// read again when that quote turns out to be unterminated.
    replay: Vec<u8>,
    recording: bool,
    /// Set once the header is read: its number of cells, and the columns
    /// whose cells can never hold a line break.
    header_len: Option<usize>,
    read_columns: Vec<usize>,
}

impl Splitter {
    pub fn new(source: Box<dyn Read + Send>, limit: usize) -> Splitter {
        Splitter {
            source,
            buffer: vec![0; BUFFER],
            start: 0,
            end: 0,
            at_eof: false,
            from_source: 0,
            line: 1,
            limit,
            cell: Vec::new(),
            replay: Vec::new(),
            recording: false,
            header_len: None,
            read_columns: Vec::new(),
        }
    }

    /// What the quote rule checks once the header is known.
    pub fn set_header(&mut self, header_len: usize, read_columns: Vec<usize>) {
        self.header_len = Some(header_len);
        self.read_columns = read_columns;
    }

    /// Bytes of the input consumed so far.
    pub fn position(&self) -> u64 {
        self.from_source
            .saturating_sub((self.end.saturating_sub(self.start)) as u64)
    }

    /// Refill the buffer; false at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.start < self.end {
            return Ok(true);
        }
        if self.at_eof {
            return Ok(false);
        }
        let first = self.from_source == 0;
        if self.buffer.len() < BUFFER {
            self.buffer.resize(BUFFER, 0);
        }
        self.start = 0;
        self.end = 0;
        while let Some(free) = self.buffer.get_mut(self.end..) {
            let n = match self.source.read(free) {
                Ok(n) => n,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            self.from_source += n as u64;
            self.end += n;
            // The first read goes on until it can tell whether a BOM starts
            // the file.
            if n == 0 {
                self.at_eof = true;
                break;
            }
            if !first || self.end >= 3 {
                break;
            }
        }
        if first && self.buffer.get(..3) == Some(&[0xEF, 0xBB, 0xBF][..]) && self.end >= 3 {
            self.start = 3;
        }
        Ok(self.start < self.end)
    }

    /// Consume `n` bytes of the buffer (kept for a replay when recording).
    fn consume(&mut self, n: usize) {
        let next = (self.start + n).min(self.end);
        if self.recording
            && let Some(bytes) = self.buffer.get(self.start..next)
        {
            self.replay.extend_from_slice(bytes);
        }
        self.start = next;
    }

    /// Read the next row into `record`.
    pub fn next(&mut self, record: &mut csv::ByteRecord) -> io::Result<Next> {
        record.clear();
        self.cell.clear();
        self.replay.clear();
        self.recording = false;
        let mut state = State::StartRow;
        let mut row_line = self.line;
        let mut row_bytes: usize = 0;
        let mut quote: Option<Quote> = None;
        // The first quote of the row that spans lines.
        let mut multiline: Option<Quote> = None;
        loop {
            if !self.fill()? {
                return Ok(match state {
                    State::StartRow => Next::End,
                    State::StartCell | State::Unquoted | State::QuoteInQuoted => {
                        record.push_field(&self.cell);
                        self.end_row(record, row_line, multiline)
                    }
                    State::Quoted => match quote {
                        Some(open) => self.unterminated(
                            record,
                            row_line,
                            open,
                            multiline,
                            QuoteEnd::EndOfFile,
                        ),
                        None => Next::End,
                    },
                });
            }
            let chunk = self.buffer.get(self.start..self.end).unwrap_or_default();
            match state {
                State::StartRow => {
                    // Blank lines between rows are skipped.
                    let blank = chunk
                        .iter()
                        .position(|&b| b != b'\n' && b != b'\r')
                        .unwrap_or(chunk.len());
                    let breaks = chunk
                        .get(..blank)
                        .unwrap_or_default()
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count();
                    self.line += breaks as u64;
                    self.consume(blank);
                    if self.start < self.end {
                        row_line = self.line;
                        state = State::StartCell;
                        if self.plain_line(record) {
                            return Ok(Next::Record { line: row_line });
                        }
                    }
                }
                State::StartCell => {
                    if chunk.first() == Some(&b'"') {
                        self.consume(1);
                        row_bytes += 1;
                        quote = Some(Quote {
                            column: record.len() + 1,
                            line: self.line,
                            spans_lines: false,
                        });
                        state = State::Quoted;
                    } else {
                        state = State::Unquoted;
                    }
                }
                State::Unquoted => {
                    let stop = chunk
                        .iter()
                        .position(|&b| b == b',' || b == b'\n' || b == b'\r');
                    let n = stop.unwrap_or(chunk.len());
                    row_bytes += n;
                    if row_bytes > self.limit {
                        return self.too_long(record, row_line, multiline);
                    }
                    let text = chunk.get(..n).unwrap_or_default();
                    let end = stop.and_then(|at| chunk.get(at)).copied();
                    match end {
                        // The whole cell is in the buffer: no copy.
                        Some(_) if self.cell.is_empty() => record.push_field(text),
                        Some(_) => {
                            self.cell.extend_from_slice(text);
                            record.push_field(&self.cell);
                            self.cell.clear();
                        }
                        None => self.cell.extend_from_slice(text),
                    }
                    self.consume(n);
                    match end {
                        Some(b',') => {
                            self.consume(1);
                            row_bytes += 1;
                            quote = None;
                            state = State::StartCell;
                        }
                        Some(terminator) => {
                            self.consume(1);
                            if terminator == b'\n' {
                                self.line += 1;
                            }
                            return Ok(self.end_row(record, row_line, multiline));
                        }
                        None => {}
                    }
                }
                State::Quoted => {
                    let stop = chunk.iter().position(|&b| b == b'"' || b == b'\n');
                    let n = stop.unwrap_or(chunk.len());
                    let end = stop.and_then(|at| chunk.get(at)).copied();
                    self.cell
                        .extend_from_slice(chunk.get(..n).unwrap_or_default());
                    self.consume(n);
                    row_bytes += n;
                    if row_bytes > self.limit {
                        return self.too_long(record, row_line, multiline);
                    }
                    match end {
                        Some(b'"') => {
                            self.consume(1);
                            row_bytes += 1;
                            state = State::QuoteInQuoted;
                        }
                        Some(_) => {
                            self.cell.push(b'\n');
                            self.consume(1);
                            row_bytes += 1;
                            self.line += 1;
                            if let Some(open) = &mut quote {
                                open.spans_lines = true;
                                if multiline.is_none() {
                                    multiline = Some(*open);
                                    // From here on, bytes are kept for
                                    // reading again from this line.
                                    self.recording = true;
                                }
                            }
                        }
                        None => {}
                    }
                }
                State::QuoteInQuoted => {
                    let byte = chunk.first().copied().unwrap_or(b'"');
                    match byte {
                        b'"' => {
                            self.cell.push(b'"');
                            self.consume(1);
                            row_bytes += 1;
                            state = State::Quoted;
                        }
                        b',' => {
                            self.consume(1);
                            row_bytes += 1;
                            record.push_field(&self.cell);
                            self.cell.clear();
                            quote = None;
                            state = State::StartCell;
                        }
                        b'\n' | b'\r' => {
                            self.consume(1);
                            if byte == b'\n' {
                                self.line += 1;
                            }
                            record.push_field(&self.cell);
                            return Ok(self.end_row(record, row_line, multiline));
                        }
                        _ => match quote {
                            // A quote that spans lines and closes before
                            // text was never the cell's end.
                            Some(open) if open.spans_lines => {
                                let line = self.line;
                                return Ok(self.unterminated(
                                    record,
                                    row_line,
                                    open,
                                    multiline,
                                    QuoteEnd::TextAfterClose { line },
                                ));
                            }
                            // `"ab"cd` on one line is `abcd`, as in `csv`.
                            _ => state = State::Unquoted,
                        },
                    }
                }
            }
        }
    }

    /// The common case at the start of a row: a whole line in the buffer,
    /// within the limit, without quotes or lone carriage returns, is split
    /// at its commas at once; false (nothing consumed) otherwise.
    fn plain_line(&mut self, record: &mut csv::ByteRecord) -> bool {
        let chunk = self.buffer.get(self.start..self.end).unwrap_or_default();
        let Some(end) = memchr::memchr(b'\n', chunk) else {
            return false;
        };
        let line = chunk.get(..end).unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.len() > self.limit || memchr::memchr2(b'"', b'\r', line).is_some() {
            return false;
        }
        for cell in line.split(|&b| b == b',') {
            record.push_field(cell);
        }
        self.consume(end + 1);
        self.line += 1;
        true
    }

    /// A row read to its end: bad when a multi-line quote made it so.
    fn end_row(
        &mut self,
        record: &mut csv::ByteRecord,
        row_line: u64,
        multiline: Option<Quote>,
    ) -> Next {
        let Some(open) = multiline else {
            return Next::Record { line: row_line };
        };
        if let Some(expected) = self.header_len
            && record.len() != expected
        {
            let found = record.len();
            return self.unterminated(
                record,
                row_line,
                open,
                multiline,
                QuoteEnd::CellCount { expected, found },
            );
        }
        let broken = self.read_columns.iter().find(|&&column| {
            record.get(column).is_some_and(|cell| {
                let trimmed = cell.trim_ascii();
                trimmed.contains(&b'\n') || trimmed.contains(&b'\r')
            })
        });
        if let Some(&column) = broken {
            return self.unterminated(
                record,
                row_line,
                open,
                multiline,
                QuoteEnd::LineBreak { column: column + 1 },
            );
        }
        self.recording = false;
        self.replay.clear();
        Next::Record { line: row_line }
    }

    /// A bad quote: report it, and read again from the line after the
    /// first multi-line quote of the row opened.
    fn unterminated(
        &mut self,
        record: &mut csv::ByteRecord,
        row_line: u64,
        open: Quote,
        multiline: Option<Quote>,
        why: QuoteEnd,
    ) -> Next {
        self.cell.clear();
        // The first quote spanning lines opened on the row's first line
        // (no line break came before it), so it is the one reported; the
        // cells before it are whole (long form reads the key from them).
        let open = multiline.unwrap_or(open);
        record.truncate(open.column.saturating_sub(1));
        if multiline.is_some() {
            let mut replay = std::mem::take(&mut self.replay);
            replay.extend_from_slice(self.buffer.get(self.start..self.end).unwrap_or_default());
            // `from_source` is unchanged: `position` goes back by what is
            // read again.
            self.end = replay.len();
            self.start = 0;
            self.buffer = replay;
            self.line = open.line + 1;
        }
        self.recording = false;
        Next::Bad {
            line: row_line,
            problem: Problem::UnterminatedQuote {
                column: open.column,
                line: open.line,
                why,
            },
        }
    }

    /// A row over the limit: skip the rest of its line without keeping it
    /// (or, inside a multi-line quote, take the quote to be unterminated).
    fn too_long(
        &mut self,
        record: &mut csv::ByteRecord,
        row_line: u64,
        multiline: Option<Quote>,
    ) -> io::Result<Next> {
        if let Some(open) = multiline {
            return Ok(self.unterminated(
                record,
                row_line,
                open,
                multiline,
                QuoteEnd::OverLimit { limit: self.limit },
            ));
        }
        record.clear();
        self.cell.clear();
        self.recording = false;
        while self.fill()? {
            let chunk = self.buffer.get(self.start..self.end).unwrap_or_default();
            match chunk.iter().position(|&b| b == b'\n') {
                Some(at) => {
                    self.consume(at + 1);
                    self.line += 1;
                    break;
                }
                None => {
                    let n = chunk.len();
                    self.consume(n);
                }
            }
        }
        Ok(Next::Bad {
            line: row_line,
            problem: Problem::TooLong { limit: self.limit },
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

    use super::*;

    /// Each row as its cells joined by `|`, or `!line:why` for a bad one.
    fn split(text: &str, limit: usize, header: Option<usize>, read: &[usize]) -> Vec<String> {
        let bytes = text.as_bytes().to_vec();
        let mut splitter = Splitter::new(Box::new(std::io::Cursor::new(bytes)), limit);
        if let Some(len) = header {
            splitter.set_header(len, read.to_vec());
        }
        let mut record = csv::ByteRecord::new();
        let mut rows = Vec::new();
        loop {
            match splitter.next(&mut record).unwrap() {
                Next::End => return rows,
                Next::Record { line } => {
                    let cells: Vec<String> = record
                        .iter()
                        .map(|c| String::from_utf8_lossy(c).into_owned())
                        .collect();
                    rows.push(format!("{line}:{}", cells.join("|")));
                }
                Next::Bad { line, problem } => rows.push(match problem {
                    Problem::TooLong { .. } => format!("!{line}:long"),
                    Problem::UnterminatedQuote { column, line, why } => {
                        let why = match why {
                            QuoteEnd::EndOfFile => "eof",
                            QuoteEnd::OverLimit { .. } => "limit",
                            QuoteEnd::TextAfterClose { .. } => "text",
                            QuoteEnd::CellCount { .. } => "count",
                            QuoteEnd::LineBreak { .. } => "break",
                        };
                        format!("!{line}:quote{column}:{why}")
                    }
                }),
            }
        }
    }

    #[test]
    fn plain_rows_blank_lines_crlf_and_bom() {
        assert_eq!(
            split("\u{feff}a,b\r\n1,2\r\n\r\n3,\n", 100, None, &[]),
            ["1:a|b", "2:1|2", "4:3|"]
        );
    }

    #[test]
    fn quoted_cells_with_doubled_quotes_and_line_breaks() {
        assert_eq!(
            split(
                "a,b\n1,\"x \"\"y\"\", z\"\n2,\"two\nlines\"\n",
                100,
                Some(2),
                &[0]
            ),
            ["1:a|b", "2:1|x \"y\", z", "3:2|two\nlines"]
        );
    }

    #[test]
    fn an_unterminated_quote_resumes_at_the_next_line() {
        let text = "a,b,c\n1,\"x,3\n2,y,4\n3,z,5\n";
        assert_eq!(
            split(text, 100, Some(3), &[0]),
            ["1:a|b|c", "!2:quote2:eof", "3:2|y|4", "4:3|z|5"]
        );
    }

    #[test]
    fn a_quote_closed_before_text_on_a_later_line_is_unterminated() {
        let text = "1,\"x,3\n2,\"y\",4\n3,z,5\n";
        assert_eq!(
            split(text, 100, Some(3), &[0]),
            ["!1:quote2:text", "2:2|y|4", "3:3|z|5"]
        );
    }

    #[test]
    fn a_wrong_cell_count_or_a_line_break_in_a_read_column_is_unterminated() {
        let text = "1,\"x\n2,y\",4,5\n3,z,5\n";
        assert_eq!(
            split(text, 100, Some(3), &[0]),
            ["!1:quote2:count", "2:2|y\"|4|5", "3:3|z|5"]
        );
        let text = "1,\"x\n2,y\",4\n3,z,5\n";
        assert_eq!(
            split(text, 100, Some(3), &[1]),
            ["!1:quote2:break", "2:2|y\"|4", "3:3|z|5"]
        );
        // Not read: a note over two lines is fine.
        assert_eq!(split(text, 100, Some(3), &[0]), ["1:1|x\n2,y|4", "3:3|z|5"]);
    }

    #[test]
    fn rows_over_the_limit_are_skipped_without_being_kept() {
        let long = "9".repeat(50);
        let text = format!("1,2\n{long},3\n4,5\n");
        assert_eq!(split(&text, 20, None, &[]), ["1:1|2", "!2:long", "3:4|5"]);
        let text = format!("1,\"{long}\n4,5\n6,7\n");
        assert_eq!(
            split(&text, 20, Some(2), &[]),
            ["!1:long", "2:4|5", "3:6|7"]
        );
        let text = format!("1,\"a\n{long}\n4,5\n");
        assert_eq!(
            split(&text, 20, Some(2), &[]),
            ["!1:quote2:limit", "!2:long", "3:4|5"]
        );
    }
}
