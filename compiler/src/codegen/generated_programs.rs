//! Differential testing over generated programs: random well-typed
//! `evaluate` entry points (every numeric unit, dates, enums, tables,
//! params, `match`, `if`, `let`, every rounding mode, divisions that do
//! not terminate or divide by zero), each run over generated records by the
//! interpreter and the compiled evaluator, which must agree on every value
//! (scale included) and every error.
//!
//! The generator is typed: each expression is built for the type its place
//! needs, so every program must check (a program that does not is a
//! generator bug, and fails the test with its text). Failures print the
//! seed and the program. `AVTAL_GENERATED_PROGRAMS` sets the number of
//! programs (default 40 in CI; thousands on demand).

use rust_decimal::Decimal;

use super::tests::{Rng, differential_records, generate};
use crate::eval::{Number, Value};
use crate::ir::{FuncId, Program};
use crate::source::Sources;

/// The types the generator builds expressions of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Money,
    Percent,
    Hours,
    Int,
    Bool,
    Date,
    Days,
    Klass,
}

/// Output fields and the type of each (a few of every kind).
const OUTPUTS: &[Ty] = &[
    Ty::Money,
    Ty::Money,
    Ty::Money,
    Ty::Percent,
    Ty::Hours,
    Ty::Int,
    Ty::Int,
    Ty::Bool,
    Ty::Date,
    Ty::Days,
    Ty::Klass,
];

const HEADER: &str = "module gen

enum Klass { A, B, C }

record In {
  m: Money
  n: Money
  p: Percent
  h: Hours
  i: Int
  j: Int
  d: Date
  e: Date
  b: Bool
  k: Klass
}

param belopp: Money {
  from 2020-01-01 = 1709.00 SEK
  from 2026-04-01 = 1759.50 SEK
}

param sats: Percent {
  from 2019-01-01 = 4.6 %
  from 2027-01-01 = 5.25 %
}

table trappa(k: Klass, m: Money, d: Date) -> Money {
  | A      | < 20000 SEK          | _            => 1.5 SEK
  | A      | 20000 SEK..50000 SEK | _            => 2 SEK
  | B or C | _                    | < 2026-01-01 => 0.25 SEK
  | _      | _                    | _            => 10 SEK
}

rule avrundad(a: Money, p: Percent) -> Money = round(a * p, 0.01 SEK)
";

const MODES: &[&str] = &[
    "",
    ", half_away_from_zero",
    ", half_even",
    ", up",
    ", down",
    ", floor",
    ", ceiling",
];

struct Generator {
    rng: Rng,
    /// Money-typed `let` bindings in scope.
    money_locals: Vec<String>,
}

