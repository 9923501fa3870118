//! Unit tests for syntax errors: recovery per item, the caret's byte,
//! wording (never a grammar rule name), and hostile inputs that must not
//! panic or exhaust the stack.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use super::ast::ExprKind;
use super::ast::Item;
use super::parser::Rule;
use super::parser_tests::{all_text, one_error, parse_ok, parse_text, sexpr};
use crate::diagnostics::Code;

/// Broken inputs whose messages are checked for rule names, one per line
/// of the usual mistakes.
const BROKEN: &[&str] = &[
    "",
    "{",
    "rule",
    "rule r(",
    "rule r() -> Int = ",
    "rule r() -> Int = (1 + 2",
    "rule r() = 1",
    "rule match(a: Int) -> Int = a",
    "rule r() -> Money = 100 EUR",
    "rule r() -> Int = 1 000",
    "rule r() -> Int = a < b < c",
    "rule r() -> Int = if a == 1 { 2 }",
    "rule r() -> Int = max (1, 2)",
    "rule r() -> Int = if a = 1 { 2 } else { 3 }",
    "rule r() -> Text = 'x'",
    "rule r() -> Int = a\u{a0}+ b",
    "rule r(a Int) -> Int = a",
    "rule r() -> List<Int = 1",
    "param p: Money source VA { from 2026-01-01 = 1 SEK }",
    "param p: Percent { from 2026-01-01 = 12,5 % }",
    "param p: Money { from 2026 = 1 SEK }",
    "record R { a Int }",
    "record R { a: Int",
    "enum E { A, , B }",
    "table t(a: Int) -> Int { | 1 2 }",
    "table t(a: Int) -> Int { 1 => 2 }",
    "condition c() { requires true }",
    "condition c() { requires true because }",
    "condition c() { requires true because \"unterminated }",
    "limit l() { 1 at 2 }",
    "limit l() { 1 at most }",
    "example \"e\" { }",
    "example e { 1 == 1 }",
    "rule r() -> Int = match a { A -> 1 }",
    "rule r() -> Int = [x for x in]",
    "rule r() -> Int = f(x => 1)",
    "rule r() -> Int = 1\n/// stray doc\n",
    "Semester enligt VA\nrule r() -> Int = 1",
    "rule r() -> Int = 1\n}",
    "module a.\nrule r() -> Int = 1",
];

#[test]
fn messages_never_name_grammar_rules() {
    let mut names: Vec<String> = Rule::all_rules().iter().map(|r| format!("{r:?}")).collect();
    names.push(format!("{:?}", Rule::EOI));
    for text in BROKEN {
        let (_, diagnostics) = parse_text(text);
        if !text.is_empty() {
            assert!(!diagnostics.is_empty(), "no diagnostic for {text:?}");
        }
        for d in &diagnostics {
            let shown = all_text(d);
            for name in &names {
                assert!(
                    !shown.contains(name.as_str()),
                    "rule name `{name}` in {shown:?} for {text:?}"
                );
            }
            assert!(!d.message.ends_with('.'), "final period in {:?}", d.message);
            assert!(
                d.message.chars().next().is_none_or(|c| !c.is_uppercase()),
                "capitalised message {:?}",
                d.message
            );
        }
    }
}

#[test]
fn two_broken_items_give_two_diagnostics_and_the_good_one_parses() {
    let text = "record Anställd {\n  lön Money\n}\n\nrule god(a: Anställd) -> Money\n= a.lön * 2\n\n\
                rule trasig(a: Anställd) -> Money\n= a.lön * * 2\n\nexample \"e\" { god(x) == 1 SEK }\n";
    let (module, diagnostics) = parse_text(text);
    assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");
    assert!(diagnostics.iter().all(|d| d.code == Code::Syntax));
    assert_eq!(diagnostics[0].message, "expected `:`, found `Money`");
    assert_eq!(diagnostics[1].message, "expected an expression, found `*`");
    assert_eq!(
        diagnostics[1].span.start as usize,
        text.rfind("* 2").unwrap()
    );
    let names: Vec<String> = module
        .items
        .iter()
        .map(|i| match i {
            Item::Example(e) => e.title.clone(),
            other => other.name().map(|n| n.name.clone()).unwrap_or_default(),
        })
        .collect();
    // The broken record and rule stay declared (recovered from their
    // headers), so uses of them are checked rather than unknown.
    assert_eq!(names, ["Anställd", "god", "trasig", "e"]);
    let Item::Record(record) = &module.items[0] else {
        panic!("expected the record")
    };
    assert!(record.fields.is_empty(), "the broken field is skipped");
    let Item::Rule(trasig) = &module.items[2] else {
        panic!("expected the rule")
    };
    assert_eq!(trasig.params.len(), 1);
    assert!(matches!(trasig.body.kind, ExprKind::Error));
}

