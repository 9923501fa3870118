//! Names in data files are matched to the sources' names in Unicode NFC,
//! at the command line: a CSV header, JSON keys (top level and inside a
//! list's objects), long-form CSV element columns and a Parquet column
//! written in NFD (`lo\u{308}n`, as macOS tools write `lön`), and the
//! children of a Parquet list of structs, all read as
//! the fields the source names in NFC; a source written in NFD reads an
//! NFC header; and a header that is still another name gets the
//! missing-column error.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::{ArrayRef, Decimal128Array, Int64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use common::{avtal, scratch, write};
use parquet::arrow::ArrowWriter;

/// `lön` precomposed (NFC) and decomposed (NFD): other bytes, one name.
const LON_NFC: &str = "l\u{f6}n";
const LON_NFD: &str = "lo\u{308}n";

/// A flat record with a non-ASCII field; `lon` is how the source spells
/// `lön`.
fn flat_agreement(lon: &str) -> String {
    format!(
        "module test.namn

record Anställd {{
  id: Int
  {lon}: Money
}}

record Ut {{
  id: Int
  dubbel: Money
}}

evaluate Dubbel(a: Anställd) -> Ut {{
  Ut {{
    id: a.id
    dubbel: a.{lon} * 2
  }}
}}
"
    )
}

/// A record with a list whose elements have a non-ASCII field.
const LIST_AGREEMENT: &str = "module test.namn

record Pass {
  början: Timestamp
  slut: Timestamp
}

record Anställd {
  id: Int
  lön: Money
  pass: List<Pass>
}

record Ut {
  id: Int
  lön: Money
  timmar: Hours
}

evaluate Timmar(a: Anställd) -> Ut {
  Ut {
    id: a.id
    lön: a.lön
    timmar: round(sum(p.slut - p.början for p in a.pass), 0.01 h)
  }
}
";

/// `avtal run FILE --input INPUT --output-format csv`: code, stdout, stderr.
fn run(dir: &Path, agreement: &str, input: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "run",
        agreement,
        "--input",
        input.to_str().unwrap(),
        "--output-format",
        "csv",
    ];
    args.extend_from_slice(extra);
    let run = avtal(dir, &args);
    (run.code, run.stdout, run.stderr)
}

const FLAT_OUTPUT: &str = "id,dubbel\n1,60000.00\n2,50000.50\n";

#[test]
fn an_nfd_csv_header_names_the_nfc_field() {
    let dir = scratch("unicode_names_csv");
    write(&dir, "a.avtal", &flat_agreement(LON_NFC));
    let input = write(
        &dir,
        "in.csv",
        &format!("id,{LON_NFD}\n1,30000.00\n2,25000.25\n"),
    );
    // The one-pipeline reader and the parallel chunks, both engines.
    for extra in [
        &[][..],
        &["--threads", "1"],
        &["--engine", "interp", "--threads", "1"],
    ] {
        let (code, stdout, stderr) = run(&dir, "a.avtal", &input, extra);
        assert_eq!(code, 0, "{extra:?}: {stderr}");
        assert_eq!(stdout, FLAT_OUTPUT, "{extra:?}");
    }
}

#[test]
fn an_nfd_source_reads_an_nfc_header() {
    let dir = scratch("unicode_names_nfd_source");
    write(&dir, "a.avtal", &flat_agreement(LON_NFD));
    let input = write(
        &dir,
        "in.csv",
        &format!("id,{LON_NFC}\n1,30000.00\n2,25000.25\n"),
    );
    let (code, stdout, stderr) = run(&dir, "a.avtal", &input, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, FLAT_OUTPUT);
}

