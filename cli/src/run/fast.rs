//! The compiled pipeline of `avtal run`: CSV cells parsed straight into
//! the compiled entry point's input layout, evaluated a batch at a time,
//! and results written straight from the output layout.
//!
//! Two threads share the work. A reader thread reads rows with one reused
//! `ByteRecord` and parses each cell into its slot (`data::SlotReader`);
//! the calling thread runs the compiled code over the batch, formats the
//! results (`data::SlotWriter`) and writes them and the error report, in
//! input order. Batches travel through a bounded channel and come back
//! empty to be refilled, so memory does not grow with the input.
//!
//! Whatever the fast parts decline goes the general way, row by row, so
//! the output is the general path's byte for byte: a cell that is not
//! plain (blanks, a bad value, a huge number) sends its row through
//! `parse_text` (the same errors, or a value that is then encoded, or
//! interpreted when it does not fit the layout); a record the compiled
//! code gives up on is interpreted; a result slot that is not plain is
//! decoded and written by `Output::write_row`.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::Instant;

use avtal_compiler::Sources;
use avtal_compiler::codegen::{CompiledEntry, RecordLayout, decode_value, encode_record};
use avtal_compiler::data::{DataType, SlotReader, SlotWriter};
use avtal_compiler::eval::{Interpreter, Value};
use avtal_compiler::ir::FuncId;
use indicatif::ProgressBar;

use super::input::CsvRows;
use super::output::Output;
use super::report::{ErrorReport, RowError};
use super::{BATCH, update_progress, write_result};
use crate::term::Failure;

/// Batches read ahead of the one being evaluated.
const IN_FLIGHT: usize = 2;

/// One data row of a batch, in input order.
struct Pending {
    number: u64,
    line: u64,
    kind: PendingKind,
}

enum PendingKind {
    /// Its input is the next record of the batch's layout buffer.
    Compiled,
    /// Read, but not representable in the layout: for the interpreter.
    Interpret(Value),
    /// Its cells could not be read.
    Failed(Vec<RowError>),
}

#[derive(Default)]
struct Batch {
    /// Input records of the `Compiled` rows, back to back.
    input: Vec<u8>,
    compiled: usize,
    rows: Vec<Pending>,
    /// Bytes of input read when the batch was complete.
    position: u64,
}

/// What the run needs from the caller.
pub(super) struct Setup<'a, 'p> {
    pub compiled: &'a CompiledEntry,
    pub interpreter: &'a Interpreter<'p>,
    pub entry: FuncId,
    pub sources: &'a Sources,
    pub input_type: &'a DataType,
    pub output_type: &'a DataType,
}

/// Run every row of `rows`; returns how many there were. `None` when the
/// input record's layout is not one the slot readers know (the caller
/// then takes the general path, with `rows` given back).
pub(super) fn run(
    setup: &Setup<'_, '_>,
    rows: CsvRows,
    path: PathBuf,
    output: &mut Output,
    report: &mut ErrorReport,
    progress: Option<&ProgressBar>,
) -> Result<u64, Failure> {
    let layout = setup.compiled.input_layout().clone();
    let readers = SlotReader::for_record(setup.input_type, &layout)
        .ok_or_else(|| Failure::new("internal error: an input layout without slot readers"))?;
    let writers = if output.is_csv() {
        SlotWriter::for_record(setup.output_type, setup.compiled.output_layout())
    } else {
        None
    };
    let (full_sender, full) = sync_channel::<Result<Batch, Failure>>(IN_FLIGHT);
    let (empty_sender, empty) = std::sync::mpsc::channel::<Batch>();
    let reader = Reader {
        rows,
        path,
        readers,
        layout,
    };
    // Not a scoped thread: when writing fails, the run stops at once and
    // the reader, perhaps blocked on stdin, is left to the process's end.
    let handle = std::thread::Builder::new()
        .name("avtal-read".into())
        .spawn(move || reader.run(&full_sender, &empty))
        .map_err(|e| Failure::new(format!("cannot start a thread: {e}")))?;

    let started = Instant::now();
    let mut writer = Writer {
        setup,
        writers,
        output: Vec::new(),
        status: Vec::new(),
        line: Vec::new(),
    };
    let mut count: u64 = 0;
    for batch in full.iter() {
        let mut batch = batch?;
        count += batch.rows.len() as u64;
        writer.write_batch(&mut batch, output, report)?;
        if let Some(bar) = progress {
            update_progress(bar, batch.position, count, started.elapsed());
        }
        // The reader may have finished; then the batch is just dropped.
        let _ = empty_sender.send(batch);
    }
    handle
        .join()
        .map_err(|_| Failure::new("internal error: the reader thread failed"))?;
    Ok(count)
}

/// The reader thread's state.
struct Reader {
    rows: CsvRows,
    path: PathBuf,
    readers: Vec<SlotReader>,
    layout: RecordLayout,
}

impl Reader {
    fn run(mut self, full: &SyncSender<Result<Batch, Failure>>, empty: &Receiver<Batch>) {
        loop {
            let mut batch = empty.try_recv().unwrap_or_default();
            batch.input.clear();
            batch.rows.clear();
            batch.compiled = 0;
            let more = match self.fill(&mut batch) {
                Ok(more) => more,
                Err(failure) => {
                    // As the general path: rows of the unfinished batch
                    // are not written.
                    let _ = full.send(Err(failure));
                    return;
                }
            };
            batch.position = self.rows.position();
            if !batch.rows.is_empty() && full.send(Ok(batch)).is_err() {
                return;
            }
            if !more {
                return;
            }
        }
    }

