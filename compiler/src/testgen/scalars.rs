//! Expressions of the scalar types: numbers of every unit, dates,
//! durations, the enum and bools, each over the input record `x`, the
//! params, the table, the rule and the names in scope. Every numeric type
//! also has an aggregate over a generated list among its choices
//! (`lists.rs`); this file does not build lists or texts itself.

use super::{Elem, Generator, Ty};

const MODES: &[&str] = &[
    "",
    ", half_away_from_zero",
    ", half_even",
    ", up",
    ", down",
    ", floor",
    ", ceiling",
];

impl Generator {
    pub(super) fn money_literal(&mut self) -> String {
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

    pub(super) fn int_literal(&mut self) -> String {
        self.rng.range(0, 400).to_string()
    }

    pub(super) fn round_money(&mut self, inner: String) -> String {
        let step = self.pick(&["0.01 SEK", "0.05 SEK", "1 SEK", "10 SEK", "0.5 SEK"]);
        let mode = self.pick(MODES);
        format!("round({inner}, {step}{mode})")
    }

    pub(super) fn money(&mut self, depth: u32, leaf: bool) -> String {
        if leaf {
            return match self.rng.below(5) {
                0 => "x.m".into(),
                1 => "x.n".into(),
                2 => self.money_literal(),
                3 => format!("belopp at {}", self.expr(Ty::Date, 0)),
                _ => "-x.m".into(),
            };
        }
        let d = depth - 1;
        match self.rng.below(17) {
            14..=16 => self.aggregate(Elem::Money, d),
            0 => self.binary("+", Ty::Money, d),
            1 => self.binary("-", Ty::Money, d),
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
            6 => self.pair("min", Ty::Money, d),
            7 => format!(
                "max(0 SEK, {}, {})",
                self.expr(Ty::Money, d),
                self.expr(Ty::Money, d)
            ),
            8 => self.branch(Ty::Money, d),
            9 => self.choice(Ty::Money, d),
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

    pub(super) fn percent(&mut self, depth: u32, leaf: bool) -> String {
        if leaf {
            return match self.rng.below(3) {
                0 => "x.p".into(),
                1 => self.percent_literal(),
                _ => format!("sats at {}", self.expr(Ty::Date, 0)),
            };
        }
        let d = depth - 1;
        match self.rng.below(6) {
            5 => self.aggregate(Elem::Percent, d),
            0 => self.binary("+", Ty::Percent, d),
            1 => self.binary("-", Ty::Percent, d),
            2 => self.pair("max", Ty::Percent, d),
            3 => self.branch(Ty::Percent, d),
            _ => format!("sats at {}", self.expr(Ty::Date, d)),
        }
    }

    pub(super) fn hours(&mut self, depth: u32, leaf: bool) -> String {
        if leaf {
            return match self.rng.below(2) {
                0 => "x.h".into(),
                _ => format!("{}.{} h", self.rng.below(60), self.rng.below(10)),
            };
        }
        let d = depth - 1;
        match self.rng.below(5) {
            4 => self.aggregate(Elem::Hours, d),
            0 => self.binary("+", Ty::Hours, d),
            1 => format!("({} * {})", self.expr(Ty::Hours, d), self.expr(Ty::Int, d)),
            2 => format!(
                "round({} * 1.25, 0.5 h{})",
                self.expr(Ty::Hours, d),
                self.pick(MODES)
            ),
            _ => format!("min({}, 40 h)", self.expr(Ty::Hours, d)),
        }
    }

    pub(super) fn int(&mut self, depth: u32, leaf: bool) -> String {
        if leaf {
            return match self.rng.below(3) {
                0 => "x.i".into(),
                1 => "x.j".into(),
                _ => self.int_literal(),
            };
        }
        let d = depth - 1;
        match self.rng.below(11) {
            8 | 9 => self.aggregate(Elem::Int, d),
            10 => self.count(d),
            0 => self.binary("+", Ty::Int, d),
            1 => self.binary("-", Ty::Int, d),
            2 => self.binary("*", Ty::Int, d),
            3 => self.pair("min", Ty::Int, d),
            4 => format!("year({})", self.expr(Ty::Date, d)),
            5 => format!(
                "(month({}) + day({}))",
                self.expr(Ty::Date, d),
                self.expr(Ty::Date, d)
            ),
            6 => format!("days_in_month({})", self.expr(Ty::Date, d)),
            _ => self.branch(Ty::Int, d),
        }
    }

    pub(super) fn boolean(&mut self, depth: u32, leaf: bool) -> String {
        if leaf {
            return match self.rng.below(4) {
                0 => "x.b".into(),
                1 => "x.k == A".into(),
                2 if !self.in_condition => "krav(x).ok".into(),
                _ => "x.m > x.n".into(),
            };
        }
        let d = depth - 1;
        let compare = self.pick(&["<", "<=", ">", ">=", "==", "!="]);
        match self.rng.below(10) {
            7 | 8 => self.quantified(d),
            9 => self.text_test(d),
            0 => self.binary(compare, Ty::Money, d),
            1 => self.binary(compare, Ty::Int, d),
            2 => self.binary(compare, Ty::Date, d),
            3 => self.binary("and", Ty::Bool, d),
            4 => self.binary("or", Ty::Bool, d),
            5 => format!("not {}", self.expr(Ty::Bool, d)),
            _ => self.binary(compare, Ty::Hours, d),
        }
    }

    pub(super) fn date(&mut self, depth: u32, leaf: bool) -> String {
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
        match self.rng.below(7) {
            6 => self.aggregate(Elem::Date, d),
            n @ 0..=3 => {
                let (op, duration) = match n {
                    0 => ("+", "days"),
                    1 => ("-", "months"),
                    2 => ("+", "years"),
                    _ => ("+", "weeks"),
                };
                let (date, count) = (self.expr(Ty::Date, d), self.expr(Ty::Int, d));
                format!("({date} {op} {duration}({count}))")
            }
            4 => self.pair("max", Ty::Date, d),
            _ => format!("({} + {})", self.expr(Ty::Date, d), self.expr(Ty::Days, d)),
        }
    }

    pub(super) fn days(&mut self, depth: u32, leaf: bool) -> String {
        if leaf {
            return match self.rng.below(2) {
                0 => "(x.e - x.d)".into(),
                _ => format!("{} days", self.rng.below(400)),
            };
        }
        let d = depth - 1;
        match self.rng.below(3) {
            0 => self.binary("-", Ty::Date, d),
            1 => self.binary("+", Ty::Days, d),
            _ => format!("days({})", self.expr(Ty::Int, d)),
        }
    }

    pub(super) fn klass(&mut self, depth: u32, leaf: bool) -> String {
        if leaf {
            return self.pick(&["x.k", "A", "B", "C"]).to_string();
        }
        let d = depth - 1;
        self.branch(Ty::Klass, d)
    }
}
