//! The data-driven test harness: every file under `tests/<stage>/` is its
//! own named test.
//!
//! - `syntax/*.avtal`, `check/*.avtal`: compiled together with the stdlib;
//!   the rendered diagnostics (miette, no colour, width 80) must equal the
//!   `.stderr` file beside the case. `UPDATE_EXPECT=1` rewrites them.
//! - `eval/*.avtal`: must check cleanly and every `example` must pass; a
//!   case whose examples are meant to fail at run time has a `.stderr`
//!   with the rendered evaluation errors instead. Every example also runs
//!   through both engines (as an entry point of its assertions, compiled
//!   by the JIT and interpreted), which must give the same answers.
//! - Every diagnostic code must be documented in `docs/diagnostics.md` and
//!   appear in at least one expected file (here or under `tests/run/`).
//!
//! `cargo test -p avtal-tests -- FILTER` runs the cases whose name contains FILTER.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use avtal_compiler::diagnostics::Code;
use avtal_compiler::diagnostics::render::{RenderOptions, render_human};
use avtal_compiler::eval::{ExampleOutcome, Interpreter, Value};
use avtal_compiler::{Diagnostic, Sources, compile, stdlib};
use avtal_engine::{Engine, PreparedEntry, with_example_entries};

struct Case {
    name: String,
    run: Box<dyn Fn() -> Result<(), String>>,
}

fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cases_in(stage: &str, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(tests_dir().join(stage))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Compile one case file (named relative to `tests/`) with the stdlib.
fn compile_case(path: &Path) -> Result<(Sources, avtal_compiler::Compilation), String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let name = path
        .strip_prefix(tests_dir())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    let mut sources = Sources::new();
    stdlib::add_to(&mut sources);
    sources.add(name, text);
    let compilation = compile(&sources);
    Ok((sources, compilation))
}

fn render(sources: &Sources, diagnostics: &[Diagnostic]) -> String {
    render_human(
        sources,
        diagnostics,
        RenderOptions {
            width: 80,
            color: false,
        },
    )
}

/// Compare `actual` with the file at `expected_path`, or rewrite it.
fn expect_file(expected_path: &Path, actual: &str) -> Result<(), String> {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::write(expected_path, actual).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let expected = fs::read_to_string(expected_path).map_err(|_| {
        format!(
            "missing {}; run with UPDATE_EXPECT=1 to create it, then review it\n--- actual ---\n{actual}",
            expected_path.display()
        )
    })?;
    if expected == actual {
        Ok(())
    } else {
        Err(format!(
            "output differs from {} (UPDATE_EXPECT=1 rewrites it)\n--- expected ---\n{expected}\n--- actual ---\n{actual}",
            expected_path.display()
        ))
    }
}

fn diagnostics_case(path: PathBuf) -> Result<(), String> {
    let (sources, compilation) = compile_case(&path)?;
    if compilation.diagnostics.is_empty() {
        return Err("expected diagnostics, found none".into());
    }
    let rendered = render(&sources, &compilation.diagnostics);
    expect_file(&path.with_extension("stderr"), &rendered)
}

fn eval_case(path: PathBuf) -> Result<(), String> {
    let (sources, compilation) = compile_case(&path)?;
    if compilation.has_errors() {
        return Err(render(&sources, &compilation.diagnostics));
    }
    let program = &compilation.program;
    let interpreter = Interpreter::new(program);
    let file = sources.ids().last();
    let mut failures = Vec::new();
    let mut errors = Vec::new();
    let mut n_examples = 0;
    let mut indices = Vec::new();
    for (index, example) in program.examples.iter().enumerate() {
        if Some(example.span.file) != file {
            continue;
        }
        n_examples += 1;
        indices.push(index);
        match interpreter.run_example(index) {
            ExampleOutcome::Passed => {}
            ExampleOutcome::Failed(list) => {
                for f in list {
                    failures.push(format!(
                        "{}: example \"{}\": expected {}, actual {}",
                        sources.location(f.span),
                        example.title,
                        f.expected.unwrap_or_else(|| "true".into()),
                        f.actual.unwrap_or_else(|| "false".into())
                    ));
                }
            }
            ExampleOutcome::Error(e) => errors.push(e.to_diagnostic()),
        }
    }
    if n_examples == 0 {
        return Err("an eval case needs at least one example".into());
    }
    failures.extend(engines_differ(program, &indices));
    if !failures.is_empty() {
        return Err(failures.join("\n"));
    }
    let expected_errors = path.with_extension("stderr");
    if errors.is_empty() && !expected_errors.exists() {
        return Ok(());
    }
    expect_file(&expected_errors, &render(&sources, &errors))
}

