//! `columnar-bench`: workload W1 through `avtal run` with Parquet and Arrow
//! IPC against CSV, end to end, and the Python package against the same
//! evaluation from Rust, side by side in one run.
//!
//! It converts a W1 population (CSV, as `gen_population.py` writes it)
//! into Parquet and Arrow IPC with typed columns (money as
//! `Decimal128(12, 2)`, dates as `Date32`, enums as dictionaries), runs
//! the `avtal` binary built next to it on each (best of `--rounds`,
//! formats alternating), checks that every columnar output holds the CSV
//! run's records, and prints records per second and the ratios. Then it
//! evaluates the Parquet population in memory from Rust and, given
//! `--python` (an interpreter where `import avtal` works, built with
//! `--release`), from Python (`columnar/in_process.rs`). `--before AVTAL`
//! times another build of `avtal` on Parquet → Parquet in the same rounds.
//!
//! ```sh
//! python3 ../shared/bench/gen_population.py 1000000 -o /tmp/pop1m.csv
//! cargo build --release -p avtal-cli -p avtal-bench
//! python3 -m venv --system-site-packages /tmp/avtal-venv
//! VIRTUAL_ENV=/tmp/avtal-venv python3 -m maturin develop --release -m python/Cargo.toml
//! target/release/columnar-bench /tmp/pop1m.csv --rounds 3 --python /tmp/avtal-venv/bin/python
//! ```

#[path = "columnar/in_process.rs"]
mod in_process;

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow_array::builder::{BooleanBuilder, Date32Builder, Decimal128Builder, Int64Builder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Decimal128Type, Int32Type, Int64Type};
use arrow_array::{Array, ArrayRef, DictionaryArray, Int32Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// How each W1 input column is typed in the columnar files.
enum Kind {
    Int,
    Date,
    Decimal,
    /// A dictionary of these names in every batch (an IPC file holds one
    /// dictionary per column).
    Enum(&'static [&'static str]),
    Bool,
}

const COLUMNS: [(&str, Kind); 16] = [
    ("id", Kind::Int),
    ("period", Kind::Date),
    ("salary", Kind::Decimal),
    ("rate", Kind::Decimal),
    ("supplement", Kind::Decimal),
    ("vacation_days", Kind::Int),
    ("division", Kind::Enum(&["I", "II"])),
    ("flex_transition", Kind::Bool),
    ("reserve_days", Kind::Int),
    ("reserve_days_ytd", Kind::Int),
    (
        "reserve_reason",
        Kind::Enum(&["readiness", "duty", "plan", "other"]),
    ),
    ("reserve_pay", Kind::Decimal),
    ("mertid_ytd", Kind::Decimal),
    ("overtime_ytd", Kind::Decimal),
    ("appointment", Kind::Enum(&["fullmakt", "tillsvidare"])),
    ("service_years", Kind::Int),
];

fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: columnar-bench POPULATION.csv [--rounds N] [--python PYTHON] [--keep DIR] [--before AVTAL]";
    let population = args.next().ok_or(usage)?;
    let mut rounds = 3;
    let mut python = None;
    let mut keep = None;
    let mut before = None;
    while let Some(flag) = args.next() {
        match (flag.as_str(), args.next()) {
            // Keep the converted files there (for profiling `avtal run`).
            ("--keep", Some(path)) => keep = Some(PathBuf::from(path)),
            ("--rounds", Some(n)) => rounds = n.parse().map_err(|_| "--rounds takes a number")?,
            ("--python", Some(path)) => python = Some(PathBuf::from(path)),
            // Another build of `avtal` (say, of main) timed on Parquet →
            // Parquet in the same rounds, for a before/after side by side.
            ("--before", Some(path)) => before = Some(PathBuf::from(path)),
            _ => return Err(usage.into()),
        }
    }
    let binary = avtal_binary()
        .ok_or("build avtal-cli in the same profile first (no avtal beside this binary)")?;
    let dir = keep.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("avtal-columnar-bench-{}", std::process::id()))
    });
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let csv = PathBuf::from(&population);
    let started = Instant::now();
    let batches = convert(&csv)?;
    let records: usize = batches.iter().map(RecordBatch::num_rows).sum();
    write_parquet(&batches, &dir.join("pop.parquet"))?;
    write_arrow(&batches, &dir.join("pop.arrow"))?;
    drop(batches);
    eprintln!(
        "{records} records converted to Parquet and Arrow IPC in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let mut runs: Vec<(&str, &Path, PathBuf, &str)> = vec![
        ("CSV → CSV", &binary, csv.clone(), "out.csv"),
        (
            "Parquet → Parquet",
            &binary,
            dir.join("pop.parquet"),
            "out.parquet",
        ),
        (
            "Arrow IPC → Arrow IPC",
            &binary,
            dir.join("pop.arrow"),
            "out.arrow",
        ),
        (
            "Parquet → CSV",
            &binary,
            dir.join("pop.parquet"),
            "out2.csv",
        ),
    ];
    if let Some(before) = &before {
        runs.push((
            "Parquet → Parquet, --before",
            before,
            dir.join("pop.parquet"),
            "out.before.parquet",
        ));
    }
    let mut best = vec![Duration::MAX; runs.len()];
    for _ in 0..rounds {
        for (index, (_, binary, input, output)) in runs.iter().enumerate() {
            let took = avtal_run(binary, input, &dir.join(output))?;
            if let Some(slot) = best.get_mut(index) {
                *slot = (*slot).min(took);
            }
        }
    }
    // Every output holds the CSV run's records.
    let reference = fs::read_to_string(dir.join("out.csv")).map_err(|e| e.to_string())?;
    let mut outputs = vec![
        ("Parquet", as_csv(&read_parquet(&dir.join("out.parquet"))?)),
        ("Arrow IPC", as_csv(&read_arrow(&dir.join("out.arrow"))?)),
        (
            "Parquet → CSV",
            fs::read_to_string(dir.join("out2.csv")).map_err(|e| e.to_string())?,
        ),
    ];
    if before.is_some() {
        let parquet = read_parquet(&dir.join("out.before.parquet"))?;
        outputs.push(("--before Parquet", as_csv(&parquet)));
    }
    for (name, text) in &outputs {
        if *text != reference {
            return Err(format!("the {name} output differs from the CSV run's"));
        }
    }
    println!("W1, {records} records, `avtal run` end to end (compile included), best of {rounds}:");
    let reference_time = best.first().copied().unwrap_or(Duration::MAX);
    for ((name, _, _, _), took) in runs.iter().zip(best) {
        let seconds = took.as_secs_f64();
        println!(
            "  {name:<28} {seconds:>7.3} s  {:>6.2} M records/s  {:>5.2}× CSV → CSV's speed",
            records as f64 / seconds / 1e6,
            reference_time.as_secs_f64() / seconds
        );
    }

    let side = in_process::rust_and_python(&dir.join("pop.parquet"), python.as_deref(), rounds)?;
    println!(
        "W1, {records} records in memory (read and compiled before the clock), best of {rounds}:"
    );
    let rust = side.rust.as_secs_f64();
    println!(
        "  {:<28} {rust:>7.3} s  {:>6.2} M records/s",
        "Rust ArrowEvaluator",
        records as f64 / rust / 1e6
    );
    match side.python {
        Some(python) => {
            let python = python.as_secs_f64();
            println!(
                "  {:<28} {python:>7.3} s  {:>6.2} M records/s  {:>5.2}× Rust's time",
                "Python Entry.evaluate",
                records as f64 / python / 1e6,
                python / rust
            );
        }
        None => println!("  (Python not measured: give --python PYTHON)"),
    }
    if keep.is_none() {
        let _ = fs::remove_dir_all(&dir);
    }
    Ok(())
}

/// The `avtal` binary built next to this one, if any.
fn avtal_binary() -> Option<PathBuf> {
    let me = std::env::current_exe().ok()?;
    let candidate = me.parent()?.join("avtal");
    candidate.exists().then_some(candidate)
}

fn avtal_run(binary: &Path, input: &Path, output: &Path) -> Result<Duration, String> {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let started = Instant::now();
    let status = Command::new(binary)
        .current_dir(&workspace)
        .args(["run", "examples/w1_payroll_month.avtal", "-q", "--input"])
        .arg(input)
        .arg("--output")
        .arg(output)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let took = started.elapsed();
    if status.success() {
        Ok(took)
    } else {
        Err(format!("avtal run on {} failed: {status}", input.display()))
    }
}

/// The population as record batches of 65,536 rows.
fn convert(csv: &Path) -> Result<Vec<RecordBatch>, String> {
    let mut reader = csv::Reader::from_path(csv).map_err(|e| e.to_string())?;
    let header = reader.headers().map_err(|e| e.to_string())?.clone();
    let positions: Vec<usize> = COLUMNS
        .iter()
        .map(|(name, _)| {
            header
                .iter()
                .position(|h| h == *name)
                .ok_or(format!("no column {name}"))
        })
        .collect::<Result<_, _>>()?;
    let mut batches = Vec::new();
    let mut rows = Vec::new();
    for record in reader.records() {
        rows.push(record.map_err(|e| e.to_string())?);
        if rows.len() == 65_536 {
            batches.push(batch(&rows, &positions)?);
            rows.clear();
        }
    }
    if !rows.is_empty() {
        batches.push(batch(&rows, &positions)?);
    }
    Ok(batches)
}

