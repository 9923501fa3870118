//! The language server survives a client that sends malformed input: the
//! real `avtal lsp` binary over stdio gets each malformed frame or body,
//! must answer it with the JSON-RPC error (Parse error -32700 or Invalid
//! Request -32600, with the request's id when it has a valid one), and must
//! then answer the next valid request. Before the framing layer in
//! `lsp/src/framing.rs` the server exited with code 0 and no word on each of
//! these, and lost the request after `Content-Length: 0`. Exit codes follow
//! the LSP spec: 0 after `shutdown` and `exit`, 1 after `exit` alone.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]

mod lsp_client;

use lsp_client::Client;
use serde_json::{Value, json};

const URI: &str = "file:///tmp/avtal-lsp-framing/lon.avtal";
const TEXT: &str = "rule lön() -> Money = 1 SEK\n";

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

fn framed(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Wait for the error answer with `code` and `id`.
fn expect_error(client: &mut Client, code: i64, id: Value, what: &str) {
    let answer = client.wait_for(|m| m.get("error").is_some());
    assert_eq!(answer["error"]["code"], json!(code), "{what}: {answer}");
    assert_eq!(answer["id"], id, "{what}: {answer}");
    assert_eq!(answer["jsonrpc"], "2.0", "{what}: {answer}");
}

/// A valid request after the malformed input is answered.
fn still_answers(client: &mut Client, what: &str) {
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    assert!(symbols.get("error").is_none(), "{what}: {symbols}");
    assert_eq!(symbols["result"][0]["name"], "lön", "{what}: {symbols}");
}

fn start() -> Client {
    let mut client = Client::start();
    client.initialize();
    client.open(URI, TEXT);
    client.diagnostics(URI);
    client
}

#[test]
fn malformed_bodies_get_a_json_rpc_error_and_the_server_goes_on() {
    let mut client = start();
    let cases: &[(&str, i64, Value)] = &[
        ("{not json", PARSE_ERROR, Value::Null),
        ("{\"jsonrpc\":\"2.0\",\"id\":1,", PARSE_ERROR, Value::Null),
        ("[]", INVALID_REQUEST, Value::Null),
        (
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"shutdown\"}]",
            INVALID_REQUEST,
            Value::Null,
        ),
        ("null", INVALID_REQUEST, Value::Null),
        ("42", INVALID_REQUEST, Value::Null),
        (
            r#"{"jsonrpc":"2.0","id":{"a":1},"method":"textDocument/documentSymbol","params":{}}"#,
            INVALID_REQUEST,
            Value::Null,
        ),
        (
            r#"{"jsonrpc":"2.0","id":[1],"method":"textDocument/documentSymbol","params":{}}"#,
            INVALID_REQUEST,
            Value::Null,
        ),
        (
            r#"{"jsonrpc":"2.0","id":2.5,"method":"textDocument/documentSymbol","params":{}}"#,
            INVALID_REQUEST,
            Value::Null,
        ),
        (
            r#"{"jsonrpc":"2.0","id":77,"method":7}"#,
            INVALID_REQUEST,
            json!(77),
        ),
        (
            r#"{"jsonrpc":"2.0","id":"s","params":{}}"#,
            INVALID_REQUEST,
            json!("s"),
        ),
        (
            r#"{"jsonrpc":"1.0","id":78,"method":"textDocument/documentSymbol"}"#,
            INVALID_REQUEST,
            json!(78),
        ),
        (
            r#"{"jsonrpc":"2.0","id":79,"method":"textDocument/documentSymbol","params":"x"}"#,
            INVALID_REQUEST,
            json!(79),
        ),
        ("\u{feff}{}", PARSE_ERROR, Value::Null),
    ];
    for (body, code, id) in cases {
        client.send_raw(&framed(body));
        expect_error(&mut client, *code, id.clone(), body);
        still_answers(&mut client, body);
    }
    // Bytes that are not UTF-8.
    client.send_raw(b"Content-Length: 4\r\n\r\n\xff\xfe{}");
    expect_error(&mut client, PARSE_ERROR, Value::Null, "not UTF-8");
    still_answers(&mut client, "not UTF-8");
    let status = client.exit(true);
    assert_eq!(status.code(), Some(0), "shutdown + exit");
}

#[test]
fn malformed_headers_get_a_parse_error_and_the_next_message_is_read() {
    let mut client = start();
    let body = r#"{"jsonrpc":"2.0","id":500,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///x"}}}"#;
    for (index, header) in [
        "Content-Length: -5",
        "Content-Length: abc",
        "Content-Length: ",
        "Content-Length: 99999999999999999999999999",
        "Content-Length: 1000000000000",
        "Content-Type: application/vscode-jsonrpc; charset=utf-8",
        "no colon here",
    ]
    .into_iter()
    .enumerate()
    {
        // The bad header and its body, then a valid request in the same
        // write: the reader must skip to the valid one and answer it.
        let id = 10_000 + index;
        let valid = json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/documentSymbol",
                           "params": {"textDocument": {"uri": URI}}});
        let mut bytes = format!("{header}\r\n\r\n{body}").into_bytes();
        bytes.extend(framed(&valid.to_string()));
        client.send_raw(&bytes);
        expect_error(&mut client, PARSE_ERROR, Value::Null, header);
        let answer = client.wait_for(|m| m["id"] == json!(id));
        assert_eq!(answer["result"][0]["name"], "lön", "{header}: {answer}");
        still_answers(&mut client, header);
    }
    let status = client.exit(true);
    assert_eq!(status.code(), Some(0));
}

#[test]
fn the_request_after_an_empty_body_is_not_lost() {
    let mut client = start();
    // `Content-Length: 0` and a valid request in one write: the old reader
    // took the empty body as "need more bytes" and left the request unread
    // until the next message came.
    let request = r#"{"jsonrpc":"2.0","id":900,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///tmp/avtal-lsp-framing/lon.avtal"}}}"#;
    let mut bytes = b"Content-Length: 0\r\n\r\n".to_vec();
    bytes.extend(framed(request));
    client.send_raw(&bytes);
    expect_error(&mut client, PARSE_ERROR, Value::Null, "empty body");
    let answer = client.wait_for(|m| m["id"] == json!(900));
    assert_eq!(answer["result"][0]["name"], "lön", "{answer}");
    let status = client.exit(true);
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_broken_response_from_the_client_is_logged_not_answered() {
    let mut client = start();
    client.send_raw(&framed(
        r#"{"jsonrpc":"2.0","id":1,"error":"not an error object"}"#,
    ));
    let log = client.wait_for(|m| m["method"] == "window/logMessage");
    assert!(
        log["params"]["message"]
            .as_str()
            .unwrap()
            .contains("response"),
        "{log}"
    );
    still_answers(&mut client, "broken response");
    let status = client.exit(true);
    assert_eq!(status.code(), Some(0));
}

#[test]
fn exit_without_shutdown_exits_with_code_1() {
    let client = start();
    let status = client.exit(false);
    assert_eq!(status.code(), Some(1), "exit without shutdown");
}
