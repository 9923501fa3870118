//! Code lenses on `example` blocks: run each example of a file with the
//! reference interpreter and say whether it passed, and the actual value
//! when an `a == b` assertion failed. Programs with errors are not run.

use crate::Compilation;
use crate::eval::{ExampleOutcome, Interpreter};
use crate::source::{FileId, Span};

/// One lens: where to show it (the example's title) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleLens {
    pub span: Span,
    pub passed: bool,
    pub title: String,
}

/// The result of every example in `file`.
pub fn example_results(compilation: &Compilation, file: FileId) -> Vec<ExampleLens> {
    let examples = compilation
        .program
        .examples
        .iter()
        .enumerate()
        .filter(|(_, e)| e.span.file == file);
    if compilation.has_errors() {
        return examples
            .map(|(_, e)| ExampleLens {
                span: keyword_span(e.span),
                passed: false,
                title: "example not run: fix the errors first".into(),
            })
            .collect();
    }
    let interpreter = Interpreter::new(&compilation.program);
    examples
        .map(|(index, e)| {
            let (passed, title) = match interpreter.run_example(index) {
                ExampleOutcome::Passed => (true, "✔ example passes".to_string()),
                ExampleOutcome::Failed(failures) => {
                    let detail: Vec<String> = failures
                        .iter()
                        .map(|f| match (&f.actual, &f.expected) {
                            (Some(actual), Some(expected)) => {
                                format!("got {actual}, expected {expected}")
                            }
                            _ => "an assertion is false".to_string(),
                        })
                        .collect();
                    (false, format!("✘ example fails: {}", detail.join("; ")))
                }
                ExampleOutcome::Error(error) => (
                    false,
                    format!(
                        "✘ example stops: error[{}]: {}",
                        error.code(),
                        error.message()
                    ),
                ),
            };
            ExampleLens {
                span: Span::new(
                    e.span.file,
                    e.span.start as usize,
                    e.span.start as usize + 7,
                ),
                passed,
                title,
            }
        })
        .collect()
}

/// The `example` keyword at the start of an example's span.
fn keyword_span(example: Span) -> Span {
    let start = example.start as usize;
    Span::new(example.file, start, start.saturating_add("example".len()))
}
