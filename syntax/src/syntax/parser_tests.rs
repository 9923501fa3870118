//! Unit tests for the parser: the full sketch of the language, precedence,
//! spans, table cells, error recovery and wording, and hostile inputs.
//! Data-driven cases with rendered output live in `tests/syntax/`.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use super::ast::{
    Cell, Expr, ExprKind, Item, Literal, LiteralUnit, Module, Stmt, TypeExpr, UnaryOp,
};
use super::parse;
use crate::diagnostics::Diagnostic;
use crate::source::Sources;

/// The payload of an item of the given variant, or a test failure.
macro_rules! variant {
    ($item:expr, $variant:ident) => {
        match $item {
            Item::$variant(inner) => inner,
            other => panic!("expected {}, found {other:?}", stringify!($variant)),
        }
    };
}

pub(super) fn parse_text(text: &str) -> (Module, Vec<Diagnostic>) {
    let mut sources = Sources::new();
    let file = sources.add("test.avtal", text);
    parse(&sources, file)
}

/// Parses text that must be free of diagnostics.
pub(super) fn parse_ok(text: &str) -> Module {
    let (module, diagnostics) = parse_text(text);
    assert!(
        diagnostics.is_empty(),
        "unexpected diagnostics: {diagnostics:#?}"
    );
    module
}

/// The body of the only rule in `rule r() -> Int = <expr>`.
pub(super) fn expr_of(expr_text: &str) -> Expr {
    let module = parse_ok(&format!("rule r() -> Int = {expr_text}\n"));
    match module.items.into_iter().next() {
        Some(Item::Rule(rule)) => rule.body,
        other => panic!("expected a rule, found {other:?}"),
    }
}

/// A compact S-expression of an expression, for shape assertions.
pub(super) fn sexpr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Literal(Literal::Number { text, unit }) => match unit {
            Some(unit) => format!("{text}{unit:?}"),
            None => text.clone(),
        },
        ExprKind::Literal(Literal::Date(d)) => format!("#{d}"),
        ExprKind::Literal(Literal::Time(t)) => format!("@{t}"),
        ExprKind::Literal(Literal::Timestamp(t)) => format!("@{t}"),
        ExprKind::Literal(Literal::Text(t)) => format!("{t:?}"),
        ExprKind::Literal(Literal::Bool(b)) => b.to_string(),
        ExprKind::Name(i) => i.name.clone(),
        ExprKind::Field(base, f) => format!("{}.{}", sexpr(base), f.name),
        ExprKind::Call { callee, args } => {
            let args: Vec<String> = args.iter().map(sexpr).collect();
            format!("({} {})", callee.name, args.join(" "))
        }
        ExprKind::Unary(UnaryOp::Neg, x) => format!("(neg {})", sexpr(x)),
        ExprKind::Unary(UnaryOp::Not, x) => format!("(not {})", sexpr(x)),
        ExprKind::Binary(op, a, b) => format!("({} {} {})", op.symbol(), sexpr(a), sexpr(b)),
        ExprKind::At(a, b) => format!("(at {} {})", sexpr(a), sexpr(b)),
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => {
            format!("(if {} {} {})", sexpr(cond), sexpr(then), sexpr(otherwise))
        }
        ExprKind::Match { scrutinee, arms } => {
            let arms: Vec<String> = arms
                .iter()
                .map(|arm| {
                    let pats: Vec<&str> = arm.patterns.iter().map(|p| p.name.as_str()).collect();
                    let pats = if arm.wildcard {
                        "_".to_owned()
                    } else {
                        pats.join("|")
                    };
                    format!("[{pats} {}]", sexpr(&arm.body))
                })
                .collect();
            format!("(match {} {})", sexpr(scrutinee), arms.join(" "))
        }
        ExprKind::Block { stmts, result } => {
            let lets: Vec<String> = stmts
                .iter()
                .map(|stmt| match stmt {
                    Stmt::Let(l) => match &l.ty {
                        Some(ty) => format!(
                            "(let {}: {} {})",
                            l.name.name,
                            type_text(ty),
                            sexpr(&l.value)
                        ),
                        None => format!("(let {} {})", l.name.name, sexpr(&l.value)),
                    },
                    Stmt::Refuse(r) => match &r.each {
                        Some((binder, list)) => format!(
                            "(refuse for {} in {} if {} {:?})",
                            binder.name,
                            sexpr(list),
                            sexpr(&r.test),
                            r.message
                        ),
                        None => format!("(refuse if {} {:?})", sexpr(&r.test), r.message),
                    },
                })
                .collect();
            format!("(block {} {})", lets.join(" "), sexpr(result))
        }
        ExprKind::Refused { value, message, .. } => {
            format!("(refused {} {message:?})", sexpr(value))
        }
        ExprKind::Record { type_name, fields } => {
            let fields: Vec<String> = fields
                .iter()
                .map(|f| format!("{}: {}", f.name.name, sexpr(&f.value)))
                .collect();
            let name = type_name.as_ref().map_or("_", |t| t.name.as_str());
            format!("(record {name} {})", fields.join(", "))
        }
        ExprKind::List(items) => {
            let items: Vec<String> = items.iter().map(sexpr).collect();
            format!("[{}]", items.join(" "))
        }
        ExprKind::Comprehension {
            element,
            binder,
            list,
            filter,
        } => match filter {
            Some(f) => format!(
                "[{} for {} in {} if {}]",
                sexpr(element),
                binder.name,
                sexpr(list),
                sexpr(f)
            ),
            None => format!(
                "[{} for {} in {}]",
                sexpr(element),
                binder.name,
                sexpr(list)
            ),
        },
        ExprKind::Filter { list, binder, cond } => {
            format!(
                "(filter {} {} => {})",
                sexpr(list),
                binder.name,
                sexpr(cond)
            )
        }
        ExprKind::Round { value, step, mode } => match mode {
            Some(m) => format!("(round {} {} {})", sexpr(value), sexpr(step), m.name),
            None => format!("(round {} {})", sexpr(value), sexpr(step)),
        },
        ExprKind::Paren(x) => format!("({})", sexpr(x)),
        ExprKind::Error => "<error>".to_owned(),
    }
}

