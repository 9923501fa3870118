//! Long-form CSV on several workers (from 3 threads on: below, it keeps
//! the one pipeline) against `--threads 1` and against
//! `--engine interp`, byte for byte: the output, the `--errors` file,
//! stderr and the exit code. The reader thread groups the rows (so keys
//! are met in file order); the workers read, evaluate and format whole
//! records.
//!
//! The input is generated, several chunks long, with hostile rows mixed
//! in throughout so that some fall on chunk boundaries: a record column
//! that changes within a record (E0608), a key whose rows came earlier
//! (E0609), bad element and record cells, quotes never closed (with and
//! without the key cell), rows with another number of cells, rows over
//! `--max-row-bytes`, blank lines, CRLF line ends, records without
//! shifts, a quoted note over several lines, and shifts the agreement
//! refuses (reported at the shift's own row).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use common::{avtal, scratch};

/// `w2_totals` (cli/tests/data/lists) with W2's refusals of a shift.
const AGREEMENT: &str = r#"module w2.totals

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

record Totals {
  id: Int
  shifts: Int
  ordinary_hours: Hours
  overtime_hours: Hours
  fte: Money
}

rule hours_of(r: TimeReport, k: Kind) -> Hours
= sum([s.end - s.start for s in r.shifts if s.kind == k])

evaluate Summera(r: TimeReport) -> Totals {
  refuse for s in r.shifts if s.end <= s.start
    because "a shift must end after it starts"
  refuse for s in r.shifts if s.end - s.start > 24 h
    because "a shift must be at most 24 hours long"
  Totals {
    id: r.id
    shifts: count(r.shifts)
    ordinary_hours: round(hours_of(r, ordinary), 0.01 h)
    overtime_hours: round(hours_of(r, overtime), 0.01 h)
    fte: round(r.salary / r.rate, 0.01 SEK)
  }
}
"#;

/// A small deterministic generator (xorshift), so that a failure can be
/// reproduced from its seed.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// `records` long-form time reports, hostile rows mixed in.
fn long_csv(seed: u64, records: u64) -> String {
    let mut random = Random(seed);
    let mut out =
        "id,period,salary,rate,overtime_ytd,shift_start,shift_end,shift_kind,note\n".to_string();
    for id in 1..=records {
        let salary = 20_000 + random.below(40_000);
        let rate = 50 + random.below(51);
        let shifts = random.below(7);
        let trouble = random.below(60);
        // E0609: this record's rows under a key met before.
        let key = if trouble == 1 && id > 5 { id - 5 } else { id };
        let own = |salary: u64| format!("{key},2027-05-01,{salary}.00,{rate}.00,1.50");
        if shifts == 0 || trouble == 8 {
            // A record without shifts: blank element cells.
            let _ = writeln!(out, "{},,,,", own(salary));
            continue;
        }
        for n in 0..shifts {
            let day = 1 + random.below(27);
            let start = 6 + random.below(12);
            let hours = 1 + random.below(10);
            let kind = ["ordinary", "overtime", "mertid"][random.below(3) as usize];
            let mut begin = format!("2027-05-{day:02}T{start:02}:00");
            let mut end = format!(
                "2027-05-{:02}T{:02}:30",
                day + (start + hours) / 24,
                (start + hours) % 24
            );
            let mut own_cells = own(salary);
            let mut note = String::new();
            let last = n + 1 == shifts;
            match trouble {
                // E0608: a later row changes the salary.
                0 if n > 0 => own_cells = own(salary + 1),
                2 if last => begin = format!("2027-05-{day:02}T24:30"),
                3 if last => {
                    // A quote never closed in a read column, key present.
                    let _ = writeln!(out, "{key},2027-05-01,\"{salary}.00,{rate}.00,1.50");
                    continue;
                }
                4 if last => note = "a,b".to_string(),
                5 if last => note = "x".repeat(3000),
                6 if n > 0 => out.push('\n'),
                9 if last => std::mem::swap(&mut begin, &mut end),
                10 if last => end = format!("2027-05-{:02}T{start:02}:30", day + 1),
                11 => note = "\"two\nlines, quoted\"".to_string(),
                // A quote never closed in the key cell: no key.
                12 if last => {
                    let _ = writeln!(out, "\"{key},2027-05-01");
                    continue;
                }
                13 if n == 0 => own_cells = format!("{key},2027-05-01,abc,{rate}.00,1.50"),
                _ => {}
            }
            let _ = write!(out, "{own_cells},{begin},{end},{kind},{note}");
            out.push_str(if trouble == 7 { "\r\n" } else { "\n" });
        }
    }
    out
}

/// Everything a run shows: exit code, stderr, the output and the errors.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    code: i32,
    stderr: String,
    output: Vec<u8>,
    errors: Vec<u8>,
}

fn run(dir: &Path, extra: &[&str]) -> Seen {
    let mut args = vec![
        "run",
        "totals.avtal",
        "--input",
        "fall.csv",
        "--output",
        "ut",
        "--errors",
        "fel.csv",
        "--max-row-bytes",
        "2000",
    ];
    args.extend_from_slice(extra);
    let run = avtal(dir, &args);
    Seen {
        code: run.code,
        stderr: run.stderr,
        output: fs::read(dir.join("ut")).unwrap_or_default(),
        errors: fs::read(dir.join("fel.csv")).unwrap_or_default(),
    }
}

#[test]
fn long_form_csv_on_several_workers_is_the_sequential_run() {
    let dir = scratch("parallel_long_csv");
    fs::write(dir.join("totals.avtal"), AGREEMENT).unwrap();
    for seed in [5u64, 2026] {
        // About 1.7 MB, 30,000 rows: several chunks of whole records.
        fs::write(dir.join("fall.csv"), long_csv(seed, 9_000)).unwrap();
        for format in ["csv", "jsonl"] {
            let sequential = run(&dir, &["--output-format", format, "--threads", "1"]);
            assert_eq!(sequential.code, 2, "{}", sequential.stderr);
            assert!(sequential.output.len() > 100_000, "{}", sequential.stderr);
            let errors = String::from_utf8_lossy(&sequential.errors);
            // Every kind of trouble is there to be compared.
            for code in ["E0608", "E0609", "E0601", "E0604", "E0510"] {
                assert!(errors.contains(code), "no {code} in:\n{errors}");
            }
            for extra in [
                &["--threads", "3"][..],
                &["--threads", "4"][..],
                &["--threads", "3", "--engine", "interp"][..],
            ] {
                let other = run(&dir, &[&["--output-format", format][..], extra].concat());
                assert!(
                    other == sequential,
                    "seed {seed}, {format}, {extra:?} differs from --threads 1:\n{}\n---\n{}",
                    other.stderr,
                    sequential.stderr
                );
            }
        }
    }
}
