//! `avtal run` over CSV and JSON Lines: good rows are all written in input
//! order, bad rows are reported by row and field, exit codes 0/1/2.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fs;

use common::{AGREEMENT, avtal, avtal_with_stdin, scratch, workspace, write};

const HEADER: &str = "id,lön,avdelning,dagar,start";

/// Good rows 1, 3, 7; bad rows: a decimal with a thousands separator, an
/// unknown enum variant, a row with too few cells, a division by zero, a
/// decimal comma and an impossible date.
const MIXED_CSV: &str = "\
id,lön,avdelning,dagar,start,extra
1,3000.00,I,3,2026-01-31,x
2,30 000,I,30,2026-01-01,x
3,31000,II,30,2026-08-31,x
4,30000.00,III,30,2026-01-01,x
5,30000.00,I,30,2026-01-01
6,30000.00,I,0,2026-01-01,x
7,0.03,I,2,2026-02-28,x
8,\"12,5\",I,30,2026-02-30,x
";

#[test]
fn csv_good_rows_are_written_and_bad_rows_reported() {
    let dir = scratch("run_mixed");
    write(&dir, "lön.avtal", AGREEMENT);
    write(&dir, "fall.csv", MIXED_CSV);
    let run = avtal(
        &dir,
        &[
            "run",
            "lön.avtal",
            "--input",
            "fall.csv",
            "--output",
            "ut.csv",
            "--errors",
            "fel.csv",
        ],
    );
    run.expect_code(2);
    let output = fs::read_to_string(dir.join("ut.csv")).unwrap();
    assert_eq!(
        output,
        "id,per_dag,avdelning,slut,hel\n\
         1,1000.00,I,2026-02-28,false\n\
         3,1033.33,II,2026-09-30,true\n\
         7,0.02,I,2026-03-28,false\n"
    );
    let errors = fs::read_to_string(dir.join("fel.csv")).unwrap();
    let mut lines = errors.lines();
    assert_eq!(lines.next(), Some("row,field,code,message"));
    let rows: Vec<(String, String, String)> = lines
        .map(|line| {
            let mut cells = line.splitn(4, ',');
            (
                cells.next().unwrap().to_string(),
                cells.next().unwrap().to_string(),
                cells.next().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("2", "lön", "E0601"),
        ("4", "avdelning", "E0603"),
        ("5", "", "E0604"),
        ("6", "", "E0502"),
        ("8", "lön", "E0601"),
        ("8", "start", "E0601"),
    ];
    let rows: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    assert_eq!(rows, expected, "{errors}");
    assert!(
        errors.contains("expected money like 30000.00, found \"\"30 000\"\""),
        "{errors}"
    );
    assert!(
        errors.contains("expected one of `I`, `II`, found \"\"III\"\""),
        "{errors}"
    );

    let stderr = &run.stderr;
    assert!(stderr.contains("error: 5 of 8 rows failed"), "{stderr}");
    assert!(
        stderr
            .contains("row 2 (line 3), field lön: expected money like 30000.00, found \"30 000\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: write the number without spaces"),
        "{stderr}"
    );
    assert!(
        stderr.contains("row 5 (line 6): expected 6 cells"),
        "{stderr}"
    );
    assert!(stderr.contains("row 6 (line 7): "), "{stderr}");
    assert!(
        stderr.contains("lön.avtal:"),
        "evaluation errors name the source: {stderr}"
    );
    assert!(
        stderr.contains("use a point as the decimal separator: `12.5`"),
        "{stderr}"
    );
}

#[test]
fn a_run_without_bad_rows_exits_zero() {
    let dir = scratch("run_clean");
    write(&dir, "lön.avtal", AGREEMENT);
    write(
        &dir,
        "fall.csv",
        &format!("{HEADER}\n1,3000.00,I,3,2026-01-31\n"),
    );
    let run = avtal(&dir, &["run", "lön.avtal", "--input", "fall.csv"]);
    run.expect_code(0);
    assert_eq!(
        run.stdout,
        "id,per_dag,avdelning,slut,hel\n1,1000.00,I,2026-02-28,false\n"
    );
    assert!(
        run.stderr.contains("1 row written to stdout"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_column_stops_the_run_and_lists_the_header() {
    let dir = scratch("run_missing_column");
    write(&dir, "lön.avtal", AGREEMENT);
    write(
        &dir,
        "fall.csv",
        "id,avdelning,dagar,start\n1,I,3,2026-01-01\n",
    );
    let run = avtal(
        &dir,
        &[
            "run",
            "lön.avtal",
            "--input",
            "fall.csv",
            "--output",
            "ut.csv",
        ],
    );
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("error[E0602]: the input has no column `lön` for `Rad`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("help: the header names `id`, `avdelning`, `dagar`, `start`"),
        "{}",
        run.stderr
    );
}

#[test]
fn jsonl_in_and_out() {
    let dir = scratch("run_jsonl");
    write(&dir, "lön.avtal", AGREEMENT);
    write(
        &dir,
        "fall.jsonl",
        concat!(
            "{\"id\": 1, \"lön\": \"3000.00\", \"avdelning\": \"I\", \"dagar\": 3, \"start\": \"2026-01-31\"}\n",
            "\n",
            "{\"id\": 2, \"lön\": 31000.5, \"avdelning\": \"II\", \"dagar\": \"30\", \"start\": \"2026-08-31\", \"okänd\": [1]}\n",
            "{\"id\": 3, \"avdelning\": \"I\", \"dagar\": 3, \"start\": \"2026-01-31\"}\n",
            "not json\n",
            "{\"id\": 5, \"lön\": 1e3, \"avdelning\": \"I\", \"dagar\": 3, \"start\": \"2026-01-31\"}\n",
        ),
    );
    let run = avtal(
        &dir,
        &[
            "run",
            "lön.avtal",
            "--input",
            "fall.jsonl",
            "--output",
            "ut.jsonl",
            "--errors",
            "fel.csv",
        ],
    );
    run.expect_code(2);
    let output = fs::read_to_string(dir.join("ut.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = output
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(rows.len(), 2, "{output}");
    assert_eq!(rows[0]["id"], 1);
    assert_eq!(rows[0]["per_dag"], "1000.00");
    assert_eq!(rows[0]["slut"], "2026-02-28");
    assert_eq!(rows[0]["hel"], false);
    assert_eq!(rows[1]["per_dag"], "1033.35");
    assert_eq!(rows[1]["avdelning"], "II");
    let errors = fs::read_to_string(dir.join("fel.csv")).unwrap();
    assert!(
        errors.contains("3,lön,E0602,the row has no field `lön`"),
        "{errors}"
    );
    assert!(errors.contains("4,,E0604,"), "{errors}");
    assert!(errors.contains("5,lön,E0601,"), "{errors}");
    // Blank lines are not rows, but lines are counted.
    assert!(
        run.stderr.contains("row 3 (line 4), field lön"),
        "{}",
        run.stderr
    );
}

#[test]
fn stdin_and_stdout() {
    let dir = scratch("run_stdin");
    write(&dir, "lön.avtal", AGREEMENT);
    let input = format!("{HEADER}\n1,3000.00,I,3,2026-01-31\n2,90.00,II,30,2026-03-31\n");
    let run = avtal_with_stdin(
        &dir,
        &[
            "run",
            "lön.avtal",
            "--input",
            "-",
            "--output",
            "-",
            "--output-format",
            "jsonl",
        ],
        &input,
    );
    run.expect_code(0);
    assert_eq!(
        run.stdout,
        "{\"id\":1,\"per_dag\":\"1000.00\",\"avdelning\":\"I\",\"slut\":\"2026-02-28\",\"hel\":false}\n\
         {\"id\":2,\"per_dag\":\"3.00\",\"avdelning\":\"II\",\"slut\":\"2026-04-30\",\"hel\":true}\n"
    );
    let run = avtal_with_stdin(
        &dir,
        &["run", "lön.avtal", "--input", "-", "--input-format", "csv"],
        &input,
    );
    run.expect_code(0);
    assert!(
        run.stdout.starts_with("id,per_dag,avdelning,slut,hel\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_unknown_entry_point_lists_the_available_ones() {
    let dir = scratch("run_unknown_entry");
    write(&dir, "lön.avtal", AGREEMENT);
    write(&dir, "fall.csv", &format!("{HEADER}\n"));
    let run = avtal(
        &dir,
        &[
            "run",
            "lön.avtal",
            "--input",
            "fall.csv",
            "--entry",
            "Semester",
        ],
    );
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("error[E0605]: no `evaluate` entry point named `Semester`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("the entry points are `Lön`"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unreadable_input_is_fatal() {
    let dir = scratch("run_no_input");
    write(&dir, "lön.avtal", AGREEMENT);
    let run = avtal(&dir, &["run", "lön.avtal", "--input", "saknas.csv"]);
    run.expect_code(1);
    assert_eq!(
        run.stderr.trim(),
        "error: cannot read saknas.csv: No such file or directory"
    );
    let run = avtal(&dir, &["run", "lön.avtal", "--input", "fall.txt"]);
    run.expect_code(1);
    assert!(run.stderr.contains("--input-format"), "{}", run.stderr);
}

#[test]
fn sources_with_errors_are_not_run() {
    let dir = scratch("run_source_errors");
    write(
        &dir,
        "fel.avtal",
        "module testfall.fel\n\nrule fel(a: Money) -> Money = a * a\n",
    );
    write(&dir, "fall.csv", "a\n1\n");
    let run = avtal(&dir, &["run", "fel.avtal", "--input", "fall.csv"]);
    run.expect_code(1);
    assert!(run.stderr.contains("E0201"), "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot run fel.avtal"),
        "{}",
        run.stderr
    );
}

/// The README's command: W1 over the bundled population gives the
/// expected output exactly, with both engines.
#[test]
fn w1_population_matches_the_expected_output() {
    for engine in ["jit", "interp"] {
        w1_population_with_engine(engine);
    }
}

fn w1_population_with_engine(engine: &str) {
    let root = workspace();
    let expected = root.join("examples/w1_population.expected.csv");
    let Ok(expected) = fs::read_to_string(&expected) else {
        panic!("examples/w1_population.expected.csv is missing");
    };
    let dir = scratch(&format!("run_w1_{engine}"));
    let out = dir.join("w1_out.csv");
    let run = avtal(
        &root,
        &[
            "run",
            "examples/w1_payroll_month.avtal",
            "--engine",
            engine,
            "--input",
            "examples/w1_population.csv",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    run.expect_code(0);
    let actual = fs::read_to_string(&out).unwrap();
    assert_eq!(actual.lines().count(), 1001);
    for (index, (a, e)) in actual.lines().zip(expected.lines()).enumerate() {
        assert_eq!(a, e, "{engine}: line {}", index + 1);
    }
    assert_eq!(actual, expected);
}
