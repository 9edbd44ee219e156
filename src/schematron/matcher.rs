//! Evaluating native patterns (`pattern.rs`) on the checked document, in xee's own tree.
//!
//! Candidates come from indexes built once per document: elements by name, and parents of
//! elements by a child's attribute value (`*[cda:templateId/@root='…']` only looks at the
//! parents of matching `templateId`s). Each candidate is then checked from the last step
//! back to the first, as an XSLT processor matches a pattern. Names are resolved once per
//! document to the tree's name ids, so tests compare integers.

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::rc::Rc;

use xot::{NameId, Node, Xot};

use super::pattern::{Branch, NameTest, Operand, Path, PathStep, Pattern, Pred, QName, Sep, Step};

/// Attribute value → parents of the children that carry it.
type ParentsByValue = HashMap<String, Vec<Node>>;

/// Per-document indexes for matching.
pub(crate) struct Index {
    root: Node,
    /// Every element, in document order.
    elements: Vec<Node>,
    /// Document order of every element and of the document node (0).
    pub order: HashMap<Node, u32>,
    /// Elements by name, in document order (shared with the XPath evaluator's tables).
    by_name: Rc<HashMap<NameId, Vec<Node>>>,
    /// (child name, attribute name) → attribute value → parents of such children.
    by_child_attribute: RefCell<HashMap<(NameId, NameId), ParentsByValue>>,
    /// Pattern name ids ([`QName::id`], dense) → this tree's name id, once resolved
    /// (`Some(None)`: no such name here).
    names: RefCell<Vec<Option<Option<NameId>>>>,
}

impl Index {
    pub fn new(xot: &Xot, root: Node) -> Self {
        let mut elements = Vec::new();
        let mut by_name: HashMap<NameId, Vec<Node>> = HashMap::default();
        let mut order: HashMap<Node, u32> = HashMap::default();
        order.insert(root, 0);
        for node in xot.descendants(root) {
            if let Some(element) = xot.element(node) {
                elements.push(node);
                order.insert(node, elements.len() as u32);
                by_name.entry(element.name()).or_default().push(node);
            }
        }
        Self {
            root,
            elements,
            order,
            by_name: Rc::new(by_name),
            by_child_attribute: RefCell::new(HashMap::default()),
            names: RefCell::new(Vec::new()),
        }
    }

    /// Elements by name, in document order.
    pub fn elements_by_name(&self) -> Rc<HashMap<NameId, Vec<Node>>> {
        self.by_name.clone()
    }

    fn name(&self, xot: &Xot, name: &QName) -> Option<NameId> {
        let slot = name.id as usize;
        if let Some(Some(resolved)) = self.names.borrow().get(slot) {
            return *resolved;
        }
        let ns = if name.ns.is_empty() { Some(xot.no_namespace()) } else { xot.namespace(&name.ns) };
        let resolved = ns.and_then(|ns| xot.name_ns(&name.local, ns));
        let mut names = self.names.borrow_mut();
        if names.len() <= slot {
            names.resize(slot + 1, None);
        }
        names[slot] = Some(resolved);
        resolved
    }

    fn parents_by_child_attribute(
        &self,
        xot: &Xot,
        child: NameId,
        attribute: NameId,
        value: &str,
    ) -> Vec<Node> {
        let mut tables = self.by_child_attribute.borrow_mut();
        let table = tables.entry((child, attribute)).or_insert_with(|| {
            let mut table = ParentsByValue::default();
            for &node in self.by_name.get(&child).map(Vec::as_slice).unwrap_or(&[]) {
                if let (Some(v), Some(parent)) = (xot.attributes(node).get(attribute), xot.parent(node)) {
                    table.entry(v.clone()).or_default().push(parent);
                }
            }
            // a parent's children with the value may have other parents' between them
            // (`P/templateId`, `P/entry/…/templateId`, `P/templateId`): document order, once each
            for parents in table.values_mut() {
                parents.sort_by_key(|n| self.order.get(n).copied().unwrap_or(u32::MAX));
                parents.dedup();
            }
            table
        });
        table.get(value).cloned().unwrap_or_default()
    }
}

/// The nodes `pattern` matches, in document order per branch (branches concatenated).
pub(crate) fn select(xot: &Xot, index: &Index, pattern: &Pattern) -> Vec<Node> {
    let m = Matcher { xot, index };
    let mut out = Vec::new();
    for branch in &pattern.branches {
        match branch {
            Branch::Document => out.push(index.root),
            Branch::Steps { rooted, steps } => out.extend(m.select_steps(*rooted, steps)),
        }
    }
    out
}