#[test]
fn a_broken_item_keeps_its_declaration() {
    // A param whose step does not parse keeps its name and type, no steps.
    let text = "param tak: Hours {\n  from 2026-01-01 = 130 timmar\n}\n";
    let (module, diagnostics) = parse_text(text);
    assert_eq!(diagnostics.len(), 1);
    let [Item::Param(param)] = module.items.as_slice() else {
        panic!("{:#?}", module.items)
    };
    assert_eq!(param.name.name, "tak");
    assert!(param.timeline.is_empty());
    // A record keeps the fields that parse, before and after a broken one.
    let text = "record Pass {\n  start: Date\n  from: Date\n  timmar: Hours\n}\n";
    let (module, diagnostics) = parse_text(text);
    assert_eq!(diagnostics.len(), 1);
    let [Item::Record(record)] = module.items.as_slice() else {
        panic!("{:#?}", module.items)
    };
    let fields: Vec<&str> = record.fields.iter().map(|f| f.name.name.as_str()).collect();
    assert_eq!(fields, ["start", "timmar"]);
    // A table keeps its signature and one row that covers every input.
    let text = "table t(a: Int, b: Bool) -> Int {\n  | 1 | true => 1 +\n}\n";
    let (module, diagnostics) = parse_text(text);
    assert_eq!(diagnostics.len(), 1);
    let [Item::Table(table)] = module.items.as_slice() else {
        panic!("{:#?}", module.items)
    };
    assert_eq!(table.rows.len(), 1);
    assert_eq!(table.rows[0].cells.len(), 2);
    // A `classes` item keeps the classes that parse.
    let text =
        "classes ob {\n  natt { from 22:00 on every day to 06:00 }\n  kväll { from 19:00 on }\n}\n";
    let (module, diagnostics) = parse_text(text);
    assert_eq!(diagnostics.len(), 1);
    let [Item::Classes(classes)] = module.items.as_slice() else {
        panic!("{:#?}", module.items)
    };
    let names: Vec<&str> = classes
        .classes
        .iter()
        .map(|c| c.name.name.as_str())
        .collect();
    assert_eq!(names, ["natt"]);
    // A header that does not parse declares nothing.
    let (module, diagnostics) = parse_text("rule (a: Int) -> Int = a\n");
    assert_eq!(diagnostics.len(), 1);
    assert!(module.items.is_empty());
}

#[test]
fn the_caret_is_a_byte_offset_after_swedish_letters() {
    let text = "// å\nrule sysselsättningsgrad_för_ålder(ålder: Int]) -> Percent\n= 100 %\n";
    let d = one_error(text);
    let at = text.find(']').unwrap();
    assert_eq!((d.span.start as usize, d.span.end as usize), (at, at + 1));
    assert_eq!(d.message, "expected `,` or `)`, found `]`");
}

#[test]
fn swedish_identifiers_and_spans_are_bytes() {
    let text = "rule ålder_för_sysselsättning(år: Int) -> Int = år + 1\n";
    let module = parse_ok(text);
    let Some(Item::Rule(rule)) = module.items.first() else {
        panic!("expected a rule")
    };
    assert_eq!(rule.name.name, "ålder_för_sysselsättning");
    assert_eq!(rule.params[0].name.name, "år");
    let start = text.find("år +").unwrap();
    let ExprKind::Binary(_, lhs, _) = &rule.body.kind else {
        panic!()
    };
    assert_eq!(
        (lhs.span.start as usize, lhs.span.end as usize),
        (start, start + "år".len())
    );
    assert_eq!(rule.body.span.end as usize, text.len() - 1);
}

