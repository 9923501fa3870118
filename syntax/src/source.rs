//! Source files and byte spans.
//!
//! The compiler does no IO: callers (the CLI, the language server, tests) put
//! source text into a [`Sources`] table and every later stage refers to it by
//! [`FileId`]. Spans are byte offsets, as miette wants them; line and column
//! (chars for humans, UTF-16 for LSP) are computed only when shown.

use serde::Serialize;

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// The smallest span covering both (same file assumed; `self`'s file wins).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// One source file: its display name (a path relative to where the user
/// runs, or `<stdlib>/…`) and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    /// True for files embedded from `stdlib/`.
    pub is_stdlib: bool,
}

/// All source text one compilation sees.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

/// U+FEFF, which some editors (Notepad, Excel's "UTF-8" export) write at
/// the start of a UTF-8 file. The grammar reads it as whitespace; the
/// parser's chunking and [`Sources::line_col`] skip it at a file's start.
pub const BYTE_ORDER_MARK: char = '\u{FEFF}';

/// A 1-based line and column; `column` counts chars (what an editor shows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl Sources {
    pub fn new() -> Sources {
        Sources::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.push(SourceFile {
            name: name.into(),
            text: text.into(),
            is_stdlib: false,
        })
    }

    pub fn add_stdlib(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.push(SourceFile {
            name: name.into(),
            text: text.into(),
            is_stdlib: true,
        })
    }

    /// Put new text under an existing id, as a user file: a stdlib module
    /// the user is editing on disk replaces the embedded copy.
    pub fn replace(&mut self, id: FileId, name: impl Into<String>, text: impl Into<String>) {
        if let Some(file) = self.files.get_mut(id.0 as usize) {
            *file = SourceFile {
                name: name.into(),
                text: text.into(),
                is_stdlib: false,
            };
        }
    }

    /// Replace a stdlib file's text by its module line alone: a program
    /// that does not `use` the module compiles the same without its
    /// items, and faster.
    pub fn stub_stdlib(&mut self, id: FileId, module: &str) {
        if let Some(file) = self.files.get_mut(id.0 as usize)
            && file.is_stdlib
        {
            file.text = format!("module {module}\n");
        }
    }

    fn push(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(file);
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map(|f| f.name.as_str()).unwrap_or("<unknown>")
    }

    pub fn text(&self, id: FileId) -> &str {
        self.get(id).map(|f| f.text.as_str()).unwrap_or("")
    }

    pub fn ids(&self) -> impl Iterator<Item = FileId> + '_ {
        (0..self.files.len()).map(|i| FileId(u32::try_from(i).unwrap_or(u32::MAX)))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The text a span covers ("" when out of range).
    pub fn snippet(&self, span: Span) -> &str {
        self.text(span.file)
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// 1-based line and char column of a byte offset. A byte order mark
    /// at the start of the file is no column: editors do not show it.
    pub fn line_col(&self, file: FileId, offset: u32) -> LineCol {
        let text = self.text(file);
        let offset = (offset as usize).min(text.len());
        let before = text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let mut line_text = before.get(line_start..).unwrap_or("");
        if line_start == 0 {
            line_text = line_text.strip_prefix(BYTE_ORDER_MARK).unwrap_or(line_text);
        }
        let column = line_text.chars().count() + 1;
        LineCol { line, column }
    }

    /// `file:line:col` of the start of a span.
    pub fn location(&self, span: Span) -> String {
        let lc = self.line_col(span.file, span.start);
        format!("{}:{}:{}", self.name(span.file), lc.line, lc.column)
    }
}