struct Matcher<'a> {
    xot: &'a Xot,
    index: &'a Index,
}

impl Matcher<'_> {
    /// The nodes `steps` match, in document order.
    fn select_steps(&self, rooted: bool, steps: &[Step]) -> Vec<Node> {
        let Some((last, prefix)) = steps.split_last() else { return Vec::new() };
        let whole = |node: &Node| self.matches_from(rooted, steps, prefix.len(), *node);
        if let Some(narrowed) = self.narrowed(last) {
            return narrowed.into_iter().filter(whole).collect();
        }
        if let NameTest::Name(name) = &last.test {
            let candidates = match self.index.name(self.xot, name) {
                Some(id) => self.index.by_name.get(&id).map(Vec::as_slice).unwrap_or(&[]),
                None => &[],
            };
            return candidates.iter().copied().filter(|n| whole(n)).collect();
        }
        // A wildcard child step (the kit's "no other element here" rules: `…/addr/*[not(self::city
        // | …)]`) would test every element of the document: its candidates are the children of
        // what the steps before it match.
        if !prefix.is_empty() && matches!(last.sep, Sep::Child) {
            let parents = self.select_steps(rooted, prefix);
            let mut out: Vec<Node> = parents
                .iter()
                .flat_map(|&parent| self.xot.children(parent))
                .filter(|&child| self.step_matches(child, last))
                .collect();
            if parents.len() > 1 {
                out.sort_by_key(|n| self.index.order.get(n).copied().unwrap_or(u32::MAX));
                out.dedup();
            }
            return out;
        }
        self.index.elements.iter().copied().filter(|n| whole(n)).collect()
    }

    /// Whether `node` passes `step`'s own test and predicates.
    fn step_matches(&self, node: Node, step: &Step) -> bool {
        self.test_matches(node, &step.test) && step.predicates.iter().all(|p| self.truth(node, p))
    }

    /// The candidates of a last step narrowed by one of its predicates: a conjunct
    /// `child/@attr = 'literal'` (or `child[@attr = 'literal']`) leaves only the parents of
    /// such children.
    fn narrowed(&self, last: &Step) -> Option<Vec<Node>> {
        for predicate in &last.predicates {
            let conjuncts: &[Pred] = match predicate {
                Pred::And(parts) => parts,
                other => std::slice::from_ref(other),
            };
            for conjunct in conjuncts {
                if let Some((child, attribute, value)) = child_attribute_equals(conjunct) {
                    let (Some(child), Some(attribute)) =
                        (self.index.name(self.xot, child), self.index.name(self.xot, attribute))
                    else {
                        return Some(Vec::new());
                    };
                    return Some(self.index.parents_by_child_attribute(self.xot, child, attribute, value));
                }
            }
        }
        None
    }

    fn test_matches(&self, node: Node, test: &NameTest) -> bool {
        let Some(element) = self.xot.element(node) else { return false };
        match test {
            NameTest::Any => true,
            NameTest::Name(name) => self.index.name(self.xot, name) == Some(element.name()),
            NameTest::AnyLocal { ns } => self.xot.name_ns_str(element.name()).1 == ns,
            NameTest::AnyNamespace { local } => self.xot.name_ns_str(element.name()).0 == local,
        }
    }

    /// Whether `node` matches `steps[..=i]`, step `i` being matched against `node`.
    fn matches_from(&self, rooted: bool, steps: &[Step], i: usize, node: Node) -> bool {
        let step = &steps[i];
        if !self.test_matches(node, &step.test) || !step.predicates.iter().all(|p| self.truth(node, p)) {
            return false;
        }
        let parent = self.xot.parent(node);
        if i == 0 {
            return !rooted || parent == Some(self.index.root);
        }
        match step.sep {
            Sep::Child => parent.is_some_and(|p| self.matches_from(rooted, steps, i - 1, p)),
            Sep::Descendant => {
                let mut at = parent;
                while let Some(ancestor) = at {
                    if self.matches_from(rooted, steps, i - 1, ancestor) {
                        return true;
                    }
                    at = self.xot.parent(ancestor);
                }
                false
            }
        }
    }

    /// The boolean value of a predicate with `node` as context.
    fn truth(&self, node: Node, pred: &Pred) -> bool {
        match pred {
            Pred::And(parts) => parts.iter().all(|p| self.truth(node, p)),
            Pred::Or(parts) => parts.iter().any(|p| self.truth(node, p)),
            Pred::Not(inner) => !self.truth(node, inner),
            Pred::Const(value) => *value,
            Pred::Count { path, op, n } => {
                let mut count = 0u64;
                self.walk(node, &path.steps, false, &mut |_| {
                    count += 1;
                    false
                });
                op.holds(count, *n)
            }
            Pred::Exists(paths) => {
                paths.iter().any(|path| self.walk(node, &path.steps, false, &mut |_| true))
            }
            Pred::Compare { left, equal, right } => match (left, right) {
                (Operand::Literal(a), Operand::Literal(b)) => (a == b) == *equal,
                (Operand::Paths(paths), Operand::Literal(v))
                | (Operand::Literal(v), Operand::Paths(paths)) => {
                    paths.iter().any(|path| self.walk(node, &path.steps, true, &mut |s| (s == v) == *equal))
                }
                (Operand::Paths(left), Operand::Paths(right)) => {
                    let mut rights: Vec<String> = Vec::new();
                    for path in right {
                        self.walk(node, &path.steps, true, &mut |s| {
                            rights.push(s.to_owned());
                            false
                        });
                    }
                    left.iter().any(|path| {
                        self.walk(node, &path.steps, true, &mut |s| rights.iter().any(|r| (r == s) == *equal))
                    })
                }
            },
        }
    }

    /// Calls `f` with the string value of each item the path `steps` selects from `node`
    /// (an empty string when `need` is false: existence only), until `f` returns true;
    /// whether it did.
    fn walk(&self, node: Node, steps: &[PathStep], need: bool, f: &mut dyn FnMut(&str) -> bool) -> bool {
        let Some((step, rest)) = steps.split_first() else {
            return if need { f(&self.xot.string_value(node)) } else { f("") };
        };
        match step {
            PathStep::Attribute(name) => {
                let Some(id) = self.index.name(self.xot, name) else { return false };
                self.xot.attributes(node).get(id).is_some_and(|v| f(v))
            }
            PathStep::AnyAttribute => self.xot.attributes(node).iter().any(|(_, v)| f(v)),
            PathStep::SelfNode { test, predicates } => {
                self.test_matches(node, test)
                    && predicates.iter().all(|p| self.truth(node, p))
                    && self.walk(node, rest, need, f)
            }
            PathStep::Element { sep, test, predicates } => {
                let mut visit = |child: Node| {
                    self.test_matches(child, test)
                        && predicates.iter().all(|p| self.truth(child, p))
                        && self.walk(child, rest, need, f)
                };
                match sep {
                    Sep::Child => self.xot.children(node).any(&mut visit),
                    Sep::Descendant => self.xot.descendants(node).skip(1).any(&mut visit),
                }
            }
        }
    }
}

