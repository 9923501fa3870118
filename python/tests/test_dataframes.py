"""The examples in examples/dataframes/ against `avtal run` on the same files.

A generated W1 population with a few hostile rows, written as Parquet
parts; `avtal run` evaluates each part; the Spark, Polars and DuckDB
examples run as a user runs them (a command), and their results must be
the same records (exact decimals, compared after sorting by id) and their
errors the same problems at the same file and row.

Run by python/tests/dataframes.rs, which sets AVTAL_BIN and AVTAL_ROOT.
"""

import csv
import os
import pickle
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import avtal

ROOT = Path(os.environ.get("AVTAL_ROOT", Path(__file__).resolve().parents[2]))
AVTAL = os.environ.get("AVTAL_BIN", "avtal")
EXAMPLES = ROOT / "examples" / "dataframes"
W1 = ROOT / "examples" / "w1_payroll_month.avtal"
ROWS, PARTS = 4000, 8

sys.path.insert(0, str(EXAMPLES))
import avtal_spark  # noqa: E402
import make_parts  # noqa: E402

# Cells made hostile before the typed read: (row among ROWS from 0, column, text).
# Typed Parquet cannot hold "3e4" in a decimal column; what it can hold
# wrongly is a null, a variant the enum lacks, or an amount out of range.
HOSTILE = [
    (7, "salary", ""),                    # null money
    (612, "division", "IV"),              # no such variant
    (1499, "period", ""),                 # null date
    (2001, "reserve_reason", "someday"),  # no such variant
    (2002, "flex_transition", ""),        # null bool
    (3998, "vacation_days", ""),          # null int
]


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    """The population's Parquet parts, with HOSTILE among them."""
    directory = tmp_path_factory.mktemp("parts")
    source = directory / "population.csv"
    make_parts.generate_csv(ROWS, source)
    lines = source.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:]]
    for row, column, text in HOSTILE:
        rows[row][header.index(column)] = text
    hostile = directory / "hostile.csv"
    hostile.write_text("\n".join(",".join(r) for r in [header] + rows) + "\n", encoding="utf-8")
    entry = avtal.load(W1).entry("W1")
    paths = make_parts.write_parts(make_parts.read_typed(hostile, entry), directory / "in", PARTS)
    source.unlink()
    hostile.unlink()
    return directory / "in", paths


@pytest.fixture(scope="module")
def expected(parts, tmp_path_factory):
    """`avtal run` on each part: (results sorted by id, error lines)."""
    directory, paths = parts
    out = tmp_path_factory.mktemp("avtal-run")
    tables, problems = [], []
    for path in paths:
        results, errors = out / f"{path.stem}.parquet", out / f"{path.stem}.errors.csv"
        done = subprocess.run(
            [AVTAL, "run", str(W1), "--entry", "W1", "--input", str(path),
             "--output", str(results), "--errors", str(errors), "--quiet"],
            capture_output=True, text=True,
        )
        assert done.returncode in (0, 2), done.stderr
        tables.append(pq.read_table(results))
        with open(errors, newline="", encoding="utf-8") as f:
            problems += [(path.name, int(r["row"]), r["field"], r["code"]) for r in csv.DictReader(f)]
    results = pa.concat_tables(tables).sort_by("id")
    # Every hostile row is a bad row, in the part that holds it.
    size = -(-ROWS // PARTS)
    assert sorted({(file, row) for file, row, _, _ in problems}) == sorted(
        (f"part-{r // size:05d}.parquet", r % size + 1) for r, _, _ in HOSTILE
    )
    assert results.num_rows == ROWS - len(HOSTILE)
    return results, sorted(problems)


def run_example(name, *args):
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *map(str, args)], capture_output=True, text=True
    )
    assert done.returncode == 0, f"{name} failed:\n{done.stdout}\n{done.stderr}"
    print(f"{name}: {time.perf_counter() - started:.1f} s\n{done.stdout}")
    return done.stdout


def assert_same_results(got, expected):
    """The same records with the same values: decimals compared exactly,
    enums (dictionaries in avtal's output) as their text."""
    plain = avtal_spark.plain_types(expected.schema)
    assert got.schema.names == plain.names
    for field, want in zip(got.schema, plain):
        # Exact types, except that text may be any of Arrow's string types,
        # and a decimal any precision at the same scale: `avtal run` writes
        # money to Parquet as Decimal128(18, 2), the package's Arrow
        # results keep Decimal128(38, 2).
        text = pa.types.is_string(want.type) and (
            pa.types.is_large_string(field.type) or pa.types.is_string_view(field.type)
            or pa.types.is_dictionary(field.type) or pa.types.is_string(field.type)
        )
        decimal = (
            pa.types.is_decimal(want.type) and pa.types.is_decimal(field.type)
            and field.type.scale == want.type.scale
        )
        assert field.type == want.type or text or decimal, (field, want)
    assert got.cast(plain).sort_by("id").to_pylist() == expected.cast(plain).to_pylist()


