//! Random well-typed Avtal programs, as source text, for differential
//! tests: the interpreter against the JIT (`codegen/generated_programs.rs`)
//! and, from other crates, against the shared library of `avtal build`.
//!
//! Compiled for this crate's tests, and exported behind the `testgen`
//! cargo feature (off by default). It does no IO and never panics; it
//! neither checks nor runs what it writes (the caller compiles the text).
//!
//! Every program has the same fixed header (an input record `In`, an enum,
//! params, a table, a rule), a generated `condition krav(x: In)`, an output
//! record `Out` and one entry point `evaluate Gen(x: In) -> Out` with a few
//! `let`s. The generator is typed: each expression is built for the type
//! its place needs, so every program must check (one that does not is a
//! bug here). It covers every numeric unit, dates, enums, tables, params,
//! `match`, `if`, `let`, every rounding mode, divisions that do not
//! terminate or divide by zero, lists (literals of 0–4 elements,
//! comprehensions with and without filters, `filter`, lists in `let`,
//! `if` and `match`), the aggregates (`count`, `sum`, `min`, `max`, `any`,
//! `all`; `min`/`max` of an empty list is an error), the condition's `.ok`
//! and `.failed`, and texts (constants, `+`, `if`/`match` between texts,
//! the condition's reasons, equality with a constant).
//!
//! Code map: this file (the [`Rng`], [`Options`], the header and the
//! program), `scalars.rs` (numbers, dates, enums, bools), `lists.rs`
//! (lists, aggregates, the condition, texts).

mod lists;
mod scalars;

/// A small deterministic generator (xorshift), so failures reproduce from
/// their seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (any value; zero is made odd, as xorshift
    /// never leaves zero).
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A number in `lo..=hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let width = i128::from(hi) - i128::from(lo);
        let offset = match u64::try_from(width) {
            Ok(u64::MAX) => self.next_u64(),
            Ok(width) => self.below(width + 1),
            Err(_) => 0,
        };
        i64::try_from(i128::from(lo) + i128::from(offset)).unwrap_or(lo)
    }

    /// One of `options` (`""` when there are none).
    pub fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        let index = self.below(options.len() as u64);
        usize::try_from(index)
            .ok()
            .and_then(|i| options.get(i))
            .copied()
            .unwrap_or("")
    }
}

/// What a generated program may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// `Text` output fields (off for a consumer that cannot hold a text
    /// result); texts inside expressions (the condition's reasons,
    /// comparisons with a constant) stay.
    pub text_outputs: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { text_outputs: true }
    }
}

/// The seed of the `n`th program of a run: spread out, so neighbouring
/// programs share nothing.
pub fn seed(n: u64) -> u64 {
    0x2545_f491_4f6c_dd1d_u64 ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The program of `seed`, with every construct ([`Options::default`]).
pub fn program(seed: u64) -> String {
    program_with(seed, Options::default())
}

/// The program of `seed`, restricted by `options`. The same seed and
/// options always give the same text.
pub fn program_with(seed: u64, options: Options) -> String {
    Generator::new(seed).program(options)
}

/// The name of every program's one entry point (`evaluate Gen(x: In) ->
/// Out`); its input record's fields are `m`, `n` (Money), `p` (Percent),
/// `h` (Hours), `i`, `j` (Int), `d`, `e` (Date), `b` (Bool) and `k` (the
/// enum `Klass { A, B, C }`).
pub const ENTRY_POINT: &str = "Gen";

/// The element types of generated lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Elem {
    Money,
    Percent,
    Hours,
    Int,
    Date,
    Text,
}

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
    Text,
    List(Elem),
    /// The condition's result, only ever bound by a `let`.
    Eligibility,
}

impl Elem {
    fn ty(self) -> Ty {
        match self {
            Elem::Money => Ty::Money,
            Elem::Percent => Ty::Percent,
            Elem::Hours => Ty::Hours,
            Elem::Int => Ty::Int,
            Elem::Date => Ty::Date,
            Elem::Text => Ty::Text,
        }
    }
}

