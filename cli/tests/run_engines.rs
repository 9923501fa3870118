//! `avtal run` with the compiled engine against the interpreter on
//! generated CSV input: plain cells (the compiled fast path), and cells
//! it must hand to the general path (blanks, extra decimals, signs, empty
//! cells, huge values, bad dates and names, rows with a cell missing),
//! values that overflow or leave the calendar in the compiled code, and
//! results only the general writer can write. Stdout, stderr, the error
//! file and the exit code must be identical, byte for byte; the input
//! spans several batches, so their order across threads is checked too.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use common::scratch;

const AGREEMENT: &str = r#"module testfall.motorer

enum Avdelning { I, II, III }

record Rad {
  id: Int
  lön: Money
  grad: Percent
  timmar: Hours
  dagar: Int
  start: Date
  flagga: Bool
  avdelning: Avdelning
}

record Ut {
  id: Int
  per_dag: Money
  andel: Money
  timmar: Hours
  slut: Date
  flagga: Bool
  avdelning: Avdelning
  dagar: Int
}

evaluate Motor(r: Rad) -> Ut {
  Ut {
    id: r.id
    per_dag: round(r.lön / r.dagar, 0.01 SEK)
    andel: round(r.lön * r.grad, 0.01 SEK)
    timmar: r.timmar + r.timmar
    slut: r.start + months(r.dagar)
    flagga: r.flagga and r.dagar > 3
    avdelning: r.avdelning
    dagar: r.dagar * r.dagar
  }
}
"#;

/// Cell choices per column: the first three are plain (and most rows use
/// them), the rest exercise every way off the fast path.
const CELLS: [&[&str]; 7] = [
    // lön
    &[
        "30000.00",
        "18002.50",
        "31234.56",
        "30000",
        "-0.00",
        " 12.50 ",
        "",
        "0.125",
        "30 000",
        "12,5",
        "1e3",
        "+5",
        "1.500",
        "92233720368547758.07",
        "-92233720368547758.08",
        "92233720368547758.08",
        "99999999999999999999999.99",
        "123456789012345678901234567890123456789.00",
    ],
    // grad
    &[
        "100", "83.46", "0.5", "100.000", "-5", "abc", "", "12.345", "1.0000",
    ],
    // timmar
    &[
        "26.5",
        "0",
        "120.25",
        "46116860184273879.03",
        "1.234",
        "-0.5",
        " 3",
    ],
    // dagar
    &[
        "30",
        "3",
        "12",
        "0",
        "12.00",
        "-2",
        "2.5",
        "1000000000000",
        "3037000500",
        "",
    ],
    // start
    &[
        "2026-01-31",
        "2028-02-29",
        "2027-12-01",
        "2026-02-30",
        "9999-12-31",
        "0000-01-01",
        "2026-1-31",
        "31.01.2026",
        "",
        " 2026-01-01",
    ],
    // flagga
    &[
        "true", "false", "1", "0", "FALSE", "True", "yes", " true", "",
    ],
    // avdelning
    &["I", "II", "III", "ii", "", " I", "IV"],
];

/// A small deterministic generator (no dependency, same file every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// Mostly a plain choice, sometimes any.
    fn pick<'a>(&mut self, cells: &[&'a str]) -> &'a str {
        let r = self.next() as usize;
        let n = if r.is_multiple_of(5) { cells.len() } else { 3 };
        cells[(r / 5) % n]
    }
}

fn generate(rows: usize) -> String {
    let mut rng = Lcg(2025);
    let mut out = String::from("id,lön,grad,timmar,dagar,start,flagga,avdelning\n");
    for id in 1..=rows {
        let r = rng.next();
        match r % 200 {
            0 => out.push_str(&format!("{id},1,2\n")),
            1 => out.push_str(&format!(" {id} ,30000,100,1,3,2026-01-01,true,I\n")),
            _ => {
                out.push_str(&id.to_string());
                for column in CELLS {
                    out.push(',');
                    let cell = rng.pick(column);
                    if cell.contains([',', ' ']) && r.is_multiple_of(3) {
                        out.push('"');
                        out.push_str(cell);
                        out.push('"');
                    } else if cell.contains(',') {
                        out.push_str(&format!("\"{cell}\""));
                    } else {
                        out.push_str(cell);
                    }
                }
                out.push('\n');
            }
        }
    }
    out
}

struct Outcome {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    files: Vec<(String, Vec<u8>)>,
}

