//! The compiled evaluator against the interpreter: W1 over its population
//! file and over generated records (half-öre ties, huge values that force
//! the overflow fallback), requiring the identical value (scale included)
//! or the identical error on every record; and the canonical-scale audit.

use proptest::prelude::*;

use super::*;
use avtal_compiler::data::DataType;
use avtal_compiler::eval::{Interpreter, Value, scale_audit};
use avtal_compiler::ir::{FuncId, Program};
use avtal_compiler::source::Sources;
use avtal_compiler::testgen::Rng;
use avtal_compiler::types::Type;

const W1: &str = include_str!("../../../examples/w1_payroll_month.avtal");
const POPULATION: &str = include_str!("../../../examples/w1_population.csv");

fn compile_w1() -> (Program, FuncId) {
    let mut sources = Sources::new();
    avtal_compiler::stdlib::add_to(&mut sources);
    sources.add("w1_payroll_month.avtal", W1);
    let compilation = avtal_compiler::compile(&sources);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    let entry = compilation
        .program
        .entry_points()
        .find(|(_, f)| f.name == "W1")
        .map(|(id, _)| id)
        .unwrap();
    (compilation.program, entry)
}

/// W1, checked once per test binary.
fn w1() -> &'static (Program, FuncId) {
    static W1_PROGRAM: std::sync::OnceLock<(Program, FuncId)> = std::sync::OnceLock::new();
    W1_PROGRAM.get_or_init(compile_w1)
}

thread_local! {
    /// W1 compiled once per test thread.
    static W1_EVALUATOR: std::cell::RefCell<Evaluator<'static>> = {
        let (program, entry) = w1();
        std::cell::RefCell::new(Evaluator::new(program, *entry))
    };
}

/// The engine's JIT for `entry`, with the interpreter's result shape, so
/// that results compare with [`Interpreter::call`]'s.
pub(super) struct Evaluator<'p>(crate::PreparedEntry<'p>);

