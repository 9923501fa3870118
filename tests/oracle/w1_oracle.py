#!/usr/bin/env python3
"""Independent oracle for workload W1 (../shared/bench/W1-payroll-month.md).

Written straight from the workload's text with exact fractions, sharing no
code with Avtal, so the two can check each other.
usage: w1_oracle.py INPUT.csv > EXPECTED.csv
"""
import calendar
import csv
import sys
from datetime import date
from fractions import Fraction as F


def round2(x: F) -> F:
    """Round to 2 decimals, half away from zero, exactly."""
    scaled = x * 100
    sign = -1 if scaled < 0 else 1
    a = abs(scaled)
    whole = a.numerator // a.denominator
    if a - whole >= F(1, 2):
        whole += 1
    return F(sign * whole, 100)


def money(x: F) -> str:
    cents = x * 100
    assert cents.denominator == 1, x
    c = cents.numerator
    sign = "-" if c < 0 else ""
    c = abs(c)
    return f"{sign}{c // 100}.{c % 100:02d}"


def hours(x: F) -> str:
    # Hours are written with exactly 2 decimals, like money (their
    # canonical scale: every Hours value has the static scale of its node).
    return money(x)


def add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    y = d.year + m // 12
    m = m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def las_months(years: int) -> int:
    if years < 2:
        return 1
    if years < 4:
        return 2
    if years < 6:
        return 3
    if years < 8:
        return 4
    if years < 10:
        return 5
    return 6


def row(r):
    period = date.fromisoformat(r["period"])
    salary = F(r["salary"])
    rate = F(r["rate"])
    supplement = F(r["supplement"])
    g = F(1709) if period < date(2027, 1, 1) else F(1759)
    per_day = max(F(0), round2(g * rate / 100 - (F(46, 1000) * salary + supplement)))
    vacation = per_day * int(r["vacation_days"])
    if r["division"] == "II" and r["flex_transition"] == "true":
        p = F(6, 10) if period < date(2026, 10, 1) else F(7, 10)
    else:
        p = F(16, 10) if period < date(2026, 10, 1) else F(17, 10)
    flex = round2(salary * p / 100)
    tsn = round2(salary * F(2, 1000))
    days = int(r["reserve_days"])
    eligible = 0
    if r["reserve_reason"] in ("readiness", "duty", "plan"):
        eligible = min(days, max(0, 25 - int(r["reserve_days_ytd"])))
    if eligible == 0:
        topup = F(0)
    else:
        day_salary = salary * 12 / 365
        topup = max(F(0), round2(eligible * day_salary - F(r["reserve_pay"]) * eligible / days))
    used = F(r["mertid_ytd"]) + F(r["overtime_ytd"])
    room = 200 - used
    violation = used > 200
    if r["appointment"] == "fullmakt":
        notice = 6
    else:
        notice = max(4, las_months(int(r["service_years"])))
    end = add_months(period, notice)
    return [r["id"], money(vacation), money(flex), money(tsn), money(topup), hours(room),
            "true" if violation else "false", str(notice), end.isoformat()]


def main():
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["id", "vacation_guarantee", "flex_premium", "tsn_fee", "reserve_topup",
                  "overtime_room", "overtime_violation", "notice_months", "notice_end"])
    with open(sys.argv[1], newline="") as f:
        for r in csv.DictReader(f):
            out.writerow(row(r))


if __name__ == "__main__":
    main()
