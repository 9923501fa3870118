//! The JIT module: compiling an entry point and running batches of
//! records through it (`crate::engine` combines it with the interpreter).

use std::sync::{Arc, Mutex};

use cranelift_codegen::ir::{AbiParam, InstBuilder, UserFuncName, types};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{DataDescription, Linkage, Module, default_libcall_names};

use super::layout::{Encoding, ListArena, RecordLayout, encode_list, encode_value};
use super::translate::FunctionTranslator;
use super::{CodegenError, cranelift};
use avtal_compiler::eval::Value;
use avtal_compiler::ir::{FuncId, Program};

/// The compiled record function: `status = f(input, output)`.
/// Per output field, the pieces of a text result (empty for other fields).
pub(super) type OutputTexts = Vec<Vec<super::layout::TextPiece>>;

type RecordFn = unsafe extern "C" fn(*const u8, *mut u8) -> u8;

/// The machine code of a compiled entry point, shared by every copy of
/// the entry (`CompiledEntry::share`) and freed with the last.
///
/// One copy serves any number of threads: the record function keeps its
/// state on its stack (the memo of classified intervals included), and the
/// only memory it writes besides its output are the per-day tables of
/// profiles and memoised rules, with atomic loads and stores of words that
/// any thread computes alike. The same code is the `avtal build` library,
/// whose tests call it from eight threads at once.
struct Code {
    /// Behind a mutex only so that `Code` is `Sync`: after compiling, the
    /// module is touched again only to free it.
    module: Mutex<Option<JITModule>>,
    function: RecordFn,
}

impl Drop for Code {
    fn drop(&mut self) {
        let module = match self.module.get_mut() {
            Ok(module) => module.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(module) = module {
            // SAFETY: `self.function` points into this module, and the last
            // `CompiledEntry` that could call it is being dropped.
            unsafe { module.free_memory() };
        }
    }
}

/// One compiled entry point. Its JIT memory is shared with its copies
/// (`share`) and freed when the last is dropped.
pub struct CompiledEntry {
    code: Arc<Code>,
    input: RecordLayout,
    output: RecordLayout,
    /// Per output field, the pieces of a text result (`Encoding::Text`).
    output_texts: OutputTexts,
}

impl CompiledEntry {
    /// Compile `entry`, which must take one record and return one.
    pub fn compile(program: &Program, entry: FuncId) -> Result<CompiledEntry, CodegenError> {
        Self::compile_for(program, entry, Failures::SentToInterpreter)
    }

    /// Compile `entry` as a library of `avtal build` has it: no fused
    /// loops (`fuse.rs`), so a failed record's status is the interpreter's
    /// first error, as the library's error code is. For tests that compare
    /// the two.
    #[cfg(any(test, feature = "testgen"))]
    pub fn compile_as_library(
        program: &Program,
        entry: FuncId,
    ) -> Result<CompiledEntry, CodegenError> {
        Self::compile_for(program, entry, Failures::Reported)
    }

    fn compile_for(
        program: &Program,
        entry: FuncId,
        failures: Failures,
    ) -> Result<CompiledEntry, CodegenError> {
        let (function, input, output) = entry_layouts(program, entry)?;

        // As cranelift-jit requires on x86-64 (CRATES.md §2).
        let isa = host_isa(false)?;
        let builder = JITBuilder::with_isa(isa, default_libcall_names());
        let mut module = JITModule::new(builder);
        match build(
            &mut module,
            program,
            function,
            &input,
            &output,
            ("avtal_entry", Linkage::Export, failures),
            None,
        ) {
            Ok((id, output_texts)) => {
                module.finalize_definitions().map_err(cranelift)?;
                let address = module.get_finalized_function(id);
                // SAFETY: `address` is the finalized code of a function
                // declared with exactly this signature (two pointers in, one
                // `I8` out, the platform's C convention), and the module that
                // owns the code lives as long as `self`.
                let function = unsafe { std::mem::transmute::<*const u8, RecordFn>(address) };
                Ok(CompiledEntry {
                    code: Arc::new(Code {
                        module: Mutex::new(Some(module)),
                        function,
                    }),
                    input,
                    output,
                    output_texts,
                })
            }
            Err(error) => {
                // SAFETY: no code of this module was ever handed out.
                unsafe { module.free_memory() };
                Err(error)
            }
        }
    }

