//! The Python side of the package's tests, shared by pytest.rs and
//! dataframes.rs: the `avtal` binary built, a venv under `target/` that
//! sees the system's packages (installed by scripts/test-deps/python.sh and
//! spark.sh), and this crate `maturin develop`ed into it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the tests find the package, the binary and the repository.
pub struct Venv {
    /// The venv's Python, with `avtal` importable.
    pub python: PathBuf,
    /// The `avtal` binary the package is compared with.
    pub avtal: PathBuf,
    /// The repository root.
    pub root: PathBuf,
    /// The python/ crate (pytest runs there).
    pub crate_dir: PathBuf,
}

impl Venv {
    /// `python -m pytest` over `tests` (paths relative to python/), with
    /// AVTAL_BIN and AVTAL_ROOT set for the tests.
    pub fn pytest(&self, tests: &[&str]) {
        run(
            "pytest",
            Command::new(&self.python)
                .current_dir(&self.crate_dir)
                .env("AVTAL_BIN", &self.avtal)
                .env("AVTAL_ROOT", &self.root)
                .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
                .args(tests),
        );
    }
}

/// Runs `command` and fails the test with its output unless it succeeds.
pub fn run(what: &str, command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}\n(run scripts/setup-test-deps for maturin, pyarrow, pytest, polars, DuckDB and PySpark)",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The `avtal` binary built and the package developed into the venv.
pub fn prepare() -> Venv {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
    let root = crate_dir.parent().expect("the workspace").to_path_buf();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // The `avtal` binary the package is compared with (up to date, and
    // built even when only this crate's tests run).
    run(
        "cargo build of avtal",
        Command::new(&cargo).current_dir(&root).args([
            "build",
            "-p",
            "avtal-cli",
            "--bin",
            "avtal",
        ]),
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
    run(
        "maturin develop",
        // The system's maturin (a venv's `-m maturin` looks for its script
        // in the venv), installing into the venv named by VIRTUAL_ENV.
        Command::new("python3")
            .current_dir(&crate_dir)
            .env("VIRTUAL_ENV", &venv)
            .args(["-m", "maturin", "develop", "--quiet"]),
    );
    Venv {
        python: venv.join("bin").join("python"),
        avtal,
        root,
        crate_dir,
    }
}
