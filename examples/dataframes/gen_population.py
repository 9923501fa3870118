#!/usr/bin/env python3
# Vendored unchanged from the workload's ../shared/bench/gen_population.py, so
# that the examples and their test can generate a population in a clone.
"""Deterministic synthetic population for workload W1 (see W1-payroll-month.md).

usage: gen_population.py N [--seed S] [--format csv|jsonl] [-o FILE]
Standard library only; the same N and seed give the same bytes on every machine.
"""
import argparse, json, random, sys

FIELDS = ["id", "period", "salary", "rate", "supplement", "vacation_days", "division",
          "flex_transition", "reserve_days", "reserve_days_ytd", "reserve_reason",
          "reserve_pay", "mertid_ytd", "overtime_ytd", "appointment", "service_years"]

PERIODS = [f"{y}-{m:02d}-01" for y in (2026, 2027) for m in range(1, 13)]


def cents(rng, lo, hi):
    return f"{rng.randint(int(lo * 100), int(hi * 100)) / 100:.2f}"


def record(rng, i):
    full_time = rng.random() < 0.8
    reserve = rng.random() < 0.05
    vacation = rng.random() < 0.3
    return {
        "id": i,
        "period": rng.choice(PERIODS),
        "salary": cents(rng, 18000, 95000),
        "rate": "100.00" if full_time else cents(rng, 10, 99.99),
        "supplement": cents(rng, 0, 500),
        "vacation_days": rng.randint(1, 25) if vacation else 0,
        "division": "II" if rng.random() < 0.3 else "I",
        "flex_transition": "true" if rng.random() < 0.1 else "false",
        "reserve_days": rng.randint(1, 31) if reserve else 0,
        "reserve_days_ytd": rng.randint(0, 40) if reserve else 0,
        "reserve_reason": rng.choice(["readiness", "duty", "plan", "other"]),
        "reserve_pay": cents(rng, 0, 60000) if reserve else "0.00",
        "mertid_ytd": f"{rng.randint(0, 2600) / 10:.1f}",
        "overtime_ytd": f"{rng.randint(0, 2600) / 10:.1f}",
        "appointment": "fullmakt" if rng.random() < 0.05 else "tillsvidare",
        "service_years": rng.randint(0, 45),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    ap.add_argument("-o", "--output")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    out = open(a.output, "w", newline="") if a.output else sys.stdout
    if a.format == "csv":
        out.write(",".join(FIELDS) + "\n")
    for i in range(1, a.n + 1):
        r = record(rng, i)
        if a.format == "csv":
            out.write(",".join(str(r[f]) for f in FIELDS) + "\n")
        else:
            j = dict(r)
            for k in ("id", "vacation_days", "reserve_days", "reserve_days_ytd", "service_years"):
                j[k] = int(j[k])
            j["flex_transition"] = j["flex_transition"] == "true"
            out.write(json.dumps(j, ensure_ascii=False) + "\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
