//! Name resolution and type checking with units: AST → typed IR.
//!
//! The checker never stops at the first error: it reports every problem
//! it finds and builds as much IR as it can, with `Type::Error` standing in
//! where a type is unknown, so that one mistake gives one diagnostic.
//!
//! Order of work: declare every item of every module (ids, duplicates),
//! resolve type signatures, then check bodies. Function bodies are checked
//! on demand, callee before caller, so that a call knows its callee's static
//! result scale; the same walk finds recursion.

mod blocks;
mod calls;
mod classes;
mod compound;
mod confusables;
mod declare;
mod expr;
mod fractions;
mod items;
mod literals;
mod matches;
mod scale;
mod scope;
mod suggest;
mod tables;
pub mod units;
pub mod windows;

use std::collections::HashMap;

use crate::diagnostics::Diagnostic;
use crate::ir::{FuncId, Program};
use crate::source::{Sources, Span};
use crate::syntax::ast;
use crate::types::{EnumId, RecordId, Scale, Type};

pub use scale::storage_scale;

/// What a top-level name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemRef {
    Param(crate::ir::ParamId),
    Record(RecordId),
    Enum(EnumId),
    Func(FuncId),
    Classes(crate::ir::ClassesId),
}

/// One named top-level definition, for IDE queries and the CLI.
#[derive(Debug, Clone)]
pub struct Symbol {
    pub name: String,
    pub module: String,
    pub item: ItemRef,
    /// The span of the name in its definition.
    pub span: Span,
}

/// What a resolved use of a name points at (IDE side table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefTarget {
    Item(ItemRef),
    /// A record field: record and field index.
    Field(RecordId, u32),
    /// An enum variant: enum and variant index.
    Variant(EnumId, u32),
    /// A class of a `classes` item, by index.
    Class(crate::ir::ClassesId, u32),
}

/// Name tables built while checking.
#[derive(Debug, Clone, Default)]
pub struct Symbols {
    pub symbols: Vec<Symbol>,
    /// Module path → index of the AST module(s) that declare it.
    pub modules: HashMap<String, Vec<usize>>,
    /// Every name use the checker resolved to a top-level item, a field or
    /// a variant: (span of the use, target). Locals are not listed.
    pub references: Vec<(Span, RefTarget)>,
    /// The type of each name and field expression checked: (span, type).
    pub types: Vec<(Span, Type)>,
}

/// Check all modules together.
pub fn check(sources: &Sources, modules: &[ast::Module]) -> (Program, Symbols, Vec<Diagnostic>) {
    let mut checker = Checker::new(sources, modules);
    checker
        .diagnostics
        .extend(confusables::check(sources, modules));
    checker.declare_all();
    // Every top-level name is known from here on: suggestions may index them.
    checker.items_declared = true;
    checker.resolve_signatures();
    checker.check_classes();
    checker.check_params();
    checker.check_functions();
    checker.check_examples();
    if !checker.diagnostics.iter().any(|d| d.is_error()) {
        // The stdlib's classes are verified by its own tests, not at every
        // compilation of a program that uses them.
        let is_stdlib = |file| sources.get(file).is_some_and(|f| f.is_stdlib);
        let found = windows::verify(&checker.program, |classes| !is_stdlib(classes.span.file));
        checker.diagnostics.extend(found);
    }
    // Bodies are checked in call order; entry points are kept in source order.
    checker.program.entries.sort_by_key(|e| e.function);
    let mut symbols = checker.symbols();
    symbols.references = std::mem::take(&mut checker.references);
    symbols.types = std::mem::take(&mut checker.types);
    checker.program.sources = sources.clone();
    (checker.program, symbols, checker.diagnostics)
}

/// Where a function's body lives in the AST.
#[derive(Debug, Clone, Copy)]
enum FuncSource<'a> {
    Rule(&'a ast::Rule),
    Table(&'a ast::Table),
    Condition(&'a ast::Condition),
    Limit(&'a ast::Limit),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CheckState {
    Unchecked,
    InProgress,
    Done,
}

/// A local variable in scope while checking a body.
#[derive(Debug, Clone)]
struct Local {
    name: String,
    id: crate::ir::LocalId,
    ty: Type,
    scale: Scale,
}

/// Per-body state; saved and restored around on-demand checks of callees.
#[derive(Debug, Clone, Default)]
struct BodyContext {
    module: usize,
    /// The locals in scope, innermost last.
    locals: Vec<Local>,
    /// Name → indices in `locals` of the locals with that name, innermost
    /// last: a lookup costs the same with 10 or 100,000 locals in scope.
    /// Kept in step by `push_local` and `truncate_locals`.
    local_index: HashMap<String, Vec<usize>>,
    n_locals: u32,
    /// The body's parameters are its first locals, `0..n_params`.
    n_params: u32,
}

struct Checker<'a> {
    sources: &'a Sources,
    modules: &'a [ast::Module],
    program: Program,
    diagnostics: Vec<Diagnostic>,
    /// Module path of each AST module (files without a header get their
    /// file name as an anonymous path).
    module_paths: Vec<String>,
    /// Module path → name → definitions.
    items: HashMap<String, HashMap<String, Vec<(ItemRef, Span)>>>,
    /// Per AST module: module paths whose items are in scope (itself first).
    visible: Vec<Vec<String>>,
    func_sources: Vec<(usize, FuncSource<'a>)>,
    /// The AST of each `classes` item, by `ClassesId`.
    classes_sources: Vec<(usize, &'a ast::Classes)>,
    func_state: Vec<CheckState>,
    /// Static scale of each function's result.
    func_scale: Vec<Scale>,
    /// The functions whose bodies are being checked, outermost first.
    call_stack: Vec<FuncId>,
    param_sources: Vec<(usize, &'a ast::Param)>,
    ctx: BodyContext,
    /// IDE side tables (see [`Symbols::references`] and [`Symbols::types`]).
    references: Vec<(Span, RefTarget)>,
    types: Vec<(Span, Type)>,
    /// Set once every item is declared; the indexes below are built only
    /// then, so that they hold every name.
    items_declared: bool,
    /// Per AST module: an index of the top-level names visible from it, for
    /// "did you mean" (built on the first unknown name).
    name_indexes: HashMap<usize, suggest::NameIndex>,
    /// Per AST module: variant name → the visible enums that have it, with
    /// the variant's index (built on the first bare name that is not found).
    variant_indexes: HashMap<usize, HashMap<String, Vec<(EnumId, u32)>>>,
}
