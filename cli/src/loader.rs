//! Loading sources: the embedded standard library, every file or directory
//! the user names, and the modules their `use` lines need.
//!
//! Directories are walked recursively for `*.avtal` files, skipping
//! `target/` and hidden directories, in sorted order so that every run sees
//! the files in the same order. A `use a.b.c` that names a module not yet
//! loaded is looked for as `a/b/c.avtal` in the using file's directory and
//! then in each of its ancestors; a module found nowhere is left for the
//! checker to report (E0105). This module does no checking itself.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use avtal_compiler::{FileId, Sources, analysis, stdlib, syntax};

use crate::term::{Failure, display_path};

/// The sources of one command.
#[derive(Debug)]
pub struct Loaded {
    pub sources: Sources,
    /// Files the user named, or found in directories the user named (not
    /// the stdlib, not modules found through `use`).
    pub given: Vec<FileId>,
    /// Where each of `given` was read from, in the same order.
    pub given_paths: Vec<PathBuf>,
}

impl Loaded {
    /// Files that are not part of the stdlib.
    pub fn user_file_count(&self) -> usize {
        self.sources
            .ids()
            .filter(|id| !self.sources.get(*id).is_some_and(|f| f.is_stdlib))
            .count()
    }
}

/// Load the stdlib and `paths` (plus the modules they use).
pub fn load(paths: &[PathBuf]) -> Result<Loaded, Failure> {
    load_excluding(paths, &[])
}

/// [`load`], leaving out the files at or below the paths of `exclude`
/// found in directories (a project file's `exclude`); a file named in
/// `paths` itself, or found through `use`, is still loaded.
pub fn load_excluding(paths: &[PathBuf], exclude: &[PathBuf]) -> Result<Loaded, Failure> {
    let mut loader = Loader::new()?;
    // Compared canonically; a path that does not exist excludes nothing.
    loader.exclude = exclude
        .iter()
        .filter_map(|path| fs::canonicalize(path).ok())
        .collect();
    for path in paths {
        loader.add_path(path)?;
    }
    loader.resolve_uses()?;
    Ok(Loaded {
        sources: loader.sources,
        given: loader.given,
        given_paths: loader.given_paths,
    })
}

struct Loader {
    sources: Sources,
    given: Vec<FileId>,
    given_paths: Vec<PathBuf>,
    /// Canonical paths left out of directory walks.
    exclude: Vec<PathBuf>,
    /// Canonical paths already loaded.
    seen: HashSet<PathBuf>,
    /// Module paths known to exist (stdlib and loaded files).
    modules: HashSet<String>,
    /// Where each loaded user file lives and the modules it uses.
    locations: Vec<(PathBuf, Vec<String>)>,
    cwd: Option<PathBuf>,
}

impl Loader {
    fn new() -> Result<Loader, Failure> {
        let mut sources = Sources::new();
        stdlib::add_to(&mut sources);
        let modules = stdlib::MODULES
            .iter()
            .map(|(path, _, _)| (*path).to_string())
            .collect();
        Ok(Loader {
            sources,
            given: Vec::new(),
            given_paths: Vec::new(),
            exclude: Vec::new(),
            seen: HashSet::new(),
            modules,
            locations: Vec::new(),
            cwd: std::env::current_dir().ok(),
        })
    }

