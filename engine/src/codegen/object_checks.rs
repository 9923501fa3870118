//! The argument checks of a shared library's C wrappers (docs/aot.md,
//! "What a library computes, and what it refuses", and "Lists and
//! timestamps").
//!
//! Before `avtal_<entry>` calls the record function it refuses every input
//! value the data reader of `avtal run` could never produce: an enum tag
//! that names no variant, a date, time or timestamp off the calendar or
//! the clock, a bool other than 0 or 1, a NULL text, and for a list field
//! a negative length, a NULL pointer with elements, and any such value in
//! any element. So the record function only ever sees values the
//! interpreter could have been given, and a library never returns a value
//! for a record the interpreter could not evaluate.
//!
//! A bad element names its place as `avtal run` does in JSON Lines:
//! `err->field` is the list field's index and `err->field_name` reads
//! `shifts[3].kind`, the index written at run time. This module decides
//! and emits the checks only; the wrapper around them is `object.rs`.

use cranelift_codegen::ir::{BlockArg, InstBuilder, MemFlagsData, Value, condcodes::IntCC, types};
use cranelift_frontend::FunctionBuilder;

use super::CodegenError;
use super::calendar;
use super::layout::{Encoding, RecordLayout};
use super::object::{
    ErrorCode, error_struct, new_block, report_and_return, store_words, text_words, to_block,
};
use avtal_compiler::clock::DAY_MINUTES;
use avtal_compiler::ir::Program;
use avtal_compiler::types::Type;

/// What the wrapper checks in one input slot.
pub(super) enum Check {
    /// An enum tag: `0 ≤ tag < variants`.
    Enum {
        variants: i64,
    },
    Date,
    /// A minute of the day: `0 ≤ minute < 1440`.
    Time,
    /// A minute from 0001-01-01T00:00 whose day is on the calendar.
    Timestamp,
    Bool,
    /// A text: a `const char *` that must not be NULL.
    Text,
    /// A list: a length `≥ 0`, a pointer that is not NULL when the length
    /// is not 0, and `elements` on each of the elements, `stride` bytes
    /// apart.
    List {
        stride: i64,
        elements: Vec<FieldCheck>,
    },
}

pub(super) struct FieldCheck {
    pub index: i32,
    pub offset: i32,
    pub name: String,
    pub check: Check,
}

/// The checks of every field of `layout` that holds a value the reader
/// of `avtal run` never makes (numbers hold any `i64`: nothing to check).
pub(super) fn input_checks(program: &Program, layout: &RecordLayout) -> Vec<FieldCheck> {
    let mut checks = Vec::new();
    for (index, slot) in layout.fields.iter().enumerate() {
        let check = match (&slot.encoding, &slot.ty) {
            (Encoding::Variant, Type::Enum(id)) => Check::Enum {
                variants: program
                    .enum_info(*id)
                    .map_or(0, |e| i64::try_from(e.variants.len()).unwrap_or(i64::MAX)),
            },
            (Encoding::Date, _) => Check::Date,
            (Encoding::Time, _) => Check::Time,
            (Encoding::Timestamp, _) => Check::Timestamp,
            (Encoding::Bool, _) => Check::Bool,
            (Encoding::Text, _) => Check::Text,
            (Encoding::List, _) => {
                let Some(element) = &slot.element else {
                    continue;
                };
                Check::List {
                    stride: i64::try_from(element.stride).unwrap_or(i64::MAX),
                    elements: input_checks(program, element),
                }
            }
            _ => continue,
        };
        checks.push(FieldCheck {
            index: i32::try_from(index).unwrap_or(i32::MAX),
            offset: i32::try_from(slot.offset).unwrap_or(i32::MAX),
            name: slot.name.clone(),
            check,
        });
    }
    checks
}

/// The first and last minute numbers of the calendar's timestamps.
fn timestamp_bounds() -> (i64, i64) {
    let first = (calendar::min_day() - 1) * DAY_MINUTES;
    let last = calendar::max_day() * DAY_MINUTES - 1;
    (first, last)
}

