//! Explanations of a small agreement that uses every kind of step: a param
//! with two periods, a table, a condition with reasons, an `if`, a `match`
//! and a division that fails on a zero input.

use std::sync::Arc;

use super::*;
use crate::eval::Number;
use crate::{Sources, compile};

const AGREEMENT: &str = r#"module prov.förklaring

enum Form { heltid, deltid, timavlönad }

/// Tillägg per månad.
param tillägg: Money
  source "Prov 1 §"
{
  from 2026-01-01 = 500 SEK
  from 2026-07-01 = 600 SEK
}

record Anställd {
  lön: Money
  år: Int
  form: Form
  dagar: Int
  period: Date
}

record Utfall {
  uppsägning: Int
  behörig: Bool
  påslag: Money
  dagbelopp: Money
}

table uppsägning(form: Form, år: Int) -> Int
  source "Prov 2 §"
{
  | timavlönad | _     => 1
  | _          | >= 10 => 6
  | _          | _     => 3
}

condition behörig(a: Anställd)
  source "Prov 3 §"
{
  requires a.år >= 1 because "minst ett års anställning"
  requires a.lön > 20000 SEK because "lön över 20 000 kr"
}

rule påslag(a: Anställd) -> Money
  source "Prov 4 §"
= if a.lön > 30000 SEK {
    tillägg at a.period
  } else {
    match a.form {
      heltid => tillägg at a.period * 2
      _ => 0 SEK
    }
  }

evaluate Förklara(a: Anställd) -> Utfall
  source "Prov 5 §"
{
  let b = behörig(a)
  Utfall {
    uppsägning: uppsägning(a.form, a.år)
    behörig: b.ok
    påslag: påslag(a)
    dagbelopp: round(a.lön / a.dagar, 0.01 SEK)
  }
}
"#;

fn program() -> Program {
    let mut sources = Sources::new();
    sources.add("prov.avtal", AGREEMENT);
    let compilation = compile(&sources);
    assert!(!compilation.has_errors(), "{:#?}", compilation.diagnostics);
    compilation.program
}

fn entry(program: &Program) -> FuncId {
    program.entry_points().next().unwrap().0
}

fn money(text: &str) -> Value {
    Value::Number(Number::from_decimal(text.parse().unwrap()))
}

/// An `Anställd` with the given salary, years, form (variant index), days
/// and period.
fn employee(lön: &str, år: i64, form: u32, dagar: i64, period: &str) -> Value {
    Value::Record(Arc::from(vec![
        money(lön),
        Value::Number(Number::from_decimal(år.into())),
        Value::Variant(form),
        Value::Number(Number::from_decimal(dagar.into())),
        Value::Date(period.parse().unwrap()),
    ]))
}

#[test]
fn a_successful_evaluation_as_text() {
    let program = program();
    let explanation = explain(
        &program,
        entry(&program),
        &employee("25000", 4, 0, 20, "2026-08-01"),
    );
    insta::assert_snapshot!(explanation.render_text());
}

#[test]
fn a_successful_evaluation_as_json() {
    let program = program();
    let explanation = explain(
        &program,
        entry(&program),
        &employee("25000", 4, 0, 20, "2026-08-01"),
    );
    let json = explanation.to_json();
    assert_eq!(json["schema"], "avtal.explain/1");
    insta::assert_snapshot!(serde_json::to_string_pretty(&json).unwrap());
}

#[test]
fn the_result_is_the_interpreters() {
    let program = program();
    let record = employee("31000", 12, 1, 30, "2026-03-01");
    let explanation = explain(&program, entry(&program), &record);
    let direct = crate::eval::Interpreter::new(&program).call(entry(&program), &[record]);
    assert_eq!(explanation.result, direct);
    // 31000 / 30 = 1033.333… → 1033.33; above 30000 SEK the param alone,
    // in force from 2026-01-01 on 2026-03-01.
    let output: Vec<(&str, &str)> = explanation
        .output
        .iter()
        .map(|f| (f.name.as_str(), f.value.as_str()))
        .collect();
    assert_eq!(
        output,
        [
            ("uppsägning", "6"),
            ("behörig", "true"),
            ("påslag", "500.00 SEK"),
            ("dagbelopp", "1033.33 SEK"),
        ]
    );
}

/// Every step of a kind, depth first.
fn steps<'a>(node: &'a Node, out: &mut Vec<&'a Step>) {
    out.push(&node.step);
    for child in &node.children {
        steps(child, out);
    }
}

/// A row's number, whether it matched, and its failed cell (number,
/// input value, test).
type RowSeen = (usize, bool, Option<(usize, String, String)>);

