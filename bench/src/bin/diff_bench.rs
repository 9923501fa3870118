//! `diff-bench POPULATION.csv [--rounds N]`: `avtal diff` against two
//! `avtal run`s over the same W1 population, timed side by side in one
//! run, with the peak memory of each process.
//!
//! OLD is `examples/w1_payroll_month.avtal`; NEW is a copy with the
//! vacation-guarantee amount from 2027 raised to 1800 SEK. The budget is
//! "diff within 2× the time of the two runs"; the ratio is printed. Peak
//! memory is the child's `VmHWM` (high-water mark of resident memory) from
//! `/proc/PID/status`, polled while it runs (Linux only; the mark only
//! grows, so the last reading is the peak up to the last few milliseconds).
//! Constant memory is shown by running diff on the first 10,000 rows too.
//!
//! Build the `avtal` binary in the same profile first:
//! `cargo build --release -p avtal-cli -p avtal-bench`, then
//! `target/release/diff-bench /tmp/pop1m.csv`.

use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const OLD: &str = "examples/w1_payroll_month.avtal";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(population) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: diff-bench POPULATION.csv [--rounds N]");
        return ExitCode::from(1);
    };
    let rounds: usize = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    match run(Path::new(population), rounds.max(1)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

/// One measured process: wall time and peak resident memory.
#[derive(Clone, Copy)]
struct Measure {
    time: Duration,
    peak_kib: u64,
}

fn run(population: &Path, rounds: usize) -> Result<(), String> {
    let avtal = avtal_binary()
        .ok_or("no `avtal` binary next to diff-bench; build avtal-cli in the same profile")?;
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let scratch = std::env::temp_dir().join("avtal-diff-bench");
    fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let new = scratch.join("w1_new.avtal");
    let source = fs::read_to_string(workspace.join(OLD)).map_err(|e| e.to_string())?;
    let edited = source.replace("from 2027-01-01 = 1759 SEK", "from 2027-01-01 = 1800 SEK");
    if edited == source {
        return Err("the W1 source no longer has the line this benchmark edits".into());
    }
    fs::write(&new, edited).map_err(|e| e.to_string())?;
    let population =
        fs::canonicalize(population).map_err(|e| format!("{}: {e}", population.display()))?;
    let rows = count_rows(&population)?;
    let small = scratch.join("first_10000.csv");
    head(&population, &small, 10_000)?;

    let run_args = |file: &Path, out: &Path| -> Vec<String> {
        vec![
            "run".into(),
            file.display().to_string(),
            "--input".into(),
            population.display().to_string(),
            "--output".into(),
            out.display().to_string(),
            "--quiet".into(),
        ]
    };
    let diff_args = |input: &Path| -> Vec<String> {
        vec![
            "diff".into(),
            OLD.into(),
            new.display().to_string(),
            "--input".into(),
            input.display().to_string(),
            "--by".into(),
            "division".into(),
        ]
    };
    let old_path = workspace.join(OLD);
    let (old_out, new_out) = (scratch.join("old_out.csv"), scratch.join("new_out.csv"));

    println!(
        "avtal diff vs two avtal runs, W1 over {rows} records from {}, best of {rounds}\n",
        population.display()
    );
    let mut best_runs: Option<(Measure, Measure)> = None;
    let mut best_diff: Option<Measure> = None;
    for round in 1..=rounds {
        let old_run = measure(&avtal, &workspace, &run_args(&old_path, &old_out))?;
        let new_run = measure(&avtal, &workspace, &run_args(&new, &new_out))?;
        let diff = measure(&avtal, &workspace, &diff_args(&population))?;
        println!(
            "round {round}: run OLD {:.2} s, run NEW {:.2} s, diff {:.2} s",
            old_run.time.as_secs_f64(),
            new_run.time.as_secs_f64(),
            diff.time.as_secs_f64()
        );
        let sum = old_run.time + new_run.time;
        if best_runs.is_none_or(|(a, b)| sum < a.time + b.time) {
            best_runs = Some((old_run, new_run));
        }
        if best_diff.is_none_or(|d| diff.time < d.time) {
            best_diff = Some(diff);
        }
    }
    let (Some((old_run, new_run)), Some(diff)) = (best_runs, best_diff) else {
        return Err("no rounds ran".into());
    };
    let small_diff = measure(&avtal, &workspace, &diff_args(&small))?;

    let two_runs = (old_run.time + new_run.time).as_secs_f64();
    let ratio = diff.time.as_secs_f64() / two_runs;
    println!();
    println!("{:<34} {:>10} {:>14}", "", "time", "peak memory");
    let line = |name: &str, m: Measure| {
        println!(
            "{name:<34} {:>8.2} s {:>10.1} MiB",
            m.time.as_secs_f64(),
            m.peak_kib as f64 / 1024.0
        );
    };
    line("avtal run OLD", old_run);
    line("avtal run NEW", new_run);
    println!("{:<34} {:>8.2} s", "two runs", two_runs);
    line("avtal diff OLD NEW --by division", diff);
    line("avtal diff, first 10,000 rows", small_diff);
    println!();
    println!(
        "diff / two runs = {ratio:.2} (budget 2.00): {}",
        if ratio <= 2.0 { "within" } else { "OVER" }
    );
    Ok(())
}

/// Run `avtal ARGS`, polling its peak memory until it ends.
fn measure(avtal: &Path, dir: &Path, args: &[String]) -> Result<Measure, String> {
    let started = Instant::now();
    let mut child = Command::new(avtal)
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", avtal.display()))?;
    let status_file = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut peak_kib = 0;
    let status = loop {
        if let Some(kib) = vm_hwm(&status_file) {
            peak_kib = peak_kib.max(kib);
        }
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) => break status,
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    let time = started.elapsed();
    if !status.success() {
        return Err(format!("avtal {} failed: {status}", args.join(" ")));
    }
    Ok(Measure { time, peak_kib })
}

fn vm_hwm(status_file: &Path) -> Option<u64> {
    let text = fs::read_to_string(status_file).ok()?;
    let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn count_rows(path: &Path) -> Result<u64, String> {
    let file = fs::File::open(path).map_err(|e| e.to_string())?;
    let lines = BufReader::new(file).lines().count() as u64;
    Ok(lines.saturating_sub(1))
}

/// The header and the first `n` rows of a CSV file.
fn head(from: &Path, to: &Path, n: usize) -> Result<(), String> {
    let file = fs::File::open(from).map_err(|e| e.to_string())?;
    let mut out = BufWriter::new(fs::File::create(to).map_err(|e| e.to_string())?);
    for line in BufReader::new(file).lines().take(n + 1) {
        let line = line.map_err(|e| e.to_string())?;
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

/// The `avtal` binary built next to this one, if any.
fn avtal_binary() -> Option<PathBuf> {
    let me = std::env::current_exe().ok()?;
    let candidate = me.parent()?.join("avtal");
    candidate.exists().then_some(candidate)
}
