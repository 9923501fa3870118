//! Files that commands write, written safely: `run --output/--errors`,
//! `diff --changes/--html/--errors`, what `build -o DIR` writes, and the
//! sources `fmt` rewrites.
//!
//! A [`SafeFile`] writes to a temporary file in its target's folder (so
//! that the rename stays on one file system): an unnamed one on Linux, so
//! that even a SIGKILL or a power cut leaves nothing behind, else a named
//! `.NAME.PID.N.avtal-tmp` that a later run sweeps up (`temp.rs`).
//! [`SafeFile::finish`] flushes it to disk and marks it ready; `main` puts
//! every ready file in place of its target only after the command returned
//! without failing ([`commit_ready`]), all under one lock, so a signal sees
//! either every file replaced or none. On any failure, a signal (SIGINT,
//! SIGTERM) or a full disk, the temporary files are removed, the previous
//! files are left as they were, and stderr says so, with how many rows were
//! done (the global counters below, bumped by the readers and writers).
//!
//! Targets that are not regular files (`/dev/null`, a named pipe) are
//! written directly; stdout (`-`) is not handled here and stays streaming.
//! [`refuse_conflicts`] refuses, before anything is opened, an output that
//! is an input, a source file, or another output (same file identity, so
//! `./x.csv`, `x.csv`, hard links and symbolic links are all caught).
//!
//! This module does not decide what a command writes or when it has
//! succeeded; it only makes the writing all or nothing.

mod temp;

use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, Once};

use avtal_compiler::Sources;

use crate::term::{Failure, display_path};

/// Data rows read so far (by `run`, `diff` and `explain`).
pub static ROWS_READ: AtomicU64 = AtomicU64::new(0);
/// Result rows written so far.
pub static ROWS_WRITTEN: AtomicU64 = AtomicU64::new(0);
/// Rows reported as failed so far.
pub static ROWS_FAILED: AtomicU64 = AtomicU64::new(0);

/// Count one more row in `counter`.
pub fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Temporary files not yet renamed into place, and targets left alone.
struct Registry {
    /// Temporary files, ready or still being written.
    pending: Vec<Pending>,
    /// Targets whose new content was thrown away, as the user wrote them.
    abandoned: Vec<PathBuf>,
    next_id: u64,
}

struct Pending {
    id: u64,
    /// The named temporary file; `None` for an unnamed one.
    temp: Option<PathBuf>,
    /// An unnamed temporary file, handed over when it is finished.
    unnamed: Option<File>,
    target: PathBuf,
    shown: PathBuf,
    ready: bool,
}

impl Pending {
    /// Throw the new content away: remove a named file (an unnamed one
    /// goes with its descriptor).
    fn remove(self) -> PathBuf {
        if let Some(temp) = &self.temp {
            let _ = fs::remove_file(temp);
        }
        self.shown
    }

    /// Put the new content in place of the target.
    fn commit(&mut self) -> io::Result<()> {
        match (&self.temp, &mut self.unnamed) {
            (Some(temp), _) => fs::rename(temp, &self.target),
            (None, Some(file)) => {
                let (folder, name) = temp::folder_and_name(&self.target)
                    .ok_or_else(|| io::Error::other("not a file name"))?;
                temp::link_into_place(file, &folder, &name, self.id, &self.target)
            }
            (None, None) => Err(io::Error::other("the file was not finished")),
        }
    }
}

/// Unnamed temporary files open at once, at most.
const MAX_UNNAMED: usize = 32;

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    pending: Vec::new(),
    abandoned: Vec::new(),
    next_id: 0,
});

/// The registry, also after a thread panicked while holding it (its data
/// are plain lists that stay consistent).
fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A file being written: a temporary file until [`commit_ready`] renames it.
pub struct SafeFile {
    /// The path as the user wrote it, for messages.
    shown: PathBuf,
    /// `None` when the target is written directly (not a regular file).
    id: Option<u64>,
    /// The file written: a named temporary file, or the target itself;
    /// `None` for an unnamed temporary file.
    temp: Option<PathBuf>,
    file: Option<File>,
}

impl SafeFile {
    /// Start writing `path`; nothing at `path` changes yet.
    pub fn create(path: &Path) -> Result<SafeFile, Failure> {
        SafeFile::open(path, false)
    }

