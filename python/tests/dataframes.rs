//! The Spark, Polars and DuckDB examples (examples/dataframes/) against
//! `avtal run` on the same Parquet parts: pytest over
//! python/tests/test_dataframes.py in the venv of the package's tests.
//! Spark runs for real (PySpark on a local[2] session, installed by
//! scripts/test-deps/spark.sh), which needs Java.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations with expect"
)]

mod venv;

use std::process::Command;

/// Spark needs a Java runtime: say how to get one rather than fail deep
/// inside PySpark's gateway.
fn assert_java() {
    let java = Command::new("java").arg("-version").output();
    assert!(
        java.is_ok_and(|output| output.status.success()),
        "the Spark example needs Java 17 (`java -version` failed): run scripts/setup-test-deps"
    );
}

#[test]
fn dataframe_examples_against_avtal_run() {
    assert_java();
    let venv = venv::prepare();
    venv::run(
        "import of pyspark, pandas, polars and duckdb",
        Command::new(&venv.python).args(["-c", "import pyspark, pandas, polars, duckdb"]),
    );
    venv.pytest(&["tests/test_dataframes.py"]);
}
