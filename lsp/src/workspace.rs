//! The open documents and their analyses.
//!
//! Each open document is compiled with the modules it `use`s (transitively,
//! stdlib modules included), found the way the CLI loader finds them: another open
//! document that declares the module, else `a/b/c.avtal` beside the file or
//! in an ancestor directory ([`analysis::modules::module_candidates`]), read
//! from disk. This and `shipped.rs` are the only files of the server that
//! do IO.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use avtal_compiler::analysis::incremental::{ParseCache, compile_cached};
use avtal_compiler::analysis::modules::{
    is_stdlib_module, module_candidates, wanted_modules_in_text,
};
use avtal_compiler::{Compilation, FileId, Sources, stdlib};
use tower_lsp_server::ls_types::Uri;

use crate::shipped::ShippedFiles;

/// One open document: the last accepted version and its full text.
#[derive(Debug, Clone)]
pub struct Document {
    pub version: i32,
    pub text: String,
}

/// One compilation rooted at an open document.
#[derive(Debug)]
pub struct Analysis {
    pub sources: Sources,
    pub compilation: Compilation,
    /// The URI of each file, by `FileId` (for the stdlib, its read-only
    /// copy; `None` when there is none).
    pub uris: Vec<Option<Uri>>,
    pub root: FileId,
}

impl Analysis {
    pub fn uri(&self, file: FileId) -> Option<Uri> {
        self.uris.get(file.0 as usize).cloned().flatten()
    }

    pub fn file_of(&self, uri: &Uri) -> Option<FileId> {
        self.uris
            .iter()
            .position(|u| u.as_ref() == Some(uri))
            .and_then(|i| u32::try_from(i).ok())
            .map(FileId)
    }

    /// The text of the root document.
    pub fn text(&self) -> &str {
        self.sources.text(self.root)
    }
}

/// All open documents and the last analysis of each.
#[derive(Debug, Default)]
pub struct Workspace {
    pub documents: HashMap<Uri, Document>,
    pub analyses: HashMap<Uri, Arc<Analysis>>,
    /// Parses of unchanged files (the stdlib, used modules) are reused.
    cache: ParseCache,
    /// The workspace folders the client named; their `.avtal` files are
    /// searched for references from files that are not open.
    pub roots: Vec<PathBuf>,
    /// The read-only copies of the stdlib that stdlib files point at (no
    /// URI, so no definition into the stdlib, when they could not be
    /// written).
    pub shipped: Option<ShippedFiles>,
    /// Whether the client said it takes snippets in completions
    /// (`completionItem.snippetSupport`); without, it gets plain keywords.
    pub snippet_support: bool,
}

/// Directories never searched for agreements (build output, packages).
const SKIPPED_DIRECTORIES: &[&str] = &["target", "node_modules"];

/// At most this many files are searched, so a huge folder opened by
/// mistake cannot stall a request.
const MAX_WORKSPACE_FILES: usize = 5_000;

/// Every `.avtal` file under `dir`, hidden and skipped directories aside.
fn avtal_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if out.len() >= MAX_WORKSPACE_FILES {
            return;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || SKIPPED_DIRECTORIES.contains(&name) {
            continue;
        }
        if path.is_dir() {
            avtal_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "avtal") {
            out.push(path);
        }
    }
}

fn uri_path(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

/// The module a text declares in its `module a.b.c` header, if any.
fn declared_module(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with("//"))
        .and_then(|line| line.strip_prefix("module "))
        .map(|rest| rest.trim().to_string())
}

impl Workspace {
    /// Accept a new text for `uri` unless `version` is not newer than the
    /// one already held. Returns whether it was accepted.
    pub fn update(&mut self, uri: Uri, version: i32, text: String) -> bool {
        if let Some(existing) = self.documents.get(&uri)
            && existing.version >= version
        {
            return false;
        }
        self.documents.insert(uri, Document { version, text });
        true
    }

    pub fn close(&mut self, uri: &Uri) {
        self.documents.remove(uri);
        self.analyses.remove(uri);
    }

    /// Re-analyse `changed` and every open document whose last analysis
    /// included it. Returns the analyses made.
    pub fn reanalyze(&mut self, changed: &Uri) -> Vec<Arc<Analysis>> {
        let mut roots: Vec<Uri> = vec![changed.clone()];
        for (uri, analysis) in &self.analyses {
            if uri != changed && analysis.file_of(changed).is_some() {
                roots.push(uri.clone());
            }
        }
        let mut made = Vec::new();
        for root in roots {
            if let Some(analysis) = self.analyze(&root) {
                let analysis = Arc::new(analysis);
                self.analyses.insert(root, Arc::clone(&analysis));
                made.push(analysis);
            }
        }
        made
    }

    /// The analysis of an open document, computing it if needed.
    pub fn analysis(&mut self, uri: &Uri) -> Option<Arc<Analysis>> {
        if let Some(analysis) = self.analyses.get(uri) {
            return Some(Arc::clone(analysis));
        }
        let analysis = Arc::new(self.analyze(uri)?);
        self.analyses.insert(uri.clone(), Arc::clone(&analysis));
        Some(analysis)
    }

