//! The Python package end to end: a venv under `target/` (seeing the
//! system's pyarrow, pytest and maturin, installed by
//! scripts/test-deps/python.sh), `maturin develop` of this crate into it,
//! then pytest over python/tests/test_avtal.py with the `avtal` binary to
//! compare with.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations with expect"
)]

mod venv;

#[test]
fn pytest_of_the_package_against_avtal_run() {
    venv::prepare().pytest(&["tests/test_avtal.py"]);
}
