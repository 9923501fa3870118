//! The versions served: which files make which version, the version a
//! request names, and the swap of a recompiled version.
//!
//! Each FILE argument is a version named by its file stem; each DIR
//! argument holds versions, one per `*.avtal` file (named by its stem) and
//! one per subdirectory (named by the directory, all its files together).
//! A request names a version with `?version=NAME` or the header
//! `Avtal-Version: NAME`; without one it gets the default version: the
//! one `--default-version` names, else the only one.
//!
//! **Invariant:** a version's slot holds one compiled version at a time,
//! replaced whole (`RwLock<Arc<Version>>`); a request takes its `Arc` once
//! and is answered by that version alone.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use axum::http::StatusCode;

use super::problem::Problem;
use super::worker::{self, Options, Refusal, Version};
use crate::term::{Failure, display_path};

/// The header that names a version (also in every evaluation's answer,
/// as `NAME/GENERATION`).
pub const VERSION_HEADER: &str = "avtal-version";

/// One version's name, what it is compiled from, and its state.
pub struct Slot {
    pub name: String,
    /// The file or directory the version is compiled from.
    pub path: PathBuf,
    pub current: RwLock<Option<Arc<Version>>>,
    /// The last compilation's refusal, while it is the newest attempt.
    pub refused: Mutex<Option<(u64, SystemTime, Refusal)>>,
    /// Compilations attempted, the first is 1.
    pub attempts: Mutex<u64>,
}

impl Slot {
    pub fn serving(&self) -> Option<Arc<Version>> {
        self.current.read().ok().and_then(|current| current.clone())
    }

    /// Compile the version again (or the first time): serve it if it
    /// compiles, else keep the old one and record the refusal. The
    /// diagnostics are logged to stderr.
    pub fn compile(&self, options: &Options) {
        let generation = match self.attempts.lock() {
            Ok(mut attempts) => {
                *attempts += 1;
                *attempts
            }
            Err(_) => return,
        };
        let paths = [self.path.clone()];
        match worker::start(&self.name, generation, &paths, options) {
            Ok(version) => {
                let entries: Vec<&str> = version.entries.iter().map(|e| e.name.as_str()).collect();
                eprintln!(
                    "avtal serve: version `{}` (generation {generation}) serving {}",
                    self.name,
                    if entries.is_empty() {
                        "no entry points".to_string()
                    } else {
                        entries.join(", ")
                    }
                );
                for entry in &version.entries {
                    if let Some(why) = &entry.interpreted_because {
                        eprintln!(
                            "note: entry point `{}` of `{}` is interpreted ({why}); the same results, more slowly",
                            entry.name, self.name
                        );
                    }
                }
                if let Ok(mut current) = self.current.write() {
                    *current = Some(version);
                }
                if let Ok(mut refused) = self.refused.lock() {
                    *refused = None;
                }
            }
            Err(refusal) => {
                let keeps = if self.serving().is_some() {
                    "the previous compilation keeps serving"
                } else {
                    "it is not served"
                };
                eprintln!(
                    "avtal serve: version `{}` (generation {generation}) refused; {keeps}\n{}",
                    self.name, refusal.rendered
                );
                if let Ok(mut refused) = self.refused.lock() {
                    *refused = Some((generation, SystemTime::now(), refusal));
                }
            }
        }
    }
}

/// Every version served.
pub struct Versions {
    pub slots: RwLock<Vec<Arc<Slot>>>,
    pub default: Option<String>,
    /// The DIR arguments, scanned again for new versions.
    pub dirs: Vec<PathBuf>,
}

