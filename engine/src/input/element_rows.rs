//! Where the elements of a record's list were read, when the record spans
//! several rows (long-form CSV: one row per shift). An evaluation error
//! that names an element (`refuse for s in r.shifts …` fails at
//! `shifts[2]`) is then reported at that element's own row, not the
//! record's first. JSON Lines and columnar records have one row each and
//! register nothing here.

use crate::results::RowPlace;

/// The element rows of the records of one batch that have them.
#[derive(Debug, Default)]
pub(crate) struct ElementRows {
    /// The list field whose elements the rows are (`shifts`).
    list: Box<str>,
    /// Per record with element rows, in record order: its index in the
    /// batch and its rows' range in `rows`.
    records: Vec<(usize, usize, usize)>,
    rows: Vec<RowPlace>,
}

impl ElementRows {
    pub(crate) fn clear(&mut self) {
        self.records.clear();
        self.rows.clear();
    }

    /// Record `record` of the batch has one element of list `list` per
    /// row of `rows`, in order. Records are registered in batch order.
    pub(crate) fn set(
        &mut self,
        record: usize,
        list: &str,
        rows: impl IntoIterator<Item = RowPlace>,
    ) {
        if *self.list != *list {
            self.list = list.into();
        }
        let start = self.rows.len();
        self.rows.extend(rows);
        self.records.push((record, start, self.rows.len()));
    }

    /// The row of the element an evaluation error names (`place` is
    /// `shifts[2]`), when record `record` has element rows.
    pub(crate) fn row_of(&self, record: usize, place: &str) -> Option<RowPlace> {
        let element = element_index(place, &self.list)?;
        let found = self
            .records
            .binary_search_by_key(&record, |(at, _, _)| *at)
            .ok()?;
        let (_, start, end) = self.records.get(found)?;
        let rows = self.rows.get(*start..*end)?;
        rows.get(element).copied()
    }
}

/// The element index of `list[index]` (the place a per-element `refuse`
/// names); `None` for any other place.
fn element_index(place: &str, list: &str) -> Option<usize> {
    let index = place
        .strip_prefix(list)?
        .strip_prefix('[')?
        .strip_suffix(']')?;
    if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    index.parse().ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn row(number: u64) -> RowPlace {
        RowPlace {
            number,
            line: number + 1,
        }
    }

    #[test]
    fn an_element_place_finds_its_row_in_its_own_record() {
        let mut rows = ElementRows::default();
        rows.set(0, "shifts", [row(1)]);
        rows.set(2, "shifts", [row(3), row(4), row(5)]);
        assert_eq!(rows.row_of(2, "shifts[0]"), Some(row(3)));
        assert_eq!(rows.row_of(2, "shifts[2]"), Some(row(5)));
        assert_eq!(rows.row_of(0, "shifts[0]"), Some(row(1)));
        // Past the last element, another record, another list, not an
        // element: no row.
        assert_eq!(rows.row_of(2, "shifts[3]"), None);
        assert_eq!(rows.row_of(1, "shifts[0]"), None);
        assert_eq!(rows.row_of(2, "breaks[0]"), None);
        assert_eq!(rows.row_of(2, "shifts"), None);
        assert_eq!(rows.row_of(2, "shifts[+1]"), None);
        assert_eq!(rows.row_of(2, "shifts_x[1]"), None);
        rows.clear();
        assert_eq!(rows.row_of(2, "shifts[0]"), None);
    }
}
