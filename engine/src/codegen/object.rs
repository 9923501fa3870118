//! Ahead-of-time: an ELF object file with C-ABI entry points, for
//! `avtal build` to link into a shared library (docs/aot.md).
//!
//! Each entry point gets the JIT's record function (`build` in `jit.rs`,
//! the same translator, here a local symbol) and two exported wrappers
//! generated in Cranelift:
//!
//! - `int32_t avtal_<entry>(const In *in, Out *out, AvtalError *err)`
//!   checks its arguments (null pointers, enum tags, dates, times, bools,
//!   list lengths and every list element: `object_checks.rs`), calls the
//!   record function and turns its status into an [`ErrorCode`];
//! - `int32_t avtal_<entry>_batch(const In *in, Out *out, uint64_t n,
//!   int32_t *codes, AvtalError *err)` runs the first over `n` records;
//! - per text output field, `avtal_<entry>_<field>_text`, which spells
//!   the text out of the slot's piece mask (`object_texts.rs`).
//!
//! There is no interpreter behind the library, so a record the fixed point
//! cannot compute is an error code, never a value. Nothing here does IO:
//! the caller writes the bytes and runs the linker.

use cranelift_codegen::ir::{
    AbiParam, Block, BlockArg, InstBuilder, MemFlagsData, Signature, UserFuncName, Value,
    condcodes::IntCC, types,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{FuncId as ClifFuncId, Linkage, Module, default_libcall_names};
use cranelift_object::{ObjectBuilder, ObjectModule};

use super::abi::c_fields;
use super::jit::{Failures, build, host_isa};
use super::layout::{Encoding, RecordLayout, TextPiece};
use super::object_checks::{FieldCheck, emit_checks, input_checks};
use super::object_texts::{TextField, define_text_accessor, text_accessor_name};
use super::{CodegenError, NativeStatus, cranelift};
use avtal_compiler::ir::{FuncId, Program};
use avtal_compiler::types::Type;

/// The version of the calling convention, the error struct and the record
/// layouts; `avtal_<library>_abi_version()` returns it.
pub const ABI_VERSION: i32 = 1;

/// Return codes of the C entry points (`AVTAL_…` in the header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum ErrorCode {
    Ok = 0,
    Range = 1,
    DivisionByZero = 2,
    BeforeFirstDate = 3,
    DateRange = 4,
    NoTableRow = 5,
    BadInput = 6,
    EmptyList = 7,
    ReversedInterval = 8,
    Refused = 9,
    NullArgument = 10,
    BadEnum = 11,
    BadDate = 12,
    BadBool = 13,
    BadTime = 14,
    BadLength = 15,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 16] = [
        ErrorCode::Ok,
        ErrorCode::Range,
        ErrorCode::DivisionByZero,
        ErrorCode::BeforeFirstDate,
        ErrorCode::DateRange,
        ErrorCode::NoTableRow,
        ErrorCode::BadInput,
        ErrorCode::EmptyList,
        ErrorCode::ReversedInterval,
        ErrorCode::Refused,
        ErrorCode::NullArgument,
        ErrorCode::BadEnum,
        ErrorCode::BadDate,
        ErrorCode::BadBool,
        ErrorCode::BadTime,
        ErrorCode::BadLength,
    ];

    pub fn from_i32(code: i32) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| *c as i32 == code)
    }

    /// Whether the code is a failure of the record's computation (the
    /// kernel's status, 1 to 9), not a bad argument (10 and up).
    pub fn is_computation(self) -> bool {
        (1..10).contains(&(self as i32))
    }

    /// The constant's name after `AVTAL_`.
    pub fn c_name(self) -> &'static str {
        match self {
            ErrorCode::Ok => "OK",
            ErrorCode::Range => "E_RANGE",
            ErrorCode::DivisionByZero => "E_DIVISION_BY_ZERO",
            ErrorCode::BeforeFirstDate => "E_BEFORE_FIRST_DATE",
            ErrorCode::DateRange => "E_DATE_RANGE",
            ErrorCode::NoTableRow => "E_NO_TABLE_ROW",
            ErrorCode::BadInput => "E_BAD_INPUT",
            ErrorCode::EmptyList => "E_EMPTY_LIST",
            ErrorCode::ReversedInterval => "E_REVERSED_INTERVAL",
            ErrorCode::Refused => "E_REFUSED",
            ErrorCode::NullArgument => "E_NULL_ARGUMENT",
            ErrorCode::BadEnum => "E_BAD_ENUM",
            ErrorCode::BadDate => "E_BAD_DATE",
            ErrorCode::BadBool => "E_BAD_BOOL",
            ErrorCode::BadTime => "E_BAD_TIME",
            ErrorCode::BadLength => "E_BAD_LENGTH",
        }
    }

    /// What it means, for the header's `avtal_strerror`.
    pub fn message(self) -> &'static str {
        match self {
            ErrorCode::Ok => "ok",
            ErrorCode::Range => {
                "out of range of the compiled fixed point; evaluate with `avtal run`"
            }
            ErrorCode::DivisionByZero => "division by zero",
            ErrorCode::BeforeFirstDate => "a param is looked up before its first date",
            ErrorCode::DateRange => "date arithmetic left the supported calendar",
            ErrorCode::NoTableRow => "no row of a decision table matched",
            ErrorCode::BadInput => "the input record holds a value of no field type",
            ErrorCode::EmptyList => "`min` or `max` of a list with no element",
            ErrorCode::ReversedInterval => "an interval of time ends before it starts",
            ErrorCode::Refused => {
                "a clause refuses the record; `avtal run` gives its message and the element"
            }
            ErrorCode::NullArgument => "a required pointer argument is null",
            ErrorCode::BadEnum => "an enum field holds no variant's tag",
            ErrorCode::BadDate => "a date field holds a day number off the calendar",
            ErrorCode::BadBool => "a bool field holds neither 0 nor 1",
            ErrorCode::BadTime => {
                "a time field holds no minute of the day, or a timestamp field a minute off the calendar"
            }
            ErrorCode::BadLength => "a list field's length is negative",
        }
    }

    /// The interpreter's (or the data reader's) diagnostic code for the
    /// same record, as `avtal run` would report it.
    pub fn diagnostic(self) -> Option<&'static str> {
        let failure = match self {
            ErrorCode::DivisionByZero => NativeStatus::DivisionByZero,
            ErrorCode::BeforeFirstDate => NativeStatus::BeforeFirstDate,
            ErrorCode::DateRange => NativeStatus::DateRange,
            ErrorCode::NoTableRow => NativeStatus::NoTableRow,
            ErrorCode::EmptyList => NativeStatus::EmptyList,
            ErrorCode::ReversedInterval => NativeStatus::ReversedInterval,
            ErrorCode::Refused => NativeStatus::Refused,
            ErrorCode::BadEnum => {
                return Some(avtal_compiler::diagnostics::Code::BadEnumValue.as_str());
            }
            ErrorCode::BadDate | ErrorCode::BadBool | ErrorCode::BadTime => {
                return Some(avtal_compiler::diagnostics::Code::BadCell.as_str());
            }
            _ => return None,
        };
        failure.code().map(|c| c.as_str())
    }
}

