//! HTML text: escaping, and doc comments (a small Markdown subset) as
//! HTML.
//!
//! Every text that comes from a source file or a value goes through
//! [`escape`] before it reaches a page; nothing here knows about items.

/// `text` with `&`, `<`, `>`, `"` and `'` escaped, safe in element
/// content and in quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A doc comment as HTML: paragraphs at blank lines, a paragraph whose
/// lines all start with `- ` as a list, `**bold**` and `` `code` `` inline.
/// Empty for an empty comment.
pub fn doc(text: &str) -> String {
    let mut out = String::new();
    let mut paragraph: Vec<&str> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        let line = line.trim();
        if !line.is_empty() {
            paragraph.push(line);
            continue;
        }
        if paragraph.is_empty() {
            continue;
        }
        if paragraph.iter().all(|l| l.starts_with("- ")) {
            out.push_str("<ul>");
            for item in &paragraph {
                out.push_str("<li>");
                out.push_str(&inline(item.trim_start_matches("- ")));
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        } else {
            out.push_str("<p>");
            out.push_str(&inline(&paragraph.join(" ")));
            out.push_str("</p>");
        }
        paragraph.clear();
    }
    out
}

/// One line of Markdown text: escaped, with `**…**` as `<strong>` and
/// `` `…` `` as `<code>`. An unpaired marker stays as written.
pub fn inline(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let next_code = rest.find('`');
        let next_bold = rest.find("**");
        let (at, marker, tag) = match (next_code, next_bold) {
            (Some(c), Some(b)) if c < b => (c, "`", "code"),
            (Some(c), None) => (c, "`", "code"),
            (_, Some(b)) => (b, "**", "strong"),
            (None, None) => break,
        };
        let (before, from_marker) = rest.split_at(at);
        let after_marker = from_marker.get(marker.len()..).unwrap_or("");
        match after_marker.find(marker) {
            Some(end) => {
                let (inner, tail) = after_marker.split_at(end);
                out.push_str(&escape(before));
                out.push_str(&format!("<{tag}>{}</{tag}>", escape(inner)));
                rest = tail.get(marker.len()..).unwrap_or("");
            }
            None => {
                out.push_str(&escape(before));
                out.push_str(&escape(marker));
                rest = after_marker;
            }
        }
    }
    out.push_str(&escape(rest));
    out
}

/// The text of a doc comment from its first `**Antagande**` on: the
/// assumptions an item states, or `None`.
pub fn assumption(text: &str) -> Option<&str> {
    text.find("**Antagande").and_then(|at| text.get(at..))
}

/// The first paragraph of a doc comment on one line, for lists (a cut
/// at the first ". " would stop at abbreviations such as "5 kap.").
pub fn summary(text: &str) -> String {
    let first = text.split("\n\n").next().unwrap_or("");
    first.lines().map(str::trim).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_the_five_special_characters() {
        assert_eq!(
            escape(r#"a & b < c > d "e" 'f'"#),
            "a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;"
        );
        assert_eq!(escape("lön ≥ 1709 SEK"), "lön ≥ 1709 SEK");
    }

    #[test]
    fn doc_makes_paragraphs_lists_bold_and_code() {
        assert_eq!(
            doc("Första\nraden.\n\n**Antagande**: `x` < 2\n"),
            "<p>Första raden.</p><p><strong>Antagande</strong>: <code>x</code> &lt; 2</p>"
        );
        assert_eq!(doc("- a\n- b"), "<ul><li>a</li><li>b</li></ul>");
        assert_eq!(inline("ett ** ensamt"), "ett ** ensamt");
        assert_eq!(inline("<b>**<i>**"), "&lt;b&gt;<strong>&lt;i&gt;</strong>");
    }

    #[test]
    fn summary_is_the_first_paragraph() {
        assert_eq!(
            summary("Växling (C6, VA 5 kap.\n18 §).\n\nMer text."),
            "Växling (C6, VA 5 kap. 18 §)."
        );
    }

    #[test]
    fn assumption_starts_at_the_marker() {
        assert_eq!(
            assumption("Text. **Antagande**: x."),
            Some("**Antagande**: x.")
        );
        assert_eq!(assumption("Inget antagande."), None);
    }
}
