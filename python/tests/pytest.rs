//! The Python package end to end: a venv under `target/` (seeing the
//! system's pyarrow, pytest and maturin, installed by
//! scripts/test-deps/python.sh), `maturin develop` of this crate into it,
//! then pytest over python/tests/ with the `avtal` binary to compare with.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations with expect"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn run(what: &str, command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}\n(run scripts/setup-test-deps for maturin, pyarrow and pytest)",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn pytest_of_the_package_against_avtal_run() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = crate_dir.parent().expect("the workspace");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // The `avtal` binary the package is compared with (up to date, and
    // built even when only this crate's tests run).
    run(
        "cargo build of avtal",
        Command::new(&cargo)
            .current_dir(root)
            .args(["build", "-p", "avtal-cli", "--bin", "avtal"]),
    );
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let avtal = target.join("debug").join("avtal");
    let venv = target.join("python-test-venv");
    if !venv.join("bin").join("python").exists() {
        run(
            "python3 -m venv",
            Command::new("python3")
                .args(["-m", "venv", "--system-site-packages"])
                .arg(&venv),
        );
    }
    let python = venv.join("bin").join("python");
    run(
        "maturin develop",
        // The system's maturin (a venv's `-m maturin` looks for its script
        // in the venv), installing into the venv named by VIRTUAL_ENV.
        Command::new("python3")
            .current_dir(crate_dir)
            .env("VIRTUAL_ENV", &venv)
            .args(["-m", "maturin", "develop", "--quiet"]),
    );
    run(
        "pytest",
        Command::new(&python)
            .current_dir(crate_dir)
            .env("AVTAL_BIN", &avtal)
            .env("AVTAL_ROOT", root)
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]),
    );
}