/// Layout of `struct AvtalError` (docs/aot.md).
pub mod error_struct {
    pub const CODE: i32 = 0;
    pub const FIELD: i32 = 4;
    pub const RECORD: i32 = 8;
    pub const DIAGNOSTIC: i32 = 16;
    pub const DIAGNOSTIC_LEN: usize = 8;
    pub const FIELD_NAME: i32 = 24;
    pub const FIELD_NAME_LEN: usize = 56;
    pub const SIZE: usize = 80;
}

/// One compiled entry point of a library.
#[derive(Debug, Clone)]
pub struct AotEntry {
    /// The entry point's name in the program.
    pub name: String,
    /// Its name in C identifiers (`avtal_<c_name>`, `struct <c_name>Input`).
    pub c_name: String,
    pub input_type: Type,
    pub output_type: Type,
    pub input: RecordLayout,
    pub output: RecordLayout,
    /// Per output field, the pieces of a text result (empty for other
    /// fields), in the order of the mask's bits.
    pub output_texts: Vec<Vec<TextPiece>>,
}

impl AotEntry {
    /// Per output field, the name of its text accessor (`None` for fields
    /// that are not texts).
    pub fn text_accessors(&self) -> Vec<Option<String>> {
        self.output
            .fields
            .iter()
            .zip(c_fields(&self.output))
            .map(|(slot, field)| {
                (slot.encoding == Encoding::Text).then(|| text_accessor_name(&self.c_name, &field))
            })
            .collect()
    }
}

