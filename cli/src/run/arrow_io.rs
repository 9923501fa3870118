//! Columnar files for `avtal run`, `diff` and `explain --row`: Parquet
//! and Arrow IPC (file or stream format) in, Parquet and Arrow IPC out.
//!
//! Reading goes through the engine's Arrow codec
//! (`avtal_engine::arrow::ArrowInput`): a record batch's columns straight
//! into the compiled layout, a run of rows at a time. Memory is bounded by
//! one record batch (Parquet is read row group by row group, 65,536 rows
//! per batch), whatever the file's size. Row numbers count rows from 1 across
//! the whole file; columnar files have no lines (reported as line 0).
//!
//! Writing gathers results into Arrow columns (`ArrowOutput`) and hands
//! them every [`FLUSH_ROWS`] rows to the file's writer, on a thread of its
//! own; Parquet row groups hold at most [`ROW_GROUP_ROWS`] rows, so the
//! writer's memory is bounded too. The writer sends each written batch
//! back, and the next batches are built in its vectors; each row group
//! written is synced to disk meanwhile (`early_sync.rs`). Parquet money
//! columns are `Decimal128(18, 2)` (a 64-bit integer in the file), Arrow
//! IPC's `Decimal128(38, 2)`; Parquet's own 64-bit decimals are read as
//! `Decimal64`, as stored.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::thread::JoinHandle;

