//! W1 throughput: interpreter, compiled evaluator (compute only, and with
//! the interpreter fallback) and the JIT compile time, side by side.
//!
//! `cargo bench -p avtal-engine --bench w1 -- POPULATION.csv`
//! (default: the bundled 1000-record population; for the figures
//! use `python3 ../shared/bench/gen_population.py 1000000 -o pop.csv`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark binary, not library code"
)]

use std::time::Instant;

use avtal_compiler::data::DataType;
use avtal_compiler::eval::{Interpreter, Value};
use avtal_compiler::{Sources, compile, stdlib};
use avtal_engine::{Engine, PreparedEntry, Results};

fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_else(|| format!("{root}/examples/w1_population.csv"));
    let mut sources = Sources::new();
    stdlib::add_to(&mut sources);
    let text = std::fs::read_to_string(format!("{root}/examples/w1_payroll_month.avtal")).unwrap();
    sources.add("w1_payroll_month.avtal", text);
    let compilation = compile(&sources);
    assert!(!compilation.has_errors());
    let program = &compilation.program;
    let (entry, function) = program
        .entry_points()
        .find(|(_, f)| f.name == "W1")
        .unwrap();
    let ty = DataType::new(program, &function.params[0].1);
    let fields = ty.record_fields().unwrap();

    let data = std::fs::read_to_string(&path).unwrap();
    let mut lines = data.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let columns: Vec<usize> = fields
        .iter()
        .map(|(name, _)| header.iter().position(|h| h == name).unwrap())
        .collect();
    let records: Vec<Value> = lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let values: Vec<Value> = fields
                .iter()
                .zip(&columns)
                .map(|((_, t), c)| t.parse_text(cells[*c]).unwrap())
                .collect();
            Value::Record(values.into())
        })
        .collect();
    let n = records.len();
    println!("W1, {n} records from {path}");

    let started = Instant::now();
    let checked = program.entry(entry).unwrap();
    let mut prepared = PreparedEntry::prepare(program, checked, Engine::Jit);
    assert!(prepared.is_native(), "{:?}", prepared.not_compiled());
    let compile_time = started.elapsed();
    println!(
        "JIT compile of W1: {:.2} ms",
        compile_time.as_secs_f64() * 1e3
    );

    let interpreter = Interpreter::new(program);
    let started = Instant::now();
    let mut errors = 0usize;
    for record in &records {
        if interpreter
            .call(entry, std::slice::from_ref(record))
            .is_err()
        {
            errors += 1;
        }
    }
    let interp = started.elapsed().as_secs_f64();
    println!(
        "interpreter:        {:>12.0} records/s ({errors} errors)",
        n as f64 / interp
    );

    // Compute only: records already read into one input batch.
    let codec = prepared.input_codec();
    let mut batch = codec.new_batch();
    for record in &records {
        codec.push_value(&mut batch, record.clone());
    }
    let mut results = Results::default();
    let best = (0..5)
        .map(|_| {
            let started = Instant::now();
            prepared.evaluate(&batch, &mut results);
            started.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min);
    println!(
        "JIT compute only:   {:>12.0} records/s, {:.1}x the interpreter",
        n as f64 / best,
        interp / best
    );

    // Values in and out: read, evaluate, decode, in batches of 4096.
    let started = Instant::now();
    let mut decoded = 0usize;
    for chunk in records.chunks(4096) {
        batch.clear();
        for record in chunk {
            codec.push_value(&mut batch, record.clone());
        }
        prepared.evaluate(&batch, &mut results);
        for i in 0..results.len() {
            if let Some(Ok(computed)) = results.get(i) {
                std::hint::black_box(computed.to_value());
                decoded += 1;
            }
        }
    }
    let full = started.elapsed().as_secs_f64();
    println!(
        "JIT evaluator:      {:>12.0} records/s ({decoded} values in and out, fallback included), {:.1}x the interpreter",
        n as f64 / full,
        interp / full
    );
}