    fn open(path: &Path, named: bool) -> Result<SafeFile, Failure> {
        install_signal_handler();
        // A symbolic link keeps pointing at the file it names, which is
        // the one replaced.
        let target = match fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
            }
            _ => path.to_path_buf(),
        };
        let existing = fs::metadata(&target).ok();
        if existing.as_ref().is_some_and(|meta| !meta.is_file()) {
            if existing.as_ref().is_some_and(fs::Metadata::is_dir) {
                return Err(Failure::new(format!(
                    "cannot write {}: it is a directory",
                    display_path(path)
                ))
                .with_help("name a file inside it"));
            }
            // `/dev/null`, a named pipe: nothing to replace, nothing to
            // clean up.
            let file = File::create(&target).map_err(|e| Failure::write(path, &e))?;
            return Ok(SafeFile {
                shown: path.to_path_buf(),
                id: None,
                temp: Some(target),
                file: Some(file),
            });
        }
        let (folder, name) = temp::folder_and_name(&target).ok_or_else(|| {
            Failure::new(format!(
                "cannot write {}: not a file name",
                display_path(path)
            ))
        })?;
        temp::remove_stale(&folder, &name);
        // Created and registered under the lock, so that a signal in
        // between cannot leave it behind.
        let mut registry = registry();
        let id = registry.next_id;
        registry.next_id += 1;
        // An unnamed file stays open until it is committed: past a few,
        // named files, so that a command writing many files (`doc`, `fmt`
        // over a project) stays within the limit of open files.
        let open_unnamed = registry.pending.iter().filter(|p| p.temp.is_none()).count();
        let unnamed = if named || open_unnamed >= MAX_UNNAMED {
            None
        } else {
            temp::create_unnamed(&folder)
        };
        let (temp, file) = match unnamed {
            Some(file) => (None, file),
            None => {
                let (temp, file) =
                    temp::create_named(&folder, &name, id).map_err(|e| Failure::write(path, &e))?;
                (Some(temp), file)
            }
        };
        registry.pending.push(Pending {
            id,
            temp: temp.clone(),
            unnamed: None,
            target,
            shown: path.to_path_buf(),
            ready: false,
        });
        drop(registry);
        if let Some(meta) = existing {
            // The new file gets the old one's permissions (a payroll file
            // readable by its owner only stays so).
            let _ = file.set_permissions(meta.permissions());
        }
        Ok(SafeFile {
            shown: path.to_path_buf(),
            id: Some(id),
            temp,
            file: Some(file),
        })
    }

    /// Start writing `path` through a temporary file with a name, which a
    /// program other than this one can write ([`SafeFile::temp_path`]).
    pub fn create_named(path: &Path) -> Result<SafeFile, Failure> {
        SafeFile::open(path, true)
    }

    /// The temporary file's path, for a program that writes it itself
    /// (the C compiler in `build`): made by [`SafeFile::create_named`].
    pub fn temp_path(&self) -> &Path {
        self.temp.as_deref().unwrap_or(Path::new(""))
    }

    /// A second handle of the temporary file, named or not, for syncing
    /// its data from another thread (`run/early_sync.rs`).
    pub fn second_handle(&self) -> Option<File> {
        self.file.as_ref()?.try_clone().ok()
    }

    /// Throw the file away without a note (a by-product, such as the
    /// object file `build` links).
    pub fn discard(mut self) {
        if let Some(id) = self.id.take() {
            self.file = None;
            let mut registry = registry();
            if let Some(index) = registry.pending.iter().position(|p| p.id == id) {
                registry.pending.remove(index).remove();
            }
        }
    }

    /// Flush to disk and mark ready; the rename waits for [`commit_ready`].
    pub fn finish(mut self) -> Result<(), Failure> {
        let mut finished = self.file.take();
        if let Some(file) = &mut finished {
            file.flush()
                .and_then(|()| match self.id {
                    Some(_) => file.sync_data(),
                    None => Ok(()),
                })
                .map_err(|e| Failure::write(&self.shown, &e))?;
        }
        if let Some(id) = self.id.take() {
            let mut registry = registry();
            if let Some(pending) = registry.pending.iter_mut().find(|p| p.id == id) {
                pending.ready = true;
                // An unnamed file exists only while it is open: the
                // registry keeps it open until it is named.
                if pending.temp.is_none() {
                    pending.unnamed = finished;
                }
            }
        }
        Ok(())
    }
}