#[test]
fn a_missing_token_at_a_line_end_is_marked_after_the_last_token() {
    let text = "condition c(a: Int) {\n  requires a <= 5\n}\n";
    let d = one_error(text);
    let after_five = text.find("5\n").unwrap() + 1;
    assert_eq!(
        (d.span.start as usize, d.span.end as usize),
        (after_five, after_five)
    );
    assert_eq!(d.message, "expected `because`, found `}`");
    assert_eq!(d.label.as_deref(), Some("expected `because` here"));
    assert!(d.help.as_deref().unwrap().contains("because"));
}

#[test]
fn an_unclosed_bracket_is_pointed_at() {
    let text =
        "rule g(l: Money) -> Money\n= max(0 SEK, round(l, 0.01 SEK)\n\nrule n() -> Int = 1\n";
    let (module, diagnostics) = parse_text(text);
    // `g` is recovered from its header, `n` parses.
    assert_eq!(module.items.len(), 2);
    let [d] = diagnostics.as_slice() else {
        panic!("{diagnostics:#?}")
    };
    assert_eq!(d.message, "expected `)`, found `rule`");
    let open = text.find("max(").unwrap() + 3;
    assert_eq!(d.related[0].span.start as usize, open);
    assert_eq!(d.related[0].message, "this `(` is never closed");
    let d = one_error("record R {\n  a: Int\n");
    assert_eq!(
        d.message,
        "expected a field like `lön: Money` or `}`, found end of file"
    );
}

#[test]
fn common_mistakes_have_their_own_wording() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        (
            "param p: Money { from 2026-01-01 = 1 709 SEK }",
            "expected a number without spaces, found `1 709`",
            Some("write `1709`"),
        ),
        (
            "example \"e\" {\n  1 == 1\n  -1 SEK == 0 SEK - 1 SEK\n}",
            "comparisons cannot be chained, found a second `==`",
            Some(
                "a line that starts with `-` continues the line before it; put the negative value in parentheses, like `(-1 SEK)`",
            ),
        ),
        (
            "param p: Percent { from 2026-01-01 = 12,5 % }",
            "expected a number, found `12,5` with a decimal comma",
            Some("use a point: `12.5`"),
        ),
        ("rule r() -> Money = 100 EUR", "unknown unit `EUR`", None),
        (
            "rule match(a: Int) -> Int = a",
            "expected a name, found the keyword `match`",
            None,
        ),
        (
            "rule r() -> Int = a < b < c",
            "comparisons cannot be chained, found a second `<`",
            None,
        ),
        ("rule r() = 1", "expected `->`, found `=`", None),
        (
            "table t(a: Int) -> Int {\n  | 2..3   2\n}",
            "expected `|` or `=>`, found `2`",
            Some("a row ends with `=>` and its result, like `| 2..3 => 2`"),
        ),
        (
            "rule r() -> Int = if a == 1 { 2 }",
            "expected `else`, found end of file",
            None,
        ),
        (
            "rule r() -> Int = max (1, 2)",
            "expected an operator, found `(`",
            Some("to call `max`, remove the space before `(`: `max(…)`"),
        ),
        (
            "rule r() -> Int = if a = 1 { 2 } else { 3 }",
            "expected `{`, found `=`",
            Some("to compare, write `==`"),
        ),
        (
            "param p: Money source VA { from 2026-01-01 = 1 SEK }",
            "expected a text in quotes, found `VA`",
            Some("write the reference in double quotes, like `source \"VA 5 kap. 14 §\"`"),
        ),
        (
            "Semester enligt VA\nrule r() -> Int = 1",
            "expected an item, found `Semester`",
            None,
        ),
        (
            "rule r() -> Int = 1\n/// stray\n",
            "a doc comment `///` must stand right before an item, a record field, an enum variant or a class",
            None,
        ),
        (
            "rule r() -> Int = a\u{a0}+ b",
            "expected an operator, found an invisible character (U+00A0)",
            None,
        ),
    ];
    for (text, message, help) in cases {
        let d = one_error(text);
        assert_eq!(d.message, *message, "for {text:?}");
        if let Some(help) = help {
            assert_eq!(d.help.as_deref(), Some(*help), "for {text:?}");
        }
    }
}

