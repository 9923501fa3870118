//! `avtal serve DIR|FILE… [--addr 127.0.0.1:8080]`: the compiled rules as
//! an HTTP decision service, with the same results as `avtal run`.
//!
//! At start every version (`versions.rs`) is compiled and its entry
//! points JIT-compiled by its workers (`worker.rs`); then the server
//! listens (`listen.rs`) and answers through axum routes (`routes.rs`),
//! behind the token and concurrency layers (`guard.rs`): one record
//! (`record.rs`), a batch streamed through `avtal run`'s own loop
//! (`batch.rs`), an explanation, the entry points and their JSON Schemas,
//! the params (`params.rs`), an OpenAPI document (`openapi.rs`), health
//! and metrics (`metrics.rs`). A thread recompiles versions whose files
//! change (`reload.rs`). Every refusal is a problem document
//! (`problem.rs`).
//! See docs/serve.md.

mod batch;
mod body;
mod guard;
mod listen;
mod metrics;
mod openapi;
mod params;
mod problem;
mod record;
mod reload;
mod routes;
mod versions;
mod worker;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::term::{Failure, display_path};
use crate::{Engine, Status};

/// Long help of `avtal serve`.
pub const HELP: &str = "\
Versions:
  Each FILE is a version named by its file stem; each DIR holds versions,
  one per .avtal file (by its stem) and one per subdirectory (by its
  name). A request names one with ?version=NAME or the header
  Avtal-Version: NAME; without, it gets --default-version, or the only
  version. Every evaluation's answer names the version that computed it
  (Avtal-Version: NAME/GENERATION).

Endpoints:
  POST /v1/{entry}            one JSON record in, the output record out
  POST /v1/{entry}/batch      CSV or JSON Lines rows in (by Content-Type),
                              multipart/mixed out: the bytes `avtal run`
                              writes as output, then as --errors FILE
  POST /v1/{entry}/explain    the explanation tree (avtal.explain/1)
  GET  /v1/entries, /v1/entries/{entry}/schema, /v1/params, /v1/versions,
       /openapi.json, /healthz, /metrics
  A refusal is a problem document (application/problem+json) with a
  code, the field and a help line.

Reload:
  The files of every version are looked at every --reload-interval; a
  version whose files changed is compiled again and replaces the old one
  only when it has no errors (its diagnostics are logged and shown at
  GET /v1/versions meanwhile). A request is answered wholly by one
  version.

Safety:
  Listens on loopback by default. Any other address needs --token-file
  (every request but /healthz then needs Authorization: Bearer TOKEN) or
  --insecure-no-token. SIGINT or SIGTERM stop accepting connections and
  let the requests in flight finish (up to --shutdown-timeout).

Exit codes:
  0 after a shutdown by signal; 1 when the server cannot start (errors in
  every version, an address in use, a bad flag).";

#[derive(Debug, clap::Args)]
#[command(after_long_help = HELP)]
pub struct ServeArgs {
    /// Agreement files and directories of versions.
    #[arg(required = true, value_name = "DIR|FILE")]
    pub paths: Vec<PathBuf>,
    /// Where to listen; port 0 picks a free port (the address is printed).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The version of requests that name none (with several versions).
    #[arg(long, value_name = "NAME")]
    pub default_version: Option<String>,
    /// A file holding the bearer token every request must send.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Listen on a non-loopback address without a token.
    #[arg(long)]
    pub insecure_no_token: bool,
    /// The largest body of one record (and of an explanation).
    #[arg(long, value_name = "BYTES", default_value = "1M", value_parser = crate::parse_byte_size)]
    pub max_body: usize,
    /// The largest body of a batch.
    #[arg(long, value_name = "BYTES", default_value = "4G", value_parser = crate::parse_byte_size)]
    pub max_batch_body: usize,
    /// The most rows of a batch; later rows are not answered.
    #[arg(long, value_name = "N", default_value_t = 10_000_000)]
    pub max_batch_rows: u64,
    /// The longest row or JSON line of a batch, as for `avtal run`.
    #[arg(long, value_name = "BYTES", default_value = "1M", value_parser = crate::parse_byte_size)]
    pub max_row_bytes: usize,
    /// Time for a request's headers to arrive.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
    pub header_timeout: Duration,
    /// Time for a record's whole body, or between two parts of a batch's.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub body_timeout: Duration,
    /// Evaluations answered at once; more get 429.
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub max_concurrent: usize,
    /// Evaluation threads per version (default: the number of CPUs).
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    /// How often the sources are looked at for changes.
    #[arg(long, value_name = "DURATION", default_value = "500ms", value_parser = parse_duration)]
    pub reload_interval: Duration,
    /// Never recompile; serve what was compiled at start.
    #[arg(long)]
    pub no_reload: bool,
    /// How long requests in flight may take after SIGINT/SIGTERM.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub shutdown_timeout: Duration,
    #[arg(long, value_enum, default_value_t = Engine::Jit)]
    pub engine: Engine,
}