/// 1 when a scalar slot's `word` is wrong for `check`, and the code that
/// says so; `None` for the checks that are not of one word.
fn wrong_word(b: &mut FunctionBuilder, word: Value, check: &Check) -> Option<(Value, ErrorCode)> {
    let wrong = match check {
        // Unsigned, so a negative tag is as wrong as one too large.
        Check::Enum { variants } => (
            b.ins()
                .icmp_imm_u(IntCC::UnsignedGreaterThanOrEqual, word, *variants),
            ErrorCode::BadEnum,
        ),
        Check::Date => {
            let on = calendar::on_calendar(b, word);
            (b.ins().bxor_imm_u(on, 1), ErrorCode::BadDate)
        }
        Check::Time => (
            b.ins()
                .icmp_imm_u(IntCC::UnsignedGreaterThanOrEqual, word, DAY_MINUTES),
            ErrorCode::BadTime,
        ),
        Check::Timestamp => {
            let (first, last) = timestamp_bounds();
            let below = b.ins().icmp_imm_s(IntCC::SignedLessThan, word, first);
            let above = b.ins().icmp_imm_s(IntCC::SignedGreaterThan, word, last);
            (b.ins().bor(below, above), ErrorCode::BadTime)
        }
        Check::Bool => (
            b.ins().icmp_imm_u(IntCC::UnsignedGreaterThan, word, 1),
            ErrorCode::BadBool,
        ),
        // The kernel never reads the text, but the accessors do.
        Check::Text => (
            b.ins().icmp_imm_u(IntCC::Equal, word, 0),
            ErrorCode::NullArgument,
        ),
        Check::List { .. } => return None,
    };
    Some(wrong)
}

/// Emit `checks` on the record at `input`: each failing check fills `err`
/// and returns its code; the code goes on past the last check.
pub(super) fn emit_checks(
    b: &mut FunctionBuilder,
    input: Value,
    err: Value,
    checks: &[FieldCheck],
) -> Result<(), CodegenError> {
    let flags = MemFlagsData::trusted();
    for check in checks {
        if let Check::List { stride, elements } = &check.check {
            emit_list_check(b, input, err, check, *stride, elements)?;
            continue;
        }
        let word = b.ins().load(types::I64, flags, input, check.offset);
        let Some((wrong, code)) = wrong_word(b, word, &check.check) else {
            return Err(CodegenError::Internal("a list check on one word"));
        };
        let (bad, good) = (new_block(b), new_block(b));
        b.ins().brif(wrong, bad, &[], good, &[]);
        to_block(b, bad);
        report_and_return(b, err, code, Some((check.index, &check.name)));
        to_block(b, good);
    }
    Ok(())
}

