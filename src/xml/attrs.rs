//! The scanner of start tags: attributes and the tag's end, in one pass over the bytes.
//!
//! This is the hottest loop of reading a CDA document (every `code`, `id`, `value` carries
//! three to six attributes), so it walks each byte of a tag once, noting as it goes where a
//! name's prefix ends and whether a value has a reference to unescape. It checks what
//! well-formedness requires of attributes: a name, `=`, a quoted value without `<`, white
//! space between attributes, no duplicates.

use std::ops::Range;

/// One attribute: byte ranges of its name and of its (still escaped) value in the source,
/// where its name's first colon is, and whether its value has a `&` to unescape — both
/// noted in the scan rather than searched again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawAttr {
    pub key: Range<usize>,
    pub value: Range<usize>,
    /// The first `:` of the name, relative to the name's start.
    pub colon: Option<usize>,
    pub escaped: bool,
}

/// Why the attributes could not all be read: where (offset in the source) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AttrError {
    pub at: usize,
    pub message: String,
}

/// A start tag read to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tag {
    /// Just after the closing `>`.
    pub end: usize,
    /// Whether it closed with `/>`.
    pub empty: bool,
    /// The first attribute that broke the rules: the attributes before it are read, the
    /// rest of the tag is skipped.
    pub error: Option<AttrError>,
}

/// An attribute name for error messages, decoded only when a message is written.
struct Name<'a>(&'a [u8]);

impl std::fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&String::from_utf8_lossy(self.0))
    }
}

pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Reads the attributes of the start tag whose name ends at `from` into `out`, up to the
/// tag's end. `None` when the input ends before the tag does.
pub(crate) fn scan_tag(bytes: &[u8], from: usize, out: &mut Vec<RawAttr>) -> Option<Tag> {
    match scan(bytes, from, out) {
        Ok((end, empty)) => Some(Tag { end, empty, error: None }),
        Err(Stop::Eof) => None,
        Err(Stop::Bad(error)) => {
            let (end, empty) = tag_end(bytes, from)?;
            Some(Tag { end, empty, error: Some(error) })
        }
    }
}

enum Stop {
    Eof,
    Bad(AttrError),
}

fn bad(at: usize, message: String) -> Stop {
    Stop::Bad(AttrError { at, message })
}

/// The end of a tag whose attributes broke the rules: the first `>` outside quotes, as any
/// XML tokenizer finds it.
fn tag_end(bytes: &[u8], from: usize) -> Option<(usize, bool)> {
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return Some((i + 1, i > from && bytes[i - 1] == b'/')),
            _ => {}
        }
    }
    None
}

