//! The fast slot path against the general path: on generated cells (plain
//! numbers, extra decimals, signs, blanks, empty cells, huge values, bad
//! dates, letter case), whatever `SlotReader::read` accepts must be exactly
//! what `parse_text` then `encode_value` gives, and whatever
//! `SlotWriter::write` writes must be exactly `decode_value` then
//! `write_cell`. `PROPTEST_CASES=N` runs more.

use proptest::prelude::*;

use avtal_compiler::data::DataType;
use avtal_compiler::ir::Program;
use avtal_compiler::types::Type;

use crate::codegen::{RecordLayout, decode_value, encode_value};
use crate::slots::{SlotReader, SlotWriter};

/// A record of every type a layout holds, and an enum.
fn slot_program() -> (Program, Type) {
    let mut sources = avtal_compiler::Sources::new();
    sources.add(
        "slots.avtal",
        "module slots\n\
         enum Avdelning { I, II }\n\
         record Alla {\n  f0: Money\n  f1: Percent\n  f2: Hours\n  f3: Int\n  f4: Days\n  \
         f5: Months\n  f6: Date\n  f7: Bool\n  f8: Avdelning\n}\n",
    );
    let compilation = avtal_compiler::compile(&sources);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    let id = compilation
        .program
        .records
        .iter()
        .position(|r| r.name == "Alla")
        .unwrap();
    let id = avtal_compiler::types::RecordId(u32::try_from(id).unwrap());
    (compilation.program, Type::Record(id))
}

struct Fixture {
    record: DataType,
    layout: RecordLayout,
    readers: Vec<SlotReader>,
    writers: Vec<SlotWriter>,
}

fn fixture() -> Fixture {
    let (program, record_type) = slot_program();
    let record = DataType::new(&program, &record_type);
    let layout = RecordLayout::of(&program, &record_type).unwrap();
    let readers = SlotReader::for_record(&record, &layout).unwrap();
    let writers = SlotWriter::for_record(&record, &layout).unwrap();
    Fixture {
        record,
        layout,
        readers,
        writers,
    }
}

/// Check one cell in field `index`: the fast reader declines or agrees.
fn check_read(f: &Fixture, index: usize, cell: &str) {
    let Some(word) = f.readers[index].read(cell.as_bytes()) else {
        return;
    };
    let ty = &f.record.record_fields().unwrap()[index].1;
    let value = ty
        .parse_text(cell)
        .unwrap_or_else(|e| panic!("fast path read {cell:?} as {word}, general path: {e:?}"));
    let mut bytes = vec![0u8; f.layout.stride];
    encode_value(&f.layout, index, &value, &mut bytes).unwrap_or_else(|e| {
        panic!("fast path read {cell:?} as {word}, general path cannot encode: {e:?}")
    });
    let offset = f.layout.fields[index].offset;
    let expected = i64::from_ne_bytes(bytes[offset..offset + 8].try_into().unwrap());
    assert_eq!(word, expected, "field {index}, cell {cell:?}");
    // The slot decodes to the very value the general path read, scale
    // included.
    let decoded = decode_value(&f.layout, index, &bytes);
    assert_eq!(format!("{decoded:?}"), format!("{value:?}"), "{cell:?}");
}

/// Check one word in field `index`: the fast writer declines or agrees.
fn check_write(f: &Fixture, index: usize, word: i64) {
    let mut fast = Vec::new();
    if !f.writers[index].write(word, &mut fast) {
        assert!(fast.is_empty());
        return;
    }
    let mut bytes = vec![0u8; f.layout.stride];
    let offset = f.layout.fields[index].offset;
    bytes[offset..offset + 8].copy_from_slice(&word.to_ne_bytes());
    let value = decode_value(&f.layout, index, &bytes);
    let ty = &f.record.record_fields().unwrap()[index].1;
    let mut general = String::new();
    ty.write_cell(&value, &mut general).unwrap();
    assert_eq!(String::from_utf8(fast).unwrap(), general, "field {index}");
}