/// The checks of list field `list`: its length, its pointer, then each
/// element's fields in order, the first failure reported with the
/// element's index in `err->field_name`.
fn emit_list_check(
    b: &mut FunctionBuilder,
    input: Value,
    err: Value,
    list: &FieldCheck,
    stride: i64,
    elements: &[FieldCheck],
) -> Result<(), CodegenError> {
    let flags = MemFlagsData::trusted();
    let field = Some((list.index, list.name.as_str()));
    let address = b.ins().load(types::I64, flags, input, list.offset);
    let len = b
        .ins()
        .load(types::I64, flags, input, list.offset.saturating_add(8));

    let negative = b.ins().icmp_imm_s(IntCC::SignedLessThan, len, 0);
    let (bad, good) = (new_block(b), new_block(b));
    b.ins().brif(negative, bad, &[], good, &[]);
    to_block(b, bad);
    report_and_return(b, err, ErrorCode::BadLength, field);
    to_block(b, good);

    // NULL is the empty list's pointer too: it is never read then.
    let null = b.ins().icmp_imm_s(IntCC::Equal, address, 0);
    let some = b.ins().icmp_imm_s(IntCC::NotEqual, len, 0);
    let dangling = b.ins().band(null, some);
    let (bad, good) = (new_block(b), new_block(b));
    b.ins().brif(dangling, bad, &[], good, &[]);
    to_block(b, bad);
    report_and_return(b, err, ErrorCode::NullArgument, field);
    to_block(b, good);

    if elements.is_empty() {
        return Ok(());
    }
    // for (i = 0; i < len; i++) { check element i }
    let header = new_block(b);
    b.append_block_param(header, types::I64);
    let (body, exit) = (new_block(b), new_block(b));
    let zero = b.ins().iconst(types::I64, 0);
    b.ins().jump(header, &[BlockArg::Value(zero)]);
    b.switch_to_block(header);
    let index = b
        .block_params(header)
        .first()
        .copied()
        .ok_or(CodegenError::Internal("the element loop's parameter"))?;
    let more = b.ins().icmp(IntCC::SignedLessThan, index, len);
    b.ins().brif(more, body, &[], exit, &[]);
    to_block(b, body);
    // In bounds: 0 ≤ index < len, and the caller passes `len` elements.
    let offset = b.ins().imul_imm_s(index, stride);
    let element = b.ins().iadd(address, offset);
    for check in elements {
        let word = b.ins().load(types::I64, flags, element, check.offset);
        let Some((wrong, code)) = wrong_word(b, word, &check.check) else {
            return Err(CodegenError::Internal("a list inside a list element"));
        };
        let (bad, good) = (new_block(b), new_block(b));
        b.ins().brif(wrong, bad, &[], good, &[]);
        to_block(b, bad);
        report_element_and_return(b, err, code, list, index, &check.name)?;
        to_block(b, good);
    }
    let next = b.ins().iadd_imm_s(index, 1);
    b.ins().jump(header, &[BlockArg::Value(next)]);
    b.seal_block(header);
    to_block(b, exit);
    Ok(())
}

/// Like `report_and_return` for field `field` of element `index` of list
/// `list`: `err->field` is the list's index and `err->field_name` the
/// path `list[index].field`, cut (at a character) to fit its bytes.
fn report_element_and_return(
    b: &mut FunctionBuilder,
    err: Value,
    code: ErrorCode,
    list: &FieldCheck,
    index: Value,
    field: &str,
) -> Result<(), CodegenError> {
    let (write, done) = (new_block(b), new_block(b));
    b.ins().brif(err, write, &[], done, &[]);
    to_block(b, write);
    let flags = MemFlagsData::trusted();
    let code_value = b.ins().iconst(types::I32, i64::from(code as i32));
    b.ins().store(flags, code_value, err, error_struct::CODE);
    let list_index = b.ins().iconst(types::I32, i64::from(list.index));
    b.ins().store(flags, list_index, err, error_struct::FIELD);
    let diagnostic = text_words(
        code.diagnostic().unwrap_or(""),
        error_struct::DIAGNOSTIC_LEN,
    );
    store_words(b, err, error_struct::DIAGNOSTIC, &diagnostic);
    write_element_path(b, err, &list.name, index, field)?;
    b.ins().jump(done, &[]);
    to_block(b, done);
    let code_value = b.ins().iconst(types::I32, i64::from(code as i32));
    b.ins().return_(&[code_value]);
    Ok(())
}

/// The last byte of `err->field_name`, always the terminating NUL.
const NAME_END: i64 = error_struct::FIELD_NAME_LEN as i64 - 1;

