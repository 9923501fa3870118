//! The tree-sitter grammar of editors/tree-sitter-avtal, checked with the
//! tree-sitter CLI from crates.io (scripts/test-deps/tree-sitter.sh builds
//! it into target/tools/): the committed parser is what grammar.js
//! generates, the corpus and highlight tests pass, every `.avtal` file of
//! stdlib/ and examples/ parses without an error node, and the highlight
//! query captures what an editor colours on W1.
//!
//! The check that grammar.js keeps the pest grammar's keywords and units
//! needs no CLI and always runs. The others skip, loudly, only when the CLI
//! is not installed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The version scripts/test-deps/tree-sitter.sh installs.
const CLI_VERSION: &str = "0.27.1";

/// The parser's ABI: 14, not the CLI's default 15, so that the tree-sitter
/// libraries of the editors people have load it (Neovim before 0.11 links
/// one that stops at 14).
const ABI: &str = "14";

fn repository() -> PathBuf {
    std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("..")).unwrap()
}

fn grammar_dir() -> PathBuf {
    repository().join("editors/tree-sitter-avtal")
}

/// The CLI: the project's own build, else one on PATH of the same version.
fn cli() -> Option<PathBuf> {
    let local = repository().join(format!(
        "target/tools/tree-sitter-{CLI_VERSION}/bin/tree-sitter"
    ));
    if local.is_file() {
        return Some(local);
    }
    let on_path = std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("tree-sitter"))
        .find(|p| p.is_file())?;
    let version = Command::new(&on_path).arg("--version").output().ok()?;
    String::from_utf8_lossy(&version.stdout)
        .contains(CLI_VERSION)
        .then_some(on_path)
}

fn skip(test: &str) {
    eprintln!(
        "\n\n*** SKIPPED {test}: tree-sitter {CLI_VERSION} is not installed (run scripts/setup-test-deps) ***\n\n"
    );
}

/// Run the CLI in `dir` with its caches in `home` (so tests do not share
/// compiled parsers with other checkouts).
fn run(cli: &Path, dir: &Path, home: &Path, args: &[&str]) -> Output {
    Command::new(cli)
        .args(args)
        .current_dir(dir)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("TREE_SITTER_DIR", home.join("config"))
        .output()
        .expect("run tree-sitter")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A copy of the grammar directory (grammar.js, tree-sitter.json, queries,
/// tests, and the committed src/) to generate into.
fn copy_grammar(to: &Path) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy(&path, &target);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    copy(&grammar_dir(), to);
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("avtal-ts-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Words in double quotes inside the pest rule `rule = @{ … }`.
fn pest_words(pest: &str, rule: &str) -> BTreeSet<String> {
    let start = pest
        .find(&format!("\n{rule}"))
        .unwrap_or_else(|| panic!("{rule} not in avtal.pest"));
    let body = &pest[start + 1..];
    let first_line = body.lines().next().unwrap();
    // A rule on one line, or one whose body runs to a `}` of its own line.
    let end = if first_line.contains('}') {
        first_line.len()
    } else {
        body.find("\n}").unwrap()
    };
    quoted(&body[..end])
}

fn quoted(text: &str) -> BTreeSet<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn grammar_js_has_the_pest_keywords_and_units() {
    let pest = std::fs::read_to_string(repository().join("grammar/avtal.pest")).unwrap();
    let grammar = std::fs::read_to_string(grammar_dir().join("grammar.js")).unwrap();
    let in_grammar_js = |word: &str| grammar.contains(&format!("'{word}'"));

    let keywords = pest_words(&pest, "a_keyword");
    assert!(keywords.len() > 25, "{keywords:?}");
    for keyword in &keywords {
        // `at most` and `at least` are one token in grammar.js.
        let found = in_grammar_js(keyword) || matches!(keyword.as_str(), "most" | "least");
        assert!(
            found,
            "keyword `{keyword}` of avtal.pest is not in grammar.js"
        );
    }
    // The words that are keywords only in their place.
    for rule in [
        "classes_ranked",
        "span_on",
        "span_to",
        "span_next",
        "span_all",
        "span_day",
        "span_every",
        "list_word",
        "refused_word",
    ] {
        for word in pest_words(&pest, rule) {
            assert!(
                in_grammar_js(&word),
                "`{word}` ({rule}) is not in grammar.js"
            );
        }
    }

    let units = pest_words(&pest, "unit_word");
    let start = grammar.find("const UNITS = [").unwrap();
    let end = start + grammar[start..].find("];").unwrap();
    let js_units: BTreeSet<String> = grammar[start..end]
        .split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert_eq!(js_units, units, "units of grammar.js and avtal.pest differ");
}

#[test]
fn generated_parser_is_committed_and_the_corpus_passes() {
    let Some(cli) = cli() else {
        return skip("generated_parser_is_committed_and_the_corpus_passes");
    };
    let home = scratch("home");
    let dir = scratch("grammar");
    copy_grammar(&dir);
    let generated = run(&cli, &dir, &home, &["generate", "--abi", ABI]);
    assert!(generated.status.success(), "{}", text(&generated));
    for file in ["src/parser.c", "src/grammar.json", "src/node-types.json"] {
        let fresh = std::fs::read_to_string(dir.join(file)).unwrap();
        let committed = std::fs::read_to_string(grammar_dir().join(file)).unwrap_or_default();
        assert!(
            fresh == committed,
            "editors/tree-sitter-avtal/{file} is not what grammar.js generates: \
             run `tree-sitter generate --abi {ABI}` there and commit src/"
        );
    }
    // The corpus (test/corpus) and the highlight assertions (test/highlight).
    let tested = run(&cli, &dir, &home, &["test"]);
    assert!(tested.status.success(), "{}", text(&tested));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&home);
}

/// Every `.avtal` file under `dir`.
fn avtal_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            avtal_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "avtal") {
            out.push(path);
        }
    }
}

