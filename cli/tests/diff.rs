//! `avtal diff`: two versions over one population. The fixture in
//! `data/diff/` has OLD and NEW files that declare the same module names
//! (`testfall.lön` using `testfall.satser`, each with its own rates), a
//! population with changed, unchanged, gained, lost, failing and unreadable
//! rows; W1 checks `--set` against an edited copy.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use common::{avtal, scratch, workspace, write};
use rust_decimal::Decimal;
use serde_json::Value as Json;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/diff")
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn json_report(dir: &Path, args: &[&str], code: i32) -> Json {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let run = avtal(dir, &all);
    run.expect_code(code);
    serde_json::from_str(&run.stdout).unwrap()
}

fn field<'j>(report: &'j Json, name: &str) -> &'j Json {
    report["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no field {name} in {report}"))
}

fn decimal(json: &Json) -> Decimal {
    Decimal::from_str(json.as_str().unwrap()).unwrap()
}

/// Sum the `difference` column of a `--changes` file per field, on our
/// own (not through the code under test).
fn sum_changes(path: &Path) -> BTreeMap<String, Decimal> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (field, difference) = (column("field"), column("difference"));
    let mut sums = BTreeMap::new();
    for record in reader.records() {
        let record = record.unwrap();
        let text = &record[difference];
        if record[field].is_empty() || text.is_empty() {
            continue;
        }
        *sums
            .entry(record[field].to_string())
            .or_insert(Decimal::ZERO) += Decimal::from_str(text).unwrap();
    }
    sums
}

#[test]
fn text_report_of_the_fixture() {
    let run = avtal(
        &fixture(),
        &[
            "diff",
            "old/lön.avtal",
            "new/lön.avtal",
            "--input",
            "population.csv",
            "--by",
            "avdelning",
        ],
    );
    // Some rows failed (unreadable, or in a version): exit code 2.
    run.expect_code(2);
    insta::assert_snapshot!("fixture_stdout", run.stdout);
    insta::assert_snapshot!("fixture_stderr", run.stderr);
}

#[test]
fn same_module_names_in_old_and_new_are_separate_programs() {
    // Both versions use `testfall.satser`, found beside each file: NEW's
    // 1.5 % from 2027 must be used for NEW only.
    let report = json_report(
        &fixture(),
        &["old/lön.avtal", "new/lön.avtal", "-i", "population.csv"],
        2,
    );
    let tillägg = field(&report, "tillägg");
    assert_eq!(tillägg["changed"], 3);
    assert_eq!(decimal(&tillägg["total_change"]), Decimal::new(47500, 2));
    // `--set` reaches a param of a used module, and gives NEW's rates.
    let set = json_report(
        &fixture(),
        &[
            "old/lön.avtal",
            "old/lön.avtal",
            "-i",
            "population.csv",
            "--set",
            "tilläggssats@2027-01-01=1.5 %",
        ],
        2,
    );
    for key in ["changed", "total_change", "largest", "histogram"] {
        assert_eq!(field(&set, "tillägg")[key], tillägg[key], "{key}");
    }
    assert_eq!(field(&set, "per_dag")["changed"], 0);
}

#[test]
fn counts_of_changed_gained_lost_and_failed_rows() {
    let report = json_report(
        &fixture(),
        &["old/lön.avtal", "new/lön.avtal", "-i", "population.csv"],
        2,
    );
    assert_eq!(report["rows"], 8);
    assert_eq!(report["bad_rows"], 1);
    assert_eq!(report["computed_by_both"], 4);
    assert_eq!(report["gained"], 1);
    assert_eq!(report["lost"], 1);
    assert_eq!(report["failed_in_both"], 1);
    assert_eq!(report["records_changed"], 3);
    assert_eq!(report["records_unchanged"], 1);
    let failed = report["failed_in_one"].as_array().unwrap();
    assert_eq!(failed.len(), 2);
    assert_eq!(
        (failed[0]["row"].clone(), failed[0]["fails_in"].clone()),
        (4.into(), "NEW".into())
    );
    assert_eq!(
        (failed[1]["row"].clone(), failed[1]["fails_in"].clone()),
        (5.into(), "OLD".into())
    );
    assert_eq!(failed[0]["code"], "E0502");
    for f in report["fields"].as_array().unwrap() {
        let changed = f["changed"].as_u64().unwrap();
        let unchanged = f["unchanged"].as_u64().unwrap();
        assert_eq!(changed + unchanged, 4, "{f}");
    }
    let hel = field(&report, "hel");
    assert_eq!(hel["changed"], 1);
    assert_eq!(hel["total_change"], Json::Null);
    assert_eq!(hel["histogram"][0]["label"], "false → true");
}

