//! Differential testing over generated programs: random well-typed
//! `evaluate` entry points from [`avtal_compiler::testgen`] (every numeric unit,
//! dates, enums, tables, params, `match`, `if`, `let`, every rounding
//! mode, divisions that do not terminate or divide by zero, lists and
//! their aggregates, a condition's `.ok` and `.failed`, texts), each run
//! over generated records by the interpreter and the compiled evaluator,
//! which must agree on every value (scale included) and every error.
//!
//! Every program must check (one that does not is a generator bug, and
//! fails the test with its text) and compile, and most records must be
//! computed by the compiled code itself, not sent to the interpreter.
//! Failures print the seed and the program. `AVTAL_GENERATED_PROGRAMS`
//! sets the number of programs (default 40 in CI; thousands on demand).

use rust_decimal::Decimal;

use super::CompiledEntry;
use super::tests::{differential_records, generate, native_share_of};
use avtal_compiler::eval::{Number, Value};
use avtal_compiler::ir::{FuncId, Program};
use avtal_compiler::source::Sources;
use avtal_compiler::testgen::{self, Rng};

/// Records for `In`: two in three ordinary (salaries, rates and dates as
/// payroll has them, so most records compute a value), one in three from
/// the shared generator (ties, negatives, huge values, far dates), so
/// overflow, off-calendar dates and division by zero come up too.
fn records(program: &Program, entry: FuncId, seed: u64, count: usize) -> Vec<Value> {
    let mut rng = Rng::new(seed.rotate_left(17));
    let input = program.function(entry).unwrap().params[0].1.clone();
    let avtal_compiler::types::Type::Record(record) = input else {
        panic!("the entry point takes a record");
    };
    let fields = program.record(record).unwrap().fields.clone();
    let number = |m: i64, scale: u32| Value::Number(Number::from_decimal(Decimal::new(m, scale)));
    (0..count)
        .map(|n| {
            let values: Vec<Value> = fields
                .iter()
                .map(|field| {
                    let ty = &field.ty;
                    if n % 3 == 2 {
                        return generate(&mut rng, program, ty);
                    }
                    match field.name.as_str() {
                        "m" | "n" => number(rng.range(-500_000, 9_000_000), 2),
                        "p" => number(rng.range(0, 10_000), 2),
                        "h" => number(rng.range(0, 6_000), 2),
                        "i" | "j" => number(rng.range(-3, 40), 0),
                        "d" | "e" => {
                            let days = i32::try_from(rng.range(737_000, 741_000)).unwrap();
                            Value::Date(chrono::NaiveDate::from_num_days_from_ce_opt(days).unwrap())
                        }
                        _ => generate(&mut rng, program, ty),
                    }
                })
                .collect();
            Value::Record(values.into())
        })
        .collect()
}

/// Records per program.
const RECORDS: usize = 300;

fn program_count() -> u64 {
    std::env::var("AVTAL_GENERATED_PROGRAMS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(40)
}

#[test]
fn generated_programs_identical_in_both_engines() {
    let programs = program_count();
    let (mut native, mut total) = (0.0, 0usize);
    let mut unseen: Vec<&str> = CONSTRUCTS.to_vec();
    for n in 0..programs {
        let seed = testgen::seed(n);
        let text = testgen::program(seed);
        unseen.retain(|construct| !text.contains(construct));
        let mut sources = Sources::new();
        sources.add("gen.avtal", text.as_str());
        let compilation = avtal_compiler::compile(&sources);
        assert!(
            !compilation.has_errors(),
            "generated program {n} (seed {seed:#x}) does not check:\n{text}\n{:#?}",
            compilation.diagnostics
        );
        let program = &compilation.program;
        let (entry, _) = program
            .entry_points()
            .next()
            .expect("the generated entry point");
        let label = format!("generated program {n} (seed {seed:#x}):\n{text}");
        let records = records(program, entry, seed, RECORDS);
        assert!(
            differential_records(program, entry, &records, &label),
            "{label}\nwas not compiled"
        );
        let compiled = CompiledEntry::compile(program, entry).unwrap();
        native += native_share_of(&compiled, &records) * records.len() as f64;
        total += records.len();
    }
    // Two records in three are ordinary payroll data; lists, `min`/`max`
    // of empty lists and divisions by zero make some of those errors too.
    let share = native / total.max(1) as f64;
    eprintln!("{programs} programs × {RECORDS} records: {share:.2} computed natively");
    assert!(
        share > 0.5,
        "only {share:.2} of the records computed natively"
    );
    assert!(
        programs < 40 || unseen.is_empty(),
        "no generated program has {unseen:?}"
    );
}

/// Constructs the CI run's programs must contain between them (each
/// spelled as the generator writes it).
const CONSTRUCTS: &[&str] = &[
    "requires ",
    ".ok",
    "count(krav(x).failed)",
    "filter(",
    " for ",
    "] if ",
    "= [] ",
    "sum(",
    "min([",
    "max([",
    "any(",
    "all(",
    "\" + \"",
    "== \"",
    "!= \"",
    "match ",
    "round(",
];
