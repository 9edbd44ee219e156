//! Running a compiled schema on a loaded document.
//!
//! Per pattern, every rule's selection is evaluated once from the document node; a node is
//! given to the first rule of the pattern that selects it (Schematron's "fired rule": one
//! rule per node and pattern, the first in the pattern's order).
//!
//! Each check of a rule is then evaluated for all the rule's nodes in one call (its batch
//! program), which is much cheaper with xee than one call per node. When that fails (a
//! dynamic error on one node), the check is evaluated node by node, the rule's lets first,
//! as the ISO skeleton does; an expression that still fails is noted once. Results come out
//! in SVRL order: pattern by pattern, nodes in document order, checks in rule order.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::RefCell;
use std::rc::Rc;

use xee_xpath::context::Variables;
use xee_xpath::{Atomic, Documents, Item, Query, Sequence};
use xot::xmlname::NameStrInfo;

use super::compile::{
    Compiled, CompiledBody, CompiledCheck, CompiledItem, CompiledPart, Lazy, Program, NODES,
};
use super::context::Selector;
use super::matcher;
use super::model::{CheckKind, Expanded, Origin, Rule, RuleItem, SetupNote};
use super::runtime::Loaded;
use super::xpath;

/// A failed assert or successful report, before locations are attached.
pub(crate) struct Fired {
    pub pattern: usize,
    pub rule: usize,
    /// Index into the rule's body.
    pub item: usize,
    pub node: xot::Node,
    pub message: String,
}

/// What a run produced: results in SVRL order, and problems met while evaluating.
pub(crate) struct RunOutput {
    pub fired: Vec<Fired>,
    pub notes: Vec<SetupNote>,
}

struct Evaluator<'a> {
    compiled: &'a Compiled,
    /// The store generation (for hoisted document paths) and the document node.
    generation: u64,
    root: Item,
    documents: &'a mut Documents,
    values: Vec<Option<Sequence>>,
    /// Expressions already noted on this document (one note each).
    noted: HashSet<*const ()>,
    notes: Vec<SetupNote>,
    /// The value sets for the native evaluator's `doc()`.
    docs: &'a dyn Fn(&str) -> Option<xot::Node>,
}

