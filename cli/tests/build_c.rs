//! `avtal build` end to end: the shared library, loaded by real C programs
//! compiled with `cc` against the generated header, against the
//! interpreter and the JIT.
//!
//! - W1 over its population file and edge records (half-öre ties,
//!   negatives, the params' switch days, values that leave the fixed
//!   point) through `cli/tests/c/w1_driver.c`, one call per record and one
//!   batch call;
//! - bad arguments (null pointers, enum tags and dates out of range) give
//!   the documented codes and never a crash;
//! - a differential test over generated records of every example entry
//!   point that compiles natively, through `cli/tests/c/generic_driver.c`
//!   (dlopen): the interpreter's value or error, the JIT's status and the
//!   library's code must agree on every record, and the same over
//!   generated shifts of the JIT's clock agreement (timestamps, times,
//!   classes of time, rates, reversed intervals). `AVTAL_AOT_CASES=N` sets
//!   the number of generated records per entry point (default 3000).
//!   W2 (a list of shifts per record) over its population and generated
//!   months, the lists passed by `generic_driver.c` as pointer and
//!   length; the ABI of list inputs in detail is `build_c_lists.rs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod aot_support;
mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;

use aot_support::{
    Compile, avtal_build, build, c_source, day, entry_id, have, layouts, program_of, run_exe,
};
use avtal_compiler::data::DataType;
use avtal_compiler::eval::{EvalError, Interpreter, Value};
use avtal_compiler::ir::{FuncId, Program};
use avtal_compiler::types::Type;
use avtal_compiler::{Sources, compile};
use avtal_engine::codegen::{
    CompiledEntry, Encoding, ErrorCode, FieldSlot, ListArena, RecordLayout, c_fields, c_identifier,
    calendar, decode_value, encode_list, encode_value,
};
use common::{scratch, workspace};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

fn avtal() -> Command {
    Command::new(env!("CARGO_BIN_EXE_avtal"))
}

fn words(layout: &RecordLayout, bytes: &[u8]) -> Vec<i64> {
    layout
        .fields
        .iter()
        .map(|slot| i64::from_ne_bytes(bytes[slot.offset..slot.offset + 8].try_into().unwrap()))
        .collect()
}

/// A record value as the slots of its layout; `None` when it does not fit.
fn encode(layout: &RecordLayout, record: &Value) -> Option<Vec<u8>> {
    let Value::Record(fields) = record else {
        return None;
    };
    let mut bytes = vec![0u8; layout.stride];
    for (index, value) in fields.iter().enumerate() {
        encode_value(layout, index, value, &mut bytes).ok()?;
    }
    Some(bytes)
}

/// One input slot of a record for the drivers: a word, or a text that
/// the C program passes as a `const char *`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cell {
    Word(i64),
    Text(String),
    /// A list: per element, its slot words.
    List(Vec<Vec<i64>>),
}

/// A text as the drivers write it: its UTF-8 bytes in hex, `-` if empty.
fn text_token(text: &str) -> String {
    if text.is_empty() {
        return "-".to_string();
    }
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

fn word_rows(records: &[Vec<i64>]) -> Vec<Vec<Cell>> {
    records
        .iter()
        .map(|r| r.iter().copied().map(Cell::Word).collect())
        .collect()
}

/// What the library must return for a record, from the interpreter's
/// result: one token per output slot (a number, or a text in hex), or an
/// error code (with its diagnostic).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expected {
    Value(Vec<String>),
    Error(i32, String),
}

/// The output slots' tokens of a result record; `None` when a number
/// does not fit its slot.
fn tokens(output: &RecordLayout, value: &Value) -> Option<Vec<String>> {
    let bytes = encode(output, value)?;
    let Value::Record(fields) = value else {
        return None;
    };
    let words = words(output, &bytes);
    Some(
        output
            .fields
            .iter()
            .zip(fields.iter())
            .zip(words)
            .map(|((slot, field), word)| match (slot.encoding, field) {
                (Encoding::Text, Value::Text(text)) => text_token(text),
                _ => word.to_string(),
            })
            .collect(),
    )
}

fn expected(output: &RecordLayout, result: &Result<Value, EvalError>) -> Expected {
    match result {
        Ok(value) => match tokens(output, value) {
            Some(tokens) => Expected::Value(tokens),
            None => Expected::Error(ErrorCode::Range as i32, "-".into()),
        },
        Err(error) => {
            let code = match error.code().as_str() {
                "E0501" => ErrorCode::Range,
                "E0502" => ErrorCode::DivisionByZero,
                "E0503" => ErrorCode::BeforeFirstDate,
                "E0504" => ErrorCode::DateRange,
                "E0505" => ErrorCode::NoTableRow,
                "E0213" => ErrorCode::EmptyList,
                "E0509" => ErrorCode::ReversedInterval,
                "E0510" => ErrorCode::Refused,
                other => panic!("the interpreter's {other} has no library code: {error:?}"),
            };
            let diagnostic = code.diagnostic().unwrap_or("-").to_string();
            Expected::Error(code as i32, diagnostic)
        }
    }
}

/// One line of a driver: `0 <slots>` or `<code> <diagnostic> …`.
fn parse_line(line: &str) -> Expected {
    let mut parts = line.split(' ');
    let code: i32 = parts.next().unwrap().parse().unwrap();
    if code == 0 {
        Expected::Value(parts.map(str::to_string).collect())
    } else {
        Expected::Error(code, parts.next().unwrap().to_string())
    }
}

fn write_records(path: &Path, records: &[Vec<Cell>]) {
    let mut text = String::new();
    for record in records {
        let line: Vec<String> = record
            .iter()
            .map(|cell| match cell {
                Cell::Word(word) => word.to_string(),
                Cell::Text(t) => text_token(t),
                Cell::List(elements) => std::iter::once(elements.len().to_string())
                    .chain(elements.iter().flatten().map(i64::to_string))
                    .collect::<Vec<_>>()
                    .join(" "),
            })
            .collect();
        let _ = writeln!(text, "{}", line.join(" "));
    }
    fs::write(path, text).unwrap();
}

