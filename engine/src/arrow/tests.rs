//! The Arrow codec against the paths it must agree with: every slot word
//! the fast path writes is the word of the value the general path reads
//! (generated cells of every column type a field reads), and whole
//! batches give the same answers through the compiled code as through
//! the interpreter, bad rows included.

use std::sync::Arc;

use arrow_array::builder::{StringBuilder, StringDictionaryBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Decimal64Array, Decimal128Array, Int32Array,
    Int64Array, RecordBatch, StringArray, Time32SecondArray, Time64MicrosecondArray,
    TimestampMillisecondArray,
};
use arrow_schema::{Field, Schema};

use super::cells::read_cell;
use super::fast;
use super::{ArrowEvaluator, ArrowInput, ArrowOutput, EPOCH_DAY};
use crate::codegen::{RecordLayout, encode_value};
use crate::{Engine, PreparedEntry, Results};
use avtal_compiler::Sources;
use avtal_compiler::data::DataType;
use avtal_compiler::ir::Program;
use avtal_compiler::types::Type;

const PROGRAM: &str = r#"
module t

enum Nivå { låg, hög }

record In {
  id: Int
  lön: Money
  grad: Percent
  dag: Date
  nivå: Nivå
  ok: Bool
  start: Time
  när: Timestamp
}

record Out {
  id: Int
  dubbel: Money
  andel: Money
  sista: Date
  hög: Bool
  nivå: Nivå
  start: Time
  när: Timestamp
}

/// Plain cells only (no times): the CSV slot readers apply.
record Cells {
  id: Int
  lön: Money
  grad: Percent
  dag: Date
  nivå: Nivå
  ok: Bool
}

evaluate C(x: Cells) -> Cells {
  x
}

evaluate E(x: In) -> Out {
  Out {
    id: x.id,
    dubbel: x.lön * 2,
    andel: round(x.lön * x.grad, 0.01 SEK),
    sista: x.dag + months(1),
    hög: x.ok and x.nivå == Nivå.hög,
    nivå: x.nivå,
    start: x.start,
    när: x.när,
  }
}
"#;

pub(super) fn program() -> Program {
    let mut sources = Sources::new();
    sources.add("t.avtal", PROGRAM);
    let compilation = avtal_compiler::compile(&sources);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    compilation.program
}

/// A small deterministic generator (xorshift).
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Interesting mantissas: small, ties, zeros, the edges of `i64`.
fn mantissa(rng: &mut Rng) -> i128 {
    match rng.below(8) {
        0 => 0,
        1 => i128::from(i64::MAX) * if rng.below(2) == 0 { 1 } else { 100 },
        2 => -(rng.below(1_000_000) as i128),
        3 => (rng.below(100) as i128) * 10_i128.pow(20),
        4 => i128::from(i64::MIN),
        _ => rng.below(100_000_000) as i128,
    }
}

pub(super) fn entry<'p>(program: &'p Program, name: &str) -> &'p avtal_compiler::ir::EntryPoint {
    program
        .entries
        .iter()
        .find(|e| program.function(e.function).unwrap().name == name)
        .unwrap()
}

