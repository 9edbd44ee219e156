//! The XPath 2.0 grammar (recursive descent over `lex.rs`'s tokens, one of look-ahead beyond
//! the current one), into [`Expr`]. What the evaluator does not implement is refused here
//! with the reason: `instance of`, `cast`, `treat`, node comparisons (`is`, `<<`, `>>`),
//! unknown functions, and any syntax error.

use std::collections::HashMap;
use std::rc::Rc;

use super::functions::Function;
use super::lex::{tokenize, Tok};
use super::{Arith, Axis, Cmp, Expr, Name, NodeTest, Number, Start, Step};

/// Why an expression is not evaluated natively.
pub(crate) type Refused = String;

/// Deepest nesting of parentheses, predicates and operators.
const MAX_DEPTH: usize = 200;

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
