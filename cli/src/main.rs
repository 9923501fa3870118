//! The `avtal` command: `check`, `test`, `run`, `explain` and `diff`
//! over agreement sources.
//!
//! This crate is thin: it reads files, calls the compiler library and
//! prints what it returns. All wording of diagnostics lives in the
//! compiler (`diagnostics::messages`); rendering is `diagnostics::render`.
//!
//! Exit codes: 0 success; 1 errors in the sources, failed examples, or a
//! fatal problem (unreadable file, bad arguments); 2 from `run` when some
//! rows failed but every good row was written, and from `diff` when some
//! rows could not be read or failed in a version; 130 and 143 after
//! SIGINT and SIGTERM (files being written are then left as they were).

mod build;
mod case_object;
mod cases;
mod check;
mod diff;
mod doc;
mod entry;
mod examples;
mod explain;
mod fmt;
mod loader;
mod lsp;
mod project;
mod run;
mod safe_file;
mod serve;
mod term;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "avtal",
    version,
    about = "Check, test and run collective-agreement clauses written in Avtal",
    after_help = "Exit codes: 0 success; 1 errors (in sources, examples or arguments); \
                  2 `run` finished but some rows failed."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Report every error and warning in the given sources.
    Check(CheckArgs),
    /// Run the `example` blocks of the given sources.
    Test(TestArgs),
    /// Evaluate an `evaluate` entry point over a file of cases.
    Run(RunArgs),
    /// Show the evaluation of one record as a tree: calls, params, table
    /// rows, branches and conditions, with their source references.
    Explain(ExplainArgs),
    /// Compare two versions of an agreement over a population: who gains,
    /// who loses, by how much, and the total cost.
    Diff(DiffArgs),
    /// Compile entry points to a shared library with a C header (docs/aot.md).
    Build(BuildArgs),
    /// Write the agreement as a static site (HTML) for the parties to read;
    /// with two versions, what changed between them.
    Doc(DocArgs),
    /// Format sources in place (`--check`: only report files that would change).
    Fmt(FmtArgs),
    /// Serve the Language Server Protocol on stdin/stdout (for editors).
    Lsp,
    /// Serve the entry points over HTTP: one record, batches, explanations, several versions (docs/serve.md).
    Serve(serve::ServeArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Source files, or directories searched for `*.avtal` files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// `human` (miette reports on stderr) or `json` (one object per line on stdout).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
}

