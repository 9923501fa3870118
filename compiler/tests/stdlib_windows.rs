//! The stdlib's `classes` items pass the checker's window scan (E0402,
//! E0403, E0405). Compilations skip the scan for stdlib items, which
//! do not change between them; this test is where they are scanned.

#![allow(clippy::unwrap_used, reason = "tests state expectations")]

use avtal_compiler::source::Sources;

#[test]
fn stdlib_windows_pass_the_scan() {
    let mut sources = Sources::new();
    avtal_compiler::stdlib::add_to(&mut sources);
    let compilation = avtal_compiler::compile(&sources);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    let program = &compilation.program;
    assert!(
        program.classes.len() >= 2,
        "the stdlib's classes items: {}",
        program.classes.len()
    );
    let found = avtal_compiler::check::windows::verify(program, |_| true);
    assert!(found.is_empty(), "{found:?}");
}