#[test]
fn table_rows_say_which_cell_failed() {
    let program = program();
    // deltid, 4 years: row 1 fails on the form, row 2 on the years.
    let explanation = explain(
        &program,
        entry(&program),
        &employee("25000", 4, 1, 20, "2026-03-01"),
    );
    let mut all = Vec::new();
    steps(explanation.tree.as_ref().unwrap(), &mut all);
    let rows: Vec<RowSeen> = all
        .iter()
        .filter_map(|step| match step {
            Step::Row {
                row,
                matched,
                failed_cell,
                ..
            } => Some((
                *row,
                *matched,
                failed_cell
                    .as_ref()
                    .map(|c| (c.cell, c.value.clone(), c.test.clone())),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        rows,
        [
            (1, false, Some((1, "deltid".into(), "timavlönad".into()))),
            (2, false, Some((2, "4".into(), ">= 10".into()))),
            (3, true, None),
        ]
    );
}

#[test]
fn params_show_the_lookup_date_and_the_period_in_force() {
    let program = program();
    // heltid under 30000 SEK: `tillägg at period * 2` in the match arm.
    for (period, from, value) in [
        ("2026-06-30", "2026-01-01", "500.00 SEK"),
        ("2026-07-01", "2026-07-01", "600.00 SEK"),
    ] {
        let explanation = explain(
            &program,
            entry(&program),
            &employee("25000", 4, 0, 20, period),
        );
        let mut all = Vec::new();
        steps(explanation.tree.as_ref().unwrap(), &mut all);
        let params: Vec<&Step> = all
            .into_iter()
            .filter(|s| matches!(s, Step::Param { .. }))
            .collect();
        assert_eq!(
            params,
            [&Step::Param {
                name: "tillägg".into(),
                source: Some("Prov 1 §".into()),
                at: period.into(),
                from: Some(from.into()),
                value: Some(value.into()),
            }]
        );
    }
}

#[test]
fn failed_requirements_give_their_reasons() {
    let program = program();
    let explanation = explain(
        &program,
        entry(&program),
        &employee("18000", 0, 0, 20, "2026-03-01"),
    );
    let mut all = Vec::new();
    steps(explanation.tree.as_ref().unwrap(), &mut all);
    let failed: Vec<&str> = all
        .iter()
        .filter_map(|step| match step {
            Step::Requirement {
                reason,
                passed: false,
                ..
            } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(failed, ["minst ett års anställning", "lön över 20 000 kr"]);
}

#[test]
fn an_error_keeps_the_tree_up_to_the_failure() {
    let program = program();
    let explanation = explain(
        &program,
        entry(&program),
        &employee("25000", 4, 0, 0, "2026-03-01"),
    );
    let error = explanation.result.as_ref().unwrap_err();
    assert_eq!(error.code().to_string(), "E0502");
    assert_eq!(explanation.output, []);
    insta::assert_snapshot!(explanation.render_text());
}

#[test]
fn a_param_looked_up_before_its_first_date() {
    let program = program();
    let explanation = explain(
        &program,
        entry(&program),
        &employee("25000", 4, 0, 20, "2025-12-31"),
    );
    assert_eq!(explanation.error.as_ref().unwrap().code, "E0503");
    let root = explanation.tree.as_ref().unwrap();
    // The entry failed inside `påslag`, which failed itself at the param.
    assert!(matches!(
        &root.step,
        Step::Call {
            outcome: Outcome::Aborted,
            ..
        }
    ));
    let påslag = root
        .children
        .iter()
        .find(|n| matches!(&n.step, Step::Call { name, .. } if name == "påslag"))
        .unwrap();
    assert!(matches!(
        &påslag.step,
        Step::Call {
            outcome: Outcome::Error { .. },
            ..
        }
    ));
    assert!(påslag.children.iter().any(|n| matches!(
        &n.step,
        Step::Param {
            from: None,
            value: None,
            ..
        }
    )));
}

#[test]
fn focusing_keeps_what_one_output_depends_on() {
    let program = program();
    let explanation = explain(
        &program,
        entry(&program),
        &employee("25000", 4, 1, 20, "2026-03-01"),
    );
    let names = |e: &Explanation| -> Vec<String> {
        e.tree
            .as_ref()
            .unwrap()
            .children
            .iter()
            .map(|n| match &n.step {
                Step::Call { name, .. } => name.clone(),
                other => format!("{other:?}"),
            })
            .collect()
    };
    assert_eq!(names(&explanation), ["behörig", "uppsägning", "påslag"]);
    // `behörig: b.ok` reads the `let b`, so the condition's call is kept.
    assert_eq!(names(&explanation.focus_on_output("behörig")), ["behörig"]);
    assert_eq!(names(&explanation.focus_on_output("påslag")), ["påslag"]);
    assert_eq!(
        names(&explanation.focus_on_output("no such field")),
        names(&explanation)
    );
}

#[test]
fn an_unknown_entry_is_an_error_not_a_panic() {
    let program = program();
    let explanation = explain(
        &program,
        FuncId(9999),
        &employee("25000", 4, 1, 20, "2026-03-01"),
    );
    assert!(explanation.result.is_err());
    assert!(explanation.tree.is_none());
    assert!(explanation.render_text().contains("error["));
}

#[test]
fn a_requirement_over_several_lines_is_quoted_on_one() {
    let mut sources = Sources::new();
    sources.add(
        "villkor.avtal",
        "record In { a: Int, b: Int }\n\
         record Ut { ok: Bool }\n\
         condition båda(i: In)\n\
         {\n  requires i.a > 0\n           and i.b > 0\n    because \"båda positiva\"\n}\n\
         evaluate E(i: In) -> Ut = Ut { ok: båda(i).ok }\n",
    );
    let compilation = compile(&sources);
    assert!(!compilation.has_errors(), "{:#?}", compilation.diagnostics);
    let program = compilation.program;
    let record = Value::Record(Arc::from(vec![
        Value::Number(Number::from_decimal(1.into())),
        Value::Number(Number::from_decimal(0.into())),
    ]));
    let explanation = explain(&program, entry(&program), &record);
    let mut all = Vec::new();
    steps(explanation.tree.as_ref().unwrap(), &mut all);
    let requirement = all
        .into_iter()
        .find(|s| matches!(s, Step::Requirement { .. }))
        .unwrap();
    assert_eq!(
        requirement,
        &Step::Requirement {
            requirement: 1,
            name: None,
            test: "i.a > 0 and i.b > 0".into(),
            reason: "båda positiva".into(),
            passed: false,
        }
    );
}
