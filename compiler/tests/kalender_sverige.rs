//! The Swedish calendar of the stdlib (`stdlib/kalender/sverige.avtal`)
//! against an independent implementation written here with chrono: every
//! day from 1900-01-01 to 2100-12-31 goes through the Avtal rules in the
//! reference interpreter and through this file's own calendar, which has
//! its own computus (Knuth's epact algorithm, not the Meeus–Jones–Butcher
//! one the stdlib uses). The module's `example` blocks run here too, and
//! so do those of its section in docs/stdlib.md.
//!
//! This file does not test the language's builtins one by one, nor the
//! `classes` windows beyond the one example in the docs; the timing it
//! prints (`--nocapture`) is a measurement, not an assertion.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test with its message"
)]

use std::collections::BTreeSet;
use std::time::Instant;

use avtal_compiler::eval::{ExampleOutcome, Interpreter, Number, Value};
use avtal_compiler::ir::{FuncId, Program};
use avtal_compiler::{Compilation, Sources, compile, stdlib};
use chrono::{Datelike, Days, NaiveDate, Weekday};

const MODULE: &str = "kalender.sverige";
const FIRST_YEAR: i32 = 1900;
const LAST_YEAR: i32 = 2100;

fn compile_stdlib() -> Compilation {
    let mut sources = Sources::new();
    stdlib::add_to(&mut sources);
    let compilation = compile(&sources);
    assert!(
        compilation.diagnostics.is_empty(),
        "{:#?}",
        compilation.diagnostics
    );
    compilation
}

/// The rule `name` of the calendar module.
fn rule(program: &Program, name: &str) -> FuncId {
    let index = program
        .functions
        .iter()
        .position(|f| f.name == name && f.meta.module == MODULE)
        .unwrap_or_else(|| panic!("no rule `{name}` in {MODULE}"));
    FuncId(u32::try_from(index).unwrap())
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn next(d: NaiveDate) -> NaiveDate {
    d.checked_add_days(Days::new(1)).unwrap()
}

fn previous(d: NaiveDate) -> NaiveDate {
    d.checked_sub_days(Days::new(1)).unwrap()
}

fn plus(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d.checked_add_days(Days::new(n.unsigned_abs())).unwrap()
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs())).unwrap()
    }
}

// ---------------------------------------------------------------------------
// The independent calendar

/// Easter Sunday by Knuth's algorithm E (TAOCP vol. 1, 1.3.2 exercise 14):
/// golden number, century corrections, epact, then the Sunday after the
/// paschal full moon.
fn easter(year: i32) -> NaiveDate {
    let golden = year.rem_euclid(19) + 1;
    let century = year.div_euclid(100) + 1;
    let skipped_leap_days = (3 * century).div_euclid(4) - 12;
    let moon_correction = (8 * century + 5).div_euclid(25) - 5;
    let sunday = (5 * year).div_euclid(4) - skipped_leap_days - 10;
    let mut epact = (11 * golden + 20 + moon_correction - skipped_leap_days).rem_euclid(30);
    if (epact == 25 && golden > 11) || epact == 24 {
        epact += 1;
    }
    let mut full_moon = 44 - epact;
    if full_moon < 21 {
        full_moon += 30;
    }
    let day_of_march = full_moon + 7 - (sunday + full_moon).rem_euclid(7);
    let day_of_march = u32::try_from(day_of_march).unwrap();
    if day_of_march > 31 {
        date(year, 4, day_of_march - 31)
    } else {
        date(year, 3, day_of_march)
    }
}

/// The Saturday in the week from `first` on.
fn saturday_from(first: NaiveDate) -> NaiveDate {
    let mut d = first;
    while d.weekday() != Weekday::Sat {
        d = next(d);
    }
    d
}

struct Year {
    easter: NaiveDate,
    /// The thirteen named public holidays, as a set: two of them may fall
    /// on one date (Ascension Day on 1 May in 2008).
    holidays: BTreeSet<NaiveDate>,
    eves: BTreeSet<NaiveDate>,
    /// Midsummer Eve, Christmas Eve, New Year's Eve: the eves that are
    /// free days whatever their weekday.
    free_eves: BTreeSet<NaiveDate>,
}

