//! Rendering diagnostics: miette (CLI, tests) and JSON.
