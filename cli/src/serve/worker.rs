//! One version of an agreement, compiled and ready: a thread that loads
//! and compiles the version's sources and owns the compilation, and
//! worker threads (scoped, so they borrow the program) that each hold a
//! prepared entry point (`avtal_engine::PreparedEntry`, JIT-compiled once)
//! per entry and answer jobs from one queue.
//!
//! The compilation lives exactly as long as the version: when the last
//! request holding the [`Version`] is answered and the version has been
//! replaced, the queue closes, the workers end and everything the version
//! compiled is freed. A request sent to a version is answered wholly by
//! it, so a reload never mixes two versions in one answer. This module
//! does no HTTP.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use avtal_compiler::Compilation;
use avtal_compiler::diagnostics::render::{RenderOptions, render_human, render_json};
use avtal_compiler::ir::{EntryPoint, Program};
use avtal_engine::{Engine, PreparedEntry};
use serde_json::Value;
use tokio::sync::oneshot;

use super::batch::{self, BatchJob};
use super::params;
use super::problem::Problem;
use super::record;
use crate::loader;

/// What a version's workers do.
pub enum Job {
    /// One JSON record: its result, or its explanation.
    Record {
        entry: usize,
        body: bytes::Bytes,
        explain: bool,
        reply: oneshot::Sender<Result<Answer, Problem>>,
    },
    /// A stream of rows (`batch.rs`).
    Batch(BatchJob),
}

/// A good answer to a record job.
pub enum Answer {
    /// The output record as JSON text (a JSON Lines row of `avtal run`).
    Output(String),
    /// The explanation tree, `avtal.explain/1`.
    Explained(Value),
}

/// What requests need to know of an entry point without evaluating.
#[derive(Debug, Clone)]
pub struct EntryInfo {
    pub name: String,
    pub input: avtal_compiler::data::DataType,
    pub output: avtal_compiler::data::DataType,
    /// Why the JIT does not compile it (the interpreter answers), if so.
    pub interpreted_because: Option<String>,
    /// The JSON Schema `avtal build` writes, or why there is none.
    pub schema: Result<Value, String>,
}

/// A compiled version, serving. Cheap to share; requests hold an `Arc`.
pub struct Version {
    pub name: String,
    /// Counts the compilations of this version's name from 1.
    pub generation: u64,
    /// The user files compiled (not the stdlib), watched for changes.
    pub files: Vec<PathBuf>,
    pub entries: Vec<EntryInfo>,
    /// Every param with its timeline and source (`GET /v1/params`).
    pub params: Value,
    /// Warnings of the compilation, as `avtal check --message-format json`.
    pub warnings: Vec<Value>,
    jobs: Sender<Job>,
}

impl Version {
    pub fn entry_index(&self, name: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.name == name)
    }

    /// Queue a job; `false` when the workers are gone (never while the
    /// version is held, short of a bug).
    pub fn send(&self, job: Job) -> bool {
        self.jobs.send(job).is_ok()
    }
}

/// Why a version was not served: its diagnostics.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// As `avtal check --message-format json` prints them.
    pub diagnostics: Vec<Value>,
    /// As `avtal check` prints them, without colour.
    pub rendered: String,
    pub files: Vec<PathBuf>,
}

pub struct Options {
    pub workers: usize,
    pub engine: Engine,
}

type Ready = Result<Version, Refusal>;

/// Load and compile `paths` as version `name`, start its workers and
/// return it once every worker has prepared every entry point; or the
/// diagnostics that refuse it.
pub fn start(
    name: &str,
    generation: u64,
    paths: &[PathBuf],
    options: &Options,
) -> Result<Arc<Version>, Refusal> {
    let (ready_sender, ready) = channel::<Ready>();
    let thread_paths = paths.to_vec();
    let workers = options.workers.max(1);
    let engine = options.engine;
    let version_name = name.to_string();
    let spawned = std::thread::Builder::new()
        .name(format!("avtal-version-{name}"))
        .spawn(move || {
            let Some(compiled) = compile(&thread_paths, &ready_sender) else {
                return;
            };
            let (job_sender, jobs) = channel::<Job>();
            let version = describe(&compiled, version_name, generation, job_sender, engine);
            serve_jobs(
                &compiled.compilation.program,
                &compiled.entries,
                engine,
                workers,
                jobs,
                version,
                &ready_sender,
            );
        });
    if let Err(error) = spawned {
        return Err(refusal(format!("cannot start a thread: {error}"), paths));
    }
    match ready.recv() {
        Ok(Ok(version)) => Ok(Arc::new(version)),
        Ok(Err(refused)) => Err(refused),
        Err(_) => Err(refusal(
            "internal error: the version's thread ended without an answer".to_string(),
            paths,
        )),
    }
}

fn refusal(message: String, files: &[PathBuf]) -> Refusal {
    Refusal {
        diagnostics: vec![serde_json::json!({"severity": "error", "message": message})],
        rendered: format!("error: {message}\n"),
        files: files.to_vec(),
    }
}

struct Compiled {
    compilation: Compilation,
    entries: Vec<EntryPoint>,
    files: Vec<PathBuf>,
}