impl Write for SafeFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(file) => file.write(bytes),
            None => Err(io::Error::other("the file was already finished")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for SafeFile {
    /// Not finished: the run failed; the temporary file goes, the target
    /// stays as it was.
    fn drop(&mut self) {
        let Some(id) = self.id else {
            return;
        };
        self.file = None;
        let mut registry = registry();
        if let Some(index) = registry.pending.iter().position(|p| p.id == id) {
            let shown = registry.pending.remove(index).remove();
            registry.abandoned.push(shown);
        }
    }
}

/// Write `bytes` to `path` safely (the whole file at once).
pub fn write_all(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let mut file = SafeFile::create(path)?;
    file.write_all(bytes)
        .map_err(|e| Failure::write(path, &e))?;
    file.finish()
}

/// Rename every ready file over its target (the command succeeded).
pub fn commit_ready() -> Result<(), Failure> {
    let mut registry = registry();
    // A file dropped or left unfinished by a command that then succeeded
    // is a bug in the command: its promise ("written to X") would be
    // false, so nothing is put in place.
    let unfinished = registry.abandoned.first().cloned().or_else(|| {
        registry
            .pending
            .iter()
            .find(|pending| !pending.ready)
            .map(|pending| pending.shown.clone())
    });
    let mut first_error = unfinished.map(|path| {
        Failure::new(format!(
            "internal error: {} was not completed",
            display_path(&path)
        ))
    });
    for mut pending in std::mem::take(&mut registry.pending) {
        if first_error.is_some() {
            let shown = pending.remove();
            registry.abandoned.push(shown);
            continue;
        }
        if let Err(error) = pending.commit() {
            first_error = Some(Failure::write(&pending.shown, &error));
            let shown = pending.remove();
            registry.abandoned.push(shown);
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// After a failure: remove what is left and say which files were kept.
pub fn abandon_all() {
    let mut registry = registry();
    for pending in std::mem::take(&mut registry.pending) {
        let shown = pending.remove();
        registry.abandoned.push(shown);
    }
    let abandoned = std::mem::take(&mut registry.abandoned);
    if !abandoned.is_empty() {
        eprintln!("{}", kept_note(&abandoned, true));
    }
}

/// `note: nothing was written: ut.csv and fel.csv are as they were (…)`;
/// the row counts in the parentheses when no line above gave them.
fn kept_note(files: &[PathBuf], counts: bool) -> String {
    let names: Vec<String> = files.iter().map(|p| display_path(p)).collect();
    let (list, verb) = match names.as_slice() {
        [one] => (one.clone(), "is"),
        [init @ .., last] => (format!("{} and {last}", init.join(", ")), "are"),
        [] => (String::new(), "are"),
    };
    let mut note = format!("note: nothing was written: {list} {verb} as before the command");
    if counts {
        note.push_str(&format!(" ({})", rows_done()));
    }
    note
}

/// `it stopped after 1200 rows read, 1150 written, 3 failed`.
fn rows_done() -> String {
    let read = ROWS_READ.load(Ordering::Relaxed);
    let written = ROWS_WRITTEN.load(Ordering::Relaxed);
    let failed = ROWS_FAILED.load(Ordering::Relaxed);
    let mut text = format!("it stopped after {read} rows read");
    if written > 0 || failed > 0 {
        text.push_str(&format!(", {written} written, {failed} failed"));
    }
    text
}

/// Catch SIGINT and SIGTERM: remove the temporary files, say so, and exit
/// with 128 + the signal's number. Called by every command that writes
/// files; a second call does nothing.
pub fn install_signal_handler() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("avtal-signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    on_signal(signal);
                }
            });
    });
}

fn on_signal(signal: i32) -> ! {
    let name = if signal == signal_hook::consts::SIGINT {
        "SIGINT"
    } else {
        "SIGTERM"
    };
    // Holding the lock until the exit: no rename can start after this.
    let mut registry = registry();
    let mut kept = std::mem::take(&mut registry.abandoned);
    for pending in std::mem::take(&mut registry.pending) {
        kept.push(pending.remove());
    }
    let mut message = format!("error: interrupted by {name}; {}", rows_done());
    if !kept.is_empty() {
        message.push('\n');
        message.push_str(&kept_note(&kept, false));
    }
    let _ = writeln!(io::stderr(), "{message}");
    std::process::exit(128 + signal)
}

/// What a path is for the conflict check: an input or an output, with the
/// option that named it.
pub struct Named<'a> {
    pub role: String,
    pub path: &'a Path,
}

