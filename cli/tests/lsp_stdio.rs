//! The language server driven over stdio, as an editor drives it: the real
//! `avtal lsp` binary, Content-Length framed JSON-RPC, initialize → didOpen
//! → didChange → queries → shutdown → exit.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]

mod lsp_client;

use lsp_client::{Client, at};
use serde_json::{Value, json};

const LÖN: &str = r#"module demo.lön

/// En anställd.
record Anställd {
  /// Fast månadslön.
  lön: Money
  grad: Percent
}

/// Garantibelopp per dag.
param garantibelopp: Money
  source "VA 5 kap. 14 §"
{
  from 2020-01-01 = 1709 SEK
  from 2999-01-01 = 1759 SEK
}

/// Garantin för en dag.
rule garanti(a: Anställd) -> Money
  source "VA 5 kap. 14 §"
= garantibelopp at 2026-01-01 * a.grad

example "heltid" {
  garanti(Anställd { lön: 30000 SEK, grad: 100 % }) == 1709 SEK
}

example "fel" {
  garanti(Anställd { lön: 30000 SEK, grad: 50 % }) == 1709 SEK
}
"#;

const URI: &str = "file:///tmp/avtal-lsp-test/lon.avtal";

/// (line, UTF-16 column) of the first `needle` at or after line `from_line`.
fn find(text: &str, needle: &str) -> (u32, u32) {
    for (line_no, line) in text.lines().enumerate() {
        if let Some(byte) = line.find(needle) {
            let col: usize = line[..byte].chars().map(char::len_utf16).sum();
            return (line_no as u32, col as u32);
        }
    }
    panic!("{needle} not found");
}

fn start() -> Client {
    let mut client = Client::start();
    let init = client.initialize();
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["textDocumentSync"], json!(1), "FULL sync");
    assert_eq!(caps["hoverProvider"], json!(true));
    client
}

#[test]
fn diagnostics_have_utf16_ranges_and_match_check() {
    let mut client = start();
    client.open(URI, LÖN);
    assert_eq!(client.diagnostics(URI), Vec::<Value>::new());

    // Non-ASCII text (å, ä, ö and an astral emoji, two UTF-16 units) before
    // the error on the same line.
    let broken = format!("{LÖN}\nrule x() -> Text = \"åäö 😀\" + okänd_namn\n");
    client.change(URI, 2, &broken);
    let diagnostics = client.diagnostics(URI);
    let unknown = diagnostics
        .iter()
        .find(|d| d["code"] == "E0101" || d["message"].as_str().unwrap().contains("okänd_namn"))
        .unwrap_or_else(|| panic!("no unknown-name diagnostic in {diagnostics:#?}"));
    let (line, col) = find(&broken, "okänd_namn");
    assert_eq!(
        unknown["range"]["start"],
        json!({"line": line, "character": col})
    );
    assert_eq!(
        unknown["range"]["end"],
        json!({"line": line, "character": col + "okänd_namn".chars().count() as u32})
    );
    assert_eq!(unknown["source"], "avtal");
    assert_eq!(unknown["severity"], 1);

    // A stale change (older version) is ignored: no new diagnostics, the
    // text stays the broken one.
    client.change(URI, 1, LÖN);
    let hover = client.request("textDocument/hover", at(URI, line, col + 1));
    assert!(hover.get("error").is_none());
    // Back to a good text with a newer version.
    client.change(URI, 3, LÖN);
    assert_eq!(client.diagnostics(URI), Vec::<Value>::new());
    client.shutdown();
}

