//! Interpreter against JIT on generated programs: the first 8 bytes are a
//! seed for `avtal_compiler::testgen` (a random well-typed entry point
//! `Gen`), the rest make its input records. The compiled evaluator must
//! give every record the interpreter's value (scale included) or error,
//! as in `engine/src/codegen/generated_programs.rs`, through the engine
//! boundary every command uses (`avtal_engine::PreparedEntry`).
#![no_main]

use std::sync::Arc;

use avtal_compiler::eval::{Interpreter, Number, Value};
use avtal_compiler::ir::Program;
use avtal_compiler::source::Sources;
use avtal_compiler::testgen;
use avtal_compiler::types::Type;
use avtal_engine::{Engine, PreparedEntry, RowFailure};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

/// Reads values from the fuzzer's bytes (zeros once they run out).
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((first, rest)) => {
                self.0 = rest;
                *first
            }
            None => 0,
        }
    }

    fn i64(&mut self) -> i64 {
        let mut word = [0u8; 8];
        for byte in &mut word {
            *byte = self.byte();
        }
        i64::from_le_bytes(word)
    }

    /// Mostly payroll-sized numbers, sometimes anything.
    fn mantissa(&mut self) -> i64 {
        match self.byte() % 8 {
            0 => self.i64(),
            1 => 0,
            2 => self.i64() % 1_000,
            _ => self.i64() % 10_000_000,
        }
    }

    fn value(&mut self, program: &Program, ty: &Type) -> Value {
        let number =
            |m: i64, scale: u32| Value::Number(Number::from_decimal(Decimal::new(m, scale)));
        match ty {
            Type::Money | Type::Percent | Type::Hours => number(self.mantissa(), 2),
            Type::Int | Type::Days | Type::Months => number(self.mantissa() % 100_000, 0),
            Type::Decimal => {
                let scale = u32::from(self.byte() % 6);
                number(self.mantissa(), scale)
            }
            Type::Date => {
                let days = match self.byte() % 8 {
                    0 => (self.i64() % 3_000_000) as i32,
                    _ => 726_833 + (self.i64().rem_euclid(17_000)) as i32,
                };
                match chrono::NaiveDate::from_num_days_from_ce_opt(days) {
                    Some(date) => Value::Date(date),
                    None => Value::Date(chrono::NaiveDate::MIN),
                }
            }
            Type::Bool => Value::Bool(self.byte() % 2 == 1),
            Type::Text => {
                let texts = ["", "C1", "grupp å", "; ", "ja"];
                Value::Text(Arc::from(texts[usize::from(self.byte()) % texts.len()]))
            }
            Type::Enum(id) => {
                let n = program
                    .enum_info(*id)
                    .map_or(1, |e| e.variants.len().max(1));
                Value::Variant((usize::from(self.byte()) % n) as u32)
            }
            Type::List(element) => {
                let n = self.byte() % 5;
                let items: Vec<Value> = (0..n).map(|_| self.value(program, element)).collect();
                Value::List(Arc::from(items))
            }
            Type::Record(id) => {
                let fields = program
                    .record(*id)
                    .map(|r| r.fields.clone())
                    .unwrap_or_default();
                let values: Vec<Value> =
                    fields.iter().map(|f| self.value(program, &f.ty)).collect();
                Value::Record(Arc::from(values))
            }
            _ => Value::Bool(false),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut bytes = Bytes(data);
    let seed = bytes.i64() as u64;
    let text = testgen::program(seed);
    let mut sources = Sources::new();
    sources.add("gen.avtal", text.as_str());
    let compilation = avtal_compiler::compile(&sources);
    assert!(
        !compilation.has_errors(),
        "generated program (seed {seed:#x}) does not check:\n{text}\n{:?}",
        compilation.diagnostics
    );
    let program = &compilation.program;
    let Some(checked) = program.entries.first() else {
        panic!("no entry point in the generated program (seed {seed:#x})");
    };
    let entry = checked.function;
    let input_type = Type::Record(checked.input);
    let mut prepared = PreparedEntry::prepare(program, checked, Engine::Jit);
    if !prepared.is_native() {
        return;
    }
    let interpreter = Interpreter::new(program);
    let records = 1 + bytes.byte() % 8;
    for _ in 0..records {
        let record = bytes.value(program, &input_type);
        let interpreted = interpreter.call(entry, std::slice::from_ref(&record));
        let compiled = prepared
            .evaluate_value(&record)
            .map_err(|failure| match failure {
                RowFailure::Evaluation(error) => error,
                other => panic!("not an evaluation error: {other:?} (seed {seed:#x})"),
            });
        assert_eq!(
            format!("{interpreted:?}"),
            format!("{compiled:?}"),
            "seed {seed:#x}, record {record:?}\n{text}"
        );
    }
});
