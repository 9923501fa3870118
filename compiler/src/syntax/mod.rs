//! Parsing: source text → AST, with syntax diagnostics.
//!
//! Parsing never fails: a file with syntax errors still yields the items
//! that parsed, and one diagnostic per broken item. The grammar is
//! `grammar/avtal.pest`; [`parser`] runs it one top-level chunk at a time
//! and builds the [`ast`]; [`rule_names`] turns grammar rule names into the
//! words users see.

pub mod ast;
pub mod parser;
pub mod rule_names;

mod parser_error;
mod parser_compound;
mod parser_expr;
mod parser_items;
#[cfg(test)]
mod parser_error_tests;
#[cfg(test)]
mod parser_tests;

pub use parser::parse;