#[test]
fn totals_equal_the_sum_of_the_changes_file() {
    let dir = scratch("diff_totals");
    let changes = dir.join("changes.csv");
    let report = json_report(
        &fixture(),
        &[
            "old/lön.avtal",
            "new/lön.avtal",
            "-i",
            "population.csv",
            "--by",
            "avdelning",
            "--changes",
            path_str(&changes),
        ],
        2,
    );
    let sums = sum_changes(&changes);
    assert_eq!(sums["per_dag"], Decimal::new(15290, 2));
    assert_eq!(sums["tillägg"], Decimal::new(47500, 2));
    assert_totals_match(&report, &sums);
    // Rows failing in one version are in the file, with the error.
    let text = fs::read_to_string(&changes).unwrap();
    assert!(
        text.starts_with("row,id,field,old,new,difference\n"),
        "{text}"
    );
    assert!(
        text.contains("\n4,4,,ok,error[E0502]: division by zero"),
        "{text}"
    );
    assert!(
        text.contains("\n5,5,,error[E0502]: division by zero"),
        "{text}"
    );
    assert!(text.contains("\n3,3,hel,false,true,\n"), "{text}");
}

/// Every numeric field's total is the sum of its differences, and the
/// groups' totals add up to it.
fn assert_totals_match(report: &Json, sums: &BTreeMap<String, Decimal>) {
    for f in report["fields"].as_array().unwrap() {
        if f["numeric"] != true {
            continue;
        }
        let name = f["name"].as_str().unwrap();
        let expected = sums.get(name).copied().unwrap_or(Decimal::ZERO);
        assert_eq!(decimal(&f["total_change"]), expected, "field {name}");
        if let Some(groups) = report["groups"]["groups"].as_array() {
            let from_groups: Decimal = groups
                .iter()
                .map(|g| {
                    let gf = g["fields"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|x| x["name"] == name);
                    decimal(&gf.unwrap()["total_change"])
                })
                .sum();
            assert_eq!(from_groups, expected, "groups of {name}");
        }
    }
}

#[test]
fn bad_rows_get_the_same_diagnostics_as_run() {
    let dir = fixture();
    let run = avtal(
        &dir,
        &["run", "old/lön.avtal", "-i", "population.csv", "-o", "-"],
    );
    let diff = avtal(
        &dir,
        &[
            "diff",
            "old/lön.avtal",
            "new/lön.avtal",
            "-i",
            "population.csv",
        ],
    );
    let line = "row 7 (line 8), field lön: expected money like 30000.00, found \"30 000\" [E0601]";
    assert!(run.stderr.contains(line), "{}", run.stderr);
    assert!(diff.stderr.contains(line), "{}", diff.stderr);
}

#[test]
fn json_lines_input_gives_the_same_report() {
    let dir = scratch("diff_jsonl");
    let csv_report = json_report(
        &fixture(),
        &["old/lön.avtal", "new/lön.avtal", "-i", "population.csv"],
        2,
    );
    let jsonl = fixture().join("population.jsonl");
    let copy = write(
        &dir,
        "population.jsonl",
        &fs::read_to_string(jsonl).unwrap(),
    );
    let old = fixture().join("old/lön.avtal");
    let new = fixture().join("new/lön.avtal");
    let jsonl_report = json_report(
        &dir,
        &[path_str(&old), path_str(&new), "-i", path_str(&copy)],
        2,
    );
    assert_eq!(jsonl_report["fields"], csv_report["fields"]);
    assert_eq!(jsonl_report["bad_rows"], 1);
}

