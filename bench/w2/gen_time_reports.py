#!/usr/bin/env python3
# Vendored from ../shared/bench/gen_time_reports.py (the workload's own generator), unchanged
# below this line, so that the repository can make W2 populations by itself.
"""Deterministic synthetic population for workload W2 (see W2-time-report.md).

usage: gen_time_reports.py N -o FILE.jsonl [--csv FILE.csv] [--seed S]

Standard library only; the same N and seed give the same bytes on every machine
(only random.Random's integer and float draws are used, never hashing order).

JSON Lines: one record a line, fields in the spec's order
    {"id": 1, "period": "2026-04-01", "salary": 30000.00, "rate": 100.00,
     "overtime_ytd": 12.50, "shifts": [{"start": "2026-04-02T18:00",
     "end": "2026-04-02T23:00", "kind": "ordinary"}, ...]}
salary, rate and overtime_ytd are JSON numbers written with exactly 2 decimals.
CSV (--csv): the long form, one row per shift with the record's fields repeated,
    id,period,salary,rate,overtime_ytd,shift_start,shift_end,shift_kind
a record without shifts is one row whose three shift cells are empty.

The population is realistic (salaries, employment rates, ordinary rosters) and
adversarial: ~10 % of records have no shifts; most shifts are placed across a
calendar edge (Friday 19:00, Monday 07:00, 06:00/19:00/22:00, midnight, the
storhelg and holiday windows of Easter, Whitsun, Ascension, Midsummer,
All Saints, Christmas and New Year of 2026 and 2027 and their eves, klämdagar,
month ends, the 2027-04-01 00:00 change of OB amounts), starting on it, ending
on it or missing it by one minute. Shifts of one record never overlap (some
touch: one ends where the next begins); each is 1..24 h, minute precision, and
starts inside the period's month. About 3 % of records list their shifts out of
chronological order. Small groups of records sit exactly on the thresholds
(overtime 2999/3000/3001 minutes in the month; overtime_ytd + overtime hours
exactly 150 and one minute either side) or have an overtime or mertid pay whose
exact value is a half-öre tie (x.xx5); rates include 10.00, 33.33 and 100.00,
and most rates below 100 make fte = salary * 100 / rate non-terminating.
"""
import argparse
import bisect
import random
import sys
from datetime import date, timedelta
from math import gcd

DAY = 1440
ONE = timedelta(days=1)
PERIODS = [date(y, m, 1) for y in (2026, 2027) for m in range(1, 13)]
# Months with the calendar's edges: New Year and 6 Jan, Easter (2026-04, 2027-03),
# 1 May / Ascension / Whitsun, 6 June / Midsummer, All Saints (2026-10/11,
# 2027-11), Christmas and New Year's Eve, and 2027-03 for the 2027-04-01 change.
SPECIAL = [date(2026, 1, 1), date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1),
           date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1),
           date(2027, 3, 1), date(2027, 5, 1), date(2027, 6, 1), date(2027, 11, 1),
           date(2027, 12, 1), date(2027, 3, 1)]
RATE_CHANGE = date(2027, 4, 1)


# ---------------------------------------------------------------- calendar

def easter(y):
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(y, month, day + 1)


_YEAR = {}


def year_info(y):
    """(public holidays, free eves, all eves) of year y."""
    if y not in _YEAR:
        e = easter(y)
        midsummer = date(y, 6, 20) + timedelta(days=(5 - date(y, 6, 20).weekday()) % 7)
        all_saints = date(y, 10, 31) + timedelta(days=(5 - date(y, 10, 31).weekday()) % 7)
        holidays = {date(y, 1, 1), date(y, 1, 6), e - 2 * ONE, e, e + ONE, date(y, 5, 1),
                    e + 39 * ONE, e + 49 * ONE, date(y, 6, 6), midsummer, all_saints,
                    date(y, 12, 25), date(y, 12, 26)}
        free_eves = {midsummer - ONE, date(y, 12, 24), date(y, 12, 31)}
        eves = free_eves | {e - ONE, e + 48 * ONE}
        _YEAR[y] = (holidays, free_eves, eves)
    return _YEAR[y]


def is_free(d):
    holidays, free_eves, _ = year_info(d.year)
    return d.weekday() >= 5 or d in holidays or d in free_eves


def first_weekday_after(d):
    d += ONE
    while is_free(d):
        d += ONE
    return d


def at(d, minute_of_day=0):
    return d.toordinal() * DAY + minute_of_day


