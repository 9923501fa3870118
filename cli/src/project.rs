//! The project file `avtal.toml`: which sources `avtal test` runs when it
//! is given no path, and which test fixtures under them it leaves out
//! (docs/reference.md, "The project file").
//!
//! The file is looked for in the current directory and then in each of
//! its ancestors, as Cargo looks for `Cargo.toml`, but not above a
//! `target/` or hidden directory; its paths are relative to the directory
//! that holds it. This module only reads the file; the
//! loader walks the paths.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::term::{Failure, display_path};

pub const FILE_NAME: &str = "avtal.toml";

/// The file as written; unknown keys are an error, so a misspelt
/// `exclude` does not silently run the fixtures it was meant to leave out.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectFile {
    sources: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
}

/// A project: its sources and exclusions, as paths usable from the
/// current directory.
#[derive(Debug)]
pub struct Project {
    pub sources: Vec<PathBuf>,
    pub exclude: Vec<PathBuf>,
}

/// The project of the current directory, if it or an ancestor has an
/// `avtal.toml`.
pub fn find() -> Result<Option<Project>, Failure> {
    let Ok(cwd) = std::env::current_dir() else {
        return Ok(None);
    };
    for dir in cwd.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            // Paths below the current directory stay relative, so names in
            // messages are short (`examples/w1.avtal`).
            let base = if dir == cwd {
                PathBuf::new()
            } else {
                dir.to_path_buf()
            };
            return read(&base.join(FILE_NAME), &base).map(Some);
        }
        // A project's walk never enters `target/` or hidden directories
        // (`loader::walk`), so a file above one is not this directory's
        // project (the scratch directories of tests live in `target/`).
        if dir
            .file_name()
            .is_some_and(|name| name == "target" || name.to_string_lossy().starts_with('.'))
        {
            break;
        }
    }
    Ok(None)
}

/// Read the project file at `file`, whose paths are relative to `base`.
fn read(file: &Path, base: &Path) -> Result<Project, Failure> {
    let text = fs::read_to_string(file).map_err(|e| Failure::read(file, &e))?;
    let parsed: ProjectFile = toml::from_str(&text).map_err(|error| {
        Failure::new(format!(
            "cannot read the project file {}: {}",
            display_path(file),
            error.to_string().trim_end()
        ))
        .with_help(
            "it holds `sources = [\"dir\", \"file.avtal\"]` and optionally `exclude = [\"dir\"]`, \
             paths relative to the file (docs/reference.md, \"The project file\")",
        )
    })?;
    if parsed.sources.is_empty() {
        return Err(Failure::new(format!(
            "the project file {} names no sources",
            display_path(file)
        ))
        .with_help("list the files or directories to test: `sources = [\"examples\"]`"));
    }
    let sources: Vec<PathBuf> = parsed.sources.iter().map(|s| base.join(s)).collect();
    for (path, written) in sources.iter().zip(&parsed.sources) {
        if !path.exists() {
            return Err(Failure::new(format!(
                "the project file {} names the source `{written}`, which does not exist",
                display_path(file)
            ))
            .with_help("fix or remove it in `sources`; paths are relative to the project file"));
        }
    }
    Ok(Project {
        sources,
        exclude: parsed.exclude.iter().map(|s| base.join(s)).collect(),
    })
}