/// Run the examples `indices` through the JIT and the interpreter (each as
/// an entry point of its assertions); one message per example whose
/// answers differ. Examples the JIT does not compile (texts compared, say)
/// run in the interpreter alone, as `avtal run` would run them.
fn engines_differ(program: &avtal_compiler::ir::Program, indices: &[usize]) -> Vec<String> {
    let (extended, entries) = with_example_entries(program, indices);
    let record = Value::Record(Vec::new().into());
    let mut differences = Vec::new();
    for (index, entry) in indices.iter().zip(&entries) {
        let Some(entry) = entry else {
            continue;
        };
        let mut jit = PreparedEntry::prepare(&extended, entry, Engine::Jit);
        if !jit.is_native() {
            continue;
        }
        let mut interp = PreparedEntry::prepare(&extended, entry, Engine::Interp);
        let (native, reference) = (jit.evaluate_value(&record), interp.evaluate_value(&record));
        if format!("{native:?}") != format!("{reference:?}") {
            let title = program
                .examples
                .get(*index)
                .map_or("?", |e| e.title.as_str());
            differences.push(format!(
                "example \"{title}\": the JIT gives {native:?}, the interpreter {reference:?}"
            ));
        }
    }
    differences
}

/// Codes a checked program cannot produce: the checker's static scales
/// rule them out, so they are safety nets, covered by unit tests in
/// `compiler/src/data.rs` instead of expected outputs here.
const SAFETY_NETS: &[Code] = &[Code::NotExact, Code::Internal];

/// Every code is documented and exercised by some expected output.
fn codes_case() -> Result<(), String> {
    let root = tests_dir().join("..");
    let docs = fs::read_to_string(root.join("docs/diagnostics.md"))
        .map_err(|e| format!("cannot read docs/diagnostics.md: {e}"))?;
    let mut expected_outputs = String::new();
    for dir in ["syntax", "check", "eval"] {
        for ext in ["stderr"] {
            for f in cases_in(dir, ext) {
                expected_outputs.push_str(&fs::read_to_string(f).unwrap_or_default());
            }
        }
    }
    collect_run_expectations(&tests_dir().join("run"), &mut expected_outputs);
    let mut problems = Vec::new();
    for code in Code::ALL {
        let text = code.as_str();
        if !docs.contains(&format!("## {text}")) {
            problems.push(format!(
                "{text} has no `## {text}` section in docs/diagnostics.md"
            ));
        }
        if !expected_outputs.contains(text) && !SAFETY_NETS.contains(code) {
            problems.push(format!("{text} appears in no expected output under tests/"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

fn collect_run_expectations(dir: &Path, out: &mut String) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_run_expectations(&path, out);
        } else if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("expected"))
        {
            out.push_str(&fs::read_to_string(&path).unwrap_or_default());
        }
    }
}

fn all_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for stage in ["syntax", "check"] {
        for path in cases_in(stage, "avtal") {
            let name = format!(
                "{stage}/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            );
            cases.push(Case {
                name,
                run: Box::new(move || diagnostics_case(path.clone())),
            });
        }
    }
    for path in cases_in("eval", "avtal") {
        let name = format!(
            "eval/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        cases.push(Case {
            name,
            run: Box::new(move || eval_case(path.clone())),
        });
    }
    cases.push(Case {
        name: "codes/documented_and_tested".into(),
        run: Box::new(codes_case),
    });
    cases
}

fn main() -> ExitCode {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let cases: Vec<Case> = all_cases()
        .into_iter()
        .filter(|c| filter.as_ref().is_none_or(|f| c.name.contains(f.as_str())))
        .collect();
    println!("\nrunning {} tests", cases.len());
    let mut failed = Vec::new();
    for case in &cases {
        match (case.run)() {
            Ok(()) => println!("test {} ... ok", case.name),
            Err(message) => {
                println!("test {} ... FAILED", case.name);
                failed.push((case.name.clone(), message));
            }
        }
    }
    for (name, message) in &failed {
        println!("\n---- {name} ----\n{message}");
    }
    let passed = cases.len() - failed.len();
    let status = if failed.is_empty() { "ok" } else { "FAILED" };
    println!(
        "\ntest result: {status}. {passed} passed; {} failed; 0 ignored; 0 measured; 0 filtered out\n",
        failed.len()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
