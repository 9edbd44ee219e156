//! A lexer for XPath expressions, good enough to find their structure: names, variables,
//! literals, brackets, commas and symbols, with their byte ranges. Comments are skipped.
//! `None` for text it cannot read (an unterminated literal); callers then leave the
//! expression as written for the XPath compiler to report.

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// A name, possibly prefixed (`hl7:x`, `and`, `if`).
    Name,
    /// `$name`.
    Var,
    /// A string or number literal.
    Literal,
    Open(char),
    Close(char),
    Comma,
    /// Any other symbol (`/`, `=`, `@`, `::`, `*`, `.`...).
    Symbol,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// The end of the comment (`(: … :)`, possibly nested) that starts at byte `start` of
/// `bytes`: just after its `:)`, or the end of `bytes` when it is not closed. Always a
/// character boundary.
pub(crate) fn comment_end(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        if bytes[i] == b'(' && bytes.get(i + 1) == Some(&b':') {
            depth += 1;
            i += 2;
        } else if bytes[i] == b':' && bytes.get(i + 1) == Some(&b')') {
            depth = depth.saturating_sub(1);
            i += 2;
            if depth == 0 {
                break;
            }
        } else {
            i += 1;
        }
    }
    i
}

pub(crate) fn lex(src: &str) -> Option<Vec<Token>> {
    let bytes = src.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    let is_name_start = |c: char| c.is_alphabetic() || c == '_';
    let is_name_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == '\u{B7}';
    while i < bytes.len() {
        let c = src[i..].chars().next()?;
        let start = i;
        let kind = match c {
            c if c.is_whitespace() => {
                i += c.len_utf8();
                continue;
            }
            '(' if bytes.get(i + 1) == Some(&b':') => {
                i = comment_end(bytes, i);
                continue;
            }
            '\'' | '"' => {
                i += 1;
                loop {
                    let b = *bytes.get(i)?;
                    i += 1;
                    if b == c as u8 {
                        if bytes.get(i) == Some(&(c as u8)) {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                }
                Kind::Literal
            }
            '(' | '[' | '{' => {
                i += 1;
                Kind::Open(c)
            }
            ')' | ']' | '}' => {
                i += 1;
                Kind::Close(c)
            }
            ',' => {
                i += 1;
                Kind::Comma
            }
            '$' => {
                i += 1;
                while let Some(ch) = src[i..].chars().next().filter(|ch| ch.is_whitespace()) {
                    i += ch.len_utf8();
                }
                while let Some(ch) = src[i..].chars().next().filter(|&ch| is_name_char(ch) || ch == ':') {
                    i += ch.len_utf8();
                }
                Kind::Var
            }
            c if c.is_ascii_digit() || (c == '.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) => {
                while let Some(ch) =
                    src[i..].chars().next().filter(|&ch| ch.is_ascii_alphanumeric() || ch == '.')
                {
                    i += ch.len_utf8();
                }
                Kind::Literal
            }
            c if is_name_start(c) => {
                while let Some(ch) = src[i..].chars().next().filter(|&ch| is_name_char(ch)) {
                    i += ch.len_utf8();
                }
                // prefix:local or prefix:*, not prefix::axis
                if src[i..].starts_with(':') && !src[i..].starts_with("::") {
                    let after = src[i + 1..].chars().next();
                    if after.is_some_and(|a| is_name_start(a) || a == '*') {
                        i += 1;
                        if src[i..].starts_with('*') {
                            i += 1;
                        } else {
                            while let Some(ch) = src[i..].chars().next().filter(|&ch| is_name_char(ch)) {
                                i += ch.len_utf8();
                            }
                        }
                    }
                }
                Kind::Name
            }
            _ => {
                i += c.len_utf8();
                // two-character symbols stay together (`::`, `//`, `!=`, `<=`, `..`)
                if let Some(next) = src[i..].chars().next() {
                    if matches!(
                        (c, next),
                        (':', ':')
                            | ('/', '/')
                            | ('!', '=')
                            | ('<', '=')
                            | ('>', '=')
                            | ('.', '.')
                            | ('|', '|')
                            | (':', '=')
                            | ('=', '>')
                    ) {
                        i += next.len_utf8();
                    }
                }
                Kind::Symbol
            }
        };
        tokens.push(Token { kind, start, end: i });
    }
    Some(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_spaces_of_any_script_are_skipped_without_panicking() {
        // byte offsets inside a multi-byte character were once sliced at
        let kinds = |src: &str| lex(src).map(|t| t.into_iter().map(|t| t.kind).collect::<Vec<_>>());
        assert_eq!(kinds("1 (: préfixe (: é :) :) 2"), Some(vec![Kind::Literal, Kind::Literal]));
        assert_eq!(kinds("$\u{A0}x"), Some(vec![Kind::Var]));
        assert_eq!(kinds("(: non fermé é"), Some(vec![]));
    }
}
