//! The server never crashes or hangs: random edits (insertions of arbitrary
//! text, deletions, half-typed constructs, emoji and Swedish letters) sent
//! over stdio, interleaved with requests at random positions (also past the
//! end of a line or the file, and inside a UTF-16 surrogate pair). Every
//! request must get a response; the process must still shut down cleanly.
//!
//! CI runs 300 edits; `AVTAL_LSP_FUZZ_EDITS=10000` runs more, and
//! `AVTAL_LSP_FUZZ_SEED` picks another seed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]

mod lsp_client;

use lsp_client::{Client, at};
use serde_json::json;

#[path = "lsp_client/generate.rs"]
mod generate;

/// xorshift64*: small, deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const FRAGMENTS: &[&str] = &[
    "rule ",
    "rule x(",
    "rule x(a: ",
    "-> Money =",
    "param p: Money {\n  from 2026-01-01 = ",
    "table t(a: Int) -> Int {\n  | ",
    "example \"",
    "condition c(a: Anställd) {\n  requires ",
    "limit l(h: Hours) {\n  h at most 200 h per calendar year\n}\n",
    "record R { a: Int, ",
    "enum E { A, ",
    "match x { A => 1, _ => ",
    "if a { 1 } else ",
    "let y = ",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "///",
    "// kommentar",
    "\n",
    "\r\n",
    "  ",
    ".",
    ",",
    "=>",
    "|",
    "..",
    "å",
    "ä",
    "ö",
    "Å",
    "😀",
    "🇸🇪",
    "\u{200d}",
    "é",
    "garanti_0(",
    "belopp_0 at ",
    "a.",
    "Avdelning.",
    "1709 SEK",
    "4.6 %",
    "2026-02-30",
    "99999999999999999999999999999",
    "use lag.las\n",
    "module x.y\n",
    "use ",
    "sum(m.lön for m in ",
    "filter(xs, x => ",
    "round(1 SEK, 0.01 SEK, half_even)",
    "\t",
    "\0",
    "\u{feff}",
];

fn char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[test]
fn random_edits_always_get_answers() {
    let edits: usize = std::env::var("AVTAL_LSP_FUZZ_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let seed: u64 = std::env::var("AVTAL_LSP_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED_AB7A_1234_5678);
    let mut rng = Rng(seed | 1);
    let uri = "file:///tmp/avtal-lsp-fuzz/avtal.avtal";
    let mut text = generate::agreement(60);
    let mut client = Client::start();
    client.initialize();
    client.open(uri, &text);
    let methods = [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/references",
        "textDocument/completion",
        "textDocument/documentSymbol",
        "textDocument/codeLens",
        "textDocument/prepareRename",
        "textDocument/rename",
        "textDocument/formatting",
        "textDocument/semanticTokens/full",
        "workspace/symbol",
    ];
    let mut pending = Vec::new();
    for version in 2..(edits as i64 + 2) {
        match rng.below(4) {
            0 | 1 => {
                let at = char_boundary(&text, rng.below(text.len() + 1));
                let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())];
                text.insert_str(at, fragment);
            }
            2 => {
                let start = char_boundary(&text, rng.below(text.len() + 1));
                let end = char_boundary(&text, start + rng.below(40));
                text.replace_range(start..end, "");
            }
            _ => {
                // Random printable and non-ASCII characters.
                let at = char_boundary(&text, rng.below(text.len() + 1));
                let s: String = (0..rng.below(6))
                    .map(|_| char::from_u32(0x20 + rng.below(0x2FF) as u32).unwrap_or('x'))
                    .collect();
                text.insert_str(at, &s);
            }
        }
        if text.len() > 60_000 {
            text.truncate(char_boundary(&text, 30_000));
        }
        client.change(uri, version, &text);
        // Requests at random positions, some out of range on purpose.
        for _ in 0..rng.below(3) {
            let method = methods[rng.below(methods.len())];
            let line = match rng.below(10) {
                0 => 1_000_000,
                _ => rng.below(text.lines().count() + 2) as u32,
            };
            let character = match rng.below(10) {
                0 => u32::MAX / 2,
                _ => rng.below(80) as u32,
            };
            let params = match method {
                "textDocument/documentSymbol"
                | "textDocument/codeLens"
                | "textDocument/semanticTokens/full" => json!({"textDocument": {"uri": uri}}),
                "textDocument/formatting" => json!({"textDocument": {"uri": uri},
                    "options": {"tabSize": 2, "insertSpaces": true}}),
                "workspace/symbol" => json!({"query": "a"}),
                "textDocument/references" => json!({"textDocument": {"uri": uri},
                    "position": {"line": line, "character": character},
                    "context": {"includeDeclaration": true}}),
                "textDocument/rename" => json!({"textDocument": {"uri": uri},
                    "position": {"line": line, "character": character}, "newName": "nytt_namn"}),
                _ => at(uri, line, character),
            };
            pending.push((client.request_async(method, params), method));
        }
        // Drain now and then so the pipes never fill up.
        if pending.len() > 20 {
            for (id, method) in pending.drain(..) {
                let response =
                    client.wait_for(|m| m["id"] == json!(id) && m.get("method").is_none());
                assert!(
                    response.get("result").is_some() || response.get("error").is_some(),
                    "{method}: {response}"
                );
            }
        }
    }
    for (id, method) in pending.drain(..) {
        let response = client.wait_for(|m| m["id"] == json!(id) && m.get("method").is_none());
        assert!(
            response.get("result").is_some() || response.get("error").is_some(),
            "{method}: {response}"
        );
    }
    client.shutdown();
}
