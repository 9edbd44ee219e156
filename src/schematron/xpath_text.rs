//! Lexical work on XPath expressions as text: the variables an expression refers to, XSLT
//! functions mapped to their XPath equivalents, the arguments of `doc()` calls, top-level
//! splits. Everything here skips string literals and comments, and never fails: an
//! expression it cannot make sense of is left to the XPath compiler to report.

/// Characters that may continue an XPath name (NCName, plus `:` handled by callers).
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == '\u{B7}'
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

/// Byte ranges of `expr` that are code (not string literals, not comments).
fn code_ranges(expr: &str) -> Vec<(usize, usize)> {
    let bytes = expr.as_bytes();
    let mut ranges = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'\'' | b'"') => {
                ranges.push((start, i));
                i += 1;
                // a doubled quote inside a literal is an escaped quote
                loop {
                    match bytes.get(i) {
                        None => break,
                        Some(&b) if b == quote => {
                            if bytes.get(i + 1) == Some(&quote) {
                                i += 2;
                            } else {
                                i += 1;
                                break;
                            }
                        }
                        Some(_) => i += 1,
                    }
                }
                start = i;
            }
            b'(' if bytes.get(i + 1) == Some(&b':') => {
                ranges.push((start, i));
                i = super::xpath_lex::comment_end(bytes, i);
                start = i;
            }
            _ => i += 1,
        }
    }
    ranges.push((start, bytes.len()));
    ranges.retain(|(s, e)| s < e);
    ranges
}

fn in_code(ranges: &[(usize, usize)], at: usize) -> bool {
    ranges.iter().any(|&(s, e)| s <= at && at < e)
}

/// The names of the variables `expr` refers to (`$name`), each once, in order of first use.
/// Variables an expression binds itself (`for $x in`, `some $x in`, `let $x :=`) are
/// included too; callers only declare those that exist in scope.
pub(crate) fn variable_refs(expr: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (start, end) in code_ranges(expr) {
        let code = &expr[start..end];
        let mut chars = code.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '$' {
                continue;
            }
            let rest = &code[i + 1..];
            let rest_trim = rest.trim_start();
            let skipped = rest.len() - rest_trim.len();
            let mut len = 0;
            for (j, ch) in rest_trim.char_indices() {
                let ok = if j == 0 { is_name_start(ch) } else { is_name_char(ch) || ch == ':' };
                if !ok {
                    break;
                }
                len = j + ch.len_utf8();
            }
            if len > 0 {
                let name = rest_trim[..len].trim_end_matches(':').to_owned();
                if !names.contains(&name) {
                    names.push(name);
                }
                // skip the name
                let stop = i + 1 + skipped + len;
                while chars.peek().is_some_and(|&(k, _)| k < stop) {
                    chars.next();
                }
            }
        }
    }
    names
}

/// `expr` with every reference to `$name` (in code) replaced by `value`.
pub(crate) fn replace_variable(expr: &str, name: &str, value: &str) -> String {
    let ranges = code_ranges(expr);
    let pattern = format!("${name}");
    let mut out = String::with_capacity(expr.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(pos) = expr[from..].find(&pattern) {
        let at = from + pos;
        let end = at + pattern.len();
        from = end;
        let continues = expr[end..].chars().next().is_some_and(|c| is_name_char(c) || c == ':');
        if continues || !in_code(&ranges, at) {
            continue;
        }
        out.push_str(&expr[copied..at]);
        out.push_str(value);
        copied = end;
    }
    out.push_str(&expr[copied..]);
    out
}

/// Positions where a call to `function` (unprefixed, or `fn:`) starts in code: the byte
/// offset of the name and of its opening parenthesis.
fn calls(expr: &str, function: &str) -> Vec<(usize, usize)> {
    let ranges = code_ranges(expr);
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(pos) = expr[from..].find(function) {
        let at = from + pos;
        from = at + function.len();
        if !in_code(&ranges, at) {
            continue;
        }
        let before = expr[..at].chars().next_back();
        let prefixed_fn = expr[..at].ends_with("fn:");
        if before.is_some_and(|c| (is_name_char(c) || c == ':' || c == '$' || c == '@') && !prefixed_fn) {
            continue;
        }
        let after = &expr[at + function.len()..];
        let trimmed = after.trim_start();
        if !trimmed.starts_with('(') {
            continue;
        }
        let paren = at + function.len() + (after.len() - trimmed.len());
        found.push((at, paren));
    }
    found
}

/// XSLT's `document($uri)` is XPath's `doc($uri)` for the single-string calls Schematron
/// rules make; `current()` is the context node when a rule evaluates its tests.
pub(crate) fn rewrite_xslt_functions(expr: &str) -> String {
    let mut out = expr.to_owned();
    for (at, _) in calls(expr, "document").into_iter().rev() {
        out.replace_range(at..at + "document".len(), "doc");
    }
    // `doc-available(X) and doc(X)...`: Saxon stops at a false left operand, xee evaluates
    // both and `doc()` raises an error for a file that is not there: guard every `doc()`
    let found = calls(&out, "doc");
    for (at, paren) in found.into_iter().rev() {
        if let Some(end) = matching_paren(&out, paren) {
            let argument = out[paren + 1..end].to_owned();
            out.replace_range(
                at..=end,
                &format!("(if (doc-available({argument})) then doc({argument}) else ())"),
            );
        }
    }
    // xee raises a type error for the context-item forms of these functions when the
    // context is a node; their definition is the one-argument form on string(.)
    for function in ["normalize-space", "string-length"] {
        let found = calls(&out, function);
        for (_, paren) in found.into_iter().rev() {
            let rest = &out[paren + 1..];
            if rest.trim_start().starts_with(')') {
                out.insert_str(paren + 1, "string(.)");
            }
        }
    }
    out
}

/// Whether `expr` calls an XSLT-only function that has no XPath equivalent here.
pub(crate) fn xslt_only_function(expr: &str) -> Option<&'static str> {
    [
        "key",
        "current",
        "generate-id",
        "system-property",
        "format-number",
        "unparsed-text",
        "element-available",
    ]
    .into_iter()
    .find(|f| !calls(expr, f).is_empty())
}