/// `paths = 'literal'` (either operand order).
fn literal_compare(pred: &Pred) -> Option<(&[Path], &str)> {
    match pred {
        Pred::Compare { left, equal: true, right } => match (left, right) {
            (Operand::Paths(p), Operand::Literal(v)) | (Operand::Literal(v), Operand::Paths(p)) => {
                Some((p.as_slice(), v.as_str()))
            }
            _ => None,
        },
        _ => None,
    }
}

/// `child/@attr = 'v'` or `child[@attr = 'v']` (either operand order).
fn child_attribute_equals(pred: &Pred) -> Option<(&QName, &QName, &str)> {
    match pred {
        Pred::Compare { .. } => {
            let (paths, value) = literal_compare(pred)?;
            let [Path { steps }] = paths else { return None };
            match steps.as_slice() {
                [PathStep::Element { sep: Sep::Child, test: NameTest::Name(child), predicates }, PathStep::Attribute(attribute)]
                    if predicates.is_empty() =>
                {
                    Some((child, attribute, value))
                }
                _ => None,
            }
        }
        Pred::Exists(paths) => {
            let [Path { steps }] = paths.as_slice() else { return None };
            let [PathStep::Element { sep: Sep::Child, test: NameTest::Name(child), predicates }] =
                steps.as_slice()
            else {
                return None;
            };
            let [inner] = predicates.as_slice() else { return None };
            let (paths, value) = literal_compare(inner)?;
            let [Path { steps }] = paths else { return None };
            match steps.as_slice() {
                [PathStep::Attribute(attribute)] => Some((child, attribute, value)),
                _ => None,
            }
        }
        _ => None,
    }
}
