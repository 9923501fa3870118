//! What the tests of `avtal build` share: building a library with the real
//! binary, compiling C and C++ programs strictly against its header and
//! linking them with it, running them, and the compiled program and record
//! layouts the tests compare the library with.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helper: failures are test failures"
)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use avtal_compiler::ir::{FuncId, Program};
use avtal_compiler::{Sources, compile};
use avtal_engine::codegen::RecordLayout;
use chrono::{Datelike, NaiveDate};

/// The workspace root (for `examples/` and `cli/tests/c/`).
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Whether `compiler` (`cc`, `c++`) runs on this machine.
pub fn have(compiler: &str) -> bool {
    Command::new(compiler)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `avtal build FILE [--entry NAME]… -o DIR`, whatever its outcome.
pub fn avtal_build(file: &Path, dir: &Path, entries: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_avtal"));
    command.arg("build").arg(file);
    for entry in entries {
        command.args(["--entry", entry]);
    }
    command.arg("-o").arg(dir).output().unwrap()
}

/// `avtal build FILE -o DIR`, which must succeed.
pub fn build(file: &Path, dir: &Path) {
    let output = avtal_build(file, dir, &[]);
    assert!(
        output.status.success(),
        "avtal build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A C or C++ compile, strict (`-Wall -Wextra -Werror`), with the headers
/// of a build directory on the include path.
pub struct Compile<'a> {
    compiler: &'a str,
    flags: Vec<String>,
    dir: &'a Path,
    libraries: Vec<&'a str>,
    after: Vec<&'a str>,
}

impl<'a> Compile<'a> {
    /// `compiler` with the language standard flag `std` (`-std=c11`).
    pub fn new(compiler: &'a str, std: &str, dir: &'a Path) -> Compile<'a> {
        Compile {
            compiler,
            flags: vec![std.to_string()],
            dir,
            libraries: Vec::new(),
            after: Vec::new(),
        }
    }

    /// C11 with `cc`, the compile most tests use.
    pub fn c(dir: &'a Path) -> Compile<'a> {
        Compile::new("cc", "-std=c11", dir)
    }

    /// C++17 with `c++`: the header must also compile as C++.
    pub fn cxx(dir: &'a Path) -> Compile<'a> {
        Compile::new("c++", "-std=c++17", dir)
    }

    pub fn flag(mut self, flag: &str) -> Self {
        self.flags.push(flag.to_string());
        self
    }

    /// Link with `lib<name>.so` of the build directory, found at run time
    /// through the executable's rpath.
    pub fn link(mut self, name: &'a str) -> Self {
        self.libraries.push(name);
        self
    }

    /// A linker argument after the source (`-ldl`).
    pub fn then(mut self, arg: &'a str) -> Self {
        self.after.push(arg);
        self
    }

    /// Compile `source` into `dir/out`; the compiler's errors fail the test.
    pub fn to(&self, source: &Path, out: &str) -> PathBuf {
        let exe = self.dir.join(out);
        let mut command = Command::new(self.compiler);
        command
            .args(&self.flags)
            .args(["-Wall", "-Wextra", "-Werror", "-I"])
            .arg(self.dir)
            .arg("-o")
            .arg(&exe)
            .arg(source);
        if !self.libraries.is_empty() {
            command.arg(format!("-L{}", self.dir.display()));
            for library in &self.libraries {
                command.arg(format!("-l{library}"));
            }
            command.arg(format!("-Wl,-rpath,{}", self.dir.display()));
        }
        command.args(&self.after);
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{} {:?} {} failed:\n{}",
            self.compiler,
            self.flags,
            source.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        exe
    }

    /// Compile `source` and run it; it must exit with 0.
    pub fn run(&self, source: &Path, out: &str) {
        let exe = self.to(source, out);
        let status = Command::new(&exe).status().unwrap();
        assert_eq!(
            status.code(),
            Some(0),
            "{} {:?} {}",
            self.compiler,
            self.flags,
            source.display()
        );
    }
}

/// A test program of `cli/tests/c/`.
pub fn c_source(name: &str) -> PathBuf {
    workspace().join("cli/tests/c").join(name)
}

/// Run `exe ARGS`, which must succeed; its stdout.
pub fn run_exe(exe: &Path, args: &[&str]) -> String {
    let output = Command::new(exe).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{} {args:?} failed ({:?}):\n{}{}",
        exe.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The program of a workspace file (with the stdlib), which must compile.
pub fn program_of(file: &str) -> Program {
    let mut sources = Sources::new();
    avtal_compiler::stdlib::add_to(&mut sources);
    let text = fs::read_to_string(workspace().join(file)).unwrap();
    sources.add(file, &text);
    let compilation = compile(&sources);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    compilation.program
}

/// The entry point called `name`.
pub fn entry_id(program: &Program, name: &str) -> FuncId {
    program
        .entry_points()
        .find(|(_, f)| f.name == name)
        .map(|(id, _)| id)
        .unwrap()
}

/// The C layouts of an entry point's input and output records.
pub fn layouts(program: &Program, entry: FuncId) -> (RecordLayout, RecordLayout) {
    let function = program.function(entry).unwrap();
    (
        RecordLayout::of(program, &function.params[0].1).unwrap(),
        RecordLayout::of(program, &function.ret).unwrap(),
    )
}

/// A date as the library's day number (days from the common era).
pub fn day(y: i32, m: u32, d: u32) -> i64 {
    i64::from(NaiveDate::from_ymd_opt(y, m, d).unwrap().num_days_from_ce())
}
