//! What the commands that evaluate an entry point share before they read
//! data: loading and compiling the sources (stopping on errors) and
//! choosing the entry point.

use avtal_compiler::diagnostics::messages::data as msg;
use avtal_compiler::diagnostics::render::render_human;
use avtal_compiler::ir::{EntryPoint, FuncId};
use avtal_compiler::{Compilation, Diagnostic, FileId, Sources, compile};

use crate::loader::{self, Loaded};
use crate::term::{Failure, Stream, display_path, plural, render_options};

/// One agreement file named on the command line, compiled, and the entry
/// point chosen in it.
pub struct EntryOfFile {
    pub loaded: Loaded,
    pub compilation: Compilation,
    pub entry: EntryPoint,
}

/// Load `file` (and the modules it uses), compile it or fail with
/// "cannot {verb} FILE", and choose `wanted` or the file's only entry point
/// (not one of the modules it uses).
pub fn load_entry(
    file: &std::path::Path,
    wanted: Option<&str>,
    verb: &str,
) -> Result<EntryOfFile, Failure> {
    let mut loaded = loader::load(std::slice::from_ref(&file.to_path_buf()))?;
    loaded.sources = loader::without_unused_stdlib(&loaded.sources);
    let what = format!("{verb} {}", display_path(file));
    let compilation = compile_or_fail(&loaded.sources, &what, None)?;
    let given: Vec<FileId> = loaded.given.first().copied().into_iter().collect();
    let entry = select_entry(&compilation, &given, wanted, &display_path(file))?;
    Ok(EntryOfFile {
        loaded,
        compilation,
        entry,
    })
}

/// Compile `sources`; on errors, print them and fail with
/// "cannot {what}: the program has N errors".
pub fn compile_or_fail(
    sources: &Sources,
    what: &str,
    help: Option<&str>,
) -> Result<Compilation, Failure> {
    let compilation = compile(sources);
    if !compilation.has_errors() {
        return Ok(compilation);
    }
    let errors: Vec<Diagnostic> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    eprint!(
        "{}",
        render_human(sources, &errors, render_options(Stream::Stderr))
    );
    let failure = Failure::new(format!(
        "cannot {what}: the program has {}",
        plural(errors.len(), "error")
    ));
    Err(match help {
        Some(h) => failure.with_help(h),
        None => failure,
    })
}

/// The entry point: `wanted` by name, else the only one in the `given`
/// files (or, when they have none, the only one anywhere). `given_name`
/// names those files in the "no entry point" message.
pub fn select_entry(
    compilation: &Compilation,
    given: &[FileId],
    wanted: Option<&str>,
    given_name: &str,
) -> Result<EntryPoint, Failure> {
    let id = select_function(compilation, given, wanted, given_name)?;
    // The checker accepted the shape of every entry point of a program
    // without errors, and records it.
    compilation
        .program
        .entry(id)
        .copied()
        .ok_or_else(|| Failure::new("internal error: an entry point the checker did not record"))
}

fn select_function(
    compilation: &Compilation,
    given: &[FileId],
    wanted: Option<&str>,
    given_name: &str,
) -> Result<FuncId, Failure> {
    let program = &compilation.program;
    let all: Vec<(FuncId, &str, bool)> = program
        .entry_points()
        .map(|(id, f)| (id, f.name.as_str(), given.contains(&f.span.file)))
        .collect();
    let names = |entries: &[&(FuncId, &str, bool)]| -> Vec<String> {
        entries
            .iter()
            .map(|(_, name, _)| (*name).to_string())
            .collect()
    };
    if let Some(wanted) = wanted {
        return all
            .iter()
            .find(|(_, name, _)| *name == wanted)
            .map(|(id, _, _)| *id)
            .ok_or_else(|| {
                msg::unknown_entry(wanted, &names(&all.iter().collect::<Vec<_>>())).into()
            });
    }
    let in_given: Vec<&(FuncId, &str, bool)> = all.iter().filter(|e| e.2).collect();
    let candidates = if in_given.is_empty() {
        all.iter().collect()
    } else {
        in_given
    };
    match candidates.as_slice() {
        [(id, _, _)] => Ok(*id),
        [] => Err(msg::no_entry(given_name).into()),
        several => Err(msg::several_entries(&names(several)).into()),
    }
}
