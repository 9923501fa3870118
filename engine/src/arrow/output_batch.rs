//! [`ArrowOutput::push_results`]: every answer of an evaluated batch into
//! the columns at once, a column at a time.
//!
//! Answers the compiled code computed are copied slot by slot straight
//! into each column, one column after another, in runs of consecutive
//! rows; the rules are `push_slots`' (`SlotCopy`), so the columns hold
//! exactly what adding the rows one by one gives. A row with a word that
//! is not plain, or computed by the interpreter, is added alone through
//! [`ArrowOutput::push`]; failed rows and rows that cannot be written are
//! handed to the caller, in row order.

use super::output::{ArrowOutput, Column, SlotCopy, date_cell, slot_word};
use crate::codegen::RecordLayout;
use crate::results::{FieldError, Results, RowFailure};

/// Why an answer of a batch was not added to the columns.
#[derive(Debug)]
pub enum Rejected<'r> {
    /// The row could not be read or evaluated.
    Failed(&'r RowFailure),
    /// Its result cannot be written exactly in these columns (E0501).
    Unwritable(FieldError),
}

/// A row to copy from its slots: its bytes.
type SlotRow<'r> = Option<&'r [u8]>;

impl ArrowOutput {
    /// Add every answer of `results` in order; `rejected(index, why)` for
    /// each one not added (an error it returns stops the batch). The
    /// number of rows added back.
    pub fn push_results<'r, E>(
        &mut self,
        results: &'r Results,
        mut rejected: impl FnMut(usize, Rejected<'r>) -> Result<(), E>,
    ) -> Result<usize, E> {
        let (rows, layout) = self.plain_rows(results);
        let mut added = 0;
        let mut index = 0;
        while let Some(first) = rows.get(index) {
            if first.is_some() {
                let run = rows
                    .get(index..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|row| row.is_some())
                    .count();
                if let Some(layout) = layout {
                    self.copy_run(rows.get(index..index + run).unwrap_or_default(), layout);
                }
                added += run;
                index += run;
                continue;
            }
            match results.get(index) {
                Some(Ok(computed)) => match self.push(&computed) {
                    Ok(()) => added += 1,
                    Err(error) => rejected(index, Rejected::Unwritable(error))?,
                },
                Some(Err(failure)) => rejected(index, Rejected::Failed(failure))?,
                None => {}
            }
            index += 1;
        }
        Ok(added)
    }

    /// Per answer, its slots when the compiled code computed it and every
    /// word is plain for its column; the layout of those slots.
    fn plain_rows<'r>(&self, results: &'r Results) -> (Vec<SlotRow<'r>>, Option<&'r RecordLayout>) {
        let mut layout = None;
        let mut rows: Vec<SlotRow<'r>> = (0..results.len())
            .map(|index| match results.get(index) {
                Some(Ok(computed)) => computed.slots().map(|(bytes, of)| {
                    layout = Some(of);
                    bytes
                }),
                _ => None,
            })
            .collect();
        // Every slot inside each record's bytes (a stride long), so that
        // columns whose every word is plain need no look.
        let fits = |l: &&RecordLayout| {
            l.fields.len() == self.columns.len()
                && l.fields
                    .iter()
                    .all(|f| f.offset.saturating_add(8) <= l.stride)
        };
        let Some(layout) = layout.filter(fits) else {
            rows.iter_mut().for_each(|row| *row = None);
            return (rows, None);
        };
        for (column, slot) in self.columns.iter().zip(&layout.fields) {
            let copy = SlotCopy::of(column, slot.encoding);
            if copy.always_plain() {
                continue;
            }
            for row in rows.iter_mut() {
                if let Some(bytes) = row
                    && slot_word(bytes, slot.offset)
                        .and_then(|word| copy.cell(word))
                        .is_none()
                {
                    *row = None;
                }
            }
        }
        (rows, Some(layout))
    }

    /// Append rows whose every word `plain_rows` found plain, a column at
    /// a time; each cell is the one `SlotCopy::cell` gives.
    fn copy_run(&mut self, rows: &[SlotRow<'_>], layout: &RecordLayout) {
        for (column, slot) in self.columns.iter_mut().zip(&layout.fields) {
            let copy = SlotCopy::of(column, slot.encoding);
            let words = rows.iter().map(|row| {
                row.and_then(|bytes| slot_word(bytes, slot.offset))
                    .unwrap_or(0)
            });
            // The common columns in loops of their own; the cells are
            // those of `copy.cell`, which accepted every word.
            match (column, copy) {
                (Column::Decimal { values, .. }, SlotCopy::Decimal { .. }) => {
                    values.extend(words.map(i128::from));
                }
                (Column::Int(values), SlotCopy::Word) => values.extend(words),
                (Column::Enum { keys, .. }, SlotCopy::Word) => {
                    keys.extend(words.map(|word| i32::try_from(word).unwrap_or_default()));
                }
                (Column::Date(values), SlotCopy::Date) => values.extend(words.map(|word| {
                    date_cell(word)
                        .and_then(|day| i32::try_from(day).ok())
                        .unwrap_or_default()
                })),
                (Column::Bool(values), SlotCopy::Bool) => values.extend(words.map(|w| w != 0)),
                (column, copy) => {
                    for cell in words.filter_map(|word| copy.cell(word)) {
                        column.push(cell, "");
                    }
                }
            }
        }
        self.rows += rows.len();
    }
}