/// Column `array` as field `field` of entry `entry_name`'s input: every
/// word the fast path writes must be the encoding of the value the
/// general path reads.
fn check_column(program: &Program, entry_name: &str, field: &str, array: &dyn Array) {
    let input = Type::Record(entry(program, entry_name).input);
    let record = DataType::new(program, &input);
    let layout = RecordLayout::of(program, &input).unwrap();
    let readers = crate::slots::SlotReader::for_record(&record, &layout);
    let fields = record.record_fields().unwrap();
    let index = fields.iter().position(|(name, _)| name == field).unwrap();
    let ty = &fields[index].1;
    let slot = &layout.fields[index];
    let reader = readers.as_ref().map(|r| &r[index]);
    let mut words = vec![None; array.len()];
    fast::fill(
        array,
        0..array.len(),
        ty,
        slot.encoding,
        reader,
        |row, word| words[row] = Some(word),
        |_| {},
    );
    let mut fast_rows = 0;
    for (row, word) in words.iter().enumerate() {
        let general = read_cell(array, row, ty, field);
        let Some(word) = word else { continue };
        fast_rows += 1;
        let value = general.unwrap_or_else(|e| {
            panic!("row {row}: the fast path read {word}, the general path failed: {e:?}")
        });
        let mut bytes = vec![0u8; layout.stride];
        encode_value(&layout, index, &value, &mut bytes).unwrap();
        let encoded = i64::from_ne_bytes(bytes[slot.offset..slot.offset + 8].try_into().unwrap());
        assert_eq!(encoded, *word, "row {row} of {:?}", array.data_type());
    }
    assert!(
        fast_rows > 0,
        "no row took the fast path for {:?}",
        array.data_type()
    );
}

#[test]
fn fast_words_are_the_general_path_words() {
    let program = program();
    let mut rng = Rng(0x5eed);
    let n = 2000;
    // Money from decimals of every scale 0 to 4, and from integers.
    for scale in 0..=4i8 {
        let values: Vec<Option<i128>> = (0..n)
            .map(|_| (rng.below(20) != 0).then(|| mantissa(&mut rng)))
            .collect();
        let array = Decimal128Array::from(values)
            .with_precision_and_scale(38, scale)
            .unwrap();
        check_column(&program, "C", "lön", &array);
        check_column(&program, "C", "id", &array);
        // The same as 64-bit decimals (how Parquet's are read), where
        // they fit.
        let narrow = Decimal64Array::from_iter(array.iter().map(|value| {
            value.map(|v| i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX }))
        }))
        .with_precision_and_scale(18, scale)
        .unwrap();
        check_column(&program, "C", "lön", &narrow);
        check_column(&program, "C", "id", &narrow);
    }
    let ints = Int64Array::from_iter((0..n).map(|_| {
        let m = mantissa(&mut rng);
        (rng.below(20) != 0).then(|| i64::try_from(m).unwrap_or(i64::MAX))
    }));
    check_column(&program, "C", "lön", &ints);
    check_column(&program, "C", "id", &ints);
    let small = Int32Array::from_iter((0..n).map(|_| Some(rng.next() as i32)));
    check_column(&program, "C", "grad", &small);
    // Text cells, as a CSV file would hold them.
    let texts = StringArray::from_iter((0..n).map(|_| {
        Some(match rng.below(6) {
            0 => format!("{}.{:02}", rng.below(100_000), rng.below(100)),
            1 => format!("-{}.5", rng.below(1000)),
            2 => format!(" {} ", rng.below(10)),
            3 => format!("{}.005", rng.below(10)),
            4 => "1e3".to_string(),
            _ => format!("{}", rng.below(1 << 40)),
        })
    }));
    check_column(&program, "C", "lön", &texts);
    // Days around the calendar's edges, and nulls.
    let days = Date32Array::from_iter((0..n).map(|_| {
        (rng.below(20) != 0).then(|| match rng.below(4) {
            0 => rng.next() as i32,
            1 => -(EPOCH_DAY as i32) + rng.below(400) as i32 - 200,
            2 => 2_932_896 - 200 + rng.below(400) as i32,
            _ => rng.below(40_000) as i32,
        })
    }));
    check_column(&program, "C", "dag", &days);
    let bools =
        BooleanArray::from_iter((0..n).map(|_| (rng.below(10) != 0).then(|| rng.below(2) == 0)));
    check_column(&program, "C", "ok", &bools);
    // Enums from dictionaries with unknown and blank-padded names.
    let mut dictionary = StringDictionaryBuilder::<Int32Type>::new();
    let mut plain = StringBuilder::new();
    for _ in 0..n {
        let name = ["låg", "hög", "Hög", " låg", "mellan"][rng.below(5) as usize];
        if rng.below(15) == 0 {
            dictionary.append_null();
            plain.append_null();
        } else {
            dictionary.append_value(name);
            plain.append_value(name);
        }
    }
    check_column(&program, "C", "nivå", &dictionary.finish());
    check_column(&program, "C", "nivå", &plain.finish());
    // Times and timestamps, whole minutes or not.
    let times = Time32SecondArray::from_iter((0..n).map(|_| {
        Some(if rng.below(3) == 0 {
            rng.below(90_000) as i32
        } else {
            rng.below(1440) as i32 * 60
        })
    }));
    check_column(&program, "E", "start", &times);
    let micro = Time64MicrosecondArray::from_iter(
        (0..n).map(|_| Some(rng.below(1440) as i64 * 60_000_000)),
    );
    check_column(&program, "E", "start", &micro);
    let stamps = TimestampMillisecondArray::from_iter((0..n).map(|_| {
        Some(match rng.below(4) {
            0 => rng.next() as i64,
            1 => rng.below(1 << 30) as i64 * 60_000,
            2 => -(rng.below(1 << 40) as i64) * 60_000,
            _ => 1_780_000_020_000 + rng.below(1000) as i64 * 60_000,
        })
    }));
    check_column(&program, "E", "när", &stamps);
}

