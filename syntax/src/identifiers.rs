//! Identifiers as text: the one normal form names are compared in, and the
//! characters a diagnostic must show by code point because they cannot be
//! seen.
//!
//! Names are normalised to NFC when the parser reads them, so `lån` typed
//! with a precomposed `å` (U+00E5) and with `a` and a combining ring
//! (U+0061 U+030A) is one name. Spans still point at the text as written.
//! Confusable names (look-alike letters of other scripts) are the
//! checker's business (W0101); this module only knows single characters.

use std::borrow::Cow;

use unicode_normalization::IsNormalized;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::is_nfc_quick;

/// `name` in NFC; borrowed when it already is (every ASCII name).
pub fn normalize(name: &str) -> Cow<'_, str> {
    if is_nfc_quick(name.chars()) == IsNormalized::Yes {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(name.nfc().collect())
    }
}

/// Characters that take no visible space, or change the direction of the
/// text around them: zero-width spaces and joiners, the byte order mark,
/// direction marks, embeddings, overrides and isolates, soft hyphen, and
/// control characters (NUL among them). A line holding one looks like a
/// line without it, so messages name them by code point.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFF8}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// `text` with every invisible character (see [`is_invisible`], except
/// the line breaks and tabs a message may hold) written as `<U+200B>`.
pub fn show_invisible(text: &str) -> Cow<'_, str> {
    let hidden = |c: char| is_invisible(c) && !matches!(c, '\n' | '\t');
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len().saturating_add(8));
    for c in text.chars() {
        if hidden(c) {
            shown.push_str(&format!("<U+{:04X}>", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfd_and_nfc_names_normalise_to_one() {
        let nfc = "l\u{E5}n";
        let nfd = "la\u{30A}n";
        assert_ne!(nfc, nfd);
        assert_eq!(normalize(nfd), nfc);
        assert!(matches!(normalize(nfc), Cow::Borrowed(_)));
        assert!(matches!(normalize("lon"), Cow::Borrowed(_)));
    }

    #[test]
    fn invisible_characters_are_shown_by_code_point() {
        assert_eq!(show_invisible("l\u{200B}ön"), "l<U+200B>ön");
        assert_eq!(show_invisible("a\u{200F}b\u{202E}c"), "a<U+200F>b<U+202E>c");
        assert_eq!(show_invisible("\u{0}x"), "<U+0000>x");
        assert_eq!(show_invisible("\u{FEFF}x"), "<U+FEFF>x");
        // Ordinary text, line breaks and tabs stay as they are.
        assert!(matches!(show_invisible("lön\n\tå"), Cow::Borrowed(_)));
    }
}
