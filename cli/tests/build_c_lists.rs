//! `avtal build` of entry points whose input holds a list of records
//! (issue 14, point 7): the C ABI of a list field (a pointer to the
//! elements' struct and `<field>_len`), of times and timestamps, and the
//! checks of list arguments, from real C.
//!
//! `cli/tests/c/list_driver.c` is compiled with `cc` against the header
//! built from `cli/tests/c/shifts.avtal` and fed generated months of
//! shifts: empty lists (NULL and not), a month and more of shifts, shifts
//! over midnight, weekends, the param's switch day, year ends, leap days,
//! reversed and empty intervals, and elements at both ends of the calendar.
//! Every list lies against an unreadable page, so a read past its end
//! crashes the driver. For every record the library's answer, single and
//! batch, must be the interpreter's value or error (or `AVTAL_E_RANGE`
//! exactly where the JIT's kernel gives up), and `avtal run` on the same
//! records as JSON Lines must write the same values and errors.
//! `AVTAL_AOT_CASES=N` sets the number of records (default 3000).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod aot_support;
mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use aot_support::{Compile, c_source, day, entry_id, have, layouts, program_of, run_exe};
use avtal_compiler::clock;
use avtal_compiler::data::DataType;
use avtal_compiler::eval::{EvalError, Interpreter, Value};
use avtal_compiler::ir::{FuncId, Program};
use avtal_compiler::testgen::Rng;
use avtal_engine::codegen::{
    CompiledEntry, Encoding, ErrorCode, ListArena, RecordLayout, calendar, decode_value,
    encode_list, encode_value,
};
use common::{scratch, workspace};

const AGREEMENT: &str = "cli/tests/c/shifts.avtal";

/// The library of `AGREEMENT`, built into `dir`.
fn build(dir: &Path) {
    aot_support::build(&workspace().join(AGREEMENT), dir);
}

/// `list_driver.c` compiled strictly against the header in `dir` and
/// linked with `libshifts.so` there.
fn driver(dir: &Path) -> PathBuf {
    Compile::c(dir)
        .flag("-O1")
        .link("shifts")
        .to(&c_source("list_driver.c"), "list_driver")
}

fn program() -> Program {
    program_of(AGREEMENT)
}

fn minutes(day: i64, minute: i64) -> i64 {
    (day - 1) * clock::DAY_MINUTES + minute
}

/// One month of `Shifts`: the input's scalar slots in the order of the
/// records file (`id period salary cutoff`), and per shift its seven slots
/// (`start end kind booked paid break_start extra`).
#[derive(Debug, Clone)]
struct Month {
    id: i64,
    period: i64,
    salary: i64,
    cutoff: i64,
    shifts: Vec<[i64; 7]>,
}

/// Days that matter to the agreement: Fridays and Mondays (the weekend
/// class), the param's switch day, year ends, a leap day.
fn special_days() -> Vec<i64> {
    vec![
        day(2026, 6, 5),
        day(2026, 6, 8),
        day(2027, 3, 31),
        day(2027, 4, 1),
        day(2026, 12, 31),
        day(2027, 1, 1),
        day(2028, 2, 28),
        day(2028, 2, 29),
        day(2028, 3, 1),
        day(2019, 12, 31),
        day(2020, 1, 1),
        day(2030, 12, 27),
    ]
}

/// Minutes in 14 days.
const FORTNIGHT: i64 = 14 * 1440;

