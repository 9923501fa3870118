//! Where the modules a file `use`s are looked for on disk.
//!
//! Pure path computation, shared by the CLI loader and the language server so
//! that both find the same files: a `use a.b.c` in `dir/x.avtal` is looked for
//! as `a/b/c.avtal` in `dir`, then in each ancestor of `dir`. This module does
//! no IO; the caller tests which candidate exists.

use std::path::{Path, PathBuf};

use crate::syntax::ast;

/// The candidate files for module `dotted` used from `file`, nearest first.
pub fn module_candidates(file: &Path, dotted: &str) -> Vec<PathBuf> {
    let mut relative = PathBuf::new();
    for segment in dotted.split('.') {
        relative.push(segment);
    }
    relative.set_extension("avtal");
    match file.parent() {
        Some(dir) => dir.ancestors().map(|d| d.join(&relative)).collect(),
        None => Vec::new(),
    }
}

/// The module paths a parsed file `use`s, in source order.
pub fn wanted_modules(module: &ast::Module) -> Vec<String> {
    module.uses.iter().map(|u| u.path.dotted()).collect()
}

/// True when `dotted` names a module of the embedded standard library.
pub fn is_stdlib_module(dotted: &str) -> bool {
    crate::stdlib::MODULES
        .iter()
        .any(|(path, _, _)| *path == dotted)
}

/// The module paths named by the `use` lines of a source text, found
/// without parsing: a line that starts, at column 0, with `use ` followed
/// by a dotted path. Item keywords are reserved, so such a line can only be
/// a `use` (the parser cuts files at the same places). Much cheaper than a
/// parse, for the language server, which looks for modules on every edit.
pub fn wanted_modules_in_text(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.strip_prefix("use "))
        .map(|rest| rest.split("//").next().unwrap_or("").trim())
        .filter(|path| {
            !path.is_empty()
                && path
                    .split('.')
                    .all(|s| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_'))
        })
        .map(str::to_string)
        .collect()
}
