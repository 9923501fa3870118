//! The LSP handlers. Each one locks the workspace, runs the analysis
//! synchronously (fast enough for the 50 ms goal, and it keeps `didChange`
//! notifications, which tower-lsp-server may run concurrently, in order of
//! their versions), releases the lock, and only then talks to the client.

use std::sync::{Arc, Mutex, MutexGuard};

use avtal_compiler::analysis::{self, CompletionKind, OutlineKind, OutlineSymbol};
use avtal_compiler::{FileId, Span};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::convert;
use crate::shipped::ShippedFiles;
use crate::workspace::{Analysis, Workspace};

pub struct Backend {
    client: Client,
    workspace: Mutex<Workspace>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend {
            client,
            workspace: Mutex::new(Workspace::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Workspace> {
        match self.workspace.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Accept a new text and publish the diagnostics of every analysis it
    /// changed.
    async fn changed(&self, uri: Uri, version: i32, text: String) {
        let published = {
            let mut workspace = self.lock();
            if !workspace.update(uri.clone(), version, text) {
                return;
            }
            let analyses = workspace.reanalyze(&uri);
            let open: Vec<Uri> = workspace.documents.keys().cloned().collect();
            let mut out = Vec::new();
            for analysis in &analyses {
                out.extend(diagnostics_by_file(
                    analysis,
                    &open,
                    workspace.shipped.as_ref(),
                ));
            }
            out
        };
        for (uri, diagnostics, version) in published {
            self.client
                .publish_diagnostics(uri, diagnostics, version)
                .await;
        }
    }

    /// Other analyses in which the definition of the name at `offset` of
    /// `analysis` can be referenced (files that are not open included), each
    /// with the definition's place in it.
    fn dependents(&self, analysis: &Analysis, offset: u32) -> Vec<(Arc<Analysis>, FileId, u32)> {
        let Some(definition) = analysis::definition(&analysis.compilation, analysis.root, offset)
        else {
            return Vec::new();
        };
        let Some(definition_uri) = analysis.uri(definition.file) else {
            return Vec::new();
        };
        let name = analysis
            .sources
            .text(definition.file)
            .get(definition.start as usize..definition.end as usize)
            .unwrap_or_default();
        let Some(root) = analysis.uri(analysis.root) else {
            return Vec::new();
        };
        if name.is_empty() {
            return Vec::new();
        }
        let others = self.lock().dependents(&definition_uri, name, &root);
        others
            .into_iter()
            .filter_map(|other| {
                let file = other.file_of(&definition_uri)?;
                Some((other, file, definition.start))
            })
            .collect()
    }

    /// The analysis of `uri` and the byte offset of `position` in it.
    fn locate(&self, uri: &Uri, position: Position) -> Option<(Arc<Analysis>, u32)> {
        let analysis = self.lock().analysis(uri)?;
        let offset = convert::offset(analysis.text(), position);
        Some((analysis, offset))
    }
}

/// The diagnostics of one analysis, per file: the root document and every
/// file it loaded from disk (open modules publish their own).
fn diagnostics_by_file(
    analysis: &Analysis,
    open: &[Uri],
    shipped: Option<&ShippedFiles>,
) -> Vec<(Uri, Vec<Diagnostic>, Option<i32>)> {
    let mut out = Vec::new();
    let mut ranges = convert::Ranges::new(&analysis.sources);
    for file in analysis.sources.ids() {
        let Some(uri) = analysis.uri(file) else {
            continue;
        };
        // The stdlib's read-only copies are not the user's to fix.
        let is_stdlib = analysis.sources.get(file).is_some_and(|f| f.is_stdlib);
        if is_stdlib || (file != analysis.root && open.contains(&uri)) {
            continue;
        }
        let uri_of = |id: FileId| analysis.uri(id);
        let diagnostics = analysis
            .compilation
            .diagnostics
            .iter()
            .filter(|d| d.span.file == file)
            .map(|d| {
                let href = shipped.and_then(|s| s.diagnostic_href(&d.code.to_string()));
                convert::diagnostic(&mut ranges, d, &uri_of, href)
            })
            .collect();
        out.push((uri, diagnostics, None));
    }
    out
}

/// One entry per place, in a stable order (several analyses can report
/// the same place).
fn sort_and_dedup(locations: &mut Vec<Location>) {
    let key = |l: &Location| {
        (
            l.uri.as_str().to_string(),
            l.range.start.line,
            l.range.start.character,
            l.range.end.line,
            l.range.end.character,
        )
    };
    locations.sort_by_key(key);
    locations.dedup_by(|a, b| key(a) == key(b));
}

fn location(analysis: &Analysis, span: Span) -> Option<Location> {
    Some(Location {
        uri: analysis.uri(span.file)?,
        range: convert::range(&analysis.sources, span),
    })
}

fn today() -> chrono::NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0);
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_days(chrono::Days::new(days)))
        .unwrap_or_default()
}

