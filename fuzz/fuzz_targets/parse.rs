//! The parser on any text: it must never panic, every diagnostic's span
//! must lie inside the file on character boundaries, and rendering the
//! diagnostics (miette and JSON) must not panic either.
#![no_main]

use avtal_compiler::diagnostics::render::{RenderOptions, render_human, render_json};
use avtal_compiler::source::Sources;
use avtal_compiler::syntax::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Bytes that are not UTF-8 become U+FFFD rather than a wasted input.
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let mut sources = Sources::new();
    let file = sources.add("fuzz.avtal", text);
    let (_module, diagnostics) = parse(&sources, file);
    for diagnostic in &diagnostics {
        let span = diagnostic.span;
        assert!(span.start <= span.end, "{diagnostic:?}");
        assert!(span.end as usize <= text.len(), "{diagnostic:?}");
        assert!(text.is_char_boundary(span.start as usize), "{diagnostic:?}");
        assert!(text.is_char_boundary(span.end as usize), "{diagnostic:?}");
    }
    let _ = render_human(&sources, &diagnostics, RenderOptions::default());
    let _ = render_json(&sources, &diagnostics);
});