#[derive(Debug, clap::Args)]
#[command(after_long_help = doc::HELP)]
pub struct DocArgs {
    /// Source files or directories; or OLD NEW, two versions of one agreement.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The folder to write the site into (created if missing).
    #[arg(long, short, value_name = "DIR")]
    pub output: PathBuf,
    /// Compare two versions, OLD and NEW (implied for two files declaring one module).
    #[arg(long)]
    pub diff: bool,
    /// The day whose values are marked as in force [default: the system date, UTC].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// The heading of the index page [default: the module's name].
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Print nothing when the site is written.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// Source files, or directories searched for `*.avtal` files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Change nothing; exit with 1 if a file is not formatted (for CI).
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
#[command(after_long_help = cases::HELP)]
pub struct TestArgs {
    /// Source files, or directories searched for `*.avtal` files [default:
    /// the `sources` of the project file `avtal.toml` in this directory or
    /// an ancestor, else .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Also run the standard library's examples (alone: only those).
    #[arg(long)]
    pub stdlib: bool,
    /// Run only the examples whose title contains TEXT; repeat it to run
    /// those that contain any of several (`--filter a --filter b`).
    #[arg(long, value_name = "TEXT")]
    pub filter: Vec<String>,
    /// Check a case file (`.csv` or `.jsonl`) of inputs and `expected.FIELD`
    /// columns against an entry point, instead of running examples.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["stdlib", "filter"])]
    pub cases: Option<PathBuf>,
    /// The entry point the cases are for, when the sources have several.
    #[arg(long, value_name = "NAME", requires = "cases")]
    pub entry: Option<String>,
    /// After the examples, report which branches, match arms, table rows,
    /// requirements, param periods, classes and spans they reach, and list
    /// what none reaches.
    #[arg(long, conflicts_with = "cases")]
    pub coverage: bool,
    /// With --coverage: `text`, or `json` (schema avtal.coverage/1, alone on stdout).
    #[arg(long, value_enum, requires = "coverage", default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

#[derive(Debug, clap::Args)]
#[command(after_long_help = run::HELP)]
pub struct RunArgs {
    /// The agreement file with the entry point (modules it `use`s are found beside it).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The cases: `.csv`, `.jsonl` or `.ndjson`; `-` reads stdin.
    #[arg(long, short, value_name = "CASES")]
    pub input: PathBuf,
    /// Where to write results (`-` or absent: stdout).
    #[arg(long, short, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// The entry point to run, when the file has several.
    #[arg(long, value_name = "NAME")]
    pub entry: Option<String>,
    /// Write every failed row to this CSV file (`row,field,code,message`).
    #[arg(long, value_name = "ERRFILE")]
    pub errors: Option<PathBuf>,
    /// Format of the input, when its extension does not say (stdin: csv).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<DataFormat>,
    /// Format of the output, when its extension does not say (stdout: the input's).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub output_format: Option<DataFormat>,
    /// The evaluator: `jit` compiles the entry point to native code (records
    /// it cannot compute exactly go to the interpreter), `interp` interprets.
    #[arg(long, value_enum, default_value_t = Engine::Jit)]
    pub engine: Engine,
    /// No progress bar and no summary line when all rows succeed.
    #[arg(long, short)]
    pub quiet: bool,
    /// The longest row (CSV) or line (JSON Lines) read, in bytes (`K`, `M`
    /// and `G` suffixes allowed); a longer one is a row error and is skipped.
    #[arg(long, value_name = "BYTES", default_value = "1M", value_parser = parse_byte_size)]
    pub max_row_bytes: usize,
    /// Workers that read, evaluate and format rows at the same time
    /// (default: one per core); 1 runs one pipeline, batch after batch.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub threads: Option<u32>,
    /// How Parquet output's pages are compressed (default: snappy, what
    /// pyarrow, DuckDB and Spark write by default; all four are read by them).
    #[arg(long, value_enum, value_name = "CODEC")]
    pub parquet_compression: Option<ParquetCompression>,
}

/// The page compression of Parquet output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ParquetCompression {
    /// Snappy: fast, the readers' common default.
    Snappy,
    /// Zstandard (level 1): the smallest file, slower to write.
    Zstd,
    /// LZ4 raw blocks (Parquet's `LZ4_RAW`).
    Lz4,
    /// Uncompressed pages: the largest file, nothing to decompress.
    None,
}

#[derive(Debug, clap::Args)]
#[command(after_long_help = explain::HELP)]
pub struct ExplainArgs {
    /// The agreement file with the entry point (modules it `use`s are found beside it).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The entry point, when the file has several.
    #[arg(long, value_name = "NAME")]
    pub entry: Option<String>,
    /// The record as a JSON object of the entry's input fields.
    #[arg(long, value_name = "JSON", conflicts_with_all = ["input", "row"], required_unless_present = "input")]
    pub case: Option<String>,
    /// A case file (`.csv`, `.jsonl`, `.ndjson`) to take row `--row` from.
    #[arg(long, short, value_name = "CASES", requires = "row")]
    pub input: Option<PathBuf>,
    /// The data row to explain, from 1 (the CSV header not counted), as `avtal run` numbers rows.
    #[arg(long, value_name = "N", requires = "input")]
    pub row: Option<u64>,
    /// Format of the input, when its extension does not say.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<DataFormat>,
    /// `text` (a tree for a terminal) or `json` (schema avtal.explain/1).
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

#[derive(Debug, clap::Args)]
#[command(after_long_help = diff::HELP)]
pub struct DiffArgs {
    /// The agreement as it is (modules it `use`s are found beside it).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The agreement as proposed (may be OLD itself, with `--set`).
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// The population: `.csv`, `.jsonl` or `.ndjson`; `-` reads stdin.
    #[arg(long, short, value_name = "POPULATION")]
    pub input: PathBuf,
    /// The entry point to compare, when OLD has several.
    #[arg(long, value_name = "NAME")]
    pub entry: Option<String>,
    /// Also report per value of this input field (e.g. `division`).
    #[arg(long, value_name = "FIELD")]
    pub by: Option<String>,
    /// Input fields that identify a row in listings [default: the first].
    #[arg(long, value_name = "FIELD")]
    pub key: Vec<String>,
    /// Write every change to this CSV file (row, key, field, old, new, difference).
    #[arg(long, value_name = "FILE")]
    pub changes: Option<PathBuf>,
    /// In NEW, give param NAME the value VALUE from DATE on (repeatable).
    #[arg(long, value_name = "NAME@DATE=VALUE")]
    pub set: Vec<String>,
    /// The same for OLD.
    #[arg(long, value_name = "NAME@DATE=VALUE")]
    pub set_old: Vec<String>,
    /// Write a self-contained HTML report to this file.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// The report on stdout: `text` or `json`.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// How many of the largest changes to list per field.
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub top: usize,
    /// Write rows that could not be read or failed in both versions to this CSV file.
    #[arg(long, value_name = "ERRFILE")]
    pub errors: Option<PathBuf>,
    /// Format of the input, when its extension does not say (stdin: csv).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<DataFormat>,
    /// The evaluator for both versions (see `avtal run --help`).
    #[arg(long, value_enum, default_value_t = Engine::Jit)]
    pub engine: Engine,
    /// The longest row (CSV) or line (JSON Lines) read, in bytes (`K`, `M`
    /// and `G` suffixes allowed); a longer one is a row error and is skipped.
    #[arg(long, value_name = "BYTES", default_value = "1M", value_parser = parse_byte_size)]
    pub max_row_bytes: usize,
}

/// How `explain`, `test --coverage` and `diff` print their report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
#[command(after_long_help = build::HELP)]
pub struct BuildArgs {
    /// The agreement file with the entry points (modules it `use`s are found beside it).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// An entry point to build (repeatable) [default: every one in FILE
    /// that compiles to native code].
    #[arg(long, value_name = "NAME")]
    pub entry: Vec<String>,
    /// The directory to write the library, header and schemas into.
    #[arg(long, short, value_name = "DIR")]
    pub output: PathBuf,
    /// Print nothing when the build succeeds.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    Csv,
    Jsonl,
    /// Apache Parquet (`.parquet`): columns, compressed.
    Parquet,
    /// Arrow IPC (`.arrow`: the file format; on a pipe, the stream format).
    Arrow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// Native code from Cranelift, identical results to the interpreter.
    Jit,
    /// The reference interpreter.
    Interp,
}

impl From<Engine> for avtal_engine::Engine {
    fn from(engine: Engine) -> Self {
        match engine {
            Engine::Jit => avtal_engine::Engine::Jit,
            Engine::Interp => avtal_engine::Engine::Interp,
        }
    }
}

fn main() -> ExitCode {
    // clap exits with 2 on a usage error, which `run` uses for failed rows.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    // Commands that write files get the signal handler that cleans up
    // after them (`safe_file`); the readers get their row limit.
    match &cli.command {
        Command::Run(args) => {
            run::input::set_max_row_bytes(args.max_row_bytes);
            safe_file::install_signal_handler();
        }
        Command::Diff(args) => {
            run::input::set_max_row_bytes(args.max_row_bytes);
            safe_file::install_signal_handler();
        }
        Command::Build(_) | Command::Fmt(_) | Command::Doc(_) => {
            safe_file::install_signal_handler()
        }
        // The server handles SIGINT/SIGTERM itself (graceful shutdown).
        Command::Serve(args) => run::input::set_max_row_bytes(args.max_row_bytes),
        _ => {}
    }
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Test(args) => match &args.cases {
            Some(cases) => cases::run(&args, cases),
            None => examples::run(&args),
        },
        Command::Run(args) => run::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Doc(args) => doc::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Lsp => lsp::run(),
        Command::Serve(args) => serve::run(&args),
    };
    // Files written by the command replace the previous ones only now,
    // all at once, when it ended as promised.
    let result = result.and_then(|status| safe_file::commit_ready().map(|()| status));
    match result {
        Ok(status) => status.into(),
        Err(failure) => {
            failure.print();
            safe_file::abandon_all();
            ExitCode::from(1)
        }
    }
}

/// `1048576`, `1024K`, `1M`, `2G` (powers of 1024): a size in bytes.
fn parse_byte_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, ""),
    };
    let shift = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => {
            return Err(format!(
                "`{text}` is not a size: write bytes, or 512K, 1M, 2G"
            ));
        }
    };
    let number: usize = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size: write bytes, or 512K, 1M, 2G"))?;
    number
        .checked_mul(1usize << shift)
        .filter(|bytes| *bytes > 0)
        .ok_or_else(|| format!("`{text}` is not a usable size (at least 1 byte)"))
}

/// How a command ended when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Success,
    /// Errors already reported (diagnostics, failed examples).
    Failed,
    /// `run`: some rows failed, the others were written.
    RowsFailed,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        match status {
            Status::Success => ExitCode::SUCCESS,
            Status::Failed => ExitCode::from(1),
            Status::RowsFailed => ExitCode::from(2),
        }
    }
}
