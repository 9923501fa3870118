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
  requires år >= 1 because "minst ett år"
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
                ("requires år >= 1: held", false),
                ("requires år >= 1: failed, \"minst ett år\"", true),
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
