//! `w2-baseline IN.jsonl -o OUT.csv [--bench ROUNDS]`: workload W2 by the
//! hand-written Rust baseline (`avtal_bench::w2_baseline`), one CSV row per
//! JSON line in input order, byte for byte what `bench/w2/reference.py`
//! writes.
//!
//! A malformed line stops the run: the message names the file and line,
//! the partial output is removed, and the exit status is 1. The time of the
//! whole run goes to stderr; `--bench ROUNDS` then times parsing alone and
//! evaluation alone over the records held in memory (best of ROUNDS).

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use avtal_bench::w2_baseline::{CSV_HEADER, Output, Record, evaluate, parse_record, write_csv_row};

const USAGE: &str = "usage: w2-baseline IN.jsonl -o OUT.csv [--bench ROUNDS]";

struct Args {
    input: String,
    output: String,
    bench_rounds: Option<usize>,
}

fn parse_args(args: &[String]) -> Option<Args> {
    let (mut input, mut output, mut bench_rounds) = (None, None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "-o" | "--output" => output = Some(it.next()?.clone()),
            "--bench" => bench_rounds = Some(it.next()?.parse().ok()?),
            _ if input.is_none() && !arg.starts_with('-') => input = Some(arg.clone()),
            _ => return None,
        }
    }
    Some(Args {
        input: input?,
        output: output?,
        bench_rounds,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(args) = parse_args(&args) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let started = Instant::now();
    let records = match run(&args) {
        Ok(n) => n,
        Err(message) => {
            // The output is only ever complete; a partial file would pass for one.
            let _ = std::fs::remove_file(&args.output);
            eprintln!("error: {message}");
            return ExitCode::from(1);
        }
    };
    let elapsed = started.elapsed();
    eprintln!(
        "w2-baseline: {records} records in {:.3} s ({:.0} records/s, read + parse + evaluate + write)",
        elapsed.as_secs_f64(),
        per_second(records, elapsed)
    );
    if let Some(rounds) = args.bench_rounds
        && let Err(message) = bench(&args.input, rounds.max(1))
    {
        eprintln!("error: {message}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// Streams the input to the output; the number of records.
fn run(args: &Args) -> Result<usize, String> {
    let input = File::open(&args.input).map_err(|e| format!("{}: {e}", args.input))?;
    let output = File::create(&args.output).map_err(|e| format!("{}: {e}", args.output))?;
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let mut writer = BufWriter::with_capacity(1 << 16, output);
    let write_error = |e: std::io::Error| format!("{}: {e}", args.output);
    writeln!(writer, "{CSV_HEADER}").map_err(write_error)?;
    let mut line = Vec::new();
    let mut line_number = 0;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("{}: {e}", args.input))?;
        if n == 0 {
            break;
        }
        line_number += 1;
        let record = decode(&line).map_err(|e| format!("{}:{line_number}: {e}", args.input))?;
        write_csv_row(&mut writer, &evaluate(&record)).map_err(write_error)?;
    }
    writer.flush().map_err(write_error)?;
    Ok(line_number)
}

fn decode(line: &[u8]) -> Result<Record, String> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let text = std::str::from_utf8(line).map_err(|_| "not UTF-8".to_string())?;
    parse_record(text).map_err(|e| e.to_string())
}

/// Parsing alone and evaluation alone, each the best of `rounds`.
fn bench(path: &str, rounds: usize) -> Result<(), String> {
    let text = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
    let mut records: Vec<Record> = Vec::new();
    let mut best_parse = Duration::MAX;
    for _ in 0..rounds {
        let started = Instant::now();
        let parsed = lines
            .iter()
            .map(|line| decode(line))
            .collect::<Result<Vec<_>, _>>()?;
        best_parse = best_parse.min(started.elapsed());
        records = parsed;
    }
    let mut outputs: Vec<Output> = Vec::with_capacity(records.len());
    let mut best_evaluate = Duration::MAX;
    for _ in 0..rounds {
        outputs.clear();
        let started = Instant::now();
        outputs.extend(records.iter().map(evaluate));
        best_evaluate = best_evaluate.min(started.elapsed());
        std::hint::black_box(&outputs);
    }
    let n = records.len();
    eprintln!(
        "best of {rounds}: parse {:.3} s ({:.0} records/s), evaluate {:.3} s ({:.0} records/s)",
        best_parse.as_secs_f64(),
        per_second(n, best_parse),
        best_evaluate.as_secs_f64(),
        per_second(n, best_evaluate),
    );
    Ok(())
}

fn per_second(n: usize, elapsed: Duration) -> f64 {
    n as f64 / elapsed.as_secs_f64().max(1e-9)
}
