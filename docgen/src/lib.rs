//! The crate `avtal-docgen`: an agreement's modules as a static site the
//! negotiating parties read and sign off (`avtal doc`, and the language
//! server's preview).
//!
//! One page per module and an index (`page.rs`, `index.rs`): every param
//! with its timeline and the value in force today marked, every rule with
//! its inputs, output and formula (`formula.rs`) and its rounding in words
//! (`words.rs`), decision tables, conditions with their reasons, limits,
//! classes of time and types (`items.rs`), and every example as a worked
//! case with the explanation tree of `avtal explain` folded under it
//! (`examples.rs`); a page of the assumptions the sources mark; and the
//! comparison of two versions clause by clause (`diff.rs`).
//!
//! Plain HTML5 and one stylesheet: no scripts, nothing fetched, print
//! rules for paper. Like the compiler, this crate does no IO: it returns
//! the files as text and the caller writes them. It depends on the
//! compiler only (no code generator).

mod context;
mod diff;
mod examples;
mod formula;
mod html;
mod index;
mod items;
mod page;
#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod tests;
mod words;

use std::collections::BTreeSet;

use avtal_compiler::{Compilation, FileId};
use chrono::NaiveDate;

pub use html::escape;

/// The stylesheet every page links to, at the site's root.
pub const STYLESHEET: &str = "avtal.css";
const STYLESHEET_TEXT: &str = include_str!("avtal.css");

/// What a site is generated with.
#[derive(Debug, Clone)]
pub struct Options {
    /// The day whose values are marked as in force.
    pub today: NaiveDate,
    /// The index page's heading.
    pub title: String,
}

/// One file of a site: a path relative to its root (with `/`) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    pub path: String,
    pub contents: String,
}

/// A generated site: its files, and the page of each module.
#[derive(Debug, Clone, Default)]
pub struct Site {
    pub files: Vec<SiteFile>,
    /// Every module with a page.
    pub pages: Vec<SitePage>,
}

/// The page of one module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePage {
    pub module: String,
    /// Relative to the site's root.
    pub path: String,
    /// The file that declares the module.
    pub file: FileId,
}

impl Site {
    /// The page of the module declared in `file`, if it has one.
    pub fn page_of_file(&self, file: FileId) -> Option<&SitePage> {
        self.pages.iter().find(|page| page.file == file)
    }
}

/// Today's date in UTC, from the system clock (1970-01-01 if the clock
/// is before it).
pub fn system_today() -> NaiveDate {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_days(chrono::Days::new(seconds / 86_400)))
        .unwrap_or_default()
}

/// The site of the modules declared in `files` of a compilation, and of
/// the modules they use (standard library modules included), so every
/// link resolves.
pub fn site(compilation: &Compilation, files: &[FileId], options: &Options) -> Site {
    let documented = documented_modules(compilation, files);
    let context = context::Context::new(compilation, documented, "", options.today);
    let mut site = Site::default();
    for index in &context.documented {
        let name = context.module_name(*index).to_string();
        let Some(page) = context.page(&name).map(str::to_string) else {
            continue;
        };
        site.files.push(SiteFile {
            path: page.clone(),
            contents: page::module_page(&context, *index),
        });
        if let Some(module) = context.module(*index) {
            site.pages.push(SitePage {
                module: name,
                path: page,
                file: module.file,
            });
        }
    }
    site.files.push(SiteFile {
        path: "index.html".into(),
        contents: index::index_page(&context, &options.title),
    });
    site.files.push(SiteFile {
        path: "antaganden.html".into(),
        contents: index::assumptions_page(&context, &options.title),
    });
    site.files.push(stylesheet());
    site
}

/// Two versions of an agreement side by side: `index.html` lists what
/// changed, clause by clause, and each version's own site is under
/// `old/` and `new/`.
pub fn diff_site(
    old: (&Compilation, &[FileId]),
    new: (&Compilation, &[FileId]),
    options: &Options,
) -> Site {
    let mut site = Site::default();
    for (folder, (compilation, files)) in [("old", old), ("new", new)] {
        for file in self::site(compilation, files, options).files {
            site.files.push(SiteFile {
                path: format!("{folder}/{}", file.path),
                contents: file.contents,
            });
        }
    }
    let old_context = context::Context::new(
        old.0,
        documented_modules(old.0, old.1),
        "old/",
        options.today,
    );
    let new_context = context::Context::new(
        new.0,
        documented_modules(new.0, new.1),
        "new/",
        options.today,
    );
    site.files.push(SiteFile {
        path: "index.html".into(),
        contents: diff::diff_page(&old_context, &new_context, &options.title),
    });
    site.files.push(SiteFile {
        path: "antaganden.html".into(),
        contents: index::assumptions_page(&new_context, &options.title),
    });
    site.files.push(stylesheet());
    site
}

fn stylesheet() -> SiteFile {
    SiteFile {
        path: STYLESHEET.into(),
        contents: STYLESHEET_TEXT.into(),
    }
}

/// The AST modules of `files`, then every module they use or refer to,
/// transitively; modules without items (stdlib modules cut from the
/// compilation) have no page.
fn documented_modules(compilation: &Compilation, files: &[FileId]) -> Vec<usize> {
    let modules = &compilation.modules;
    let symbols = &compilation.symbols;
    let mut chosen: BTreeSet<usize> = modules
        .iter()
        .enumerate()
        .filter(|(_, m)| files.contains(&m.file))
        .map(|(i, _)| i)
        .collect();
    let mut work: Vec<usize> = chosen.iter().copied().collect();
    while let Some(index) = work.pop() {
        let Some(module) = modules.get(index) else {
            continue;
        };
        let mut wanted: Vec<String> = module.uses.iter().map(|u| u.path.dotted()).collect();
        for (span, target) in &symbols.references {
            if span.file == module.file {
                wanted.extend(target_module(compilation, *target));
            }
        }
        for name in wanted {
            for other in symbols.modules.get(&name).into_iter().flatten() {
                if chosen.insert(*other) {
                    work.push(*other);
                }
            }
        }
    }
    chosen
        .into_iter()
        .filter(|i| modules.get(*i).is_some_and(|m| !m.items.is_empty()))
        .collect()
}

fn target_module(
    compilation: &Compilation,
    target: avtal_compiler::check::RefTarget,
) -> Option<String> {
    use avtal_compiler::check::{ItemRef, RefTarget};
    let program = &compilation.program;
    let item = match target {
        RefTarget::Item(item) => item,
        RefTarget::Field(record, _) => ItemRef::Record(record),
        RefTarget::Variant(id, _) => ItemRef::Enum(id),
        RefTarget::Class(id, _) => ItemRef::Classes(id),
    };
    let meta = match item {
        ItemRef::Param(id) => &program.param(id)?.meta,
        ItemRef::Record(id) => &program.record(id)?.meta,
        ItemRef::Enum(id) => &program.enum_info(id)?.meta,
        ItemRef::Func(id) => &program.function(id)?.meta,
        ItemRef::Classes(id) => &program.classes_info(id)?.meta,
    };
    Some(meta.module.clone())
}