pub fn run(args: &ServeArgs) -> Result<Status, Failure> {
    let token = read_token(args)?;
    let versions = Arc::new(versions::Versions::discover(
        &args.paths,
        args.default_version.clone(),
    )?);
    let workers = args.workers.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    });
    let options = Arc::new(worker::Options {
        workers,
        engine: args.engine.into(),
    });
    for slot in versions.all() {
        slot.compile(&options);
    }
    if !versions.all().iter().any(|slot| slot.serving().is_some()) {
        return Err(Failure::new("cannot serve: no version compiles")
            .with_help("fix the errors above; `avtal check` shows them too"));
    }
    let stop = Arc::new(AtomicBool::new(false));
    if !args.no_reload {
        reload::spawn(
            versions.clone(),
            options,
            args.reload_interval,
            stop.clone(),
        )
        .map_err(|e| Failure::new(format!("cannot start a thread: {e}")))?;
    }
    let server = Arc::new(routes::Server {
        versions,
        metrics: Arc::default(),
        limits: routes::Limits {
            max_body: args.max_body,
            max_batch_body: args.max_batch_body,
            max_batch_rows: args.max_batch_rows,
            body_timeout: args.body_timeout,
        },
        token,
        permits: Arc::new(tokio::sync::Semaphore::new(args.max_concurrent.max(1))),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("avtal-http")
        .build()
        .map_err(|e| Failure::new(format!("cannot start the HTTP runtime: {e}")))?;
    let served = runtime.block_on(listen::serve(
        routes::router(server),
        listen::Settings {
            addr: args.addr,
            header_timeout: args.header_timeout,
            shutdown_timeout: args.shutdown_timeout,
        },
    ));
    stop.store(true, Ordering::Relaxed);
    // Batches still streaming after the deadline are cut off.
    runtime.shutdown_timeout(Duration::from_millis(100));
    served.map(|()| Status::Success)
}

/// The bearer token, and the refusal to listen beyond loopback without.
fn read_token(args: &ServeArgs) -> Result<Option<String>, Failure> {
    let token = match &args.token_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| Failure::read(path, &e))?;
            let token = text.trim().to_string();
            if token.is_empty() {
                return Err(Failure::new(format!(
                    "the token file {} is empty",
                    display_path(path)
                ))
                .with_help("write the token on its first line"));
            }
            Some(token)
        }
        None => None,
    };
    if token.is_none() && !args.addr.ip().is_loopback() && !args.insecure_no_token {
        return Err(Failure::new(format!(
            "refusing to listen on {} without a token: anyone who can reach it could use it",
            args.addr
        ))
        .with_help(
            "give --token-file FILE, or say --insecure-no-token if the network is trusted",
        ));
    }
    Ok(token)
}

/// `500ms`, `5s`, `2m`; a bare number is seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(text.len(), |(at, _)| at);
    let (digits, unit) = text.split_at(split);
    let number: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a duration: write 500ms, 5s or 2m"))?;
    let duration = match unit {
        "ms" => Duration::from_millis(number),
        "" | "s" => Duration::from_secs(number),
        "m" => Duration::from_secs(number.saturating_mul(60)),
        _ => return Err(format!("`{text}` is not a duration: write 500ms, 5s or 2m")),
    };
    if duration.is_zero() {
        return Err(format!(
            "`{text}` is not a usable duration (more than zero)"
        ));
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_with_their_units() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("7"), Ok(Duration::from_secs(7)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("5h").is_err());
        assert!(parse_duration("s").is_err());
    }
}