impl Evaluator<'_> {
    fn eval(&mut self, program: &Program, item: &Item) -> Result<Sequence, String> {
        let mut variables = Variables::default();
        for (slot, name) in &program.vars {
            if self.values.get(*slot).is_none_or(Option::is_none) {
                self.hoisted_value(*slot);
            }
            match self.values.get(*slot).and_then(Option::as_ref) {
                Some(value) => {
                    variables.insert(name.clone(), value.clone());
                }
                None => return Err(format!("la variable ${} n'a pas de valeur", name.local_name())),
            }
        }
        let run = |query: &xee_xpath::query::SequenceQuery, documents: &mut Documents, variables| {
            query.execute_build_context(documents, |builder| {
                builder.context_item(item.clone());
                builder.variables(variables);
            })
        };
        // as Saxon would: `and` stopping at a false left operand, predicates with several
        // nodes (see `fallback.rs`); first when the plain form already failed once
        let fallback = self.compiled.fallback(program);
        if program.failed.get() {
            if let Some(query) = fallback {
                return run(query, self.documents, variables)
                    .map_err(|e| format!("{} {}", e.error.code(), e.error.message()));
            }
        }
        match run(&program.query, self.documents, variables.clone()) {
            Ok(value) => Ok(value),
            Err(error) => {
                program.failed.set(true);
                match fallback {
                    Some(query) => run(query, self.documents, variables)
                        .map_err(|e| format!("{} {}", e.error.code(), e.error.message())),
                    None => Err(format!("{} {}", error.error.code(), error.error.message())),
                }
            }
        }
    }

    /// Fills `slot` when it holds a hoisted document path: from the thread's cache, else
    /// evaluated now (and cached).
    fn hoisted_value(&mut self, slot: usize) {
        let Some(hoisted) = self.compiled.hoisted(slot) else { return };
        if self.values.len() <= slot {
            self.values.resize(slot + 1, None);
        }
        let value = match self.compiled.constant(self.generation, slot) {
            Some(value) => Some(value),
            None => {
                let Some(program) = &hoisted.program else { return };
                let root = self.root.clone();
                let value = self.eval(program, &root).ok();
                if let Some(value) = &value {
                    self.compiled.keep_constant(self.generation, slot, value.clone());
                }
                value
            }
        };
        self.values[slot] = value;
    }

    /// Notes `fr`/`en` about `key` once per document.
    fn note_once(&mut self, key: *const (), origin: &Origin, fr: String, en: String) {
        if self.noted.insert(key) {
            self.notes.push(SetupNote::new(origin.clone(), fr, en));
        }
    }

    /// Evaluates, noting a failure once per expression and document.
    fn eval_noted(
        &mut self,
        program: &Program,
        item: &Item,
        what: &str,
        origin: &Origin,
    ) -> Option<Sequence> {
        match self.eval(program, item) {
            Ok(value) => Some(value),
            Err(error) => {
                self.note_once(
                    program as *const Program as *const (),
                    origin,
                    format!("{what} : erreur d'évaluation sur ce document : {error}"),
                    format!("{what}: evaluation error on this document: {error}"),
                );
                None
            }
        }
    }

    /// The program of a check's expression, noting once when it does not compile.
    fn program<'l>(
        &mut self,
        lazy: &'l Lazy,
        body: &CompiledBody,
        check: &CompiledCheck,
    ) -> Option<&'l Program> {
        self.program_after(lazy, body, check.lets_before)
    }

    /// The program of an expression of `body` after its first `lets_before` lets, noting
    /// once when it does not compile.
    fn program_after<'l>(
        &mut self,
        lazy: &'l Lazy,
        body: &CompiledBody,
        lets_before: usize,
    ) -> Option<&'l Program> {
        match self.compiled.program_after(lazy, body, lets_before) {
            Ok(program) => Some(program),
            Err(notes) => {
                if self.noted.insert(lazy as *const Lazy as *const ()) {
                    self.notes.extend(notes.iter().cloned());
                }
                None
            }
        }
    }
}