/// The argument texts of every `doc(...)`, `doc-available(...)` and `document(...)` call.
pub(crate) fn document_arguments(expr: &str) -> Vec<String> {
    let mut args = Vec::new();
    for function in ["doc", "doc-available", "document"] {
        for (_, paren) in calls(expr, function) {
            if let Some(end) = matching_paren(expr, paren) {
                args.push(expr[paren + 1..end].trim().to_owned());
            }
        }
    }
    args
}

/// The offset of the `)` matching the `(` at `open`, skipping literals.
pub(crate) fn matching_paren(expr: &str, open: usize) -> Option<usize> {
    let ranges = code_ranges(expr);
    let mut depth = 0usize;
    for (i, c) in expr.char_indices().skip_while(|&(i, _)| i < open) {
        if !in_code(&ranges, i) {
            continue;
        }
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return (c == ')').then_some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits `expr` at every top-level occurrence of `separator` (outside brackets, parentheses
/// and literals). `separator` must be ASCII.
pub(crate) fn split_top_level<'e>(expr: &'e str, separator: &str) -> Vec<&'e str> {
    let ranges = code_ranges(expr);
    let bytes = expr.as_bytes();
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !in_code(&ranges, i) {
            i += 1;
            continue;
        }
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            _ => {}
        }
        if depth == 0 && expr[i..].starts_with(separator) {
            parts.push(&expr[start..i]);
            i += separator.len();
            start = i;
            continue;
        }
        i += 1;
    }
    parts.push(&expr[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_outside_literals() {
        assert_eq!(
            variable_refs("$a = '$b' and $JDV_X-CISIS/x and $a and \"$c\" (: $d :) and $ e"),
            vec!["a", "JDV_X-CISIS", "e"]
        );
    }

    #[test]
    fn document_becomes_doc() {
        assert_eq!(
            rewrite_xslt_functions("document($p)//x[@a='document(1)'] and mydocument(2)"),
            "(if (doc-available($p)) then doc($p) else ())//x[@a='document(1)'] and mydocument(2)"
        );
        assert_eq!(
            rewrite_xslt_functions("text()[string-length(normalize-space( )) gt 0]"),
            "text()[string-length(normalize-space(string(.) )) gt 0]"
        );
        assert_eq!(
            rewrite_xslt_functions("doc('a.xml')//x"),
            "(if (doc-available('a.xml')) then doc('a.xml') else ())//x"
        );
        assert_eq!(
            document_arguments("doc('a.xml')/x and doc-available(concat($p, 'b'))"),
            vec!["'a.xml'", "concat($p, 'b')"]
        );
    }

    #[test]
    fn literal_variables_are_replaced() {
        assert_eq!(
            replace_variable("matches(@r, $p) or $pp = '$p'", "p", "'^a$'"),
            "matches(@r, '^a$') or $pp = '$p'"
        );
    }

    #[test]
    fn top_level_split() {
        assert_eq!(split_top_level("a[x|y] | b/(c|d) | '|'", "|"), vec!["a[x|y] ", " b/(c|d) ", " '|'"]);
    }
}
