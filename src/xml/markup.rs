//! The ends of the markup that is not a start tag: end tags, comments, CDATA sections,
//! processing instructions, the XML declaration and DTDs. Each function takes the source and
//! the offset of the `<` that opens the construct, and returns the offset just after its end,
//! or `None` when the input ends first.

/// An end tag `</name  >`: its end, and its name (trailing white space trimmed).
pub(crate) fn end_tag(bytes: &[u8], at: usize) -> Option<(usize, std::ops::Range<usize>)> {
    let name_start = at + 2;
    let gt = name_start + memchr::memchr(b'>', bytes.get(name_start..)?)?;
    let mut name_end = gt;
    while name_end > name_start && crate::xml::attrs::is_space(bytes[name_end - 1]) {
        name_end -= 1;
    }
    Some((gt + 1, name_start..name_end))
}

/// `<!-- ... -->`.
pub(crate) fn comment(bytes: &[u8], at: usize) -> Option<usize> {
    after(bytes, at + 4, b"-->")
}

/// `<![CDATA[ ... ]]>`: its end and its content.
pub(crate) fn cdata(bytes: &[u8], at: usize) -> Option<(usize, std::ops::Range<usize>)> {
    let start = at + 9;
    let end = after(bytes, start, b"]]>")?;
    Some((end, start..end - 3))
}

/// `<? ... ?>`, the XML declaration included.
pub(crate) fn processing_instruction(bytes: &[u8], at: usize) -> Option<usize> {
    after(bytes, at + 2, b"?>")
}

/// `<!DOCTYPE ... [ internal subset ] >`: found without reading any declaration, by skipping
/// quoted strings, comments and the bracketed internal subset to the `>` that closes it.
pub(crate) fn doctype(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 9;
    let mut depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'"' | b'\'') => i = i + 1 + memchr::memchr(q, bytes.get(i + 1..)?)?,
            b'<' if bytes[i..].starts_with(b"<!--") => i = comment(bytes, i)? - 1,
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b'>' if depth == 0 => return Some(i + 1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether `<!` at `at` opens a DTD (`<!DOCTYPE`, in any case, as tokenizers accept it).
pub(crate) fn is_doctype(bytes: &[u8], at: usize) -> bool {
    bytes.get(at + 2..at + 9).is_some_and(|word| word.eq_ignore_ascii_case(b"DOCTYPE"))
}

/// Just after the first `terminator` (`-->`, `]]>` or `?>`: each ends with `>`) at or after
/// `from`. Each `>` is found with `memchr` and the bytes before it compared: comments are
/// frequent (twenty thousand in the corpus) and short, and a substring search's set-up
/// (`memmem`) cost more than the search itself there.
fn after(bytes: &[u8], from: usize, terminator: &[u8]) -> Option<usize> {
    let (&last, head) = terminator.split_last()?;
    let mut at = from;
    loop {
        let found = at + memchr::memchr(last, bytes.get(at..)?)?;
        if found >= from + head.len() && bytes[found - head.len()..found] == *head {
            return Some(found + 1);
        }
        at = found + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_construct_ends_where_its_terminator_does() {
        let text = b"<!-- a -- b -->x";
        assert_eq!(comment(text, 0), Some(15));
        assert_eq!(processing_instruction(b"<?xml version=\"1.0\"?>x", 0), Some(21));
        let cd = b"<![CDATA[ <a> ]]>x";
        assert_eq!(cdata(cd, 0), Some((17, 9..14)));
        assert_eq!(end_tag(b"</a:b \n>x", 0), Some((8, 2..5)));
        // a '>' that ends no terminator is passed over; the terminator starts after the opening
        let text = b"<!-- a > b -> c--> d -->x";
        assert_eq!(comment(text, 0), Some(18));
        assert_eq!(comment(b"<!-->-->x", 0), Some(8));
        assert_eq!(cdata(b"<![CDATA[a]>]]]>x", 0), Some((16, 9..13)));
        assert_eq!(processing_instruction(b"<?pi a>b?>x", 0), Some(10));
    }

    #[test]
    fn unterminated_constructs_are_none() {
        assert_eq!(comment(b"<!-- a", 0), None);
        assert_eq!(cdata(b"<![CDATA[ a ]>", 0), None);
        assert_eq!(processing_instruction(b"<?pi", 0), None);
        assert_eq!(end_tag(b"</a", 0), None);
        assert_eq!(doctype(b"<!DOCTYPE a [ <!ENTITY x 'y'>", 0), None);
        assert_eq!(comment(b"<!-", 0), None);
    }

    #[test]
    fn a_dtd_ends_after_its_internal_subset() {
        let text = b"<!DOCTYPE a [ <!ENTITY x \"]>\"> <!-- ]> --> ]>rest";
        let end = doctype(text, 0).unwrap();
        assert_eq!(&text[end..], b"rest");
        assert!(is_doctype(b"<!doctype html>", 0));
        assert!(!is_doctype(b"<!DOC", 0));
    }
}