impl Generator {
    fn pick<'a>(&mut self, options: &'a [&'a str]) -> &'a str {
        let i = self.rng.below(options.len() as u64) as usize;
        options[i]
    }

    fn money_literal(&mut self) -> String {
        let whole = match self.rng.below(4) {
            0 => self.rng.range(0, 9),
            1 => self.rng.range(0, 100_000),
            _ => self.rng.range(0, 60_000),
        };
        match self.rng.below(3) {
            0 => format!("{whole} SEK"),
            _ => format!("{whole}.{:02} SEK", self.rng.below(100)),
        }
    }

    fn percent_literal(&mut self) -> String {
        format!("{}.{} %", self.rng.below(30), self.rng.below(100))
    }

    fn int_literal(&mut self) -> String {
        self.rng.range(0, 400).to_string()
    }

    fn round_money(&mut self, inner: String) -> String {
        let step = self.pick(&["0.01 SEK", "0.05 SEK", "1 SEK", "10 SEK", "0.5 SEK"]);
        let mode = self.pick(MODES);
        format!("round({inner}, {step}{mode})")
    }

    /// An expression of type `ty` whose scale fits a stored field (Money,
    /// Percent and Hours at most two decimals: wider results are rounded).
    fn expr(&mut self, ty: Ty, depth: u32) -> String {
        let leaf = depth == 0 || self.rng.below(4) == 0;
        match ty {
            Ty::Money => self.money(depth, leaf),
            Ty::Percent => self.percent(depth, leaf),
            Ty::Hours => self.hours(depth, leaf),
            Ty::Int => self.int(depth, leaf),
            Ty::Bool => self.boolean(depth, leaf),
            Ty::Date => self.date(depth, leaf),
            Ty::Days => self.days(depth, leaf),
            Ty::Klass => self.klass(depth, leaf),
        }
    }

    fn money(&mut self, depth: u32, leaf: bool) -> String {
        if leaf {
            let locals = self.money_locals.len() as u64;
            return match self.rng.below(5 + locals) {
                0 => "x.m".into(),
                1 => "x.n".into(),
                2 => self.money_literal(),
                3 => format!("belopp at {}", self.expr(Ty::Date, 0)),
                4 => "-x.m".into(),
                n => self.money_locals[(n - 5) as usize].clone(),
            };
        }
        let d = depth - 1;
        match self.rng.below(14) {
            0 => format!(
                "({} + {})",
                self.expr(Ty::Money, d),
                self.expr(Ty::Money, d)
            ),
            1 => format!(
                "({} - {})",
                self.expr(Ty::Money, d),
                self.expr(Ty::Money, d)
            ),
            2 => {
                let product = format!(
                    "{} * {}",
                    self.expr(Ty::Money, d),
                    self.expr(Ty::Percent, d)
                );
                self.round_money(product)
            }
            3 => format!("({} * {})", self.expr(Ty::Money, d), self.expr(Ty::Int, d)),
            4 => {
                // A quotient that may not terminate, or divide by zero.
                let quotient = format!("{} / {}", self.expr(Ty::Money, d), self.expr(Ty::Int, d));
                self.round_money(quotient)
            }
            5 => {
                let inner = format!("{} * 12 / 365", self.expr(Ty::Money, d));
                self.round_money(inner)
            }
            6 => format!(
                "min({}, {})",
                self.expr(Ty::Money, d),
                self.expr(Ty::Money, d)
            ),
            7 => format!(
                "max(0 SEK, {}, {})",
                self.expr(Ty::Money, d),
                self.expr(Ty::Money, d)
            ),
            8 => format!(
                "if {} {{ {} }} else {{ {} }}",
                self.expr(Ty::Bool, d),
                self.expr(Ty::Money, d),
                self.expr(Ty::Money, d)
            ),
            9 => format!(
                "match {} {{ A => {} B => {} _ => {} }}",
                self.expr(Ty::Klass, d),
                self.expr(Ty::Money, d),
                self.expr(Ty::Money, d),
                self.expr(Ty::Money, d)
            ),
            10 => format!("abs({})", self.expr(Ty::Money, d)),
            11 => format!(
                "trappa({}, {}, {})",
                self.expr(Ty::Klass, d),
                self.expr(Ty::Money, d),
                self.expr(Ty::Date, d)
            ),
            12 => format!(
                "avrundad({}, {})",
                self.expr(Ty::Money, d),
                self.expr(Ty::Percent, d)
            ),
            _ => {
                let inner = format!(
                    "{} / {}",
                    self.expr(Ty::Money, d),
                    self.expr(Ty::Percent, d)
                );
                self.round_money(inner)
            }
        }
    }

    fn percent(&mut self, depth: u32, leaf: bool) -> String {
        if leaf {
            return match self.rng.below(3) {
                0 => "x.p".into(),
                1 => self.percent_literal(),
                _ => format!("sats at {}", self.expr(Ty::Date, 0)),
            };
        }
        let d = depth - 1;
        match self.rng.below(5) {
            0 => format!(
                "({} + {})",
                self.expr(Ty::Percent, d),
                self.expr(Ty::Percent, d)
            ),
            1 => format!(
                "({} - {})",
                self.expr(Ty::Percent, d),
                self.expr(Ty::Percent, d)
            ),
            2 => format!(
                "max({}, {})",
                self.expr(Ty::Percent, d),
                self.expr(Ty::Percent, d)
            ),
            3 => format!(
                "if {} {{ {} }} else {{ {} }}",
                self.expr(Ty::Bool, d),
                self.expr(Ty::Percent, d),
                self.expr(Ty::Percent, d)
            ),
            _ => format!("sats at {}", self.expr(Ty::Date, d)),
        }
    }

    fn hours(&mut self, depth: u32, leaf: bool) -> String {
        if leaf {
            return match self.rng.below(2) {
                0 => "x.h".into(),
                _ => format!("{}.{} h", self.rng.below(60), self.rng.below(10)),
            };
        }
        let d = depth - 1;
        match self.rng.below(4) {
            0 => format!(
                "({} + {})",
                self.expr(Ty::Hours, d),
                self.expr(Ty::Hours, d)
            ),
            1 => format!("({} * {})", self.expr(Ty::Hours, d), self.expr(Ty::Int, d)),
            2 => format!(
                "round({} * 1.25, 0.5 h{})",
                self.expr(Ty::Hours, d),
                self.pick(MODES)
            ),
            _ => format!("min({}, 40 h)", self.expr(Ty::Hours, d)),
        }
    }

    fn int(&mut self, depth: u32, leaf: bool) -> String {
        if leaf {
            return match self.rng.below(3) {
                0 => "x.i".into(),
                1 => "x.j".into(),
                _ => self.int_literal(),
            };
        }
        let d = depth - 1;
        match self.rng.below(8) {
            0 => format!("({} + {})", self.expr(Ty::Int, d), self.expr(Ty::Int, d)),
            1 => format!("({} - {})", self.expr(Ty::Int, d), self.expr(Ty::Int, d)),
            2 => format!("({} * {})", self.expr(Ty::Int, d), self.expr(Ty::Int, d)),
            3 => format!("min({}, {})", self.expr(Ty::Int, d), self.expr(Ty::Int, d)),
            4 => format!("year({})", self.expr(Ty::Date, d)),
            5 => format!(
                "(month({}) + day({}))",
                self.expr(Ty::Date, d),
                self.expr(Ty::Date, d)
            ),
            6 => format!("days_in_month({})", self.expr(Ty::Date, d)),
            _ => format!(
                "if {} {{ {} }} else {{ {} }}",
                self.expr(Ty::Bool, d),
                self.expr(Ty::Int, d),
                self.expr(Ty::Int, d)
            ),
        }
    }

    fn boolean(&mut self, depth: u32, leaf: bool) -> String {
        if leaf {
            return match self.rng.below(3) {
                0 => "x.b".into(),
                1 => "x.k == A".into(),
                _ => "x.m > x.n".into(),
            };
        }
        let d = depth - 1;
        let compare = self.pick(&["<", "<=", ">", ">=", "==", "!="]);
        match self.rng.below(7) {
            0 => format!(
                "({} {compare} {})",
                self.expr(Ty::Money, d),
                self.expr(Ty::Money, d)
            ),
            1 => format!(
                "({} {compare} {})",
                self.expr(Ty::Int, d),
                self.expr(Ty::Int, d)
            ),
            2 => format!(
                "({} {compare} {})",
                self.expr(Ty::Date, d),
                self.expr(Ty::Date, d)
            ),
            3 => format!(
                "({} and {})",
                self.expr(Ty::Bool, d),
                self.expr(Ty::Bool, d)
            ),
            4 => format!("({} or {})", self.expr(Ty::Bool, d), self.expr(Ty::Bool, d)),
            5 => format!("not {}", self.expr(Ty::Bool, d)),
            _ => format!(
                "({} {compare} {})",
                self.expr(Ty::Hours, d),
                self.expr(Ty::Hours, d)
            ),
        }
    }

    fn date(&mut self, depth: u32, leaf: bool) -> String {
        if leaf {
            return match self.rng.below(3) {
                0 => "x.d".into(),
                1 => "x.e".into(),
                _ => self
                    .pick(&[
                        "2026-01-31",
                        "2026-04-01",
                        "2027-01-01",
                        "2028-02-29",
                        "2019-12-31",
                    ])
                    .to_string(),
            };
        }
        let d = depth - 1;
        match self.rng.below(6) {
            0 => format!(
                "({} + days({}))",
                self.expr(Ty::Date, d),
                self.expr(Ty::Int, d)
            ),
            1 => format!(
                "({} - months({}))",
                self.expr(Ty::Date, d),
                self.expr(Ty::Int, d)
            ),
            2 => format!(
                "({} + years({}))",
                self.expr(Ty::Date, d),
                self.expr(Ty::Int, d)
            ),
            3 => format!(
                "({} + weeks({}))",
                self.expr(Ty::Date, d),
                self.expr(Ty::Int, d)
            ),
            4 => format!(
                "max({}, {})",
                self.expr(Ty::Date, d),
                self.expr(Ty::Date, d)
            ),
            _ => format!("({} + {})", self.expr(Ty::Date, d), self.expr(Ty::Days, d)),
        }
    }

    fn days(&mut self, depth: u32, leaf: bool) -> String {
        if leaf {
            return match self.rng.below(2) {
                0 => "(x.e - x.d)".into(),
                _ => format!("{} days", self.rng.below(400)),
            };
        }
        let d = depth - 1;
        match self.rng.below(3) {
            0 => format!("({} - {})", self.expr(Ty::Date, d), self.expr(Ty::Date, d)),
            1 => format!("({} + {})", self.expr(Ty::Days, d), self.expr(Ty::Days, d)),
            _ => format!("days({})", self.expr(Ty::Int, d)),
        }
    }

    fn klass(&mut self, depth: u32, leaf: bool) -> String {
        if leaf {
            return self.pick(&["x.k", "A", "B", "C"]).to_string();
        }
        let d = depth - 1;
        format!(
            "if {} {{ {} }} else {{ {} }}",
            self.expr(Ty::Bool, d),
            self.expr(Ty::Klass, d),
            self.expr(Ty::Klass, d)
        )
    }

    fn type_name(ty: Ty) -> &'static str {
        match ty {
            Ty::Money => "Money",
            Ty::Percent => "Percent",
            Ty::Hours => "Hours",
            Ty::Int => "Int",
            Ty::Bool => "Bool",
            Ty::Date => "Date",
            Ty::Days => "Days",
            Ty::Klass => "Klass",
        }
    }

