//! `avtal build FILE [--entry NAME]... -o DIR`: a shared library with C
//! entry points, its header and a JSON Schema per entry point
//! (docs/aot.md).
//!
//! The compiler library makes the object file and the texts; this module
//! writes them and links the library with the system's C compiler (`cc`,
//! or `$CC`). Entry points the compiled code cannot hold (`Decimal`
//! fields, lists that are not lists of records of scalars, constructs the JIT leaves to the interpreter) are
//! skipped with a warning when the user asked for all of them, and fail
//! the build when named. Nothing in DIR changes unless every file was
//! written (`safe_file`).

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use avtal_compiler::ir::{FuncId, Program};
use avtal_engine::codegen::{self, CNameKind, CNameSource, CodegenError};
use avtal_engine::{Engine, PreparedEntry};

use crate::loader;
use crate::safe_file::{self, SafeFile};
use crate::term::{Failure, display_path};
use crate::{BuildArgs, Status};

pub const HELP: &str = "\
Writes into DIR:
  lib<name>.so        the entry points as C functions (name: the file's name)
  <name>.h            their declarations, record structs, enum tags, error codes
  <name>.cdef.h       the same declarations for FFI generators (cffi's ffi.cdef):
                      no preprocessor directives, constants as enumerators
  <Entry>.schema.json the JSON Schema of each entry point's input and output

The library evaluates records natively and has no interpreter behind it:
a record whose values leave the compiled fixed point returns AVTAL_E_RANGE
(evaluate it with `avtal run`). Linking needs a C compiler: `cc`, or the
one $CC names. See docs/aot.md for the calling convention.";

pub fn run(args: &BuildArgs) -> Result<Status, Failure> {
    let started = Instant::now();
    let loaded = loader::load(std::slice::from_ref(&args.file))?;
    let sources = &loader::without_unused_stdlib(&loaded.sources);
    let what = format!("build {}", display_path(&args.file));
    let compilation = crate::entry::compile_or_fail(sources, &what, None)?;
    let program = &compilation.program;
    let file = loaded.given.first().copied();

    let chosen = choose_entries(&compilation, file, &args.entry)?;
    let library_name = args
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "avtal".to_string());
    check_c_names(program, &chosen, &library_name)?;
    let library = codegen::build_library(program, &chosen, &library_name)
        .map_err(|e| Failure::new(format!("cannot compile {}: {e}", display_path(&args.file))))?;

    fs::create_dir_all(&args.output).map_err(|e| Failure::write(&args.output, &e))?;
    let so_path = args.output.join(format!("lib{}.so", library.c_name));
    let header_path = args.output.join(format!("{}.h", library.c_name));
    let cdef_path = args.output.join(format!("{}.cdef.h", library.c_name));
    let mut written = vec![so_path.clone(), header_path.clone(), cdef_path.clone()];
    let mut schemas = Vec::with_capacity(library.entries.len());
    for (index, entry) in library.entries.iter().enumerate() {
        let path = args.output.join(format!("{}.schema.json", entry.c_name));
        let schema = codegen::json_schema(program, &library, index)
            .ok_or_else(|| Failure::new("internal error: a JSON Schema that is not JSON"))?;
        written.push(path.clone());
        schemas.push((path, schema + "\n"));
    }
    // No output may be one of the sources (a module named like the header).
    let source_paths = safe_file::source_files(sources);
    let inputs = safe_file::inputs_and_sources(Vec::new(), &source_paths);
    let outputs: Vec<safe_file::Named> = written
        .iter()
        .map(|path| safe_file::Named::new("the output", path))
        .collect();
    safe_file::refuse_conflicts(&inputs, &outputs)?;

    // Every file goes to a temporary file first and replaces the previous
    // one only when all are written (`main` commits them together).
    let object_path = args.output.join(format!("{}.o", library.c_name));
    let mut object = SafeFile::create_named(&object_path)?;
    object
        .write_all(&library.object)
        .and_then(|()| object.flush())
        .map_err(|e| Failure::write(&object_path, &e))?;
    let shared = SafeFile::create_named(&so_path)?;
    let source_name = display_path(&args.file);
    let exports = codegen::exports_source(program, &library, &source_name);
    let linked = link(object.temp_path(), &exports, shared.temp_path(), &so_path);
    object.discard();
    linked?;
    shared.finish()?;

    let header = codegen::c_header(program, &library, &source_name);
    safe_file::write_all(&header_path, header.as_bytes())?;
    let cdef = codegen::cdef_header(program, &library, &source_name);
    safe_file::write_all(&cdef_path, cdef.as_bytes())?;
    for (path, schema) in &schemas {
        safe_file::write_all(path, schema.as_bytes())?;
    }
    if !args.quiet {
        let names: Vec<&str> = library.entries.iter().map(|e| e.name.as_str()).collect();
        eprintln!(
            "built {} entry point{} ({}) in {:.2} s:",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            names.join(", "),
            started.elapsed().as_secs_f64()
        );
        for path in &written {
            eprintln!("  {}", display_path(path));
        }
    }
    Ok(Status::Success)
}

/// The named entry points (each must compile), or every one in the file
/// that compiles (the others skipped with a warning).
fn choose_entries(
    compilation: &avtal_compiler::Compilation,
    file: Option<avtal_compiler::FileId>,
    wanted: &[String],
) -> Result<Vec<FuncId>, Failure> {
    let program = &compilation.program;
    let given: Vec<avtal_compiler::FileId> = file.into_iter().collect();
    if !wanted.is_empty() {
        let mut chosen = Vec::with_capacity(wanted.len());
        for name in wanted {
            let id = crate::entry::select_entry(compilation, &given, Some(name), "")?.function;
            if let Err(error) = library_supports(program, id) {
                return Err(Failure::new(format!(
                    "entry point `{name}` cannot be compiled to native code: {error}"
                ))
                .with_help(
                    "evaluate it with `avtal run`, which interprets what it cannot compile",
                ));
            }
            if !chosen.contains(&id) {
                chosen.push(id);
            }
        }
        return Ok(chosen);
    }
    let in_file: Vec<(FuncId, String)> = program
        .entry_points()
        .filter(|(_, f)| file == Some(f.span.file))
        .map(|(id, f)| (id, f.name.clone()))
        .collect();
    if in_file.is_empty() {
        return Err(
            Failure::new("the file has no `evaluate` entry point to build")
                .with_help("an entry point is `evaluate Name(x: Record) -> Record { … }`"),
        );
    }
    let mut chosen = Vec::new();
    for (id, name) in in_file {
        match library_supports(program, id) {
            Ok(()) => chosen.push(id),
            Err(error) => eprintln!(
                "warning: skipping entry point `{name}`: it cannot be compiled to native code ({error}); `avtal run` evaluates it"
            ),
        }
    }
    if chosen.is_empty() {
        return Err(Failure::new(
            "no entry point of the file can be compiled to native code",
        ));
    }
    Ok(chosen)
}

/// Whether a shared library can hold entry point `id`: exactly when the
/// engine compiles it natively (the library has no interpreter behind it).
fn library_supports(program: &Program, id: FuncId) -> Result<(), CodegenError> {
    let entry = program.entry(id).ok_or(CodegenError::Internal(
        "an entry point the checker did not record",
    ))?;
    match PreparedEntry::prepare(program, entry, Engine::Jit).not_compiled() {
        Some(why) => Err(why.clone()),
        None => Ok(()),
    }
}

/// Refuse a library whose C names clash (`codegen::c_name_clashes`):
/// every clash, naming both sources, and how to rename the second.
fn check_c_names(
    program: &avtal_compiler::ir::Program,
    chosen: &[FuncId],
    library: &str,
) -> Result<(), Failure> {
    let clashes = codegen::c_name_clashes(program, chosen, library);
    let Some(last) = clashes.last() else {
        return Ok(());
    };
    let lines: Vec<String> = clashes
        .iter()
        .map(|clash| match clash.kind {
            CNameKind::Member => format!(
                "{} becomes the C struct member `{}`, which the header defines as a macro ({})",
                describe(&clash.second),
                clash.c_name,
                describe(&clash.first)
            ),
            kind => format!(
                "{} and {} both become the C {} `{}`",
                describe(&clash.first),
                describe(&clash.second),
                kind_word(kind),
                clash.c_name
            ),
        })
        .collect();
    let headline = if lines.len() == 1 {
        "a name clashes in the C header".to_string()
    } else {
        format!("{} names clash in the C header", lines.len())
    };
    Err(
        Failure::new(format!("{headline}:\n  {}", lines.join("\n  ")))
            .with_help(rename_help(&last.second)),
    )
}

fn describe(source: &CNameSource) -> String {
    match source {
        CNameSource::Entry(name) => format!("entry point `{name}`"),
        CNameSource::TextAccessor { entry, field } => {
            format!("the text accessor of field `{field}` of entry point `{entry}`")
        }
        CNameSource::Field { record, field } => format!("field `{field}` of `{record}`"),
        CNameSource::ListLength { record, field } => {
            format!("the length of list field `{field}` of `{record}`")
        }
        CNameSource::ListElement(record) => {
            format!("record `{record}` (the struct of a list's elements)")
        }
        CNameSource::Variant { enum_name, variant } => {
            format!("variant `{variant}` of enum `{enum_name}`")
        }
        CNameSource::VariantCount(enum_name) => {
            format!("the number of variants of enum `{enum_name}`")
        }
        CNameSource::Library(name) => format!("the library `{name}` (named after its file)"),
        CNameSource::Header(what) => format!("the header's own name for {what}"),
    }
}

fn kind_word(kind: CNameKind) -> &'static str {
    match kind {
        CNameKind::Macro => "macro",
        CNameKind::Function => "function",
        CNameKind::Struct => "struct",
        CNameKind::Member | CNameKind::LengthMember => "struct member",
    }
}

