//! The Avtal engines as the benchmark drives them: the W1 module compiled
//! once, records decoded to values once, and the `avtal` binary for the
//! end-to-end run.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use avtal_compiler::codegen::{CompiledEntry, Evaluator, encode_value};
use avtal_compiler::data::DataType;
use avtal_compiler::eval::{Interpreter, Value};
use avtal_compiler::ir::{FuncId, Program};
use avtal_compiler::{Sources, compile, stdlib};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::population::Outputs;

const W1_SOURCE: &str = include_str!("../../examples/w1_payroll_month.avtal");

pub struct InterpreterEngine {
    program: Program,
    entry: FuncId,
    records: Vec<Value>,
    pub compile_time: Duration,
}

impl InterpreterEngine {
    pub fn new(rows: &[csv::StringRecord], header: &csv::StringRecord) -> Result<Self, String> {
        let start = Instant::now();
        let mut sources = Sources::new();
        stdlib::add_to(&mut sources);
        sources.add("examples/w1_payroll_month.avtal", W1_SOURCE);
        let compilation = compile(&sources);
        let compile_time = start.elapsed();
        if compilation.has_errors() {
            return Err("examples/w1_payroll_month.avtal does not check".into());
        }
        let program = compilation.program;
        let (entry, function) = program
            .entry_points()
            .find(|(_, f)| f.name == "W1")
            .ok_or("no entry point W1")?;
        let input_type = function
            .params
            .first()
            .map(|(_, t)| t.clone())
            .ok_or("W1 takes no input")?;
        let input = DataType::new(&program, &input_type);
        let fields = input.record_fields().ok_or("W1's input is not a record")?;
        // Column of each input field in the CSV.
        let columns: Vec<usize> = fields
            .iter()
            .map(|(name, _)| {
                header
                    .iter()
                    .position(|h| h == name)
                    .ok_or_else(|| format!("the population has no column {name}"))
            })
            .collect::<Result<_, _>>()?;
        let mut records = Vec::with_capacity(rows.len());
        for (row_index, row) in rows.iter().enumerate() {
            let mut values = Vec::with_capacity(fields.len());
            for ((name, ty), column) in fields.iter().zip(&columns) {
                let cell = row.get(*column).unwrap_or("");
                let value = ty
                    .parse_text(cell)
                    .map_err(|_| format!("row {}: bad {name}", row_index + 1))?;
                values.push(value);
            }
            records.push(Value::Record(values.into()));
        }
        Ok(InterpreterEngine {
            program,
            entry,
            records,
            compile_time,
        })
    }

    /// Evaluate every record and decode the outputs for comparison.
    pub fn evaluate_all(&self) -> Result<Vec<Outputs>, String> {
        let interpreter = Interpreter::new(&self.program);
        self.records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let out = interpreter
                    .call(self.entry, std::slice::from_ref(r))
                    .map_err(|e| format!("record {}: {}", i + 1, e.message))?;
                decode(&out).ok_or_else(|| format!("record {}: unexpected output shape", i + 1))
            })
            .collect()
    }

    /// Evaluate every record; the timed loop.
    pub fn evaluate_count(&self) -> Result<usize, String> {
        let interpreter = Interpreter::new(&self.program);
        let mut ok = 0;
        for r in &self.records {
            if interpreter
                .call(self.entry, std::slice::from_ref(r))
                .is_ok()
            {
                ok += 1;
            }
        }
        Ok(ok)
    }
}

/// The compiled evaluator: W1 JIT-compiled once, records encoded into its
/// input layout once; the timed loop is `run_batch` over all of them.
pub struct JitEngine {
    compiled: CompiledEntry,
    input: Vec<u8>,
    n: usize,
    pub compile_time: Duration,
}

impl InterpreterEngine {
    pub fn jit(&self) -> Result<JitEngine, String> {
        let start = Instant::now();
        let compiled = CompiledEntry::compile(&self.program, self.entry)
            .map_err(|e| format!("W1 does not compile: {e}"))?;
        let compile_time = start.elapsed();
        let layout = compiled.input_layout().clone();
        let mut input = vec![0u8; self.records.len() * layout.stride];
        for (record, bytes) in self
            .records
            .iter()
            .zip(input.chunks_exact_mut(layout.stride))
        {
            let Value::Record(values) = record else {
                return Err("a record that is not one".into());
            };
            for (i, value) in values.iter().enumerate() {
                // A value beyond 64 bits stays zero; its record is counted
                // as falling back below.
                let _ = encode_value(&layout, i, value, bytes);
            }
        }
        Ok(JitEngine {
            compiled,
            input,
            n: self.records.len(),
            compile_time,
        })
    }

    /// Every record through the JIT evaluator (interpreter fallback
    /// included), decoded for comparison.
    pub fn evaluate_all_jit(&self) -> Result<Vec<Outputs>, String> {
        let mut evaluator = Evaluator::new(&self.program, self.entry);
        let mut results = Vec::with_capacity(self.records.len());
        evaluator.evaluate_batch(&self.records, &mut results);
        results
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let out = r
                    .as_ref()
                    .map_err(|e| format!("record {}: {}", i + 1, e.message))?;
                decode(out).ok_or_else(|| format!("record {}: unexpected output shape", i + 1))
            })
            .collect()
    }
}

impl JitEngine {
    /// Compute every record; returns how many need the interpreter.
    pub fn evaluate_count(&self, output: &mut Vec<u8>, status: &mut Vec<u8>) -> usize {
        output.resize(self.n * self.compiled.output_layout().stride, 0);
        status.resize(self.n, 0);
        self.compiled.run_batch(&self.input, self.n, output, status);
        status.iter().filter(|s| **s != 0).count()
    }
}

fn number(value: Option<&Value>, scale: u32) -> Option<i64> {
    let Some(Value::Number(n)) = value else {
        return None;
    };
    let d: Decimal = n.to_decimal()?;
    (d * Decimal::from(10i64.pow(scale)))
        .trunc()
        .try_into()
        .ok()
}

fn decode(value: &Value) -> Option<Outputs> {
    let Value::Record(fields) = value else {
        return None;
    };
    let date = |v: Option<&Value>| -> Option<NaiveDate> {
        match v {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        }
    };
    Some(Outputs {
        vacation_guarantee: number(fields.get(1), 2)?,
        flex_premium: number(fields.get(2), 2)?,
        tsn_fee: number(fields.get(3), 2)?,
        reserve_topup: number(fields.get(4), 2)?,
        overtime_room_hundredths: number(fields.get(5), 2)?,
        overtime_violation: matches!(fields.get(6), Some(Value::Bool(true))),
        notice_months: number(fields.get(7), 0)?,
        notice_end: date(fields.get(8))?,
    })
}

/// The `avtal` binary built next to this one, if any.
pub fn avtal_binary() -> Option<PathBuf> {
    let me = std::env::current_exe().ok()?;
    let candidate = me.parent()?.join("avtal");
    candidate.exists().then_some(candidate)
}

pub fn run_binary(binary: &PathBuf, population: &str) -> Result<(), String> {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = std::env::temp_dir().join("avtal-w1-bench-out.csv");
    let status = Command::new(binary)
        .current_dir(&workspace)
        .args([
            "run",
            "examples/w1_payroll_month.avtal",
            "--input",
            population,
            "--output",
        ])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("avtal run failed: {status}"))
    }
}
