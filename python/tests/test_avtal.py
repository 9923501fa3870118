"""The avtal package against the `avtal` command on the same data.

Run by python/tests/pytest.rs, which sets AVTAL_BIN (the `avtal` binary)
and AVTAL_ROOT (the repository)."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

import avtal

ROOT = Path(os.environ.get("AVTAL_ROOT", Path(__file__).resolve().parents[2]))
AVTAL = os.environ.get("AVTAL_BIN", "avtal")
W1 = ROOT / "examples" / "w1_payroll_month.avtal"
POPULATION = ROOT / "examples" / "w1_population.csv"


def avtal_run(source, data, tmp_path):
    """`avtal run` on `data`: its Parquet output and its error rows."""
    out = tmp_path / "out.parquet"
    errors = tmp_path / "errors.csv"
    done = subprocess.run(
        [AVTAL, "run", str(source), "--input", str(data), "--output", str(out),
         "--errors", str(errors), "--entry", "W1", "--quiet"],
        capture_output=True, text=True,
    )
    assert done.returncode in (0, 2), done.stderr
    with open(errors, newline="", encoding="utf-8") as f:
        rows = [(int(r["row"]), r["field"], r["code"]) for r in csv.DictReader(f)]
    return pq.read_table(out), rows


def test_evaluate_matches_avtal_run(tmp_path):
    entry = avtal.load(W1).entry("W1")
    table = pcsv.read_csv(
        POPULATION, convert_options=pcsv.ConvertOptions(column_types=entry.input_schema)
    )
    expected, expected_errors = avtal_run(W1, POPULATION, tmp_path)
    for engine in ("jit", "interp"):
        results, errors = entry.evaluate(table, engine=engine)
        assert isinstance(results, pa.Table)
        assert results.num_rows == table.num_rows == 1000
        assert errors.num_rows == 0 and expected_errors == []
        assert results.schema.names == expected.schema.names
        # `avtal run` writes money to Parquet as Decimal128(18, 2) (a 64-bit
        # integer in the file); `evaluate` keeps Decimal128(38, 2).
        assert results.schema.types == [
            pa.decimal128(38, 2) if pa.types.is_decimal(t) else t
            for t in expected.schema.types
        ]
        assert results.to_pylist() == expected.to_pylist()


def test_record_batches_and_streams(tmp_path):
    entry = avtal.load(W1).entry()
    table = pcsv.read_csv(
        POPULATION, convert_options=pcsv.ConvertOptions(column_types=entry.input_schema)
    )
    whole, _ = entry.evaluate(table)
    # A single batch (__arrow_c_array__ or its stream) and a reader of
    # several batches give the same rows in the same order.
    batch = table.combine_chunks().to_batches()[0]
    one, _ = entry.evaluate(batch)
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=97))
    many, _ = entry.evaluate(reader)
    assert one.to_pylist() == whole.to_pylist() == many.to_pylist()

    class OnlyArray:
        """A producer with the array capsule only (no stream)."""

        def __arrow_c_array__(self, requested_schema=None):
            return batch.__arrow_c_array__(requested_schema)

    only_array, _ = entry.evaluate(OnlyArray())
    assert only_array.to_pylist() == whole.to_pylist()

    # A stream whose batches a Python generator makes is read while the
    # GIL is released: the generator runs (taking the GIL) as batches are
    # asked for.
    pulled = []

    def generated():
        for part in table.to_batches(max_chunksize=100):
            pulled.append(part.num_rows)
            yield part

    streamed, errors = entry.evaluate(
        pa.RecordBatchReader.from_batches(table.schema, generated())
    )
    assert streamed.to_pylist() == whole.to_pylist() and errors.num_rows == 0
    assert pulled == [part.num_rows for part in table.to_batches(max_chunksize=100)]

    def broken():
        yield table.to_batches(max_chunksize=100)[0]
        raise RuntimeError("the source went away")

    with pytest.raises(Exception, match="the source went away"):
        entry.evaluate(pa.RecordBatchReader.from_batches(table.schema, broken()))
    with pytest.raises(TypeError):
        entry.evaluate([1, 2, 3])


def test_hostile_rows_come_back_as_errors(tmp_path):
    lines = POPULATION.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:41]]
    col = header.index
    rows[2][col("salary")] = "3e4"              # an exponent
    rows[5][col("salary")] = "30000.005"        # more decimals than money keeps
    rows[9][col("period")] = "2026-02-30"       # off the calendar
    rows[14][col("division")] = "IV"            # no such variant
    rows[20][col("vacation_days")] = ""         # blank
    rows[33][col("flex_transition")] = "maybe"  # not a boolean
    hostile = tmp_path / "hostile.csv"
    hostile.write_text("\n".join(",".join(r) for r in [header] + rows) + "\n", encoding="utf-8")
    # Every column as text: the package reads each cell as `avtal run` does.
    strings = pcsv.read_csv(
        hostile,
        convert_options=pcsv.ConvertOptions(column_types={h: pa.string() for h in header}),
    )
    entry = avtal.load(W1).entry("W1")
    results, errors = entry.evaluate(strings)
    expected, expected_errors = avtal_run(W1, hostile, tmp_path)
    got = [(r["row"], r["field"], r["code"]) for r in errors.to_pylist()]
    assert sorted({r for r, _, _ in got}) == [3, 6, 10, 15, 21, 34]
    assert got == expected_errors
    assert all(r["message"] for r in errors.to_pylist())
    assert results.num_rows == 40 - 6
    assert results.to_pylist() == expected.to_pylist()


def test_missing_column_raises_with_code():
    entry = avtal.load(W1).entry("W1")
    with pytest.raises(avtal.AvtalError) as raised:
        entry.evaluate(pa.table({"id": [1]}))
    assert raised.value.code.startswith("E")
    assert "salary" in str(raised.value)


def test_check_of_a_broken_file_raises_code_span_help(tmp_path):
    broken = tmp_path / "broken.avtal"
    broken.write_text(
        "module broken\n\nrule pay(x: Money) -> Money = x + 2 %\n", encoding="utf-8"
    )
    with pytest.raises(avtal.AvtalError) as raised:
        avtal.check(broken)
    error = raised.value
    assert error.code == "E0201"  # cannot add Money and Percent
    assert error.file.endswith("broken.avtal")
    assert (error.line, error.column) == (3, 31)
    start, end = error.span
    assert broken.read_bytes()[start:end] == b"x + 2 %"
    assert "multiply" in error.help
    assert error.diagnostics and error.diagnostics[0]["code"] == error.code
    with pytest.raises(avtal.AvtalError):
        avtal.load(broken)


def test_check_test_and_explain_of_w1():
    module = avtal.load(W1)
    assert all(d["severity"] != "error" for d in avtal.check(W1))
    outcomes = module.test()
    assert outcomes and all(o["passed"] for o in outcomes), outcomes
    entry = module.entry("W1")
    with open(POPULATION, newline="", encoding="utf-8") as f:
        record = next(csv.DictReader(f))
    text = entry.explain(record)
    assert "W1" in text and "flex" in text
    with pytest.raises(avtal.AvtalError) as raised:
        entry.explain({**record, "salary": "lots"})
    assert raised.value.code.startswith("E")


def test_unknown_entry_names_the_entries():
    with pytest.raises(avtal.AvtalError) as raised:
        avtal.load(W1).entry("W9")
    assert raised.value.code == "E0605"
    assert "W1" in raised.value.help


def test_polars_and_duckdb_give_the_pyarrow_results(tmp_path):
    polars = pytest.importorskip("polars")
    duckdb = pytest.importorskip("duckdb")
    entry = avtal.load(W1).entry("W1")
    table = pcsv.read_csv(
        POPULATION, convert_options=pcsv.ConvertOptions(column_types=entry.input_schema)
    )
    expected, _ = entry.evaluate(table)
    frame = polars.from_arrow(table)
    from_polars, errors = entry.evaluate(frame)
    assert errors.num_rows == 0
    assert from_polars.to_pylist() == expected.to_pylist()
    # DuckDB casts the CSV's columns to the entry's types itself.
    relation = duckdb.sql(
        f"SELECT * REPLACE (CAST(salary AS DECIMAL(18, 2)) AS salary) "
        f"FROM read_csv('{POPULATION}', header = true, all_varchar = true)"
    )
    from_duckdb, errors = entry.evaluate(relation.arrow())
    assert errors.num_rows == 0
    assert from_duckdb.to_pylist() == expected.to_pylist()
    # And DuckDB's own result object speaks the stream interface.
    streamed, errors = entry.evaluate(relation)
    assert streamed.to_pylist() == expected.to_pylist()


WITHOUT_PYARROW = """
import sys
sys.modules["pyarrow"] = None  # `import pyarrow` fails from here on
import polars, avtal
entry = avtal.load(sys.argv[1]).entry("W1")
results, errors = entry.evaluate(polars.read_csv(sys.argv[2], infer_schema=False))
assert type(results).__name__ == "ArrowTable" and len(errors) == 0, (results, errors)
polars.DataFrame(results).write_parquet(sys.argv[3])
"""


def test_without_pyarrow_results_are_arrow_streams(tmp_path):
    pytest.importorskip("polars")
    out = tmp_path / "from_polars.parquet"
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_PYARROW, str(W1), str(POPULATION), str(out)],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    expected, _ = avtal_run(W1, POPULATION, tmp_path)
    assert pq.read_table(out).to_pylist() == expected.to_pylist()


def test_one_entry_evaluates_from_threads_at_once():
    """Calls from several threads (the GIL released while each evaluates)
    give the single-threaded results: each takes a compiled entry point of
    its own from the Entry's pool."""
    from concurrent.futures import ThreadPoolExecutor

    entry = avtal.load(W1).entry("W1")
    table = pcsv.read_csv(
        POPULATION, convert_options=pcsv.ConvertOptions(column_types=entry.input_schema)
    )
    expected = entry.evaluate(table)[0].to_pylist()
    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(lambda engine: entry.evaluate(table, engine=engine), ["jit", "interp"] * 4)
        )
    for results, errors in answers:
        assert errors.num_rows == 0
        assert results.to_pylist() == expected
