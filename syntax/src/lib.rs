//! The crate `avtal-syntax`: source text in, an AST and diagnostics out;
//! the first layer of the pipeline, which every later one builds on.
//!
//! - `source`: `FileId`, `Span`, `Sources` (file names and texts), lines
//!   and columns;
//! - `syntax`: the pest grammar `grammar/avtal.pest` run item by item, the
//!   AST, and the words users see for grammar rules;
//! - `identifiers`: names in NFC, and invisible characters by code point;
//! - `diagnostics`: the one diagnostic value of every stage, the registry
//!   of codes, rendering (miette, JSON) and the wording of syntax errors.
//!   The wording of the later stages lives with them (`avtal-compiler`'s
//!   `diagnostics::messages`).
//!
//! No IO, and nothing here knows about types, the checker or evaluation.

pub mod diagnostics;
pub mod identifiers;
pub mod source;
pub mod syntax;