impl Versions {
    /// The versions the arguments name; two of one name are refused.
    pub fn discover(paths: &[PathBuf], default: Option<String>) -> Result<Versions, Failure> {
        let mut found: Vec<(String, PathBuf)> = Vec::new();
        let mut dirs = Vec::new();
        for path in paths {
            if path.is_dir() {
                dirs.push(path.clone());
                found.extend(versions_in(path)?);
            } else if path.is_file() {
                found.push((stem(path), path.clone()));
            } else {
                return Err(Failure::new(format!(
                    "cannot read {}: no such file or directory",
                    display_path(path)
                )));
            }
        }
        found.sort();
        if let Some([a, b]) = found
            .windows(2)
            .find(|pair| matches!(pair, [a, b] if a.0 == b.0))
        {
            return Err(Failure::new(format!(
                "two versions are named `{}`: {} and {}",
                a.0,
                display_path(&a.1),
                display_path(&b.1)
            ))
            .with_help("give each version its own file or directory name"));
        }
        if found.is_empty() {
            return Err(
                Failure::new("no versions to serve: the directories hold no .avtal files")
                    .with_help("name .avtal files, or directories holding them"),
            );
        }
        if let Some(name) = &default
            && !found.iter().any(|(n, _)| n == name)
        {
            let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
            return Err(Failure::new(format!(
                "--default-version names `{name}`, which is not a version"
            ))
            .with_help(format!("the versions are: {}", names.join(", "))));
        }
        let slots = found
            .into_iter()
            .map(|(name, path)| new_slot(name, path))
            .collect();
        Ok(Versions {
            slots: RwLock::new(slots),
            default,
            dirs,
        })
    }

    pub fn all(&self) -> Vec<Arc<Slot>> {
        self.slots
            .read()
            .map(|slots| slots.clone())
            .unwrap_or_default()
    }

    /// Slots for versions that appeared in the DIR arguments since.
    pub fn add_new(&self) -> Vec<Arc<Slot>> {
        let mut added = Vec::new();
        let Ok(mut slots) = self.slots.write() else {
            return added;
        };
        for dir in &self.dirs {
            for (name, path) in versions_in(dir).unwrap_or_default() {
                if slots.iter().any(|slot| slot.name == name) {
                    continue;
                }
                let slot = new_slot(name, path);
                slots.push(slot.clone());
                added.push(slot);
            }
        }
        slots.sort_by(|a, b| a.name.cmp(&b.name));
        added
    }

    /// The name of the default version, if there is one.
    pub fn default_name(&self) -> Option<String> {
        if let Some(name) = &self.default {
            return Some(name.clone());
        }
        match self.all().as_slice() {
            [only] => Some(only.name.clone()),
            _ => None,
        }
    }

    /// The version a request names (or the default), serving.
    pub fn select(&self, named: Option<&str>) -> Result<Arc<Version>, Problem> {
        let name = match named {
            Some(name) => name.to_string(),
            None => self.default_name().ok_or_else(|| {
                let names: Vec<String> = self.all().iter().map(|s| s.name.clone()).collect();
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "version-required",
                    "name a version",
                    format!(
                        "this server has several versions and no default: {}",
                        names.join(", ")
                    ),
                )
                .with_help("add ?version=NAME or the header Avtal-Version: NAME")
            })?,
        };
        let slot = self
            .all()
            .into_iter()
            .find(|slot| slot.name == name)
            .ok_or_else(|| {
                let names: Vec<String> = self.all().iter().map(|s| s.name.clone()).collect();
                Problem::new(
                    StatusCode::NOT_FOUND,
                    "unknown-version",
                    "no such version",
                    format!("there is no version `{name}`"),
                )
                .with_help(format!("the versions are: {}", names.join(", ")))
            })?;
        slot.serving().ok_or_else(|| {
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "version-refused",
                "the version does not compile",
                format!("version `{name}` has errors and no earlier compilation to serve"),
            )
            .with_help(
                "GET /v1/versions shows its diagnostics; fix the sources and the server recompiles",
            )
        })
    }
}

fn new_slot(name: String, path: PathBuf) -> Arc<Slot> {
    Arc::new(Slot {
        name,
        path,
        current: RwLock::new(None),
        refused: Mutex::new(None),
        attempts: Mutex::new(0),
    })
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The versions of a directory: its `*.avtal` files and subdirectories
/// (hidden ones and `target/` skipped).
fn versions_in(dir: &Path) -> Result<Vec<(String, PathBuf)>, Failure> {
    let entries = std::fs::read_dir(dir).map_err(|e| Failure::read(dir, &e))?;
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        if path.is_dir() {
            found.push((name, path));
        } else if path.extension().is_some_and(|ext| ext == "avtal") {
            found.push((stem(&path), path));
        }
    }
    found.sort();
    Ok(found)
}