#[test]
fn every_stdlib_and_example_file_parses_without_errors() {
    let Some(cli) = cli() else {
        return skip("every_stdlib_and_example_file_parses_without_errors");
    };
    let home = scratch("parse-home");
    let mut files = Vec::new();
    avtal_files(&repository().join("stdlib"), &mut files);
    avtal_files(&repository().join("examples"), &mut files);
    files.sort();
    assert!(files.len() > 15, "{files:?}");
    let mut args = vec!["parse", "--quiet", "--stat"];
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    let parsed = run(&cli, &grammar_dir(), &home, &args);
    let report = text(&parsed);
    assert!(parsed.status.success(), "{report}");
    assert!(
        !report.contains("ERROR") && !report.contains("MISSING"),
        "{report}"
    );
    assert!(
        report.contains(&format!("Total parses: {}", files.len())),
        "{report}"
    );
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn the_highlight_query_captures_w1() {
    let Some(cli) = cli() else {
        return skip("the_highlight_query_captures_w1");
    };
    let home = scratch("query-home");
    let w1 = repository().join("examples/w1_payroll_month.avtal");
    let queried = run(
        &cli,
        &grammar_dir(),
        &home,
        &["query", "queries/highlights.scm", w1.to_str().unwrap()],
    );
    let report = text(&queried);
    assert!(queried.status.success(), "{report}");
    // One capture of each kind an editor colours, on names W1 has.
    for (capture, name) in [
        ("keyword", "evaluate"),
        ("function", "dagslön"),
        ("function.call", "uppsägningstid_månader"),
        ("type", "Employee"),
        ("property", "salary"),
        ("constant", "fullmakt"),
        ("variable.parameter", "e"),
        (
            "comment.documentation",
            "/// Workload W1: one pay month of state-sector clause checks.",
        ),
        ("keyword.operator", "at most"),
        ("number", "200 h"),
        ("module", "las"),
    ] {
        // `capture: 13 - module, start: (8, 8), end: (8, 11), text: `las``
        let wanted = format!(" - {capture}, start:");
        let found = report
            .lines()
            .any(|l| l.contains(&wanted) && l.ends_with(&format!("text: `{name}`")));
        assert!(found, "no `{capture}` capture of `{name}` in:\n{report}");
    }
    let _ = std::fs::remove_dir_all(&home);
}