/// A batch of `In` records; row 3 has a null salary, row 5 a salary with
/// three decimals, row 7 a salary beyond the fixed point (the
/// interpreter's), row 9 an unknown level, row 11 a date beyond the files'
/// calendar.
pub(super) fn input_batch(rng: &mut Rng, n: usize) -> RecordBatch {
    let mut levels = StringDictionaryBuilder::<Int32Type>::new();
    for row in 0..n {
        levels.append_value(match row {
            9 => "mellan",
            _ if rng.below(2) == 0 => "låg",
            _ => "hög",
        });
    }
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("id", Arc::new(Int64Array::from_iter_values(0..n as i64))),
        (
            "lön",
            Arc::new(
                Decimal128Array::from_iter((0..n).map(|row| match row {
                    3 => None,
                    5 => Some(1_005),
                    7 => Some(10_i128.pow(25)),
                    _ => Some(rng.below(10_000_000) as i128 * 10),
                }))
                .with_precision_and_scale(38, 3)
                .unwrap(),
            ),
        ),
        (
            "grad",
            Arc::new(
                Decimal128Array::from_iter_values((0..n).map(|_| rng.below(10_001) as i128))
                    .with_precision_and_scale(5, 2)
                    .unwrap(),
            ),
        ),
        (
            "dag",
            Arc::new(Date32Array::from_iter_values((0..n).map(|row| match row {
                11 => 9_000_000,
                _ => 20_000 + rng.below(1000) as i32,
            }))),
        ),
        ("nivå", Arc::new(levels.finish())),
        (
            "ok",
            Arc::new(BooleanArray::from_iter(
                (0..n).map(|_| Some(rng.below(2) == 0)),
            )),
        ),
        (
            "start",
            Arc::new(Time64MicrosecondArray::from_iter_values(
                (0..n).map(|_| rng.below(1440) as i64 * 60_000_000),
            )),
        ),
        (
            "när",
            Arc::new(TimestampMillisecondArray::from_iter_values(
                (0..n).map(|_| 1_780_000_020_000 + rng.below(100_000) as i64 * 60_000),
            )),
        ),
        (
            "extra",
            Arc::new(StringArray::from_iter_values((0..n).map(|_| "ignored"))),
        ),
    ];
    let schema = Schema::new(
        columns
            .iter()
            .map(|(name, array)| Field::new(*name, array.data_type().clone(), true))
            .collect::<Vec<_>>(),
    );
    RecordBatch::try_new(
        Arc::new(schema),
        columns.into_iter().map(|(_, array)| array).collect(),
    )
    .unwrap()
}

