//! The answers of one evaluation: per record, a computed result (in the
//! compiled output layout, or a value) or why the row failed.

use std::sync::Arc;

use crate::codegen::{CompiledEntry, NativeStatus, RecordLayout, TextPiece, decode_value};
use crate::slots::SlotWriter;
use avtal_compiler::data::DataType;
use avtal_compiler::diagnostics::messages::data::DataMessage;
use avtal_compiler::eval::{EvalError, Value};
use avtal_compiler::source::Sources;

/// Where a record is in its input: its data row (from 1, the CSV header
/// not counted) and the file line that row starts on (from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowPlace {
    pub number: u64,
    pub line: u64,
}

/// One problem in one row: the field (`""` for the whole row) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: DataMessage,
    /// The row of the problem when the record spans several rows (long-form
    /// CSV) and it is not the record's first; `None`: the record's own row.
    pub row: Option<RowPlace>,
}

impl FieldError {
    pub fn new(field: &str, message: DataMessage) -> FieldError {
        FieldError {
            field: field.to_string(),
            message,
            row: None,
        }
    }

    /// The same problem, placed on `row` of a record of several rows.
    pub fn at(mut self, row: RowPlace) -> FieldError {
        self.row = Some(row);
        self
    }
}

/// Why a row has no result. Kept as data until a command renders it.
#[derive(Debug, Clone, PartialEq)]
pub enum RowFailure {
    /// Its cells or fields could not be read.
    Unreadable(Vec<FieldError>),
    /// The program stopped with an error on it (the interpreter's error,
    /// whichever engine ran it).
    Evaluation(EvalError),
    /// An evaluation error that names an element of a list whose elements
    /// have rows of their own (long-form CSV): placed at that row.
    EvaluationAt { error: EvalError, row: RowPlace },
    /// A broken invariant of the engine, never an answer about the data.
    Internal(&'static str),
}

impl RowFailure {
    /// As field errors; an evaluation error names its place in `sources`.
    pub fn field_errors(&self, sources: &Sources) -> Vec<FieldError> {
        match self {
            RowFailure::Unreadable(errors) => errors.clone(),
            RowFailure::Evaluation(error) => vec![evaluation_error(error, sources)],
            RowFailure::EvaluationAt { error, row } => {
                vec![evaluation_error(error, sources).at(*row)]
            }
            RowFailure::Internal(what) => vec![FieldError::new(
                "",
                DataMessage {
                    code: avtal_compiler::diagnostics::Code::Internal,
                    message: format!("internal error: {what}"),
                    help: Some("please report this with the input row".into()),
                },
            )],
        }
    }
}

/// An evaluation error as a field error, with its place in `sources`.
fn evaluation_error(error: &EvalError, sources: &Sources) -> FieldError {
    let diagnostic = error.to_diagnostic();
    // A refusal names the element it refuses (`shifts[4]`).
    FieldError::new(
        error.place().unwrap_or(""),
        DataMessage {
            code: diagnostic.code,
            message: format!(
                "{} ({})",
                diagnostic.message,
                sources.location(diagnostic.span)
            ),
            help: diagnostic.help,
        },
    )
}

/// The compiled output layout and how its slots are written or decoded.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct OutputCodec {
    layout: RecordLayout,
    /// Per output field, the pieces of a text result (empty otherwise).
    texts: Vec<Vec<TextPiece>>,
    /// One CSV cell writer per field, when every field has one.
    writers: Option<Vec<SlotWriter>>,
}

impl OutputCodec {
    pub(super) fn new(record: &DataType, compiled: &CompiledEntry) -> OutputCodec {
        OutputCodec {
            layout: compiled.output_layout().clone(),
            texts: compiled.output_texts().to_vec(),
            writers: SlotWriter::for_record(record, compiled.output_layout()),
        }
    }

    /// True when some output field is a text (decoded with its input).
    pub(super) fn has_texts(&self) -> bool {
        self.texts.iter().any(|pieces| !pieces.is_empty())
    }

    fn decode(&self, bytes: &[u8], input: Option<&Value>) -> Value {
        let fields = (0..self.layout.fields.len())
            .map(|i| match (self.texts.get(i), input) {
                (Some(pieces), Some(input)) if !pieces.is_empty() => {
                    crate::codegen::decode_text(&self.layout, i, bytes, pieces, input)
                }
                _ => decode_value(&self.layout, i, bytes),
            })
            .collect::<Vec<Value>>();
        Value::Record(fields.into())
    }
}

/// One record's answer: two words, so that a batch of answers computed
/// natively costs little more than the compiled code itself.
#[derive(Debug)]
pub(super) enum Answer {
    /// Computed by the compiled code: output record `at` of the run.
    Slots(usize),
    Value(Box<Value>),
    Failed(Box<RowFailure>),
}