    /// The optimised Cranelift IR and the machine code of `entry`, for
    /// reading what the compiler made of a program (`avtal build --emit
    /// asm`-style inspection from the `disassemble` example).
    pub fn listing(program: &Program, entry: FuncId) -> Result<String, CodegenError> {
        let (function, input, output) = entry_layouts(program, entry)?;
        let isa = host_isa(false)?;
        let mut module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
        let mut listing = String::new();
        let built = build(
            &mut module,
            program,
            function,
            &input,
            &output,
            ("avtal_entry", Linkage::Export, Failures::SentToInterpreter),
            Some(&mut listing),
        );
        // SAFETY: no code of this module was ever handed out.
        unsafe { module.free_memory() };
        built.map(|_| listing)
    }

    /// Another handle on the same machine code, for another thread: no
    /// compiling, and the day tables the code fills are shared too.
    pub fn share(&self) -> CompiledEntry {
        CompiledEntry {
            code: Arc::clone(&self.code),
            input: self.input.clone(),
            output: self.output.clone(),
            output_texts: self.output_texts.clone(),
        }
    }

    /// Per output field, the pieces of a text result (empty for the
    /// other fields).
    pub fn output_texts(&self) -> &[Vec<super::layout::TextPiece>] {
        &self.output_texts
    }

    pub fn input_layout(&self) -> &RecordLayout {
        &self.input
    }

    pub fn output_layout(&self) -> &RecordLayout {
        &self.output
    }

    /// Evaluate `n` records laid out in `input` (`n` input strides) into
    /// `output` (`n` output strides); `status[i]` is 0 when record `i` was
    /// computed, else the [`super::NativeStatus`] that sends it to the
    /// interpreter. Buffers shorter than `n` records limit `n`; records
    /// beyond are marked `NotRun`.
    pub fn run_batch(&self, input: &[u8], n: usize, output: &mut [u8], status: &mut [u8]) {
        let (in_stride, out_stride) = (self.input.stride, self.output.stride);
        let records = input
            .chunks_exact(in_stride)
            .zip(output.chunks_exact_mut(out_stride))
            .zip(status.iter_mut())
            .take(n);
        let mut done = 0;
        for ((record, result), state) in records {
            // SAFETY: `record` and `result` are exactly one stride long, the
            // compiled code reads and writes only the slots of its layouts
            // (offsets below the stride), and its code is alive while
            // `self` is.
            *state = unsafe { (self.code.function)(record.as_ptr(), result.as_mut_ptr()) };
            done += 1;
        }
        for state in status.iter_mut().take(n).skip(done) {
            *state = super::NativeStatus::NotRun as u8;
        }
    }
}

/// An entry point's function and the layouts of its input and output
/// records; an error when it does not map one record to one record.
fn entry_layouts(
    program: &Program,
    entry: FuncId,
) -> Result<(&avtal_compiler::ir::Function, RecordLayout, RecordLayout), CodegenError> {
    let function = program
        .function(entry)
        .ok_or(CodegenError::Internal("an entry point that does not exist"))?;
    let [(_, input_ty)] = function.params.as_slice() else {
        return Err(CodegenError::NotAnEntryPoint);
    };
    let input = RecordLayout::of(program, input_ty)?;
    let output = RecordLayout::of(program, &function.ret)?;
    Ok((function, input, output))
}

/// The host's ISA with the e-graph optimiser; `pic` for a shared library
/// (the JIT wants absolute addresses and no colocated libcalls).
pub(super) fn host_isa(pic: bool) -> Result<OwnedTargetIsa, CodegenError> {
    let mut flags = settings::builder();
    flags
        .set("use_colocated_libcalls", if pic { "true" } else { "false" })
        .map_err(cranelift)?;
    flags
        .set("is_pic", if pic { "true" } else { "false" })
        .map_err(cranelift)?;
    flags.set("opt_level", "speed").map_err(cranelift)?;
    // The IR verifier re-checks every function the translator built: a
    // tenth of W2's compile time. Tests and debug builds keep it.
    flags
        .set(
            "enable_verifier",
            if cfg!(debug_assertions) {
                "true"
            } else {
                "false"
            },
        )
        .map_err(cranelift)?;
    cranelift_native::builder()
        .map_err(|e| CodegenError::Cranelift(e.to_string()))?
        .finish(settings::Flags::new(flags))
        .map_err(cranelift)
}

/// What a failed record's status is for, which decides whether loops
/// may be fused (`fuse.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Failures {
    /// Any failure sends the record to the interpreter (the JIT), which
    /// reports its own first error: the status only says "failed".
    SentToInterpreter,
    /// The status is the caller's error code (`avtal build`): it must be
    /// the interpreter's first error.
    Reported,
}

