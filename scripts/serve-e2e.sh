#!/usr/bin/env bash
# End-to-end check of `avtal serve` with curl, as a payroll system's
# operator would use it: every endpoint, the batch answer against
# `avtal run` on the same file, and refusals as problem documents.
# Usage: scripts/serve-e2e.sh [PATH/TO/avtal]   (default target/debug/avtal)
# Run by cli/tests/serve_clients.rs; exits non-zero on the first mismatch.
set -euo pipefail
cd "$(dirname "$0")/.."

avtal=${1:-target/debug/avtal}
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "serve-e2e: $*" >&2; exit 1; }

# Start on a free port; the first line of stdout names the address.
"$avtal" serve examples --default-version w1_payroll_month --addr 127.0.0.1:0 >"$work/stdout" 2>"$work/stderr" &
server_pid=$!
for _ in $(seq 1 600); do
  grep -q '^listening on ' "$work/stdout" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/stderr" >&2; fail "the server did not start"; }
  sleep 0.1
done
base=$(sed -n 's/^listening on //p' "$work/stdout")
[ -n "$base" ] || fail "no address printed"

# status METHOD PATH [curl args…]: print the HTTP status, body to $work/body.
status() {
  local method=$1 path=$2
  shift 2
  curl -sS -o "$work/body" -D "$work/headers" -w '%{http_code}' -X "$method" "$base$path" "$@"
}
expect() {
  local want=$1 got=$2 what=$3
  [ "$got" = "$want" ] || { cat "$work/body" >&2; fail "$what: status $got, expected $want"; }
}

expect 200 "$(status GET /healthz)" "healthz"
expect 200 "$(status GET /v1/entries)" "entries"
grep -q '"name":"W1"' "$work/body" || fail "W1 not listed"
expect 200 "$(status GET /v1/entries/W1/schema)" "schema"
grep -q '"\$defs"' "$work/body" || fail "the schema has no \$defs"
expect 200 "$(status GET /v1/params)" "params"
grep -q '"timeline"' "$work/body" || fail "params without timelines"
expect 200 "$(status GET /v1/versions)" "versions"
expect 200 "$(status GET /openapi.json)" "openapi"
grep -q '"openapi":"3.1.0"' "$work/body" || fail "not OpenAPI 3.1"

# One record: row 1 of W1, as `avtal run` answers it in JSON Lines.
record='{"id":1,"period":"2026-06-01","salary":"62399.95","rate":"100.00","supplement":"0.29","vacation_days":0,"division":"I","flex_transition":false,"reserve_days":0,"reserve_days_ytd":0,"reserve_reason":"duty","reserve_pay":"0.00","mertid_ytd":"26.9","overtime_ytd":"156.7","appointment":"tillsvidare","service_years":2}'
expect 200 "$(status POST /v1/W1 -H 'Content-Type: application/json' --data-binary "$record")" "one record"
"$avtal" run examples/w1_payroll_month.avtal --input examples/w1_population.csv --output-format jsonl -o "$work/run.jsonl" -q
head -1 "$work/run.jsonl" | tr -d '\n' >"$work/want"
cmp -s "$work/body" "$work/want" || { diff "$work/body" "$work/want" >&2 || true; fail "one record differs from avtal run"; }
grep -qi '^avtal-version: w1_payroll_month/1' "$work/headers" || fail "no Avtal-Version header"

expect 200 "$(status POST /v1/W1/explain -H 'Content-Type: application/json' --data-binary "$record")" "explain"
grep -q '"schema":"avtal.explain/1"' "$work/body" || fail "not avtal.explain/1"

# A batch: the output part and the errors part are avtal run's bytes.
"$avtal" run examples/w1_payroll_month.avtal --input examples/w1_population.csv -o "$work/run.csv" --errors "$work/run.errors.csv" -q
expect 200 "$(status POST /v1/W1/batch -H 'Content-Type: text/csv' --data-binary @examples/w1_population.csv)" "batch"
boundary=$(sed -n 's/^content-type: multipart\/mixed; boundary=\(.*\)\r$/\1/Ip' "$work/headers")
[ -n "$boundary" ] || fail "the batch answer is not multipart"
python3 - "$work/body" "$boundary" "$work/part" <<'PY'
import sys
body, boundary, out = open(sys.argv[1], "rb").read(), sys.argv[2].encode(), sys.argv[3]
assert body.endswith(b"\r\n--" + boundary + b"--\r\n"), "no closing delimiter"
inner = body[len(b"--" + boundary + b"\r\n"):-len(b"\r\n--" + boundary + b"--\r\n")]
for index, part in enumerate(inner.split(b"\r\n--" + boundary + b"\r\n")):
    headers, _, content = part.partition(b"\r\n\r\n")
    open(f"{out}{index}", "wb").write(content)
PY
cmp "$work/part0" "$work/run.csv" || fail "the batch output differs from avtal run"
cmp "$work/part1" "$work/run.errors.csv" || fail "the batch error report differs from avtal run"

# Refusals are problem documents.
expect 400 "$(status POST /v1/W1 -H 'Content-Type: application/json' --data-binary '{"id": ')" "malformed JSON"
grep -q '"code":"E0604"' "$work/body" || fail "malformed JSON without its code"
grep -qi '^content-type: application/problem+json' "$work/headers" || fail "not a problem document"
expect 404 "$(status POST /v1/Nej -H 'Content-Type: application/json' --data-binary '{}')" "unknown entry"
expect 404 "$(status POST '/v1/W1?version=nej' -H 'Content-Type: application/json' --data-binary "$record")" "unknown version"
expect 415 "$(status POST /v1/W1 -H 'Content-Type: text/plain' --data-binary "$record")" "wrong media type"
expect 200 "$(status GET /metrics)" "metrics"
grep -q '^avtal_requests_total{version="w1_payroll_month",entry="W1",kind="record",status="200"} 1$' "$work/body" || fail "metrics do not count the record"

echo "serve-e2e: ok ($base)"