/// Interpreter, JIT and library over `records` (as slot words and
/// texts). `library_lines` are the library's results, one per record.
/// Returns how many records the library computed.
fn compare_all(
    program: &Program,
    entry: FuncId,
    records: &[Vec<Cell>],
    library_lines: &str,
) -> usize {
    let (input, output) = layouts(program, entry);
    let interpreter = Interpreter::new(program);
    // The library's kernel (no fused loops), whose status must be the
    // library's error code; the JIT's own may be another failure of the
    // record, which sends it to the interpreter all the same.
    let compiled = CompiledEntry::compile_as_library(program, entry).unwrap();
    let mut evaluator = avtal_engine::PreparedEntry::prepare(
        program,
        program.entry(entry).unwrap(),
        avtal_engine::Engine::Jit,
    );
    let lines: Vec<&str> = library_lines.lines().collect();
    assert_eq!(lines.len(), records.len(), "one result per record");
    let mut computed = 0;
    for (record, line) in records.iter().zip(lines) {
        let mut bytes = vec![0u8; input.stride];
        for (slot, cell) in input.fields.iter().zip(record) {
            // The kernel never reads an input text's slot; lists below.
            if let Cell::Word(word) = cell {
                bytes[slot.offset..slot.offset + 8].copy_from_slice(&word.to_ne_bytes());
            }
        }
        let value = Value::Record(
            record
                .iter()
                .enumerate()
                .map(|(i, cell)| match cell {
                    Cell::Text(text) => Value::Text(text.as_str().into()),
                    Cell::Word(_) => decode_value(&input, i, &bytes),
                    Cell::List(elements) => {
                        let element = input.fields[i].element.as_deref().unwrap();
                        Value::List(
                            elements
                                .iter()
                                .map(|words| element_value(element, words))
                                .collect::<Vec<_>>()
                                .into(),
                        )
                    }
                })
                .collect::<Vec<_>>()
                .into(),
        );
        let mut lists = ListArena::default();
        for (i, (slot, cell)) in input.fields.iter().zip(record).enumerate() {
            if let (Cell::List(_), Value::Record(fields)) = (cell, &value) {
                assert_eq!(slot.encoding, Encoding::List);
                encode_list(&input, i, &fields[i], &mut bytes, &mut lists).unwrap();
            }
        }
        let interpreted = interpreter.call(entry, std::slice::from_ref(&value));
        // The JIT's value is the interpreter's, whatever the fixed point does.
        let jitted = evaluator
            .evaluate_value(&value)
            .map_err(|failure| match failure {
                avtal_engine::RowFailure::Evaluation(error) => error,
                other => panic!("not an evaluation error: {other:?}"),
            });
        assert_eq!(
            format!("{interpreted:?}"),
            format!("{jitted:?}"),
            "JIT and interpreter differ on {value:?}"
        );
        // The library runs this kernel: the same status on every record.
        let mut out = vec![0u8; output.stride];
        let mut status = [0u8];
        compiled.run_batch(&bytes, 1, &mut out, &mut status);
        let library = parse_line(line);
        match (&library, expected(&output, &interpreted)) {
            (Expected::Value(got), Expected::Value(want)) => {
                assert_eq!(got, &want, "library and interpreter differ on {value:?}");
                assert_eq!(status[0], 0);
                computed += 1;
            }
            // Out of the fixed point: honest, if the interpreter computes it.
            (Expected::Error(1, _), _) => assert_eq!(status[0], 1, "{value:?}"),
            (got, want) => {
                assert_eq!(got, &want, "library and interpreter differ on {value:?}");
                let Expected::Error(code, _) = got else {
                    unreachable!()
                };
                assert_eq!(i32::from(status[0]), *code, "JIT status on {value:?}");
            }
        }
    }
    computed
}

/// One list element from its slot words, decoded as the JIT reads it.
fn element_value(layout: &RecordLayout, words: &[i64]) -> Value {
    let mut bytes = vec![0u8; layout.stride];
    for (slot, word) in layout.fields.iter().zip(words) {
        bytes[slot.offset..slot.offset + 8].copy_from_slice(&word.to_ne_bytes());
    }
    Value::Record(
        (0..layout.fields.len())
            .map(|i| decode_value(layout, i, &bytes))
            .collect::<Vec<_>>()
            .into(),
    )
}

/// The W1 population as slot words.
fn population(program: &Program, entry: FuncId) -> Vec<Vec<i64>> {
    let (input, _) = layouts(program, entry);
    let function = program.function(entry).unwrap();
    let ty = DataType::new(program, &function.params[0].1);
    let fields = ty.record_fields().unwrap();
    let text = fs::read_to_string(workspace().join("examples/w1_population.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let values: Vec<Value> = fields
                .iter()
                .map(|(name, field_ty)| {
                    let column = header.iter().position(|h| h == name).unwrap();
                    field_ty.parse_text(cells[column]).unwrap()
                })
                .collect();
            let bytes = encode(&input, &Value::Record(values.into())).unwrap();
            words(&input, &bytes)
        })
        .collect()
}

