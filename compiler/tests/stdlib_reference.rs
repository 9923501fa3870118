//! `docs/stdlib-reference.md` is what `stdlib_reference::render` makes of
//! the stdlib now: a change to a stdlib item (a new argument, a reworded
//! doc comment, another source) fails this test until the page is
//! regenerated with `UPDATE_EXPECT=1 cargo test -p avtal-compiler --test
//! stdlib_reference`, and the diff is reviewed in the commit.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state expectations"
)]

use std::path::Path;

fn page_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/stdlib-reference.md")
}

#[test]
fn the_stdlib_reference_is_current() {
    let rendered = avtal_compiler::stdlib_reference::render();
    let path = page_path();
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &rendered).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != rendered {
        let line = committed
            .lines()
            .zip(rendered.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(rendered.lines().count()));
        panic!(
            "docs/stdlib-reference.md is not current (first difference at line {}: {:?} should be {:?});\n\
             regenerate it with UPDATE_EXPECT=1 cargo test -p avtal-compiler --test stdlib_reference",
            line + 1,
            committed.lines().nth(line),
            rendered.lines().nth(line)
        );
    }
}

/// Every named item of every stdlib module has its section, with the
/// arguments in order and the doc comment in full (not cut with "…").
#[test]
fn the_reference_has_every_item_in_full() {
    use avtal_compiler::source::{FileId, Sources};
    use avtal_compiler::syntax::{self, ast};
    let rendered = avtal_compiler::stdlib_reference::render();
    let mut sources = Sources::new();
    avtal_compiler::stdlib::add_to(&mut sources);
    let mut items = 0;
    for index in 0..avtal_compiler::stdlib::MODULES.len() {
        let (module, _) = syntax::parse(&sources, FileId(u32::try_from(index).unwrap()));
        for item in &module.items {
            let Some(name) = item.name() else { continue };
            items += 1;
            assert!(
                rendered.contains(&format!(" {}\n\n[`stdlib/", name.name)),
                "no section for {}",
                name.name
            );
            if let ast::Item::Rule(rule) = item {
                let params: Vec<String> = rule.params.iter().map(|p| p.name.name.clone()).collect();
                let signature = format!("rule {}(", rule.name.name);
                let at = rendered.find(&signature).unwrap();
                let line = rendered[at..].lines().next().unwrap();
                let mut rest = line;
                for param in &params {
                    let found = rest.find(&format!("{param}: ")).expect(line);
                    rest = &rest[found..];
                }
                if let Some(doc) = &rule.meta.doc {
                    assert!(rendered.contains(doc.as_str()), "doc of {}", rule.name.name);
                }
            }
        }
    }
    assert!(items > 100, "{items} items");
}
