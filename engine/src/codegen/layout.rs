//! Fixed record layouts: how the compiled code sees a record.
//!
//! One 8-byte slot per scalar field, in declaration order: a number is its
//! `i64` mantissa at the field's storage scale (money `30000.00` is
//! `3000000`), a date its day number counted from 0001-01-01 (chrono's
//! `num_days_from_ce`), a bool 0 or 1, an enum value its variant index, a
//! text result the mask of its present pieces (`lists.rs`).
//! Slots are little-endian native `i64`s and need no alignment (the code
//! loads them with unaligned-safe flags), so a batch is a plain byte slice.

use avtal_compiler::clock;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use avtal_compiler::eval::{Number, Value};
use avtal_compiler::ir::Program;
use avtal_compiler::types::Type;

/// How one field is encoded in its slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// A number: the mantissa at this scale.
    Number {
        scale: u32,
    },
    Date,
    /// A time of day: its minute, 0..1440.
    Time,
    /// A timestamp: minutes from 0001-01-01T00:00.
    Timestamp,
    Bool,
    Variant,
    /// A text result: a bit mask of the compile-time pieces that are
    /// present (bit `i` for piece `i` of the field's piece table, which
    /// `CompiledEntry::output_texts` keeps). In an input record the slot
    /// is unused (0): the code refers to the field by its index.
    Text,
    /// A list of records (an input field only): two words, a pointer to
    /// the first element and the number of elements; the elements lie one
    /// `element` stride after another (`FieldSlot::element`).
    List,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSlot {
    pub name: String,
    pub ty: Type,
    pub offset: usize,
    pub encoding: Encoding,
    /// The layout of one element, for a `List` field.
    pub element: Option<Box<RecordLayout>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordLayout {
    /// Bytes per record.
    pub stride: usize,
    pub fields: Vec<FieldSlot>,
}

/// Bytes of one slot.
pub const SLOT: usize = 8;

impl RecordLayout {
    /// The layout of a record type, or the first field it cannot hold.
    pub fn of(program: &Program, ty: &Type) -> Result<RecordLayout, super::CodegenError> {
        let Type::Record(id) = ty else {
            return Err(super::CodegenError::NotAnEntryPoint);
        };
        let info = program.record(*id).ok_or(super::CodegenError::Internal(
            "a record type that does not exist",
        ))?;
        let mut fields = Vec::with_capacity(info.fields.len());
        let mut offset = 0;
        for field in &info.fields {
            let unsupported = || super::CodegenError::UnsupportedField {
                field: field.name.clone(),
            };
            let (encoding, element) = match &field.ty {
                // A list of records of scalars, one level deep.
                Type::List(element) if matches!(**element, Type::Record(_)) => {
                    let layout = RecordLayout::of(program, element).map_err(|_| unsupported())?;
                    if layout
                        .fields
                        .iter()
                        .any(|f| matches!(f.encoding, Encoding::List | Encoding::Text))
                    {
                        return Err(unsupported());
                    }
                    (Encoding::List, Some(Box::new(layout)))
                }
                ty => (encoding_of(ty).ok_or_else(unsupported)?, None),
            };
            let width = if encoding == Encoding::List {
                2 * SLOT
            } else {
                SLOT
            };
            fields.push(FieldSlot {
                name: field.name.clone(),
                ty: field.ty.clone(),
                offset,
                encoding,
                element,
            });
            offset += width;
        }
        Ok(RecordLayout {
            stride: offset.max(SLOT),
            fields,
        })
    }
}

/// The slot encoding of a scalar type at its storage scale.
pub(super) fn encoding_of(ty: &Type) -> Option<Encoding> {
    match ty {
        Type::Money | Type::Percent | Type::Hours | Type::Rate => {
            Some(Encoding::Number { scale: 2 })
        }
        Type::Int | Type::Days | Type::Months => Some(Encoding::Number { scale: 0 }),
        Type::Date => Some(Encoding::Date),
        Type::Time => Some(Encoding::Time),
        Type::Timestamp => Some(Encoding::Timestamp),
        Type::Bool => Some(Encoding::Bool),
        Type::Enum(_) => Some(Encoding::Variant),
        Type::Text => Some(Encoding::Text),
        // `Decimal` keeps a run-time scale; lists and records have no
        // fixed size (the checker keeps them out of entry points).
        Type::Decimal
        | Type::Class
        | Type::List(_)
        | Type::Record(_)
        | Type::Eligibility
        | Type::LimitCheck(_)
        | Type::Error => None,
    }
}

/// The memory of the lists of encoded records: one allocation per list,
/// whose address never moves while the arena lives (the record's slot
/// points at it), in `i64` words so that every slot is aligned.
#[derive(Debug, Default)]
pub struct ListArena {
    lists: Vec<Box<[i64]>>,
}

impl ListArena {
    pub fn clear(&mut self) {
        self.lists.clear();
    }

    /// Encode the elements of `items` with `element`'s layout into new
    /// memory; its address and the number of elements.
    fn push(&mut self, element: &RecordLayout, items: &[Value]) -> Result<(i64, i64), EncodeError> {
        let words = element.stride / SLOT;
        let mut memory = vec![0i64; words * items.len()].into_boxed_slice();
        for (index, item) in items.iter().enumerate() {
            let Value::Record(fields) = item else {
                return Err(EncodeError::WrongValue);
            };
            if fields.len() != element.fields.len() {
                return Err(EncodeError::WrongValue);
            }
            let mut bytes = vec![0u8; element.stride];
            for (field, value) in fields.iter().enumerate() {
                encode_value(element, field, value, &mut bytes)?;
            }
            let record = memory
                .get_mut(index * words..(index + 1) * words)
                .ok_or(EncodeError::WrongValue)?;
            for (word, chunk) in record.iter_mut().zip(bytes.chunks_exact(SLOT)) {
                let mut eight = [0u8; SLOT];
                eight.copy_from_slice(chunk);
                *word = i64::from_ne_bytes(eight);
            }
        }
        let address = memory.as_ptr() as i64;
        let len = i64::try_from(items.len()).map_err(|_| EncodeError::OutOfRange)?;
        self.lists.push(memory);
        Ok((address, len))
    }
}

/// Write list field `field_index` of `layout` into `record`, its elements
/// into `arena`.
pub fn encode_list(
    layout: &RecordLayout,
    field_index: usize,
    value: &Value,
    record: &mut [u8],
    arena: &mut ListArena,
) -> Result<(), EncodeError> {
    let slot = layout
        .fields
        .get(field_index)
        .ok_or(EncodeError::WrongValue)?;
    let (Some(element), Value::List(items)) = (&slot.element, value) else {
        return Err(EncodeError::WrongValue);
    };
    let (address, len) = arena.push(element, items)?;
    let bytes = record
        .get_mut(slot.offset..slot.offset + 2 * SLOT)
        .ok_or(EncodeError::WrongValue)?;
    let (first, second) = bytes.split_at_mut(SLOT);
    first.copy_from_slice(&address.to_ne_bytes());
    second.copy_from_slice(&len.to_ne_bytes());
    Ok(())
}

/// Why a value could not be put in its slot. The record then goes to the
/// interpreter, which reports whatever is wrong with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodeError {
    /// Not the kind of value the slot holds, or no such field.
    WrongValue,
    /// A number whose mantissa does not fit an `i64` at the slot's scale.
    OutOfRange,
}

