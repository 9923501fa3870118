//! Where the language server's time goes on the latency benchmark's
//! 5,000-line agreement: parsing (cold and with a warm cache) and checking,
//! timed in process. Run:
//! `cargo run --release -p avtal-cli --example stage_timing`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "benchmark driver: failures abort the run"
)]

use std::time::{Duration, Instant};

use avtal_compiler::analysis::incremental::{ParseCache, compile_cached};
use avtal_compiler::{Sources, syntax};

#[path = "../tests/lsp_client/generate.rs"]
mod generate;

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}

fn main() {
    let text = generate::agreement(5_000);
    let edited = text.replace("= 1709 SEK", "= 1710 SEK");
    let rounds = 20;
    let mut parse = Vec::new();
    let mut compile = Vec::new();
    let mut cache = ParseCache::new();
    for round in 0..rounds {
        let mut sources = Sources::new();
        let current = if round % 2 == 0 { &text } else { &edited };
        let file = sources.add("bench.avtal", current.clone());
        let started = Instant::now();
        let _ = syntax::parse(&sources, file);
        parse.push(started.elapsed());
        let started = Instant::now();
        let compilation = compile_cached(&sources, &mut cache);
        compile.push(started.elapsed());
        assert!(!compilation.has_errors());
    }
    println!(
        "{} lines: parse (no cache) median {:.1} ms; compile_cached after an edit median {:.1} ms",
        text.lines().count(),
        median(parse),
        median(compile)
    );
}
