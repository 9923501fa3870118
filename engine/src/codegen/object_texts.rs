//! Text fields in a shared library's C ABI (docs/aot.md, "Texts").
//!
//! An input text is a `const char *` (NUL-terminated UTF-8) in its slot;
//! the compiled code never reads it, it only names it as a piece. An
//! output text's slot holds the kernel's piece mask, and this module
//! generates, per text output field, the exported accessor
//!
//! ```c
//! size_t avtal_<entry>_<field>_text(const struct <entry>Output *out,
//!     const struct <entry>Input *in, char *buf, size_t cap);
//! ```
//!
//! which concatenates the present pieces into `buf` the way `snprintf`
//! does: at most `cap - 1` bytes and a NUL, returning the full length.
//! The constant pieces live in one read-only data object per field; the
//! copying calls libc's `memcpy` and `strlen`, imported (the library is
//! linked with `cc`, which resolves them). This module does not decide
//! which pieces a text has: the translator did (`translate.rs`,
//! `text_mask`), and the JIT decodes the same mask with `layout::decode_text`.

use cranelift_codegen::ir::{
    AbiParam, BlockArg, InstBuilder, MemFlagsData, Value, condcodes::IntCC, types,
};
use cranelift_frontend::FunctionBuilder;
use cranelift_module::{DataDescription, FuncId as ClifFuncId, Linkage, Module};

use super::layout::{RecordLayout, TextPiece};
use super::object::{define_function, to_block};
use super::{CodegenError, cranelift};

/// The exported name of the accessor of output field `field_c_name` (its
/// name in the header's struct) of entry point `entry_c_name`.
pub fn text_accessor_name(entry_c_name: &str, field_c_name: &str) -> String {
    format!("avtal_{entry_c_name}_{field_c_name}_text")
}

/// libc's `memcpy` and `strlen`, declared as imports of the object.
struct Libc {
    memcpy: ClifFuncId,
    strlen: ClifFuncId,
}

fn declare_libc<M: Module>(module: &mut M) -> Result<Libc, CodegenError> {
    let pointer = module.target_config().pointer_type();
    let mut memcpy = module.make_signature();
    memcpy.params.push(AbiParam::new(pointer)); // dest
    memcpy.params.push(AbiParam::new(pointer)); // src
    memcpy.params.push(AbiParam::new(pointer)); // n (size_t)
    memcpy.returns.push(AbiParam::new(pointer));
    let mut strlen = module.make_signature();
    strlen.params.push(AbiParam::new(pointer));
    strlen.returns.push(AbiParam::new(pointer));
    Ok(Libc {
        memcpy: module
            .declare_function("memcpy", Linkage::Import, &memcpy)
            .map_err(cranelift)?,
        strlen: module
            .declare_function("strlen", Linkage::Import, &strlen)
            .map_err(cranelift)?,
    })
}

/// Where one piece's bytes come from in the accessor.
enum Source {
    /// `length` bytes at `offset` in the field's constant data.
    Const { offset: i64, length: i64 },
    /// The NUL-terminated text whose pointer is at `offset` in `in`.
    Input { offset: i32 },
}

/// The constant pieces' bytes, concatenated, and each piece's source.
fn piece_sources(
    pieces: &[TextPiece],
    input: &RecordLayout,
) -> Result<(Vec<u8>, Vec<Source>), CodegenError> {
    let mut bytes = Vec::new();
    let mut sources = Vec::with_capacity(pieces.len());
    for piece in pieces {
        sources.push(match piece {
            TextPiece::Const(text) => {
                let offset = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
                bytes.extend_from_slice(text.as_bytes());
                Source::Const {
                    offset,
                    length: i64::try_from(text.len()).unwrap_or(i64::MAX),
                }
            }
            TextPiece::Input(index) => {
                let slot = input
                    .fields
                    .get(*index)
                    .ok_or(CodegenError::Internal("a text piece of no input field"))?;
                Source::Input {
                    offset: i32::try_from(slot.offset).unwrap_or(i32::MAX),
                }
            }
        });
    }
    Ok((bytes, sources))
}

fn first_result(
    b: &FunctionBuilder,
    call: cranelift_codegen::ir::Inst,
) -> Result<Value, CodegenError> {
    b.inst_results(call)
        .first()
        .copied()
        .ok_or(CodegenError::Internal("a libc call's result"))
}

/// One text output field: where its mask is, what its pieces are.
pub struct TextField<'a> {
    /// The exported symbol ([`text_accessor_name`]).
    pub name: &'a str,
    /// Byte offset of the mask in the output struct.
    pub output_offset: i32,
    pub pieces: &'a [TextPiece],
}

