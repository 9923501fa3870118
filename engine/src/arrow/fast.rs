//! The fast path of reading Arrow: one column of a range of rows straight
//! into its slot of each record, with no text and no allocation per row.
//!
//! Like `slots.rs` for CSV cells, every function here gives exactly the
//! slot word the general path would encode (`cells.rs`: the cell's text
//! read by `parse_text`, then `encode_value`) or *declines*, and the row
//! goes to the general path. Declining is always allowed, a different
//! word never is; `tests.rs` compares both paths cell by cell.

use arrow_array::Array;
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Decimal64Type, Decimal128Type, Int32Type, Int64Type};
use arrow_buffer::NullBuffer;
use arrow_schema::DataType as ArrowType;

use super::cells::{clock_value, dictionary_key, string_at};
use super::{EPOCH_DAY, EPOCH_MINUTE};
use crate::codegen::Encoding;
use crate::slots::SlotReader;
use avtal_compiler::data::{DataType, Kind};

/// The last day a data file holds, 9999-12-31, as a day number.
const LAST_DAY: i64 = 3_652_059;

/// Write the slot word of each row of `rows` of `array` (a column of field
/// type `ty`, encoded as `encoding`) with `write(row offset, word)`, or
/// `decline(row offset)` where the general path must read the row.
/// `reader` is the CSV slot reader of the field, for text columns.
pub(crate) fn fill(
    array: &dyn Array,
    rows: std::ops::Range<usize>,
    ty: &DataType,
    encoding: Encoding,
    reader: Option<&SlotReader>,
    mut write: impl FnMut(usize, i64),
    mut decline: impl FnMut(usize),
) {
    // Most columns have no nulls at all: then no row is asked.
    let nulls = array.logical_nulls().filter(|n| n.null_count() > 0);
    // One loop per column type, the type's conversion inlined in it: this
    // runs for every cell of the input.
    macro_rules! each {
        ($word_of:expr) => {
            each_row(
                rows.clone(),
                nulls.as_ref(),
                $word_of,
                &mut write,
                &mut decline,
            )
        };
    }
    match (array.data_type(), encoding) {
        (ArrowType::Decimal128(_, scale), Encoding::Number { scale: slot_scale })
            if ty.is_fixed_number() =>
        {
            let values = array.as_primitive::<Decimal128Type>().values();
            match Shift::new(*scale, slot_scale) {
                // The common case, a column at the slot's scale: a copy.
                Some(Shift::Up(1)) => {
                    each!(|row| i64::try_from(*values.get(row)?).ok());
                }
                Some(shift) => each!(|row| shift.apply(*values.get(row)?)),
                None => each!(|_| None),
            }
        }
        // What Parquet's 64-bit decimals are read as (`avtal run` asks for
        // it): no widening to 128 bits and back.
        (ArrowType::Decimal64(_, scale), Encoding::Number { scale: slot_scale })
            if ty.is_fixed_number() =>
        {
            let values = array.as_primitive::<Decimal64Type>().values();
            match Shift::new(*scale, slot_scale) {
                Some(Shift::Up(1)) => each!(|row| values.get(row).copied()),
                Some(shift) => each!(|row| shift.apply(i128::from(*values.get(row)?))),
                None => each!(|_| None),
            }
        }
        (ArrowType::Int64, Encoding::Number { scale }) if ty.is_fixed_number() => {
            let values = array.as_primitive::<Int64Type>().values();
            let factor = 10_i64.checked_pow(scale);
            each!(|row| values.get(row)?.checked_mul(factor?))
        }
        (ArrowType::Int32, Encoding::Number { scale }) if ty.is_fixed_number() => {
            let values = array.as_primitive::<Int32Type>().values();
            let factor = 10_i64.checked_pow(scale);
            each!(|row| i64::from(*values.get(row)?).checked_mul(factor?))
        }
        (ArrowType::Date32, Encoding::Date) => {
            let values = array.as_primitive::<Date32Type>().values();
            each!(|row| {
                let day = i64::from(*values.get(row)?) + EPOCH_DAY;
                (1..=LAST_DAY).contains(&day).then_some(day)
            })
        }
        (ArrowType::Time32(_) | ArrowType::Time64(_), Encoding::Time) => each!(|row| {
            let (value, per_minute) = clock_value(array, row)?;
            let minute = whole(value, per_minute)?;
            (0..1440).contains(&minute).then_some(minute)
        }),
        (ArrowType::Timestamp(_, None), Encoding::Timestamp) => each!(|row| {
            let (value, per_minute) = clock_value(array, row)?;
            let minute = whole(value, per_minute)?.checked_add(EPOCH_MINUTE)?;
            // Years 1 to 9999, where the general path's text agrees.
            (0..LAST_DAY * 1440).contains(&minute).then_some(minute)
        }),
        (ArrowType::Boolean, Encoding::Bool) => {
            let values = array.as_boolean();
            each!(|row| Some(i64::from(values.value(row))))
        }
        (ArrowType::Dictionary(_, _), Encoding::Variant) => {
            let Kind::Enum { variants, .. } = ty.kind() else {
                return each!(|_| None);
            };
            // The variant of each dictionary entry, once per batch.
            let dictionary = array.as_any_dictionary();
            let values = dictionary.values();
            let index: Vec<Option<i64>> = (0..values.len())
                .map(|entry| {
                    let name = values
                        .is_valid(entry)
                        .then(|| string_at(values.as_ref(), entry))
                        .flatten()?;
                    let at = variants.iter().position(|v| v == name)?;
                    i64::try_from(at).ok()
                })
                .collect();
            let keys = dictionary.keys();
            // Int32 keys (what writers use) read directly, any other
            // integer type through `dictionary_key`.
            match keys.data_type() {
                ArrowType::Int32 => {
                    let keys = keys.as_primitive::<Int32Type>().values();
                    each!(|row| *index.get(usize::try_from(*keys.get(row)?).ok()?)?)
                }
                _ => each!(|row| *index.get(dictionary_key(keys, row)?)?),
            }
        }
        (ArrowType::Utf8 | ArrowType::LargeUtf8 | ArrowType::Utf8View, _) => match reader {
            Some(reader) => each!(|row| reader.read(string_at(array, row)?.as_bytes())),
            None => each!(|_| None),
        },
        _ => each!(|_| None),
    }
}

