"""W1 through the avtal Python package over a pyarrow table (columnar-bench's Python side).

Usage: python bench/columnar_python.py POPULATION.parquet

Reads the file into a pyarrow table and compiles W1 before the clock starts
(a first call on a small slice compiles the entry point, which `Entry` keeps),
then times one `Entry.evaluate` of the whole table and prints
`SECONDS RESULTS ERRORS` for columnar-bench to check and compare.
"""

import sys
import time

import avtal
import pyarrow.parquet as pq

table = pq.read_table(sys.argv[1])
entry = avtal.load("examples/w1_payroll_month.avtal").entry("W1")
entry.evaluate(table.slice(0, 1000))

started = time.perf_counter()
results, errors = entry.evaluate(table)
took = time.perf_counter() - started
print(f"{took:.6f} {results.num_rows} {errors.num_rows}")