fn generated_shift(rng: &mut Rng, around: i64) -> [i64; 7] {
    let specials = special_days();
    let first_minute = minutes(calendar::min_day(), 0);
    let last_minute = minutes(calendar::max_day(), clock::DAY_MINUTES - 1);
    let start_day = match rng.below(10) {
        0..=3 => around + rng.range(-3, 30),
        4..=6 => specials[rng.below(specials.len() as u64) as usize] + rng.range(-1, 1),
        _ => rng.range(day(2019, 6, 1), day(2030, 12, 31)),
    };
    // Class edges (06:00, 07:00, 19:00, 22:00, midnight) and a minute
    // either side, or any minute.
    let minute = match rng.below(3) {
        0 => [0, 360, 420, 1140, 1320, 1439][rng.below(6) as usize] + rng.range(-1, 1),
        _ => rng.range(0, 1439),
    }
    .clamp(0, 1439);
    let mut start = minutes(start_day, minute);
    let length = match rng.below(200) {
        0 => -rng.range(1, 600),
        1..=4 => 0,
        5..=9 => rng.range(1440, 3 * 1440),
        _ => rng.range(60, 14 * 60),
    };
    let mut end = start + length;
    // The calendar's first and last minutes, where spans are cut at its
    // ends (`classes_in_the_calendars_first_fortnight`).
    match rng.below(300) {
        0 => {
            start = first_minute + rng.range(0, FORTNIGHT);
            end = start + rng.range(0, 600);
        }
        1 => {
            end = last_minute - rng.range(0, 3);
            start = end - rng.range(0, 600);
        }
        _ => {}
    }
    let booked = match rng.below(300) {
        0 => calendar::min_day(),
        1 => calendar::max_day(),
        _ => (start.div_euclid(clock::DAY_MINUTES) + 1 + rng.range(-5, 2))
            .clamp(calendar::min_day(), calendar::max_day()),
    };
    let extra = match rng.below(50) {
        0 => i64::MAX / 3,
        1 => -rng.range(0, 100_000),
        _ => rng.range(0, 200_000),
    };
    [
        start,
        end,
        rng.range(0, 2),
        booked,
        rng.range(0, 1),
        rng.range(0, 1439),
        extra,
    ]
}

fn generated_months(n: usize) -> Vec<Month> {
    let mut rng = Rng::new(0x5eed_2026_0014);
    (0..n)
        .map(|index| {
            let period = match rng.below(50) {
                0 => calendar::min_day(),
                1 => calendar::max_day(),
                _ => day(2026, 1, 1) + 30 * rng.range(-6, 48),
            };
            let count = match rng.below(20) {
                0..=2 => 0,
                3 => rng.range(60, 200),
                _ => rng.range(1, 40),
            };
            let around = if (day(2000, 1, 1)..day(2100, 1, 1)).contains(&period) {
                period
            } else {
                day(2026, 6, 1)
            };
            let shifts = (0..count)
                .map(|_| generated_shift(&mut rng, around))
                .collect();
            Month {
                id: index as i64,
                period,
                salary: match rng.below(40) {
                    0 => i64::MAX - rng.range(0, 10),
                    1 => -rng.range(0, 5_000_000),
                    _ => rng.range(1_500_000, 9_000_000),
                },
                cutoff: rng.range(0, 1439),
                shifts,
            }
        })
        .collect()
}

fn write_months(path: &Path, months: &[Month]) {
    let mut text = String::new();
    for m in months {
        let _ = writeln!(
            text,
            "{} {} {} {} {}",
            m.id,
            m.period,
            m.salary,
            m.cutoff,
            m.shifts.len()
        );
        for shift in &m.shifts {
            let words: Vec<String> = shift.iter().map(i64::to_string).collect();
            let _ = writeln!(text, "{}", words.join(" "));
        }
    }
    fs::write(path, text).unwrap();
}

/// A record of `layout` from one word per slot (a list slot's word
/// unused), decoded as the JIT reads it; `list` gives a list field's value.
fn record_of(layout: &RecordLayout, words: &[i64], list: impl Fn(&str) -> Value) -> Value {
    let mut bytes = vec![0u8; layout.stride];
    for (slot, word) in layout.fields.iter().zip(words) {
        bytes[slot.offset..slot.offset + 8].copy_from_slice(&word.to_ne_bytes());
    }
    Value::Record(
        layout
            .fields
            .iter()
            .enumerate()
            .map(|(i, slot)| match slot.encoding {
                Encoding::List => list(&slot.name),
                _ => decode_value(layout, i, &bytes),
            })
            .collect::<Vec<_>>()
            .into(),
    )
}

/// `m` as the value the interpreter evaluates, through the layout the
/// library was built with.
fn value_of(input: &RecordLayout, m: &Month) -> Value {
    let scalars = [
        ("id", m.id),
        ("period", m.period),
        ("salary", m.salary),
        ("cutoff", m.cutoff),
    ];
    let words: Vec<i64> = input
        .fields
        .iter()
        .map(|slot| {
            scalars
                .iter()
                .find(|(name, _)| *name == slot.name)
                .map_or(0, |(_, word)| *word)
        })
        .collect();
    let element = input.fields[2].element.as_deref().unwrap();
    assert_eq!(input.fields[2].name, "shifts");
    record_of(input, &words, |name| {
        assert_eq!(name, "shifts");
        Value::List(
            m.shifts
                .iter()
                .map(|words| record_of(element, words, |_| unreachable!()))
                .collect::<Vec<_>>()
                .into(),
        )
    })
}