/// Output fields and the type of each (a few of every kind); `Text`
/// fields only with [`Options::text_outputs`].
const OUTPUTS: &[Ty] = &[
    Ty::Money,
    Ty::Money,
    Ty::Money,
    Ty::Percent,
    Ty::Hours,
    Ty::Int,
    Ty::Int,
    Ty::Bool,
    Ty::Bool,
    Ty::Date,
    Ty::Days,
    Ty::Klass,
    Ty::Text,
    Ty::Text,
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

struct Generator {
    rng: Rng,
    /// Names in scope (`let`s and comprehension variables) and their types.
    locals: Vec<(String, Ty)>,
    /// Names made so far, so each `let` and binder is new.
    names: u32,
    /// Inside the condition's requirements: no call of the condition.
    in_condition: bool,
    /// The reasons of the generated condition's requirements.
    reasons: Vec<&'static str>,
}

impl Generator {
    fn new(seed: u64) -> Generator {
        Generator {
            rng: Rng::new(seed),
            locals: Vec::new(),
            names: 0,
            in_condition: false,
            reasons: Vec::new(),
        }
    }

    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        self.rng.pick(options)
    }

    /// A new name starting with `prefix`.
    fn fresh(&mut self, prefix: &str) -> String {
        self.names += 1;
        format!("{prefix}{}", self.names)
    }

    /// A name in scope of type `ty`, about one time in `one_in` when there
    /// is one (the innermost is the likeliest).
    fn local(&mut self, ty: Ty, one_in: u64) -> Option<String> {
        let candidates: Vec<&String> = self
            .locals
            .iter()
            .rev()
            .filter(|(_, t)| *t == ty)
            .map(|(name, _)| name)
            .collect();
        if candidates.is_empty() || self.rng.below(one_in) != 0 {
            return None;
        }
        let index = self.rng.below(2).min(candidates.len() as u64 - 1);
        usize::try_from(index)
            .ok()
            .and_then(|i| candidates.get(i))
            .map(|name| (*name).clone())
    }

    /// `body` with `name: ty` in scope.
    fn scoped<T>(&mut self, name: &str, ty: Ty, body: impl FnOnce(&mut Self) -> T) -> T {
        self.locals.push((name.to_string(), ty));
        let text = body(self);
        self.locals.pop();
        text
    }

    /// An expression of type `ty` whose scale fits a stored field (Money,
    /// Percent and Hours at most two decimals: wider results are rounded).
    fn expr(&mut self, ty: Ty, depth: u32) -> String {
        let leaf = depth == 0 || self.rng.below(4) == 0;
        if let Some(name) = self.local(ty, if leaf { 2 } else { 6 }) {
            return name;
        }
        match ty {
            Ty::Money => self.money(depth, leaf),
            Ty::Percent => self.percent(depth, leaf),
            Ty::Hours => self.hours(depth, leaf),
            Ty::Int => self.int(depth, leaf),
            Ty::Bool => self.boolean(depth, leaf),
            Ty::Date => self.date(depth, leaf),
            Ty::Days => self.days(depth, leaf),
            Ty::Klass => self.klass(depth, leaf),
            Ty::Text => self.text(depth, leaf),
            Ty::List(elem) => self.list(elem, depth, leaf),
            Ty::Eligibility => "krav(x)".into(),
        }
    }

    /// `if B { T } else { T }`, both arms of type `ty`.
    fn branch(&mut self, ty: Ty, depth: u32) -> String {
        let test = self.expr(Ty::Bool, depth);
        let (yes, no) = (self.expr(ty, depth), self.expr(ty, depth));
        format!("if {test} {{ {yes} }} else {{ {no} }}")
    }

    /// `match K { A => T B => T _ => T }`, every arm of type `ty`.
    fn choice(&mut self, ty: Ty, depth: u32) -> String {
        let scrutinee = self.expr(Ty::Klass, depth);
        let arms: Vec<String> = (0..3).map(|_| self.expr(ty, depth)).collect();
        match arms.as_slice() {
            [a, b, rest] => format!("match {scrutinee} {{ A => {a} B => {b} _ => {rest} }}"),
            _ => String::new(),
        }
    }

    /// `(a OP b)`, both operands of type `ty`.
    fn binary(&mut self, op: &str, ty: Ty, depth: u32) -> String {
        let (a, b) = (self.expr(ty, depth), self.expr(ty, depth));
        format!("({a} {op} {b})")
    }

    /// `f(a, b)`, both arguments of type `ty`.
    fn pair(&mut self, function: &str, ty: Ty, depth: u32) -> String {
        let (a, b) = (self.expr(ty, depth), self.expr(ty, depth));
        format!("{function}({a}, {b})")
    }

    fn type_name(ty: Ty) -> String {
        let elem = |e: Elem| match e {
            Elem::Money => "Money",
            Elem::Percent => "Percent",
            Elem::Hours => "Hours",
            Elem::Int => "Int",
            Elem::Date => "Date",
            Elem::Text => "Text",
        };
        match ty {
            Ty::Money => "Money".into(),
            Ty::Percent => "Percent".into(),
            Ty::Hours => "Hours".into(),
            Ty::Int => "Int".into(),
            Ty::Bool => "Bool".into(),
            Ty::Date => "Date".into(),
            Ty::Days => "Days".into(),
            Ty::Klass => "Klass".into(),
            Ty::Text => "Text".into(),
            Ty::List(e) => format!("List<{}>", elem(e)),
            Ty::Eligibility => "Eligibility".into(),
        }
    }

    /// A whole module: the fixed header, the condition, an output record,
    /// and an entry point with a few `let`s (money, lists, the condition's
    /// result) and one expression per output field.
    fn program(&mut self, options: Options) -> String {
        let mut out = String::from(HEADER);
        out.push_str(&self.condition());
        let outputs: Vec<Ty> = OUTPUTS
            .iter()
            .copied()
            .filter(|ty| options.text_outputs || *ty != Ty::Text)
            .collect();
        out.push_str("\nrecord Out {\n");
        for (i, ty) in outputs.iter().enumerate() {
            out.push_str(&format!("  o{i}: {}\n", Self::type_name(*ty)));
        }
        out.push_str("}\n\nevaluate Gen(x: In) -> Out {\n");
        if self.rng.below(2) == 0 {
            let name = self.fresh("c");
            out.push_str(&format!("  let {name} = krav(x)\n"));
            self.locals.push((name, Ty::Eligibility));
        }
        for _ in 0..self.rng.below(5) {
            let depth = 1 + self.rng.below(3) as u32;
            let ty = match self.rng.below(4) {
                0 | 1 => Ty::Money,
                2 => Ty::List(self.elem()),
                _ => Ty::Int,
            };
            let value = self.expr(ty, depth);
            let name = self.fresh("t");
            out.push_str(&format!("  let {name} = {value}\n"));
            self.locals.push((name, ty));
        }
        out.push_str("  Out {\n");
        for (i, ty) in outputs.iter().enumerate() {
            let depth = 1 + self.rng.below(4) as u32;
            let value = self.expr(*ty, depth);
            out.push_str(&format!("    o{i}: {value}\n"));
        }
        out.push_str("  }\n}\n");
        out
    }
}
