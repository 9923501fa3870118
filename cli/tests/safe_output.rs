//! Issue 13, items 1–5: no command loses data by writing. Outputs that
//! name an input, a source or each other are refused before anything is
//! opened; outputs replace the previous file only when the run ends as
//! promised, and a signal, a full disk or a failure to open another output
//! leaves the previous file as it was, with no temporary file behind and a
//! word on stderr; an unterminated quote costs one row, not the rest of the
//! file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{AGREEMENT, avtal, scratch, write};

const HEADER: &str = "id,lön,avdelning,dagar,start";
const OLD_OUTPUT: &str = "id,per_dag\n1,previous run\n";

/// `n` good rows, with ids from 1.
fn good_rows(n: usize) -> String {
    let mut text = format!("{HEADER}\n");
    for id in 1..=n {
        let _ = writeln!(text, "{id},30000.00,I,30,2026-01-01");
    }
    text
}

/// The names in `dir` that look like temporary files of avtal.
fn temporary_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".avtal-tmp"))
        .collect()
}

fn run_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["run", "lön.avtal", "--input", "fall.csv"];
    args.extend_from_slice(extra);
    args
}

// Item 1: `--output` or `--errors` over the input, `--output` over the source.

#[test]
fn an_output_over_the_input_or_the_source_is_refused() {
    let dir = scratch("safe_output_over_input");
    write(&dir, "lön.avtal", AGREEMENT);
    let input = good_rows(3);
    write(&dir, "fall.csv", &input);
    std::os::unix::fs::symlink("fall.csv", dir.join("länk.csv")).unwrap();
    for (option, path, says) in [
        (
            "--output",
            "fall.csv",
            "--output fall.csv is the input fall.csv",
        ),
        (
            "--output",
            "./fall.csv",
            "--output ./fall.csv is the input fall.csv",
        ),
        (
            "--output",
            "länk.csv",
            "--output länk.csv is the input fall.csv",
        ),
        (
            "--errors",
            "fall.csv",
            "--errors fall.csv is the input fall.csv",
        ),
        (
            "--output",
            "lön.avtal",
            "--output lön.avtal is the source file lön.avtal",
        ),
    ] {
        let run = avtal(&dir, &run_args(&[option, path]));
        run.expect_code(1);
        assert!(run.stderr.contains(says), "{option} {path}: {}", run.stderr);
        assert!(
            run.stderr.contains("help: write ")
                && run.stderr.contains("never writes over a file it reads"),
            "{}",
            run.stderr
        );
        assert_eq!(fs::read_to_string(dir.join("fall.csv")).unwrap(), input);
        assert_eq!(
            fs::read_to_string(dir.join("lön.avtal")).unwrap(),
            AGREEMENT
        );
    }
}

#[test]
fn a_module_the_agreement_uses_is_a_source_too() {
    let dir = scratch("safe_output_over_module");
    write(
        &dir,
        "lön.avtal",
        &AGREEMENT.replace(
            "module testfall.lön\n",
            "module testfall.lön\n\nuse testfall.hjälp\n",
        ),
    );
    let module = "module testfall.hjälp\n\nrule två() -> Int = 2\n";
    write(&dir, "testfall/hjälp.avtal", module);
    write(&dir, "fall.csv", &good_rows(1));
    let run = avtal(&dir, &run_args(&["--errors", "testfall/hjälp.avtal"]));
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("--errors testfall/hjälp.avtal is the source file"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(dir.join("testfall/hjälp.avtal")).unwrap(),
        module
    );
}

// Item 2: `--output X --errors X`.

#[test]
fn output_and_errors_naming_one_file_are_refused() {
    let dir = scratch("safe_output_same_file");
    write(&dir, "lön.avtal", AGREEMENT);
    write(
        &dir,
        "fall.csv",
        &format!("{HEADER}\n1,30000.00,I,30,2026-01-01\n2,bad,I,30,2026-01-01\n"),
    );
    let run = avtal(
        &dir,
        &run_args(&["--output", "x.csv", "--errors", "./x.csv"]),
    );
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("--output and --errors both name ./x.csv: one would overwrite the other"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: give each its own file"),
        "{}",
        run.stderr
    );
    assert!(!dir.join("x.csv").exists());
}

