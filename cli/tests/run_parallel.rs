//! `avtal run` on several workers against `--threads 1` (one pipeline,
//! row by row, as before chunks) and against `--engine interp`, byte for
//! byte: the output, the `--errors` file, stderr and the exit code.
//!
//! The inputs are generated, several chunks long, with hostile rows mixed
//! in throughout so that some fall on chunk and buffer boundaries: quoted
//! cells over several lines (good ones in a `Text` column, broken ones in
//! others), quotes never closed, CRLF and lone CR line ends, a byte-order
//! mark, blank lines, rows over `--max-row-bytes`, bad cells, evaluation
//! errors; in JSON Lines also missing, repeated and unknown fields, bad
//! shift cells, escapes, numbers as strings and with exponents, nulls,
//! invalid JSON and bytes that are not UTF-8.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fs;
use std::path::Path;

use common::{AGREEMENT, avtal, scratch, workspace};

/// An agreement with a text input, so that a quoted cell over several
/// lines can be a good row.
const TEXT_AGREEMENT: &str = r#"module testfall.text

enum Avdelning { I, II }

record Rad {
  id: Int
  namn: Text
  lön: Money
  avdelning: Avdelning
  start: Date
}

record Ut {
  id: Int
  namn: Text
  per_dag: Money
  slut: Date
}

evaluate Text(r: Rad) -> Ut {
  Ut {
    id: r.id
    namn: r.namn
    per_dag: round(r.lön / 30, 0.01 SEK)
    slut: r.start + months(1)
  }
}
"#;

/// A small deterministic generator (xorshift), so that a failure can be
/// reproduced from its seed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Rows of `AGREEMENT` (`id,lön,avdelning,dagar,start`), hostile ones
/// mixed in; about 40 bytes a row.
fn plain_csv(seed: u64, rows: usize) -> Vec<u8> {
    let mut random = Random(seed);
    let mut out = Vec::new();
    out.extend_from_slice("\u{feff}id,lön,avdelning,dagar,start\n".as_bytes());
    for id in 1..=rows {
        let salary = 20_000 + random.below(40_000);
        let division = if random.below(2) == 0 { "I" } else { "II" };
        let days = 1 + random.below(30);
        let day = 1 + random.below(28);
        let good = format!(
            "{id},{salary}.{:02},{division},{days},2026-03-{day:02}",
            random.below(100)
        );
        let row = match random.below(60) {
            0 => format!("{id},30 000,I,30,2026-01-01\n"),
            1 => format!("{id},30000.00,III,30,2026-01-01\n"),
            2 => format!("{id},30000.00,I,30,2026-02-30\n"),
            3 => format!("{id},30000.00,I,0,2026-01-01\n"),
            4 => format!("{id},30000.00,I\n"),
            5 => format!("{good}\r\n"),
            6 => format!("{good}\r{good}\n"),
            7 => "\n\r\n\n".to_string(),
            8 => format!("{id},\"{salary}.00\",I,{days},2026-01-01\n"),
            // A quote over two lines in a column that cannot hold one.
            9 => format!("{id},\"{salary}\n.00\",I,{days},2026-01-01\n"),
            // A quote never closed: reading goes on at the next line.
            10 => format!("{id},\"{salary},I,{days},2026-01-01\n"),
            11 => format!("{id},{},I,1,2026-01-01\n", "9".repeat(400)),
            12 => format!("{id},\"x\"y,I,1,2026-01-01\n"),
            13 => format!("{id}, 30000.00 ,I,30,2026-01-01\n"),
            _ => format!("{good}\n"),
        };
        out.extend_from_slice(row.as_bytes());
    }
    out
}

