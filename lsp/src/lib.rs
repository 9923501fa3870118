//! The Avtal language server: LSP over stdio, started by `avtal lsp`.
//!
//! Only this crate knows LSP, JSON-RPC and tokio. [`server`] holds the
//! handlers, [`workspace`] the open documents and their compilations (the
//! only IO: reading `use`d modules from disk), [`convert`] the mapping of
//! byte spans to UTF-16 ranges and of diagnostics to LSP, [`shipped`] the
//! read-only copies of the embedded stdlib and diagnostics reference that
//! definitions and diagnostic links point at. Every answer comes
//! from `avtal_compiler::analysis`. [`framing`] stands between the client
//! and tower-lsp-server: it reads the byte stream itself, answers or logs
//! what is malformed, and forwards only well-formed messages, so that no
//! input ends the session.

pub mod convert;
pub mod framing;
pub mod preview;
pub mod server;
pub mod shipped;
pub mod workspace;

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::sync::Mutex;

use framing::{Frame, FrameReader, Verdict};

/// How a session ended; the LSP spec gives the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `exit` after `shutdown`: exit code 0.
    Clean,
    /// `exit` without `shutdown` first: exit code 1.
    ExitWithoutShutdown,
    /// The input ended without `exit`: exit code 0 after `shutdown` (the
    /// client closed the pipe instead of sending `exit`), else 1.
    InputClosed { after_shutdown: bool },
}

impl Ending {
    pub fn is_success(self) -> bool {
        matches!(
            self,
            Ending::Clean
                | Ending::InputClosed {
                    after_shutdown: true
                }
        )
    }
}

/// Serve LSP on stdin/stdout until the client sends `exit` or closes stdin.
pub fn run_stdio() -> std::io::Result<Ending> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let ending = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // The blocking stdin reader may still be parked in a read: do not wait
    // for it, or `exit` would hang until the client closes the pipe.
    runtime.shutdown_background();
    ending
}

/// Size of each in-memory pipe to and from tower-lsp-server.
const PIPE_SIZE: usize = 64 * 1024;

/// Serve LSP on `input`/`output`: the client's frames go through
/// [`framing`] into one in-memory pipe to tower-lsp-server, whose output
/// comes back through another and is copied to `output` a whole message at
/// a time, between the error answers of [`framing`].
pub async fn serve<I, O>(input: I, output: O) -> std::io::Result<Ending>
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let (to_server, server_input) = tokio::io::duplex(PIPE_SIZE);
    let (server_output, from_server) = tokio::io::duplex(PIPE_SIZE);
    let output = Mutex::new(output);
    let (service, socket) = tower_lsp_server::LspService::new(server::Backend::new);
    let server = tower_lsp_server::Server::new(server_input, server_output, socket).serve(service);
    let (ending, (), copied) = tokio::join!(
        read_client(input, to_server, &output),
        server,
        copy_server_output(from_server, &output),
    );
    copied?;
    ending
}

/// Read the client's frames until `exit` or the end of the input: forward
/// the valid ones to the server (the pipe is closed on return, which ends
/// the server), answer or log the others.
async fn read_client<I, O>(
    input: I,
    mut to_server: DuplexStream,
    output: &Mutex<O>,
) -> std::io::Result<Ending>
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut reader = FrameReader::new(input);
    let mut after_shutdown = false;
    loop {
        let Some(frame) = reader.next().await? else {
            if !after_shutdown {
                eprintln!("avtal lsp: the client closed the input without `shutdown` and `exit`");
            }
            return Ok(Ending::InputClosed { after_shutdown });
        };
        let body = match frame {
            Frame::Body(body) => body,
            Frame::Bad(reason) => {
                let message = format!("parse error: a malformed message header: {reason}");
                eprintln!("avtal lsp: {message}");
                let answer = framing::error_response(Value::Null, framing::PARSE_ERROR, &message);
                let _ = write_message(output, &answer).await;
                continue;
            }
        };
        match framing::check(&body) {
            Verdict::Forward {
                body,
                method,
                has_id,
            } => {
                if write_frame(&mut to_server, &body).await.is_err() {
                    // The server has stopped reading: nothing more to do.
                    return Ok(Ending::InputClosed { after_shutdown });
                }
                match method.as_deref() {
                    Some("shutdown") if has_id => after_shutdown = true,
                    Some("exit") if after_shutdown => return Ok(Ending::Clean),
                    Some("exit") => {
                        eprintln!("avtal lsp: `exit` without `shutdown` first");
                        return Ok(Ending::ExitWithoutShutdown);
                    }
                    _ => {}
                }
            }
            Verdict::Answer(answer) => {
                let message = answer
                    .pointer("/error/message")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                eprintln!("avtal lsp: {message}");
                let _ = write_message(output, &answer).await;
            }
            Verdict::Log(message) => {
                eprintln!("avtal lsp: {message}");
                let log = json!({"jsonrpc": "2.0", "method": "window/logMessage",
                                 "params": {"type": 1, "message": message}});
                let _ = write_message(output, &log).await;
            }
        }
    }
}

/// Copy the server's messages to `output`, a whole message under the lock
/// at a time. After a write error (the client is gone) the server's output
/// is still read and dropped, so that the server never blocks on a full
/// pipe; the error is returned at the end.
async fn copy_server_output<O>(from_server: DuplexStream, output: &Mutex<O>) -> std::io::Result<()>
where
    O: AsyncWrite + Unpin,
{
    let mut reader = FrameReader::new(from_server);
    let mut failed = None;
    while let Some(frame) = reader.next().await? {
        if let (Frame::Body(body), None) = (frame, &failed) {
            let mut output = output.lock().await;
            if let Err(e) = write_frame(&mut *output, &body).await {
                failed = Some(e);
            }
        }
    }
    failed.map_or(Ok(()), Err)
}

async fn write_message<O: AsyncWrite + Unpin>(
    output: &Mutex<O>,
    message: &Value,
) -> std::io::Result<()> {
    let body = serde_json::to_vec(message)?;
    let mut output = output.lock().await;
    write_frame(&mut *output, &body).await
}

async fn write_frame<O: AsyncWrite + Unpin>(output: &mut O, body: &[u8]) -> std::io::Result<()> {
    output
        .write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await?;
    output.write_all(body).await?;
    output.flush().await
}