impl<'p> Evaluator<'p> {
    pub(super) fn new(program: &'p Program, entry: FuncId) -> Evaluator<'p> {
        let entry = program.entry(entry).expect("a checked entry point");
        Evaluator(crate::PreparedEntry::prepare(
            program,
            entry,
            crate::Engine::Jit,
        ))
    }

    pub(super) fn is_native(&self) -> bool {
        self.0.is_native()
    }

    pub(super) fn not_compiled(&self) -> Option<&CodegenError> {
        self.0.not_compiled()
    }

    pub(super) fn evaluate(
        &mut self,
        record: &Value,
    ) -> Result<Value, avtal_compiler::eval::EvalError> {
        let mut results = Vec::new();
        self.evaluate_batch(std::slice::from_ref(record), &mut results);
        results.pop().unwrap()
    }

    pub(super) fn evaluate_batch(
        &mut self,
        records: &[Value],
        out: &mut Vec<Result<Value, avtal_compiler::eval::EvalError>>,
    ) {
        let codec = self.0.input_codec();
        let mut batch = codec.new_batch();
        for record in records {
            codec.push_value(&mut batch, record.clone());
        }
        let mut results = crate::Results::default();
        self.0.evaluate(&batch, &mut results);
        assert_eq!(results.len(), records.len(), "one answer per record");
        for index in 0..results.len() {
            out.push(match results.get(index).unwrap() {
                Ok(computed) => Ok(computed.to_value()),
                Err(crate::RowFailure::Evaluation(error)) => Err(error.clone()),
                Err(other) => panic!("not an evaluation error: {other:?}"),
            });
        }
    }
}

fn input_type(program: &Program, entry: FuncId) -> DataType {
    let function = program.function(entry).unwrap();
    DataType::new(program, &function.params[0].1)
}

/// One CSV row of the population (header order = record order).
fn parse_row(ty: &DataType, header: &[&str], line: &str) -> Value {
    let fields = ty.record_fields().unwrap();
    let cells: Vec<&str> = line.split(',').collect();
    let values: Vec<Value> = fields
        .iter()
        .map(|(name, field_ty)| {
            let column = header.iter().position(|h| h == name).unwrap();
            field_ty.parse_text(cells[column]).unwrap()
        })
        .collect();
    Value::Record(values.into())
}

fn same(
    interpreted: &Result<Value, avtal_compiler::eval::EvalError>,
    compiled: &Result<Value, avtal_compiler::eval::EvalError>,
) -> bool {
    // Debug of a number shows its decimal with its scale.
    format!("{interpreted:?}") == format!("{compiled:?}")
}

fn population() -> Vec<Value> {
    let (program, entry) = w1();
    let (program, entry) = (program, *entry);
    let ty = input_type(program, entry);
    let mut lines = POPULATION.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines.map(|line| parse_row(&ty, &header, line)).collect()
}

#[test]
fn w1_compiles() {
    let (program, entry) = w1();
    let (program, entry) = (program, *entry);
    let compiled = CompiledEntry::compile(program, entry);
    assert!(compiled.is_ok(), "{:?}", compiled.err());
}

#[test]
fn w1_population_identical() {
    let (program, entry) = w1();
    let (program, entry) = (program, *entry);
    let records = population();
    let interpreter = Interpreter::new(program);
    let mut evaluator = Evaluator::new(program, entry);
    assert!(evaluator.is_native(), "{:?}", evaluator.not_compiled());
    let mut results = Vec::new();
    evaluator.evaluate_batch(&records, &mut results);
    assert_eq!(results.len(), records.len());
    for (record, compiled) in records.iter().zip(&results) {
        let interpreted = interpreter.call(entry, std::slice::from_ref(record));
        assert!(
            same(&interpreted, compiled),
            "{record:?}\n{interpreted:?}\n{compiled:?}"
        );
    }
}

#[test]
fn w1_population_scales_are_canonical() {
    let (program, entry) = w1();
    let (program, entry) = (program, *entry);
    let interpreter = Interpreter::new(program);
    scale_audit::start();
    for record in population() {
        let _ = interpreter.call(entry, std::slice::from_ref(&record));
    }
    for index in 0..program.examples.len() {
        let _ = interpreter.run_example(index);
    }
    let mismatches = scale_audit::finish();
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

/// A W1 record from generated parts; cells as the data layer reads them.
#[allow(clippy::too_many_arguments)]
fn record(
    ty: &DataType,
    period: &str,
    salary: &str,
    rate: &str,
    supplement: &str,
    ints: [i64; 5],
    enums: [&str; 3],
    flex: bool,
    reserve_pay: &str,
    hours: [&str; 2],
) -> Option<Value> {
    let [
        vacation_days,
        reserve_days,
        reserve_days_ytd,
        service_years,
        id,
    ] = ints;
    let [division, reason, appointment] = enums;
    let cells: Vec<(&str, String)> = vec![
        ("id", id.to_string()),
        ("period", period.to_string()),
        ("salary", salary.to_string()),
        ("rate", rate.to_string()),
        ("supplement", supplement.to_string()),
        ("vacation_days", vacation_days.to_string()),
        ("division", division.to_string()),
        ("flex_transition", flex.to_string()),
        ("reserve_days", reserve_days.to_string()),
        ("reserve_days_ytd", reserve_days_ytd.to_string()),
        ("reserve_reason", reason.to_string()),
        ("reserve_pay", reserve_pay.to_string()),
        ("mertid_ytd", hours[0].to_string()),
        ("overtime_ytd", hours[1].to_string()),
        ("appointment", appointment.to_string()),
        ("service_years", service_years.to_string()),
    ];
    let fields = ty.record_fields()?;
    let mut values = Vec::new();
    for (name, field_ty) in fields {
        let (_, text) = cells.iter().find(|(n, _)| n == name)?;
        values.push(field_ty.parse_text(text).ok()?);
    }
    Some(Value::Record(values.into()))
}

fn cents(range: std::ops::RangeInclusive<i64>) -> impl Strategy<Value = String> {
    range.prop_map(|c| {
        let sign = if c < 0 { "-" } else { "" };
        format!(
            "{sign}{}.{:02}",
            c.unsigned_abs() / 100,
            c.unsigned_abs() % 100
        )
    })
}

fn money() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => cents(1_800_000..=9_500_000),
        // Salaries whose 4.6 % or 1.6 % lands on a half öre: multiples of
        // 25 öre (ties of `round` half away from zero).
        2 => (72_000i64..=380_000).prop_map(|q| format!("{}.{:02}", q * 25 / 100, q * 25 % 100)),
        1 => cents(-100_000..=100_000),
        // Huge values: i64 overflow in the products, so the fallback.
        1 => cents(i64::MAX / 1000..=i64::MAX / 100),
        1 => (10u32..=27).prop_map(|digits| format!("{}.99", "9".repeat(digits as usize))),
    ]
}

