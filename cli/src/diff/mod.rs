//! `avtal diff OLD NEW --input POPULATION`: evaluate two versions of an
//! agreement over the same population and report, per output field, what
//! changed and what it costs.
//!
//! The population is read once, with `avtal run`'s readers (so bad rows
//! get the same diagnostics), in batches; each batch goes through OLD's
//! and NEW's evaluators (the JIT with the interpreter as exact fallback,
//! or `--engine interp`), and the two results of each row are compared at
//! once and forgotten. What is kept is bounded (`summary.rs`), so memory
//! does not grow with the population.
//!
//! Code map: `versions.rs` (two separate compilations, entry point and
//! signature check), `set.rs` (`--set`), `summary.rs` (the comparison),
//! `report.rs` (the result as data), `text.rs`, `html.rs` and JSON (serde)
//! render it, `changes.rs` writes `--changes`, `histogram.rs` buckets.

mod changes;
mod histogram;
mod html;
mod report;
mod set;
mod summary;
mod text;
mod versions;

use avtal_compiler::codegen::{Evaluator, encode_record};
use avtal_compiler::eval::{EvalError, Value};

use crate::run::input::{Input, Row};
use crate::run::report::{ErrorReport, RowError};
use crate::run::{BATCH, eval_error_message, input_format_of};
use crate::term::{Failure, display_path};
use crate::{DiffArgs, Engine, ReportFormat, Status};
use changes::ChangesFile;
use set::ParamOverride;
use summary::{Header, Summary};
use versions::Version;

/// Long help of `avtal diff`.
pub const HELP: &str = "\
What is compared:
  OLD and NEW are compiled separately (each with the modules it uses and
  its own standard library), so both may declare the same module names.
  The entry point (--entry, or the only one in OLD) must exist in both and
  read and write the same fields with the same types. The population is
  read once, as by `avtal run` (CSV or JSON Lines), and every row is
  evaluated by both versions.

Report (stdout; --format json for a JSON document):
  Per output field: records changed and unchanged (of those both versions
  computed), gained (the row fails in OLD only) and lost (fails in NEW
  only), the exact total change NEW - OLD (the cost of the change, for
  money), and the largest changes (--top). --by FIELD groups the same by
  an input field. Rows that cannot be read are reported as by `avtal run`
  and the other rows still count.

What-if (--set NAME@DATE=VALUE, repeatable; --set-old for OLD):
  Replaces the param's timeline from DATE on with VALUE, in NEW, without
  editing the file: `--set 'garantibelopp@2027-01-01=1800 SEK'`. VALUE is
  Avtal source, checked against the param's type. A stdlib param is named
  with its module (`lag.las.NAME`) when the name is ambiguous. OLD and NEW
  may be the same file.

Files:
  --changes FILE   every changed field of every record (CSV: row, the key
                   fields, field, old, new, difference); rows failing in one
                   version have an empty field and the error
  --html FILE      a self-contained HTML report (summary, histograms, groups,
                   the largest changes side by side)
  --errors FILE    the rows that could not be read or failed in both versions

Exit codes:
  0 every row computed by both versions (whatever changed); 2 some rows
  could not be read or failed in a version; 1 the diff could not run.";

