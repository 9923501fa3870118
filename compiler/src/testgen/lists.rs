//! Lists, aggregates, the condition and texts: list literals of 0–4
//! elements, comprehensions with and without a filter, `filter`, lists in
//! `let` blocks, `if` and `match`; `count`, `sum`, `min`, `max`, `any` and
//! `all` (bracketed and bare comprehensions); the header's `condition
//! krav(x: In)` and its `.ok` and `.failed`; texts made of constants, `+`,
//! `if`/`match`, the condition's reasons, and compared with a constant.
//!
//! `min` and `max` of an empty list are run-time errors in both engines:
//! most of them get a list that cannot be empty, or a `count` guard, so
//! that most records still compute a value. Texts stay within a few dozen
//! constant pieces (the compiled code's limit is 63 per text result).

use super::{Elem, Generator, Ty};

/// The reasons of the condition's requirements, in order.
const REASONS: &[&str] = &[
    "lönen ska vara positiv",
    "i före j",
    "någon flagga",
    "datumen i ordning",
];

/// Text constants: the empty text, words, a separator, a non-ASCII letter.
const TEXTS: &[&str] = &["", "ja", "nej", "; ", "grupp å", "inga brister"];

/// The texts generated texts are compared with (some spelled by pieces).
const COMPARED: &[&str] = &["", "ja", "nej", "janej", "ja; ", "i före j", "grupp å"];

/// The deepest text: a `match` of `match`es of `match`es has 27 pieces.
const TEXT_DEPTH: u32 = 3;

impl Generator {
    /// A numeric or date element type (texts only where a list of reasons
    /// can stand).
    pub(super) fn elem(&mut self) -> Elem {
        match self.rng.below(7) {
            0 | 1 => Elem::Money,
            2 => Elem::Percent,
            3 => Elem::Hours,
            4 | 5 => Elem::Int,
            _ => Elem::Date,
        }
    }

    /// `krav(x)`, or the `let` holding it.
    fn krav(&mut self) -> String {
        match self.locals.iter().find(|(_, ty)| *ty == Ty::Eligibility) {
            Some((name, _)) if self.rng.below(2) == 0 => name.clone(),
            _ => "krav(x)".into(),
        }
    }

    /// The header's condition: one to four requirements over `x`.
    pub(super) fn condition(&mut self) -> String {
        self.in_condition = true;
        let n = 1 + self.rng.below(REASONS.len() as u64) as usize;
        let mut out = String::from("\ncondition krav(x: In)\n{\n");
        self.reasons.clear();
        for reason in REASONS.iter().take(n) {
            let depth = self.rng.below(3) as u32;
            let test = self.expr(Ty::Bool, depth);
            out.push_str(&format!("  requires {test} because \"{reason}\"\n"));
            self.reasons.push(reason);
        }
        out.push_str("}\n");
        self.in_condition = false;
        out
    }

    /// A list of `elem`s.
    pub(super) fn list(&mut self, elem: Elem, depth: u32, leaf: bool) -> String {
        if elem == Elem::Text {
            return self.text_list(depth, leaf);
        }
        if leaf {
            let n = self.length();
            return self.literal(elem, n, 0);
        }
        let d = depth - 1;
        match self.rng.below(8) {
            0 | 1 => {
                let n = self.length();
                self.literal(elem, n, d)
            }
            2 | 3 => {
                let (element, source) = self.comprehension(elem.ty(), d);
                format!("[{element} for {source}]")
            }
            4 => {
                let list = self.expr(Ty::List(elem), d);
                let name = self.fresh("v");
                let test = self.scoped(&name, elem.ty(), |g| g.expr(Ty::Bool, d));
                format!("filter({list}, {name} => {test})")
            }
            5 => self.branch(Ty::List(elem), d),
            6 => self.choice(Ty::List(elem), d),
            _ => self.block(Ty::List(elem), Ty::List(elem), d),
        }
    }

