//! The site as data: which modules get pages, the value in force marked,
//! uses linked both ways, and the comparison's statuses, from programs
//! compiled here (the rendered pages are tested in `cli/tests/doc_*.rs`).

use avtal_compiler::{Compilation, FileId, Sources, compile, stdlib};
use chrono::NaiveDate;

use crate::{Options, Site, diff_site, site};

const AGREEMENT: &str = r#"module prov.avtal

use lag.las

/// Dagbelopp.
param belopp: Money
  source "Prov 1 §"
{
  from 2026-01-01 = 100 SEK
  from 2027-01-01 = 110 SEK
}

rule dag(d: Date) -> Money = belopp at d

rule uppsägning(år: Int) -> Int = uppsägningstid_månader(år)

example "dag" {
  dag(2026-06-01) == 100.00 SEK
}
"#;

fn compiled(text: &str) -> (Compilation, FileId) {
    let mut sources = Sources::new();
    stdlib::add_to(&mut sources);
    let file = sources.add("prov.avtal", text);
    let compilation = compile(&sources);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    (compilation, file)
}

fn options(today: &str) -> Options {
    Options {
        today: NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap(),
        title: "Prov".into(),
    }
}

fn file<'s>(site: &'s Site, path: &str) -> &'s str {
    site.files
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| {
            panic!(
                "no {path} in {:?}",
                site.files.iter().map(|f| &f.path).collect::<Vec<_>>()
            )
        })
}

#[test]
fn pages_for_the_module_and_the_stdlib_modules_it_uses_only() {
    let (compilation, root) = compiled(AGREEMENT);
    let site = site(&compilation, &[root], &options("2026-12-04"));
    let mut paths: Vec<&str> = site.files.iter().map(|f| f.path.as_str()).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "antaganden.html",
            "avtal.css",
            "index.html",
            "lag.las.html",
            "prov.avtal.html"
        ]
    );
    assert_eq!(
        site.page_of_file(root).map(|p| p.path.as_str()),
        Some("prov.avtal.html")
    );
}

#[test]
fn the_value_in_force_moves_with_today() {
    let (compilation, root) = compiled(AGREEMENT);
    let row = |today: &str| {
        let site = site(&compilation, &[root], &options(today));
        let page = file(&site, "prov.avtal.html").to_string();
        (
            page.contains("<tr class=\"today\"><td>2026-01-01</td>"),
            page.contains("<tr class=\"today\"><td>2027-01-01</td>"),
            page.contains("Inget värde gäller i dag"),
        )
    };
    assert_eq!(row("2026-12-31"), (true, false, false));
    assert_eq!(row("2027-01-01"), (false, true, false));
    assert_eq!(row("2025-12-31"), (false, false, true));
}

#[test]
fn uses_link_to_definitions_and_back() {
    let (compilation, root) = compiled(AGREEMENT);
    let site = site(&compilation, &[root], &options("2026-12-04"));
    let page = file(&site, "prov.avtal.html");
    // A use links to its definition, in this module and in the stdlib.
    assert!(page.contains("<a class=\"name\" href=\"prov.avtal.html#belopp\">belopp</a>"));
    assert!(page.contains("href=\"lag.las.html#uppsägningstid_månader\""));
    // A definition lists its users, the stdlib's included.
    assert!(page.contains("Används i: <a href=\"prov.avtal.html#dag\">dag</a>"));
    let las = file(&site, "lag.las.html");
    assert!(
        las.contains("<a href=\"prov.avtal.html#uppsägning\">uppsägning</a>"),
        "{las}"
    );
}

#[test]
fn the_comparison_names_each_change() {
    let (old, old_root) = compiled(AGREEMENT);
    let revised = AGREEMENT
        .replace("from 2027-01-01 = 110 SEK", "from 2027-01-01 = 120 SEK")
        .replace(
            "rule uppsägning(år: Int) -> Int = uppsägningstid_månader(år)\n",
            "",
        )
        + "\nrule ny() -> Int = 1\n";
    let (new, new_root) = compiled(&revised);
    let site = diff_site(
        (&old, &[old_root]),
        (&new, &[new_root]),
        &options("2026-12-04"),
    );
    let index = file(&site, "index.html");
    // Unchanged: `dag` and its example, and lag.las's table, notice-end
    // rule and their two examples.
    assert!(
        index.contains("1 tillagda, 1 borttagna, 1 ändrade, 6 oförändrade"),
        "{index}"
    );
    assert!(index.contains("Parameter belopp <span class=\"status\">ändrad</span>"));
    assert!(index.contains("Regel uppsägning <span class=\"status\">borttagen</span>"));
    assert!(index.contains("Regel ny <span class=\"status\">tillagd</span>"));
    assert!(index.contains("110.00 SEK</td><td><em class=\"changed\">ändras</em>"));
    assert!(index.contains("120.00 SEK</td><td><em class=\"changed\">ny</em>"));
    assert!(
        index.contains("100.00 SEK</td><td><strong>gäller i dag"),
        "{index}"
    );
    // Each version's own site is beside it.
    file(&site, "old/prov.avtal.html");
    file(&site, "new/prov.avtal.html");
}

#[test]
fn refusals_are_rendered_in_words_with_their_message() {
    let (compilation, root) = compiled(
        r#"module prov.avvisning

record Pass {
  start: Timestamp
  slut: Timestamp
}

record Rapport {
  pass: List<Pass>
}

rule timmar(r: Rapport) -> Hours {
  refuse for p in r.pass if p.slut - p.start > 24 h because "ett pass är högst 24 timmar"
  refuse if count(r.pass) > 40 because "högst 40 pass"
  let summa = sum([p.slut - p.start for p in r.pass])
  summa
}

example "för långt" {
  timmar({ pass: [{ start: 2026-06-01T08:00, slut: 2026-06-02T09:00 }] })
    refused because "ett pass är högst 24 timmar"
}
"#,
    );
    let site = site(&compilation, &[root], &options("2026-06-01"));
    let page = file(&site, "prov.avvisning.html");
    assert!(page.contains("<div class=\"refuse\">avvisas"), "{page}");
    assert!(page.contains("”ett pass är högst 24 timmar”"), "{page}");
    assert!(page.contains("”högst 40 pass”"), "{page}");
    assert!(
        page.contains("<span class=\"op\">varje</span> p <span class=\"op\">i</span>"),
        "{page}"
    );
    assert!(page.contains("avvisas med</span> ”ett pass"), "{page}");
}
