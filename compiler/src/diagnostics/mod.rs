//! The one diagnostic value every stage produces (`avtal-syntax` defines
//! it, with the registry of codes and the renderers), and the wording of
//! the checker's, the interpreter's and the data readers' diagnostics.
//!
//! Stages describe problems as facts (spans, names, types) by calling the
//! constructors in [`messages`]; the wording lives there and nowhere else.

pub use avtal_syntax::diagnostics::*;

pub mod messages;