#[test]
fn diff_outputs_are_checked_the_same_way() {
    let dir = scratch("safe_output_diff");
    write(&dir, "lön.avtal", AGREEMENT);
    let input = good_rows(2);
    write(&dir, "fall.csv", &input);
    let diff = |extra: &[&str]| {
        let mut args = vec!["diff", "lön.avtal", "lön.avtal", "--input", "fall.csv"];
        args.extend_from_slice(extra);
        avtal(&dir, &args)
    };
    let run = diff(&["--changes", "fall.csv"]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("--changes fall.csv is the input fall.csv"),
        "{}",
        run.stderr
    );
    let run = diff(&["--changes", "c.csv", "--errors", "c.csv"]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("--changes and --errors both name c.csv"),
        "{}",
        run.stderr
    );
    assert_eq!(fs::read_to_string(dir.join("fall.csv")).unwrap(), input);
    assert!(!dir.join("c.csv").exists());
}

// Item 3: written in place; a signal or a full disk left a partial file.

#[test]
fn a_run_replaces_the_previous_output_only_at_its_end() {
    let dir = scratch("safe_output_replace");
    write(&dir, "lön.avtal", AGREEMENT);
    write(&dir, "fall.csv", &good_rows(2));
    write(&dir, "ut.csv", OLD_OUTPUT);
    let run = avtal(&dir, &run_args(&["--output", "ut.csv"]));
    run.expect_code(0);
    assert_eq!(
        fs::read_to_string(dir.join("ut.csv")).unwrap(),
        "id,per_dag,avdelning,slut,hel\n\
         1,1000.00,I,2026-02-01,true\n\
         2,1000.00,I,2026-02-01,true\n"
    );
    assert!(temporary_files(&dir).is_empty());
}

/// Feed rows to `avtal run --input -` until its temporary output has
/// grown, then send `signal`: the previous output must survive.
fn interrupted_by(signal: &str, code: i32) {
    let dir = scratch(&format!("safe_output_{signal}"));
    write(&dir, "lön.avtal", AGREEMENT);
    write(&dir, "ut.csv", OLD_OUTPUT);
    write(&dir, "fel.csv", "row,field,code,message\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_avtal"))
        .args([
            "run",
            "lön.avtal",
            "--input",
            "-",
            "--output",
            "ut.csv",
            "--errors",
            "fel.csv",
        ])
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // A large input, generated as it is read: the run is still going when
    // the signal comes, whatever the machine's speed.
    let mut block = String::new();
    for id in 1..=20_000 {
        let _ = writeln!(block, "{id},30000.00,I,30,2026-01-01");
    }
    stdin.write_all(format!("{HEADER}\n").as_bytes()).unwrap();
    let started = Instant::now();
    loop {
        stdin.write_all(block.as_bytes()).unwrap();
        // The temporary output: unnamed, seen through the process's open
        // files, or named where the file system has no `O_TMPFILE`.
        let named = fs::read_dir(&dir).unwrap().any(|entry| {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            name.starts_with(".ut.csv.") && entry.metadata().unwrap().len() > 100_000
        });
        if named || common::largest_unnamed_file(child.id(), &dir) > 100_000 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no output after 60 s"
        );
    }
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: interrupted by SIG{signal}; it stopped after "
        )),
        "{stderr}"
    );
    assert!(stderr.contains(" rows read, "), "{stderr}");
    assert!(
        stderr.contains("note: nothing was written: ut.csv and fel.csv are as before the command"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(dir.join("ut.csv")).unwrap(), OLD_OUTPUT);
    assert_eq!(
        fs::read_to_string(dir.join("fel.csv")).unwrap(),
        "row,field,code,message\n"
    );
    assert_eq!(temporary_files(&dir), Vec::<String>::new());
}

#[test]
fn sigterm_leaves_the_previous_output_and_no_temporary_file() {
    interrupted_by("TERM", 143);
}

#[test]
fn sigint_leaves_the_previous_output_and_no_temporary_file() {
    interrupted_by("INT", 130);
}

/// A folder where writing fails after `bytes`: a small tmpfs when this
/// user may mount one (a real full disk, "No space left on device"), else
/// an ordinary folder with a file size limit (`ulimit -f`, "File too
/// large"); either way `write` fails in the middle of the run.
struct SmallDisk {
    dir: std::path::PathBuf,
    mounted: bool,
}

