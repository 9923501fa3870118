#!/usr/bin/env python3
"""W1 over a Parquet population with DuckDB.

usage: duckdb_w1.py PARTS_DIR OUT_DIR

DuckDB reads every Parquet file of PARTS_DIR (make_parts.py writes them)
with each row's file and row number; its result goes to the W1 entry
through the Arrow stream interface, and the entry's tables come back to
DuckDB by name: OUT_DIR/results.parquet (the good rows' outputs, money
exact as DECIMAL(38,2)) and OUT_DIR/errors.parquet (each problem of a bad
row, placed by input `file` and `row`, from 1, as `avtal run --errors`
numbers it). A summary per division, computed by DuckDB on the exact
decimals, is printed.
"""

import argparse
from pathlib import Path

import avtal
import duckdb

W1 = Path(__file__).resolve().parent.parent / "w1_payroll_month.avtal"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts_dir")
    parser.add_argument("out_dir")
    args = parser.parse_args()

    entry = avtal.load(W1).entry("W1")
    db = duckdb.connect()
    parts = str(Path(args.parts_dir) / "*.parquet")
    # The input in a fixed order, so an error's `row` (from 1 over the
    # evaluated rows) leads back to its file and row.
    db.execute(
        "CREATE TABLE population AS SELECT *, parse_filename(filename) AS file, "
        "file_row_number + 1 AS file_row, row_number() OVER (ORDER BY filename, file_row_number) AS n "
        "FROM read_parquet(?, filename = true, file_row_number = true)",
        [parts],
    )
    results, errors = entry.evaluate(db.sql("SELECT * FROM population ORDER BY n"))
    db.register("results", results)
    db.register("errors", errors)

    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    db.sql("SELECT * FROM results").write_parquet(str(out / "results.parquet"))
    db.sql(
        "SELECT p.file, p.file_row AS row, e.field, e.code, e.message, e.help "
        "FROM errors e JOIN population p ON p.n = e.row ORDER BY p.n"
    ).write_parquet(str(out / "errors.parquet"))
    (good,), = db.sql("SELECT count(*) FROM results").fetchall()
    (bad,), = db.sql("SELECT count(DISTINCT row) FROM errors").fetchall()
    print(f"results: {good} rows -> {out / 'results.parquet'}")
    print(f"errors: {bad} bad rows -> {out / 'errors.parquet'}")
    db.sql(
        "SELECT p.division, count(*) AS employees, sum(r.vacation_guarantee) AS vacation_guarantee, "
        "sum(r.tsn_fee) AS tsn_fee FROM results r JOIN population p USING (id) "
        "GROUP BY p.division ORDER BY p.division"
    ).show()


if __name__ == "__main__":
    main()
