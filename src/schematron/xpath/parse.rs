//! Tokens and the XPath 2.0 grammar (recursive descent, one token of look-ahead beyond
//! the current one), into [`Expr`]. What the evaluator does not implement is refused here
//! with the reason: `instance of`, `cast`, `treat`, node comparisons (`is`, `<<`, `>>`),
//! unknown functions, and any syntax error.

use std::collections::HashMap;
use std::rc::Rc;

use super::functions::Function;
use super::{Arith, Axis, Cmp, Expr, Name, NodeTest, Number, Start, Step};

/// Why an expression is not evaluated natively.
pub(crate) type Refused = String;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
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
/// Deepest nesting of parentheses, predicates and operators.
const MAX_DEPTH: usize = 200;

fn tokenize(text: &str) -> Result<Vec<Tok>, Refused> {
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

/// Parses `text` with `namespaces` (prefix → URI) for its names.
pub(crate) fn parse(text: &str, namespaces: &HashMap<String, String>) -> Result<Expr, Refused> {
    let tokens = tokenize(text)?;
    let mut parser = Parser { tokens, at: 0, namespaces, depth: 0 };
    let expr = parser.expr()?;
    match parser.peek() {
        None => Ok(expr),
        Some(token) => Err(format!("unexpected {token:?}")),
    }
}

struct Parser<'n> {
    tokens: Vec<Tok>,
    at: usize,
    namespaces: &'n HashMap<String, String>,
    depth: usize,
}

