//! `avtal run` on several cores: the input cut into chunks of whole rows
//! on a reader thread (`chunks.rs`), each chunk split, read, evaluated and
//! formatted by one of the workers (`worker.rs`), and the chunks' bytes
//! and failed rows written in input order by the calling thread.
//!
//! The output is the sequential run's, byte for byte: each row is read by
//! the same splitter and cell readers, evaluated by the same engine and
//! formatted by the same [`RowFormatter`](super::row_format::RowFormatter);
//! row numbers are counted as chunks are put back in order. Memory is
//! bounded by the chunks in flight (a fixed number, each of about
//! [`CHUNK_BYTES`] plus its output), not by the input.
//!
//! Each worker evaluates with a [`PreparedEntry`] of its own (the first
//! borrows the caller's); the others start only when the input has more
//! than one chunk, so a small input costs one compilation.

pub(crate) mod chunks;
mod worker;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, SyncSender, channel, sync_channel};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use avtal_engine::PreparedEntry;

use super::output::Output;
use super::report::ErrorReport;
use crate::safe_file::ROWS_READ;
use crate::term::Failure;
use chunks::{Chunk, Part, Source};
pub(crate) use worker::Shape;
use worker::{Done, Worker};

/// Bytes of input per chunk.
pub(crate) const CHUNK_BYTES: usize = 1 << 18;

/// Chunks in flight per worker (read, being worked on, or waiting to be
/// written).
const IN_FLIGHT_PER_WORKER: usize = 3;

/// Buffers handed back from the writer to the reader.
struct Recycled {
    bytes: Vec<u8>,
    parts: Vec<Part>,
    out: Vec<u8>,
    records: Vec<csv::ByteRecord>,
}

/// Run every row of `source` through `threads` workers into `output` and
/// `report`; the number of rows. `after_chunk(bytes read, rows so far)`
/// sees the progress.
pub(crate) fn run_chunks(
    prepared: &mut PreparedEntry<'_>,
    source: Source,
    shape: Shape,
    output: &mut Output,
    report: &mut ErrorReport,
    threads: usize,
    mut after_chunk: impl FnMut(u64, u64),
) -> Result<u64, Failure> {
    let threads = threads.max(1);
    let slots = threads * IN_FLIGHT_PER_WORKER;
    let (work_sender, work) = sync_channel::<Chunk>(threads);
    let (token_sender, tokens) = channel::<Recycled>();
    for _ in 0..slots {
        let _ = token_sender.send(Recycled {
            bytes: Vec::new(),
            parts: Vec::new(),
            out: Vec::new(),
            records: Vec::new(),
        });
    }
    // Not joined: a reader blocked on stdin is left to the process's end
    // when writing fails.
    std::thread::Builder::new()
        .name("avtal-read".into())
        .spawn(move || read_chunks(source, &work_sender, &tokens))
        .map_err(|e| Failure::new(format!("cannot start a thread: {e}")))?;

    let work = Mutex::new(work);
    let stop = AtomicBool::new(false);
    let csv_output = output.is_csv();
    std::thread::scope(|scope| {
        let (done_sender, done) = channel::<Done>();
        let (work, stop, shape) = (&work, &stop, &shape);
        let first = done_sender.clone();
        scope.spawn(move || {
            let Some(chunk) = next_chunk(work, stop) else {
                return;
            };
            // More workers only for an input of more than one chunk; each
            // shares the compiled code of the first (`PreparedEntry::fork`).
            if !chunk.last {
                for _ in 1..threads {
                    let done_sender = done_sender.clone();
                    let mut prepared = prepared.fork();
                    scope.spawn(move || {
                        let mut worker = Worker::new(&mut prepared, shape, csv_output);
                        work_on(&mut worker, work, stop, &done_sender);
                    });
                }
            }
            drop(done_sender);
            let mut worker = Worker::new(prepared, shape, csv_output);
            if first.send(worker.chunk(chunk)).is_ok() {
                work_on(&mut worker, work, stop, &first);
            }
        });
        let written = write_in_order(&done, &token_sender, output, report, &mut after_chunk);
        // Workers waiting for a chunk stop; those working stop at their
        // next send.
        stop.store(true, Ordering::Relaxed);
        drop(done);
        written
    })
}

fn read_chunks(mut source: Source, work: &SyncSender<Chunk>, tokens: &Receiver<Recycled>) {
    let mut seq = 0;
    while let Ok(mut recycled) = tokens.recv() {
        recycled.bytes.clear();
        recycled.parts.clear();
        source.give_spare(&mut recycled.records);
        let mut chunk = Chunk {
            seq,
            bytes: recycled.bytes,
            parts: recycled.parts,
            position: 0,
            failure: None,
            out: recycled.out,
            spare: recycled.records,
            last: false,
        };
        let more = match source.fill(&mut chunk, CHUNK_BYTES) {
            Ok(more) => more,
            Err(failure) => {
                chunk.failure = Some(failure);
                false
            }
        };
        chunk.position = source.position();
        chunk.last = !more;
        if work.send(chunk).is_err() || !more {
            return;
        }
        seq += 1;
    }
}

/// The next chunk, `None` at the end of the input or when the run stops.
fn next_chunk(work: &Mutex<Receiver<Chunk>>, stop: &AtomicBool) -> Option<Chunk> {
    loop {
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        let receiver = work.lock().unwrap_or_else(PoisonError::into_inner);
        match receiver.recv_timeout(Duration::from_millis(50)) {
            Ok(chunk) => return Some(chunk),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    }
}

fn work_on(
    worker: &mut Worker<'_, '_>,
    work: &Mutex<Receiver<Chunk>>,
    stop: &AtomicBool,
    done: &Sender<Done>,
) {
    while let Some(chunk) = next_chunk(work, stop) {
        if done.send(worker.chunk(chunk)).is_err() {
            return;
        }
    }
}

/// Write each chunk's rows and failed rows in input order; the rows.
fn write_in_order(
    done: &Receiver<Done>,
    tokens: &Sender<Recycled>,
    output: &mut Output,
    report: &mut ErrorReport,
    after_chunk: &mut impl FnMut(u64, u64),
) -> Result<u64, Failure> {
    let mut waiting: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0u64;
    let mut rows = 0u64;
    while let Ok(chunk) = done.recv() {
        waiting.insert(chunk.seq, chunk);
        while let Some(chunk) = waiting.remove(&next) {
            next += 1;
            if let Some(failure) = chunk.failure {
                return Err(failure);
            }
            output.write_rows_bytes(&chunk.output, chunk.written)?;
            for failed in chunk.failed {
                let number = failed.number.unwrap_or(rows + failed.index + 1);
                report.add_row(number, failed.line, failed.errors)?;
            }
            rows += chunk.rows;
            if !chunk.counted {
                ROWS_READ.fetch_add(chunk.rows, Ordering::Relaxed);
            }
            after_chunk(chunk.position, rows);
            // The reader may have finished; then the buffers are dropped.
            let _ = tokens.send(Recycled {
                bytes: chunk.bytes,
                parts: chunk.parts,
                out: chunk.output,
                records: chunk.spare,
            });
        }
    }
    if waiting.is_empty() {
        Ok(rows)
    } else {
        Err(Failure::new("internal error: a chunk of rows went missing"))
    }
}
