//! `avtal serve` under bad input and its limits: malformed JSON, wrong
//! types, unknown and missing fields, oversize bodies, slow bodies and
//! headers, a wrong or missing token, too many requests at once, a batch
//! too long, unknown entries and versions; each gets its status and
//! problem document, and the server keeps serving after every one. Also
//! the refusal to listen beyond loopback without a token, and the
//! graceful shutdown that lets a request in flight finish.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
#[path = "common/server.rs"]
mod server;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{AGREEMENT, scratch, write};
use server::{Server, parts};

const GOOD: &str =
    r#"{"id": 7, "lön": "3000.00", "avdelning": "I", "dagar": 3, "start": "2026-01-31"}"#;
const GOOD_ANSWER: &str =
    r#"{"id":7,"per_dag":"1000.00","avdelning":"I","slut":"2026-02-28","hel":false}"#;

fn still_serving(server: &Server) {
    assert_eq!(server.get("/healthz").text(), "ok\n");
    let reply = server.post_json("/v1/Lön", GOOD);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.text(), GOOD_ANSWER);
}

/// Send raw bytes on a new connection and read the whole answer.
fn raw(server: &Server, parts: &[(&[u8], Duration)]) -> String {
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    for (bytes, pause) in parts {
        // The server may close before everything is sent.
        let _ = stream.write_all(bytes);
        std::thread::sleep(*pause);
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    dechunk(&String::from_utf8_lossy(&answer))
}

/// The answer with a chunked body joined again (head, blank line, body).
fn dechunk(answer: &str) -> String {
    let Some((head, mut rest)) = answer.split_once("\r\n\r\n") else {
        return answer.to_string();
    };
    if !head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        return answer.to_string();
    }
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || after.len() < size {
            break;
        }
        body.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    format!("{head}\r\n\r\n{body}")
}

