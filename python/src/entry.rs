//! `Entry`: one entry point of a loaded agreement, evaluated over Arrow
//! data through the engine boundary (compiled code, the interpreter for
//! what it does not compute), explained for one record.

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType as ArrowType, Field, Schema, SchemaRef};
use avtal_compiler::diagnostics::messages::data::DataMessage;
use avtal_compiler::ir::EntryPoint;
use avtal_engine::arrow::{ArrowInput, ArrowOutput, output_schema};
use avtal_engine::{Engine, PreparedEntry, Results};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict};

use crate::errors::{RowErrors, plain_error};
use crate::ffi;
use crate::sources::Loaded;

/// Records per evaluation, as `avtal run` batches them.
const BATCH_ROWS: usize = 4096;

#[pyclass(frozen, module = "avtal")]
pub struct Entry {
    pub(crate) loaded: Arc<Loaded>,
    pub(crate) entry: EntryPoint,
    pub(crate) name: String,
}

/// Arrow record batches behind the PyCapsule stream interface, for callers
/// without pyarrow (`pyarrow.table(x)`, `polars.from_arrow`… read it).
#[pyclass(frozen, module = "avtal")]
pub struct ArrowTable {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

#[pymethods]
impl ArrowTable {
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // The schema is the entry's; a requested one is a hint we may ignore.
        let _ = requested_schema;
        ffi::export(py, self.schema.clone(), self.batches.clone())
    }

    fn __len__(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

#[pymethods]
impl Entry {
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// The Arrow schema `evaluate` reads (field names and types), as a
    /// pyarrow Schema when pyarrow is importable, else a dict name → type.
    #[getter]
    fn input_schema<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let record = self.prepared(Engine::Interp).input_type().clone();
        schema_to_python(py, Arc::new(output_schema(&record)))
    }

    /// The Arrow schema of `evaluate`'s results.
    #[getter]
    fn output_schema<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let record = self.prepared(Engine::Interp).output_type().clone();
        schema_to_python(py, Arc::new(output_schema(&record)))
    }

    /// Evaluate every row of `data` (anything with `__arrow_c_stream__` or
    /// `__arrow_c_array__`). Returns `(results, errors)`: the results of the
    /// good rows in input order, and one line per problem of a bad row
    /// (`row` from 1, `field`, `code`, `message`, `help`).
    #[pyo3(signature = (data, engine = "jit"))]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        engine: &str,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let engine = match engine {
            "jit" => Engine::Jit,
            "interp" => Engine::Interp,
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown engine `{other}`: use \"jit\" or \"interp\""
                )));
            }
        };
        let (schema, batches) = ffi::import(data)?;
        // Compiling and evaluating touch no Python object: other Python
        // threads run meanwhile.
        let (table, errors) = py
            .detach(|| self.evaluate_batches(engine, &schema, &batches))
            .map_err(|problem| match problem {
                Problem::Setup(m) => {
                    plain_error(py, m.code.as_str(), &m.message, m.help.as_deref())
                }
                Problem::Arrow(e) => arrow_error(e),
            })?;
        Ok((to_table(py, table)?, to_table(py, errors)?))
    }

    /// The evaluation of one record (a dict of field → value, values as
    /// their text: `"32000.00"`, `"2026-03-01"`, or numbers, dates, bools)
    /// as the explanation tree of `avtal explain`, in text.
    fn explain(&self, py: Python<'_>, record: &Bound<'_, PyDict>) -> PyResult<String> {
        let prepared = self.prepared(Engine::Interp);
        let fields = prepared.input_type().record_fields().unwrap_or(&[]);
        let mut schema_fields = Vec::with_capacity(fields.len());
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(fields.len());
        for (name, _) in fields {
            let cell = match record.get_item(name)? {
                Some(value) if !value.is_none() => Some(value.str()?.to_string()),
                _ => None,
            };
            schema_fields.push(Field::new(name, ArrowType::Utf8, true));
            columns.push(Arc::new(StringArray::from(vec![cell])));
        }
        let batch = RecordBatch::try_new(Arc::new(Schema::new(schema_fields)), columns)
            .map_err(arrow_error)?;
        let binding = ArrowInput::bind(prepared.input_type(), &batch.schema())
            .map_err(|m| plain_error(py, m.code.as_str(), &m.message, m.help.as_deref()))?;
        let value = binding.read_row(&batch, 0).map_err(|errors| {
            let first = errors.first();
            match first {
                Some(e) => plain_error(
                    py,
                    e.message.code.as_str(),
                    &format!("field `{}`: {}", e.field, e.message.message),
                    e.message.help.as_deref(),
                ),
                None => PyValueError::new_err("the record cannot be read"),
            }
        })?;
        let program = &self.loaded.compilation.program;
        let explanation = avtal_compiler::explain::explain(program, self.entry.function, &value);
        Ok(explanation.render_text())
    }

    fn __repr__(&self) -> String {
        format!("<avtal.Entry {}>", self.name)
    }
}