fn batch(rows: &[csv::StringRecord], positions: &[usize]) -> Result<RecordBatch, String> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).ok_or("no epoch")?;
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for ((name, kind), position) in COLUMNS.iter().zip(positions) {
        let cells = rows.iter().map(|r| r.get(*position).unwrap_or(""));
        let array: ArrayRef = match kind {
            Kind::Int => {
                let mut builder = Int64Builder::new();
                for cell in cells {
                    builder.append_value(cell.parse().map_err(|_| format!("{name}: {cell}"))?);
                }
                Arc::new(builder.finish())
            }
            Kind::Date => {
                let mut builder = Date32Builder::new();
                for cell in cells {
                    let date =
                        NaiveDate::parse_from_str(cell, "%Y-%m-%d").map_err(|e| e.to_string())?;
                    builder.append_value(
                        i32::try_from((date - epoch).num_days()).map_err(|e| e.to_string())?,
                    );
                }
                Arc::new(builder.finish())
            }
            Kind::Decimal => {
                let mut builder = Decimal128Builder::new();
                for cell in cells {
                    builder.append_value(hundredths(cell).ok_or(format!("{name}: {cell}"))?);
                }
                Arc::new(
                    builder
                        .finish()
                        .with_precision_and_scale(12, 2)
                        .map_err(|e| e.to_string())?,
                )
            }
            Kind::Enum(names) => {
                let keys = cells
                    .map(|cell| {
                        names
                            .iter()
                            .position(|n| *n == cell)
                            .and_then(|k| i32::try_from(k).ok())
                            .ok_or(format!("{name}: {cell}"))
                    })
                    .collect::<Result<Vec<i32>, String>>()?;
                Arc::new(
                    DictionaryArray::<Int32Type>::try_new(
                        Int32Array::from(keys),
                        Arc::new(StringArray::from(names.to_vec())),
                    )
                    .map_err(|e| e.to_string())?,
                )
            }
            Kind::Bool => {
                let mut builder = BooleanBuilder::new();
                for cell in cells {
                    builder.append_value(cell == "true" || cell == "1");
                }
                Arc::new(builder.finish())
            }
        };
        fields.push(Field::new(*name, array.data_type().clone(), false));
        arrays.push(array);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| e.to_string())
}

/// `123.4` as 12340.
fn hundredths(cell: &str) -> Option<i128> {
    let (whole, fraction) = cell.split_once('.').unwrap_or((cell, ""));
    if fraction.len() > 2 {
        return None;
    }
    let negative = whole.starts_with('-');
    let whole: i128 = whole.trim_start_matches('-').parse().ok()?;
    let fraction: i128 = format!("{fraction:0<2}").parse().ok()?;
    let value = whole * 100 + fraction;
    Some(if negative { -value } else { value })
}

fn write_parquet(batches: &[RecordBatch], path: &Path) -> Result<(), String> {
    let schema = batches.first().ok_or("an empty population")?.schema();
    let file = File::create(path).map_err(|e| e.to_string())?;
    let mut writer = ArrowWriter::try_new(file, schema, None).map_err(|e| e.to_string())?;
    for batch in batches {
        writer.write(batch).map_err(|e| e.to_string())?;
    }
    writer.close().map_err(|e| e.to_string())?;
    Ok(())
}

fn write_arrow(batches: &[RecordBatch], path: &Path) -> Result<(), String> {
    let schema = batches.first().ok_or("an empty population")?.schema();
    let file = File::create(path).map_err(|e| e.to_string())?;
    let mut writer =
        arrow_ipc::writer::FileWriter::try_new(file, &schema).map_err(|e| e.to_string())?;
    for batch in batches {
        writer.write(batch).map_err(|e| e.to_string())?;
    }
    writer.finish().map_err(|e| e.to_string())
}

fn read_parquet(path: &Path) -> Result<Vec<RecordBatch>, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| e.to_string())?
        .map(|b| b.map_err(|e| e.to_string()))
        .collect()
}

fn read_arrow(path: &Path) -> Result<Vec<RecordBatch>, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    arrow_ipc::reader::FileReader::try_new(file, None)
        .map_err(|e| e.to_string())?
        .map(|b| b.map_err(|e| e.to_string()))
        .collect()
}

/// W1's output records as `avtal run` writes them in CSV.
fn as_csv(batches: &[RecordBatch]) -> String {
    let mut text = String::new();
    if let Some(first) = batches.first() {
        let names: Vec<String> = first
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        text.push_str(&names.join(","));
        text.push('\n');
    }
    for batch in batches {
        for row in 0..batch.num_rows() {
            let cells: Vec<String> = batch
                .columns()
                .iter()
                .map(|c| cell(c.as_ref(), row))
                .collect();
            text.push_str(&cells.join(","));
            text.push('\n');
        }
    }
    text
}

fn cell(column: &dyn Array, row: usize) -> String {
    match column.data_type() {
        DataType::Int64 => column.as_primitive::<Int64Type>().value(row).to_string(),
        DataType::Decimal128(_, 2) => {
            let m = column.as_primitive::<Decimal128Type>().value(row);
            let sign = if m < 0 { "-" } else { "" };
            let m = m.unsigned_abs();
            format!("{sign}{}.{:02}", m / 100, m % 100)
        }
        DataType::Boolean => column.as_boolean().value(row).to_string(),
        DataType::Date32 => {
            let days = column.as_primitive::<Date32Type>().value(row);
            NaiveDate::from_ymd_opt(1970, 1, 1)
                .and_then(|d| d.checked_add_signed(chrono::TimeDelta::days(i64::from(days))))
                .map_or_else(String::new, |d| d.to_string())
        }
        other => format!("<{other}>"),
    }
}
