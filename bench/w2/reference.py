#!/usr/bin/env python3
"""Reference implementation of workload W2 (shared/bench/W2-time-report.md).

usage: reference.py IN.jsonl -o OUT.csv
       reference.py --self-test

Deliberately simple, standard library only, written from the W2 text alone
(it does not import the population generator's calendar): every minute of
every shift is classified on its own, against windows that are intervals of
minutes built from the calendar as the text states them, and all money is
exact `Fraction` arithmetic rounded once, half away from zero, at the end.

Numbers are read with `parse_float=decimal.Decimal`, so no value ever goes
through a binary float.

A malformed line stops the run: the message names the file and line, the
partial output is removed, and the exit status is 1.
"""
import argparse
import decimal
import json
import os
import re
import sys
from collections import Counter
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from math import floor

MINUTES_PER_DAY = 1440
ONE_DAY = timedelta(days=1)
AT_06 = 6 * 60
AT_07 = 7 * 60
AT_19 = 19 * 60
AT_22 = 22 * 60

# Periods the reference accepts (the Rust baseline accepts the same): the
# calendar of the year before and after must be computable.
FIRST_YEAR, LAST_YEAR = 1900, 2199

MONDAY, FRIDAY, SATURDAY, SUNDAY = 0, 4, 5, 6

# ------------------------------------------------------------------ calendar


def easter_sunday(year):
    """Gregorian Easter Sunday by Gauss's algorithm with its two exceptions.

    (The generator uses the anonymous Gregorian algorithm; this is a
    different computation of the same date, on purpose.)
    """
    a = year % 19
    b = year % 4
    c = year % 7
    k = year // 100
    p = (13 + 8 * k) // 25
    q = k // 4
    m = (15 - p + k - q) % 30
    n = (4 + k - q) % 7
    d = (19 * a + m) % 30
    e = (2 * b + 4 * c + 6 * d + n) % 7
    if d == 29 and e == 6:
        return date(year, 4, 19)
    if d == 28 and e == 6 and (11 * m + 11) % 30 < 19:
        return date(year, 4, 18)
    return date(year, 3, 22) + timedelta(days=d + e)


def saturday_between(first, last):
    """The one Saturday in first..last (a span of seven days)."""
    d = first
    while d <= last:
        if d.weekday() == SATURDAY:
            return d
        d += ONE_DAY
    raise AssertionError(f"no Saturday in {first}..{last}")


def midsummer_day(year):
    return saturday_between(date(year, 6, 20), date(year, 6, 26))


def all_saints_day(year):
    return saturday_between(date(year, 10, 31), date(year, 11, 6))


def midsummer_eve(year):
    return midsummer_day(year) - ONE_DAY


@lru_cache(maxsize=None)
def public_holidays(year):
    """The public holidays of the year (lag (1989:253) om allmänna helgdagar)."""
    e = easter_sunday(year)
    return frozenset([
        date(year, 1, 1),            # New Year's Day
        date(year, 1, 6),            # Epiphany
        e - 2 * ONE_DAY,             # Good Friday
        e,                           # Easter Sunday
        e + ONE_DAY,                 # Easter Monday
        date(year, 5, 1),            # First of May
        e + 39 * ONE_DAY,            # Ascension Day
        e + 49 * ONE_DAY,            # Whit Sunday
        date(year, 6, 6),            # National Day
        midsummer_day(year),         # Midsummer Day
        all_saints_day(year),        # All Saints' Day
        date(year, 12, 25),          # Christmas Day
        date(year, 12, 26),          # Boxing Day
    ])


@lru_cache(maxsize=None)
def free_eves(year):
    """The eves that are free days: Midsummer Eve, 24 Dec, 31 Dec."""
    return frozenset([midsummer_eve(year), date(year, 12, 24), date(year, 12, 31)])


def is_public_holiday(d):
    return d in public_holidays(d.year)


def is_free_day(d):
    return d.weekday() in (SATURDAY, SUNDAY) or is_public_holiday(d) or d in free_eves(d.year)


def is_weekday(d):
    return not is_free_day(d)


def is_between_day(d):
    """A weekday whose day before and day after are both free days."""
    return is_weekday(d) and is_free_day(d - ONE_DAY) and is_free_day(d + ONE_DAY)


def first_weekday_after(d):
    """The first later day that is not a free day (a between-day counts)."""
    d += ONE_DAY
    while is_free_day(d):
        d += ONE_DAY
    return d


def minute_at(d, clock_minutes):
    """The minute that starts at the given clock time on day d."""
    return d.toordinal() * MINUTES_PER_DAY + clock_minutes


def window(from_day, from_clock, to_day, to_clock):
    """The minutes m with start <= m < end, as (start, end)."""
    return (minute_at(from_day, from_clock), minute_at(to_day, to_clock))


