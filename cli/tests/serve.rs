//! `avtal serve` gives `avtal run`'s results: the real server, started on
//! a free port over `examples/` (each file a version), answers every row
//! of every example input of examples/README.md one record at a time with
//! exactly the JSON Lines row `avtal run` writes for it, and answers each
//! whole input as a batch with exactly the bytes of `avtal run`'s output
//! and error report, hostile rows included. Also the read-only endpoints:
//! entries, schema (the one `avtal build` writes), params, versions,
//! metrics, explanations.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
#[path = "common/server.rs"]
mod server;

use std::fs;
use std::path::{Path, PathBuf};

use common::{avtal, scratch, workspace};
use serde_json::{Map, Value};
use server::{Server, parts};

/// One `avtal run` command of examples/README.md.
struct Example {
    file: PathBuf,
    input: PathBuf,
    entry: Option<String>,
    output_format: Option<String>,
}

fn readme_examples() -> Vec<Example> {
    let root = workspace();
    let readme = fs::read_to_string(root.join("examples/README.md")).unwrap();
    readme
        .lines()
        .filter_map(|line| line.trim().strip_prefix("target/release/avtal run "))
        .map(|rest| {
            let args: Vec<&str> = rest.split_whitespace().collect();
            let option = |names: &[&str]| {
                args.windows(2)
                    .find(|w| names.contains(&w[0]))
                    .map(|w| w[1].to_string())
            };
            Example {
                file: root.join(args[0]),
                input: root.join(option(&["--input", "-i"]).unwrap()),
                entry: option(&["--entry"]),
                output_format: option(&["--output-format"]),
            }
        })
        .collect()
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

fn extension(path: &Path) -> String {
    path.extension().unwrap().to_string_lossy().into_owned()
}

fn content_type(path: &Path) -> &'static str {
    if extension(path) == "csv" {
        "text/csv"
    } else {
        "application/jsonl"
    }
}

/// The entry point the example runs, as the server lists it.
fn entry_of(server: &Server, example: &Example) -> Value {
    let version = stem(&example.file);
    let entries = server.get(&format!("/v1/entries?version={version}")).json();
    let entries = entries["entries"].as_array().unwrap().clone();
    match &example.entry {
        Some(name) => entries.into_iter().find(|e| e["name"] == *name).unwrap(),
        None => {
            assert_eq!(entries.len(), 1, "{version}: {entries:?}");
            entries.into_iter().next().unwrap()
        }
    }
}

/// The records of an input file as JSON objects: JSON Lines as they are,
/// CSV rows typed by the entry's input fields (numbers for whole numbers,
/// booleans, text for the rest, as the JSON reader takes them).
fn records(input: &Path, entry: &Value) -> Vec<String> {
    if extension(input) == "jsonl" {
        return fs::read_to_string(input)
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect();
    }
    let types: Map<String, Value> = entry["input"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap().to_string(), f["type"].clone()))
        .collect();
    let mut reader = csv::Reader::from_path(input).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    reader
        .records()
        .map(|row| {
            let row = row.unwrap();
            let mut object = Map::new();
            for (name, cell) in header.iter().zip(row.iter()) {
                let Some(ty) = types.get(name) else { continue };
                let value = match ty.as_str().unwrap() {
                    "Int" | "Days" | "Months" => Value::Number(cell.parse().unwrap()),
                    "Bool" => {
                        Value::Bool(matches!(cell.to_ascii_lowercase().as_str(), "true" | "1"))
                    }
                    _ => Value::String(cell.to_string()),
                };
                object.insert(name.clone(), value);
            }
            Value::Object(object).to_string()
        })
        .collect()
}

/// Long-form CSV (one row per list element) is one record per group of
/// rows; its records are covered by the JSON Lines twin and the batch.
fn is_long_form(entry: &Value) -> bool {
    entry["input"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["type"] == "List")
}

#[test]
fn single_records_equal_avtal_run_for_every_example_row() {
    let dir = scratch("serve_single_records");
    let server = Server::start(&workspace(), &["examples", "--no-reload"]);
    let mut checked = 0;
    for example in readme_examples() {
        let entry = entry_of(&server, &example);
        if extension(&example.input) == "csv" && is_long_form(&entry) {
            continue;
        }
        let name = entry["name"].as_str().unwrap().to_string();
        let version = stem(&example.file);
        let out = dir.join(format!("{version}-{name}.jsonl"));
        let input = example.input.to_string_lossy().into_owned();
        let file = example.file.to_string_lossy().into_owned();
        avtal(
            &dir,
            &[
                "run",
                &file,
                "--input",
                &input,
                "--entry",
                &name,
                "--output-format",
                "jsonl",
                "-o",
                out.to_str().unwrap(),
            ],
        )
        .expect_code(0);
        let expected = fs::read_to_string(&out).unwrap();
        let expected: Vec<&str> = expected.lines().collect();
        let records = records(&example.input, &entry);
        assert_eq!(records.len(), expected.len(), "{version}/{name}");
        for (index, (record, want)) in records.iter().zip(&expected).enumerate() {
            let reply = server.post_json(&format!("/v1/{name}?version={version}"), record);
            assert_eq!(
                reply.status,
                200,
                "{version}/{name} row {}: {}",
                index + 1,
                reply.text()
            );
            assert_eq!(reply.text(), *want, "{version}/{name} row {}", index + 1);
            assert_eq!(reply.version, format!("{version}/1"));
            checked += 1;
        }
    }
    // W1's 1,000 rows and every other example entry point's.
    assert!(checked >= 1300, "only {checked} records checked");
}