/// Define the record function `status = f(input, output)` under `name`
/// in any module (the JIT's, or an object file's for `avtal build`).
pub(super) fn build<M: Module>(
    module: &mut M,
    program: &Program,
    function: &avtal_compiler::ir::Function,
    input: &RecordLayout,
    output: &RecordLayout,
    (name, linkage, failures): (&str, Linkage, Failures),
    listing: Option<&mut String>,
) -> Result<(cranelift_module::FuncId, OutputTexts), CodegenError> {
    let pointer = module.target_config().pointer_type();
    let mut signature = module.make_signature();
    signature.params.push(AbiParam::new(pointer));
    signature.params.push(AbiParam::new(pointer));
    signature.returns.push(AbiParam::new(types::I8));
    let id = module
        .declare_function(name, linkage, &signature)
        .map_err(cranelift)?;

    let mut context = module.make_context();
    context.func.signature = signature;
    context.func.name = UserFuncName::user(0, id.as_u32());
    // One table of day profiles per `classes` item, zeroed (`classes.rs`).
    let mut class_tables = Vec::with_capacity(program.classes.len());
    let mut table_ids = Vec::with_capacity(program.classes.len());
    let mut profiles = Vec::with_capacity(program.classes.len());
    let mut profile_ids = Vec::with_capacity(program.classes.len());
    let mut profile_signature = module.make_signature();
    profile_signature.params.push(AbiParam::new(types::I64));
    profile_signature.returns.push(AbiParam::new(types::I64));
    for index in 0..program.classes.len() {
        let profile = module
            .declare_function(
                &format!("{name}.profile{index}"),
                Linkage::Local,
                &profile_signature,
            )
            .map_err(cranelift)?;
        profiles.push(Some(
            module.declare_func_in_func(profile, &mut context.func),
        ));
        profile_ids.push(profile);
        let data = module
            .declare_data(
                &format!("{name}.classes{index}"),
                Linkage::Local,
                true,
                false,
            )
            .map_err(cranelift)?;
        let mut description = DataDescription::new();
        description.define_zeroinit((super::classes::TABLE_DAYS * 8) as usize);
        description.set_align(8);
        module.define_data(data, &description).map_err(cranelift)?;
        class_tables.push(Some(module.declare_data_in_func(data, &mut context.func)));
        table_ids.push(data);
    }
    // One table and function per memoised rule the entry calls
    // (`day_memo.rs`), built first: a rule whose body does not translate
    // is inlined instead (and fails there as it would have).
    let mut day_memos = Vec::new();
    for func in super::day_memo::memoised_calls(program, function) {
        let memo_name = format!("{name}.memo{}", func.0);
        let memo = module
            .declare_function(&memo_name, Linkage::Local, &profile_signature)
            .map_err(cranelift)?;
        let data = module
            .declare_data(&format!("{memo_name}.table"), Linkage::Local, true, false)
            .map_err(cranelift)?;
        let mut description = DataDescription::new();
        description.define_zeroinit((super::classes::TABLE_DAYS * 8) as usize);
        description.set_align(8);
        module.define_data(data, &description).map_err(cranelift)?;
        if build_day_memo(module, program, func, memo, data, &profile_signature)? {
            day_memos.push(super::day_memo::DayMemo {
                func,
                function: module.declare_func_in_func(memo, &mut context.func),
                table: module.declare_data_in_func(data, &mut context.func),
            });
        }
    }
    let mut builder_context = FunctionBuilderContext::new();
    let output_texts;
    {
        let mut builder = FunctionBuilder::new(&mut context.func, &mut builder_context);
        let entry = builder.create_block();
        builder.append_block_params_for_function_params(entry);
        builder.switch_to_block(entry);
        builder.seal_block(entry);
        let (input_ptr, output_ptr) = match builder.block_params(entry) {
            [a, b] => (*a, *b),
            _ => return Err(CodegenError::Internal("the record function's parameters")),
        };
        let mut translator = FunctionTranslator {
            class_tables,
            profiles,
            exits_negated: false,
            day_memos,
            fuse_loops: failures == Failures::SentToInterpreter,
            ..FunctionTranslator::for_helper(program, builder, pointer)
        };
        translator.init_class_memos();
        let record = translator.load_record(input, input_ptr);
        let mut frame = vec![None; (function.n_locals as usize).max(1)];
        if let Some(slot) = frame.first_mut() {
            *slot = Some(record);
        }
        let result = translator.enter(function, frame)?;
        // Every failure returned early; this record is computed.
        translator.store_record(output, result, output_ptr)?;
        let ok = translator.builder.ins().iconst(types::I8, 0);
        translator.builder.ins().return_(&[ok]);
        translator.finish_class_memos();
        translator.finish_exits();
        output_texts = std::mem::take(&mut translator.output_texts);
        translator.builder.finalize(module.target_config());
    }
    context.set_disasm(listing.is_some());
    module
        .define_function(id, &mut context)
        .map_err(cranelift)?;
    if let Some(listing) = listing {
        listing.push_str(&context.func.display().to_string());
        if let Some(vcode) = context.compiled_code().and_then(|code| code.vcode.as_ref()) {
            listing.push_str(vcode);
        }
    }
    module.clear_context(&mut context);
    for (index, (profile, table)) in profile_ids.into_iter().zip(table_ids).enumerate() {
        build_profile(module, program, index, profile, table, &profile_signature)?;
    }
    Ok((id, output_texts))
}

