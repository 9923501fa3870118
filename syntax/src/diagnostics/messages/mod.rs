//! The wording of syntax errors; the later stages' wording is in
//! `avtal-compiler` (`diagnostics::messages`), which re-exports this.

pub mod syntax;