use arrow_array::RecordBatch;
use arrow_ipc::reader::{FileReader, StreamReader};
use arrow_ipc::writer::{FileWriter, StreamWriter};
use arrow_schema::{ArrowError, DataType as ArrowType, Field, Schema};
use avtal_compiler::data::{DataType, Kind, data_name};
use avtal_compiler::eval::Value;
use avtal_engine::arrow::{ArrowInput, ArrowOutput, Rejected};
use avtal_engine::{Computed, InputBatch, InputCodec, Results};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader,
    ParquetRecordBatchReaderBuilder,
};
use parquet::basic::{Compression, Type as PhysicalType, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;

use super::early_sync::EarlySync;
use super::input::Row;
use super::reader::RowPlace;
use super::report::RowError;
use crate::safe_file::{self, ROWS_WRITTEN, SafeFile};
use crate::term::{Failure, display_path};
use crate::{DataFormat, ParquetCompression};

/// Rows gathered before they go to the file's writer.
const FLUSH_ROWS: usize = 16_384;
/// The most rows in one Parquet row group.
const ROW_GROUP_ROWS: usize = 262_144;
/// The precision of money, percent and hours columns in Parquet: up to 18
/// digits Parquet stores a decimal as a 64-bit integer (38 digits take 16
/// bytes, and writing them cost more than all the rest). An amount of
/// 10^16 or more fails its row.
const PARQUET_PRECISION: u8 = 18;
/// Rows per record batch read from Parquet (handed on 4096 at a time).
const PARQUET_READ_ROWS: usize = 65_536;

/// The rows of a Parquet or Arrow IPC file.
pub struct ArrowRows {
    source: Source,
    binding: ArrowInput,
    current: Option<RecordBatch>,
    /// The next row of `current`.
    cursor: usize,
    /// Rows handed out so far.
    row: u64,
}

enum Source {
    Parquet(ParquetRecordBatchReader),
    IpcFile(FileReader<BufReader<File>>),
    IpcStream(StreamReader<BufReader<Box<dyn Read + Send>>>),
}

impl Source {
    fn next_batch(&mut self) -> Option<Result<RecordBatch, ArrowError>> {
        match self {
            Source::Parquet(reader) => reader.next(),
            Source::IpcFile(reader) => reader.next(),
            Source::IpcStream(reader) => reader.next(),
        }
    }
}

/// The magic bytes that open an Arrow IPC file (a stream has none).
const IPC_FILE_MAGIC: &[u8; 6] = b"ARROW1";

impl ArrowRows {
    /// Open `path` (`-`: stdin, Arrow IPC stream only) and bind its
    /// columns to the fields of `record`.
    pub fn open(path: &Path, format: DataFormat, record: &DataType) -> Result<ArrowRows, Failure> {
        let read_failure = |e: &dyn std::fmt::Display| {
            Failure::new(format!("cannot read {}: {e}", display_path(path)))
        };
        let stdin = path.as_os_str() == "-";
        let source = match format {
            DataFormat::Parquet if stdin => {
                return Err(Failure::new("Parquet cannot be read from stdin")
                    .with_help("Parquet keeps its index at the end of the file: give a file name, or send Arrow IPC (`--input-format arrow`) through the pipe"));
            }
            DataFormat::Parquet => {
                let file = File::open(path).map_err(|e| Failure::read(path, &e))?;
                let reader = parquet_metadata(&file, record)
                    .and_then(|metadata| {
                        ParquetRecordBatchReaderBuilder::new_with_metadata(file, metadata)
                            .with_batch_size(PARQUET_READ_ROWS)
                            .build()
                    })
                    .map_err(|e| read_failure(&e))?;
                Source::Parquet(reader)
            }
            _ if stdin => {
                let input: Box<dyn Read + Send> = Box::new(io::stdin());
                StreamReader::try_new(BufReader::new(input), None)
                    .map(Source::IpcStream)
                    .map_err(|e| read_failure(&e))?
            }
            _ => {
                let mut file = File::open(path).map_err(|e| Failure::read(path, &e))?;
                let mut magic = [0u8; 6];
                let is_file_format =
                    file.read_exact(&mut magic).is_ok() && &magic == IPC_FILE_MAGIC;
                let file = File::open(path).map_err(|e| Failure::read(path, &e))?;
                if is_file_format {
                    FileReader::try_new(BufReader::new(file), None)
                        .map(Source::IpcFile)
                        .map_err(|e| read_failure(&e))?
                } else {
                    let input: Box<dyn Read + Send> = Box::new(file);
                    StreamReader::try_new(BufReader::new(input), None)
                        .map(Source::IpcStream)
                        .map_err(|e| read_failure(&e))?
                }
            }
        };
        let schema = match &source {
            Source::Parquet(reader) => arrow_array::RecordBatchReader::schema(reader),
            Source::IpcFile(reader) => reader.schema(),
            Source::IpcStream(reader) => reader.schema(),
        };
        let binding = ArrowInput::bind(record, &schema)?;
        Ok(ArrowRows {
            source,
            binding,
            current: None,
            cursor: 0,
            row: 0,
        })
    }

    /// The batch holding the next row, `None` at the end.
    fn current(&mut self, path: &Path) -> Result<Option<&RecordBatch>, Failure> {
        loop {
            if let Some(batch) = &self.current
                && self.cursor < batch.num_rows()
            {
                break;
            }
            match self.source.next_batch() {
                Some(Ok(batch)) => {
                    self.current = Some(batch);
                    self.cursor = 0;
                }
                Some(Err(error)) => {
                    return Err(Failure::new(format!(
                        "cannot read {} after row {}: {error}",
                        display_path(path),
                        self.row
                    )));
                }
                None => {
                    self.current = None;
                    return Ok(None);
                }
            }
        }
        Ok(self.current.as_ref())
    }

    /// Read up to `limit` rows into `batch`, column by column; false at
    /// the end of the file.
    pub fn read_many_into(
        &mut self,
        path: &Path,
        codec: &InputCodec,
        batch: &mut InputBatch,
        places: &mut Vec<RowPlace>,
        limit: usize,
    ) -> Result<bool, Failure> {
        if self.current(path)?.is_none() {
            return Ok(false);
        }
        // A cheap clone (the columns are shared), so that the binding can
        // be borrowed beside it.
        let Some(columns) = self.current.clone() else {
            return Ok(false);
        };
        let cursor = self.cursor;
        let end = columns.num_rows().min(cursor + limit.max(1));
        self.binding.push_rows(codec, batch, &columns, cursor..end);
        for _ in cursor..end {
            self.row += 1;
            places.push(RowPlace {
                number: self.row,
                line: 0,
            });
        }
        self.cursor = end;
        Ok(true)
    }

    /// The next row as a value (for `explain --row`), `None` at the end.
    pub fn next_row(&mut self, path: &Path) -> Result<Option<Row>, Failure> {
        if self.current(path)?.is_none() {
            return Ok(None);
        }
        let Some(columns) = self.current.clone() else {
            return Ok(None);
        };
        let value = self.binding.read_row(&columns, self.cursor);
        self.cursor += 1;
        self.row += 1;
        Ok(Some(Row {
            number: self.row,
            line: 0,
            last: self.row,
            value,
        }))
    }
}

/// The Parquet file's metadata, its 64-bit decimal columns that numeric
/// fields of `record` read as Arrow `Decimal64` (as they are stored)
/// rather than widened to `Decimal128`: the fast path copies them as
/// they are. Every value and error is the same either way.
fn parquet_metadata(
    file: &File,
    record: &DataType,
) -> parquet::errors::Result<ArrowReaderMetadata> {
    let metadata = ArrowReaderMetadata::load(file, ArrowReaderOptions::new())?;
    let stored = metadata.parquet_schema().root_schema().get_fields();
    let arrow = metadata.schema();
    if stored.len() != arrow.fields().len() {
        return Ok(metadata);
    }
    let numeric = |name: &str| {
        let name = data_name(name);
        record
            .record_fields()
            .unwrap_or(&[])
            .iter()
            .any(|(field, ty)| *field == name && ty.is_fixed_number())
    };
    let mut narrowed = false;
    let fields: Vec<Field> = arrow
        .fields()
        .iter()
        .zip(stored)
        .map(|(field, stored)| match field.data_type() {
            ArrowType::Decimal128(precision, scale)
                if stored.is_primitive()
                    && stored.get_physical_type() == PhysicalType::INT64
                    && numeric(field.name()) =>
            {
                narrowed = true;
                field
                    .as_ref()
                    .clone()
                    .with_data_type(ArrowType::Decimal64(*precision, *scale))
            }
            _ => field.as_ref().clone(),
        })
        .collect();
    if !narrowed {
        return Ok(metadata);
    }
    let schema = Arc::new(Schema::new_with_metadata(fields, arrow.metadata().clone()));
    ArrowReaderMetadata::try_new(
        metadata.metadata().clone(),
        ArrowReaderOptions::new().with_schema(schema),
    )
}

/// Results into a Parquet or Arrow IPC file (or an IPC stream on stdout).
///
/// The file's writer (Parquet's encoding and compression, the bulk of the
/// cost) runs on a thread of its own: the main thread evaluates and
/// gathers the next columns meanwhile.
pub struct ArrowSink {
    path: PathBuf,
    columns: ArrowOutput,
    /// Gathered batches to the writer thread; `None` once it has stopped.
    batches: Option<SyncSender<RecordBatch>>,
    /// Batches the writer thread is done with, whose vectors the next
    /// batches reuse (fresh ones cost a page fault per page).
    spent: Receiver<RecordBatch>,
    writer: Option<JoinHandle<Result<Sink, Failure>>>,
}

/// Batches waiting for the writer thread: two, so that gathering never
/// waits on a writer that is keeping up, and memory stays bounded.
const BATCHES_IN_FLIGHT: usize = 2;

enum Writer {
    Parquet(Box<ArrowWriter<Sink>>),
    IpcFile(FileWriter<Sink>),
    IpcStream(StreamWriter<Sink>),
}

impl Writer {
    fn write(&mut self, batch: &RecordBatch) -> Result<(), String> {
        match self {
            Writer::Parquet(writer) => writer.write(batch).map_err(|e| e.to_string()),
            Writer::IpcFile(writer) => writer.write(batch).map_err(|e| e.to_string()),
            Writer::IpcStream(writer) => writer.write(batch).map_err(|e| e.to_string()),
        }
    }

    /// Write the footer; the bytes' destination back.
    fn finish(self) -> Result<Sink, String> {
        match self {
            Writer::Parquet(writer) => writer.into_inner().map_err(|e| e.to_string()),
            Writer::IpcFile(writer) => writer.into_inner().map_err(|e| e.to_string()),
            Writer::IpcStream(writer) => writer.into_inner().map_err(|e| e.to_string()),
        }
    }
}

/// The bytes' destination: a file replaced at the end, or stdout.
enum Sink {
    Stdout(io::Stdout),
    File(BufWriter<SafeFile>),
}

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(stdout) => stdout.write(bytes),
            Sink::File(file) => file.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(stdout) => stdout.flush(),
            Sink::File(file) => file.flush(),
        }
    }
}

