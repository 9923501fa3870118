//! Rendering diagnostics: miette's graphical report (CLI, expected-output
//! files in tests) and JSON (`avtal check --message-format json`).
//!
//! This module only formats; it does not decide what is an error, and it
//! does no IO. Spans are byte offsets (what miette wants); the JSON form adds
//! 1-based lines and char columns computed by [`Sources::line_col`].
//!
//! The compiler depends on miette without its `fancy` feature (no terminal
//! detection, no syscalls): the caller says whether to use colour and how
//! wide to wrap, through [`RenderOptions`].

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use serde::Serialize;

use super::{Diagnostic, Severity};
use crate::source::{BYTE_ORDER_MARK, FileId, Sources, Span};

/// How to draw human-readable diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Column at which text is wrapped.
    pub width: usize,
    /// ANSI colours (only when writing to a terminal that wants them).
    pub color: bool,
}

impl Default for RenderOptions {
    /// No colour, 80 columns: the form used by tests and expected files.
    fn default() -> RenderOptions {
        RenderOptions {
            width: 80,
            color: false,
        }
    }
}

/// Render every diagnostic as miette's graphical report, one after the
/// other, each followed by a blank line.
pub fn render_human(
    sources: &Sources,
    diagnostics: &[Diagnostic],
    options: RenderOptions,
) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false)
        .with_show_related_as_nested(true);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = Report::new(sources, diagnostic);
        if handler.render_report(&mut out, &report).is_err() {
            // Rendering into a String only fails if a Display impl fails;
            // fall back to the plain headline rather than losing it.
            out.push_str(&plain(sources, diagnostic));
        }
        out.push('\n');
    }
    out
}

/// One line per diagnostic without source excerpt:
/// `error[E0201]: cannot add … at file:line:col`.
pub fn plain(sources: &Sources, diagnostic: &Diagnostic) -> String {
    let severity = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!(
        "{severity}[{}]: {} at {}\n",
        diagnostic.code,
        diagnostic.message,
        sources.location(diagnostic.span)
    )
}

/// A position in a file for JSON output: byte range plus 1-based line and
/// char column of both ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonLocation {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Byte offsets into the file.
    pub start: u32,
    pub end: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonRelated {
    #[serde(flatten)]
    pub location: JsonLocation,
    pub message: String,
}

/// The machine-readable form of one diagnostic (one JSON object per line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonDiagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    #[serde(flatten)]
    pub location: JsonLocation,
    pub label: Option<String>,
    pub help: Option<String>,
    pub related: Vec<JsonRelated>,
}

fn json_location(sources: &Sources, span: Span) -> JsonLocation {
    let start = sources.line_col(span.file, span.start);
    let end = sources.line_col(span.file, span.end.max(span.start));
    JsonLocation {
        file: sources.name(span.file).to_string(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        start: span.start,
        end: span.end.max(span.start),
    }
}

/// The JSON form of every diagnostic, in order.
pub fn render_json(sources: &Sources, diagnostics: &[Diagnostic]) -> Vec<JsonDiagnostic> {
    diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            code: d.code.as_str(),
            severity: d.severity,
            message: d.message.clone(),
            location: json_location(sources, d.span),
            label: d.label.clone(),
            help: d.help.clone(),
            related: d
                .related
                .iter()
                .map(|r| JsonRelated {
                    location: json_location(sources, r.span),
                    message: r.message.clone(),
                })
                .collect(),
        })
        .collect()
}

/// A file's text under its display name, borrowed from [`Sources`] (miette's
/// own `NamedSource` wants an owned `'static` value).
struct FileSource<'a> {
    name: &'a str,
    text: &'a str,
}

impl SourceCode for FileSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        // miette counts the column in bytes; editors (and our JSON) count
        // chars, which differ after å, ä and ö.
        let byte_column = contents.column();
        let column = span
            .offset()
            .checked_sub(byte_column)
            .and_then(|line_start| {
                let before = self.text.get(line_start..span.offset())?;
                // A byte order mark opening the file is no column either.
                Some(if line_start == 0 {
                    before.strip_prefix(BYTE_ORDER_MARK).unwrap_or(before)
                } else {
                    before
                })
            })
            .map_or(byte_column, |before| before.chars().count());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            contents.data(),
            *contents.span(),
            contents.line(),
            column,
            contents.line_count(),
        )))
    }
}

/// A byte span clamped to its file's text, so that a stale or synthetic
/// span never makes miette fail.
fn source_span(sources: &Sources, span: Span) -> SourceSpan {
    let len = sources.text(span.file).len();
    let start = (span.start as usize).min(len);
    let end = (span.end as usize).clamp(start, len);
    SourceSpan::new(start.into(), end - start)
}

/// The adapter miette renders: one [`Diagnostic`] with its file. Related
/// spans in the same file become extra labels; those in other files become
/// nested reports with their own source.
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: FileSource<'a>,
    /// Labels besides the primary one.
    labels: Vec<LabeledSpan>,
    primary: LabeledSpan,
    elsewhere: Vec<Note<'a>>,
}

