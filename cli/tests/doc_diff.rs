//! `avtal doc OLD NEW -o DIR`: two versions of W1 compared clause by
//! clause, read in headless Chromium (the changed param's old and new
//! timelines side by side, the added and removed items), validated and
//! link-checked; and what `avtal doc` refuses, at the command line.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod chromium;
mod common;
mod doc_support;

use std::fs;

use chromium::rendered_text;
use common::{avtal, scratch, workspace, write};
use doc_support::{check_links, validate};

fn assert_has(text: &str, expected: &[&str]) {
    for wanted in expected {
        assert!(text.contains(wanted), "missing {wanted:?} in\n{text}");
    }
}

/// W1 as it is, and a revision: garantibelopp raised from 2027 with a new
/// step in 2028, a param added, an example removed.
fn two_versions(dir: &std::path::Path) {
    let old = fs::read_to_string(workspace().join("examples/w1_payroll_month.avtal")).unwrap();
    let mut new = old.replace(
        "  from 2027-01-01 = 1759 SEK\n",
        "  from 2027-01-01 = 1800 SEK\n  from 2028-01-01 = 1850 SEK\n",
    );
    assert_ne!(new, old);
    let start = new
        .find("example \"semesterlönegaranti: beloppet byts 2027-01-01\"")
        .unwrap();
    let end = start + new[start..].find("}\n").unwrap() + 2;
    new.replace_range(start..end, "");
    new.push_str(
        "\n/// Ny avgift från 2027.\nparam ny_avgift: Percent\n  source \"Protokoll 2026-11-30, 2 §\"\n{\n  from 2027-01-01 = 0.1 %\n}\n",
    );
    write(dir, "old/w1.avtal", &old);
    write(dir, "new/w1.avtal", &new);
}

#[test]
fn diff_view_shows_what_changed_clause_by_clause() {
    let dir = scratch("doc_diff");
    two_versions(&dir);
    // Two files declaring one module are two versions: no flag needed.
    let run = avtal(
        &dir,
        &[
            "doc",
            "old/w1.avtal",
            "new/w1.avtal",
            "-o",
            "site",
            "--today",
            "2026-12-04",
        ],
    );
    run.expect_code(0);
    let site = dir.join("site");
    let text = rendered_text(&dir, &site.join("index.html"));
    assert_has(
        &text,
        &[
            "Ändringar: old/w1.avtal → new/w1.avtal",
            "1 tillagda, 1 borttagna, 1 ändrade",
            // The changed param, old and new timelines side by side.
            "Parameter garantibelopp ändrad Modul examples.w1_payroll_month Tidigare version",
            // The rows the other version lacks are marked; the row both
            // share is not.
            "2026-01-01 2026-12-31 1709.00 SEK gäller i dag (2026-12-04) 2027-01-01 tills vidare 1759.00 SEK ändras Ny version",
            "2026-01-01 2026-12-31 1709.00 SEK gäller i dag (2026-12-04) 2027-01-01 2027-12-31 1800.00 SEK ny 2028-01-01 tills vidare 1850.00 SEK ny",
            // The added param and the removed example.
            "Parameter ny_avgift tillagd",
            "Tidigare version Finns inte i denna version. Ny version",
            "2027-01-01 tills vidare 0.10 %",
            "Exempel «semesterlönegaranti: beloppet byts 2027-01-01» borttagen",
            "Oförändrade",
        ],
    );
    // Each version's whole site is beside the comparison.
    assert!(site.join("old/examples.w1_payroll_month.html").is_file());
    assert!(site.join("new/examples.w1_payroll_month.html").is_file());
    validate(&site);
    check_links(&site);

    // --diff names the comparison explicitly, with the same result.
    avtal(
        &dir,
        &[
            "doc",
            "--diff",
            "old/w1.avtal",
            "new/w1.avtal",
            "-o",
            "site2",
            "--today",
            "2026-12-04",
            "-q",
        ],
    )
    .expect_code(0);
    assert_eq!(
        fs::read_to_string(site.join("index.html")).unwrap(),
        fs::read_to_string(dir.join("site2/index.html")).unwrap()
    );
}

#[test]
fn unchanged_versions_say_so() {
    let dir = scratch("doc_diff_same");
    let w1 = workspace().join("examples/w1_payroll_month.avtal");
    let text = fs::read_to_string(&w1).unwrap();
    write(&dir, "a/w1.avtal", &text);
    write(&dir, "b/w1.avtal", &text);
    avtal(
        &dir,
        &["doc", "a/w1.avtal", "b/w1.avtal", "-o", "site", "-q"],
    )
    .expect_code(0);
    let html = fs::read_to_string(dir.join("site/index.html")).unwrap();
    assert!(
        html.contains("0 tillagda, 0 borttagna, 0 ändrade"),
        "{html}"
    );
    assert!(html.contains("<strong>Inga ändringar.</strong>"));
}

#[test]
fn bad_arguments_and_bad_sources_write_nothing() {
    let dir = scratch("doc_refusals");
    write(
        &dir,
        "fel.avtal",
        "module prov.fel\n\nrule x(a: Money) -> Money = a * a\n",
    );
    write(
        &dir,
        "ok.avtal",
        "module prov.ok\n\nrule y(a: Money) -> Money = a\n",
    );

    let run = avtal(
        &dir,
        &["doc", "ok.avtal", "-o", "site", "--today", "2026-13-01"],
    );
    run.expect_code(1);
    assert!(
        run.stderr.contains("--today 2026-13-01: not a date"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("YYYY-MM-DD"), "{}", run.stderr);

    let run = avtal(&dir, &["doc", "fel.avtal", "-o", "site"]);
    run.expect_code(1);
    assert!(run.stderr.contains("fel.avtal:3"), "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot document the sources"),
        "{}",
        run.stderr
    );
    assert!(
        !dir.join("site").exists(),
        "a site was written for a broken source"
    );

    let run = avtal(&dir, &["doc", "--diff", "ok.avtal", "-o", "site"]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("--diff compares two files"),
        "{}",
        run.stderr
    );

    let run = avtal(
        &dir,
        &["doc", "--diff", "ok.avtal", "fel.avtal", "-o", "site"],
    );
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("cannot document the new version fel.avtal"),
        "{}",
        run.stderr
    );
    assert!(!dir.join("site").exists());

    // Two different modules are documented together, not compared.
    write(
        &dir,
        "ok2.avtal",
        "module prov.ok2\n\nuse prov.ok\n\nrule z(a: Money) -> Money = y(a)\n",
    );
    avtal(&dir, &["doc", "ok.avtal", "ok2.avtal", "-o", "site", "-q"]).expect_code(0);
    let ok2 = fs::read_to_string(dir.join("site/prov.ok2.html")).unwrap();
    assert!(
        ok2.contains("<a class=\"name\" href=\"prov.ok.html#y\">y</a>"),
        "{ok2}"
    );
    let ok = fs::read_to_string(dir.join("site/prov.ok.html")).unwrap();
    assert!(
        ok.contains("Används i: <a href=\"prov.ok2.html#z\">z</a>"),
        "{ok}"
    );
}
