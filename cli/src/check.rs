//! `avtal check`: compile the given sources and report every diagnostic,
//! as miette reports on stderr or as JSON lines on stdout.

use std::io::Write as _;

use avtal_compiler::diagnostics::render::{render_human, render_json};
use avtal_compiler::{Severity, compile};

use crate::term::{Failure, Stream, plural, render_options};
use crate::{CheckArgs, MessageFormat, Status, loader};

pub fn run(args: &CheckArgs) -> Result<Status, Failure> {
    let loaded = loader::load(&args.paths)?;
    let compilation = compile(&loaded.sources);
    let diagnostics = &compilation.diagnostics;
    match args.message_format {
        MessageFormat::Human => {
            let text = render_human(&loaded.sources, diagnostics, render_options(Stream::Stderr));
            eprint!("{text}");
        }
        MessageFormat::Json => {
            let mut stdout = std::io::stdout().lock();
            for diagnostic in render_json(&loaded.sources, diagnostics) {
                let line = serde_json::to_string(&diagnostic)
                    .map_err(|e| Failure::new(format!("cannot write JSON: {e}")))?;
                writeln!(stdout, "{line}")
                    .map_err(|e| Failure::write(std::path::Path::new("-"), &e))?;
            }
            stdout
                .flush()
                .map_err(|e| Failure::write(std::path::Path::new("-"), &e))?;
        }
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    eprintln!(
        "checked {}: {}, {}",
        plural(loaded.user_file_count(), "file"),
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    Ok(if errors > 0 {
        Status::Failed
    } else {
        Status::Success
    })
}
