//! The small vocabulary the renderer writes HTML with: escaping, and the checks every value
//! from a document passes before it may reach an attribute (ids, URLs, numbers, enumerations,
//! class names). Nothing here copies a value unchecked.

/// Appends `text` with `&`, `<`, `>`, `"` and `'` escaped: safe in element content and in
/// a double-quoted attribute value alike.
pub fn escape_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let replacement = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(replacement);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

/// `text`, escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// The page id of a document `ID` (or of an IDREF's target): prefixed with `n-` so that it
/// never clashes with the page's own ids, and reduced to `[A-Za-z0-9_.:-]` (anything else
/// becomes `_`) so that it reads the same in `id`, `href="#…"` and `headers`.
pub fn narrative_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 2);
    out.push_str("n-");
    out.extend(id.trim().chars().take(200).map(|c| {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-') {
            c
        } else {
            '_'
        }
    }));
    out
}

/// What a link target is, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// `#ID`: a place in this document (the page id it maps to).
    Internal(String),
    /// An `http:`, `https:` or `mailto:` URL: shown, opened only on the reader's request.
    External(String),
    /// No scheme: a file beside the document, never fetched by the page.
    Relative(String),
    /// Any other scheme (`javascript:`, `vbscript:`, `data:`, `file:`...): never a link.
    Refused { scheme: String },
}

/// Classifies a link target the way a browser would read it: ASCII tab, newline and control
/// characters are ignored inside the scheme (`java\tscript:` is `javascript:`) and the scheme
/// is compared without case.
pub fn link_target(href: &str) -> LinkTarget {
    let trimmed = href.trim_matches(|c: char| c.is_ascii_whitespace() || c.is_ascii_control());
    if let Some(fragment) = trimmed.strip_prefix('#') {
        return LinkTarget::Internal(narrative_id(fragment));
    }
    let mut scheme = String::new();
    for c in trimmed.chars() {
        if c == ':' {
            let lower = scheme.to_ascii_lowercase();
            return match lower.as_str() {
                "http" | "https" | "mailto" if !has_controls(trimmed) => {
                    LinkTarget::External(trimmed.to_string())
                }
                _ => LinkTarget::Refused { scheme: lower },
            };
        }
        if c.is_ascii_control() || c.is_ascii_whitespace() {
            continue;
        }
        if c == '/' || c == '?' || c == '#' {
            break;
        }
        scheme.push(c);
    }
    LinkTarget::Relative(trimmed.to_string())
}

fn has_controls(url: &str) -> bool {
    url.chars().any(|c| c.is_control())
}

/// A whole number of at most 4 digits (`span`, `colspan`, `rowspan`, `border`...).
pub fn number(value: &str) -> Option<&str> {
    let v = value.trim();
    (!v.is_empty() && v.len() <= 4 && v.bytes().all(|b| b.is_ascii_digit())).then_some(v)
}

/// An HTML length: digits, optionally a fraction, and `%` (`px` is accepted and dropped).
pub fn length(value: &str) -> Option<String> {
    let v = value.trim();
    let v = v.strip_suffix("px").unwrap_or(v);
    let (digits, percent) = match v.strip_suffix('%') {
        Some(d) => (d, "%"),
        None => (v, ""),
    };
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next().unwrap_or("0");
    let ok = |s: &str, max: usize| !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
    (ok(whole, 5) && ok(fraction, 4)).then(|| format!("{digits}{percent}"))
}

/// One of `allowed`, compared without case; the allowed spelling is returned.
pub fn one_of(value: &str, allowed: &[&'static str]) -> Option<&'static str> {
    let v = value.trim();
    allowed.iter().copied().find(|a| a.eq_ignore_ascii_case(v))
}

/// A vendor styleCode kept as a harmless class name: `[A-Za-z0-9_-]{1,40}`.
pub fn class_token(token: &str) -> Option<&str> {
    (!token.is_empty()
        && token.len() <= 40
        && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
    .then_some(token)
}

/// Shortens a value for the security report.
pub fn excerpt(value: &str) -> String {
    let mut out: String = value.chars().take(80).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if value.chars().count() > 80 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_content_and_attributes() {
        assert_eq!(
            escape(r#"<a href="x" onclick='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn schemes_are_read_as_a_browser_reads_them() {
        assert_eq!(
            link_target(" JaVa\tScRipt:alert(1)"),
            LinkTarget::Refused { scheme: "javascript".into() }
        );
        assert_eq!(
            link_target("data:text/html;base64,PHNjcmlwdD4="),
            LinkTarget::Refused { scheme: "data".into() }
        );
        assert_eq!(link_target("https://ans.fr/a?b"), LinkTarget::External("https://ans.fr/a?b".into()));
        assert_eq!(link_target("#res\"1"), LinkTarget::Internal("n-res_1".into()));
        assert_eq!(link_target("annexe.pdf"), LinkTarget::Relative("annexe.pdf".into()));
        assert_eq!(link_target("dir/a:b"), LinkTarget::Relative("dir/a:b".into()));
    }

    #[test]
    fn values_are_validated_not_copied() {
        assert_eq!(number("2"), Some("2"));
        assert_eq!(number("2\" onclick=\"x"), None);
        assert_eq!(length("50%").as_deref(), Some("50%"));
        assert_eq!(length("120px").as_deref(), Some("120"));
        assert_eq!(length("1e9"), None);
        assert_eq!(one_of("CENTER", &["left", "center"]), Some("center"));
        assert_eq!(class_token("xRowGroup"), Some("xRowGroup"));
        assert_eq!(class_token("x\"onclick"), None);
    }
}