/// Every row of `batch` through `engine`, pushed in runs of `run` rows:
/// the output batch and each failed row's fields.
/// Also how many rows the fast path read straight into slots.
fn evaluate(
    program: &Program,
    engine: Engine,
    batch: &RecordBatch,
    run: usize,
) -> (RecordBatch, Vec<(usize, Vec<String>)>, usize) {
    let mut prepared = PreparedEntry::prepare(program, entry(program, "E"), engine);
    let codec = prepared.input_codec();
    let mut input = ArrowInput::bind(prepared.input_type(), &batch.schema()).unwrap();
    let mut output = ArrowOutput::new(prepared.output_type());
    let mut failed = Vec::new();
    let mut fast_rows = 0;
    let mut results = Results::default();
    let mut start = 0;
    while start < batch.num_rows() {
        let end = (start + run).min(batch.num_rows());
        let mut records = codec.new_batch();
        input.push_rows(&codec, &mut records, batch, start..end);
        assert_eq!(records.len(), end - start);
        fast_rows += (0..records.len())
            .filter(|i| {
                matches!(
                    records.pending(*i),
                    Some(crate::input::Pending::Encoded { value: None, .. })
                )
            })
            .count();
        prepared.evaluate(&records, &mut results);
        for index in 0..records.len() {
            match results.get(index).unwrap() {
                Ok(computed) => output.push(&computed).unwrap(),
                Err(failure) => failed.push((
                    start + index,
                    prepared
                        .field_errors(failure)
                        .into_iter()
                        .map(|e| format!("{}: {}", e.field, e.message.message))
                        .collect(),
                )),
            }
        }
        start = end;
    }
    (output.take_batch().unwrap(), failed, fast_rows)
}

#[test]
fn both_engines_give_the_same_batches_and_errors() {
    let program = program();
    let batch = input_batch(&mut Rng(7), 3000);
    let (interp, interp_failed, none) = evaluate(&program, Engine::Interp, &batch, 4096);
    assert_eq!(none, 0);
    for run in [1, 37, 4096] {
        let (jit, jit_failed, fast_rows) = evaluate(&program, Engine::Jit, &batch, run);
        assert_eq!(jit, interp, "runs of {run}");
        assert_eq!(jit_failed, interp_failed, "runs of {run}");
        // Every row but the five hostile ones went straight into slots.
        assert_eq!(fast_rows, 3000 - 5, "runs of {run}");
    }
    let failed_rows: Vec<usize> = interp_failed.iter().map(|(row, _)| *row).collect();
    assert_eq!(
        failed_rows,
        vec![3, 5, 9, 11],
        "{:?}",
        &interp_failed[..3.min(interp_failed.len())]
    );
    assert_eq!(interp.num_rows(), 3000 - 4);
    let messages: Vec<&str> = interp_failed.iter().map(|(_, m)| m[0].as_str()).collect();
    assert_eq!(messages[0], "lön: expected money like 30000.00, found null");
    assert_eq!(
        messages[1],
        "lön: expected money with at most 2 decimals, found \"1.005\""
    );
    assert!(
        messages[2].starts_with("nivå: expected one of `låg`, `hög`"),
        "{}",
        messages[2]
    );
    assert!(
        messages[3].starts_with("dag: expected a date"),
        "{}",
        messages[3]
    );
    // The huge salary was computed (by the interpreter) and written exactly.
    let dubbel = interp
        .column_by_name("dubbel")
        .unwrap()
        .as_any()
        .downcast_ref::<Decimal128Array>()
        .unwrap();
    // Row 7 is the sixth written (rows 3 and 5 failed).
    assert_eq!(dubbel.value(5), 2 * 10_i128.pow(24));
}

