//! Headless Chromium for the tests that read a page as a person would:
//! the rendered text of a page, a print to PDF, a screenshot. Chromium
//! comes from `scripts/setup-test-deps` (the README's test command).

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helper: failures are test failures"
)]

use std::fs;
use std::path::Path;
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

/// Chromium's flags for a machine without a display, a sandbox or a user
/// profile (CI containers run as root).
pub fn headless(dir: &Path) -> Command {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: install it with `scripts/setup-test-deps`"
    );
    let mut command = Command::new(CHROMIUM);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--hide-scrollbars",
    ]);
    command.arg(format!("--user-data-dir={}", dir.join("profile").display()));
    command
}

/// The DOM after rendering, reduced to its text: tags dropped, blanks
/// collapsed to single spaces.
pub fn rendered_text(dir: &Path, page: &Path) -> String {
    let output = headless(dir)
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dom = String::from_utf8(output.stdout).unwrap();
    let body = dom.split_once("<body>").map_or(dom.as_str(), |(_, b)| b);
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = unescape(&text);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// HTML's character references back to text.
pub fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Print `page` to PDF in Chromium; the number of pages of the PDF.
pub fn print_pages(dir: &Path, page: &Path, pdf: &Path) -> usize {
    let output = headless(dir)
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bytes = fs::read(pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "{} is not a PDF", pdf.display());
    // `/Type /Page` objects, not the `/Type /Pages` tree nodes.
    let text = String::from_utf8_lossy(&bytes);
    text.match_indices("/Type /Page")
        .filter(|(at, m)| !text[at + m.len()..].starts_with('s'))
        .count()
        + text
            .match_indices("/Type/Page")
            .filter(|(at, m)| !text[at + m.len()..].starts_with('s'))
            .count()
}