#[test]
fn unterminated_text_points_at_the_line_end() {
    let text = "param g: Money\n  source \"VA 5 kap. 14 §\n{\n  from 2026-01-01 = 1 SEK\n}\n";
    let d = one_error(text);
    let line_end = text.find("§\n").unwrap() + "§".len();
    assert_eq!(d.span.start as usize, line_end);
    assert_eq!(d.message, "expected the closing `\"`, found end of line");
    assert_eq!(d.related[0].span.start as usize, text.find('"').unwrap());
}

#[test]
fn header_order_and_special_calls_are_checked() {
    let (module, diagnostics) = parse_text("rule r() -> Int = 1\nuse lag.las\nmodule a.b\n");
    assert_eq!(module.uses.len(), 1);
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`use` must come before the first item",
            "`module` must be the first line of a file, and appear once"
        ]
    );
    for (text, message) in [
        (
            "rule r() -> Int = round(x)",
            "expected `round(value, step)` or `round(value, step, mode)`, found 1 argument",
        ),
        (
            "rule r() -> Int = round(x, 1, 2)",
            "expected a rounding mode name like `half_even`, found an expression",
        ),
        (
            "rule r() -> Int = filter(xs)",
            "expected `filter(list, x => condition)`",
        ),
        (
            "rule r() -> Int = count(xs, x => x)",
            "a test `x => …` can only be the second argument of `filter`",
        ),
    ] {
        let d = one_error(text);
        assert_eq!(d.message, message);
        assert_eq!(d.code, Code::Syntax);
    }
}

/// A small deterministic generator, so the random cases are reproducible.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        usize::try_from(self.0 >> 33).unwrap()
    }
}