/// Run `avtal run` as the README does, with --errors, and return the
/// output and error report bytes.
fn run_bytes(dir: &Path, example_args: &[String], format: &str) -> (Vec<u8>, Vec<u8>) {
    let out = dir.join(format!("out.{format}"));
    let errors = dir.join("errors.csv");
    let _ = fs::remove_file(&out);
    let _ = fs::remove_file(&errors);
    let mut args: Vec<String> = example_args.to_vec();
    args.extend([
        "-o".to_string(),
        out.to_string_lossy().into_owned(),
        "--errors".to_string(),
        errors.to_string_lossy().into_owned(),
        "--output-format".to_string(),
        format.to_string(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = avtal(dir, &args);
    assert!(run.code == 0 || run.code == 2, "{}", run.stderr);
    (fs::read(&out).unwrap(), fs::read(&errors).unwrap())
}

fn batch_equals_run(
    server: &Server,
    dir: &Path,
    version: &str,
    file: &Path,
    input: &Path,
    entry: &str,
    format: &str,
) {
    let (output, errors) = run_bytes(
        dir,
        &[
            "run".into(),
            file.to_string_lossy().into_owned(),
            "--input".into(),
            input.to_string_lossy().into_owned(),
            "--entry".into(),
            entry.into(),
        ],
        format,
    );
    let reply = server.post(
        &format!("/v1/{entry}/batch?version={version}&output={format}"),
        content_type(input),
        &fs::read(input).unwrap(),
    );
    let parts = parts(&reply);
    assert_eq!(parts.len(), 2, "{}", reply.text());
    assert_eq!(parts[0].name(), "output");
    assert_eq!(parts[1].name(), "errors");
    assert_eq!(
        String::from_utf8_lossy(&parts[0].body),
        String::from_utf8_lossy(&output),
        "{version}/{entry} output"
    );
    assert_eq!(
        String::from_utf8_lossy(&parts[1].body),
        String::from_utf8_lossy(&errors),
        "{version}/{entry} errors"
    );
}

#[test]
fn batches_are_byte_identical_to_avtal_run_for_every_example() {
    let dir = scratch("serve_batches");
    let server = Server::start(&workspace(), &["examples", "--no-reload"]);
    for example in readme_examples() {
        let entry = entry_of(&server, &example);
        let name = entry["name"].as_str().unwrap();
        let format = example
            .output_format
            .clone()
            .unwrap_or_else(|| extension(&example.input));
        batch_equals_run(
            &server,
            &dir,
            &stem(&example.file),
            &example.file,
            &example.input,
            name,
            &format,
        );
    }
}

#[test]
fn a_batch_of_hostile_rows_reports_them_as_avtal_run_does() {
    let dir = scratch("serve_hostile_batch");
    let w1 = workspace().join("examples/w1_payroll_month.avtal");
    let population = fs::read_to_string(workspace().join("examples/w1_population.csv")).unwrap();
    let mut lines: Vec<String> = population.lines().take(30).map(str::to_string).collect();
    // A bad cell, a short row, an unterminated quote, a wrong enum, a
    // money value with too many decimals, and good rows around them.
    lines[3] = lines[3].replacen(",62", ",6x2", 1);
    lines[5] = "5,2026-06-01,30000.00".to_string();
    lines[7] = format!("\"{}", lines[7]);
    lines[9] = lines[9].replace(",I,", ",IX,").replace(",II,", ",IX,");
    lines[11] = lines[11].replacen(".", ".001", 1);
    let input = dir.join("hostile.csv");
    fs::write(&input, lines.join("\n") + "\n").unwrap();
    let server = Server::start(&dir, &[w1.to_str().unwrap(), "--no-reload"]);
    for format in ["csv", "jsonl"] {
        batch_equals_run(&server, &dir, "w1_payroll_month", &w1, &input, "W1", format);
    }
    let reply = server.post("/v1/W1/batch", "text/csv", &fs::read(&input).unwrap());
    let parts = parts(&reply);
    assert_eq!(parts[1].header("avtal-rows"), Some("29"));
    let failed: u64 = parts[1]
        .header("avtal-rows-failed")
        .unwrap()
        .parse()
        .unwrap();
    assert!(failed >= 4, "{failed}");
    // JSON Lines in, with a line that is not JSON.
    let jsonl = dir.join("hostile.jsonl");
    let records = fs::read_to_string(workspace().join("examples/w2_time_reports.jsonl")).unwrap();
    let mut records: Vec<&str> = records.lines().take(5).collect();
    records.insert(2, "{\"not\": json");
    fs::write(&jsonl, records.join("\n") + "\n").unwrap();
    let w2 = workspace().join("examples/w2_time_report.avtal");
    let server = Server::start(&dir, &[w2.to_str().unwrap(), "--no-reload"]);
    let entry = server.get("/v1/entries").json()["entries"][0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    batch_equals_run(&server, &dir, "w2_time_report", &w2, &jsonl, &entry, "csv");
}

#[test]
fn read_only_endpoints_describe_the_versions() {
    let dir = scratch("serve_read_only");
    let server = Server::start(
        &workspace(),
        &[
            "examples",
            "--no-reload",
            "--default-version",
            "w1_payroll_month",
        ],
    );
    assert_eq!(server.get("/healthz").text(), "ok\n");

    // The schema is the one `avtal build` writes.
    let built = dir.join("built");
    avtal(
        &workspace(),
        &[
            "build",
            "examples/w1_payroll_month.avtal",
            "-o",
            built.to_str().unwrap(),
        ],
    )
    .expect_code(0);
    let written: Value =
        serde_json::from_str(&fs::read_to_string(built.join("W1.schema.json")).unwrap()).unwrap();
    let served = server.get("/v1/entries/W1/schema");
    assert_eq!(served.status, 200);
    assert_eq!(served.json(), written);

    let versions = server.get("/v1/versions").json();
    let names: Vec<&str> = versions["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"w1_payroll_month") && names.contains(&"behorighet"),
        "{names:?}"
    );
    let w1 = versions["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "w1_payroll_month")
        .unwrap();
    assert_eq!(w1["default"], true);
    assert_eq!(w1["serving"]["entries"][0], "W1");

    // Params with their timelines and sources.
    let params = server.get("/v1/params").json();
    let params = params["params"].as_array().unwrap();
    assert!(!params.is_empty());
    let timed = params
        .iter()
        .find(|p| p["timeline"].as_array().unwrap().len() > 1);
    let timed = timed.expect("W1 has a param with more than one period");
    assert!(
        timed["timeline"][0]["from"].as_str().unwrap().len() == 10,
        "{timed}"
    );
    assert!(
        timed["place"]
            .as_str()
            .unwrap()
            .contains("w1_payroll_month.avtal:"),
        "{timed}"
    );

    // Entries of another version, named by header.
    let entries = server
        .get_with("/v1/entries", &[("Avtal-Version", "behorighet")])
        .json();
    let names: Vec<&str> = entries["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");

    // An explanation is `avtal explain --format json`'s.
    let record = r#"{"id":1,"period":"2026-06-01","salary":"62399.95","rate":"100.00","supplement":"0.29","vacation_days":0,"division":"I","flex_transition":false,"reserve_days":0,"reserve_days_ytd":0,"reserve_reason":"duty","reserve_pay":"0.00","mertid_ytd":"26.9","overtime_ytd":"156.7","appointment":"tillsvidare","service_years":2}"#;
    let explained = server.post_json("/v1/W1/explain", record);
    assert_eq!(explained.status, 200, "{}", explained.text());
    let cli = avtal(
        &workspace(),
        &[
            "explain",
            "examples/w1_payroll_month.avtal",
            "--case",
            record,
            "--format",
            "json",
        ],
    );
    cli.expect_code(0);
    assert_eq!(
        explained.json(),
        serde_json::from_str::<Value>(&cli.stdout).unwrap()
    );

    // Metrics count what was asked.
    server.post_json("/v1/W1", record);
    server.post_json("/v1/W1", "{}");
    let metrics = server.get("/metrics").text();
    assert!(metrics.contains("avtal_requests_total{version=\"w1_payroll_month\",entry=\"W1\",kind=\"record\",status=\"200\"} 1"), "{metrics}");
    assert!(metrics.contains("avtal_requests_total{version=\"w1_payroll_month\",entry=\"W1\",kind=\"record\",status=\"422\"} 1"), "{metrics}");
    // The explanation read a record too.
    assert!(
        metrics.contains("avtal_records_total{version=\"w1_payroll_month\",entry=\"W1\"} 3"),
        "{metrics}"
    );
    assert!(
        metrics.contains("avtal_record_errors_total{version=\"w1_payroll_month\",entry=\"W1\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            "avtal_request_duration_seconds_count{version=\"w1_payroll_month\",entry=\"W1\"} 3"
        ),
        "{metrics}"
    );
}