pub(super) fn type_text(ty: &TypeExpr) -> String {
    match ty {
        TypeExpr::Named(i) => i.name.clone(),
        TypeExpr::List(inner, _) => format!("List<{}>", type_text(inner)),
    }
}

pub(super) fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Any(_) => "_".to_owned(),
        Cell::OneOf(values, _) => values.iter().map(sexpr).collect::<Vec<_>>().join(" or "),
        Cell::Compare(op, value, _) => format!("{op:?} {}", sexpr(value)),
        Cell::Range(lo, hi, _) => format!("{}..{}", sexpr(lo), sexpr(hi)),
    }
}

/// Every user-visible text of a diagnostic.
pub(super) fn all_text(d: &Diagnostic) -> String {
    let related: Vec<&str> = d.related.iter().map(|r| r.message.as_str()).collect();
    format!(
        "{} | {} | {} | {}",
        d.message,
        d.label.as_deref().unwrap_or(""),
        d.help.as_deref().unwrap_or(""),
        related.join(" | ")
    )
}

/// The one diagnostic `text` produces.
pub(super) fn one_error(text: &str) -> Diagnostic {
    let (_, diagnostics) = parse_text(text);
    assert_eq!(
        diagnostics.len(),
        1,
        "expected one diagnostic: {diagnostics:#?}"
    );
    diagnostics.into_iter().next().unwrap()
}

const SKETCH: &str = r#"module staten.villkorsavtal.semester
use lag.las

/// Semesterlönegaranti.
param garantibelopp: Money
  source "VA 5 kap. 14 §"
{
  from 2026-01-01 = 1709 SEK
  from 2027-01-01 = 1759 SEK
}
record Anställd {
  /// Fast månadslön.
  fast_lön: Money
  sysselsättningsgrad: Percent,
  semestertillägg: Money
}
enum Avdelning { I, II }
rule garanti_per_dag(a: Anställd, dag: Date) -> Money
  source "VA 5 kap. 14 § tredje stycket"
