//! Parsing: source text → AST, with syntax diagnostics.
//!
//! Parsing never fails: a file with syntax errors still yields the items
//! that parsed, and one diagnostic per broken item. The grammar is
//! `grammar/avtal.pest`; [`parser`] runs it one top-level chunk at a time;
//! [`rule_names`] turns grammar rule names into the words users see.
//!
//! Files: `parser_items` (header and items), `parser_expr` (expressions,
//! literals, calls) and `parser_compound` (records, blocks, `if`, `match`,
//! table rows) build the [`ast`] from pest pairs; `parser_error` turns a
//! pest error into a diagnostic, helped by the small lexer in
//! `parser_scan`; `parser_recover` keeps a broken item declared. Names are
//! resolved later, by `check`.

pub mod ast;
pub mod parser;
pub mod rule_names;

mod parser_compound;
mod parser_error;
#[cfg(test)]
mod parser_error_tests;
mod parser_expr;
mod parser_items;
mod parser_recover;
mod parser_scan;
#[cfg(test)]
mod parser_tests;
mod spans;

pub use parser::{ChunkCache, parse, parse_cached};
pub use parser_expr::MAX_TREE_DEPTH;
