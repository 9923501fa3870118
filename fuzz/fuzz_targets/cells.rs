//! The data readers on any text: a CSV cell (`DataType::parse_text`) of
//! each scalar type and a JSON Lines row (`DataType::parse_json_text`) of
//! a record with every kind of field. Neither may panic, and what they
//! read must survive the round trip: written back (`write_cell`,
//! `write_json`), it reads as the same value, scale included.
//!
//! The first byte picks the type; the rest is the cell or the row.
#![no_main]

use std::sync::OnceLock;

use avtal_compiler::data::DataType;
use avtal_compiler::ir::Program;
use avtal_compiler::source::Sources;
use avtal_compiler::types::Type;
use libfuzzer_sys::fuzz_target;

const SOURCE: &str = "\
enum Avdelning { I, II, Övrig }
record Del { från: Date, belopp: Money }
record Rad {
  lön: Money,
  andel: Percent,
  tid: Hours,
  antal: Int,
  dagar: Days,
  månader: Months,
  faktor: Decimal,
  från: Date,
  aktiv: Bool,
  namn: Text,
  avdelning: Avdelning,
  frånvaro: List<Date>,
  delar: List<Del>,
}
";

struct Types {
    scalars: Vec<DataType>,
    row: DataType,
}

fn types() -> &'static Types {
    static TYPES: OnceLock<Types> = OnceLock::new();
    TYPES.get_or_init(|| {
        let mut sources = Sources::new();
        sources.add("cells.avtal", SOURCE);
        let compilation = avtal_compiler::compile(&sources);
        assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
        let program: &Program = &compilation.program;
        let (id, _) = program
            .records
            .iter()
            .enumerate()
            .find(|(_, r)| r.name == "Rad")
            .expect("record Rad");
        let row_type = Type::Record(avtal_compiler::types::RecordId(id as u32));
        let row = program.records[id].clone();
        let scalars = row
            .fields
            .iter()
            .filter(|f| !matches!(f.ty, Type::List(_)))
            .map(|f| DataType::new(program, &f.ty))
            .collect();
        Types {
            scalars,
            row: DataType::new(program, &row_type),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let types = types();
    let index = usize::from(selector) % (types.scalars.len() + 1);
    match types.scalars.get(index) {
        Some(ty) => {
            let Ok(value) = ty.parse_text(text) else {
                return;
            };
            let mut written = String::new();
            ty.write_cell(&value, &mut written)
                .unwrap_or_else(|e| panic!("read {text:?} as {value:?}, cannot write it: {e:?}"));
            let again = ty.parse_text(&written).unwrap_or_else(|e| {
                panic!("wrote {written:?} (read from {text:?}), cannot read it: {e:?}")
            });
            assert_eq!(
                format!("{value:?}"),
                format!("{again:?}"),
                "{text:?} → {written:?}"
            );
        }
        None => {
            let Ok(value) = types.row.parse_json_text(text) else {
                return;
            };
            let mut written = String::new();
            types
                .row
                .write_json(&value, &mut written)
                .unwrap_or_else(|e| panic!("read {text:?} as {value:?}, cannot write it: {e:?}"));
            let again = types.row.parse_json_text(&written).unwrap_or_else(|e| {
                panic!("wrote {written:?} (read from {text:?}), cannot read it: {e:?}")
            });
            assert_eq!(
                format!("{value:?}"),
                format!("{again:?}"),
                "{text:?} → {written:?}"
            );
        }
    }
});
