//! `avtal test --coverage`: what the examples of the given files reach, as
//! text after the test report or alone as JSON.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{avtal, scratch, write};

/// Two examples: the first takes the `then` branch and the first period,
/// the second takes no branch at all (it calls `dubbelt` only).
const AGREEMENT: &str = r#"module prov.täckning

param tillägg: Money
{
  from 2026-01-01 = 500 SEK
  from 2026-07-01 = 600 SEK
}

rule påslag(lön: Money, dag: Date) -> Money
= if lön > 30000 SEK { tillägg at dag } else { 0 SEK }

rule dubbelt(x: Int) -> Int = 2 * x

example "högre lön" {
  påslag(40000 SEK, 2026-03-01) == 500 SEK
}

example "dubbelt" {
  dubbelt(2) == 4
}
"#;

#[test]
fn text_after_the_test_report() {
    let dir = scratch("coverage_text");
    write(&dir, "täckning.avtal", AGREEMENT);
    let run = avtal(&dir, &["test", "--coverage", "täckning.avtal"]);
    run.expect_code(0);
    // Points: 2 periods, påslag called/then/else, dubbelt called = 6;
    // reached: the first period, påslag called and then, dubbelt called.
    assert!(
        run.stdout
            .contains("coverage: 4 of 6 points reached (66.6 %)\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "not reached by any example:\n  \
             täckning.avtal:6:3  param tillägg: from 2026-07-01 = 600.00 SEK\n  \
             täckning.avtal:10:48  rule påslag: if lön > 30000 SEK → else\n"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with("test result: 2 passed, 0 failed\n"));
}

#[test]
fn json_alone_on_stdout() {
    let dir = scratch("coverage_json");
    write(&dir, "täckning.avtal", AGREEMENT);
    let run = avtal(
        &dir,
        &["test", "--coverage", "--format", "json", "täckning.avtal"],
    );
    run.expect_code(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["schema"], "avtal.coverage/1");
    assert_eq!(json["examples"], 2);
    assert_eq!(
        (json["reached"].as_u64(), json["total"].as_u64()),
        (Some(4), Some(6))
    );
    let names: Vec<&str> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["tillägg", "påslag", "dubbelt"]);
}

#[test]
fn the_filter_limits_the_examples_that_count() {
    let dir = scratch("coverage_filter");
    write(&dir, "täckning.avtal", AGREEMENT);
    let run = avtal(
        &dir,
        &[
            "test",
            "--coverage",
            "--filter",
            "dubbelt",
            "täckning.avtal",
        ],
    );
    run.expect_code(0);
    assert!(
        run.stdout
            .contains("coverage: 1 of 6 points reached (16.6 %)\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn format_needs_coverage() {
    let dir = scratch("coverage_format_alone");
    write(&dir, "täckning.avtal", AGREEMENT);
    let run = avtal(&dir, &["test", "--format", "json", "täckning.avtal"]);
    run.expect_code(1);
    assert!(run.stderr.contains("--coverage"), "{}", run.stderr);
}