@lru_cache(maxsize=None)
def storhelg_windows(year):
    e = easter_sunday(year)
    maundy_thursday = e - 3 * ONE_DAY
    windows = [window(maundy_thursday, AT_19, e + 2 * ONE_DAY, AT_07)]
    whitsun_eve = e + 48 * ONE_DAY
    for eve in (whitsun_eve, midsummer_eve(year), date(year, 12, 24), date(year, 12, 31)):
        windows.append(window(eve - ONE_DAY, AT_19, first_weekday_after(eve), AT_07))
    return tuple(windows)


@lru_cache(maxsize=None)
def kvalificerad_holiday_windows(year):
    e = easter_sunday(year)
    ascension = e + 39 * ONE_DAY
    windows = []
    for holiday in (date(year, 1, 6), date(year, 5, 1), ascension, date(year, 6, 6),
                    all_saints_day(year)):
        windows.append(window(holiday - ONE_DAY, AT_19, first_weekday_after(holiday), AT_07))
    return tuple(windows)


@lru_cache(maxsize=None)
def qualified_overtime_windows(year):
    windows = []
    for x in sorted(public_holidays(year) | free_eves(year)):
        windows.append(window(x - ONE_DAY, AT_19, first_weekday_after(x), AT_07))
    return tuple(windows)


def windows_around(windows_of_year, year):
    """A year's windows may start in the year before (19:00 on 31 Dec) or
    end in the year after (a 31 Dec storhelg ends in January), so a minute
    of year Y is tested against the windows of Y - 1, Y and Y + 1."""
    return windows_of_year(year - 1) + windows_of_year(year) + windows_of_year(year + 1)


def in_any(m, windows):
    return any(start <= m < end for start, end in windows)


def friday_to_monday(d, clock):
    """From 19:00 Friday to 07:00 Monday."""
    wd = d.weekday()
    return (wd == FRIDAY and clock >= AT_19) or wd in (SATURDAY, SUNDAY) or (wd == MONDAY and clock < AT_07)


def night(clock):
    """22:00-06:00 on every day."""
    return clock >= AT_22 or clock < AT_06


def evening(clock):
    """19:00-22:00 on every day."""
    return AT_19 <= clock < AT_22


