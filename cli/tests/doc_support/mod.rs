//! What the `avtal doc` tests share besides Chromium (`chromium/`): the
//! HTML validator installed by
//! `scripts/test-deps/doc.sh`, and the check that every relative link and
//! anchor of a site resolves.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helper: failures are test failures"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every `.html` file below `dir`.
pub fn pages(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Run html-validate (its recommended rules) over every page below `dir`.
pub fn validate(dir: &Path) {
    let tools = crate::common::workspace().join("cli/tests/doc-tools");
    let validator = tools.join("node_modules/.bin/html-validate");
    assert!(
        validator.exists(),
        "{} is missing: install it with `scripts/setup-test-deps`",
        validator.display()
    );
    let output = Command::new(&validator)
        .arg("--config")
        .arg(tools.join(".htmlvalidate.json"))
        .args(pages(dir))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "html-validate rejects the site:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The values of attribute `name` in `html` (double-quoted, unescaped).
fn attributes(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .map(|(at, m)| {
            let rest = &html[at + m.len()..];
            crate::chromium::unescape(&rest[..rest.find('"').unwrap()])
        })
        .collect()
}

/// Every relative `href` and `src` of every page resolves to a file of
/// the site, and every `#fragment` to an `id` in it; nothing points
/// outside (no network). Returns the number of links checked.
pub fn check_links(dir: &Path) -> usize {
    let mut ids: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let all = pages(dir);
    for page in &all {
        let html = fs::read_to_string(page).unwrap();
        let page_ids: BTreeSet<String> = attributes(&html, "id").into_iter().collect();
        ids.insert(fs::canonicalize(page).unwrap(), page_ids);
    }
    let mut checked = 0;
    for page in &all {
        let html = fs::read_to_string(page).unwrap();
        assert!(!html.contains("<script"), "{} has a script", page.display());
        for link in attributes(&html, "href")
            .into_iter()
            .chain(attributes(&html, "src"))
        {
            assert!(
                !link.contains("://") && !link.starts_with("//"),
                "{} links outside the site: {link}",
                page.display()
            );
            let (file, fragment) = match link.split_once('#') {
                Some((file, fragment)) => (file, Some(fragment)),
                None => (link.as_str(), None),
            };
            let target = if file.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(file)
            };
            assert!(
                target.is_file(),
                "{}: the link {link} names a missing file",
                page.display()
            );
            if let Some(fragment) = fragment {
                let known = &ids[&fs::canonicalize(&target).unwrap()];
                assert!(
                    known.contains(fragment),
                    "{}: the link {link} names no id of {}",
                    page.display(),
                    target.display()
                );
            }
            checked += 1;
        }
    }
    checked
}
