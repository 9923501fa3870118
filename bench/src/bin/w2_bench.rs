//! `w2-bench POPULATION.jsonl [--rounds N]`: workload W2 timed side by
//! side in one run, so that the ratios hold on a noisy machine.
//!
//! Measured, compute only (records read beforehand): the compiled
//! evaluator through the engine boundary (as `avtal run` uses it), the
//! reference interpreter, and the hand-written Rust W2
//! (`avtal_bench::w2_baseline`: integer minutes, a cached per-year
//! calendar, every output stored). Then `avtal run` end to end, JSON Lines
//! in and CSV out (the binary next to this one). Every engine's outputs are
//! compared with the baseline's, CSV line for CSV line, before anything is
//! timed; a record the compiled code sends to the interpreter is counted.
//!
//! `python3 bench/w2/gen_time_reports.py 100000 -o w2.jsonl`, then
//! `cargo run --release -p avtal-bench --bin w2-bench -- w2.jsonl`.
//! `--against OTHER_AVTAL` also times another build's `avtal run` in the
//! same rounds (after checking that it writes the same bytes).
//! `--no-interpreter` leaves the interpreter out (its line then times one
//! record), for counting instructions under callgrind.

use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use avtal_bench::w2_baseline;
use avtal_compiler::data::DataType;
use avtal_compiler::eval::{Interpreter, Value};
use avtal_compiler::source::Sources;
use avtal_engine::{Engine, PreparedEntry, Results};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!(
            "usage: w2-bench POPULATION.jsonl [--rounds N] [--against OTHER_AVTAL] [--no-interpreter]"
        );
        return ExitCode::from(1);
    };
    let rounds: usize = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    let against = args
        .iter()
        .position(|a| a == "--against")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    // Without the interpreter (its check and its timing): for counting
    // instructions under callgrind, which does not depend on the load.
    let interpreter = !args.iter().any(|a| a == "--no-interpreter");
    match run(path, rounds, against.as_ref(), interpreter) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

fn best_of(rounds: usize, mut f: impl FnMut() -> Result<(), String>) -> Result<Duration, String> {
    let mut best = Duration::MAX;
    for _ in 0..rounds.max(1) {
        let start = Instant::now();
        f()?;
        best = best.min(start.elapsed());
    }
    Ok(best)
}

