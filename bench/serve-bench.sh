#!/usr/bin/env bash
# The `avtal serve` benchmark (bench/README.md, "avtal serve"):
#  1. single records: W1 row 1 posted by oha with 64 connections;
#  2. a batch: ROWS W1 CSV rows (default 1,000,000) in one POST …/batch,
#     against `avtal run` on the same file, its output checked equal;
#  3. the server's peak resident memory after each.
# Installs oha 1.16.0 with cargo when it is missing (on demand only; CI
# does not run this). Usage: bench/serve-bench.sh [ROWS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${1:-1000000}
seconds=${2:-10}
oha_version=1.16.0
if ! command -v oha >/dev/null 2>&1 || ! oha --version | grep -q "$oha_version"; then
  cargo install oha --version "$oha_version" --locked
fi
cargo build --release -p avtal-cli
avtal=target/release/avtal

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

population="${TMPDIR:-/tmp}/avtal-serve-bench-$rows.csv"
if [ ! -f "$population" ]; then
  python3 ../shared/bench/gen_population.py "$rows" -o "$population"
fi

"$avtal" serve examples/w1_payroll_month.avtal --addr 127.0.0.1:0 --no-reload >"$work/stdout" 2>"$work/stderr" &
server_pid=$!
for _ in $(seq 1 600); do
  grep -q '^listening on ' "$work/stdout" 2>/dev/null && break
  sleep 0.1
done
base=$(sed -n 's/^listening on //p' "$work/stdout")
peak() { sed -n 's/^VmHWM:\s*//p' "/proc/$server_pid/status"; }
echo "server idle: peak RSS $(peak)"

record='{"id":1,"period":"2026-06-01","salary":"62399.95","rate":"100.00","supplement":"0.29","vacation_days":0,"division":"I","flex_transition":false,"reserve_days":0,"reserve_days_ytd":0,"reserve_reason":"duty","reserve_pay":"0.00","mertid_ytd":"26.9","overtime_ytd":"156.7","appointment":"tillsvidare","service_years":2}'
echo "== single records: oha, 64 connections, ${seconds}s"
oha --no-tui -z "${seconds}s" -c 64 -m POST -H 'Content-Type: application/json' -d "$record" "$base/v1/W1" | tee "$work/oha.txt" |
  grep -E 'Requests/sec|Success rate|50(\.00)?% in|99(\.00)?% in|99\.90% in|\[200\]|\[4|\[5' || cat "$work/oha.txt"
echo "server after single records: peak RSS $(peak)"

echo "== batch: $rows W1 CSV rows in one POST"
start=$(date +%s.%N)
curl -sS -X POST -H 'Content-Type: text/csv' -T "$population" -o "$work/batch.multipart" "$base/v1/W1/batch"
end=$(date +%s.%N)
serve_seconds=$(echo "$end - $start" | bc)
echo "server after the batch: peak RSS $(peak)"

start=$(date +%s.%N)
"$avtal" run examples/w1_payroll_month.avtal --input "$population" -o "$work/run.csv" -q
end=$(date +%s.%N)
run_seconds=$(echo "$end - $start" | bc)

boundary=$(head -c 80 "$work/batch.multipart" | head -1 | tr -d '\r' | sed 's/^--//')
python3 - "$work/batch.multipart" "$boundary" "$work/part" <<'PY'
import sys
body, boundary = open(sys.argv[1], "rb").read(), sys.argv[2].encode()
inner = body[len(b"--" + boundary + b"\r\n"):-len(b"\r\n--" + boundary + b"--\r\n")]
output = inner.split(b"\r\n--" + boundary + b"\r\n")[0].partition(b"\r\n\r\n")[2]
open(sys.argv[3], "wb").write(output)
PY
cmp "$work/part" "$work/run.csv" && echo "batch output: the same bytes as avtal run"
python3 - "$rows" "$serve_seconds" "$run_seconds" <<'PY'
import sys
rows, serve, run = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"serve batch: {serve:.2f} s, {rows / serve / 1e6:.2f} M records/s")
print(f"avtal run:   {run:.2f} s, {rows / run / 1e6:.2f} M records/s")
print(f"serve / run: {serve / run:.2f}x the time")
PY
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
