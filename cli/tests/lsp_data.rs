//! LSP tests as data (STYLE 17): every `tests/lsp/NAME.avtal` carries
//! requests in comments, `//# hover 12:8` (1-based line and char column),
//! and `NAME.expected` beside it holds the server's answers rendered for
//! reading: the range drawn under its source line with `^`, hover markdown,
//! completion labels, edits. The real `avtal lsp` binary answers over stdio.
//! `UPDATE_EXPECT=1 cargo test -p avtal-cli --test lsp_data` rewrites the
//! expected files; review the diff.
//!
//! Requests: `diagnostics`, `hover L:C`, `definition L:C`, `references L:C`,
//! `completion L:C`, `rename L:C NEW`, `symbols`, `lenses`, `format`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]

mod lsp_client;

use std::fmt::Write as _;
use std::path::Path;

use lsp_client::Client;
use serde_json::{Value, json};

/// 1-based line and char column → LSP position (UTF-16).
fn lsp_position(text: &str, spec: &str) -> Value {
    let (line, col) = spec.split_once(':').unwrap();
    let line: usize = line.parse().unwrap();
    let col: usize = col.parse().unwrap();
    let source_line = text.lines().nth(line - 1).unwrap_or("");
    let character: usize = source_line.chars().take(col - 1).map(char::len_utf16).sum();
    json!({"line": line - 1, "character": character})
}

/// A range drawn under its line: `  36 | text` then carets.
fn draw(text: &str, uri: &str, this_uri: &str, range: &Value) -> String {
    let line = range["start"]["line"].as_u64().unwrap() as usize;
    let start16 = range["start"]["character"].as_u64().unwrap() as usize;
    let end_line = range["end"]["line"].as_u64().unwrap() as usize;
    let end16 = range["end"]["character"].as_u64().unwrap() as usize;
    if uri != this_uri {
        return format!("  {uri} {}:{start16}\n", line + 1);
    }
    let source = text.lines().nth(line).unwrap_or("");
    let to_chars = |units: usize| {
        let mut seen = 0;
        let mut chars = 0;
        for c in source.chars() {
            if seen >= units {
                break;
            }
            seen += c.len_utf16();
            chars += 1;
        }
        chars
    };
    let start = to_chars(start16);
    let end = if end_line == line {
        to_chars(end16).max(start + 1)
    } else {
        source.chars().count().max(start + 1)
    };
    let gutter = format!("{:>4} | ", line + 1);
    format!(
        "{gutter}{source}\n{}{}{}\n",
        " ".repeat(gutter.chars().count()),
        " ".repeat(start),
        "^".repeat(end - start)
    )
}

fn today_free(text: &str) -> String {
    // The hover names today's date; keep the file stable.
    let mut out = String::new();
    for line in text.lines() {
        match line.find("today (") {
            Some(i) => {
                let rest = &line[i + 7..];
                let close = rest.find(')').unwrap_or(0);
                writeln!(out, "{}today (<today>){}", &line[..i], &rest[close + 1..]).unwrap();
            }
            None => writeln!(out, "{line}").unwrap(),
        }
    }
    out
}