#[test]
fn an_unknown_header_is_still_a_missing_column() {
    let dir = scratch("unicode_names_unknown");
    write(&dir, "a.avtal", &flat_agreement(LON_NFC));
    // `lo\u{308}nen` normalises to `lönen`, which is no field.
    let input = write(&dir, "in.csv", &format!("id,{LON_NFD}en\n1,30000.00\n"));
    let (code, stdout, stderr) = run(&dir, "a.avtal", &input, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.contains(&format!(
            "the input has no column `{LON_NFC}` for `Anställd`"
        )),
        "{stderr}"
    );
    // Both spellings in one header are one column twice.
    let input = write(
        &dir,
        "twice.csv",
        &format!("id,{LON_NFC},{LON_NFD}\n1,30000.00,30000.00\n"),
    );
    let (code, _, stderr) = run(&dir, "a.avtal", &input, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!("the header names the column `{LON_NFC}` twice")),
        "{stderr}"
    );
}

#[test]
fn nfd_json_keys_name_the_nfc_fields() {
    let dir = scratch("unicode_names_json");
    write(&dir, "a.avtal", &flat_agreement(LON_NFC));
    // Keys in the declared order (the straight path) and after another
    // key (the lookup), and a value only the general reader takes (a
    // salary as a string with an escape in the key).
    let lines = format!(
        "{{\"id\": 1, \"{LON_NFD}\": 30000.00}}\n\
         {{\"{LON_NFD}\": \"25000.25\", \"id\": 2}}\n"
    );
    let input = write(&dir, "in.jsonl", &lines);
    for extra in [&[][..], &["--engine", "interp", "--threads", "1"]] {
        let (code, stdout, stderr) = run(&dir, "a.avtal", &input, extra);
        assert_eq!(code, 0, "{extra:?}: {stderr}");
        assert_eq!(stdout, FLAT_OUTPUT, "{extra:?}");
    }
    // An escaped NFD key (`o\u0308`) is the same name.
    let escaped = "{\"id\": 1, \"lo\\u0308n\": 30000.00}\n";
    let input = write(&dir, "escaped.jsonl", escaped);
    let (code, stdout, stderr) = run(&dir, "a.avtal", &input, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "id,dubbel\n1,60000.00\n");
}

#[test]
fn nfd_names_of_list_elements_in_json_and_long_form_csv() {
    let dir = scratch("unicode_names_lists");
    write(&dir, "a.avtal", LIST_AGREEMENT);
    let borjan_nfd = "bo\u{308}rjan";
    let expected = format!("id,{LON_NFC},timmar\n1,30000.00,16.00\n2,25000.00,8.50\n");
    let json = format!(
        "{{\"id\": 1, \"{LON_NFD}\": 30000.00, \"pass\": [\
           {{\"{borjan_nfd}\": \"2026-06-05T08:00\", \"slut\": \"2026-06-05T16:00\"}}, \
           {{\"slut\": \"2026-06-06T16:00\", \"{borjan_nfd}\": \"2026-06-06T08:00\"}}]}}\n\
         {{\"id\": 2, \"{LON_NFD}\": 25000.00, \"pass\": [\
           {{\"{borjan_nfd}\": \"2026-06-05T08:00\", \"slut\": \"2026-06-05T16:30\"}}]}}\n"
    );
    let input = write(&dir, "in.jsonl", &json);
    for extra in [&[][..], &["--engine", "interp", "--threads", "1"]] {
        let (code, stdout, stderr) = run(&dir, "a.avtal", &input, extra);
        assert_eq!(code, 0, "{extra:?}: {stderr}");
        assert_eq!(stdout, expected, "{extra:?}");
    }
    // Long form: the element column `pass_början` in NFD.
    let csv = format!(
        "id,{LON_NFD},pass_{borjan_nfd},pass_slut\n\
         1,30000.00,2026-06-05T08:00,2026-06-05T16:00\n\
         1,30000.00,2026-06-06T08:00,2026-06-06T16:00\n\
         2,25000.00,2026-06-05T08:00,2026-06-05T16:30\n"
    );
    let input = write(&dir, "in.csv", &csv);
    for extra in [&[][..], &["--engine", "interp"]] {
        let (code, stdout, stderr) = run(&dir, "a.avtal", &input, extra);
        assert_eq!(code, 0, "{extra:?}: {stderr}");
        assert_eq!(stdout, expected, "{extra:?}");
    }
}

