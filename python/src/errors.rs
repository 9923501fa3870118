//! Diagnostics as Python exceptions (`avtal.AvtalError`, with the code, the
//! place and the help as attributes) and row errors as an Arrow table.

use std::sync::Arc;

use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use avtal_compiler::{Diagnostic, Sources};
use avtal_engine::FieldError;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

create_exception!(
    avtal,
    AvtalError,
    PyException,
    "A diagnostic of Avtal: `code`, `file`, `line`, `column`, `span` (byte offsets), `help`, and `diagnostics` (every one, as dicts)."
);

/// One diagnostic as a dict: code, severity, message, file, line, column,
/// span, help.
pub fn diagnostic_dict<'py>(
    py: Python<'py>,
    sources: &Sources,
    diagnostic: &Diagnostic,
) -> PyResult<Bound<'py, PyDict>> {
    let place = sources.line_col(diagnostic.span.file, diagnostic.span.start);
    let dict = PyDict::new(py);
    dict.set_item("code", diagnostic.code.as_str())?;
    dict.set_item(
        "severity",
        format!("{:?}", diagnostic.severity).to_lowercase(),
    )?;
    dict.set_item("message", &diagnostic.message)?;
    dict.set_item("file", sources.name(diagnostic.span.file))?;
    dict.set_item("line", place.line)?;
    dict.set_item("column", place.column)?;
    dict.set_item("span", (diagnostic.span.start, diagnostic.span.end))?;
    dict.set_item("help", diagnostic.help.as_deref())?;
    Ok(dict)
}

/// An `AvtalError` for `diagnostics` (the first one's attributes on the
/// exception itself, all of them in `diagnostics`).
pub fn diagnostics_error(py: Python<'_>, sources: &Sources, diagnostics: &[Diagnostic]) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let dicts = diagnostics
            .iter()
            .map(|d| diagnostic_dict(py, sources, d))
            .collect::<PyResult<Vec<_>>>()?;
        let first = diagnostics.first();
        let text = match first {
            Some(d) => format!(
                "{}: error[{}]: {}{}",
                sources.location(d.span),
                d.code.as_str(),
                d.message,
                d.help
                    .as_deref()
                    .map(|h| format!(" (help: {h})"))
                    .unwrap_or_default()
            ),
            None => "the program has errors".to_string(),
        };
        let error = AvtalError::new_err(text);
        let value = error.value(py);
        if let Some(dict) = dicts.first() {
            for key in ["code", "message", "file", "line", "column", "span", "help"] {
                value.setattr(key, dict.get_item(key)?)?;
            }
        }
        value.setattr("diagnostics", PyList::new(py, dicts)?)?;
        Ok(error)
    };
    build().unwrap_or_else(|e| e)
}

/// An `AvtalError` without a place in a source (a missing column).
pub fn plain_error(py: Python<'_>, code: &str, message: &str, help: Option<&str>) -> PyErr {
    let error = AvtalError::new_err(match help {
        Some(h) => format!("error[{code}]: {message} (help: {h})"),
        None => format!("error[{code}]: {message}"),
    });
    let value = error.value(py);
    let set = || -> PyResult<()> {
        value.setattr("code", code)?;
        value.setattr("message", message)?;
        value.setattr("help", help)?;
        value.setattr("diagnostics", PyList::empty(py))?;
        Ok(())
    };
    set().err().unwrap_or(error)
}

/// The bad rows of an evaluation: one line per problem, the row numbered
/// from 1 over the whole input, as `avtal run --errors` does.
#[derive(Default)]
pub struct RowErrors {
    rows: Vec<i64>,
    fields: Vec<String>,
    codes: Vec<String>,
    messages: Vec<String>,
    helps: Vec<Option<String>>,
}

impl RowErrors {
    pub fn add(&mut self, row: u64, errors: &[FieldError]) {
        for error in errors {
            let row = error.row.map(|place| place.number).unwrap_or(row);
            self.rows.push(i64::try_from(row).unwrap_or(i64::MAX));
            self.fields.push(error.field.clone());
            self.codes.push(error.message.code.as_str().to_string());
            self.messages.push(error.message.message.clone());
            self.helps.push(error.message.help.clone());
        }
    }

    pub fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            Field::new("row", DataType::Int64, false),
            Field::new("field", DataType::Utf8, false),
            Field::new("code", DataType::Utf8, false),
            Field::new("message", DataType::Utf8, false),
            Field::new("help", DataType::Utf8, true),
        ]))
    }

    pub fn into_batch(self) -> Result<RecordBatch, ArrowError> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(self.rows)),
            Arc::new(StringArray::from(self.fields)),
            Arc::new(StringArray::from(self.codes)),
            Arc::new(StringArray::from(self.messages)),
            Arc::new(StringArray::from(self.helps)),
        ];
        RecordBatch::try_new(Self::schema(), columns)
    }
}
