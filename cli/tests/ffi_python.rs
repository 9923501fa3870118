//! The payroll vendor's path from Python: the W1 library that the real
//! `avtal build` writes, loaded with cffi from its `.cdef.h` header
//! (`ffi.cdef` reads it as written), called record by record, in one
//! batch and from eight threads at once over the bundled population
//! (`cli/tests/ffi/w1_cffi.py`), and held byte for byte to what `avtal
//! run` writes. The same program checks the exported date helpers against
//! Python's `date.toordinal()` and reads a bad record's message through
//! the exported `strerror`. cffi comes from PyPI through
//! `scripts/setup-test-deps` (`scripts/test-deps/ffi.sh`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod ffi;

use std::fs;
use std::process::Command;

use common::{scratch, workspace};

fn python_with_cffi() -> Command {
    let probe = Command::new("python3").args(["-c", "import cffi"]).output();
    assert!(
        probe.as_ref().is_ok_and(|o| o.status.success()),
        "python3 with cffi is missing: the Python replay test calls the library through \
         cffi; install it with `scripts/setup-test-deps` (the README's test command)"
    );
    Command::new("python3")
}

#[test]
fn w1_from_python_through_cffi_matches_avtal_run() {
    let dir = scratch("ffi_python_w1");
    let lib = ffi::build_w1(&dir);
    let expected = ffi::avtal_run_output(&dir);
    let out = dir.join("python");
    fs::create_dir_all(&out).unwrap();

    let run = python_with_cffi()
        .arg(workspace().join("cli/tests/ffi/w1_cffi.py"))
        .arg(&lib)
        .arg(ffi::population())
        .arg(&out)
        .output()
        .unwrap();
    ffi::assert_replay("Python", &run, &out, &expected, &lib);
}

/// The header for FFI generators has no preprocessor directive (cffi
/// stops at the first with "Directives not supported yet"), while the C
/// header needs them.
#[test]
fn the_cdef_header_has_no_directives_and_cffi_reads_only_it() {
    let dir = scratch("ffi_python_cdef");
    let lib = ffi::build_w1(&dir);
    let cdef = fs::read_to_string(lib.join("w1_payroll_month.cdef.h")).unwrap();
    assert!(
        !cdef.lines().any(|l| l.trim_start().starts_with('#')),
        "{cdef}"
    );
    assert!(!cdef.lines().any(|l| l.starts_with("static")), "{cdef}");
    for name in ["cdef.h", "h"] {
        let reads = python_with_cffi()
            .args([
                "-c",
                "import cffi, sys; cffi.FFI().cdef(open(sys.argv[1]).read())",
            ])
            .arg(lib.join(format!("w1_payroll_month.{name}")))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&reads.stderr);
        if name == "h" {
            assert!(stderr.contains("Directives not supported yet"), "{stderr}");
        } else {
            assert!(reads.status.success(), "{stderr}");
        }
    }
}