pub fn run(args: &DiffArgs) -> Result<Status, Failure> {
    let (old, new) = load_versions(args)?;
    crate::safe_file::check_diff_paths(args, &old.sources, &new.sources)?;
    versions::check_signatures(&old, &new)?;

    let input_fields = old.plan.input.record_fields().unwrap_or(&[]);
    let field_index = |name: &str, option: &str| {
        input_fields
            .iter()
            .position(|(field, ty)| field == name && ty.is_scalar())
            .ok_or_else(|| unknown_input_field(option, name, input_fields))
    };
    let by = args
        .by
        .as_deref()
        .map(|name| field_index(name, "--by"))
        .transpose()?;
    let key_fields = if args.key.is_empty() {
        // The first input field identifies a row in most populations (`id`).
        input_fields
            .iter()
            .position(|(_, ty)| ty.is_scalar())
            .into_iter()
            .collect()
    } else {
        args.key
            .iter()
            .map(|name| field_index(name, "--key"))
            .collect::<Result<Vec<_>, _>>()?
    };

    let format = input_format_of(&args.input, args.input_format)?;
    let mut input = Input::open(&args.input, format, &old.plan.input)?;
    let mut summary = Summary::new(&old.plan.input, &old.plan.output, key_fields, by, args.top);
    let mut changes = args
        .changes
        .as_deref()
        .map(|path| ChangesFile::create(path, &summary.key_names()))
        .transpose()?;
    let mut errors = ErrorReport::open(args.errors.as_deref())?;
    let mut engines = Engines::new(&old, &new, args.engine);

    // Reading and parsing rows takes about as long as evaluating both
    // versions, so a reader thread parses the next batches while this one
    // evaluates and compares (bounded: at most two batches wait).
    std::thread::scope(|scope| -> Result<(), Failure> {
        let (sender, batches) = std::sync::mpsc::sync_channel::<Result<Vec<Row>, Failure>>(2);
        scope.spawn(move || {
            let mut rows: Vec<Row> = Vec::with_capacity(BATCH);
            loop {
                let row = match input.next_row() {
                    Ok(row) => row,
                    Err(failure) => {
                        let _ = sender.send(Err(failure));
                        return;
                    }
                };
                let end = row.is_none();
                rows.extend(row);
                if rows.len() == BATCH || (end && !rows.is_empty()) {
                    let full = std::mem::replace(&mut rows, Vec::with_capacity(BATCH));
                    if sender.send(Ok(full)).is_err() {
                        return;
                    }
                }
                if end {
                    return;
                }
            }
        });
        // The sender is dropped when the reader ends, which ends this loop;
        // returning early on an error drops the receiver, which stops the
        // reader at its next send.
        for batch in batches {
            let mut rows = batch?;
            engines.compare(&mut rows, &mut summary, changes.as_mut(), &mut errors)?;
        }
        Ok(())
    })?;
    if let Some(changes) = changes {
        changes.finish()?;
    }
    errors.finish()?;

    let any_failed = summary.any_row_failed();
    let errors_listing = errors.listing();
    let report = summary.finish(Header {
        old: display_path(&args.old),
        new: display_path(&args.new),
        input: display_path(&args.input),
        entry: old.entry_name().to_string(),
        overrides: args
            .set_old
            .iter()
            .map(|s| format!("--set-old {s}"))
            .chain(args.set.iter().map(|s| format!("--set {s}")))
            .collect(),
    });
    match args.format {
        ReportFormat::Text => print!("{}", text::render(&report)),
        ReportFormat::Json => {
            let json = serde_json::to_string_pretty(&report)
                .map_err(|e| Failure::new(format!("internal error: {e}")))?;
            println!("{json}");
        }
    }
    if let Some(path) = &args.html {
        let explanations = html::Explanations::new(&old, &new);
        html::write(path, &report, &explanations)?;
    }
    if !errors_listing.is_empty() {
        eprintln!("rows that could not be read or failed in both versions:");
        eprint!("{errors_listing}");
    }
    Ok(if any_failed {
        Status::RowsFailed
    } else {
        Status::Success
    })
}

fn load_versions(args: &DiffArgs) -> Result<(Version, Version), Failure> {
    let parse = |option: &'static str, texts: &[String]| {
        texts
            .iter()
            .map(|text| ParamOverride::parse(option, text).map(|o| (option, o)))
            .collect::<Result<Vec<_>, _>>()
    };
    let old_overrides = parse("--set-old", &args.set_old)?;
    let new_overrides = parse("--set", &args.set)?;
    let old = versions::load("OLD", &args.old, &old_overrides, args.entry.as_deref())?;
    // NEW's entry point is OLD's, by name.
    let entry = old.entry_name().to_string();
    let new = versions::load("NEW", &args.new, &new_overrides, Some(&entry))?;
    Ok((old, new))
}