/// Hand-made W1 records around the edges.
fn w1_edges() -> Vec<Vec<i64>> {
    // id period salary rate supplement vacation division flex reserve_days
    // ytd reason pay mertid overtime appointment years
    let base = [
        1,
        day(2026, 6, 1),
        3_000_000,
        10_000,
        13_200,
        3,
        0,
        0,
        0,
        0,
        3,
        0,
        0,
        0,
        1,
        0,
    ];
    let mut records = Vec::new();
    let with = |changes: &[(usize, i64)]| {
        let mut r = base.to_vec();
        for (i, v) in changes {
            r[*i] = *v;
        }
        r
    };
    // Half-öre ties: 4.6 % × 18 002.50 = 828.115.
    records.push(with(&[(2, 1_800_250), (4, 0)]));
    records.push(with(&[(2, 3_123_456), (4, 1)]));
    // The params' switch days and the days around them.
    for (y, m, d) in [
        (2025, 12, 31),
        (2026, 1, 1),
        (2026, 9, 30),
        (2026, 10, 1),
        (2026, 12, 31),
        (2027, 1, 1),
        (2026, 1, 31),
        (2028, 2, 29),
    ] {
        records.push(with(&[(1, day(y, m, d))]));
        records.push(with(&[(1, day(y, m, d)), (6, 1), (7, 1)]));
    }
    // Negatives.
    records.push(with(&[(2, -3_000_000)]));
    records.push(with(&[(4, -50_000), (5, -2)]));
    records.push(with(&[(12, -1_000), (13, -5)]));
    // Reserve duty: the exact quotient, its rounding, the yearly cap.
    for (days, ytd, reason, pay) in [
        (10, 0, 0, 500_000),
        (10, 20, 2, 500_000),
        (10, 24, 1, 500_000),
        (10, 25, 1, 500_000),
        (3, 0, 0, 1),
        (-4, 0, 0, 100),
        (7, -30, 1, 0),
    ] {
        records.push(with(&[(8, days), (9, ytd), (10, reason), (11, pay)]));
    }
    // Values that leave the fixed point: the library must say so.
    records.push(with(&[(2, i64::MAX)]));
    records.push(with(&[(2, i64::MIN)]));
    records.push(with(&[(3, i64::MAX / 3)]));
    records.push(with(&[(5, i64::MAX)]));
    records.push(with(&[(12, i64::MAX), (13, i64::MAX)]));
    records.push(with(&[(8, 10), (10, 0), (2, 4_000_000_000_000_000)]));
    // Notice periods that leave the calendar, and the calendar's ends.
    records.push(with(&[(1, calendar::max_day())]));
    records.push(with(&[(1, calendar::max_day() - 200), (14, 0)]));
    records.push(with(&[(1, calendar::min_day())]));
    records.push(with(&[(15, 9), (14, 1)]));
    records.push(with(&[(15, i64::MAX)]));
    records
}

#[test]
fn w1_through_the_c_header_matches_the_interpreter() {
    if !have("cc") {
        eprintln!("skipped: no `cc`");
        return;
    }
    let dir = scratch("build_c_w1");
    build(&workspace().join("examples/w1_payroll_month.avtal"), &dir);
    for name in [
        "libw1_payroll_month.so",
        "w1_payroll_month.h",
        "W1.schema.json",
    ] {
        assert!(dir.join(name).is_file(), "{name} not written");
    }
    let driver = Compile::c(&dir)
        .flag("-O1")
        .link("w1_payroll_month")
        .to(&c_source("w1_driver.c"), "w1_driver");
    let program = program_of("examples/w1_payroll_month.avtal");
    let w1 = entry_id(&program, "W1");
    let mut records = population(&program, w1);
    assert_eq!(records.len(), 1000);
    let edges = w1_edges();
    records.extend(edges.iter().cloned());
    let records = word_rows(&records);
    let input = dir.join("records.txt");
    write_records(&input, &records);
    let input_arg = input.to_str().unwrap();
    let single = run_exe(&driver, &["single", input_arg]);
    let batch = run_exe(&driver, &["batch", input_arg]);
    assert_eq!(single, batch, "single calls and the batch call differ");
    let computed = compare_all(&program, w1, &records, &single);
    // Every population record is computed natively.
    assert!(
        computed >= 1000,
        "only {computed} records computed natively"
    );
    let lines: Vec<&str> = single.lines().collect();
    // The overflowing edge records report "out of range", the param lookup
    // before 2026 its E0503, the notice period past the calendar E0504.
    assert!(
        lines.iter().filter(|l| l.starts_with("1 ")).count() >= 5,
        "{single}"
    );
    assert!(lines.iter().any(|l| l.starts_with("3 E0503")), "{single}");
    assert!(lines.iter().any(|l| l.starts_with("4 E0504")), "{single}");
}

#[test]
fn bad_arguments_give_documented_codes() {
    if !have("cc") {
        eprintln!("skipped: no `cc`");
        return;
    }
    let dir = scratch("build_c_bad");
    build(&workspace().join("examples/w1_payroll_month.avtal"), &dir);
    let driver = Compile::c(&dir)
        .flag("-O1")
        .link("w1_payroll_month")
        .to(&c_source("w1_driver.c"), "w1_driver");
    let got = run_exe(&driver, &["bad"]);
    let expected = "\
abi 1 1
good 0 - -1 -
null_in 10 - -1 -
null_out 10 - -1 -
null_err 10
null_err_ok 0
division_2 11 E0603 6 division
division_minus_1 11 E0603 6 division
reserve_reason_4 11 E0603 10 reserve_reason
appointment_min 11 E0603 14 appointment
period_0 3 E0503 -1 -
period_after_max 12 E0601 1 period
period_before_min 12 E0601 1 period
period_min 3 E0503 -1 -
flex_transition_2 13 E0601 7 flex_transition
before_first_date 3 E0503 -1 -
salary_max 1 - -1 -
period_max 4 E0504 -1 -
batch 11 0 11 1 division
batch_null_in 10 - -1 -
batch_empty 0
batch_no_codes 11
strerror out of range of the compiled fixed point; evaluate with `avtal run`
";
    assert_eq!(got, expected);
}

