//! The Arrow PyCapsule interface, both ways: any Python object with
//! `__arrow_c_stream__` or `__arrow_c_array__` read as record batches, and
//! record batches handed back as a stream capsule.
#![allow(
    unsafe_code,
    reason = "the Arrow C data interface moves structs out of capsule pointers"
)]

use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema, from_ffi};
use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::{
    Array, RecordBatch, RecordBatchIterator, RecordBatchReader, StructArray, make_array,
};
use arrow_schema::{ArrowError, SchemaRef};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};

const STREAM: &std::ffi::CStr = c"arrow_array_stream";
const SCHEMA: &std::ffi::CStr = c"arrow_schema";
const ARRAY: &std::ffi::CStr = c"arrow_array";

/// The record batches of a Python Arrow object, read one at a time.
pub struct Stream {
    pub schema: SchemaRef,
    /// Sent to the thread that evaluates (the GIL released): a producer
    /// that needs Python takes the GIL itself.
    pub batches: Box<dyn Iterator<Item = Result<RecordBatch, ArrowError>> + Send>,
}

/// The schema and batches of a Python Arrow object (a table, a batch, a
/// reader, a polars or DuckDB frame): its stream when it has one, read
/// batch by batch as the caller iterates, else its one array (a struct
/// array, as a record batch exports itself).
pub fn import(data: &Bound<'_, PyAny>) -> PyResult<Stream> {
    if data.hasattr("__arrow_c_stream__")? {
        let capsule = data.call_method0("__arrow_c_stream__")?;
        let capsule = capsule.cast::<PyCapsule>()?;
        let pointer = capsule.pointer_checked(Some(STREAM))?;
        // SAFETY: a capsule named `arrow_array_stream` holds an
        // FFI_ArrowArrayStream; `from_raw` moves it out and leaves a
        // released one behind, which the capsule's destructor skips.
        let reader = unsafe {
            RecordBatchStreamReader::from_raw(pointer.as_ptr().cast::<FFI_ArrowArrayStream>())
        }
        .map_err(|e| PyValueError::new_err(format!("cannot read the Arrow stream: {e}")))?;
        return Ok(Stream {
            schema: reader.schema(),
            batches: Box::new(reader),
        });
    }
    if data.hasattr("__arrow_c_array__")? {
        let pair = data.call_method0("__arrow_c_array__")?;
        let pair = pair.cast::<PyTuple>()?;
        let schema_capsule = pair.get_item(0)?;
        let schema_capsule = schema_capsule.cast::<PyCapsule>()?;
        let array_capsule = pair.get_item(1)?;
        let array_capsule = array_capsule.cast::<PyCapsule>()?;
        let schema_pointer = schema_capsule.pointer_checked(Some(SCHEMA))?;
        let array_pointer = array_capsule.pointer_checked(Some(ARRAY))?;
        // SAFETY: the capsules hold an FFI_ArrowSchema and an
        // FFI_ArrowArray by the PyCapsule interface; the array is moved out
        // (a released one left behind), the schema only borrowed.
        let (array, schema) = unsafe {
            let array = std::ptr::replace(
                array_pointer.as_ptr().cast::<FFI_ArrowArray>(),
                FFI_ArrowArray::empty(),
            );
            (array, &*schema_pointer.as_ptr().cast::<FFI_ArrowSchema>())
        };
        // SAFETY: the array and its schema come from one export.
        let data = unsafe { from_ffi(array, schema) }
            .map_err(|e| PyValueError::new_err(format!("cannot read the Arrow array: {e}")))?;
        let array = make_array(data);
        let Some(columns) = array.as_any().downcast_ref::<StructArray>() else {
            return Err(PyTypeError::new_err(
                "the Arrow array is not a record batch (a struct array); give a table or a batch",
            ));
        };
        let batch = RecordBatch::from(columns.clone());
        return Ok(Stream {
            schema: batch.schema(),
            batches: Box::new(std::iter::once(Ok(batch))),
        });
    }
    Err(PyTypeError::new_err(
        "expected Arrow data: an object with __arrow_c_stream__ or __arrow_c_array__ \
         (a pyarrow Table or RecordBatch, a polars DataFrame, a DuckDB result)",
    ))
}

/// `batches` as a stream capsule for `__arrow_c_stream__`.
pub fn export<'py>(
    py: Python<'py>,
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
) -> PyResult<Bound<'py, PyCapsule>> {
    let reader = RecordBatchIterator::new(batches.into_iter().map(Ok), schema);
    let stream = FFI_ArrowArrayStream::new(Box::new(reader));
    PyCapsule::new_with_value(py, stream, STREAM)
}