fn unknown_input_field(
    option: &str,
    name: &str,
    fields: &[(String, avtal_compiler::data::DataType)],
) -> Failure {
    let names: Vec<String> = fields
        .iter()
        .filter(|(_, ty)| ty.is_scalar())
        .map(|(field, _)| format!("`{field}`"))
        .collect();
    Failure::new(format!(
        "`{option} {name}`: the entry point's input has no field `{name}`"
    ))
    .with_help(format!("the input fields are {}", names.join(", ")))
}

/// OLD's and NEW's evaluators and their reused batch buffers.
struct Engines<'p> {
    old: Evaluator<'p>,
    new: Evaluator<'p>,
    old_sources: &'p avtal_compiler::Sources,
    new_sources: &'p avtal_compiler::Sources,
    values: Vec<Value>,
    old_results: Vec<Result<Value, EvalError>>,
    new_results: Vec<Result<Value, EvalError>>,
    slots: Slots,
}

/// Buffers of the compiled pair: one input layout for both versions.
#[derive(Default)]
struct Slots {
    input: Vec<u8>,
    encoded: Vec<bool>,
    old_out: Vec<u8>,
    new_out: Vec<u8>,
    old_status: Vec<u8>,
    new_status: Vec<u8>,
    /// Per record, OLD's and NEW's result when the compiled code gave one.
    native: Vec<(Option<Value>, Option<Value>)>,
}

