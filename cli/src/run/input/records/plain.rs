//! Whole quote-free lines out of a [`Splitter`], for splitting a CSV file
//! into chunks that other threads split into rows (`run/parallel`).
//!
//! Between two rows the splitter is at the start of a row. From there, a
//! run of whole lines without a quote can only be split one way: every
//! line break ends a row, so a fresh splitter started at the run's first
//! line ([`Splitter::over_chunk`]) gives exactly the rows, lines and
//! problems (a row over the limit) that this splitter would have given.
//! A line with a quote, a line longer than the buffer and a last line
//! without a line break are left to [`Splitter::next`], whose rows the
//! caller ships already split. This module decides only where it is safe
//! to cut; it reads no cells.

use std::io;

use super::{BUFFER, Splitter};

impl Splitter {
    /// A splitter over `bytes[range]`, whole lines cut by
    /// [`Splitter::take_plain`], whose first line is `first_line` of the
    /// file; the header's checks as `set_header` gives them.
    pub fn over_chunk(
        bytes: Vec<u8>,
        range: std::ops::Range<usize>,
        first_line: u64,
        limit: usize,
        header_len: Option<usize>,
        read_columns: Vec<usize>,
    ) -> Splitter {
        let len = bytes.len();
        let end = range.end.min(len);
        Splitter {
            source: Box::new(io::empty()),
            buffer: bytes,
            start: range.start.min(end),
            end,
            at_eof: true,
            // Not the file's first read: no byte-order mark is looked for.
            from_source: len.max(1) as u64,
            line: first_line,
            limit,
            cell: Vec::new(),
            replay: Vec::new(),
            recording: false,
            header_len,
            read_columns,
        }
    }

    /// The line of the next unread byte, from 1.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The header's checks, for splitters over chunks of this file.
    pub fn header_checks(&self) -> (Option<usize>, Vec<usize>) {
        (self.header_len, self.read_columns.clone())
    }

    /// Between rows: append to `out` whole lines without a quote, until
    /// `out` holds at least `want` bytes or the next line is not such a
    /// line (or is not in the buffer whole); the number of line breaks
    /// taken. Nothing is taken (0) when the next line has a quote, is
    /// longer than the buffer, or is the file's last without a line break:
    /// [`Splitter::next`] reads it.
    pub fn take_plain(&mut self, out: &mut Vec<u8>, want: usize) -> io::Result<u64> {
        let mut lines = 0u64;
        loop {
            let chunk = self.buffer.get(self.start..self.end).unwrap_or_default();
            let quote = memchr::memchr(b'"', chunk);
            let plain = chunk
                .get(..quote.unwrap_or(chunk.len()))
                .unwrap_or_default();
            if let Some(last) = memchr::memrchr(b'\n', plain) {
                let taken = plain.get(..=last).unwrap_or_default();
                let breaks = memchr::memchr_iter(b'\n', taken).count() as u64;
                out.extend_from_slice(taken);
                lines += breaks;
                self.line += breaks;
                self.consume(last + 1);
            }
            if quote.is_some() || out.len() >= want {
                return Ok(lines);
            }
            // Only part of a line is left: read on, keeping it.
            if !self.refill_keeping()? {
                return Ok(lines);
            }
        }
    }

    /// Move the unread bytes to the front and read more after them; false
    /// at the end of the input or when the buffer is full (a line longer
    /// than the buffer).
    fn refill_keeping(&mut self) -> io::Result<bool> {
        if self.at_eof {
            return Ok(false);
        }
        self.buffer.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        if self.buffer.len() < BUFFER {
            self.buffer.resize(BUFFER, 0);
        }
        loop {
            let Some(free) = self.buffer.get_mut(self.end..).filter(|f| !f.is_empty()) else {
                return Ok(false);
            };
            match self.source.read(free) {
                Ok(0) => {
                    self.at_eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.from_source += n as u64;
                    self.end += n;
                    return Ok(true);
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
    }
}
