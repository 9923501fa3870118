//! [`ArrowEvaluator`]: a prepared entry point over Arrow record batches,
//! one batch of input columns in, one batch of result columns out, the bad
//! rows handed to the caller. The loop the Python package and the columnar
//! benchmark share, so that both measure and give the same thing.
//!
//! It does not read or write files (`avtal run` has its own reader thread
//! and writer, `cli/src/run/arrow_io.rs`), and it holds no entry point: the
//! caller keeps its [`PreparedEntry`] (compiled once) and lends it per call.

use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, Schema, SchemaRef};

use super::{ArrowInput, ArrowOutput, Rejected};
use crate::PreparedEntry;
use crate::input::{InputBatch, InputCodec};
use crate::results::{FieldError, Results};
use avtal_compiler::diagnostics::messages::data::DataMessage;

/// Records evaluated at once, as `avtal run` batches them: big enough for
/// the compiled loop, small enough that the slots stay in cache.
const BATCH_ROWS: usize = 4096;

/// The state of evaluating one stream of record batches of one schema.
pub struct ArrowEvaluator {
    binding: ArrowInput,
    codec: InputCodec,
    output: ArrowOutput,
    input: InputBatch,
    results: Results,
    /// Rows seen so far: row numbers count from 1 across every batch.
    rows: u64,
}

impl ArrowEvaluator {
    /// Bind the input record of `prepared` to the columns of `schema`; a
    /// missing or doubled column is the setup error.
    pub fn new(prepared: &PreparedEntry<'_>, schema: &Schema) -> Result<Self, DataMessage> {
        let binding = ArrowInput::bind(prepared.input_type(), schema)?;
        let codec = prepared.input_codec();
        let input = codec.new_batch();
        Ok(ArrowEvaluator {
            binding,
            codec,
            output: ArrowOutput::new(prepared.output_type()),
            input,
            results: Results::default(),
            rows: 0,
        })
    }

    /// The schema of the result batches.
    pub fn output_schema(&self) -> SchemaRef {
        self.output.schema()
    }

    /// Every row of `columns` through `prepared` (the entry point this
    /// evaluator was made for): the results of the good rows in order, and
    /// `failed(row, problems)` for each bad one (a cell that cannot be read,
    /// an evaluation error, a result that cannot be written exactly).
    pub fn evaluate(
        &mut self,
        prepared: &mut PreparedEntry<'_>,
        columns: &RecordBatch,
        mut failed: impl FnMut(u64, Vec<FieldError>),
    ) -> Result<RecordBatch, ArrowError> {
        for start in (0..columns.num_rows()).step_by(BATCH_ROWS) {
            let end = (start + BATCH_ROWS).min(columns.num_rows());
            self.input.clear();
            self.binding
                .push_rows(&self.codec, &mut self.input, columns, start..end);
            prepared.evaluate(&self.input, &mut self.results);
            let first = self.rows;
            self.output
                .push_results(&self.results, |index, rejected| {
                    let row = first + index as u64 + 1;
                    match rejected {
                        Rejected::Failed(failure) => failed(row, prepared.field_errors(failure)),
                        Rejected::Unwritable(error) => failed(row, vec![error]),
                    }
                    Ok::<(), std::convert::Infallible>(())
                })
                .unwrap_or_else(|never| match never {});
            self.rows += self.results.len() as u64;
        }
        self.output.take_batch()
    }
}
