//! Latency benchmark (not a timed test): the time from `didChange` to
//! `publishDiagnostics` on a generated 5,000-line agreement, over the real
//! `avtal lsp` binary and stdio, for typing (each edit changes one item)
//! and for a search and replace that changes every param at once. Prints
//! the median and other percentiles of each.
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

/// The text with the `n`th occurrence of `from` replaced by `to`.
fn replace_nth(text: &str, from: &str, to: &str, n: usize) -> String {
    let at = text.match_indices(from).nth(n).expect("occurrence").0;
    format!("{}{to}{}", &text[..at], &text[at + from.len()..])
}

fn percentiles(label: &str, lines: usize, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label}: didChange → publishDiagnostics on {lines} lines, {} edits: median {:.1} ms, p90 {:.1} ms, min {:.1} ms, max {:.1} ms",
        times.len(),
        ms(times[times.len() / 2]),
        ms(times[times.len() * 9 / 10]),
        ms(times[0]),
        ms(times[times.len() - 1]),
    );
}

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
    let params = text.matches("= 1709 SEK").count();
    let mut version = 1;
    let mut measure = |client: &mut Client, edited: &str| {
        version += 1;
        let started = Instant::now();
        client.change(uri, version, edited);
        client.diagnostics(uri);
        started.elapsed()
    };
    // Typing: each edit changes one item somewhere in the file (a value in
    // a param, moving through the file), and every other edit also leaves
    // a broken rule at the end, so every round publishes a new result.
    let mut typing = Vec::new();
    for round in 0..rounds {
        let mut edited = replace_nth(&text, "= 1709 SEK", "= 17090 SEK", round * 7 % params);
        if round % 2 == 1 {
            edited.push_str("\nrule trasig() -> Money = 1 SEK + 1\n");
        }
        typing.push(measure(&mut client, &edited));
    }
    // Worst case: every param of the file changes at once (a search and
    // replace), so every chunk is parsed again.
    let mut rewrite = Vec::new();
    for round in 0..rounds.div_ceil(5) {
        let edited = if round % 2 == 0 {
            text.replace("= 1709 SEK", "= 1710 SEK")
        } else {
            text.clone()
        };
        rewrite.push(measure(&mut client, &edited));
    }
    percentiles("typing (one item changed)", lines, typing);
    percentiles("search and replace (every param changed)", lines, rewrite);
    client.shutdown();
}