/// Write field `field_index` of `layout` into `record` (one stride).
pub fn encode_value(
    layout: &RecordLayout,
    field_index: usize,
    value: &Value,
    record: &mut [u8],
) -> Result<(), EncodeError> {
    let slot = layout
        .fields
        .get(field_index)
        .ok_or(EncodeError::WrongValue)?;
    // One arm per encoding, so that a new encoding does not compile until
    // it is encoded here.
    let word: i64 = match (slot.encoding, value) {
        (Encoding::Number { scale }, Value::Number(n)) => mantissa_at(n, scale)?,
        (Encoding::Date, Value::Date(d)) => i64::from(d.num_days_from_ce()),
        (Encoding::Time, Value::Time(t)) => i64::from(clock::minute_of_day(*t)),
        (Encoding::Timestamp, Value::Timestamp(t)) => clock::timestamp_minutes(*t),
        (Encoding::Bool, Value::Bool(b)) => i64::from(*b),
        (Encoding::Variant, Value::Variant(v)) => i64::from(*v),
        // The compiled code never reads an input text's slot: its pieces
        // name the field, and the decoder reads the record.
        (Encoding::Text, Value::Text(_)) => 0,
        // Lists need memory for their elements: `encode_record`.
        (Encoding::List, _) => return Err(EncodeError::WrongValue),
        (
            Encoding::Number { .. }
            | Encoding::Date
            | Encoding::Time
            | Encoding::Timestamp
            | Encoding::Bool
            | Encoding::Variant
            | Encoding::Text,
            _,
        ) => return Err(EncodeError::WrongValue),
    };
    let bytes = record
        .get_mut(slot.offset..slot.offset + SLOT)
        .ok_or(EncodeError::WrongValue)?;
    bytes.copy_from_slice(&word.to_ne_bytes());
    Ok(())
}

