//! `refuse` at the command line, on W2 (`examples/w2_time_report.avtal`):
//! a record with one shift over 24 hours among good records fails at its
//! row and element (`shifts[2]`, E0510, the clause's message), the good
//! records are written with W2's outputs, a shift of exactly 24 hours
//! passes, and both engines give the same bytes, from JSON Lines and from
//! long-form CSV.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fs;
use std::path::Path;

use common::{avtal, scratch, workspace, write};

const AGREEMENT: &str = "examples/w2_time_report.avtal";

/// A record of W2 with the given shifts (`start`, `end`, `kind`).
fn record(id: u32, shifts: &[(&str, &str, &str)]) -> String {
    let shifts: Vec<String> = shifts
        .iter()
        .map(|(start, end, kind)| {
            format!(r#"{{"start": "{start}", "end": "{end}", "kind": "{kind}"}}"#)
        })
        .collect();
    format!(
        r#"{{"id": {id}, "period": "2026-06-01", "salary": 30000.00, "rate": 100.00, "overtime_ytd": 0.00, "shifts": [{}]}}"#,
        shifts.join(", ")
    )
}

/// The first `n` records of the W2 example population and their
/// expected CSV lines (W2's outputs, from the reference).
fn good_records(n: usize) -> (Vec<String>, Vec<String>) {
    let input = fs::read_to_string(workspace().join("examples/w2_time_reports.jsonl")).unwrap();
    let expected =
        fs::read_to_string(workspace().join("examples/w2_time_reports.expected.csv")).unwrap();
    (
        input.lines().take(n).map(str::to_string).collect(),
        expected.lines().take(n + 1).map(str::to_string).collect(),
    )
}

/// `avtal run` of W2 with `engine`: exit code, stdout, stderr and the
/// errors file.
fn run(dir: &Path, input: &str, engine: &str) -> (i32, String, String, String) {
    let errors = format!("errors_{engine}.csv");
    let run = avtal(
        &workspace(),
        &[
            "run",
            AGREEMENT,
            "--input",
            dir.join(input).to_str().unwrap(),
            "--errors",
            dir.join(&errors).to_str().unwrap(),
            "--output-format",
            "csv",
            "--engine",
            engine,
        ],
    );
    let errors = fs::read_to_string(dir.join(errors)).unwrap_or_default();
    (
        run.code,
        run.stdout,
        run.stderr.replace(&errors_name(engine), "ERRORS"),
        errors,
    )
}

fn errors_name(engine: &str) -> String {
    format!("errors_{engine}.csv")
}

/// The line of the agreement that holds `text`, from 1.
fn line_of(text: &str) -> usize {
    let source = fs::read_to_string(workspace().join(AGREEMENT)).unwrap();
    source.lines().position(|l| l.contains(text)).unwrap() + 1
}

#[test]
fn an_over_long_shift_is_refused_at_its_row_and_element_and_the_good_records_are_written() {
    let dir = scratch("refuse_over_long_shift");
    let (good, expected) = good_records(4);
    let too_long = record(
        900,
        &[
            ("2026-06-05T08:00", "2026-06-05T16:00", "ordinary"),
            // Exactly 24 hours: allowed.
            ("2026-06-08T08:00", "2026-06-09T08:00", "ordinary"),
            // 24 hours and one minute: refused.
            ("2026-06-10T08:00", "2026-06-11T08:01", "overtime"),
        ],
    );
    let lines = [&good[..2], &[too_long], &good[2..]].concat();
    write(&dir, "input.jsonl", &(lines.join("\n") + "\n"));

    let (code, stdout, stderr, errors) = run(&dir, "input.jsonl", "jit");
    assert_eq!(code, 2, "{stderr}");
    // The good records, with W2's outputs, in order.
    assert_eq!(stdout, expected.join("\n") + "\n");
    let refuse_line = line_of("if s.end - s.start > 24 h");
    assert_eq!(
        errors,
        format!(
            "row,field,code,message\n\
             3,shifts[2],E0510,a shift must be at most 24 hours long ({AGREEMENT}:{refuse_line}:3)\n"
        )
    );
    assert!(
        stderr.contains("row 3 (line 3), field shifts[2]: a shift must be at most 24 hours long"),
        "{stderr}"
    );
    assert!(stderr.contains("[E0510]"), "{stderr}");

    // The interpreter: the same bytes.
    assert_eq!(
        run(&dir, "input.jsonl", "interp"),
        (code, stdout, stderr, errors)
    );
}

#[test]
fn a_shift_of_exactly_24_hours_is_computed() {
    let dir = scratch("refuse_exactly_24_hours");
    // Monday 8 June 2026, 08:00 to 08:00: enkel 19–22 (3 h, 60 SEK),
    // kvalificerad 22–06 (8 h, 480 SEK); June 2026 has two holidays.
    let line = record(1, &[("2026-06-08T08:00", "2026-06-09T08:00", "ordinary")]);
    write(&dir, "input.jsonl", &(line + "\n"));
    for engine in ["jit", "interp"] {
        let (code, stdout, stderr, _) = run(&dir, "input.jsonl", engine);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(
            stdout.lines().nth(1),
            Some("1,3.00,8.00,0.00,540.00,0.00,0.00,0.00,0.00,0.00,false,false,2"),
            "{engine}"
        );
    }
}

#[test]
fn reversed_empty_and_out_of_month_shifts_are_refused_at_their_element() {
    let dir = scratch("refuse_other_shifts");
    let lines = [
        record(1, &[("2026-06-05T08:00", "2026-06-05T16:00", "ordinary")]),
        // A mertid shift that ends before it starts computed negative
        // hours before `refuse`; an empty one is no shift either.
        record(
            2,
            &[
                ("2026-06-05T08:00", "2026-06-05T16:00", "ordinary"),
                ("2026-06-06T08:00", "2026-06-06T07:00", "mertid"),
            ],
        ),
        record(3, &[("2026-06-06T08:00", "2026-06-06T08:00", "overtime")]),
        // Starts on the last evening of May: not this period's shift.
        record(4, &[("2026-05-31T22:00", "2026-06-01T06:00", "ordinary")]),
        // Starts on 30 June and ends in July: allowed.
        record(5, &[("2026-06-30T22:00", "2026-07-01T06:00", "ordinary")]),
    ];
    write(&dir, "input.jsonl", &(lines.join("\n") + "\n"));
    let (code, stdout, stderr, errors) = run(&dir, "input.jsonl", "jit");
    assert_eq!(code, 2, "{stderr}");
    let ids: Vec<&str> = stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["1", "5"]);
    let fields: Vec<(&str, &str, &str)> = errors
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.splitn(4, ',').collect();
            (cells[0], cells[1], cells[3].split(" (").next().unwrap())
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("2", "shifts[1]", "a shift must end after it starts"),
            ("3", "shifts[0]", "a shift must end after it starts"),
            (
                "4",
                "shifts[0]",
                "a shift must start inside the period's month"
            ),
        ]
    );
    assert_eq!(
        run(&dir, "input.jsonl", "interp"),
        (code, stdout, stderr, errors)
    );
}

