//! What the language server gives editors beyond VS Code, over real stdio
//! to the real `avtal lsp`: diagnostics whose structured parts (code link,
//! data) come beside the help line, definitions into the stdlib that land
//! in a file the editor can open, hover and definition on the fields of a
//! limit's result, and completions that respect the client's snippet
//! support.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]

mod lsp_client;

use std::path::{Path, PathBuf};

use lsp_client::{Client, at, avtal_binary};
use serde_json::{Value, json};

/// (line, UTF-16 column) of the first `needle`.
fn find(text: &str, needle: &str) -> (u32, u32) {
    for (line_no, line) in text.lines().enumerate() {
        if let Some(byte) = line.find(needle) {
            let col: usize = line[..byte].chars().map(char::len_utf16).sum();
            return (line_no as u32, col as u32);
        }
    }
    panic!("{needle} not found");
}

/// The text of `range` (one line) in `text`.
fn text_of(text: &str, range: &Value) -> String {
    let line_no = range["start"]["line"].as_u64().unwrap() as usize;
    assert_eq!(range["end"]["line"], range["start"]["line"], "{range}");
    let line = text.lines().nth(line_no).unwrap();
    let units: Vec<u16> = line.encode_utf16().collect();
    let start = range["start"]["character"].as_u64().unwrap() as usize;
    let end = range["end"]["character"].as_u64().unwrap() as usize;
    String::from_utf16(&units[start..end]).unwrap()
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh cache directory for one test, so the server writes its copies
/// where the test can look.
fn cache_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("avtal-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::canonicalize(&dir).unwrap()
}

fn start_in(cache: &Path) -> Client {
    let mut client = Client::start_with_env(&avtal_binary(), &[("XDG_CACHE_HOME", cache)]);
    client.initialize();
    client
}

fn path_of(uri: &str) -> PathBuf {
    PathBuf::from(uri.strip_prefix("file://").expect("a file URI"))
}

#[test]
fn diagnostics_link_their_reference_and_keep_their_parts_as_data() {
    let cache = cache_dir("diagdata");
    let mut client = start_in(&cache);
    let uri = "file:///tmp/avtal-lsp-test/dup.avtal";
    let text =
        "rule garantibelopp() -> Money\n= 1709 SEK\n\nrule garantibelopp() -> Money\n= 1759 SEK\n";
    client.open(uri, text);
    let diagnostics = client.diagnostics(uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "E0104");
    let message = d["message"].as_str().unwrap();
    let (headline, help) = message.split_once("\nhelp: ").expect("a help line");
    assert_eq!(d["data"]["headline"], headline);
    assert_eq!(d["data"]["help"], help);
    assert!(d["data"]["label"].is_string(), "{d:#}");

    // The code links to its entry in a copy of docs/diagnostics.md.
    let href = d["codeDescription"]["href"].as_str().expect("a code link");
    let (file, anchor) = href.split_once('#').unwrap();
    assert_eq!(anchor, "e0104");
    let file = path_of(file);
    assert!(file.starts_with(&cache), "{href}");
    assert!(file.ends_with("docs/diagnostics.md"), "{href}");
    let doc = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        doc,
        std::fs::read_to_string(repository().join("docs/diagnostics.md")).unwrap()
    );
    assert!(doc.contains("\n## E0104\n"));
    client.shutdown();
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn definition_of_a_stdlib_name_opens_a_read_only_copy() {
    let cache = cache_dir("stdlibdef");
    let mut client = start_in(&cache);
    let text =
        std::fs::read_to_string(repository().join("examples/w1_payroll_month.avtal")).unwrap();
    let uri = "file:///tmp/avtal-lsp-test/w1.avtal";
    client.open(uri, &text);
    assert_eq!(client.diagnostics(uri), Vec::<Value>::new());

    let (line, col) = find(&text, "uppsägningstid_månader(");
    let hover = client.request("textDocument/hover", at(uri, line, col + 2));
    let hover = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(hover.contains("uppsägningstid_månader"), "{hover}");
    let definition = client.request("textDocument/definition", at(uri, line, col + 2));
    let target = definition["result"]["uri"].as_str().expect("a location");
    let file = path_of(target);
    assert!(file.starts_with(cache.join("avtal")), "{target}");
    assert!(file.ends_with("stdlib/lag/las.avtal"), "{target}");
    assert!(std::fs::metadata(&file).unwrap().permissions().readonly());
    let copy = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        copy,
        std::fs::read_to_string(repository().join("stdlib/lag/las.avtal")).unwrap()
    );
    assert_eq!(
        text_of(&copy, &definition["result"]["range"]),
        "uppsägningstid_månader"
    );
    client.shutdown();
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn hover_and_definition_on_a_limit_field() {
    let mut client = Client::start();
    client.initialize();
    let text =
        std::fs::read_to_string(repository().join("examples/w1_payroll_month.avtal")).unwrap();
    let uri = "file:///tmp/avtal-lsp-test/w1-limit.avtal";
    client.open(uri, &text);
    client.diagnostics(uri);

    let (line, col) = find(&text, "tak.room");
    let hover = client.request("textDocument/hover", at(uri, line, col + 5));
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .expect("a hover");
    assert!(value.contains("LimitCheck<Hours>.room: Hours"), "{value}");
    assert!(value.contains("bound - used"), "{value}");
    assert!(value.contains("`mertid_och_övertid`"), "{value}");
    assert_eq!(text_of(&text, &hover["result"]["range"]), "room");

    let definition = client.request("textDocument/definition", at(uri, line, col + 5));
    assert_eq!(definition["result"]["uri"], uri);
    let (def_line, def_col) = find(&text, "limit mertid_och_övertid");
    assert_eq!(
        definition["result"]["range"]["start"],
        json!({"line": def_line, "character": def_col + "limit ".len() as u32})
    );

    // `tak` itself is still the local.
    let hover = client.request("textDocument/hover", at(uri, line, col + 1));
    let value = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(value.contains("tak: LimitCheck<Hours>"), "{value}");
    client.shutdown();
}

fn completion_items(client: &mut Client, uri: &str, line: u32) -> Vec<Value> {
    let response = client.request("textDocument/completion", at(uri, line, 0));
    response["result"].as_array().unwrap().clone()
}

#[test]
fn completion_sends_snippets_only_to_clients_that_take_them() {
    let text = "rule a() -> Int = 1\n\n\n";
    let uri = "file:///tmp/avtal-lsp-test/completion.avtal";
    for snippet_support in [false, true] {
        let mut client = Client::start();
        client.initialize_with(json!({"textDocument": {"completion": {"completionItem": {"snippetSupport": snippet_support}}}}));
        client.open(uri, text);
        client.diagnostics(uri);
        let items = completion_items(&mut client, uri, 2);
        let mut labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
        for keyword in ["rule", "table", "if", "let", "true"] {
            let n = labels.iter().filter(|l| **l == keyword).count();
            assert_eq!(n, 1, "`{keyword}` offered {n} times: {labels:?}");
        }
        labels.sort();
        let before = labels.len();
        labels.dedup();
        assert_eq!(labels.len(), before, "a label offered twice");
        let table = items.iter().find(|i| i["label"] == "table").unwrap();
        if snippet_support {
            assert_eq!(table["insertTextFormat"], 2, "{table}");
            assert!(table["insertText"].as_str().unwrap().contains("${1:name}"));
        } else {
            for item in &items {
                assert_ne!(item["insertTextFormat"], 2, "{item}");
                let insert = item["insertText"].as_str().unwrap_or("");
                assert!(!insert.contains("${"), "{item}");
            }
            assert_eq!(table["kind"], 14, "a keyword: {table}");
        }
        client.shutdown();
    }
}