/// `m` in the compiled layout, its lists in `arena`.
fn encoded(input: &RecordLayout, m: &Month, arena: &mut ListArena) -> Vec<u8> {
    let Value::Record(fields) = value_of(input, m) else {
        unreachable!()
    };
    let mut bytes = vec![0u8; input.stride];
    for (index, (slot, value)) in input.fields.iter().zip(fields.iter()).enumerate() {
        if slot.encoding == Encoding::List {
            encode_list(input, index, value, &mut bytes, arena).unwrap();
        } else {
            encode_value(input, index, value, &mut bytes).unwrap();
        }
    }
    bytes
}

/// The driver's line for the interpreter's result: `0 <slots>`, or the
/// code and diagnostic of its error.
fn expected(output: &RecordLayout, result: &Result<Value, EvalError>) -> String {
    match result {
        Ok(Value::Record(fields)) => {
            let mut bytes = vec![0u8; output.stride];
            for (index, value) in fields.iter().enumerate() {
                if encode_value(output, index, value, &mut bytes).is_err() {
                    return "1 -".to_string();
                }
            }
            let words: Vec<String> = output
                .fields
                .iter()
                .map(|slot| {
                    i64::from_ne_bytes(bytes[slot.offset..slot.offset + 8].try_into().unwrap())
                        .to_string()
                })
                .collect();
            format!("0 {}", words.join(" "))
        }
        Ok(other) => panic!("not a record: {other:?}"),
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
            format!("{} {}", code as i32, code.diagnostic().unwrap_or("-"))
        }
    }
}

/// Whether every date of `m` can be written in a data file (years 1 to
/// 9999), so that `avtal run` can read it.
fn in_data_files(m: &Month) -> bool {
    let days_ok = |d: i64| (day(1, 1, 1)..=day(9999, 12, 31)).contains(&d);
    days_ok(m.period)
        && m.shifts.iter().all(|s| {
            days_ok(s[0].div_euclid(clock::DAY_MINUTES) + 1)
                && days_ok(s[1].div_euclid(clock::DAY_MINUTES) + 1)
                && days_ok(s[3])
        })
}

fn date_text(day_number: i64) -> String {
    clock::date_of_day(day_number).unwrap().to_string()
}

fn money_text(ore: i64) -> String {
    rust_decimal::Decimal::new(ore, 2).to_string()
}

fn time_text(minute: i64) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn timestamp_text(minute: i64) -> String {
    clock::format_timestamp(clock::timestamp_of_minutes(minute).unwrap())
}

/// `m` as a JSON Lines row of `avtal run`.
fn json_row(m: &Month) -> String {
    let kinds = ["day", "evening", "on_call"];
    let shifts: Vec<String> = m
        .shifts
        .iter()
        .map(|s| {
            format!(
                "{{\"start\":\"{}\",\"end\":\"{}\",\"kind\":\"{}\",\"booked\":\"{}\",\"paid\":{},\"break_start\":\"{}\",\"extra\":\"{}\"}}",
                timestamp_text(s[0]),
                timestamp_text(s[1]),
                kinds[s[2] as usize],
                date_text(s[3]),
                s[4] == 1,
                time_text(s[5]),
                money_text(s[6])
            )
        })
        .collect();
    format!(
        "{{\"id\":{},\"period\":\"{}\",\"shifts\":[{}],\"salary\":\"{}\",\"cutoff\":\"{}\"}}",
        m.id,
        date_text(m.period),
        shifts.join(","),
        money_text(m.salary),
        time_text(m.cutoff)
    )
}