fn symbol_kind(kind: OutlineKind) -> SymbolKind {
    match kind {
        OutlineKind::Param => SymbolKind::CONSTANT,
        OutlineKind::Record => SymbolKind::STRUCT,
        OutlineKind::Field => SymbolKind::FIELD,
        OutlineKind::Enum => SymbolKind::ENUM,
        OutlineKind::Variant => SymbolKind::ENUM_MEMBER,
        OutlineKind::Rule | OutlineKind::Evaluate => SymbolKind::FUNCTION,
        OutlineKind::Table => SymbolKind::ARRAY,
        OutlineKind::Condition => SymbolKind::BOOLEAN,
        OutlineKind::Limit => SymbolKind::NUMBER,
        OutlineKind::Example => SymbolKind::EVENT,
        OutlineKind::Classes => SymbolKind::ENUM,
        OutlineKind::Class => SymbolKind::ENUM_MEMBER,
    }
}

#[allow(
    deprecated,
    reason = "DocumentSymbol has a deprecated field that must be set"
)]
fn document_symbol(analysis: &Analysis, symbol: &OutlineSymbol) -> DocumentSymbol {
    DocumentSymbol {
        name: symbol.name.clone(),
        detail: symbol.detail.clone(),
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: convert::range(&analysis.sources, symbol.span),
        selection_range: convert::range(&analysis.sources, symbol.name_span),
        children: if symbol.children.is_empty() {
            None
        } else {
            Some(
                symbol
                    .children
                    .iter()
                    .map(|c| document_symbol(analysis, c))
                    .collect(),
            )
        },
    }
}

fn completion_kind(kind: CompletionKind) -> CompletionItemKind {
    match kind {
        CompletionKind::Keyword => CompletionItemKind::KEYWORD,
        CompletionKind::Snippet => CompletionItemKind::SNIPPET,
        CompletionKind::Param => CompletionItemKind::CONSTANT,
        CompletionKind::Function => CompletionItemKind::FUNCTION,
        CompletionKind::Record => CompletionItemKind::STRUCT,
        CompletionKind::Enum => CompletionItemKind::ENUM,
        CompletionKind::Variant => CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Field => CompletionItemKind::FIELD,
        CompletionKind::Local => CompletionItemKind::VARIABLE,
        CompletionKind::Builtin => CompletionItemKind::FUNCTION,
    }
}

