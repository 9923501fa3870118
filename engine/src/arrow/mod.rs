//! Arrow record batches as a codec of the engine boundary (cargo feature
//! `arrow`): input columns straight into an [`InputBatch`]'s slots, and
//! results straight into Arrow arrays, with no text in between.
//!
//! Reading ([`ArrowInput`], `input.rs`): each input field is bound to a
//! column by name once per schema. Where the entry point is compiled and
//! its input record holds only scalars in slots, every column is written
//! into the slots of a whole range of rows at once (`fast.rs`), one column
//! after another; a cell that is not plain (a null, a value with more
//! decimals than its type keeps, a column of another type) only marks its
//! row, and that row is then read by the general path. The general path
//! (`cells.rs`) renders the cell's exact text (`Decimal128(…, 4)` 1.2300 is
//! `1.2300`) and reads it with the CSV cell parser, so a value read from
//! Arrow is exactly the value its text would be, with the same errors.
//!
//! Writing ([`ArrowOutput`], `output.rs`): one growing column per output
//! field; results computed by the compiled code are copied from their
//! slots, a whole evaluated batch a column at a time (`output_batch.rs`),
//! any other result is checked with the CSV writer's rules
//! (so a value that cannot be written exactly fails its row in the same
//! cases) and converted. Failed rows are not written: the caller reports
//! them.
//!
//! Evaluating ([`ArrowEvaluator`], `evaluate.rs`): both together around a
//! caller's prepared entry point, a record batch in and one out, for the
//! Python package and the benchmark.
//!
//! The mapping of types (`schema.rs`, and docs/reference.md "Data
//! formats"): money, percent, hours and amounts per hour are
//! `Decimal128(38, 2)`, whole numbers, days and months `Int64`, `Decimal`
//! exact text (`Utf8`: its scale varies by value), dates `Date32`, times
//! `Time64(µs)`, timestamps `Timestamp(µs)` without a time zone, booleans
//! `Boolean`, enums dictionary strings, texts `Utf8`, a list of records a
//! `List` of `Struct`.

mod cells;
mod evaluate;
mod fast;
mod input;
mod output;
mod output_batch;
mod schema;
mod spares;

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod tests;

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod output_tests;

pub use evaluate::ArrowEvaluator;
pub use input::ArrowInput;
pub use output::ArrowOutput;
pub use output_batch::Rejected;
pub use schema::{arrow_field, output_schema};

/// The number of days from 0001-01-01 (day 1 of the engine's day numbers)
/// to 1970-01-01, Arrow's day 0.
pub(crate) const EPOCH_DAY: i64 = 719_163;
/// The engine's timestamp minute of 1970-01-01T00:00.
pub(crate) const EPOCH_MINUTE: i64 = (EPOCH_DAY - 1) * 1440;