fn percent() -> impl Strategy<Value = String> {
    prop_oneof![3 => Just("100.00".to_string()), 2 => cents(0..=10_000), 1 => cents(-20_000..=2_000_000_000)]
}

fn hours() -> impl Strategy<Value = String> {
    prop_oneof![3 => cents(0..=26_000), 1 => cents(-100_000..=i64::MAX / 10)]
}

fn int() -> impl Strategy<Value = i64> {
    prop_oneof![6 => 0i64..=45, 1 => -40i64..=40, 1 => any::<i64>(), 1 => Just(25i64)]
}

fn period() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (2026i32..=2027, 1u32..=12).prop_map(|(y, m)| format!("{y}-{m:02}-01")),
        1 => (1i32..=9999, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        1 => Just("2025-12-31".to_string()),
        1 => Just("2026-08-31".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn w1_generated_identical(
        period in period(),
        salary in money(),
        rate in percent(),
        supplement in money(),
        ints in (int(), int(), int(), int(), any::<i64>()),
        division in prop::sample::select(vec!["I", "II"]),
        reason in prop::sample::select(vec!["readiness", "duty", "plan", "other"]),
        appointment in prop::sample::select(vec!["fullmakt", "tillsvidare"]),
        flex in any::<bool>(),
        reserve_pay in money(),
        mertid in hours(),
        overtime in hours(),
    ) {
        let (program, entry) = w1();
        let (program, entry) = (program, *entry);
        let ty = input_type(program, entry);
        let Some(value) = record(
            &ty, &period, &salary, &rate, &supplement,
            [ints.0, ints.1, ints.2, ints.3, ints.4],
            [division, reason, appointment], flex, &reserve_pay, [&mertid, &overtime],
        ) else {
            return Ok(());
        };
        let interpreter = Interpreter::new(program);
        scale_audit::start();
        let interpreted = interpreter.call(entry, std::slice::from_ref(&value));
        let mismatches = scale_audit::finish();
        prop_assert!(mismatches.is_empty(), "{:#?}", mismatches);
        let compiled = W1_EVALUATOR.with(|e| e.borrow_mut().evaluate(&value));
        prop_assert!(same(&interpreted, &compiled), "{:?}\n{:?}\n{:?}", value, interpreted, compiled);
    }
}

#[test]
fn layouts_round_trip() {
    let (program, entry) = w1();
    let (program, entry) = (program, *entry);
    let compiled = CompiledEntry::compile(program, entry).unwrap();
    let layout = compiled.input_layout();
    assert_eq!(layout.stride, 16 * 8);
    let mut bytes = vec![0u8; layout.stride];
    let salary = layout
        .fields
        .iter()
        .position(|f| f.ty == Type::Money)
        .unwrap();
    let value = Value::Number(avtal_compiler::eval::Number::from_decimal(
        "30000.00".parse().unwrap(),
    ));
    encode_value(layout, salary, &value, &mut bytes).unwrap();
    assert_eq!(
        format!("{:?}", decode_value(layout, salary, &bytes)),
        format!("{value:?}")
    );
}

/// A value for a slot: mostly ordinary, sometimes on a half-öre tie,
/// negative, zero, huge or at the calendar's ends.
pub(super) fn generate(rng: &mut Rng, program: &Program, ty: &Type) -> Value {
    use avtal_compiler::eval::Number;
    use rust_decimal::Decimal;
    let number = |m: i64, scale: u32| Value::Number(Number::from_decimal(Decimal::new(m, scale)));
    match ty {
        Type::Money | Type::Percent | Type::Hours => {
            let m = match rng.below(10) {
                0 => 0,
                1 => rng.range(-100_000, 100_000),
                2 => rng.range(0, 400_000) * 25,
                3 => rng.range(i64::MAX / 1000, i64::MAX),
                4 => rng.range(0, 10_000),
                _ => rng.range(0, 10_000_000),
            };
            number(m, 2)
        }
        Type::Int | Type::Days | Type::Months => {
            let m = match rng.below(10) {
                0 => rng.range(i64::MIN / 2, i64::MAX / 2),
                1 => rng.range(-50, -1),
                _ => rng.range(0, 60),
            };
            number(m, 0)
        }
        Type::Date => {
            let days = match rng.below(10) {
                0 => rng.range(1, 3_000_000),
                _ => rng.range(726_833, 744_000), // 1991 … 2037
            };
            let days = i32::try_from(days).unwrap();
            Value::Date(chrono::NaiveDate::from_num_days_from_ce_opt(days).unwrap())
        }
        Type::Bool => Value::Bool(rng.below(2) == 1),
        Type::Text => {
            let texts = ["", "C1", "grupp å", "; ", "ja"];
            let index = usize::try_from(rng.below(texts.len() as u64)).unwrap();
            Value::Text(texts[index].into())
        }
        Type::Enum(id) => {
            let n = program.enum_info(*id).unwrap().variants.len() as u64;
            Value::Variant(u32::try_from(rng.below(n)).unwrap())
        }
        _ => Value::Bool(false),
    }
}

/// Generated records through both engines: identical results. Returns
/// false when the entry point was not compiled.
pub(super) fn differential(program: &Program, entry: FuncId, cases: u64, label: &str) -> bool {
    let Some(layout) = CompiledEntry::compile(program, entry)
        .ok()
        .map(|c| c.input_layout().clone())
    else {
        return differential_records(program, entry, &[], label);
    };
    let seed = 0x9e37_79b9_7f4a_7c15 ^ u64::from(entry.0);
    let records = generated_records(&layout, program, seed, cases as usize);
    differential_records(program, entry, &records, label)
}

/// `n` records of `layout`'s fields from [`generate`].
fn generated_records(layout: &RecordLayout, program: &Program, seed: u64, n: usize) -> Vec<Value> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let fields: Vec<Value> = layout
                .fields
                .iter()
                .map(|f| generate(&mut rng, program, &f.ty))
                .collect();
            Value::Record(fields.into())
        })
        .collect()
}