    /// A literal's length: 0 to 4, empty one time in ten (an empty list
    /// under `min` or `max` fails every record).
    fn length(&mut self) -> usize {
        match self.rng.below(10) {
            0 => 0,
            _ => 1 + self.rng.below(4) as usize,
        }
    }

    /// `[a, b, …]` of `n` elements; an empty list gets its type from an
    /// annotated `let`.
    fn literal(&mut self, elem: Elem, n: usize, depth: u32) -> String {
        if n == 0 {
            let name = self.fresh("l");
            let ty = Self::type_name(Ty::List(elem));
            return format!("{{ let {name}: {ty} = [] {name} }}");
        }
        let elements: Vec<String> = (0..n).map(|_| self.expr(elem.ty(), depth)).collect();
        format!("[{}]", elements.join(", "))
    }

    /// A comprehension's element (of type `ty`) and its `v in list if
    /// test` part, the variable in scope of both; the source list has a
    /// random element type, the filter is there half the time.
    fn comprehension(&mut self, ty: Ty, depth: u32) -> (String, String) {
        let source_elem = if self.rng.below(6) == 0 && !self.in_condition {
            Elem::Text
        } else {
            self.elem()
        };
        let list = self.expr(Ty::List(source_elem), depth);
        let name = self.fresh("v");
        let (element, filter) = self.scoped(&name, source_elem.ty(), |g| {
            let element = g.expr(ty, depth);
            let filter = match g.rng.below(2) {
                0 => format!(" if {}", g.expr(Ty::Bool, depth)),
                _ => String::new(),
            };
            (element, filter)
        });
        (element, format!("{name} in {list}{filter}"))
    }

    /// `{ let l = LIST (BODY) }`: a list bound in a block, the body of type
    /// `ty` over it (the parentheses keep a leading `-` from joining the
    /// `let`).
    fn block(&mut self, bound: Ty, ty: Ty, depth: u32) -> String {
        let value = self.expr(bound, depth);
        let name = self.fresh("l");
        let body = self.scoped(&name, bound, |g| g.expr(ty, depth));
        format!("{{ let {name} = {value} ({body}) }}")
    }

    /// A list that cannot be empty: a literal of one to four elements.
    fn nonempty(&mut self, elem: Elem, depth: u32) -> String {
        let n = 1 + self.rng.below(4) as usize;
        self.literal(elem, n, depth)
    }

    /// An aggregate of a list of `elem`s, of type `elem`: `sum` (not of
    /// dates), `min`, `max`, bare comprehensions, and `min`/`max` behind a
    /// `count` guard.
    pub(super) fn aggregate(&mut self, elem: Elem, depth: u32) -> String {
        let ty = elem.ty();
        let extreme = self.pick(&["min", "max"]);
        let summed = elem != Elem::Date;
        match self.rng.below(9) {
            0 | 1 if summed => format!("sum({})", self.expr(Ty::List(elem), depth)),
            2 | 3 if summed => {
                let (element, source) = self.comprehension(ty, depth);
                format!("sum({element} for {source})")
            }
            4 => {
                // Possibly empty: an error in both engines.
                let list = self.expr(Ty::List(elem), depth);
                format!("{extreme}({list})")
            }
            5 | 6 => {
                let list = self.expr(Ty::List(elem), depth);
                let name = self.fresh("l");
                let fallback = self.expr(ty, 0);
                format!(
                    "{{ let {name} = {list} (if count({name}) > 0 {{ {extreme}({name}) }} else {{ {fallback} }}) }}"
                )
            }
            _ => format!("{extreme}({})", self.nonempty(elem, depth)),
        }
    }

    /// An `Int`: the number of elements of a list, a filtered
    /// comprehension, or the condition's failed reasons.
    pub(super) fn count(&mut self, depth: u32) -> String {
        match self.rng.below(4) {
            0 if !self.in_condition => format!("count({}.failed)", self.krav()),
            1 => {
                let (element, source) = self.comprehension(Ty::Bool, depth);
                format!("count({element} for {source})")
            }
            _ => {
                let elem = if self.rng.below(4) == 0 && !self.in_condition {
                    Elem::Text
                } else {
                    self.elem()
                };
                format!("count({})", self.expr(Ty::List(elem), depth))
            }
        }
    }