/// Why `evaluate` cannot give results at all (a bad row is no problem:
/// it is in the errors table).
enum Problem {
    /// The data does not fit the entry point (a missing column).
    Setup(DataMessage),
    Arrow(ArrowError),
}

impl Entry {
    /// Every row of `batches` through the entry point, in batches of
    /// `BATCH_ROWS`: the results of the good rows and the errors table.
    fn evaluate_batches(
        &self,
        engine: Engine,
        schema: &Schema,
        batches: &[RecordBatch],
    ) -> Result<(ArrowTable, ArrowTable), Problem> {
        let mut prepared = self.prepared(engine);
        let mut binding =
            ArrowInput::bind(prepared.input_type(), schema).map_err(Problem::Setup)?;
        let codec = prepared.input_codec();
        let mut output = ArrowOutput::new(prepared.output_type());
        let mut results = Results::default();
        let mut errors = RowErrors::default();
        let mut written = Vec::new();
        let mut row: u64 = 0;
        let mut batch = codec.new_batch();
        for columns in batches {
            for start in (0..columns.num_rows()).step_by(BATCH_ROWS) {
                batch.clear();
                let end = (start + BATCH_ROWS).min(columns.num_rows());
                binding.push_rows(&codec, &mut batch, columns, start..end);
                prepared.evaluate(&batch, &mut results);
                for index in 0..results.len() {
                    row += 1;
                    match results.get(index) {
                        Some(Ok(computed)) => {
                            if let Err(error) = output.push(&computed) {
                                errors.add(row, &[error]);
                            }
                        }
                        Some(Err(failure)) => errors.add(row, &prepared.field_errors(failure)),
                        None => {}
                    }
                }
            }
            if !output.is_empty() {
                written.push(output.take_batch().map_err(Problem::Arrow)?);
            }
        }
        let table = ArrowTable {
            schema: output.schema(),
            batches: written,
        };
        let errors = ArrowTable {
            schema: RowErrors::schema(),
            batches: vec![errors.into_batch().map_err(Problem::Arrow)?],
        };
        Ok((table, errors))
    }

    fn prepared(&self, engine: Engine) -> PreparedEntry<'_> {
        PreparedEntry::prepare(&self.loaded.compilation.program, &self.entry, engine)
    }
}

/// A pyarrow Table when pyarrow is importable, else the stream object.
fn to_table<'py>(py: Python<'py>, table: ArrowTable) -> PyResult<Bound<'py, PyAny>> {
    let stream = Bound::new(py, table)?.into_any();
    match py.import("pyarrow") {
        Ok(pyarrow) => pyarrow.call_method1("table", (stream,)),
        Err(_) => Ok(stream),
    }
}

fn schema_to_python(py: Python<'_>, schema: SchemaRef) -> PyResult<Bound<'_, PyAny>> {
    match py.import("pyarrow") {
        Ok(pyarrow) => {
            let empty = Bound::new(
                py,
                ArrowTable {
                    schema,
                    batches: Vec::new(),
                },
            )?;
            pyarrow.call_method1("table", (empty,))?.getattr("schema")
        }
        Err(_) => {
            let dict = PyDict::new(py);
            for field in schema.fields() {
                dict.set_item(field.name(), field.data_type().to_string())?;
            }
            Ok(dict.into_any())
        }
    }
}

fn arrow_error(error: ArrowError) -> PyErr {
    PyValueError::new_err(format!("Arrow: {error}"))
}
