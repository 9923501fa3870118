//! A minimal lexer over source text, for the parts of the parser that
//! look at raw text rather than pest pairs: refusing chunks nested too
//! deeply before pest runs, and finding, for an error message, the last
//! token, the open brackets and the start of an unterminated text.
//!
//! It knows only spaces, `//` comments, `///` doc comments, texts in
//! quotes and brackets; it is not a second grammar.

/// The byte where nesting first exceeds `limit` brackets, if it does.
pub(super) fn nesting_overflow(text: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    for token in Lexer::new(text, 0) {
        match token.first {
            '(' | '[' | '{' => {
                depth = depth.saturating_add(1);
                if depth > limit {
                    return Some(token.start);
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// What a lexical scan of the chunk up to the error position saw.
pub(super) struct Lexed {
    pub(super) last_token_end: Option<usize>,
    pub(super) last_text_start: Option<usize>,
    /// The first `///` line after the last token, if any.
    pub(super) trailing_doc: Option<(usize, usize)>,
    /// Brackets still open, innermost last.
    pub(super) open: Vec<(usize, char)>,
}

impl Lexed {
    pub(super) fn up_to(text: &str, start: usize, pos: usize) -> Lexed {
        let mut lexed = Lexed {
            last_token_end: None,
            last_text_start: None,
            trailing_doc: None,
            open: Vec::new(),
        };
        for token in Lexer::new(text, start) {
            if token.start >= pos {
                break;
            }
            if token.first == '/' && token.end.saturating_sub(token.start) > 1 {
                // A doc comment (the lexer returns those as tokens).
                lexed.trailing_doc = lexed.trailing_doc.or(Some((token.start, token.end)));
                continue;
            }
            lexed.trailing_doc = None;
            lexed.last_token_end = Some(token.end.min(pos));
            match token.first {
                '"' => lexed.last_text_start = Some(token.start),
                '(' | '[' | '{' => lexed.open.push((token.start, token.first)),
                ')' | ']' | '}' => {
                    lexed.open.pop();
                }
                _ => {}
            }
        }
        lexed
    }
}

/// A minimal lexer that skips spaces, comments and text contents, so
/// brackets inside them are not counted. Tokens are single characters,
/// except a text in quotes, which is one token up to its closing quote or
/// the end of its line, and a `///` doc comment, one token to the line end.
struct Lexer<'t> {
    text: &'t str,
    pos: usize,
}

struct Token {
    start: usize,
    end: usize,
    first: char,
}

impl<'t> Lexer<'t> {
    fn new(text: &'t str, pos: usize) -> Lexer<'t> {
        Lexer { text, pos }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        loop {
            let rest = self.text.get(self.pos..)?;
            let first = rest.chars().next()?;
            let start = self.pos;
            if first.is_whitespace() || first == '\u{FEFF}' {
                self.pos = start.saturating_add(first.len_utf8());
                continue;
            }
            if rest.starts_with("//") {
                let line = rest.find('\n').unwrap_or(rest.len());
                self.pos = start.saturating_add(line);
                if rest.starts_with("///") && !rest.starts_with("////") {
                    return Some(Token {
                        start,
                        end: self.pos,
                        first: '/',
                    });
                }
                continue;
            }
            let len = if first == '"' {
                text_token_len(rest)
            } else {
                first.len_utf8()
            };
            self.pos = start.saturating_add(len);
            return Some(Token {
                start,
                end: self.pos,
                first,
            });
        }
    }
}

/// Length of a text token starting at its opening quote.
fn text_token_len(rest: &str) -> usize {
    let mut escaped = false;
    for (index, c) in rest.char_indices().skip(1) {
        match c {
            '\n' | '\r' => return index,
            '"' if !escaped => return index.saturating_add(1),
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
    }
    rest.len()
}