/// One answer per record of an evaluated batch, in order.
#[derive(Debug, Default)]
pub struct Results {
    output: Option<Arc<OutputCodec>>,
    slots: Vec<u8>,
    status: Vec<u8>,
    answers: Vec<Answer>,
}

impl Results {
    pub fn len(&self) -> usize {
        self.answers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }

    /// How many answers the compiled code computed itself (the others
    /// came from the interpreter, or are failures).
    pub fn computed_natively(&self) -> usize {
        self.answers
            .iter()
            .filter(|a| matches!(a, Answer::Slots(_)))
            .count()
    }

    /// The answer for record `index`.
    pub fn get(&self, index: usize) -> Option<Result<Computed<'_>, &RowFailure>> {
        Some(match self.answers.get(index)? {
            Answer::Slots(at) => {
                let codec = self.output.as_deref()?;
                let stride = codec.layout.stride;
                let bytes = self.slots.get(at * stride..(at + 1) * stride)?;
                Ok(Computed(Form::Slots { bytes, codec }))
            }
            Answer::Value(value) => Ok(Computed(Form::Value(value))),
            Answer::Failed(failure) => Err(failure),
        })
    }

    pub(super) fn clear(&mut self, output: Option<Arc<OutputCodec>>) {
        self.output = output;
        self.answers.clear();
    }

    pub(super) fn push(&mut self, answer: Answer) {
        self.answers.push(answer);
    }

    /// Run the compiled code over `n` input records laid out in `input`.
    pub(super) fn run(&mut self, compiled: &CompiledEntry, input: &[u8], n: usize) {
        self.slots.clear();
        self.slots.resize(n * compiled.output_layout().stride, 0);
        self.status.clear();
        self.status.resize(n, 0);
        compiled.run_batch(input, n, &mut self.slots, &mut self.status);
    }

    /// True when the compiled code computed output record `at` (any other
    /// status sends the record to the interpreter).
    pub(super) fn computed(&self, at: usize) -> bool {
        self.status
            .get(at)
            .is_some_and(|s| NativeStatus::from_byte(*s) == NativeStatus::Computed)
    }

    /// Output record `at` as a value; `input` for text results.
    pub(super) fn decode(&self, at: usize, input: &Value) -> Value {
        let Some(codec) = self.output.as_deref() else {
            return Value::Record(Arc::from(Vec::new()));
        };
        let stride = codec.layout.stride;
        let bytes = self
            .slots
            .get(at * stride..(at + 1) * stride)
            .unwrap_or_default();
        codec.decode(bytes, Some(input))
    }
}

/// A computed output record.
#[derive(Debug, Clone, Copy)]
pub struct Computed<'r>(Form<'r>);

#[derive(Debug, Clone, Copy)]
enum Form<'r> {
    Slots {
        bytes: &'r [u8],
        codec: &'r OutputCodec,
    },
    Value(&'r Value),
}

impl<'r> Computed<'r> {
    /// The output record as a value.
    pub fn to_value(&self) -> Value {
        match self.0 {
            Form::Slots { bytes, codec } => codec.decode(bytes, None),
            Form::Value(value) => value.clone(),
        }
    }

    /// Append the record as one CSV line (cells as `avtal run` writes
    /// them, then `\n`) straight from its slots; false, with nothing
    /// appended, when some cell is not plain: then write
    /// [`Computed::to_value`] with the general writer.
    pub fn write_csv_line(&self, line: &mut Vec<u8>) -> bool {
        let Form::Slots { bytes, codec } = self.0 else {
            return false;
        };
        let Some(writers) = &codec.writers else {
            return false;
        };
        let start = line.len();
        for (index, (writer, slot)) in writers.iter().zip(&codec.layout.fields).enumerate() {
            if index > 0 {
                line.push(b',');
            }
            let word = bytes
                .get(slot.offset..slot.offset + 8)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map_or(0, i64::from_ne_bytes);
            if !writer.write(word, line) {
                line.truncate(start);
                return false;
            }
        }
        line.push(b'\n');
        true
    }

    /// The record's slots and their layout, when the compiled code
    /// computed it (for the columnar writer of `arrow/`).
    #[cfg(feature = "arrow")]
    pub(crate) fn slots(&self) -> Option<(&'r [u8], &'r RecordLayout)> {
        match self.0 {
            Form::Slots { bytes, codec } => Some((bytes, &codec.layout)),
            Form::Value(_) => None,
        }
    }

    /// True when both are the same record: the same compiled output
    /// layout with the same bytes (so one decoding serves both). False
    /// says nothing.
    pub fn same_as(&self, other: &Computed<'_>) -> bool {
        match (self.0, other.0) {
            (
                Form::Slots { bytes, codec },
                Form::Slots {
                    bytes: other_bytes,
                    codec: other_codec,
                },
            ) => bytes == other_bytes && (std::ptr::eq(codec, other_codec) || codec == other_codec),
            _ => false,
        }
    }
}