    /// A `Bool` from a list: `any`/`all` over a comprehension or a list of
    /// bools, the condition's `.ok`, a reason among its failures.
    pub(super) fn quantified(&mut self, depth: u32) -> String {
        let quantifier = self.pick(&["any", "all"]);
        match self.rng.below(5) {
            0 if !self.in_condition => format!("{}.ok", self.krav()),
            1 if !self.in_condition => {
                let reason = self.reason();
                let name = self.fresh("r");
                format!(
                    "{quantifier}({name} == \"{reason}\" for {name} in {}.failed)",
                    self.krav()
                )
            }
            2 => {
                let n = self.rng.below(4) as usize;
                let elements: Vec<String> = (0..n).map(|_| self.expr(Ty::Bool, depth)).collect();
                if n == 0 {
                    let name = self.fresh("l");
                    format!("{quantifier}({{ let {name}: List<Bool> = [] {name} }})")
                } else {
                    format!("{quantifier}([{}])", elements.join(", "))
                }
            }
            _ => {
                let (element, source) = self.comprehension(Ty::Bool, depth);
                format!("{quantifier}({element} for {source})")
            }
        }
    }

    /// One of the condition's reasons, or one it does not have.
    fn reason(&mut self) -> &'static str {
        let index = self.rng.below(self.reasons.len() as u64 + 1);
        usize::try_from(index)
            .ok()
            .and_then(|i| self.reasons.get(i))
            .copied()
            .unwrap_or("inget sådant skäl")
    }

    /// A list of texts: the condition's failed reasons (filtered, mapped)
    /// or a literal of texts.
    fn text_list(&mut self, depth: u32, leaf: bool) -> String {
        let d = depth.saturating_sub(1);
        match self.rng.below(5) {
            _ if self.in_condition => self.nonempty(Elem::Text, d),
            0 | 1 => format!("{}.failed", self.krav()),
            2 if !leaf => {
                let reason = self.reason();
                let name = self.fresh("r");
                format!(
                    "filter({}.failed, {name} => {name} != \"{reason}\")",
                    self.krav()
                )
            }
            3 if !leaf => {
                let failed = format!("{}.failed", self.krav());
                let name = self.fresh("r");
                let element = self.scoped(&name, Ty::Text, |g| g.expr(Ty::Text, d));
                format!("[{element} for {name} in {failed}]")
            }
            _ => self.nonempty(Elem::Text, d),
        }
    }

    /// A `Text`: constants, concatenation, `if`/`match` between texts and
    /// the condition's reasons.
    pub(super) fn text(&mut self, depth: u32, leaf: bool) -> String {
        let depth = depth.min(TEXT_DEPTH);
        if leaf || depth == 0 {
            return format!("\"{}\"", self.pick(TEXTS));
        }
        let d = depth - 1;
        match self.rng.below(6) {
            0 | 1 => self.binary("+", Ty::Text, d),
            2 => self.branch(Ty::Text, d),
            3 => self.choice(Ty::Text, d),
            4 if !self.in_condition => {
                let reason = self.reason();
                let name = self.fresh("r");
                let krav = self.krav();
                format!(
                    "if any({name} == \"{reason}\" for {name} in {krav}.failed) {{ \"{reason}\" }} else {{ {} }}",
                    self.expr(Ty::Text, d)
                )
            }
            _ => format!("\"{}\"", self.pick(TEXTS)),
        }
    }

    /// A `Bool`: a generated text compared with a constant.
    pub(super) fn text_test(&mut self, depth: u32) -> String {
        let compare = self.pick(&["==", "!="]);
        let constant = self.pick(COMPARED);
        format!("({} {compare} \"{constant}\")", self.expr(Ty::Text, depth))
    }
}
