//! Latency benchmark (not a timed test): the time from `didChange` to
//! `publishDiagnostics` on a generated 5,000-line agreement, over the real
//! `avtal lsp` binary and stdio. Prints the median and other percentiles.
//!
//! Run: `cargo build --release -p avtal-cli && cargo run --release -p avtal-cli --example lsp_latency`
//! (`AVTAL_LSP_BENCH_ROUNDS` sets the number of edits, default 50).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "benchmark driver: failures abort the run"
)]

#[path = "../tests/lsp_client/mod.rs"]
mod lsp_client;

use std::time::{Duration, Instant};

use lsp_client::Client;

#[path = "../tests/lsp_client/generate.rs"]
mod generate;

fn main() {
    let text = generate::agreement(5_000);
    let lines = text.lines().count();
    let rounds: usize = std::env::var("AVTAL_LSP_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let uri = "file:///tmp/avtal-bench/agreement.avtal";
    let mut client = Client::start();
    client.initialize();
    client.open(uri, &text);
    let first = client.diagnostics(uri);
    assert!(
        first.is_empty(),
        "the generated agreement has errors: {first:?}"
    );
    let mut times: Vec<Duration> = Vec::new();
    for round in 0..rounds {
        // Alternate a valid edit and one with an error, so every round
        // publishes a different result.
        let edited = if round % 2 == 0 {
            text.replace("= 1709 SEK", "= 1710 SEK")
        } else {
            format!("{text}\nrule trasig() -> Money = 1 SEK + 1\n")
        };
        let started = Instant::now();
        client.change(uri, round as i64 + 2, &edited);
        client.diagnostics(uri);
        times.push(started.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "didChange → publishDiagnostics on {lines} lines, {rounds} edits: median {:.1} ms, p90 {:.1} ms, min {:.1} ms, max {:.1} ms",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 9 / 10]),
        ms(times[0]),
        ms(times[times.len() - 1]),
    );
    client.shutdown();
}