fn run(dir: &Path, args: &[&str], stdin: Option<&str>, files: &[&str]) -> Outcome {
    let mut command = Command::new(env!("CARGO_BIN_EXE_avtal"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    if let Some(text) = stdin {
        use std::io::Write;
        let mut pipe = child.stdin.take().unwrap();
        let text = text.to_string();
        std::thread::spawn(move || {
            let _ = pipe.write_all(text.as_bytes());
        });
    }
    let output = child.wait_with_output().unwrap();
    Outcome {
        code: output.status.code(),
        stdout: output.stdout,
        stderr: output.stderr,
        files: files
            .iter()
            .map(|name| {
                (
                    name.to_string(),
                    fs::read(dir.join(name)).unwrap_or_default(),
                )
            })
            .collect(),
    }
}

fn same(what: &str, jit: &Outcome, interp: &Outcome) {
    assert_eq!(jit.code, interp.code, "{what}: exit codes");
    assert!(
        jit.stdout == interp.stdout,
        "{what}: stdout differs:\n--- jit\n{}\n--- interp\n{}",
        String::from_utf8_lossy(&jit.stdout),
        String::from_utf8_lossy(&interp.stdout)
    );
    assert_eq!(
        String::from_utf8_lossy(&jit.stderr),
        String::from_utf8_lossy(&interp.stderr),
        "{what}: stderr"
    );
    for ((name, a), (_, b)) in jit.files.iter().zip(&interp.files) {
        assert!(
            a == b,
            "{what}: {name} differs:\n--- jit\n{}\n--- interp\n{}",
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b)
        );
    }
}

#[test]
fn compiled_and_interpreted_runs_write_the_same_bytes() {
    let dir = scratch("run_engines");
    fs::write(dir.join("agreement.avtal"), AGREEMENT).unwrap();
    let input = generate(9_000);
    fs::write(dir.join("input.csv"), &input).unwrap();
    let engines = |args: &[&str], stdin: Option<&str>, files: &[&str]| {
        let with = |engine: &str| {
            let mut all = args.to_vec();
            all.extend(["--engine", engine]);
            run(&dir, &all, stdin, files)
        };
        (with("jit"), with("interp"))
    };

    let (jit, interp) = engines(
        &[
            "run",
            "agreement.avtal",
            "--input",
            "input.csv",
            "--errors",
            "errors.csv",
        ],
        None,
        &["errors.csv"],
    );
    same("CSV to stdout", &jit, &interp);
    assert_eq!(jit.code, Some(2), "some rows fail");
    let written = jit.stdout.iter().filter(|b| **b == b'\n').count();
    assert!(written > 5_000, "most rows are written: {written}");
    let errors = fs::read_to_string(dir.join("errors.csv")).unwrap();
    for code in ["E0502", "E0504", "E0601", "E0603", "E0604"] {
        assert!(errors.contains(code), "some rows fail with {code}");
    }

    let (jit, interp) = engines(
        &[
            "run",
            "agreement.avtal",
            "--input",
            "-",
            "--output",
            "out.jsonl",
        ],
        Some(&input),
        &["out.jsonl"],
    );
    same("CSV from stdin to JSON Lines", &jit, &interp);

    let plain: String = input
        .lines()
        .take(1)
        .chain(input.lines().skip(1).filter(|line| {
            !line.contains(['"', ' ', 'e'])
                && line.matches(',').count() == 7
                && !line.contains(",,")
                && !line.ends_with(',')
        }))
        .map(|line| format!("{line}\n"))
        .collect();
    fs::write(dir.join("plain.csv"), &plain).unwrap();
    let (jit, interp) = engines(
        &[
            "run",
            "agreement.avtal",
            "--input",
            "plain.csv",
            "--output",
            "out.csv",
        ],
        None,
        &["out.csv"],
    );
    same("mostly plain CSV to a file", &jit, &interp);
}

/// An entry point the compiled engine cannot hold (a `Decimal` field has
/// no fixed scale) runs in the interpreter with the same output, and the
/// default engine says so on stderr, unless `--quiet`.
#[test]
fn an_entry_point_that_does_not_compile_is_named_and_interpreted() {
    let dir = scratch("run_engines_not_compiled");
    fs::write(
        dir.join("faktor.avtal"),
        "module faktor\nrecord In { x: Decimal }\nrecord Out { y: Decimal }\n\
         evaluate Dubbel(i: In) -> Out { Out { y: i.x * 2 } }\n",
    )
    .unwrap();
    fs::write(dir.join("in.csv"), "x\n1.5\n2.25\n").unwrap();
    let args = ["run", "faktor.avtal", "--input", "in.csv"];
    let jit = run(&dir, &args, None, &[]);
    let interp = run(
        &dir,
        &[&args[..], &["--engine", "interp"]].concat(),
        None,
        &[],
    );
    assert_eq!(jit.code, Some(0));
    assert_eq!(jit.stdout, interp.stdout);
    assert_eq!(String::from_utf8_lossy(&jit.stdout), "y\n3.0\n4.50\n");
    assert_eq!(
        String::from_utf8_lossy(&jit.stderr),
        "note: entry point `Dubbel` cannot be compiled to native code (field `x` has a type \
         the compiled layout does not hold); the interpreter evaluates every row (the same \
         results, more slowly)\n2 rows written to stdout\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&interp.stderr),
        "2 rows written to stdout\n"
    );
    let quiet = run(&dir, &[&args[..], &["--quiet"]].concat(), None, &[]);
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
}

/// `avtal run` compiles only the stdlib modules the file needs, through
/// `use` chains: `staten.chefsavtal` needs `lag.las` for its table, and a
/// module nobody uses is not compiled (so a file that names no stdlib
/// module still runs, and one that uses a module through another gets it).
#[test]
fn stdlib_modules_are_found_through_use_chains() {
    let dir = scratch("run_engines_use_chain");
    fs::write(
        dir.join("chef.avtal"),
        "module chef\nuse staten.chefsavtal\n\
         record In { anställning: Chefsanställning, år: Int }\n\
         record Out { månader: Int }\n\
         evaluate Chef(x: In) -> Out { Out { månader: uppsägningstid_månader_chef(x.anställning, x.år) } }\n",
    )
    .unwrap();
    fs::write(
        dir.join("in.csv"),
        "anställning,år\nfullmakt,1\ntillsvidare,1\ntillsvidare,9\ntillsvidare,12\n",
    )
    .unwrap();
    for engine in ["jit", "interp"] {
        let out = run(
            &dir,
            &["run", "chef.avtal", "--input", "in.csv", "--engine", engine],
            None,
            &[],
        );
        assert_eq!(
            out.code,
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "månader\n6\n4\n5\n6\n"
        );
    }
}
