//! `avtal doc PATH… -o DIR`: the agreement as a static site for the
//! negotiating parties, and `avtal doc OLD NEW -o DIR`: what changed
//! between two versions, clause by clause.
//!
//! This module loads and compiles the sources, hands them to
//! `avtal-docgen`, which builds every page as text, and writes the files
//! (each through `safe_file`, so a failed run leaves the folder as it
//! was). It decides nothing about the pages themselves.

use std::fs;
use std::path::{Path, PathBuf};

use avtal_compiler::syntax;
use avtal_docgen::{Options, Site};
use chrono::NaiveDate;

use crate::entry::compile_or_fail;
use crate::loader::{self, Loaded};
use crate::safe_file;
use crate::term::{Failure, display_path, plural};
use crate::{DocArgs, Status};

/// Long help of `avtal doc`.
pub const HELP: &str = "\
The site:
  DIR/index.html lists the modules of the PATHs (files, or directories
  searched for *.avtal files) and of the standard library modules they
  use; each module has its own page: every param with its timeline (the
  value in force on --today marked), every rule with its inputs, output,
  formula and rounding in words, decision tables, conditions with their
  reasons, limits, and every example as a worked case with the
  explanation of `avtal explain` folded under it. DIR/antaganden.html
  collects the doc comments that mark an assumption (**Antagande**).
  Plain HTML and one stylesheet, no scripts, nothing fetched: open it in
  any browser, or print it to PDF.

Two versions:
  With two files that declare the same module (two versions of one
  agreement), or with --diff, DIR/index.html shows what changed from OLD
  to NEW: every item added, removed or changed, a changed param with its
  old and new timelines side by side; DIR/old/ and DIR/new/ hold each
  version's whole site.

Exit codes:
  0 the site was written; 1 the sources have errors or a file could not
  be read or written (nothing is then written).";

pub fn run(args: &DocArgs) -> Result<Status, Failure> {
    let today = match &args.today {
        Some(text) => parse_date(text)?,
        None => avtal_docgen::system_today(),
    };
    let (site, source_paths) = if is_diff(args)? {
        let [old, new] = args.paths.as_slice() else {
            return Err(Failure::new("--diff compares two files: give OLD and NEW")
                .with_help("avtal doc --diff OLD.avtal NEW.avtal -o DIR"));
        };
        diff_site(old, new, today, args.title.as_deref())?
    } else {
        let loaded = loader::load(&args.paths)?;
        let sources = loader::without_unused_stdlib(&loaded.sources);
        let compilation = compile_or_fail(&sources, "document the sources", None)?;
        let title = args
            .title
            .clone()
            .unwrap_or_else(|| default_title(&loaded, &compilation));
        let site = avtal_docgen::site(&compilation, &loaded.given, &Options { today, title });
        (site, safe_file::source_files(&sources))
    };
    write_site(&site, &args.output, &source_paths)?;
    if !args.quiet {
        let pages = site
            .files
            .iter()
            .filter(|f| f.path.ends_with(".html"))
            .count();
        eprintln!(
            "wrote {} to {} (open {})",
            plural(pages, "page"),
            display_path(&args.output),
            display_path(&args.output.join("index.html"))
        );
    }
    Ok(Status::Success)
}

/// `--diff`, or two files declaring the same module.
fn is_diff(args: &DocArgs) -> Result<bool, Failure> {
    if args.diff {
        return Ok(true);
    }
    let [first, second] = args.paths.as_slice() else {
        return Ok(false);
    };
    if !(first.is_file() && second.is_file()) {
        return Ok(false);
    }
    Ok(match (module_of(first)?, module_of(second)?) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    })
}

/// The module a file declares, read without compiling it.
fn module_of(path: &Path) -> Result<Option<String>, Failure> {
    let text = fs::read_to_string(path).map_err(|e| Failure::read(path, &e))?;
    let mut sources = avtal_compiler::Sources::new();
    let id = sources.add(display_path(path), text);
    let (module, _) = syntax::parse(&sources, id);
    Ok(module.name.map(|n| n.dotted()))
}

/// The comparison of OLD and NEW, and the files both were read from.
fn diff_site(
    old: &Path,
    new: &Path,
    today: NaiveDate,
    title: Option<&str>,
) -> Result<(Site, Vec<PathBuf>), Failure> {
    let mut versions = Vec::new();
    let mut source_paths = Vec::new();
    for (label, path) in [("old", old), ("new", new)] {
        let loaded = loader::load(&[path.to_path_buf()])?;
        let sources = loader::without_unused_stdlib(&loaded.sources);
        let what = format!("document the {label} version {}", display_path(path));
        let compilation = compile_or_fail(&sources, &what, None)?;
        source_paths.extend(safe_file::source_files(&sources));
        versions.push((loaded.given, compilation));
    }
    let [(old_files, old_compilation), (new_files, new_compilation)] = versions.as_slice() else {
        return Err(Failure::new("internal error: two versions expected"));
    };
    let title = title.map_or_else(
        || format!("{} → {}", display_path(old), display_path(new)),
        str::to_string,
    );
    let site = avtal_docgen::diff_site(
        (old_compilation, old_files),
        (new_compilation, new_files),
        &Options { today, title },
    );
    Ok((site, source_paths))
}

fn default_title(loaded: &Loaded, compilation: &avtal_compiler::Compilation) -> String {
    let names: Vec<String> = compilation
        .modules
        .iter()
        .filter(|m| loaded.given.contains(&m.file))
        .filter_map(|m| m.name.as_ref().map(|n| n.dotted()))
        .collect();
    match names.as_slice() {
        [one] => one.clone(),
        _ => "Avtalets moduler".to_string(),
    }
}

/// Every file of the site under `dir`; none may be one of the sources.
fn write_site(site: &Site, dir: &Path, sources: &[PathBuf]) -> Result<(), Failure> {
    let targets: Vec<PathBuf> = site.files.iter().map(|f| dir.join(&f.path)).collect();
    let named_inputs = safe_file::inputs_and_sources(Vec::new(), sources);
    let outputs: Vec<safe_file::Named> = targets
        .iter()
        .map(|p| safe_file::Named::new("a page", p))
        .collect();
    safe_file::refuse_conflicts(&named_inputs, &outputs)?;
    for (file, target) in site.files.iter().zip(&targets) {
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| Failure::write(parent, &e))?;
        }
        safe_file::write_all(target, file.contents.as_bytes())?;
    }
    Ok(())
}

fn parse_date(text: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        Failure::new(format!("--today {text}: not a date"))
            .with_help("write the date as YYYY-MM-DD, e.g. --today 2026-12-04")
    })
}
