//! `avtal test`: run the `example` blocks of the given sources with the
//! reference interpreter and report each as `ok` or `FAILED`.
//!
//! A program with errors is never run: its diagnostics are shown instead.
//! The last line is always `test result: N passed, M failed`. With
//! `--coverage`, the coverage report of the examples that ran comes before
//! it (or, with `--format json`, is all that is printed).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use avtal_compiler::diagnostics::render::render_human;
use avtal_compiler::eval::{AssertionFailure, ExampleOutcome, Interpreter};
use avtal_compiler::explain::coverage::coverage;
use avtal_compiler::{Diagnostic, FileId, Severity, Sources, compile};

use crate::term::{Failure, Stream, plural, render_options};
use crate::{ReportFormat, Status, TestArgs, loader};

pub fn run(args: &TestArgs) -> Result<Status, Failure> {
    // `avtal test --stdlib` alone runs only the stdlib's examples.
    let paths = if args.paths.is_empty() && !args.stdlib {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let loaded = loader::load(&paths)?;
    let sources = &loaded.sources;
    let compilation = compile(sources);
    let options = render_options(Stream::Stderr);
    if compilation.has_errors() {
        eprint!(
            "{}",
            render_human(sources, &compilation.diagnostics, options)
        );
        let errors = compilation
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        return Err(Failure::new(format!(
            "cannot run examples: the program has {}",
            plural(errors, "error")
        ))
        .with_help("fix them first; `avtal check` lists them"));
    }
    let warnings: Vec<Diagnostic> = compilation
        .diagnostics
        .iter()
        .filter(|d| loaded.given.contains(&d.span.file))
        .cloned()
        .collect();
    eprint!("{}", render_human(sources, &warnings, options));

    let mut selected: HashSet<FileId> = loaded.given.iter().copied().collect();
    if args.stdlib {
        selected.extend(
            sources
                .ids()
                .filter(|id| sources.get(*id).is_some_and(|f| f.is_stdlib)),
        );
    }
    let interpreter = Interpreter::new(&compilation.program);
    let mut output_options = render_options(Stream::Stdout);
    // Evaluation errors are indented under their example.
    output_options.width = output_options.width.saturating_sub(8).max(40);
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut ran = Vec::new();
    // JSON coverage is alone on stdout, for tools.
    let quiet = args.coverage && args.format == ReportFormat::Json;
    for (index, example) in compilation.program.examples.iter().enumerate() {
        if !selected.contains(&example.span.file) {
            continue;
        }
        if let Some(filter) = &args.filter
            && !example.title.contains(filter.as_str())
        {
            continue;
        }
        let place = short_location(sources, example.span);
        ran.push(index);
        let outcome = interpreter.run_example(index);
        let mut report = String::new();
        match &outcome {
            ExampleOutcome::Passed => {
                passed += 1;
                let _ = writeln!(report, "ok      {place}  {}", example.title);
            }
            ExampleOutcome::Failed(failures) => {
                failed += 1;
                let _ = writeln!(report, "FAILED  {place}  {}", example.title);
                for failure in failures {
                    describe_failure(sources, failure, &mut report);
                    let diagnostic = failure.to_diagnostic(&example.title);
                    let rendered = render_human(sources, &[diagnostic], output_options);
                    indent(&rendered, &mut report);
                }
            }
            ExampleOutcome::Error(error) => {
                failed += 1;
                let _ = writeln!(report, "FAILED  {place}  {}", example.title);
                let rendered = render_human(sources, &[error.to_diagnostic()], output_options);
                indent(&rendered, &mut report);
            }
        }
        if !quiet {
            print!("{report}");
        }
    }
    if args.coverage {
        let mut files: Vec<FileId> = selected.iter().copied().collect();
        files.sort();
        let coverage = coverage(&compilation.program, &files, &ran);
        match args.format {
            ReportFormat::Text => print!("\n{}\n", coverage.render_text()),
            ReportFormat::Json => {
                let text = serde_json::to_string_pretty(&coverage.to_json())
                    .map_err(|e| Failure::new(format!("internal error: {e}")))?;
                println!("{text}");
            }
        }
    }
    if !quiet {
        println!("test result: {passed} passed, {failed} failed");
    }
    Ok(if failed > 0 {
        Status::Failed
    } else {
        Status::Success
    })
}

/// `file:line` of a span.
fn short_location(sources: &Sources, span: avtal_compiler::Span) -> String {
    let lc = sources.line_col(span.file, span.start);
    format!("{}:{}", sources.name(span.file), lc.line)
}

fn describe_failure(sources: &Sources, failure: &AssertionFailure, report: &mut String) {
    let code = sources.snippet(failure.span);
    let first_line = code.lines().next().unwrap_or("").trim();
    let _ = writeln!(
        report,
        "        assertion at {}: {first_line}",
        sources.location(failure.span)
    );
    if let Some(expected) = &failure.expected {
        let _ = writeln!(report, "          expected: {expected}");
    }
    if let Some(actual) = &failure.actual {
        let _ = writeln!(report, "          actual:   {actual}");
    }
}

fn indent(text: &str, report: &mut String) {
    for line in text.lines() {
        if line.is_empty() {
            report.push('\n');
        } else {
            let _ = writeln!(report, "        {line}");
        }
    }
}
