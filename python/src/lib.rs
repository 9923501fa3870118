//! The `avtal` Python package (built with maturin, docs/python.md):
//! `avtal.load(path)` compiles an agreement file; `.entry(name)` gives an
//! entry point that evaluates Arrow data (pyarrow, polars, DuckDB, through
//! the PyCapsule interface) with the engine `avtal run` uses. Diagnostics
//! are `avtal.AvtalError`s carrying code, place and help.

mod entry;
mod errors;
mod ffi;
mod sources;

use std::path::PathBuf;
use std::sync::Arc;

use avtal_compiler::Diagnostic;
use avtal_compiler::diagnostics::Code;
use avtal_compiler::diagnostics::messages::data as msg;
use avtal_compiler::eval::{ExampleOutcome, Interpreter};
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use entry::{ArrowTable, Entry};
use errors::{AvtalError, diagnostic_dict, diagnostics_error, plain_error};
use sources::Loaded;

/// A compiled agreement file (and the modules it uses).
#[pyclass(frozen, module = "avtal")]
struct Module {
    loaded: Arc<Loaded>,
}

#[pymethods]
impl Module {
    /// The entry points of the file, by name.
    fn entries(&self) -> Vec<String> {
        let program = &self.loaded.compilation.program;
        program
            .entry_points()
            .filter(|(_, f)| f.span.file == self.loaded.file)
            .map(|(_, f)| f.name.clone())
            .collect()
    }

    /// The entry point `name` (the file's only one when not given).
    #[pyo3(signature = (name = None))]
    fn entry(&self, py: Python<'_>, name: Option<&str>) -> PyResult<Entry> {
        let program = &self.loaded.compilation.program;
        let all: Vec<_> = program.entry_points().collect();
        let chosen = match name {
            Some(wanted) => all.iter().find(|(_, f)| f.name == wanted),
            None => {
                let own: Vec<_> = all
                    .iter()
                    .filter(|(_, f)| f.span.file == self.loaded.file)
                    .collect();
                match own.as_slice() {
                    [only] => Some(*only),
                    _ => None,
                }
            }
        };
        let names: Vec<String> = all.iter().map(|(_, f)| f.name.clone()).collect();
        let Some((id, function)) = chosen else {
            let file = self.loaded.sources.name(self.loaded.file);
            let message = match name {
                Some(wanted) => msg::unknown_entry(wanted, &names),
                None if names.is_empty() => msg::no_entry(file),
                // Several in the file: `several_entries` speaks of `--entry`.
                None => msg::unknown_entry("", &names),
            };
            let help = match name {
                None if !names.is_empty() => Some("name one: `module.entry(\"W1\")`".to_string()),
                _ => message.help.clone(),
            };
            return Err(plain_error(
                py,
                message.code.as_str(),
                &match name {
                    None if !names.is_empty() => {
                        format!("`{file}` has several entry points: {}", names.join(", "))
                    }
                    _ => message.message.clone(),
                },
                help.as_deref(),
            ));
        };
        let entry = program.entry(*id).copied().ok_or_else(|| {
            plain_error(
                py,
                Code::Internal.as_str(),
                "internal error: an entry point the checker did not record",
                None,
            )
        })?;
        Ok(Entry::new(
            self.loaded.clone(),
            entry,
            function.name.clone(),
        ))
    }

    /// The warnings of the file (errors were raised by `load`), as dicts.
    fn check<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let sources = &self.loaded.sources;
        let dicts = self
            .loaded
            .compilation
            .diagnostics
            .iter()
            .filter(|d| !sources.get(d.span.file).is_some_and(|f| f.is_stdlib))
            .map(|d| diagnostic_dict(py, sources, d))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, dicts)
    }

    /// Run the file's `example`s with the interpreter, as `avtal test`:
    /// one dict per example (title, file, line, passed, messages).
    fn test<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let loaded = &self.loaded;
        let program = &loaded.compilation.program;
        let interpreter = Interpreter::new(program);
        let outcomes = PyList::empty(py);
        for (index, example) in program.examples.iter().enumerate() {
            if example.span.file != loaded.file {
                continue;
            }
            let diagnostics: Vec<Diagnostic> = match interpreter.run_example(index) {
                ExampleOutcome::Passed => Vec::new(),
                ExampleOutcome::Failed(failures) => failures
                    .iter()
                    .map(|f| f.to_diagnostic(&example.title))
                    .collect(),
                ExampleOutcome::Error(error) => vec![error.to_diagnostic()],
            };
            let place = loaded
                .sources
                .line_col(example.span.file, example.span.start);
            let dict = PyDict::new(py);
            dict.set_item("title", &example.title)?;
            dict.set_item("file", loaded.sources.name(example.span.file))?;
            dict.set_item("line", place.line)?;
            dict.set_item("passed", diagnostics.is_empty())?;
            let problems = diagnostics
                .iter()
                .map(|d| diagnostic_dict(py, &loaded.sources, d))
                .collect::<PyResult<Vec<_>>>()?;
            dict.set_item("problems", PyList::new(py, problems)?)?;
            outcomes.append(dict)?;
        }
        Ok(outcomes)
    }
}

/// Compile `path`; the errors of the program raise one `AvtalError`.
#[pyfunction]
fn load(py: Python<'_>, path: PathBuf) -> PyResult<Module> {
    let loaded = sources::load(&path).map_err(|e| PyOSError::new_err(e.0))?;
    if loaded.compilation.has_errors() {
        let errors: Vec<Diagnostic> = loaded
            .compilation
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        return Err(diagnostics_error(py, &loaded.sources, &errors));
    }
    Ok(Module {
        loaded: Arc::new(loaded),
    })
}

/// Check `path` as `avtal check` does: raises `AvtalError` on errors,
/// returns the warnings.
#[pyfunction]
fn check<'py>(py: Python<'py>, path: PathBuf) -> PyResult<Bound<'py, PyList>> {
    load(py, path)?.check(py)
}

#[pymodule]
#[pyo3(name = "avtal")]
fn avtal(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_class::<Module>()?;
    m.add_class::<Entry>()?;
    m.add_class::<ArrowTable>()?;
    m.add("AvtalError", m.py().get_type::<AvtalError>())?;
    Ok(())
}