/// The first of `a`, `b` or `c` at or after `from`. Attribute values are a few to a few tens
/// of bytes: a word-at-a-time search (SWAR) beats both a byte loop and a vector search's
/// set-up there.
fn find3(bytes: &[u8], from: usize, a: u8, b: u8, c: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has = |word: u64, byte: u8| {
        let x = word ^ (ONES * byte as u64);
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        // the lowest flagged byte is exact (a borrow can only flag bytes above a match)
        let found = has(word, a) | has(word, b) | has(word, c);
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes.get(i..)?.iter().position(|&x| x == a || x == b || x == c).map(|p| i + p)
}

fn scan(bytes: &[u8], mut i: usize, out: &mut Vec<RawAttr>) -> Result<(usize, bool), Stop> {
    let n = bytes.len();
    let mut many: Option<std::collections::HashSet<&[u8]>> = None;
    let mut seen = 0u64;
    loop {
        while i < n && is_space(bytes[i]) {
            i += 1;
        }
        match bytes.get(i) {
            None => return Err(Stop::Eof),
            Some(b'>') => return Ok((i + 1, false)),
            Some(b'/') => {
                return match bytes.get(i + 1) {
                    Some(b'>') => Ok((i + 2, true)),
                    None => Err(Stop::Eof),
                    Some(_) => Err(bad(i, "unexpected '/' inside a start tag (expected \"/>\")".into())),
                }
            }
            Some(_) => {}
        }
        let key_start = i;
        let mut colon = None;
        while i < n {
            match bytes[i] {
                b' ' | b'\t' | b'\r' | b'\n' | b'=' | b'>' | b'/' => break,
                b'"' | b'\'' | b'<' => {
                    return Err(bad(
                        i,
                        format!("unexpected {:?} where an attribute name was expected", bytes[i] as char),
                    ));
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
        match bytes.get(i) {
            None => return Err(Stop::Eof),
            Some(b'=') => {}
            Some(_) => {
                return Err(bad(key_start, format!("the attribute {name} has no value (expected =\"...\")")))
            }
        }
        i += 1;
        while i < n && is_space(bytes[i]) {
            i += 1;
        }
        let quote = match bytes.get(i) {
            None => return Err(Stop::Eof),
            Some(&q @ (b'"' | b'\'')) => q,
            Some(_) => return Err(bad(i, format!("the value of the attribute {name} is not in quotes"))),
        };
        // the closing quote, a '<' or a '&', eight bytes at a time
        let value_start = i + 1;
        let mut escaped = false;
        let mut end = value_start;
        loop {
            end = find3(bytes, end, quote, b'<', b'&').ok_or(Stop::Eof)?;
            match bytes[end] {
                b'<' => {
                    return Err(bad(
                        end,
                        format!("the value of the attribute {name} contains '<', which XML forbids"),
                    ))
                }
                b'&' => escaped = true,
                _ => break,
            }
            end += 1;
        }
        let value = value_start..end;
        let key_bytes = &bytes[key.clone()];
        // Is the name new? Its length and last byte pick one of 64 bits: a name whose bit no
        // earlier name set is new without a comparison (an element's attributes mostly differ
        // in length). Otherwise a linear search for the usual handful of attributes, a set past
        // that: a hostile tag with thousands of them must not cost their square.
        let bit = 1u64 << ((key_bytes.len() * 7 + usize::from(key_bytes.last().copied().unwrap_or(0))) % 64);
        let seen_like = seen & bit != 0;
        seen |= bit;
        let twice = match &mut many {
            None if !seen_like => false,
            None if out.len() < 16 => out.iter().any(|a| &bytes[a.key.clone()] == key_bytes),
            None => {
                let set = many.insert(out.iter().map(|a| &bytes[a.key.clone()]).collect());
                !set.insert(key_bytes)
            }
            Some(set) => !set.insert(key_bytes),
        };
        if twice {
            return Err(bad(key_start, format!("the attribute {name} is given twice")));
        }
        i = value.end + 1;
        out.push(RawAttr { key, value, colon, escaped });
        if matches!(bytes.get(i), Some(&b) if !is_space(b) && b != b'>' && b != b'/') {
            return Err(bad(i, format!("attributes must be separated by white space (after {name})")));
        }
        if out.len() > 4096 {
            return Err(bad(i, "more than 4096 attributes on one element, the reading limit".into()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The attributes of `text` (what follows a tag's name, `>` included), or the error.
    fn attrs(text: &str) -> Result<Vec<(String, String)>, String> {
        let mut out = Vec::new();
        let tag = scan_tag(text.as_bytes(), 0, &mut out).ok_or("unclosed")?;
        if let Some(error) = tag.error {
            return Err(error.message);
        }
        Ok(out.into_iter().map(|a| (text[a.key].to_string(), text[a.value].to_string())).collect())
    }

    #[test]
    fn reads_quoted_values_with_spaces_around_equals() {
        let got = attrs(" code=\"11502-2\"  displayName = 'CR d\"examens'\n\txsi:type=\"CD\"/>").unwrap();
        assert_eq!(
            got,
            [("code", "11502-2"), ("displayName", "CR d\"examens"), ("xsi:type", "CD")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
    }

    #[test]
    fn notes_the_prefix_colon_and_the_references_to_unescape() {
        let mut out = Vec::new();
        scan_tag(br#" xsi:type="PQ" value="1 &lt; 2" a:b:c='x'>"#, 0, &mut out).unwrap();
        let noted: Vec<_> = out.iter().map(|a| (a.colon, a.escaped)).collect();
        assert_eq!(noted, [(Some(3), false), (None, true), (Some(1), false)]);
    }

    #[test]
    fn rejects_what_xml_forbids() {
        assert!(attrs(" a=b>").unwrap_err().contains("not in quotes"));
        assert!(attrs(" a>").unwrap_err().contains("no value"));
        assert!(attrs(" a/>").unwrap_err().contains("no value"));
        assert!(attrs(" a=\"1\" a=\"2\">").unwrap_err().contains("twice"));
        assert!(attrs(" a=\"1<\">").unwrap_err().contains("'<'"));
        assert!(attrs(" a=\"1\"b=\"2\">").unwrap_err().contains("white space"));
        assert!(attrs(" a=\"1\" / >").unwrap_err().contains("'/'"));
        assert_eq!(attrs(" a=\"1"), Err("unclosed".to_string()));
    }

    #[test]
    fn find3_finds_the_first_of_three_bytes_at_any_offset() {
        for len in 0..40 {
            for at in 0..len {
                let mut text = vec![b'x'; len];
                text[at] = b'&';
                if at + 3 < len {
                    text[at + 3] = b'"';
                }
                for from in 0..=at {
                    assert_eq!(find3(&text, from, b'"', b'<', b'&'), Some(at), "{len} {at} {from}");
                }
                assert_eq!(find3(&text, at + 1, b'<', b'<', b'&'), None);
            }
        }
        // bytes just above and below the searched ones never match
        assert_eq!(find3(b"\x01\x21\x23\x25\x27;=\"", 0, b'"', b'<', b'&'), Some(7));
    }

    #[test]
    fn a_duplicate_is_found_among_many_attributes() {
        let many: String = (0..100).map(|i| format!(" a{i}='{i}'")).collect();
        assert_eq!(attrs(&format!("{many}>")).unwrap().len(), 100);
        assert!(attrs(&format!("{many} a57='x'>")).unwrap_err().contains("a57 is given twice"));
        assert!(attrs(&format!("{many} a3='x'>")).unwrap_err().contains("a3 is given twice"));
    }

    #[test]
    fn finds_the_end_of_the_tag_and_whether_it_is_empty() {
        let end = |text: &str| scan_tag(text.as_bytes(), 0, &mut Vec::new()).map(|t| (t.end, t.empty));
        assert_eq!(end(">rest"), Some((1, false)));
        assert_eq!(end(" a='1'/>rest"), Some((8, true)));
        assert_eq!(end(" a=\"x>y\" >"), Some((10, false)), "a '>' in a value does not end the tag");
        assert_eq!(end(" a=\"1\" b"), None);
        assert_eq!(end(" a"), None);
    }

    #[test]
    fn after_a_bad_attribute_the_tag_still_ends_at_its_closing_bracket() {
        let mut out = Vec::new();
        let text = r#" a="1" <oops b="x>"/>after"#;
        let tag = scan_tag(text.as_bytes(), 0, &mut out).unwrap();
        assert_eq!(&text[tag.end..], "after");
        assert!(tag.empty);
        assert_eq!(out.len(), 1, "the attribute before the error is kept");
        assert!(tag.error.unwrap().message.contains("'<'"));
    }
}
