//! Rule contexts that Vigie matches natively: XSLT match patterns made of element steps
//! (child `/` and descendant `//` separators, name tests and wildcards) whose predicates
//! are boolean combinations of paths, `not()` and `=` / `!=` against string literals,
//! `count(path)` compared with a whole number, and whole numbers as flags (`1 and …`).
//!
//! That covers the contexts of the ANS kit (`//hl7:ClinicalDocument[hl7:typeId[@root =
//! '…']]/hl7:recordTarget[not(@nullFlavor)]`, `*[cda:templateId/@root='…']`...). Matching
//! them natively spares compiling each with xee, whose parser is slow on long expressions,
//! and lets the runner find candidates through indexes instead of walking the whole
//! document once per rule (`matcher.rs`). Anything outside this subset (a function other
//! than `not`, a number, a variable, another axis, an attribute or text step) is refused
//! here and the rule's context is selected by the XPath evaluator instead (`context.rs`).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

/// A parsed pattern: one or more branches (`a | b`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pattern {
    pub branches: Vec<Branch>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Branch {
    /// `/`: the document node.
    Document,
    /// Element steps; `rooted` when the branch starts with a single `/`.
    Steps { rooted: bool, steps: Vec<Step> },
}

/// How a step relates to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sep {
    Child,
    Descendant,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Step {
    /// Separator before this step (for the first step of a branch: `Descendant` unless
    /// the branch is rooted).
    pub sep: Sep,
    pub test: NameTest,
    pub predicates: Vec<Pred>,
}

/// An element name test, with namespaces resolved to URIs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum NameTest {
    Any,
    Name(QName),
    AnyLocal { ns: String },
    AnyNamespace { local: String },
}

/// An expanded name, with a process-wide id so that a matcher can cache what it resolves
/// to in a document's name table. Ids are interned: the same name always has the same id,
/// and ids are small and dense (the kit uses a few hundred names), so a matcher's cache is
/// a vector indexed by id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct QName {
    pub ns: String,
    pub local: String,
    pub id: u32,
}

impl QName {
    fn new(ns: String, local: String) -> Self {
        static IDS: OnceLock<Mutex<HashMap<(String, String), u32>>> = OnceLock::new();
        let id = {
            let mut ids = IDS.get_or_init(Default::default).lock().unwrap_or_else(PoisonError::into_inner);
            let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
            *ids.entry((ns.clone(), local.clone())).or_insert(next)
        };
        Self { ns, local, id }
    }
}

/// A predicate (or part of one), evaluated for its boolean value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pred {
    And(Vec<Pred>),
    Or(Vec<Pred>),
    Not(Box<Pred>),
    /// The paths select something.
    Exists(Vec<Path>),
    /// General comparison: some value on the left compares so with some on the right.
    Compare {
        left: Operand,
        equal: bool,
        right: Operand,
    },
    /// `count(path) op n`: how many items the path selects, against a whole number.
    Count {
        path: Path,
        op: Cmp,
        n: u64,
    },
    /// A number used as a boolean (`1 and …`, as the kit's abstract patterns pass flags):
    /// never a whole predicate, which would be positional.
    Const(bool),
}

/// A numeric comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    pub fn holds(self, a: u64, b: u64) -> bool {
        match self {
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Operand {
    /// A union of paths; their nodes' string values.
    Paths(Vec<Path>),
    Literal(String),
}

/// A relative path from the context node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Path {
    pub steps: Vec<PathStep>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PathStep {
    /// Child (or, after `//`, descendant) elements.
    Element { sep: Sep, test: NameTest, predicates: Vec<Pred> },
    /// `self::test[...]`.
    SelfNode { test: NameTest, predicates: Vec<Pred> },
    /// `@name` (last step only): attribute values.
    Attribute(QName),
    /// `@*` (last step only).
    AnyAttribute,
}

/// Why a pattern is outside the native subset (only for diagnostics and tests).
pub(crate) type Refused = String;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Slash,
    DoubleSlash,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Pipe,
    At,
    Axis(String),
    Star,
    Equal,
    NotEqual,
    /// `<`, `<=`, `>`, `>=`.
    Less(bool),
    Greater(bool),
    /// A whole number.
    Number(u64),
    /// `.`, the context node.
    Dot,
    /// `prefix:local`, `local`, `prefix:*` or `*:local`.
    Name(String),
    Literal(String),
}

