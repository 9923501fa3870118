#!/usr/bin/env bash
# Cross-check of the two W2 implementations: the minute-by-minute Python
# reference (reference.py) and the hand-written Rust baseline (w2-baseline).
#
# usage: bench/w2/check.sh [N [SEED]]      (defaults: 3000 records, seed 2026)
#
# 1. Both must write edges.expected.csv, computed by hand, for edges.jsonl.
# 2. Both run on N records made by the W2 generator with SEED, and their
#    outputs must be identical byte for byte.
# The generator is ../shared/bench/gen_time_reports.py beside the repository
# (as for W1), or $W2_GENERATOR. Without python3 the check is skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
n=${1:-3000}
seed=${2:-2026}
generator=${W2_GENERATOR:-$repo/../shared/bench/gen_time_reports.py}

if ! command -v python3 >/dev/null; then
  echo "python3 not found: W2 cross-check skipped"
  exit 0
fi
if [ ! -f "$generator" ]; then
  echo "W2 generator not found at $generator (set W2_GENERATOR)" >&2
  exit 1
fi

(cd "$repo" && cargo build -q --release -p avtal-bench --bin w2-baseline)
baseline=${CARGO_TARGET_DIR:-$repo/target}/release/w2-baseline
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Rows that differ between two CSV files of the same length.
differing_rows() {
  awk 'NR == FNR { row[FNR] = $0; next } row[FNR] != $0 { d++ } END { print d + 0 }' "$1" "$2"
}

status=0
python3 "$here/reference.py" "$here/edges.jsonl" -o "$tmp/edges_reference.csv"
"$baseline" "$here/edges.jsonl" -o "$tmp/edges_baseline.csv" 2>/dev/null
edges=$(($(wc -l < "$here/edges.expected.csv") - 1))
for impl in reference baseline; do
  if cmp -s "$here/edges.expected.csv" "$tmp/edges_$impl.csv"; then
    echo "edges: $impl agrees with the hand computations on all $edges records"
  else
    echo "edges: $impl differs from the hand computations:" >&2
    diff "$here/edges.expected.csv" "$tmp/edges_$impl.csv" >&2 || true
    status=1
  fi
done

python3 "$generator" "$n" -o "$tmp/population.jsonl" --seed "$seed"
start=$(date +%s%N)
python3 "$here/reference.py" "$tmp/population.jsonl" -o "$tmp/reference.csv"
ms=$((($(date +%s%N) - start) / 1000000))
echo "reference.py: $n records in $((ms / 1000)).$(printf %03d $((ms % 1000))) s"
"$baseline" "$tmp/population.jsonl" -o "$tmp/baseline.csv"
if cmp -s "$tmp/reference.csv" "$tmp/baseline.csv"; then
  echo "population of $n records, seed $seed: identical byte for byte ($(($(wc -l < "$tmp/baseline.csv") - 1)) rows)"
else
  rows=$(differing_rows "$tmp/reference.csv" "$tmp/baseline.csv")
  echo "population of $n records, seed $seed: $rows rows differ (first ten: reference <, baseline >)" >&2
  diff "$tmp/reference.csv" "$tmp/baseline.csv" | head -20 >&2 || true
  status=1
fi
exit $status
