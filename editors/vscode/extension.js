// The Avtal extension: starts `avtal lsp` (path from the `avtal.server.path`
// setting) and connects it to VS Code through vscode-languageclient.
// Highlighting comes from the TextMate grammar; everything else (diagnostics,
// hover, definition, references, rename, completion, formatting, symbols,
// semantic tokens, example code lenses) from the server.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("avtal").get("server.path", "avtal");
  const serverOptions = {
    run: { command, args: ["lsp"] },
    debug: { command, args: ["lsp"] },
  };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "avtal" },
      { scheme: "untitled", language: "avtal" },
    ],
  };
  client = new LanguageClient("avtal", "Avtal language server", serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
