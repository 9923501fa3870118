#!/usr/bin/env python3
"""Wall time of the three examples and of `avtal run` on the same parts.

usage: time_examples.py N PARTS [--avtal target/release/avtal] [--master local[2]]

Writes N generated rows as PARTS Parquet parts in a temporary directory,
then times, one after the other on the same files: `avtal run` on each
part, polars_w1.py, duckdb_w1.py and spark_w1.py (whose own split of
session start and job is printed too). Each example's result count must
be `avtal run`'s. Figures are wall-clock seconds of whole commands (Python
start, imports and compile included); see docs/scale.md.
"""

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import avtal
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
W1 = HERE.parent / "w1_payroll_month.avtal"


def timed(command):
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode not in (0, 2):
        sys.exit(f"{command[1]} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started, done.stdout


def package_costs(parts):
    """In this process: the package over the whole population, the fixed
    cost of one `evaluate` call (its tables in and out; the entry's code is
    compiled by the first call and kept), and the peak memory one
    Spark-sized batch (10,000 rows) adds."""
    entry = avtal.load(W1).entry("W1")
    table = pa.concat_tables(pq.read_table(p) for p in sorted(parts.glob("*.parquet")))
    one_row = table.slice(0, 1)
    entry.evaluate(one_row)
    started = time.perf_counter()
    for _ in range(20):
        entry.evaluate(one_row)
    per_call = (time.perf_counter() - started) / 20
    batch = table.slice(0, 10_000).combine_chunks()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    entry.evaluate(batch)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    started = time.perf_counter()
    entry.evaluate(table)
    whole = time.perf_counter() - started
    return [
        (f"evaluate, {table.num_rows:,} rows", whole, "in one call, pyarrow table in memory"),
        ("evaluate, 1 row", per_call, f"per call, after the first; 10,000 rows add {grown / 1024:.1f} MB peak"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("parts", type=int)
    parser.add_argument("--avtal", default="target/release/avtal")
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="avtal-time-"))
    try:
        parts = work / "parts"
        subprocess.run(
            [sys.executable, str(HERE / "make_parts.py"), str(args.n), str(args.parts), str(parts)],
            check=True, capture_output=True,
        )
        started = time.perf_counter()
        good = 0
        for part in sorted(parts.glob("*.parquet")):
            out = work / "avtal-run" / part.name
            out.parent.mkdir(exist_ok=True)
            timed([args.avtal, "run", str(W1), "--input", str(part), "--output", str(out), "--quiet"])
            good += pq.read_metadata(out).num_rows
        rows = [("avtal run, each part", time.perf_counter() - started, "")]
        for name, extra in [
            ("polars_w1.py", []),
            ("duckdb_w1.py", []),
            ("spark_w1.py", ["--master", args.master]),
        ]:
            seconds, stdout = timed([sys.executable, str(HERE / name), str(parts), str(work / name), *extra])
            if f"results: {good} rows" not in stdout:
                sys.exit(f"{name} does not give avtal run's {good} results:\n{stdout}")
            note = next((line for line in stdout.splitlines() if line.startswith("seconds:")), "")
            rows.append((name, seconds, note))
        costs = package_costs(parts)
        print(f"{args.n} rows in {args.parts} parts; load: {os.getloadavg()[0]:.1f}")
        for name, seconds, note in rows:
            print(f"{name:22} {seconds:7.1f} s  {args.n / seconds:>10,.0f} rows/s  {note}")
        for name, seconds, note in costs:
            print(f"{name:22} {seconds * 1000:9.1f} ms  {note}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
