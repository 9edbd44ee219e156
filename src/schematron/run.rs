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

use std::collections::{HashMap, HashSet};

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
        match self.compiled.program(lazy, body, check) {
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
) -> RunOutput {
    let root = Item::Node(loaded.root);
    let mut ev = Evaluator {
        compiled,
        generation: loaded.generation,
        root: root.clone(),
        documents,
        values: vec![None; compiled.slots],
        noted: HashSet::new(),
        notes: Vec::new(),
    };

    // globals: the document node is their context
    for global in &compiled.globals {
        if let Some(program) = &global.program {
            ev.values[global.slot] = ev.eval_noted(program, &root, "variable globale", &global.origin);
        }
    }

    // which rule fires on which node, pattern by pattern: the first rule of the pattern
    // that selects it
    let mut firings: Vec<Vec<(u32, usize, xot::Node)>> = Vec::with_capacity(schema.patterns.len());
    for (pattern, compiled_pattern) in schema.patterns.iter().zip(&compiled.patterns) {
        let mut claimed: HashSet<xot::Node> = HashSet::new();
        let mut firing: Vec<(u32, usize, xot::Node)> = Vec::new();
        for (r, (rule, compiled_rule)) in pattern.rules.iter().zip(&compiled_pattern.rules).enumerate() {
            let selected: Vec<xot::Node> = match &compiled_rule.selector {
                None => continue,
                Some(Selector::Native(pattern)) => {
                    matcher::select(ev.documents.xot(), &loaded.index, pattern)
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

    let verdicts = batch_verdicts(&mut ev, schema, &firings, &root, &loaded.index);

    let mut fired_out = Vec::new();
    for (p, firing) in firings.into_iter().enumerate() {
        let (pattern, compiled_pattern) = (&schema.patterns[p], &compiled.patterns[p]);
        let mut position: HashMap<usize, usize> = HashMap::new();
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
    schema: &Expanded,
    firings: &[Vec<(u32, usize, xot::Node)>],
    root: &Item,
    index: &matcher::Index,
) -> HashMap<(usize, usize, usize), Option<Vec<bool>>> {
    let compiled = ev.compiled;
    // the nodes of each (pattern, rule), in document order
    let mut nodes_of: Vec<((usize, usize), Vec<xot::Node>)> = Vec::new();
    for (p, firing) in firings.iter().enumerate() {
        let mut by_rule: HashMap<usize, Vec<xot::Node>> = HashMap::new();
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
    let mut group_of: HashMap<(&str, Vec<usize>), usize> = HashMap::new();
    let mut out: HashMap<(usize, usize, usize), Option<Vec<bool>>> = HashMap::new();
    for ((p, r), nodes) in &nodes_of {
        let rule = &schema.patterns[*p].rules[*r];
        let body = compiled.body(&compiled.patterns[*p].rules[*r], rule);
        if !body.notes.is_empty() && ev.noted.insert(body as *const CompiledBody as *const ()) {
            ev.notes.extend(body.notes.iter().cloned());
        }
        for (i, item) in body.items.iter().enumerate() {
            let CompiledItem::Check(check) = item else { continue };
            out.insert((*p, *r, i), None);
            if let Some(test) = &check.native {
                let xot = ev.documents.xot();
                let truths: Option<Vec<bool>> =
                    nodes.iter().map(|&node| matcher::holds(xot, index, test, node)).collect();
                if let Some(truths) = truths {
                    out.insert((*p, *r, i), Some(truths));
                    continue;
                }
            }
            let Some(batch) = &check.batch else { continue };
            let Ok(program) = compiled.program(batch, body, check) else { continue };
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
    out
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
                let value = compiled.program.as_ref().and_then(|program| {
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
        if let Some(&order) = loaded.order.get(&n) {
            return order;
        }
        at = xot.parent(n);
    }
    u32::MAX
}
