#!/usr/bin/env python3
"""W1 over a Parquet population with Polars.

usage: polars_w1.py PARTS_DIR OUT_DIR

Scans every Parquet file of PARTS_DIR (make_parts.py writes them), hands
the frame to the W1 entry (Polars speaks the Arrow stream interface: no
copy through text), and writes OUT_DIR/results.parquet (the good rows'
outputs, money exact as decimal(38,2)) and OUT_DIR/errors.parquet (each
problem of a bad row, placed by input `file` and `row`, from 1, as
`avtal run --errors` numbers it). A summary per division, computed by
Polars on the exact decimals, is printed.
"""

import argparse
from pathlib import Path

import avtal
import polars as pl

W1 = Path(__file__).resolve().parent.parent / "w1_payroll_month.avtal"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts_dir")
    parser.add_argument("out_dir")
    args = parser.parse_args()

    entry = avtal.load(W1).entry("W1")
    frame = (
        pl.scan_parquet(Path(args.parts_dir) / "*.parquet", include_file_paths="path")
        .with_columns(
            file=pl.col("path").str.split("/").list.last(),
            file_row=pl.int_range(1, pl.len() + 1).over("path"),
        )
        .collect()
    )
    results, errors = entry.evaluate(frame)
    results = pl.from_arrow(results)
    # An error's `row` counts the frame's rows from 1: its file and row there.
    places = frame.select("file", "file_row").with_row_index("row", offset=1)
    errors = (
        pl.from_arrow(errors)
        .with_columns(pl.col("row").cast(pl.UInt32))
        .join(places, on="row", how="left")
        .select("file", pl.col("file_row").alias("row"), "field", "code", "message", "help")
    )

    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results.write_parquet(out / "results.parquet")
    errors.write_parquet(out / "errors.parquet")
    print(f"results: {results.height} rows -> {out / 'results.parquet'}")
    bad = errors.select("file", "row").n_unique() if errors.height else 0
    print(f"errors: {bad} bad rows -> {out / 'errors.parquet'}")
    summary = (
        frame.select("id", "division")
        .join(results, on="id")
        .group_by("division")
        .agg(pl.len().alias("employees"), pl.col("vacation_guarantee").sum(), pl.col("tsn_fee").sum())
        .sort("division")
    )
    print(summary)


if __name__ == "__main__":
    main()
