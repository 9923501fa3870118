//! The compiler's generated programs (`avtal_compiler::testgen`, the
//! `testgen` feature) as a user's files: `avtal check` accepts each, with
//! and without text outputs. A later test runs them through the library
//! of `avtal build`; this one keeps the feature wired into this crate.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use avtal_compiler::testgen::{self, Options};
use common::{avtal, scratch, write};

#[test]
fn generated_programs_check_from_the_command_line() {
    let dir = scratch("generated_programs_check");
    for n in 0..4 {
        let text_outputs = n % 2 == 0;
        let text = testgen::program_with(testgen::seed(n), Options { text_outputs });
        assert_eq!(text.contains(": Text\n"), text_outputs, "{text}");
        assert!(text.contains(&format!("evaluate {}(", testgen::ENTRY_POINT)));
        let name = format!("gen{n}.avtal");
        write(&dir, &name, &text);
        let run = avtal(&dir, &["check", &name]);
        run.expect_code(0);
    }
}
