//! The columnar benchmark's in-process half: W1 over a Parquet population
//! already in memory as Arrow record batches, evaluated from Rust with the
//! engine's `ArrowEvaluator` and from Python with the `avtal` package's
//! `Entry.evaluate` (`bench/columnar_python.py`), side by side.
//!
//! Both sides do the same work: the file is read and W1 compiled before
//! the clock starts; the clock covers binding the columns, evaluating and
//! building the result batches (and, in Python, handing the table over
//! through the PyCapsule interface and back).

use std::fs::File;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use arrow_array::RecordBatch;
use avtal_compiler::{Sources, compile, stdlib};
use avtal_engine::arrow::ArrowEvaluator;
use avtal_engine::{Engine, PreparedEntry};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

const W1_SOURCE: &str = include_str!("../../../../examples/w1_payroll_month.avtal");

/// Rows per record batch read from the file, as pyarrow's reader gives
/// them for this file.
const READ_BATCH: usize = 65_536;

/// Best times of the Rust and the Python evaluation.
pub struct Side {
    pub rust: Duration,
    pub python: Option<Duration>,
}

/// Evaluate the population in `parquet` `rounds` times on each side,
/// alternating; `python` is an interpreter where `import avtal` works
/// (`None`: the Rust side only).
pub fn rust_and_python(
    parquet: &Path,
    python: Option<&Path>,
    rounds: usize,
) -> Result<Side, String> {
    let mut sources = Sources::new();
    stdlib::add_to(&mut sources);
    sources.add("examples/w1_payroll_month.avtal", W1_SOURCE);
    let compilation = compile(&sources);
    if compilation.has_errors() {
        return Err("examples/w1_payroll_month.avtal does not check".into());
    }
    let program = &compilation.program;
    let (id, _) = program
        .entry_points()
        .find(|(_, f)| f.name == "W1")
        .ok_or("no entry point W1")?;
    let entry = program.entry(id).copied().ok_or("no entry point W1")?;
    let mut prepared = PreparedEntry::prepare(program, &entry, Engine::Jit);
    let batches = read(parquet)?;
    let records: usize = batches.iter().map(RecordBatch::num_rows).sum();

    let mut side = Side {
        rust: Duration::MAX,
        python: None,
    };
    for _ in 0..rounds {
        let started = Instant::now();
        let schema = batches.first().ok_or("an empty population")?.schema();
        let mut evaluator = ArrowEvaluator::new(&prepared, &schema).map_err(|m| m.message)?;
        let mut written = 0;
        let mut failed = 0;
        for batch in &batches {
            let results = evaluator
                .evaluate(&mut prepared, batch, |_, _| failed += 1)
                .map_err(|e| e.to_string())?;
            written += results.num_rows();
        }
        side.rust = side.rust.min(started.elapsed());
        if written != records || failed != 0 {
            return Err(format!(
                "Rust: {written} results and {failed} errors for {records} records"
            ));
        }
        if let Some(python) = python {
            let took = python_round(python, parquet, records)?;
            side.python = Some(side.python.map_or(took, |best| best.min(took)));
        }
    }
    Ok(side)
}

fn read(parquet: &Path) -> Result<Vec<RecordBatch>, String> {
    let file = File::open(parquet).map_err(|e| e.to_string())?;
    ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.with_batch_size(READ_BATCH).build())
        .map_err(|e| e.to_string())?
        .map(|b| b.map_err(|e| e.to_string()))
        .collect()
}

/// One timed `Entry.evaluate` of the whole table in a fresh Python.
fn python_round(python: &Path, parquet: &Path, records: usize) -> Result<Duration, String> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = Command::new(python)
        .current_dir(&workspace)
        .arg("bench/columnar_python.py")
        .arg(parquet)
        .output()
        .map_err(|e| format!("cannot start {}: {e}", python.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "bench/columnar_python.py failed: {}{}",
            stdout,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    // `SECONDS RESULTS ERRORS`
    let fields: Vec<&str> = stdout.split_whitespace().collect();
    let [seconds, results, errors] = fields.as_slice() else {
        return Err(format!("bench/columnar_python.py printed {stdout:?}"));
    };
    let seconds: f64 = seconds
        .parse()
        .map_err(|_| format!("not seconds: {seconds}"))?;
    if *results != records.to_string() || *errors != "0" {
        return Err(format!(
            "Python: {results} results and {errors} errors for {records} records"
        ));
    }
    Ok(Duration::from_secs_f64(seconds))
}