#[test]
fn the_output_schema_is_the_documented_mapping() {
    let program = program();
    let output = DataType::new(&program, &Type::Record(entry(&program, "E").output));
    let schema = ArrowOutput::new(&output).schema();
    let types: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| format!("{}: {}", f.name(), f.data_type()))
        .collect();
    assert_eq!(
        types,
        [
            "id: Int64",
            "dubbel: Decimal128(38, 2)",
            "andel: Decimal128(38, 2)",
            "sista: Date32",
            "hög: Boolean",
            "nivå: Dictionary(Int32, Utf8)",
            "start: Time64(µs)",
            "när: Timestamp(µs)",
        ]
    );
}

#[test]
fn a_missing_column_is_a_setup_error() {
    let program = program();
    let input = DataType::new(&program, &Type::Record(entry(&program, "E").input));
    let schema = Schema::new(vec![Field::new("id", arrow_schema::DataType::Int64, false)]);
    let error = ArrowInput::bind(&input, &schema).unwrap_err();
    assert!(error.message.contains("lön"), "{}", error.message);
}

#[test]
fn the_evaluator_gives_the_batches_and_numbers_rows_across_them() {
    let program = program();
    let batch = input_batch(&mut Rng(7), 3000);
    let (expected, expected_failed, _) = evaluate(&program, Engine::Jit, &batch, 4096);
    let mut prepared = PreparedEntry::prepare(&program, entry(&program, "E"), Engine::Jit);
    let mut evaluator = ArrowEvaluator::new(&prepared, &batch.schema()).unwrap();
    let mut failed = Vec::new();
    let mut written = 0;
    for start in (0..3000).step_by(1000) {
        let part = evaluator
            .evaluate(&mut prepared, &batch.slice(start, 1000), |row, errors| {
                failed.push((row, errors.len()));
            })
            .unwrap();
        assert_eq!(
            part,
            expected.slice(written, part.num_rows()),
            "from row {start}"
        );
        written += part.num_rows();
    }
    assert_eq!(written, expected.num_rows());
    // Rows count from 1 across the batches.
    let expected_rows: Vec<(u64, usize)> = expected_failed
        .iter()
        .map(|(offset, errors)| (*offset as u64 + 1, errors.len()))
        .collect();
    assert_eq!(failed, expected_rows);
}

#[test]
fn a_narrower_decimal_column_fails_the_rows_beyond_its_digits() {
    let program = program();
    let batch = input_batch(&mut Rng(7), 40);
    for engine in [Engine::Jit, Engine::Interp] {
        let mut prepared = PreparedEntry::prepare(&program, entry(&program, "E"), engine);
        let codec = prepared.input_codec();
        let mut input = ArrowInput::bind(prepared.input_type(), &batch.schema()).unwrap();
        let mut narrow = ArrowOutput::with_decimal_precision(prepared.output_type(), 18);
        let mut wide = ArrowOutput::new(prepared.output_type());
        let mut records = codec.new_batch();
        input.push_rows(&codec, &mut records, &batch, 0..40);
        let mut results = Results::default();
        prepared.evaluate(&records, &mut results);
        let mut too_large = Vec::new();
        for index in 0..records.len() {
            if let Ok(computed) = results.get(index).unwrap() {
                wide.push(&computed).unwrap();
                if let Err(error) = narrow.push(&computed) {
                    too_large.push((error.field.clone(), error.message.message.clone()));
                }
            }
        }
        // The huge salary's double (2 × 10^22 kronor) only.
        assert_eq!(
            too_large,
            [(
                "dubbel".to_string(),
                "the value 20000000000000000000000.00 is too large to be written as money"
                    .to_string()
            )],
            "{engine:?}"
        );
        let narrow = narrow.take_batch().unwrap();
        let wide = wide.take_batch().unwrap();
        assert_eq!(narrow.num_rows() + 1, wide.num_rows());
        assert_eq!(
            narrow.schema().field(1).data_type(),
            &arrow_schema::DataType::Decimal128(18, 2)
        );
    }
}
