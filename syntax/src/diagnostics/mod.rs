//! The one diagnostic value every stage produces.
//!
//! Stages describe problems as facts (spans, names, types) by calling the
//! constructors in [`messages`]; the wording lives there and nowhere else.
//! [`render`] turns a [`Diagnostic`] into miette output (CLI, tests) or
//! JSON (`--message-format json`); the language server maps the same value
//! to LSP.

pub mod codes;
pub mod messages;
pub mod render;

use crate::source::Span;
use serde::Serialize;

pub use codes::Code;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A secondary span with a short note ("first defined here").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Headline: lowercase, no final period, "expected X, found Y".
    pub message: String,
    pub span: Span,
    /// Text under the primary caret.
    pub label: Option<String>,
    pub related: Vec<Related>,
    /// How to fix it, when known.
    pub help: Option<String>,
}

/// Every text of a diagnostic shows invisible characters by code point
/// (`<U+200B>`): a name holding a zero-width space or a direction mark
/// would otherwise read exactly like the name the drafter thinks it is.
fn visible(text: impl Into<String>) -> String {
    let text = text.into();
    match crate::identifiers::show_invisible(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(shown) => shown,
    }
}

impl Diagnostic {
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: visible(message),
            span,
            label: None,
            related: Vec::new(),
            help: None,
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(visible(label));
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(visible(help));
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.related.push(Related {
            span,
            message: visible(message),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// True when any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}
