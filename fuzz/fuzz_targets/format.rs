//! The formatter's round trip: when `avtal fmt` formats a text, formatting
//! the result again changes nothing (format(format(x)) == format(x)), and
//! the result parses to the same tree as the input (the formatter's own
//! safety net says so; this checks the net holds on its own output too).
#![no_main]

use avtal_compiler::format::{ast_without_spans, format_source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Bytes that are not UTF-8 become U+FFFD rather than a wasted input.
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let Ok(formatted) = format_source(text) else {
        return;
    };
    let again = format_source(&formatted);
    assert_eq!(
        again.as_deref(),
        Ok(formatted.as_str()),
        "formatting is not idempotent"
    );
    assert_eq!(
        ast_without_spans(text),
        ast_without_spans(&formatted),
        "formatting changed the parse"
    );
});