/// An object file and what it holds.
pub struct AotLibrary {
    /// The ELF (or the host's) relocatable object.
    pub object: Vec<u8>,
    /// The library's name in C identifiers.
    pub c_name: String,
    pub entries: Vec<AotEntry>,
}

/// A C identifier from a name: ASCII letters, digits and `_` kept, å/ä →
/// a, ö → o (either case), anything else `_`.
pub fn c_identifier(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'Å' | 'Ä' => 'A',
            'ö' => 'o',
            'Ö' => 'O',
            c if c.is_ascii_alphanumeric() || c == '_' => c,
            _ => '_',
        })
        .collect();
    if out.chars().next().is_none_or(|c| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// Compile `entries` (each one record in, one out) into one object file
/// named `library`. The first entry that cannot be compiled fails the
/// whole object; check entries one by one with
/// `engine::PreparedEntry::not_compiled` first to skip those.
pub fn build_library(
    program: &Program,
    entries: &[FuncId],
    library: &str,
) -> Result<AotLibrary, CodegenError> {
    let isa = host_isa(true)?;
    let builder =
        ObjectBuilder::new(isa, library.as_bytes(), default_libcall_names()).map_err(cranelift)?;
    let mut module = ObjectModule::new(builder);
    let lib_name = c_identifier(library);
    let mut compiled = Vec::with_capacity(entries.len());
    for entry in entries {
        let function = program
            .function(*entry)
            .ok_or(CodegenError::Internal("an entry point that does not exist"))?;
        let [(_, input_type)] = function.params.as_slice() else {
            return Err(CodegenError::NotAnEntryPoint);
        };
        let input = RecordLayout::of(program, input_type)?;
        let output = RecordLayout::of(program, &function.ret)?;
        let c_name = c_identifier(&function.name);
        let (kernel, output_texts) = build(
            &mut module,
            program,
            function,
            &input,
            &output,
            (
                &format!("avtal_kernel_{c_name}"),
                Linkage::Local,
                Failures::Reported,
            ),
            None,
        )?;
        let checks = input_checks(program, &input);
        let single = define_single(&mut module, &c_name, kernel, &checks)?;
        define_batch(&mut module, &c_name, single, &input, &output)?;
        let aot_entry = AotEntry {
            name: function.name.clone(),
            c_name,
            input_type: input_type.clone(),
            output_type: function.ret.clone(),
            input,
            output,
            output_texts,
        };
        define_text_accessors(&mut module, &aot_entry)?;
        compiled.push(aot_entry);
    }
    define_version(&mut module, &lib_name)?;
    let object = module.finish().emit().map_err(cranelift)?;
    Ok(AotLibrary {
        object,
        c_name: lib_name,
        entries: compiled,
    })
}

/// `bytes` (at most `len - 1` of them, cut at a character boundary, then
/// NUL-padded to `len`) as native-endian `i64` words.
pub(super) fn text_words(text: &str, len: usize) -> Vec<i64> {
    let mut end = text.len().min(len.saturating_sub(1));
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut bytes = text.as_bytes().get(..end).unwrap_or_default().to_vec();
    bytes.resize(len, 0);
    bytes
        .chunks(8)
        .map(|chunk| {
            let mut word = [0u8; 8];
            for (to, from) in word.iter_mut().zip(chunk) {
                *to = *from;
            }
            i64::from_ne_bytes(word)
        })
        .collect()
}

pub(super) fn store_words(b: &mut FunctionBuilder, base: Value, offset: i32, words: &[i64]) {
    let flags = MemFlagsData::trusted();
    for (i, word) in words.iter().enumerate() {
        let value = b.ins().iconst(types::I64, *word);
        let at = offset + i32::try_from(i * 8).unwrap_or(0);
        b.ins().store(flags, value, base, at);
    }
}

pub(super) fn new_block(b: &mut FunctionBuilder) -> Block {
    b.create_block()
}

/// Switch to `block`, whose predecessors are all known.
pub(super) fn to_block(b: &mut FunctionBuilder, block: Block) {
    b.switch_to_block(block);
    b.seal_block(block);
}

/// Fill `err` (when not null) with a code, a field index and its name,
/// then return the code.
pub(super) fn report_and_return(
    b: &mut FunctionBuilder,
    err: Value,
    code: ErrorCode,
    field: Option<(i32, &str)>,
) {
    let write = new_block(b);
    let done = new_block(b);
    b.ins().brif(err, write, &[], done, &[]);
    to_block(b, write);
    let flags = MemFlagsData::trusted();
    let code_value = b.ins().iconst(types::I32, i64::from(code as i32));
    b.ins().store(flags, code_value, err, error_struct::CODE);
    let (index, name) = field.unwrap_or((-1, ""));
    let index = b.ins().iconst(types::I32, i64::from(index));
    b.ins().store(flags, index, err, error_struct::FIELD);
    let diagnostic = text_words(
        code.diagnostic().unwrap_or(""),
        error_struct::DIAGNOSTIC_LEN,
    );
    store_words(b, err, error_struct::DIAGNOSTIC, &diagnostic);
    let name = text_words(name, error_struct::FIELD_NAME_LEN);
    store_words(b, err, error_struct::FIELD_NAME, &name);
    b.ins().jump(done, &[]);
    to_block(b, done);
    let code_value = b.ins().iconst(types::I32, i64::from(code as i32));
    b.ins().return_(&[code_value]);
}

/// Zero `err` (when not null): code 0, field −1, record 0, empty texts.
fn clear_error(b: &mut FunctionBuilder, err: Value) {
    let write = new_block(b);
    let done = new_block(b);
    b.ins().brif(err, write, &[], done, &[]);
    to_block(b, write);
    let words = vec![0i64; error_struct::SIZE / 8];
    store_words(b, err, 0, &words);
    let flags = MemFlagsData::trusted();
    let minus_one = b.ins().iconst(types::I32, -1);
    b.ins().store(flags, minus_one, err, error_struct::FIELD);
    b.ins().jump(done, &[]);
    to_block(b, done);
}

fn define_single<M: Module>(
    module: &mut M,
    c_name: &str,
    kernel: ClifFuncId,
    checks: &[FieldCheck],
) -> Result<ClifFuncId, CodegenError> {
    let pointer = module.target_config().pointer_type();
    let mut signature = module.make_signature();
    for _ in 0..3 {
        signature.params.push(AbiParam::new(pointer));
    }
    signature.returns.push(AbiParam::new(types::I32));
    let name = format!("avtal_{c_name}");
    define_function(module, &name, signature, |module, b, params| {
        let (input, output, err) = match params {
            [i, o, e] => (*i, *o, *e),
            _ => return Err(CodegenError::Internal("the wrapper's parameters")),
        };
        clear_error(b, err);
        let input_null = b.ins().icmp_imm_s(IntCC::Equal, input, 0);
        let output_null = b.ins().icmp_imm_s(IntCC::Equal, output, 0);
        let null = b.ins().bor(input_null, output_null);
        let (bad, good) = (new_block(b), new_block(b));
        b.ins().brif(null, bad, &[], good, &[]);
        to_block(b, bad);
        report_and_return(b, err, ErrorCode::NullArgument, None);
        to_block(b, good);
        emit_checks(b, input, err, checks)?;
        let callee = module.declare_func_in_func(kernel, b.func);
        let call = b.ins().call(callee, &[input, output]);
        let status = b
            .inst_results(call)
            .first()
            .copied()
            .ok_or(CodegenError::Internal("the record function's result"))?;
        let (failed, computed) = (new_block(b), new_block(b));
        b.ins().brif(status, failed, &[], computed, &[]);
        to_block(b, computed);
        let zero = b.ins().iconst(types::I32, 0);
        b.ins().return_(&[zero]);
        to_block(b, failed);
        // The kernel's failures are the codes below 10: one block each, so
        // every report is a constant.
        for code in ErrorCode::ALL {
            let value = code as i32;
            if !code.is_computation() {
                continue;
            }
            let is = b.ins().icmp_imm_s(IntCC::Equal, status, i64::from(value));
            let (this, next) = (new_block(b), new_block(b));
            b.ins().brif(is, this, &[], next, &[]);
            to_block(b, this);
            report_and_return(b, err, code, None);
            to_block(b, next);
        }
        report_and_return(b, err, ErrorCode::BadInput, None);
        Ok(())
    })
}

fn define_batch<M: Module>(
    module: &mut M,
    c_name: &str,
    single: ClifFuncId,
    input: &RecordLayout,
    output: &RecordLayout,
) -> Result<(), CodegenError> {
    let pointer = module.target_config().pointer_type();
    let mut signature = module.make_signature();
    signature.params.push(AbiParam::new(pointer)); // in
    signature.params.push(AbiParam::new(pointer)); // out
    signature.params.push(AbiParam::new(types::I64)); // n
    signature.params.push(AbiParam::new(pointer)); // codes
    signature.params.push(AbiParam::new(pointer)); // err
    signature.returns.push(AbiParam::new(types::I32));
    let in_stride = i64::try_from(input.stride).unwrap_or(i64::MAX);
    let out_stride = i64::try_from(output.stride).unwrap_or(i64::MAX);
    let name = format!("avtal_{c_name}_batch");
    define_function(module, &name, signature, |module, b, params| {
        let (inputs, outputs, n, codes, err) = match params {
            [i, o, n, c, e] => (*i, *o, *n, *c, *e),
            _ => return Err(CodegenError::Internal("the batch wrapper's parameters")),
        };
        clear_error(b, err);
        let empty = b.ins().icmp_imm_s(IntCC::Equal, n, 0);
        let (nothing, some) = (new_block(b), new_block(b));
        b.ins().brif(empty, nothing, &[], some, &[]);
        to_block(b, nothing);
        let zero = b.ins().iconst(types::I32, 0);
        b.ins().return_(&[zero]);
        to_block(b, some);
        let input_null = b.ins().icmp_imm_s(IntCC::Equal, inputs, 0);
        let output_null = b.ins().icmp_imm_s(IntCC::Equal, outputs, 0);
        let null = b.ins().bor(input_null, output_null);
        let (bad, good) = (new_block(b), new_block(b));
        b.ins().brif(null, bad, &[], good, &[]);
        to_block(b, bad);
        report_and_return(b, err, ErrorCode::NullArgument, None);
        to_block(b, good);

        // for (i = 0, first = 0; i < n; i++) { … }
        let header = new_block(b);
        b.append_block_param(header, types::I64);
        b.append_block_param(header, types::I32);
        let body = new_block(b);
        let exit = new_block(b);
        b.append_block_param(exit, types::I32);
        let zero64 = b.ins().iconst(types::I64, 0);
        let zero32 = b.ins().iconst(types::I32, 0);
        b.ins()
            .jump(header, &[BlockArg::Value(zero64), BlockArg::Value(zero32)]);
        b.switch_to_block(header);
        let (i, first) = match b.block_params(header) {
            [i, f] => (*i, *f),
            _ => return Err(CodegenError::Internal("the batch loop's parameters")),
        };
        let more = b.ins().icmp(IntCC::UnsignedLessThan, i, n);
        b.ins()
            .brif(more, body, &[], exit, &[BlockArg::Value(first)]);
        to_block(b, body);
        let in_offset = b.ins().imul_imm_s(i, in_stride);
        let record_in = b.ins().iadd(inputs, in_offset);
        let out_offset = b.ins().imul_imm_s(i, out_stride);
        let record_out = b.ins().iadd(outputs, out_offset);
        // Only the first failing record fills `err`.
        let null_pointer = b.ins().iconst(pointer, 0);
        let record_err = b.ins().select(first, null_pointer, err);
        let callee = module.declare_func_in_func(single, b.func);
        let call = b.ins().call(callee, &[record_in, record_out, record_err]);
        let code = b
            .inst_results(call)
            .first()
            .copied()
            .ok_or(CodegenError::Internal("the wrapper's result"))?;
        let (store, stored) = (new_block(b), new_block(b));
        b.ins().brif(codes, store, &[], stored, &[]);
        to_block(b, store);
        let code_offset = b.ins().imul_imm_s(i, 4);
        let code_at = b.ins().iadd(codes, code_offset);
        b.ins().store(MemFlagsData::trusted(), code, code_at, 0);
        b.ins().jump(stored, &[]);
        to_block(b, stored);
        let is_first = b.ins().icmp_imm_s(IntCC::Equal, first, 0);
        let failed = b.ins().icmp_imm_s(IntCC::NotEqual, code, 0);
        let has_err = b.ins().icmp_imm_s(IntCC::NotEqual, err, 0);
        let mark = b.ins().band(is_first, failed);
        let mark = b.ins().band(mark, has_err);
        let (write, next) = (new_block(b), new_block(b));
        b.ins().brif(mark, write, &[], next, &[]);
        to_block(b, write);
        b.ins()
            .store(MemFlagsData::trusted(), i, err, error_struct::RECORD);
        b.ins().jump(next, &[]);
        to_block(b, next);
        let first = b.ins().select(first, first, code);
        let i = b.ins().iadd_imm_s(i, 1);
        b.ins()
            .jump(header, &[BlockArg::Value(i), BlockArg::Value(first)]);
        b.seal_block(header);
        to_block(b, exit);
        let result = b
            .block_params(exit)
            .first()
            .copied()
            .ok_or(CodegenError::Internal("the batch loop's result"))?;
        b.ins().return_(&[result]);
        Ok(())
    })?;
    Ok(())
}

/// The text accessor of every text output field of `entry`.
fn define_text_accessors<M: Module>(module: &mut M, entry: &AotEntry) -> Result<(), CodegenError> {
    for ((slot, pieces), name) in entry
        .output
        .fields
        .iter()
        .zip(&entry.output_texts)
        .zip(entry.text_accessors())
    {
        let Some(name) = name else { continue };
        let field = TextField {
            name: &name,
            output_offset: i32::try_from(slot.offset).unwrap_or(i32::MAX),
            pieces,
        };
        define_text_accessor(module, &field, &entry.input)?;
    }
    Ok(())
}

/// `int32_t avtal_<library>_abi_version(void)`.
fn define_version<M: Module>(module: &mut M, library: &str) -> Result<(), CodegenError> {
    let mut signature = module.make_signature();
    signature.returns.push(AbiParam::new(types::I32));
    let name = format!("avtal_{library}_abi_version");
    define_function(module, &name, signature, |_, b, _| {
        let version = b.ins().iconst(types::I32, i64::from(ABI_VERSION));
        b.ins().return_(&[version]);
        Ok(())
    })?;
    Ok(())
}

/// Declare the exported function `name` and define it with what `body`
/// emits. `body` starts in the entry block, given the parameters, and
/// must end every block it opens; it may declare what it calls in
/// `module`.
pub(super) fn define_function<M: Module>(
    module: &mut M,
    name: &str,
    signature: Signature,
    body: impl FnOnce(&mut M, &mut FunctionBuilder, &[Value]) -> Result<(), CodegenError>,
) -> Result<ClifFuncId, CodegenError> {
    let id = module
        .declare_function(name, Linkage::Export, &signature)
        .map_err(cranelift)?;
    let mut context = module.make_context();
    context.func.signature = signature;
    context.func.name = UserFuncName::user(0, id.as_u32());
    let mut builder_context = FunctionBuilderContext::new();
    {
        let mut b = FunctionBuilder::new(&mut context.func, &mut builder_context);
        let entry = new_block(&mut b);
        b.append_block_params_for_function_params(entry);
        to_block(&mut b, entry);
        let params = b.block_params(entry).to_vec();
        body(module, &mut b, &params)?;
        b.finalize(module.target_config());
    }
    module
        .define_function(id, &mut context)
        .map_err(cranelift)?;
    module.clear_context(&mut context);
    Ok(id)
}
