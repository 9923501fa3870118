//! The Avtal compiler library: source text in, diagnostics and a typed IR
//! out, plus the reference interpreter. No IO happens here: the CLI and the
//! language server read files and hand their text over in a [`Sources`].
//!
//! Pipeline (one module per stage):
//! `syntax` (pest → AST) → `check` (names, types with units, tables,
//! matches → typed IR in `ir`) → `eval` (reference interpreter), and the
//! tools on top (`explain`, `format`, `analysis`). The Cranelift back end
//! and the engine boundary are the crate `avtal-engine`, so that the
//! language server does not link a code generator.

pub mod analysis;
pub mod builtins;
pub mod check;
pub mod clock;
pub mod data;
pub mod diagnostics;
pub mod eval;
pub mod explain;
pub mod format;
pub mod ir;
pub mod spelling;
pub mod stdlib;
pub mod stdlib_reference;
/// Random well-typed programs for differential tests; public only with the
/// `testgen` feature.
#[cfg(any(test, feature = "testgen"))]
pub mod testgen;
pub mod types;

/// Source files, spans and lines (the crate `avtal-syntax`).
pub use avtal_syntax::source;
/// The parser and the AST (the crate `avtal-syntax`).
pub use avtal_syntax::syntax;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod bom_tests;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod deep_chain_tests;

pub use diagnostics::{Diagnostic, Severity};
pub use source::{FileId, Sources, Span};

/// Everything one compilation produced. Stages never fail: a program with
/// errors still has every module parsed and as much IR as could be built,
/// so editors see all problems at once.
#[derive(Debug, Clone)]
pub struct Compilation {
    pub modules: Vec<syntax::ast::Module>,
    pub program: ir::Program,
    /// Name tables built while checking, for IDE queries and the CLI.
    pub symbols: check::Symbols,
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        diagnostics::has_errors(&self.diagnostics)
    }
}

/// Parse and check every file in `sources`.
pub fn compile(sources: &Sources) -> Compilation {
    let mut diagnostics = Vec::new();
    let mut modules = Vec::new();
    for file in sources.ids() {
        let (module, mut parse_diagnostics) = syntax::parse(sources, file);
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
