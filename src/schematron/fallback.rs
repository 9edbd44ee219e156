//! An expression rewritten to behave as Saxon (which the kit was written for) where xee
//! raises an error: used when the expression as written fails on a document.
//!
//! XPath lets an implementation evaluate the operands of `and` in any order; xee evaluates
//! both, and the kit's rules rely on a false left operand guarding the right one
//! (`count(@*) = 1 and name(@*) = 'nullFlavor'`: `name()` of several attributes is a type
//! error). `A and B and C` becomes `(if (A) then boolean(B and C) else false())`: the first
//! operand guards the others, with one level of nesting only (xee's parser slows down
//! exponentially with nesting).
//!
//! The rewriting works on tokens: it knows the structure of XPath expressions (commas,
//! brackets, `if`, `for`/`let`/`some`/`every`) well enough to find the operands of `and`,
//! and copies everything else as written.

use super::xpath_lex::{lex, Kind, Token};

struct Rewriter<'s> {
    src: &'s str,
    tokens: Vec<Token>,
    pos: usize,
    changed: bool,
}

/// `expr` with every `and` guarded by its first operand; `None` when it has
/// none (or cannot be read, in which case the compiler will say why).
pub(crate) fn rewrite(expr: &str) -> Option<String> {
    let tokens = lex(expr)?;
    let mut rewriter = Rewriter { src: expr, tokens, pos: 0, changed: false };
    let out = rewriter.expr()?;
    (rewriter.pos == rewriter.tokens.len() && rewriter.changed).then_some(out)
}