/// Define the function that computes (or looks up) a day's profile of
/// `classes` item `index`: `profile = f(day)`, a negative status when a day
/// rule failed (`classes.rs`). One per item, so that each call site of
/// `hours_in` is a call rather than a copy of the day rules.
fn build_profile<M: Module>(
    module: &mut M,
    program: &Program,
    index: usize,
    id: cranelift_module::FuncId,
    table: cranelift_module::DataId,
    signature: &cranelift_codegen::ir::Signature,
) -> Result<(), CodegenError> {
    let mut context = module.make_context();
    context.func.signature = signature.clone();
    context.func.name = UserFuncName::user(1, id.as_u32());
    let mut class_tables = vec![None; program.classes.len()];
    if let Some(slot) = class_tables.get_mut(index) {
        *slot = Some(module.declare_data_in_func(table, &mut context.func));
    }
    let mut builder_context = FunctionBuilderContext::new();
    {
        let mut builder = FunctionBuilder::new(&mut context.func, &mut builder_context);
        let entry = builder.create_block();
        builder.append_block_params_for_function_params(entry);
        builder.switch_to_block(entry);
        builder.seal_block(entry);
        let day = match builder.block_params(entry) {
            [d] => *d,
            _ => return Err(CodegenError::Internal("the profile function's parameter")),
        };
        let mut translator = FunctionTranslator {
            class_tables,
            ..FunctionTranslator::for_helper(
                program,
                builder,
                module.target_config().pointer_type(),
            )
        };
        let profile = match translator.profile_of(index, day) {
            Ok(profile) => profile,
            // An item the compiled code cannot classify (too many
            // segments, a day rule it cannot translate): every call
            // leaves the fixed point, and the interpreter answers.
            Err(_) => translator
                .builder
                .ins()
                .iconst(types::I64, -(super::NativeStatus::Range as i64)),
        };
        translator.builder.ins().return_(&[profile]);
        translator.finish_exits();
        translator.builder.finalize(module.target_config());
    }
    module
        .define_function(id, &mut context)
        .map_err(cranelift)?;
    module.clear_context(&mut context);
    Ok(())
}

