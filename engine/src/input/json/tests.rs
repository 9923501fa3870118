//! The JSON fast path against the general path: on generated rows (every
//! field in plain and other forms, fields missing, repeated, unknown or
//! out of order, lists with bad elements, invalid JSON), whatever
//! `JsonPlan` accepts must be exactly the value `parse_json_text` reads;
//! and plain rows must be accepted. `PROPTEST_CASES=N` runs more.

use proptest::prelude::*;

use avtal_compiler::data::DataType;
use avtal_compiler::types::Type;

use crate::codegen::RecordLayout;
use crate::input::{InputCodec, LayoutCodec};

const SOURCE: &str = "module jsontest\n\
    enum Kind { ordinary, overtime }\n\
    record Shift {\n  start: Timestamp\n  end: Timestamp\n  klocka: Time\n  kind: Kind\n}\n\
    record Report {\n  id: Int\n  period: Date\n  salary: Money\n  rate: Percent\n  \
    hours: Hours\n  flag: Bool\n  shifts: List<Shift>\n}\n";

fn codec() -> (DataType, InputCodec) {
    let mut sources = avtal_compiler::Sources::new();
    sources.add("jsontest.avtal", SOURCE);
    let compilation = avtal_compiler::compile(&sources);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    let program = compilation.program;
    let id = program
        .records
        .iter()
        .position(|r| r.name == "Report")
        .unwrap();
    let ty = Type::Record(avtal_compiler::types::RecordId(u32::try_from(id).unwrap()));
    let record = DataType::new(&program, &ty);
    let layout = RecordLayout::of(&program, &ty).unwrap();
    let layout_codec = LayoutCodec::new(&record, &layout);
    assert!(layout_codec.json.is_some());
    let codec = InputCodec::new(record.clone(), Some(std::sync::Arc::new(layout_codec)));
    (record, codec)
}

/// Text forms of each scalar kind: plain ones first, then others.
fn numbers() -> Vec<&'static str> {
    vec![
        "45200.00",
        "\"45200.00\"",
        "12",
        "-3.5",
        "0",
        "-0",
        "\"7\"",
        "1.250",
        "1.255",
        "4.5e4",
        "\" 12\"",
        "\"12 \"",
        "true",
        "null",
        "\"\"",
        "99999999999999999999",
        "1.",
        ".5",
        "+1",
        "\"1\\u0030\"",
        "[1]",
        "{}",
        "0012.10",
    ]
}

fn dates() -> Vec<&'static str> {
    vec![
        "\"2027-05-01\"",
        "\"2024-02-29\"",
        "\"0000-01-01\"",
        "\"2026-02-30\"",
        "\"2026-1-5\"",
        "20270501",
        "\" 2027-05-01\"",
        "null",
        "\"2027-05-01T00:00\"",
    ]
}

fn stamps() -> Vec<&'static str> {
    vec![
        "\"2027-05-01T08:00\"",
        "\"2027-05-01 23:59\"",
        "\"2027-05-01T24:00\"",
        "\"2027-05-01T8:00\"",
        "\"2027-02-29T10:00\"",
        "\"0001-01-01T00:00\"",
        "1",
        "\"2027-05-01T08:00 \"",
        "\"2027-05-01t08:00\"",
    ]
}

fn times() -> Vec<&'static str> {
    vec![
        "\"19:00\"",
        "\"7:05\"",
        "\"24:00\"",
        "\"12:60\"",
        "\"+7:00\"",
        "1900",
        "\"07:5\"",
    ]
}

fn bools() -> Vec<&'static str> {
    vec![
        "true",
        "false",
        "1",
        "0",
        "\"TRUE\"",
        "\"false\"",
        "2",
        "null",
        "\"yes\"",
    ]
}

fn kinds() -> Vec<&'static str> {
    vec![
        "\"ordinary\"",
        "\"overtime\"",
        "\"Ordinary\"",
        "0",
        "\"\"",
        "\"ordinary \"",
    ]
}

fn pick(options: Vec<&'static str>) -> impl Strategy<Value = String> {
    // Plain forms come up half of the time.
    let plain = options.first().copied().unwrap_or("0");
    prop_oneof![
        Just(plain.to_string()),
        proptest::sample::select(options).prop_map(String::from)
    ]
}