impl Rewriter<'_> {
    fn text(&self, i: usize) -> &str {
        let t = &self.tokens[i];
        &self.src[t.start..t.end]
    }

    fn is_name(&self, i: usize, word: &str) -> bool {
        self.tokens.get(i).is_some_and(|t| t.kind == Kind::Name) && self.text(i) == word
    }

    /// Whether the token before `i` ends an operand (so a name at `i` is an operator).
    fn after_operand(&self, i: usize) -> bool {
        if i == 0 {
            return false;
        }
        match self.tokens[i - 1].kind {
            Kind::Name | Kind::Var | Kind::Literal | Kind::Close(_) => true,
            Kind::Symbol => matches!(self.text(i - 1), "*" | "." | ".." | "?"),
            _ => false,
        }
    }

    fn keyword_at(&self, i: usize, words: &[&str]) -> bool {
        words.iter().any(|w| self.is_name(i, w)) && self.after_operand(i)
    }

    /// Expr: ExprSingle (',' ExprSingle)*
    fn expr(&mut self) -> Option<String> {
        let mut out = self.single()?;
        while self.tokens.get(self.pos).is_some_and(|t| t.kind == Kind::Comma) {
            self.pos += 1;
            out.push_str(", ");
            out.push_str(&self.single()?);
        }
        Some(out)
    }

    fn single(&mut self) -> Option<String> {
        let next_is = |r: &Self, k: Kind| r.tokens.get(r.pos + 1).is_some_and(|t| t.kind == k);
        if self.is_name(self.pos, "if") && next_is(self, Kind::Open('(')) {
            self.pos += 2;
            let condition = self.expr()?;
            self.expect_close(')')?;
            if !self.is_name(self.pos, "then") {
                return None;
            }
            self.pos += 1;
            let then = self.single()?;
            if !self.is_name(self.pos, "else") {
                return None;
            }
            self.pos += 1;
            let otherwise = self.single()?;
            return Some(format!("if ({condition}) then {then} else {otherwise}"));
        }
        for (word, separator, end) in [
            ("for", "in", "return"),
            ("let", ":=", "return"),
            ("some", "in", "satisfies"),
            ("every", "in", "satisfies"),
        ] {
            if self.is_name(self.pos, word) && next_is(self, Kind::Var) {
                self.pos += 1;
                let mut out = word.to_owned();
                loop {
                    let var = self.tokens.get(self.pos).filter(|t| t.kind == Kind::Var)?;
                    out.push(' ');
                    out.push_str(&self.src[var.start..var.end]);
                    self.pos += 1;
                    if self.tokens.get(self.pos).map(|_| self.text(self.pos)) != Some(separator) {
                        return None;
                    }
                    self.pos += 1;
                    out.push_str(&format!(" {separator} "));
                    out.push_str(&self.single()?);
                    if self.tokens.get(self.pos).is_some_and(|t| t.kind == Kind::Comma) {
                        self.pos += 1;
                        out.push(',');
                        continue;
                    }
                    break;
                }
                if !self.is_name(self.pos, end) {
                    return None;
                }
                self.pos += 1;
                out.push_str(&format!(" {end} "));
                out.push_str(&self.single()?);
                return Some(out);
            }
        }
        self.or()
    }

    fn or(&mut self) -> Option<String> {
        let mut operands = vec![self.and()?];
        while self.keyword_at(self.pos, &["or"]) {
            self.pos += 1;
            operands.push(self.and()?);
        }
        Some(operands.join(" or "))
    }

    fn and(&mut self) -> Option<String> {
        let mut operands = vec![self.operand()?];
        while self.keyword_at(self.pos, &["and"]) {
            self.pos += 1;
            operands.push(self.operand()?);
        }
        Some(self.chain(operands))
    }

    /// `a and b and c` → `(if (a) then boolean(b and c) else false())`: the first operand
    /// guards the others (the form of the kit's guards; one level of nesting only, as xee's
    /// parser slows down exponentially with nesting).
    fn chain(&mut self, mut operands: Vec<String>) -> String {
        if operands.len() == 1 {
            return operands.pop().unwrap_or_default();
        }
        self.changed = true;
        let first = operands.remove(0);
        format!("(if ({first}) then boolean({}) else false())", operands.join(" and "))
    }

    /// Tokens up to the next top-level `and`, `or`, `,`, closing bracket or keyword that
    /// ends an expression; bracketed groups rewritten inside.
    fn operand(&mut self) -> Option<String> {
        let mut out = String::new();
        let start = self.pos;
        let mut last_end: Option<usize> = None;
        while let Some(token) = self.tokens.get(self.pos).cloned() {
            if matches!(token.kind, Kind::Comma | Kind::Close(_))
                || self.keyword_at(self.pos, &["and", "or", "then", "else", "return", "satisfies", "in"])
                || (token.kind == Kind::Symbol && self.text(self.pos) == ":=")
            {
                break;
            }
            if let Some(end) = last_end {
                out.push_str(&self.src[end..token.start]);
            }
            match token.kind {
                Kind::Open(open) if open != '{' => {
                    self.pos += 1;
                    out.push(open);
                    let empty = self.tokens.get(self.pos).is_some_and(|t| matches!(t.kind, Kind::Close(_)));
                    if !empty {
                        out.push_str(&self.expr()?);
                    }
                    let close = self.expect_close(if open == '(' { ')' } else { ']' })?;
                    out.push(close);
                    last_end = Some(self.tokens[self.pos - 1].end);
                }
                Kind::Open(_) => {
                    // a map or array constructor: copied as written
                    let mut depth = 0usize;
                    let from = token.start;
                    while let Some(t) = self.tokens.get(self.pos) {
                        match t.kind {
                            Kind::Open(_) => depth += 1,
                            Kind::Close(_) => depth -= 1,
                            _ => {}
                        }
                        self.pos += 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    let to = self.tokens.get(self.pos - 1)?.end;
                    out.push_str(&self.src[from..to]);
                    last_end = Some(to);
                }
                _ => {
                    out.push_str(&self.src[token.start..token.end]);
                    self.pos += 1;
                    last_end = Some(token.end);
                }
            }
        }
        (self.pos > start).then_some(out)
    }

    fn expect_close(&mut self, close: char) -> Option<char> {
        let token = self.tokens.get(self.pos)?;
        if token.kind == Kind::Close(close) {
            self.pos += 1;
            Some(close)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn the_first_operand_of_and_guards_the_others() {
        assert_eq!(
            rewrite("count(@*) = 1 and name(@*) = 'nullFlavor'").as_deref(),
            Some("(if (count(@*) = 1) then boolean(name(@*) = 'nullFlavor') else false())")
        );
        assert_eq!(rewrite("a and b and c").as_deref(), Some("(if (a) then boolean(b and c) else false())"));
        assert_eq!(rewrite("a or b"), None);
        assert_eq!(
            rewrite("not(x and y) or z").as_deref(),
            Some("not((if (x) then boolean(y) else false())) or z")
        );
    }

    #[test]
    fn names_called_and_are_names() {
        assert_eq!(rewrite("a/and"), None);
        assert_eq!(rewrite("@and = 'x'"), None);
        assert_eq!(rewrite("'a and b'"), None);
    }

    #[test]
    fn nested_constructs() {
        assert_eq!(
            rewrite("every $e in x satisfies $e[a and b]").as_deref(),
            Some("every $e in x satisfies $e[(if (a) then boolean(b) else false())]")
        );
        assert_eq!(
            rewrite("if (a and b) then c else d").as_deref(),
            Some("if ((if (a) then boolean(b) else false())) then c else d")
        );
        assert_eq!(rewrite("f(a, b and c)").as_deref(), Some("f(a, (if (b) then boolean(c) else false()))"));
    }
}