fn rename_help(source: &CNameSource) -> String {
    let rule = "C names keep A-Z, a-z, 0-9 and _, write å and ä as a and ö as o, \
                and enum tags are in capitals";
    match source {
        CNameSource::Entry(name) | CNameSource::TextAccessor { entry: name, .. } => format!(
            "rename entry point `{name}`, or build the entry points separately with --entry ({rule})"
        ),
        CNameSource::Field { record, field } | CNameSource::ListLength { record, field } => {
            format!("rename field `{field}` of `{record}` ({rule})")
        }
        CNameSource::ListElement(record) => format!("rename record `{record}` ({rule})"),
        CNameSource::Variant { enum_name, variant } => {
            format!("rename variant `{variant}` of enum `{enum_name}` ({rule})")
        }
        CNameSource::VariantCount(enum_name) => {
            format!("rename enum `{enum_name}` or the variant that meets its count ({rule})")
        }
        CNameSource::Library(name) => format!("rename the file `{name}.avtal` ({rule})"),
        CNameSource::Header(_) => format!("rename the other name ({rule})"),
    }
}

/// `cc -shared` (or `$CC`) the object and the C source of the exported
/// helpers (`exports`, given on standard input) into a shared library at
/// `library` (a temporary file; `shown` is the library's name in
/// messages).
fn link(object: &Path, exports: &str, library: &Path, shown: &Path) -> Result<(), Failure> {
    let compiler: PathBuf = std::env::var_os("CC")
        .filter(|c| !c.is_empty())
        .map_or_else(|| PathBuf::from("cc"), PathBuf::from);
    let child = Command::new(&compiler)
        .arg("-shared")
        .arg("-fPIC")
        .arg("-O2")
        .arg("-Wl,-z,noexecstack")
        .arg("-o")
        .arg(library)
        .arg(object)
        // The exported helpers' source, C from standard input.
        .args(["-x", "c", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            // A compiler that exits early closes the pipe; its status says why.
            if let Some(mut stdin) = child.stdin.take() {
                let _ = stdin.write_all(exports.as_bytes());
            }
            child.wait_with_output()
        });
    let output = child.map_err(|error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            Failure::new(format!(
                "cannot link the library: the C compiler `{}` was not found",
                compiler.display()
            ))
            .with_help("install a C toolchain (gcc or clang), or name one with CC=…")
        } else {
            Failure::new(format!(
                "cannot run the C compiler `{}`: {error}",
                compiler.display()
            ))
        }
    })?;
    if !output.status.success() {
        return Err(Failure::new(format!(
            "`{} -shared` failed to link {}:\n{}",
            compiler.display(),
            display_path(shown),
            String::from_utf8_lossy(&output.stderr).trim_end()
        )));
    }
    Ok(())
}
