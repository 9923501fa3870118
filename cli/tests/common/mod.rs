//! Helpers shared by the integration tests: a scratch directory per test,
//! and running the `avtal` binary with captured output.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A small agreement with one entry point, used by most tests.
pub const AGREEMENT: &str = r#"module testfall.lön

enum Avdelning { I, II }

record Rad {
  id: Int
  lön: Money
  avdelning: Avdelning
  dagar: Int
  start: Date
}

record Ut {
  id: Int
  per_dag: Money
  avdelning: Avdelning
  slut: Date
  hel: Bool
}

/// Lön per dag, avrundad till hela ören.
rule per_dag(r: Rad) -> Money = round(r.lön / r.dagar, 0.01 SEK)

evaluate Lön(r: Rad) -> Ut {
  Ut {
    id: r.id
    per_dag: per_dag(r)
    avdelning: r.avdelning
    slut: r.start + months(1)
    hel: r.dagar == 30
  }
}

example "per dag: 3000 kr på tre dagar" {
  per_dag(Rad { id: 1, lön: 3000 SEK, avdelning: I, dagar: 3, start: 2026-01-31 }) == 1000.00 SEK
}
"#;

/// A fresh directory for one test, below cargo's scratch directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&path, text).unwrap();
    path
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Panic with both streams when the exit code is not `code`.
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_avtal"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    command
}

/// Run `avtal ARGS` in `dir`.
pub fn avtal(dir: &Path, args: &[&str]) -> Run {
    Run::from(command(dir, args).output().unwrap())
}

/// Run `avtal ARGS` in `dir` with `input` on stdin.
pub fn avtal_with_stdin(dir: &Path, args: &[&str], input: &str) -> Run {
    let mut child = command(dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Run::from(output)
}

/// The workspace root (for `examples/`).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The sizes of the unnamed files (`O_TMPFILE`, as `avtal`'s temporary
/// outputs are on Linux) in `dir` that process `pid` has open, read
/// through `/proc/PID/fd`.
pub fn unnamed_files(pid: u32, dir: &Path) -> Vec<u64> {
    let dir = fs::canonicalize(dir).unwrap();
    let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    fds.flatten()
        .filter(|fd| {
            // `/dir/#1234 (deleted)`: in `dir`, with no name.
            fs::read_link(fd.path()).is_ok_and(|target| {
                target.parent() == Some(dir.as_path())
                    && target
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('#'))
            })
        })
        .filter_map(|fd| fs::metadata(fd.path()).ok().map(|m| m.len()))
        .collect()
}

/// The size of the largest unnamed file in `dir` that process `pid` has
/// open ([`unnamed_files`]); 0 when it has none.
pub fn largest_unnamed_file(pid: u32, dir: &Path) -> u64 {
    unnamed_files(pid, dir).into_iter().max().unwrap_or(0)
}