impl ArrowSink {
    /// Start writing records of `record` to `path` (`-`: stdout), Parquet
    /// pages compressed with `compression`.
    pub fn open(
        path: &Path,
        format: DataFormat,
        record: &DataType,
        compression: ParquetCompression,
    ) -> Result<ArrowSink, Failure> {
        let columns = match format {
            DataFormat::Parquet => ArrowOutput::with_decimal_precision(record, PARQUET_PRECISION),
            _ => ArrowOutput::new(record),
        };
        let schema = columns.schema();
        let stdout = path.as_os_str() == "-";
        let (sink, early_sync) = if stdout {
            (Sink::Stdout(io::stdout()), None)
        } else {
            let file = SafeFile::create(path)?;
            let early_sync = match format {
                DataFormat::Parquet => file.second_handle().and_then(EarlySync::start),
                _ => None,
            };
            (
                Sink::File(BufWriter::with_capacity(1 << 16, file)),
                early_sync,
            )
        };
        let failure = |e: &dyn std::fmt::Display| {
            Failure::new(format!("cannot write {}: {e}", display_path(path)))
        };
        let writer = match format {
            DataFormat::Parquet => {
                let writer = ArrowWriter::try_new(
                    sink,
                    schema,
                    Some(parquet_properties(record, compression)),
                )
                .map_err(|e| failure(&e))?;
                Writer::Parquet(Box::new(writer))
            }
            // A file on disk in the IPC file format (random access); a
            // pipe gets the stream format, which needs no seeking back.
            _ if stdout => {
                Writer::IpcStream(StreamWriter::try_new(sink, &schema).map_err(|e| failure(&e))?)
            }
            _ => Writer::IpcFile(FileWriter::try_new(sink, &schema).map_err(|e| failure(&e))?),
        };
        let (batches, received) = sync_channel::<RecordBatch>(BATCHES_IN_FLIGHT);
        let (spent_sender, spent) = channel::<RecordBatch>();
        let shown = display_path(path);
        let thread = std::thread::Builder::new()
            .name("avtal-write".into())
            .spawn(move || write_all(writer, &received, &spent_sender, early_sync, &shown))
            .map_err(|e| Failure::new(format!("cannot start a thread: {e}")))?;
        Ok(ArrowSink {
            path: path.to_path_buf(),
            columns,
            batches: Some(batches),
            spent,
            writer: Some(thread),
        })
    }

