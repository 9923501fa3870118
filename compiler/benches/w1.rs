//! W1 throughput: interpreter, compiled evaluator (compute only, and with
//! the interpreter fallback) and the JIT compile time, side by side.
//!
//! `cargo bench -p avtal-compiler --bench w1 -- POPULATION.csv`
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

use avtal_compiler::codegen::{CompiledEntry, Evaluator, encode_value};
use avtal_compiler::data::DataType;
use avtal_compiler::eval::{Interpreter, Value};
use avtal_compiler::{Sources, compile, stdlib};

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
    let compiled = CompiledEntry::compile(program, entry).unwrap();
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

    // Compute only: records already in the input layout.
    let input_layout = compiled.input_layout().clone();
    let mut input = vec![0u8; n * input_layout.stride];
    for (record, bytes) in records
        .iter()
        .zip(input.chunks_exact_mut(input_layout.stride))
    {
        let Value::Record(values) = record else {
            unreachable!()
        };
        for (i, value) in values.iter().enumerate() {
            encode_value(&input_layout, i, value, bytes).unwrap();
        }
    }
    let mut output = vec![0u8; n * compiled.output_layout().stride];
    let mut status = vec![0u8; n];
    let best = (0..5)
        .map(|_| {
            let started = Instant::now();
            compiled.run_batch(&input, n, &mut output, &mut status);
            started.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min);
    let fallback = status.iter().filter(|s| **s != 0).count();
    println!(
        "JIT compute only:   {:>12.0} records/s ({fallback} records need the interpreter, {:.2} %), {:.1}x the interpreter",
        n as f64 / best,
        100.0 * fallback as f64 / n as f64,
        interp / best
    );

    // The evaluator: encode, run, decode, interpreter for the fallback.
    let mut evaluator = Evaluator::new(program, entry);
    let mut results = Vec::with_capacity(4096);
    let started = Instant::now();
    for chunk in records.chunks(4096) {
        results.clear();
        evaluator.evaluate_batch(chunk, &mut results);
    }
    let full = started.elapsed().as_secs_f64();
    println!(
        "JIT evaluator:      {:>12.0} records/s (values in and out, fallback included), {:.1}x the interpreter",
        n as f64 / full,
        interp / full
    );
}
