//! Reading the client's byte stream into messages before tower-lsp-server
//! sees it, so that no input makes the server stop.
//!
//! tower-lsp-server's own reader ends the session on the first message it
//! cannot decode (invalid JSON, `[]`, an object as id, a bad
//! `Content-Length`), and loses the request after a `Content-Length: 0`.
//! [`FrameReader`] splits the input into frames itself and, after a bad
//! header, finds the next `Content-Length` and goes on; [`check`] decides
//! what to do with each body: forward it (re-serialised from the very types
//! tower-lsp-server decodes, so that it cannot fail there), answer it with a
//! JSON-RPC error (Parse error -32700, Invalid Request -32600), or only log
//! it (a malformed response from the client, which must not be answered).
//! Nothing here knows LSP methods beyond `shutdown` and `exit`.

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt};
use tower_lsp_server::jsonrpc::{Request, Response};

/// The largest body accepted. A larger `Content-Length` is answered with an
/// error and its bytes are skipped as after any bad header: a length that
/// large is more likely a broken header than a real message, and reading it
/// would hold that much memory.
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// The largest header block (all header lines of one message).
const MAX_HEADER: usize = 8 * 1024;

/// JSON-RPC's code for invalid JSON.
pub const PARSE_ERROR: i64 = -32700;
/// JSON-RPC's code for JSON that is not a valid request.
pub const INVALID_REQUEST: i64 = -32600;

const CONTENT_LENGTH: &[u8] = b"Content-Length";

/// One unit of the input.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// The body of a well-framed message (not yet checked).
    Body(Vec<u8>),
    /// Bytes that are not a well-framed message: why. The reader has
    /// skipped them up to the next `Content-Length` header.
    Bad(String),
}

/// Splits a byte stream into `Content-Length` framed bodies.
pub struct FrameReader<R> {
    input: R,
    buffer: Vec<u8>,
    ended: bool,
    /// After a bad header: skipping up to the next `Content-Length`.
    resyncing: bool,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    pub fn new(input: R) -> FrameReader<R> {
        FrameReader {
            input,
            buffer: Vec::new(),
            ended: false,
            resyncing: false,
        }
    }

    /// The next frame, or `None` at the end of the input. Cancel-safe: bytes
    /// leave the buffer only when a whole frame is returned.
    pub async fn next(&mut self) -> std::io::Result<Option<Frame>> {
        loop {
            if self.resyncing {
                match find(&self.buffer, CONTENT_LENGTH) {
                    Some(at) => {
                        self.buffer.drain(..at);
                        self.resyncing = false;
                    }
                    None => {
                        // Keep a tail that may be the start of a split
                        // `Content-Length`.
                        let keep = CONTENT_LENGTH.len().saturating_sub(1);
                        let drop = self.buffer.len().saturating_sub(keep);
                        self.buffer.drain(..drop);
                        if self.ended {
                            self.buffer.clear();
                            return Ok(None);
                        }
                        self.fill().await?;
                        continue;
                    }
                }
            }
            // Blank lines between messages are harmless: some clients end a
            // body with a newline.
            let blank = self
                .buffer
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            self.buffer.drain(..blank);
            match parse_header(&self.buffer) {
                Header::Complete {
                    length,
                    end,
                    unreadable,
                } => {
                    let Some(total) = end.checked_add(length) else {
                        return Ok(Some(self.skip_to_next_header("the length is too large")));
                    };
                    if self.buffer.len() >= total {
                        let body = self.buffer.get(end..total).unwrap_or_default().to_vec();
                        self.buffer.drain(..total);
                        return Ok(Some(match unreadable {
                            Some(reason) => Frame::Bad(reason),
                            None => Frame::Body(body),
                        }));
                    }
                    if self.ended {
                        self.buffer.clear();
                        return Ok(Some(Frame::Bad(format!(
                            "the input ended inside a message ({length} bytes announced)"
                        ))));
                    }
                }
                Header::Bad(reason) => return Ok(Some(self.skip_to_next_header(&reason))),
                Header::Partial if self.buffer.len() > MAX_HEADER => {
                    return Ok(Some(self.skip_to_next_header(&format!(
                        "no end of the header within {MAX_HEADER} bytes"
                    ))));
                }
                Header::Partial if self.ended => {
                    if self.buffer.is_empty() {
                        return Ok(None);
                    }
                    self.buffer.clear();
                    return Ok(Some(Frame::Bad("the input ended inside a header".into())));
                }
                Header::Partial => {}
            }
            self.fill().await?;
        }
    }

