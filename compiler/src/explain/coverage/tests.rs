//! Coverage of a small agreement whose reached points are known by hand:
//! one example with four assertions.

use super::*;
use crate::{Sources, compile};

const AGREEMENT: &str = r#"module prov.täckning

enum Form { heltid, deltid, timavlönad }

param tillägg: Money
{
  from 2026-01-01 = 500 SEK
  from 2026-07-01 = 600 SEK
}

table uppsägning(år: Int) -> Int
{
  | >= 10 => 6
  | _     => 3
}

condition behörig(år: Int)
{
  requires anställningstid: år >= 1 because "minst ett år"
}

rule påslag(lön: Money, form: Form, dag: Date) -> Money
= if lön > 30000 SEK {
    tillägg at dag
  } else {
    match form {
      heltid => 100 SEK
      deltid => 50 SEK
      _ => 0 SEK
    }
  }

rule oanvänd(x: Int) -> Int = x + 1

example "ett" {
  påslag(40000 SEK, heltid, 2026-03-01) == 500 SEK
  påslag(20000 SEK, deltid, 2026-03-01) == 50 SEK
  uppsägning(12) == 6
  behörig(0).ok == false
}
"#;

fn run() -> Coverage {
    let mut sources = Sources::new();
    let file = sources.add("täckning.avtal", AGREEMENT);
    let compilation = compile(&sources);
    assert!(!compilation.has_errors(), "{:#?}", compilation.diagnostics);
    let examples: Vec<usize> = (0..compilation.program.examples.len()).collect();
    coverage(&compilation.program, &[file], &examples)
}

#[test]
fn each_point_is_marked_as_the_example_reaches_it() {
    let coverage = run();
    let seen: Vec<(String, Vec<(String, bool)>)> = coverage
        .items
        .iter()
        .map(|item| {
            (
                format!("{} {}", item.kind, item.name),
                item.points
                    .iter()
                    .map(|t| (t.label.clone(), t.reached))
                    .collect(),
            )
        })
        .collect();
    let expected: Vec<(&str, Vec<(&str, bool)>)> = vec![
        (
            "param tillägg",
            vec![
                ("from 2026-01-01 = 500.00 SEK", true),
                ("from 2026-07-01 = 600.00 SEK", false),
            ],
        ),
        (
            "table uppsägning",
            vec![
                ("called", true),
                ("row 1: | >= 10 => 6", true),
                ("row 2: | _     => 3", false),
            ],
        ),
        (
            "condition behörig",
            vec![
                ("called", true),
                // A named requirement is shown by its name and its test.
                ("requires anställningstid (år >= 1): held", false),
                (
                    "requires anställningstid (år >= 1): failed, \"minst ett år\"",
                    true,
                ),
            ],
        ),
        (
            "rule påslag",
            vec![
                ("called", true),
                ("if lön > 30000 SEK → then", true),
                ("if lön > 30000 SEK → else", true),
                ("match form → heltid", false),
                ("match form → deltid", true),
                ("match form → _", false),
            ],
        ),
        ("rule oanvänd", vec![("called", false)]),
    ];
    let expected: Vec<(String, Vec<(String, bool)>)> = expected
        .into_iter()
        .map(|(name, points)| {
            (
                name.to_string(),
                points
                    .into_iter()
                    .map(|(l, r)| (l.to_string(), r))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(seen, expected);
    assert_eq!(coverage.examples, 1);
    // 9 of the 15 points above are reached.
    assert_eq!(coverage.totals(), (9, 15));
}

#[test]
fn text_lists_what_is_not_reached_with_places() {
    insta::assert_snapshot!(run().render_text());
}

#[test]
fn json_has_the_schema_and_the_totals() {
    let json = run().to_json();
    assert_eq!(json["schema"], "avtal.coverage/1");
    assert_eq!(json["reached"], 9);
    assert_eq!(json["total"], 15);
    assert_eq!(json["percent"], "60.0");
    assert_eq!(
        json["items"][0]["points"][1]["location"],
        "täckning.avtal:8:3"
    );
}

#[test]
fn percentages_round_down_in_tenths() {
    assert_eq!(render::percent(9, 15), "60.0");
    assert_eq!(render::percent(2, 3), "66.6");
    assert_eq!(render::percent(0, 0), "100.0");
    assert_eq!(render::percent(0, 7), "0.0");
}

/// Classes and spans: one span no example reaches (Christmas), one class
/// whose only measured minute is outranked (Friday evening is `helg`).
const WINDOWS: &str = r#"module prov.fönster

rule fredag(d: Date) -> Bool = weekday(d) == 5
rule måndag(d: Date) -> Bool = weekday(d) == 1
rule juldag(d: Date) -> Bool = month(d) == 12 and day(d) == 25

classes ob ranked {
  helg {
    from 19:00 on fredag to 07:00 on next måndag
    all day on juldag
  }
  natt {
    from 22:00 on every day to 06:00
  }
  kväll {
    from 19:00 on every day to 22:00
  }
}

example "natt och helg" {
  hours_in(2026-06-04T23:00, 2026-06-05T02:00, ob.natt) == 3 h
  in_class(2026-06-06T12:00, ob.helg)
  not in_class(2026-06-05T20:00, ob.kväll)
}
"#;

fn run_windows() -> Coverage {
    let mut sources = Sources::new();
    let file = sources.add("fönster.avtal", WINDOWS);
    let compilation = compile(&sources);
    assert!(!compilation.has_errors(), "{:#?}", compilation.diagnostics);
    coverage(&compilation.program, &[file], &[0])
}

#[test]
fn classes_and_spans_count_when_they_hold_a_measured_minute() {
    let coverage = run_windows();
    let item = coverage
        .items
        .iter()
        .find(|item| item.kind == "classes")
        .unwrap();
    assert_eq!(
        (item.name.as_str(), item.location.as_str()),
        ("ob", "fönster.avtal:7:9")
    );
    let points: Vec<(&str, &str, &str, bool)> = item
        .points
        .iter()
        .map(|t| (t.kind, t.label.as_str(), t.location.as_str(), t.reached))
        .collect();
    assert_eq!(
        points,
        [
            ("class", "class helg", "fönster.avtal:8:3", true),
            (
                "span",
                "helg: from 19:00 on fredag to 07:00 on next måndag",
                "fönster.avtal:9:5",
                true
            ),
            (
                "span",
                "helg: all day on juldag",
                "fönster.avtal:10:5",
                false
            ),
            ("class", "class natt", "fönster.avtal:12:3", true),
            (
                "span",
                "natt: from 22:00 on every day to 06:00",
                "fönster.avtal:13:5",
                true
            ),
            // Asked about, but its one minute was `helg`'s.
            ("class", "class kväll", "fönster.avtal:15:3", false),
            (
                "span",
                "kväll: from 19:00 on every day to 22:00",
                "fönster.avtal:16:5",
                false
            ),
        ]
    );
    // The day rules were called by the classification, not by name.
    for item in coverage.items.iter().filter(|item| item.kind == "rule") {
        assert!(item.points.iter().all(|t| t.reached), "{}", item.name);
    }
    let json = coverage.to_json();
    let classes = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["kind"] == "classes")
        .unwrap();
    assert_eq!(classes["points"][2]["kind"], "span");
    assert_eq!(classes["points"][2]["reached"], false);
    assert_eq!(classes["points"][2]["location"], "fönster.avtal:10:5");
    let text = coverage.render_text();
    assert!(
        text.contains("  fönster.avtal:10:5  classes ob: helg: all day on juldag\n"),
        "{text}"
    );
}