/// `avtal run` of W2 with extra arguments: exit code, stdout, stderr and
/// the errors file.
fn run_with(dir: &Path, input: &str, extra: &[&str]) -> (i32, String, String, String) {
    let errors = dir.join("errors.csv");
    let _ = fs::remove_file(&errors);
    let input = dir.join(input);
    let mut args = vec![
        "run",
        AGREEMENT,
        "--input",
        input.to_str().unwrap(),
        "--errors",
        errors.to_str().unwrap(),
        "--output-format",
        "csv",
    ];
    args.extend_from_slice(extra);
    let run = avtal(&workspace(), &args);
    let errors = fs::read_to_string(errors).unwrap_or_default();
    (run.code, run.stdout, run.stderr, errors)
}

/// The row, field and message (without its place in the agreement) of
/// each line of an errors file.
fn error_rows(errors: &str) -> Vec<(String, String, String)> {
    errors
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.splitn(4, ',').collect();
            (
                cells[0].to_string(),
                cells[1].to_string(),
                format!("{} {}", cells[2], cells[3].split(" (").next().unwrap()),
            )
        })
        .collect()
}

#[test]
fn long_form_csv_reports_a_refused_element_at_its_own_row() {
    let dir = scratch("refuse_long_csv");
    let header = "id,period,salary,rate,overtime_ytd,shift_start,shift_end,shift_kind";
    let row = |id: u32, start: &str, end: &str| {
        format!("{id},2026-06-01,30000.00,100.00,0.00,{start},{end},ordinary")
    };
    // Data rows from 1; a blank line after row 5 puts rows 6 on one
    // line further down.
    let csv = [
        header.to_string(),
        row(1, "2026-06-05T08:00", "2026-06-05T16:00"), // row 1, line 2
        row(2, "2026-06-05T08:00", "2026-06-05T16:00"), // row 2
        row(2, "2026-06-08T08:00", "2026-06-08T16:00"), // row 3
        row(2, "2026-06-10T08:00", "2026-06-11T09:00"), // row 4, line 5: shifts[2], 25 h
        row(3, "2026-06-12T08:00", "2026-06-12T16:00"), // row 5, line 6
        String::new(),
        row(3, "2026-06-15T08:00", "2026-06-15T07:00"), // row 6, line 8: shifts[1], reversed
        row(4, "2026-05-31T22:00", "2026-06-01T06:00"), // row 7, line 9: shifts[0], May
        row(5, "2026-06-16T08:00", "2026-06-16T16:00"), // row 8
        row(5, "2026-06-3xT08:00", "2026-06-17T16:00"), // row 9, line 11: a bad cell
        row(6, "2026-06-08T08:00", "2026-06-09T08:00"), // row 10
    ];
    write(&dir, "input.csv", &(csv.join("\n") + "\n"));
    let (code, stdout, stderr, errors) = run_with(&dir, "input.csv", &[]);
    assert_eq!(code, 2, "{stderr}");
    let ids: Vec<&str> = stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["1", "6"]);
    let at = |row: &str, field: &str, message: &str| {
        (row.to_string(), field.to_string(), message.to_string())
    };
    let rows = error_rows(&errors);
    assert_eq!(
        rows[..3],
        [
            at(
                "4",
                "shifts[2]",
                "E0510 a shift must be at most 24 hours long"
            ),
            at("6", "shifts[1]", "E0510 a shift must end after it starts"),
            at(
                "7",
                "shifts[0]",
                "E0510 a shift must start inside the period's month"
            ),
        ]
    );
    // A bad element cell was already at its own row: it stays there.
    assert_eq!(
        (rows[3].0.as_str(), rows[3].1.as_str()),
        ("9", "shift_start"),
        "{errors}"
    );
    assert_eq!(rows.len(), 4, "{errors}");
    let refuse_line = line_of("if s.end - s.start > 24 h");
    assert!(
        errors.contains(&format!(
            "4,shifts[2],E0510,a shift must be at most 24 hours long ({AGREEMENT}:{refuse_line}:3)\n"
        )),
        "{errors}"
    );
    // The summary names each element's row and file line.
    for place in [
        "row 4 (line 5), field shifts[2]: a shift must be at most 24 hours long",
        "row 6 (line 8), field shifts[1]: a shift must end after it starts",
        "row 7 (line 9), field shifts[0]: a shift must start inside the period's month",
        "row 9 (line 11), field shift_start:",
    ] {
        assert!(stderr.contains(place), "{place}\n{stderr}");
    }
    // Both engines, one thread or several: the same bytes.
    let expected = (code, stdout, stderr, errors);
    for extra in [
        &["--engine", "interp"][..],
        &["--threads", "1"],
        &["--engine", "interp", "--threads", "1"],
        &["--threads", "2"],
    ] {
        assert_eq!(run_with(&dir, "input.csv", extra), expected, "{extra:?}");
    }
}