pub(crate) fn run(
    schema: &Expanded,
    compiled: &Compiled,
    documents: &mut Documents,
    loaded: &Loaded,
    docs: &dyn Fn(&str) -> Option<xot::Node>,
) -> RunOutput {
    let root = Item::Node(loaded.root);
    let mut ev = Evaluator {
        compiled,
        generation: loaded.generation,
        root: root.clone(),
        documents,
        values: vec![None; compiled.slots],
        noted: HashSet::default(),
        notes: Vec::new(),
        docs,
    };

    // globals: the document node is their context
    for global in &compiled.globals {
        if let Some(program) = &global.program {
            ev.values[global.slot] = ev.eval_noted(program, &root, "variable globale", &global.origin);
        }
    }

    let globals = NativeGlobals::default();
    // which rule fires on which node, pattern by pattern: the first rule of the pattern
    // that selects it
    let mut firings: Vec<Vec<(u32, usize, xot::Node)>> = Vec::with_capacity(schema.patterns.len());
    for (pattern, compiled_pattern) in schema.patterns.iter().zip(&compiled.patterns) {
        let mut claimed: HashSet<xot::Node> = HashSet::default();
        let mut firing: Vec<(u32, usize, xot::Node)> = Vec::new();
        for (r, (rule, compiled_rule)) in pattern.rules.iter().zip(&compiled_pattern.rules).enumerate() {
            let selected: Vec<xot::Node> = match &compiled_rule.selector {
                None => continue,
                Some(Selector::Native(pattern)) => {
                    matcher::select(ev.documents.xot(), &loaded.index, pattern)
                }
                Some(Selector::Evaluated(expr, lazy)) => {
                    let native = {
                        let vars = |name: &str| globals.get(&ev, name);
                        let env = xpath::Env {
                            xot: ev.documents.xot(),
                            doc: &loaded.doc,
                            vars: &vars,
                            docs: ev.docs,
                        };
                        xpath::eval_nodes(&env, expr, loaded.root).ok()
                    };
                    if let (Some(nodes), true) = (&native, verifying()) {
                        if let Ok(program) = compiled.program_global(lazy) {
                            if let Ok(selected) = ev.eval(program, &root) {
                                let xee: Vec<xot::Node> = selected
                                    .iter()
                                    .filter_map(|item| match item {
                                        Item::Node(node) => Some(node),
                                        _ => None,
                                    })
                                    .collect();
                                COMPARED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                if xee != *nodes {
                                    disagree(format!(
                                        "context {} — xee selects {} nodes, native {}",
                                        rule.context,
                                        xee.len(),
                                        nodes.len()
                                    ));
                                }
                            }
                        }
                    }
                    match native {
                        Some(nodes) => nodes,
                        None => {
                            let program = match compiled.program_global(lazy) {
                                Ok(program) => program,
                                Err(notes) => {
                                    if ev.noted.insert(lazy as *const Lazy as *const ()) {
                                        ev.notes.extend(notes.iter().cloned());
                                    }
                                    continue;
                                }
                            };
                            let Some(selected) = ev.eval_noted(program, &root, "context", &rule.origin)
                            else {
                                continue;
                            };
                            selected
                                .iter()
                                .filter_map(|item| match item {
                                    Item::Node(node) => Some(node),
                                    _ => None,
                                })
                                .collect()
                        }
                    }
                }
                Some(Selector::Select(program)) => {
                    let Some(selected) = ev.eval_noted(program, &root, "context", &rule.origin) else {
                        continue;
                    };
                    selected
                        .iter()
                        .filter_map(|item| match item {
                            Item::Node(node) => Some(node),
                            _ => None,
                        })
                        .collect()
                }
            };
            for node in selected {
                if claimed.insert(node) {
                    firing.push((order_of(ev.documents, loaded, node), r, node));
                }
            }
        }
        // document order, then rule order for nodes sorted together (attributes)
        firing.sort_by_key(|&(order, r, _)| (order, r));
        firings.push(firing);
    }

    let verdicts = batch_verdicts(&mut ev, &globals, schema, &firings, &root, loaded);

    let mut fired_out = Vec::new();
    for (p, firing) in firings.into_iter().enumerate() {
        let (pattern, compiled_pattern) = (&schema.patterns[p], &compiled.patterns[p]);
        let mut position: HashMap<usize, usize> = HashMap::default();
        for (_, r, node) in firing {
            let k = {
                let at = position.entry(r).or_insert(0);
                *at += 1;
                *at - 1
            };
            let rule = &pattern.rules[r];
            let body = compiled.body(&compiled_pattern.rules[r], rule);
            let mut node_run = NodeRun { rule, body, node: Item::Node(node), written: None };
            for (i, (source, item)) in rule.body.iter().zip(&body.items).enumerate() {
                let (RuleItem::Check(check), CompiledItem::Check(compiled_check)) = (source, item) else {
                    continue;
                };
                let batch = verdicts.get(&(p, r, i)).and_then(Option::as_ref).map(|v| v[k]);
                let truth = match batch {
                    Some(truth) => truth,
                    None => match node_run.test(&mut ev, compiled_check, check.kind, &check.origin) {
                        Some(truth) => truth,
                        None => continue,
                    },
                };
                let fires = match check.kind {
                    CheckKind::Assert => !truth,
                    CheckKind::Report => truth,
                };
                if fires {
                    let message = node_run.message(&mut ev, compiled_check);
                    fired_out.push(Fired { pattern: p, rule: r, item: i, node, message });
                }
            }
            node_run.finish(&mut ev);
        }
    }
    RunOutput { fired: fired_out, notes: ev.notes }
}