const W1: &str = "examples/w1_payroll_month.avtal";
const W1_POPULATION: &str = "examples/w1_population.csv";

/// W1 with the vacation-guarantee amount from 2027 raised to 1800 SEK.
fn w1_edited(dir: &Path) -> PathBuf {
    let source = fs::read_to_string(workspace().join(W1)).unwrap();
    let edited = source.replace("from 2027-01-01 = 1759 SEK", "from 2027-01-01 = 1800 SEK");
    assert_ne!(source, edited);
    write(dir, "w1_new.avtal", &edited)
}

#[test]
fn set_gives_the_same_report_as_an_edited_copy() {
    let dir = scratch("diff_set_w1");
    let edited = w1_edited(&dir);
    let changes = dir.join("changes.csv");
    let root = workspace();
    let from_copy = json_report(
        &root,
        &[
            W1,
            path_str(&edited),
            "-i",
            W1_POPULATION,
            "--by",
            "division",
            "--changes",
            path_str(&changes),
        ],
        0,
    );
    let from_set = json_report(
        &root,
        &[
            W1,
            W1,
            "-i",
            W1_POPULATION,
            "--by",
            "division",
            "--set",
            "garantibelopp@2027-01-01=1800 SEK",
        ],
        0,
    );
    assert_eq!(from_set["fields"], from_copy["fields"]);
    assert_eq!(from_set["groups"], from_copy["groups"]);
    assert_eq!(
        from_set["overrides"],
        serde_json::json!(["--set garantibelopp@2027-01-01=1800 SEK"])
    );
    let vacation = field(&from_copy, "vacation_guarantee");
    assert!(vacation["changed"].as_u64().unwrap() > 0);
    assert_eq!(field(&from_copy, "flex_premium")["changed"], 0);
    assert_totals_match(&from_copy, &sum_changes(&changes));
}

#[test]
fn set_old_to_the_same_value_leaves_nothing_changed() {
    let report = json_report(
        &workspace(),
        &[
            W1,
            W1,
            "-i",
            W1_POPULATION,
            "--set",
            "flexpremie@2027-01-01=1.8 %",
            "--set-old",
            "flexpremie@2027-01-01=1.8 %",
        ],
        0,
    );
    assert_eq!(report["records_changed"], 0);
}

