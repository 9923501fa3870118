//! The language server's preview of a module's document, over real
//! stdio: the `avtal.previewDoc` command is offered, a source code action
//! of the document runs it, and the page it writes is the module's page of
//! `avtal doc`; a client that can show documents gets
//! `window/showDocument` (external), any other a message naming the file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]

mod lsp_client;

use std::fs;

use lsp_client::Client;
use serde_json::{Value, json};

const SOURCE: &str = r#"module prov.förhandsvisning

/// Garantibelopp per dag.
param garantibelopp: Money
  source "VA 5 kap. 14 §"
{
  from 2020-01-01 = 1709 SEK
  from 2999-01-01 = 1759 SEK
}

/// Garantin för en dag.
rule garanti(grad: Percent) -> Money
  source "VA 5 kap. 14 §"
= round(garantibelopp at 2026-01-01 * grad, 0.01 SEK)

example "halvtid" {
  garanti(50 %) == 854.50 SEK
}
"#;

fn uri(name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    fs::create_dir_all(&dir).unwrap();
    format!("file://{}/prov.avtal", dir.display())
}

fn start(capabilities: Value) -> Client {
    let mut client = Client::start();
    let response = client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
    );
    client.notify("initialized", json!({}));
    let commands = &response["result"]["capabilities"]["executeCommandProvider"]["commands"];
    assert_eq!(commands, &json!(["avtal.previewDoc"]), "{response}");
    client
}

/// The preview action of the document: a source action with the command.
fn preview_action(client: &mut Client, uri: &str) -> Value {
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}},
               "context": {"diagnostics": []}}),
    );
    let action = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["command"]["command"] == "avtal.previewDoc")
        .cloned()
        .unwrap_or_else(|| panic!("no preview action in {actions}"));
    assert_eq!(action["kind"], json!("source"));
    assert_eq!(action["command"]["arguments"], json!([uri]));
    action
}

fn assert_module_page(path: &str) {
    assert!(path.ends_with("/prov.forhandsvisning.html"), "{path}");
    let html = fs::read_to_string(path).unwrap();
    for expected in [
        "<h1><span class=\"kind\">Modul</span> prov.förhandsvisning</h1>",
        "<td>2020-01-01</td><td>2998-12-31</td><td class=\"num\">1709.00 SEK</td>",
        "gäller i dag",
        "avrundas till hela ören, avrundning uppåt vid exakt halva",
        "<strong>854.50 SEK</strong>",
    ] {
        assert!(html.contains(expected), "missing {expected:?} in {path}");
    }
    // The stylesheet and the index are written beside it.
    let dir = std::path::Path::new(path).parent().unwrap();
    assert!(dir.join("avtal.css").is_file());
    assert!(dir.join("index.html").is_file());
}

#[test]
fn preview_is_shown_through_show_document() {
    let uri = uri("doc_lsp_show");
    let mut client = start(json!({"window": {"showDocument": {"support": true}}}));
    client.open(&uri, SOURCE);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    // The examples' lenses stay as they were: the preview is an action.
    let lenses = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(lenses["result"].as_array().unwrap().len(), 1, "{lenses}");
    let action = preview_action(&mut client, &uri);

    let id = client.request_async(
        "workspace/executeCommand",
        json!({"command": action["command"]["command"], "arguments": action["command"]["arguments"]}),
    );
    // The server asks the editor to open the page in a browser.
    let show = client.wait_for(|m| m["method"] == "window/showDocument");
    assert_eq!(show["params"]["external"], json!(true));
    let shown_uri = show["params"]["uri"].as_str().unwrap().to_string();
    assert!(shown_uri.starts_with("file:///"), "{shown_uri}");
    client.send(&json!({"jsonrpc": "2.0", "id": show["id"], "result": {"success": true}}));

    let response = client.wait_for(|m| m["id"] == json!(id) && m.get("method").is_none());
    let result = &response["result"];
    assert_eq!(result["shown"], json!(true), "{response}");
    assert_eq!(result["uri"], json!(shown_uri));
    assert_module_page(result["path"].as_str().unwrap());
    client.shutdown();
}

#[test]
fn preview_is_named_in_a_message_without_show_document() {
    let uri = uri("doc_lsp_message");
    let mut client = start(json!({}));
    client.open(&uri, SOURCE);
    client.diagnostics(&uri);
    let response = client.request(
        "workspace/executeCommand",
        json!({"command": "avtal.previewDoc", "arguments": [uri]}),
    );
    let path = response["result"]["path"].as_str().unwrap().to_string();
    assert_eq!(response["result"]["shown"], json!(false));
    let message = client.wait_for(|m| m["method"] == "window/showMessage");
    let text = message["params"]["message"].as_str().unwrap();
    assert!(text.contains(&path), "{text} does not name {path}");
    assert_module_page(&path);

    // A command without a document is an error, not a crash.
    let response = client.request(
        "workspace/executeCommand",
        json!({"command": "avtal.previewDoc", "arguments": []}),
    );
    assert_eq!(response["error"]["code"], json!(-32602), "{response}");
    client.shutdown();
}