/// Each row of `rows`: its word written, or declined (a null, or no word).
fn each_row(
    rows: std::ops::Range<usize>,
    nulls: Option<&NullBuffer>,
    word_of: impl Fn(usize) -> Option<i64>,
    write: &mut impl FnMut(usize, i64),
    decline: &mut impl FnMut(usize),
) {
    for (offset, row) in rows.enumerate() {
        let valid = nulls.is_none_or(|n| n.is_valid(row));
        match word_of(row).filter(|_| valid) {
            Some(word) => write(offset, word),
            None => decline(offset),
        }
    }
}

/// `value / per_minute` when it divides exactly.
fn whole(value: i64, per_minute: i64) -> Option<i64> {
    (value.rem_euclid(per_minute) == 0).then(|| value.div_euclid(per_minute))
}

/// How a decimal mantissa at the column's scale becomes one at the slot's.
#[derive(Clone, Copy)]
enum Shift {
    /// Fewer decimals than the slot: multiply.
    Up(i128),
    /// More: divide, when the extra digits are zeros.
    Down(i128),
}

impl Shift {
    /// Columns of scale 0 to 18 only: then a mantissa whose value fits an
    /// `i64` at the slot's scale has at most 35 digits, which the cell
    /// parser always reads (it refuses beyond 38), so both paths agree.
    fn new(column: i8, slot: u32) -> Option<Shift> {
        let column = u32::try_from(column).ok().filter(|s| *s <= 18)?;
        if column <= slot {
            Some(Shift::Up(10_i128.checked_pow(slot - column)?))
        } else {
            Some(Shift::Down(10_i128.checked_pow(column - slot)?))
        }
    }

    fn apply(self, mantissa: i128) -> Option<i64> {
        let at_slot = match self {
            Shift::Up(factor) => mantissa.checked_mul(factor)?,
            Shift::Down(divisor) => {
                if mantissa % divisor != 0 {
                    return None;
                }
                mantissa / divisor
            }
        };
        i64::try_from(at_slot).ok()
    }
}