    /// Add one computed record; `Ok(Err(..))` when it cannot be written
    /// exactly (nothing of it is written).
    pub fn write(&mut self, computed: &Computed<'_>) -> Result<Result<(), RowError>, Failure> {
        if let Err(error) = self.columns.push(computed) {
            return Ok(Err(error));
        }
        safe_file::bump(&ROWS_WRITTEN);
        if self.columns.len() >= FLUSH_ROWS {
            self.flush_columns()?;
        }
        Ok(Ok(()))
    }

    /// Add every answer of an evaluated batch in order, a column at a
    /// time; `rejected(index, why)` for each row not written (a failed
    /// row, or a result that cannot be written exactly).
    pub fn write_results<'r>(
        &mut self,
        results: &'r Results,
        rejected: impl FnMut(usize, Rejected<'r>) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        let added = self.columns.push_results(results, rejected)?;
        ROWS_WRITTEN.fetch_add(added as u64, Ordering::Relaxed);
        if self.columns.len() >= FLUSH_ROWS {
            self.flush_columns()?;
        }
        Ok(())
    }

    /// Add one record value (the general writer's path).
    pub fn write_value(&mut self, value: &Value) -> Result<Result<(), RowError>, Failure> {
        if let Err(error) = self.columns.push_value(value) {
            return Ok(Err(error));
        }
        safe_file::bump(&ROWS_WRITTEN);
        if self.columns.len() >= FLUSH_ROWS {
            self.flush_columns()?;
        }
        Ok(Ok(()))
    }