/// The truth of every check on every node its rule fired on, by (pattern, rule, item):
/// each distinct batch program (abstract rules inlined in many rules repeat the same ones)
/// is evaluated once for all those nodes. `None` where a batch failed: the runner then
/// evaluates that check node by node.
fn batch_verdicts(
    ev: &mut Evaluator<'_>,
    globals: &NativeGlobals,
    schema: &Expanded,
    firings: &[Vec<(u32, usize, xot::Node)>],
    root: &Item,
    loaded: &Loaded,
) -> HashMap<(usize, usize, usize), Option<Vec<bool>>> {
    let compiled = ev.compiled;
    // the nodes of each (pattern, rule), in document order
    let mut nodes_of: Vec<((usize, usize), Vec<xot::Node>)> = Vec::new();
    for (p, firing) in firings.iter().enumerate() {
        let mut by_rule: HashMap<usize, Vec<xot::Node>> = HashMap::default();
        for &(_, r, node) in firing {
            by_rule.entry(r).or_default().push(node);
        }
        let mut by_rule: Vec<_> = by_rule.into_iter().collect();
        by_rule.sort_by_key(|(r, _)| *r);
        nodes_of.extend(by_rule.into_iter().map(|(r, nodes)| ((p, r), nodes)));
    }
    // group the checks by batch program
    struct Group<'c> {
        program: &'c Program,
        members: Vec<((usize, usize, usize), std::ops::Range<usize>)>,
        nodes: Vec<Item>,
    }
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut group_of: HashMap<(&str, Vec<usize>), usize> = HashMap::default();
    let mut out: HashMap<(usize, usize, usize), Option<Vec<bool>>> = HashMap::default();
    // verification mode: (check, native verdicts, test)
    type Verification = ((usize, usize, usize), Vec<bool>, String);
    let mut verifications: Vec<Verification> = Vec::new();
    for ((p, r), nodes) in &nodes_of {
        let rule = &schema.patterns[*p].rules[*r];
        let body = compiled.body(&compiled.patterns[*p].rules[*r], rule);
        if !body.notes.is_empty() && ev.noted.insert(body as *const CompiledBody as *const ()) {
            ev.notes.extend(body.notes.iter().cloned());
        }
        for (i, item) in body.items.iter().enumerate() {
            let CompiledItem::Check(check) = item else { continue };
            out.insert((*p, *r, i), None);
            let mut native = None;
            if let Some(test) = &check.native {
                native = native_truths(ev, globals, loaded, body, check, test, nodes);
                if let (Some(truths), false) = (&native, verifying()) {
                    out.insert((*p, *r, i), Some(truths.clone()));
                    continue;
                }
            }
            let Some(batch) = &check.batch else { continue };
            let Ok(program) = compiled.program(batch, body, check) else { continue };
            if let Some(truths) = native {
                verifications.push(((*p, *r, i), truths, check.test.text().to_owned()));
            }
            let key = (program.text(), program.vars.iter().map(|(slot, _)| *slot).collect::<Vec<_>>());
            let g = *group_of.entry(key).or_insert_with(|| {
                groups.push(Group { program, members: Vec::new(), nodes: Vec::new() });
                groups.len() - 1
            });
            let group = &mut groups[g];
            let start = group.nodes.len();
            group.nodes.extend(nodes.iter().map(|&n| Item::Node(n)));
            group.members.push(((*p, *r, i), start..group.nodes.len()));
        }
    }
    let slot = compiled.slot_of(NODES);
    let previous = ev.values[slot].take();
    for group in groups {
        let count = group.nodes.len();
        ev.values[slot] = Some(group.nodes.into());
        let truths = ev.eval(group.program, root).ok().and_then(|value| {
            let truths: Vec<bool> = value
                .iter()
                .map(|item| match item {
                    Item::Atomic(Atomic::Boolean(b)) => Some(b),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            (truths.len() == count).then_some(truths)
        });
        if let Some(truths) = truths {
            for (key, range) in group.members {
                out.insert(key, Some(truths[range].to_vec()));
            }
        }
    }
    ev.values[slot] = previous;
    // verifying: xee's verdicts against the native ones (a check xee could not evaluate in
    // one batch is not compared)
    for (key, native, text) in verifications {
        if let Some(Some(_)) = out.get(&key) {
            COMPARED.fetch_add(native.len(), std::sync::atomic::Ordering::Relaxed);
        }
        match out.get(&key) {
            Some(Some(xee)) if *xee != native => {
                let nodes = &nodes_of.iter().find(|((p, r), _)| (*p, *r) == (key.0, key.1)).map(|(_, n)| n);
                let at = nodes
                    .and_then(|nodes| nodes.iter().zip(xee.iter().zip(&native)).find(|(_, (a, b))| a != b))
                    .map(|(node, (a, b))| {
                        format!("{} (xee {a}, native {b})", node_path(ev.documents.xot(), *node))
                    })
                    .unwrap_or_default();
                disagree(format!("{text} — at {at}"));
            }
            _ => {
                out.insert(key, Some(native));
            }
        }
    }
    out
}

static VERIFY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static COMPARED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static DISAGREEMENTS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn verifying() -> bool {
    VERIFY.load(std::sync::atomic::Ordering::Relaxed)
}

fn disagree(what: String) {
    if let Ok(mut list) = DISAGREEMENTS.lock() {
        list.push(what);
    }
}

/// Verification mode, for tests: every check the native evaluator answers is also
/// evaluated by xee, and each disagreement is kept (see [`take_disagreements`]).
pub(crate) fn set_verify(on: bool) {
    VERIFY.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// The verdicts compared and the disagreements found in verification mode since the last
/// call.
pub(crate) fn take_disagreements() -> (usize, Vec<String>) {
    let compared = COMPARED.swap(0, std::sync::atomic::Ordering::Relaxed);
    (compared, DISAGREEMENTS.lock().map(|mut list| std::mem::take(&mut *list)).unwrap_or_default())
}

/// `/a/b/c` names from the root, for reporting a node.
fn node_path(xot: &xot::Xot, node: xot::Node) -> String {
    let mut parts = Vec::new();
    let mut at = Some(node);
    while let Some(n) = at {
        if let Some(element) = xot.element(n) {
            parts.push(xot.local_name_str(element.name()).to_owned());
        } else if let Some(attribute) = xot.attribute_node(n) {
            parts.push(format!("@{}", xot.local_name_str(attribute.name())));
        }
        at = xot.parent(n);
    }
    parts.reverse();
    format!("/{}", parts.join("/"))
}

/// The schema's variables as native values, converted from xee's once per document
/// (`None`: a value the native evaluator does not model).
#[derive(Default)]
struct NativeGlobals {
    values: RefCell<HashMap<usize, Option<Rc<xpath::Seq>>>>,
}

impl NativeGlobals {
    fn get(&self, ev: &Evaluator<'_>, name: &str) -> Option<Rc<xpath::Seq>> {
        let slot = ev.compiled.find_slot(name)?;
        if let Some(value) = self.values.borrow().get(&slot) {
            return value.clone();
        }
        let value = ev.values.get(slot).and_then(Option::as_ref).and_then(|sequence| {
            sequence.iter().map(|item| xpath::from_xee(&item)).collect::<Option<Vec<_>>>().map(Rc::new)
        });
        self.values.borrow_mut().insert(slot, value.clone());
        value
    }
}

/// A rule's lets for one node, evaluated natively when a check reads them (once each).
struct NativeScope<'s> {
    ev: &'s Evaluator<'s>,
    globals: &'s NativeGlobals,
    loaded: &'s Loaded,
    lets: &'s [(String, Option<Rc<xpath::Expr>>)],
    memo: RefCell<Vec<Option<Option<Rc<xpath::Seq>>>>>,
    node: xot::Node,
}

impl NativeScope<'_> {
    /// The value of `name` as seen by an expression after the first `limit` lets.
    fn resolve(&self, name: &str, limit: usize) -> Option<Rc<xpath::Seq>> {
        let Some(i) = self.lets[..limit].iter().rposition(|(n, _)| n == name) else {
            return self.globals.get(self.ev, name);
        };
        if let Some(value) = &self.memo.borrow()[i] {
            return value.clone();
        }
        let value = self.lets[i].1.as_ref().and_then(|expr| {
            let vars = |n: &str| self.resolve(n, i);
            let env = xpath::Env {
                xot: self.ev.documents.xot(),
                doc: &self.loaded.doc,
                vars: &vars,
                docs: self.ev.docs,
            };
            xpath::eval_value(&env, expr, self.node).ok().map(Rc::new)
        });
        self.memo.borrow_mut()[i] = Some(value.clone());
        value
    }
}