impl SmallDisk {
    fn new(dir: &Path, bytes: usize) -> SmallDisk {
        let disk = dir.join("disk");
        fs::create_dir_all(&disk).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(&disk)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        SmallDisk { dir: disk, mounted }
    }

    /// `avtal ARGS` in `dir`, under the file size limit when not mounted.
    fn avtal(&self, dir: &Path, args: &[&str], bytes: usize) -> common::Run {
        let mut command = if self.mounted {
            Command::new(env!("CARGO_BIN_EXE_avtal"))
        } else {
            // SIGXFSZ ignored, so that the write fails with EFBIG instead
            // of killing the process.
            let mut sh = Command::new("sh");
            sh.arg("-c")
                .arg(format!(
                    "trap '' XFSZ; ulimit -f {}; exec \"$0\" \"$@\"",
                    bytes / 512
                ))
                .arg(env!("CARGO_BIN_EXE_avtal"));
            sh
        };
        let output = command
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        common::Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        if self.mounted {
            let _ = Command::new("umount").arg(&self.dir).status();
        }
    }
}

#[test]
fn a_full_disk_leaves_the_previous_output() {
    let dir = scratch("safe_output_full_disk");
    write(&dir, "lön.avtal", AGREEMENT);
    // About 1 MB of results.
    write(&dir, "fall.csv", &good_rows(30_000));
    let limit = 256 * 1024;
    let disk = SmallDisk::new(&dir, limit);
    write(&disk.dir, "ut.csv", OLD_OUTPUT);
    let run = disk.avtal(&dir, &run_args(&["--output", "disk/ut.csv"]), limit);
    run.expect_code(1);
    let reason = if disk.mounted {
        "No space left on device"
    } else {
        "File too large"
    };
    assert!(
        run.stderr
            .contains(&format!("error: cannot write disk/ut.csv: {reason}")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "note: nothing was written: disk/ut.csv is as before the command (it stopped after "
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(disk.dir.join("ut.csv")).unwrap(),
        OLD_OUTPUT
    );
    assert_eq!(temporary_files(&disk.dir), Vec::<String>::new());
}

// Item 4: a failure to open `--errors` after `--output` was replaced.

#[test]
fn an_errors_file_that_cannot_be_opened_leaves_the_output_alone() {
    let dir = scratch("safe_output_errors_fails");
    write(&dir, "lön.avtal", AGREEMENT);
    write(&dir, "fall.csv", &good_rows(2));
    write(&dir, "ut.csv", OLD_OUTPUT);
    let run = avtal(
        &dir,
        &run_args(&["--output", "ut.csv", "--errors", "saknas/fel.csv"]),
    );
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("error: cannot write saknas/fel.csv: No such file or directory"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("note: nothing was written: ut.csv is as before the command"),
        "{}",
        run.stderr
    );
    assert_eq!(fs::read_to_string(dir.join("ut.csv")).unwrap(), OLD_OUTPUT);
    assert!(temporary_files(&dir).is_empty());
}

// Item 5: one unterminated quote swallowed every later row.

#[test]
fn an_unterminated_quote_costs_its_row_only() {
    let dir = scratch("safe_output_quote");
    write(&dir, "lön.avtal", AGREEMENT);
    let mut input = format!("{HEADER}\n");
    for id in 1..=1000 {
        if id == 10 {
            let _ = writeln!(input, "{id},\"30000.00,I,30,2026-01-01");
        } else {
            let _ = writeln!(input, "{id},30000.00,I,30,2026-01-01");
        }
    }
    write(&dir, "fall.csv", &input);
    for engine in ["jit", "interp"] {
        let run = avtal(
            &dir,
            &run_args(&[
                "--output", "ut.csv", "--errors", "fel.csv", "--engine", engine,
            ]),
        );
        run.expect_code(2);
        assert!(
            run.stderr
                .contains("error: 1 of 1000 rows failed; the other 999 were written to ut.csv"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(
                "row 10 (line 11): unterminated quote: the quote that opens cell `lön` \
                 (column 2) on line 11 is not closed (the file ends inside it); \
                 reading went on at line 12 [E0604]"
            ),
            "{}",
            run.stderr
        );
        let output = fs::read_to_string(dir.join("ut.csv")).unwrap();
        let ids: Vec<&str> = output
            .lines()
            .skip(1)
            .map(|line| line.split(',').next().unwrap())
            .collect();
        let expected: Vec<String> = (1..=1000)
            .filter(|id| *id != 10)
            .map(|id| id.to_string())
            .collect();
        assert_eq!(ids, expected);
        let errors = fs::read_to_string(dir.join("fel.csv")).unwrap();
        assert!(
            errors.starts_with("row,field,code,message\n10,,E0604,"),
            "{errors}"
        );
    }
}

#[test]
fn a_quoted_cell_over_lines_in_an_unread_column_is_kept() {
    let dir = scratch("safe_output_multiline");
    write(&dir, "lön.avtal", AGREEMENT);
    write(
        &dir,
        "fall.csv",
        &format!(
            "{HEADER},anteckning\n\
             1,30000.00,I,30,2026-01-01,\"två\nrader, och \"\"citat\"\"\"\n\
             2,30000.00,I,30,2026-01-01,\n"
        ),
    );
    let run = avtal(&dir, &run_args(&["--output", "ut.csv"]));
    run.expect_code(0);
    let output = fs::read_to_string(dir.join("ut.csv")).unwrap();
    assert_eq!(output.lines().count(), 3, "{output}");
}

#[test]
fn a_text_cell_may_span_lines_and_a_stray_quote_costs_one_row() {
    let dir = scratch("safe_output_text");
    write(
        &dir,
        "eko.avtal",
        "module testfall.eko\n\nrecord In {\n  id: Int\n  namn: Text\n}\n\n\
         evaluate Eko(r: In) -> In {\n  In {\n    id: r.id\n    namn: r.namn\n  }\n}\n",
    );
    write(
        &dir,
        "fall.csv",
        "id,namn\n1,\"Anna\nAndersson\"\n\"2,Bo\n3,Cia\n",
    );
    let run = avtal(
        &dir,
        // The interpreter: at this branch's base, `--engine jit` stops on
        // a `Text` input field ("an input layout without slot readers"),
        // which the evaluation path's rewrite handles.
        &[
            "run",
            "eko.avtal",
            "--input",
            "fall.csv",
            "--output",
            "ut.csv",
            "--engine",
            "interp",
        ],
    );
    run.expect_code(2);
    assert_eq!(
        fs::read_to_string(dir.join("ut.csv")).unwrap(),
        "id,namn\n1,\"Anna\nAndersson\"\n3,Cia\n"
    );
    assert!(
        run.stderr.contains(
            "row 2 (line 4): unterminated quote: the quote that opens cell `id` (column 1) \
             on line 4 is not closed (the file ends inside it); reading went on at line 5"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn rows_over_the_byte_limit_are_row_errors() {
    let dir = scratch("safe_output_limit");
    write(&dir, "lön.avtal", AGREEMENT);
    let long = "9".repeat(5000);
    write(
        &dir,
        "fall.csv",
        &format!(
            "{HEADER}\n1,30000.00,I,30,2026-01-01\n2,{long},I,30,2026-01-01\n3,30000.00,I,30,2026-01-01\n"
        ),
    );
    let run = avtal(
        &dir,
        &run_args(&["--output", "ut.csv", "--max-row-bytes", "1K"]),
    );
    run.expect_code(2);
    assert!(
        run.stderr.contains(
            "row 2 (line 3): the row is longer than 1 KiB (--max-row-bytes); it was skipped [E0604]"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "help: if such long rows are expected, raise the limit: `--max-row-bytes 2 KiB`"
        ),
        "{}",
        run.stderr
    );
    let output = fs::read_to_string(dir.join("ut.csv")).unwrap();
    assert_eq!(output.lines().count(), 3, "{output}");

    let line = |id: u32, lön: &str| {
        format!(
            "{{\"id\": {id}, \"lön\": \"{lön}\", \"avdelning\": \"I\", \"dagar\": 30, \"start\": \"2026-01-01\"}}\n"
        )
    };
    write(
        &dir,
        "fall.jsonl",
        &format!(
            "{}{}{}",
            line(1, "30000.00"),
            line(2, &long),
            line(3, "30000.00")
        ),
    );
    let run = avtal(
        &dir,
        &[
            "run",
            "lön.avtal",
            "--input",
            "fall.jsonl",
            "--output",
            "ut.jsonl",
            "--max-row-bytes",
            "1K",
        ],
    );
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("row 2 (line 2): the row is longer than 1 KiB"),
        "{}",
        run.stderr
    );
    let output = fs::read_to_string(dir.join("ut.jsonl")).unwrap();
    assert_eq!(output.lines().count(), 2, "{output}");
}

// The same rule for `build` and `fmt`.

/// The files of `dir` and their contents, sorted.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (
                entry.file_name().to_string_lossy().into_owned(),
                fs::read(entry.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_build_whose_linker_dies_half_way_leaves_the_previous_library() {
    let dir = scratch("safe_output_build");
    let out = dir.join("ut");
    write(&out, "libw1_payroll_month.so", "the previous library");
    write(&out, "w1_payroll_month.h", "/* the previous header */\n");
    let before = snapshot(&out);
    // A linker that writes half a library where it is told to, then fails.
    let linker = write(
        &dir,
        "halvt-cc.sh",
        "#!/bin/sh\n\
         while [ $# -gt 0 ]; do\n\
           if [ \"$1\" = -o ]; then shift; printf 'half a library' > \"$1\"; fi\n\
           shift\n\
         done\n\
         exit 1\n",
    );
    Command::new("chmod")
        .arg("+x")
        .arg(&linker)
        .status()
        .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_avtal"))
        .arg("build")
        .arg(common::workspace().join("examples/w1_payroll_month.avtal"))
        .arg("-o")
        .arg(&out)
        .env("CC", &linker)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("failed to link"), "{stderr}");
    assert_eq!(snapshot(&out), before, "{stderr}");
}

#[test]
fn fmt_keeps_the_file_mode_and_the_symbolic_link() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("safe_output_fmt");
    let file = write(&dir, "a.avtal", "rule x(a: Int) -> Int\n{\n      a\n}\n");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::symlink("a.avtal", dir.join("länk.avtal")).unwrap();
    let run = avtal(&dir, &["fmt", "länk.avtal"]);
    run.expect_code(0);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        "rule x(a: Int) -> Int\n{\n  a\n}\n"
    );
    assert_eq!(
        fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(
        fs::symlink_metadata(dir.join("länk.avtal"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(temporary_files(&dir).is_empty());
}

#[test]
fn a_stray_quote_in_a_case_file_costs_one_case() {
    let dir = scratch("safe_output_cases");
    write(&dir, "lön.avtal", AGREEMENT);
    write(
        &dir,
        "cases.csv",
        &format!(
            "{HEADER},expected.per_dag\n\
             1,3000,I,3,2026-01-31,1000\n\
             2,\"3000,I,3,2026-01-31,1000\n\
             3,3000,I,3,2026-01-31,1000\n\
             4,3000,I,3,2026-01-31,1000\n"
        ),
    );
    let run = avtal(&dir, &["test", "--cases", "cases.csv", "lön.avtal"]);
    run.expect_code(1);
    assert!(
        run.stdout.contains(
            "case 2 (line 3): unterminated quote: the quote that opens cell `lön` (column 2) \
             on line 3 is not closed (the file ends inside it); reading went on at line 4"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("test result: 3 passed, 1 failed\n"),
        "{}",
        run.stdout
    );
}

/// A run killed with SIGKILL cannot clean up: its temporary file stays
/// beside the output, the output itself untouched. The next run that
/// writes the same output removes it (its process no longer runs), and
/// keeps the temporary file of a process that still runs.
#[test]
fn a_killed_runs_temporary_file_is_removed_by_the_next_run() {
    let dir = scratch("safe_output_stale");
    write(&dir, "lön.avtal", AGREEMENT);
    write(
        &dir,
        "fall.csv",
        &format!("{HEADER}\n1,3000,I,3,2026-01-31\n"),
    );
    // No process has this pid (above the kernel's limit of 2^22).
    let stale = write(&dir, ".ut.csv.4999999.0.avtal-tmp", "half a run");
    let running = write(
        &dir,
        &format!(".ut.csv.{}.0.avtal-tmp", std::process::id()),
        "a run in progress",
    );
    avtal(
        &dir,
        &["run", "lön.avtal", "--input", "fall.csv", "-o", "ut.csv"],
    )
    .expect_code(0);
    assert!(!stale.exists(), "the killed run's temporary file is left");
    assert!(
        running.exists(),
        "a running process's temporary file was removed"
    );
    assert!(
        fs::read_to_string(dir.join("ut.csv"))
            .unwrap()
            .starts_with("id,")
    );
}