#[test]
fn an_nfd_parquet_column_names_the_nfc_field() {
    let dir = scratch("unicode_names_parquet");
    write(&dir, "a.avtal", &flat_agreement(LON_NFC));
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new(LON_NFD, DataType::Decimal128(38, 2), false),
    ]));
    let ids: ArrayRef = Arc::new(Int64Array::from(vec![1, 2]));
    let salaries: ArrayRef = Arc::new(
        Decimal128Array::from(vec![3_000_000, 2_500_025])
            .with_precision_and_scale(38, 2)
            .unwrap(),
    );
    let batch = RecordBatch::try_new(schema.clone(), vec![ids, salaries]).unwrap();
    let path = dir.join("in.parquet");
    let mut writer = ArrowWriter::try_new(File::create(&path).unwrap(), schema, None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    for extra in [&[][..], &["--engine", "interp"]] {
        let (code, stdout, stderr) = run(&dir, "a.avtal", &path, extra);
        assert_eq!(code, 0, "{extra:?}: {stderr}");
        assert_eq!(stdout, FLAT_OUTPUT, "{extra:?}");
    }
}

#[test]
fn nfd_child_names_of_a_parquet_list_of_structs() {
    use arrow_array::builder::{ListBuilder, StructBuilder, TimestampMicrosecondBuilder};
    use arrow_schema::{Fields, TimeUnit};

    let dir = scratch("unicode_names_parquet_list");
    write(&dir, "a.avtal", LIST_AGREEMENT);
    let borjan_nfd = "bo\u{308}rjan";
    let stamp = DataType::Timestamp(TimeUnit::Microsecond, None);
    let children = Fields::from(vec![
        Field::new(borjan_nfd, stamp.clone(), false),
        Field::new("slut", stamp, false),
    ]);
    // Microseconds since 1970 of a minute of 2026-06-05 (day 20,609).
    let at = |day: i64, hour: i64, minute: i64| ((day * 24 + hour) * 60 + minute) * 60_000_000;
    let june_5 = 20_609;
    let mut pass = ListBuilder::new(StructBuilder::from_fields(children, 3));
    for shifts in [
        &[(june_5, 8, 0, 16, 0), (june_5 + 1, 8, 0, 16, 0)][..],
        &[(june_5, 8, 0, 16, 30)][..],
    ] {
        for (day, from_h, from_m, to_h, to_m) in shifts {
            let element = pass.values();
            element
                .field_builder::<TimestampMicrosecondBuilder>(0)
                .unwrap()
                .append_value(at(*day, *from_h, *from_m));
            element
                .field_builder::<TimestampMicrosecondBuilder>(1)
                .unwrap()
                .append_value(at(*day, *to_h, *to_m));
            element.append(true);
        }
        pass.append(true);
    }
    let pass: ArrayRef = Arc::new(pass.finish());
    let ids: ArrayRef = Arc::new(Int64Array::from(vec![1, 2]));
    let salaries: ArrayRef = Arc::new(
        Decimal128Array::from(vec![3_000_000, 2_500_000])
            .with_precision_and_scale(38, 2)
            .unwrap(),
    );
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new(LON_NFD, DataType::Decimal128(38, 2), false),
        Field::new("pass", pass.data_type().clone(), false),
    ]));
    let batch = RecordBatch::try_new(schema.clone(), vec![ids, salaries, pass]).unwrap();
    let path = dir.join("in.parquet");
    let mut writer = ArrowWriter::try_new(File::create(&path).unwrap(), schema, None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    let expected = format!("id,{LON_NFC},timmar\n1,30000.00,16.00\n2,25000.00,8.50\n");
    for extra in [&[][..], &["--engine", "interp"]] {
        let (code, stdout, stderr) = run(&dir, "a.avtal", &path, extra);
        assert_eq!(code, 0, "{extra:?}: {stderr}");
        assert_eq!(stdout, expected, "{extra:?}");
    }
}
