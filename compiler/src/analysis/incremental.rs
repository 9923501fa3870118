//! Compiling again after an edit without parsing unchanged files again.
//!
//! [`compile_cached`] does what [`crate::compile`] does (parse every file,
//! check them together, sort and dedup the diagnostics) but takes each
//! file's parse from a [`ParseCache`] when the file's id, name and text are
//! the ones parsed before. The stdlib and the modules a document uses are
//! parsed once per session instead of on every keystroke. A file whose
//! text changed is parsed again chunk by chunk, reusing the chunks
//! (items) whose text did not change ([`syntax::ChunkCache`]), so a
//! keystroke in a 5,000-line agreement runs pest on one item. The result
//! is identical to `compile`'s: parsing is a pure function of those three.

use std::collections::HashMap;

use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Sources};
use crate::syntax::{self, ast};
use crate::{Compilation, check};

#[derive(Debug, Clone)]
struct Parsed {
    text: String,
    chunks: syntax::ChunkCache,
    module: ast::Module,
    diagnostics: Vec<Diagnostic>,
}

/// Parses of earlier compilations, by file id and name.
#[derive(Debug, Clone, Default)]
pub struct ParseCache {
    entries: HashMap<(FileId, String), Parsed>,
}

impl ParseCache {
    pub fn new() -> ParseCache {
        ParseCache::default()
    }

    fn parse(&mut self, sources: &Sources, file: FileId) -> (ast::Module, Vec<Diagnostic>) {
        let key = (file, sources.name(file).to_string());
        let text = sources.text(file);
        let mut chunks = match self.entries.remove(&key) {
            Some(parsed) if parsed.text == text => {
                let result = (parsed.module.clone(), parsed.diagnostics.clone());
                self.entries.insert(key, parsed);
                return result;
            }
            Some(parsed) => parsed.chunks,
            None => syntax::ChunkCache::default(),
        };
        let (module, diagnostics) = syntax::parse_cached(sources, file, &mut chunks);
        self.entries.insert(
            key,
            Parsed {
                text: text.to_string(),
                chunks,
                module: module.clone(),
                diagnostics: diagnostics.clone(),
            },
        );
        (module, diagnostics)
    }
}

/// [`crate::compile`], reusing the parses in `cache`.
pub fn compile_cached(sources: &Sources, cache: &mut ParseCache) -> Compilation {
    let mut diagnostics = Vec::new();
    let mut modules = Vec::new();
    for file in sources.ids() {
        let (module, mut parse_diagnostics) = cache.parse(sources, file);
        diagnostics.append(&mut parse_diagnostics);
        modules.push(module);
    }
    let (program, symbols, mut check_diagnostics) = check::check(sources, &modules);
    diagnostics.append(&mut check_diagnostics);
    diagnostics.sort_by_key(|d| (d.span.file, d.span.start, d.code));
    diagnostics.dedup();
    Compilation {
        modules,
        program,
        symbols,
        diagnostics,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "test")]
mod tests {
    use super::*;

    #[test]
    fn cached_compile_equals_compile() {
        let mut sources = Sources::new();
        crate::stdlib::add_to(&mut sources);
        sources.add("a.avtal", "use lag.las\nrule x() -> Money = 1 SEK + 1\n");
        let mut cache = ParseCache::new();
        let first = compile_cached(&sources, &mut cache);
        let second = compile_cached(&sources, &mut cache);
        let plain = crate::compile(&sources);
        assert_eq!(first.diagnostics, plain.diagnostics);
        assert_eq!(second.diagnostics, plain.diagnostics);
        assert!(!plain.diagnostics.is_empty());
    }

    /// Every stdlib file, edited in ways that move, change, break and
    /// duplicate its chunks, parses through the chunk cache to exactly the
    /// tree and diagnostics a fresh parse gives (spans included: a span the
    /// cache failed to move would show in the `Debug` text).
    #[test]
    fn chunk_cache_reuse_equals_fresh_parse() {
        for (_, name, text) in crate::stdlib::MODULES {
            let edits = [
                format!("// a comment that moves every chunk\n{text}"),
                text.replacen("rule ", "rule  ", 1),
                text.replacen("{", "{ (", 1),
                format!("{text}\n{text}"),
                text.to_string(),
            ];
            let mut cache = syntax::ChunkCache::default();
            let mut sources = Sources::new();
            let first = sources.add(*name, *text);
            let _ = syntax::parse_cached(&sources, first, &mut cache);
            for edited in edits {
                let mut sources = Sources::new();
                sources.add("other.avtal", "module other\n");
                let file = sources.add(*name, edited.as_str());
                let cached = syntax::parse_cached(&sources, file, &mut cache);
                let fresh = syntax::parse(&sources, file);
                assert_eq!(format!("{cached:?}"), format!("{fresh:?}"), "{name}");
            }
        }
    }
}
