//! Entry points whose input holds a list of records (a month's shifts):
//! JSON Lines and long-form CSV of the same population give the same
//! bytes with both engines, through `avtal run`, `avtal diff` and
//! `avtal test --cases`; a long-form file read in a few batches keeps its
//! records whole across batch boundaries.
//!
//! `data/lists/w2_40.*` were written by the W2 generator
//! (`gen_time_reports.py 40 -o w2_40.jsonl --csv w2_40.csv --seed 2026`):
//! records without shifts, shifts over midnight and month ends, and the
//! generator's own column names (`shift_start` for `shifts.start`). The
//! bad-input cases are data cases under `tests/run/list_*`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{avtal, scratch, workspace, write};

fn data() -> PathBuf {
    workspace().join("cli/tests/data/lists")
}

/// A scratch folder holding the agreement and both input files.
fn folder(name: &str) -> PathBuf {
    let dir = scratch(name);
    for file in ["w2_totals.avtal", "w2_40.jsonl", "w2_40.csv"] {
        fs::copy(data().join(file), dir.join(file)).unwrap();
    }
    dir
}

fn run_to(dir: &Path, input: &str, engine: &str, output: &str) -> (String, Vec<u8>) {
    let run = avtal(
        dir,
        &[
            "run",
            "w2_totals.avtal",
            "--input",
            input,
            "--output",
            output,
            "--engine",
            engine,
        ],
    );
    assert_eq!(run.code, 0, "{input} {engine}: {}", run.stderr);
    (run.stderr, fs::read(dir.join(output)).unwrap())
}

#[test]
fn json_lines_and_long_form_csv_give_the_same_bytes_with_both_engines() {
    let dir = folder("list_inputs_same_bytes");
    let (note, reference) = run_to(&dir, "w2_40.jsonl", "jit", "jit_jsonl.csv");
    let text = String::from_utf8(reference.clone()).unwrap();
    assert_eq!(text.lines().count(), 41, "{text}");
    assert!(text.starts_with(
        "id,shifts,ordinary_hours,overtime_hours,mertid_hours,fte,year_violation\n\
         1,12,39.98,49.98,0.00,60266.67,false\n"
    ));
    // Records without shifts are read as empty lists, in both formats.
    assert!(text.contains("\n3,0,0.00,0.00,0.00,26200.00,false\n"));
    // The list is compiled: no note that rows go to the interpreter.
    assert_eq!(note, "40 rows written to jit_jsonl.csv\n");
    for (input, engine) in [
        ("w2_40.csv", "jit"),
        ("w2_40.csv", "interp"),
        ("w2_40.jsonl", "interp"),
    ] {
        let (stderr, bytes) = run_to(&dir, input, engine, "out.csv");
        assert!(bytes == reference, "{input} with {engine} differs");
        assert_eq!(stderr.matches("note:").count(), 0, "{stderr}");
    }
}

#[test]
fn a_long_form_file_keeps_its_records_whole_across_batches() {
    // More rows than a batch of 4096 records would have, with records of
    // many rows: each group is read whole before the next begins.
    let dir = scratch("list_inputs_batches");
    fs::copy(data().join("w2_totals.avtal"), dir.join("w2_totals.avtal")).unwrap();
    let mut csv =
        String::from("id,period,salary,rate,overtime_ytd,shift_start,shift_end,shift_kind\n");
    let mut jsonl = String::new();
    for id in 1..=5000u32 {
        let n = id % 4;
        let shifts: Vec<String> = (0..n)
            .map(|k| format!("2026-03-{:02}T08:00", k + 2))
            .collect();
        if shifts.is_empty() {
            csv.push_str(&format!("{id},2026-03-01,30000.00,100.00,0.00,,,\n"));
        }
        for start in &shifts {
            let end = start.replace("T08:00", "T16:30");
            csv.push_str(&format!(
                "{id},2026-03-01,30000.00,100.00,0.00,{start},{end},overtime\n"
            ));
        }
        let items: Vec<String> = shifts
            .iter()
            .map(|start| {
                format!(
                    r#"{{"start": "{start}", "end": "{}", "kind": "overtime"}}"#,
                    start.replace("T08:00", "T16:30")
                )
            })
            .collect();
        jsonl.push_str(&format!(
            r#"{{"id": {id}, "period": "2026-03-01", "salary": "30000.00", "rate": 100, "overtime_ytd": 0, "shifts": [{}]}}"#,
            items.join(", ")
        ));
        jsonl.push('\n');
    }
    write(&dir, "many.csv", &csv);
    write(&dir, "many.jsonl", &jsonl);
    let (_, from_csv) = run_to(&dir, "many.csv", "jit", "a.csv");
    let (_, from_jsonl) = run_to(&dir, "many.jsonl", "interp", "b.csv");
    assert!(from_csv == from_jsonl);
    let text = String::from_utf8(from_csv).unwrap();
    assert_eq!(text.lines().count(), 5001);
    assert!(
        text.contains("\n4999,3,0.00,25.50,0.00,30000.00,false\n"),
        "{text}"
    );
}