fn year(y: i32) -> Year {
    let easter = easter(y);
    let midsummer_day = saturday_from(date(y, 6, 20));
    let holidays = [
        date(y, 1, 1),
        date(y, 1, 6),
        plus(easter, -2),
        easter,
        plus(easter, 1),
        date(y, 5, 1),
        plus(easter, 39),
        plus(easter, 49),
        date(y, 6, 6),
        midsummer_day,
        saturday_from(date(y, 10, 31)),
        date(y, 12, 25),
        date(y, 12, 26),
    ];
    let free_eves = [previous(midsummer_day), date(y, 12, 24), date(y, 12, 31)];
    let eves = [plus(easter, -1), plus(easter, 48)]
        .into_iter()
        .chain(free_eves);
    Year {
        easter,
        holidays: holidays.into_iter().collect(),
        eves: eves.collect(),
        free_eves: free_eves.into_iter().collect(),
    }
}

/// The calendar of the years around the range (a day's neighbours may lie
/// in the year before or after).
struct Calendar {
    years: Vec<Year>,
}

impl Calendar {
    fn new() -> Self {
        Calendar {
            years: (FIRST_YEAR - 1..=LAST_YEAR + 1).map(year).collect(),
        }
    }

    fn of(&self, d: NaiveDate) -> &Year {
        &self.years[usize::try_from(d.year() - (FIRST_YEAR - 1)).unwrap()]
    }

    fn holiday(&self, d: NaiveDate) -> bool {
        self.of(d).holidays.contains(&d)
    }

    fn eve(&self, d: NaiveDate) -> bool {
        self.of(d).eves.contains(&d)
    }

    fn free(&self, d: NaiveDate) -> bool {
        matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
            || self.holiday(d)
            || self.of(d).free_eves.contains(&d)
    }

    fn between_day(&self, d: NaiveDate) -> bool {
        !self.free(d) && self.free(previous(d)) && self.free(next(d))
    }

    fn holidays_in_month(&self, d: NaiveDate) -> i64 {
        let n = self
            .of(d)
            .holidays
            .iter()
            .filter(|h| h.month() == d.month())
            .count();
        i64::try_from(n).unwrap()
    }
}

fn every_day() -> impl Iterator<Item = NaiveDate> {
    let last = date(LAST_YEAR, 12, 31);
    date(FIRST_YEAR, 1, 1)
        .iter_days()
        .take_while(move |d| *d <= last)
}

// ---------------------------------------------------------------------------
// Calling the Avtal rules

struct Rules<'p> {
    interpreter: Interpreter<'p>,
}

impl Rules<'_> {
    fn call(&self, func: FuncId, arg: Value) -> Value {
        self.interpreter
            .call(func, &[arg])
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn on_day(&self, func: FuncId, d: NaiveDate) -> Value {
        self.call(func, Value::Date(d))
    }

    fn bool_on(&self, func: FuncId, d: NaiveDate) -> bool {
        match self.on_day(func, d) {
            Value::Bool(b) => b,
            other => panic!("expected a Bool on {d}, found {other:?}"),
        }
    }

    fn int_on(&self, func: FuncId, d: NaiveDate) -> i64 {
        match self.on_day(func, d) {
            Value::Number(n) => n.to_i64().unwrap(),
            other => panic!("expected an Int on {d}, found {other:?}"),
        }
    }

    fn date_of_year(&self, func: FuncId, y: i32) -> NaiveDate {
        match self.call(func, Value::Number(Number::from_i64(i64::from(y)))) {
            Value::Date(d) => d,
            other => panic!("expected a Date for {y}, found {other:?}"),
        }
    }
}

/// Mismatches, reported together (at most the first 20).
#[derive(Default)]
struct Mismatches(Vec<String>);

impl Mismatches {
    fn check<T: PartialEq + std::fmt::Debug>(
        &mut self,
        what: &str,
        at: impl std::fmt::Display,
        avtal: T,
        reference: T,
    ) {
        if avtal != reference {
            self.0.push(format!(
                "{what}({at}): Avtal {avtal:?}, reference {reference:?}"
            ));
        }
    }

