//! The temporary file a [`SafeFile`](super::SafeFile) writes before it
//! replaces its target, and the sweep of those a killed run left.
//!
//! On Linux it is an unnamed file in the target's folder (`O_TMPFILE`): it
//! has no name while it is written, so a run killed by SIGKILL, or a power
//! cut, leaves nothing behind (the kernel frees an unnamed file with its
//! last descriptor). When the command succeeds it is linked into the
//! folder under a fresh hidden name (`linkat` of `/proc/self/fd/N`, which
//! needs no privilege, unlike `AT_EMPTY_PATH`) and renamed over the target,
//! so the replacement stays one atomic rename. If the link fails, its
//! bytes are copied to that name instead (the file is open for reading
//! too).
//!
//! Where the folder's file system has no `O_TMPFILE` (or `/proc` is not
//! mounted) it is a named file `.NAME.PID.N.avtal-tmp` beside the target,
//! removed on a failure or a signal; after a SIGKILL the next run that
//! writes the same target removes it once its process is gone
//! ([`remove_stale`]). The same sweep covers the instant between the link
//! and the rename. `AVTAL_NAMED_TEMP_FILES=1` forces named files, so that
//! the tests reach this scheme on a machine that has `O_TMPFILE`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The folder a target is in and its file name, or `None` when the path
/// names no file.
pub(super) fn folder_and_name(target: &Path) -> Option<(PathBuf, String)> {
    let name = target.file_name()?.to_string_lossy().into_owned();
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Some((folder, name))
}

/// `.NAME.PID.N.avtal-tmp` in `folder`: ours, and found by [`remove_stale`].
fn temp_name(folder: &Path, name: &str, id: u64) -> PathBuf {
    folder.join(format!(".{name}.{}.{id}.avtal-tmp", std::process::id()))
}

/// A named temporary file for target `name` in `folder`.
pub(super) fn create_named(folder: &Path, name: &str, id: u64) -> io::Result<(PathBuf, File)> {
    let temp = temp_name(folder, name, id);
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)?;
    Ok((temp, file))
}

/// An unnamed file in `folder`, or `None` where there cannot be one that
/// [`link_into_place`] can name later.
#[cfg(target_os = "linux")]
pub(super) fn create_unnamed(folder: &Path) -> Option<File> {
    use rustix::fs::{CWD, Mode, OFlags, openat};
    if std::env::var_os("AVTAL_NAMED_TEMP_FILES").is_some_and(|v| v == "1") {
        return None;
    }
    if !Path::new("/proc/self/fd").is_dir() {
        return None;
    }
    // Read and write: the bytes can be copied out if the link fails. The
    // mode is masked by the umask, as for a file created by name.
    let flags = OFlags::RDWR | OFlags::TMPFILE | OFlags::CLOEXEC;
    // Any error (EOPNOTSUPP on a file system without it, EISDIR or
    // EINVAL on an old kernel) means: use a named file.
    let fd = openat(CWD, folder, flags, Mode::from_raw_mode(0o666)).ok()?;
    Some(File::from(fd))
}

#[cfg(not(target_os = "linux"))]
pub(super) fn create_unnamed(_folder: &Path) -> Option<File> {
    None
}

/// Give the unnamed `file` the name `target` (in `folder`, named `name`):
/// link it under a fresh temporary name, then rename that over the target.
pub(super) fn link_into_place(
    file: &mut File,
    folder: &Path,
    name: &str,
    id: u64,
    target: &Path,
) -> io::Result<()> {
    let fresh = temp_name(folder, name, id);
    if link(file, &fresh).is_err() {
        copy_to(file, &fresh)?;
    }
    fs::rename(&fresh, target).inspect_err(|_| {
        let _ = fs::remove_file(&fresh);
    })
}

#[cfg(target_os = "linux")]
fn link(file: &File, fresh: &Path) -> io::Result<()> {
    use rustix::fs::{AtFlags, CWD, linkat};
    use std::os::fd::AsRawFd;
    let source = format!("/proc/self/fd/{}", file.as_raw_fd());
    linkat(CWD, source.as_str(), CWD, fresh, AtFlags::SYMLINK_FOLLOW).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn link(_file: &File, _fresh: &Path) -> io::Result<()> {
    Err(io::Error::other("no unnamed files here"))
}

/// The bytes of `file` into a new file `fresh`, on disk before it is used.
fn copy_to(file: &mut File, fresh: &Path) -> io::Result<()> {
    let mut copy = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(fresh)?;
    let copied = file
        .seek(SeekFrom::Start(0))
        .and_then(|_| io::copy(file, &mut copy))
        .and_then(|_| copy.set_permissions(file.metadata()?.permissions()))
        .and_then(|()| copy.sync_data());
    copied.inspect_err(|_| {
        let _ = fs::remove_file(fresh);
    })
}

/// Remove the temporary files of `name` that a run killed without a chance
/// to clean up (SIGKILL, a power cut) left in `folder`: those whose process
/// (the pid in `.NAME.PID.N.avtal-tmp`) no longer runs. Only where `/proc`
/// says which processes run; a file that cannot be removed stays.
pub(super) fn remove_stale(folder: &Path, name: &str) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix.as_str()))
            .and_then(|n| n.strip_suffix(".avtal-tmp"))
        else {
            continue;
        };
        let Some(pid) = rest.split('.').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !proc.join(pid.to_string()).exists() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::io::{Read, Write};

    use super::*;

    /// An unnamed file with `text` in a fresh folder, or `None` where the
    /// file system has no `O_TMPFILE`.
    fn unnamed(text: &str) -> Option<(tempfile::TempDir, File)> {
        let dir = tempfile::tempdir().unwrap();
        let mut file = create_unnamed(dir.path())?;
        file.write_all(text.as_bytes()).unwrap();
        Some((dir, file))
    }

    #[test]
    fn an_unnamed_file_is_linked_over_its_target_and_leaves_no_name() {
        let Some((dir, mut file)) = unnamed("new\n") else {
            return;
        };
        let target = dir.path().join("ut.csv");
        fs::write(&target, "old\n").unwrap();
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        link_into_place(&mut file, dir.path(), "ut.csv", 0, &target).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn the_copy_when_a_link_fails_holds_every_byte_from_the_start() {
        let Some((dir, mut file)) = unnamed("a,b\n1,2\n") else {
            return;
        };
        let fresh = dir.path().join(".ut.csv.copy");
        copy_to(&mut file, &fresh).unwrap();
        let mut text = String::new();
        File::open(&fresh)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "a,b\n1,2\n");
        // A name that is taken is an error, and the taken file stays.
        assert!(copy_to(&mut file, &fresh).is_err());
        assert!(fresh.exists());
    }
}