    /// Read up to [`BATCH`] rows; false when the input is at its end.
    fn fill(&mut self, batch: &mut Batch) -> Result<bool, Failure> {
        let stride = self.layout.stride;
        while batch.rows.len() < BATCH {
            if !self.rows.read(&self.path)? {
                return Ok(false);
            }
            let (number, line) = (self.rows.number(), self.rows.line());
            let kind = if let Some(error) = self.rows.cell_count_error() {
                PendingKind::Failed(vec![error])
            } else {
                let start = batch.input.len();
                batch.input.resize(start + stride, 0);
                let record = batch.input.get_mut(start..).unwrap_or_default();
                let kind = if self.read_fast(record) {
                    PendingKind::Compiled
                } else {
                    match self.rows.values() {
                        Ok(value) if encode_record(&self.layout, &value, record) => {
                            PendingKind::Compiled
                        }
                        Ok(value) => PendingKind::Interpret(value),
                        Err(errors) => PendingKind::Failed(errors),
                    }
                };
                if matches!(kind, PendingKind::Compiled) {
                    batch.compiled += 1;
                } else {
                    batch.input.truncate(start);
                }
                kind
            };
            batch.rows.push(Pending { number, line, kind });
        }
        Ok(true)
    }

    /// Every cell of the row through its slot reader; false when one
    /// declines.
    fn read_fast(&self, record: &mut [u8]) -> bool {
        let row = self.rows.record();
        for ((reader, (_, _, column)), slot) in self
            .readers
            .iter()
            .zip(self.rows.fields())
            .zip(&self.layout.fields)
        {
            let cell = row.get(*column).unwrap_or_default();
            let Some(word) = reader.read(cell) else {
                return false;
            };
            match record.get_mut(slot.offset..slot.offset + 8) {
                Some(bytes) => bytes.copy_from_slice(&word.to_ne_bytes()),
                None => return false,
            }
        }
        true
    }
}

/// The evaluating and writing side, with its reused buffers.
struct Writer<'a, 's, 'p> {
    setup: &'a Setup<'s, 'p>,
    /// Present for CSV output whose fields all have slot writers.
    writers: Option<Vec<SlotWriter>>,
    output: Vec<u8>,
    status: Vec<u8>,
    /// One formatted CSV line.
    line: Vec<u8>,
}

impl Writer<'_, '_, '_> {
    fn write_batch(
        &mut self,
        batch: &mut Batch,
        output: &mut Output,
        report: &mut ErrorReport,
    ) -> Result<(), Failure> {
        let compiled = self.setup.compiled;
        let (in_layout, out_layout) = (compiled.input_layout(), compiled.output_layout());
        let n = batch.compiled;
        self.output.clear();
        self.output.resize(n * out_layout.stride, 0);
        self.status.clear();
        self.status.resize(n, 1);
        compiled.run_batch(&batch.input, n, &mut self.output, &mut self.status);
        let mut index = 0;
        for row in batch.rows.drain(..) {
            let result = match row.kind {
                PendingKind::Failed(errors) => {
                    report.add_row(row.number, row.line, errors)?;
                    continue;
                }
                PendingKind::Interpret(value) => self.interpret(value),
                PendingKind::Compiled => {
                    let at = index;
                    index += 1;
                    if self.status.get(at) == Some(&0) {
                        let result = self
                            .output
                            .get(at * out_layout.stride..(at + 1) * out_layout.stride)
                            .unwrap_or_default();
                        if write_fast(
                            self.writers.as_deref(),
                            &mut self.line,
                            result,
                            out_layout,
                            output,
                        )? {
                            continue;
                        }
                        Ok(decode_record(out_layout, result))
                    } else {
                        // The compiled code gave up: the interpreter on
                        // the same values (the slots decode to exactly
                        // the values the cells were read as).
                        let input = batch
                            .input
                            .get(at * in_layout.stride..(at + 1) * in_layout.stride)
                            .unwrap_or_default();
                        self.interpret(decode_record(in_layout, input))
                    }
                }
            };
            write_result(
                self.setup.sources,
                row.number,
                row.line,
                result,
                output,
                report,
            )?;
        }
        Ok(())
    }

    fn interpret(&self, value: Value) -> Result<Value, avtal_compiler::eval::EvalError> {
        self.setup
            .interpreter
            .call(self.setup.entry, std::slice::from_ref(&value))
    }
}

/// Format one result as a CSV line from its slots and write it; false
/// (nothing written) when some slot declines.
fn write_fast(
    writers: Option<&[SlotWriter]>,
    line: &mut Vec<u8>,
    result: &[u8],
    layout: &RecordLayout,
    output: &mut Output,
) -> Result<bool, Failure> {
    let Some(writers) = writers else {
        return Ok(false);
    };
    line.clear();
    for (index, (writer, slot)) in writers.iter().zip(&layout.fields).enumerate() {
        if index > 0 {
            line.push(b',');
        }
        let word = result
            .get(slot.offset..slot.offset + 8)
            .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
            .map_or(0, i64::from_ne_bytes);
        if !writer.write(word, line) {
            return Ok(false);
        }
    }
    line.push(b'\n');
    output.write_bytes(line)?;
    Ok(true)
}

fn decode_record(layout: &RecordLayout, bytes: &[u8]) -> Value {
    Value::Record(
        (0..layout.fields.len())
            .map(|i| decode_value(layout, i, bytes))
            .collect(),
    )
}
