//! No input may panic the compiler: random edits of real agreements and
//! random token soup go through parse, check and (when the program checks)
//! every example (also traced, for coverage), and must come back as values
//! or diagnostics.
//!
//! `PROPTEST_CASES=20000 cargo test -p avtal-compiler --test no_panic`
//! runs a longer search on demand.

#![allow(
    clippy::indexing_slicing,
    reason = "slicing at checked char boundaries in test input generation"
)]

use avtal_compiler::analysis::KEYWORDS;
use avtal_compiler::eval::Interpreter;
use avtal_compiler::explain::coverage::coverage;
use avtal_compiler::{Sources, compile, stdlib};
use proptest::prelude::*;

const W1: &str = include_str!("../../examples/w1_payroll_month.avtal");

/// Punctuation, literals and names mixed in with the language's keywords.
const OTHER_TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "<",
    ">",
    "=",
    "==",
    "=>",
    "|",
    ",",
    ":",
    ".",
    "..",
    "->",
    "+",
    "-",
    "*",
    "/",
    "%",
    "SEK",
    "h",
    "days",
    "months",
    "2026-01-01",
    "2026-02-30",
    "0",
    "1709",
    "0.01",
    "99999999999999999999999999999",
    "\"text\"",
    "\"",
    "x",
    "lön",
    "Money",
    "Int",
    "List",
    "round",
    "sum",
    "max",
    "min",
    "_",
    "\n",
    " ",
    "///",
    "//",
    "é",
    "\u{0}",
];

fn tokens() -> impl Strategy<Value = String> {
    let tokens: Vec<&str> = KEYWORDS.iter().chain(OTHER_TOKENS).copied().collect();
    prop::collection::vec(prop::sample::select(tokens), 0..80).prop_map(|t| t.join(" "))
}

/// Delete a range of W1 and insert some tokens in its place.
fn mutations() -> impl Strategy<Value = String> {
    (0..W1.len(), 0usize..40, tokens()).prop_map(|(at, len, insert)| {
        let mut start = at;
        while !W1.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + len).min(W1.len());
        while !W1.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}{}{}", &W1[..start], insert, &W1[end..])
    })
}

fn compile_and_run(text: &str) {
    let mut sources = Sources::new();
    stdlib::add_to(&mut sources);
    let file = sources.add("fuzz.avtal", text);
    let compilation = compile(&sources);
    for d in &compilation.diagnostics {
        // Every diagnostic points inside its file.
        let file_len = sources.text(d.span.file).len() as u32;
        assert!(
            d.span.start <= d.span.end && d.span.end <= file_len,
            "{d:?}"
        );
    }
    if !compilation.has_errors() {
        // The fuzzed file's examples: the stdlib's own are run by
        // `avtal test --stdlib` and its tests, not once per fuzz case.
        let examples: Vec<usize> = (0..compilation.program.examples.len())
            .filter(|&i| compilation.program.examples[i].span.file == file)
            .collect();
        let interpreter = Interpreter::new(&compilation.program);
        for &index in &examples {
            let _ = interpreter.run_example(index);
        }
        // The traced runs, the coverage points and their rendering too.
        let coverage = coverage(&compilation.program, &[file], &examples);
        let _ = coverage.render_text();
        let _ = coverage.to_json();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn token_soup_never_panics(text in tokens()) {
        compile_and_run(&text);
    }

    #[test]
    fn edited_agreements_never_panic(text in mutations()) {
        compile_and_run(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        compile_and_run(&text);
    }
}

#[test]
fn w1_itself_checks_and_passes() {
    let mut sources = Sources::new();
    stdlib::add_to(&mut sources);
    sources.add("w1.avtal", W1);
    let compilation = compile(&sources);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    let interpreter = Interpreter::new(&compilation.program);
    let outcomes: Vec<_> = (0..compilation.program.examples.len())
        .map(|i| interpreter.run_example(i))
        .collect();
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, avtal_compiler::eval::ExampleOutcome::Passed)),
        "{outcomes:?}"
    );
}
