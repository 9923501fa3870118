//! The engine boundary as its callers use it: cells and values into
//! batches, one answer per row in order, the same answers from both
//! engines (texts included), and batches shared between two preparations.

use super::*;
use avtal_compiler::Sources;
use avtal_compiler::eval::Interpreter;

/// A program whose entry point reads a text, a number, a date and an enum,
/// and returns a text built from constants and the input text.
const TEXTS: &str = r#"
module t

enum Nivå { låg, hög }

record In {
  namn: Text
  lön: Money
  dag: Date
  nivå: Nivå
}

record Out {
  hälsning: Text
  dubbel: Money
  hög: Bool
}

evaluate Hej(x: In) -> Out {
  Out {
    hälsning: (if x.lön > 100 SEK { "hej " + x.namn } else { "låg: " + x.namn }),
    dubbel: x.lön * 2,
    hög: x.nivå == Nivå.hög,
  }
}
"#;

fn program(text: &str) -> Program {
    let mut sources = Sources::new();
    sources.add("t.avtal", text);
    let compilation = avtal_compiler::compile(&sources);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    compilation.program
}

/// Rows as CSV cells, in field order.
const ROWS: &[[&str; 4]] = &[
    ["Anna", "200.00", "2026-01-31", "hög"],
    ["Bo, \"B\"", "50", "2026-02-28", "låg"],
    // Unreadable: a money cell with three decimals and an unknown variant.
    ["Cia", "1.005", "2026-03-01", "mellan"],
    // A number beyond the compiled fixed point: the interpreter's row.
    ["Dan", "99999999999999999999.00", "2026-03-01", "låg"],
    ["", "0", "0001-01-01", "hög"],
];

fn answers(program: &Program, engine: Engine) -> Vec<Result<Value, RowFailure>> {
    let entry = program.entries.first().unwrap();
    let mut prepared = PreparedEntry::prepare(program, entry, engine);
    let codec = prepared.input_codec();
    let mut batch = codec.new_batch();
    for row in ROWS {
        codec.push_cells(&mut batch, |i| row[i].as_bytes());
    }
    let mut results = Results::default();
    prepared.evaluate(&batch, &mut results);
    assert_eq!(results.len(), ROWS.len(), "one answer per row");
    (0..results.len())
        .map(|i| match results.get(i).unwrap() {
            Ok(computed) => Ok(computed.to_value()),
            Err(failure) => Err(failure.clone()),
        })
        .collect()
}