def assert_same_errors(errors, expected_problems):
    lines = errors.to_pylist()
    assert sorted((e["file"], e["row"], e["field"], e["code"]) for e in lines) == expected_problems
    assert all(e["message"] for e in lines)


def test_spark_example_matches_avtal_run(parts, expected, tmp_path):
    directory, _ = parts
    results, problems = expected
    # A task per part (Spark would pack these small files into 2 tasks),
    # so that the tasks outnumber the 2 Python workers.
    stdout = run_example(
        "spark_w1.py", directory, tmp_path, "--master", "local[2]",
        "--conf", "spark.sql.files.maxPartitionBytes=1m",
    )
    assert_same_results(pq.read_table(tmp_path / "results"), results)
    assert_same_errors(pq.read_table(tmp_path / "errors"), problems)
    assert f"results: {ROWS - len(HOSTILE)} rows" in stdout
    assert f"errors: {len(HOSTILE)} bad rows" in stdout
    # Each Python worker loads the agreement once, not each task.
    loads_line = next(line for line in stdout.splitlines() if line.startswith("agreement loads:"))
    loads, tasks = (int(word) for word in loads_line.split() if word.isdigit())
    assert tasks == PARTS and 1 <= loads < tasks, loads_line


def test_polars_example_matches_avtal_run(parts, expected, tmp_path):
    directory, _ = parts
    results, problems = expected
    stdout = run_example("polars_w1.py", directory, tmp_path)
    assert_same_results(pq.read_table(tmp_path / "results.parquet"), results)
    assert_same_errors(pq.read_table(tmp_path / "errors.parquet"), problems)
    assert f"errors: {len(HOSTILE)} bad rows" in stdout


def test_duckdb_example_matches_avtal_run(parts, expected, tmp_path):
    directory, _ = parts
    results, problems = expected
    stdout = run_example("duckdb_w1.py", directory, tmp_path)
    assert_same_results(pq.read_table(tmp_path / "results.parquet"), results)
    assert_same_errors(pq.read_table(tmp_path / "errors.parquet"), problems)
    assert f"errors: {len(HOSTILE)} bad rows" in stdout


def test_spark_function_loads_once_per_process(parts, monkeypatch):
    """The function Spark pickles for the executors finds the module's
    cache: two tasks' copies of it load the agreement once."""
    from pyspark import cloudpickle

    _, paths = parts
    loads = []
    real_load = avtal.load
    monkeypatch.setattr(avtal_spark.avtal, "load", lambda path: loads.append(path) or real_load(path))
    monkeypatch.setattr(avtal_spark, "_ENTRIES", {})
    agreement = avtal_spark.Agreement.read(W1)
    function = cloudpickle.dumps(partial(avtal_spark.evaluate_partition, agreement, "W1", "jit", 5))
    # By reference: the copy calls the module's own function.
    assert pickle.loads(function).func is avtal_spark.evaluate_partition
    table = pq.read_table(paths[0]).slice(0, 20)
    table = table.append_column(avtal_spark.FILE_COLUMN, pa.array([str(paths[0])] * table.num_rows))
    table = table.append_column(avtal_spark.ROW_COLUMN, pa.array(range(table.num_rows), pa.int64()))
    # Spark's batches of 3 rows, evaluated 5 or more at a time: rows 7-12
    # (from 1) are the second call's.
    batches = table.to_batches(max_chunksize=3)
    first = list(pickle.loads(function)(iter(batches)))
    second = list(pickle.loads(function)(iter(batches)))
    assert len(loads) == 1
    assert [b.num_rows for b in first] == [b.num_rows for b in second] == [6, 5, 1, 6, 2]
    out = pa.Table.from_batches(first)
    results = out.filter(pc.field(avtal_spark.KIND) == "result")
    assert results.column("id").to_pylist() == [i for i in table.column("id").to_pylist() if i != 8]
    # The hostile row 8 of the first part comes back as an error there.
    errors = out.filter(pc.field(avtal_spark.KIND) == "error")
    assert errors.column("error_row").to_pylist() == [8]
    assert errors.column("error_file").to_pylist() == [paths[0].name]


def test_agreement_ships_its_local_modules(monkeypatch):
    """The text shipped to executors holds the local modules named; a
    module left out is a program error on the driver, with its code."""
    monkeypatch.setattr(avtal_spark, "_ENTRIES", {})
    agreement = ROOT / "cli" / "tests" / "data" / "diff" / "new" / "lön.avtal"
    with pytest.raises(avtal.AvtalError) as raised:
        avtal_spark.Agreement.read(agreement).entry("Lön")
    assert raised.value.code.startswith("E") and "testfall.satser" in str(raised.value)
    shipped = avtal_spark.Agreement.read(agreement, modules=["testfall/satser.avtal"])
    assert sorted(shipped.files) == ["lön.avtal", "testfall/satser.avtal"]
    assert shipped.entry("Lön").name == "Lön"
