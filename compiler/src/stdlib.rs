//! The standard library, embedded in the binary.
//!
//! Each entry is a module path and the text of `stdlib/<path>.avtal`; the
//! CLI adds them to every compilation so `use lag.las` works anywhere.

use crate::source::Sources;

/// (module path, file name, source text)
pub const MODULES: &[(&str, &str, &str)] = &[(
    "lag.las",
    "<stdlib>/lag/las.avtal",
    include_str!("../../stdlib/lag/las.avtal"),
)];

/// Add every stdlib module to `sources`.
pub fn add_to(sources: &mut Sources) {
    for (_, name, text) in MODULES {
        sources.add_stdlib(*name, *text);
    }
}
