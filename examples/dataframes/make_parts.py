#!/usr/bin/env python3
"""A generated W1 population as Parquet parts with avtal's column types.

usage: make_parts.py N PARTS OUT_DIR [--seed S]

Generates N employee months with gen_population.py (the workload's
generator, beside this file), reads them with the column types of the W1
entry (money Decimal128(38, 2), dates Date32, enums dictionary strings,
ints, bools) and writes them as OUT_DIR/part-00000.parquet… of about
N / PARTS rows each. These are the files the Spark, Polars and DuckDB
examples read, and `avtal run` reads each of them too.
"""

import argparse
import subprocess
import sys
from pathlib import Path

import avtal
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
W1 = HERE.parent / "w1_payroll_month.avtal"


def generate_csv(n, path, seed=2025):
    """N rows of the W1 generator written to `path` as CSV."""
    subprocess.run(
        [sys.executable, str(HERE / "gen_population.py"), str(n), "--seed", str(seed), "-o", str(path)],
        check=True,
    )


def read_typed(csv_path, entry):
    """The CSV read with the entry's input column types."""
    return pcsv.read_csv(
        csv_path, convert_options=pcsv.ConvertOptions(column_types=entry.input_schema)
    )


def write_parts(table, out_dir, parts):
    """`table` split into `parts` Parquet files, in order; their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    size = -(-table.num_rows // parts)
    paths = []
    for index in range(parts):
        path = out_dir / f"part-{index:05d}.parquet"
        pq.write_table(table.slice(index * size, size), path)
        paths.append(path)
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("parts", type=int)
    parser.add_argument("out_dir")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / "population.csv"
    generate_csv(args.n, csv_path, args.seed)
    entry = avtal.load(W1).entry("W1")
    paths = write_parts(read_typed(csv_path, entry), out_dir, args.parts)
    csv_path.unlink()
    print(f"{args.n} rows in {len(paths)} parts under {out_dir}")


if __name__ == "__main__":
    main()