    /// Analyses of every other file, open or in a workspace folder, that
    /// includes the file `definition` and mentions `name`: the places a
    /// definition can be referenced from besides `except`'s analysis. Files
    /// that do not contain the name as text are skipped unread by the
    /// checker (a reference always spells the name).
    pub fn dependents(&mut self, definition: &Uri, name: &str, except: &Uri) -> Vec<Arc<Analysis>> {
        let mut found = Vec::new();
        let open: Vec<Uri> = self.documents.keys().cloned().collect();
        for uri in &open {
            let mentions = self
                .documents
                .get(uri)
                .is_some_and(|d| d.text.contains(name));
            if uri == except || !mentions {
                continue;
            }
            if let Some(analysis) = self.analysis(uri)
                && analysis.file_of(definition).is_some()
            {
                found.push(analysis);
            }
        }
        let mut files = Vec::new();
        for root in self.roots.clone() {
            avtal_files(&root, &mut files);
        }
        for path in files {
            let path = std::fs::canonicalize(&path).unwrap_or(path);
            let Some(uri) = Uri::from_file_path(&path) else {
                continue;
            };
            if &uri == except || self.documents.contains_key(&uri) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if !text.contains(name) {
                continue;
            }
            let analysis = self.analyze_text(&uri, text);
            if analysis.file_of(definition).is_some() {
                found.push(Arc::new(analysis));
            }
        }
        found
    }

    /// Compile `root` with the stdlib and the modules it uses.
    fn analyze(&mut self, root: &Uri) -> Option<Analysis> {
        let text = self.documents.get(root)?.text.clone();
        Some(self.analyze_text(root, text))
    }

    /// Compile `text`, the contents of `root`, with the stdlib and the
    /// modules it uses.
    fn analyze_text(&mut self, root: &Uri, text: String) -> Analysis {
        // Only the stdlib modules the document uses (transitively) are
        // compiled: the others cannot change its diagnostics (their names
        // are not in scope), and leaving them out keeps every keystroke
        // cheap however large the stdlib grows.
        let mut sources = Sources::new();
        let mut uris: Vec<Option<Uri>> = Vec::new();
        let root_path = uri_path(root);
        let declared = declared_module(&text);
        let root_id = add_file(
            &mut sources,
            &mut uris,
            display_name(root, root_path.as_deref()),
            text,
            root.clone(),
        );
        let mut loaded_paths: HashSet<PathBuf> = root_path.iter().cloned().collect();
        let mut known: HashSet<String> = HashSet::new();
        if let Some(name) = declared {
            known.insert(name);
        }
        // (file id, where it lives) of files whose uses are still to load.
        let mut pending: Vec<(FileId, Option<PathBuf>)> = vec![(root_id, root_path)];
        while let Some((file, location)) = pending.pop() {
            for dotted in wanted_modules_in_text(sources.text(file)) {
                if !known.insert(dotted.clone()) {
                    continue;
                }
                // A stdlib module comes from the binary unless it is open
                // in the editor (someone editing `stdlib/`).
                let found = if is_stdlib_module(&dotted) {
                    match self.open_module(&dotted) {
                        Some(open) => Some(open),
                        None => {
                            if let Some((_, name, text)) =
                                stdlib::MODULES.iter().find(|(path, _, _)| *path == dotted)
                            {
                                let id = sources.add_stdlib(*name, *text);
                                uris.push(
                                    self.shipped.as_ref().and_then(|s| s.stdlib_uri(&dotted)),
                                );
                                pending.push((id, None));
                            }
                            continue;
                        }
                    }
                } else {
                    self.find_module(location.as_deref(), &dotted)
                };
                let Some((uri, path, text)) = found else {
                    continue;
                };
                if let Some(path) = &path
                    && !loaded_paths.insert(path.clone())
                {
                    continue;
                }
                let name = display_name(&uri, path.as_deref());
                let id = add_file(&mut sources, &mut uris, name, text, uri);
                pending.push((id, path));
            }
        }
        let compilation = compile_cached(&sources, &mut self.cache);
        Analysis {
            sources,
            compilation,
            uris,
            root: root_id,
        }
    }

    /// An open document declaring `dotted`, else the first file on disk
    /// that the CLI loader would pick.
    fn find_module(
        &self,
        from: Option<&Path>,
        dotted: &str,
    ) -> Option<(Uri, Option<PathBuf>, String)> {
        if let Some((uri, document)) = self
            .documents
            .iter()
            .find(|(_, d)| declared_module(&d.text).as_deref() == Some(dotted))
        {
            return Some((uri.clone(), uri_path(uri), document.text.clone()));
        }
        let candidates = module_candidates(from?, dotted);
        let path = candidates.into_iter().find(|c| c.is_file())?;
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        let uri = Uri::from_file_path(&path)?;
        if let Some(document) = self.documents.get(&uri) {
            return Some((uri, Some(path), document.text.clone()));
        }
        let text = std::fs::read_to_string(&path).ok()?;
        Some((uri, Some(path), text))
    }
}

impl Workspace {
    /// An open document that declares module `dotted`.
    fn open_module(&self, dotted: &str) -> Option<(Uri, Option<PathBuf>, String)> {
        self.documents
            .iter()
            .find(|(_, d)| declared_module(&d.text).as_deref() == Some(dotted))
            .map(|(uri, document)| (uri.clone(), uri_path(uri), document.text.clone()))
    }
}

/// Add a file and remember its URI.
fn add_file(
    sources: &mut Sources,
    uris: &mut Vec<Option<Uri>>,
    name: String,
    text: String,
    uri: Uri,
) -> FileId {
    uris.push(Some(uri));
    sources.add(name, text)
}

fn display_name(uri: &Uri, path: Option<&Path>) -> String {
    match path {
        Some(path) => path.display().to_string(),
        None => uri.as_str().to_string(),
    }
}
