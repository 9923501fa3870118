//! Bodies under limits: a record's body read whole within `--max-body`
//! and `--body-timeout`; a batch's body handed to a blocking reader
//! ([`BodyReader`], the `Read` that `avtal run`'s reader takes) chunk by
//! chunk, within `--max-batch-body` and with at most `--body-timeout`
//! between chunks; and a response streamed from a blocking writer
//! ([`ResponseWriter`]) through a bounded channel ([`ChannelBody`]), so a
//! slow client slows the batch down rather than filling memory; and a
//! response body that holds its request's concurrency permit ([`Held`]).

use std::io::{self, Read, Write};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::http::StatusCode;
use bytes::Bytes;
use http_body::Frame;
use http_body_util::BodyExt;
use tokio::sync::{OwnedSemaphorePermit, mpsc};

use super::problem::Problem;

/// Chunks waiting between the network and the evaluation, each way.
const CHUNKS_IN_FLIGHT: usize = 8;

pub fn too_large(limit: usize, flag: &str) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body-too-large",
        "the body is too large",
        format!("the body is larger than {limit} bytes"),
    )
    .with_help(format!(
        "send a smaller body, or start the server with a larger {flag}"
    ))
    .closing()
}

pub fn too_slow(timeout: Duration, what: &str) -> Problem {
    Problem::new(
        StatusCode::REQUEST_TIMEOUT,
        "body-timeout",
        "the body came too slowly",
        format!("{what} did not arrive within {} ms", timeout.as_millis()),
    )
    .with_help("send the body at once; the server's --body-timeout sets the limit")
    .closing()
}

fn broken(error: &axum::Error) -> Problem {
    Problem::new(
        StatusCode::BAD_REQUEST,
        "body-unreadable",
        "the body could not be read",
        format!("the body could not be read: {error}"),
    )
    .closing()
}

/// Read a whole body of at most `limit` bytes within `timeout`.
pub async fn read_whole(body: Body, limit: usize, timeout: Duration) -> Result<Bytes, Problem> {
    let mut body = body;
    let collect = async {
        let mut collected = bytes::BytesMut::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| broken(&e))?;
            if let Ok(data) = frame.into_data() {
                if collected.len().saturating_add(data.len()) > limit {
                    return Err(too_large(limit, "--max-body"));
                }
                collected.extend_from_slice(&data);
            }
        }
        Ok(collected.freeze())
    };
    match tokio::time::timeout(timeout, collect).await {
        Ok(result) => result,
        Err(_) => Err(too_slow(timeout, "the whole body")),
    }
}

/// Why a streamed body stopped early, for the batch's last part.
pub type Stopped = Arc<Mutex<Option<Problem>>>;

/// Feed `body` into a [`BodyReader`]: a task reads chunks (at most
/// `idle` apart, at most `limit` bytes in all) and stops with a problem.
pub fn stream_in(body: Body, limit: usize, idle: Duration) -> BodyReader {
    let (sender, receiver) = mpsc::channel::<Bytes>(CHUNKS_IN_FLIGHT);
    let stopped: Stopped = Arc::default();
    let reader = BodyReader {
        receiver,
        current: Bytes::new(),
        stopped: stopped.clone(),
    };
    tokio::spawn(async move {
        let mut body = body;
        let mut total: usize = 0;
        let problem = loop {
            let frame = match tokio::time::timeout(idle, body.frame()).await {
                Err(_) => break Some(too_slow(idle, "the next part of the body")),
                Ok(None) => break None,
                Ok(Some(Err(error))) => break Some(broken(&error)),
                Ok(Some(Ok(frame))) => frame,
            };
            let Ok(data) = frame.into_data() else {
                continue;
            };
            total = total.saturating_add(data.len());
            if total > limit {
                break Some(too_large(limit, "--max-batch-body"));
            }
            if sender.send(data).await.is_err() {
                // The batch stopped reading (it ended or failed).
                break None;
            }
        };
        if let (Some(problem), Ok(mut slot)) = (problem, stopped.lock()) {
            *slot = Some(problem);
        }
    });
    reader
}

/// The request body as a blocking `Read`, for `avtal run`'s reader thread.
pub struct BodyReader {
    receiver: mpsc::Receiver<Bytes>,
    current: Bytes,
    stopped: Stopped,
}

impl BodyReader {
    /// Why the body stopped early, if it did (shared with the feeding task).
    pub fn stopped(&self) -> Stopped {
        self.stopped.clone()
    }
}

impl Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.receiver.blocking_recv() {
                Some(chunk) => self.current = chunk,
                None => {
                    let stopped = self.stopped.lock().ok().and_then(|slot| slot.clone());
                    return match stopped {
                        Some(problem) => Err(io::Error::other(problem.detail.clone())),
                        None => Ok(0),
                    };
                }
            }
        }
        let n = buf.len().min(self.current.len());
        let chunk = self.current.split_to(n);
        if let Some(target) = buf.get_mut(..n) {
            target.copy_from_slice(&chunk);
        }
        Ok(n)
    }
}

/// A response body written by a blocking writer; cloning shares the
/// channel, so parts written by several writers stay in order.
#[derive(Clone)]
pub struct ResponseWriter {
    sender: mpsc::Sender<Result<Bytes, io::Error>>,
}

/// The response side of [`ResponseWriter`], an `http_body::Body`.
pub struct ChannelBody {
    receiver: mpsc::Receiver<Result<Bytes, io::Error>>,
}

pub fn stream_out() -> (ResponseWriter, ChannelBody) {
    let (sender, receiver) = mpsc::channel(CHUNKS_IN_FLIGHT);
    (ResponseWriter { sender }, ChannelBody { receiver })
}

impl ResponseWriter {
    /// End the response as broken: the client sees an incomplete body
    /// rather than a short one that looks whole.
    pub fn abort(&self, why: &str) {
        let _ = self
            .sender
            .blocking_send(Err(io::Error::other(why.to_string())));
    }
}

impl Write for ResponseWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if bytes.is_empty() {
            return Ok(0);
        }
        self.sender
            .blocking_send(Ok(Bytes::copy_from_slice(bytes)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl http_body::Body for ChannelBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        self.receiver
            .poll_recv(cx)
            .map(|item| item.map(|chunk| chunk.map(Frame::data)))
    }
}

/// A response body that holds a concurrency permit until it is sent (or
/// dropped with its connection).
pub struct Held {
    inner: Body,
    _permit: OwnedSemaphorePermit,
}

impl Held {
    pub fn new(inner: Body, permit: OwnedSemaphorePermit) -> Held {
        Held {
            inner,
            _permit: permit,
        }
    }
}

impl http_body::Body for Held {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