/// `records` through both engines: identical results. Returns false when
/// the entry point was not compiled.
pub(super) fn differential_records(
    program: &Program,
    entry: FuncId,
    records: &[Value],
    label: &str,
) -> bool {
    let mut evaluator = Evaluator::new(program, entry);
    if !evaluator.is_native() {
        eprintln!(
            "{label}: interpreted ({})",
            evaluator.not_compiled().unwrap()
        );
        return false;
    }
    let interpreter = Interpreter::new(program);
    let mut results = Vec::new();
    evaluator.evaluate_batch(records, &mut results);
    let mut errors = 0;
    for (record, compiled) in records.iter().zip(&results) {
        let interpreted = interpreter.call(entry, std::slice::from_ref(record));
        if interpreted.is_err() {
            errors += 1;
        }
        assert!(
            same(&interpreted, compiled),
            "{label}: {record:?}\n{interpreted:?}\n{compiled:?}"
        );
    }
    eprintln!(
        "{label}: {} records identical ({errors} errors)",
        records.len()
    );
    true
}

pub(super) fn cases() -> u64 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(2000)
}

/// A file of `testdata/` with the stdlib, checked without errors.
fn testdata(name: &str, text: &str) -> avtal_compiler::Compilation {
    let mut sources = Sources::new();
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

/// Every construct the compiled evaluator translates (`testdata/`).
#[test]
fn constructs_identical() {
    let compilation = testdata(
        "constructs.avtal",
        include_str!("testdata/constructs.avtal"),
    );
    let program = &compilation.program;
    let (entry, _) = program.entry_points().next().unwrap();
    assert!(differential(
        program,
        entry,
        cases() * 10,
        "constructs.avtal"
    ));
}

/// Lists, aggregates, reasons and texts (`testdata/lists.avtal`): the entry
/// point compiles, and generated inputs give identical results, errors
/// (`max` of an empty list) included.
#[test]
fn lists_and_texts_identical() {
    let compilation = testdata("lists.avtal", include_str!("testdata/lists.avtal"));
    let program = &compilation.program;
    let (entry, _) = program
        .entry_points()
        .find(|(_, f)| f.name == "Listor")
        .unwrap();
    let compiled = CompiledEntry::compile(program, entry).unwrap();
    assert!(differential(program, entry, cases() * 5, "lists.avtal"));
    // Records are computed natively, not all sent to the interpreter
    // (about 0.44 here: `max` of an empty list and huge values fall back).
    assert!(native_share(&compiled, program, 1000) > 0.3);
}

/// `min`/`max` of a list of dates that is empty at compile time, in a
/// branch beside a date: found by the generated programs, where it made
/// the whole entry point fall back ("branches of different shapes") as
/// the empty `max` gave a number. It compiles, and agrees.
#[test]
fn extreme_of_empty_date_list_in_a_branch() {
    let text = "module gen
record In { b: Bool  e: Date }
record Out { first: Date  last: Date }
evaluate Gen(x: In) -> Out {
  Out {
    first: if x.b { min({ let l: List<Date> = [] l }) } else { x.e }
    last: { let l: List<Date> = [] (if count(l) > 0 { max(l) } else { x.e }) }
  }
}
";
    let mut sources = Sources::new();
    sources.add("gen.avtal", text);
    let compilation = avtal_compiler::compile(&sources);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    let program = &compilation.program;
    let (entry, _) = program.entry_points().next().unwrap();
    let compiled = CompiledEntry::compile(program, entry);
    assert!(compiled.is_ok(), "{:?}", compiled.err());
    assert!(differential(program, entry, 200, "empty date list"));
}

/// The share of generated records the compiled code computes itself
/// (status 0).
fn native_share(compiled: &CompiledEntry, program: &Program, n: usize) -> f64 {
    let records = generated_records(compiled.input_layout(), program, 0x2545_f491_4f6c_dd1d, n);
    let share = native_share_of(compiled, &records);
    eprintln!("{share:.2} of the records computed natively");
    share
}

/// The share of `records` the compiled code computes itself (status 0);
/// a record it cannot encode counts as not computed.
pub(super) fn native_share_of(compiled: &CompiledEntry, records: &[Value]) -> f64 {
    let layout = compiled.input_layout();
    let n = records.len();
    let mut input = vec![0u8; n * layout.stride];
    let mut encoded = vec![false; n];
    let mut lists = super::ListArena::default();
    for ((bytes, record), ok) in input
        .chunks_exact_mut(layout.stride)
        .zip(records)
        .zip(&mut encoded)
    {
        *ok = super::jit::encode_record(layout, record, bytes, &mut lists);
    }
    let mut output = vec![0u8; n * compiled.output_layout().stride];
    let mut status = vec![0u8; n];
    compiled.run_batch(&input, n, &mut output, &mut status);
    let native = status
        .iter()
        .zip(&encoded)
        .filter(|(s, ok)| **s == 0 && **ok)
        .count();
    assert!(encoded.iter().any(|ok| *ok));
    native as f64 / n.max(1) as f64
}

/// The reasons examples compile, and their text results decode to the
/// interpreter's texts (a record whose every requirement fails).
#[test]
fn behorighet_compiles_with_reasons() {
    let mut sources = Sources::new();
    avtal_compiler::stdlib::add_to(&mut sources);
    sources.add(
        "behorighet.avtal",
        include_str!("../../../examples/behorighet.avtal"),
    );
    let compilation = avtal_compiler::compile(&sources);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    let program = &compilation.program;
    for name in ["Växling", "PrövaAnnatArbete"] {
        let (entry, _) = program
            .entry_points()
            .find(|(_, f)| f.name == name)
            .unwrap();
        let compiled = CompiledEntry::compile(program, entry).unwrap();
        assert!(native_share(&compiled, program, 500) > 0.5, "{name}");
        assert!(differential(program, entry, cases(), name));
    }
    // Study leave takes a list of earlier employments, which generated
    // records do not fill: its bundled cases instead, all computed natively.
    let (entry, _) = program
        .entry_points()
        .find(|(_, f)| f.name == "Studieledighet")
        .unwrap();
    let compiled = CompiledEntry::compile(program, entry).unwrap();
    let ty = input_type(program, entry);
    let records: Vec<Value> = include_str!("../../../examples/behorighet_studier.jsonl")
        .lines()
        .map(|line| ty.parse_json_text(line).unwrap())
        .collect();
    assert!(differential_records(
        program,
        entry,
        &records,
        "Studieledighet"
    ));
    assert!(native_share_of(&compiled, &records) == 1.0);
}

/// A list of records built from the columns, aggregates over
/// comprehensions and an input text passed to the output: compiled, and
/// mostly computed natively.
#[test]
fn rd_rals_revision_compiles() {
    let mut sources = Sources::new();
    avtal_compiler::stdlib::add_to(&mut sources);
    sources.add(
        "rd_rals_revision.avtal",
        include_str!("../../../examples/rd_rals_revision.avtal"),
    );
    let compilation = avtal_compiler::compile(&sources);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    let program = &compilation.program;
    let (entry, _) = program
        .entry_points()
        .find(|(_, f)| f.name == "Revisionsbelopp")
        .unwrap();
    let compiled = CompiledEntry::compile(program, entry).unwrap();
    // About 0.43: 18 generated amounts per record, each sometimes huge
    // enough to leave the `i64` fixed point.
    assert!(native_share(&compiled, program, 500) > 0.3);
    assert!(differential(program, entry, cases(), "Revisionsbelopp"));
}

/// Every `evaluate` entry point of examples/ (and its stdlib imports)
/// that compiles: generated inputs give identical results. Files that do
/// not check (work in progress) are skipped.
#[test]
fn example_entry_points_identical() {
    let cases = cases();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "avtal"))
        .collect();
    files.sort();
    let mut compiled_entries = 0;
    for file in files {
        let mut sources = Sources::new();
        avtal_compiler::stdlib::add_to(&mut sources);
        sources.add(
            file.display().to_string(),
            std::fs::read_to_string(&file).unwrap(),
        );
        let compilation = avtal_compiler::compile(&sources);
        if compilation.has_errors() {
            continue;
        }
        let program = &compilation.program;
        for (entry, function) in program.entry_points() {
            let label = format!("{} {}", file.display(), function.name);
            if differential(program, entry, cases, &label) {
                compiled_entries += 1;
            }
        }
    }
    assert!(compiled_entries > 0);
}

