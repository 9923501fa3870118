//! The drafter's first hour at the command line (issue 18): `avtal check`
//! on the mistakes a new drafter makes, each with one diagnostic that
//! names the place and the fix, and no cascade.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{avtal, scratch, write};

#[test]
fn a_broken_param_stays_declared_and_its_uses_are_not_unknown() {
    let dir = scratch("drafter_broken_param");
    write(
        &dir,
        "tak.avtal",
        "param tak: Hours {\n  from 2026-01-01 = 130 timmar\n}\n\n\
         rule kvar(h: Hours, d: Date) -> Hours\n= tak at d - h\n\n\
         rule över(h: Hours, d: Date) -> Bool\n= h > tak at d\n",
    );
    let run = avtal(&dir, &["check", "tak.avtal"]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("unknown unit `timmar`"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("unknown name"), "{}", run.stderr);
    assert!(
        run.stderr.contains("checked 1 file: 1 error, 0 warnings"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_use_of_a_file_that_declares_another_module_says_so() {
    let dir = scratch("drafter_use_other_module");
    write(
        &dir,
        "huvud.avtal",
        "module huvud\nuse avtal.lön\n\nrule x() -> Int = 1\n",
    );
    write(
        &dir,
        "avtal/lön.avtal",
        "module avtal.annat\n\nrule y() -> Int = 2\n",
    );
    let run = avtal(&dir, &["check", "huvud.avtal"]);
    run.expect_code(1);
    let stderr = &run.stderr;
    assert!(stderr.contains("unknown module `avtal.lön`"), "{stderr}");
    assert!(stderr.contains("declares module `avtal.annat`"), "{stderr}");
    assert!(stderr.contains("module avtal.lön"), "{stderr}");
    assert!(!stderr.contains("put the module in a file"), "{stderr}");
    // The fix the help gives works.
    write(
        &dir,
        "avtal/lön.avtal",
        "module avtal.lön\n\nrule y() -> Int = 2\n",
    );
    avtal(&dir, &["check", "huvud.avtal"]).expect_code(0);
}

#[test]
fn a_stdlib_name_without_its_use_names_the_module() {
    let dir = scratch("drafter_stdlib_use");
    let body = "rule dagar(början: Date, dag: Date) -> Days\n= dag_i_sjukperioden(början, dag)\n";
    write(&dir, "sjuk.avtal", &format!("module sjuk\n\n{body}"));
    let run = avtal(&dir, &["check", "sjuk.avtal"]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("is defined in module `lag.ledighet`"),
        "{}",
        run.stderr
    );
    // The fix the help gives works.
    write(
        &dir,
        "sjuk.avtal",
        &format!("module sjuk\nuse lag.ledighet\n\n{body}"),
    );
    avtal(&dir, &["check", "sjuk.avtal"]).expect_code(0);
}

#[test]
fn nfc_and_nfd_spellings_of_a_name_are_one_name() {
    let dir = scratch("drafter_nfc");
    // Defined precomposed, used decomposed (as some editors and file
    // systems store it), in another file.
    write(&dir, "a.avtal", "module a\n\nrule l\u{E5}n() -> Int = 1\n");
    write(
        &dir,
        "b.avtal",
        "module b\nuse a\n\nrule dubbel() -> Int = la\u{30A}n() * 2\n",
    );
    let run = avtal(&dir, &["check", "a.avtal", "b.avtal"]);
    run.expect_code(0);
}

#[test]
fn invisible_characters_and_confusables_are_shown_by_code_point() {
    let dir = scratch("drafter_invisible");
    write(
        &dir,
        "z.avtal",
        "rule l\u{F6}n() -> Int = 1\n\nrule b() -> Int = l\u{200B}\u{F6}n()\n",
    );
    let run = avtal(&dir, &["check", "z.avtal"]);
    run.expect_code(1);
    assert!(run.stderr.contains("U+200B"), "{}", run.stderr);
    write(
        &dir,
        "z.avtal",
        "rule p\u{430}y() -> Int = 1\n\nrule pay() -> Int = 2\n",
    );
    let run = avtal(&dir, &["check", "z.avtal"]);
    // Warnings only: the program is fine to run.
    run.expect_code(0);
    assert!(run.stderr.contains("warning[W0101]"), "{}", run.stderr);
    assert!(run.stderr.contains("U+0430"), "{}", run.stderr);
}

#[test]
fn a_fraction_in_a_percent_param_gets_one_error_whose_fix_checks() {
    let dir = scratch("drafter_fraction");
    write(
        &dir,
        "p.avtal",
        "param andel: Percent {\n  from 2026-01-01 = 1/700\n}\n",
    );
    let run = avtal(&dir, &["check", "p.avtal"]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("checked 1 file: 1 error, 0 warnings"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`0.1429 %`"), "{}", run.stderr);
    // The suggested literal is one the checker accepts.
    write(
        &dir,
        "p.avtal",
        "param andel: Percent {\n  from 2026-01-01 = 0.1429 %\n}\n",
    );
    avtal(&dir, &["check", "p.avtal"]).expect_code(0);
}

#[test]
fn keyword_field_names_and_five_digit_years_point_at_the_word() {
    let dir = scratch("drafter_keyword_field");
    let text =
        "record Pass {\n  start: Date\n  from: Date\n}\n\nrule slut() -> Date\n= 10000-01-01\n";
    write(&dir, "k.avtal", text);
    let run = avtal(&dir, &["check", "k.avtal"]);
    run.expect_code(1);
    let stderr = &run.stderr;
    assert!(
        stderr.contains("expected a field name, found the keyword `from`"),
        "{stderr}"
    );
    // Line 3, column 3: the keyword itself, not the end of line 2.
    assert!(stderr.contains("k.avtal:3:3"), "{stderr}");
    assert!(stderr.contains("`från`"), "{stderr}");
    assert!(stderr.contains("k.avtal:7:3"), "{stderr}");
    assert!(stderr.contains("dates end with the year 9999"), "{stderr}");
}