fn number_cell() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just(""), Just("-"), Just("+"), Just(" "), Just("--")],
        prop_oneof![
            "[0-9]{0,4}",
            "[0-9]{15,22}",
            Just("9223372036854775807".to_string()),
            Just("92233720368547758".to_string()),
            Just("0".to_string()),
            Just("00".to_string()),
        ],
        prop_oneof![
            Just(String::new()),
            Just(".".to_string()),
            "\\.[0-9]{1,4}",
            "\\.[0-9]0{0,6}",
            "\\.0{1,30}",
            Just(".07".to_string()),
            Just(".08".to_string()),
            Just(",5".to_string()),
            Just("e3".to_string()),
        ],
        prop_oneof![Just(""), Just(" "), Just("\t"), Just("x"), Just(" kr")],
    )
        .prop_map(|(sign, whole, fraction, tail)| format!("{sign}{whole}{fraction}{tail}"))
}

fn date_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..=10_000, 0u32..=13, 0u32..=32).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (1900u32..2100, 1u32..=12, 1u32..=31).prop_map(|(y, m, d)| format!("{y}-{m}-{d}")),
        (1900u32..2100, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{d:02}.{m:02}.{y}")),
        "[0-9 -]{8,11}",
        Just("2026-01-31 ".to_string()),
        Just(String::new()),
    ]
}

fn bool_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("true"),
        Just("TRUE"),
        Just("False"),
        Just("1"),
        Just("0"),
        Just("01"),
        Just("yes"),
        Just(" true"),
        Just(""),
    ]
    .prop_map(str::to_string)
}

fn variant_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("I"),
        Just("II"),
        Just("ii"),
        Just("III"),
        Just(" I"),
        Just(""),
        Just("I "),
    ]
    .prop_map(str::to_string)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(512),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn numbers_read_fast_exactly_or_not_at_all(cell in number_cell(), index in 0usize..6) {
        check_read(&fixture(), index, &cell);
    }

    #[test]
    fn other_cells_read_fast_exactly_or_not_at_all(
        date in date_cell(),
        flag in bool_cell(),
        variant in variant_cell(),
    ) {
        let f = fixture();
        check_read(&f, 6, &date);
        check_read(&f, 7, &flag);
        check_read(&f, 8, &variant);
    }

    #[test]
    fn slots_write_fast_exactly_or_not_at_all(
        word in prop_oneof![
            any::<i64>(),
            -100_000i64..100_000,
            Just(i64::MIN),
            Just(i64::MAX),
            0i64..4_000_000,
        ],
        index in 0usize..9,
    ) {
        check_write(&fixture(), index, word);
    }
}

#[test]
fn plain_cells_take_the_fast_path() {
    let f = fixture();
    let word = |index: usize, cell: &str| f.readers[index].read(cell.as_bytes());
    assert_eq!(word(0, "30000.00"), Some(3_000_000));
    assert_eq!(word(0, "30000"), Some(3_000_000));
    assert_eq!(word(0, "-0.5"), Some(-50));
    assert_eq!(word(0, "1.500"), Some(150));
    assert_eq!(word(0, "1.505"), None);
    assert_eq!(word(3, "12.00"), Some(12));
    assert_eq!(word(3, "12.5"), None);
    assert_eq!(word(0, " 1"), None);
    assert!(word(6, "2026-02-28").is_some());
    assert_eq!(word(6, "2026-02-30"), None);
    assert_eq!(word(7, "TRUE"), Some(1));
    assert_eq!(word(8, "II"), Some(1));
    assert_eq!(word(8, "ii"), None);
    for cell in [
        "30000.00",
        "-0.00",
        "12",
        "0.07",
        "2026-02-28",
        "true",
        "II",
    ] {
        for index in 0..9 {
            check_read(&f, index, cell);
        }
    }
    let text = |index: usize, word: i64| {
        let mut out = Vec::new();
        f.writers[index]
            .write(word, &mut out)
            .then(|| String::from_utf8(out).unwrap())
    };
    assert_eq!(text(0, -5).as_deref(), Some("-0.05"));
    assert_eq!(text(0, 0).as_deref(), Some("0.00"));
    assert_eq!(text(3, -12).as_deref(), Some("-12"));
    assert_eq!(text(8, 2), None);
    assert_eq!(text(6, -1_000_000_000), None);
}
