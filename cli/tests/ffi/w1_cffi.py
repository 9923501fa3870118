"""The payroll vendor's Python: the W1 library of `avtal build` through cffi.

Usage: w1_cffi.py LIBDIR POPULATION.csv OUTDIR

Reads the population as `avtal run` reads it, encodes each row as the
JSON Schema's `x-avtal-c` says (money at its scale, dates as
date.toordinal(), enums as their tag), and writes OUTDIR/single.csv (one
avtal_W1 call per record), OUTDIR/batch.csv (one avtal_W1_batch call)
and OUTDIR/threads.csv (eight threads calling the batch and the record
function at once), each as `avtal run` writes its output. Then it checks
the exported helpers against Python's own calendar and prints what the
library says of a record with a bad enum tag.
"""

import csv
import datetime
import json
import os
import sys
import threading
from decimal import Decimal

from cffi import FFI

LIB = "w1_payroll_month"
ENTRY = "W1"

lib_dir, population, out_dir = sys.argv[1:4]

ffi = FFI()
with open(os.path.join(lib_dir, LIB + ".cdef.h"), encoding="utf-8") as header:
    ffi.cdef(header.read())
lib = ffi.dlopen(os.path.join(lib_dir, "lib" + LIB + ".so"))
assert lib.avtal_w1_payroll_month_abi_version() == lib.AVTAL_ABI_VERSION

with open(os.path.join(lib_dir, ENTRY + ".schema.json"), encoding="utf-8") as f:
    schema = json.load(f)
inputs = schema["$defs"]["input"]["properties"]
outputs = schema["$defs"]["output"]["properties"]
# "required" lists the fields in the record's order (the properties' keys
# are sorted).
output_fields = schema["$defs"]["output"]["required"]


def encode(field, text):
    """One CSV cell as the C slot holds it."""
    prop = inputs[field]
    c = prop["x-avtal-c"]
    if "enum" in prop:
        return prop["enum"].index(text)
    if "date" in c:
        return datetime.date.fromisoformat(text).toordinal()
    if c.get("values") == [0, 1]:
        return {"true": 1, "false": 0}[text]
    scaled = Decimal(text).scaleb(c["scale"])
    assert scaled == scaled.to_integral_value(), (field, text)
    return int(scaled)


def decode(field, word):
    """One C slot as `avtal run` writes the field."""
    prop = outputs[field]
    c = prop["x-avtal-c"]
    if "enum" in prop:
        return prop["enum"][word]
    if "date" in c:
        return datetime.date.fromordinal(word).isoformat()
    if c.get("values") == [0, 1]:
        return "true" if word else "false"
    scale = c["scale"]
    if scale == 0:
        return str(word)
    sign = "-" if word < 0 else ""
    whole, part = divmod(abs(word), 10**scale)
    return f"{sign}{whole}.{part:0{scale}d}"


with open(population, newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
n = len(rows)
records = ffi.new(f"struct {ENTRY}Input[{n}]")
for record, row in zip(records, rows):
    for field in inputs:
        setattr(record, field, encode(field, row[field]))


def write_csv(name, results):
    with open(os.path.join(out_dir, name), "w", newline="", encoding="utf-8") as f:
        f.write(",".join(output_fields) + "\n")
        for result in results:
            cells = (decode(field, getattr(result, field)) for field in output_fields)
            f.write(",".join(cells) + "\n")


def check(code, err, what):
    if code != lib.AVTAL_OK:
        message = ffi.string(lib.avtal_w1_payroll_month_strerror(code)).decode()
        sys.exit(f"{what}: code {code} ({message}) at record {err.record}")


# One call per record.
single = ffi.new(f"struct {ENTRY}Output[{n}]")
err = ffi.new("struct AvtalError *")
for i in range(n):
    check(lib.avtal_W1(records + i, single + i, err), err, f"avtal_W1 record {i}")
write_csv("single.csv", single)

# One batch.
batch = ffi.new(f"struct {ENTRY}Output[{n}]")
codes = ffi.new(f"int32_t[{n}]")
check(lib.avtal_W1_batch(records, batch, n, codes, err), err, "avtal_W1_batch")
assert all(code == lib.AVTAL_OK for code in codes)
write_csv("batch.csv", batch)

# Eight threads at once (cffi releases the GIL during a call): even ones
# evaluate their share with one batch call, odd ones record by record,
# each many times into its own buffer, all reading the shared input.
THREADS = 8
ROUNDS = 20
threaded = ffi.new(f"struct {ENTRY}Output[{n}]")
failures = []
start = threading.Barrier(THREADS)


def work(index):
    lo, hi = n * index // THREADS, n * (index + 1) // THREADS
    own = ffi.new(f"struct {ENTRY}Output[{max(hi - lo, 1)}]")
    own_err = ffi.new("struct AvtalError *")
    start.wait()
    for _ in range(ROUNDS):
        if index % 2 == 0:
            code = lib.avtal_W1_batch(records + lo, own, hi - lo, ffi.NULL, own_err)
            if code != lib.AVTAL_OK:
                failures.append((index, code))
        else:
            for i in range(lo, hi):
                code = lib.avtal_W1(records + i, own + (i - lo), own_err)
                if code != lib.AVTAL_OK:
                    failures.append((index, code))
    ffi.memmove(threaded + lo, own, (hi - lo) * ffi.sizeof(f"struct {ENTRY}Output"))


workers = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
assert not failures, failures
write_csv("threads.csv", threaded)

# The exported helpers against Python's calendar: every 97th day from
# 0001-01-01 to 9999-12-31, and both ends.
year, month, day = ffi.new("int64_t *"), ffi.new("int64_t *"), ffi.new("int64_t *")
last = datetime.date(9999, 12, 31).toordinal()
for ordinal in list(range(1, last + 1, 97)) + [last]:
    date = datetime.date.fromordinal(ordinal)
    assert lib.avtal_w1_payroll_month_date(date.year, date.month, date.day) == ordinal, date
    lib.avtal_w1_payroll_month_civil(ordinal, year, month, day)
    assert (year[0], month[0], day[0]) == (date.year, date.month, date.day), date
    stamp = lib.avtal_w1_payroll_month_timestamp(ordinal, 19 * 60 + 30)
    moment = datetime.datetime(date.year, date.month, date.day, 19, 30)
    assert stamp == (moment - datetime.datetime(1, 1, 1)) // datetime.timedelta(minutes=1)
print("dates: ok")

# A bad enum tag: the code, the field, and the exported message.
bad = ffi.new(f"struct {ENTRY}Input *", records[0])
bad.division = lib.AVTAL_DIVISION_COUNT
code = lib.avtal_W1(bad, single, err)
message = ffi.string(lib.avtal_w1_payroll_month_strerror(code)).decode()
print(f"bad enum: {code} {err.field} {ffi.string(err.field_name).decode()}: {message}")
