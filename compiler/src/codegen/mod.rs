//! The Cranelift back end: a JIT evaluator for `evaluate` entry points,
//! bit-identical to the reference interpreter.
//!
//! Design (ARCHITECTURE.md, "Compiled evaluator"): numbers are inline
//! `i64` mantissas whose scales are fixed at compile time, every
//! arithmetic step is overflow-checked, and anything the fixed-point code
//! cannot do exactly (an overflow, a division, a lookup before a param's
//! first date, any run-time error) sets a per-record *fallback* status; the
//! [`Evaluator`] then evaluates that record with the interpreter, which by
//! construction gives the identical result or the identical error.
//! Constructs that are never compiled (lists, text, `Decimal`) make the
//! whole entry point fall back at compile time ([`CodegenError`]).
//!
//! Code map: `layout.rs` (record layouts, encoding values into them),
//! `translate.rs` (the `FunctionTranslator`: one `translate_expr` match),
//! `control.rs` (branches, calls, tables, conditions, limits), `numeric.rs`
//! (scaled fixed-point arithmetic and `round`), `ratio.rs` (exact
//! quotients with a run-time denominator), `helpers.rs` (`extern "C"`
//! calendar helpers), `jit.rs` (the module, [`CompiledEntry`] and
//! [`Evaluator`]).

#![allow(
    unsafe_code,
    reason = "JIT code is called through function pointers; each unsafe block says why it is sound"
)]

mod control;
pub(crate) mod days;
mod helpers;
mod jit;
mod layout;
mod numeric;
mod ratio;
mod translate;

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod tests;

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod generated_programs;

pub use jit::{CompiledEntry, Evaluator};
pub use layout::{Encoding, FieldSlot, RecordLayout, decode_value, encode_value};

/// Why an entry point was not compiled. The caller then runs it with the
/// interpreter; none of these is an error of the user's program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodegenError {
    /// The entry point does not take one record and return one record.
    NotAnEntryPoint,
    /// A field of the input or output record has a type the fixed layout
    /// does not hold (text, lists, nested records, `Decimal`).
    UnsupportedField { field: String },
    /// A construct the compiled evaluator does not translate.
    Unsupported(&'static str),
    /// The IR is not what the checker produces (a dangling id, say).
    Internal(&'static str),
    /// Cranelift refused the function or the module.
    Cranelift(String),
}

impl std::fmt::Display for CodegenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CodegenError::NotAnEntryPoint => {
                write!(f, "the entry point does not map one record to one record")
            }
            CodegenError::UnsupportedField { field } => {
                write!(
                    f,
                    "field `{field}` has a type the compiled layout does not hold"
                )
            }
            CodegenError::Unsupported(what) => write!(f, "not compiled: {what}"),
            CodegenError::Internal(what) => write!(f, "internal error: {what}"),
            CodegenError::Cranelift(what) => write!(f, "cranelift: {what}"),
        }
    }
}

impl std::error::Error for CodegenError {}