def fmt_minute(a):
    z, t = divmod(a, DAY)
    return f"{date.fromordinal(z).isoformat()}T{t // 60:02d}:{t % 60:02d}"


def next_month(d):
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


_SPOTS = {}


def hotspots(period):
    """Calendar edges near the month: (list of minutes, cumulative weights)."""
    if period in _SPOTS:
        return _SPOTS[period]
    lo, hi = at(period), at(next_month(period))
    spots = []
    d = period - ONE
    while d <= next_month(period):
        for t in (0, 360, 420, 1140, 1320):
            spots.append((at(d, t), 1))
        if d.weekday() == 4:
            spots.append((at(d, 1140), 4))          # Friday 19:00
        if d.weekday() == 0:
            spots.append((at(d, 420), 4))           # Monday 07:00
        if not is_free(d) and is_free(d - ONE) and is_free(d + ONE):
            spots += [(at(d), 8), (at(d + ONE), 8)]  # klämdag
        d += ONE
    for y in (period.year - 1, period.year, period.year + 1):
        holidays, free_eves, eves = year_info(y)
        e = easter(y)
        edges = [at(e - 3 * ONE, 1140), at(e + 2 * ONE, 420)]   # Maundy Thursday 19:00 ..
        for x in sorted(holidays | eves):
            edges += [at(x - ONE, 1140), at(first_weekday_after(x), 420), at(x), at(x + ONE)]
        spots += [(m, 8) for m in edges]
    spots.append((hi, 8))                                   # month end
    spots.append((at(RATE_CHANGE), 25))                    # 2027-04-01 00:00
    spots = sorted((m, w) for m, w in spots if lo <= m < hi + DAY)
    cum, total = [], 0
    for _, w in spots:
        total += w
        cum.append(total)
    _SPOTS[period] = ([m for m, _ in spots], cum)
    return _SPOTS[period]


# ---------------------------------------------------------------- shifts

def shift_length(rng):
    u = rng.random()
    if u < 0.02:
        return 1440
    if u < 0.05:
        return 60
    if u < 0.25:
        n = rng.randint(60, 240)
    elif u < 0.70:
        n = rng.randint(241, 600)
    elif u < 0.88:
        n = rng.randint(601, 780)
    else:
        n = rng.randint(781, 1440)
    if rng.random() < 0.5:
        n = max(60, n - n % 15)            # whole quarters, as rosters have
    return n


def edge_start(rng, period, n):
    """A start that puts a shift of n minutes across, on or next to a calendar edge."""
    minutes, cum = hotspots(period)
    m = minutes[bisect.bisect_right(cum, rng.randrange(cum[-1]))]
    u = rng.random()
    if u < 0.15:
        return m                            # starts on the edge
    if u < 0.30:
        return m - n                        # ends on the edge
    if u < 0.40:
        return m + rng.choice((-1, 1))      # starts one minute beside it
    if u < 0.50:
        return m - n + rng.choice((-1, 1))  # ends one minute beside it
    return m - rng.randint(1, n - 1)        # runs across it


# (start minute of day, length) of everyday rosters
ROSTER = [(360, 480), (420, 480), (420, 510), (450, 480), (480, 480), (480, 510), (510, 480),
          (780, 510), (840, 480), (840, 510), (900, 480), (1260, 600), (1290, 570),
          (1320, 480), (1140, 720), (420, 720), (1200, 600), (1080, 300), (1020, 240)]


def roster_shift(rng, period):
    ndays = (next_month(period) - period).days
    t, n = rng.choice(ROSTER)
    if rng.random() < 0.3:
        t += rng.randint(-20, 20)
        n += rng.randint(-20, 20)
    return at(period + rng.randrange(ndays) * ONE) + t, n


def fits(busy, s, e):
    i = bisect.bisect_left(busy, (s, e))
    if i > 0 and busy[i - 1][1] > s:
        return False
    if i < len(busy) and busy[i][0] < e:
        return False
    return True


def place(rng, busy, period, s, n):
    lo, hi = at(period), at(next_month(period))
    if not (lo <= s < hi) or not (60 <= n <= DAY) or not fits(busy, s, s + n):
        return False
    bisect.insort(busy, (s, s + n))
    return True


PROFILES = {  # kind weights (ordinary, overtime, mertid), share of edge placements
    "roster": ((0.92, 0.08, 0.00), 0.55),
    "office": ((0.78, 0.22, 0.00), 0.45),
    "part": ((0.66, 0.06, 0.28), 0.55),
    "mixed": ((0.45, 0.30, 0.25), 0.80),
}


