//! `avtal explain`: one record as a tree, from `--case` or `--input --row`,
//! as text and as JSON, and the diagnostics for records that cannot be
//! read or evaluated.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{AGREEMENT, avtal, scratch, write};

const CASE: &str =
    r#"{"id": 7, "lön": "3000", "avdelning": "II", "dagar": 3, "start": "2026-01-31"}"#;

fn setup(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    write(&dir, "lön.avtal", AGREEMENT);
    dir
}

#[test]
fn a_case_as_text() {
    let dir = setup("explain_text");
    let run = avtal(&dir, &["explain", "lön.avtal", "--case", CASE]);
    run.expect_code(0);
    assert_eq!(run.stderr, "");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn a_case_as_json() {
    let dir = setup("explain_json");
    let run = avtal(
        &dir,
        &["explain", "lön.avtal", "--case", CASE, "--format", "json"],
    );
    run.expect_code(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["schema"], "avtal.explain/1");
    assert_eq!(json["entry"], "Lön");
    // 3000 / 3 = 1000.00; 2026-01-31 + 1 month is clamped to 2026-02-28.
    let output: Vec<(String, String)> = json["output"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("id", "7"),
        ("per_dag", "1000.00 SEK"),
        ("avdelning", "II"),
        ("slut", "2026-02-28"),
        ("hel", "false"),
    ];
    assert_eq!(
        output,
        expected.map(|(n, v)| (n.to_string(), v.to_string()))
    );
    let root = &json["tree"];
    assert_eq!(root["kind"], "call");
    assert_eq!(root["function_kind"], "evaluate");
    assert_eq!(root["children"][0]["name"], "per_dag");
    assert_eq!(root["children"][0]["outcome"]["value"], "1000.00 SEK");
    assert_eq!(root["children"][0]["location"], "lön.avtal:27:14");
}

#[test]
fn a_row_of_a_csv_file_numbered_as_run_numbers_it() {
    let dir = setup("explain_csv_row");
    write(
        &dir,
        "rader.csv",
        "id,lön,avdelning,dagar,start\n\
         1,3000.00,I,3,2026-01-31\n\
         2,\"9000\",II,30,2026-01-01\n",
    );
    let run = avtal(
        &dir,
        &["explain", "lön.avtal", "--input", "rader.csv", "--row", "2"],
    );
    run.expect_code(0);
    assert!(run.stdout.contains("  id = 2\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains("  per_dag = 300.00 SEK\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn json_lines_rows_skip_blank_lines_as_run_does() {
    let dir = setup("explain_jsonl_row");
    write(
        &dir,
        "rader.jsonl",
        "{\"id\": 1, \"lön\": \"3000\", \"avdelning\": \"I\", \"dagar\": 3, \"start\": \"2026-01-31\"}\n\
         \n\
         {\"id\": 2, \"lön\": \"600\", \"avdelning\": \"I\", \"dagar\": 6, \"start\": \"2026-01-31\"}\n",
    );
    let run = avtal(
        &dir,
        &[
            "explain",
            "lön.avtal",
            "--input",
            "rader.jsonl",
            "--row",
            "2",
        ],
    );
    run.expect_code(0);
    assert!(
        run.stdout.contains("  per_dag = 100.00 SEK\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_evaluation_error_shows_the_tree_up_to_the_failure() {
    let dir = setup("explain_division_by_zero");
    let case = r#"{"id": 7, "lön": "3000", "avdelning": "II", "dagar": 0, "start": "2026-01-31"}"#;
    let run = avtal(&dir, &["explain", "lön.avtal", "--case", case]);
    run.expect_code(1);
    insta::assert_snapshot!(run.stdout);
    assert!(run.stderr.contains("error[E0502]"), "{}", run.stderr);
    assert!(run.stderr.contains("× division by zero"), "{}", run.stderr);
    assert!(run.stderr.contains("lön.avtal:22:39"), "{}", run.stderr);
}

#[test]
fn records_that_cannot_be_read() {
    let dir = setup("explain_bad_records");
    write(
        &dir,
        "rader.csv",
        "id,lön,avdelning,dagar,start\n1,30 000,I,3,2026-01-31\n",
    );
    let cases: [(&[&str], &str); 5] = [
        (
            &["--case", "{\"id\": 1,"],
            "error[E0604]: in --case: the row is not valid JSON",
        ),
        (
            &[
                "--case",
                r#"{"id": 1, "lön": "3000", "avdelning": "I", "dagar": 3}"#,
            ],
            "error[E0602]",
        ),
        (
            &[
                "--case",
                r#"{"id": 1, "lön": "3000", "avdelning": "I", "dagar": 3, "start": "2026-01-31", "lönn": 1}"#,
            ],
            "error[E0606]: the case names `lönn`, which is not a field of `Rad`\n  help: did you mean `lön`?",
        ),
        (
            &["--input", "rader.csv", "--row", "1"],
            "error[E0601]: row 1 (line 2), field `lön`: expected money like 30000.00",
        ),
        (
            &["--input", "rader.csv", "--row", "2"],
            "error[E0607]: there is no row 2: the input has 1 data row",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["explain", "lön.avtal"];
        all.extend_from_slice(args);
        let run = avtal(&dir, &all);
        run.expect_code(1);
        assert!(
            run.stderr.contains(expected),
            "{args:?}: expected {expected:?} in\n{}",
            run.stderr
        );
        assert_eq!(run.stdout, "", "{args:?}");
    }
}

#[test]
fn an_unknown_entry_is_named() {
    let dir = setup("explain_unknown_entry");
    let run = avtal(
        &dir,
        &[
            "explain",
            "lön.avtal",
            "--entry",
            "Semester",
            "--case",
            CASE,
        ],
    );
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("error[E0605]: no `evaluate` entry point named `Semester`"),
        "{}",
        run.stderr
    );
}

/// W1 row 944 takes the most branches of the population (division II in
/// transition, reserve days): its tree is the reviewed snapshot, and its
/// outputs are the oracle's (`examples/w1_population.expected.csv`).
#[test]
fn a_w1_row_with_reserve_days() {
    let root = common::workspace();
    let run = avtal(
        &root,
        &[
            "explain",
            "examples/w1_payroll_month.avtal",
            "--input",
            "examples/w1_population.csv",
            "--row",
            "944",
        ],
    );
    run.expect_code(0);
    let expected =
        std::fs::read_to_string(root.join("examples/w1_population.expected.csv")).unwrap();
    let oracle = expected.lines().find(|l| l.starts_with("944,")).unwrap();
    let cells: Vec<&str> = oracle.split(',').collect();
    for (field, cell) in [
        ("flex_premium", cells[2]),
        ("tsn_fee", cells[3]),
        ("reserve_topup", cells[4]),
    ] {
        assert!(
            run.stdout.contains(&format!("  {field} = {cell} SEK\n")),
            "{field} {cell}\n{}",
            run.stdout
        );
    }
    insta::assert_snapshot!(run.stdout);
}

/// Run `avtal explain` on row `row` of W2's population and check every
/// output against the reference (`examples/w2_time_reports.expected.csv`).
fn w2_row(row: usize, format: &str) -> String {
    let root = common::workspace();
    let row_text = row.to_string();
    let run = avtal(
        &root,
        &[
            "explain",
            "examples/w2_time_report.avtal",
            "--input",
            "examples/w2_time_reports.jsonl",
            "--row",
            &row_text,
            "--format",
            format,
        ],
    );
    run.expect_code(0);
    assert_eq!(run.stderr, "");
    if format == "text" {
        let expected =
            std::fs::read_to_string(root.join("examples/w2_time_reports.expected.csv")).unwrap();
        let mut lines = expected.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let reference: Vec<&str> = lines
            .find(|l| l.starts_with(&format!("{row},")))
            .unwrap()
            .split(',')
            .collect();
        for (field, cell) in header.iter().zip(&reference).skip(1) {
            assert!(
                run.stdout.contains(&format!("\n  {field} = {cell}")),
                "{field} {cell}\n{}",
                run.stdout
            );
        }
    }
    run.stdout
}

/// W2 row 19 works a weekend: Friday 21:28 to Saturday 07:03, and Sunday
/// 15:08 to Monday 14:23, whose weekend minutes end at 07:00; and a Monday
/// night split between the evening and the night.
#[test]
fn a_w2_row_with_shifts_over_a_weekend() {
    insta::assert_snapshot!(w2_row(19, "text"));
}

/// W2 row 158 has a night shift over 2027-04-01 00:00, when the OB
/// amounts rise: its two days are paid 60.00 and 62.00 SEK/h.
#[test]
fn a_w2_row_with_a_shift_over_2027_04_01() {
    let text = w2_row(158, "text");
    assert!(text.contains("2027-03-31 22:51–24:00: kvalificerad 1 h 9 min × 60.00 SEK/h"));
    assert!(text.contains("2027-04-01 00:00–04:06: kvalificerad 4 h 6 min × 62.00 SEK/h"));
    insta::assert_snapshot!(text);
}

/// A month of 40 shifts stays a page of text, while the JSON keeps a
/// step for every call: per ordinary shift three `hours_in` and three
/// `hours_on` a day, per overtime shift one `hours_in`.
#[test]
fn forty_shifts_fold_in_the_text_and_not_in_the_json() {
    let root = common::workspace();
    let population = std::fs::read_to_string(root.join("examples/w2_time_reports.jsonl")).unwrap();
    let record: serde_json::Value =
        serde_json::from_str(population.lines().nth(167).unwrap()).unwrap();
    let shifts = record["shifts"].as_array().unwrap();
    assert_eq!(shifts.len(), 40);
    let minute = |s: &serde_json::Value| s.as_str().unwrap().to_string();
    let mut expected = 0;
    for shift in shifts {
        let (start, end) = (minute(&shift["start"]), minute(&shift["end"]));
        match shift["kind"].as_str().unwrap() {
            "ordinary" => {
                // Days of [start, end): the end's date unless it is 00:00.
                let days = if end[..10] == start[..10] || end.ends_with("T00:00") {
                    1
                } else {
                    2
                };
                expected += 3 + 3 * days;
            }
            "overtime" => expected += 1,
            _ => {}
        }
    }
    let text = w2_row(168, "text");
    assert!(text.lines().count() < 200, "{text}");
    let json: serde_json::Value = serde_json::from_str(&w2_row(168, "json")).unwrap();
    let classified = json["tree"]["children"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "classify")
        .count();
    assert_eq!(classified, expected);
}
