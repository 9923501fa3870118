//! The Avtal engines as the benchmark drives them: the W1 module compiled
//! once, records decoded to values once, and the `avtal` binary for the
//! end-to-end run.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use avtal_compiler::data::DataType;
use avtal_compiler::eval::{Interpreter, Value};
use avtal_compiler::ir::{FuncId, Program};
use avtal_compiler::{Sources, compile, stdlib};
use avtal_engine::{Engine, InputBatch, PreparedEntry, Results};
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
                    .map_err(|e| format!("record {}: {}", i + 1, e.message()))?;
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

/// The compiled evaluator: W1 prepared once through the engine boundary
/// (as `avtal run` uses it), the records read into one input batch once;
/// the timed loop is the engine's `evaluate` over that batch.
pub struct JitEngine<'p> {
    prepared: PreparedEntry<'p>,
    batch: InputBatch,
    results: Results,
    pub compile_time: Duration,
}

impl InterpreterEngine {
    pub fn jit(&self) -> Result<JitEngine<'_>, String> {
        let start = Instant::now();
        let entry = self
            .program
            .entry(self.entry)
            .ok_or("W1 is not an entry point")?;
        let prepared = PreparedEntry::prepare(&self.program, entry, Engine::Jit);
        if let Some(why) = prepared.not_compiled() {
            return Err(format!("W1 does not compile: {why}"));
        }
        let compile_time = start.elapsed();
        let codec = prepared.input_codec();
        let mut batch = codec.new_batch();
        for record in &self.records {
            codec.push_value(&mut batch, record.clone());
        }
        Ok(JitEngine {
            prepared,
            batch,
            results: Results::default(),
            compile_time,
        })
    }

    /// Every record through the engine's JIT (interpreter fallback
    /// included), decoded for comparison.
    pub fn evaluate_all_jit(&self) -> Result<Vec<Outputs>, String> {
        let mut jit = self.jit()?;
        jit.prepared.evaluate(&jit.batch, &mut jit.results);
        (0..jit.results.len())
            .map(|i| {
                let out = match jit.results.get(i) {
                    Some(Ok(computed)) => computed.to_value(),
                    Some(Err(failure)) => return Err(format!("record {}: {failure:?}", i + 1)),
                    None => return Err(format!("record {}: no result", i + 1)),
                };
                decode(&out).ok_or_else(|| format!("record {}: unexpected output shape", i + 1))
            })
            .collect()
    }
}

impl JitEngine<'_> {
    /// Compute every record; returns how many failed.
    pub fn evaluate_count(&mut self) -> usize {
        self.prepared.evaluate(&self.batch, &mut self.results);
        (0..self.results.len())
            .filter(|i| !matches!(self.results.get(*i), Some(Ok(_))))
            .count()
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
    run_binary_to(binary, population, "avtal-w1-bench-out.csv")
}

/// `avtal run` of W1 by `binary` into the temporary file `out`.
pub fn run_binary_to(binary: &PathBuf, population: &str, out: &str) -> Result<(), String> {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = std::env::temp_dir().join(out);
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