/// Define the function of memoised rule `func` (`day_memo.rs`): its
/// table word for a day, computed and stored, or a negative status. False
/// when the rule's body does not translate; the function then only
/// returns "out of range", and calls inline the rule instead.
fn build_day_memo<M: Module>(
    module: &mut M,
    program: &Program,
    func: FuncId,
    id: cranelift_module::FuncId,
    table: cranelift_module::DataId,
    signature: &cranelift_codegen::ir::Signature,
) -> Result<bool, CodegenError> {
    let mut context = module.make_context();
    context.func.signature = signature.clone();
    context.func.name = UserFuncName::user(2, id.as_u32());
    let table = module.declare_data_in_func(table, &mut context.func);
    let mut builder_context = FunctionBuilderContext::new();
    let translated = {
        let mut builder = FunctionBuilder::new(&mut context.func, &mut builder_context);
        let entry = builder.create_block();
        builder.append_block_params_for_function_params(entry);
        builder.switch_to_block(entry);
        builder.seal_block(entry);
        let day = match builder.block_params(entry) {
            [d] => *d,
            _ => return Err(CodegenError::Internal("the memo function's parameter")),
        };
        let mut translator =
            FunctionTranslator::for_helper(program, builder, module.target_config().pointer_type());
        match translator.memo_body(func, table, day) {
            Ok(word) => {
                translator.builder.ins().return_(&[word]);
                translator.finish_exits();
                translator.builder.finalize(module.target_config());
                true
            }
            Err(_) => false,
        }
    };
    if !translated {
        // A fresh body that only says "out of range"; nothing calls it.
        module.clear_context(&mut context);
        context.func.signature = signature.clone();
        context.func.name = UserFuncName::user(2, id.as_u32());
        let mut builder_context = FunctionBuilderContext::new();
        let mut builder = FunctionBuilder::new(&mut context.func, &mut builder_context);
        let entry = builder.create_block();
        builder.append_block_params_for_function_params(entry);
        builder.switch_to_block(entry);
        builder.seal_block(entry);
        let status = builder
            .ins()
            .iconst(types::I64, -(super::NativeStatus::Range as i64));
        builder.ins().return_(&[status]);
        builder.finalize(module.target_config());
    }
    module
        .define_function(id, &mut context)
        .map_err(cranelift)?;
    module.clear_context(&mut context);
    Ok(translated)
}

/// Put a record value into its layout, the elements of its lists into
/// `arena`; false when some field does not fit.
pub fn encode_record(
    layout: &RecordLayout,
    record: &Value,
    bytes: &mut [u8],
    arena: &mut ListArena,
) -> bool {
    let Value::Record(fields) = record else {
        return false;
    };
    fields.len() == layout.fields.len()
        && fields.iter().enumerate().all(|(i, value)| {
            match layout.fields.get(i).map(|slot| slot.encoding) {
                Some(Encoding::List) => encode_list(layout, i, value, bytes, arena).is_ok(),
                _ => encode_value(layout, i, value, bytes).is_ok(),
            }
        })
}
