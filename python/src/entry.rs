//! `Entry`: one entry point of a loaded agreement, evaluated over Arrow
//! data through the engine boundary (compiled code, the interpreter for
//! what it does not compute), explained for one record.

use std::sync::{Arc, Mutex, PoisonError};

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType as ArrowType, Field, Schema, SchemaRef};
use avtal_compiler::diagnostics::messages::data::DataMessage;
use avtal_compiler::ir::{EntryPoint, Program};
use avtal_engine::arrow::{ArrowEvaluator, ArrowInput, output_schema};
use avtal_engine::{Engine, PreparedEntry};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict};

use crate::errors::{RowErrors, plain_error};
use crate::ffi;
use crate::sources::Loaded;

#[pyclass(frozen, module = "avtal")]
pub struct Entry {
    pub(crate) compiled: Compiled,
    pub(crate) name: String,
}

/// An entry point prepared for evaluation, borrowing the program of the
/// loaded file it belongs to. Preparing compiles the entry point to native
/// code (milliseconds), so it is done once and the prepared entry points
/// are kept for the next call.
pub(crate) struct Prepared<'p> {
    program: &'p Program,
    entry: EntryPoint,
    /// Per engine, the prepared entry points no call is using. Each call
    /// takes one out (or forks one from `first` when all are in use by
    /// other threads) and puts it back: a `PreparedEntry` is used by one
    /// thread at a time, and threads with the GIL released evaluate side by
    /// side.
    jit: Mutex<Vec<PreparedEntry<'p>>>,
    interp: Mutex<Vec<PreparedEntry<'p>>>,
    /// Per engine, the entry point prepared (compiled) once; the pools'
    /// entries are its forks, which share its machine code.
    first_jit: Mutex<Option<PreparedEntry<'p>>>,
    first_interp: Mutex<Option<PreparedEntry<'p>>>,
}

self_cell::self_cell!(
    /// The loaded file and the prepared entry points of one entry point.
    pub(crate) struct Compiled {
        owner: Arc<Loaded>,
        #[not_covariant]
        dependent: Prepared,
    }
);

impl<'p> Prepared<'p> {
    /// Run `work` with a prepared entry point of `engine` of its own.
    fn with<R>(&self, engine: Engine, work: impl FnOnce(&mut PreparedEntry<'_>) -> R) -> R {
        let pool = match engine {
            Engine::Jit => &self.jit,
            Engine::Interp => &self.interp,
        };
        // A poisoned lock only means a panic elsewhere; the list is whole.
        let idle = pool.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let mut prepared = idle.unwrap_or_else(|| self.fork(engine));
        let result = work(&mut prepared);
        pool.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(prepared);
        result
    }

    /// A prepared entry point of `engine` for one more thread: a fork of
    /// the one compiled first (compiling it now if this is the first).
    fn fork(&self, engine: Engine) -> PreparedEntry<'p> {
        let first = match engine {
            Engine::Jit => &self.first_jit,
            Engine::Interp => &self.first_interp,
        };
        let mut first = first.lock().unwrap_or_else(PoisonError::into_inner);
        first
            .get_or_insert_with(|| PreparedEntry::prepare(self.program, &self.entry, engine))
            .fork()
    }
}

impl Entry {
    pub(crate) fn new(loaded: Arc<Loaded>, entry: EntryPoint, name: String) -> Entry {
        let compiled = Compiled::new(loaded, |loaded| Prepared {
            program: &loaded.compilation.program,
            entry,
            jit: Mutex::new(Vec::new()),
            interp: Mutex::new(Vec::new()),
            first_jit: Mutex::new(None),
            first_interp: Mutex::new(None),
        });
        Entry { compiled, name }
    }