#[test]
fn avtal_diff_reads_list_inputs_in_both_formats() {
    let dir = folder("list_inputs_diff");
    let old = fs::read_to_string(dir.join("w2_totals.avtal")).unwrap();
    write(
        &dir,
        "new/w2_totals.avtal",
        &old.replace("> 150 h", "> 60 h"),
    );
    let report = |input: &str| {
        let run = avtal(
            &dir,
            &[
                "diff",
                "w2_totals.avtal",
                "new/w2_totals.avtal",
                "--input",
                input,
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
    };
    let from_csv = report("w2_40.csv");
    let from_jsonl = report("w2_40.jsonl");
    assert!(
        from_csv.contains("40 rows: 40 computed by both versions (9 changed, 31 unchanged)"),
        "{from_csv}"
    );
    // The same changes; only the rows differ, since a long-form record is
    // at its first row.
    let changes = |text: &str| -> Vec<String> {
        text.lines()
            .skip(1)
            .map(|line| {
                line.split_whitespace()
                    .skip(1)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    };
    assert_eq!(changes(&from_csv), changes(&from_jsonl));
}

#[test]
fn avtal_test_cases_reads_long_form_cases() {
    let dir = folder("list_inputs_cases");
    write(
        &dir,
        "cases.csv",
        "id,period,salary,rate,overtime_ytd,shift_start,shift_end,shift_kind,expected.shifts,expected.overtime_hours,expected.year_violation\n\
         1,2026-06-01,30000.00,100.00,149.00,2026-06-05T18:30,2026-06-06T01:15,ordinary,2,1.50,true\n\
         1,2026-06-01,30000.00,100.00,149.00,2026-06-07T08:00,2026-06-07T09:30,overtime,2,1.50,true\n\
         2,2026-06-01,30000.00,50.00,0.00,,,,0,0.00,false\n\
         3,2026-06-01,30000.00,50.00,0.00,2026-06-07T08:00,2026-06-07T09:30,overtime,1,1.50,false\n\
         4,2026-06-01,30000.00,50.00,0.00,2026-06-07T08:00,2026-06-07T09:30,overtime,2,3.00,false\n\
         4,2026-06-01,30000.00,50.00,0.00,2026-06-08T08:00,2026-06-08T09:30,overtime,3,3.00,false\n",
    );
    let run = avtal(&dir, &["test", "--cases", "cases.csv", "w2_totals.avtal"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.starts_with(
            "case 5 (line 6): expected.shifts (row 6): `expected.shifts` is \"3\" here but \"2\" \
             on row 5, the first row of the record with `id` 4\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("test result: 3 passed, 1 failed\n"),
        "{}",
        run.stdout
    );

    // The same cases as JSON Lines pass where they agree.
    write(
        &dir,
        "cases.jsonl",
        r#"{"id": 1, "period": "2026-06-01", "salary": "30000.00", "rate": 100, "overtime_ytd": 149, "shifts": [{"start": "2026-06-05T18:30", "end": "2026-06-06T01:15", "kind": "ordinary"}, {"start": "2026-06-07T08:00", "end": "2026-06-07T09:30", "kind": "overtime"}], "expected.shifts": 2, "expected.overtime_hours": "1.50", "expected.year_violation": true}
{"id": 2, "period": "2026-06-01", "salary": "30000.00", "rate": 50, "overtime_ytd": 0, "shifts": [], "expected.shifts": 0, "expected.year_violation": false}
"#,
    );
    let run = avtal(&dir, &["test", "--cases", "cases.jsonl", "w2_totals.avtal"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.stdout, "test result: 2 passed, 0 failed\n");
}

#[test]
fn a_long_form_header_that_cannot_be_grouped_stops_the_run() {
    let dir = scratch("list_inputs_setup");
    let program = |fields: &str| {
        format!(
            "module x\nenum Kind {{ a, b }}\nrecord Shift {{ start: Timestamp, kind: Kind }}\n\
             record R {{ {fields} }}\nrecord O {{ n: Int }}\n\
             evaluate E(r: R) -> O {{ O {{ n: count(r.shifts) }} }}\n"
        )
    };
    let cases = [
        (
            "id: Int, shifts: List<Shift>",
            "shift_start,id,shift_kind\n",
            "error[E0604]: the first column `shift_start` is a column of the list's elements; \
             in long form the first column is the record's key\n",
        ),
        (
            "id: Int, shifts: List<Shift>",
            "id,shift_start,shifts_start,shift_kind\n",
            "error[E0604]: the header names the column `shifts_start` twice\n",
        ),
        (
            "id: Int, shifts: List<Shift>",
            "id,shift_kind\n",
            "error[E0602]: the input has no column `shift_start` for `R`\n",
        ),
        (
            "id: Int, shift_start: Timestamp, shifts: List<Shift>",
            "id,shift_start,shift_kind\n",
            "error[E0604]: the column `shift_start` would be read both as the record's field \
             `shift_start` and as a field of the elements of `shifts`\n",
        ),
        (
            "id: Int, shifts: List<Shift>, breaks: List<Shift>",
            "id,shift_start,shift_kind,break_start,break_kind\n",
            "error[E0601]: the fields `shifts` and `breaks` are both lists, and a long-form CSV \
             file holds one list\n",
        ),
    ];
    for (fields, header, error) in cases {
        write(&dir, "x.avtal", &program(fields));
        write(&dir, "in.csv", header);
        let run = avtal(&dir, &["run", "x.avtal", "--input", "in.csv", "--quiet"]);
        assert_eq!(run.code, 1, "{header}: {}", run.stderr);
        assert!(run.stderr.starts_with(error), "{header}: {}", run.stderr);
    }
}