#[test]
fn hostile_inputs_do_not_panic() {
    let mut inputs: Vec<String> = vec![
        String::new(),
        "{".into(),
        "}".into(),
        "///".into(),
        "\u{FEFF}".into(),
        "\0\0\0".into(),
        "\"".into(),
        "rule r() -> Int = \"\\".into(),
        format!(
            "rule r() -> Int = {}1{}",
            "(".repeat(10_000),
            ")".repeat(10_000)
        ),
        format!("rule r() -> Int = {}", "(".repeat(10_000)),
        format!("rule r() -> Int = 1{}", " + 1".repeat(50_000)),
        format!("rule r() -> Int = {}x", "not ".repeat(20_000)),
        format!("rule r() -> Int = {}x", "- ".repeat(20_000)),
        format!("rule r() -> Int = x{}", ".y".repeat(20_000)),
        format!("rule r() -> Int = g{}", " at d".repeat(20_000)),
        format!(
            "rule r() -> Int = if a {{ 1 }}{} else {{ 2 }}",
            " else if a { 1 }".repeat(10_000)
        ),
        format!(
            "rule r(x: {}Int{}) -> Int = 1",
            "List<".repeat(5_000),
            ">".repeat(5_000)
        ),
        format!("rule r() -> Int = {}", "[".repeat(100)),
        "rule\n".repeat(5_000),
        "module".into(),
        "use".into(),
    ];
    let alphabet = [
        "rule ",
        "r",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "\\",
        "=",
        "==",
        "->",
        "=>",
        "|",
        "_",
        ",",
        ":",
        ".",
        "..",
        "-",
        "+",
        "*",
        "/",
        "<",
        ">=",
        " ",
        "\n",
        "å",
        "ö",
        "1",
        "2026-01-01",
        "SEK",
        "%",
        "at",
        "most",
        "if",
        "else",
        "match",
        "for",
        "in",
        "let",
        "param",
        "table",
        "///",
        "//",
        "\t",
        "\u{a0}",
        "true",
        "not",
        "per",
        "x",
        "\u{1F600}",
    ];
    let mut rng = Lcg(0x5eed);
    for _ in 0..300 {
        let len = rng.next() % 200;
        let text: String = (0..len)
            .map(|_| alphabet[rng.next() % alphabet.len()])
            .collect();
        inputs.push(text);
    }
    for _ in 0..50 {
        let len = rng.next() % 500;
        let bytes: Vec<u8> = (0..len)
            .map(|_| u8::try_from(rng.next() % 256).unwrap())
            .collect();
        inputs.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    for text in &inputs {
        let (_, diagnostics) = parse_text(text);
        for d in &diagnostics {
            let (start, end) = (d.span.start as usize, d.span.end as usize);
            assert!(
                start <= end && end <= text.len(),
                "span {start}..{end} outside {text:?}"
            );
            assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        }
    }
}

#[test]
fn deep_nesting_is_reported_not_overflowed() {
    let text = format!(
        "rule r() -> Int = {}1{}\nrule s() -> Int = 2\n",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let (module, diagnostics) = parse_text(&text);
    // `r` stays declared (recovered from its header), `s` parses.
    let names: Vec<&str> = module
        .items
        .iter()
        .filter_map(|i| i.name().map(|n| n.name.as_str()))
        .collect();
    assert_eq!(names, ["r", "s"]);
    assert_eq!(diagnostics.len(), 1);
    assert!(
        diagnostics[0]
            .message
            .starts_with("this is nested too deeply")
    );
    let text = format!("rule r() -> Int = 1{}\n", " + 1".repeat(50_000));
    let (_, diagnostics) = parse_text(&text);
    assert_eq!(diagnostics.len(), 1);
    assert!(
        diagnostics[0]
            .message
            .starts_with("this expression is too long"),
        "{:?}",
        diagnostics[0].message
    );
}

#[test]
fn flat_chains_are_not_nesting() {
    // 300 terms is one level as written: no diagnostic.
    let text = format!("rule r(a: Int) -> Int = a{}\n", " + a".repeat(299));
    let (module, diagnostics) = parse_text(&text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(module.items.len(), 1);
    // The longest chain accepted, and one operator more.
    let longest = super::parser_expr::MAX_TREE_DEPTH;
    let text = format!("rule r(a: Int) -> Int = a{}\n", " + a".repeat(longest));
    assert!(parse_text(&text).1.is_empty());
    let text = format!("rule r(a: Int) -> Int = a{}\n", " + a".repeat(longest + 1));
    let (_, diagnostics) = parse_text(&text);
    assert_eq!(diagnostics.len(), 1);
    // A long `else if` chain is flat too.
    let branches = "if a == 1 { 1 } else ".repeat(300);
    let text = format!("rule r(a: Int) -> Int = {branches}{{ 0 }}\n");
    assert!(parse_text(&text).1.is_empty());
    // Brackets still count one level each, within a chain or not.
    let text = format!(
        "rule r(a: Int) -> Int = {}a{}\n",
        "(a + ".repeat(60),
        ")".repeat(60)
    );
    assert!(parse_text(&text).1.is_empty());
}

#[test]
fn rule_names_all_have_words_and_underscores() {
    // The no-underscore rule names would be English words that a message
    // could contain; the error tests rely on every name being unmistakable.
    for rule in Rule::all_rules() {
        let name = format!("{rule:?}");
        let (_, words) = super::rule_names::describe(*rule);
        assert!(!words.is_empty(), "{name} has no words");
        assert!(
            name.contains('_') || name.chars().all(|c| c.is_ascii_uppercase()),
            "rename rule `{name}` so that it contains an underscore"
        );
    }
}

#[test]
fn literal_problems_are_invalid_literal_diagnostics() {
    let (module, diagnostics) =
        parse_text("rule r() -> Date = 2026-1-5\nrule s() -> Text = \"a\\qb\"\n");
    assert_eq!(module.items.len(), 2);
    let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::InvalidLiteral, Code::InvalidLiteral]);
    assert_eq!(
        diagnostics[0].help.as_deref(),
        Some("write two digits for month and day: `2026-01-05`")
    );
    let Item::Rule(rule) = &module.items[0] else {
        panic!()
    };
    assert_eq!(sexpr(&rule.body), "#2026-01-05");
    assert!(diagnostics[1].message.contains("`\\q`"));
}