    async fn fill(&mut self) -> std::io::Result<()> {
        let mut chunk = [0u8; 64 * 1024];
        let n = self.input.read(&mut chunk).await?;
        if n == 0 {
            self.ended = true;
        }
        self.buffer
            .extend_from_slice(chunk.get(..n).unwrap_or_default());
        Ok(())
    }

    /// Skip the bad frame at the start of the buffer up to the next
    /// `Content-Length` (the body of a message with a bad header has no
    /// known end, so the next header is the only place to start again).
    fn skip_to_next_header(&mut self, reason: &str) -> Frame {
        let from = 1.min(self.buffer.len());
        self.buffer.drain(..from);
        self.resyncing = true;
        Frame::Bad(reason.to_string())
    }
}

enum Header {
    /// A whole header block: the body's length and where it starts, and
    /// why the body cannot be read although its end is known.
    Complete {
        length: usize,
        end: usize,
        unreadable: Option<String>,
    },
    Partial,
    Bad(String),
}

/// Read the header block at the start of `buffer`.
fn parse_header(buffer: &[u8]) -> Header {
    let mut length: Option<usize> = None;
    let mut unreadable = None;
    let mut at = 0;
    loop {
        let Some(newline) = buffer.get(at..).and_then(|rest| find(rest, b"\n")) else {
            return Header::Partial;
        };
        let line = buffer.get(at..at + newline).unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        at += newline + 1;
        if line.is_empty() {
            return match length {
                Some(length) => Header::Complete {
                    length,
                    end: at,
                    unreadable,
                },
                None => Header::Bad("a header without `Content-Length`".into()),
            };
        }
        let Ok(line) = std::str::from_utf8(line) else {
            return Header::Bad("a header line that is not UTF-8".into());
        };
        let Some((name, value)) = line.split_once(':') else {
            return Header::Bad(format!("a header line without `:`: {:?}", clip(line)));
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("Content-Length") {
            let parsed = (!value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()))
                .then(|| value.parse::<usize>().ok())
                .flatten();
            match parsed {
                Some(n) if n > MAX_BODY => {
                    return Header::Bad(format!(
                        "`Content-Length: {n}` is larger than the {MAX_BODY} bytes accepted"
                    ));
                }
                Some(n) if length.is_none_or(|l| l == n) => length = Some(n),
                Some(_) => return Header::Bad("two different `Content-Length`s".into()),
                None => {
                    return Header::Bad(format!(
                        "`Content-Length: {}` is not a number of bytes",
                        clip(value)
                    ));
                }
            }
        } else if name.eq_ignore_ascii_case("Content-Type") {
            let charset = value
                .split(';')
                .skip(1)
                .filter_map(|param| param.trim().split_once('='))
                .find(|(key, _)| key.trim().eq_ignore_ascii_case("charset"))
                .map(|(_, v)| v.trim().trim_matches('"').to_ascii_lowercase());
            if let Some(charset) = charset
                && charset != "utf-8"
                && charset != "utf8"
            {
                unreadable = Some(format!("charset `{}` (only utf-8 is read)", clip(&charset)));
            }
        } else if !is_token(name) {
            return Header::Bad(format!(
                "a header line that is not `Name: value`: {:?}",
                clip(line)
            ));
        }
    }
}

/// An HTTP header name (RFC 9110 token).
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// At most 40 chars of `text`, for a log line.
fn clip(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// What to do with one body.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// A valid message, re-serialised for tower-lsp-server; `method` is
    /// set for requests and notifications, `has_id` for requests.
    Forward {
        body: Vec<u8>,
        method: Option<String>,
        has_id: bool,
    },
    /// Answer with this JSON-RPC error response.
    Answer(Value),
    /// Not answerable (a broken response from the client): log why.
    Log(String),
}

