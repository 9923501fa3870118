//! Names in data files (a CSV header, a JSON key, a Parquet or Arrow
//! column) as the sources' names are compared: in Unicode NFC. The parser
//! normalises identifiers to NFC (`avtal_syntax::identifiers`), so a field
//! `lön` is `l ö n` whichever way the source spells it; a file written by
//! a tool that decomposes (macOS writes `lo\u{308}n`, an `o` and a
//! combining diaeresis) names the same field once its names are
//! normalised here. Readers normalise a file's names once (a header, a
//! schema), or a JSON key only when it is not the field expected next, so
//! the usual ASCII names cost nothing.

use std::borrow::Cow;

/// `name` as the sources' names are: NFC; borrowed when it already is
/// (every ASCII name).
pub fn data_name(name: &str) -> Cow<'_, str> {
    avtal_syntax::identifiers::normalize(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_and_precomposed_names_are_the_same() {
        let nfc = "l\u{f6}n";
        let nfd = "lo\u{308}n";
        assert_ne!(nfc, nfd);
        assert_eq!(data_name(nfd), nfc);
        assert_eq!(data_name(nfc), nfc);
        assert!(matches!(data_name("salary"), Cow::Borrowed("salary")));
        assert!(matches!(data_name(nfc), Cow::Borrowed(_)));
        // Normalising joins only what is the same text: not `o` and `ö`.
        assert_ne!(data_name("lon"), nfc);
    }
}
