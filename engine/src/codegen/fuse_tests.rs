//! Fused loops (`fuse.rs`) against the interpreter: `testdata/fuse.avtal`
//! over generated lists (empty, of one, with failing and refused elements)
//! and over hand-written records whose members fail in another order than
//! the interpreter's; and which blocks are fused (W2's, not a library's).

use avtal_compiler::clock::timestamp_minutes;
use avtal_compiler::eval::{Interpreter, Number, Value};
use avtal_compiler::ir::{FuncId, Program};
use avtal_compiler::testgen::Rng;
use chrono::NaiveDate;

use super::CompiledEntry;
use super::day_walks::SHARED_DAY_WALKS;
use super::fuse::FUSED;
use super::tests::{Evaluator, differential_records, native_share_of};

fn compile(name: &str, text: &str) -> avtal_compiler::Compilation {
    let mut sources = avtal_compiler::source::Sources::new();
    avtal_compiler::stdlib::add_to(&mut sources);
    sources.add(name, text);
    let compilation = avtal_compiler::compile(&sources);
    assert!(
        !compilation.has_errors(),
        "{name}: {:?}",
        compilation.diagnostics
    );
    compilation
}

fn fuse_program() -> avtal_compiler::Compilation {
    compile("fuse.avtal", include_str!("testdata/fuse.avtal"))
}

fn entry(program: &Program) -> FuncId {
    program.entry_points().next().unwrap().0
}

fn int(n: i64) -> Value {
    Value::Number(Number::from_i64(n))
}

fn june(day: u32, hour: u32, minute: u32) -> Value {
    let t = NaiveDate::from_ymd_opt(2026, 6, day)
        .unwrap()
        .and_hms_opt(hour, minute, 0)
        .unwrap();
    Value::Timestamp(t)
}

/// One element: `[start, end)`, ordinary or extra, an amount, `antal`
/// and `delare`.
fn post(start: Value, end: Value, extra: bool, amount: i64, antal: i64, delare: i64) -> Value {
    Value::Record(
        vec![
            start,
            end,
            Value::Variant(u32::from(extra)),
            int(amount),
            int(antal),
            int(delare),
        ]
        .into(),
    )
}

fn record(delare: i64, posts: Vec<Value>) -> Value {
    let period = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    Value::Record(vec![Value::Date(period), int(delare), Value::List(posts.into())].into())
}

