//! The `avtal` command: `check`, `test` and `run` over agreement sources.
//!
//! This crate is thin: it reads files, calls the compiler library and
//! prints what it returns. All wording of diagnostics lives in the
//! compiler (`diagnostics::messages`); rendering is `diagnostics::render`.
//!
//! Exit codes: 0 success; 1 errors in the sources, failed examples, or a
//! fatal problem (unreadable file, bad arguments); 2 from `run` when some
//! rows failed but every good row was written.

mod build;
mod cases;
mod check;
mod entry;
mod examples;
mod fmt;
mod loader;
mod lsp;
mod run;
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
    /// Compile entry points to a shared library with a C header (docs/aot.md).
    Build(BuildArgs),
    /// Format sources in place (`--check`: only report files that would change).
    Fmt(FmtArgs),
    /// Serve the Language Server Protocol on stdin/stdout (for editors).
    Lsp,
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
    /// Source files, or directories searched for `*.avtal` files [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Also run the standard library's examples (alone: only those).
    #[arg(long)]
    pub stdlib: bool,
    /// Run only the examples whose title contains TEXT.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Check a case file (`.csv` or `.jsonl`) of inputs and `expected.FIELD`
    /// columns against an entry point, instead of running examples.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["stdlib", "filter"])]
    pub cases: Option<PathBuf>,
    /// The entry point the cases are for, when the sources have several.
    #[arg(long, value_name = "NAME", requires = "cases")]
    pub entry: Option<String>,
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// Native code from Cranelift, identical results to the interpreter.
    Jit,
    /// The reference interpreter.
    Interp,
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
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Test(args) => match &args.cases {
            Some(cases) => cases::run(&args, cases),
            None => examples::run(&args),
        },
        Command::Run(args) => run::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Lsp => lsp::run(),
    };
    match result {
        Ok(status) => status.into(),
        Err(failure) => {
            failure.print();
            ExitCode::from(1)
        }
    }
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
