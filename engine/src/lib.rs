//! The crate `avtal-engine`: the Cranelift back end (`codegen`) and the
//! engine boundary, the one way to evaluate an entry point over data.
//!
//! Every command that evaluates records (`avtal run`, `diff`, `explain`,
//! `test --cases`, `build`'s checks, the benchmarks) prepares the entry
//! point once with [`PreparedEntry::prepare`] and then hands it batches:
//!
//! 1. an [`InputCodec`] (cheap to clone, `Send`, so a reader thread can
//!    own one) reads each record into an [`InputBatch`]: CSV cells
//!    straight into the compiled layout where the cell is plain, else
//!    through the exact cell parser into a value; a row that cannot be read
//!    is kept in the batch with its field errors, so the batch holds one
//!    entry per data row, in order;
//! 2. [`PreparedEntry::evaluate`] answers one [`Results`] entry per
//!    record: the compiled code where it applies, the reference
//!    interpreter for every record the compiled code gives up on (its
//!    result or its error is by construction the interpreter's), or the
//!    read errors of a row that could not be read;
//! 3. a [`Computed`] result is written as a CSV line straight from its
//!    slots where that is plain, or decoded to a value.
//!
//! Layouts, slot readers and writers and the compiled code's status bytes
//! are private to this module and `codegen`: nothing outside sees how a
//! record is laid out, so the text fields, list inputs or columnar
//! batches of a later codec are added here once, for every command.
//!
//! Code map: `codegen/` (the compiled code, its layouts, the shared
//! libraries of `avtal build`), `slots.rs` (plain CSV cells straight into a
//! layout's slots and back), `input.rs` (the codec and the batch), `results.rs` (answers,
//! failures and their messages), `examples.rs` (examples as entry points,
//! for running their assertions through both engines), `arrow/` (Arrow
//! record batches as a codec, behind the cargo feature `arrow`).

#[cfg(feature = "arrow")]
pub mod arrow;
pub mod codegen;
mod days;
mod examples;
mod input;
mod results;
mod slots;

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
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod slots_tests;

use std::sync::Arc;

use crate::codegen::{CodegenError, CompiledEntry, encode_record};
use avtal_compiler::data::DataType;
use avtal_compiler::eval::{Interpreter, Value};
use avtal_compiler::ir::{EntryPoint, Program};
use avtal_compiler::types::Type;

pub use examples::with_example_entries;
pub use input::{InputBatch, InputCodec, read_fields, read_with_list};
pub use results::{Computed, FieldError, Results, RowFailure, RowPlace};

use input::{LayoutCodec, Pending};
use results::{Answer, OutputCodec};

/// Which engine evaluates the records. Both give the same results, byte
/// for byte; `Interp` is the reference semantics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// Compiled native code (Cranelift), the interpreter for what it does
    /// not compute.
    #[default]
    Jit,
    /// The reference interpreter only.
    Interp,
}

/// An entry point ready to evaluate batches of records.
pub struct PreparedEntry<'p> {
    program: &'p Program,
    entry: EntryPoint,
    input: DataType,
    output: DataType,
    interpreter: Interpreter<'p>,
    native: Option<Native>,
    /// Why the entry point was not compiled, when the JIT was asked for.
    not_compiled: Option<CodegenError>,
    /// Records of a batch encoded with another layout, re-encoded here.
    scratch: Vec<u8>,
    /// The elements of the lists of `scratch`'s records.
    scratch_lists: codegen::ListArena,
    /// Per record of a batch encoded again, where its input is in the
    /// slots run.
    places: Vec<Option<usize>>,
}

/// The compiled side of a prepared entry.
struct Native {
    compiled: CompiledEntry,
    input: Arc<LayoutCodec>,
    output: Arc<OutputCodec>,
}