fn run_case(client: &mut Client, path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let uri = format!("file://{}", std::fs::canonicalize(path).unwrap().display());
    client.open(&uri, &text);
    let diagnostics = client.diagnostics(&uri);
    let mut out = String::new();
    let doc = json!({"uri": uri});
    for request in text.lines().filter_map(|l| l.strip_prefix("//# ")) {
        writeln!(out, "//# {request}").unwrap();
        let words: Vec<&str> = request.split_whitespace().collect();
        match words.as_slice() {
            ["diagnostics"] => {
                for d in &diagnostics {
                    writeln!(
                        out,
                        "{}[{}]: {}",
                        if d["severity"] == 1 {
                            "error"
                        } else {
                            "warning"
                        },
                        d["code"].as_str().unwrap(),
                        d["message"].as_str().unwrap()
                    )
                    .unwrap();
                    out.push_str(&draw(&text, &uri, &uri, &d["range"]));
                    for r in d["relatedInformation"].as_array().into_iter().flatten() {
                        writeln!(out, "  related: {}", r["message"].as_str().unwrap()).unwrap();
                    }
                }
            }
            ["hover", at] => {
                let r = client.request(
                    "textDocument/hover",
                    json!({"textDocument": doc, "position": lsp_position(&text, at)}),
                );
                if r["result"].is_null() {
                    out.push_str("(nothing)\n");
                } else {
                    out.push_str(&draw(&text, &uri, &uri, &r["result"]["range"]));
                    out.push_str(&today_free(
                        r["result"]["contents"]["value"].as_str().unwrap(),
                    ));
                }
            }
            ["definition", at] => {
                let r = client.request(
                    "textDocument/definition",
                    json!({"textDocument": doc, "position": lsp_position(&text, at)}),
                );
                if r["result"].is_null() {
                    out.push_str("(nothing)\n");
                } else {
                    out.push_str(&draw(
                        &text,
                        r["result"]["uri"].as_str().unwrap(),
                        &uri,
                        &r["result"]["range"],
                    ));
                }
            }
            ["references", at] => {
                let r = client.request("textDocument/references", json!({"textDocument": doc, "position": lsp_position(&text, at), "context": {"includeDeclaration": true}}));
                for l in r["result"].as_array().into_iter().flatten() {
                    out.push_str(&draw(&text, l["uri"].as_str().unwrap(), &uri, &l["range"]));
                }
            }
            ["completion", at] => {
                let r = client.request(
                    "textDocument/completion",
                    json!({"textDocument": doc, "position": lsp_position(&text, at)}),
                );
                let labels: Vec<String> = r["result"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|i| {
                        format!(
                            "{} ({})",
                            i["label"].as_str().unwrap(),
                            i["detail"].as_str().unwrap_or("")
                        )
                    })
                    .collect();
                writeln!(out, "{}", labels.join(", ")).unwrap();
            }
            ["rename", at, new_name] => {
                let r = client.request("textDocument/rename", json!({"textDocument": doc, "position": lsp_position(&text, at), "newName": new_name}));
                if let Some(error) = r.get("error") {
                    writeln!(out, "refused: {}", error["message"].as_str().unwrap()).unwrap();
                } else {
                    for e in r["result"]["changes"][&uri]
                        .as_array()
                        .into_iter()
                        .flatten()
                    {
                        out.push_str(&draw(&text, &uri, &uri, &e["range"]));
                    }
                }
            }
            ["symbols"] => {
                let r = client.request("textDocument/documentSymbol", json!({"textDocument": doc}));
                for s in r["result"].as_array().into_iter().flatten() {
                    let children: Vec<&str> = s["children"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|c| c["name"].as_str().unwrap())
                        .collect();
                    writeln!(
                        out,
                        "{} (kind {}) {}",
                        s["name"].as_str().unwrap(),
                        s["kind"],
                        children.join(", ")
                    )
                    .unwrap();
                }
            }
            ["lenses"] => {
                let r = client.request("textDocument/codeLens", json!({"textDocument": doc}));
                for l in r["result"].as_array().into_iter().flatten() {
                    writeln!(out, "{}", l["command"]["title"].as_str().unwrap()).unwrap();
                    out.push_str(&draw(&text, &uri, &uri, &l["range"]));
                }
            }
            ["format"] => {
                let r = client.request(
                    "textDocument/formatting",
                    json!({"textDocument": doc, "options": {"tabSize": 2, "insertSpaces": true}}),
                );
                writeln!(out, "{}", r["result"]).unwrap();
            }
            other => panic!("unknown request {other:?} in {}", path.display()),
        }
        out.push('\n');
    }
    out
}

#[test]
fn lsp_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/lsp");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "avtal"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut client = Client::start();
    client.initialize();
    let mut failures = Vec::new();
    for case in &cases {
        let got = run_case(&mut client, case);
        let expected_path = case.with_extension("expected");
        if update {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}\n--- got\n{got}",
                expected_path.display()
            ));
        }
    }
    client.shutdown();
    assert!(
        failures.is_empty(),
        "{}\n(UPDATE_EXPECT=1 rewrites the expected files)",
        failures.join("\n")
    );
}
