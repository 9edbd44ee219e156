//! A native XPath 2.0 evaluator for the expressions the ANS kit's rules test with.
//!
//! xee compiles any XPath 3.1 expression, but its parser (built on chumsky) backtracks: the
//! kit's long asserts cost it tens, some hundreds, of milliseconds each, which dominated
//! checking one document. Most of the kit's tests are plain XPath 2.0 — paths over the
//! axes, predicates, comparisons, `if`, `some`/`every`, the string and node functions —
//! and this module parses them with a hand-written recursive-descent parser (a
//! microsecond each) and evaluates them on xee's own tree.
//!
//! Exactness comes first: anything this evaluator does not know is refused when parsing
//! ([`parse`] says why), and anything that would raise a dynamic error or needs a type it
//! does not model (dates, QNames, casts) stops the evaluation with [`Unsupported`]; the
//! runner then asks xee, so a result computed here is always the one XPath defines.
//! `tests/xpath_native.rs` compares both engines on every test of the kit over the corpus.
//!
//! - `lex.rs`: tokens; `parse.rs`: the grammar, into [`Expr`].
//! - `value.rs`: the data model (nodes, untyped and typed atomics) and the operations on
//!   values (effective boolean value, comparisons, arithmetic).
//! - `eval.rs`: evaluation of expressions over the tree.
//! - `functions.rs`: the function library.

mod eval;
mod functions;
mod lex;
mod parse;
mod value;

pub(crate) use eval::{eval_boolean, eval_nodes, eval_value, Doc, Env};
pub(crate) use parse::parse;
pub(crate) use value::{from_xee, Seq};

use std::rc::Rc;

use xot::NameId;

/// A parsed expression.
#[derive(Debug, Clone)]
pub(crate) enum Expr {
    /// A string literal (`xs:string`).
    Str(Rc<str>),
    /// A numeric literal.
    Num(Number),
    /// `.`: the context item.
    Context,
    /// `$name`.
    Var(Rc<str>),
    /// `(a, b, ...)`; `()` is the empty sequence.
    Sequence(Vec<Expr>),
    /// A path: where it starts, then its steps.
    Path {
        start: Start,
        steps: Vec<Step>,
    },
    /// `primary[pred]...`.
    Filter {
        base: Box<Expr>,
        predicates: Vec<Expr>,
    },
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    /// `=`, `!=`, `<`... over sequences (existential).
    General(Cmp, Box<Expr>, Box<Expr>),
    /// `eq`, `ne`, `lt`... between single values.
    Value(Cmp, Box<Expr>, Box<Expr>),
    Arith(Arith, Box<Expr>, Box<Expr>),
    Negate(Box<Expr>),
    /// `a to b`.
    Range(Box<Expr>, Box<Expr>),
    Union(Box<Expr>, Box<Expr>),
    Intersect(Box<Expr>, Box<Expr>),
    Except(Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `some`/`every $v in E, ... satisfies P`.
    Quantified {
        every: bool,
        bindings: Vec<(Rc<str>, Expr)>,
        test: Box<Expr>,
    },
    /// `for $v in E, ... return R`.
    For {
        bindings: Vec<(Rc<str>, Expr)>,
        body: Box<Expr>,
    },
    Call(functions::Function, Vec<Expr>),
}

/// Where a path starts.
#[derive(Debug, Clone)]
pub(crate) enum Start {
    /// A relative path: the context item.
    Context,
    /// `/...`: the root of the context node's tree.
    Root,
    /// `expr/...`: the nodes an expression selects.
    Expr(Box<Expr>),
}

#[derive(Debug, Clone)]
pub(crate) enum Step {
    Axis {
        axis: Axis,
        test: NodeTest,
        predicates: Vec<Expr>,
    },
    /// Any other expression as a step (`a/(b|c)`, `a/string()`), for each node.
    Expr {
        expr: Expr,
        predicates: Vec<Expr>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Axis {
    Child,
    Descendant,
    DescendantOrSelf,
    Attribute,
    /// `self::`.
    Itself,
    Parent,
    Ancestor,
    AncestorOrSelf,
    FollowingSibling,
    PrecedingSibling,
    Following,
    Preceding,
}

impl Axis {
    /// A reverse axis: positions in its predicates count backwards from the context.
    pub fn is_reverse(self) -> bool {
        matches!(
            self,
            Axis::Parent | Axis::Ancestor | Axis::AncestorOrSelf | Axis::PrecedingSibling | Axis::Preceding
        )
    }
}

/// A node test, with names resolved to namespace URIs; the tree's name ids are looked up
/// once per document.
#[derive(Debug, Clone)]
pub(crate) enum NodeTest {
    /// `node()`.
    AnyNode,
    /// `text()`.
    Text,
    /// `comment()`.
    Comment,
    /// `*` (or `element()`/`attribute()`): any node of the axis's principal kind.
    AnyName,
    /// `prefix:*`.
    Namespace(Rc<str>),
    /// `*:local`.
    Local(Rc<str>),
    /// `prefix:local` or `local`.
    Name(Name),
}

/// An expanded name.
#[derive(Debug, Clone)]
pub(crate) struct Name {
    pub ns: Rc<str>,
    pub local: Rc<str>,
}

impl Name {
    /// This name in a tree's name table (`None`: no node of the tree has it).
    pub fn id(&self, xot: &xot::Xot) -> Option<NameId> {
        let ns = if self.ns.is_empty() { xot.no_namespace() } else { xot.namespace(&self.ns)? };
        xot.name_ns(&self.local, ns)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    IDiv,
    Mod,
}

/// A number with its XPath type (the type decides arithmetic results and how the number
/// is written as a string).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Number {
    Integer(i64),
    Decimal(f64),
    Double(f64),
}

impl Number {
    pub fn value(self) -> f64 {
        match self {
            Number::Integer(i) => i as f64,
            Number::Decimal(d) | Number::Double(d) => d,
        }
    }
}

#[cfg(test)]
mod tests;