#[test]
fn set_checks_the_value_against_the_param_type() {
    let run = avtal(
        &workspace(),
        &[
            "diff",
            W1,
            W1,
            "-i",
            W1_POPULATION,
            "--set",
            "garantibelopp@2027-01-01=2 %",
        ],
    );
    run.expect_code(1);
    assert!(
        run.stderr.contains("expected `Money`, found `Percent`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("from 2027-01-01 = 2 %"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "error: cannot apply `--set garantibelopp@2027-01-01=2 %` to the NEW version"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn set_errors_name_the_problem() {
    let root = workspace();
    let cases = [
        (
            "nope@2027-01-01=1 SEK",
            "the NEW version has no param named `nope`",
        ),
        (
            "garantibelopp@2027-02-30=1 SEK",
            "`2027-02-30` in `--set garantibelopp@2027-02-30=1 SEK` is not a date in the calendar",
        ),
        ("garantibelopp=1 SEK", "is not of the form NAME@DATE=VALUE"),
        (
            "lag.las.garantibelopp@2027-01-01=1 SEK",
            "has no param named `lag.las.garantibelopp`",
        ),
    ];
    for (set, expected) in cases {
        let run = avtal(&root, &["diff", W1, W1, "-i", W1_POPULATION, "--set", set]);
        run.expect_code(1);
        assert!(run.stderr.contains(expected), "--set {set}: {}", run.stderr);
    }
    // A stdlib param of the same name is reached through its module.
    let run = avtal(
        &root,
        &[
            "diff",
            W1,
            W1,
            "-i",
            W1_POPULATION,
            "--set",
            "staten.villkorsavtal.semester.garantibelopp@2027-01-01=1 SEK",
        ],
    );
    run.expect_code(0);
}

#[test]
fn unknown_by_key_and_entry_are_errors() {
    let dir = fixture();
    let base = [
        "diff",
        "old/lön.avtal",
        "new/lön.avtal",
        "-i",
        "population.csv",
    ];
    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        avtal(&dir, &args)
    };
    let run = with(&["--by", "avd"]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("`--by avd`: the entry point's input has no field `avd`")
    );
    assert!(
        run.stderr
            .contains("the input fields are `id`, `lön`, `avdelning`, `dagar`, `start`")
    );
    let run = with(&["--key", "namn"]);
    run.expect_code(1);
    assert!(run.stderr.contains("no field `namn`"), "{}", run.stderr);
    let run = with(&["--entry", "Lönen"]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("in the OLD version: no `evaluate` entry point named `Lönen`"),
        "{}",
        run.stderr
    );
}

#[test]
fn different_signatures_name_the_fields() {
    let dir = scratch("diff_signatures");
    let old = fs::read_to_string(fixture().join("old/lön.avtal")).unwrap();
    let new = old
        .replace(
            "  dagar: Int\n  start: Date",
            "  dagar: Money\n  start: Date\n  extra: Bool",
        )
        .replace("  hel: Bool\n}", "  hel: Bool\n  ny: Int\n}")
        .replace("hel: r.dagar == 30", "hel: r.extra\n    ny: 1")
        .replace("r.lön / r.dagar", "r.lön / (r.dagar / 1 SEK)");
    write(&dir, "old/lön.avtal", &old);
    write(
        &dir,
        "old/testfall/satser.avtal",
        &fs::read_to_string(fixture().join("old/testfall/satser.avtal")).unwrap(),
    );
    write(&dir, "new/lön.avtal", &new);
    write(
        &dir,
        "new/testfall/satser.avtal",
        &fs::read_to_string(fixture().join("new/testfall/satser.avtal")).unwrap(),
    );
    write(&dir, "population.csv", "id,lön,avdelning,dagar,start\n");
    let run = avtal(
        &dir,
        &[
            "diff",
            "old/lön.avtal",
            "new/lön.avtal",
            "-i",
            "population.csv",
        ],
    );
    run.expect_code(1);
    for expected in [
        "the entry point `Lön` has different signatures in OLD (old/lön.avtal) and NEW (new/lön.avtal)",
        "input field `dagar` is `Int` in OLD and `Money` in NEW",
        "input field `extra` is only in NEW",
        "output field `ny` is only in NEW",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}

#[test]
fn an_empty_population_is_no_change() {
    let dir = scratch("diff_empty");
    let population = write(&dir, "population.csv", "id,lön,avdelning,dagar,start\n");
    let old = fixture().join("old/lön.avtal");
    let new = fixture().join("new/lön.avtal");
    let report = json_report(
        &dir,
        &[path_str(&old), path_str(&new), "-i", path_str(&population)],
        0,
    );
    assert_eq!(report["rows"], 0);
    assert_eq!(
        decimal(&field(&report, "per_dag")["total_change"]),
        Decimal::ZERO
    );
}

const W2: &str = "examples/w2_time_report.avtal";
const W2_POPULATION: &str = "examples/w2_time_reports.jsonl";

/// The W2 records and a rule that says, per record, what 3.00 SEK/h more
/// for `ob.kvalificerad` from 2027-04-01 costs: its hours on each day from
/// then, at 3.00 SEK/h. A multiple of 0.05 SEK (a minute is 0.05 SEK), so
/// W2's rounding of `ob_pay` to öre cannot change it.
const W2_RAISE: &str = r#"module prov.w2_höjning

use staten.villkorsavtal.tidsersattning

enum Kind { ordinary, overtime, mertid }

record Shift {
  start: Timestamp
  end: Timestamp
  kind: Kind
}

record TimeReport {
  id: Int
  period: Date
  salary: Money
  rate: Percent
  overtime_ytd: Hours
  shifts: List<Shift>
}

record Raise {
  id: Int
  cost: Money
}

evaluate Höjning(r: TimeReport) -> Raise {
  Raise {
    id: r.id
    cost: round(sum([
      sum([
        if d >= 2027-04-01 { 3.00 SEK/h * hours_on(d, s.start, s.end, ob.kvalificerad) } else { 0 SEK }
        for d in days_of(s.start, s.end)
      ])
      for s in filter(r.shifts, s => s.kind == ordinary)
    ]), 0.01 SEK)
  }
}
"#;

/// `avtal diff` on W2 with kvalificerad OB raised from 62.00 to 65.00
/// SEK/h from 2027-04-01, by a param in NEW's own file that hides the
/// stdlib module's (a module's own items come first). Only `ob_pay`
/// changes, each record by exactly 3.00 SEK/h times its kvalificerad
/// hours on days from 2027-04-01, and `--set` on the stdlib param gives
/// the same report.
#[test]
fn w2_raising_an_ob_amount_from_2027_04_01_costs_exactly_its_hours() {
    let dir = scratch("diff_w2_raise");
    let root = workspace();
    let source = fs::read_to_string(root.join(W2)).unwrap();
    let new = write(
        &dir,
        "w2_new.avtal",
        &format!(
            "{source}\n/// Kvalificerad OB höjd till 65 kr från 2027-04-01.\n\
             param ob_kvalificerad: Rate {{\n  \
             from 2026-01-01 = 60.00 SEK/h\n  \
             from 2027-04-01 = 65.00 SEK/h\n}}\n"
        ),
    );
    let changes = dir.join("changes.csv");
    let report = json_report(
        &root,
        &[
            W2,
            path_str(&new),
            "--input",
            W2_POPULATION,
            "--changes",
            path_str(&changes),
        ],
        0,
    );
    for f in report["fields"].as_array().unwrap() {
        let expected = if f["name"] == "ob_pay" { 115 } else { 0 };
        assert_eq!(f["changed"], expected, "{}", f["name"]);
    }
    assert_totals_match(&report, &sum_changes(&changes));

    // By hand, row 158: two ordinary shifts. Monday 2027-03-22 05:41 to
    // 18:26 has 79 minutes of kvalificerad (the weekend ends at 07:00), at
    // 60.00 SEK/h: 79.00. The night 2027-03-31T22:51 to 2027-04-01T04:06
    // is all kvalificerad (22:00 to 06:00): 69 minutes on 2027-03-31 at
    // 60.00 = 69.00, and 246 minutes on 2027-04-01 at 62.00 = 254.20. Old
    // 402.20 SEK. New: the 246 minutes at 65.00 = 266.50, so 414.50 SEK,
    // +12.30 (246 minutes at 3.00 SEK/h).
    let text = fs::read_to_string(&changes).unwrap();
    assert!(
        text.contains("\n158,158,ob_pay,402.20,414.50,12.30\n"),
        "{text}"
    );

    // Every record, against the cost computed on its own.
    let raise = write(&dir, "w2_raise.avtal", W2_RAISE);
    let population = root.join(W2_POPULATION);
    let run = avtal(
        &dir,
        &[
            "run",
            path_str(&raise),
            "--input",
            path_str(&population),
            "--output-format",
            "csv",
        ],
    );
    run.expect_code(0);
    let mut costs: BTreeMap<String, Decimal> = BTreeMap::new();
    for line in run.stdout.lines().skip(1) {
        let (id, cost) = line.split_once(',').unwrap();
        let cost = Decimal::from_str(cost).unwrap();
        if !cost.is_zero() {
            costs.insert(id.to_string(), cost);
        }
    }
    let mut differences: BTreeMap<String, Decimal> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        differences.insert(cells[1].to_string(), Decimal::from_str(cells[5]).unwrap());
    }
    assert_eq!(differences, costs);
    let total: Decimal = costs.values().sum();
    assert_eq!(decimal(&field(&report, "ob_pay")["total_change"]), total);
    assert_eq!(total, Decimal::new(1285485, 2));

    let from_set = json_report(
        &root,
        &[
            W2,
            W2,
            "--input",
            W2_POPULATION,
            "--set",
            "staten.villkorsavtal.tidsersattning.ob_kvalificerad@2027-04-01=65.00 SEK/h",
        ],
        0,
    );
    assert_eq!(from_set["fields"], report["fields"]);
}
