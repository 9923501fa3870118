//! Long-form CSV: consecutive rows with the same key are one record, for
//! an input record with a list field (a month's shifts, one row each).
//!
//! The key is the text of the file's first column. Each row of a record
//! repeats the record's own columns; the columns of the list's elements
//! change from row to row. [`Grouper`] takes rows one at a time, as the
//! splitter reads them, and hands out each record's rows as a [`Group`]
//! once the next key (or the end) shows it complete, so memory is bounded
//! by the largest group, not by the file.
//!
//! Problems of grouping are kept with the group, each at its row:
//! - a later row whose record columns are not the first row's text
//!   (E0608, one error per cell);
//! - a key whose rows came earlier, with other rows between (E0609): a
//!   streaming reader has written the earlier rows as the record by then,
//!   so the later run of rows is the error;
//! - a row that cannot be read (another number of cells than the header,
//!   an unterminated quote) belongs to the record its first cell names
//!   when that cell was read whole, and that record fails with the row's
//!   error; a row without one (too long, or broken in its first cell)
//!   belongs to the record around it when the rows before and after it
//!   have the same key, else it is a failed record of its own. So a
//!   broken row of a record never lets the record be written without it.
//!
//! Remembering every key for E0609 is the one cost that grows with the
//! file: keys that are whole numbers are kept as runs of consecutive
//! numbers (the usual `1, 2, 3, …` ids take one run), any other key as its
//! text. This module reads no cells as values (`CsvRows` does).

use std::collections::{BTreeMap, HashSet, VecDeque};

use avtal_compiler::diagnostics::messages::data as msg;
use avtal_engine::{FieldError, RowPlace};

/// The rows of one record, and the problems found while grouping them.
#[derive(Debug)]
pub struct Group {
    /// Where the record is reported: its first row.
    pub place: RowPlace,
    /// Its rows with their places, in file order; empty for a row that
    /// could not be read and stands alone.
    pub rows: Vec<(csv::ByteRecord, RowPlace)>,
    /// Disagreeing cells, a split key, rows that could not be read.
    pub errors: Vec<FieldError>,
    /// The text of its first column.
    key: Box<[u8]>,
}

/// Groups long-form rows into records.
pub struct Grouper {
    /// Names of the columns, for messages.
    header: Vec<String>,
    /// Columns compared with the group's first row (the record's own
    /// columns that are read); the key is column 0.
    compared: Vec<usize>,
    current: Option<Group>,
    /// Rows that could not be read, waiting for the next row's key.
    unread: Vec<(RowPlace, FieldError)>,
    ready: VecDeque<Group>,
    seen: SeenKeys,
    /// Records of finished groups, reused.
    spare: Vec<csv::ByteRecord>,
}

impl Grouper {
    pub fn new(header: Vec<String>, compared: Vec<usize>) -> Grouper {
        Grouper {
            header,
            compared: compared.into_iter().filter(|c| *c != 0).collect(),
            current: None,
            unread: Vec::new(),
            ready: VecDeque::new(),
            seen: SeenKeys::default(),
            spare: Vec::new(),
        }
    }

    /// Take a row of cells (as many as the header); `cells` is left
    /// empty (a record to reuse), its buffers taken, not copied.
    pub fn push_row(&mut self, cells: &mut csv::ByteRecord, place: RowPlace) {
        let mut copy = self.spare.pop().unwrap_or_default();
        copy.clear();
        std::mem::swap(&mut copy, cells);
        let key = copy.get(0).unwrap_or_default();
        self.enter(key, place);
        let Some(group) = self.current.as_mut() else {
            return;
        };
        if let Some((first, first_place)) = group.rows.first() {
            for &column in &self.compared {
                let here = copy.get(column).unwrap_or_default();
                let there = first.get(column).unwrap_or_default();
                if here != there {
                    let name = self.header.get(column).map_or("", String::as_str);
                    group.errors.push(
                        FieldError::new(
                            name,
                            msg::group_disagrees(
                                name,
                                &String::from_utf8_lossy(here),
                                &String::from_utf8_lossy(there),
                                first_place.number,
                                self.header.first().map_or("", String::as_str),
                                &String::from_utf8_lossy(key),
                            ),
                        )
                        .at(place),
                    );
                }
            }
        }
        group.rows.push((copy, place));
    }