/// The truth of a check's native test on each node, or `None` when the native evaluation
/// stops on one of them (xee then evaluates the check).
fn native_truths(
    ev: &Evaluator<'_>,
    globals: &NativeGlobals,
    loaded: &Loaded,
    body: &CompiledBody,
    check: &CompiledCheck,
    test: &xpath::Expr,
    nodes: &[xot::Node],
) -> Option<Vec<bool>> {
    let mut truths = Vec::with_capacity(nodes.len());
    for &node in nodes {
        let scope = NativeScope {
            ev,
            globals,
            loaded,
            lets: &body.native_lets,
            memo: RefCell::new(vec![None; body.native_lets.len()]),
            node,
        };
        let vars = |name: &str| scope.resolve(name, check.lets_before);
        let env = xpath::Env { xot: ev.documents.xot(), doc: &loaded.doc, vars: &vars, docs: ev.docs };
        truths.push(xpath::eval_boolean(&env, test, node).ok()?);
    }
    Some(truths)
}

/// One node a rule fired on, evaluated check by check when its batch did not answer: the
/// rule's lets are evaluated (once) before the first such check, and undone at the end.
struct NodeRun<'r> {
    rule: &'r Rule,
    body: &'r CompiledBody,
    node: Item,
    /// The slots the lets wrote, with their previous values; `None` until evaluated.
    written: Option<Vec<(usize, Option<Sequence>)>>,
}