= max(0 SEK, round(garantibelopp at dag * a.sysselsättningsgrad - (4.6 % * a.fast_lön + a.semestertillägg), 0.01 SEK))
rule f(xs: List<Anställd>) -> Money {
  let s = sum(x.fast_lön for x in xs if x.sysselsättningsgrad >= 50 %)
  let n: Int = count(filter(xs, x => x.fast_lön > 0 SEK))
  if n == 0 { 0 SEK } else if n > 3 { s } else { round(s / n, 0.01 SEK, half_even) }
}
table t(a: Avdelning, år: Int) -> Int { | I | _ => 1  | II | < 2 => 2 | II | 2..9 => 3 | II or Avdelning.I | >= 10 => 4 }
condition c(a: Anställd) source "x" { requires a.fast_lön > 0 SEK because "lön krävs" requires heltid: a.sysselsättningsgrad == 100 % because "heltid" }
limit l(m: Hours, o: Hours) { m + o at most 200 h per calendar year }
evaluate W(a: Anställd) -> Anställd = Anställd { fast_lön: a.fast_lön, sysselsättningsgrad: 100 %, semestertillägg: 0 SEK }
example "heltid" {
  garanti_per_dag({ fast_lön: 30000 SEK, sysselsättningsgrad: 100 %, semestertillägg: 132 SEK }, 2026-03-01) == 197.00 SEK
  match Avdelning.I { I => true, _ => false }
  2026-08-31 + 6 months == 2027-02-28
}
"#;

#[test]
fn sketch_parses_into_the_expected_items() {
    let module = parse_ok(SKETCH);
    assert_eq!(
        module.name.as_ref().unwrap().dotted(),
        "staten.villkorsavtal.semester"
    );
    assert_eq!(module.uses.len(), 1);
    assert_eq!(module.uses[0].path.dotted(), "lag.las");
    let kinds: Vec<&str> = module
        .items
        .iter()
        .map(|item| match item {
            Item::Param(_) => "param",
            Item::Record(_) => "record",
            Item::Enum(_) => "enum",
            Item::Rule(_) => "rule",
            Item::Table(_) => "table",
            Item::Condition(_) => "condition",
            Item::Limit(_) => "limit",
            Item::Classes(_) => "classes",
            Item::Example(_) => "example",
            Item::Evaluate(_) => "evaluate",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "param",
            "record",
            "enum",
            "rule",
            "rule",
            "table",
            "condition",
            "limit",
            "evaluate",
            "example"
        ]
    );
    let names: Vec<&str> = module
        .items
        .iter()
        .filter_map(|i| i.name())
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "garantibelopp",
            "Anställd",
            "Avdelning",
            "garanti_per_dag",
            "f",
            "t",
            "c",
            "l",
            "W"
        ]
    );
}

#[test]
fn sketch_param_record_and_enum() {
    let module = parse_ok(SKETCH);
    let param = variant!(&module.items[0], Param);
    assert_eq!(param.meta.doc.as_deref(), Some("Semesterlönegaranti."));
    assert_eq!(param.meta.source.as_ref().unwrap().0, "VA 5 kap. 14 §");
    assert_eq!(type_text(&param.ty), "Money");
    let steps: Vec<String> = param
        .timeline
        .iter()
        .map(|s| format!("{} {}", sexpr(&s.from), sexpr(&s.value)))
        .collect();
    assert_eq!(steps, ["#2026-01-01 1709Sek", "#2027-01-01 1759Sek"]);

    let record = variant!(&module.items[1], Record);
    let fields: Vec<String> = record
        .fields
        .iter()
        .map(|f| format!("{}: {}", f.name.name, type_text(&f.ty)))
        .collect();
    assert_eq!(
        fields,
        [
            "fast_lön: Money",
            "sysselsättningsgrad: Percent",
            "semestertillägg: Money"
        ]
    );
    assert_eq!(record.fields[0].doc.as_deref(), Some("Fast månadslön."));
    assert_eq!(record.fields[1].doc, None);

    let enum_def = variant!(&module.items[2], Enum);
    let variants: Vec<&str> = enum_def
        .variants
        .iter()
        .map(|v| v.name.name.as_str())
        .collect();
    assert_eq!(variants, ["I", "II"]);
}

