//! `avtal fmt [--check] PATH…`: format sources with the compiler's
//! formatter (the same one the language server uses). Files with syntax
//! errors are reported and left alone. A file is rewritten through a
//! temporary file beside it (`safe_file`): the new texts replace the old
//! ones when every file was formatted, and an interrupted `fmt` changes
//! nothing.

use std::fs;
use std::path::PathBuf;

use avtal_compiler::format::format_source;

use crate::term::{Failure, display_path, plural};
use crate::{FmtArgs, Status, loader};

pub fn run(args: &FmtArgs) -> Result<Status, Failure> {
    let mut files: Vec<PathBuf> = Vec::new();
    for path in &args.paths {
        let metadata = fs::metadata(path).map_err(|e| Failure::read(path, &e))?;
        if metadata.is_dir() {
            let mut found = Vec::new();
            loader::walk(path, &mut found).map_err(|(p, e)| Failure::read(&p, &e))?;
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    let mut changed = 0;
    let mut refused = 0;
    for file in &files {
        let shown = display_path(file);
        let text = fs::read_to_string(file).map_err(|e| Failure::read(file, &e))?;
        match format_source(&text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                changed += 1;
                if args.check {
                    eprintln!("would reformat {shown}");
                } else {
                    crate::safe_file::write_all(file, formatted.as_bytes())?;
                    eprintln!("formatted {shown}");
                }
            }
            Err(error) => {
                refused += 1;
                eprintln!("error: {shown}: {error}");
            }
        }
    }
    let verb = if args.check {
        "would reformat"
    } else {
        "reformatted"
    };
    eprintln!(
        "{} checked: {verb} {}, {} not formatted",
        plural(files.len(), "file"),
        changed,
        refused
    );
    Ok(if refused > 0 || (args.check && changed > 0) {
        Status::Failed
    } else {
        Status::Success
    })
}