fn run(
    path: &str,
    rounds: usize,
    against: Option<&PathBuf>,
    with_interpreter: bool,
) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let n = lines.len();
    println!("W2 over {n} records from {path}, best of {rounds} rounds\n");

    // The hand-written baseline's records and outputs: the reference here.
    let records: Vec<w2_baseline::Record> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| w2_baseline::parse_record(l).map_err(|e| format!("line {}: {e:?}", i + 1)))
        .collect::<Result<_, _>>()?;
    let expected: Vec<String> = records
        .iter()
        .map(|r| csv_row(&w2_baseline::evaluate(r)))
        .collect::<Result<_, _>>()?;

    let start = Instant::now();
    let mut sources = Sources::new();
    avtal_compiler::stdlib::add_to(&mut sources);
    let source_path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/w2_time_report.avtal");
    let source = std::fs::read_to_string(&source_path)
        .map_err(|e| format!("cannot read {}: {e}", source_path.display()))?;
    sources.add("w2_time_report.avtal", &source);
    let compilation = avtal_compiler::compile(&sources);
    if compilation.has_errors() {
        return Err("the W2 example does not check".into());
    }
    let program = &compilation.program;
    let entry = program.entries.first().ok_or("W2 has no entry point")?;
    println!(
        "parse + check of W2 and the stdlib: {:.0} ms",
        ms(start.elapsed())
    );
    let input = DataType::new(program, &Type::Record(entry.input));
    let values: Vec<Value> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            input
                .parse_json_text(l)
                .map_err(|e| format!("line {}: {e:?}", i + 1))
        })
        .collect::<Result<_, _>>()?;

    let start = Instant::now();
    let mut prepared = PreparedEntry::prepare(program, entry, Engine::Jit);
    if let Some(why) = prepared.not_compiled() {
        return Err(format!("W2 does not compile: {why}"));
    }
    println!("JIT compile of W2: {:.0} ms", ms(start.elapsed()));
    let codec = prepared.input_codec();
    let mut batch = codec.new_batch();
    for value in &values {
        codec.push_value(&mut batch, value.clone());
    }
    let mut results = Results::default();
    prepared.evaluate(&batch, &mut results);
    for (i, want) in expected.iter().enumerate() {
        let got = match results.get(i) {
            Some(Ok(computed)) => computed.to_value(),
            other => return Err(format!("record {}: {other:?}", i + 1)),
        };
        let line = format_output(program, entry, &got);
        if line != *want {
            return Err(format!(
                "record {}: compiled {line}, baseline {want}",
                i + 1
            ));
        }
    }
    println!(
        "records the compiled code sent to the interpreter: {}\n",
        n - results.computed_natively()
    );

    let interpreter = Interpreter::new(program);
    let checked = if with_interpreter { 2000 } else { 0 };
    for (i, (value, want)) in values.iter().zip(&expected).enumerate().take(checked) {
        let got = interpreter
            .call(entry.function, std::slice::from_ref(value))
            .map_err(|e| format!("record {}: {e}", i + 1))?;
        if format_output(program, entry, &got) != *want {
            return Err(format!("record {}: the interpreter differs", i + 1));
        }
    }

    let interp_n = if with_interpreter { n.min(20_000) } else { 1 };
    let interp = best_of(1, || {
        for value in values.iter().take(interp_n) {
            interpreter
                .call(entry.function, std::slice::from_ref(value))
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    })?;
    let interp = interp.mul_f64(n as f64 / interp_n as f64);
    // Every output of every record stored, as the compiled code stores
    // its output records (a sum of one field would let the optimiser drop
    // the others). The two alternate round by round, so that a busy
    // moment of the machine weighs on both alike.
    let mut outputs: Vec<w2_baseline::Output> = Vec::with_capacity(records.len());
    let (mut jit, mut baseline) = (Duration::MAX, Duration::MAX);
    for _ in 0..rounds.max(1) {
        jit = jit.min(best_of(1, || {
            prepared.evaluate(&batch, &mut results);
            Ok(())
        })?);
        baseline = baseline.min(best_of(1, || {
            outputs.clear();
            outputs.extend(records.iter().map(w2_baseline::evaluate));
            std::hint::black_box(&outputs);
            Ok(())
        })?);
    }

    println!("{:<44} {:>10} {:>14}", "compute only", "time", "records/s");
    for (name, time) in [
        ("Avtal JIT (engine boundary)", jit),
        ("Avtal interpreter (extrapolated)", interp),
        ("hand-written Rust, integer minutes", baseline),
    ] {
        println!(
            "{name:<44} {:>8.1} ms {:>14.0}",
            ms(time),
            n as f64 / time.as_secs_f64()
        );
    }
    println!(
        "\nJIT vs interpreter: {:.1}×; JIT vs hand-written Rust: {:.2}× the time",
        interp.as_secs_f64() / jit.as_secs_f64(),
        jit.as_secs_f64() / baseline.as_secs_f64()
    );

    match avtal_binary() {
        Some(binary) => {
            if let Some(other) = against {
                run_binary(&binary, path, "avtal-w2-bench-this.csv")?;
                run_binary(other, path, "avtal-w2-bench-other.csv")?;
                let read = |name: &str| {
                    std::fs::read(std::env::temp_dir().join(name)).map_err(|e| e.to_string())
                };
                if read("avtal-w2-bench-this.csv")? != read("avtal-w2-bench-other.csv")? {
                    return Err(format!(
                        "{} writes other bytes than this build",
                        other.display()
                    ));
                }
            }
            let mut other_best = Duration::MAX;
            let end_to_end = best_of(rounds, || {
                if let Some(other) = against {
                    let start = Instant::now();
                    run_binary(other, path, "avtal-w2-bench-other.csv")?;
                    other_best = other_best.min(start.elapsed());
                }
                run_binary(&binary, path, "avtal-w2-bench-out.csv")
            })?;
            println!(
                "\navtal run, JSON Lines → CSV, end to end (compile included): {:.0} ms, {:.0} records/s",
                ms(end_to_end),
                n as f64 / end_to_end.as_secs_f64()
            );
            if let Some(other) = against {
                println!(
                    "avtal run of {} (same bytes): {:.0} ms, {:.0} records/s; this build takes {:.2}× its time",
                    other.display(),
                    ms(other_best),
                    n as f64 / other_best.as_secs_f64(),
                    end_to_end.as_secs_f64() / other_best.as_secs_f64()
                );
            }
        }
        None => println!(
            "\n(no avtal binary next to this one: build avtal-cli in release to time `avtal run`)"
        ),
    }
    Ok(())
}

use avtal_compiler::types::Type;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn csv_row(output: &w2_baseline::Output) -> Result<String, String> {
    let mut bytes = Vec::new();
    w2_baseline::write_csv_row(&mut bytes, output).map_err(|e| e.to_string())?;
    String::from_utf8(bytes)
        .map(|s| s.trim_end().to_string())
        .map_err(|e| e.to_string())
}

/// An output record as `avtal run` writes it, fields in order.
fn format_output(
    program: &avtal_compiler::ir::Program,
    entry: &avtal_compiler::ir::EntryPoint,
    value: &Value,
) -> String {
    let ty = DataType::new(program, &Type::Record(entry.output));
    let (Some(fields), Value::Record(values)) = (ty.record_fields(), value) else {
        return String::new();
    };
    let mut cells = Vec::with_capacity(fields.len());
    for ((_, field_ty), value) in fields.iter().zip(values.iter()) {
        let mut cell = String::new();
        if field_ty.write_cell(value, &mut cell).is_err() {
            cell = format!("{value:?}");
        }
        cells.push(cell);
    }
    cells.join(",")
}

fn avtal_binary() -> Option<PathBuf> {
    let me = std::env::current_exe().ok()?;
    let candidate = me.parent()?.join("avtal");
    candidate.exists().then_some(candidate)
}

fn run_binary(binary: &PathBuf, population: &str, out: &str) -> Result<(), String> {
    let out = std::env::temp_dir().join(out);
    let status = Command::new(binary)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."))
        .args([
            "run",
            "examples/w2_time_report.avtal",
            "--input",
            population,
            "--output",
        ])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("avtal run failed: {status}"))
    }
}