/// A generated element: now and then reversed, starting next month,
/// with a negative `antal` (refused), a zero `delare` (`mod` by zero) or
/// an amount too large to add up in 64 bits.
fn generated_post(rng: &mut Rng) -> Value {
    let first = timestamp_minutes(
        NaiveDate::from_ymd_opt(2026, 6, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap(),
    );
    let start = first + rng.range(0, 31 * 1440);
    let length = rng.range(1, 30 * 60);
    let end = if rng.below(30) == 0 {
        start - length
    } else {
        start + length
    };
    let stamp = |m: i64| Value::Timestamp(avtal_compiler::clock::timestamp_of_minutes(m).unwrap());
    let amount = match rng.below(40) {
        0 => 50_000_000_000_000_000,
        1..=4 => -rng.range(1, 1000),
        _ => rng.range(1, 5000),
    };
    let antal = if rng.below(40) == 0 {
        -1
    } else {
        rng.range(0, 50)
    };
    let delare = if rng.below(25) == 0 {
        0
    } else {
        rng.range(1, 7)
    };
    post(
        stamp(start),
        stamp(end),
        rng.below(3) == 0,
        amount,
        antal,
        delare,
    )
}

fn generated_record(rng: &mut Rng, n: usize) -> Value {
    let len = match n % 4 {
        0 => 0,
        1 => 1,
        _ => rng.range(2, 12) as usize,
    };
    let posts = (0..len).map(|_| generated_post(rng)).collect();
    let delare = if rng.below(30) == 0 { 0 } else { 3 };
    record(delare, posts)
}

/// Generated records through the fused block and the interpreter: equal
/// values, or equal errors; and most records computed by the fused code.
#[test]
fn fused_block_identical() {
    let compilation = fuse_program();
    let program = &compilation.program;
    let entry = entry(program);
    let mut rng = Rng::new(0xf05e_2026);
    let records: Vec<Value> = (0..super::tests::cases() as usize)
        .map(|n| generated_record(&mut rng, n))
        .collect();
    assert!(differential_records(program, entry, &records, "fuse.avtal"));
    let compiled = CompiledEntry::compile(program, entry).unwrap();
    let share = native_share_of(&compiled, &records);
    eprintln!("fuse.avtal: {share:.2} of the records computed natively");
    assert!(share > 0.5, "{share}");
}

/// The interpreter's result (or the code of its error), the engine's
/// answer (which must be the same), and whether the compiled code itself
/// computed the record.
fn both(program: &Program, entry: FuncId, record: &Value) -> (Result<Value, String>, bool) {
    let interpreted = Interpreter::new(program)
        .call(entry, std::slice::from_ref(record))
        .map_err(|e| format!("{} {}", e.code(), e.place().unwrap_or("")));
    let engine = Evaluator::new(program, entry)
        .evaluate(record)
        .map_err(|e| format!("{} {}", e.code(), e.place().unwrap_or("")));
    assert_eq!(interpreted, engine, "{record:?}");
    let compiled = CompiledEntry::compile(program, entry).unwrap();
    let native = native_share_of(&compiled, std::slice::from_ref(record)) == 1.0;
    (interpreted, native)
}

/// Members that fail at different elements: the fused loop meets a later
/// member's failure first (a reversed interval in `natt` at element 0),
/// the interpreter an earlier member's (`mod` by zero in `rest` at
/// element 1); the answer is the interpreter's. A refusal comes first in
/// source order, so it wins over a failure at an earlier element; a
/// failure before the loop (`div` by zero) wins over the loop's.
#[test]
fn failures_keep_the_interpreters_order() {
    let compilation = fuse_program();
    let program = &compilation.program;
    let entry = entry(program);
    let reversed = post(june(3, 8, 0), june(3, 7, 0), false, 100, 1, 1);
    let by_zero = post(june(4, 8, 0), june(4, 16, 0), false, 100, 1, 0);
    let good = post(june(5, 18, 0), june(6, 2, 0), false, 100, 7, 2);
    let refused = post(june(6, 8, 0), june(6, 9, 0), true, 100, -1, 1);

    let (result, native) = both(
        program,
        entry,
        &record(3, vec![reversed.clone(), by_zero.clone(), good.clone()]),
    );
    let error = result.unwrap_err();
    assert!(error.contains("E0502"), "{error}");
    assert!(!native);

    let (result, native) = both(
        program,
        entry,
        &record(3, vec![by_zero.clone(), good.clone(), refused]),
    );
    let error = result.unwrap_err();
    assert!(
        error.contains("E0510") && error.contains("poster[2]"),
        "{error}"
    );
    assert!(!native);

    let (result, native) = both(program, entry, &record(0, vec![reversed, good.clone()]));
    let error = result.unwrap_err();
    assert!(error.contains("E0502"), "{error}");
    assert!(!native);

    // The failing element alone fails; without it the record is computed.
    let (result, _) = both(program, entry, &record(3, vec![good.clone(), by_zero]));
    assert!(result.unwrap_err().contains("E0502"));
    let (result, native) = both(program, entry, &record(3, vec![good.clone(), good]));
    assert!(result.is_ok());
    assert!(native);
}

/// An empty list and a list of one are computed by the fused code, with
/// the interpreter's values (every sum 0, `all` true, `any` false).
#[test]
fn empty_list_and_list_of_one() {
    let compilation = fuse_program();
    let program = &compilation.program;
    let entry = entry(program);
    let (result, native) = both(program, entry, &record(3, Vec::new()));
    let Value::Record(fields) = result.unwrap() else {
        panic!("not a record");
    };
    assert!(native);
    assert_eq!(fields.get(4), Some(&int(0)), "antal");
    assert_eq!(fields.get(5), Some(&Value::Bool(true)), "alla_positiva");
    assert_eq!(fields.get(6), Some(&Value::Bool(false)), "någon_extra");

    let one = post(june(5, 18, 0), june(6, 2, 0), false, 250, 7, 2);
    let (result, native) = both(program, entry, &record(3, vec![one]));
    let Value::Record(fields) = result.unwrap() else {
        panic!("not a record");
    };
    assert!(native);
    assert_eq!(fields.get(1), Some(&int(1)), "rest: 7 mod 2");
    assert_eq!(fields.get(4), Some(&int(1)), "antal");
}

/// Which blocks are fused, by their loop members: fuse.avtal's eleven
/// (two refusals and nine aggregates, `summa` to `extra`, but not the
/// `sum` in `skillnad`, which reads `summa`, or the `min`), W2's ten (three refusals, the seven
/// sums: every loop over the shifts), and none in a library of `avtal
/// build`, whose error codes must be the interpreter's first error.
#[test]
fn which_blocks_are_fused() {
    let fused = |program: &Program| {
        FUSED.with(|f| f.borrow_mut().clear());
        CompiledEntry::compile(program, entry(program)).unwrap();
        FUSED.with(|f| f.borrow().clone())
    };
    let compilation = fuse_program();
    assert_eq!(fused(&compilation.program), [11]);

    let w2 = compile(
        "w2_time_report.avtal",
        include_str!("../../../examples/w2_time_report.avtal"),
    );
    assert_eq!(fused(&w2.program), [10]);

    FUSED.with(|f| f.borrow_mut().clear());
    let program = &w2.program;
    super::build_library(program, &[entry(program)], "w2").unwrap();
    CompiledEntry::compile_as_library(program, entry(program)).unwrap();
    assert_eq!(FUSED.with(|f| f.borrow().clone()), Vec::<usize>::new());
}

/// A day's `hours_on` calls of one interval are classified once
/// (`day_walks.rs`): W2's OB pay (three classes of a shift's day) and
/// fuse.avtal's `dagvis` (two), each one interval a day; not in a library.
#[test]
fn days_classified_once_for_their_calls() {
    let shared = |program: &Program| {
        SHARED_DAY_WALKS.with(|n| n.set(0));
        CompiledEntry::compile(program, entry(program)).unwrap();
        SHARED_DAY_WALKS.with(|n| n.get())
    };
    let compilation = fuse_program();
    assert_eq!(shared(&compilation.program), 1);
    let w2 = compile(
        "w2_time_report.avtal",
        include_str!("../../../examples/w2_time_report.avtal"),
    );
    assert_eq!(shared(&w2.program), 1);
    SHARED_DAY_WALKS.with(|n| n.set(0));
    let program = &w2.program;
    super::build_library(program, &[entry(program)], "w2").unwrap();
    assert_eq!(SHARED_DAY_WALKS.with(|n| n.get()), 0);
}
