//! Bytes → text: byte-order marks, UTF-16, the XML declaration's `encoding`, invalid bytes.
//!
//! Everything downstream works on UTF-8 text; spans are byte offsets into that text and
//! line:column positions are counted in characters, so they are the same whatever the
//! original encoding was.

use crate::diag::{Finding, Findings};
use crate::xml::span::Span;

/// The source text after decoding, with what was learnt on the way.
#[derive(Debug)]
pub struct Decoded {
    pub text: std::sync::Arc<str>,
    /// The encoding the bytes were read as (`UTF-8`, `UTF-16LE`, `windows-1252`, ...).
    pub encoding: &'static str,
    pub had_bom: bool,
    pub findings: Findings,
}

/// Decodes an XML document's bytes held in shared memory, as [`decode`] does; UTF-8 without
/// a byte-order mark (nearly every CDA document) becomes the source text as it lies, without a
/// copy. Copying a document was a sixth of reading it.
pub fn decode_shared(bytes: std::sync::Arc<[u8]>) -> Decoded {
    decode_from(&bytes, Some(&bytes))
}

/// Decodes an XML document's bytes. Never fails: undecodable bytes become U+FFFD and are
/// reported with their position.
pub fn decode(bytes: &[u8]) -> Decoded {
    decode_from(bytes, None)
}

/// [`decode`]; `shared`, when given, holds `bytes` and becomes the text if it needs no change.
fn decode_from(bytes: &[u8], shared: Option<&std::sync::Arc<[u8]>>) -> Decoded {
    let mut findings = Findings::default();
    let (encoding, bom_len) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((enc, len)) => (Some(enc), len),
        None => (sniff_utf16(bytes), 0),
    };
    let body = &bytes[bom_len..];

    let encoding = match encoding {
        Some(enc) => enc,
        None => match declared_encoding(body) {
            Some(label) => match encoding_rs::Encoding::for_label(label.as_bytes()) {
                Some(enc) => enc,
                None => {
                    findings.push(Finding::warning(
                        "xml.unknown-encoding",
                        Span::at(0),
                        format!(
                            "the declared encoding \"{label}\" is unknown: the document is read as UTF-8"
                        ),
                    ));
                    encoding_rs::UTF_8
                }
            },
            None => encoding_rs::UTF_8,
        },
    };

    let text: std::sync::Arc<str> = if encoding == encoding_rs::UTF_8 {
        match simdutf8::basic::from_utf8(body) {
            // the common case: the shared bytes themselves, or one copy into a shared buffer
            Ok(text) => match shared.filter(|_| bom_len == 0) {
                Some(shared) => {
                    let raw = std::sync::Arc::into_raw(shared.clone()) as *const str;
                    // SAFETY: `str` has the layout of `[u8]`, and these bytes (`body`, the whole
                    // of them: no BOM) were just checked to be UTF-8; the pointer comes from
                    // `Arc::into_raw` and is taken back once.
                    unsafe { std::sync::Arc::from_raw(raw) }
                }
                None => std::sync::Arc::from(text),
            },
            Err(_) => std::sync::Arc::from(decode_utf8_reporting(body, &mut findings)),
        }
    } else {
        let (text, had_errors) = encoding.decode_without_bom_handling(body);
        if had_errors {
            report_replacements(&text, encoding.name(), &mut findings);
        }
        std::sync::Arc::from(&*text)
    };
    Decoded { text, encoding: encoding.name(), had_bom: bom_len > 0, findings }
}

/// `<?` in UTF-16 without a byte-order mark.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    match bytes {
        [0x3C, 0x00, 0x3F, 0x00, ..] => Some(encoding_rs::UTF_16LE),
        [0x00, 0x3C, 0x00, 0x3F, ..] => Some(encoding_rs::UTF_16BE),
        _ => None,
    }
}

/// The `encoding` pseudo-attribute of an ASCII-compatible XML declaration, if any.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(512)];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = memchr::memmem::find(head, b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    let close = value.find(quote)?;
    Some(value[..close].trim().to_string())
}

fn decode_utf8_reporting(bytes: &[u8], findings: &mut Findings) -> String {
    let mut text = String::with_capacity(bytes.len());
    let mut original_offset = 0usize;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        original_offset += chunk.valid().len();
        let invalid = chunk.invalid();
        if !invalid.is_empty() {
            let at = text.len();
            findings.push(Finding::error(
                "xml.invalid-utf8",
                Span::new(at, at + '\u{FFFD}'.len_utf8()),
                format!(
                    "invalid UTF-8 byte{} {} at byte offset {}: shown as \u{FFFD}; if the file is \
                     Latin-1, its XML declaration should say encoding=\"ISO-8859-1\"",
                    if invalid.len() > 1 { "s" } else { "" },
                    invalid.iter().map(|b| format!("0x{b:02X}")).collect::<Vec<_>>().join(" "),
                    original_offset,
                ),
            ));
            text.push('\u{FFFD}');
            original_offset += invalid.len();
        }
    }
    text
}

fn report_replacements(text: &str, encoding: &str, findings: &mut Findings) {
    for (at, _) in text.match_indices('\u{FFFD}') {
        findings.push(Finding::error(
            "xml.invalid-bytes",
            Span::new(at, at + '\u{FFFD}'.len_utf8()),
            format!("bytes that are not valid {encoding}: shown as \u{FFFD}"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_utf8_is_the_source_itself_and_anything_else_is_decoded() {
        let bytes: std::sync::Arc<[u8]> = std::sync::Arc::from("<a>é</a>".as_bytes());
        let decoded = decode_shared(bytes.clone());
        assert_eq!(&*decoded.text, "<a>é</a>");
        assert_eq!(decoded.text.as_ptr(), bytes.as_ptr(), "no copy");

        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe9</a>";
        assert!(decode_shared(std::sync::Arc::from(&latin1[..])).text.ends_with("<a>é</a>"));
        let bom = b"\xef\xbb\xbf<a/>";
        let decoded = decode_shared(std::sync::Arc::from(&bom[..]));
        assert_eq!((&*decoded.text, decoded.had_bom), ("<a/>", true));
        let invalid = decode_shared(std::sync::Arc::from(&b"<a>\xff</a>"[..]));
        assert_eq!(&*invalid.text, "<a>\u{FFFD}</a>");
        assert_eq!(invalid.findings.len(), 1);
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let d = decode(b"\xEF\xBB\xBF<a/>");
        assert_eq!(&*d.text, "<a/>");
        assert!(d.had_bom);
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn latin1_is_read_when_declared() {
        let d = decode(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xE9</a>");
        assert!(d.text.contains("<a>é</a>"), "{}", d.text);
        assert!(d.findings.is_empty());
    }

    #[test]
    fn utf16_without_bom_is_sniffed() {
        let bytes: Vec<u8> =
            "<?xml version=\"1.0\"?><a>é</a>".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let d = decode(&bytes);
        assert_eq!(d.encoding, "UTF-16LE");
        assert!(d.text.ends_with("<a>é</a>"));
    }

    #[test]
    fn invalid_utf8_is_replaced_and_located() {
        let d = decode(b"<a>\n caf\xE9 </a>");
        assert_eq!(&*d.text, "<a>\n caf\u{FFFD} </a>");
        let f = d.findings.iter().next().expect("a finding");
        assert_eq!(f.code, "xml.invalid-utf8");
        assert_eq!(f.span.start, 8);
        assert!(f.message.contains("0xE9"));
    }
}