def ob_class(m):
    """The OB class of the minute starting at m: the highest whose window holds it."""
    d = date.fromordinal(m // MINUTES_PER_DAY)
    clock = m % MINUTES_PER_DAY
    if in_any(m, windows_around(storhelg_windows, d.year)):
        return "storhelg"
    if (friday_to_monday(d, clock)
            or in_any(m, windows_around(kvalificerad_holiday_windows, d.year))
            or is_between_day(d)
            or night(clock)):
        return "kvalificerad"
    if evening(clock):
        return "enkel"
    return None


def overtime_is_qualified(m):
    d = date.fromordinal(m // MINUTES_PER_DAY)
    clock = m % MINUTES_PER_DAY
    return (friday_to_monday(d, clock)
            or in_any(m, windows_around(qualified_overtime_windows, d.year))
            or is_free_day(d)
            or night(clock))


# The classification is a function of the minute alone; remembering it per
# day only saves recomputing the same minute for the next record.
@lru_cache(maxsize=None)
def ob_classes_of_day(day_ordinal):
    first = day_ordinal * MINUTES_PER_DAY
    return tuple(ob_class(first + clock) for clock in range(MINUTES_PER_DAY))


@lru_cache(maxsize=None)
def overtime_qualified_of_day(day_ordinal):
    first = day_ordinal * MINUTES_PER_DAY
    return tuple(overtime_is_qualified(first + clock) for clock in range(MINUTES_PER_DAY))


# ------------------------------------------------------------------ money

AMOUNT_CHANGE = date(2027, 4, 1)
AMOUNTS_BEFORE = {"enkel": Fraction(20), "kvalificerad": Fraction(60), "storhelg": Fraction(90)}
AMOUNTS_FROM = {"enkel": Fraction(21), "kvalificerad": Fraction(62), "storhelg": Fraction(93)}


def ob_amount(ob_class_name, day):
    """SEK an hour, by the date of the minute."""
    return (AMOUNTS_BEFORE if day < AMOUNT_CHANGE else AMOUNTS_FROM)[ob_class_name]


def round2(x):
    """x rounded to hundredths, half away from zero, as an integer count of hundredths."""
    hundredths = x * 100
    q = floor(abs(hundredths) + Fraction(1, 2))
    return q if hundredths >= 0 else -q


def two_decimals(hundredths):
    sign = "-" if hundredths < 0 else ""
    hundredths = abs(hundredths)
    return f"{sign}{hundredths // 100}.{hundredths % 100:02d}"


# ------------------------------------------------------------------ one record

def evaluate(record):
    period, salary, rate, overtime_ytd = (record["period"], record["salary"], record["rate"],
                                          record["overtime_ytd"])
    fte = salary * 100 / rate

    ob_minutes = Counter()              # class -> minutes
    ob_minutes_by_day = Counter()       # (class, day ordinal) -> minutes
    simple_minutes = qualified_minutes = mertid_minutes = 0
    for start, end, kind in record["shifts"]:
        for m in range(start, end):
            day, clock = divmod(m, MINUTES_PER_DAY)
            if kind == "ordinary":
                c = ob_classes_of_day(day)[clock]
                if c is not None:
                    ob_minutes[c] += 1
                    ob_minutes_by_day[(c, day)] += 1
            elif kind == "overtime":
                if overtime_qualified_of_day(day)[clock]:
                    qualified_minutes += 1
                else:
                    simple_minutes += 1
            else:
                mertid_minutes += 1

    # Σ over OB minutes of amount(class, date of minute) / 60, grouped by
    # (class, date) so that each group is one exact product.
    ob_pay = sum((n * ob_amount(c, date.fromordinal(day)) / 60
                  for (c, day), n in ob_minutes_by_day.items()), Fraction(0))
    overtime_minutes = simple_minutes + qualified_minutes
    overtime_pay = (Fraction(simple_minutes, 60) * fte / 94
                    + Fraction(qualified_minutes, 60) * fte / 72)
    mertid_pay = Fraction(mertid_minutes, 60) * fte / 142
    overtime_hours = Fraction(overtime_minutes, 60)
    holidays = {h for h in public_holidays(period.year) if h.month == period.month}

    hours = lambda minutes: two_decimals(round2(Fraction(minutes, 60)))   # noqa: E731
    money = lambda x: two_decimals(round2(x))                             # noqa: E731
    boolean = lambda b: "true" if b else "false"                          # noqa: E731
    return [
        str(record["id"]),
        hours(ob_minutes["enkel"]),
        hours(ob_minutes["kvalificerad"]),
        hours(ob_minutes["storhelg"]),
        money(ob_pay),
        hours(simple_minutes),
        hours(qualified_minutes),
        money(overtime_pay),
        hours(mertid_minutes),
        money(mertid_pay),
        boolean(overtime_hours > 50),
        boolean(overtime_ytd + overtime_hours > 150),
        str(len(holidays)),
    ]


HEADER = ("id,ob_enkel_hours,ob_kval_hours,ob_storhelg_hours,ob_pay,overtime_simple_hours,"
          "overtime_qualified_hours,overtime_pay,mertid_hours,mertid_pay,"
          "overtime_month_violation,overtime_year_violation,holidays_in_period")


# ------------------------------------------------------------------ input

class Malformed(Exception):
    pass


def no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    for k in keys:
        if keys.count(k) > 1:
            raise Malformed(f"duplicate key `{k}`")
    return dict(pairs)


DATE_TEXT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
MINUTE_TEXT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})", re.ASCII)
HUNDREDTHS_LIMIT = 10 ** 15      # values must be below 10^13 (so exact in i64 hundredths)


def field(obj, key):
    if key not in obj:
        raise Malformed(f"missing field `{key}`")
    return obj[key]


def parse_date(text, what):
    if not isinstance(text, str):
        raise Malformed(f"{what}: expected a string")
    match = DATE_TEXT.fullmatch(text)
    if not match:
        raise Malformed(f"{what}: expected YYYY-MM-DD, found {text!r}")
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        raise Malformed(f"{what}: no such date {text!r}") from None


def parse_minute(text, what):
    """Minutes since the start of 0001-01-01 (the proleptic Gregorian ordinal 1)."""
    if not isinstance(text, str):
        raise Malformed(f"{what}: expected a string")
    match = MINUTE_TEXT.fullmatch(text)
    if not match:
        raise Malformed(f"{what}: expected YYYY-MM-DDTHH:MM, found {text!r}")
    y, mo, d, h, mi = map(int, match.groups())
    try:
        day = date(y, mo, d)
    except ValueError:
        raise Malformed(f"{what}: no such date {text!r}") from None
    if h > 23 or mi > 59:
        raise Malformed(f"{what}: no such time {text!r}")
    return minute_at(day, h * 60 + mi)


