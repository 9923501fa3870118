//! The two versions of `avtal diff`: each is loaded and compiled on its
//! own (its file, the modules it uses, and its own copy of the stdlib), so
//! OLD and NEW may declare modules, records and enums with the same names
//! without clashing. Each gets its `--set` overrides, then the entry point
//! is chosen in OLD and looked up by name in NEW, and the two signatures
//! must agree field by field: the same population is read once and fed to
//! both.

use std::path::{Path, PathBuf};

use avtal_compiler::data::{DataType, Kind};
use avtal_compiler::ir::EntryPoint;
use avtal_compiler::types::Type;
use avtal_compiler::{Compilation, FileId};

use super::set::ParamOverride;
use crate::entry::{compile_or_fail, select_entry};
use crate::loader;
use crate::run::output::{Column, flatten};
use crate::term::{Failure, display_path};

/// One compiled version and its entry point.
pub struct Version {
    pub path: PathBuf,
    pub compilation: Compilation,
    pub entry: EntryPoint,
    pub input: DataType,
    pub output: DataType,
}

/// Load, compile and apply `overrides` to one version; the entry point is
/// `entry` by name, else the only one in the file.
pub fn load(
    label: &'static str,
    path: &Path,
    overrides: &[(&str, ParamOverride)],
    entry: Option<&str>,
) -> Result<Version, Failure> {
    let loaded = loader::load(&[path.to_path_buf()])?;
    // `--set` may name a param of any stdlib module, so overrides see it all.
    let mut sources = if overrides.is_empty() {
        loader::without_unused_stdlib(&loaded.sources)
    } else {
        loaded.sources
    };
    let what = format!("diff: {label} version {}", display_path(path));
    let mut compilation = compile_or_fail(&sources, &format!("compile the {what}"), None)?;
    for (option, change) in overrides {
        change.apply(option, &mut sources, &compilation, label)?;
        compilation = compile_or_fail(
            &sources,
            &format!("apply `{option} {}` to the {label} version", change.text),
            Some("the lines above show the source as the override made it"),
        )?;
    }
    let file: Vec<FileId> = loaded.given.first().copied().into_iter().collect();
    let entry =
        select_entry(&compilation, &file, entry, &display_path(path)).map_err(|f| Failure {
            message: format!("in the {label} version: {}", f.message),
            ..f
        })?;
    let input = DataType::new(&compilation.program, &Type::Record(entry.input));
    let output = DataType::new(&compilation.program, &Type::Record(entry.output));
    Ok(Version {
        path: path.to_path_buf(),
        compilation,
        entry,
        input,
        output,
    })
}

impl Version {
    pub fn entry_name(&self) -> &str {
        self.compilation
            .program
            .function(self.entry.function)
            .map_or("", |f| f.name.as_str())
    }
}

/// Fail unless OLD and NEW read the same input fields and write the same
/// output fields, with the same types; the message names each difference.
pub fn check_signatures(old: &Version, new: &Version) -> Result<(), Failure> {
    let mut differences = Vec::new();
    compare_fields("input", &old.input, &new.input, &mut differences);
    compare_fields("output", &old.output, &new.output, &mut differences);
    if differences.is_empty() {
        return Ok(());
    }
    Err(Failure::new(format!(
        "the entry point `{}` has different signatures in OLD ({}) and NEW ({}):\n  {}",
        old.entry_name(),
        display_path(&old.path),
        display_path(&new.path),
        differences.join("\n  ")
    ))
    .with_help(
        "diff compares versions that read the same input and write the same output; \
         change the clauses, not the entry point's records",
    ))
}

fn compare_fields(side: &str, old: &DataType, new: &DataType, out: &mut Vec<String>) {
    let leaves = |ty: &DataType| {
        let mut columns: Vec<Column> = Vec::new();
        flatten(ty, "", &mut Vec::new(), &mut columns);
        columns
    };
    let (old_leaves, new_leaves) = (leaves(old), leaves(new));
    for column in &old_leaves {
        match new_leaves.iter().find(|c| c.name == column.name) {
            None => out.push(format!("{side} field `{}` is only in OLD", column.name)),
            Some(other) if other.ty != column.ty => out.push(format!(
                "{side} field `{}` is {} in OLD and {} in NEW",
                column.name,
                describe(&column.ty),
                describe(&other.ty)
            )),
            Some(_) => {}
        }
    }
    for column in &new_leaves {
        if !old_leaves.iter().any(|c| c.name == column.name) {
            out.push(format!("{side} field `{}` is only in NEW", column.name));
        }
    }
    // Same fields in another order would read CSV fine but give records
    // whose field positions differ between the programs.
    if out.is_empty() && old != new {
        out.push(format!(
            "the {side} fields are in another order (or an enum's variants are)"
        ));
    }
}

/// A type for a signature message: `Money`, or an enum with its variants.
fn describe(ty: &DataType) -> String {
    match ty.kind() {
        Kind::Enum { name, variants } => format!("`{name}` ({})", variants.join(", ")),
        Kind::List(inner) => format!("a list of {}", describe(inner)),
        Kind::Record { name, .. } | Kind::Unsupported(name) => format!("`{name}`"),
        other => format!("`{other:?}`"),
    }
}
