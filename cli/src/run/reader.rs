//! The reader thread of every command that evaluates a file of rows
//! (`run`, `diff`): it reads and parses the next batches while the main
//! thread evaluates and writes the current one. At most two batches wait,
//! so memory is bounded by the batch size, not the input.

use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::thread::JoinHandle;

use avtal_engine::{InputBatch, InputCodec};

use super::BATCH;
use super::input::Input;
use crate::term::Failure;

/// Batches read ahead of the one being evaluated.
const IN_FLIGHT: usize = 2;

/// One batch of rows: the records, and each row's number (data rows from
/// 1) and line in the file.
#[derive(Debug, Default)]
pub struct ReadBatch {
    pub records: InputBatch,
    pub places: Vec<RowPlace>,
    /// Bytes of input read when the batch was complete.
    pub position: u64,
}

/// A record's place in the input: its first data row and that row's line.
pub use avtal_engine::RowPlace;

/// The reading side: batches arrive on [`Rows::next`] in input order;
/// [`Rows::recycle`] hands a batch's buffers back.
pub struct Rows {
    full: Receiver<Result<ReadBatch, Failure>>,
    empty: Sender<ReadBatch>,
    /// Not joined: when writing fails the run stops at once, and a reader
    /// blocked on stdin is left to the process's end.
    _thread: JoinHandle<()>,
}

impl Rows {
    /// Start reading `input` with `codec` on a thread of its own.
    pub fn spawn(mut input: Input, codec: InputCodec) -> Result<Rows, Failure> {
        let (full_sender, full) = sync_channel::<Result<ReadBatch, Failure>>(IN_FLIGHT);
        let (empty, empty_receiver) = channel::<ReadBatch>();
        let thread = std::thread::Builder::new()
            .name("avtal-read".into())
            .spawn(move || read_all(&mut input, &codec, &full_sender, &empty_receiver))
            .map_err(|e| Failure::new(format!("cannot start a thread: {e}")))?;
        Ok(Rows {
            full,
            empty,
            _thread: thread,
        })
    }

    /// The next batch, `None` at the end of the input; a read failure
    /// (an unreadable file, a broken header) is fatal.
    pub fn next_batch(&mut self) -> Option<Result<ReadBatch, Failure>> {
        self.full.recv().ok()
    }

    /// Give a batch's buffers back to the reader.
    pub fn recycle(&self, batch: ReadBatch) {
        // The reader may have finished; then the batch is just dropped.
        let _ = self.empty.send(batch);
    }
}

fn read_all(
    input: &mut Input,
    codec: &InputCodec,
    full: &SyncSender<Result<ReadBatch, Failure>>,
    empty: &Receiver<ReadBatch>,
) {
    loop {
        let mut batch = empty.try_recv().unwrap_or_else(|_| ReadBatch {
            records: codec.new_batch(),
            places: Vec::with_capacity(BATCH),
            position: 0,
        });
        batch.records.clear();
        batch.places.clear();
        let more = loop {
            if batch.places.len() == BATCH {
                break true;
            }
            // Columnar inputs hand over a run of rows at once.
            let room = BATCH - batch.places.len();
            let read =
                match input.read_many_into(codec, &mut batch.records, &mut batch.places, room) {
                    Some(read) => read,
                    None => input
                        .read_into(codec, &mut batch.records)
                        .map(|place| place.map(|place| batch.places.push(place)).is_some()),
                };
            match read {
                Ok(true) => {}
                Ok(false) => break false,
                Err(failure) => {
                    // Rows of the unfinished batch are not written.
                    let _ = full.send(Err(failure));
                    return;
                }
            }
        };
        batch.position = input.position();
        if !batch.places.is_empty() && full.send(Ok(batch)).is_err() {
            return;
        }
        if !more {
            return;
        }
    }
}
