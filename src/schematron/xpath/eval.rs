//! Evaluation: paths over the axes (document order, positions, reverse axes), predicates,
//! operators, `if`, quantifiers and `for`, with the per-document tables it reads ([`Doc`])
//! and explicit limits on depth and sequence length. Values and their operations are in
//! `value.rs`.

use rustc_hash::{FxHashMap as HashMap, FxHashSet};
use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use xot::{NameId, Node, Xot};

use super::functions;
use super::value::{
    arithmetic, atom_string, ebv, general_pair, integer, is_atomic, numeric, value_pair, Item, Seq,
    Unsupported, R,
};
use super::{Axis, Expr, Name, NodeTest, Number, Start, Step};

/// Longest sequence built (`1 to 1e9` stops here).
const MAX_ITEMS: usize = 1 << 20;
/// Deepest evaluation (nested predicates and quantifiers).
const MAX_DEPTH: usize = 256;

/// What an evaluation reads besides its expression: the tree, the values of the variables
/// defined outside it (the schema's and the rule's lets) and the value sets.
pub(crate) struct Env<'a> {
    pub xot: &'a Xot,
    pub doc: &'a Doc,
    pub vars: &'a dyn Fn(&str) -> Option<Rc<Seq>>,
    /// `doc(reference)`: the document node of a value set already in the tree (`None`: not
    /// loaded, and xee answers instead).
    pub docs: &'a dyn Fn(&str) -> Option<Node>,
}

/// Per-document tables, built when first needed.
pub(crate) struct Doc {
    root: Node,
    /// Document order of every node (attributes after their element).
    order: OnceCell<HashMap<Node, u32>>,
    /// Elements by name, in document order (`//name` from the root): the rule matcher's
    /// index (`matcher::Index::elements_by_name`).
    by_name: Rc<HashMap<NameId, Vec<Node>>>,
    /// Name tests resolved in this tree (keyed by the name's text, shared by the AST).
    names: RefCell<HashMap<(*const u8, *const u8), Option<NameId>>>,
}

impl Doc {
    pub fn new(root: Node, by_name: Rc<HashMap<NameId, Vec<Node>>>) -> Self {
        Self { root, order: OnceCell::new(), by_name, names: RefCell::new(HashMap::default()) }
    }

    fn order(&self, xot: &Xot) -> &HashMap<Node, u32> {
        self.order
            .get_or_init(|| xot.all_descendants(self.root).enumerate().map(|(i, n)| (n, i as u32)).collect())
    }

    fn name_id(&self, xot: &Xot, name: &Name) -> Option<NameId> {
        let key = (name.ns.as_ptr(), name.local.as_ptr());
        *self.names.borrow_mut().entry(key).or_insert_with(|| name.id(xot))
    }
}

/// The effective boolean value of `expr` with `node` as the context item.
pub(crate) fn eval_boolean(env: &Env<'_>, expr: &Expr, node: Node) -> R<bool> {
    let mut ev = Evaluator { env, locals: Vec::new(), current: node, depth: 0 };
    let value = ev.eval(expr, &Focus::one(Item::Node(node)))?;
    ebv(&value)
}

/// The value of `expr` with `node` as the context item.
pub(crate) fn eval_value(env: &Env<'_>, expr: &Expr, node: Node) -> R<Seq> {
    let mut ev = Evaluator { env, locals: Vec::new(), current: node, depth: 0 };
    ev.eval(expr, &Focus::one(Item::Node(node)))
}

/// The nodes `expr` selects with `node` as the context item, in document order.
pub(crate) fn eval_nodes(env: &Env<'_>, expr: &Expr, node: Node) -> R<Vec<Node>> {
    let mut ev = Evaluator { env, locals: Vec::new(), current: node, depth: 0 };
    let value = ev.eval(expr, &Focus::one(Item::Node(node)))?;
    value
        .into_iter()
        .map(|item| match item {
            Item::Node(n) => Ok(n),
            _ => Err(Unsupported("a selection with atomic values")),
        })
        .collect()
}

/// The context item with its position and the size of its sequence.
pub(super) struct Focus {
    pub item: Item,
    pub position: usize,
    pub size: usize,
}

impl Focus {
    fn one(item: Item) -> Self {
        Self { item, position: 1, size: 1 }
    }
}