/// The mantissa of `n` written with exactly `scale` decimals, as an `i64`.
pub(super) fn mantissa_at(n: &Number, scale: u32) -> Result<i64, EncodeError> {
    let d = n
        .to_decimal_at_scale(scale)
        .map_err(|_| EncodeError::OutOfRange)?;
    i64::try_from(d.mantissa()).map_err(|_| EncodeError::OutOfRange)
}

/// Read field `field_index` of `layout` from `record` (one stride). A slot
/// the compiled code wrote always decodes; garbage decodes to a value of
/// the right kind (a date off the calendar to 0001-01-01).
pub fn decode_value(layout: &RecordLayout, field_index: usize, record: &[u8]) -> Value {
    let Some(slot) = layout.fields.get(field_index) else {
        return Value::Bool(false);
    };
    let word = read_word(record, slot.offset);
    match slot.encoding {
        Encoding::Number { scale } => {
            Value::Number(Number::from_decimal(Decimal::new(word, scale)))
        }
        Encoding::Date => Value::Date(
            i32::try_from(word)
                .ok()
                .and_then(NaiveDate::from_num_days_from_ce_opt)
                .unwrap_or(NaiveDate::MIN),
        ),
        Encoding::Time => Value::Time(
            u32::try_from(word.rem_euclid(clock::DAY_MINUTES))
                .ok()
                .and_then(|m| chrono::NaiveTime::from_hms_opt(m / 60, m % 60, 0))
                .unwrap_or(chrono::NaiveTime::MIN),
        ),
        Encoding::Timestamp => Value::Timestamp(
            clock::timestamp_of_minutes(word).unwrap_or(chrono::NaiveDateTime::MIN),
        ),
        Encoding::Bool => Value::Bool(word != 0),
        Encoding::Variant => Value::Variant(u32::try_from(word).unwrap_or(u32::MAX)),
        Encoding::Text => Value::Text(std::sync::Arc::from("")),
        // The elements are not in the record: batches keep a list's value.
        Encoding::List => Value::List(std::sync::Arc::from(Vec::new())),
    }
}

/// One piece of a compiled text: a constant of the program, or a text
/// field of the input record (by index), whose text the decoder takes
/// from that record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextPiece {
    Const(std::sync::Arc<str>),
    Input(usize),
}

/// Read a text result: the pieces whose bit is set in the slot, in order;
/// input pieces come from `input`, the record the result was computed
/// from.
pub(crate) fn decode_text(
    layout: &RecordLayout,
    field_index: usize,
    record: &[u8],
    pieces: &[TextPiece],
    input: &Value,
) -> Value {
    let word = layout
        .fields
        .get(field_index)
        .map_or(0, |slot| read_word(record, slot.offset));
    let mut text = String::new();
    for (bit, piece) in pieces.iter().enumerate().take(63) {
        if word & (1i64 << bit) == 0 {
            continue;
        }
        match piece {
            TextPiece::Const(constant) => text.push_str(constant),
            TextPiece::Input(index) => {
                if let Value::Record(fields) = input
                    && let Some(Value::Text(t)) = fields.get(*index)
                {
                    text.push_str(t);
                }
            }
        }
    }
    Value::Text(std::sync::Arc::from(text))
}

fn read_word(record: &[u8], offset: usize) -> i64 {
    let mut bytes = [0u8; SLOT];
    if let Some(slice) = record.get(offset..offset + SLOT) {
        bytes.copy_from_slice(slice);
    }
    i64::from_ne_bytes(bytes)
}