impl<'p> PreparedEntry<'p> {
    /// Prepare `entry` (checked by the checker) of `program` for `engine`.
    /// A JIT entry point that cannot be compiled is interpreted; why is in
    /// [`PreparedEntry::not_compiled`].
    pub fn prepare(program: &'p Program, entry: &EntryPoint, engine: Engine) -> PreparedEntry<'p> {
        let input = DataType::new(program, &Type::Record(entry.input));
        let output = DataType::new(program, &Type::Record(entry.output));
        let (native, not_compiled) = match engine {
            Engine::Interp => (None, None),
            Engine::Jit => match CompiledEntry::compile(program, entry.function) {
                Ok(compiled) => {
                    let input_codec = LayoutCodec::new(&input, compiled.input_layout());
                    let output_codec = OutputCodec::new(&output, &compiled);
                    (
                        Some(Native {
                            compiled,
                            input: Arc::new(input_codec),
                            output: Arc::new(output_codec),
                        }),
                        None,
                    )
                }
                Err(error) => (None, Some(error)),
            },
        };
        PreparedEntry {
            program,
            entry: *entry,
            input,
            output,
            interpreter: Interpreter::new(program),
            native,
            not_compiled,
            scratch: Vec::new(),
            scratch_lists: Default::default(),
            places: Vec::new(),
        }
    }

    /// Another prepared entry for another thread, sharing this one's
    /// compiled code (`CompiledEntry::share`): no compiling again, so a
    /// worker per core costs no more than its buffers.
    pub fn fork(&self) -> PreparedEntry<'p> {
        PreparedEntry {
            program: self.program,
            entry: self.entry,
            input: self.input.clone(),
            output: self.output.clone(),
            interpreter: Interpreter::new(self.program),
            native: self.native.as_ref().map(|native| Native {
                compiled: native.compiled.share(),
                input: Arc::clone(&native.input),
                output: Arc::clone(&native.output),
            }),
            not_compiled: self.not_compiled.clone(),
            scratch: Vec::new(),
            scratch_lists: Default::default(),
            places: Vec::new(),
        }
    }