/// Write `list[index].field` into `err->field_name`: the constant prefix
/// `list[` (NUL-padded to the end), the decimal digits of `index`, then
/// `].field`; a byte is stored only while its whole character fits
/// before the last byte, so the name is always UTF-8 and NUL-terminated.
fn write_element_path(
    b: &mut FunctionBuilder,
    err: Value,
    list: &str,
    index: Value,
    field: &str,
) -> Result<(), CodegenError> {
    let prefix = format!("{list}[");
    let words = text_words(&prefix, error_struct::FIELD_NAME_LEN);
    store_words(b, err, error_struct::FIELD_NAME, &words);
    let prefix_len = i64::try_from(prefix.len()).unwrap_or(i64::MAX);
    if prefix_len >= NAME_END {
        // Cut already: no room for the index.
        return Ok(());
    }
    // Digits of `index` (0 ≤ index < 2^63, so 1 to 19 of them).
    let mut digits = b.ins().iconst(types::I64, 1);
    let mut power: i64 = 10;
    for _ in 1..19 {
        let at_least = b
            .ins()
            .icmp_imm_u(IntCC::UnsignedGreaterThanOrEqual, index, power);
        let one = b.ins().uextend(types::I64, at_least);
        digits = b.ins().iadd(digits, one);
        power = power.saturating_mul(10);
    }
    // The digits from the last: position prefix_len + digits − 1 down to
    // prefix_len.
    let header = new_block(b);
    b.append_block_param(header, types::I64); // what is left of index
    b.append_block_param(header, types::I64); // position of its last digit
    let exit = new_block(b);
    let last = b.ins().iadd_imm_s(digits, prefix_len - 1);
    b.ins()
        .jump(header, &[BlockArg::Value(index), BlockArg::Value(last)]);
    b.switch_to_block(header);
    let (rest, position) = match b.block_params(header) {
        [rest, position] => (*rest, *position),
        _ => return Err(CodegenError::Internal("the digit loop's parameters")),
    };
    let digit = b.ins().urem_imm_u(rest, 10);
    let digit = b.ins().iadd_imm_s(digit, i64::from(b'0'));
    store_name_byte(b, err, position, position, digit);
    let rest = b.ins().udiv_imm_u(rest, 10);
    let previous = b.ins().iadd_imm_s(position, -1);
    let more = b
        .ins()
        .icmp_imm_s(IntCC::SignedGreaterThan, position, prefix_len);
    b.ins().brif(
        more,
        header,
        &[BlockArg::Value(rest), BlockArg::Value(previous)],
        exit,
        &[],
    );
    b.seal_block(header);
    to_block(b, exit);
    // `].field` after the digits, a whole character or nothing.
    let start = b.ins().iadd_imm_s(digits, prefix_len);
    let suffix = format!("].{field}");
    for (at, c) in suffix.char_indices() {
        let mut bytes = [0u8; 4];
        let encoded = c.encode_utf8(&mut bytes).as_bytes();
        let at = i64::try_from(at).unwrap_or(i64::MAX);
        let width = i64::try_from(encoded.len()).unwrap_or(1);
        let char_last = b.ins().iadd_imm_s(start, at + width - 1);
        for (k, byte) in (0i64..).zip(encoded) {
            let position = b.ins().iadd_imm_s(start, at + k);
            let byte = b.ins().iconst(types::I64, i64::from(*byte));
            store_name_byte(b, err, position, char_last, byte);
        }
    }
    Ok(())
}

/// `err->field_name[position] = byte` when `fits_by` (the position of
/// the last byte of its character) is before the terminating NUL;
/// otherwise the NUL is written again, so nothing outside the name moves.
fn store_name_byte(
    b: &mut FunctionBuilder,
    err: Value,
    position: Value,
    fits_by: Value,
    byte: Value,
) {
    let fits = b.ins().icmp_imm_s(IntCC::SignedLessThan, fits_by, NAME_END);
    let end = b.ins().iconst(types::I64, NAME_END);
    let position = b.ins().select(fits, position, end);
    let zero = b.ins().iconst(types::I64, 0);
    let byte = b.ins().select(fits, byte, zero);
    let at = b.ins().iadd(err, position);
    b.ins()
        .istore8(MemFlagsData::trusted(), byte, at, error_struct::FIELD_NAME);
}