#[test]
fn diagnostics_carry_code_help_and_related() {
    let mut client = start();
    let text =
        "rule garantibelopp() -> Money\n= 1709 SEK\n\nrule garantibelopp() -> Money\n= 1759 SEK\n";
    client.open("file:///tmp/avtal-lsp-test/dup.avtal", text);
    let diagnostics = client.diagnostics("file:///tmp/avtal-lsp-test/dup.avtal");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "E0104");
    assert_eq!(d["range"]["start"], json!({"line": 3, "character": 5}));
    // The help is in the message, which every client shows (Neovim's
    // float shows no related information), and in the related information.
    let message = d["message"].as_str().unwrap();
    let (headline, help) = message
        .split_once("\nhelp: ")
        .expect("a help line in the message");
    assert!(headline.contains("garantibelopp"), "{message}");
    assert!(!help.is_empty(), "{message}");
    let related = d["relatedInformation"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|r| r["location"]["range"]["start"] == json!({"line": 0, "character": 5})),
        "{related:#?}"
    );
    client.shutdown();
}

#[test]
fn hover_definition_references_rename() {
    let mut client = start();
    client.open(URI, LÖN);
    client.diagnostics(URI);

    // Hover on the param use: type, doc, source, timeline, value today.
    let (line, col) = find(LÖN, "garantibelopp at");
    let hover = client.request("textDocument/hover", at(URI, line, col + 2));
    let value = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(value.contains("param garantibelopp: Money"), "{value}");
    assert!(value.contains("Garantibelopp per dag."), "{value}");
    assert!(value.contains("VA 5 kap. 14 §"), "{value}");
    assert!(value.contains("2999-01-01"), "{value}");
    assert!(value.contains("In force today"), "{value}");
    assert!(value.contains("1709"), "{value}");

    // Hover on a field and on a local.
    let (line, col) = find(LÖN, "a.grad");
    let hover = client.request("textDocument/hover", at(URI, line, col + 3));
    let value = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(value.contains("Anställd.grad: Percent"), "{value}");
    let hover = client.request("textDocument/hover", at(URI, line, col));
    let value = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(value.contains("a: Anställd"), "{value}");

    // Definition of the param from its use.
    let (use_line, use_col) = find(LÖN, "garantibelopp at");
    let definition = client.request("textDocument/definition", at(URI, use_line, use_col));
    let (def_line, def_col) = find(LÖN, "garantibelopp: Money");
    assert_eq!(definition["result"]["uri"], URI);
    assert_eq!(
        definition["result"]["range"]["start"],
        json!({"line": def_line, "character": def_col})
    );

    // References of the record: definition, the parameter type, two literals.
    let (line, col) = find(LÖN, "Anställd {");
    let references = client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": col},
               "context": {"includeDeclaration": true}}),
    );
    assert_eq!(
        references["result"].as_array().unwrap().len(),
        4,
        "{references:#}"
    );

    // Rename the field `grad`; refused when it would clash with `lön`.
    let (line, col) = find(LÖN, "grad: Percent");
    let rename = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": col}, "newName": "omfattning"}),
    );
    let edits = rename["result"]["changes"][URI].as_array().unwrap();
    assert_eq!(edits.len(), 4, "{edits:#?}");
    assert!(edits.iter().all(|e| e["newText"] == "omfattning"));
    let clash = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": col}, "newName": "lön"}),
    );
    assert!(clash.get("error").is_some(), "{clash}");
    let keyword = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": col}, "newName": "rule"}),
    );
    assert!(keyword.get("error").is_some(), "{keyword}");
    client.shutdown();
}

