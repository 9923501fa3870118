//! JSON Lines rows straight into a compiled record layout, lists of
//! records into list memory: no value tree, no allocation per element.
//!
//! Like `slots.rs` for CSV cells, a [`JsonPlan`] either gives exactly what
//! the general path gives (`DataType::parse_json_text`, then
//! `codegen::encode_record`) or *declines* the row, and the caller reads it
//! the general way, which then also reports its problems: a missing or
//! repeated field, a value of the wrong JSON kind, a cell in any form but
//! the plain ones of the slot readers, invalid JSON, a `null`. Declining
//! is always allowed, a different answer never is. Unknown fields are
//! skipped as the general path skips them. Values are read from the
//! JSON text of each field (`RawValue`), so numbers keep their exact text.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::codegen::{Encoding, RecordLayout};
use crate::slots::SlotReader;
use avtal_compiler::data::{DataType, Kind, data_name};

/// How each field of a record is read from JSON into its slot.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct JsonPlan {
    fields: Vec<FieldPlan>,
    /// Words per record (elements of a list).
    words: usize,
}

#[derive(Debug, PartialEq, Eq)]
struct FieldPlan {
    name: String,
    /// The slot's word in the record.
    word: usize,
    read: FieldRead,
}

#[derive(Debug, PartialEq, Eq)]
enum FieldRead {
    /// A scalar; `quoted_only` for the types JSON gives only as strings
    /// (dates, times, enums: a bare number or boolean is an error there).
    Scalar {
        reader: SlotReader,
        quoted_only: bool,
    },
    /// A list of records: two words (address, length).
    List(Box<JsonPlan>),
}

/// The list memory of the rows read, one block per list, which the slots
/// point at; blocks do not move while the batch lives.
pub(crate) type ListBlocks = Vec<Vec<i64>>;

impl JsonPlan {
    /// The plan for `record` in `layout`, or `None` when some field has
    /// no plain JSON reading (a text, a nested record).
    pub(crate) fn new(record: &DataType, layout: &RecordLayout) -> Option<JsonPlan> {
        let fields = record.record_fields()?;
        if fields.len() != layout.fields.len() || fields.len() > 64 {
            return None;
        }
        let fields = fields
            .iter()
            .zip(&layout.fields)
            .map(|((name, ty), slot)| {
                let read = match (ty.kind(), slot.encoding, &slot.element) {
                    (Kind::List(element), Encoding::List, Some(element_layout)) => {
                        let plan = JsonPlan::new(element, element_layout)?;
                        if plan
                            .fields
                            .iter()
                            .any(|f| matches!(f.read, FieldRead::List(_)))
                        {
                            return None;
                        }
                        FieldRead::List(Box::new(plan))
                    }
                    (kind, encoding, _) => FieldRead::Scalar {
                        reader: SlotReader::for_field(ty, encoding)?,
                        quoted_only: matches!(
                            kind,
                            Kind::Date | Kind::Time | Kind::Timestamp | Kind::Enum { .. }
                        ),
                    },
                };
                Some(FieldPlan {
                    name: name.clone(),
                    word: slot.offset / 8,
                    read,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(JsonPlan {
            fields,
            words: layout.stride / 8,
        })
    }

    /// Read one JSON Lines row (its line break included) into `record`
    /// (one stride, zeroed), its lists into `lists`; false, with `lists`
    /// as it was, when the row is declined.
    pub(crate) fn read_row(&self, line: &[u8], record: &mut [u8], lists: &mut ListBlocks) -> bool {
        let before = lists.len();
        let read = self.try_row(line, record, lists);
        if !read {
            lists.truncate(before);
        }
        read
    }

    fn try_row(&self, line: &[u8], record: &mut [u8], lists: &mut ListBlocks) -> bool {
        // As `parse_json_text`: one object, blanks around it.
        let Ok(text) = std::str::from_utf8(line) else {
            return false;
        };
        let text = text.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r'));
        if !text.starts_with('{') {
            return false;
        }
        let mut words = vec![0i64; self.words];
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let seed = RecordSeed {
            plan: self,
            words: &mut words,
            lists,
        };
        if seed.deserialize(&mut deserializer).is_err() || deserializer.end().is_err() {
            return false;
        }
        for (bytes, word) in record.chunks_exact_mut(8).zip(&words) {
            bytes.copy_from_slice(&word.to_ne_bytes());
        }
        true
    }
}

/// Why a row is declined; never shown (the general path reports).
fn decline<E: de::Error>() -> E {
    E::custom("declined")
}

/// The word of a plain scalar from its JSON text.
fn scalar_word(reader: &SlotReader, quoted_only: bool, raw: &str) -> Option<i64> {
    let bytes = raw.as_bytes();
    match bytes
        .strip_prefix(b"\"")
        .and_then(|r| r.strip_suffix(b"\""))
    {
        // A string without escapes: its text is the cell.
        Some(inner) if !inner.contains(&b'\\') => reader.read(inner),
        Some(_) => None,
        None if quoted_only => None,
        None => reader.read(bytes),
    }
}

/// One record (a row, or an element of a list) into `words`.
struct RecordSeed<'s> {
    plan: &'s JsonPlan,
    words: &'s mut [i64],
    lists: &'s mut ListBlocks,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let RecordSeed { plan, words, lists } = self;
        let fields = &plan.fields;
        let mut seen: u64 = 0;
        // Rows usually list fields in the same order: try the next one first.
        let mut next = 0;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let index = match fields.get(next) {
                Some(field) if field.name == key.0 => Some(next),
                // Field names are NFC: so is the key, to find it.
                _ => {
                    let key = data_name(&key.0);
                    fields.iter().position(|field| field.name == *key)
                }
            };
            let (Some(index), Some(field)) = (index, index.and_then(|i| fields.get(i))) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let bit = 1u64 << index;
            if seen & bit != 0 {
                return Err(decline());
            }
            seen |= bit;
            next = index + 1;
            match &field.read {
                FieldRead::Scalar {
                    reader,
                    quoted_only,
                } => {
                    let raw: &RawValue = map.next_value()?;
                    let word = scalar_word(reader, *quoted_only, raw.get()).ok_or_else(decline)?;
                    *words.get_mut(field.word).ok_or_else(decline)? = word;
                }
                FieldRead::List(element) => {
                    let (address, len) = map.next_value_seed(ListSeed {
                        plan: element,
                        lists: &mut *lists,
                    })?;
                    *words.get_mut(field.word).ok_or_else(decline)? = address;
                    *words.get_mut(field.word + 1).ok_or_else(decline)? = len;
                }
            }
        }
        let all = if fields.len() == 64 {
            u64::MAX
        } else {
            (1u64 << fields.len()) - 1
        };
        if seen == all { Ok(()) } else { Err(decline()) }
    }
}

/// A list of records into a new block of `lists`: its address and length.
struct ListSeed<'s> {
    plan: &'s JsonPlan,
    lists: &'s mut ListBlocks,
}