def pick_kind(rng, weights):
    u = rng.random()
    if u < weights[0]:
        return "ordinary"
    if u < weights[0] + weights[1]:
        return "overtime"
    return "mertid"


def random_shifts(rng, period, profile, count):
    weights, edge_share = PROFILES[profile]
    busy, kinds = [], {}
    for _ in range(count):
        for _attempt in range(30):
            if rng.random() < edge_share:
                n = shift_length(rng)
                s = edge_start(rng, period, n)
            else:
                s, n = roster_shift(rng, period)
            if place(rng, busy, period, s, n):
                kinds[s] = pick_kind(rng, weights)
                break
    return [(s, e, kinds[s]) for s, e in busy]


def split_minutes(rng, total, k):
    """k lengths in 60..720 that sum to total (total within 60k..720k)."""
    parts = [total // k] * k
    for i in range(total % k):
        parts[i] += 1
    for _ in range(3 * k):
        i, j = rng.randrange(k), rng.randrange(k)
        x = rng.randint(0, 90)
        if i != j and parts[i] - x >= 60 and parts[j] + x <= 720:
            parts[i] -= x
            parts[j] += x
    return parts


def overtime_days(rng, period, minutes, k, busy):
    """k overtime shifts on distinct days, 07:00 + jitter, of the given total minutes."""
    ndays = (next_month(period) - period).days
    days = sorted(rng.sample(range(ndays), k))
    out = []
    for day, n in zip(days, split_minutes(rng, minutes, k)):
        s = at(period + day * ONE, rng.choice((360, 420, 480, 600, 780, 1020)))
        bisect.insort(busy, (s, s + n))
        out.append((s, s + n, "overtime"))
    return out


# ---------------------------------------------------------------- values

def cents(x):
    return f"{x // 100}.{x % 100:02d}"


def salary_cents(rng):
    u = rng.random()
    if u < 0.01:
        return 1800000
    if u < 0.02:
        return 9500000
    s = int(rng.lognormvariate(10.62, 0.28) * 100)    # median ~41,000 SEK
    s = min(9500000, max(1800000, s))
    if rng.random() < 0.6:
        s -= s % 10000                                # whole hundreds, as most are
    return s


def rate_hundredths(rng):
    u = rng.random()
    if u < 0.72:
        return 10000
    if u < 0.75:
        return 3333                       # 33.33: fte never terminates
    if u < 0.77:
        return 1000                       # the lowest rate
    if u < 0.88:
        return rng.choice((2500, 3000, 4000, 5000, 6000, 6667, 7000, 7500, 8000, 9000))
    return rng.randint(1000, 9999)


def ytd_cents(rng, period):
    if rng.random() < 0.3:
        return 0
    if rng.random() < 0.08:
        return rng.randint(14000, 16000)                  # near the 150 h limit
    x = int(rng.uniform(0, 1300) * (period.month - 1 + rng.random()))
    return min(16000, x)


def tie_salary(rng, minutes, divisor, rate):
    """Salary (cents) making minutes/60 * fte/divisor an exact half-öre tie (x.xx5).

    With salary = S/100 and rate = R/100, fte = 100 * S / R and
        1000 * minutes/60 * fte/divisor = 10000 * minutes * S / (6 * divisor * R),
    which must be an integer ending in 5. None if this many minutes cannot give one.
    """
    den, num = 6 * divisor * rate, 10000 * minutes
    step = den // gcd(den, num)          # S must be a multiple of step ...
    c = num * step // den                # ... and then the value is c * (S / step)
    if c % 2 == 0:
        return None
    lo, hi = -(-1800000 // step), 9500000 // step
    if lo > hi:
        return None
    first = rng.randint(lo, hi)
    for j in list(range(first, min(hi, first + 9) + 1)) + list(range(lo, min(hi, lo + 9) + 1)):
        if (c * j) % 10 == 5:
            return step * j
    return None


def weekday_day(rng, period):
    ndays = (next_month(period) - period).days
    while True:
        d = period + rng.randrange(ndays) * ONE
        if not is_free(d):
            return d


def free_day(rng, period):
    ndays = (next_month(period) - period).days
    while True:
        d = period + rng.randrange(ndays) * ONE
        if is_free(d):
            return d


def record(rng, i):
    period = rng.choice(PERIODS) if rng.random() < 0.5 else rng.choice(SPECIAL)
    salary, rate, ytd = salary_cents(rng), rate_hundredths(rng), ytd_cents(rng, period)
    u = rng.random()
    shifts = []
    if u < 0.10:
        pass                                               # no shifts this month
    elif u < 0.115:
        # overtime in the month exactly 2999, 3000 or 3001 minutes (limit: > 50 h)
        busy = []
        shifts = overtime_days(rng, period, rng.choice((2999, 3000, 3001)), rng.randint(5, 8), busy)
        extra = random_shifts(rng, period, "roster", rng.randint(0, 6))
        shifts += [x for x in extra if x[2] != "overtime" and fits(busy, x[0], x[1])]
    elif u < 0.13:
        # overtime_ytd + overtime hours exactly 150 or one minute either side
        busy = []
        k = rng.randint(1, 3)
        m = 3 * rng.randint(20 * k, 240 * k)               # a multiple of 3: m/60 has 2 dp
        shifts = overtime_days(rng, period, m, k, busy)
        ytd = 15000 - m * 100 // 60
        j = max(range(k), key=lambda x: shifts[x][1] - shifts[x][0])   # the longest
        s, e, kind = shifts[j]
        shifts[j] = (s, e + rng.choice((-1, 0, 1)), kind)
    elif u < 0.145:
        # a half-öre tie in overtime_pay (one simple or one qualified shift) or mertid_pay
        kind, divisor = rng.choice((("overtime", 94), ("overtime", 72), ("mertid", 142)))
        rate = rng.choice((10000, 5000, 8000, 7500, 2500, 4000))
        for _ in range(20):
            n = rng.randint(60, 720)
            s = tie_salary(rng, n, divisor, rate)
            if s is not None:
                salary = s
                break
        if divisor == 72:                                  # whole shift on a free day: qualified
            d, t = free_day(rng, period), rng.randint(0, DAY - n)
        elif divisor == 94:                                # weekday 07:00..19:00: simple
            d, t = weekday_day(rng, period), rng.randint(420, 1140 - n)
        else:
            d = period + rng.randrange((next_month(period) - period).days) * ONE
            t = rng.randint(0, DAY - n)
        shifts = [(at(d, t), at(d, t) + n, kind)]
    else:
        v = rng.random()
        profile = ("part" if rate < 10000 and v < 0.7 else
                   "roster" if v < 0.45 else "office" if v < 0.75 else "mixed")
        w = rng.random()
        count = rng.randint(1, 12) if w < 0.6 else rng.randint(13, 25) if w < 0.9 else rng.randint(26, 40)
        shifts = random_shifts(rng, period, profile, count)
        if not shifts:
            shifts = random_shifts(rng, period, profile, 1)
    shifts.sort()
    if len(shifts) > 1 and rng.random() < 0.03:
        rng.shuffle(shifts)                                # not in chronological order
    return (i, period.isoformat(), cents(salary), cents(rate), cents(ytd),
            [(fmt_minute(s), fmt_minute(e), k) for s, e, k in shifts])


def json_line(r):
    i, period, salary, rate, ytd, shifts = r
    items = ", ".join(f'{{"start": "{s}", "end": "{e}", "kind": "{k}"}}' for s, e, k in shifts)
    return (f'{{"id": {i}, "period": "{period}", "salary": {salary}, "rate": {rate}, '
            f'"overtime_ytd": {ytd}, "shifts": [{items}]}}\n')


def csv_lines(r):
    i, period, salary, rate, ytd, shifts = r
    head = f"{i},{period},{salary},{rate},{ytd}"
    if not shifts:
        return head + ",,,\n"
    return "".join(f"{head},{s},{e},{k}\n" for s, e, k in shifts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("-o", "--output", help="JSON Lines output (default: stdout)")
    ap.add_argument("--csv", help="also write the long-form CSV here")
    ap.add_argument("--seed", type=int, default=2026)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    out = open(a.output, "w", newline="") if a.output else sys.stdout
    csv_out = open(a.csv, "w", newline="") if a.csv else None
    if csv_out:
        csv_out.write("id,period,salary,rate,overtime_ytd,shift_start,shift_end,shift_kind\n")
    for i in range(1, a.n + 1):
        r = record(rng, i)
        out.write(json_line(r))
        if csv_out:
            csv_out.write(csv_lines(r))
    if out is not sys.stdout:
        out.close()
    if csv_out:
        csv_out.close()


if __name__ == "__main__":
    main()
