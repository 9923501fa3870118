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

use avtal_compiler::diagnostics::messages::data::DataMessage;
use avtal_engine::{PreparedEntry, Results, RowFailure};

use crate::run::input::Input;
use crate::run::input_format_of;
use crate::run::reader::{ReadBatch, Rows};
use crate::run::report::{ErrorReport, RowError};
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
    crate::safe_file::check_diff_paths(
        args,
        &old.compilation.program.sources,
        &new.compilation.program.sources,
    )?;
    versions::check_signatures(&old, &new)?;

    let input_fields = old.input.record_fields().unwrap_or(&[]);
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
    let input = Input::open(&args.input, format, &old.input)?;
    let mut summary = Summary::new(&old.input, &old.output, key_fields, by, args.top);
    let mut changes = args
        .changes
        .as_deref()
        .map(|path| ChangesFile::create(path, &summary.key_names()))
        .transpose()?;
    let mut errors = ErrorReport::open(args.errors.as_deref())?;
    let mut engines = Engines::new(&old, &new, args.engine);

    // Reading and parsing rows takes about as long as evaluating both
    // versions: the reader thread parses the next batches meanwhile.
    let mut rows = Rows::spawn(input, engines.old.input_codec())?;
    while let Some(batch) = rows.next_batch() {
        let batch = batch?;
        engines.compare(&batch, &mut summary, changes.as_mut(), &mut errors)?;
        rows.recycle(batch);
    }
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

/// OLD's and NEW's prepared entry points and their results.
struct Engines<'p> {
    old: PreparedEntry<'p>,
    new: PreparedEntry<'p>,
    old_results: Results,
    new_results: Results,
}

impl<'p> Engines<'p> {
    fn new(old: &'p Version, new: &'p Version, engine: Engine) -> Engines<'p> {
        let prepare = |version: &'p Version| {
            PreparedEntry::prepare(&version.compilation.program, &version.entry, engine.into())
        };
        Engines {
            old: prepare(old),
            new: prepare(new),
            old_results: Results::default(),
            new_results: Results::default(),
        }
    }

    /// Evaluate a batch in both versions (one reading serves both: NEW
    /// evaluates OLD's batch) and compare row by row.
    fn compare(
        &mut self,
        batch: &ReadBatch,
        summary: &mut Summary,
        mut changes: Option<&mut ChangesFile>,
        errors: &mut ErrorReport,
    ) -> Result<(), Failure> {
        self.old.evaluate(&batch.records, &mut self.old_results);
        self.new.evaluate(&batch.records, &mut self.new_results);
        for (index, place) in batch.places.iter().enumerate() {
            let input = match batch.records.record(index) {
                Some(Ok(input)) => input,
                Some(Err(row_errors)) => {
                    summary.add_bad_row();
                    errors.add_row(place.number, place.line, row_errors.to_vec())?;
                    continue;
                }
                None => return Err(Failure::new("internal error: a row without a record")),
            };
            let (Some(old), Some(new)) = (self.old_results.get(index), self.new_results.get(index))
            else {
                return Err(Failure::new("internal error: a row without a result"));
            };
            match (old, new) {
                (Ok(old), Ok(new)) => {
                    let old_value = old.to_value();
                    // Most rows of a review are unchanged: decode once.
                    let new_value = if new.same_as(&old) {
                        old_value.clone()
                    } else {
                        new.to_value()
                    };
                    summary.add_both(
                        place.number,
                        &input,
                        &old_value,
                        &new_value,
                        changes.as_deref_mut(),
                    )?;
                }
                (Err(old), Ok(_)) => {
                    let message = failure_message(&self.old, old);
                    summary.add_failed_in_one(
                        place.number,
                        place.line,
                        &input,
                        "OLD",
                        &message,
                        changes.as_deref_mut(),
                    )?;
                }
                (Ok(_), Err(new)) => {
                    let message = failure_message(&self.new, new);
                    summary.add_failed_in_one(
                        place.number,
                        place.line,
                        &input,
                        "NEW",
                        &message,
                        changes.as_deref_mut(),
                    )?;
                }
                (Err(old), Err(new)) => {
                    summary.add_failed_in_both(&input);
                    let mut old_message = failure_message(&self.old, old);
                    let mut new_message = failure_message(&self.new, new);
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
                    errors.add_row(place.number, place.line, row_errors)?;
                }
            }
        }
        Ok(())
    }
}

/// The message of a row that failed in one version (an evaluation error,
/// with its place in that version's sources).
fn failure_message(prepared: &PreparedEntry<'_>, failure: &RowFailure) -> DataMessage {
    let mut errors = prepared.field_errors(failure).into_iter();
    match errors.next() {
        Some(first) => first.message,
        None => DataMessage {
            code: avtal_compiler::diagnostics::Code::Internal,
            message: "internal error: a failure without a message".into(),
            help: None,
        },
    }
}
