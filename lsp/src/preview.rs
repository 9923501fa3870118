//! The preview of a module's document (`avtal doc`) in the editor: the
//! command `avtal.previewDoc`, offered as a source action of every
//! document (a code action rather than a lens: every client lists code
//! actions, and the lenses stay the examples' results).
//!
//! The command builds the site of the document's compilation with
//! `avtal-docgen`, writes it to a folder of its own under the system's
//! temporary directory, and shows the module's page: through
//! `window/showDocument` with `external: true` when the client supports
//! it, else in a message naming the file. Either way the command answers
//! with the page's path and URI.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use crate::workspace::Analysis;

/// The command's name, as clients and code lenses call it.
pub const COMMAND: &str = "avtal.previewDoc";

/// Whether the client said it can show documents (`initialize`).
static SHOWS_DOCUMENTS: AtomicBool = AtomicBool::new(false);

/// Remember from the client's capabilities whether it supports
/// `window/showDocument`.
pub fn remember_client(capabilities: &ClientCapabilities) {
    let supported = capabilities
        .window
        .as_ref()
        .and_then(|w| w.show_document.as_ref())
        .is_some_and(|s| s.support);
    SHOWS_DOCUMENTS.store(supported, Ordering::Relaxed);
}

pub fn command_options() -> ExecuteCommandOptions {
    ExecuteCommandOptions {
        commands: vec![COMMAND.to_string()],
        work_done_progress_options: Default::default(),
    }
}

/// The document a call of the command is about: its first argument, a
/// URI string.
pub fn document(params: &ExecuteCommandParams) -> Option<Uri> {
    if params.command != COMMAND {
        return None;
    }
    params.arguments.first()?.as_str()?.parse().ok()
}

pub fn code_action_capability() -> CodeActionProviderCapability {
    CodeActionProviderCapability::Options(CodeActionOptions {
        code_action_kinds: Some(vec![CodeActionKind::SOURCE]),
        work_done_progress_options: Default::default(),
        resolve_provider: Some(false),
    })
}

/// The source action "Förhandsgranska dokumentet (avtal doc)" of the
/// document `analysis` is about.
pub fn action(analysis: &Analysis) -> Option<CodeActionOrCommand> {
    let uri = analysis.uri(analysis.root)?;
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: "Förhandsgranska dokumentet (avtal doc)".into(),
        kind: Some(CodeActionKind::SOURCE),
        command: Some(Command {
            title: "Förhandsgranska dokumentet (avtal doc)".into(),
            command: COMMAND.into(),
            arguments: Some(vec![Value::String(uri.as_str().to_string())]),
        }),
        ..Default::default()
    }))
}

/// Run the command for `analysis`, the document named in `params`.
pub async fn execute(
    client: &Client,
    params: &ExecuteCommandParams,
    analysis: Option<Arc<Analysis>>,
) -> Result<Option<Value>> {
    if params.command != COMMAND {
        return Err(Error::invalid_params(format!(
            "unknown command `{}`: the server offers `{COMMAND}`",
            params.command
        )));
    }
    let Some(analysis) = analysis else {
        return Err(Error::invalid_params(format!(
            "`{COMMAND}` takes the URI of an open .avtal document as its argument"
        )));
    };
    let (path, uri) = write_preview(&analysis).map_err(|message| {
        let mut error = Error::internal_error();
        error.message = message.into();
        error
    })?;
    let shown = if SHOWS_DOCUMENTS.load(Ordering::Relaxed) {
        client
            .show_document(ShowDocumentParams {
                uri: uri.clone(),
                external: Some(true),
                take_focus: Some(true),
                selection: None,
            })
            .await
            .unwrap_or(false)
    } else {
        false
    };
    if !shown {
        client
            .show_message(
                MessageType::INFO,
                format!("Dokumentet är skrivet: {}", path.display()),
            )
            .await;
    }
    Ok(Some(json!({
        "path": path.display().to_string(),
        "uri": uri.as_str(),
        "shown": shown,
    })))
}

/// Build the site of the document and write it to its preview folder;
/// the module page's path and URI.
fn write_preview(analysis: &Analysis) -> std::result::Result<(PathBuf, Uri), String> {
    let options = avtal_docgen::Options {
        today: avtal_docgen::system_today(),
        title: analysis.sources.name(analysis.root).to_string(),
    };
    let site = avtal_docgen::site(&analysis.compilation, &[analysis.root], &options);
    let page = site
        .page_of_file(analysis.root)
        .ok_or("the document has no items to show yet")?;
    let dir = preview_dir(analysis);
    for file in &site.files {
        let target = dir.join(&file.path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| cannot_write(parent, &e))?;
        }
        std::fs::write(&target, &file.contents).map_err(|e| cannot_write(&target, &e))?;
    }
    let path = dir.join(&page.path);
    let uri = Uri::from_file_path(&path).ok_or_else(|| cannot_write(&path, "no file URI"))?;
    Ok((path, uri))
}

fn cannot_write(path: &Path, error: impl std::fmt::Display) -> String {
    format!("cannot write the preview {}: {error}", path.display())
}

/// `<tmp>/avtal-doc-preview/<name>-<hash of the URI>`: one folder per
/// document, reused by later previews of it.
fn preview_dir(analysis: &Analysis) -> PathBuf {
    let uri = analysis
        .uri(analysis.root)
        .map(|u| u.as_str().to_string())
        .unwrap_or_default();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    uri.hash(&mut hasher);
    let name: String = analysis
        .sources
        .name(analysis.root)
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("avtal")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    std::env::temp_dir()
        .join("avtal-doc-preview")
        .join(format!("{name}-{:016x}", hasher.finish()))
}
