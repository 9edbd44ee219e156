//! A fast scanner for the attributes of a start tag.
//!
//! quick-xml tokenizes tags; splitting a tag's attributes is done here, in one pass over
//! the bytes, because it is the hottest loop of reading a CDA document (every `code`,
//! `id`, `value` carries three to six attributes). It checks what well-formedness requires
//! of attributes: a name, `=`, a quoted value without `<`, no duplicates.

use std::ops::Range;

/// One attribute: byte ranges of its name and of its (still escaped) value, relative to the
/// scanned slice, where its name's first colon is, and whether its value has a `&` to
/// unescape — both noted in the scan rather than searched again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawAttr {
    pub key: Range<usize>,
    pub value: Range<usize>,
    /// The first `:` of the name, relative to the name's start.
    pub colon: Option<usize>,
    pub escaped: bool,
}

/// Why the attributes could not all be read: where (relative offset) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AttrError {
    pub at: usize,
    pub message: String,
}

/// An attribute name for error messages, decoded only when a message is written.
struct Name<'a>(&'a [u8]);

impl std::fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&String::from_utf8_lossy(self.0))
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Scans `bytes` (what follows the element name in a start tag, without the closing `>` or
/// `/>`) into `out`. On error, the attributes before it are in `out`.
pub(crate) fn scan(bytes: &[u8], out: &mut Vec<RawAttr>) -> Result<(), AttrError> {
    let mut i = 0;
    let n = bytes.len();
    loop {
        while i < n && is_space(bytes[i]) {
            i += 1;
        }
        if i >= n {
            return Ok(());
        }
        let key_start = i;
        let mut colon = None;
        while i < n && !is_space(bytes[i]) && bytes[i] != b'=' {
            match bytes[i] {
                b'"' | b'\'' | b'<' | b'>' => {
                    return Err(AttrError {
                        at: i,
                        message: format!(
                            "unexpected {:?} where an attribute name was expected",
                            bytes[i] as char
                        ),
                    });
                }
                b':' if colon.is_none() => colon = Some(i - key_start),
                _ => {}
            }
            i += 1;
        }
        let key = key_start..i;
        let name = Name(&bytes[key.clone()]);
        while i < n && is_space(bytes[i]) {
            i += 1;
        }
        if i >= n || bytes[i] != b'=' {
            return Err(AttrError {
                at: key_start,
                message: format!("the attribute {name} has no value (expected =\"...\")"),
            });
        }
        i += 1;
        while i < n && is_space(bytes[i]) {
            i += 1;
        }
        let quote = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                return Err(AttrError {
                    at: i.min(n),
                    message: format!("the value of the attribute {name} is not in quotes"),
                })
            }
        };
        // values are short: one loop for the closing quote, '<' and '&' beats three searches
        let value_start = i + 1;
        let mut escaped = false;
        let mut end = value_start;
        loop {
            match bytes.get(end) {
                None => {
                    return Err(AttrError {
                        at: i,
                        message: format!("the value of the attribute {name} is never closed"),
                    })
                }
                Some(&b) if b == quote => break,
                Some(b'<') => {
                    return Err(AttrError {
                        at: end,
                        message: format!("the value of the attribute {name} contains '<', which XML forbids"),
                    })
                }
                Some(b'&') => escaped = true,
                Some(_) => {}
            }
            end += 1;
        }
        let value = value_start..end;
        let key_bytes = &bytes[key.clone()];
        if out.iter().any(|a| &bytes[a.key.clone()] == key_bytes) {
            return Err(AttrError { at: key_start, message: format!("the attribute {name} is given twice") });
        }
        i = value.end + 1;
        out.push(RawAttr { key, value, colon, escaped });
        if i < n && !is_space(bytes[i]) {
            return Err(AttrError {
                at: i,
                message: format!("attributes must be separated by white space (after {name})"),
            });
        }
        if out.len() > 4096 {
            return Err(AttrError {
                at: i,
                message: "more than 4096 attributes on one element, the reading limit".into(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(text: &str) -> Result<Vec<(String, String)>, String> {
        let mut out = Vec::new();
        scan(text.as_bytes(), &mut out).map_err(|e| e.message)?;
        Ok(out.into_iter().map(|a| (text[a.key].to_string(), text[a.value].to_string())).collect())
    }

    #[test]
    fn reads_quoted_values_with_spaces_around_equals() {
        let got = attrs(" code=\"11502-2\"  displayName = 'CR d\"examens'\n\txsi:type=\"CD\"").unwrap();
        assert_eq!(
            got,
            [("code", "11502-2"), ("displayName", "CR d\"examens"), ("xsi:type", "CD")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
    }

    #[test]
    fn notes_the_prefix_colon_and_the_references_to_unescape() {
        let mut out = Vec::new();
        scan(br#" xsi:type="PQ" value="1 &lt; 2" a:b:c='x'"#, &mut out).unwrap();
        let noted: Vec<_> = out.iter().map(|a| (a.colon, a.escaped)).collect();
        assert_eq!(noted, [(Some(3), false), (None, true), (Some(1), false)]);
    }

    #[test]
    fn rejects_what_xml_forbids() {
        assert!(attrs(" a=b").unwrap_err().contains("not in quotes"));
        assert!(attrs(" a").unwrap_err().contains("no value"));
        assert!(attrs(" a=\"1\" a=\"2\"").unwrap_err().contains("twice"));
        assert!(attrs(" a=\"1<\"").unwrap_err().contains("'<'"));
        assert!(attrs(" a=\"1\"b=\"2\"").unwrap_err().contains("white space"));
        assert!(attrs(" a=\"1").unwrap_err().contains("never closed"));
    }
}