impl NodeRun<'_> {
    fn lets(&mut self, ev: &mut Evaluator<'_>) {
        if self.written.is_some() {
            return;
        }
        let mut written = Vec::new();
        for (source, item) in self.rule.body.iter().zip(&self.body.items) {
            if let (RuleItem::Let(let_), CompiledItem::Let(compiled)) = (source, item) {
                let value =
                    ev.program_after(&compiled.value, self.body, compiled.lets_before).and_then(|program| {
                        ev.eval_noted(program, &self.node, &format!("let ${}", let_.name), &let_.origin)
                    });
                written.push((compiled.slot, std::mem::replace(&mut ev.values[compiled.slot], value)));
            }
        }
        self.written = Some(written);
    }

    fn test(
        &mut self,
        ev: &mut Evaluator<'_>,
        check: &CompiledCheck,
        kind: CheckKind,
        origin: &Origin,
    ) -> Option<bool> {
        self.lets(ev);
        let what = match kind {
            CheckKind::Assert => "assert",
            CheckKind::Report => "report",
        };
        let program = ev.program(&check.test, self.body, check)?;
        let value = ev.eval_noted(program, &self.node, what, origin)?;
        match value.effective_boolean_value() {
            Ok(truth) => Some(truth),
            Err(e) => {
                ev.note_once(
                    program as *const Program as *const (),
                    origin,
                    format!("{what} : valeur booléenne impossible : {}", e.code()),
                    format!("{what}: no boolean value: {}", e.code()),
                );
                None
            }
        }
    }

    fn message(&mut self, ev: &mut Evaluator<'_>, check: &CompiledCheck) -> String {
        let mut text = String::new();
        for part in &check.message {
            match part {
                CompiledPart::Text(t) => text.push_str(t),
                CompiledPart::Expr(lazy) => {
                    self.lets(ev);
                    let Some(program) = ev.program(lazy, self.body, check) else { continue };
                    let origin = lazy_origin(lazy);
                    if let Some(value) = ev.eval_noted(program, &self.node, "value-of", &origin) {
                        if let Ok(s) = value.string_value(ev.documents.xot()) {
                            text.push_str(&s);
                        }
                    }
                }
            }
        }
        super::expand::normalize(&text)
    }

    /// Rule variables end with the rule.
    fn finish(self, ev: &mut Evaluator<'_>) {
        for (slot, previous) in self.written.into_iter().flatten().rev() {
            ev.values[slot] = previous;
        }
    }
}

fn lazy_origin(lazy: &Lazy) -> Origin {
    lazy.origin().clone()
}

/// Document order of `node`: elements from the table; other nodes (attributes, text) sort
/// with their parent element.
fn order_of(documents: &Documents, loaded: &Loaded, node: xot::Node) -> u32 {
    let xot = documents.xot();
    let mut at = Some(node);
    while let Some(n) = at {
        if let Some(&order) = loaded.index.order.get(&n) {
            return order;
        }
        at = xot.parent(n);
    }
    u32::MAX
}