fn tokenize(text: &str) -> Result<Vec<Token>, Refused> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let name_start = |c: char| c.is_alphabetic() || c == '_';
    let name_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-' || c == '.';
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '/' if chars.get(i + 1) == Some(&'/') => {
                tokens.push(Token::DoubleSlash);
                i += 2;
            }
            '/' => {
                tokens.push(Token::Slash);
                i += 1;
            }
            '[' => {
                tokens.push(Token::LBracket);
                i += 1;
            }
            ']' => {
                tokens.push(Token::RBracket);
                i += 1;
            }
            '(' => {
                tokens.push(Token::LParen);
                i += 1;
            }
            ')' => {
                tokens.push(Token::RParen);
                i += 1;
            }
            '|' => {
                tokens.push(Token::Pipe);
                i += 1;
            }
            '@' => {
                tokens.push(Token::At);
                i += 1;
            }
            '=' => {
                tokens.push(Token::Equal);
                i += 1;
            }
            '.' if chars.get(i + 1) != Some(&'.')
                && !chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()) =>
            {
                tokens.push(Token::Dot);
                i += 1;
            }
            '!' if chars.get(i + 1) == Some(&'=') => {
                tokens.push(Token::NotEqual);
                i += 2;
            }
            '<' | '>' => {
                let or_equal = chars.get(i + 1) == Some(&'=');
                tokens.push(if c == '<' { Token::Less(or_equal) } else { Token::Greater(or_equal) });
                i += 1 + usize::from(or_equal);
            }
            c if c.is_ascii_digit() => {
                let start = i;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                if chars.get(i).is_some_and(|&c| c == '.' || c == 'e' || c == 'E' || name_start(c)) {
                    return Err("a number that is not a whole number".into());
                }
                let digits: String = chars[start..i].iter().collect();
                tokens.push(Token::Number(digits.parse().map_err(|_| "a number too large".to_owned())?));
            }
            '\'' | '"' => {
                let mut value = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("unterminated literal".into()),
                        Some(&q) if q == c => {
                            if chars.get(i + 1) == Some(&c) {
                                value.push(c);
                                i += 2;
                            } else {
                                i += 1;
                                break;
                            }
                        }
                        Some(&other) => {
                            value.push(other);
                            i += 1;
                        }
                    }
                }
                tokens.push(Token::Literal(value));
            }
            '*' if chars.get(i + 1) == Some(&':') && chars.get(i + 2).is_some_and(|&c| name_start(c)) => {
                let start = i;
                i += 2;
                while i < chars.len() && name_char(chars[i]) {
                    i += 1;
                }
                tokens.push(Token::Name(chars[start..i].iter().collect()));
            }
            '*' => {
                tokens.push(Token::Star);
                i += 1;
            }
            c if name_start(c) => {
                let start = i;
                while i < chars.len() && name_char(chars[i]) {
                    i += 1;
                }
                if chars.get(i) == Some(&':') && chars.get(i + 1) == Some(&':') {
                    tokens.push(Token::Axis(chars[start..i].iter().collect()));
                    i += 2;
                    continue;
                }
                if chars.get(i) == Some(&':') {
                    match chars.get(i + 1) {
                        Some('*') => i += 2,
                        Some(&c) if name_start(c) => {
                            i += 1;
                            while i < chars.len() && name_char(chars[i]) {
                                i += 1;
                            }
                        }
                        _ => return Err("bad name".into()),
                    }
                }
                tokens.push(Token::Name(chars[start..i].iter().collect()));
            }
            other => return Err(format!("'{other}' is outside the native subset")),
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    namespaces: &'a HashMap<String, String>,
}

