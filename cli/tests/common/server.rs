//! A running `avtal serve` for the tests: the real binary started as a
//! process on a free port (`--addr 127.0.0.1:0`; the address is read from
//! its stdout), driven over HTTP with ureq, stopped with SIGTERM when
//! dropped. Also a reader of the batch endpoint's multipart answers.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct Server {
    pub child: Child,
    pub base: String,
    pub agent: ureq::Agent,
    /// What the server wrote on stderr so far.
    pub stderr: Arc<Mutex<String>>,
}

/// A response: status, headers we look at, body.
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub version: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// Assert a problem document with `status` and `code`; return it.
    pub fn problem(&self, status: u16, code: &str) -> serde_json::Value {
        assert_eq!(self.status, status, "status of {}", self.text());
        assert_eq!(
            self.content_type,
            "application/problem+json",
            "{}",
            self.text()
        );
        let problem = self.json();
        assert_eq!(problem["code"], code, "{problem}");
        assert_eq!(problem["status"], status, "{problem}");
        for member in ["type", "title", "detail"] {
            assert!(problem[member].is_string(), "{member} in {problem}");
        }
        problem
    }
}

impl Server {
    /// `avtal serve ARGS --addr 127.0.0.1:0` in `dir`, ready to answer.
    pub fn start(dir: &Path, args: &[&str]) -> Server {
        Self::try_start(dir, args).unwrap_or_else(|(code, stderr)| {
            panic!("avtal serve did not start (exit {code:?}):\n{stderr}")
        })
    }

    /// As [`Server::start`], or the exit code and stderr of a server that
    /// refused to start.
    pub fn try_start(dir: &Path, args: &[&str]) -> Result<Server, (Option<i32>, String)> {
        // A free loopback port unless the test names an address.
        let addr: &[&str] = if args.contains(&"--addr") {
            &[]
        } else {
            &["--addr", "127.0.0.1:0"]
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_avtal"))
            .arg("serve")
            .args(args)
            .args(addr)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut line = String::new();
            while err.read_line(&mut line).unwrap_or(0) > 0 {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let Some(base) = line.trim().strip_prefix("listening on ") else {
            let code = child.wait().unwrap().code();
            std::thread::sleep(Duration::from_millis(100));
            return Err((code, stderr.lock().unwrap().clone()));
        };
        let agent = ureq::Agent::new_with_config(
            ureq::config::Config::builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(120)))
                .build(),
        );
        Ok(Server {
            child,
            base: base.to_string(),
            agent,
            stderr,
        })
    }

    pub fn addr(&self) -> String {
        self.base.trim_start_matches("http://").to_string()
    }

    pub fn get(&self, path: &str) -> Reply {
        self.get_with(path, &[])
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.agent.get(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        reply(request.call().unwrap())
    }

    pub fn post(&self, path: &str, content_type: &str, body: &[u8]) -> Reply {
        self.post_with(path, &[("content-type", content_type)], body)
    }

    pub fn post_with(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut request = self.agent.post(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        reply(request.send(body).unwrap())
    }

    pub fn post_json(&self, path: &str, body: &str) -> Reply {
        self.post(path, "application/json", body.as_bytes())
    }

    /// Stop with SIGTERM; the exit code.
    pub fn stop(&mut self) -> Option<i32> {
        terminate(self.child.id());
        self.child.wait().unwrap().code()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            terminate(self.child.id());
            let _ = self.child.wait();
        }
    }
}

pub fn terminate(pid: u32) {
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
}

fn reply(mut response: ureq::http::Response<ureq::Body>) -> Reply {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let status = response.status().as_u16();
    let content_type = header("content-type");
    let version = header("avtal-version");
    let mut body = Vec::new();
    response
        .body_mut()
        .as_reader()
        .read_to_end(&mut body)
        .unwrap();
    Reply {
        status,
        content_type,
        version,
        body,
    }
}

/// One part of a multipart answer: its headers (lowercase names) and body.
pub struct Part {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Part {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn name(&self) -> &str {
        let disposition = self.header("content-disposition").unwrap_or("");
        disposition
            .split("name=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or("")
    }
}

/// The parts of a `multipart/mixed` reply (RFC 2046): the CRLF before each
/// delimiter belongs to the delimiter; the closing delimiter must be there.
pub fn parts(reply: &Reply) -> Vec<Part> {
    assert_eq!(reply.status, 200, "{}", reply.text());
    let boundary = reply
        .content_type
        .strip_prefix("multipart/mixed; boundary=")
        .unwrap_or_else(|| panic!("not multipart: {}", reply.content_type));
    let body = &reply.body;
    let first = format!("--{boundary}\r\n");
    assert!(body.starts_with(first.as_bytes()), "{}", reply.text());
    let delimiter = format!("\r\n--{boundary}");
    let closing = format!("\r\n--{boundary}--\r\n");
    assert!(
        body.ends_with(closing.as_bytes()),
        "no closing delimiter: the answer is incomplete"
    );
    let inner = &body[first.len()..body.len() - closing.len()];
    let mut parts = Vec::new();
    for raw in split(inner, format!("{delimiter}\r\n").as_bytes()) {
        let end = find(raw, b"\r\n\r\n").expect("part headers");
        let headers = String::from_utf8(raw[..end].to_vec())
            .unwrap()
            .split("\r\n")
            .map(|line| {
                let (name, value) = line.split_once(": ").unwrap();
                (name.to_ascii_lowercase(), value.to_string())
            })
            .collect();
        parts.push(Part {
            headers,
            body: raw[end + 4..].to_vec(),
        });
    }
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(mut bytes: &'a [u8], separator: &[u8]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    while let Some(at) = find(bytes, separator) {
        pieces.push(&bytes[..at]);
        bytes = &bytes[at + separator.len()..];
    }
    pieces.push(bytes);
    pieces
}
