//! `avtal test`: run the `example` blocks of the given sources with the
//! reference interpreter and report each as `ok` or `FAILED`.
//!
//! Without a path, the sources are the project file's (`avtal.toml`,
//! `project.rs`), or the current directory. A file with errors is not
//! run: its diagnostics are shown, the files that compile without it run
//! (`sources_that_compile`), and the command fails. The last line is
//! always `test result: N passed, M failed`. With
//! `--coverage`, the coverage report of the examples that ran comes before
//! it (or, with `--format json`, is all that is printed).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use avtal_compiler::diagnostics::render::render_human;
use avtal_compiler::eval::{AssertionFailure, ExampleOutcome, Interpreter};
use avtal_compiler::explain::coverage::coverage;
use avtal_compiler::{Compilation, Diagnostic, FileId, Severity, Sources, compile, syntax};

use crate::loader::{self, Loaded};
use crate::term::{Failure, Stream, plural, render_options};
use crate::{ReportFormat, Status, TestArgs, project};

pub fn run(args: &TestArgs) -> Result<Status, Failure> {
    // `avtal test --stdlib` alone runs only the stdlib's examples.
    let (paths, exclude) = if args.paths.is_empty() && !args.stdlib {
        match project::find()? {
            Some(project) => (project.sources, project.exclude),
            None => (vec![PathBuf::from(".")], Vec::new()),
        }
    } else {
        (args.paths.clone(), Vec::new())
    };
    let options = render_options(Stream::Stderr);
    let Runnable {
        loaded,
        compilation,
        left_out,
    } = sources_that_compile(&paths, &exclude)?;
    let sources = &loaded.sources;
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
        if !args.filter.is_empty()
            && !args
                .filter
                .iter()
                .any(|filter| example.title.contains(filter.as_str()))
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
        if left_out.is_empty() {
            println!("test result: {passed} passed, {failed} failed");
        } else {
            println!(
                "test result: {passed} passed, {failed} failed; {} with errors not run",
                plural(left_out.len(), "file"),
            );
        }
    }
    if !left_out.is_empty() {
        eprintln!(
            "error: {} with errors not run (the diagnostics are above): {}\n  help: fix them, or leave test fixtures out with `exclude` in {}",
            plural(left_out.len(), "file"),
            left_out.join(", "),
            project::FILE_NAME
        );
        return Ok(Status::Failed);
    }
    Ok(if failed > 0 {
        Status::Failed
    } else {
        Status::Success
    })
}

/// The sources `avtal test` runs and their compilation.
struct Runnable {
    loaded: Loaded,
    compilation: Compilation,
    /// The names of the files left out for their errors (or for a module
    /// they use that has errors).
    left_out: Vec<String>,
}

/// Load `paths` and compile them; while the program has errors, show
/// them, leave out every given file that has an error or reaches one
/// through its `use`s, and compile the rest again. Fails as before only
/// when nothing would be left (or no given file is to blame, such as an
/// error in the stdlib).
fn sources_that_compile(paths: &[PathBuf], exclude: &[PathBuf]) -> Result<Runnable, Failure> {
    let options = render_options(Stream::Stderr);
    let mut paths = paths.to_vec();
    let mut left_out = Vec::new();
    loop {
        let loaded = loader::load_excluding(&paths, exclude)?;
        let compilation = compile(&loaded.sources);
        if !compilation.has_errors() {
            return Ok(Runnable {
                loaded,
                compilation,
                left_out,
            });
        }
        let sources = &loaded.sources;
        eprint!(
            "{}",
            render_human(sources, &compilation.diagnostics, options)
        );
        let broken = files_with_errors(sources, &loaded.given, &compilation.diagnostics);
        if broken.is_empty() || broken.len() == loaded.given.len() {
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
        // The rest, by file: a directory is walked once, so its other
        // files are named one by one from now on.
        paths = loaded
            .given
            .iter()
            .zip(&loaded.given_paths)
            .filter(|(id, _)| !broken.contains(id))
            .map(|(_, path)| path.clone())
            .collect();
        left_out.extend(broken.iter().map(|id| sources.name(*id).to_string()));
    }
}

/// The given files that have an error diagnostic, or `use` (directly or
/// through other modules) a module that has one.
fn files_with_errors(
    sources: &Sources,
    given: &[FileId],
    diagnostics: &[Diagnostic],
) -> Vec<FileId> {
    let bad: HashSet<FileId> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.span.file)
        .collect();
    let mut file_of_module: HashMap<String, FileId> = HashMap::new();
    let mut uses: HashMap<FileId, Vec<String>> = HashMap::new();
    for id in sources.ids() {
        let (module, _) = syntax::parse(sources, id);
        if let Some(name) = &module.name {
            file_of_module.entry(name.dotted()).or_insert(id);
        }
        uses.insert(id, module.uses.iter().map(|u| u.path.dotted()).collect());
    }
    let reaches_bad = |start: FileId| {
        let mut seen = HashSet::from([start]);
        let mut queue = vec![start];
        while let Some(id) = queue.pop() {
            if bad.contains(&id) {
                return true;
            }
            for used in uses.get(&id).into_iter().flatten() {
                if let Some(&next) = file_of_module.get(used)
                    && seen.insert(next)
                {
                    queue.push(next);
                }
            }
        }
        false
    };
    given
        .iter()
        .copied()
        .filter(|id| reaches_bad(*id))
        .collect()
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