    /// Hand what is gathered to the writer thread.
    fn flush_columns(&mut self) -> Result<(), Failure> {
        if self.columns.is_empty() {
            return Ok(());
        }
        while let Ok(spent) = self.spent.try_recv() {
            self.columns.recycle(spent);
        }
        let batch = self
            .columns
            .take_batch()
            .map_err(|e| Failure::new(format!("cannot write {}: {e}", display_path(&self.path))))?;
        let sent = match &self.batches {
            Some(batches) => batches.send(batch).is_ok(),
            None => false,
        };
        if sent {
            Ok(())
        } else {
            // The writer stopped: its failure says why.
            Err(self.stop_writer().err().unwrap_or_else(|| {
                Failure::new(format!(
                    "cannot write {}: the writer stopped",
                    display_path(&self.path)
                ))
            }))
        }
    }

    /// Close the writer thread's queue and wait for it: the destination
    /// with the footer written, or why writing failed.
    fn stop_writer(&mut self) -> Result<Sink, Failure> {
        self.batches = None;
        let thread = self
            .writer
            .take()
            .ok_or_else(|| Failure::new("internal error: the writer was stopped twice"))?;
        thread
            .join()
            .map_err(|_| Failure::new("internal error: the writer thread failed"))?
    }

    /// Write what is gathered and the file's footer; a file is then ready
    /// to replace the previous one when the command ends.
    pub fn finish(mut self) -> Result<(), Failure> {
        self.flush_columns()?;
        let sink = self.stop_writer()?;
        match sink {
            Sink::Stdout(mut stdout) => stdout.flush().map_err(|e| Failure::write(&self.path, &e)),
            Sink::File(file) => file
                .into_inner()
                .map_err(|e| Failure::write(&self.path, e.error()))?
                .finish(),
        }
    }
}

/// The writer thread: every batch received into the file (and handed
/// back on `spent`), then the footer; each Parquet row group written is
/// synced to disk meanwhile by `early_sync`. It stops at the first failure
/// (the receiver is dropped, so the next send tells the main thread).
fn write_all(
    mut writer: Writer,
    batches: &Receiver<RecordBatch>,
    spent: &Sender<RecordBatch>,
    early_sync: Option<EarlySync>,
    shown: &str,
) -> Result<Sink, Failure> {
    let failure = |e: String| Failure::new(format!("cannot write {shown}: {e}"));
    let mut row_groups = 0;
    for batch in batches {
        writer.write(&batch).map_err(failure)?;
        // The main thread may be gone (a failure): then it is dropped.
        let _ = spent.send(batch);
        if let (Writer::Parquet(parquet), Some(sync)) = (&writer, &early_sync)
            && parquet.flushed_row_groups().len() > row_groups
        {
            row_groups = parquet.flushed_row_groups().len();
            // The row group's bytes are in the file (all but the last
            // buffer's worth): sync them while the next is encoded.
            sync.request();
        }
    }
    let sink = writer.finish().map_err(failure)?;
    if let Some(sync) = early_sync {
        sync.finish().map_err(|e| failure(e.to_string()))?;
    }
    Ok(sink)
}

/// How Parquet output is written (see docs/reference.md "Parquet and
/// Arrow"): pages compressed with `compression` (Snappy unless asked,
/// which costs a fraction of zstd's time for a file about 1.6 times as
/// large); dictionary encoding only where values
/// repeat by nature (enums and dates), since for amounts and ids it hashes
/// every value and then falls back to plain; min/max statistics per column
/// chunk (what readers use to skip row groups), no page index.
fn parquet_properties(record: &DataType, compression: ParquetCompression) -> WriterProperties {
    let compression = match compression {
        ParquetCompression::Snappy => Compression::SNAPPY,
        ParquetCompression::Zstd => Compression::ZSTD(ZstdLevel::default()),
        ParquetCompression::Lz4 => Compression::LZ4_RAW,
        ParquetCompression::None => Compression::UNCOMPRESSED,
    };
    let mut builder = WriterProperties::builder()
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_compression(compression)
        .set_dictionary_enabled(false)
        .set_statistics_enabled(EnabledStatistics::Chunk);
    for (name, ty) in record.record_fields().unwrap_or(&[]) {
        if matches!(ty.kind(), Kind::Enum { .. } | Kind::Date) {
            builder = builder.set_column_dictionary_enabled(ColumnPath::from(name.as_str()), true);
        }
    }
    builder.build()
}
