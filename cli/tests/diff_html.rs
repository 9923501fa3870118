//! `avtal diff --html`: the report is rendered by headless Chromium, and
//! the test reads what a person would read (the text of the rendered
//! page: summary, histogram labels, group table, explanations), and checks
//! that a screenshot is not blank. Chromium comes from
//! `scripts/setup-test-deps`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod chromium;
mod common;

use std::fs;

use chromium::{headless, rendered_text};
use common::{avtal, scratch, workspace};

#[test]
fn html_report_renders_in_chromium() {
    let dir = scratch("diff_html");
    let page = dir.join("report.html");
    let root = workspace();
    let run = avtal(
        &root,
        &[
            "diff",
            "examples/w1_payroll_month.avtal",
            "examples/w1_payroll_month.avtal",
            "--input",
            "examples/w1_population.csv",
            "--set",
            "garantibelopp@2027-01-01=1800 SEK",
            "--by",
            "division",
            "--html",
            page.to_str().unwrap(),
        ],
    );
    run.expect_code(0);
    let html = fs::read_to_string(&page).unwrap();
    // Self-contained: nothing is fetched from anywhere.
    for external in ["http://", "https://", "<script", "<link", "@import", "url("] {
        let found = html
            .replace("xmlns=\"http://www.w3.org/2000/svg\"", "")
            .contains(external);
        assert!(!found, "the report refers to {external}");
    }

    let text = rendered_text(&dir, &page);
    for expected in [
        "avtal diff: W1",
        "with --set garantibelopp@2027-01-01=1800 SEK",
        "1000 rows: 1000 computed by both versions (29 changed, 971 unchanged)",
        // The summary table: the changed field's row, then an unchanged one.
        "output field type changed unchanged gained lost total change",
        "vacation_guarantee Money 29 971 0 0 +11657.83",
        "flex_premium Money 0 1000 0 0 0.00",
        // The histogram's labels and counts.
        "vacation_guarantee (size of the change NEW − OLD; records per bar)",
        "+200 to +500 10",
        "+1000 to +2000 1",
        // The group table, whose totals add up to the summary's.
        "By division",
        "division rows changed gained lost vacation_guarantee",
        "I 685 20 0 0 +7846.25",
        "II 315 9 0 0 +3811.58",
        // The largest change and its explanation in both versions.
        "753 753 5742.50 6767.50 +1025.00",
        "param garantibelopp at 2027-07-01 = 1759.00 SEK (in force from 2027-01-01)",
        "param garantibelopp at 2027-07-01 = 1800.00 SEK (in force from 2027-01-01)",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }

    // A screenshot with something on it: a blank page compresses to a few
    // kilobytes, this one (tables, bars, text) to well over 30.
    let screenshot = dir.join("report.png");
    let output = headless(&dir)
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg("--window-size=1200,1600")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let size = fs::metadata(&screenshot).unwrap().len();
    assert!(size > 30_000, "the screenshot looks blank ({size} bytes)");
}