/// One completion as LSP. A client without snippet support would insert a
/// snippet's `${1:name}` placeholders literally, so it gets the plain
/// keyword instead.
fn completion_item(item: analysis::CompletionItem, snippet_support: bool) -> CompletionItem {
    if item.kind == CompletionKind::Snippet && !snippet_support {
        return CompletionItem {
            kind: Some(CompletionItemKind::KEYWORD),
            label: item.label,
            ..Default::default()
        };
    }
    CompletionItem {
        insert_text_format: (item.kind == CompletionKind::Snippet)
            .then_some(InsertTextFormat::SNIPPET),
        kind: Some(completion_kind(item.kind)),
        label: item.label,
        detail: item.detail,
        insert_text: item.insert_text,
        ..Default::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let mut roots: Vec<std::path::PathBuf> = params
            .workspace_folders
            .unwrap_or_default()
            .iter()
            .filter_map(|folder| folder.uri.to_file_path().map(|p| p.into_owned()))
            .collect();
        #[allow(
            deprecated,
            reason = "clients that send no workspace folders send rootUri"
        )]
        if roots.is_empty()
            && let Some(path) = params.root_uri.as_ref().and_then(|uri| uri.to_file_path())
        {
            roots.push(path.into_owned());
        }
        // Definitions into the stdlib and diagnostic links need files an
        // editor can open; without them the server still works.
        let shipped = ShippedFiles::materialise()
            .map_err(|e| eprintln!("avtal lsp: cannot write the stdlib's read-only copy: {e}"))
            .ok();
        let snippet_support = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false);
        {
            let mut workspace = self.lock();
            workspace.roots = roots;
            workspace.shipped = shipped;
            workspace.snippet_support = snippet_support;
        }
        crate::preview::remember_client(&params.capabilities);
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                text_document_sync: Some(TextDocumentSyncCapability::Kind(
                    TextDocumentSyncKind::FULL,
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: Default::default(),
                })),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![".".into()]),
                    ..Default::default()
                }),
                document_symbol_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                document_formatting_provider: Some(OneOf::Left(true)),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: convert::semantic_token_legend(),
                            full: Some(SemanticTokensFullOptions::Bool(true)),
                            range: None,
                            work_done_progress_options: Default::default(),
                        },
                    ),
                ),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                code_action_provider: Some(crate::preview::code_action_capability()),
                execute_command_provider: Some(crate::preview::command_options()),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "avtal".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            ..Default::default()
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        self.changed(document.uri, document.version, document.text)
            .await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // FULL sync: the last change holds the whole text.
        if let Some(change) = params.content_changes.into_iter().last() {
            self.changed(
                params.text_document.uri,
                params.text_document.version,
                change.text,
            )
            .await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.lock().close(&uri);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let Some((analysis, offset)) = self.locate(&at.text_document.uri, at.position) else {
            return Ok(None);
        };
        let hover = analysis::hover(&analysis.compilation, analysis.root, offset, today());
        Ok(hover.map(|h| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: h.markdown,
            }),
            range: Some(convert::range(&analysis.sources, h.span)),
        }))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let Some((analysis, offset)) = self.locate(&at.text_document.uri, at.position) else {
            return Ok(None);
        };
        let span = analysis::definition(&analysis.compilation, analysis.root, offset);
        Ok(span
            .and_then(|s| location(&analysis, s))
            .map(GotoDefinitionResponse::Scalar))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let Some((analysis, offset)) = self.locate(&at.text_document.uri, at.position) else {
            return Ok(None);
        };
        let include_declaration = params.context.include_declaration;
        let spans = analysis::references(
            &analysis.compilation,
            analysis.root,
            offset,
            include_declaration,
        );
        let mut locations: Vec<Location> = spans
            .into_iter()
            .filter_map(|s| location(&analysis, s))
            .collect();
        for (other, file, at) in self.dependents(&analysis, offset) {
            let spans = analysis::references(&other.compilation, file, at, include_declaration);
            locations.extend(spans.into_iter().filter_map(|s| location(&other, s)));
        }
        sort_and_dedup(&mut locations);
        Ok(Some(locations))
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let Some((analysis, offset)) = self.locate(&params.text_document.uri, params.position)
        else {
            return Ok(None);
        };
        match analysis::prepare_rename(
            &analysis.sources,
            &analysis.compilation,
            analysis.root,
            offset,
        ) {
            Ok(span) => Ok(Some(PrepareRenameResponse::Range(convert::range(
                &analysis.sources,
                span,
            )))),
            Err(error) => Err(Error::invalid_params(error.0)),
        }
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let Some((analysis, offset)) = self.locate(&at.text_document.uri, at.position) else {
            return Ok(None);
        };
        let spans = analysis::rename(
            &analysis.sources,
            &analysis.compilation,
            analysis.root,
            offset,
            &params.new_name,
        )
        .map_err(|e| Error::invalid_params(e.0))?;
        let mut places: Vec<Location> = spans
            .into_iter()
            .filter_map(|s| location(&analysis, s))
            .collect();
        // Files that use the definition must take the new name too, and
        // refuse it if it clashes with a name of theirs.
        for (other, file, at) in self.dependents(&analysis, offset) {
            let spans = analysis::rename(
                &other.sources,
                &other.compilation,
                file,
                at,
                &params.new_name,
            )
            .map_err(|e| {
                let place = other
                    .uri(other.root)
                    .map(|uri| format!(" (in {})", uri.as_str()))
                    .unwrap_or_default();
                Error::invalid_params(format!("{}{place}", e.0))
            })?;
            places.extend(spans.into_iter().filter_map(|s| location(&other, s)));
        }
        sort_and_dedup(&mut places);
        let mut changes: std::collections::HashMap<Uri, Vec<TextEdit>> = Default::default();
        for place in places {
            changes.entry(place.uri).or_default().push(TextEdit {
                range: place.range,
                new_text: params.new_name.clone(),
            });
        }
        Ok(Some(WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        }))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let Some((analysis, offset)) = self.locate(&at.text_document.uri, at.position) else {
            return Ok(None);
        };
        let items = analysis::completions(
            &analysis.sources,
            &analysis.compilation,
            analysis.root,
            offset,
        );
        let snippet_support = self.lock().snippet_support;
        Ok(Some(CompletionResponse::Array(
            items
                .into_iter()
                .map(|item| completion_item(item, snippet_support))
                .collect(),
        )))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some(analysis) = self.lock().analysis(&params.text_document.uri) else {
            return Ok(None);
        };
        let symbols = analysis::document_symbols(&analysis.compilation, analysis.root);
        Ok(Some(DocumentSymbolResponse::Nested(
            symbols
                .iter()
                .map(|s| document_symbol(&analysis, s))
                .collect(),
        )))
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let analyses: Vec<Arc<Analysis>> = self.lock().analyses.values().cloned().collect();
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for analysis in analyses {
            let found = analysis::workspace_symbols(
                &analysis.sources,
                &analysis.compilation,
                &params.query,
            );
            for symbol in found {
                let Some(place) = location(&analysis, symbol.name_span) else {
                    continue;
                };
                if !seen.insert((place.uri.as_str().to_string(), place.range.start)) {
                    continue;
                }
                out.push(WorkspaceSymbol {
                    name: symbol.name,
                    kind: symbol_kind(symbol.kind),
                    tags: None,
                    container_name: symbol.detail,
                    location: OneOf::Left(place),
                    data: None,
                });
            }
        }
        Ok(Some(WorkspaceSymbolResponse::Nested(out)))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let Some(text) = self
            .lock()
            .documents
            .get(&params.text_document.uri)
            .map(|d| d.text.clone())
        else {
            return Ok(None);
        };
        // One edit replacing the whole text: simple, and always in step with
        // the text the client holds (FULL sync).
        match avtal_compiler::format::format_source(&text) {
            Ok(formatted) if formatted == text => Ok(Some(Vec::new())),
            Ok(formatted) => Ok(Some(vec![TextEdit {
                range: Range {
                    start: Position::new(0, 0),
                    end: convert::position(&text, u32::try_from(text.len()).unwrap_or(u32::MAX)),
                },
                new_text: formatted,
            }])),
            // Syntax errors: leave the text alone (the diagnostics say why).
            Err(_) => Ok(None),
        }
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let Some(analysis) = self.lock().analysis(&params.text_document.uri) else {
            return Ok(None);
        };
        let tokens = analysis::semantic_tokens(&analysis.compilation, analysis.root);
        Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
            result_id: None,
            data: convert::semantic_tokens(analysis.text(), &tokens),
        })))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let Some(analysis) = self.lock().analysis(&params.text_document.uri) else {
            return Ok(None);
        };
        let lenses = analysis::example_results(&analysis.compilation, analysis.root);
        Ok(Some(
            lenses
                .into_iter()
                .map(|lens| CodeLens {
                    range: convert::range(&analysis.sources, lens.span),
                    command: Some(Command {
                        title: lens.title,
                        command: String::new(),
                        arguments: None,
                    }),
                    data: None,
                })
                .collect(),
        ))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let analysis = self.lock().analysis(&params.text_document.uri);
        Ok(analysis.and_then(|a| crate::preview::action(&a).map(|action| vec![action])))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        let analysis = crate::preview::document(&params).and_then(|uri| self.lock().analysis(&uri));
        crate::preview::execute(&self.client, &params, analysis).await
    }
}