#[test]
fn json_lines_reports_a_refused_element_at_its_record_row() {
    let dir = scratch("refuse_jsonl_rows");
    let lines = [
        record(1, &[("2026-06-05T08:00", "2026-06-05T16:00", "ordinary")]),
        record(
            2,
            &[
                ("2026-06-05T08:00", "2026-06-05T16:00", "ordinary"),
                ("2026-06-08T08:00", "2026-06-08T16:00", "ordinary"),
                ("2026-06-10T08:00", "2026-06-11T09:00", "ordinary"),
            ],
        ),
    ];
    write(&dir, "input.jsonl", &(lines.join("\n") + "\n"));
    for extra in [&[][..], &["--engine", "interp", "--threads", "1"]] {
        let (code, _, stderr, errors) = run_with(&dir, "input.jsonl", extra);
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(
            error_rows(&errors),
            [(
                "2".to_string(),
                "shifts[2]".to_string(),
                "E0510 a shift must be at most 24 hours long".to_string()
            )]
        );
        assert!(
            stderr.contains("row 2 (line 2), field shifts[2]"),
            "{stderr}"
        );
    }
}

#[test]
fn explain_shows_the_refusal_with_its_message_and_place() {
    let case = record(
        7,
        &[
            ("2026-06-05T08:00", "2026-06-05T16:00", "ordinary"),
            ("2026-06-10T08:00", "2026-06-11T08:01", "overtime"),
        ],
    );
    let run = avtal(&workspace(), &["explain", AGREEMENT, "--case", &case]);
    let line = line_of("if s.end - s.start > 24 h");
    assert!(
        run.stdout.contains(&format!(
            "error[E0510]: a shift must be at most 24 hours long [{AGREEMENT}:{line}:3]"
        )),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        all.contains("help: the agreement does not accept `shifts[1]`: correct it in the input"),
        "{all}"
    );
}