fn shift() -> impl Strategy<Value = String> {
    (
        pick(stamps()),
        pick(stamps()),
        pick(times()),
        pick(kinds()),
        0..6u8,
    )
        .prop_map(|(start, end, at, kind, shape)| match shape {
            0 => format!(r#"{{"start": {start}, "klocka": {at}, "kind": {kind}}}"#),
            1 => format!(
                r#"{{"kind": {kind}, "end": {end}, "start": {start}, "klocka": {at}, "x": [1]}}"#
            ),
            2 => "null".to_string(),
            _ => format!(r#"{{"start": {start}, "end": {end}, "klocka": {at}, "kind": {kind}}}"#),
        })
}

fn row() -> impl Strategy<Value = String> {
    let fields = (
        pick(numbers()),
        pick(dates()),
        pick(numbers()),
        pick(numbers()),
        pick(numbers()),
        pick(bools()),
        proptest::collection::vec(shift(), 0..4),
    );
    (fields, 0..10u8).prop_map(|((id, period, salary, rate, hours, flag, shifts), shape)| {
        let shifts = format!("[{}]", shifts.join(","));
        match shape {
            0 => format!(r#"{{"id": {id}, "period": {period}, "salary": {salary}, "rate": {rate}, "flag": {flag}, "shifts": {shifts}}}"#),
            1 => format!(r#"{{"shifts": {shifts}, "flag": {flag}, "hours": {hours}, "rate": {rate}, "salary": {salary}, "period": {period}, "id": {id}}}"#),
            2 => format!(r#"{{"id": {id}, "id": {id}, "period": {period}, "salary": {salary}, "rate": {rate}, "hours": {hours}, "flag": {flag}, "shifts": {shifts}}}"#),
            3 => format!(r#"{{"id": {id}, "period": {period}, "salary": {salary}, "rate": {rate}, "hours": {hours}, "flag": {flag}, "shifts": {shifts}"#),
            4 => format!(r#" {{"id": {id}, "period": {period}, "salary": {salary}, "rate": {rate}, "hours": {hours}, "flag": {flag}, "shifts": {shifts}}} x"#),
            5 => format!(r#"{{"id": {id}, "period": {period}, "salary": {salary}, "rate": {rate}, "hours": {hours}, "flag": {flag}, "shifts": null}}"#),
            _ => format!("{{\"id\": {id}, \"period\": {period}, \"salary\": {salary}, \"rate\": {rate}, \"hours\": {hours}, \"flag\": {flag}, \"shifts\": {shifts}}}\r\n"),
        }
    })
}

/// Read `line` both ways: accepted rows must equal the general value.
fn agree(record: &DataType, codec: &InputCodec, line: &str) -> bool {
    let mut batch = codec.new_batch();
    let accepted = codec.push_json(&mut batch, line.as_bytes());
    let general = record.parse_json_text(line);
    if accepted {
        let general = general.unwrap_or_else(|e| panic!("accepted {line}, general: {e:?}"));
        assert_eq!(batch.len(), 1);
        assert_eq!(batch.value(0), Some(general), "{line}");
    } else {
        assert_eq!(batch.len(), 0, "{line}");
    }
    accepted
}

proptest! {
    #[test]
    fn accepted_rows_read_as_the_general_path_reads_them(line in row()) {
        let (record, codec) = codec();
        agree(&record, &codec, &line);
    }
}

#[test]
fn plain_rows_are_accepted_and_several_share_a_batch() {
    let (record, codec) = codec();
    let lines = [
        r#"{"id": 1, "period": "2027-05-01", "salary": 45200.00, "rate": "75.5", "hours": 1, "flag": true, "shifts": [{"start": "2027-05-01T00:01", "end": "2027-05-01 09:16", "klocka": "7:05", "kind": "overtime"}, {"start": "2027-05-02T00:00", "end": "2027-05-02T01:00", "klocka": "23:59", "kind": "ordinary"}]}"#,
        r#"{"shifts": [], "flag": 0, "hours": "0.10", "rate": 100, "salary": -1.5, "period": "2024-02-29", "id": 7, "other": {"x": [null]}}"#,
    ];
    for line in lines {
        assert!(agree(&record, &codec, line), "{line}");
    }
    let mut batch = codec.new_batch();
    for line in lines {
        assert!(codec.push_json(&mut batch, line.as_bytes()));
    }
    for (index, line) in lines.iter().enumerate() {
        assert_eq!(
            batch.value(index),
            Some(record.parse_json_text(line).unwrap())
        );
    }
}