/// A result row of `avtal run` (JSON Lines) as the output's slots, read
/// back through the output type's own cell parser.
fn run_row_slots(program: &Program, id: FuncId, output: &RecordLayout, row: &str) -> String {
    let function = program.function(id).unwrap();
    let ty = DataType::new(program, &function.ret);
    let fields = ty.record_fields().unwrap();
    let row: serde_json::Value = serde_json::from_str(row).unwrap();
    let mut bytes = vec![0u8; output.stride];
    for (index, (name, field_ty)) in fields.iter().enumerate() {
        let text = match &row[name.as_str()] {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let value = field_ty.parse_text(&text).unwrap();
        encode_value(output, index, &value, &mut bytes).unwrap();
    }
    let words: Vec<String> = output
        .fields
        .iter()
        .map(|slot| {
            i64::from_ne_bytes(bytes[slot.offset..slot.offset + 8].try_into().unwrap()).to_string()
        })
        .collect();
    format!("0 {}", words.join(" "))
}

fn cases() -> usize {
    std::env::var("AVTAL_AOT_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000)
}

#[test]
fn months_of_shifts_through_c_match_the_interpreter_and_avtal_run() {
    if !have("cc") {
        eprintln!("skipped: no `cc`");
        return;
    }
    let dir = scratch("build_c_lists");
    build(&dir);
    let exe = driver(&dir);
    let program = program();
    let id = entry_id(&program, "Shifts");
    let (input, output) = layouts(&program, id);
    let months = generated_months(cases());
    let records = dir.join("records.txt");
    write_months(&records, &months);
    let records_arg = records.to_str().unwrap();
    let single = run_exe(&exe, &["single", records_arg]);
    let batch = run_exe(&exe, &["batch", records_arg]);
    let single: Vec<&str> = single.lines().collect();
    let batch: Vec<&str> = batch.lines().collect();
    assert_eq!(single.len(), months.len(), "one line per record");
    assert_eq!(
        batch.len(),
        months.len() + 1,
        "one line per record, then first"
    );

    let interpreter = Interpreter::new(&program);
    let mut jit = avtal_engine::PreparedEntry::prepare(
        &program,
        program.entry(id).unwrap(),
        avtal_engine::Engine::Jit,
    );
    assert!(jit.is_native(), "{:?}", jit.not_compiled());
    let kernel = CompiledEntry::compile(&program, id).unwrap();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut first_failure = None;
    for (index, (m, line)) in months.iter().zip(&single).enumerate() {
        let value = value_of(&input, m);
        let interpreted = interpreter.call(id, std::slice::from_ref(&value));
        let jitted = jit.evaluate_value(&value).map_err(|failure| match failure {
            avtal_engine::RowFailure::Evaluation(error) => error,
            other => panic!("not an evaluation error: {other:?}"),
        });
        assert_eq!(
            format!("{interpreted:?}"),
            format!("{jitted:?}"),
            "JIT and interpreter differ on record {index}"
        );
        // The library runs the JIT's kernel: its status on the same record.
        let mut arena = ListArena::default();
        let bytes = encoded(&input, m, &mut arena);
        let mut out = vec![0u8; output.stride];
        let mut status = [0u8];
        kernel.run_batch(&bytes, 1, &mut out, &mut status);
        let want = expected(&output, &interpreted);
        let code: i32 = line.split(' ').next().unwrap().parse().unwrap();
        if code == 1 {
            // Out of the fixed point: honest where the kernel gave up.
            assert_eq!(
                status[0], 1,
                "record {index}: {line} but the kernel computed it"
            );
        } else {
            let got = if code == 0 {
                line.to_string()
            } else {
                line.split(' ').take(2).collect::<Vec<_>>().join(" ")
            };
            assert_eq!(
                got, want,
                "library and interpreter differ on record {index}: {m:?}"
            );
            assert_eq!(
                i32::from(status[0]),
                code,
                "kernel status on record {index}"
            );
        }
        // The batch gives every record the code and values of its single call.
        if code == 0 {
            assert_eq!(batch[index], *line, "batch, record {index}");
        } else {
            assert_eq!(batch[index], code.to_string(), "batch, record {index}");
            first_failure.get_or_insert((index, code));
        }
        *counts.entry(code.to_string()).or_default() += 1;
    }
    let (first_index, first_code) = first_failure.unwrap();
    assert_eq!(
        batch[months.len()],
        format!("first {first_code} {first_index} -")
    );
    eprintln!("{} records: library codes {counts:?}", months.len());
    // Every path was taken: values, the interpreter's errors, the fixed
    // point's limit, empty lists (NULL and not) and the calendar's ends.
    for code in ["0", "1", "3", "7", "8"] {
        assert!(
            counts.get(code).is_some_and(|n| *n > 0),
            "no code {code}: {counts:?}"
        );
    }
    assert!(counts["0"] * 2 > months.len(), "{counts:?}");
    for parity in [0, 1] {
        assert!(
            months
                .iter()
                .zip(&single)
                .any(|(m, l)| m.shifts.is_empty() && m.id % 2 == parity && l.starts_with("0 ")),
            "no computed empty list with id parity {parity}"
        );
    }
    assert!(
        months
            .iter()
            .zip(&single)
            .any(|(m, l)| !in_data_files(m) && l.starts_with("0 ")),
        "no computed record at the calendar's ends"
    );

    avtal_run_agrees(&program, id, &output, &dir, &months, &single);
}

/// `avtal run` on the records it can read (dates of years 1 to 9999) as
/// JSON Lines writes the library's values, and fails the rows the library
/// fails with the same diagnostic.
fn avtal_run_agrees(
    program: &Program,
    id: FuncId,
    output: &RecordLayout,
    dir: &Path,
    months: &[Month],
    library: &[&str],
) {
    let readable: Vec<(&Month, &str)> = months
        .iter()
        .zip(library.iter().copied())
        .filter(|(m, _)| in_data_files(m))
        .collect();
    assert!(
        readable.len() * 2 > months.len(),
        "{} readable",
        readable.len()
    );
    let jsonl: String = readable.iter().map(|(m, _)| json_row(m) + "\n").collect();
    let input = common::write(dir, "months.jsonl", &jsonl);
    let results = dir.join("results.jsonl");
    let errors = dir.join("errors.csv");
    let run = Command::new(env!("CARGO_BIN_EXE_avtal"))
        .arg("run")
        .arg(workspace().join(AGREEMENT))
        .args(["--entry", "Shifts", "--quiet", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&results)
        .arg("--errors")
        .arg(&errors)
        .output()
        .unwrap();
    assert!(
        matches!(run.status.code(), Some(0 | 2)),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let results = fs::read_to_string(&results).unwrap();
    let mut rows = results.lines();
    let errors = fs::read_to_string(&errors).unwrap();
    // row,field,code,message: the first error of each failed row.
    let mut failed: BTreeMap<usize, String> = BTreeMap::new();
    for line in errors.lines().skip(1) {
        let mut parts = line.splitn(4, ',');
        let row: usize = parts.next().unwrap().parse().unwrap();
        let code = parts.nth(1).unwrap().to_string();
        failed.entry(row).or_insert(code);
    }
    for (row, (m, line)) in readable.iter().enumerate() {
        let row = row + 1;
        let code = line.split(' ').next().unwrap();
        match (code, failed.get(&row)) {
            ("0", None) => {
                let written = rows.next().expect("a written row");
                assert_eq!(
                    run_row_slots(program, id, output, written),
                    *line,
                    "avtal run and the library differ on record {}",
                    m.id
                );
            }
            // Beyond the fixed point: avtal run computes it, or says E0501.
            ("1", None) => {
                rows.next().expect("a written row");
            }
            ("1", Some(diagnostic)) => assert_eq!(diagnostic, "E0501", "record {}", m.id),
            (_, Some(diagnostic)) => {
                assert_eq!(
                    Some(diagnostic.as_str()),
                    line.split(' ').nth(1),
                    "record {}",
                    m.id
                );
            }
            (_, None) => panic!(
                "avtal run computed record {} that the library failed: {line}",
                m.id
            ),
        }
    }
    assert!(rows.next().is_none(), "avtal run wrote more rows");
    eprintln!(
        "avtal run agrees on the {} of {} records its data files can hold",
        readable.len(),
        months.len()
    );
}

/// In the calendar's first 14 days a span with `on next` would start on
/// days that do not exist: no rule selects them, in both engines
/// (`eval/time_builtins.rs` `RuleOracle`, `codegen/classes.rs`
/// `selects`), so the library and the interpreter give the same hours
/// where the interpreter once failed with E0901.
#[test]
fn classes_in_the_calendars_first_fortnight() {
    if !have("cc") {
        return;
    }
    let dir = scratch("build_c_lists_first_fortnight");
    build(&dir);
    let program = program();
    let id = entry_id(&program, "Shifts");
    let (input, _) = layouts(&program, id);
    let first = calendar::min_day();
    let month = |offset: i64| Month {
        id: 1,
        period: day(2026, 6, 1),
        salary: 3_000_000,
        cutoff: 0,
        shifts: vec![[
            minutes(first + offset, 20 * 60),
            minutes(first + offset, 21 * 60),
            0,
            first + offset,
            0,
            0,
            0,
        ]],
    };
    let months = [month(2), month(13), month(14)];
    let records = dir.join("records.txt");
    write_months(&records, &months);
    let lines = run_exe(&driver(&dir), &["single", records.to_str().unwrap()]);
    let interpreter = Interpreter::new(&program);
    let (_, output) = layouts(&program, id);
    let wanted: Vec<String> = months
        .iter()
        .map(|m| expected(&output, &interpreter.call(id, &[value_of(&input, m)])))
        .collect();
    assert!(wanted.iter().all(|w| w.starts_with("0 ")), "{wanted:?}");
    let library: Vec<&str> = lines.lines().collect();
    assert_eq!(library, wanted);
}

/// Bad list arguments give the documented codes, name the element, and
/// never read past the list (the driver's lists end at unreadable pages).
#[test]
fn bad_list_arguments_give_documented_codes() {
    if !have("cc") {
        eprintln!("skipped: no `cc`");
        return;
    }
    let dir = scratch("build_c_lists_bad");
    build(&dir);
    let got = run_exe(&driver(&dir), &["bad"]);
    let long = "skift_under_en_mycket_lång_period_med_flera_pass";
    assert_eq!(long.len(), 49);
    // The path of a bad element, cut at a character to 55 bytes.
    let cut = |path: String| {
        let mut end = path.len().min(55);
        while !path.is_char_boundary(end) {
            end -= 1;
        }
        path[..end].to_string()
    };
    let long_7 = cut(format!("{long}[7].början"));
    let long_10 = cut(format!("{long}[10].början"));
    let long_12345 = cut(format!("{long}[12345].början"));
    let long_0 = cut(format!("{long}[0].början"));
    let long_1 = cut(format!("{long}[1].början"));
    assert_eq!(long_7, format!("{long}[7].b"), "the cut falls inside `ö`");
    let expected = format!(
        "\
good 0 - -1 -
len_minus_1 15 - 2 shifts
len_min 15 - 2 shifts
null_len_3 10 - 2 shifts
null_len_0 0 - -1 -
empty 0 - -1 -
kind_count_2 11 E0603 2 shifts[2].kind
kind_minus_1_2 11 E0603 2 shifts[2].kind
first_bad_element 11 E0603 2 shifts[0].kind
bad_past_len 0 - -1 -
booked_after_max 12 E0601 2 shifts[1].booked
booked_before_min 12 E0601 2 shifts[1].booked
booked_min 0 - -1 -
paid_2 13 E0601 2 shifts[1].paid
break_1440 14 E0601 2 shifts[0].break_start
break_minus_1 14 E0601 2 shifts[0].break_start
break_1439 0 - -1 -
start_before_calendar 14 E0601 2 shifts[0].start
end_after_calendar 14 E0601 2 shifts[0].end
reversed 8 E0509 -1 -
period_before_element 12 E0601 1 period
element_before_cutoff 11 E0603 2 shifts[1].kind
cutoff_1440 14 E0601 4 cutoff
many_good 0 - -1 -
index_9 11 E0603 2 shifts[9].kind
index_10 13 E0601 2 shifts[10].paid
index_12344 12 E0601 2 shifts[12344].booked
first_minute 0 - -1 -
last_minute 0 - -1 -
before_first_minute 14 E0601 0 {long_1}
after_last_minute 14 E0601 0 {long_1}
int64_min 14 E0601 0 {long_1}
int64_max 14 E0601 0 {long_1}
long_7 14 E0601 0 {long_7}
long_10 14 E0601 0 {long_10}
long_12345 14 E0601 0 {long_12345}
long_0 14 E0601 0 {long_0}
null_err 15
null_out 10
batch 11 0 11 15 1 shifts[2].kind
strerror a list field's length is negative | a time field holds no minute of the day, or a timestamp field a minute off the calendar | an interval of time ends before it starts
"
    );
    assert_eq!(got, expected);
}

/// The schema of a list input: an array of objects with the element's
/// properties; times and timestamps are strings with their pattern; in C
/// the pointer's type and the length member.
#[test]
fn json_schema_of_lists_times_and_timestamps() {
    if !have("cc") {
        return;
    }
    let dir = scratch("build_c_lists_schema");
    build(&dir);
    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("Shifts.schema.json")).unwrap()).unwrap();
    let input = &schema["$defs"]["input"]["properties"];
    let shifts = &input["shifts"];
    assert_eq!(shifts["type"], "array");
    assert_eq!(
        shifts["x-avtal-c"],
        serde_json::json!({
            "type": "const struct avtal_shifts_Shift *",
            "length": "shifts_len",
            "length_type": "int64"
        })
    );
    let items = &shifts["items"];
    assert_eq!(items["type"], "object");
    assert_eq!(items["x-avtal-c"]["struct_size"], 56);
    let names: Vec<&str> = items["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "start",
            "end",
            "kind",
            "booked",
            "paid",
            "break_start",
            "extra"
        ]
    );
    let start = &items["properties"]["start"];
    assert_eq!(start["type"], "string");
    assert_eq!(start["x-avtal-c"]["type"], "int64");
    assert!(start["x-avtal-c"]["timestamp"].is_string());
    assert_eq!(
        items["properties"]["kind"]["enum"],
        serde_json::json!(["day", "evening", "on_call"])
    );
    assert_eq!(
        input["cutoff"]["x-avtal-c"]["time"],
        "minute of the day, 0 to 1439"
    );

    // The patterns, on what the reader reads and the writer writes.
    let timestamp_in = start["pattern"].as_str().unwrap();
    let time_in = input["cutoff"]["pattern"].as_str().unwrap();
    let output = &schema["$defs"]["output"]["properties"];
    let time_out = output["earliest_break"]["pattern"].as_str().unwrap();
    let rate_out = output["hourly"]["pattern"].as_str().unwrap();
    assert_eq!(rate_out, "^-?[0-9]+\\.[0-9]{2}$");
    for (pattern, text, matches) in [
        (timestamp_in, "2026-06-05T18:30", true),
        (timestamp_in, "2026-06-05 18:30", true),
        (timestamp_in, "2026-06-05T24:00", false),
        (timestamp_in, "2026-13-05T18:30", false),
        (timestamp_in, "2026-06-05", false),
        (time_in, "7:05", true),
        (time_in, "07:05", true),
        (time_in, "23:59", true),
        (time_in, "24:00", false),
        (time_in, "7:5", false),
        (time_out, "07:05", true),
        (time_out, "7:05", false),
    ] {
        let regex = regex::Regex::new(pattern).unwrap();
        assert_eq!(regex.is_match(text), matches, "{pattern} on {text}");
    }
}

/// The header's element struct and length members, in C and in C++.
#[test]
fn the_list_header_compiles_as_cpp() {
    if !have("c++") {
        eprintln!("skipped: no `c++`");
        return;
    }
    let dir = scratch("build_c_lists_cpp");
    build(&dir);
    let source = common::write(
        &dir,
        "use.cpp",
        "#include \"shifts.h\"\n\
         int main() {\n\
           avtal_shifts_Shift shifts[1] = {};\n\
           shifts[0].start = avtal_timestamp(avtal_date(2026, 6, 1), 8 * 60);\n\
           shifts[0].end = shifts[0].start + 60;\n\
           shifts[0].kind = AVTAL_KIND_DAY;\n\
           shifts[0].booked = avtal_date(2026, 6, 1);\n\
           ShiftsInput in{};\n\
           in.period = avtal_date(2026, 6, 1);\n\
           in.shifts = shifts;\n\
           in.shifts_len = 1;\n\
           ShiftsOutput out{};\n\
           return avtal_Shifts(&in, &out, nullptr) == AVTAL_OK && out.hours == 100 ? 0 : 1;\n\
         }\n",
    );
    Compile::cxx(&dir).link("shifts").run(&source, "use");
}