/// Load and compile; on failure, send the refusal and return `None`.
fn compile(paths: &[PathBuf], ready: &Sender<Ready>) -> Option<Compiled> {
    let loaded = match loader::load(paths) {
        Ok(loaded) => loaded,
        Err(failure) => {
            let mut refused = refusal(failure.message.clone(), paths);
            if let Some(help) = &failure.help {
                refused.rendered.push_str(&format!("  help: {help}\n"));
            }
            let _ = ready.send(Err(refused));
            return None;
        }
    };
    let sources = loader::without_unused_stdlib(&loaded.sources);
    let files: Vec<PathBuf> = sources
        .ids()
        .filter_map(|id| sources.get(id))
        .filter(|file| !file.is_stdlib)
        .map(|file| PathBuf::from(&file.name))
        .collect();
    let compilation = avtal_compiler::compile(&sources);
    if compilation.has_errors() {
        let errors: Vec<_> = compilation
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        let diagnostics = render_json(&sources, &errors)
            .iter()
            .filter_map(|d| serde_json::to_value(d).ok())
            .collect();
        let rendered = render_human(&sources, &errors, RenderOptions::default());
        let _ = ready.send(Err(Refusal {
            diagnostics,
            rendered,
            files,
        }));
        return None;
    }
    // The entry points of the files named, not of the modules they use.
    let program = &compilation.program;
    let entries = program
        .entries
        .iter()
        .filter(|entry| {
            program
                .function(entry.function)
                .is_some_and(|f| loaded.given.contains(&f.span.file))
        })
        .copied()
        .collect();
    Some(Compiled {
        compilation,
        entries,
        files,
    })
}

/// What requests see of a compiled version.
fn describe(
    compiled: &Compiled,
    name: String,
    generation: u64,
    jobs: Sender<Job>,
    engine: Engine,
) -> Version {
    let program = &compiled.compilation.program;
    let entries = compiled
        .entries
        .iter()
        .map(|entry| {
            // Prepared here to learn the types and whether it compiles;
            // each worker prepares its own.
            let prepared = PreparedEntry::prepare(program, entry, engine);
            EntryInfo {
                name: prepared.name().to_string(),
                input: prepared.input_type().clone(),
                output: prepared.output_type().clone(),
                interpreted_because: prepared.interpreted_because(),
                schema: schema(program, entry, &name),
            }
        })
        .collect();
    let warnings = render_json(&program.sources, &compiled.compilation.diagnostics)
        .iter()
        .filter_map(|d| serde_json::to_value(d).ok())
        .collect();
    Version {
        name,
        generation,
        files: compiled.files.clone(),
        entries,
        params: params::to_json(program),
        warnings,
        jobs,
    }
}

/// The JSON Schema `avtal build` writes for `entry`, from the same
/// generator (`codegen::json_schema` over a library of this one entry).
fn schema(program: &Program, entry: &EntryPoint, library: &str) -> Result<Value, String> {
    let library = avtal_engine::codegen::build_library(program, &[entry.function], library)
        .map_err(|e| format!("the entry point cannot be built as a library: {e}"))?;
    let text = avtal_engine::codegen::json_schema(program, &library, 0)
        .ok_or_else(|| "internal error: a JSON Schema that is not JSON".to_string())?;
    serde_json::from_str(&text).map_err(|e| format!("internal error: {e}"))
}

/// Run `workers` threads over the queue until it closes; report the
/// version ready once each has prepared its entry points.
fn serve_jobs(
    program: &Program,
    entries: &[EntryPoint],
    engine: Engine,
    workers: usize,
    jobs: Receiver<Job>,
    version: Version,
    ready: &Sender<Ready>,
) {
    let jobs = Mutex::new(jobs);
    let (prepared_sender, prepared) = channel::<()>();
    std::thread::scope(|scope| {
        for index in 0..workers {
            let prepared_sender = prepared_sender.clone();
            let jobs = &jobs;
            let spawned = std::thread::Builder::new()
                .name(format!("avtal-worker-{index}"))
                .spawn_scoped(scope, move || {
                    let mut entries: Vec<record::Evaluator<'_>> = entries
                        .iter()
                        .map(|entry| {
                            record::Evaluator::new(PreparedEntry::prepare(program, entry, engine))
                        })
                        .collect();
                    let _ = prepared_sender.send(());
                    drop(prepared_sender);
                    work(program, &mut entries, jobs);
                });
            if spawned.is_err() {
                break;
            }
        }
        drop(prepared_sender);
        let started = prepared.iter().count();
        if started == 0 {
            let _ = ready.send(Err(refusal(
                "cannot start the worker threads".to_string(),
                &version.files,
            )));
        } else {
            let _ = ready.send(Ok(version));
        }
    });
}

/// Answer jobs until the queue closes (the version is gone).
fn work(program: &Program, entries: &mut [record::Evaluator<'_>], jobs: &Mutex<Receiver<Job>>) {
    loop {
        let job = match jobs.lock() {
            Ok(receiver) => match receiver.recv() {
                Ok(job) => job,
                Err(_) => return,
            },
            Err(_) => return,
        };
        match job {
            Job::Record {
                entry,
                body,
                explain,
                reply,
            } => {
                let answer = match entries.get_mut(entry) {
                    Some(evaluator) if explain => {
                        record::explain(program, &mut evaluator.prepared, &body)
                    }
                    Some(evaluator) => evaluator.evaluate(&body),
                    None => Err(Problem::internal("an entry index out of range")),
                };
                let _ = reply.send(answer);
            }
            Job::Batch(job) => match entries.get_mut(job.entry) {
                Some(evaluator) => batch::run(&mut evaluator.prepared, job),
                None => job.refuse(Problem::internal("an entry index out of range")),
            },
        }
    }
}