impl<'de> DeserializeSeed<'de> for ListSeed<'_> {
    type Value = (i64, i64);

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<(i64, i64), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ListSeed<'_> {
    type Value = (i64, i64);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(i64, i64), A::Error> {
        let ListSeed { plan, lists } = self;
        let words = plan.words;
        let mut block: Vec<i64> = Vec::with_capacity(seq.size_hint().unwrap_or(16) * words);
        let mut element = vec![0i64; words];
        let mut len: i64 = 0;
        let mut none = ListBlocks::new();
        loop {
            element.iter_mut().for_each(|w| *w = 0);
            let seed = RecordSeed {
                plan,
                words: &mut element,
                lists: &mut none,
            };
            if seq.next_element_seed(seed)?.is_none() {
                break;
            }
            block.extend_from_slice(&element);
            len += 1;
        }
        // The block's memory does not move when `lists` grows.
        let address = block.as_ptr() as i64;
        lists.push(block);
        Ok((address, len))
    }
}

/// An object key, borrowed when it has no escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Field `index` of a record read by [`JsonPlan::read_row`] as a value:
/// a scalar decoded from its slot, a list from its block among `blocks`
/// (the record's, first), exactly the value its JSON reads as.
pub(crate) fn decode_field(
    layout: &RecordLayout,
    index: usize,
    record: &[u8],
    blocks: &[Vec<i64>],
) -> avtal_compiler::eval::Value {
    use avtal_compiler::eval::Value;
    let Some(slot) = layout.fields.get(index) else {
        return Value::Bool(false);
    };
    let Some(element) = slot
        .element
        .as_deref()
        .filter(|_| slot.encoding == Encoding::List)
    else {
        return crate::codegen::decode_value(layout, index, record);
    };
    let word = |offset: usize| {
        record
            .get(offset..offset + 8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map_or(0, i64::from_ne_bytes)
    };
    let address = word(slot.offset);
    let lists = layout
        .fields
        .iter()
        .filter(|f| f.encoding == Encoding::List)
        .count();
    let block = blocks
        .iter()
        .take(lists)
        .find(|block| block.as_ptr() as i64 == address);
    let words = element.stride / 8;
    let items: Vec<Value> = block
        .map(|block| {
            block
                .chunks_exact(words.max(1))
                .map(|element_words| {
                    let bytes: Vec<u8> =
                        element_words.iter().flat_map(|w| w.to_ne_bytes()).collect();
                    Value::Record(
                        (0..element.fields.len())
                            .map(|j| crate::codegen::decode_value(element, j, &bytes))
                            .collect(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Value::List(items.into())
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod tests;