/// Rows of `TEXT_AGREEMENT` (`id,namn,lön,avdelning,start`) with names
/// quoted over several lines, one longer than the splitter's buffer.
fn text_csv(seed: u64, rows: usize) -> Vec<u8> {
    let mut random = Random(seed);
    let mut out = "id,namn,lon_unused,lön,avdelning,start\n"
        .as_bytes()
        .to_vec();
    for id in 1..=rows {
        let name = match random.below(40) {
            _ if id % 1500 == 0 => format!("\"{}\"", "rad\n".repeat(20_000)),
            0 => "\"Anna\nAndersson\"".to_string(),
            1 => "\"Berg, \"\"Bo\"\"\r\nsecond line\"".to_string(),
            2 => "\"\"".to_string(),
            3 => "\"never closed".to_string(),
            4 => "\"closed\" then text".to_string(),
            5 => "\"over\nlines\" then text".to_string(),
            _ => format!("Namn {}", random.below(1000)),
        };
        let row = format!(
            "{id},{name},x,{}.00,{},2026-0{}-15\n",
            20_000 + random.below(40_000),
            if random.below(9) == 0 { "III" } else { "II" },
            1 + random.below(9)
        );
        out.extend_from_slice(row.as_bytes());
    }
    out
}

/// Records of `w2_totals.avtal` as JSON Lines, hostile lines mixed in.
fn shifts_jsonl(seed: u64, rows: usize) -> Vec<u8> {
    let mut random = Random(seed);
    let mut out = "\u{feff}".as_bytes().to_vec();
    for id in 1..=rows {
        let mut shifts = Vec::new();
        for _ in 0..random.below(8) {
            let day = 1 + random.below(27);
            let start = 6 + random.below(12);
            let hours = 1 + random.below(10);
            let kind = ["ordinary", "overtime", "mertid"][random.below(3) as usize];
            shifts.push(format!(
                r#"{{"start": "2027-05-{day:02}T{start:02}:00", "end": "2027-05-{:02}T{:02}:30", "kind": "{kind}"}}"#,
                day + (start + hours) / 24,
                (start + hours) % 24
            ));
        }
        let shifts = format!("[{}]", shifts.join(", "));
        let salary = 20_000 + random.below(40_000);
        let rate = 50 + random.below(51);
        let line = match random.below(50) {
            0 => format!(
                r#"{{"id": {id}, "period": "2027-05-01", "salary": {salary}.00, "rate": {rate}, "shifts": {shifts}}}"#
            ),
            1 => format!(
                r#"{{"id": {id}, "period": "2027-05-01", "salary": "{salary}.00", "rate": "{rate}.00", "overtime_ytd": "1.5", "shifts": {shifts}}}"#
            ),
            2 => format!(
                r#"{{"id": {id}, "period": "2027-05-01", "salary": {salary}, "rate": {rate}, "overtime_ytd": 1, "shifts": [{{"start": "2027-05-01T24:30", "end": "2027-05-02T01:00", "kind": "ordinary"}}]}}"#
            ),
            3 => format!(
                r#"{{"id": {id}, "period": "2027-05-01", "salary": 4.5e4, "rate": {rate}, "overtime_ytd": 1, "shifts": []}}"#
            ),
            4 => format!(
                r#"{{"id": {id}, "id": {id}, "period": "2027-05-01", "salary": {salary}, "rate": {rate}, "overtime_ytd": 1, "shifts": []}}"#
            ),
            5 => format!(
                r#"{{"id": {id}, "note": {{"a": [1, 2, {{"b": null}}]}}, "period": "2027-05-01", "salary": {salary}, "rate": {rate}, "overtime_ytd": 1, "shifts": {shifts}}}"#
            ),
            6 => format!(
                r#"{{"id": {id}, "period": "\u0032027-05-01", "salary": {salary}, "rate": {rate}, "overtime_ytd": 1, "shifts": {shifts}}}"#
            ),
            7 => format!(
                r#"{{"id": {id}, "period": "2027-05-01", "salary": {salary}, "rate": 0, "overtime_ytd": 1, "shifts": {shifts}}}"#
            ),
            8 => format!(
                r#"{{"id": {id}, "period": null, "salary": {salary}, "rate": {rate}, "overtime_ytd": 1, "shifts": "none"}}"#
            ),
            9 => format!(r#"{{"id": {id}, "period": "2027-05-01", "salary": {salary}"#),
            10 => String::new(),
            11 => "   \t".to_string(),
            12 => format!(
                r#"{{"id": {id}, "period": "2027-05-01", "salary": {salary}, "rate": {rate}, "overtime_ytd": 1, "shifts": [null, {{"start": "2027-05-01T08:00", "end": "2027-05-01T09:00", "kind": "Ordinary"}}]}}"#
            ),
            13 => format!(
                r#"{{"id": {id}, "period": "2027-05-01", "salary": {salary}, "rate": {rate}, "overtime_ytd": 1, "shifts": {shifts}, "pad": "{}"}}"#,
                "x".repeat(3000)
            ),
            14 => format!(r#"[{id}]"#),
            15 => format!(
                r#"{{"id": {id}, "period": "2027-05-01", "salary": " {salary}.00", "rate": true, "overtime_ytd": 1, "shifts": [{{"start": "2027-05-01 08:00", "end": "2027-05-01T09:00", "kind": "mertid", "kind": "mertid"}}]}}"#
            ),
            _ => format!(
                r#"{{"id": {id}, "period": "2027-05-01", "salary": {salary}.{:02}, "rate": {rate}.00, "overtime_ytd": {}.{:02}, "shifts": {shifts}}}"#,
                random.below(100),
                random.below(200),
                random.below(100)
            ),
        };
        out.extend_from_slice(line.as_bytes());
        match random.below(30) {
            0 => out.extend_from_slice(b"\r\n"),
            1 => out.extend_from_slice(b"\xff\xfe\n"),
            _ => out.push(b'\n'),
        }
    }
    // The last line without a line break.
    out.extend_from_slice(br#"{"id": 0, "period": "2027-05-01", "salary": 1, "rate": 1, "overtime_ytd": 1, "shifts": []}"#);
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

fn run(dir: &Path, agreement: &str, input: &str, extra: &[&str]) -> Seen {
    let mut args = vec![
        "run", agreement, "--input", input, "--output", "ut", "--errors", "fel.csv",
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

/// The sequential run, then each other way, compared with it.
fn compare(dir: &Path, agreement: &str, input: &str, output_format: &str, limit: &str) {
    let common = ["--output-format", output_format, "--max-row-bytes", limit];
    let sequential = run(
        dir,
        agreement,
        input,
        &[&common[..], &["--threads", "1"]].concat(),
    );
    assert_eq!(sequential.code, 2, "{}", sequential.stderr);
    assert!(sequential.output.len() > 1000, "{}", sequential.stderr);
    for extra in [
        &["--threads", "2"][..],
        &["--threads", "3"][..],
        &["--engine", "interp"][..],
        &["--threads", "2", "--engine", "interp"][..],
    ] {
        let other = run(dir, agreement, input, &[&common[..], extra].concat());
        assert!(
            other == sequential,
            "{input} {output_format} with {extra:?} differs from --threads 1:\n{}\n---\n{}",
            other.stderr,
            sequential.stderr
        );
    }
}

#[test]
fn csv_on_several_workers_is_the_sequential_run() {
    let dir = scratch("parallel_csv");
    fs::write(dir.join("lön.avtal"), AGREEMENT).unwrap();
    for seed in [1u64, 2026] {
        // About 1.2 MB: several chunks and many buffers.
        fs::write(dir.join("fall.csv"), plain_csv(seed, 30_000)).unwrap();
        compare(&dir, "lön.avtal", "fall.csv", "csv", "300");
        compare(&dir, "lön.avtal", "fall.csv", "jsonl", "1M");
    }
}

#[test]
fn quoted_text_over_lines_on_several_workers_is_the_sequential_run() {
    let dir = scratch("parallel_text");
    fs::write(dir.join("text.avtal"), TEXT_AGREEMENT).unwrap();
    fs::write(dir.join("fall.csv"), text_csv(7, 8_000)).unwrap();
    compare(&dir, "text.avtal", "fall.csv", "csv", "1M");
    // A limit smaller than the longest quoted name: it is a bad row.
    compare(&dir, "text.avtal", "fall.csv", "csv", "64K");
}

#[test]
fn json_lines_with_lists_on_several_workers_is_the_sequential_run() {
    let dir = scratch("parallel_jsonl");
    fs::copy(
        workspace().join("cli/tests/data/lists/w2_totals.avtal"),
        dir.join("w2_totals.avtal"),
    )
    .unwrap();
    for seed in [3u64, 11] {
        // About 3 MB: many chunks.
        fs::write(dir.join("fall.jsonl"), shifts_jsonl(seed, 6_000)).unwrap();
        compare(&dir, "w2_totals.avtal", "fall.jsonl", "csv", "2000");
    }
}