    fn add_path(&mut self, path: &Path) -> Result<(), Failure> {
        let metadata = fs::metadata(path).map_err(|e| Failure::read(path, &e))?;
        if metadata.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files).map_err(|(p, e)| Failure::read(&p, &e))?;
            files.sort();
            for file in files {
                if self.excluded(&file) {
                    continue;
                }
                let shown = strip_dot(&file);
                if let Some(id) = self.add_file(&file, display_path(&shown))? {
                    self.given.push(id);
                    self.given_paths.push(shown);
                }
            }
        } else if let Some(id) = self.add_file(path, display_path(path))? {
            self.given.push(id);
            self.given_paths.push(path.to_path_buf());
        }
        Ok(())
    }

    fn excluded(&self, file: &Path) -> bool {
        !self.exclude.is_empty()
            && fs::canonicalize(file)
                .is_ok_and(|canonical| self.exclude.iter().any(|e| canonical.starts_with(e)))
    }

    /// Read one file; `None` when it was already loaded.
    fn add_file(&mut self, path: &Path, name: String) -> Result<Option<FileId>, Failure> {
        let canonical = fs::canonicalize(path).map_err(|e| Failure::read(path, &e))?;
        if !self.seen.insert(canonical.clone()) {
            return Ok(None);
        }
        let bytes = fs::read(path).map_err(|e| Failure::read(path, &e))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Failure::new(format!("cannot read {name}: the file is not UTF-8 text"))
                .with_help("save it as UTF-8")
        })?;
        // A stdlib module opened from disk (someone editing `stdlib/`)
        // takes the place of the embedded copy instead of clashing with it.
        let mut probe = Sources::new();
        let probe_id = probe.add(name.clone(), text.clone());
        let (header, _) = syntax::parse(&probe, probe_id);
        let embedded = header.name.as_ref().and_then(|m| {
            let dotted = m.dotted();
            stdlib::MODULES
                .iter()
                .position(|(path, _, _)| *path == dotted)
        });
        let id = match embedded.and_then(|index| u32::try_from(index).ok()) {
            Some(index) => {
                let id = FileId(index);
                self.sources.replace(id, name, text);
                id
            }
            None => self.sources.add(name, text),
        };
        let (module, _) = syntax::parse(&self.sources, id);
        if let Some(module_name) = module.name {
            self.modules.insert(module_name.dotted());
        }
        let uses = module.uses.iter().map(|u| u.path.dotted()).collect();
        self.locations.push((canonical, uses));
        Ok(Some(id))
    }

    /// Load the modules that loaded files `use` until nothing new is found.
    fn resolve_uses(&mut self) -> Result<(), Failure> {
        let mut next = 0;
        while let Some((location, uses)) = self.locations.get(next).cloned() {
            next += 1;
            for dotted in uses {
                if self.modules.contains(&dotted) {
                    continue;
                }
                if let Some(found) = find_module(&location, &dotted) {
                    let name = self.display_name(&found);
                    self.add_file(&found, name)?;
                }
                // Remember it either way: one lookup per module.
                self.modules.insert(dotted);
            }
        }
        Ok(())
    }

    /// A path relative to the current directory when it is below it.
    fn display_name(&self, path: &Path) -> String {
        match self
            .cwd
            .as_deref()
            .and_then(|cwd| path.strip_prefix(cwd).ok())
        {
            Some(relative) => display_path(relative),
            None => display_path(path),
        }
    }
}

/// `a/b/c.avtal` beside `file` or in one of its ancestors (canonical paths);
/// the search order is shared with the language server.
fn find_module(file: &Path, dotted: &str) -> Option<PathBuf> {
    analysis::modules::module_candidates(file, dotted)
        .into_iter()
        .find(|candidate| candidate.is_file())
}

/// Every `*.avtal` file below `dir`, skipping `target/` and hidden entries.
pub fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), (PathBuf, io::Error)> {
    let entries = fs::read_dir(dir).map_err(|e| (dir.to_path_buf(), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| (dir.to_path_buf(), e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        let path = entry.path();
        let file_type = entry.file_type().map_err(|e| (path.clone(), e))?;
        if file_type.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "avtal") {
            files.push(path);
        }
    }
    Ok(())
}

/// `./examples/x.avtal` → `examples/x.avtal` (what `avtal test` with the
/// default `.` would otherwise show).
fn strip_dot(path: &Path) -> PathBuf {
    let mut components = path.components().peekable();
    let mut out = PathBuf::new();
    while let Some(Component::CurDir) = components.peek() {
        components.next();
    }
    for component in components {
        out.push(component);
    }
    if out.as_os_str().is_empty() {
        path.to_path_buf()
    } else {
        out
    }
}

/// `sources` with every stdlib module that no other file needs (through
/// its `use`s, transitively) cut to its module line. A module sees only
/// itself and what it `use`s, so the rest cannot change how a program
/// checks or runs; parsing and checking the whole stdlib costs more than
/// a run over a thousand rows. For commands that evaluate one file
/// (`run`, `explain`, `build`, `diff`); `check` and `test` keep it all.
pub fn without_unused_stdlib(sources: &Sources) -> Sources {
    let mut needed: Vec<String> = Vec::new();
    let mut queue: Vec<FileId> = sources
        .ids()
        .filter(|id| sources.get(*id).is_some_and(|f| !f.is_stdlib))
        .collect();
    while let Some(id) = queue.pop() {
        let (module, _) = syntax::parse(sources, id);
        for used in &module.uses {
            let dotted = used.path.dotted();
            if needed.contains(&dotted) {
                continue;
            }
            let stdlib_id = stdlib::MODULES
                .iter()
                .position(|(path, _, _)| *path == dotted)
                .and_then(|index| u32::try_from(index).ok())
                .map(FileId)
                .filter(|id| sources.get(*id).is_some_and(|f| f.is_stdlib));
            if let Some(stdlib_id) = stdlib_id {
                queue.push(stdlib_id);
            }
            needed.push(dotted);
        }
    }
    let mut pruned = sources.clone();
    for (index, (path, _, _)) in stdlib::MODULES.iter().enumerate() {
        if needed.iter().any(|n| n == path) {
            continue;
        }
        if let Ok(index) = u32::try_from(index) {
            pruned.stub_stdlib(FileId(index), path);
        }
    }
    pruned
}
