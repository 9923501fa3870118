//! All diagnostic wording, one file per stage (syntax errors' in
//! `avtal-syntax`, re-exported here). Stages call these
//! constructors with facts (spans, names, type names); nothing else in the
//! compiler writes user-facing prose.
//!
//! Wording rules: lowercase headline, no final period, "expected X, found
//! Y" in the drafter's terms, types and units in backticks, a help line
//! whenever the fix is known.

pub mod check;
pub mod data;
pub mod eval;
pub mod names;
pub use avtal_syntax::diagnostics::messages::syntax;