fn labels(response: &Value) -> Vec<String> {
    response["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn completion_fields_variants_keywords_snippets() {
    // A client that takes snippets (as VS Code's does); one that does not
    // is tested in lsp_editors.rs.
    let mut client = Client::start();
    client.initialize_with(
        json!({"textDocument": {"completion": {"completionItem": {"snippetSupport": true}}}}),
    );
    let text = format!(
        "{LÖN}\nenum Avdelning {{ I, II }}\n\nrule r(a: Anställd) -> Money = a.\n\nrule s() -> Avdelning = Avdelning.\n"
    );
    client.open(URI, &text);
    client.diagnostics(URI);
    let (line, col) = find(&text, "= a.");
    let fields = labels(&client.request("textDocument/completion", at(URI, line, col + 4)));
    assert_eq!(fields, vec!["grad", "lön"]);
    let (line, col) = find(&text, "= Avdelning.");
    let variants = labels(&client.request("textDocument/completion", at(URI, line, col + 12)));
    assert_eq!(variants, vec!["I", "II"]);
    let all = client.request("textDocument/completion", at(URI, line, 0));
    let names = labels(&all);
    for wanted in [
        "rule",
        "param",
        "table",
        "example",
        "garanti",
        "garantibelopp",
        "Anställd",
        "max",
    ] {
        assert!(
            names.iter().any(|n| n == wanted),
            "{wanted} missing from {names:?}"
        );
    }
    let snippet = all["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "table" && i["kind"] == 15)
        .expect("table snippet");
    assert_eq!(snippet["insertTextFormat"], 2);
    client.shutdown();
}

#[test]
fn symbols_and_code_lenses() {
    let mut client = start();
    client.open(URI, LÖN);
    client.diagnostics(URI);
    let outline = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    let names: Vec<&str> = outline["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "Anställd",
            "garantibelopp",
            "garanti",
            "example \"heltid\"",
            "example \"fel\""
        ]
    );
    let fields = outline["result"][0]["children"].as_array().unwrap();
    assert_eq!(fields.len(), 2);

    let symbols = client.request("workspace/symbol", json!({"query": "garanti"}));
    let found: Vec<&str> = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(found, vec!["garantibelopp", "garanti"]);

    let lenses = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": URI}}),
    );
    let titles: Vec<&str> = lenses["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles[0].contains("passes"), "{titles:?}");
    assert!(
        titles[1].contains("fails") && titles[1].contains("854.50"),
        "{titles:?}"
    );
    client.shutdown();
}

#[test]
fn multi_file_uses_and_stdlib() {
    let dir = std::env::temp_dir().join(format!("avtal-lsp-multi-{}", std::process::id()));
    let module_dir = dir.join("demo");
    std::fs::create_dir_all(&module_dir).unwrap();
    let module_path = module_dir.join("belopp.avtal");
    // An error in the used module, on disk and not open.
    std::fs::write(
        &module_path,
        "module demo.belopp\n\nrule bas() -> Money = 100 SEK + 2\n\nrule dubbel() -> Money = 200 SEK\n",
    )
    .unwrap();
    let main_path = dir.join("main.avtal");
    let main_text = "use demo.belopp\nuse lag.las\n\nrule total() -> Money = dubbel() + bas()\n";
    std::fs::write(&main_path, main_text).unwrap();
    let main_uri = format!("file://{}", main_path.display());
    let module_uri = format!(
        "file://{}",
        std::fs::canonicalize(&module_path).unwrap().display()
    );

    let mut client = start();
    client.open(&main_uri, main_text);
    let main_diagnostics = client.diagnostics(&main_uri);
    assert_eq!(main_diagnostics, Vec::<Value>::new());
    let module_diagnostics = client.diagnostics(&module_uri);
    assert_eq!(module_diagnostics.len(), 1, "{module_diagnostics:#?}");
    assert_eq!(module_diagnostics[0]["range"]["start"]["line"], 2);

    // Definition across files.
    let (line, col) = find(main_text, "dubbel()");
    let definition = client.request("textDocument/definition", at(&main_uri, line, col));
    assert_eq!(definition["result"]["uri"], json!(module_uri));
    assert_eq!(
        definition["result"]["range"]["start"],
        json!({"line": 4, "character": 5})
    );

    // An open document declaring a module wins over the disk file.
    let open_module = "module demo.belopp\n\nrule dubbel() -> Money = 200 SEK\n";
    client.open("untitled:belopp", open_module);
    client.diagnostics("untitled:belopp");
    client.change(&main_uri, 2, main_text);
    let main_diagnostics = client.diagnostics(&main_uri);
    assert!(
        main_diagnostics
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains("bas")),
        "{main_diagnostics:#?}"
    );
    client.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

/// References and rename reach files of the workspace folder that are not
/// open but use the definition's module; files that do not use it, or that
/// live under `target/`, are left alone; a rename that would clash with a
/// name in such a file is refused, naming the file.
#[test]
fn references_and_rename_reach_files_that_are_not_open() {
    let dir = std::env::temp_dir().join(format!("avtal-lsp-refs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("demo")).unwrap();
    std::fs::create_dir_all(dir.join("target")).unwrap();
    let dir = std::fs::canonicalize(&dir).unwrap();
    let module_text = "module demo.belopp\n\nrule bas() -> Money = 100 SEK\n";
    let files = [
        ("demo/belopp.avtal", module_text),
        (
            "main.avtal",
            "use demo.belopp\n\nrule total() -> Money = bas() + bas()\n",
        ),
        (
            "other.avtal",
            "use demo.belopp\n\nrule topp() -> Money = 2 * bas()\n",
        ),
        // Mentions the name but does not use the module: its `bas` is its own.
        ("unrelated.avtal", "rule bas() -> Money = 1 SEK\n"),
        (
            "target/copy.avtal",
            "use demo.belopp\n\nrule kopia() -> Money = bas()\n",
        ),
    ];
    for (path, text) in files {
        std::fs::write(dir.join(path), text).unwrap();
    }
    let uri = |path: &str| format!("file://{}", dir.join(path).display());
    let module_uri = uri("demo/belopp.avtal");

    let mut client = Client::start();
    client.initialize_in(&format!("file://{}", dir.display()));
    client.open(&module_uri, module_text);
    assert_eq!(client.diagnostics(&module_uri), Vec::<Value>::new());

    let (line, col) = find(module_text, "bas()");
    let mut position = at(&module_uri, line, col);
    position["context"] = json!({"includeDeclaration": true});
    let references = client.request("textDocument/references", position);
    let mut places: Vec<(String, u64, u64)> = references["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["uri"].as_str().unwrap().to_string(),
                l["range"]["start"]["line"].as_u64().unwrap(),
                l["range"]["start"]["character"].as_u64().unwrap(),
            )
        })
        .collect();
    places.sort();
    let mut expected = vec![
        (uri("demo/belopp.avtal"), 2, 5),
        (uri("main.avtal"), 2, 24),
        (uri("main.avtal"), 2, 32),
        (uri("other.avtal"), 2, 27),
    ];
    expected.sort();
    assert_eq!(places, expected, "{references:#}");

    let mut rename = at(&module_uri, line, col);
    rename["newName"] = json!("grund");
    let edits = client.request("textDocument/rename", rename);
    let changes = edits["result"]["changes"].as_object().unwrap();
    let mut edited: Vec<(&str, usize)> = changes
        .iter()
        .map(|(uri, edits)| (uri.as_str(), edits.as_array().unwrap().len()))
        .collect();
    edited.sort();
    let (module_uri_s, main_uri, other_uri) = (
        uri("demo/belopp.avtal"),
        uri("main.avtal"),
        uri("other.avtal"),
    );
    let mut expected = vec![
        (module_uri_s.as_str(), 1),
        (main_uri.as_str(), 2),
        (other_uri.as_str(), 1),
    ];
    expected.sort();
    assert_eq!(edited, expected, "{edits:#}");

    let mut clash = at(&module_uri, line, col);
    clash["newName"] = json!("topp");
    let refused = client.request("textDocument/rename", clash);
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("topp") && message.contains("other.avtal"),
        "{refused:#}"
    );
    client.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every bad-input case of `tests/check` and `tests/syntax`: the LSP
/// diagnostics of the open file are exactly `avtal check --message-format
/// json`'s for that file (code, severity, message with its help line,
/// start and end).
#[test]
fn diagnostics_equal_avtal_check_on_every_case() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["tests/check", "tests/syntax"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "avtal") {
                files.push(std::fs::canonicalize(path).unwrap());
            }
        }
    }
    files.sort();
    assert!(files.len() > 20);
    let mut client = start();
    for (n, path) in files.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_avtal"))
            .args(["check", "--message-format", "json"])
            .arg(path)
            .output()
            .unwrap();
        let mut expected: Vec<String> = String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|d| std::path::Path::new(d["file"].as_str().unwrap()) == path.as_path())
            .map(|d| {
                let line = &text
                    .lines()
                    .nth(d["line"].as_u64().unwrap() as usize - 1)
                    .unwrap_or("");
                let col16: usize = line
                    .chars()
                    .take(d["column"].as_u64().unwrap() as usize - 1)
                    .map(char::len_utf16)
                    .sum();
                // The server appends the help line to the message.
                let message = match d["help"].as_str() {
                    Some(help) => format!("{}\nhelp: {help}", d["message"].as_str().unwrap()),
                    None => d["message"].as_str().unwrap().to_string(),
                };
                format!(
                    "{} {} {} {}:{}",
                    d["code"].as_str().unwrap(),
                    d["severity"].as_str().unwrap(),
                    message,
                    d["line"].as_u64().unwrap() - 1,
                    col16
                )
            })
            .collect();
        let uri = format!("file://{}", path.display());
        client.open(&uri, &text);
        let mut got: Vec<String> = client
            .diagnostics(&uri)
            .iter()
            .map(|d| {
                format!(
                    "{} {} {} {}:{}",
                    d["code"].as_str().unwrap(),
                    if d["severity"] == 1 {
                        "error"
                    } else {
                        "warning"
                    },
                    d["message"].as_str().unwrap(),
                    d["range"]["start"]["line"],
                    d["range"]["start"]["character"]
                )
            })
            .collect();
        expected.sort();
        got.sort();
        assert_eq!(got, expected, "case {n}: {}", path.display());
        client.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
        client.diagnostics(&uri);
    }
    client.shutdown();
}

