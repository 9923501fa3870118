//! `POST /v1/{entry}/batch`: rows in (CSV or JSON Lines), through the
//! very loop of `avtal run` (`run::write_rows`: the same reader thread,
//! evaluation and writers), out as a `multipart/mixed` response streamed
//! while the rows are read:
//!
//! 1. `output`: the bytes `avtal run -o FILE` writes for the same input;
//! 2. `errors`: the bytes `avtal run --errors FILE` writes (spooled to an
//!    unnamed temporary file until the output is complete, so memory stays
//!    flat whatever the number of failed rows), with the part headers
//!    `Avtal-Rows` and `Avtal-Rows-Failed`;
//! 3. `problem` (only when the batch stopped early: a body too slow, too
//!    large, or with more rows than `--max-batch-rows`, or an unreadable
//!    row stream): a problem document; the rows before it stand.
//!
//! A problem found before any row (no column for a field, a body that is
//! not CSV) is a plain problem response instead. Runs on a version's
//! worker thread.

use std::hash::{BuildHasher, Hasher};
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;

use avtal_engine::PreparedEntry;
use axum::http::StatusCode;
use tokio::sync::oneshot;

use super::body::{BodyReader, ResponseWriter, Stopped};
use super::metrics::Metrics;
use super::problem::{PROBLEM_JSON, Problem};
use crate::DataFormat;
use crate::run::formats::media_type;
use crate::run::input::Input;
use crate::run::output::Output;
use crate::run::reader::Rows;
use crate::run::report::ErrorReport;
use crate::run::write_rows;

/// A batch request, handed to a worker.
pub struct BatchJob {
    pub entry: usize,
    pub reader: BodyReader,
    pub input_format: DataFormat,
    pub output_format: DataFormat,
    pub max_rows: u64,
    /// The response's start: the multipart boundary, or a problem.
    pub head: oneshot::Sender<Result<String, Problem>>,
    pub writer: ResponseWriter,
    pub metrics: Arc<Metrics>,
    pub labels: (String, String),
}

impl BatchJob {
    pub fn refuse(self, problem: Problem) {
        let _ = self.head.send(Err(problem));
    }
}

/// What the rows are called in messages.
const BODY: &str = "the request body";

pub fn run(prepared: &mut PreparedEntry<'_>, job: BatchJob) {
    let stopped = job.reader.stopped();
    let input = match Input::from_reader(
        Path::new(BODY),
        Box::new(job.reader),
        job.input_format,
        prepared.input_type(),
    ) {
        Ok(input) => input,
        Err(failure) => {
            let problem = stopped_problem(&stopped).unwrap_or_else(|| {
                let mut problem = Problem::from_failure(&failure);
                problem.status = StatusCode::UNPROCESSABLE_ENTITY;
                problem.title = "the rows cannot be read".to_string();
                problem
            });
            let _ = job.head.send(Err(problem));
            return;
        }
    };
    let boundary = new_boundary();
    if job.head.send(Ok(boundary.clone())).is_err() {
        return;
    }
    let mut writer = job.writer;
    let streamed = stream(
        prepared,
        input,
        &mut writer,
        &boundary,
        job.output_format,
        job.max_rows,
        &stopped,
    );
    match streamed {
        Ok((rows, failed)) => {
            let (version, entry) = &job.labels;
            job.metrics.batch(version, entry, rows, failed);
        }
        // The client went away or the spool failed: nothing more to say.
        Err(error) => writer.abort(&error.to_string()),
    }
}

/// Write the parts; the rows and failed rows, or why the response broke.
fn stream(
    prepared: &mut PreparedEntry<'_>,
    input: Input,
    writer: &mut ResponseWriter,
    boundary: &str,
    output_format: DataFormat,
    max_rows: u64,
    stopped: &Stopped,
) -> std::io::Result<(u64, u64)> {
    // Each part's headers go out as one write, so one chunk.
    writer.write_all(
        format!(
            "--{boundary}\r\nContent-Type: {}\r\nContent-Disposition: inline; name=\"output\"\r\n\r\n",
            media_type(output_format)
        )
        .as_bytes(),
    )?;
    let mut spool = tempfile::tempfile()?;
    let label = Path::new(BODY);
    let (problem, rows, failed) = match (
        Output::to_writer(
            label,
            Box::new(writer.clone()),
            output_format,
            prepared.output_type(),
        ),
        ErrorReport::to_writer(label, Box::new(spool.try_clone()?)),
    ) {
        (Ok(mut output), Ok(mut report)) => {
            // Rows done at the last whole batch: a read failure comes
            // between batches.
            let mut done = 0;
            let written = Rows::spawn(input, prepared.input_codec()).and_then(|mut rows| {
                write_rows(
                    prepared,
                    &mut rows,
                    &mut output,
                    &mut report,
                    max_rows,
                    |_, n| {
                        done = n;
                    },
                )
            });
            let finished = output.finish().and_then(|()| report.finish());
            match (written, finished) {
                (Ok(written), Ok(())) => {
                    let problem = written.cut.then(|| too_many_rows(max_rows));
                    (problem, written.rows, report.failed_rows())
                }
                (Err(failure), _) | (_, Err(failure)) => {
                    if failure.message.contains("the client went away") {
                        return Err(std::io::Error::new(
                            std::io::ErrorKind::BrokenPipe,
                            failure.message,
                        ));
                    }
                    let problem =
                        stopped_problem(stopped).unwrap_or_else(|| Problem::from_failure(&failure));
                    (Some(problem), done, report.failed_rows())
                }
            }
        }
        (Err(failure), _) | (_, Err(failure)) => (Some(Problem::from_failure(&failure)), 0, 0),
    };
    writer.write_all(
        format!(
            "\r\n--{boundary}\r\nContent-Type: text/csv; charset=utf-8\r\nContent-Disposition: inline; name=\"errors\"\r\nAvtal-Rows: {rows}\r\nAvtal-Rows-Failed: {failed}\r\n\r\n"
        )
        .as_bytes(),
    )?;
    spool.seek(SeekFrom::Start(0))?;
    std::io::copy(&mut spool, writer)?;
    if let Some(problem) = &problem {
        writer.write_all(
            format!(
                "\r\n--{boundary}\r\nContent-Type: {PROBLEM_JSON}\r\nContent-Disposition: inline; name=\"problem\"\r\n\r\n{}",
                problem.to_json()
            )
            .as_bytes(),
        )?;
    }
    writer.write_all(format!("\r\n--{boundary}--\r\n").as_bytes())?;
    Ok((rows, failed))
}

fn stopped_problem(stopped: &Stopped) -> Option<Problem> {
    stopped.lock().ok().and_then(|slot| slot.clone())
}

fn too_many_rows(limit: u64) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "batch-too-long",
        "the batch has too many rows",
        format!("the batch has more than {limit} rows; the first {limit} were answered"),
    )
    .with_help("send the rest in another batch, or start the server with a larger --max-batch-rows")
}

/// A boundary no body is likely to hold: 128 random bits.
fn new_boundary() -> String {
    let random = |salt: u64| {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(salt);
        hasher.finish()
    };
    format!("avtal-{:016x}{:016x}", random(1), random(2))
}
