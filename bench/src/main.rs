//! `w1-bench POPULATION.csv [--rounds N]`: workload W1 timed side by side
//! in one run, so that the ratios hold on a noisy machine even when the
//! absolute figures move.
//!
//! Measured: the reference interpreter (compute only, records decoded
//! beforehand), `avtal run` end to end (CSV in, CSV out, the binary next to
//! this one), a hand-written Rust W1 on `rust_decimal`, and a hand-written
//! `i64` fixed-point W1 (the practical limit). Every engine's results are
//! compared record by record before anything is timed.
//!
//! Make a population with `python3 ../shared/bench/gen_population.py 1000000 -o pop.csv`,
//! then `cargo run --release -p avtal-bench -- pop.csv`. `--against
//! OTHER_AVTAL` also times another build's `avtal run` in the same rounds
//! (after checking that it writes the same bytes) and prints the ratio.

mod baseline_decimal;
mod baseline_fixed;
mod engines;
mod population;

use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: w1-bench POPULATION.csv [--rounds N] [--against OTHER_AVTAL]");
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
        .map(std::path::PathBuf::from);
    match run(path, rounds, against.as_ref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

struct Timing {
    name: &'static str,
    best: Duration,
}

fn run(path: &str, rounds: usize, against: Option<&std::path::PathBuf>) -> Result<(), String> {
    let (employees, rows, header) = population::read(path)?;
    let n = employees.len();
    println!("W1 over {n} records from {path}, best of {rounds} rounds\n");
    let interpreter = engines::InterpreterEngine::new(&rows, &header)?;
    println!(
        "compile (parse + check) of the W1 module: {:.2} ms",
        interpreter.compile_time.as_secs_f64() * 1000.0
    );

    let mut jit = interpreter.jit()?;
    println!(
        "JIT compile of the W1 module: {:.2} ms",
        jit.compile_time.as_secs_f64() * 1000.0
    );

    // Agreement first: every engine against the interpreter, record by record.
    let reference = interpreter.evaluate_all()?;
    let compiled = interpreter.evaluate_all_jit()?;
    let mut mismatches = [0usize; 3];
    for (i, e) in employees.iter().enumerate() {
        let expected = reference.get(i).copied();
        if Some(baseline_decimal::w1(e)) != expected {
            mismatches[0] += 1;
        }
        if baseline_fixed::w1(e) != expected {
            mismatches[1] += 1;
        }
        if compiled.get(i).copied() != expected {
            mismatches[2] += 1;
        }
    }
    println!(
        "differences from the interpreter: JIT {}, rust_decimal baseline {}, i64 baseline {}\n",
        mismatches[2], mismatches[0], mismatches[1]
    );
    if mismatches.iter().any(|m| *m > 0) {
        return Err("the engines disagree; timings would compare different work".into());
    }

    let mut timings = vec![
        Timing {
            name: "interpreter (compute only)",
            best: Duration::MAX,
        },
        Timing {
            name: "JIT (compute only)",
            best: Duration::MAX,
        },
        Timing {
            name: "avtal run, CSV to CSV (end to end)",
            best: Duration::MAX,
        },
        Timing {
            name: "hand-written rust_decimal",
            best: Duration::MAX,
        },
        Timing {
            name: "hand-written i64 fixed point",
            best: Duration::MAX,
        },
    ];
    let end_to_end = engines::avtal_binary();
    if let (Some(binary), Some(other)) = (&end_to_end, against) {
        engines::run_binary_to(binary, path, "avtal-w1-bench-this.csv")?;
        engines::run_binary_to(other, path, "avtal-w1-bench-other.csv")?;
        let this = std::fs::read(std::env::temp_dir().join("avtal-w1-bench-this.csv"));
        let that = std::fs::read(std::env::temp_dir().join("avtal-w1-bench-other.csv"));
        if this.map_err(|e| e.to_string())? != that.map_err(|e| e.to_string())? {
            return Err(format!(
                "{} writes other bytes than this build",
                other.display()
            ));
        }
        println!(
            "`avtal run` of {} writes the same bytes as this build\n",
            other.display()
        );
    }
    let mut other_best = Duration::MAX;
    let mut decimal_out = vec![population::Outputs::default(); employees.len()];
    let mut fixed_out = vec![None; employees.len()];
    for _ in 0..rounds {
        let t = Instant::now();
        let sink = interpreter.evaluate_count()?;
        record(&mut timings, 0, t.elapsed(), sink);
        let t = Instant::now();
        let failed = jit.evaluate_count();
        record(&mut timings, 1, t.elapsed(), failed);
        if let Some(binary) = &end_to_end {
            let t = Instant::now();
            engines::run_binary(binary, path)?;
            record(&mut timings, 2, t.elapsed(), 0);
        }
        if let Some(other) = against {
            let t = Instant::now();
            engines::run_binary_to(other, path, "avtal-w1-bench-other.csv")?;
            other_best = other_best.min(t.elapsed());
        }
        // The baselines store every output of every record, as the JIT
        // stores its output records: summing one field would let the
        // optimiser drop the outputs nobody reads (the notice date).
        let t = Instant::now();
        for (e, out) in employees.iter().zip(decimal_out.iter_mut()) {
            *out = baseline_decimal::w1(e);
        }
        std::hint::black_box(&mut decimal_out);
        record(&mut timings, 3, t.elapsed(), decimal_out.len());
        let t = Instant::now();
        for (e, out) in employees.iter().zip(fixed_out.iter_mut()) {
            *out = baseline_fixed::w1(e);
        }
        std::hint::black_box(&mut fixed_out);
        record(&mut timings, 4, t.elapsed(), fixed_out.len());
    }
    let fixed = timings.get(4).map(|t| t.best).unwrap_or(Duration::MAX);
    let decimal = timings.get(3).map(|t| t.best).unwrap_or(Duration::MAX);
    println!(
        "{:<38} {:>10} {:>12} {:>12} {:>12}",
        "engine", "ms", "M records/s", "÷ decimal", "÷ i64"
    );
    for t in &timings {
        if t.best == Duration::MAX {
            println!("{:<38} {:>10}", t.name, "not run");
            continue;
        }
        let secs = t.best.as_secs_f64();
        println!(
            "{:<38} {:>10.1} {:>12.3} {:>12.2} {:>12.2}",
            t.name,
            secs * 1000.0,
            n as f64 / secs / 1e6,
            secs / decimal.as_secs_f64(),
            secs / fixed.as_secs_f64()
        );
    }
    if let (Some(other), Some(this)) = (against, timings.get(2).map(|t| t.best)) {
        let secs = other_best.as_secs_f64();
        println!(
            "{:<38} {:>10.1} {:>12.3}   this build takes {:.2}× its time",
            format!("avtal run of {}", other.display()),
            secs * 1000.0,
            n as f64 / secs / 1e6,
            this.as_secs_f64() / secs
        );
    }
    Ok(())
}

fn record(timings: &mut [Timing], index: usize, elapsed: Duration, sink: usize) {
    // Keep the result alive so the work is not optimised away.
    std::hint::black_box(sink);
    if let Some(t) = timings.get_mut(index) {
        t.best = t.best.min(elapsed);
    }
}