    pub fn program(&self) -> &'p Program {
        self.program
    }

    pub fn entry(&self) -> &EntryPoint {
        &self.entry
    }

    /// The entry point's name.
    pub fn name(&self) -> &'p str {
        self.program
            .function(self.entry.function)
            .map_or("", |f| f.name.as_str())
    }

    /// The input record's type, for reading data.
    pub fn input_type(&self) -> &DataType {
        &self.input
    }

    /// The output record's type, for writing data.
    pub fn output_type(&self) -> &DataType {
        &self.output
    }

    /// True when records run as native code (the rest by the interpreter).
    pub fn is_native(&self) -> bool {
        self.native.is_some()
    }

    /// Why the JIT did not compile the entry point, when it did not.
    pub fn not_compiled(&self) -> Option<&CodegenError> {
        self.not_compiled.as_ref()
    }

    /// Why every record goes to the interpreter under `Engine::Jit`, in
    /// words for a note to the user; `None` when the entry is compiled.
    pub fn interpreted_because(&self) -> Option<String> {
        self.not_compiled.as_ref().map(ToString::to_string)
    }

    /// A codec that reads records into batches this entry evaluates
    /// without re-encoding them.
    pub fn input_codec(&self) -> InputCodec {
        InputCodec::new(
            self.input.clone(),
            self.native.as_ref().map(|n| n.input.clone()),
        )
    }

    /// Evaluate every record of `batch` into `results` (cleared first):
    /// one answer per record, in order.
    pub fn evaluate(&mut self, batch: &InputBatch, results: &mut Results) {
        results.clear(self.native.as_ref().map(|n| n.output.clone()));
        let Some(native) = &self.native else {
            for index in 0..batch.len() {
                let answer = match batch.pending(index) {
                    Some(Pending::Unreadable(errors)) => {
                        Answer::Failed(Box::new(RowFailure::Unreadable(errors.clone())))
                    }
                    _ => self.interpret(batch.value(index)),
                };
                results.push(at_element(batch, index, answer));
            }
            return;
        };
        // The batch's own slots when it was read with this layout; else
        // each record's value encoded again.
        let same_layout = batch
            .layout()
            .is_some_and(|layout| Arc::ptr_eq(layout, &native.input) || **layout == *native.input);
        let in_stride = native.compiled.input_layout().stride;
        self.places.clear();
        let slots: &[u8] = if same_layout {
            batch.slots()
        } else {
            self.scratch.clear();
            self.scratch_lists.clear();
            let mut next = 0;
            for index in 0..batch.len() {
                let place = match batch.value(index) {
                    Some(value) => {
                        self.scratch.resize((next + 1) * in_stride, 0);
                        let bytes = self.scratch.get_mut(next * in_stride..).unwrap_or_default();
                        encode_record(
                            native.compiled.input_layout(),
                            &value,
                            bytes,
                            &mut self.scratch_lists,
                        )
                        .then(|| {
                            next += 1;
                            next - 1
                        })
                    }
                    None => None,
                };
                self.scratch.truncate(next * in_stride);
                self.places.push(place);
            }
            &self.scratch
        };
        let n = slots.len() / in_stride.max(1);
        results.run(&native.compiled, slots, n);
        let texts = native.output.has_texts();
        for index in 0..batch.len() {
            let pending = batch.pending(index);
            // Where the record's input is in the slots that ran.
            let place = if same_layout {
                match pending {
                    Some(Pending::Encoded { at, .. }) => Some(*at),
                    _ => None,
                }
            } else {
                self.places.get(index).copied().flatten()
            };
            let computed = place.filter(|at| results.computed(*at));
            let answer = match (computed, pending) {
                (_, Some(Pending::Unreadable(errors))) => {
                    Answer::Failed(Box::new(RowFailure::Unreadable(errors.clone())))
                }
                // A text result may take an input text: decode it now,
                // while the input is at hand.
                (Some(at), _) if texts => match batch.value(index) {
                    Some(input) => Answer::Value(Box::new(results.decode(at, &input))),
                    None => self.interpret(None),
                },
                (Some(at), _) => Answer::Slots(at),
                // Not encoded, or the compiled code gave up: the
                // interpreter's result or error, identical by design.
                (None, _) => self.interpret(batch.value(index)),
            };
            results.push(at_element(batch, index, answer));
        }
    }

    /// Evaluate one record value.
    pub fn evaluate_value(&mut self, record: &Value) -> Result<Value, RowFailure> {
        let codec = self.input_codec();
        let mut batch = codec.new_batch();
        codec.push_value(&mut batch, record.clone());
        let mut results = Results::default();
        self.evaluate(&batch, &mut results);
        match results.get(0) {
            Some(Ok(computed)) => Ok(computed.to_value()),
            Some(Err(failure)) => Err(failure.clone()),
            None => Err(RowFailure::Internal("a record without a result")),
        }
    }

    /// The problems of a failed row as field errors, an evaluation error
    /// with its place in the sources (`file:line:col`).
    pub fn field_errors(&self, failure: &RowFailure) -> Vec<FieldError> {
        failure.field_errors(&self.program.sources)
    }

    fn interpret(&self, value: Option<Value>) -> Answer {
        let Some(value) = value else {
            return Answer::Failed(Box::new(RowFailure::Internal("a record without its value")));
        };
        match self
            .interpreter
            .call(self.entry.function, std::slice::from_ref(&value))
        {
            Ok(result) => Answer::Value(Box::new(result)),
            Err(error) => Answer::Failed(Box::new(RowFailure::Evaluation(error))),
        }
    }
}

/// A failure of record `index` that names one of its list's elements, when
/// that element was read from a row of its own: placed at that row.
fn at_element(batch: &InputBatch, index: usize, answer: Answer) -> Answer {
    let Answer::Failed(failure) = answer else {
        return answer;
    };
    let row = match &*failure {
        RowFailure::Evaluation(error) => error
            .place()
            .and_then(|place| batch.element_row(index, place)),
        _ => None,
    };
    match (row, *failure) {
        (Some(row), RowFailure::Evaluation(error)) => {
            Answer::Failed(Box::new(RowFailure::EvaluationAt { error, row }))
        }
        (_, failure) => Answer::Failed(Box::new(failure)),
    }
}
