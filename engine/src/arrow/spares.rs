//! [`Spares`]: the value vectors of batches a consumer is done with, kept
//! for the next batches of an [`ArrowOutput`](super::ArrowOutput).
//!
//! Each batch's columns are fresh vectors of some megabytes; allocated
//! anew, every page of them is a page fault and a page the kernel zeroes,
//! a tenth of the time of writing a Parquet file. A vector comes back only
//! when the batch held the last reference to it (Arrow's
//! `Buffer::into_vec`), so a batch still in use elsewhere is never
//! touched: it is simply dropped.

use arrow_array::cast::AsArray;
use arrow_array::types::{ArrowPrimitiveType, Date32Type, Decimal128Type, Int32Type, Int64Type};
use arrow_array::types::{Time64MicrosecondType, TimestampMicrosecondType};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType as ArrowType, TimeUnit};

/// Vectors kept per element type, at most [`KEPT`] of each.
#[derive(Debug, Default)]
pub(super) struct Spares {
    wide: Vec<Vec<i128>>,
    words: Vec<Vec<i64>>,
    halves: Vec<Vec<i32>>,
}

/// Enough for two batches of the widest output record.
const KEPT: usize = 64;

impl Spares {
    /// Take back the value vectors of `batch`, where it held their last
    /// reference.
    pub(super) fn reclaim(&mut self, batch: RecordBatch) {
        let (_, columns, _) = batch.into_parts();
        for column in columns {
            match column.data_type() {
                ArrowType::Decimal128(_, _) => {
                    keep(&mut self.wide, vector::<Decimal128Type>(column))
                }
                ArrowType::Int64 => keep(&mut self.words, vector::<Int64Type>(column)),
                ArrowType::Time64(TimeUnit::Microsecond) => {
                    keep(&mut self.words, vector::<Time64MicrosecondType>(column));
                }
                ArrowType::Timestamp(TimeUnit::Microsecond, None) => {
                    keep(&mut self.words, vector::<TimestampMicrosecondType>(column));
                }
                ArrowType::Date32 => keep(&mut self.halves, vector::<Date32Type>(column)),
                ArrowType::Dictionary(key, _) if **key == ArrowType::Int32 => {
                    let keys = column
                        .as_dictionary_opt::<Int32Type>()
                        .map(|d| d.keys().clone());
                    drop(column);
                    let keys = keys.and_then(|k| k.into_parts().1.into_inner().into_vec().ok());
                    keep(&mut self.halves, keys);
                }
                _ => {}
            }
        }
    }

    /// An empty vector for `rows` values of i128.
    pub(super) fn wide(&mut self, rows: usize) -> Vec<i128> {
        take(&mut self.wide, rows)
    }

    pub(super) fn words(&mut self, rows: usize) -> Vec<i64> {
        take(&mut self.words, rows)
    }

    pub(super) fn halves(&mut self, rows: usize) -> Vec<i32> {
        take(&mut self.halves, rows)
    }
}

/// The values of a column of type `T`, when nothing else holds them.
fn vector<T: ArrowPrimitiveType>(column: ArrayRef) -> Option<Vec<T::Native>> {
    let typed = column.as_primitive_opt::<T>()?.clone();
    // Now `typed` holds the only reference, unless someone else does.
    drop(column);
    let (_, values, _) = typed.into_parts();
    values.into_inner().into_vec().ok()
}

fn keep<T>(kept: &mut Vec<Vec<T>>, vector: Option<Vec<T>>) {
    if let Some(mut vector) = vector
        && kept.len() < KEPT
    {
        vector.clear();
        kept.push(vector);
    }
}

/// A kept vector (empty, with room) or a new one for `rows` values.
fn take<T>(kept: &mut Vec<Vec<T>>, rows: usize) -> Vec<T> {
    kept.pop().unwrap_or_else(|| Vec::with_capacity(rows))
}