    /// A whole module: the fixed header, an output record, and an entry
    /// point with a few `let`s and one expression per output field.
    fn program(&mut self) -> String {
        let mut out = String::from(HEADER);
        out.push_str("\nrecord Out {\n");
        for (i, ty) in OUTPUTS.iter().enumerate() {
            out.push_str(&format!("  o{i}: {}\n", Self::type_name(*ty)));
        }
        out.push_str("}\n\nevaluate Gen(x: In) -> Out {\n");
        self.money_locals.clear();
        for l in 0..self.rng.below(4) {
            let depth = 1 + self.rng.below(3) as u32;
            let value = self.expr(Ty::Money, depth);
            out.push_str(&format!("  let t{l} = {value}\n"));
            self.money_locals.push(format!("t{l}"));
        }
        out.push_str("  Out {\n");
        for (i, ty) in OUTPUTS.iter().enumerate() {
            let depth = 1 + self.rng.below(4) as u32;
            let value = self.expr(*ty, depth);
            out.push_str(&format!("    o{i}: {value}\n"));
        }
        out.push_str("  }\n}\n");
        out
    }
}

/// Records for `In`: two in three ordinary (salaries, rates and dates as
/// payroll has them, so most records compute a value), one in three from
/// the shared generator (ties, negatives, huge values, far dates), so
/// overflow, off-calendar dates and division by zero come up too.
fn records(program: &Program, entry: FuncId, seed: u64, count: usize) -> Vec<Value> {
    let mut rng = Rng(seed.rotate_left(17) | 1);
    let input = program.function(entry).unwrap().params[0].1.clone();
    let crate::types::Type::Record(record) = input else {
        panic!("the entry point takes a record");
    };
    let fields = program.record(record).unwrap().fields.clone();
    let number = |m: i64, scale: u32| Value::Number(Number::from_decimal(Decimal::new(m, scale)));
    (0..count)
        .map(|n| {
            let values: Vec<Value> = fields
                .iter()
                .map(|field| {
                    let ty = &field.ty;
                    if n % 3 == 2 {
                        return generate(&mut rng, program, ty);
                    }
                    match field.name.as_str() {
                        "m" | "n" => number(rng.range(-500_000, 9_000_000), 2),
                        "p" => number(rng.range(0, 10_000), 2),
                        "h" => number(rng.range(0, 6_000), 2),
                        "i" | "j" => number(rng.range(-3, 40), 0),
                        "d" | "e" => {
                            let days = i32::try_from(rng.range(737_000, 741_000)).unwrap();
                            Value::Date(chrono::NaiveDate::from_num_days_from_ce_opt(days).unwrap())
                        }
                        _ => generate(&mut rng, program, ty),
                    }
                })
                .collect();
            Value::Record(values.into())
        })
        .collect()
}

fn program_count() -> u64 {
    std::env::var("AVTAL_GENERATED_PROGRAMS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(40)
}

#[test]
fn generated_programs_identical_in_both_engines() {
    let programs = program_count();
    for n in 0..programs {
        let seed = 0x2545_f491_4f6c_dd1d_u64 ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let mut generator = Generator {
            rng: Rng(seed | 1),
            money_locals: Vec::new(),
        };
        let text = generator.program();
        let mut sources = Sources::new();
        sources.add("gen.avtal", text.as_str());
        let compilation = crate::compile(&sources);
        assert!(
            !compilation.has_errors(),
            "generated program {n} (seed {seed:#x}) does not check:\n{text}\n{:#?}",
            compilation.diagnostics
        );
        let program = &compilation.program;
        let (entry, _) = program
            .entry_points()
            .next()
            .expect("the generated entry point");
        let label = format!("generated program {n} (seed {seed:#x}):\n{text}");
        let records = records(program, entry, seed, 300);
        assert!(
            differential_records(program, entry, &records, &label),
            "{label}\nwas not compiled"
        );
    }
}