#[test]
fn text_inputs_and_outputs_compile_and_agree_with_the_interpreter() {
    let program = program(TEXTS);
    let entry = program.entries.first().unwrap();
    let prepared = PreparedEntry::prepare(&program, entry, Engine::Jit);
    assert!(prepared.is_native(), "{:?}", prepared.not_compiled());
    let jit = answers(&program, Engine::Jit);
    let interp = answers(&program, Engine::Interp);
    assert_eq!(format!("{jit:?}"), format!("{interp:?}"));
    let text = |answer: &Result<Value, RowFailure>| match answer {
        Ok(Value::Record(fields)) => match &fields[0] {
            Value::Text(t) => t.to_string(),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    assert_eq!(text(&jit[0]), "hej Anna");
    assert_eq!(text(&jit[1]), "låg: Bo, \"B\"");
    assert_eq!(text(&jit[4]), "låg: ");
}

#[test]
fn an_unreadable_row_keeps_its_place_and_every_field_error() {
    let program = program(TEXTS);
    let answers = answers(&program, Engine::Jit);
    let Err(RowFailure::Unreadable(errors)) = &answers[2] else {
        panic!("{:?}", answers[2]);
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["lön", "nivå"]);
    // The rows after it are answered.
    assert!(answers[3].is_ok() && answers[4].is_ok(), "{answers:?}");
}

#[test]
fn a_value_beyond_the_fixed_point_is_computed_by_the_interpreter() {
    let program = program(TEXTS);
    let answers = answers(&program, Engine::Jit);
    let Ok(Value::Record(fields)) = &answers[3] else {
        panic!("{:?}", answers[3]);
    };
    assert_eq!(format!("{:?}", fields[1]), {
        let interp = Interpreter::new(&program);
        let record = Value::Record(
            vec![
                Value::Text("Dan".into()),
                Value::Number(avtal_compiler::eval::Number::from_decimal(
                    "99999999999999999999.00".parse().unwrap(),
                )),
                Value::Date(chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
                Value::Variant(0),
            ]
            .into(),
        );
        let Ok(Value::Record(out)) = interp.call(program.entries[0].function, &[record]) else {
            panic!()
        };
        format!("{:?}", out[1])
    });
}

/// Plain cells go straight into the slots, others through the parser:
/// both give the value the cell parser gives.
#[test]
fn cells_read_straight_into_slots_decode_as_the_parser_reads_them() {
    let program = program(TEXTS);
    let entry = program.entries.first().unwrap();
    let jit = PreparedEntry::prepare(&program, entry, Engine::Jit);
    let interp = PreparedEntry::prepare(&program, entry, Engine::Interp);
    let (fast, slow) = (jit.input_codec(), interp.input_codec());
    let (mut a, mut b) = (fast.new_batch(), slow.new_batch());
    for row in ROWS {
        fast.push_cells(&mut a, |i| row[i].as_bytes());
        slow.push_cells(&mut b, |i| row[i].as_bytes());
    }
    for i in 0..ROWS.len() {
        assert_eq!(
            format!("{:?}", a.record(i)),
            format!("{:?}", b.record(i)),
            "row {i}"
        );
    }
}

/// A batch read for one preparation evaluates in another (the two
/// versions of `avtal diff`), whichever engines they use.
#[test]
fn a_batch_is_shared_between_preparations() {
    let old = program(TEXTS);
    let new = program(&TEXTS.replace("x.lön * 2", "x.lön * 3"));
    let mut old_jit = PreparedEntry::prepare(&old, &old.entries[0], Engine::Jit);
    let mut new_jit = PreparedEntry::prepare(&new, &new.entries[0], Engine::Jit);
    let mut new_interp = PreparedEntry::prepare(&new, &new.entries[0], Engine::Interp);
    let codec = old_jit.input_codec();
    let mut batch = codec.new_batch();
    for row in ROWS {
        codec.push_cells(&mut batch, |i| row[i].as_bytes());
    }
    let (mut r1, mut r2, mut r3) = (Results::default(), Results::default(), Results::default());
    old_jit.evaluate(&batch, &mut r1);
    new_jit.evaluate(&batch, &mut r2);
    new_interp.evaluate(&batch, &mut r3);
    let values = |r: &Results| -> Vec<String> {
        (0..r.len())
            .map(|i| format!("{:?}", r.get(i).unwrap().map(|c| c.to_value())))
            .collect()
    };
    assert_eq!(values(&r2), values(&r3));
    assert_ne!(values(&r1), values(&r2));
    // Row 0: 200 × 2 and 200 × 3.
    assert!(values(&r1)[0].contains("400"), "{:?}", values(&r1)[0]);
    assert!(values(&r2)[0].contains("600"), "{:?}", values(&r2)[0]);
}

/// CSV lines straight from the slots are the general writer's.
#[test]
fn csv_lines_from_slots() {
    const NUMBERS: &str = r#"
module n
record In { a: Money, d: Date }
record Out { b: Money, n: Int, e: Date, ok: Bool }
evaluate N(x: In) -> Out {
  Out { b: x.a * 2, n: 7, e: x.d + 1 month, ok: x.a > 0 SEK }
}
"#;
    let program = program(NUMBERS);
    let mut prepared = PreparedEntry::prepare(&program, &program.entries[0], Engine::Jit);
    let codec = prepared.input_codec();
    let mut batch = codec.new_batch();
    codec.push_cells(&mut batch, |i| [b"-0.50".as_slice(), b"2026-01-31"][i]);
    let mut results = Results::default();
    prepared.evaluate(&batch, &mut results);
    let computed = results.get(0).unwrap().unwrap();
    let mut line = Vec::new();
    assert!(computed.write_csv_line(&mut line));
    assert_eq!(
        String::from_utf8(line).unwrap(),
        "-1.00,7,2026-02-28,false\n"
    );
    assert!(computed.same_as(&computed));
}

/// An example's assertions as an entry point: natively compiled, the same
/// answers as the interpreter, a failing assertion `false`, an error the
/// interpreter's error.
#[test]
fn examples_run_as_entry_points_in_both_engines() {
    const EXAMPLES: &str = r#"
module e
rule dubbel(x: Money) -> Money = x * 2
rule dela(x: Money, n: Int) -> Money = round(x / n, 0.01 SEK)
example "holds" {
  dubbel(10 SEK) == 20 SEK
  dela(10 SEK, 3) == 3.33 SEK
}
example "fails" {
  dubbel(10 SEK) == 21 SEK
}
example "errs" {
  dela(10 SEK, 0) == 0 SEK
}
"#;
    let program = program(EXAMPLES);
    let (extended, entries) = with_example_entries(&program, &[0, 1, 2]);
    let record = Value::Record(Vec::new().into());
    let mut answers = Vec::new();
    for entry in entries.iter().map(|e| e.unwrap()) {
        let mut jit = PreparedEntry::prepare(&extended, &entry, Engine::Jit);
        let mut interp = PreparedEntry::prepare(&extended, &entry, Engine::Interp);
        assert!(jit.is_native(), "{:?}", jit.not_compiled());
        let (a, b) = (jit.evaluate_value(&record), interp.evaluate_value(&record));
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        answers.push(a);
    }
    let bools = |answer: &Result<Value, RowFailure>| match answer {
        Ok(Value::Record(fields)) => fields
            .iter()
            .map(|f| matches!(f, Value::Bool(true)))
            .collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(bools(&answers[0]), [true, true]);
    assert_eq!(bools(&answers[1]), [false]);
    let Err(RowFailure::Evaluation(error)) = &answers[2] else {
        panic!("{:?}", answers[2]);
    };
    assert_eq!(
        error.code(),
        avtal_compiler::diagnostics::Code::DivisionByZero
    );
}

/// An entry point whose input holds a list of records (long-form CSV's
/// and JSON Lines' shape).
const SHIFTS: &str = r#"
module s

enum Slag { ordinary, overtime }

record Pass {
  start: Timestamp
  end: Timestamp
  kind: Slag
}

record In {
  id: Int
  shifts: List<Pass>
  lön: Money
}

record Out {
  antal: Int
  timmar: Hours
}

evaluate Räkna(x: In) -> Out {
  Out {
    antal: count(x.shifts)
    timmar: round(sum(p.end - p.start for p in x.shifts), 0.01 h)
  }
}
"#;

#[test]
fn a_record_with_a_list_is_read_element_by_element_and_compiled() {
    let program = program(SHIFTS);
    let entry = program.entries[0];
    let prepared = PreparedEntry::prepare(&program, &entry, Engine::Jit);
    assert!(prepared.is_native(), "{:?}", prepared.interpreted_because());
    assert_eq!(prepared.interpreted_because(), None);
    let fields = prepared.input_type().record_fields().unwrap().to_vec();
    let element = match fields[1].1.kind() {
        avtal_compiler::data::Kind::List(element) => element.record_fields().unwrap().to_vec(),
        other => panic!("{other:?}"),
    };
    let row = |cells: [&'static str; 3]| {
        read_fields(
            element
                .iter()
                .zip(cells)
                .map(|((name, ty), cell)| (name.as_str(), ty, cell.as_bytes())),
        )
    };
    let own = [
        ("id", &fields[0].1, "7".as_bytes()),
        ("lön", &fields[2].1, b"30000"),
    ];
    let value = read_with_list(
        own.into_iter(),
        1,
        [
            row(["2026-06-05T18:30", "2026-06-06T01:15", "ordinary"]),
            row(["2026-06-07T08:00", "2026-06-07T09:30", "overtime"]),
        ],
    )
    .unwrap();
    let mut prepared = prepared;
    let output = prepared.output_type().record_fields().unwrap().to_vec();
    let cells = |value: &Value| -> Vec<String> {
        let Value::Record(values) = value else {
            panic!("{value:?}")
        };
        output
            .iter()
            .zip(values.iter())
            .map(|((_, ty), value)| {
                let mut cell = String::new();
                ty.write_cell(value, &mut cell).unwrap();
                cell
            })
            .collect()
    };
    let result = prepared.evaluate_value(&value).unwrap();
    assert_eq!(cells(&result), ["2", "8.25"]);

    // No elements is an empty list; a bad element cell is an error of
    // the record, named by its field, with the record's own.
    let empty = read_with_list(own.into_iter(), 1, []).unwrap();
    assert_eq!(
        cells(&prepared.evaluate_value(&empty).unwrap()),
        ["0", "0.00"]
    );
    let bad_own = [
        ("id", &fields[0].1, "x".as_bytes()),
        ("lön", &fields[2].1, b"30000"),
    ];
    let errors = read_with_list(
        bad_own.into_iter(),
        1,
        [row(["2026-06-05T25:30", "2026-06-06T01:15", "ordinary"])],
    )
    .unwrap_err();
    let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(named, ["id", "start"]);
}

/// Forks share the compiled code (no compiling again) and its day tables,
/// and evaluate alike from many threads at once, also after the entry they
/// came from is gone: W2's population, whose memoised holiday counts and
/// day profiles every thread fills and reads.
#[test]
fn forks_share_compiled_code_across_threads() {
    let mut sources = Sources::new();
    avtal_compiler::stdlib::add_to(&mut sources);
    sources.add(
        "w2_time_report.avtal",
        include_str!("../../examples/w2_time_report.avtal"),
    );
    let compilation = avtal_compiler::compile(&sources);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    let program = compilation.program;
    let entry = program.entries[0];
    let original = PreparedEntry::prepare(&program, &entry, Engine::Jit);
    assert!(original.is_native(), "{:?}", original.interpreted_because());
    let records: Vec<Value> = include_str!("../../examples/w2_time_reports.jsonl")
        .lines()
        .map(|line| original.input_type().parse_json_text(line).unwrap())
        .collect();
    let mut interpreted = PreparedEntry::prepare(&program, &entry, Engine::Interp);
    let expected: Vec<Value> = records
        .iter()
        .map(|r| interpreted.evaluate_value(r).unwrap())
        .collect();

    let forks: Vec<PreparedEntry> = (0..4).map(|_| original.fork()).collect();
    drop(original);
    std::thread::scope(|scope| {
        for (n, mut fork) in forks.into_iter().enumerate() {
            let (records, expected) = (&records, &expected);
            scope.spawn(move || {
                assert!(fork.is_native());
                // Each thread starts at another record, so the threads
                // fill the tables in different orders.
                let start = n * records.len() / 4;
                for i in (0..records.len()).map(|i| (i + start) % records.len()) {
                    let got = fork.evaluate_value(&records[i]).unwrap();
                    assert_eq!(got, expected[i], "record {i} in thread {n}");
                }
            });
        }
    });
}
