use super::*;

fn repo_files() -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with('.') || name == "target" || name == "node_modules" {
                continue;
            }
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "avtal") {
                out.push(path);
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = Vec::new();
    walk(&root, &mut out);
    out.sort();
    out
}

/// Every `.avtal` file in the repository: formatting keeps the AST (spans
/// aside), keeps every comment, and a second run changes nothing.
#[test]
fn every_repo_file_keeps_meaning_and_is_idempotent() {
    let files = repo_files();
    assert!(files.len() > 50, "{}", files.len());
    let mut formatted_count = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let once = format_text(&text);
        let (before, errors) = ast_without_spans(&text);
        assert_eq!(
            format_text(&once),
            once,
            "not idempotent: {}",
            path.display()
        );
        let comments = |t: &str| -> Vec<String> {
            t.lines()
                .filter_map(|l| l.find("//").map(|i| l[i..].trim_end().to_string()))
                .collect()
        };
        assert_eq!(
            comments(&once),
            comments(&text),
            "comments: {}",
            path.display()
        );
        if errors == 0 {
            let (after, after_errors) = ast_without_spans(&once);
            assert_eq!(after_errors, 0, "{}", path.display());
            assert_eq!(after, before, "meaning changed: {}", path.display());
            assert_eq!(format_source(&text).as_deref(), Ok(once.as_str()));
            formatted_count += 1;
        } else {
            assert!(matches!(
                format_source(&text),
                Err(FormatError::SyntaxErrors { .. })
            ));
        }
    }
    assert!(formatted_count > 20);
}

#[test]
fn reindents_and_separates_items() {
    let text = "module a.b\nuse lag.las\nuse c.d\n/// Doc.\nrule x(a: Int) -> Int\nsource \"S\"\n{\n      let y = a\n\n\n   y   // kvar\n}\nenum E { A, B }   \n";
    let expected = "module a.b\n\nuse lag.las\nuse c.d\n\n/// Doc.\nrule x(a: Int) -> Int\n  source \"S\"\n{\n  let y = a\n\n  y   // kvar\n}\n\nenum E { A, B }\n";
    assert_eq!(format_text(text), expected);
    assert_eq!(format_source(text).unwrap(), expected);
}

/// The house layout of expression bodies: a body opened on a `= …` line
/// hangs from the expression; one line opening two brackets is one step;
/// lines that continue an expression or a `requires` go one step in.
#[test]
fn expression_bodies_hang_from_the_expression() {
    let text = "rule f(a: Int) -> Int\n= if a > 1 {\na\n} else {\nmax(a,\nf(R {\nx: 1 })\n)\n}\n\ncondition c(a: Int)\n{\nrequires a > 1\nbecause \"skäl\"\n}\n\nrule g(a: Int) -> Bool\n= a > 1\nand a < 5\n";
    let expected = "rule f(a: Int) -> Int\n= if a > 1 {\n    a\n  } else {\n    max(a,\n      f(R {\n        x: 1 })\n    )\n  }\n\ncondition c(a: Int)\n{\n  requires a > 1\n    because \"skäl\"\n}\n\nrule g(a: Int) -> Bool\n= a > 1\n    and a < 5\n";
    assert_eq!(format_text(text), expected);
    assert_eq!(format_text(expected), expected);
}

/// A `refuse`'s `because` and an example's `refused because` on their own
/// lines go one step in, like a `requires`'s `because`.
#[test]
fn refusals_continue_one_step_in() {
    let text = "rule r(x: Hours) -> Hours {\nrefuse if x > 24 h\nbecause \"för långt\"\n      refuse for s in [x] if s > 1 h\n  because \"m\"\nx\n}\n\nexample \"e\" {\nr(25 h)\nrefused because \"för långt\"\n}\n";
    let expected = "rule r(x: Hours) -> Hours {\n  refuse if x > 24 h\n    because \"för långt\"\n  refuse for s in [x] if s > 1 h\n    because \"m\"\n  x\n}\n\nexample \"e\" {\n  r(25 h)\n    refused because \"för långt\"\n}\n";
    assert_eq!(format_text(text), expected);
    assert_eq!(format_source(text).unwrap(), expected);
}

#[test]
fn refuses_syntax_errors() {
    assert_eq!(
        format_source("rule x( -> Int = 1\n"),
        Err(FormatError::SyntaxErrors { count: 1 })
    );
}

