//! Read-only copies of the files built into the binary, so that an editor
//! can open them: the stdlib modules (go to definition on `uppsägningstid`
//! lands in `stdlib/lag/las.avtal`) and the diagnostics reference (each
//! diagnostic's `codeDescription` links to its entry).
//!
//! The copies live in `$XDG_CACHE_HOME/avtal/<version>-<hash>/` (else
//! `~/.cache/avtal/…`, else the temporary directory), written once per
//! content: the hash covers every shipped text, so a build whose stdlib
//! differs gets its own directory and a range computed on the embedded text
//! is always a range of the file the editor opens. The repository's own
//! `stdlib/` is not used even when it is there: it may be ahead of or behind
//! the binary. Files are written to a temporary name and renamed into place
//! (several servers may start at once) and left read-only, so an editor
//! warns before anyone edits a copy. This and `workspace.rs` are the only IO.

use std::io::Write;
use std::path::{Path, PathBuf};

use avtal_compiler::stdlib;
use tower_lsp_server::ls_types::Uri;

/// The diagnostics reference of this build (`docs/diagnostics.md`).
const DIAGNOSTICS_DOC: &str = include_str!("../../docs/diagnostics.md");

/// Where the shipped files were written.
#[derive(Debug, Clone)]
pub struct ShippedFiles {
    pub dir: PathBuf,
}

impl ShippedFiles {
    /// Write the copies (unless an identical copy is there) and return
    /// their directory.
    pub fn materialise() -> std::io::Result<ShippedFiles> {
        let dir = cache_base().join("avtal").join(format!(
            "{}-{:016x}",
            env!("CARGO_PKG_VERSION"),
            content_hash()
        ));
        for (relative, text) in files() {
            write_read_only(&dir.join(relative), text)?;
        }
        Ok(ShippedFiles { dir })
    }

    /// The URI of the copy of stdlib module `dotted` (`lag.las`).
    pub fn stdlib_uri(&self, dotted: &str) -> Option<Uri> {
        let (_, name, _) = stdlib::MODULES
            .iter()
            .find(|(path, _, _)| *path == dotted)?;
        Uri::from_file_path(self.dir.join(stdlib_relative(name)))
    }

    /// The link to the entry of `code` in the diagnostics reference, when
    /// it has one (the headings are `## E0104`, GitHub-style anchors
    /// `#e0104`).
    pub fn diagnostic_href(&self, code: &str) -> Option<Uri> {
        if !DIAGNOSTICS_DOC.contains(&format!("\n## {code}\n")) {
            return None;
        }
        let doc = Uri::from_file_path(self.dir.join("docs").join("diagnostics.md"))?;
        format!("{}#{}", doc.as_str(), code.to_lowercase())
            .parse()
            .ok()
    }
}

/// `<stdlib>/lag/las.avtal` → `stdlib/lag/las.avtal`.
fn stdlib_relative(name: &str) -> PathBuf {
    Path::new("stdlib").join(name.trim_start_matches("<stdlib>/"))
}

/// Every shipped file: (path relative to the directory, text).
fn files() -> Vec<(PathBuf, &'static str)> {
    let mut out: Vec<(PathBuf, &'static str)> = stdlib::MODULES
        .iter()
        .map(|(_, name, text)| (stdlib_relative(name), *text))
        .collect();
    out.push((Path::new("docs").join("diagnostics.md"), DIAGNOSTICS_DOC));
    out
}

fn cache_base() -> PathBuf {
    let absolute = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    if let Some(dir) = absolute("XDG_CACHE_HOME") {
        return dir;
    }
    if let Some(home) = absolute("HOME") {
        return home.join(".cache");
    }
    std::env::temp_dir()
}

/// FNV-1a over every shipped path and text: stable across builds and
/// platforms (the directory name must not change with the Rust version).
fn content_hash() -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (path, text) in files() {
        let path = path.to_string_lossy().into_owned();
        for byte in path.bytes().chain([0]).chain(text.bytes()).chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// Write `text` to `path` read-only, unless the file already holds it.
fn write_read_only(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|held| held == text.as_bytes()) {
        return Ok(());
    }
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = parent.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        let mut permissions = file.metadata()?.permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&temporary, permissions)?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn every_stdlib_module_has_a_file_name_under_stdlib() {
        for (dotted, name, _) in stdlib::MODULES {
            let relative = stdlib_relative(name);
            let expected: PathBuf = std::iter::once("stdlib".to_string())
                .chain(dotted.split('.').map(str::to_string))
                .collect::<PathBuf>()
                .with_extension("avtal");
            assert_eq!(relative, expected);
        }
    }

    #[test]
    fn a_copy_is_written_once_and_read_only() {
        let dir = std::env::temp_dir().join(format!("avtal-shipped-{}", std::process::id()));
        let path = dir.join("a").join("b.avtal");
        write_read_only(&path, "module a.b\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "module a.b\n");
        assert!(std::fs::metadata(&path).unwrap().permissions().readonly());
        // Another text replaces it even though it is read-only.
        write_read_only(&path, "module a.b\n\nrule x() -> Int = 1\n").unwrap();
        assert!(std::fs::read_to_string(&path).unwrap().contains("rule x()"));
        let mut permissions = std::fs::metadata(&path).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false, reason = "clean-up")]
        permissions.set_readonly(false);
        std::fs::set_permissions(&path, permissions).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
