//! Explanations of classifications: a small OB agreement whose classes
//! have a class filled by two spans, an amount that changes in the middle
//! of a shift, a loop of `hours_in`, a loop of `hours_on` by day, a lone
//! `hours_in` and an `in_class`.

use std::sync::Arc;

use super::*;
use crate::clock;
use crate::eval::Number;
use crate::{Sources, compile};

const AGREEMENT: &str = r#"module prov.ob

rule fredag(d: Date) -> Bool = weekday(d) == 5
rule måndag(d: Date) -> Bool = weekday(d) == 1

/// Obekväm arbetstid.
classes ob ranked source "Prov 7 §" {
  kvalificerad {
    from 19:00 on fredag to 07:00 on next måndag
    from 22:00 on every day to 06:00
  }
  enkel {
    from 19:00 on every day to 22:00
  }
}

param ob_kvalificerad: Rate source "Prov 8 §" {
  from 2026-01-01 = 60.00 SEK/h
  from 2026-06-12 = 65.00 SEK/h
}

record Pass {
  start: Timestamp
  end: Timestamp
}

record Månad {
  id: Int
  jour_start: Timestamp
  jour_slut: Timestamp
  pass: List<Pass>
}

record Ut {
  id: Int
  enkel: Hours
  jour: Hours
  helg_vid_start: Bool
  kvalificerad_ob: Money
}

evaluate OB(m: Månad) -> Ut {
  let enkel = sum([hours_in(p.start, p.end, ob.enkel) for p in m.pass])
  let pengar = sum([
    sum([ob_kvalificerad at d * hours_on(d, p.start, p.end, ob.kvalificerad)
         for d in days_of(p.start, p.end)])
    for p in m.pass
  ])
  Ut {
    id: m.id
    enkel: round(enkel, 0.01 h)
    jour: round(hours_in(m.jour_start, m.jour_slut, ob.kvalificerad), 0.01 h)
    helg_vid_start: in_class(m.jour_start, ob.kvalificerad)
    kvalificerad_ob: round(pengar, 0.01 SEK)
  }
}
"#;

fn program() -> Program {
    let mut sources = Sources::new();
    sources.add("ob.avtal", AGREEMENT);
    let compilation = compile(&sources);
    assert!(!compilation.has_errors(), "{:#?}", compilation.diagnostics);
    compilation.program
}

fn stamp(text: &str) -> Value {
    Value::Timestamp(clock::parse_timestamp(text).unwrap())
}

fn shift(start: &str, end: &str) -> Value {
    Value::Record(Arc::from(vec![stamp(start), stamp(end)]))
}

/// Thursday 2026-06-04 18:30 to Friday 01:15 (the night); Thursday
/// 2026-06-11 23:00 to Friday 21:00 (the night, the day, the weekend's
/// start, and the amount raised on 2026-06-12); a Sunday on call.
fn month() -> Value {
    Value::Record(Arc::from(vec![
        Value::Number(Number::from_i64(1)),
        stamp("2026-06-14T05:00"),
        stamp("2026-06-14T09:00"),
        Value::List(Arc::from(vec![
            shift("2026-06-04T18:30", "2026-06-05T01:15"),
            shift("2026-06-11T23:00", "2026-06-12T21:00"),
        ])),
    ]))
}

fn explanation() -> Explanation {
    let program = program();
    let entry = program.entry_points().next().unwrap().0;
    explain(&program, entry, &month())
}

fn classifications(node: &Node, out: &mut Vec<Classified>) {
    if let Step::Classify(classified) = &node.step {
        out.push((**classified).clone());
    }
    for child in &node.children {
        classifications(child, out);
    }
}

#[test]
fn the_text_shows_each_interval_with_its_classes_and_amounts() {
    let explanation = explanation();
    assert!(explanation.result.is_ok(), "{:?}", explanation.result);
    insta::assert_snapshot!(explanation.render_text());
}

#[test]
fn each_call_is_a_classify_node_with_its_pieces() {
    let explanation = explanation();
    let mut steps = Vec::new();
    classifications(explanation.tree.as_ref().unwrap(), &mut steps);
    // `hours_in` of `enkel` per shift, `hours_on` per day of each shift
    // (two days each), the on-call `hours_in` and `in_class`.
    let builtins: Vec<&str> = steps.iter().map(|s| s.builtin).collect();
    assert_eq!(
        builtins,
        [
            "hours_in", "hours_in", "hours_on", "hours_on", "hours_on", "hours_on", "hours_in",
            "in_class"
        ]
    );
    let first = steps.first().unwrap();
    assert_eq!(
        (first.start.as_str(), first.end.as_str()),
        ("2026-06-04T18:30", "2026-06-05T01:15")
    );
    assert_eq!(first.value, "3 h");
    let minutes: Vec<(Option<&str>, i64)> = first
        .by_class
        .iter()
        .map(|c| (c.class.as_deref(), c.minutes))
        .collect();
    assert_eq!(
        minutes,
        [
            (None, 30),
            (Some("enkel"), 180),
            (Some("kvalificerad"), 195)
        ]
    );
    let spans: Vec<usize> = first.pieces.iter().filter_map(|p| p.span).collect();
    assert_eq!(spans, [1, 2]);
}

#[test]
fn the_amount_multiplied_by_the_hours_is_on_the_call() {
    let explanation = explanation();
    let mut steps = Vec::new();
    classifications(explanation.tree.as_ref().unwrap(), &mut steps);
    let amounts: Vec<(String, String, String)> = steps
        .iter()
        .filter_map(|s| {
            let (day, amount) = (s.day.as_ref()?, s.amount.as_ref()?);
            Some((
                day.clone(),
                s.minutes.to_string(),
                amount.value.clone().unwrap_or_default(),
            ))
        })
        .collect();
    let expected = [
        ("2026-06-04", "120", "60.00 SEK/h"),
        ("2026-06-05", "75", "60.00 SEK/h"),
        ("2026-06-11", "60", "60.00 SEK/h"),
        ("2026-06-12", "480", "65.00 SEK/h"),
    ];
    assert_eq!(
        amounts,
        expected.map(|(d, m, a)| (d.to_string(), m.to_string(), a.to_string()))
    );
    // (120 + 75 + 60) min at 60 SEK/h = 255.00; 480 min at 65 = 520.00.
    let output = explanation
        .output
        .iter()
        .find(|f| f.name == "kvalificerad_ob")
        .unwrap();
    assert_eq!(output.value, "775.00 SEK");
}

#[test]
fn the_json_keeps_every_classification() {
    let explanation = explanation();
    let json = explanation.to_json();
    let children = json["tree"]["children"].as_array().unwrap();
    let kinds: Vec<&str> = children
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    // Every param lookup stays a step of its own beside the call.
    assert_eq!(
        kinds,
        [
            "classify", "classify", "param", "classify", "param", "classify", "param", "classify",
            "param", "classify", "classify", "classify"
        ]
    );
    insta::assert_snapshot!(serde_json::to_string_pretty(&children[3]).unwrap());
}
