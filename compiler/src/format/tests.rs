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