/// The repository files that parse, read once for all cases.
fn clean_files() -> &'static [String] {
    static CLEAN: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    CLEAN.get_or_init(|| {
        repo_files()
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .filter(|t| ast_without_spans(t).1 == 0)
            .collect()
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    /// Generated programs: repository files with whitespace scrambled
    /// (indentation, tabs, trailing spaces, runs of blank lines, CRLF) format to the same
    /// AST and the same text as the clean file's formatting.
    #[test]
    fn scrambled_whitespace_formats_the_same(seed in 0u64..u64::MAX, pick in 0usize..1000) {
        let clean = clean_files();
        let text = &clean[pick % clean.len()];
        let mut state = seed | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut scrambled = String::new();
        for line in text.lines() {
            let trimmed = line.trim_start();
            let col0_keyword = line == trimmed && item_keyword(trimmed).is_some();
            if !col0_keyword && !trimmed.is_empty() {
                scrambled.push_str(&" ".repeat((next() % 7) as usize));
                if next() % 5 == 0 {
                    scrambled.push('\t');
                }
            }
            scrambled.push_str(trimmed);
            scrambled.push_str(&" ".repeat((next() % 3) as usize));
            scrambled.push_str(if next() % 4 == 0 { "\r\n" } else { "\n" });
            if trimmed.is_empty() && next() % 2 == 0 {
                scrambled.push_str(&"\n".repeat((next() % 3) as usize));
            }
        }
        let (original_ast, _) = ast_without_spans(text);
        let formatted = format_source(&scrambled).unwrap();
        proptest::prop_assert_eq!(ast_without_spans(&formatted).0, original_ast);
        proptest::prop_assert_eq!(&formatted, &format_text(text));
        proptest::prop_assert_eq!(format_text(&formatted), formatted.clone());
    }
}

/// The number of top-level items of a text that parses.
fn item_count(text: &str) -> usize {
    let mut sources = Sources::new();
    let file = sources.add("<format>", text);
    let (module, diagnostics) = syntax::parse(&sources, file);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    module.items.len()
}

/// A `classes` item comes out in its house layout: `ranked` and `source`
/// on the header line, a block per class, a line per span, doc comments
/// and comments kept; and the item is still there (a `classes` line was
/// once indented as if it continued the item above).
#[test]
fn classes_items_are_laid_out_one_span_per_line() {
    let text = "rule fredag(d: Date) -> Bool = weekday(d) == 5\nrule måndag(d: Date) -> Bool = weekday(d) == 1\n   classes ob ranked\n  source \"Bilaga 3 § 4\" {\n/// Helg\nhelg { from 19:00 on fredag\n to 07:00 on next måndag   all day on fredag }\n\n\n  natt {   from 22:00 on every day to 06:00 // natt\n  // kväll nedan\n} kväll{from 19:00 on every day to 22:00}}   // slut\nparam belopp: Rate {\n  from 2026-01-01 = 62 SEK/h\n}\n";
    let expected = "rule fredag(d: Date) -> Bool = weekday(d) == 5\n\nrule måndag(d: Date) -> Bool = weekday(d) == 1\n\nclasses ob ranked source \"Bilaga 3 § 4\" {\n  /// Helg\n  helg {\n    from 19:00 on fredag to 07:00 on next måndag\n    all day on fredag\n  }\n\n  natt {\n    from 22:00 on every day to 06:00 // natt\n    // kväll nedan\n  }\n  kväll {\n    from 19:00 on every day to 22:00\n  }\n}   // slut\n\nparam belopp: Rate {\n  from 2026-01-01 = 62 SEK/h\n}\n";
    let formatted = format_source(text).unwrap();
    assert_eq!(formatted, expected);
    assert_eq!(format_source(&formatted).unwrap(), expected);
    assert_eq!(item_count(&formatted), 4);
    assert_eq!(ast_without_spans(&formatted).0, ast_without_spans(text).0);
}

/// An unranked item without `source` or docs, and a class with no spans.
#[test]
fn classes_without_header_words_or_spans() {
    let text = "classes tider {\n  tom { }\n  dag { all day on every day }\n}\n";
    let expected = "classes tider {\n  tom {\n  }\n  dag {\n    all day on every day\n  }\n}\n";
    assert_eq!(format_source(text).unwrap(), expected);
    assert_eq!(format_text(expected), expected);
}

/// An item that does not close is left to the line pass, and the file is
/// refused for its syntax error.
#[test]
fn an_unclosed_classes_item_is_not_laid_out() {
    let text = "classes ob {\n  helg { from 19:00 on every day to 22:00 }\n";
    assert_eq!(
        format_text(text),
        "classes ob {\n  helg { from 19:00 on every day to 22:00 }\n"
    );
    assert!(matches!(
        format_source(text),
        Err(FormatError::SyntaxErrors { .. })
    ));
}

/// Clock literals and rates are tokens the formatter never touches.
#[test]
fn clock_literals_and_rates_keep_their_text() {
    let text = "rule r(lön: Money) -> Rate\n= lön / 94 h\n\nexample \"klocka\" {\ntime_of(2026-06-05T18:30) == 18:30\n   timestamp(2026-06-05, 7:05) < 2026-06-05T07:06\n  62 kr/h * 2 h == 124 SEK\n  2026-06-06T01:15 - 2026-06-05T18:30 == 6.75 h\n}\n";
    let expected = "rule r(lön: Money) -> Rate\n= lön / 94 h\n\nexample \"klocka\" {\n  time_of(2026-06-05T18:30) == 18:30\n  timestamp(2026-06-05, 7:05) < 2026-06-05T07:06\n  62 kr/h * 2 h == 124 SEK\n  2026-06-06T01:15 - 2026-06-05T18:30 == 6.75 h\n}\n";
    assert_eq!(format_source(text).unwrap(), expected);
    assert_eq!(format_source(expected).unwrap(), expected);
}