impl<'p> Engines<'p> {
    fn new(old: &'p Version, new: &'p Version, engine: Engine) -> Engines<'p> {
        let evaluator = |version: &'p Version| match engine {
            Engine::Jit => Evaluator::new(&version.compilation.program, version.plan.entry),
            Engine::Interp => {
                Evaluator::interpreted(&version.compilation.program, version.plan.entry)
            }
        };
        Engines {
            old: evaluator(old),
            new: evaluator(new),
            old_sources: &old.sources,
            new_sources: &new.sources,
            values: Vec::with_capacity(BATCH),
            old_results: Vec::with_capacity(BATCH),
            new_results: Vec::with_capacity(BATCH),
            slots: Slots::default(),
        }
    }

    /// Evaluate `values` in both versions into `old_results` and
    /// `new_results`. When both versions are compiled with one input
    /// layout, each record is encoded once for both, and a result whose
    /// output bytes are the same in both versions (most rows of a review)
    /// is decoded once; records the compiled code gives up on are
    /// evaluated by each version's `Evaluator`, which is the interpreter's
    /// result. Otherwise each `Evaluator` takes the batch.
    fn evaluate(&mut self) {
        let pair = match (self.old.compiled(), self.new.compiled()) {
            (Some(old), Some(new))
                if old.input_layout() == new.input_layout() && old.same_outputs(new) =>
            {
                Some((old, new))
            }
            _ => None,
        };
        let Some((old, new)) = pair else {
            self.old.evaluate_batch(&self.values, &mut self.old_results);
            self.new.evaluate_batch(&self.values, &mut self.new_results);
            return;
        };
        let slots = &mut self.slots;
        let n = self.values.len();
        let layout = old.input_layout();
        slots.input.clear();
        slots.input.resize(n * layout.stride, 0);
        slots.encoded.clear();
        for (value, bytes) in self
            .values
            .iter()
            .zip(slots.input.chunks_exact_mut(layout.stride))
        {
            slots.encoded.push(encode_record(layout, value, bytes));
        }
        let out_stride = old.output_layout().stride;
        for (out, status) in [
            (&mut slots.old_out, &mut slots.old_status),
            (&mut slots.new_out, &mut slots.new_status),
        ] {
            out.clear();
            out.resize(n * out_stride, 0);
            status.clear();
            status.resize(n, 0);
        }
        old.run_batch(&slots.input, n, &mut slots.old_out, &mut slots.old_status);
        new.run_batch(&slots.input, n, &mut slots.new_out, &mut slots.new_status);
        slots.native.clear();
        let outputs = slots
            .old_out
            .chunks_exact(out_stride)
            .zip(slots.new_out.chunks_exact(out_stride));
        for (i, (value, (old_bytes, new_bytes))) in self.values.iter().zip(outputs).enumerate() {
            let encoded = slots.encoded.get(i).copied().unwrap_or(false);
            let ok = |status: &[u8]| encoded && status.get(i) == Some(&0);
            let old_value = ok(&slots.old_status).then(|| old.decode_output(old_bytes, value));
            let new_value = match &old_value {
                Some(same) if ok(&slots.new_status) && old_bytes == new_bytes => Some(same.clone()),
                _ => ok(&slots.new_status).then(|| new.decode_output(new_bytes, value)),
            };
            slots.native.push((old_value, new_value));
        }
        for (value, (old_value, new_value)) in self.values.iter().zip(slots.native.drain(..)) {
            self.old_results.push(match old_value {
                Some(v) => Ok(v),
                None => self.old.evaluate(value),
            });
            self.new_results.push(match new_value {
                Some(v) => Ok(v),
                None => self.new.evaluate(value),
            });
        }
    }

    /// Evaluate a batch in both versions and compare row by row; empties `rows`.
    fn compare(
        &mut self,
        rows: &mut Vec<Row>,
        summary: &mut Summary,
        mut changes: Option<&mut ChangesFile>,
        errors: &mut ErrorReport,
    ) -> Result<(), Failure> {
        self.values.clear();
        self.values.extend(
            rows.iter()
                .filter_map(|row| row.value.as_ref().ok().cloned()),
        );
        self.old_results.clear();
        self.new_results.clear();
        self.evaluate();
        let mut results = self
            .values
            .iter()
            .zip(self.old_results.drain(..).zip(self.new_results.drain(..)));
        for row in rows.drain(..) {
            if let Err(row_errors) = row.value {
                summary.add_bad_row();
                errors.add_row(row.number, row.line, row_errors)?;
                continue;
            }
            let Some((input, (old, new))) = results.next() else {
                return Err(Failure::new("internal error: a row without a result"));
            };
            match (old, new) {
                (Ok(old), Ok(new)) => {
                    summary.add_both(row.number, input, &old, &new, changes.as_deref_mut())?;
                }
                (Err(old), Ok(_)) => {
                    let message = eval_error_message(self.old_sources, &old);
                    summary.add_failed_in_one(
                        row.number,
                        row.line,
                        input,
                        "OLD",
                        &message,
                        changes.as_deref_mut(),
                    )?;
                }
                (Ok(_), Err(new)) => {
                    let message = eval_error_message(self.new_sources, &new);
                    summary.add_failed_in_one(
                        row.number,
                        row.line,
                        input,
                        "NEW",
                        &message,
                        changes.as_deref_mut(),
                    )?;
                }
                (Err(old), Err(new)) => {
                    summary.add_failed_in_both(input);
                    let mut old_message = eval_error_message(self.old_sources, &old);
                    let mut new_message = eval_error_message(self.new_sources, &new);
                    // The same error at the same place (OLD and NEW may be
                    // one file) is said once.
                    let row_errors = if old_message == new_message {
                        old_message.message = format!("in OLD and NEW: {}", old_message.message);
                        vec![RowError::new("", old_message)]
                    } else {
                        old_message.message = format!("in OLD: {}", old_message.message);
                        new_message.message = format!("in NEW: {}", new_message.message);
                        vec![
                            RowError::new("", old_message),
                            RowError::new("", new_message),
                        ]
                    };
                    errors.add_row(row.number, row.line, row_errors)?;
                }
            }
        }
        Ok(())
    }
}