impl<'a> Named<'a> {
    pub fn new(role: impl Into<String>, path: &'a Path) -> Named<'a> {
        Named {
            role: role.into(),
            path,
        }
    }
}

/// The identity of a path: device and inode when the file exists, else its
/// folder's canonical path and its name.
#[derive(PartialEq, Eq)]
enum Identity {
    Inode(u64, u64),
    Path(PathBuf),
}

fn identity(path: &Path) -> Option<Identity> {
    if path.as_os_str() == "-" {
        return None;
    }
    match fs::metadata(path) {
        // Devices and pipes (`/dev/null`) may be named twice.
        Ok(meta) if meta.is_file() => Some(Identity::Inode(meta.dev(), meta.ino())),
        Ok(_) => None,
        Err(_) => {
            let name = path.file_name()?;
            let folder = match path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent,
                _ => Path::new("."),
            };
            let folder = fs::canonicalize(folder).ok()?;
            Some(Identity::Path(folder.join(name)))
        }
    }
}

/// Refuse outputs that name an input, a source, or another output.
pub fn refuse_conflicts(inputs: &[Named<'_>], outputs: &[Named<'_>]) -> Result<(), Failure> {
    let inputs: Vec<(&Named, Identity)> = inputs
        .iter()
        .filter_map(|n| identity(n.path).map(|id| (n, id)))
        .collect();
    let mut seen: Vec<(&Named, Identity)> = Vec::new();
    for output in outputs {
        let Some(id) = identity(output.path) else {
            continue;
        };
        if let Some((input, _)) = inputs.iter().find(|(_, other)| *other == id) {
            return Err(Failure::new(format!(
                "{} {} is {} {}: writing it would destroy what is being read",
                output.role,
                display_path(output.path),
                input.role,
                display_path(input.path)
            ))
            .with_help(format!(
                "write {} to another file; avtal never writes over a file it reads",
                output.role
            )));
        }
        if let Some((other, _)) = seen.iter().find(|(_, other)| *other == id) {
            return Err(Failure::new(format!(
                "{} and {} both name {}: one would overwrite the other",
                other.role,
                output.role,
                display_path(output.path)
            ))
            .with_help("give each its own file"));
        }
        seen.push((output, id));
    }
    Ok(())
}

/// The files `sources` were read from (not the embedded standard library).
pub fn source_files(sources: &Sources) -> Vec<PathBuf> {
    sources
        .ids()
        .filter_map(|id| sources.get(id))
        .filter(|file| !file.is_stdlib)
        .map(|file| PathBuf::from(&file.name))
        .filter(|path| path.is_file())
        .collect()
}

/// The inputs and sources of a command, for [`refuse_conflicts`].
pub fn inputs_and_sources<'a>(inputs: Vec<Named<'a>>, sources: &'a [PathBuf]) -> Vec<Named<'a>> {
    let mut all = inputs;
    all.extend(
        sources
            .iter()
            .map(|path| Named::new("the source file", path)),
    );
    all
}

/// `avtal run`: `--output` and `--errors` against `--input` and the sources.
pub fn check_run_paths(args: &crate::RunArgs, sources: &Sources) -> Result<(), Failure> {
    let source_paths = source_files(sources);
    let inputs = inputs_and_sources(vec![Named::new("the input", &args.input)], &source_paths);
    let mut outputs = Vec::new();
    if let Some(path) = &args.output {
        outputs.push(Named::new("--output", path));
    }
    if let Some(path) = &args.errors {
        outputs.push(Named::new("--errors", path));
    }
    refuse_conflicts(&inputs, &outputs)
}

/// `avtal diff`: `--changes`, `--html` and `--errors` against `--input`
/// and both versions' sources.
pub fn check_diff_paths(
    args: &crate::DiffArgs,
    old_sources: &Sources,
    new_sources: &Sources,
) -> Result<(), Failure> {
    let mut source_paths = source_files(old_sources);
    source_paths.extend(source_files(new_sources));
    let inputs = inputs_and_sources(vec![Named::new("the input", &args.input)], &source_paths);
    let mut outputs = Vec::new();
    for (role, path) in [
        ("--changes", &args.changes),
        ("--html", &args.html),
        ("--errors", &args.errors),
    ] {
        if let Some(path) = path {
            outputs.push(Named::new(role, path));
        }
    }
    refuse_conflicts(&inputs, &outputs)
}
