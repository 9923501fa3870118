//! Examples as entry points, so that an `example`'s assertions run through
//! both engines: each example becomes `evaluate example_N(_: {}) ->
//! { a0: Bool, a1: Bool, … }`, one field per assertion, in order. The
//! data tests (`tests/`) run every eval case this way with the JIT and
//! with the interpreter and require the same answers, as the interpreter's
//! own run of the example is the reference for pass or fail.

use avtal_compiler::ir::{
    Body, EntryPoint, Expr, ExprKind, FieldInfo, FuncId, Function, FunctionKind, Meta, Program,
    RecordInfo,
};
use avtal_compiler::types::{RecordId, Type};

/// `program` with one entry point per example of `indices` (in order);
/// `None` for an example with no assertion or an index out of range.
pub fn with_example_entries(
    program: &Program,
    indices: &[usize],
) -> (Program, Vec<Option<EntryPoint>>) {
    let mut extended = program.clone();
    let entries = indices
        .iter()
        .map(|index| add_example_entry(&mut extended, *index))
        .collect();
    (extended, entries)
}

fn add_example_entry(program: &mut Program, index: usize) -> Option<EntryPoint> {
    let example = program.examples.get(index)?.clone();
    if example.assertions.is_empty() {
        return None;
    }
    let input = add_record(
        program,
        format!("Example{index}In"),
        Vec::new(),
        example.span,
    )?;
    let fields = (0..example.assertions.len())
        .map(|i| FieldInfo {
            name: format!("a{i}"),
            ty: Type::Bool,
            doc: None,
            span: example.span,
        })
        .collect();
    let output = add_record(program, format!("Example{index}Out"), fields, example.span)?;
    let body = Expr {
        kind: ExprKind::Record {
            record: output,
            fields: example.assertions.clone(),
        },
        ty: Type::Record(output),
        scale: Some(0),
        span: example.span,
    };
    let function = FuncId(u32::try_from(program.functions.len()).ok()?);
    program.functions.push(Function {
        name: format!("example_{index}"),
        kind: FunctionKind::Evaluate,
        params: vec![("_".to_string(), Type::Record(input))],
        ret: Type::Record(output),
        // The parameter's slot 0 is never read: the assertions' own lets
        // and binders may reuse it.
        n_locals: example.n_locals.max(1),
        body: Body::Expr(body),
        meta: Meta::default(),
        span: example.span,
    });
    let entry = EntryPoint {
        function,
        input,
        output,
    };
    program.entries.push(entry);
    Some(entry)
}

fn add_record(
    program: &mut Program,
    name: String,
    fields: Vec<FieldInfo>,
    span: avtal_compiler::Span,
) -> Option<RecordId> {
    let id = RecordId(u32::try_from(program.records.len()).ok()?);
    program.records.push(RecordInfo {
        name,
        fields,
        meta: Meta::default(),
        span,
    });
    Some(id)
}