/// A related span in another file, shown after the main report.
struct Note<'a> {
    message: &'a str,
    source: FileSource<'a>,
    span: SourceSpan,
}

impl<'a> Report<'a> {
    fn new(sources: &'a Sources, diagnostic: &'a Diagnostic) -> Report<'a> {
        let file = diagnostic.span.file;
        let mut labels = Vec::new();
        let mut elsewhere = Vec::new();
        for related in &diagnostic.related {
            if related.span.file == file {
                labels.push(LabeledSpan::new_with_span(
                    Some(related.message.clone()),
                    source_span(sources, related.span),
                ));
            } else {
                elsewhere.push(Note {
                    message: &related.message,
                    source: file_source(sources, related.span.file),
                    span: source_span(sources, related.span),
                });
            }
        }
        Report {
            diagnostic,
            source: file_source(sources, file),
            labels,
            primary: LabeledSpan::new_primary_with_span(
                diagnostic.label.clone(),
                source_span(sources, diagnostic.span),
            ),
            elsewhere,
        }
    }
}

fn file_source(sources: &Sources, file: FileId) -> FileSource<'_> {
    FileSource {
        name: sources.name(file),
        text: sources.text(file),
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("diagnostic", self.diagnostic)
            .finish()
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Report<'_> {}

fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    }
}

impl miette::Diagnostic for Report<'_> {
    /// Shown as the first line, `error[E0201]`, so that the severity is
    /// readable without colour and the code is easy to search for.
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let severity = match self.diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        Some(Box::new(format!("{severity}[{}]", self.diagnostic.code)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(miette_severity(self.diagnostic.severity))
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_deref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'b>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(
            std::iter::once(self.primary.clone()).chain(self.labels.iter().cloned()),
        ))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.elsewhere.is_empty() {
            return None;
        }
        Some(Box::new(
            self.elsewhere.iter().map(|n| n as &dyn miette::Diagnostic),
        ))
    }
}

impl fmt::Debug for Note<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl fmt::Display for Note<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for Note<'_> {}

impl miette::Diagnostic for Note<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(None, self.span),
        )))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;

    fn sample() -> (Sources, Vec<Diagnostic>) {
        let mut sources = Sources::new();
        let file = sources.add(
            "examples/lön.avtal",
            "module a\n\nrule lön(å: Money) -> Money = å * å\n",
        );
        let other = sources.add("examples/b.avtal", "module b\nrule lön() -> Int = 1\n");
        let start = sources.text(file).find("å * å").unwrap();
        let diagnostics = vec![
            Diagnostic::new(
                Code::UnitMismatch,
                Span::new(file, start, start + "å * å".len()),
                "cannot multiply `Money` and `Money`",
            )
            .with_label("`Money` * `Money`")
            .with_help("multiply money by a number or a percent"),
            Diagnostic::new(
                Code::DuplicateDefinition,
                Span::new(file, 15, 19),
                "`lön` is defined twice",
            )
            .with_related(Span::new(other, 14, 18), "first defined here"),
        ];
        (sources, diagnostics)
    }

    #[test]
    fn human_rendering_shows_file_code_label_and_help() {
        let (sources, diagnostics) = sample();
        let text = render_human(&sources, &diagnostics, RenderOptions::default());
        assert!(text.contains("E0201"), "{text}");
        assert!(text.contains("error[E0201]"), "{text}");
        assert!(
            text.contains("examples/lön.avtal:3:31"),
            "char column: {text}"
        );
        assert!(text.contains("`Money` * `Money`"), "{text}");
        assert!(text.contains("help: multiply money"), "{text}");
        assert!(text.contains("examples/b.avtal:2:"), "{text}");
        assert!(text.contains("first defined here"), "{text}");
        assert!(!text.contains('\u{1b}'), "no colour codes: {text}");
    }

    #[test]
    fn json_has_char_columns_and_byte_offsets() {
        let (sources, diagnostics) = sample();
        let json = render_json(&sources, &diagnostics);
        let first = serde_json::to_value(&json[0]).unwrap();
        assert_eq!(first["code"], "E0201");
        assert_eq!(first["severity"], "error");
        assert_eq!(first["file"], "examples/lön.avtal");
        assert_eq!(first["line"], 3);
        // `rule lön(å: Money) -> Money = ` is 30 chars but 32 bytes.
        assert_eq!(first["start"], 42);
        assert_eq!(first["column"], 31);
        assert_eq!(first["end_column"], 36);
        assert_eq!(first["related"].as_array().unwrap().len(), 0);
        let second = serde_json::to_value(&json[1]).unwrap();
        assert_eq!(second["related"][0]["file"], "examples/b.avtal");
        assert_eq!(second["related"][0]["line"], 2);
        assert_eq!(second["related"][0]["message"], "first defined here");
    }

    #[test]
    fn out_of_range_spans_do_not_fail() {
        let mut sources = Sources::new();
        let file = sources.add("x.avtal", "abc");
        let d = Diagnostic::new(Code::Syntax, Span::new(file, 10, 20), "bad");
        let text = render_human(&sources, &[d], RenderOptions::default());
        assert!(text.contains("bad"), "{text}");
    }
}
