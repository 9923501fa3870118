"""Run an avtal entry point over a Spark DataFrame with `mapInArrow`.

Shipped to the executors with `SparkContext.addPyFile` (or `spark-submit
--py-files avtal_spark.py`): being an importable module there, the
function below is pickled by reference and `_ENTRIES` is one cache per
Python worker process, so a worker loads the agreement once, not once per
partition. The `avtal` package itself must be installed in the executors'
Python (it holds native code, which Python cannot import from a
`--py-files` zip); docs/scale.md says how on a cluster.

The agreement travels inside the pickled function as its source text
(`Agreement`), so the executors compile exactly the text the driver
checked, with no file to distribute or keep in step.

Output: one DataFrame whose rows are either a result (`avtal_kind` =
"result", the entry's output columns set) or a problem of a bad input row
(`avtal_kind` = "error", the `error_*` columns set: the input file, the
row in it counted from 1 as `avtal run --errors` counts it, field, code,
message, help). `split` turns it into the two tables. No row is dropped.
"""

import hashlib
import os
import tempfile
from functools import partial
from pathlib import Path

import avtal
import pyarrow as pa

KIND = "avtal_kind"
FILE_COLUMN = "avtal_input_file"
ROW_COLUMN = "avtal_input_row"
ERROR_FIELDS = [
    ("error_file", pa.string()),
    ("error_row", pa.int64()),
    ("error_field", pa.string()),
    ("error_code", pa.string()),
    ("error_message", pa.string()),
    ("error_help", pa.string()),
]

# Rows per `evaluate` call: its fixed cost (tables in and out) spread over
# them, its memory (the rows in, their results out) bounded by them.
ROWS_PER_CALL = 100_000

# (agreement digest, entry name) -> avtal.Entry, per Python worker process.
_ENTRIES = {}


class Agreement:
    """An agreement's source text and the local modules it `use`s.

    `files` maps paths relative to `root` to their text; `main` is the
    agreement's path among them. Standard-library modules (`use lag.las`)
    are inside the avtal package and need no file.
    """

    def __init__(self, main, files):
        self.main = main
        self.files = dict(files)
        # A Spark accumulator counting the loads on executors (`count_loads`).
        self.loads = None
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + self.files[name].encode() + b"\0")
        self.digest = digest.hexdigest()

    @classmethod
    def read(cls, path, modules=()):
        """The file at `path` and the module files `modules` (paths
        relative to the directory of `path`, e.g. "acme/lokal.avtal" for
        `use acme.lokal`)."""
        path = Path(path)
        root = path.parent
        files = {path.name: path.read_text(encoding="utf-8")}
        for module in modules:
            files[str(module)] = (root / module).read_text(encoding="utf-8")
        return cls(path.name, files)

    def count_loads(self, spark_context):
        """Count from now on each load of the agreement (on executors, one
        per Python worker process); the count is `self.loads.value`."""
        self.loads = spark_context.accumulator(0)

    def entry(self, name):
        """The compiled entry point, loaded once per process."""
        key = (self.digest, name)
        entry = _ENTRIES.get(key)
        if entry is None:
            directory = Path(tempfile.mkdtemp(prefix="avtal-" + self.digest[:12] + "-"))
            for relative, text in self.files.items():
                target = directory / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            entry = avtal.load(directory / self.main).entry(name)
            _ENTRIES[key] = entry
            if self.loads is not None:
                self.loads.add(1)
        return entry


def plain_types(schema):
    """`schema` with dictionary columns (avtal's enums) as plain strings:
    Spark's Arrow reader takes no dictionaries."""
    return pa.schema(
        pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
        for f in schema
    )


def output_schema(entry):
    """The Arrow schema of `evaluate`'s one output DataFrame."""
    fields = [pa.field(KIND, pa.string())]
    fields += list(plain_types(entry.output_schema))
    fields += [pa.field(name, kind) for name, kind in ERROR_FIELDS]
    return pa.schema(fields)


def _results_batch(schema, results):
    columns = [pa.array(["result"] * results.num_rows, pa.string())]
    for field in list(schema)[1:]:
        if field.name in results.column_names:
            column = results.column(field.name).combine_chunks()
            columns.append(column.cast(field.type))
        else:
            columns.append(pa.nulls(results.num_rows, field.type))
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _errors_batch(schema, errors, batch):
    """The problems of the bad rows of `batch` (a table), placed by input
    file and row."""
    lines = errors.to_pylist()
    files = batch.column(FILE_COLUMN)
    rows = batch.column(ROW_COLUMN)
    values = {
        KIND: ["error"] * len(lines),
        # `row` counts from 1 over the evaluated batch.
        "error_file": [os.path.basename(files[line["row"] - 1].as_py()) for line in lines],
        "error_row": [rows[line["row"] - 1].as_py() + 1 for line in lines],
        "error_field": [line["field"] for line in lines],
        "error_code": [line["code"] for line in lines],
        "error_message": [line["message"] for line in lines],
        "error_help": [line["help"] for line in lines],
    }
    columns = [
        pa.array(values[f.name], f.type) if f.name in values else pa.nulls(len(lines), f.type)
        for f in schema
    ]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _chunks(batches, rows):
    """Spark's batches gathered into lists of at least `rows` rows (the
    last may be shorter)."""
    chunk, count = [], 0
    for batch in batches:
        chunk.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield chunk
            chunk, count = [], 0
    if chunk:
        yield chunk


def evaluate_partition(agreement, entry_name, engine, rows_per_call, batches):
    """The function for `mapInArrow` (bound with `functools.partial`, so
    it is pickled by reference): the partition's batches evaluated
    `rows_per_call` rows at a time (fewer, larger calls: each call
    converts its table and builds its result and error tables; the
    entry's code is compiled once per worker and kept), their results and
    errors yielded as batches of `output_schema`."""
    entry = agreement.entry(entry_name)
    schema = output_schema(entry)
    for chunk in _chunks(batches, rows_per_call):
        table = pa.Table.from_batches(chunk)
        results, errors = entry.evaluate(table, engine=engine)
        if results.num_rows:
            yield _results_batch(schema, results)
        if errors.num_rows:
            yield _errors_batch(schema, errors, table)


def evaluate(dataframe, agreement, entry_name, engine="jit", rows_per_call=ROWS_PER_CALL):
    """One DataFrame of results and errors (see the module's doc).

    `dataframe` is read from files (Parquet): each row's file and row
    number come from Spark's `_metadata` column, so an error names them.
    The driver loads the agreement first, so a program error is raised
    here, before any task runs.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    entry = agreement.entry(entry_name)
    inputs = [F.col(name) for name in entry.input_schema.names]
    placed = dataframe.select(
        *inputs,
        F.col("_metadata.file_path").alias(FILE_COLUMN),
        F.col("_metadata.row_index").alias(ROW_COLUMN),
    )
    schema = from_arrow_schema(output_schema(entry))
    function = partial(evaluate_partition, agreement, entry_name, engine, rows_per_call)
    return placed.mapInArrow(function, schema)


def split(evaluated, entry):
    """(results, errors) DataFrames of `evaluate`'s output. Persist
    `evaluated` first when both are used, or each is evaluated again."""
    from pyspark.sql import functions as F

    outputs = [f.name for f in entry.output_schema]
    errors = [name for name, _ in ERROR_FIELDS]
    results = evaluated.where(F.col(KIND) == "result").select(*outputs)
    problems = evaluated.where(F.col(KIND) == "error").select(
        *[F.col(name).alias(name.removeprefix("error_")) for name in errors]
    )
    return results, problems
