#!/usr/bin/env bash
# `avtal run` of W2 on long-form CSV → CSV: the one pipeline (`--threads 1`,
# the only way long-form CSV ran before it ran in chunks) against the chunked
# run (`--threads 3`: below three threads long-form CSV keeps the one
# pipeline), side by side in alternating rounds of one binary, after
# checking that both write the same bytes. Prints the elapsed and CPU seconds
# of each round and the load.
#
#   python3 bench/w2/gen_time_reports.py 100000 -o /tmp/w2.jsonl --csv /tmp/w2.csv --seed 2026
#   cargo build --release -p avtal-cli
#   bench/w2/run_long_form.sh target/release/avtal /tmp/w2.csv [ROUNDS]
set -euo pipefail
avtal=$(realpath "$1")
input=$(realpath "$2")
rounds=${3:-3}
here=$(cd "$(dirname "$0")/../.." && pwd)
agreement="$here/examples/w2_time_report.avtal"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Exit code 2 (some rows failed) is a finished run too.
"$avtal" run "$agreement" --input "$input" --output "$out/one.csv" --threads 1 --quiet || [ $? -eq 2 ]
"$avtal" run "$agreement" --input "$input" --output "$out/all.csv" --threads 3 --quiet || [ $? -eq 2 ]
cmp "$out/one.csv" "$out/all.csv"
echo "same bytes: $(wc -l < "$out/one.csv") lines"

for round in $(seq "$rounds"); do
  for threads in 1 3; do
    args=(--threads "$threads")
    /usr/bin/time -f "round $round, threads $threads: %e s elapsed, %U s user, %S s sys, %M KB max RSS" \
      "$avtal" run "$agreement" --input "$input" --output "$out/x.csv" --quiet "${args[@]}" || [ $? -eq 2 ]
  done
done
uptime