/// Random slot words for one input layout: numbers small, at the edges
/// of their ranges and at half-unit ties; dates near the params' switch
/// days and at the calendar's ends; every enum tag; bools; texts empty,
/// short, with Swedish letters and long.
fn field_strategy(program: &Program, slot: &FieldSlot) -> BoxedStrategy<Cell> {
    let (ty, encoding) = (&slot.ty, slot.encoding);
    if let Some(element) = &slot.element {
        // Up to a dozen elements, each field's slot drawn as above.
        let words: Vec<BoxedStrategy<i64>> = element
            .fields
            .iter()
            .map(|field| word_strategy(program, &field.ty, field.encoding))
            .collect();
        return proptest::collection::vec(words, 0..12)
            .prop_map(Cell::List)
            .boxed();
    }
    if encoding == Encoding::Text {
        return prop_oneof![
            2 => Just(String::new()),
            4 => "[A-Za-z0-9 åäöÅÄÖé;,.-]{1,24}",
            1 => "[a-zåäö ]{200,400}",
        ]
        .prop_map(Cell::Text)
        .boxed();
    }
    word_strategy(program, ty, encoding)
        .prop_map(Cell::Word)
        .boxed()
}

fn word_strategy(program: &Program, ty: &Type, encoding: Encoding) -> BoxedStrategy<i64> {
    match encoding {
        // A list's slots are drawn by `field_strategy`, element by element.
        Encoding::List => Just(0i64).boxed(),
        // Minutes of the day; minutes of 2020–2030, and of the turns of
        // 2000 and 2100, where the compiled classes leave their table of
        // days. Not the whole calendar: a shift between two random minutes
        // of it spans a hundred thousand years, which both engines walk a
        // day at a time.
        Encoding::Time => (0i64..1440).boxed(),
        Encoding::Timestamp => {
            let minute = |y, m, d| (day(y, m, d) - 1) * 1440;
            prop_oneof![
                8 => minute(2020, 1, 1)..minute(2031, 1, 1),
                1 => minute(1999, 12, 1)..minute(2000, 2, 1),
                1 => minute(2099, 12, 1)..minute(2100, 2, 1),
            ]
            .boxed()
        }
        Encoding::Number { scale } => {
            let unit = 10i64.pow(scale);
            prop_oneof![
                6 => (-100i64..40_000).prop_map(move |v| v * unit),
                4 => -1_000i64..10_000_000,
                2 => (0i64..100_000).prop_map(move |v| v * unit + unit / 2),
                1 => any::<i64>(),
                1 => prop_oneof![Just(0i64), Just(1), Just(-1), Just(i64::MAX), Just(i64::MIN), Just(i64::MAX / 100)],
            ]
            .boxed()
        }
        Encoding::Date => {
            let switch_days = [
                day(2025, 12, 31),
                day(2026, 1, 1),
                day(2026, 9, 30),
                day(2026, 10, 1),
                day(2027, 1, 1),
                day(2024, 4, 1),
                day(2025, 10, 1),
            ];
            prop_oneof![
                6 => day(2024, 1, 1)..day(2029, 12, 31),
                3 => (proptest::sample::select(switch_days.to_vec()), -2i64..=2).prop_map(|(d, k)| d + k),
                1 => prop_oneof![Just(calendar::min_day()), Just(calendar::max_day()), Just(1i64)],
            ]
            .boxed()
        }
        Encoding::Bool => (0i64..=1).boxed(),
        Encoding::Variant => {
            let n = match ty {
                Type::Enum(id) => program.enum_info(*id).unwrap().variants.len() as i64,
                _ => 1,
            };
            (0..n).boxed()
        }
        // Texts are cells of their own (`field_strategy`).
        Encoding::Text => Just(0i64).boxed(),
    }
}

fn generated_records(program: &Program, entry: FuncId, n: usize) -> Vec<Vec<Cell>> {
    let (input, _) = layouts(program, entry);
    let strategies: Vec<BoxedStrategy<Cell>> = input
        .fields
        .iter()
        .map(|slot| field_strategy(program, slot))
        .collect();
    let mut runner = TestRunner::new(Config::default());
    (0..n)
        .map(|_| {
            strategies
                .iter()
                .map(|s| s.new_tree(&mut runner).unwrap().current())
                .collect()
        })
        .collect()
}