/// Parses `context` as a native pattern, prefixes resolved with `namespaces` (`sch:ns`).
pub(crate) fn parse(context: &str, namespaces: &HashMap<String, String>) -> Result<Pattern, Refused> {
    let mut parser = Parser { tokens: tokenize(context)?, at: 0, namespaces };
    let mut branches = vec![parser.branch()?];
    while parser.eat(&Token::Pipe) {
        branches.push(parser.branch()?);
    }
    if parser.at != parser.tokens.len() {
        return Err(format!("unexpected {:?}", parser.tokens[parser.at]));
    }
    Ok(Pattern { branches })
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, token: &Token) -> bool {
        if self.peek() == Some(token) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &Token) -> Result<(), Refused> {
        if self.eat(token) {
            Ok(())
        } else {
            Err(format!("expected {token:?}, found {:?}", self.peek()))
        }
    }

    fn branch(&mut self) -> Result<Branch, Refused> {
        let (rooted, mut sep) = match self.peek() {
            Some(Token::Slash) => {
                self.at += 1;
                if matches!(self.peek(), None | Some(Token::Pipe)) {
                    return Ok(Branch::Document);
                }
                (true, Sep::Child)
            }
            Some(Token::DoubleSlash) => {
                self.at += 1;
                (false, Sep::Descendant)
            }
            _ => (false, Sep::Descendant),
        };
        let mut steps = Vec::new();
        loop {
            let test = match self.peek() {
                Some(Token::Axis(axis)) if axis == "child" => {
                    self.at += 1;
                    self.name_test()?
                }
                Some(Token::Axis(axis)) => return Err(format!("axis {axis}:: in a pattern")),
                _ => self.name_test()?,
            };
            let predicates = self.predicates()?;
            steps.push(Step { sep, test, predicates });
            sep = match self.peek() {
                Some(Token::Slash) => Sep::Child,
                Some(Token::DoubleSlash) => Sep::Descendant,
                _ => break,
            };
            self.at += 1;
        }
        Ok(Branch::Steps { rooted, steps })
    }

    fn name_test(&mut self) -> Result<NameTest, Refused> {
        match self.peek().cloned() {
            Some(Token::Star) => {
                self.at += 1;
                Ok(NameTest::Any)
            }
            Some(Token::Name(name)) => {
                if matches!(self.tokens.get(self.at + 1), Some(Token::LParen)) {
                    return Err(format!("{name}() is outside the native subset"));
                }
                self.at += 1;
                self.resolve(&name, true)
            }
            other => Err(format!("expected a name test, found {other:?}")),
        }
    }

    /// `name` as a test; element names without prefix are in no namespace (XPath 2 with
    /// no default element namespace), as are attribute names.
    fn resolve(&self, name: &str, _element: bool) -> Result<NameTest, Refused> {
        if let Some(local) = name.strip_prefix("*:") {
            return Ok(NameTest::AnyNamespace { local: local.to_owned() });
        }
        match name.split_once(':') {
            None => Ok(NameTest::Name(QName::new(String::new(), name.to_owned()))),
            Some((prefix, local)) => {
                let ns = self.namespace(prefix)?;
                if local == "*" {
                    Ok(NameTest::AnyLocal { ns })
                } else {
                    Ok(NameTest::Name(QName::new(ns, local.to_owned())))
                }
            }
        }
    }

    fn namespace(&self, prefix: &str) -> Result<String, Refused> {
        match prefix {
            "xml" => Ok("http://www.w3.org/XML/1998/namespace".to_owned()),
            _ => self.namespaces.get(prefix).cloned().ok_or_else(|| format!("undeclared prefix {prefix}")),
        }
    }

    fn predicates(&mut self) -> Result<Vec<Pred>, Refused> {
        let mut predicates = Vec::new();
        while self.eat(&Token::LBracket) {
            let predicate = self.or()?;
            if let Pred::Const(_) = predicate {
                return Err("a number as a whole predicate is a position".into());
            }
            predicates.push(predicate);
            self.expect(&Token::RBracket)?;
        }
        Ok(predicates)
    }

    fn is_keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Name(n)) if n == word)
    }

    fn or(&mut self) -> Result<Pred, Refused> {
        let mut parts = vec![self.and()?];
        while self.is_keyword("or") {
            self.at += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Pred::Or(parts) })
    }

    fn and(&mut self) -> Result<Pred, Refused> {
        let mut parts = vec![self.comparison()?];
        while self.is_keyword("and") {
            self.at += 1;
            parts.push(self.comparison()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Pred::And(parts) })
    }

    fn comparison(&mut self) -> Result<Pred, Refused> {
        // not( … ) and ( … ) are boolean; anything else is an operand
        if self.is_keyword("not") && matches!(self.tokens.get(self.at + 1), Some(Token::LParen)) {
            self.at += 2;
            let inner = self.or()?;
            self.expect(&Token::RParen)?;
            return self.no_comparison_after(Pred::Not(Box::new(inner)));
        }
        if self.eat(&Token::LParen) {
            let inner = self.or()?;
            self.expect(&Token::RParen)?;
            return self.no_comparison_after(inner);
        }
        if let Some(Token::Number(n)) = self.peek().cloned() {
            self.at += 1;
            return self.no_comparison_after(Pred::Const(n != 0));
        }
        if self.is_keyword("count") && matches!(self.tokens.get(self.at + 1), Some(Token::LParen)) {
            self.at += 2;
            let path = self.path()?;
            // a path through `//` can reach a node twice (nested steps): not counted natively
            if path.steps.iter().any(|s| matches!(s, PathStep::Element { sep: Sep::Descendant, .. })) {
                return Err("count() of a path through //".into());
            }
            self.expect(&Token::RParen)?;
            let op = match self.peek() {
                Some(Token::Equal) => Cmp::Eq,
                Some(Token::NotEqual) => Cmp::Ne,
                Some(Token::Less(false)) => Cmp::Lt,
                Some(Token::Less(true)) => Cmp::Le,
                Some(Token::Greater(false)) => Cmp::Gt,
                Some(Token::Greater(true)) => Cmp::Ge,
                _ => return Err("count() not compared with a number".into()),
            };
            self.at += 1;
            let Some(Token::Number(n)) = self.peek().cloned() else {
                return Err("count() not compared with a whole number".into());
            };
            self.at += 1;
            return Ok(Pred::Count { path, op, n });
        }
        let left = self.operand()?;
        let equal = match self.peek() {
            Some(Token::Equal) => true,
            Some(Token::NotEqual) => false,
            _ => {
                return match left {
                    Operand::Paths(paths) => Ok(Pred::Exists(paths)),
                    Operand::Literal(_) => Err("a literal used as a boolean".into()),
                }
            }
        };
        self.at += 1;
        let right = self.operand()?;
        Ok(Pred::Compare { left, equal, right })
    }

    fn no_comparison_after(&self, pred: Pred) -> Result<Pred, Refused> {
        match self.peek() {
            Some(Token::Equal | Token::NotEqual | Token::Less(_) | Token::Greater(_)) => {
                Err("comparison of a boolean or a number".into())
            }
            _ => Ok(pred),
        }
    }

    fn operand(&mut self) -> Result<Operand, Refused> {
        if let Some(Token::Literal(value)) = self.peek().cloned() {
            self.at += 1;
            return Ok(Operand::Literal(value));
        }
        let mut paths = vec![self.path()?];
        while self.eat(&Token::Pipe) {
            paths.push(self.path()?);
        }
        Ok(Operand::Paths(paths))
    }

    fn path(&mut self) -> Result<Path, Refused> {
        let mut steps = Vec::new();
        let mut sep = Sep::Child;
        loop {
            match self.peek().cloned() {
                Some(Token::At) => {
                    self.at += 1;
                    match self.peek().cloned() {
                        Some(Token::Star) => {
                            self.at += 1;
                            steps.push(PathStep::AnyAttribute);
                        }
                        Some(Token::Name(name)) => {
                            self.at += 1;
                            let (ns, local) = match name.split_once(':') {
                                None => (String::new(), name),
                                Some((prefix, local)) if local != "*" => {
                                    (self.namespace(prefix)?, local.to_owned())
                                }
                                _ => return Err("attribute wildcard with a prefix".into()),
                            };
                            steps.push(PathStep::Attribute(QName::new(ns, local)));
                        }
                        other => return Err(format!("expected an attribute name, found {other:?}")),
                    }
                    if matches!(
                        self.peek(),
                        Some(Token::Slash) | Some(Token::DoubleSlash) | Some(Token::LBracket)
                    ) {
                        return Err("steps or predicates after an attribute".into());
                    }
                    break;
                }
                Some(Token::Dot) => {
                    self.at += 1;
                    steps.push(PathStep::SelfNode { test: NameTest::Any, predicates: Vec::new() });
                }
                Some(Token::Axis(axis)) if axis == "self" => {
                    self.at += 1;
                    let test = self.name_test()?;
                    let predicates = self.predicates()?;
                    steps.push(PathStep::SelfNode { test, predicates });
                }
                Some(Token::Axis(axis)) if axis == "child" => {
                    self.at += 1;
                    let test = self.name_test()?;
                    let predicates = self.predicates()?;
                    steps.push(PathStep::Element { sep, test, predicates });
                }
                Some(Token::Axis(axis)) if axis == "attribute" => {
                    // attribute::name is @name
                    self.tokens[self.at] = Token::At;
                    continue;
                }
                Some(Token::Axis(axis)) => return Err(format!("axis {axis}::")),
                Some(Token::Star) | Some(Token::Name(_)) => {
                    if let Some(Token::Name(n)) = self.peek() {
                        if n == "and" || n == "or" {
                            return Err("operator where a step was expected".into());
                        }
                    }
                    let test = self.name_test()?;
                    let predicates = self.predicates()?;
                    steps.push(PathStep::Element { sep, test, predicates });
                }
                other => return Err(format!("expected a step, found {other:?}")),
            }
            sep = match self.peek() {
                Some(Token::Slash) => Sep::Child,
                Some(Token::DoubleSlash) => Sep::Descendant,
                _ => break,
            };
            self.at += 1;
        }
        // a numeric-looking predicate never parses (numbers are refused), so every
        // predicate kept here is boolean and position-free
        Ok(Path { steps })
    }
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
        .map(|(p, u)| (p.to_owned(), u.to_owned()))
        .collect()
    }

    #[test]
    fn kit_contexts_parse() {
        for context in [
            "//hl7:ClinicalDocument[hl7:typeId[@root = '2.16.840.1.113883.1.3'][@extension = 'POCD_HD000040']]/hl7:recordTarget[not(@nullFlavor)]",
            "*[cda:templateId/@root='1.3.6.1.4.1.19376.1.5.3.1.4.5.3']",
            "*[cda:templateId/@root=\"1.3.6.1.4.1.19376.1.5.3.1.4.7\" and not(cda:templateId/@root=\"1.2.250.1.213.1.1.3.83\")]/cda:routeCode",
            "//hl7:x/*[not(@xsi:nil = 'true')][not(self::hl7:realmCode[@code = 'FR'] | self::hl7:typeId)]",
            "/",
            "cda:procedure[./cda:templateId/@root='1.3.6.1.4.1.19376.1.3.1.2']",
            "cda:ClinicalDocument/cda:component/cda:structuredBody",
            "//hl7:substanceAdministration//hl7:doseQuantity/hl7:low",
        ] {
            assert!(parse(context, &ns()).is_ok(), "{context}: {:?}", parse(context, &ns()));
        }
    }

    #[test]
    fn counts_and_number_flags() {
        let test = |t: &str| parse(&format!("*[{t}]"), &ns());
        assert!(test("count(cda:id)=1").is_ok());
        assert!(test("count(cda:entry/cda:act[@classCode='ACT']) >= 2 or not(cda:entry)").is_ok());
        assert!(test("(1 and (@nullFlavor='UNK' or @code))").is_ok());
        assert!(test("0 or @code").is_ok());
        // a number as a whole predicate is a position, not a boolean
        assert!(test("1").is_err());
        assert!(parse("cda:entry[1]", &ns()).is_err());
        assert!(parse("cda:entry[(2)]", &ns()).is_err());
        // counts through // could count a node twice; decimals and counts compared to paths
        assert!(test("count(cda:a//cda:b)=1").is_err());
        assert!(test("count(cda:id)=1.5").is_err());
        assert!(test("count(cda:id)=count(cda:code)").is_err());
        assert!(test("@value > 0").is_err());
    }

    #[test]
    fn outside_the_subset() {
        for context in [
            "$elt",
            "cda:entry[1]",
            "x[count(y) > last()]",
            "x[contains(@a, 'b')]",
            "x/@code",
            "x[../y]",
            "x/text()",
        ] {
            assert!(parse(context, &ns()).is_err(), "{context} should be refused");
        }
    }

    #[test]
    fn shape() {
        let pattern =
            parse("/a:x//y[@k = 'v' or not(z)]", &[("a".to_owned(), "urn:a".to_owned())].into()).unwrap();
        let Branch::Steps { rooted, steps } = &pattern.branches[0] else { panic!() };
        assert!(rooted);
        assert_eq!(steps[1].sep, Sep::Descendant);
        assert!(matches!(steps[1].predicates[0], Pred::Or(_)));
    }
}