#[test]
fn formatting_returns_one_whole_text_edit() {
    let mut client = start();
    let messy = "rule x(a: Int) -> Int\n{\n      a   \n}\nrule y() -> Int = 1\n";
    client.open(URI, messy);
    client.diagnostics(URI);
    let response = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let edits = response["result"].as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(
        edits[0]["newText"],
        "rule x(a: Int) -> Int\n{\n  a\n}\n\nrule y() -> Int = 1\n"
    );
    assert_eq!(edits[0]["range"]["end"], json!({"line": 5, "character": 0}));
    // Syntax errors: no edits.
    client.change(URI, 2, "rule x( -> Int = 1\n");
    client.diagnostics(URI);
    let response = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(response["result"], Value::Null);
    client.shutdown();
}

#[test]
fn semantic_tokens_mark_names() {
    let mut client = start();
    client.open(URI, LÖN);
    client.diagnostics(URI);
    let response = client.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": URI}}),
    );
    let data: Vec<u64> = response["result"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(data.len() % 5, 0);
    // Decode and look for the param use `garantibelopp at` (type 0) and the
    // record name `Anställd` in the rule signature (type 2).
    let mut line = 0;
    let mut col = 0;
    let mut decoded = Vec::new();
    for chunk in data.chunks(5) {
        if chunk[0] > 0 {
            line += chunk[0];
            col = chunk[1];
        } else {
            col += chunk[1];
        }
        decoded.push((line as u32, col as u32, chunk[2] as u32, chunk[3]));
    }
    let (l, c) = find(LÖN, "garantibelopp at");
    assert!(decoded.contains(&(l, c, 13, 0)), "{decoded:?}");
    let (l, c) = find(LÖN, "Anställd) -> Money");
    assert!(decoded.contains(&(l, c, 8, 2)), "{decoded:?}");
    client.shutdown();
}

/// Editing a stdlib file: the open text replaces the embedded copy instead
/// of clashing with it (as `avtal check stdlib/lag/las.avtal` does).
#[test]
fn open_stdlib_file_replaces_the_embedded_copy() {
    let path = std::fs::canonicalize(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../stdlib/lag/las.avtal"),
    )
    .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = format!("file://{}", path.display());
    let mut client = start();
    client.open(&uri, &text);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    client.change(
        &uri,
        2,
        &format!("{text}\nrule trasig() -> Money = 1 SEK + 1\n"),
    );
    assert_eq!(client.diagnostics(&uri).len(), 1);
    client.shutdown();
}
