//! One record of a request: the JSON object read as `avtal run` reads a
//! JSON Lines row (exact decimals, every field required), plus a check
//! that it names no field its record does not have; then evaluated through
//! the prepared entry point, or explained (`avtal.explain/1`). Runs on a
//! version's worker thread.

use avtal_compiler::data::DataType;
use avtal_compiler::diagnostics::messages::data as msg;
use avtal_compiler::eval::Value;
use avtal_compiler::ir::Program;
use avtal_engine::{FieldError, InputBatch, InputCodec, PreparedEntry, Results};
use axum::http::StatusCode;

use super::problem::Problem;
use super::worker::Answer;

/// A worker's prepared entry point with the buffers it reuses for every
/// record (a batch of one and its results).
pub struct Evaluator<'p> {
    pub prepared: PreparedEntry<'p>,
    codec: InputCodec,
    batch: InputBatch,
    results: Results,
    text: String,
}

impl<'p> Evaluator<'p> {
    pub fn new(prepared: PreparedEntry<'p>) -> Evaluator<'p> {
        let codec = prepared.input_codec();
        let batch = codec.new_batch();
        Evaluator {
            prepared,
            codec,
            batch,
            results: Results::default(),
            text: String::new(),
        }
    }

    /// The output record of `body`'s input record, as the JSON text of an
    /// `avtal run` JSON Lines row, or the problem.
    pub fn evaluate(&mut self, body: &[u8]) -> Result<Answer, Problem> {
        let record = read(self.prepared.input_type(), body)?;
        self.batch.clear();
        self.codec.push_value(&mut self.batch, record);
        self.prepared.evaluate(&self.batch, &mut self.results);
        let output = match self.results.get(0) {
            Some(Ok(computed)) => computed.to_value(),
            Some(Err(failure)) => {
                return Err(Problem::from_field_errors(
                    &self.prepared.field_errors(failure),
                ));
            }
            None => return Err(Problem::internal("a record without a result")),
        };
        self.text.clear();
        match self
            .prepared
            .output_type()
            .write_json(&output, &mut self.text)
        {
            Ok(()) => Ok(Answer::Output(self.text.clone())),
            Err(error) => Err(Problem::from_field_errors(&[FieldError::new(
                &error.path,
                msg::cell(&error),
            )])),
        }
    }
}

/// The explanation of `body`'s record; an evaluation error is a 422
/// problem that still carries the tree up to the failure.
pub fn explain(
    program: &Program,
    prepared: &mut PreparedEntry<'_>,
    body: &[u8],
) -> Result<Answer, Problem> {
    let record = read(prepared.input_type(), body)?;
    let explanation = avtal_compiler::explain::explain(program, prepared.entry().function, &record);
    let tree = explanation.to_json();
    match &explanation.result {
        Ok(_) => Ok(Answer::Explained(tree)),
        Err(error) => {
            let failure = avtal_engine::RowFailure::Evaluation(error.clone());
            let mut problem = Problem::from_field_errors(&prepared.field_errors(&failure));
            problem.extra.insert("explanation".into(), tree);
            Err(problem)
        }
    }
}

/// Read one JSON object as a record of `input`.
fn read(input: &DataType, body: &[u8]) -> Result<Value, Problem> {
    let text = std::str::from_utf8(body).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            avtal_compiler::diagnostics::Code::MalformedRow.as_str(),
            "the record is not a JSON object",
            format!("the body is not UTF-8 text (byte {})", e.valid_up_to()),
        )
        .with_help("send one JSON object in UTF-8")
    })?;
    // Unknown keys are refused: a misspelt field must not go unnoticed.
    if let Some((unknown, message)) = crate::case_object::unknown_field(text, input) {
        return Err(Problem::from_field_errors(&[FieldError::new(
            &unknown, message,
        )]));
    }
    input.parse_json_text(text).map_err(|errors| {
        let errors: Vec<FieldError> = errors
            .iter()
            .map(|error| FieldError::new(&error.path, msg::cell(error)))
            .collect();
        Problem::from_field_errors(&errors)
    })
}
