//! `avtal test --cases FILE --entry NAME`: a reviewer's case file of inputs
//! and `expected.FIELD` columns checked against an entry point.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{AGREEMENT, avtal, scratch, workspace, write};

const HEADER: &str = "id,lön,avdelning,dagar,start,expected.per_dag,expected.slut,expected.hel";

fn last_line(text: &str) -> &str {
    text.lines().last().unwrap_or("")
}

#[test]
fn a_passing_file() {
    let dir = scratch("cases_pass");
    write(&dir, "lön.avtal", AGREEMENT);
    write(
        &dir,
        "cases.csv",
        &format!(
            "{HEADER}\n\
             1,3000,I,3,2026-01-31,1000,2026-02-28,false\n\
             2,3000.00,II,30,2026-01-01,100.00,,true\n\
             3,100,I,3,2026-03-01,,,\n"
        ),
    );
    let run = avtal(
        &dir,
        &[
            "test",
            "--cases",
            "cases.csv",
            "--entry",
            "Lön",
            "lön.avtal",
        ],
    );
    run.expect_code(0);
    assert_eq!(run.stdout, "test result: 3 passed, 0 failed\n");
}

#[test]
fn a_passing_jsonl_file() {
    let dir = scratch("cases_pass_jsonl");
    write(&dir, "lön.avtal", AGREEMENT);
    write(
        &dir,
        "cases.jsonl",
        "{\"id\": 1, \"lön\": \"3000\", \"avdelning\": \"I\", \"dagar\": 3, \"start\": \"2026-01-31\", \"expected.per_dag\": 1000, \"expected.hel\": null}\n",
    );
    let run = avtal(&dir, &["test", "--cases", "cases.jsonl", "lön.avtal"]);
    run.expect_code(0);
    assert_eq!(run.stdout, "test result: 1 passed, 0 failed\n");
}

#[test]
fn a_failing_value() {
    let dir = scratch("cases_fail");
    write(&dir, "lön.avtal", AGREEMENT);
    write(
        &dir,
        "cases.csv",
        &format!(
            "{HEADER}\n\
             1,3000,I,3,2026-01-31,1000,2026-02-28,false\n\
             2,3000,II,30,2026-01-01,99.99,,true\n"
        ),
    );
    let run = avtal(
        &dir,
        &[
            "test",
            "--cases",
            "cases.csv",
            "--entry",
            "Lön",
            "lön.avtal",
        ],
    );
    run.expect_code(1);
    assert!(
        run.stdout
            .contains("case 2 (line 3): per_dag expected 99.99, actual 100.00\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  input: id=2, lön=3000, avdelning=II, dagar=30, start=2026-01-01\n"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("case 1 "), "{}", run.stdout);
    assert_eq!(last_line(&run.stdout), "test result: 1 passed, 1 failed");
}

#[test]
fn a_bad_input_cell_and_a_failed_evaluation_are_failed_cases() {
    let dir = scratch("cases_bad_input");
    write(&dir, "lön.avtal", AGREEMENT);
    write(
        &dir,
        "cases.csv",
        &format!(
            "{HEADER}\n\
             1,tre tusen,I,3,2026-01-31,1000,,\n\
             2,3000,I,0,2026-01-31,1000,,\n\
             3,3000,I,3,2026-01-31,1000,,\n"
        ),
    );
    let run = avtal(
        &dir,
        &[
            "test",
            "--cases",
            "cases.csv",
            "--entry",
            "Lön",
            "lön.avtal",
        ],
    );
    run.expect_code(1);
    assert!(
        run.stdout.contains("case 1 (line 2): lön: "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("case 2 (line 3): evaluation failed: "),
        "{}",
        run.stdout
    );
    assert_eq!(last_line(&run.stdout), "test result: 1 passed, 2 failed");
}

#[test]
fn an_unknown_expected_column() {
    let dir = scratch("cases_unknown");
    write(&dir, "lön.avtal", AGREEMENT);
    write(
        &dir,
        "cases.csv",
        "id,lön,avdelning,dagar,start,expected.per_månad\n1,3000,I,3,2026-01-31,1\n",
    );
    let run = avtal(
        &dir,
        &[
            "test",
            "--cases",
            "cases.csv",
            "--entry",
            "Lön",
            "lön.avtal",
        ],
    );
    run.expect_code(1);
    assert!(run.stderr.contains("expected.per_månad"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`id`, `per_dag`, `avdelning`, `slut`, `hel`"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_reviewer_example_passes() {
    let root = workspace();
    let run = avtal(
        &root,
        &[
            "test",
            "--cases",
            "examples/w1_review_cases.csv",
            "--entry",
            "W1",
            "examples/w1_payroll_month.avtal",
        ],
    );
    run.expect_code(0);
    assert_eq!(run.stdout, "test result: 10 passed, 0 failed\n");
}

/// Two outputs from two rules, one through a `let`: a failing case shows
/// only the steps of its first differing field.
const TWO_OUTPUTS: &str = r#"module prov.utfall

param procent: Percent
  source "Prov 1 §"
{
  from 2026-01-01 = 1.5 %
}

record In { lön: Money, dag: Date }
record Ut { avgift: Money, dubbel: Money }

rule avgift(i: In) -> Money
  source "Prov 2 §"
= round(i.lön * procent at i.dag, 0.01 SEK)

rule dubbel(lön: Money) -> Money = lön * 2

evaluate E(i: In) -> Ut
{
  let a = avgift(i)
  Ut { avgift: a, dubbel: dubbel(i.lön) }
}
"#;

#[test]
fn a_failing_case_shows_how_its_first_differing_field_was_computed() {
    let dir = scratch("cases_explained");
    write(&dir, "utfall.avtal", TWO_OUTPUTS);
    // 20000 * 1.5 % = 300.00 and 20000 * 2 = 40000.00: both fields differ,
    // the first (avgift) is explained.
    write(
        &dir,
        "cases.csv",
        "lön,dag,expected.avgift,expected.dubbel\n20000,2026-03-01,299.00,1\n",
    );
    let run = avtal(&dir, &["test", "--cases", "cases.csv", "utfall.avtal"]);
    run.expect_code(1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn a_failed_evaluation_shows_the_tree_up_to_the_error() {
    let dir = scratch("cases_explained_error");
    write(&dir, "lön.avtal", AGREEMENT);
    write(
        &dir,
        "cases.csv",
        &format!("{HEADER}\n2,3000,I,0,2026-01-31,1000,,\n"),
    );
    let run = avtal(
        &dir,
        &[
            "test",
            "--cases",
            "cases.csv",
            "--entry",
            "Lön",
            "lön.avtal",
        ],
    );
    run.expect_code(1);
    assert!(
        run.stdout.contains(
            "  how far the evaluation got:\n  evaluate Lön(r) failed inside  [lön.avtal:24:10]\n  \
             └─ rule per_dag(r = (the input)) failed  [lön.avtal:27:14]\n        \
             error[E0502]: division by zero [lön.avtal:22:39]\n"
        ),
        "{}",
        run.stdout
    );
}