/// A JSON-RPC error response.
pub fn error_response(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// Decide what to do with one body.
pub fn check(body: &[u8]) -> Verdict {
    let parse_error = |why: String| Verdict::Answer(error_response(Value::Null, PARSE_ERROR, &why));
    if body.is_empty() {
        return parse_error("parse error: the message body is empty".into());
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => return parse_error(format!("parse error: the body is not JSON: {e}")),
    };
    let Value::Object(object) = &value else {
        let what = match value {
            Value::Array(_) => "an array (batches are not part of LSP)",
            Value::Null => "`null`",
            _ => "not an object",
        };
        return Verdict::Answer(error_response(
            Value::Null,
            INVALID_REQUEST,
            &format!("invalid request: the message is {what}"),
        ));
    };
    // The id to answer with: the message's own when it is a valid id.
    let id = object.get("id");
    let id_is_valid = match id {
        None | Some(Value::Null | Value::String(_)) => true,
        Some(Value::Number(n)) => n.is_i64(),
        Some(_) => false,
    };
    let answer_id = if id_is_valid {
        id.cloned().unwrap_or(Value::Null)
    } else {
        Value::Null
    };
    let invalid = |why: &str| {
        Verdict::Answer(error_response(
            answer_id.clone(),
            INVALID_REQUEST,
            &format!("invalid request: {why}"),
        ))
    };
    let is_response = !object.contains_key("method")
        && (object.contains_key("result") || object.contains_key("error"));
    if is_response {
        // A response is never answered, even a broken one.
        let broken = |why: &str| Verdict::Log(format!("ignored a response from the client: {why}"));
        if !id_is_valid || id.is_none() {
            return broken("its `id` is missing or not a number or a string");
        }
        return match serde_json::from_value::<Response>(value.clone()) {
            Ok(response) => match serde_json::to_vec(&response) {
                Ok(body) => Verdict::Forward {
                    body,
                    method: None,
                    has_id: true,
                },
                Err(e) => broken(&e.to_string()),
            },
            Err(e) => broken(&e.to_string()),
        };
    }
    if !id_is_valid {
        return invalid("`id` must be a number, a string or null");
    }
    if object.get("jsonrpc") != Some(&Value::String("2.0".into())) {
        return invalid("`jsonrpc` must be \"2.0\"");
    }
    let method = match object.get("method") {
        Some(Value::String(method)) => method.clone(),
        Some(_) => return invalid("`method` must be a string"),
        None => return invalid("no `method`"),
    };
    if !matches!(
        object.get("params"),
        None | Some(Value::Null | Value::Object(_) | Value::Array(_))
    ) {
        return invalid("`params` must be an object or an array");
    }
    let has_id = id.is_some();
    match serde_json::from_value::<Request>(value.clone()) {
        Ok(request) => match serde_json::to_vec(&request) {
            Ok(body) => Verdict::Forward {
                body,
                method: Some(method),
                has_id,
            },
            Err(e) => invalid(&e.to_string()),
        },
        Err(e) => invalid(&e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::panic,
        clippy::indexing_slicing,
        reason = "tests state their expectations with unwrap"
    )]

    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut reader = FrameReader::new(input);
            let mut out = Vec::new();
            while let Some(frame) = reader.next().await.unwrap() {
                out.push(frame);
            }
            out
        })
    }

    const GOOD: &[u8] = b"Content-Length: 2\r\n\r\n{}";

    fn body(text: &str) -> Frame {
        Frame::Body(text.as_bytes().to_vec())
    }

    #[test]
    fn good_frames_in_a_row_and_an_empty_body() {
        let input = [GOOD, b"Content-Length: 0\r\n\r\n", GOOD, b"\r\n"].concat();
        assert_eq!(frames(&input), vec![body("{}"), body(""), body("{}")]);
    }

    #[test]
    fn bad_lengths_are_reported_and_the_next_frame_is_read() {
        for header in [
            "Content-Length: -5",
            "Content-Length: abc",
            "Content-Length: ",
            "Content-Length: 99999999999999999999999",
            "Content-Length: 1000000000",
            "Content-Type: application/json; charset=latin1\r\nContent-Length: 7",
            "X-Nothing: 1",
            "garbage",
        ] {
            let input = [format!("{header}\r\n\r\n{{\"a\":1}}").as_bytes(), GOOD].concat();
            let out = frames(&input);
            assert!(
                matches!(out.first(), Some(Frame::Bad(_))),
                "{header}: {out:?}"
            );
            assert_eq!(out.get(1), Some(&body("{}")), "{header}: {out:?}");
            assert_eq!(out.len(), 2, "{header}: {out:?}");
        }
    }

    #[test]
    fn the_end_inside_a_message_is_reported() {
        assert!(matches!(
            frames(b"Content-Length: 10\r\n\r\n{}").as_slice(),
            [Frame::Bad(_)]
        ));
        assert!(matches!(frames(b"Content-Len").as_slice(), [Frame::Bad(_)]));
    }

    fn code(verdict: &Verdict) -> (i64, Value) {
        match verdict {
            Verdict::Answer(answer) => (
                answer["error"]["code"].as_i64().unwrap(),
                answer["id"].clone(),
            ),
            other => panic!("not an answer: {other:?}"),
        }
    }

    #[test]
    fn bodies_get_the_json_rpc_error_they_deserve() {
        assert_eq!(code(&check(b"{not json")), (PARSE_ERROR, Value::Null));
        assert_eq!(code(&check(b"")), (PARSE_ERROR, Value::Null));
        assert_eq!(code(&check(b"[]")), (INVALID_REQUEST, Value::Null));
        assert_eq!(code(&check(b"null")), (INVALID_REQUEST, Value::Null));
        assert_eq!(code(&check(b"3")), (INVALID_REQUEST, Value::Null));
        assert_eq!(
            code(&check(
                br#"{"jsonrpc":"2.0","id":{"a":1},"method":"hover"}"#
            )),
            (INVALID_REQUEST, Value::Null)
        );
        assert_eq!(
            code(&check(br#"{"jsonrpc":"2.0","id":1.5,"method":"hover"}"#)),
            (INVALID_REQUEST, Value::Null)
        );
        assert_eq!(
            code(&check(br#"{"jsonrpc":"1.0","id":7,"method":"hover"}"#)),
            (INVALID_REQUEST, json!(7))
        );
        assert_eq!(
            code(&check(br#"{"jsonrpc":"2.0","id":"x","method":5}"#)),
            (INVALID_REQUEST, json!("x"))
        );
        assert_eq!(
            code(&check(br#"{"jsonrpc":"2.0","id":8}"#)),
            (INVALID_REQUEST, json!(8))
        );
        assert_eq!(
            code(&check(
                br#"{"jsonrpc":"2.0","id":9,"method":"x","params":3}"#
            )),
            (INVALID_REQUEST, json!(9))
        );
    }

    #[test]
    fn valid_messages_are_forwarded_and_broken_responses_only_logged() {
        let request = check(br#"{"jsonrpc":"2.0","id":-1,"method":"shutdown","params":null}"#);
        assert!(
            matches!(&request, Verdict::Forward { method: Some(m), has_id: true, .. } if m == "shutdown"),
            "{request:?}"
        );
        let notification = check(br#"{"jsonrpc":"2.0","method":"exit"}"#);
        assert!(
            matches!(&notification, Verdict::Forward { method: Some(m), has_id: false, .. } if m == "exit"),
            "{notification:?}"
        );
        let response = check(br#"{"jsonrpc":"2.0","id":3,"result":null}"#);
        assert!(
            matches!(&response, Verdict::Forward { method: None, .. }),
            "{response:?}"
        );
        for broken in [
            r#"{"jsonrpc":"2.0","result":1}"#,
            r#"{"jsonrpc":"2.0","id":[1],"result":1}"#,
            r#"{"jsonrpc":"2.0","id":1,"error":"no"}"#,
        ] {
            assert!(
                matches!(check(broken.as_bytes()), Verdict::Log(_)),
                "{broken}"
            );
        }
    }
}
