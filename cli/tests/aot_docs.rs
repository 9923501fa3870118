//! The C examples of `docs/aot.md`, as a vendor would copy them: built
//! against the W1 library, and against the page's own month-of-shifts
//! agreement (section "Lists and timestamps"), with `-Werror`, run, and
//! held to what the page says they print; the W1 example's money
//! formatting also on negative amounts (the example once printed
//! −10.50 SEK as `-10.-50`). The date column's conversions (Python's
//! `toordinal`, Java's epoch day + 719163) and the timestamp column's
//! example are checked on the header's own `avtal_date` and
//! `avtal_timestamp`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod aot_support;
mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use aot_support::{Compile, build, have};
use common::{scratch, workspace};

fn aot_md() -> String {
    fs::read_to_string(workspace().join("docs/aot.md")).unwrap()
}

/// The fenced C block under "## Example".
fn example_source(doc: &str) -> String {
    let section = &doc[doc.find("## Example").expect("an Example section")..];
    let start = section.find("```c\n").expect("a C block") + "```c\n".len();
    let end = section[start..].find("```").expect("the block's end") + start;
    section[start..end].to_string()
}

/// What the page says the example prints: "This prints `…`", after the
/// example.
fn promised_output(doc: &str) -> String {
    let doc = &doc[doc.find("## Example").expect("an Example section")..];
    let at = doc.find("This prints `").expect("the promised output") + "This prints `".len();
    let end = doc[at..].find('`').unwrap() + at;
    doc[at..end].to_string()
}

/// Build W1's library into `dir`, compile `main_source` (which includes
/// `example.c`) against it, run it, and return its stdout.
fn compile_and_run(dir: &Path, example: &str, main_source: &str) -> String {
    let agreement = workspace().join("examples/w1_payroll_month.avtal");
    compile_and_run_with(dir, &agreement, "w1_payroll_month", example, main_source)
}

/// Build the library of `agreement` (named `library`) into `dir`, compile
/// `main_source` (which includes `example.c`) against it, run it, and
/// return its stdout.
fn compile_and_run_with(
    dir: &Path,
    agreement: &Path,
    library: &str,
    example: &str,
    main_source: &str,
) -> String {
    build(agreement, dir);
    fs::write(dir.join("example.c"), example).unwrap();
    fs::write(dir.join("main.c"), main_source).unwrap();
    let exe = Compile::c(dir)
        .flag("-O1")
        .link(library)
        .to(&dir.join("main.c"), "example");
    let run = Command::new(&exe).output().unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8(run.stdout).unwrap()
}

#[test]
fn the_c_example_compiles_and_prints_what_the_page_says() {
    if !have("cc") {
        eprintln!("skipped: no `cc`");
        return;
    }
    let doc = aot_md();
    let dir = scratch("aot_docs_example");
    let output = compile_and_run(&dir, &example_source(&doc), "#include \"example.c\"\n");
    assert_eq!(output, format!("{}\n", promised_output(&doc)));
}

#[test]
fn the_examples_money_formatting_keeps_the_sign_once() {
    if !have("cc") {
        eprintln!("skipped: no `cc`");
        return;
    }
    let doc = aot_md();
    let dir = scratch("aot_docs_money");
    // The example's own `print_money`, its `main` renamed out of the way.
    let main = "#define main doc_main\n#include \"example.c\"\n#undef main\n\
                #include <stdint.h>\n\
                int main(void) {\n\
                  print_money(\"a\", -1050);\n\
                  print_money(\"b\", -50);\n\
                  print_money(\"c\", 5);\n\
                  print_money(\"d\", 0);\n\
                  print_money(\"e\", INT64_MIN);\n\
                  print_money(\"f\", INT64_MAX);\n\
                  return doc_main();\n\
                }\n";
    let output = compile_and_run(&dir, &example_source(&doc), main);
    assert_eq!(
        output,
        "a -10.50 SEK\nb -0.50 SEK\nc 0.05 SEK\nd 0.00 SEK\n\
         e -92233720368547758.08 SEK\nf 92233720368547758.07 SEK\n\
         vacation guarantee 591.00 SEK\n"
    );
}