fn cases() -> usize {
    std::env::var("AVTAL_AOT_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000)
}

/// The kinds of a layout's fields for `generic_driver.c`: `t` for a
/// text, `l<k>` for a list of elements of k slots, `i` for the rest.
fn kinds(layout: &RecordLayout) -> String {
    layout
        .fields
        .iter()
        .map(|slot| match (slot.encoding, &slot.element) {
            (Encoding::Text, _) => "t".to_string(),
            (Encoding::List, Some(element)) => format!("l{}", element.fields.len()),
            _ => "i".to_string(),
        })
        .collect()
}

/// Interpreter, JIT and library over generated records of `entry_name`.
fn differential(file: &str, library: &str, entry_name: &str, extra: &str) -> String {
    let (lines, computed, total) = differential_with(file, library, entry_name, extra, cases());
    assert!(computed > total / 4, "only {computed} of {total} computed");
    lines
}

/// Interpreter, JIT and library over `n` generated records of
/// `entry_name`; the driver's lines, how many records the library
/// computed, and how many there were.
fn differential_with(
    file: &str,
    library: &str,
    entry_name: &str,
    extra: &str,
    n: usize,
) -> (String, usize, usize) {
    differential_over(file, library, entry_name, extra, |program, id| {
        generated_records(program, id, n)
    })
}

/// Interpreter, JIT and library over the records `records` makes for
/// `entry_name`; as [`differential_with`].
fn differential_over(
    file: &str,
    library: &str,
    entry_name: &str,
    extra: &str,
    records: impl FnOnce(&Program, FuncId) -> Vec<Vec<Cell>>,
) -> (String, usize, usize) {
    let dir = scratch(&format!(
        "build_c_diff_{library}_{}",
        c_identifier(entry_name)
    ));
    let path = if extra.is_empty() {
        workspace().join(file)
    } else {
        common::write(&dir, file, extra)
    };
    build(&path, &dir);
    let driver = Compile::c(&dir)
        .flag("-O1")
        .then("-ldl")
        .to(&c_source("generic_driver.c"), "generic_driver");
    let program = if extra.is_empty() {
        program_of(file)
    } else {
        let mut sources = Sources::new();
        avtal_compiler::stdlib::add_to(&mut sources);
        sources.add(file, extra);
        compile(&sources).program
    };
    let id = entry_id(&program, entry_name);
    let (input, output) = layouts(&program, id);
    let records = records(&program, id);
    let records_path = dir.join("records.txt");
    write_records(&records_path, &records);
    let lib = dir.join(format!("lib{library}.so"));
    let entry_c = c_identifier(entry_name);
    let mut args = vec![
        lib.to_str().unwrap().to_string(),
        format!("avtal_{entry_c}"),
        kinds(&input),
        kinds(&output),
        records_path.to_str().unwrap().to_string(),
    ];
    let header = fs::read_to_string(dir.join(format!("{library}.h"))).unwrap();
    for (slot, field) in output.fields.iter().zip(c_fields(&output)) {
        if slot.encoding == Encoding::Text {
            let accessor = format!("avtal_{entry_c}_{field}_text");
            assert!(header.contains(&format!("size_t {accessor}(")), "{header}");
            args.push(accessor);
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let lines = run_exe(&driver, &args);
    let computed = compare_all(&program, id, &records, &lines);
    (lines, computed, records.len())
}

/// Random well-typed programs (`avtal_compiler::testgen`: every numeric
/// unit, dates, enums, tables, params, `match`, `if`, `let`, every
/// rounding mode, divisions, lists and aggregates, a condition's reasons,
/// text results) built with `avtal build` and loaded by C: interpreter,
/// JIT and library agree on every generated record. `AVTAL_AOT_PROGRAMS=N`
/// sets the number of programs (default 10), `AVTAL_AOT_CASES` the records
/// per program (default 3000, of which a sixth here).
#[test]
fn differential_generated_programs() {
    if !have("cc") {
        return;
    }
    let programs: u64 = std::env::var("AVTAL_AOT_PROGRAMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let (mut computed, mut total) = (0, 0);
    for n in 0..programs {
        let seed = avtal_compiler::testgen::seed(n);
        let text = avtal_compiler::testgen::program(seed);
        let library = format!("gen_{n}");
        let file = format!("{library}.avtal");
        let entry = avtal_compiler::testgen::ENTRY_POINT;
        let run = std::panic::catch_unwind(|| {
            differential_with(&file, &library, entry, &text, cases() / 6)
        });
        match run {
            Ok((_, c, t)) => {
                computed += c;
                total += t;
            }
            Err(_) => panic!("generated program {n} (seed {seed:#x}) differs:\n{text}"),
        }
    }
    eprintln!(
        "{programs} generated programs: {computed} of {total} records computed by the libraries"
    );
    // Some programs fail on every record (a param looked up before its
    // first date, `max` of an empty list), in all three the same way.
    assert!(
        computed * 3 > total,
        "only {computed} of {total} records computed by the libraries"
    );
}

#[test]
fn differential_w1_generated_records() {
    if !have("cc") {
        return;
    }
    let lines = differential(
        "examples/w1_payroll_month.avtal",
        "w1_payroll_month",
        "W1",
        "",
    );
    assert!(
        lines.lines().any(|l| l.starts_with("3 E0503")),
        "no record before 2026"
    );
}

#[test]
fn differential_lonekorning_generated_records() {
    if !have("cc") {
        return;
    }
    let _ = differential(
        "examples/lonekorning.avtal",
        "lonekorning",
        "Lönekörning",
        "",
    );
}

/// Times, timestamps and classes of time (the JIT's own test agreement):
/// shifts over weekends, Christmas and midnight, reversed ones (E0509),
/// rates, `days_of`, from C as from the interpreter.
#[test]
fn differential_clock_generated_records() {
    if !have("cc") {
        return;
    }
    // Pass { start, slut, lön }: shifts of minutes to days, some
    // reversed or empty, starting anywhere in 2020–2030 or at the turns
    // of 2000 and 2100, where the compiled classes leave their table.
    let shifts = |program: &Program, id: FuncId| {
        let (input, _) = layouts(program, id);
        assert_eq!(input.fields.len(), 3);
        let lön = word_strategy(program, &input.fields[2].ty, input.fields[2].encoding);
        let start = word_strategy(program, &input.fields[0].ty, input.fields[0].encoding);
        let length = prop_oneof![
            1 => -600i64..0,
            1 => Just(0i64),
            16 => 30i64..14 * 60,
            2 => 1440i64..3 * 1440,
        ];
        let mut runner = TestRunner::new(Config::default());
        (0..cases())
            .map(|_| {
                let start = start.new_tree(&mut runner).unwrap().current();
                let length = length.new_tree(&mut runner).unwrap().current();
                let lön = lön.new_tree(&mut runner).unwrap().current();
                vec![
                    Cell::Word(start),
                    Cell::Word(start + length),
                    Cell::Word(lön),
                ]
            })
            .collect()
    };
    let (lines, computed, total) = differential_over(
        "engine/src/codegen/testdata/clock.avtal",
        "clock",
        "utfall",
        "",
        shifts,
    );
    assert!(computed > total / 2, "only {computed} of {total} computed");
    assert!(
        lines.lines().any(|l| l.starts_with("8 E0509")),
        "no reversed shift"
    );
}

/// W2 (`examples/w2_time_report.avtal`: a month of shifts per employee,
/// OB classes over the Swedish holiday calendar, overtime, mertid) built
/// as a library: every record of its population
/// (`examples/w2_time_reports.jsonl`) is passed from C as a pointer to
/// its shifts and their number, computed natively, and equal to the
/// interpreter's result; and so are generated months whose shifts are
/// drawn slot by slot (most of them reversed or weeks long: errors).
#[test]
fn differential_w2_population() {
    if !have("cc") {
        return;
    }
    let population = |program: &Program, id: FuncId| {
        let (input, _) = layouts(program, id);
        let function = program.function(id).unwrap();
        let ty = DataType::new(program, &function.params[0].1);
        let text = fs::read_to_string(workspace().join("examples/w2_time_reports.jsonl")).unwrap();
        text.lines()
            .map(|line| {
                let Value::Record(fields) = ty.parse_json_text(line).unwrap() else {
                    panic!("not a record: {line}")
                };
                input
                    .fields
                    .iter()
                    .zip(fields.iter())
                    .enumerate()
                    .map(|(index, (slot, value))| match (&slot.element, value) {
                        (Some(element), Value::List(items)) => Cell::List(
                            items
                                .iter()
                                .map(|item| words(element, &encode(element, item).unwrap()))
                                .collect(),
                        ),
                        _ => {
                            let mut bytes = vec![0u8; input.stride];
                            encode_value(&input, index, value, &mut bytes).unwrap();
                            Cell::Word(words(&input, &bytes)[index])
                        }
                    })
                    .collect()
            })
            .collect()
    };
    let (lines, computed, total) = differential_over(
        "examples/w2_time_report.avtal",
        "w2_time_report",
        "W2",
        "",
        population,
    );
    assert_eq!(total, 400);
    assert_eq!(computed, total, "{lines}");

    // Generated months: the record's slots as for any entry point, and
    // shifts in the period's month (a few days before or after it, two
    // days long, or reversed, now and then: refused); every kind.
    let generated = |program: &Program, id: FuncId| {
        let mut records = generated_records(program, id, cases() / 3);
        let (input, _) = layouts(program, id);
        let shifts = input
            .fields
            .iter()
            .position(|f| f.name == "shifts")
            .unwrap();
        let period = input
            .fields
            .iter()
            .position(|f| f.name == "period")
            .unwrap();
        let mut rng = avtal_compiler::testgen::Rng::new(0x0057_0002);
        for record in &mut records {
            let Cell::Word(first) = record[period] else {
                unreachable!()
            };
            // Periods two months clear of the calendar's ends, so that
            // the shifts (a few days either side of the month, now and
            // then) stay on it; its ends are build_c_lists.rs's.
            let first = if first < calendar::min_day() + 60 || first > calendar::max_day() - 60 {
                day(2026, 6, 1)
            } else {
                first
            };
            // The period is the shifts' (W2 refuses a shift outside it).
            record[period] = Cell::Word(first);
            let n = rng.range(0, 15) as usize;
            let elements = (0..n)
                .map(|_| {
                    // Inside the period's month (days 1 to 28), now and
                    // then a few days before or after it, which W2 refuses.
                    let offset = match rng.below(400) {
                        0 => rng.range(-2, -1),
                        1 => rng.range(31, 33),
                        _ => rng.range(0, 27),
                    };
                    let start = (first - 1 + offset) * 1440 + rng.range(0, 1439);
                    let length = match rng.below(150) {
                        0 => -rng.range(1, 300),
                        1 => rng.range(1440, 2880),
                        _ => rng.range(0, 16 * 60),
                    };
                    vec![start, start + length, rng.range(0, 2)]
                })
                .collect();
            record[shifts] = Cell::List(elements);
        }
        records
    };
    let (lines, computed, total) = differential_over(
        "examples/w2_time_report.avtal",
        "w2_time_report",
        "W2",
        "",
        generated,
    );
    // The record's own slots leave the fixed point often (salaries of
    // 10^16 öre), and W2 refuses shifts that are reversed, over 24 hours
    // or start outside the month (E0510, `AVTAL_E_REFUSED`).
    let codes = |code: &str| lines.lines().filter(|l| l.starts_with(code)).count();
    eprintln!(
        "W2, {total} generated months: {computed} computed, {} out of range, {} E0510",
        codes("1 "),
        codes("9 ")
    );
    assert!(codes("9 E0510") > 0, "no refused month:\n{lines}");
    // About 38 % are computed (the rest leave the fixed point or are
    // refused); a quarter leaves room for the generator's spread.
    assert!(computed * 4 > total, "only {computed} of {total}:\n{lines}");
}

/// Division by zero, a param before its first date, a date off the
/// calendar and a table without a row: the library's code and diagnostic
/// are the interpreter's error, at the same record.
const ERRORS: &str = r#"module fel

param sats: Percent {
  from 2026-01-01 = 10 %
}

record In {
  belopp: Money
  delar: Int
  dag: Date
  månader: Int
}

record Ut {
  andel: Money
  avgift: Money
  slut: Date
}

evaluate Fel(x: In) -> Ut {
  Ut {
    andel: round(x.belopp / x.delar, 0.01 SEK)
    avgift: round(x.belopp * sats at x.dag, 0.01 SEK)
    slut: x.dag + months(x.månader)
  }
}
"#;

#[test]
fn differential_errors_match_the_interpreter() {
    if !have("cc") {
        return;
    }
    let lines = differential("fel.avtal", "fel", "Fel", ERRORS);
    for code in ["2 E0502", "3 E0503", "4 E0504"] {
        assert!(
            lines.lines().any(|l| l.starts_with(code)),
            "no {code} in\n{lines}"
        );
    }
}

/// The reasons a condition failed, as text built from constant pieces:
/// the library's accessor spells what the interpreter computes.
#[test]
fn differential_behorighet_texts() {
    if !have("cc") {
        return;
    }
    for entry_name in ["Växling", "PrövaAnnatArbete", "Studieledighet"] {
        let lines = differential("examples/behorighet.avtal", "behorighet", entry_name, "");
        // Some record has reasons, and some has none.
        let texts: Vec<&str> = lines
            .lines()
            .filter(|l| l.starts_with("0 "))
            .filter_map(|l| l.split(' ').nth(4))
            .collect();
        assert!(texts.contains(&"-"), "{entry_name}: no empty text");
        assert!(
            texts.iter().any(|t| t.len() > 100),
            "{entry_name}: no reasons"
        );
    }
}

/// An input text passed through to the output.
#[test]
fn differential_rd_rals_revision_texts() {
    if !have("cc") {
        return;
    }
    let lines = differential(
        "examples/rd_rals_revision.avtal",
        "rd_rals_revision",
        "Revisionsbelopp",
        "",
    );
    assert!(lines.lines().any(|l| l.starts_with("0 - ")), "{lines}");
    assert!(lines.lines().any(|l| l.contains("c3")), "no Swedish letter");
    // The schema: texts are JSON strings; in C a pointer in, an opaque
    // mask read by the named accessor out.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("build_c_diff_rd_rals_revision_Revisionsbelopp");
    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("Revisionsbelopp.schema.json")).unwrap())
            .unwrap();
    let input = &schema["$defs"]["input"]["properties"]["grupp"];
    let output = &schema["$defs"]["output"]["properties"]["grupp"];
    assert_eq!(input["type"], "string");
    assert_eq!(output["type"], "string");
    assert_eq!(input["x-avtal-c"]["type"], "const char *");
    assert_eq!(
        output["x-avtal-c"]["accessor"],
        "avtal_Revisionsbelopp_grupp_text"
    );
}

/// Entry points the compiled code cannot hold (here: comparing two input
/// texts) are skipped with a warning, or fail the build when named.
const UNCOMPILED: &str = r#"module jamfor

record In {
  a: Text
  b: Text
}

record Ut {
  lika: Bool
  a: Text
}

evaluate Jämför(x: In) -> Ut {
  Ut { lika: x.a == x.b, a: x.a }
}

evaluate Eko(x: In) -> Ut {
  Ut { lika: true, a: x.b + " och " + x.a }
}
"#;

#[test]
fn entry_points_that_do_not_compile_are_named() {
    if !have("cc") {
        return;
    }
    let dir = scratch("build_c_skip");
    let file = common::write(&dir, "jamfor.avtal", UNCOMPILED);
    let all = avtal_build(&file, &dir, &[]);
    let stderr = String::from_utf8_lossy(&all.stderr);
    assert!(all.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "skipping entry point `Jämför`: it cannot be compiled to native code \
             (not compiled: comparing two texts that both depend on the run)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("built 1 entry point (Eko)"), "{stderr}");
    let named = avtal_build(&file, &dir, &["Jämför"]);
    let stderr = String::from_utf8_lossy(&named.stderr);
    assert!(!named.status.success());
    assert!(
        stderr.contains("entry point `Jämför` cannot be compiled to native code: not compiled"),
        "{stderr}"
    );
    // Every entry point of the examples with texts or lists builds,
    // warning-free.
    for example in ["behorighet", "rd_rals_revision", "w2_time_report"] {
        let out = scratch(&format!("build_c_all_{example}"));
        let output = avtal_build(
            &workspace().join(format!("examples/{example}.avtal")),
            &out,
            &[],
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(!stderr.contains("warning"), "{stderr}");
    }
}

/// The accessors' contract in C: cap 0, a short buffer, an exact fit,
/// null arguments, an input text passed through, a NULL input text.
#[test]
fn text_accessors_truncate_like_snprintf() {
    if !have("cc") {
        return;
    }
    let dir = scratch("build_c_texts");
    build(&workspace().join("examples/behorighet.avtal"), &dir);
    build(&workspace().join("examples/rd_rals_revision.avtal"), &dir);
    let driver = Compile::c(&dir)
        .flag("-O1")
        .link("behorighet")
        .link("rd_rals_revision")
        .to(&c_source("text_driver.c"), "text_driver");
    let got = run_exe(&driver, &[]);
    let full = "nedsatt arbetsförmåga på grund av sjukdom under en period om minst 90 dagar; anställningsavtal med en annan arbetsgivare ingått från och med dag 91 till och med dag 180 av sjukperioden; anmäld till arbetsgivaren senast två veckor före ledighetens början";
    let n = full.len();
    let expected = format!(
        "\
prova 0 3 {n} {full}
cap_0 {n} sentinel
null_buf {n}
cap_1 {n} []
cap_10 {n} [{}]
exact {n} [{full}]
one_short {n} [{}]
null_out 0 []
null_in 0 []
null_both_no_buf 0
empty 0 0 0 []
grupp 0 [Grupp ÅÄÖ 7] 14
grupp_cut 14 [Grupp ÅÄ]
grupp_null 10 - 0 grupp
batch 10 0 10 1 grupp
",
        &full[..9],
        std::str::from_utf8(&full.as_bytes()[..n - 1]).unwrap_or("?"),
    );
    assert_eq!(got, expected);
}

#[test]
fn a_missing_c_compiler_is_a_clear_error() {
    let dir = scratch("build_c_no_cc");
    let output = avtal()
        .arg("build")
        .arg(workspace().join("examples/w1_payroll_month.avtal"))
        .arg("-o")
        .arg(&dir)
        .env("CC", "/nonexistent/cc")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("the C compiler `/nonexistent/cc` was not found"),
        "{stderr}"
    );
}

/// A money-like output string: an optional minus, digits, a point, two digits.
fn two_decimals(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    match digits.split_once('.') {
        Some((whole, cents)) => {
            !whole.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit())
                && cents.len() == 2
                && cents.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

#[test]
fn json_schema_describes_avtal_run_json_lines_and_the_c_slots() {
    if !have("cc") {
        return;
    }
    let dir = scratch("build_c_schema");
    build(&workspace().join("examples/w1_payroll_month.avtal"), &dir);
    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("W1.schema.json")).unwrap()).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["$ref"], "#/$defs/input");
    let program = program_of("examples/w1_payroll_month.avtal");
    let (input, output) = layouts(&program, entry_id(&program, "W1"));
    for (def, layout) in [("input", &input), ("output", &output)] {
        let names: Vec<&str> = layout.fields.iter().map(|f| f.name.as_str()).collect();
        let required: Vec<&str> = schema["$defs"][def]["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(required, names, "{def}: the struct's fields, in order");
        assert_eq!(
            schema["$defs"][def]["x-avtal-c"]["struct_size"],
            layout.stride
        );
    }
    let properties = &schema["$defs"]["output"]["properties"];
    assert_eq!(properties["tsn_fee"]["x-avtal-c"]["scale"], 2);
    assert_eq!(properties["notice_end"]["format"], "date");

    // Every row `avtal run` writes as JSON Lines fits the output schema.
    let jsonl = dir.join("out.jsonl");
    let status = avtal()
        .arg("run")
        .arg(workspace().join("examples/w1_payroll_month.avtal"))
        .arg("--input")
        .arg(workspace().join("examples/w1_population.csv"))
        .arg("--output")
        .arg(&jsonl)
        .arg("--quiet")
        .status()
        .unwrap();
    assert!(status.success());
    let text = fs::read_to_string(&jsonl).unwrap();
    for line in text.lines().take(200) {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let row = row.as_object().unwrap();
        assert_eq!(row.len(), output.fields.len());
        for (name, value) in row {
            let property = &properties[name.as_str()];
            match property["type"].as_str() {
                Some("string") if property.get("pattern").is_some() => {
                    assert!(two_decimals(value.as_str().unwrap()), "{name}: {value}");
                }
                Some("string") => assert_eq!(value.as_str().unwrap().len(), 10, "{name}"),
                Some("integer") => assert!(value.is_i64(), "{name}: {value}"),
                Some("boolean") => assert!(value.is_boolean(), "{name}: {value}"),
                other => panic!("{name}: unexpected schema type {other:?}"),
            }
        }
    }
}

#[test]
fn the_header_compiles_as_cpp() {
    if !have("c++") {
        eprintln!("skipped: no `c++`");
        return;
    }
    let dir = scratch("build_c_cpp");
    build(&workspace().join("examples/w1_payroll_month.avtal"), &dir);
    let source = common::write(
        &dir,
        "use.cpp",
        "#include \"w1_payroll_month.h\"\n\
         int main() { W1Input in{}; W1Output out{}; AvtalError err{};\n\
         return avtal_W1(&in, &out, &err) == AVTAL_E_BEFORE_FIRST_DATE ? 0 : 1; }\n",
    );
    // A zeroed record has day number 0 = 0000-12-31 in `period`: on the
    // calendar, so the first problem is the param lookup before 2026.
    Compile::cxx(&dir)
        .link("w1_payroll_month")
        .run(&source, "use");

    // A header with text fields and accessors, as C++.
    build(&workspace().join("examples/rd_rals_revision.avtal"), &dir);
    let source = common::write(
        &dir,
        "texts.cpp",
        "#include \"rd_rals_revision.h\"\n\
         #include \"w1_payroll_month.h\"\n\
         int main() { RevisionsbeloppInput in{}; in.grupp = \"C1\"; RevisionsbeloppOutput out{};\n\
         if (avtal_Revisionsbelopp(&in, &out, nullptr) != AVTAL_OK) return 1;\n\
         char buf[3]; return avtal_Revisionsbelopp_grupp_text(&out, &in, buf, sizeof buf) == 2\n\
         && buf[0] == 'C' && buf[1] == '1' && buf[2] == 0 ? 0 : 1; }\n",
    );
    Compile::cxx(&dir)
        .link("rd_rals_revision")
        .run(&source, "texts");
}

const COLLIDING: &str = r#"module krock

record In {
  år: Int
  ar: Int
}

record Ut {
  summa: Int
}

evaluate Lön(x: In) -> Ut {
  Ut { summa: x.år + x.ar }
}

evaluate Lon(x: In) -> Ut {
  Ut { summa: x.år - x.ar }
}
"#;

#[test]
fn names_that_collide_in_c() {
    if !have("cc") {
        return;
    }
    let dir = scratch("build_c_collide");
    let file = common::write(&dir, "krock.avtal", COLLIDING);
    // Both entry points: one C name for two functions is refused.
    let both = avtal_build(&file, &dir, &[]);
    let stderr = String::from_utf8_lossy(&both.stderr);
    assert!(!both.status.success());
    assert!(
        stderr.contains(
            "entry point `Lön` and entry point `Lon` both become the C function `avtal_Lon`"
        ),
        "{stderr}"
    );
    // One of them: the fields `år` and `ar` get distinct C names.
    let one = avtal_build(&file, &dir, &["Lön"]);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let header = fs::read_to_string(dir.join("krock.h")).unwrap();
    assert!(header.contains("int64_t ar; /* år: Int */"), "{header}");
    assert!(header.contains("int64_t ar_1; /* ar: Int */"), "{header}");
    let source = common::write(
        &dir,
        "use.c",
        "#include \"krock.h\"\n\
         int main(void) { struct LonInput in = {.ar = 40, .ar_1 = 2}; struct LonOutput out;\n\
         return avtal_Lon(&in, &out, NULL) == AVTAL_OK && out.summa == 42 ? 0 : 1; }\n",
    );
    Compile::c(&dir).link("krock").run(&source, "use");

    // A text accessor's name is another entry point's.
    let file = common::write(&dir, "krock2.avtal", COLLIDING_TEXT);
    let both = avtal_build(&file, &dir, &[]);
    let stderr = String::from_utf8_lossy(&both.stderr);
    assert!(!both.status.success());
    assert!(
        stderr.contains(
            "the text accessor of field `b` of entry point `A` and entry point `A_b_text` both become the C function `avtal_A_b_text`"
        ),
        "{stderr}"
    );
}

const COLLIDING_TEXT: &str = r#"module krock2

record In {
  n: Int
}

record Ut {
  b: Text
}

evaluate A(x: In) -> Ut {
  Ut { b: "a" }
}

evaluate A_b_text(x: In) -> Ut {
  Ut { b: "b" }
}
"#;