    /// Take a row that could not be read, with its error for the whole
    /// row and the cells read before it broke. When its first cell is
    /// there, that is its key: the row belongs to that record, which then
    /// fails. Without one, it waits for the next row's key.
    pub fn push_unreadable(&mut self, cells: &csv::ByteRecord, place: RowPlace, error: FieldError) {
        match cells.get(0) {
            Some(key) => {
                self.enter(key, place);
                if let Some(group) = self.current.as_mut() {
                    group.errors.push(error.at(place));
                }
            }
            _ => self.unread.push((place, error)),
        }
    }

    /// A row with `key` at `place`: it continues the current group, or
    /// ends it and starts the next (a split group when the key was met
    /// before). Rows that could not be read and wait for a key join a
    /// group that goes on, or stand alone before the next.
    fn enter(&mut self, key: &[u8], place: RowPlace) {
        let continues = self
            .current
            .as_ref()
            .is_some_and(|group| *group.key == *key);
        if !continues {
            self.close();
            let mut group = Group {
                place,
                rows: Vec::new(),
                errors: Vec::new(),
                key: key.into(),
            };
            if self.seen.contains(key) {
                let name = self.column_name(0);
                group.errors.push(
                    FieldError::new(name, msg::group_split(name, &String::from_utf8_lossy(key)))
                        .at(place),
                );
            } else {
                self.seen.insert(key);
            }
            self.current = Some(group);
        }
        if let Some(group) = self.current.as_mut() {
            group
                .errors
                .extend(self.unread.drain(..).map(|(at, error)| error.at(at)));
        }
    }

    /// The input ended: the last group is complete.
    pub fn finish(&mut self) {
        self.close();
    }

    /// The next complete group, in file order.
    pub fn pop(&mut self) -> Option<Group> {
        self.ready.pop_front()
    }

    /// Hand a used group's rows back for reuse.
    pub fn recycle(&mut self, group: Group) {
        self.spare
            .extend(group.rows.into_iter().map(|(record, _)| record));
    }

    /// Take records to reuse (those of groups used elsewhere: the workers
    /// of the chunked pipeline), keeping at most [`SPARE`].
    pub fn give_spare(&mut self, records: &mut Vec<csv::ByteRecord>) {
        let room = SPARE.saturating_sub(self.spare.len());
        let from = records.len().saturating_sub(room);
        self.spare.extend(records.drain(from..));
        records.clear();
    }

    /// The current group is complete; rows that could not be read after
    /// it are records of their own.
    fn close(&mut self) {
        if let Some(group) = self.current.take() {
            self.ready.push_back(group);
        }
        for (place, error) in self.unread.drain(..) {
            self.ready.push_back(Group {
                place,
                rows: Vec::new(),
                errors: vec![error],
                key: Box::default(),
            });
        }
    }

    fn column_name(&self, column: usize) -> &str {
        self.header.get(column).map_or("", String::as_str)
    }
}

/// Records kept for reuse at most: a few chunks' rows.
const SPARE: usize = 1 << 16;

/// Every key met so far: whole numbers as runs of consecutive numbers,
/// other keys as their text.
#[derive(Debug, Default)]
struct SeenKeys {
    /// First number of a run → its last.
    runs: BTreeMap<i64, i64>,
    texts: HashSet<Box<[u8]>>,
}

impl SeenKeys {
    fn contains(&self, key: &[u8]) -> bool {
        match whole_number(key) {
            Some(n) => self
                .runs
                .range(..=n)
                .next_back()
                .is_some_and(|(_, last)| *last >= n),
            None => self.texts.contains(key),
        }
    }

    fn insert(&mut self, key: &[u8]) {
        let Some(n) = whole_number(key) else {
            self.texts.insert(key.into());
            return;
        };
        // The run just before `n` grows by it, or a new run starts.
        let start = match self.runs.range(..=n).next_back() {
            Some((_, last)) if *last >= n => return,
            Some((first, last)) if last.checked_add(1) == Some(n) => *first,
            _ => n,
        };
        // A run starting just after `n` joins it.
        let last = match n.checked_add(1).and_then(|next| self.runs.remove(&next)) {
            Some(last) => last,
            None => n,
        };
        self.runs.insert(start, last);
    }
}

/// A key that is a whole number written plainly (`17`, `-3`; not `017`,
/// `+3` or `17.0`, whose text differs from the number's, and so are other
/// keys), in `i64`.
fn whole_number(key: &[u8]) -> Option<i64> {
    let digits = key.strip_prefix(b"-").unwrap_or(key);
    let plain = match digits {
        [b'0'] => key.len() == 1,
        [b'1'..=b'9', rest @ ..] => rest.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    if !plain {
        return None;
    }
    std::str::from_utf8(key).ok()?.parse().ok()
}

#[cfg(test)]
#[path = "groups_tests.rs"]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod tests;
