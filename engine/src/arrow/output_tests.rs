//! `ArrowOutput`'s batch path against its row path: a whole evaluated
//! batch copied a column at a time gives the batch and the rejected rows
//! that pushing the rows one by one gives, and a recycled batch's vectors
//! are built into again.

use arrow_array::{Array, RecordBatch};

use super::tests::{Rng, entry, input_batch, program};
use super::{ArrowInput, ArrowOutput, Rejected};
use crate::{Engine, FieldError, PreparedEntry, Results};

/// Every answer pushed one by one, and the rejected ones as text.
fn push_each(
    prepared: &PreparedEntry<'_>,
    results: &Results,
    output: &mut ArrowOutput,
    rejected: &mut Vec<(usize, Vec<String>)>,
) {
    for index in 0..results.len() {
        let errors = match results.get(index).unwrap() {
            Ok(computed) => match output.push(&computed) {
                Ok(()) => continue,
                Err(error) => vec![error],
            },
            Err(failure) => prepared.field_errors(failure),
        };
        rejected.push((index, texts(&errors)));
    }
}

fn texts(errors: &[FieldError]) -> Vec<String> {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message.message))
        .collect()
}

#[test]
fn a_batch_copied_a_column_at_a_time_is_the_rows_pushed_one_by_one() {
    let program = program();
    let batch = input_batch(&mut Rng(11), 3000);
    for engine in [Engine::Jit, Engine::Interp] {
        // Precision 7 (below 100,000.00) rejects about half of the
        // doubled salaries: runs of copied rows between rejected ones.
        for precision in [38, 7] {
            let mut prepared = PreparedEntry::prepare(&program, entry(&program, "E"), engine);
            let codec = prepared.input_codec();
            let mut input = ArrowInput::bind(prepared.input_type(), &batch.schema()).unwrap();
            let mut one_by_one =
                ArrowOutput::with_decimal_precision(prepared.output_type(), precision);
            let mut at_once =
                ArrowOutput::with_decimal_precision(prepared.output_type(), precision);
            let (mut expected, mut rejected) = (Vec::new(), Vec::new());
            let mut results = Results::default();
            let mut added = 0;
            for start in (0..3000).step_by(1000) {
                let mut records = codec.new_batch();
                input.push_rows(&codec, &mut records, &batch, start..start + 1000);
                prepared.evaluate(&records, &mut results);
                push_each(&prepared, &results, &mut one_by_one, &mut expected);
                added += at_once
                    .push_results(&results, |index, why| {
                        let errors = match why {
                            Rejected::Failed(failure) => prepared.field_errors(failure),
                            Rejected::Unwritable(error) => vec![error],
                        };
                        rejected.push((index, texts(&errors)));
                        Ok::<(), ()>(())
                    })
                    .unwrap();
            }
            let context = format!("{engine:?}, precision {precision}");
            assert_eq!(rejected, expected, "{context}");
            let at_once = at_once.take_batch().unwrap();
            assert_eq!(at_once, one_by_one.take_batch().unwrap(), "{context}");
            assert_eq!(added, at_once.num_rows(), "{context}");
            let unwritable = rejected
                .iter()
                .filter(|(_, e)| e[0].contains("too large"))
                .count();
            match precision {
                38 => assert_eq!(unwritable, 0, "{context}"),
                _ => assert!(
                    (1000..2000).contains(&unwritable),
                    "{context}: {unwritable}"
                ),
            }
        }
    }
}

/// Rows 20.. of `batch` through the entry point, into one output batch.
fn one_batch(
    prepared: &mut PreparedEntry<'_>,
    input: &mut ArrowInput,
    output: &mut ArrowOutput,
    batch: &RecordBatch,
) -> RecordBatch {
    let codec = prepared.input_codec();
    let mut records = codec.new_batch();
    input.push_rows(&codec, &mut records, batch, 20..batch.num_rows());
    let mut results = Results::default();
    prepared.evaluate(&records, &mut results);
    output
        .push_results(&results, |_, _| Ok::<(), ()>(()))
        .unwrap();
    output.take_batch().unwrap()
}

/// Where each column's values are.
fn value_addresses(batch: &RecordBatch) -> Vec<usize> {
    batch
        .columns()
        .iter()
        .map(|c| c.to_data().buffers()[0].as_ptr() as usize)
        .collect()
}

#[test]
fn a_recycled_batch_lends_its_vectors_to_the_next() {
    let program = program();
    let batch = input_batch(&mut Rng(3), 2000);
    let mut prepared = PreparedEntry::prepare(&program, entry(&program, "E"), Engine::Jit);
    let mut input = ArrowInput::bind(prepared.input_type(), &batch.schema()).unwrap();
    let mut output = ArrowOutput::new(prepared.output_type());
    let first = one_batch(&mut prepared, &mut input, &mut output, &batch);
    let expected = first.clone();
    let first_values = value_addresses(&first);
    // A batch still held elsewhere lends nothing.
    let held = first.clone();
    output.recycle(first);
    let second = one_batch(&mut prepared, &mut input, &mut output, &batch);
    assert_eq!(second, expected);
    drop(held);
    let second_values = value_addresses(&second);
    output.recycle(second);
    // Nothing else holds this one: the columns take its vectors at the
    // next `take_batch`, so the batch after that is built in them (every
    // column but the booleans' bits, `hög`).
    let third = one_batch(&mut prepared, &mut input, &mut output, &batch);
    let fourth = one_batch(&mut prepared, &mut input, &mut output, &batch);
    assert_eq!(third, expected);
    assert_eq!(fourth, expected);
    let reused: Vec<String> = fourth
        .schema()
        .fields()
        .iter()
        .zip(value_addresses(&fourth))
        .filter(|(_, at)| second_values.contains(at) && !first_values.contains(at))
        .map(|(field, _)| field.name().clone())
        .collect();
    assert_eq!(
        reused,
        ["id", "dubbel", "andel", "sista", "nivå", "start", "när"]
    );
}
