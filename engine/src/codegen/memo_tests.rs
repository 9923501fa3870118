//! The memos of compiled code (`class_memo.rs`, `day_memo.rs`) against the
//! interpreter: `testdata/memo.avtal` over generated months of shifts.

use avtal_compiler::clock::{timestamp_minutes, timestamp_of_minutes};
use avtal_compiler::eval::Value;
use avtal_compiler::ir::Program;
use avtal_compiler::testgen::Rng;
use chrono::NaiveDate;

use super::CompiledEntry;
use super::tests::{differential_records, native_share_of};

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

fn midnight(date: NaiveDate) -> i64 {
    timestamp_minutes(date.and_hms_opt(0, 0, 0).unwrap())
}

fn stamp(minutes: i64) -> Value {
    Value::Timestamp(timestamp_of_minutes(minutes).unwrap())
}

/// A period: a day of 2025–2028, a day around New Year, a holiday (so the
/// next one may be more than two weeks off: the memoised rule fails), or
/// a day just outside the tables' 2000–2099.
fn period(rng: &mut Rng, n: usize) -> NaiveDate {
    let day = |y: i64, m: u32, d: u32| NaiveDate::from_ymd_opt(y as i32, m, d).unwrap();
    match n % 5 {
        0 => day(2025 + rng.range(0, 3), 12, 20) + chrono::Days::new(rng.below(16)),
        1 => *[
            day(2026, 6, 6),
            day(2027, 6, 6),
            day(2026, 11, 1),
            day(2026, 5, 1),
            day(2027, 12, 26),
        ]
        .get(rng.below(5) as usize)
        .unwrap(),
        2 => *[day(1999, 12, 24), day(2099, 12, 28), day(2100, 1, 1)]
            .get(rng.below(3) as usize)
            .unwrap(),
        _ => day(2025, 1, 1) + chrono::Days::new(rng.below(4 * 365)),
    }
}

/// A month of shifts from `period`: repeated intervals (memo hits), the
/// same start with other ends, shifts over midnight into holidays and over
/// New Year, and now and then a reversed one (an error).
fn month(rng: &mut Rng, n: usize) -> Value {
    let period = period(rng, n);
    let first = midnight(period);
    let mut shifts: Vec<(i64, i64)> = Vec::new();
    for k in 0..rng.range(0, 14) {
        let start = match rng.below(4) {
            // Again the previous shift, or the same start another length.
            0 if !shifts.is_empty() => {
                let (start, end) = *shifts.last().unwrap();
                if k % 2 == 0 {
                    shifts.push((start, end));
                    continue;
                }
                start
            }
            // An evening before a day of the coming weeks.
            1 => first + rng.range(0, 20) * 1440 + rng.range(17 * 60, 23 * 60),
            _ => first + rng.range(0, 35 * 1440),
        };
        let length = rng.range(1, 30 * 60);
        let end = if rng.below(40) == 0 {
            start - length
        } else {
            start + length
        };
        shifts.push((start, end));
    }
    let list: Vec<Value> = shifts
        .into_iter()
        .map(|(start, end)| Value::Record(vec![stamp(start), stamp(end)].into()))
        .collect();
    Value::Record(vec![Value::Date(period), Value::List(list.into())].into())
}

fn memo_program() -> avtal_compiler::Compilation {
    compile("memo.avtal", include_str!("testdata/memo.avtal"))
}

fn entry(program: &Program) -> avtal_compiler::ir::FuncId {
    program.entry_points().next().unwrap().0
}

/// Both memos against the interpreter, record by record, over one batch
/// (the day tables fill as it goes) and then again over a second batch in
/// reverse order, read from the filled tables.
#[test]
fn memos_identical() {
    let compilation = memo_program();
    let program = &compilation.program;
    let entry = entry(program);
    let mut rng = Rng::new(0x3e30_2026);
    let records: Vec<Value> = (0..super::tests::cases() as usize)
        .map(|n| month(&mut rng, n))
        .collect();
    assert!(differential_records(program, entry, &records, "memo.avtal"));
    let reversed: Vec<Value> = records.iter().rev().cloned().collect();
    assert!(differential_records(
        program,
        entry,
        &reversed,
        "memo.avtal, reversed"
    ));
    // Most records are computed natively; the rest are the reversed
    // shifts, the failing rule and the negative counts.
    let compiled = CompiledEntry::compile(program, entry).unwrap();
    let share = native_share_of(&compiled, &records);
    eprintln!("memo.avtal: {share:.2} of the records computed natively");
    assert!(share > 0.3, "{share}");
}

/// Which rules are memoised: those of one date with a loop in them (the
/// stdlib's `helgdagar_i_månaden` and the test's three), not the loopless
/// day rules of the windows.
#[test]
fn memoised_rules_are_the_costly_rules_of_one_date() {
    let compilation = memo_program();
    let program = &compilation.program;
    let function = program.function(entry(program)).unwrap();
    let mut names: Vec<&str> = super::day_memo::memoised_calls(program, function)
        .into_iter()
        .map(|f| program.function(f).unwrap().name.as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "helgdag_snart",
            "helgdagar_i_månaden",
            "helgdagar_utöver_två",
            "nästa_helgdag"
        ]
    );

    let w2 = compile(
        "w2_time_report.avtal",
        include_str!("../../../examples/w2_time_report.avtal"),
    );
    let program = &w2.program;
    let function = program.function(entry(program)).unwrap();
    let names: Vec<&str> = super::day_memo::memoised_calls(program, function)
        .into_iter()
        .map(|f| program.function(f).unwrap().name.as_str())
        .collect();
    assert_eq!(names, ["helgdagar_i_månaden"]);
}