/// Choices made with `select`s (`speculate.rs`) give the interpreter's
/// results, and choices whose other side would fail stay branches: a
/// division by zero, a param before its first date and a table row with a
/// param are never evaluated on records where the interpreter does not
/// evaluate them (those records compute a value, not an error).
#[test]
fn speculation_identical_and_never_fails_where_the_interpreter_does_not() {
    let compilation = testdata(
        "speculation.avtal",
        include_str!("testdata/speculation.avtal"),
    );
    let program = &compilation.program;
    let (entry, _) = program.entry_points().next().unwrap();
    assert!(differential(
        program,
        entry,
        cases() * 5,
        "speculation.avtal"
    ));

    use avtal_compiler::eval::Number;
    use rust_decimal::Decimal;
    let money = |m: i64| Value::Number(Number::from_decimal(Decimal::new(m, 2)));
    let int = |i: i64| Value::Number(Number::from_decimal(Decimal::from(i)));
    let date = |y, m, d| Value::Date(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap());
    let record = |a: i64, n: i64, d: Value, flag: bool, k: u32| {
        Value::Record(
            vec![
                money(a),
                money(150),
                int(n),
                d,
                Value::Bool(flag),
                Value::Variant(k),
            ]
            .into(),
        )
    };
    // n = 0, a date before `sats` exists, class A (whose row needs no
    // param), an `a` whose untaken product overflows: each a value.
    let records = vec![
        record(i64::MAX / 10, 0, date(2020, 5, 1), false, 0),
        record(1_000, 0, date(2025, 12, 31), false, 0),
        record(1_000, 7, date(2025, 12, 31), true, 0),
        record(1_000, 7, date(2027, 1, 1), true, 2),
    ];
    let interpreter = Interpreter::new(program);
    let mut evaluator = Evaluator::new(program, entry);
    let compiled = CompiledEntry::compile(program, entry).expect("the entry point compiles");
    let layout = compiled.input_layout().clone();
    let mut input = vec![0u8; records.len() * layout.stride];
    let mut lists = super::ListArena::default();
    for (record, bytes) in records.iter().zip(input.chunks_exact_mut(layout.stride)) {
        assert!(super::jit::encode_record(
            &layout, record, bytes, &mut lists
        ));
    }
    let mut output = vec![0u8; records.len() * compiled.output_layout().stride];
    let mut status = vec![0u8; records.len()];
    compiled.run_batch(&input, records.len(), &mut output, &mut status);
    // The first record's untaken product leaves the fixed point: computed
    // on every record, it sends this one to the interpreter (never an
    // error); the others are computed natively.
    assert_eq!(status, vec![1, 0, 0, 0]);
    for record in &records {
        let expected = interpreter.call(entry, std::slice::from_ref(record));
        assert!(expected.is_ok(), "{expected:?}");
        assert_eq!(evaluator.evaluate(record), expected);
    }
}