#[test]
fn sketch_rules() {
    let module = parse_ok(SKETCH);
    let garanti = variant!(&module.items[3], Rule);
    let params: Vec<String> = garanti
        .params
        .iter()
        .map(|p| format!("{}: {}", p.name.name, type_text(&p.ty)))
        .collect();
    assert_eq!(params, ["a: Anställd", "dag: Date"]);
    assert_eq!(
        garanti.meta.source.as_ref().unwrap().0,
        "VA 5 kap. 14 § tredje stycket"
    );
    assert_eq!(
        sexpr(&garanti.body),
        "(max 0Sek (round (- (* (at garantibelopp dag) a.sysselsättningsgrad) \
         ((+ (* 4.6Percent a.fast_lön) a.semestertillägg))) 0.01Sek))"
    );

    let f = variant!(&module.items[4], Rule);
    assert_eq!(type_text(&f.params[0].ty), "List<Anställd>");
    assert_eq!(
        sexpr(&f.body),
        "(block (let s (sum [x.fast_lön for x in xs if (>= x.sysselsättningsgrad 50Percent)])) \
         (let n: Int (count (filter xs x => (> x.fast_lön 0Sek)))) \
         (if (== n 0) 0Sek (if (> n 3) s (round (/ s n) 0.01Sek half_even))))"
    );
}

#[test]
fn sketch_table_condition_limit_evaluate_example() {
    let module = parse_ok(SKETCH);
    let table = variant!(&module.items[5], Table);
    let rows: Vec<String> = table
        .rows
        .iter()
        .map(|row| {
            let cells: Vec<String> = row.cells.iter().map(cell_text).collect();
            format!("{} => {}", cells.join(" | "), sexpr(&row.result))
        })
        .collect();
    assert_eq!(
        rows,
        [
            "I | _ => 1",
            "II | Lt 2 => 2",
            "II | 2..9 => 3",
            "II or Avdelning.I | Ge 10 => 4"
        ]
    );

    let condition = variant!(&module.items[6], Condition);
    assert_eq!(condition.meta.source.as_ref().unwrap().0, "x");
    assert_eq!(condition.requirements.len(), 2);
    assert_eq!(
        sexpr(&condition.requirements[0].test),
        "(> a.fast_lön 0Sek)"
    );
    assert_eq!(condition.requirements[0].reason, "lön krävs");
    assert!(condition.requirements[0].name.is_none());
    // `requires NAME: TEST`: the name is not part of the test.
    let named = &condition.requirements[1];
    assert_eq!(named.name.as_ref().map(|n| n.name.as_str()), Some("heltid"));
    assert_eq!(sexpr(&named.test), "(== a.sysselsättningsgrad 100Percent)");

    let limit = variant!(&module.items[7], Limit);
    assert_eq!(sexpr(&limit.measured), "(+ m o)");
    assert_eq!(limit.kind, super::ast::LimitKind::AtMost);
    assert_eq!(sexpr(&limit.bound), "200Hours");
    assert_eq!(limit.period.as_ref().unwrap().0, "calendar year");

    let evaluate = variant!(&module.items[8], Evaluate);
    assert_eq!(
        sexpr(&evaluate.body),
        "(record Anställd fast_lön: a.fast_lön, sysselsättningsgrad: 100Percent, semestertillägg: 0Sek)"
    );

    let example = variant!(&module.items[9], Example);
    assert_eq!(example.title, "heltid");
    let assertions: Vec<String> = example.assertions.iter().map(sexpr).collect();
    assert_eq!(
        assertions,
        [
            "(== (garanti_per_dag (record _ fast_lön: 30000Sek, sysselsättningsgrad: 100Percent, \
             semestertillägg: 132Sek) #2026-03-01) 197.00Sek)",
            "(match Avdelning.I [I true] [_ false])",
            "(== (+ #2026-08-31 6Months) #2027-02-28)",
        ]
    );
}

#[test]
fn at_binds_tighter_than_multiplication() {
    assert_eq!(sexpr(&expr_of("g at d * x")), "(* (at g d) x)");
    assert_eq!(sexpr(&expr_of("x * g at d")), "(* x (at g d))");
    assert_eq!(sexpr(&expr_of("-g at d")), "(neg (at g d))");
    assert_eq!(sexpr(&expr_of("g at a.dag.första")), "(at g a.dag.första)");
    assert_eq!(sexpr(&expr_of("g at d at e")), "(at (at g d) e)");
}