#[test]
fn bad_records_get_problem_documents_and_the_server_keeps_serving() {
    let dir = scratch("serve_bad_records");
    write(&dir, "lön.avtal", AGREEMENT);
    let server = Server::start(&dir, &["lön.avtal", "--max-body", "2K", "--no-reload"]);
    still_serving(&server);

    // Malformed JSON.
    let problem = server
        .post_json("/v1/Lön", r#"{"id": 7, "lön": "#)
        .problem(400, "E0604");
    assert!(problem["help"].is_string(), "{problem}");
    still_serving(&server);

    // A wrong type, named by its field.
    let problem = server
        .post_json("/v1/Lön", &GOOD.replace(r#""3000.00""#, r#""tre tusen""#))
        .problem(422, "E0601");
    assert_eq!(problem["field"], "lön", "{problem}");
    still_serving(&server);

    // An enum value that is not a variant.
    let problem = server
        .post_json("/v1/Lön", &GOOD.replace(r#""I""#, r#""III""#))
        .problem(422, "E0603");
    assert_eq!(problem["field"], "avdelning", "{problem}");

    // An unknown field.
    let problem = server
        .post_json(
            "/v1/Lön",
            &GOOD.replace(r#""id": 7"#, r#""id": 7, "lõn": 1"#),
        )
        .problem(422, "E0606");
    assert_eq!(problem["field"], "lõn", "{problem}");
    assert!(
        problem["help"].as_str().unwrap().contains("lön"),
        "{problem}"
    );

    // A missing field.
    let problem = server.post_json("/v1/Lön", r#"{"id": 7}"#);
    assert_eq!(problem.status, 422, "{}", problem.text());
    let problem = problem.json();
    assert!(
        problem["errors"].as_array().unwrap().len() >= 4,
        "{problem}"
    );

    // An evaluation error names its place in the sources.
    let problem = server
        .post_json("/v1/Lön", &GOOD.replace(r#""dagar": 3"#, r#""dagar": 0"#))
        .problem(422, "E0502");
    assert!(
        problem["detail"].as_str().unwrap().contains("lön.avtal:"),
        "{problem}"
    );
    still_serving(&server);

    // Not JSON at all, as a media type.
    server
        .post("/v1/Lön", "text/plain", GOOD.as_bytes())
        .problem(415, "unsupported-media-type");

    // A body over --max-body, declared or streamed.
    let big = format!(r#"{{"id": 7, "pad": "{}"}}"#, "x".repeat(4096));
    server
        .post_json("/v1/Lön", &big)
        .problem(413, "body-too-large");
    let chunked = raw(
        &server,
        &[(
            format!(
                "POST /v1/L%C3%B6n HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{big}\r\n0\r\n\r\n",
                big.len()
            )
            .as_bytes(),
            Duration::ZERO,
        )],
    );
    assert!(chunked.starts_with("HTTP/1.1 413"), "{chunked}");
    assert!(chunked.contains("\"code\":\"body-too-large\""), "{chunked}");
    still_serving(&server);

    // Unknown entry point, version, path and method.
    let problem = server
        .post_json("/v1/Lõn", GOOD)
        .problem(404, "unknown-entry");
    assert!(
        problem["help"].as_str().unwrap().contains("Lön"),
        "{problem}"
    );
    server
        .post_json("/v1/Lön?version=nej", GOOD)
        .problem(404, "unknown-version");
    server.get("/v2/nothing").problem(404, "not-found");
    server.get("/v1/Lön").problem(405, "method-not-allowed");
    server
        .post_with(
            "/v1/Lön?version=lön",
            &[
                ("content-type", "application/json"),
                ("avtal-version", "annan"),
            ],
            GOOD.as_bytes(),
        )
        .problem(400, "version-conflict");
    still_serving(&server);
}

#[test]
fn slow_clients_get_408_and_hold_no_worker() {
    let dir = scratch("serve_slow");
    write(&dir, "lön.avtal", AGREEMENT);
    let server = Server::start(
        &dir,
        &[
            "lön.avtal",
            "--body-timeout",
            "1s",
            "--header-timeout",
            "1s",
            "--workers",
            "1",
            "--no-reload",
        ],
    );
    let head = format!(
        "POST /v1/L%C3%B6n HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        GOOD.len()
    );
    let half = &GOOD[..10];
    // Meanwhile the one worker answers others.
    let slow = std::thread::scope(|scope| {
        let slow = scope.spawn(|| {
            raw(
                &server,
                &[
                    (head.as_bytes(), Duration::ZERO),
                    (half.as_bytes(), Duration::from_secs(3)),
                ],
            )
        });
        std::thread::sleep(Duration::from_millis(300));
        still_serving(&server);
        slow.join().unwrap()
    });
    assert!(slow.starts_with("HTTP/1.1 408"), "{slow}");
    assert!(slow.contains("\"code\":\"body-timeout\""), "{slow}");
    assert!(
        slow.to_ascii_lowercase().contains("connection: close"),
        "{slow}"
    );

    // A batch whose body stops for longer than --body-timeout: the rows
    // before stand, and a problem part says why it ended.
    let batch_head = "POST /v1/L%C3%B6n/batch HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n";
    let rows = "id,lön,avdelning,dagar,start\n1,3000.00,I,3,2026-01-31\n";
    let chunk = format!("{:x}\r\n{rows}\r\n", rows.len());
    let answer = raw(
        &server,
        &[
            (batch_head.as_bytes(), Duration::ZERO),
            (chunk.as_bytes(), Duration::from_secs(3)),
        ],
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("name=\"problem\""), "{answer}");
    assert!(answer.contains("\"code\":\"body-timeout\""), "{answer}");
    // The rows of an unfinished read batch are neither answered nor
    // counted, as when `avtal run`'s input fails.
    assert!(answer.contains("Avtal-Rows: 0"), "{answer}");

    // Headers that never end: the connection is closed, nothing held.
    let started = Instant::now();
    let answer = raw(
        &server,
        &[(
            b"POST /v1/L%C3%B6n HTTP/1.1\r\nHost: x\r\n",
            Duration::from_secs(3),
        )],
    );
    assert!(!answer.contains("200 OK"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(20));
    still_serving(&server);
}

#[test]
fn a_token_is_required_when_given_and_beyond_loopback() {
    let dir = scratch("serve_token");
    write(&dir, "lön.avtal", AGREEMENT);
    write(&dir, "token", "s3cret-token\n");

    // Beyond loopback without a token: refused, with the way out.
    let (code, stderr) = Server::try_start(&dir, &["lön.avtal", "--addr", "0.0.0.0:0"])
        .err()
        .expect("must not start");
    assert_eq!(code, Some(1));
    assert!(stderr.contains("without a token"), "{stderr}");
    assert!(stderr.contains("--token-file"), "{stderr}");

    let server = Server::start(&dir, &["lön.avtal", "--token-file", "token", "--no-reload"]);
    server
        .post_json("/v1/Lön", GOOD)
        .problem(401, "unauthorized");
    server
        .post_with(
            "/v1/Lön",
            &[
                ("content-type", "application/json"),
                ("authorization", "Bearer s3cret-tokem"),
            ],
            GOOD.as_bytes(),
        )
        .problem(401, "unauthorized");
    server.get("/metrics").problem(401, "unauthorized");
    // Health checks need no token.
    assert_eq!(server.get("/healthz").status, 200);
    let reply = server.post_with(
        "/v1/Lön",
        &[
            ("content-type", "application/json"),
            ("authorization", "Bearer s3cret-token"),
        ],
        GOOD.as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.text(), GOOD_ANSWER);
}

#[test]
fn concurrency_and_batch_length_are_bounded() {
    let dir = scratch("serve_bounds");
    write(&dir, "lön.avtal", AGREEMENT);
    let server = Server::start(
        &dir,
        &[
            "lön.avtal",
            "--max-concurrent",
            "1",
            "--max-batch-rows",
            "3",
            "--body-timeout",
            "5s",
            "--no-reload",
        ],
    );
    // A batch that holds the one permit while its body trickles in.
    let head = "POST /v1/L%C3%B6n/batch HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n";
    let rows = "id,lön,avdelning,dagar,start\n";
    let first = format!("{:x}\r\n{rows}\r\n", rows.len());
    std::thread::scope(|scope| {
        let held = scope.spawn(|| {
            raw(
                &server,
                &[
                    (head.as_bytes(), Duration::ZERO),
                    (first.as_bytes(), Duration::from_secs(2)),
                    (b"0\r\n\r\n", Duration::ZERO),
                ],
            )
        });
        std::thread::sleep(Duration::from_millis(500));
        let problem = server.post_json("/v1/Lön", GOOD);
        assert_eq!(problem.status, 429, "{}", problem.text());
        problem.problem(429, "too-many-requests");
        let answer = held.join().unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    });
    still_serving(&server);

    // More rows than --max-batch-rows: three answered, then a problem.
    let body = "id,lön,avdelning,dagar,start\n1,3000.00,I,3,2026-01-31\n2,3000.00,I,3,2026-01-31\n3,3000.00,I,3,2026-01-31\n4,3000.00,I,3,2026-01-31\n";
    let reply = server.post("/v1/Lön/batch", "text/csv", body.as_bytes());
    let parts = parts(&reply);
    assert_eq!(parts.len(), 3);
    assert_eq!(String::from_utf8_lossy(&parts[0].body).lines().count(), 4);
    assert_eq!(parts[1].header("avtal-rows"), Some("3"));
    assert_eq!(parts[2].name(), "problem");
    let problem: serde_json::Value = serde_json::from_slice(&parts[2].body).unwrap();
    assert_eq!(problem["code"], "batch-too-long");
    assert_eq!(problem["status"], 413);

    // A batch without a column for a field is refused before any row.
    server
        .post(
            "/v1/Lön/batch",
            "text/csv",
            "id,lön\n1,3000.00\n".as_bytes(),
        )
        .problem(422, "E0602");
    server
        .post("/v1/Lön/batch", "application/json", b"{}")
        .problem(415, "unsupported-media-type");
    still_serving(&server);
}

#[test]
fn sigterm_lets_the_request_in_flight_finish() {
    let dir = scratch("serve_shutdown");
    write(&dir, "lön.avtal", AGREEMENT);
    let mut server = Server::start(&dir, &["lön.avtal", "--no-reload"]);
    let head = "POST /v1/L%C3%B6n/batch HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    let rows = "id,lön,avdelning,dagar,start\n1,3000.00,I,3,2026-01-31\n";
    let chunk = format!("{:x}\r\n{rows}\r\n", rows.len());
    let pid = server.child.id();
    let answer = std::thread::scope(|scope| {
        let in_flight = scope.spawn(|| {
            raw(
                &server,
                &[
                    (head.as_bytes(), Duration::ZERO),
                    (chunk.as_bytes(), Duration::from_secs(1)),
                    (b"0\r\n\r\n", Duration::ZERO),
                ],
            )
        });
        std::thread::sleep(Duration::from_millis(400));
        server::terminate(pid);
        in_flight.join().unwrap()
    });
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("1,1000.00,I,2026-02-28,false"), "{answer}");
    assert!(answer.contains("Avtal-Rows: 1"), "{answer}");
    assert!(!answer.contains("name=\"problem\""), "{answer}");
    assert_eq!(server.stop(), Some(0));
    assert!(server.stderr().contains("SIGTERM"), "{}", server.stderr());
    // And it no longer listens.
    assert!(TcpStream::connect(server.addr()).is_err());
}
