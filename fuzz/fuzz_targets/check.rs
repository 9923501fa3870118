//! The whole front end (parse, resolve, check, lower to IR) on any text:
//! it must never panic, and every diagnostic must render. The stdlib is
//! not added (it would cost most of each run); `use` of a stdlib module
//! is then an ordinary unresolved name.
#![no_main]

use avtal_compiler::diagnostics::render::{RenderOptions, render_human};
use avtal_compiler::source::Sources;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Bytes that are not UTF-8 become U+FFFD rather than a wasted input.
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let mut sources = Sources::new();
    sources.add("fuzz.avtal", text);
    let compilation = avtal_compiler::compile(&sources);
    let _ = render_human(&sources, &compilation.diagnostics, RenderOptions::default());
});
