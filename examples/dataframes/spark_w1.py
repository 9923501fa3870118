#!/usr/bin/env python3
"""W1 over a Parquet population with PySpark's `mapInArrow`.

usage: spark_w1.py PARTS_DIR OUT_DIR [--master local[2]] [--agreement FILE]
   or: spark-submit --py-files examples/dataframes/avtal_spark.py \\
         examples/dataframes/spark_w1.py PARTS_DIR OUT_DIR

Reads every Parquet file of PARTS_DIR (make_parts.py writes them), runs
the W1 entry of examples/w1_payroll_month.avtal over each Arrow batch
Spark hands to Python, and writes two Parquet outputs:

- OUT_DIR/results: one row per good input row, the entry's output columns
  (money as decimal(38,2), exact; the same records as `avtal run`).
- OUT_DIR/errors: one row per problem of a bad input row: `file` and
  `row` (its place in that input file, from 1, as `avtal run --errors`
  numbers it), `field`, `code`, `message`, `help`. Bad rows are never
  dropped: each input row is in one of the two outputs.

The job evaluates once: its output is persisted, then split in two.
The `avtal` package must be importable by the executors' Python (here, the
Python running this script); see docs/scale.md for a cluster.
"""

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import avtal_spark  # noqa: E402  (beside this file)
from pyspark import StorageLevel  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402

W1 = HERE.parent / "w1_payroll_month.avtal"


def session(master, settings):
    builder = SparkSession.builder.appName("avtal-w1")
    for setting in settings:
        key, _, value = setting.partition("=")
        builder = builder.config(key, value)
    if master:
        builder = builder.master(master)
    if master and master.startswith("local"):
        # The Python workers are this Python (the one with avtal installed;
        # PySpark started from Python reads PYSPARK_PYTHON, not
        # spark.pyspark.python), and no web UI is needed for a local run.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.config("spark.ui.enabled", "false")
    return builder.getOrCreate()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts_dir")
    parser.add_argument("out_dir")
    parser.add_argument("--master", help="e.g. local[2]; spark-submit's --master otherwise")
    parser.add_argument("--agreement", default=str(W1), help="the .avtal file (W1's by default)")
    parser.add_argument("--engine", choices=["jit", "interp"], default="jit")
    parser.add_argument(
        "--conf", action="append", default=[], metavar="KEY=VALUE",
        help="a Spark setting, e.g. spark.sql.files.maxPartitionBytes=1m (a task per small file)",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    spark = session(args.master, args.conf)
    spark.sparkContext.setLogLevel("ERROR")
    # The helper module reaches the executors' Python as a file; the
    # agreement travels as text inside the pickled function.
    if "avtal_spark.py" not in spark.sparkContext.getConf().get("spark.submit.pyFiles", ""):
        spark.sparkContext.addPyFile(str(HERE / "avtal_spark.py"))
    agreement = avtal_spark.Agreement.read(args.agreement)
    entry = agreement.entry("W1")  # compiles on the driver: errors stop here
    agreement.count_loads(spark.sparkContext)
    ready = time.perf_counter()

    population = spark.read.parquet(args.parts_dir)
    evaluated = avtal_spark.evaluate(population, agreement, "W1", engine=args.engine)
    evaluated = evaluated.persist(StorageLevel.MEMORY_AND_DISK)
    results, errors = avtal_spark.split(evaluated, entry)
    # Not a Path: OUT_DIR may be a URL (s3a://…), whose "//" a Path folds.
    out = args.out_dir.rstrip("/")
    results.write.mode("overwrite").parquet(f"{out}/results")
    errors.write.mode("overwrite").parquet(f"{out}/errors")
    good, bad = results.count(), errors.select("file", "row").distinct().count()
    tasks = evaluated.rdd.getNumPartitions()
    evaluated.unpersist()
    done = time.perf_counter()

    print(f"results: {good} rows -> {out}/results")
    print(f"errors: {bad} bad rows -> {out}/errors")
    print(f"agreement loads: {agreement.loads.value} by {tasks} tasks")
    print(f"seconds: session {ready - started:.1f}, job {done - ready:.1f}")
    spark.stop()


if __name__ == "__main__":
    main()