/// Define the accessor of one text output field (see the module docs).
pub fn define_text_accessor<M: Module>(
    module: &mut M,
    field: &TextField,
    input: &RecordLayout,
) -> Result<(), CodegenError> {
    if field.pieces.len() > 63 {
        return Err(CodegenError::Internal(
            "a text result of more than 63 pieces",
        ));
    }
    let pointer = module.target_config().pointer_type();
    let libc = declare_libc(module)?;
    let (constants, sources) = piece_sources(field.pieces, input)?;
    // The constant pieces, read-only and local to the library.
    let data = if constants.is_empty() {
        None
    } else {
        let id = module
            .declare_data(
                &format!("{}_pieces", field.name),
                Linkage::Local,
                false,
                false,
            )
            .map_err(cranelift)?;
        let mut description = DataDescription::new();
        description.define(constants.into_boxed_slice());
        module.define_data(id, &description).map_err(cranelift)?;
        Some(id)
    };

    let mut signature = module.make_signature();
    signature.params.push(AbiParam::new(pointer)); // out
    signature.params.push(AbiParam::new(pointer)); // in
    signature.params.push(AbiParam::new(pointer)); // buf
    signature.params.push(AbiParam::new(pointer)); // cap (size_t)
    signature.returns.push(AbiParam::new(pointer));
    define_function(module, field.name, signature, |module, b, params| {
        let (output, input_ptr, buf, cap) = match params {
            [o, i, buf, cap] => (*o, *i, *buf, *cap),
            _ => return Err(CodegenError::Internal("the text accessor's parameters")),
        };
        // `limit`: how many bytes of text fit before the NUL; 0 when there
        // is no buffer at all (buf NULL or cap 0), so nothing is written.
        let zero = b.ins().iconst(pointer, 0);
        let has_buf = b.ins().icmp_imm_u(IntCC::NotEqual, buf, 0);
        let usable_cap = b.ins().select(has_buf, cap, zero);
        let has_room = b.ins().icmp_imm_u(IntCC::NotEqual, usable_cap, 0);
        let one = b.ins().uextend(pointer, has_room);
        let limit = b.ins().isub(usable_cap, one);

        // Null `out` or `in`: the empty text, length 0.
        let finish = b.create_block();
        b.append_block_param(finish, pointer);
        let body = b.create_block();
        let no_out = b.ins().icmp_imm_u(IntCC::Equal, output, 0);
        let no_in = b.ins().icmp_imm_u(IntCC::Equal, input_ptr, 0);
        let null = b.ins().bor(no_out, no_in);
        b.ins()
            .brif(null, finish, &[BlockArg::Value(zero)], body, &[]);
        to_block(b, body);
        let mask = b.ins().load(
            types::I64,
            MemFlagsData::trusted(),
            output,
            field.output_offset,
        );
        let mut length = zero;
        for (bit, source) in sources.iter().enumerate() {
            let bit_value = 1i64 << bit;
            let present = b.ins().band_imm_u(mask, bit_value);
            let (here, next) = (b.create_block(), b.create_block());
            b.append_block_param(next, pointer);
            b.ins()
                .brif(present, here, &[], next, &[BlockArg::Value(length)]);
            to_block(b, here);
            let (from, piece_length) = piece_bytes(b, module, &libc, data, source, input_ptr)?;
            // Copy what still fits: min(piece_length, limit - length), or
            // nothing once the buffer is full.
            let fits = b.ins().icmp(IntCC::UnsignedLessThan, length, limit);
            let left = b.ins().isub(limit, length);
            let room = b.ins().select(fits, left, zero);
            let count = b.ins().umin(piece_length, room);
            let (copy, copied) = (b.create_block(), b.create_block());
            b.ins().brif(count, copy, &[], copied, &[]);
            to_block(b, copy);
            let to = b.ins().iadd(buf, length);
            let memcpy = module.declare_func_in_func(libc.memcpy, b.func);
            b.ins().call(memcpy, &[to, from, count]);
            b.ins().jump(copied, &[]);
            to_block(b, copied);
            let longer = b.ins().iadd(length, piece_length);
            b.ins().jump(next, &[BlockArg::Value(longer)]);
            to_block(b, next);
            length = b
                .block_params(next)
                .first()
                .copied()
                .ok_or(CodegenError::Internal("the accessor's length"))?;
        }
        b.ins().jump(finish, &[BlockArg::Value(length)]);
        to_block(b, finish);
        let total = b
            .block_params(finish)
            .first()
            .copied()
            .ok_or(CodegenError::Internal("the accessor's length"))?;
        // The NUL after what was written, when there is a buffer.
        let (terminate, done) = (b.create_block(), b.create_block());
        b.ins().brif(has_room, terminate, &[], done, &[]);
        to_block(b, terminate);
        let written = b.ins().umin(total, limit);
        let at = b.ins().iadd(buf, written);
        let nul = b.ins().iconst(types::I8, 0);
        b.ins().store(MemFlagsData::trusted(), nul, at, 0);
        b.ins().jump(done, &[]);
        to_block(b, done);
        b.ins().return_(&[total]);
        Ok(())
    })?;
    Ok(())
}

/// The address and length of one present piece. An input text whose
/// pointer is NULL (the entry point refuses those, but `in` may be another
/// record) is the empty text rather than a crash in `strlen`.
fn piece_bytes<M: Module>(
    b: &mut FunctionBuilder,
    module: &mut M,
    libc: &Libc,
    data: Option<cranelift_module::DataId>,
    source: &Source,
    input_ptr: Value,
) -> Result<(Value, Value), CodegenError> {
    let pointer = module.target_config().pointer_type();
    match *source {
        Source::Const { offset, length } => {
            let data = data.ok_or(CodegenError::Internal("a constant piece without data"))?;
            let global = module.declare_data_in_func(data, b.func);
            let base = b.ins().symbol_value(pointer, global);
            let from = b.ins().iadd_imm_s(base, offset);
            let length = b.ins().iconst(pointer, length);
            Ok((from, length))
        }
        Source::Input { offset } => {
            let text = b
                .ins()
                .load(pointer, MemFlagsData::trusted(), input_ptr, offset);
            let (measure, measured) = (b.create_block(), b.create_block());
            b.append_block_param(measured, pointer);
            let zero = b.ins().iconst(pointer, 0);
            b.ins()
                .brif(text, measure, &[], measured, &[BlockArg::Value(zero)]);
            to_block(b, measure);
            let strlen = module.declare_func_in_func(libc.strlen, b.func);
            let call = b.ins().call(strlen, &[text]);
            let length = first_result(b, call)?;
            b.ins().jump(measured, &[BlockArg::Value(length)]);
            to_block(b, measured);
            let length = b
                .block_params(measured)
                .first()
                .copied()
                .ok_or(CodegenError::Internal("a piece's length"))?;
            Ok((text, length))
        }
    }
}
