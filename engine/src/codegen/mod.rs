//! The Cranelift back end: a JIT evaluator for `evaluate` entry points,
//! bit-identical to the reference interpreter.
//!
//! Design (ARCHITECTURE.md, "Compiled evaluator"): numbers are inline
//! `i64` mantissas whose scales are fixed at compile time, every
//! arithmetic step is overflow-checked, and anything the fixed-point code
//! cannot do exactly (an overflow, a division, a lookup before a param's
//! first date, any run-time error) sets a per-record *fallback* status; the
//! engine (`crate::engine`) then evaluates that record with the interpreter, which by
//! construction gives the identical result or the identical error.
//! Constructs that are never compiled (`Decimal`, list or nested-record
//! fields, comparing input texts) make the whole entry point fall back at
//! compile time ([`CodegenError`]).
//!
//! Code map: `layout.rs` (record layouts, encoding values into them),
//! `translate.rs` (the `FunctionTranslator`: one `translate_expr` match),
//! `control.rs` (branches, calls, tables, conditions, limits), `numeric.rs`
//! (scaled fixed-point arithmetic and `round`), `lists.rs` (lists with a
//! compile-time bound, aggregates, texts as pieces), `ratio.rs` (exact
//! quotients with a run-time denominator), `calendar.rs` (date arithmetic
//! emitted inline), `jit.rs` (the module and `CompiledEntry`), `object.rs` (an object file with C-ABI entry points for
//! `avtal build`), `object_texts.rs` (its text accessors), `abi.rs` (its C header and JSON Schemas).

#![allow(
    unsafe_code,
    reason = "JIT code is called through function pointers; each unsafe block says why it is sound"
)]

mod abi;
pub mod calendar;
mod class_memo;
mod classes;
mod clock;
mod control;
mod day_memo;
mod day_walks;
mod fuse;
mod fuse_plan;
mod jit;
mod layout;
mod list_equal;
mod lists;
mod numeric;
mod object;
mod object_checks;
mod object_texts;
mod ratio;
mod refuse;
mod seq;
mod speculate;
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

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod calendar_tests;

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod memo_tests;

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod fuse_tests;

pub use abi::{
    CNameClash, CNameKind, CNameSource, c_header, c_member, c_name_clashes, cdef_header,
    exports_source, json_schema,
};
pub use object::{ABI_VERSION, AotEntry, AotLibrary, ErrorCode, build_library, c_identifier};

// The record path (compiled code, layouts, their encodings) is the engine's
// (`crate::engine`); other crates see it only with the `testgen` feature,
// for the tests that check the C ABI of `avtal build` slot by slot.
pub(crate) use jit::encode_record;
pub(crate) use layout::decode_text;

/// The optimised Cranelift IR and machine code of entry point `function`,
/// for reading what the compiler made of a program (the `disassemble`
/// example).
pub fn listing(
    program: &avtal_compiler::ir::Program,
    function: avtal_compiler::ir::FuncId,
) -> Result<String, CodegenError> {
    jit::CompiledEntry::listing(program, function)
}
#[cfg(all(test, not(feature = "testgen")))]
pub(crate) use layout::encode_value;
#[cfg(feature = "testgen")]
pub use {
    abi::c_fields,
    jit::CompiledEntry,
    layout::{
        Encoding, FieldSlot, ListArena, RecordLayout, TextPiece, decode_value, encode_list,
        encode_value,
    },
};
#[cfg(not(feature = "testgen"))]
pub(crate) use {
    jit::CompiledEntry,
    layout::{Encoding, ListArena, RecordLayout, TextPiece, decode_value},
};

/// How compiled code ended on a record: the kernel's status byte. A
/// record that is not `Computed` goes to the interpreter. The first
/// failure met is the one reported, in the interpreter's order of
/// evaluation, so for the interpreter's own errors it is the error the
/// interpreter reports for that record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum NativeStatus {
    /// The result is in the output record.
    Computed = 0,
    /// A value left the `i64` fixed point (or needs an exact fraction where
    /// the compiled code keeps none): not an error of the program; the
    /// interpreter computes the record (or reports E0501).
    Range = 1,
    /// E0502.
    DivisionByZero = 2,
    /// E0503: a param looked up before its first `from` date.
    BeforeFirstDate = 3,
    /// E0504: date arithmetic left the calendar, or `date(y, m, d)` names
    /// no day.
    DateRange = 4,
    /// E0505: no row of a decision table matched.
    NoTableRow = 5,
    /// An enum tag out of range in the input (the JIT's encoder never
    /// produces one; the shared library checks its arguments first).
    BadInput = 6,
    /// E0213: `min` or `max` of a list with no element.
    EmptyList = 7,
    /// E0509: an interval that ends before it starts.
    ReversedInterval = 8,
    /// E0510: a `refuse` whose test held; the interpreter names the
    /// element and gives the clause's message.
    Refused = 9,
    /// The record was not run (never a byte the kernel returns).
    NotRun = 255,
}

impl NativeStatus {
    /// The status of a byte the kernel returned; a byte it never returns
    /// is `NotRun`, so that the record goes to the interpreter.
    pub fn from_byte(status: u8) -> NativeStatus {
        match status {
            0 => NativeStatus::Computed,
            1 => NativeStatus::Range,
            2 => NativeStatus::DivisionByZero,
            3 => NativeStatus::BeforeFirstDate,
            4 => NativeStatus::DateRange,
            5 => NativeStatus::NoTableRow,
            6 => NativeStatus::BadInput,
            7 => NativeStatus::EmptyList,
            8 => NativeStatus::ReversedInterval,
            9 => NativeStatus::Refused,
            _ => NativeStatus::NotRun,
        }
    }

    /// The interpreter's diagnostic code for the same record, when the
    /// status is an error of the program rather than of the fixed point.
    pub fn code(self) -> Option<avtal_compiler::diagnostics::Code> {
        use avtal_compiler::diagnostics::Code;
        match self {
            NativeStatus::Computed
            | NativeStatus::Range
            | NativeStatus::BadInput
            | NativeStatus::NotRun => None,
            NativeStatus::DivisionByZero => Some(Code::DivisionByZero),
            NativeStatus::BeforeFirstDate => Some(Code::BeforeFirstDate),
            NativeStatus::DateRange => Some(Code::DateOutOfRange),
            NativeStatus::NoTableRow => Some(Code::NoTableRow),
            NativeStatus::EmptyList => Some(Code::EmptyList),
            NativeStatus::ReversedInterval => Some(Code::ReversedInterval),
            NativeStatus::Refused => Some(Code::Refused),
        }
    }
}

/// Why an entry point was not compiled. The caller then runs it with the
/// interpreter; none of these is an error of the user's program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodegenError {
    /// The entry point does not take one record and return one record.
    NotAnEntryPoint,
    /// A field of the input or output record has a type the fixed layout
    /// does not hold (lists, nested records, `Decimal`).
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

/// A Cranelift error (module, verifier, settings) as a [`CodegenError`].
fn cranelift<E: std::fmt::Display>(error: E) -> CodegenError {
    CodegenError::Cranelift(error.to_string())
}
