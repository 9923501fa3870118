//! Hot reload: a thread that looks at every version's files every
//! `--reload-interval` (500 ms by default; polling is portable and cheap
//! for a few small files) and recompiles a version whose files changed,
//! off the request path. The new compilation replaces the old one only
//! when it has no errors (`Slot::compile`); until then the old one keeps
//! serving. New versions appearing in a DIR argument are started too.
//!
//! A version's files are its own (the FILE, or every `*.avtal` under its
//! directory) and the modules its last compilation loaded through `use`.
//! A change is a change of content, not of modification time, so a file
//! saved twice within one clock tick is still seen.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::versions::{Slot, Versions};
use super::worker::Options;

/// Start the reload thread; it ends when `stop` is set.
pub fn spawn(
    versions: Arc<Versions>,
    options: Arc<Options>,
    interval: Duration,
    stop: Arc<AtomicBool>,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("avtal-reload".into())
        .spawn(move || {
            let mut seen: HashMap<String, u64> = versions
                .all()
                .iter()
                .map(|slot| (slot.name.clone(), fingerprint(slot)))
                .collect();
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(interval);
                for slot in versions.add_new() {
                    slot.compile(&options);
                    seen.insert(slot.name.clone(), fingerprint(&slot));
                }
                for slot in versions.all() {
                    let now = fingerprint(&slot);
                    if seen.get(&slot.name) != Some(&now) {
                        slot.compile(&options);
                        // What was compiled may have changed again meanwhile;
                        // the next look sees that.
                        seen.insert(slot.name.clone(), now);
                    }
                }
            }
        })
        .map(|_| ())
}

/// A hash of the names and contents of a version's files.
fn fingerprint(slot: &Slot) -> u64 {
    let mut files: BTreeSet<PathBuf> = BTreeSet::new();
    collect_avtal(&slot.path, &mut files);
    if let Some(version) = slot.serving() {
        files.extend(version.files.iter().cloned());
    }
    if let Ok(refused) = slot.refused.lock()
        && let Some((_, _, refusal)) = refused.as_ref()
    {
        files.extend(refusal.files.iter().cloned());
    }
    let mut hasher = DefaultHasher::new();
    for file in &files {
        file.hash(&mut hasher);
        match std::fs::read(file) {
            Ok(bytes) => bytes.hash(&mut hasher),
            Err(error) => error.kind().hash(&mut hasher),
        }
    }
    hasher.finish()
}

/// `path` if it is a file, else every `*.avtal` file under it.
fn collect_avtal(path: &Path, files: &mut BTreeSet<PathBuf>) {
    if !path.is_dir() {
        files.insert(path.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        let child = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            continue;
        }
        if child.is_dir() {
            collect_avtal(&child, files);
        } else if child.extension().is_some_and(|ext| ext == "avtal") {
            files.insert(child);
        }
    }
}
