//! A UTF-8 byte order mark at the start of a file (issue 13, item 9): the
//! file parses and checks as without it, every span moves by the mark's
//! three bytes, and line and column numbers do not count it.

use crate::diagnostics::render::{RenderOptions, render_human};
use crate::source::{BYTE_ORDER_MARK, Sources};
use crate::syntax::parse;

const W1: &str = include_str!("../../examples/w1_payroll_month.avtal");

fn with_bom(text: &str) -> String {
    format!("{BYTE_ORDER_MARK}{text}")
}

fn compile_with_stdlib(text: &str) -> crate::Compilation {
    let mut sources = Sources::new();
    crate::stdlib::add_to(&mut sources);
    sources.add("w1_payroll_month.avtal", text);
    crate::compile(&sources)
}

#[test]
fn w1_with_a_byte_order_mark_checks_clean() {
    // W1 opens with a `///` doc comment, the case that failed with E0001.
    assert!(W1.starts_with("///"));
    let compilation = compile_with_stdlib(&with_bom(W1));
    assert!(
        compilation.diagnostics.is_empty(),
        "{:#?}",
        compilation.diagnostics
    );
    let plain = compile_with_stdlib(W1);
    assert_eq!(
        compilation.program.entry_points().count(),
        plain.program.entry_points().count()
    );
}

#[test]
fn a_byte_order_mark_moves_every_span_by_its_bytes() {
    let mut sources = Sources::new();
    let plain_file = sources.add("plain.avtal", W1);
    let marked_file = sources.add("marked.avtal", with_bom(W1));
    let (plain, plain_diagnostics) = parse(&sources, plain_file);
    let (marked, marked_diagnostics) = parse(&sources, marked_file);
    assert!(plain_diagnostics.is_empty() && marked_diagnostics.is_empty());
    assert_eq!(plain.items.len(), marked.items.len());
    let shift = u32::try_from(BYTE_ORDER_MARK.len_utf8()).unwrap();
    for (a, b) in plain.items.iter().zip(&marked.items) {
        let (a, b) = (a.span(), b.span());
        assert_eq!((a.start + shift, a.end + shift), (b.start, b.end));
        // The same text under both spans, so the same line and column.
        assert_eq!(sources.snippet(a), sources.snippet(b));
        assert_eq!(
            sources.line_col(plain_file, a.start),
            sources.line_col(marked_file, b.start)
        );
    }
}

#[test]
fn a_byte_order_mark_is_no_column_in_diagnostics() {
    // Errors on line 1, right after the mark, and on line 2: the same
    // lines and columns, in the JSON form and in miette's header, as
    // without the mark.
    let text = "rule r() -> Int = )\nrule s() -> Int = 1 +\n";
    let mut sources = Sources::new();
    let plain_file = sources.add("test.avtal", text);
    let marked_file = sources.add("test.avtal", with_bom(text));
    let (_, plain) = parse(&sources, plain_file);
    let (_, marked) = parse(&sources, marked_file);
    assert_eq!(plain.len(), 2, "{plain:#?}");
    assert_eq!(marked.len(), 2, "{marked:#?}");
    for (a, b) in plain.iter().zip(&marked) {
        assert_eq!(
            sources.line_col(plain_file, a.span.start),
            sources.line_col(marked_file, b.span.start)
        );
    }
    assert_eq!(sources.line_col(marked_file, marked[0].span.start).line, 1);
    let options = RenderOptions::default();
    let rendered_plain = render_human(&sources, &plain, options);
    let rendered_marked = render_human(&sources, &marked, options);
    let headers = |rendered: &str| -> Vec<String> {
        rendered
            .lines()
            .filter(|line| line.contains("[test.avtal:"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(headers(&rendered_plain).len(), 2, "{rendered_plain}");
    assert_eq!(headers(&rendered_plain), headers(&rendered_marked));
    // The column is also 1 where the mark stands.
    assert_eq!(sources.line_col(marked_file, 0).column, 1);
    assert_eq!(sources.line_col(marked_file, 3).column, 1);
}
