//! An agreement file and the modules it `use`s, read into `Sources` and
//! compiled, as the `avtal` command loads one file (stdlib embedded, a
//! `use a.b` found as `a/b.avtal` beside the file or in its ancestors).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use avtal_compiler::{Compilation, FileId, Sources, analysis, compile, stdlib, syntax};

/// The stdlib, `path` and every module reached through `use`, compiled.
pub struct Loaded {
    pub sources: Sources,
    pub file: FileId,
    pub compilation: Compilation,
}

/// Why a file could not be read.
pub struct ReadError(pub String);

pub fn load(path: &Path) -> Result<Loaded, ReadError> {
    let mut sources = Sources::new();
    stdlib::add_to(&mut sources);
    let mut known: HashSet<String> = stdlib::MODULES
        .iter()
        .map(|(name, _, _)| (*name).to_string())
        .collect();
    let file = add_file(&mut sources, path)?;
    let mut pending: Vec<(PathBuf, FileId)> = vec![(path.to_path_buf(), file)];
    while let Some((location, id)) = pending.pop() {
        let (module, _) = syntax::parse(&sources, id);
        for used in &module.uses {
            let dotted = used.path.dotted();
            if !known.insert(dotted.clone()) {
                continue;
            }
            let found = analysis::modules::module_candidates(&location, &dotted)
                .into_iter()
                .find(|candidate| candidate.is_file());
            if let Some(found) = found {
                let id = add_file(&mut sources, &found)?;
                pending.push((found, id));
            }
        }
    }
    let compilation = compile(&sources);
    Ok(Loaded {
        sources,
        file,
        compilation,
    })
}

fn add_file(sources: &mut Sources, path: &Path) -> Result<FileId, ReadError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ReadError(format!("cannot read {}: {e}", path.display())))?;
    Ok(sources.add(path.display().to_string(), text))
}
