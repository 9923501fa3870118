//! Semantic tokens: every resolved name of a file with what it names
//! (param, rule, record, enum, field, variant, local), in source order and
//! without overlaps. Keywords, literals and comments are left to the
//! editor's TextMate grammar.

use crate::Compilation;
use crate::check::{ItemRef, RefTarget};
use crate::source::{FileId, Span};

use super::{Index, Target};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Param,
    Function,
    Record,
    Enum,
    Field,
    Variant,
    Local,
}

impl TokenKind {
    /// Every kind, in the order of the LSP legend.
    pub const ALL: [TokenKind; 7] = [
        TokenKind::Param,
        TokenKind::Function,
        TokenKind::Record,
        TokenKind::Enum,
        TokenKind::Field,
        TokenKind::Variant,
        TokenKind::Local,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SemanticToken {
    pub span: Span,
    pub kind: TokenKind,
}

/// The semantic tokens of `file`, sorted, without overlaps.
pub fn semantic_tokens(compilation: &Compilation, file: FileId) -> Vec<SemanticToken> {
    let index = Index::new(compilation);
    let mut tokens: Vec<SemanticToken> = Vec::new();
    for (span, target) in &index.occurrences {
        if span.file != file || span.is_empty() {
            continue;
        }
        let kind = match target {
            Target::Local(_) => TokenKind::Local,
            Target::Ref(RefTarget::Item(ItemRef::Param(_))) => TokenKind::Param,
            Target::Ref(RefTarget::Item(ItemRef::Func(_))) => TokenKind::Function,
            Target::Ref(RefTarget::Item(ItemRef::Record(_))) => TokenKind::Record,
            Target::Ref(RefTarget::Item(ItemRef::Enum(_) | ItemRef::Classes(_))) => TokenKind::Enum,
            Target::Ref(RefTarget::Class(..)) => TokenKind::Variant,
            Target::Ref(RefTarget::Field(..)) => TokenKind::Field,
            Target::Ref(RefTarget::Variant(..)) => TokenKind::Variant,
        };
        if tokens.last().is_some_and(|last| last.span.end > span.start) {
            continue;
        }
        tokens.push(SemanticToken { span: *span, kind });
    }
    tokens
}