def parse_amount(value, what):
    """An exact non-negative JSON number with at most two decimals' worth of value."""
    if isinstance(value, bool) or not isinstance(value, (int, decimal.Decimal)):
        raise Malformed(f"{what}: expected a number")
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise Malformed(f"{what}: expected a number")
        # Guard Fraction against a huge exponent; the range check below
        # rejects such values anyway.
        if not value.is_zero() and abs(value.adjusted()) > 40:
            raise Malformed(f"{what}: out of range")
    hundredths = Fraction(value) * 100
    if hundredths.denominator != 1:
        raise Malformed(f"{what}: more than two decimals")
    if not 0 <= hundredths < HUNDREDTHS_LIMIT:
        raise Malformed(f"{what}: out of range")
    return Fraction(value)


def next_month(d):
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def parse_record(line):
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("not UTF-8") from None
    try:
        obj = json.loads(text, parse_float=decimal.Decimal, object_pairs_hook=no_duplicate_keys)
    except json.JSONDecodeError as e:
        raise Malformed(f"not JSON: {e.msg} at column {e.colno}") from None
    if not isinstance(obj, dict):
        raise Malformed("expected a JSON object")
    rid = field(obj, "id")
    if isinstance(rid, bool) or not isinstance(rid, int) or not -2 ** 63 <= rid < 2 ** 63:
        raise Malformed("id: expected an integer")
    period = parse_date(field(obj, "period"), "period")
    if period.day != 1:
        raise Malformed("period: expected the first day of a month")
    if not FIRST_YEAR <= period.year <= LAST_YEAR:
        raise Malformed(f"period: outside {FIRST_YEAR}..{LAST_YEAR}")
    salary = parse_amount(field(obj, "salary"), "salary")
    rate = parse_amount(field(obj, "rate"), "rate")
    if rate == 0:
        raise Malformed("rate: must be above zero")
    overtime_ytd = parse_amount(field(obj, "overtime_ytd"), "overtime_ytd")
    raw_shifts = field(obj, "shifts")
    if not isinstance(raw_shifts, list):
        raise Malformed("shifts: expected a list")
    month_start, month_end = minute_at(period, 0), minute_at(next_month(period), 0)
    shifts = []
    for i, s in enumerate(raw_shifts, 1):
        what = f"shift {i}"
        if not isinstance(s, dict):
            raise Malformed(f"{what}: expected an object")
        start = parse_minute(field(s, "start"), f"{what} start")
        end = parse_minute(field(s, "end"), f"{what} end")
        kind = field(s, "kind")
        if kind not in ("ordinary", "overtime", "mertid"):
            raise Malformed(f"{what}: kind must be ordinary, overtime or mertid")
        if not start < end:
            raise Malformed(f"{what}: must end after it starts")
        if end - start > MINUTES_PER_DAY:
            raise Malformed(f"{what}: longer than 24 hours")
        if not month_start <= start < month_end:
            raise Malformed(f"{what}: starts outside the period's month")
        shifts.append((start, end, kind))
    ordered = sorted(shifts)
    for (_, end_a, _), (start_b, _, _) in zip(ordered, ordered[1:]):
        if start_b < end_a:
            raise Malformed("shifts overlap")
    return {"id": rid, "period": period, "salary": salary, "rate": rate,
            "overtime_ytd": overtime_ytd, "shifts": shifts}


# ------------------------------------------------------------------ main

def self_test():
    # Published Easter dates, including both of Gauss's exceptions
    # (1954, 1981, 2049, 2076) and the earliest and latest possible dates.
    known = ["1818-03-22", "1943-04-25", "1954-04-18", "1981-04-19", "2000-04-23",
             "2008-03-23", "2011-04-24", "2019-04-21", "2024-03-31", "2025-04-20",
             "2026-04-05", "2027-03-28", "2028-04-16", "2029-04-01", "2030-04-21",
             "2038-04-25", "2049-04-18", "2076-04-19", "2285-03-22"]
    for text in known:
        d = date.fromisoformat(text)
        assert easter_sunday(d.year) == d, (text, easter_sunday(d.year))
    assert midsummer_day(2026) == date(2026, 6, 20)
    assert all_saints_day(2026) == date(2026, 10, 31)
    assert all_saints_day(2027) == date(2027, 11, 6)
    assert is_between_day(date(2026, 5, 15))          # Friday after Ascension Day
    assert first_weekday_after(date(2026, 12, 31)) == date(2027, 1, 4)
    print("self-test passed")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input", nargs="?")
    ap.add_argument("-o", "--output")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        self_test()
        return 0
    if not a.input or not a.output:
        ap.error("IN.jsonl and -o OUT.csv are required")
    with open(a.input, "rb") as inp, open(a.output, "w", newline="") as out:
        out.write(HEADER + "\n")
        for line_number, line in enumerate(inp, 1):
            try:
                record = parse_record(line)
            except Malformed as e:
                out.close()
                os.remove(a.output)
                print(f"error: {a.input}:{line_number}: {e}", file=sys.stderr)
                return 1
            out.write(",".join(evaluate(record)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