#[test]
fn precedence_of_the_other_operators() {
    assert_eq!(
        sexpr(&expr_of("a or b and not c == d")),
        "(or a (and b (not (== c d))))"
    );
    assert_eq!(sexpr(&expr_of("a - b - c")), "(- (- a b) c)");
    assert_eq!(sexpr(&expr_of("a + b * c / d")), "(+ a (/ (* b c) d))");
    assert_eq!(sexpr(&expr_of("- - a * b")), "(* (neg (neg a)) b)");
    assert_eq!(sexpr(&expr_of("not not ok")), "(not (not ok))");
    assert_eq!(sexpr(&expr_of("a + b <= c * 2")), "(<= (+ a b) (* c 2))");
    assert_eq!(sexpr(&expr_of("f(a).b.c")), "(f a).b.c");
}

#[test]
fn limit_at_least_and_at_inside_the_measured_value() {
    let module = parse_ok("limit golv(d: Date) { lön at d + 1 SEK at least 100 SEK per month }");
    let limit = variant!(&module.items[0], Limit);
    assert_eq!(sexpr(&limit.measured), "(+ (at lön d) 1Sek)");
    assert_eq!(limit.kind, super::ast::LimitKind::AtLeast);
    assert_eq!(sexpr(&limit.bound), "100Sek");
    assert_eq!(limit.period.as_ref().unwrap().0, "month");
    let module = parse_ok("limit tak(h: Hours) { h at most 40 h }");
    let limit = variant!(&module.items[0], Limit);
    assert_eq!(limit.period, None);
}

#[test]
fn table_cells_of_every_kind() {
    let module = parse_ok(
        "table t(a: Int, b: Text, c: Date, d: Bool) -> Int {\n\
         | -5 | \"x\" or \"y\" | 2026-01-01..2026-12-31 | true => 1\n\
         | != 3 | _ | > 2026-06-01 | _ | => 2\n\
         | 1 or 2 or 3 | <= -1 | _ | false => -3\n\
         }",
    );
    let table = variant!(&module.items[0], Table);
    let rows: Vec<String> = table
        .rows
        .iter()
        .map(|row| {
            let cells: Vec<String> = row.cells.iter().map(cell_text).collect();
            format!("{} => {}", cells.join(" | "), sexpr(&row.result))
        })
        .collect();
    assert_eq!(
        rows,
        [
            "(neg 5) | \"x\" or \"y\" | #2026-01-01..#2026-12-31 | true => 1",
            "Ne 3 | _ | Gt #2026-06-01 | _ => 2",
            "1 or 2 or 3 | Le (neg 1) | _ | false => (neg 3)",
        ]
    );
    // A one-input table.
    let module =
        parse_ok("table t(år: Int) -> Int {\n  | < 2 => 1\n  | 2..9 => 2\n  | >= 10 => 3\n}");
    let table = variant!(&module.items[0], Table);
    assert_eq!(table.rows.len(), 3);
    assert_eq!(cell_text(&table.rows[1].cells[0]), "2..9");
}

#[test]
fn doc_comments_attach_to_items_fields_and_variants() {
    let module = parse_ok(
        "/// Första raden.\n///Andra raden.\n///   indragen\nenum E {\n  /// Ett.\n  A\n  B,\n}\n",
    );
    let e = variant!(&module.items[0], Enum);
    assert_eq!(
        e.meta.doc.as_deref(),
        Some("Första raden.\nAndra raden.\n  indragen")
    );
    assert_eq!(e.variants[0].doc.as_deref(), Some("Ett."));
    assert_eq!(e.variants[1].doc, None);
    // A doc comment before `module` is allowed (and not kept); `////` is a
    // plain comment.
    let module = parse_ok("/// Modulen.\nmodule a.b\n//// inte doc\nrecord R { x: Int }\n");
    let r = variant!(&module.items[0], Record);
    assert_eq!(r.meta.doc, None);
}

#[test]
fn units_only_after_numbers_and_on_the_same_line() {
    assert_eq!(
        sexpr(&expr_of("days(n) + 2 days + 1 day + 3 weeks")),
        "(+ (+ (+ (days n) 2Days) 1Days) 3Weeks)"
    );
    assert_eq!(
        sexpr(&expr_of("2 years + 18 months + 5 kr + 4%")),
        "(+ (+ (+ 2Years 18Months) 5Sek) 4Percent)"
    );
    let module = parse_ok("example \"e\" {\n  x == 5\n  h == 3\n}");
    let example = variant!(&module.items[0], Example);
    assert_eq!(
        example.assertions.iter().map(sexpr).collect::<Vec<_>>(),
        ["(== x 5)", "(== h 3)"]
    );
    assert!(matches!(
        &expr_of("200 h").kind,
        ExprKind::Literal(Literal::Number {
            unit: Some(LiteralUnit::Hours),
            ..
        })
    ));
}