pub(super) struct Evaluator<'e, 'a> {
    pub env: &'e Env<'a>,
    locals: Vec<(Rc<str>, Rc<Seq>)>,
    /// `current()`: the node the rule fired on.
    pub current: Node,
    depth: usize,
}

impl<'e, 'a> Evaluator<'e, 'a> {
    pub fn xot(&self) -> &'a Xot {
        self.env.xot
    }

    pub fn eval(&mut self, expr: &Expr, focus: &Focus) -> R<Seq> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Unsupported("evaluation nested too deep"));
        }
        let result = self.eval_inner(expr, focus);
        self.depth -= 1;
        let value = result?;
        if value.len() > MAX_ITEMS {
            return Err(Unsupported("sequence too long"));
        }
        Ok(value)
    }

    fn eval_inner(&mut self, expr: &Expr, focus: &Focus) -> R<Seq> {
        Ok(match expr {
            Expr::Str(s) => vec![Item::Str(s.clone())],
            Expr::Num(n) => vec![Item::Num(*n)],
            Expr::Context => vec![focus.item.clone()],
            Expr::Var(name) => self.variable(name)?.as_ref().clone(),
            Expr::Sequence(items) => {
                let mut out = Vec::new();
                for item in items {
                    out.extend(self.eval(item, focus)?);
                }
                out
            }
            Expr::Path { start, steps } => self.path(start, steps, focus)?,
            Expr::Filter { base, predicates } => {
                let mut value = self.eval(base, focus)?;
                for predicate in predicates {
                    value = self.filter(value, predicate, false)?;
                }
                value
            }
            Expr::Or(a, b) => {
                let truth = self.boolean(a, focus)? || self.boolean(b, focus)?;
                vec![Item::Bool(truth)]
            }
            Expr::And(a, b) => {
                let truth = self.boolean(a, focus)? && self.boolean(b, focus)?;
                vec![Item::Bool(truth)]
            }
            Expr::General(op, a, b) => {
                let left = self.atomized(a, focus)?;
                let right = self.atomized(b, focus)?;
                let mut truth = false;
                'pairs: for x in &left {
                    for y in &right {
                        if general_pair(*op, x, y)? {
                            truth = true;
                            break 'pairs;
                        }
                    }
                }
                vec![Item::Bool(truth)]
            }
            Expr::Value(op, a, b) => {
                let (Some(x), Some(y)) = (self.single_atom(a, focus)?, self.single_atom(b, focus)?) else {
                    return Ok(Vec::new());
                };
                vec![Item::Bool(value_pair(*op, &x, &y)?)]
            }
            Expr::Arith(op, a, b) => {
                let (Some(x), Some(y)) = (self.single_atom(a, focus)?, self.single_atom(b, focus)?) else {
                    return Ok(Vec::new());
                };
                vec![Item::Num(arithmetic(*op, numeric(&x)?, numeric(&y)?)?)]
            }
            Expr::Negate(a) => match self.single_atom(a, focus)? {
                None => Vec::new(),
                Some(x) => vec![Item::Num(match numeric(&x)? {
                    Number::Integer(i) => {
                        Number::Integer(i.checked_neg().ok_or(Unsupported("integer overflow"))?)
                    }
                    Number::Decimal(d) => Number::Decimal(-d),
                    Number::Double(d) => Number::Double(-d),
                })],
            },
            Expr::Range(a, b) => {
                let (Some(x), Some(y)) = (self.single_atom(a, focus)?, self.single_atom(b, focus)?) else {
                    return Ok(Vec::new());
                };
                let (Number::Integer(from), Number::Integer(to)) = (integer(&x)?, integer(&y)?) else {
                    return Err(Unsupported("a range of non-integers"));
                };
                if to.saturating_sub(from) > MAX_ITEMS as i64 {
                    return Err(Unsupported("range too long"));
                }
                (from..=to).map(|i| Item::Num(Number::Integer(i))).collect()
            }
            Expr::Union(a, b) => {
                let mut nodes = self.nodes(a, focus)?;
                nodes.extend(self.nodes(b, focus)?);
                self.sort_nodes(&mut nodes);
                nodes.into_iter().map(Item::Node).collect()
            }
            Expr::Intersect(a, b) | Expr::Except(a, b) => {
                let left = self.nodes(a, focus)?;
                let right: FxHashSet<Node> = self.nodes(b, focus)?.into_iter().collect();
                let keep = matches!(expr, Expr::Intersect(..));
                let mut nodes: Vec<Node> = left.into_iter().filter(|n| right.contains(n) == keep).collect();
                self.sort_nodes(&mut nodes);
                nodes.into_iter().map(Item::Node).collect()
            }
            Expr::If(condition, then, otherwise) => {
                if self.boolean(condition, focus)? {
                    self.eval(then, focus)?
                } else {
                    self.eval(otherwise, focus)?
                }
            }
            Expr::Quantified { every, bindings, test } => {
                vec![Item::Bool(self.quantified(*every, bindings, test, focus)?)]
            }
            Expr::For { bindings, body } => {
                let mut out = Vec::new();
                self.for_each(bindings, focus, &mut |ev| {
                    out.extend(ev.eval(body, focus)?);
                    if out.len() > MAX_ITEMS {
                        return Err(Unsupported("sequence too long"));
                    }
                    Ok(true)
                })?;
                out
            }
            Expr::Call(function, args) => functions::call(self, *function, args, focus)?,
        })
    }

    fn variable(&self, name: &str) -> R<Rc<Seq>> {
        if let Some((_, value)) = self.locals.iter().rev().find(|(n, _)| &**n == name) {
            return Ok(value.clone());
        }
        (self.env.vars)(name).ok_or(Unsupported("a variable without a native value"))
    }

    pub fn boolean(&mut self, expr: &Expr, focus: &Focus) -> R<bool> {
        let value = self.eval(expr, focus)?;
        ebv(&value)
    }

    /// The atomized value of `expr`.
    pub fn atomized(&mut self, expr: &Expr, focus: &Focus) -> R<Seq> {
        let value = self.eval(expr, focus)?;
        Ok(self.atomize(value))
    }

    pub fn atomize(&self, value: Seq) -> Seq {
        value
            .into_iter()
            .map(|item| match item {
                Item::Node(node) => Item::Untyped(Rc::from(self.xot().string_value(node))),
                other => other,
            })
            .collect()
    }

    /// The atomized value of `expr`, at most one item.
    pub fn single_atom(&mut self, expr: &Expr, focus: &Focus) -> R<Option<Item>> {
        let mut value = self.atomized(expr, focus)?;
        match value.len() {
            0 => Ok(None),
            1 => Ok(value.pop()),
            _ => Err(Unsupported("a sequence of more than one item where one was expected (XPTY0004)")),
        }
    }

    /// The string value of an item.
    pub fn string_of(&self, item: &Item) -> R<Rc<str>> {
        match item {
            Item::Node(node) => Ok(Rc::from(self.xot().string_value(*node))),
            other => atom_string(other),
        }
    }

    fn nodes(&mut self, expr: &Expr, focus: &Focus) -> R<Vec<Node>> {
        self.eval(expr, focus)?
            .into_iter()
            .map(|item| match item {
                Item::Node(n) => Ok(n),
                _ => Err(Unsupported("a node set operator on atomic values (XPTY0004)")),
            })
            .collect()
    }

    /// Sorts in document order and removes duplicates.
    pub fn sort_nodes(&self, nodes: &mut Vec<Node>) {
        if nodes.len() < 2 {
            return;
        }
        let order = self.env.doc.order(self.xot());
        // nodes of other trees (value sets) sort after the document's, stably
        nodes.sort_by_key(|n| order.get(n).copied().unwrap_or(u32::MAX));
        nodes.dedup();
    }

    fn quantified(
        &mut self,
        every: bool,
        bindings: &[(Rc<str>, Expr)],
        test: &Expr,
        focus: &Focus,
    ) -> R<bool> {
        let mut found = false;
        self.for_each(bindings, focus, &mut |ev| {
            let truth = ev.boolean(test, focus)?;
            if truth != every {
                found = true;
                return Ok(false); // stop
            }
            Ok(true)
        })?;
        Ok(if every { !found } else { found })
    }

    /// Calls `body` for each combination of the bindings' items (bound as locals) until it
    /// returns `false`.
    fn for_each(
        &mut self,
        bindings: &[(Rc<str>, Expr)],
        focus: &Focus,
        body: &mut dyn FnMut(&mut Self) -> R<bool>,
    ) -> R<bool> {
        let Some(((name, domain), rest)) = bindings.split_first() else { return body(self) };
        let values = self.eval(domain, focus)?;
        for value in values {
            self.locals.push((name.clone(), Rc::new(vec![value])));
            let go_on = self.for_each(rest, focus, body);
            self.locals.pop();
            if !go_on? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Keeps the items of `value` for which `predicate` holds (a number: the position);
    /// `reverse` numbers positions from the end (reverse axes).
    fn filter(&mut self, value: Seq, predicate: &Expr, reverse: bool) -> R<Seq> {
        // a literal position needs no evaluation per item
        if let Expr::Num(Number::Integer(p)) = predicate {
            let size = value.len();
            let Ok(p) = usize::try_from(*p) else { return Ok(Vec::new()) };
            if p == 0 || p > size {
                return Ok(Vec::new());
            }
            let index = if reverse { size - p } else { p - 1 };
            return Ok(vec![value[index].clone()]);
        }
        let size = value.len();
        let mut out = Vec::new();
        for (i, item) in value.into_iter().enumerate() {
            let position = if reverse { size - i } else { i + 1 };
            let focus = Focus { item: item.clone(), position, size };
            let result = self.eval(predicate, &focus)?;
            let keep = match result.as_slice() {
                [Item::Num(n)] => n.value() == position as f64,
                other => ebv(other)?,
            };
            if keep {
                out.push(item);
            }
        }
        Ok(out)
    }

    fn root_of(&self, node: Node) -> R<Node> {
        let xot = self.xot();
        let mut at = node;
        while let Some(parent) = xot.parent(at) {
            at = parent;
        }
        if xot.is_document(at) {
            Ok(at)
        } else {
            Err(Unsupported("a tree without a document node (XPDY0050)"))
        }
    }

    fn path(&mut self, start: &Start, steps: &[Step], focus: &Focus) -> R<Seq> {
        let mut nodes: Vec<Node> = match start {
            Start::Context => match &focus.item {
                Item::Node(n) => vec![*n],
                _ => return Err(Unsupported("a path from an atomic value (XPTY0020)")),
            },
            Start::Root => match &focus.item {
                Item::Node(n) => vec![self.root_of(*n)?],
                _ => return Err(Unsupported("'/' from an atomic value (XPDY0050)")),
            },
            Start::Expr(expr) => {
                let value = self.eval(expr, focus)?;
                if steps.is_empty() {
                    return Ok(value);
                }
                let mut nodes = Vec::with_capacity(value.len());
                for item in value {
                    match item {
                        Item::Node(n) => nodes.push(n),
                        _ => return Err(Unsupported("a path step from an atomic value (XPTY0019)")),
                    }
                }
                self.sort_nodes(&mut nodes);
                nodes
            }
        };
        for (i, step) in steps.iter().enumerate() {
            let last = i + 1 == steps.len();
            match step {
                Step::Axis { axis, test, predicates } => {
                    let mut out = Vec::new();
                    for &node in &nodes {
                        let mut selected = self.axis(node, *axis, test)?;
                        for predicate in predicates {
                            let items = selected.into_iter().map(Item::Node).collect();
                            selected = self
                                .filter(items, predicate, axis.is_reverse())?
                                .into_iter()
                                .filter_map(|item| match item {
                                    Item::Node(n) => Some(n),
                                    _ => None,
                                })
                                .collect();
                        }
                        out.extend(selected);
                    }
                    if nodes.len() > 1 || axis.is_reverse() {
                        self.sort_nodes(&mut out);
                    }
                    nodes = out;
                }
                Step::Expr { expr, predicates } => {
                    let size = nodes.len();
                    let mut out: Seq = Vec::new();
                    for (k, &node) in nodes.iter().enumerate() {
                        let focus = Focus { item: Item::Node(node), position: k + 1, size };
                        let mut value = self.eval(expr, &focus)?;
                        for predicate in predicates {
                            value = self.filter(value, predicate, false)?;
                        }
                        out.extend(value);
                    }
                    let all_nodes = out.iter().all(|i| matches!(i, Item::Node(_)));
                    if all_nodes {
                        let mut n: Vec<Node> = out
                            .into_iter()
                            .filter_map(|i| match i {
                                Item::Node(n) => Some(n),
                                _ => None,
                            })
                            .collect();
                        self.sort_nodes(&mut n);
                        nodes = n;
                    } else if out.iter().all(is_atomic) && last {
                        return Ok(out);
                    } else {
                        return Err(Unsupported("a path mixing nodes and atomic values (XPTY0018)"));
                    }
                }
            }
        }
        Ok(nodes.into_iter().map(Item::Node).collect())
    }

    /// The nodes on `axis` from `node` that pass `test`, in document order.
    fn axis(&self, node: Node, axis: Axis, test: &NodeTest) -> R<Vec<Node>> {
        let xot = self.xot();
        let doc = self.env.doc;
        // `//name` from the document node: the index
        if axis == Axis::Descendant && node == doc.root {
            if let NodeTest::Name(name) = test {
                return Ok(match doc.name_id(xot, name) {
                    Some(id) => doc.by_name.get(&id).cloned().unwrap_or_default(),
                    None => Vec::new(),
                });
            }
        }
        if xot.is_attribute_node(node) && matches!(axis, Axis::Following | Axis::Preceding) {
            return Err(Unsupported("following/preceding from an attribute"));
        }
        let kind = |n: Node| -> bool {
            match test {
                NodeTest::AnyNode => true,
                NodeTest::Text => xot.is_text(n),
                NodeTest::Comment => xot.is_comment(n),
                _ => {
                    let name = if axis == Axis::Attribute {
                        xot.attribute_node(n).map(|a| a.name())
                    } else {
                        xot.element(n).map(|e| e.name())
                    };
                    let Some(name) = name else { return false };
                    match test {
                        NodeTest::AnyName => true,
                        NodeTest::Name(wanted) => doc.name_id(xot, wanted) == Some(name),
                        NodeTest::Namespace(ns) => xot.namespace_str(xot.namespace_for_name(name)) == &**ns,
                        NodeTest::Local(local) => xot.local_name_str(name) == &**local,
                        NodeTest::AnyNode | NodeTest::Text | NodeTest::Comment => unreachable!(),
                    }
                }
            }
        };
        // a name absent from the tree matches nothing
        if let NodeTest::Name(wanted) = test {
            if doc.name_id(xot, wanted).is_none() {
                return Ok(Vec::new());
            }
        }
        let xaxis = match axis {
            Axis::Child => xot::Axis::Child,
            Axis::Descendant => xot::Axis::Descendant,
            Axis::DescendantOrSelf => xot::Axis::DescendantOrSelf,
            Axis::Attribute => xot::Axis::Attribute,
            Axis::Itself => xot::Axis::Self_,
            Axis::Parent => xot::Axis::Parent,
            Axis::Ancestor => xot::Axis::Ancestor,
            Axis::AncestorOrSelf => xot::Axis::AncestorOrSelf,
            Axis::FollowingSibling => xot::Axis::FollowingSibling,
            Axis::PrecedingSibling => xot::Axis::PrecedingSibling,
            Axis::Following => xot::Axis::Following,
            Axis::Preceding => xot::Axis::Preceding,
        };
        let mut out: Vec<Node> = xot
            .axis(xaxis, node)
            .filter(|&n| {
                // namespace nodes are never on these axes; attributes only on `attribute`
                if xot.is_namespace_node(n) {
                    return false;
                }
                if axis != Axis::Attribute && axis != Axis::Itself && xot.is_attribute_node(n) {
                    return false;
                }
                // the self axis of an attribute with a name test tests the attribute's name
                if axis == Axis::Itself && xot.is_attribute_node(n) {
                    return match test {
                        NodeTest::AnyNode => true,
                        NodeTest::Name(wanted) => {
                            doc.name_id(xot, wanted) == xot.attribute_node(n).map(|a| a.name())
                        }
                        _ => false,
                    };
                }
                kind(n)
            })
            .collect();
        if axis.is_reverse() {
            // xot walks reverse axes nearest first; keep document order here
            out.reverse();
        }
        Ok(out)
    }
}