/// Clock time and classes of time (`testdata/clock.avtal`): shifts of up
/// to 30 hours starting anywhere in 2025–2028 (Christmas weeks more
/// often, and one in ten reversed, an error), through both engines. The
/// entry compiles, agrees on every record, and computes nearly all of
/// them natively.
#[test]
fn clock_and_classes_identical() {
    use avtal_compiler::clock::{timestamp_minutes, timestamp_of_minutes};
    let compilation = testdata("clock.avtal", include_str!("testdata/clock.avtal"));
    let program = &compilation.program;
    let (entry, _) = program.entry_points().next().unwrap();
    let compiled = CompiledEntry::compile(program, entry).unwrap();
    let mut rng = Rng::new(0x5eed_c10c);
    let stamp = |minutes: i64| Value::Timestamp(timestamp_of_minutes(minutes).unwrap());
    let midnight = |y: i64, m: u32, d: u32| {
        let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(y).unwrap(), m, d).unwrap();
        timestamp_minutes(date.and_hms_opt(0, 0, 0).unwrap())
    };
    let records: Vec<Value> = (0..cases() as usize * 2)
        .map(|n| {
            let start = if n % 3 == 0 {
                // Around Christmas and New Year of 2025–2027.
                midnight(2025 + rng.range(0, 3), 12, 20) + rng.range(0, 16 * 1440)
            } else {
                midnight(2025, 1, 1) + rng.range(0, 4 * 365 * 1440)
            };
            let length = rng.range(0, 30 * 60);
            let end = if n % 10 == 9 {
                start - length - 1
            } else {
                start + length
            };
            let salary = Value::Number(avtal_compiler::eval::Number::from_decimal(
                rust_decimal::Decimal::new(rng.range(1_800_000, 9_500_000), 2),
            ));
            Value::Record(vec![stamp(start), stamp(end), salary].into())
        })
        .collect();
    assert!(differential_records(
        program,
        entry,
        &records,
        "clock.avtal"
    ));
    let share = native_share_of(&compiled, &records);
    eprintln!("{share:.2} of the records computed natively");
    // Every record but the reversed ones.
    assert!(share > 0.85, "{share}");
}

/// Workload W2 (`examples/w2_time_report.avtal`) over its bundled
/// population: a month of shifts per record, against the calendar. The
/// entry compiles, both engines agree on every record, and the compiled
/// code computes them all itself (issue 14: nothing falls back).
#[test]
fn w2_compiles_and_computes_natively() {
    let compilation = testdata(
        "w2_time_report.avtal",
        include_str!("../../../examples/w2_time_report.avtal"),
    );
    let program = &compilation.program;
    let (entry, _) = program.entry_points().next().unwrap();
    let compiled = CompiledEntry::compile(program, entry).unwrap();
    let ty = input_type(program, entry);
    let records: Vec<Value> = include_str!("../../../examples/w2_time_reports.jsonl")
        .lines()
        .map(|line| ty.parse_json_text(line).unwrap())
        .collect();
    assert!(differential_records(program, entry, &records, "w2"));
    let share = native_share_of(&compiled, &records);
    eprintln!("w2: {share:.3} of the records computed natively");
    assert!(share == 1.0, "{share}");
}
