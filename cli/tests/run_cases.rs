//! Drives the data cases under `tests/run/`: each folder is one command on
//! data, with its expected output beside it.
//!
//! A case folder holds the agreement, the input, and:
//! - `cmd` (optional): the arguments after `avtal`, split on blanks, run in
//!   a copy of the folder; by default `run agreement.avtal --input
//!   input.csv --errors errors.csv` (or `input.jsonl`);
//! - `stdin` (optional): fed to the command;
//! - `expected.stdout`, `expected.stderr`, `expected.exit`: what the command
//!   prints and its exit code (always compared);
//! - `expected.NAME` for any other NAME: compared with the file NAME the
//!   command wrote (`expected.errors.csv` with `errors.csv`).
//!
//! `UPDATE_EXPECT=1 cargo test -p avtal-cli --test run_cases` rewrites the
//! expected files from the actual output; review the diff before committing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{scratch, workspace};

#[test]
fn every_case_under_tests_run() {
    // `AVTAL_RUN_CASES=DIR` runs the cases of another folder (to prepare new ones).
    let root = std::env::var_os("AVTAL_RUN_CASES")
        .map_or_else(|| workspace().join("tests/run"), std::path::PathBuf::from);
    let Ok(entries) = fs::read_dir(&root) else {
        return;
    };
    let mut cases: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        // Every `run` case runs with both engines and must give the same
        // files byte for byte.
        for engine in ["jit", "interp"] {
            if let Err(problem) = run_case(case, &name, engine) {
                failures.push(format!("tests/run/{name} (--engine {engine}): {problem}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn run_case(case: &Path, name: &str, engine: &str) -> Result<(), String> {
    let work = scratch(&format!("run_case_{name}_{engine}"));
    copy_inputs(case, &work);
    let mut args: Vec<String> = match fs::read_to_string(case.join("cmd")) {
        Ok(cmd) => cmd.split_whitespace().map(str::to_string).collect(),
        Err(_) => default_args(case)?,
    };
    if args.first().is_some_and(|a| a == "run") {
        args.push("--engine".to_string());
        args.push(engine.to_string());
    }
    let stdin = fs::read(case.join("stdin")).ok();
    let mut command = Command::new(env!("CARGO_BIN_EXE_avtal"));
    command
        .args(&args)
        .current_dir(&work)
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|e| e.to_string())?;
    if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
        std::thread::spawn(move || {
            use std::io::Write;
            let _ = pipe.write_all(&bytes);
        });
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let mut actual = vec![
        (
            "expected.stdout".to_string(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        ),
        (
            "expected.stderr".to_string(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ),
        (
            "expected.exit".to_string(),
            format!("{}\n", output.status.code().unwrap_or(-1)),
        ),
    ];
    for entry in fs::read_dir(case).map_err(|e| e.to_string())?.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(produced) = file_name.strip_prefix("expected.") else {
            continue;
        };
        if matches!(produced, "stdout" | "stderr" | "exit") {
            continue;
        }
        let text = fs::read_to_string(work.join(produced))
            .map_err(|e| format!("the command wrote no {produced}: {e}"))?;
        actual.push((file_name, text));
    }
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut problems = Vec::new();
    for (expected_name, text) in actual {
        let path = case.join(&expected_name);
        if update {
            fs::write(&path, &text).map_err(|e| e.to_string())?;
            continue;
        }
        match fs::read_to_string(&path) {
            Ok(expected) if expected == text => {}
            Ok(expected) => problems.push(format!(
                "{expected_name} differs\n--- expected\n{expected}--- actual\n{text}"
            )),
            Err(_) => problems.push(format!(
                "{expected_name} is missing (UPDATE_EXPECT=1 creates it)\n--- actual\n{text}"
            )),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

fn default_args(case: &Path) -> Result<Vec<String>, String> {
    let input = ["input.csv", "input.jsonl"]
        .into_iter()
        .find(|name| case.join(name).exists())
        .ok_or("no `cmd`, and no input.csv or input.jsonl")?;
    Ok([
        "run",
        "agreement.avtal",
        "--input",
        input,
        "--errors",
        "errors.csv",
    ]
    .into_iter()
    .map(str::to_string)
    .collect())
}

/// Copy everything but the expected files (recursively, for modules
/// found through `use`).
fn copy_inputs(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with("expected") {
            continue;
        }
        let target = to.join(&name);
        if path.is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_inputs(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}