#[test]
fn braces_records_blocks_and_bodies() {
    assert_eq!(sexpr(&expr_of("f({})")), "(f (record _ ))");
    assert_eq!(sexpr(&expr_of("{ x }")), "x");
    assert_eq!(
        sexpr(&expr_of("{ let a = 1 let b: Int = a\n a + b }")),
        "(block (let a 1) (let b: Int a) (+ a b))"
    );
    assert_eq!(sexpr(&expr_of("R { a: 1 b: 2, }")), "(record R a: 1, b: 2)");
    assert_eq!(sexpr(&expr_of("if ok { a } else { b }")), "(if ok a b)");
    let module = parse_ok(
        "rule r() -> R { a: 1 }\nrule s() -> Int {\n  let x = 1\n  x\n}\nrule t() -> Int = { 2 }",
    );
    let bodies: Vec<String> = module
        .items
        .iter()
        .map(|i| match i {
            Item::Rule(r) => sexpr(&r.body),
            _ => String::new(),
        })
        .collect();
    assert_eq!(bodies, ["(record _ a: 1)", "(block (let x 1) x)", "2"]);
}

#[test]
fn calls_lists_comprehensions_and_matches() {
    assert_eq!(sexpr(&expr_of("max(1, 2,)")), "(max 1 2)");
    assert_eq!(sexpr(&expr_of("[1, 2, 3,]")), "[1 2 3]");
    assert_eq!(sexpr(&expr_of("[]")), "[]");
    assert_eq!(
        sexpr(&expr_of("[m.lön for m in ms]")),
        "[m.lön for m in ms]"
    );
    assert_eq!(
        sexpr(&expr_of("count(m for m in ms if m.aktiv)")),
        "(count [m for m in ms if m.aktiv])"
    );
    assert_eq!(sexpr(&expr_of("round(x, 1 SEK)")), "(round x 1Sek)");
    assert_eq!(
        sexpr(&expr_of("match a { A => 1 B | C => 2, true => 3 _ => 4, }")),
        "(match a [A 1] [B|C 2] [true 3] [_ 4])"
    );
    assert_eq!(
        sexpr(&expr_of("\"a\\\"b\\\\c\\nd\"")),
        "\"a\\\"b\\\\c\\nd\""
    );
}

#[test]
fn windows_line_endings_parse_the_same() {
    let module = parse_ok(&SKETCH.replace('\n', "\r\n"));
    assert_eq!(module.items.len(), 10);
    let record = variant!(&module.items[1], Record);
    assert_eq!(record.fields[0].doc.as_deref(), Some("Fast månadslön."));
}

#[test]
fn refusals_in_blocks_and_refused_assertions_in_examples() {
    assert_eq!(
        sexpr(&expr_of(
            "{ refuse if x > 24 h because \"too long\"\n let y = x\n y }"
        )),
        "(block (refuse if (> x 24Hours) \"too long\") (let y x) y)"
    );
    assert_eq!(
        sexpr(&expr_of(
            "{ refuse for s in r.shifts if s.end <= s.start\n    because \"a shift must end after it starts\"\n  1 }"
        )),
        "(block (refuse for s in r.shifts if (<= s.end s.start) \"a shift must end after it starts\") 1)"
    );
    let module = parse_ok("example \"e\" {\n  f(1)\n    refused because \"no\"\n  x == 5\n}");
    let example = variant!(&module.items[0], Example);
    assert_eq!(
        example.assertions.iter().map(sexpr).collect::<Vec<_>>(),
        ["(refused (f 1) \"no\")", "(== x 5)"]
    );
    // `refuse` is a keyword; `refused` stays a name outside examples.
    assert!(!parse_text("rule refuse() -> Int = 1").1.is_empty());
    assert_eq!(sexpr(&expr_of("refused + 1")), "(+ refused 1)");
}
