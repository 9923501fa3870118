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

/// A `classes` item: its classes and spans are points, a span with the
/// place of its line. No example measures Christmas.
#[test]
fn classes_and_spans_are_points() {
    let dir = scratch("coverage_classes");
    write(
        &dir,
        "fönster.avtal",
        r#"module prov.fönster

rule fredag(d: Date) -> Bool = weekday(d) == 5
rule måndag(d: Date) -> Bool = weekday(d) == 1
rule juldag(d: Date) -> Bool = month(d) == 12 and day(d) == 25

classes ob ranked {
  helg {
    from 19:00 on fredag to 07:00 on next måndag
    all day on juldag
  }
}

example "helg" {
  hours_in(2026-06-05T18:00, 2026-06-05T20:00, ob.helg) == 1 h
}
"#,
    );
    let run = avtal(&dir, &["test", "--coverage", "fönster.avtal"]);
    run.expect_code(0);
    assert!(
        run.stdout.contains(
            "classes ob  [fönster.avtal:7:9]  2 of 3\n  \
             reached      class helg  [fönster.avtal:8:3]\n  \
             reached      helg: from 19:00 on fredag to 07:00 on next måndag  [fönster.avtal:9:5]\n  \
             NOT REACHED  helg: all day on juldag  [fönster.avtal:10:5]\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "not reached by any example:\n  \
             fönster.avtal:10:5  classes ob: helg: all day on juldag\n\n"
        ),
        "{}",
        run.stdout
    );
    // The three day rules, called by the classification, and the spans.
    assert!(
        run.stdout
            .contains("coverage: 5 of 6 points reached (83.3 %)\n"),
        "{}",
        run.stdout
    );
}

/// The OB and overtime windows of the state's time supplements, covered
/// by the module's own examples: they test every OB class, but neither
/// the eves before big and qualified holidays nor any overtime minute in
/// `övertid.kvalificerad` (the one `övertid` example asks about a minute
/// outside it).
#[test]
fn the_stdlib_windows_of_w2() {
    let root = common::workspace();
    let run = avtal(
        &root,
        &[
            "test",
            "--coverage",
            "--format",
            "json",
            "stdlib/staten/villkorsavtal/tidsersattning.avtal",
        ],
    );
    run.expect_code(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let items = json["items"].as_array().unwrap();
    let item = |kind: &str, name: &str| {
        items
            .iter()
            .find(|i| i["kind"] == kind && i["name"] == name)
            .unwrap_or_else(|| panic!("no {kind} {name}"))
    };
    let not_reached = |item: &serde_json::Value| -> Vec<String> {
        item["points"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["reached"] == false)
            .map(|p| {
                format!(
                    "{} {}",
                    p["location"].as_str().unwrap(),
                    p["label"].as_str().unwrap()
                )
            })
            .collect()
    };
    let file = "stdlib/staten/villkorsavtal/tidsersattning.avtal";
    // The module's examples reach every OB class and span.
    assert_eq!(not_reached(item("classes", "ob")), Vec::<String>::new());
    assert_eq!(
        item("classes", "ob")["points"].as_array().unwrap().len(),
        10
    );
    // Of the overtime windows only `all day on fridag` puts no minute in
    // its class: a free day is always already held by an earlier span (the
    // weekend, or the evening before a holiday or free eve to the next
    // weekday), as W2 lists its rules.
    assert_eq!(
        not_reached(item("classes", "övertid")),
        [format!("{file}:102:5 kvalificerad: all day on fridag")]
    );
    // Day rules are reached through the windows that ask them.
    for rule in [
        "skärtorsdag",
        "dagen_efter_annandag_påsk",
        "dag_före_storhelgsafton",
    ] {
        assert!(not_reached(item("rule", rule)).is_empty(), "{rule}");
    }
}
