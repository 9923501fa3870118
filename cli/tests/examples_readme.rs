//! The promises of `examples/README.md`, kept where users meet them: every
//! `avtal run` command the README shows is run as written, with each
//! engine; the two outputs must be the same bytes, and the same bytes as
//! the committed `*.expected.*` file beside the input. Every `evaluate`
//! entry point of `examples/` must be reached by some command, so a new
//! example cannot go unchecked.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::scratch;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The arguments after `avtal` of every `target/release/avtal run` line of
/// the README.
fn readme_run_commands() -> Vec<Vec<String>> {
    let readme = fs::read_to_string(root().join("examples/README.md")).unwrap();
    readme
        .lines()
        .filter_map(|line| line.trim().strip_prefix("target/release/avtal run "))
        .map(|rest| {
            std::iter::once("run".to_string())
                .chain(rest.split_whitespace().map(str::to_string))
                .collect()
        })
        .collect()
}

fn option<'a>(args: &'a [String], names: &[&str]) -> Option<&'a str> {
    args.windows(2)
        .find(|w| names.contains(&w[0].as_str()))
        .map(|w| w[1].as_str())
}

/// The args with `-o/--output FILE` replaced by `out`, plus the engine.
fn with_output(args: &[String], out: &Path, engine: &str) -> Vec<String> {
    let mut result = Vec::new();
    let mut skip = false;
    for arg in args {
        if skip {
            skip = false;
            continue;
        }
        if arg == "-o" || arg == "--output" {
            skip = true;
            continue;
        }
        result.push(arg.clone());
    }
    result.extend([
        "--output".to_string(),
        out.display().to_string(),
        "--engine".to_string(),
        engine.to_string(),
    ]);
    result
}

/// The format a command writes: `--output-format`, else the extension
/// of `-o`, else the input's.
fn output_ext(args: &[String]) -> String {
    option(args, &["--output-format"])
        .map(str::to_string)
        .or_else(|| {
            option(args, &["-o", "--output"])
                .or_else(|| option(args, &["--input"]))
                .and_then(|path| Path::new(path).extension())
                .map(|e| e.to_string_lossy().into_owned())
        })
        .unwrap()
}

/// The committed expected output of a command: the input's stem with
/// `.expected.` and the output's extension.
fn expected_file(args: &[String]) -> Option<PathBuf> {
    let input = Path::new(option(args, &["--input"])?);
    let stem = input.file_stem()?.to_str()?;
    let path = root()
        .join(input.parent()?)
        .join(format!("{stem}.expected.{}", output_ext(args)));
    path.exists().then_some(path)
}

#[test]
fn every_readme_run_command_writes_its_expected_file_with_both_engines() {
    let dir = scratch("examples_readme");
    let commands = readme_run_commands();
    assert!(
        commands.len() >= 7,
        "the README's run commands: {commands:?}"
    );
    let mut compared_with_expected = 0;
    for (index, args) in commands.iter().enumerate() {
        let ext = output_ext(args);
        let mut outputs = Vec::new();
        for engine in ["jit", "interp"] {
            let out = dir.join(format!("{index}.{engine}.{ext}"));
            let full = with_output(args, &out, engine);
            let run = Command::new(env!("CARGO_BIN_EXE_avtal"))
                .current_dir(root())
                .args(&full)
                .output()
                .unwrap();
            assert!(
                run.status.success(),
                "avtal {}: {}",
                full.join(" "),
                String::from_utf8_lossy(&run.stderr)
            );
            outputs.push(fs::read(&out).unwrap());
        }
        assert!(
            outputs[0] == outputs[1],
            "`avtal {}`: the engines wrote different bytes:\njit:\n{}\ninterp:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&outputs[0]),
            String::from_utf8_lossy(&outputs[1])
        );
        if let Some(expected) = expected_file(args) {
            let want = fs::read(&expected).unwrap();
            assert!(
                outputs[0] == want,
                "`avtal {}` differs from {}:\n{}",
                args.join(" "),
                expected.display(),
                String::from_utf8_lossy(&outputs[0])
            );
            compared_with_expected += 1;
        }
    }
    // W1, the three eligibility checks, lönekörning, RD-RALS and C19.
    assert!(
        compared_with_expected >= 7,
        "only {compared_with_expected} commands have an expected file"
    );
}

#[test]
fn every_example_entry_point_has_a_readme_run_command() {
    let commands = readme_run_commands();
    for entry in fs::read_dir(root().join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "avtal") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        let name = format!("examples/{}", path.file_name().unwrap().to_string_lossy());
        let entries: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("evaluate "))
            .filter_map(|l| l.split('(').next())
            .collect();
        for entry_point in &entries {
            let covered = commands.iter().any(|args| {
                args.get(1) == Some(&name)
                    && (entries.len() == 1 || option(args, &["--entry"]) == Some(*entry_point))
            });
            assert!(
                covered,
                "entry point `{entry_point}` of {name} has no `avtal run` command in examples/README.md"
            );
        }
    }
}