const KIND_TESTS: &[&str] = &[
    "node",
    "text",
    "comment",
    "element",
    "attribute",
    "document-node",
    "processing-instruction",
    "schema-element",
    "schema-attribute",
    "item",
    "empty-sequence",
];

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.at)
    }

    fn peek_at(&self, offset: usize) -> Option<&Tok> {
        self.tokens.get(self.at + offset)
    }

    fn next(&mut self) -> Option<Tok> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn eat(&mut self, token: &Tok) -> bool {
        if self.peek() == Some(token) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &Tok) -> Result<(), Refused> {
        if self.eat(token) {
            Ok(())
        } else {
            Err(format!("expected {token:?}, found {:?}", self.peek()))
        }
    }

    /// Whether the next token is the keyword `word` (a name token).
    fn at_keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Tok::Name(n)) if n == word)
    }

    fn eat_keyword(&mut self, word: &str) -> bool {
        if self.at_keyword(word) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn enter(&mut self) -> Result<(), Refused> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("nested deeper than {MAX_DEPTH}"));
        }
        Ok(())
    }

    /// `Expr := ExprSingle ("," ExprSingle)*`.
    fn expr(&mut self) -> Result<Expr, Refused> {
        self.enter()?;
        let first = self.expr_single()?;
        let result = if self.peek() == Some(&Tok::Comma) {
            let mut items = vec![first];
            while self.eat(&Tok::Comma) {
                items.push(self.expr_single()?);
            }
            Expr::Sequence(items)
        } else {
            first
        };
        self.depth -= 1;
        Ok(result)
    }

    fn expr_single(&mut self) -> Result<Expr, Refused> {
        self.enter()?;
        let keyword_then_var = |p: &Self| matches!(p.peek_at(1), Some(Tok::Var(_)));
        let result = if (self.at_keyword("some") || self.at_keyword("every")) && keyword_then_var(self) {
            let every = self.at_keyword("every");
            self.at += 1;
            let bindings = self.bindings()?;
            if !self.eat_keyword("satisfies") {
                return Err("expected 'satisfies'".into());
            }
            let test = self.expr_single()?;
            Expr::Quantified { every, bindings, test: Box::new(test) }
        } else if self.at_keyword("for") && keyword_then_var(self) {
            self.at += 1;
            let bindings = self.bindings()?;
            if !self.eat_keyword("return") {
                return Err("expected 'return'".into());
            }
            let body = self.expr_single()?;
            Expr::For { bindings, body: Box::new(body) }
        } else if self.at_keyword("if") && self.peek_at(1) == Some(&Tok::LParen) {
            self.at += 2;
            let condition = self.expr()?;
            self.expect(&Tok::RParen)?;
            if !self.eat_keyword("then") {
                return Err("expected 'then'".into());
            }
            let then = self.expr_single()?;
            if !self.eat_keyword("else") {
                return Err("expected 'else'".into());
            }
            let otherwise = self.expr_single()?;
            Expr::If(Box::new(condition), Box::new(then), Box::new(otherwise))
        } else {
            self.or()?
        };
        self.depth -= 1;
        Ok(result)
    }

    /// `$v in E ("," $v in E)*`.
    fn bindings(&mut self) -> Result<Vec<(Rc<str>, Expr)>, Refused> {
        let mut bindings = Vec::new();
        loop {
            let Some(Tok::Var(name)) = self.next() else { return Err("expected a variable".into()) };
            if !self.eat_keyword("in") {
                return Err("expected 'in'".into());
            }
            let value = self.expr_single()?;
            bindings.push((Rc::from(name.as_str()), value));
            if !self.eat(&Tok::Comma) {
                return Ok(bindings);
            }
        }
    }

    fn or(&mut self) -> Result<Expr, Refused> {
        let mut left = self.and()?;
        while self.eat_keyword("or") {
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, Refused> {
        let mut left = self.comparison()?;
        while self.eat_keyword("and") {
            let right = self.comparison()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn comparison(&mut self) -> Result<Expr, Refused> {
        let left = self.range()?;
        let general = match self.peek() {
            Some(Tok::Eq) => Some(Cmp::Eq),
            Some(Tok::Ne) => Some(Cmp::Ne),
            Some(Tok::Lt) => Some(Cmp::Lt),
            Some(Tok::Le) => Some(Cmp::Le),
            Some(Tok::Gt) => Some(Cmp::Gt),
            Some(Tok::Ge) => Some(Cmp::Ge),
            _ => None,
        };
        if let Some(op) = general {
            self.at += 1;
            let right = self.range()?;
            return Ok(Expr::General(op, Box::new(left), Box::new(right)));
        }
        let value = match self.peek() {
            Some(Tok::Name(n)) => match n.as_str() {
                "eq" => Some(Cmp::Eq),
                "ne" => Some(Cmp::Ne),
                "lt" => Some(Cmp::Lt),
                "le" => Some(Cmp::Le),
                "gt" => Some(Cmp::Gt),
                "ge" => Some(Cmp::Ge),
                "is" => return Err("node comparison 'is'".into()),
                _ => None,
            },
            Some(Tok::Other(o)) if o == "<<" || o == ">>" => return Err(format!("node comparison '{o}'")),
            _ => None,
        };
        if let Some(op) = value {
            self.at += 1;
            let right = self.range()?;
            return Ok(Expr::Value(op, Box::new(left), Box::new(right)));
        }
        Ok(left)
    }

    fn range(&mut self) -> Result<Expr, Refused> {
        let left = self.additive()?;
        if self.eat_keyword("to") {
            let right = self.additive()?;
            return Ok(Expr::Range(Box::new(left), Box::new(right)));
        }
        Ok(left)
    }

    fn additive(&mut self) -> Result<Expr, Refused> {
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Plus) => Arith::Add,
                Some(Tok::Minus) => Arith::Sub,
                _ => return Ok(left),
            };
            self.at += 1;
            let right = self.multiplicative()?;
            left = Expr::Arith(op, Box::new(left), Box::new(right));
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, Refused> {
        let mut left = self.union()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Star) => Arith::Mul,
                Some(Tok::Name(n)) if n == "div" => Arith::Div,
                Some(Tok::Name(n)) if n == "idiv" => Arith::IDiv,
                Some(Tok::Name(n)) if n == "mod" => Arith::Mod,
                _ => return Ok(left),
            };
            self.at += 1;
            let right = self.union()?;
            left = Expr::Arith(op, Box::new(left), Box::new(right));
        }
    }

    fn union(&mut self) -> Result<Expr, Refused> {
        let mut left = self.intersect()?;
        while self.eat(&Tok::Pipe) || self.eat_keyword("union") {
            let right = self.intersect()?;
            left = Expr::Union(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn intersect(&mut self) -> Result<Expr, Refused> {
        let mut left = self.unary()?;
        loop {
            if self.eat_keyword("intersect") {
                let right = self.unary()?;
                left = Expr::Intersect(Box::new(left), Box::new(right));
            } else if self.eat_keyword("except") {
                let right = self.unary()?;
                left = Expr::Except(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn unary(&mut self) -> Result<Expr, Refused> {
        let mut negate = false;
        let mut signed = false;
        loop {
            if self.eat(&Tok::Minus) {
                negate = !negate;
                signed = true;
            } else if self.eat(&Tok::Plus) {
                signed = true;
            } else {
                break;
            }
        }
        let value = self.path()?;
        for word in ["instance", "treat", "castable", "cast"] {
            if self.at_keyword(word)
                && matches!(self.peek_at(1), Some(Tok::Name(n)) if n == "of" || n == "as")
            {
                return Err(format!("'{word}' expressions"));
            }
        }
        if matches!(self.peek(), Some(Tok::Other(o)) if o == "!") {
            return Err("the simple map operator '!'".into());
        }
        Ok(match (negate, signed) {
            (true, _) => Expr::Negate(Box::new(value)),
            // unary plus atomizes and requires a number: as 0 + x
            (false, true) => {
                Expr::Arith(Arith::Add, Box::new(Expr::Num(Number::Integer(0))), Box::new(value))
            }
            (false, false) => value,
        })
    }

    /// Whether the next token can start a step of a relative path.
    fn at_step_start(&self) -> bool {
        matches!(
            self.peek(),
            Some(
                Tok::Name(_)
                    | Tok::Var(_)
                    | Tok::Str(_)
                    | Tok::Num(_)
                    | Tok::Star
                    | Tok::At
                    | Tok::Dot
                    | Tok::DoubleDot
                    | Tok::LParen
            )
        )
    }

    fn path(&mut self) -> Result<Expr, Refused> {
        if self.eat(&Tok::Slash) {
            if !self.at_step_start() {
                return Ok(Expr::Path { start: Start::Root, steps: Vec::new() });
            }
            let steps = self.relative_steps()?;
            return Ok(Expr::Path { start: Start::Root, steps });
        }
        if self.eat(&Tok::DoubleSlash) {
            let mut steps = vec![descendant_or_self()];
            steps.extend(self.relative_steps()?);
            return Ok(Expr::Path { start: Start::Root, steps: simplify(steps) });
        }
        // a relative path: a primary expression may start it
        let first = self.step()?;
        if !matches!(self.peek(), Some(Tok::Slash | Tok::DoubleSlash)) {
            return Ok(match first {
                Step::Expr { expr, predicates } if predicates.is_empty() => expr,
                Step::Expr { expr, predicates } => Expr::Filter { base: Box::new(expr), predicates },
                axis => Expr::Path { start: Start::Context, steps: vec![axis] },
            });
        }
        let (start, mut steps) = match first {
            Step::Expr { expr, predicates } if predicates.is_empty() => {
                (Start::Expr(Box::new(expr)), Vec::new())
            }
            Step::Expr { expr, predicates } => {
                (Start::Expr(Box::new(Expr::Filter { base: Box::new(expr), predicates })), Vec::new())
            }
            axis => (Start::Context, vec![axis]),
        };
        loop {
            if self.eat(&Tok::Slash) {
                steps.push(self.step()?);
            } else if self.eat(&Tok::DoubleSlash) {
                steps.push(descendant_or_self());
                steps.push(self.step()?);
            } else {
                break;
            }
        }
        Ok(Expr::Path { start, steps: simplify(steps) })
    }

    fn relative_steps(&mut self) -> Result<Vec<Step>, Refused> {
        let mut steps = vec![self.step()?];
        loop {
            if self.eat(&Tok::Slash) {
                steps.push(self.step()?);
            } else if self.eat(&Tok::DoubleSlash) {
                steps.push(descendant_or_self());
                steps.push(self.step()?);
            } else {
                return Ok(steps);
            }
        }
    }

    fn step(&mut self) -> Result<Step, Refused> {
        self.enter()?;
        let step = match self.peek().cloned() {
            Some(Tok::DoubleDot) => {
                self.at += 1;
                Step::Axis { axis: Axis::Parent, test: NodeTest::AnyNode, predicates: self.predicates()? }
            }
            Some(Tok::At) => {
                self.at += 1;
                let test = self.node_test(Axis::Attribute)?;
                Step::Axis { axis: Axis::Attribute, test, predicates: self.predicates()? }
            }
            Some(Tok::Name(name)) if self.peek_at(1) == Some(&Tok::DoubleColon) => {
                let axis = match name.as_str() {
                    "child" => Axis::Child,
                    "descendant" => Axis::Descendant,
                    "descendant-or-self" => Axis::DescendantOrSelf,
                    "attribute" => Axis::Attribute,
                    "self" => Axis::Itself,
                    "parent" => Axis::Parent,
                    "ancestor" => Axis::Ancestor,
                    "ancestor-or-self" => Axis::AncestorOrSelf,
                    "following-sibling" => Axis::FollowingSibling,
                    "preceding-sibling" => Axis::PrecedingSibling,
                    "following" => Axis::Following,
                    "preceding" => Axis::Preceding,
                    other => return Err(format!("axis {other}")),
                };
                self.at += 2;
                let test = self.node_test(axis)?;
                Step::Axis { axis, test, predicates: self.predicates()? }
            }
            Some(Tok::Star) => {
                let test = self.node_test(Axis::Child)?;
                Step::Axis { axis: Axis::Child, test, predicates: self.predicates()? }
            }
            Some(Tok::Name(name))
                if self.peek_at(1) != Some(&Tok::LParen) || KIND_TESTS.contains(&name.as_str()) =>
            {
                // `attribute()` as a child step selects nothing useful; keep the child axis
                let test = self.node_test(Axis::Child)?;
                Step::Axis { axis: Axis::Child, test, predicates: self.predicates()? }
            }
            _ => {
                let expr = self.primary()?;
                Step::Expr { expr, predicates: self.predicates()? }
            }
        };
        self.depth -= 1;
        Ok(step)
    }

    fn predicates(&mut self) -> Result<Vec<Expr>, Refused> {
        let mut predicates = Vec::new();
        while self.eat(&Tok::LBracket) {
            predicates.push(self.expr()?);
            self.expect(&Tok::RBracket)?;
        }
        Ok(predicates)
    }

    fn node_test(&mut self, axis: Axis) -> Result<NodeTest, Refused> {
        match self.next() {
            Some(Tok::Star) => Ok(NodeTest::AnyName),
            Some(Tok::Name(name))
                if self.peek() == Some(&Tok::LParen) && KIND_TESTS.contains(&name.as_str()) =>
            {
                self.at += 1;
                let test = match name.as_str() {
                    "node" => NodeTest::AnyNode,
                    "text" => NodeTest::Text,
                    "comment" => NodeTest::Comment,
                    "element" if axis != Axis::Attribute => NodeTest::AnyName,
                    "attribute" if axis == Axis::Attribute => NodeTest::AnyName,
                    other => return Err(format!("kind test {other}()")),
                };
                if self.eat(&Tok::Star) && !matches!(test, NodeTest::AnyName) {
                    return Err("kind test with an argument".into());
                }
                self.expect(&Tok::RParen).map_err(|_| "kind test with a name argument".to_string())?;
                Ok(test)
            }
            Some(Tok::Name(name)) => self.name_test(&name),
            other => Err(format!("expected a node test, found {other:?}")),
        }
    }

    fn name_test(&self, name: &str) -> Result<NodeTest, Refused> {
        if let Some(local) = name.strip_prefix("*:") {
            return Ok(NodeTest::Local(Rc::from(local)));
        }
        match name.split_once(':') {
            Some((prefix, "*")) => Ok(NodeTest::Namespace(Rc::from(self.namespace(prefix)?.as_str()))),
            Some((prefix, local)) => Ok(NodeTest::Name(Name {
                ns: Rc::from(self.namespace(prefix)?.as_str()),
                local: Rc::from(local),
            })),
            None => Ok(NodeTest::Name(Name { ns: Rc::from(""), local: Rc::from(name) })),
        }
    }

    fn namespace(&self, prefix: &str) -> Result<String, Refused> {
        self.namespaces.get(prefix).cloned().ok_or_else(|| format!("undeclared prefix {prefix}"))
    }

    fn primary(&mut self) -> Result<Expr, Refused> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(Expr::Str(Rc::from(s.as_str()))),
            Some(Tok::Num(n)) => Ok(Expr::Num(n)),
            Some(Tok::Var(name)) => Ok(Expr::Var(Rc::from(name.as_str()))),
            Some(Tok::Dot) => Ok(Expr::Context),
            Some(Tok::LParen) => {
                if self.eat(&Tok::RParen) {
                    return Ok(Expr::Sequence(Vec::new()));
                }
                let inner = self.expr()?;
                self.expect(&Tok::RParen)?;
                // keep a parenthesised sequence a sequence (`(a, b)[1]`)
                Ok(inner)
            }
            Some(Tok::Name(name)) if self.peek() == Some(&Tok::LParen) => {
                self.at += 1;
                let mut args = Vec::new();
                if !self.eat(&Tok::RParen) {
                    loop {
                        args.push(self.expr_single()?);
                        if self.eat(&Tok::RParen) {
                            break;
                        }
                        self.expect(&Tok::Comma)?;
                    }
                }
                let local = match name.split_once(':') {
                    None => name.as_str(),
                    Some((prefix, local))
                        if self.namespaces.get(prefix).map(String::as_str)
                            == Some("http://www.w3.org/2005/xpath-functions") =>
                    {
                        local
                    }
                    Some(("xs", local)) => return Function::constructor(local, args),
                    Some(_) => return Err(format!("function {name}()")),
                };
                let function = Function::named(local, args.len())?;
                Ok(Expr::Call(function, args))
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }
}

fn descendant_or_self() -> Step {
    Step::Axis { axis: Axis::DescendantOrSelf, test: NodeTest::AnyNode, predicates: Vec::new() }
}

/// Whether a predicate's value cannot be a number (so it is never positional).
fn never_numeric(expr: &Expr) -> bool {
    match expr {
        Expr::Or(..) | Expr::And(..) | Expr::General(..) | Expr::Value(..) | Expr::Quantified { .. } => true,
        Expr::Str(_) => true,
        Expr::Path { steps, .. } => matches!(steps.last(), Some(Step::Axis { .. })),
        Expr::Call(f, _) => f.returns_boolean(),
        _ => false,
    }
}

/// `descendant-or-self::node()/child::x[p]` as `descendant::x[p]` when no predicate is
/// positional (the same nodes, without visiting every node twice).
fn simplify(steps: Vec<Step>) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::with_capacity(steps.len());
    for step in steps {
        if let Step::Axis { axis: Axis::Child, test, predicates } = &step {
            if predicates.iter().all(never_numeric)
                && matches!(
                    out.last(),
                    Some(Step::Axis { axis: Axis::DescendantOrSelf, test: NodeTest::AnyNode, predicates }) if predicates.is_empty()
                )
            {
                out.pop();
                out.push(Step::Axis {
                    axis: Axis::Descendant,
                    test: test.clone(),
                    predicates: predicates.clone(),
                });
                continue;
            }
        }
        out.push(step);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns() -> HashMap<String, String> {
        [
            ("cda", "urn:hl7-org:v3"),
            ("hl7", "urn:hl7-org:v3"),
            ("xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ]
        .into_iter()
        .map(|(p, u)| (p.to_string(), u.to_string()))
        .collect()
    }

    #[test]
    fn kit_tests_parse() {
        for text in [
            "cda:templateId[@root='1.2.250.1.213.1.1.1.1']",
            "count(hl7:id) = 1 and not(@nullFlavor)",
            "every $elm in descendant-or-self::* satisfies $elm[not(@nullFlavor) or (@nullFlavor and not(@* except (@xsi:type|@nullFlavor)))]",
            "../cda:act and (../cda:act/cda:code[@codeSystem = '2.16.840.1.113883.6.1'] or not(../cda:act/cda:code/@code))",
            "not(@qualifier) or (string-length(@qualifier) > 0 and not(matches(@qualifier, '\\s')))",
            "if (@x) then 1 else 2",
            "//hl7:recordTarget/hl7:patientRole/hl7:id/@root = '1.2.250.1.213.1.4.8'",
            "for $i in (1, 2) return $i * 2",
            "string-join(text(), '') != ''",
            "- 1 + +2 div 3 idiv 4 mod 5",
            "(: a comment :) . = 'x'",
            "a/(b | c)/@d",
            "$x-1 le 2",
        ] {
            parse(text, &ns()).unwrap_or_else(|e| panic!("{text}: {e}"));
        }
    }

    #[test]
    fn refusals_say_why() {
        for (text, why) in [
            ("unparsed-text('x.txt')", "unparsed-text"),
            ("a is b", "is"),
            ("@x instance of xs:string", "instance"),
            ("x:y", "undeclared prefix"),
            ("a[", "expected"),
            ("'open", "unterminated"),
            ("1 ! 2", "simple map"),
        ] {
            let refused = parse(text, &ns()).unwrap_err();
            assert!(refused.contains(why), "{text}: {refused}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
        assert!(parse(&text, &ns()).unwrap_err().contains("nested"));
    }

    #[test]
    fn double_slash_becomes_descendant() {
        let Expr::Path { steps, .. } = parse("//hl7:id[@root]", &ns()).unwrap() else { panic!() };
        assert!(matches!(steps.as_slice(), [Step::Axis { axis: Axis::Descendant, .. }]));
        // a positional predicate keeps the two steps
        let Expr::Path { steps, .. } = parse("//hl7:id[1]", &ns()).unwrap() else { panic!() };
        assert_eq!(steps.len(), 2);
    }
}