    fn assert_none(self) {
        let n = self.0.len();
        let first: Vec<&String> = self.0.iter().take(20).collect();
        assert!(n == 0, "{n} mismatches, the first:\n{first:#?}");
    }
}

// ---------------------------------------------------------------------------
// Tests

#[test]
fn the_modules_examples_pass() {
    let compilation = compile_stdlib();
    let program = &compilation.program;
    let interpreter = Interpreter::new(program);
    let mut n_examples = 0;
    for (index, example) in program.examples.iter().enumerate() {
        if example.module != MODULE {
            continue;
        }
        n_examples += 1;
        let outcome = interpreter.run_example(index);
        assert_eq!(
            outcome,
            ExampleOutcome::Passed,
            "example \"{}\"",
            example.title
        );
    }
    assert!(n_examples >= 10, "{n_examples} examples");
}

/// The ```` ```avtal ```` blocks of the module's section in docs/stdlib.md
/// check and their examples hold, so the documentation stays true.
#[test]
fn the_examples_in_docs_stdlib_md_pass() {
    const DOCS: &str = include_str!("../../docs/stdlib.md");
    let section = DOCS
        .split("\n## ")
        .find(|s| s.starts_with("kalender.sverige\n"))
        .expect("a `## kalender.sverige` section in docs/stdlib.md");
    let blocks: Vec<&str> = section
        .split("```avtal\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .collect();
    assert!(blocks.len() >= 2, "{} avtal blocks", blocks.len());
    for (index, block) in blocks.iter().enumerate() {
        let mut sources = Sources::new();
        stdlib::add_to(&mut sources);
        let file = sources.add(format!("docs/stdlib.md block {}", index + 1), *block);
        let compilation = compile(&sources);
        assert!(
            compilation.diagnostics.is_empty(),
            "block {}: {:#?}",
            index + 1,
            compilation.diagnostics
        );
        let program = &compilation.program;
        let interpreter = Interpreter::new(program);
        let mut n_examples = 0;
        for (example_index, example) in program.examples.iter().enumerate() {
            if example.span.file != file {
                continue;
            }
            n_examples += 1;
            assert_eq!(
                interpreter.run_example(example_index),
                ExampleOutcome::Passed,
                "block {}, example \"{}\"",
                index + 1,
                example.title
            );
        }
        assert!(n_examples > 0, "block {} has no example", index + 1);
    }
}

#[test]
fn the_reference_computus_agrees_with_published_dates() {
    // Easter Sundays from the almanac, the computus' extremes among them.
    for (y, m, d) in [
        (1818, 3, 22),
        (1886, 4, 25),
        (1943, 4, 25),
        (2000, 4, 23),
        (2008, 3, 23),
        (2024, 3, 31),
        (2025, 4, 20),
        (2026, 4, 5),
        (2038, 4, 25),
        (2285, 3, 22),
    ] {
        assert_eq!(easter(y), date(y, m, d));
    }
}

#[test]
fn easter_every_year_1900_to_2100() {
    let compilation = compile_stdlib();
    let rules = Rules {
        interpreter: Interpreter::new(&compilation.program),
    };
    let program = &compilation.program;
    let calendar = Calendar::new();
    let mut mismatches = Mismatches::default();
    for (name, offset) in [
        ("påskdagen", 0),
        ("långfredagen", -2),
        ("påskafton", -1),
        ("annandag_påsk", 1),
        ("kristi_himmelsfärdsdag", 39),
        ("pingstafton", 48),
        ("pingstdagen", 49),
    ] {
        let func = rule(program, name);
        for y in FIRST_YEAR..=LAST_YEAR {
            let reference = plus(calendar.of(date(y, 1, 1)).easter, offset);
            mismatches.check(name, y, rules.date_of_year(func, y), reference);
        }
    }
    for (name, reference) in [
        (
            "midsommardagen",
            (|y| saturday_from(date(y, 6, 20))) as fn(i32) -> NaiveDate,
        ),
        ("midsommarafton", |y| {
            previous(saturday_from(date(y, 6, 20)))
        }),
        ("alla_helgons_dag", |y| saturday_from(date(y, 10, 31))),
    ] {
        let func = rule(program, name);
        for y in FIRST_YEAR..=LAST_YEAR {
            mismatches.check(name, y, rules.date_of_year(func, y), reference(y));
        }
    }
    mismatches.assert_none();
}

#[test]
fn every_day_1900_to_2100_matches_the_reference_calendar() {
    let compilation = compile_stdlib();
    let program = &compilation.program;
    let rules = Rules {
        interpreter: Interpreter::new(program),
    };
    let calendar = Calendar::new();
    let [helgdag, afton, fridag, vardag, klämdag, helgdagar_i_månaden] = [
        "helgdag",
        "afton",
        "fridag",
        "vardag",
        "klämdag",
        "helgdagar_i_månaden",
    ]
    .map(|name| rule(program, name));
    let weekdays = [
        "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
    ]
    .map(|name| rule(program, name));
    let allmän_helgdag = rule(program, "allmän_helgdag");

    let mut mismatches = Mismatches::default();
    let mut n_days = 0;
    for d in every_day() {
        n_days += 1;
        let holiday = calendar.holiday(d);
        mismatches.check("helgdag", d, rules.bool_on(helgdag, d), holiday);
        mismatches.check(
            "allmän_helgdag",
            d,
            rules.bool_on(allmän_helgdag, d),
            holiday || d.weekday() == Weekday::Sun,
        );
        mismatches.check("afton", d, rules.bool_on(afton, d), calendar.eve(d));
        mismatches.check("fridag", d, rules.bool_on(fridag, d), calendar.free(d));
        mismatches.check("vardag", d, rules.bool_on(vardag, d), !calendar.free(d));
        mismatches.check(
            "klämdag",
            d,
            rules.bool_on(klämdag, d),
            calendar.between_day(d),
        );
        let iso = usize::try_from(d.weekday().number_from_monday()).unwrap();
        for (index, func) in weekdays.iter().enumerate() {
            mismatches.check("weekday", d, rules.bool_on(*func, d), index + 1 == iso);
        }
    }
    assert_eq!(n_days, 73_414);
    // The count is the same for every day of a month, so it is asked once
    // a month, on a day that walks through the month from year to year.
    let mut n_months = 0;
    for y in FIRST_YEAR..=LAST_YEAR {
        for m in 1..=12 {
            n_months += 1;
            let first = date(y, m, 1);
            let length = first.iter_days().take_while(|x| x.month() == m).count();
            let day = u32::try_from(y.unsigned_abs() as usize % length).unwrap() + 1;
            let d = date(y, m, day);
            mismatches.check(
                "helgdagar_i_månaden",
                d,
                rules.int_on(helgdagar_i_månaden, d),
                calendar.holidays_in_month(d),
            );
        }
    }
    assert_eq!(n_months, 2_412);
    mismatches.assert_none();
}

/// How long the interpreter takes per call of `fridag` (and of the rules
/// it is built from), over every day of the range; printed, not asserted.
#[test]
fn time_per_call_of_fridag() {
    let compilation = compile_stdlib();
    let program = &compilation.program;
    let rules = Rules {
        interpreter: Interpreter::new(program),
    };
    // fridag on every day; the others, for comparison, on a sample: the
    // days of 2000-2009 (påskdagen: their years; the month count: the
    // first of each month).
    let sample = || every_day().filter(|d| (2000..2010).contains(&d.year()));
    let timings: [(&str, Box<dyn Iterator<Item = Value>>); 5] = [
        ("fridag", Box::new(every_day().map(Value::Date))),
        ("helgdag", Box::new(sample().map(Value::Date))),
        ("klämdag", Box::new(sample().map(Value::Date))),
        (
            "påskdagen",
            Box::new(sample().map(|d| Value::Number(Number::from_i64(i64::from(d.year()))))),
        ),
        (
            "helgdagar_i_månaden",
            Box::new(sample().filter(|d| d.day() == 1).map(Value::Date)),
        ),
    ];
    for (name, args) in timings {
        let func = rule(program, name);
        let started = Instant::now();
        let mut n_calls: u32 = 0;
        for arg in args {
            rules.call(func, arg);
            n_calls += 1;
        }
        let elapsed = started.elapsed();
        println!(
            "{name}: {n_calls} calls in {elapsed:.2?}, {:.2?} per call",
            elapsed / n_calls
        );
    }
}