/// The page's day numbers are Python's `date.toordinal()` and Java's
/// `LocalDate.toEpochDay() + 719163`: the header's `avtal_date` agrees
/// on the page's example date and on the epoch.
#[test]
fn day_numbers_are_ordinals() {
    if !have("cc") {
        eprintln!("skipped: no `cc`");
        return;
    }
    let doc = aot_md();
    assert!(doc.contains("Python's `date.toordinal()`, Java's `LocalDate.toEpochDay() + 719163`"));
    let dir = scratch("aot_docs_days");
    let main = "#define main doc_main\n#include \"example.c\"\n#undef main\n\
                int main(void) {\n\
                  printf(\"%lld %lld %lld\\n\", (long long)avtal_date(2026, 6, 1),\n\
                         (long long)avtal_date(1970, 1, 1), (long long)avtal_date(1, 1, 1));\n\
                  return 0;\n\
                }\n";
    let output = compile_and_run(&dir, &example_source(&doc), main);
    // date(2026, 6, 1).toordinal(), date(1970, 1, 1).toordinal(), date(1, 1, 1).toordinal()
    assert_eq!(output, "739768 719163 1\n");
}

/// The fenced block of `language` in the section headed `heading`: the
/// first, or the first that contains `marker`.
fn block_in(doc: &str, heading: &str, language: &str, marker: &str) -> String {
    let start = doc.find(heading).expect("the section") + heading.len();
    let end = doc[start..]
        .find("\n## ")
        .map_or(doc.len(), |at| at + start);
    let section = &doc[start..end];
    let fence = format!("```{language}\n");
    let mut rest = section;
    while let Some(at) = rest.find(&fence) {
        let body = &rest[at + fence.len()..];
        let close = body.find("```").expect("the block's end");
        if body[..close].contains(marker) {
            return body[..close].to_string();
        }
        rest = &body[close + 3..];
    }
    panic!("no {language} block with {marker:?} under {heading}");
}

/// The section "Lists and timestamps": its agreement, saved as the page
/// says (`month.avtal`), built, and its C program, compiled and run,
/// prints what the page says it prints.
#[test]
fn the_list_example_compiles_and_prints_what_the_page_says() {
    if !have("cc") {
        eprintln!("skipped: no `cc`");
        return;
    }
    let doc = aot_md();
    let heading = "## Lists and timestamps";
    assert!(doc.contains("this agreement, saved as `month.avtal`"));
    let dir = scratch("aot_docs_lists");
    let agreement = common::write(
        &dir,
        "month.avtal",
        &block_in(&doc, heading, "avtal", "evaluate"),
    );
    let example = block_in(&doc, heading, "c", "int main");
    let output = compile_and_run_with(
        &dir,
        &agreement,
        "month",
        &example,
        "#include \"example.c\"\n",
    );
    let section = &doc[doc.find(heading).unwrap()..];
    let at = section.find("This prints `").expect("the promised output") + "This prints `".len();
    let promised = &section[at..at + section[at..].find('`').unwrap()];
    assert_eq!(output, format!("{promised}\n"));

    // The structs the page shows are the header's, member for member.
    let header = fs::read_to_string(dir.join("month.h")).unwrap();
    for member in [
        "const struct avtal_month_Shift *shifts;",
        "int64_t shifts_len;",
        "struct avtal_month_Shift {",
        "int64_t start;",
        "struct SummaryInput {",
        "int64_t employee;",
    ] {
        assert!(header.contains(member), "{member} not in\n{header}");
    }
    // The page's timestamp example, on the header's helper.
    assert!(doc.contains("| 2026-06-01T19:30 = `1065265650` |"));
    let main = "#define main doc_main\n#include \"example.c\"\n#undef main\n\
                int main(void) {\n\
                  printf(\"%lld %lld\\n\", (long long)avtal_timestamp(avtal_date(2026, 6, 1), 19 * 60 + 30),\n\
                         (long long)avtal_floor_div(1065265650, 1440) + 1);\n\
                  return 0;\n\
                }\n";
    let output = compile_and_run_with(&dir, &agreement, "month", &example, main);
    assert_eq!(output, "1065265650 739768\n");
}
