//! Tokens of XPath 2.0: literals, names (`prefix:local`, `prefix:*`, `*:local`),
//! variables, symbols; comments skipped. Keywords stay names: the grammar (`parse.rs`)
//! decides from their position. Longer texts than [`MAX_LENGTH`] are refused.

use super::parse::Refused;
use super::Number;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Str(String),
    Num(Number),
    /// A name as written: `local`, `prefix:local`, `prefix:*`, `*:local`.
    Name(String),
    Var(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Slash,
    DoubleSlash,
    At,
    DoubleColon,
    Dot,
    DoubleDot,
    Star,
    Pipe,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    /// `<<`, `>>`, `!`, `:=`, `?`... (refused wherever they appear).
    Other(String),
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '\u{B7}')
}

/// Longest expression parsed (the kit's longest test is a few kilobytes).
const MAX_LENGTH: usize = 64 * 1024;

pub(super) fn tokenize(text: &str) -> Result<Vec<Tok>, Refused> {
    if text.len() > MAX_LENGTH {
        return Err(format!("longer than {MAX_LENGTH} bytes"));
    }
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let name_at = |i: usize| -> usize {
        let mut j = i;
        while j < chars.len() && is_name_char(chars[j]) {
            j += 1;
        }
        j
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '(' && next == Some(':') {
            let mut depth = 0usize;
            loop {
                if i + 1 >= chars.len() {
                    return Err("unterminated comment".into());
                }
                if chars[i] == '(' && chars[i + 1] == ':' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == ':' && chars[i + 1] == ')' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            continue;
        }
        let (token, len) = match c {
            '\'' | '"' => {
                let mut value = String::new();
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => return Err("unterminated string literal".into()),
                        Some(&q) if q == c => {
                            if chars.get(j + 1) == Some(&c) {
                                value.push(c);
                                j += 2;
                            } else {
                                break;
                            }
                        }
                        Some(&other) => {
                            value.push(other);
                            j += 1;
                        }
                    }
                }
                (Tok::Str(value), j + 1 - i)
            }
            '0'..='9' => number(&chars, i)?,
            '.' if next.is_some_and(|n| n.is_ascii_digit()) => number(&chars, i)?,
            '.' if next == Some('.') => (Tok::DoubleDot, 2),
            '.' => (Tok::Dot, 1),
            '$' => {
                let end = qname_end(&chars, i + 1, name_at);
                if end == i + 1 {
                    return Err("'$' without a name".into());
                }
                (Tok::Var(chars[i + 1..end].iter().collect()), end - i)
            }
            '*' if next == Some(':') && chars.get(i + 2).is_some_and(|&n| is_name_start(n)) => {
                let end = name_at(i + 2);
                (Tok::Name(chars[i..end].iter().collect()), end - i)
            }
            c if is_name_start(c) => {
                let mut end = name_at(i);
                if chars.get(end) == Some(&':') && chars.get(end + 1) != Some(&':') {
                    match chars.get(end + 1) {
                        Some('*') => end += 2,
                        Some(&n) if is_name_start(n) => end = name_at(end + 1),
                        _ => {}
                    }
                }
                (Tok::Name(chars[i..end].iter().collect()), end - i)
            }
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            '[' => (Tok::LBracket, 1),
            ']' => (Tok::RBracket, 1),
            ',' => (Tok::Comma, 1),
            '/' if next == Some('/') => (Tok::DoubleSlash, 2),
            '/' => (Tok::Slash, 1),
            '@' => (Tok::At, 1),
            ':' if next == Some(':') => (Tok::DoubleColon, 2),
            '*' => (Tok::Star, 1),
            '|' if next == Some('|') => (Tok::Other("||".into()), 2),
            '|' => (Tok::Pipe, 1),
            '=' => (Tok::Eq, 1),
            '!' if next == Some('=') => (Tok::Ne, 2),
            '<' if next == Some('=') => (Tok::Le, 2),
            '<' if next == Some('<') => (Tok::Other("<<".into()), 2),
            '<' => (Tok::Lt, 1),
            '>' if next == Some('=') => (Tok::Ge, 2),
            '>' if next == Some('>') => (Tok::Other(">>".into()), 2),
            '>' => (Tok::Gt, 1),
            '+' => (Tok::Plus, 1),
            '-' => (Tok::Minus, 1),
            other => (Tok::Other(other.to_string()), 1),
        };
        tokens.push(token);
        i += len;
    }
    Ok(tokens)
}

/// The end of a (possibly prefixed) name starting at `i`.
fn qname_end(chars: &[char], i: usize, name_at: impl Fn(usize) -> usize) -> usize {
    if !chars.get(i).is_some_and(|&c| is_name_start(c)) {
        return i;
    }
    let end = name_at(i);
    if chars.get(end) == Some(&':') && chars.get(end + 1).is_some_and(|&c| is_name_start(c)) {
        return name_at(end + 1);
    }
    end
}

/// A numeric literal at `i`: integer, decimal (`1.5`, `.5`, `5.`) or double (`1e5`).
fn number(chars: &[char], i: usize) -> Result<(Tok, usize), Refused> {
    let mut j = i;
    while j < chars.len() && chars[j].is_ascii_digit() {
        j += 1;
    }
    let mut decimal = false;
    if chars.get(j) == Some(&'.') && chars.get(j + 1) != Some(&'.') {
        decimal = true;
        j += 1;
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
    }
    let mut double = false;
    if matches!(chars.get(j), Some('e' | 'E')) {
        let mut k = j + 1;
        if matches!(chars.get(k), Some('+' | '-')) {
            k += 1;
        }
        if chars.get(k).is_some_and(|c| c.is_ascii_digit()) {
            double = true;
            j = k;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
        }
    }
    if chars.get(j).is_some_and(|&c| is_name_start(c)) {
        return Err("a number followed by a name".into());
    }
    let text: String = chars[i..j].iter().collect();
    let number = if double {
        Number::Double(text.parse().map_err(|_| format!("bad number {text}"))?)
    } else if decimal {
        Number::Decimal(text.parse().map_err(|_| format!("bad number {text}"))?)
    } else {
        match text.parse::<i64>() {
            Ok(n) => Number::Integer(n),
            Err(_) => return Err(format!("integer {text} out of range")),
        }
    };
    Ok((Tok::Num(number), j - i))
}
