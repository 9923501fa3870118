//! `avtal check` and `avtal test` as a user runs them: exit codes, the
//! rendered diagnostics, JSON output, loading modules through `use`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{AGREEMENT, avtal, scratch, write};

const TYPE_ERROR: &str = r#"module testfall.fel

/// Lön gånger lön är inte pengar.
rule fel(a: Money) -> Money = a * a
"#;

#[test]
fn check_of_a_clean_file_succeeds() {
    let dir = scratch("check_clean");
    write(&dir, "lön.avtal", AGREEMENT);
    let run = avtal(&dir, &["check", "lön.avtal"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("checked 1 file: 0 errors, 0 warnings"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_reports_a_type_error_with_file_code_and_help() {
    let dir = scratch("check_type_error");
    write(&dir, "fel.avtal", TYPE_ERROR);
    let run = avtal(&dir, &["check", "fel.avtal"]);
    run.expect_code(1);
    let stderr = &run.stderr;
    assert!(stderr.contains("error[E0201]"), "{stderr}");
    assert!(
        stderr.contains("cannot multiply `Money` and `Money`"),
        "{stderr}"
    );
    assert!(stderr.contains("fel.avtal:4:"), "{stderr}");
    assert!(
        stderr.contains("checked 1 file: 1 error, 0 warnings"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "no colour when not a terminal: {stderr}"
    );
}

#[test]
fn check_json_has_one_object_per_diagnostic() {
    let dir = scratch("check_json");
    write(&dir, "fel.avtal", TYPE_ERROR);
    let run = avtal(&dir, &["check", "--message-format", "json", "fel.avtal"]);
    run.expect_code(1);
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    let d = &lines[0];
    assert_eq!(d["code"], "E0201");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "fel.avtal");
    assert_eq!(d["line"], 4);
    // `rule fel(a: Money) -> Money = ` is 30 chars: the product starts at 31.
    assert_eq!(d["column"], 31);
    assert!(d["end_line"].as_u64().unwrap() >= 4);
    assert!(d["start"].as_u64().unwrap() < d["end"].as_u64().unwrap());
    assert!(d["related"].is_array());
    assert!(d.get("help").is_some());
}

#[test]
fn check_of_a_missing_file_is_a_clear_error() {
    let dir = scratch("check_missing");
    let run = avtal(&dir, &["check", "nope/x.avtal"]);
    run.expect_code(1);
    assert_eq!(
        run.stderr.trim(),
        "error: cannot read nope/x.avtal: No such file or directory"
    );
}

#[test]
fn check_walks_directories_and_finds_used_modules_in_ancestors() {
    let dir = scratch("check_use");
    write(
        &dir,
        "delad/regler.avtal",
        "module delad.regler\n\nrule dubbel(x: Money) -> Money = x * 2\n",
    );
    write(
        &dir,
        "avtal/lokalt/huvud.avtal",
        "module lokalt.huvud\n\nuse delad.regler\n\nrule fyra(x: Money) -> Money = dubbel(dubbel(x))\n\nexample \"fyra gånger\" {\n  fyra(2 SEK) == 8 SEK\n}\n",
    );
    // Only the using file is named; `delad/regler.avtal` is found from
    // the ancestor directory.
    let run = avtal(&dir, &["check", "avtal/lokalt/huvud.avtal"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("checked 2 files: 0 errors"),
        "{}",
        run.stderr
    );
    let run = avtal(&dir, &["test", "avtal"]);
    run.expect_code(0);
    assert!(run.stdout.contains("ok "), "{}", run.stdout);
    assert!(
        run.stdout.contains("avtal/lokalt/huvud.avtal:7"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("test result: 1 passed, 0 failed\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_ignores_hidden_and_target_directories() {
    let dir = scratch("check_skip");
    write(&dir, "a.avtal", AGREEMENT);
    write(&dir, "target/b.avtal", TYPE_ERROR);
    write(&dir, ".git/c.avtal", TYPE_ERROR);
    let run = avtal(&dir, &["check", "."]);
    run.expect_code(0);
    assert!(run.stderr.contains("checked 1 file:"), "{}", run.stderr);
}

#[test]
fn test_runs_examples_and_reports_ok() {
    let dir = scratch("test_ok");
    write(&dir, "lön.avtal", AGREEMENT);
    let run = avtal(&dir, &["test"]);
    run.expect_code(0);
    assert!(
        run.stdout
            .contains("ok      lön.avtal:34  per dag: 3000 kr på tre dagar"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("test result: 1 passed, 0 failed\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn test_shows_expected_and_actual_of_a_failed_assertion() {
    let dir = scratch("test_failed");
    write(
        &dir,
        "fel.avtal",
        "module testfall.räkna\n\nrule dubbel(x: Money) -> Money = x * 2\n\nexample \"dubbelt\" {\n  dubbel(2 SEK) == 4 SEK\n}\n\nexample \"fel svar\" {\n  dubbel(2 SEK) == 5.00 SEK\n}\n",
    );
    let run = avtal(&dir, &["test", "fel.avtal"]);
    run.expect_code(1);
    let out = &run.stdout;
    assert!(out.contains("ok      fel.avtal:5  dubbelt"), "{out}");
    assert!(out.contains("FAILED  fel.avtal:9  fel svar"), "{out}");
    assert!(out.contains("assertion at fel.avtal:10:3"), "{out}");
    assert!(out.contains("expected: "), "{out}");
    assert!(out.contains("actual: "), "{out}");
    assert!(out.ends_with("test result: 1 passed, 1 failed\n"), "{out}");
}

#[test]
fn test_filter_selects_by_title() {
    let dir = scratch("test_filter");
    write(&dir, "lön.avtal", AGREEMENT);
    let run = avtal(&dir, &["test", "--filter", "ingen sådan"]);
    run.expect_code(0);
    assert_eq!(run.stdout, "test result: 0 passed, 0 failed\n");
}

#[test]
fn test_shows_an_evaluation_error_as_a_diagnostic() {
    let dir = scratch("test_eval_error");
    write(
        &dir,
        "noll.avtal",
        "module testfall.noll\n\nrule kvot(a: Money, b: Int) -> Money = round(a / b, 0.01 SEK)\n\nexample \"delat med noll\" {\n  kvot(1 SEK, 0) == 0 SEK\n}\n",
    );
    let run = avtal(&dir, &["test", "noll.avtal"]);
    run.expect_code(1);
    assert!(
        run.stdout.contains("FAILED  noll.avtal:5  delat med noll"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("E0502"), "{}", run.stdout);
    assert!(
        run.stdout.ends_with("test result: 0 passed, 1 failed\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn test_refuses_a_program_with_errors() {
    let dir = scratch("test_errors");
    write(&dir, "fel.avtal", TYPE_ERROR);
    let run = avtal(&dir, &["test", "fel.avtal"]);
    run.expect_code(1);
    assert!(run.stderr.contains("E0201"), "{}", run.stderr);
    assert!(run.stderr.contains("cannot run examples"), "{}", run.stderr);
    assert!(!run.stdout.contains("test result"), "{}", run.stdout);
}

#[test]
fn test_stdlib_alone_runs_only_the_stdlib() {
    let dir = scratch("test_stdlib");
    write(&dir, "lön.avtal", AGREEMENT);
    let run = avtal(&dir, &["test", "--stdlib"]);
    run.expect_code(0);
    assert!(
        run.stdout.contains("<stdlib>/lag/las.avtal"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("lön.avtal"), "{}", run.stdout);
    assert!(run.stdout.contains(" 0 failed\n"), "{}", run.stdout);
}

#[test]
fn usage_errors_exit_with_one_not_two() {
    let dir = scratch("usage_error");
    let run = avtal(&dir, &["run", "x.avtal"]);
    run.expect_code(1);
    assert!(run.stderr.contains("--input"), "{}", run.stderr);
    avtal(&dir, &["--help"]).expect_code(0);
}

/// A module that does not parse, and one that uses it: both are left out.
const BROKEN: &str = "module testfall.trasig\n\nrule halv(x: Money) -> Money = x / \n";
const USES_BROKEN: &str = "module testfall.beroende\n\nuse testfall.trasig\n\nexample \"använder den trasiga\" {\n  1 == 1\n}\n";

#[test]
fn test_over_a_folder_runs_what_compiles_and_reports_the_rest() {
    let dir = scratch("test_partial");
    write(&dir, "lön.avtal", AGREEMENT);
    write(&dir, "testfall/trasig.avtal", BROKEN);
    write(&dir, "testfall/beroende.avtal", USES_BROKEN);
    write(&dir, "typfel.avtal", TYPE_ERROR);
    let run = avtal(&dir, &["test"]);
    run.expect_code(1);
    assert!(
        run.stdout
            .contains("ok      lön.avtal:34  per dag: 3000 kr på tre dagar"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .ends_with("test result: 1 passed, 0 failed; 3 files with errors not run\n"),
        "{}",
        run.stdout
    );
    // Each broken file's diagnostic, with its place, and the list.
    assert!(
        run.stderr.contains("testfall/trasig.avtal:3:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("E0201"), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error: 3 files with errors not run (the diagnostics are above): \
             testfall/beroende.avtal, testfall/trasig.avtal, typfel.avtal"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn test_filter_takes_several_patterns() {
    let dir = scratch("test_filters");
    write(
        &dir,
        "tre.avtal",
        "module testfall.tre\n\nexample \"ett\" {\n  1 == 1\n}\n\nexample \"två\" {\n  2 == 2\n}\n\nexample \"tre\" {\n  3 == 3\n}\n",
    );
    let run = avtal(&dir, &["test", "--filter", "ett", "--filter", "tre"]);
    run.expect_code(0);
    assert!(run.stdout.contains("  ett\n"), "{}", run.stdout);
    assert!(run.stdout.contains("  tre\n"), "{}", run.stdout);
    assert!(!run.stdout.contains("två"), "{}", run.stdout);
    assert!(
        run.stdout.ends_with("test result: 2 passed, 0 failed\n"),
        "{}",
        run.stdout
    );
}

/// `avtal.toml` names the sources and leaves a fixture folder out; it is
/// found from a subdirectory too, and its paths stay relative to it.
#[test]
fn test_without_a_path_runs_the_project_files_sources() {
    let dir = scratch("test_project");
    write(
        &dir,
        "avtal.toml",
        "sources = [\"avtal\"]\nexclude = [\"avtal/fixtures\"]\n",
    );
    write(&dir, "avtal/lön.avtal", AGREEMENT);
    write(&dir, "avtal/fixtures/trasig.avtal", BROKEN);
    write(&dir, "annat/typfel.avtal", TYPE_ERROR);
    for cwd in [dir.clone(), dir.join("annat")] {
        let run = avtal(&cwd, &["test"]);
        run.expect_code(0);
        assert!(run.stdout.contains("lön.avtal:34"), "{}", run.stdout);
        assert!(
            run.stdout.ends_with("test result: 1 passed, 0 failed\n"),
            "{}",
            run.stdout
        );
        assert_eq!(run.stderr, "");
    }
    // A path on the command line wins over the project file.
    let run = avtal(&dir, &["test", "annat"]);
    run.expect_code(1);
    assert!(run.stderr.contains("cannot run examples"), "{}", run.stderr);
}

#[test]
fn a_bad_project_file_is_a_clear_error() {
    let dir = scratch("test_project_bad");
    write(
        &dir,
        "avtal.toml",
        "sources = [\"avtal\"]\nexlude = [\"x\"]\n",
    );
    let run = avtal(&dir, &["test"]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("cannot read the project file avtal.toml"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("line 2"), "{}", run.stderr);
    assert!(run.stderr.contains("exlude"), "{}", run.stderr);

    write(&dir, "avtal.toml", "sources = [\"saknas\"]\n");
    let run = avtal(&dir, &["test"]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("names the source `saknas`, which does not exist"),
        "{}",
        run.stderr
    );
}

/// The repository's own `avtal.toml`: `avtal test` at the root runs every
/// agreement and stdlib example and none of the fixtures under `tests/`.
#[test]
fn test_at_the_repository_root_runs_clean() {
    let run = avtal(&common::workspace(), &["test"]);
    run.expect_code(0);
    assert!(run.stdout.contains("ok      examples/"), "{}", run.stdout);
    assert!(run.stdout.contains("ok      stdlib/"), "{}", run.stdout);
    assert!(!run.stdout.contains("tests/"), "{}", run.stdout);
    assert!(
        run.stdout.ends_with(" passed, 0 failed\n"),
        "{}",
        run.stdout
    );
}