    /// Run `work` with a prepared entry point of `engine` (compiled on the
    /// first call, kept for the next).
    fn with_prepared<R>(
        &self,
        engine: Engine,
        work: impl FnOnce(&mut PreparedEntry<'_>) -> R,
    ) -> R {
        self.compiled
            .with_dependent(|_, prepared| prepared.with(engine, work))
    }
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
        let record = self.with_prepared(Engine::Interp, |p| p.input_type().clone());
        schema_to_python(py, Arc::new(output_schema(&record)))
    }

    /// The Arrow schema of `evaluate`'s results.
    #[getter]
    fn output_schema<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let record = self.with_prepared(Engine::Interp, |p| p.output_type().clone());
        schema_to_python(py, Arc::new(output_schema(&record)))
    }

    /// Evaluate every row of `data` (anything with `__arrow_c_stream__` or
    /// `__arrow_c_array__`). Returns `(results, errors)`: the results of the
    /// good rows in input order, and one line per problem of a bad row
    /// (`row` from 1, `field`, `code`, `message`, `help`).
    ///
    /// A stream is evaluated batch by batch as it is read, so memory holds
    /// one input batch and the results. The entry point is compiled on the
    /// first call and kept; the GIL is released while evaluating.
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
        let stream = ffi::import(data)?;
        // Compiling and evaluating touch no Python object: other Python
        // threads run meanwhile. Reading the stream may call back into
        // Python (a reader over a generator); its producer takes the GIL
        // for that, as the C stream interface asks.
        let (table, errors) = py.detach(|| self.evaluate_stream(engine, stream)).map_err(
            |problem| match problem {
                Problem::Setup(m) => {
                    plain_error(py, m.code.as_str(), &m.message, m.help.as_deref())
                }
                Problem::Read(e) => {
                    PyValueError::new_err(format!("cannot read the Arrow stream: {e}"))
                }
                Problem::Arrow(e) => arrow_error(e),
            },
        )?;
        Ok((to_table(py, table)?, to_table(py, errors)?))
    }

    /// The evaluation of one record (a dict of field → value, values as
    /// their text: `"32000.00"`, `"2026-03-01"`, or numbers, dates, bools)
    /// as the explanation tree of `avtal explain`, in text.
    fn explain(&self, py: Python<'_>, record: &Bound<'_, PyDict>) -> PyResult<String> {
        let input_type = self.with_prepared(Engine::Interp, |p| p.input_type().clone());
        let fields = input_type.record_fields().unwrap_or(&[]);
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
        let binding = ArrowInput::bind(&input_type, &batch.schema())
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
        let explanation = self.compiled.with_dependent(|loaded, prepared| {
            let program = &loaded.compilation.program;
            avtal_compiler::explain::explain(program, prepared.entry.function, &value).render_text()
        });
        Ok(explanation)
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
    /// The stream failed while it was read.
    Read(ArrowError),
    /// The results could not be made into Arrow arrays.
    Arrow(ArrowError),
}

impl Entry {
    /// Every row of `stream` through the entry point, batch by batch as
    /// the stream gives them: the results of the good rows and the errors
    /// table.
    fn evaluate_stream(
        &self,
        engine: Engine,
        stream: ffi::Stream,
    ) -> Result<(ArrowTable, ArrowTable), Problem> {
        self.with_prepared(engine, |prepared| {
            let mut evaluator =
                ArrowEvaluator::new(prepared, &stream.schema).map_err(Problem::Setup)?;
            let mut errors = RowErrors::default();
            let mut written = Vec::new();
            for columns in stream.batches {
                let columns = columns.map_err(Problem::Read)?;
                let results = evaluator
                    .evaluate(prepared, &columns, |row, problems| {
                        errors.add(row, &problems)
                    })
                    .map_err(Problem::Arrow)?;
                if results.num_rows() > 0 {
                    written.push(results);
                }
            }
            let table = ArrowTable {
                schema: evaluator.output_schema(),
                batches: written,
            };
            let errors = ArrowTable {
                schema: RowErrors::schema(),
                batches: vec![errors.into_batch().map_err(Problem::Arrow)?],
            };
            Ok((table, errors))
        })
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
