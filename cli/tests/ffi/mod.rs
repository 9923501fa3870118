//! What the replay tests of the payroll vendor's languages share
//! (`ffi_python.rs`, `ffi_java.rs`): the W1 library built by the real
//! `avtal build`, the population's result from `avtal run` to hold the
//! host programs to, and the C header's message of a code.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use super::common::{avtal, workspace};

pub const LIBRARY: &str = "w1_payroll_month";

/// The bundled population, as the vendor's program reads it.
pub fn population() -> PathBuf {
    workspace().join("examples/w1_population.csv")
}

/// `avtal build examples/w1_payroll_month.avtal -o DIR/lib`: the library
/// directory.
pub fn build_w1(dir: &Path) -> PathBuf {
    let lib = dir.join("lib");
    let agreement = workspace().join("examples/w1_payroll_month.avtal");
    avtal(
        dir,
        &[
            "build",
            agreement.to_str().unwrap(),
            "-o",
            lib.to_str().unwrap(),
        ],
    )
    .expect_code(0);
    lib
}

/// What `avtal run` writes for the population (the reference engine, the
/// interpreter, so the library is held to the reference semantics).
pub fn avtal_run_output(dir: &Path) -> String {
    let agreement = workspace().join("examples/w1_payroll_month.avtal");
    let out = dir.join("run.csv");
    avtal(
        dir,
        &[
            "run",
            agreement.to_str().unwrap(),
            "--input",
            population().to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--engine",
            "interp",
        ],
    )
    .expect_code(0);
    let text = fs::read_to_string(out).unwrap();
    assert_eq!(text.lines().count(), 1001, "a header and 1000 rows");
    text
}

/// The message the C header's `avtal_strerror` gives code `name`
/// (`AVTAL_E_BAD_ENUM`).
pub fn header_message(lib: &Path, name: &str) -> String {
    let header = fs::read_to_string(lib.join(format!("{LIBRARY}.h"))).unwrap();
    let case = format!("case {name}: return \"");
    let at = header.find(&case).expect("the code's case") + case.len();
    let end = header[at..].find('"').unwrap() + at;
    header[at..end].to_string()
}

/// Every output file the host program wrote in `dir` is `expected`.
pub fn assert_same_as_run(dir: &Path, names: &[&str], expected: &str) {
    for name in names {
        let got = fs::read_to_string(dir.join(name))
            .unwrap_or_else(|e| panic!("the host program wrote no {name}: {e}"));
        if got != expected {
            let line = got.lines().zip(expected.lines()).position(|(a, b)| a != b);
            panic!(
                "{name} differs from `avtal run` (lines: {} and {}); first difference at line {line:?}:\n{:?}\n{:?}",
                got.lines().count(),
                expected.lines().count(),
                line.and_then(|l| got.lines().nth(l)),
                line.and_then(|l| expected.lines().nth(l)),
            );
        }
    }
}

/// What a host program's replay run (`w1_cffi.py`, `W1Ffm.java`) must show:
/// it succeeded, its single, batch and threaded outputs in `out` equal
/// `avtal run`'s, its date helpers agreed with the host's calendar, and a
/// bad enum's message is the header's own.
pub fn assert_replay(
    host: &str,
    run: &std::process::Output,
    out: &Path,
    expected: &str,
    lib: &Path,
) {
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the {host} program failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_same_as_run(out, &["single.csv", "batch.csv", "threads.csv"], expected);
    assert!(stdout.contains("dates: ok\n"), "{stdout}");
    // Field 6 of W1's input is `division`.
    let message = header_message(lib, "AVTAL_E_BAD_ENUM");
    assert!(
        stdout.contains(&format!("bad enum: 11 6 division: {message}\n")),
        "{stdout}"
    );
}
