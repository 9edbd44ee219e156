//! Compiling an [`Expanded`] schema's XPath expressions with xee, once per thread.
//!
//! xee's programs live behind `Rc`, so a compiled schema cannot cross threads: each thread
//! that validates compiles its own copy from the shared, expanded schema (see `runtime.rs`).
//!
//! xee's parser backtracks a lot: a typical assert of the kit takes about a millisecond to
//! compile, a long rule context ten, a long nullFlavor assert hundreds. Four things keep
//! that cost down:
//! - rule contexts inside the native subset (`pattern.rs`) are not compiled at all;
//! - tests, lets and contexts that Vigie's XPath evaluator parses (`xpath/`) are compiled
//!   by xee only when the native evaluation stops on a document;
//! - identical expressions are compiled once (abstract rules inlined into hundreds of rules
//!   repeat the same tests: StrucMin asks for 21,000 compilations of 1,300 expressions);
//! - in lazy mode a rule's lets and tests are compiled the first time xee needs them.
//!
//! An expression that does not compile is a [`SetupNote`]; the rest of the schema runs.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use xee_xpath::context::StaticContextBuilder;
use xee_xpath::query::SequenceQuery;
use xee_xpath::Queries;
use xot::xmlname::OwnedName;

use super::context::Selector;
use super::model::{CheckKind, Expanded, Let, MessagePart, Origin, Rule, RuleItem, SetupNote};
use super::optimize::{hoist_documents, index_lookups};
use super::xpath;
use super::xpath_text::{rewrite_xslt_functions, variable_refs, xslt_only_function};

/// Namespaces the ISO skeleton's generated stylesheet always declares.
const SKELETON_NAMESPACES: [(&str, &str); 3] = [
    ("xs", "http://www.w3.org/2001/XMLSchema"),
    ("xsd", "http://www.w3.org/2001/XMLSchema"),
    ("saxon", "http://saxon.sf.net/"),
];

/// One compiled XPath expression and the variables it reads.
pub(crate) struct Program {
    pub query: SequenceQuery,
    /// (slot, name) of each variable the expression reads, in the static context's order.
    pub vars: Vec<(usize, OwnedName)>,
    /// The expression compiled.
    expr: std::rc::Rc<str>,
    /// The expression with `and`/`or` short-circuiting (`fallback.rs`), compiled the
    /// first time the plain one fails.
    fallback: OnceCell<Option<SequenceQuery>>,
    /// Whether the plain expression already failed once: then the fallback goes first.
    pub failed: std::cell::Cell<bool>,
}

impl Program {
    /// The expression as compiled (after the rewrites).
    pub fn text(&self) -> &str {
        &self.expr
    }

    fn new(query: SequenceQuery, vars: Vec<(usize, OwnedName)>, expr: &str) -> Self {
        Self { query, vars, expr: expr.into(), fallback: OnceCell::new(), failed: Default::default() }
    }
}

/// A schema's expressions, compiled for this thread.
pub(crate) struct Compiled {
    /// How many variable slots a run needs (one per distinct variable name).
    pub slots: usize,
    /// Global variables in an order where each comes after those it reads.
    pub globals: Vec<CompiledLet>,
    pub patterns: Vec<CompiledPattern>,
    /// Notes from compiling the globals and the contexts (and, when eager, the bodies).
    pub notes: Vec<SetupNote>,
    /// Compiles rule bodies on demand (lazy mode).
    compiler: RefCell<Compiler>,
    global_scope: HashMap<String, bool>,
    /// Values of hoisted document paths, for one store generation.
    constants: RefCell<(u64, HashMap<usize, xee_xpath::Sequence>)>,
}

pub(crate) struct CompiledLet {
    pub slot: usize,
    pub origin: Origin,
    /// `None` when it did not compile (noted); whatever reads it is not run.
    pub program: Option<Program>,
}

pub(crate) struct CompiledPattern {
    pub rules: Vec<CompiledRule>,
}

pub(crate) struct CompiledRule {
    /// `None` when the context did not compile (noted): the rule never fires.
    pub selector: Option<Selector>,
    body: OnceCell<CompiledBody>,
}

/// A rule's lets (compiled) and checks (compiled when first needed).
pub(crate) struct CompiledBody {
    pub items: Vec<CompiledItem>,
    /// Notes from compiling the lets.
    pub notes: Vec<SetupNote>,
    /// The rule's lets in order: name, and whether it compiled.
    lets: Vec<(String, bool)>,
    /// The rule's lets in order as the native evaluator reads them (`None`: outside it).
    pub native_lets: Vec<(String, Option<Rc<xpath::Expr>>)>,
}

/// A rule's let: compiled by xee only when a node needs its value through xee (a check
/// xee evaluates, a message).
pub(crate) struct RuleLet {
    pub slot: usize,
    /// How many of the rule's lets precede it (and are visible to it).
    pub lets_before: usize,
    pub value: Lazy,
}

pub(crate) enum CompiledItem {
    Let(RuleLet),
    Check(Box<CompiledCheck>),
}

/// An assert or report: its test per node, its test for all the nodes the rule fires on
/// at once (xee then compiles a regular expression once, not once per node), its message.
pub(crate) struct CompiledCheck {
    /// How many of the rule's lets precede it (and are visible to it).
    pub lets_before: usize,
    pub test: Lazy,
    /// The test for the native evaluator (`xpath/`), when it parses there: xee compiles
    /// the test only for a node where the native evaluation stops.
    pub native: Option<Rc<xpath::Expr>>,
    /// `$vigie-nodes ! boolean(test)`: one boolean per node (when the test reads no
    /// computed rule variable).
    pub batch: Option<Lazy>,
    pub message: Vec<CompiledPart>,
}

pub(crate) enum CompiledPart {
    Text(String),
    /// An expression whose result is the text to insert.
    Expr(Lazy),
}

/// An expression compiled the first time it is needed: the notes when it does not compile.
pub(crate) struct Lazy {
    text: String,
    what: &'static str,
    origin: Origin,
    /// A batch program: it reads `$vigie-nodes` and binds the rule's lets itself.
    batch: bool,
    cell: OnceCell<Result<Program, Vec<SetupNote>>>,
}

impl Lazy {
    /// The expression as the rule wrote it.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    pub(crate) fn new(text: String, what: &'static str, origin: &Origin, batch: bool) -> Self {
        Self { text, what, origin: origin.clone(), batch, cell: OnceCell::new() }
    }
}

/// Prefix of the variables holding constant document paths (`vigie-doc-<slot>`).
const HOISTED: &str = "vigie-doc-";

fn hoisted_name(slot: usize) -> String {
    format!("{HOISTED}{slot}")
}

/// The slot-table key of a hoisted path (never a valid variable name).
fn hoisted_key(text: &str) -> String {
    format!(" hoisted {text}")
}

/// The variable holding the nodes a batch program runs on.
pub(crate) const NODES: &str = "vigie-nodes";

/// The compiler's state for one schema: its static context pieces and the variable slots.
pub(crate) struct Compiler {
    namespaces: Vec<(String, String)>,
    base_uri: String,
    slots: HashMap<String, usize>,
    /// Variables in scope: name → whether its definition compiled.
    scope: HashMap<String, bool>,
    /// Programs already compiled, by expression and variables.
    memo: HashMap<(String, Vec<usize>), SequenceQuery>,
    /// `doc()` arguments that do not depend on the document (see `documents.rs`).
    constant_arguments: std::collections::HashSet<String>,
    /// Constant document paths kept in variables, by text.
    hoisted: HashMap<String, std::rc::Rc<Hoisted>>,
    /// Prefix → URI, for the native pattern parser (tests in the subset).
    native_namespaces: HashMap<String, String>,
    /// Each distinct text parsed once by the native evaluator (inlined abstract rules
    /// repeat the same tests thousands of times).
    native_memo: HashMap<String, Option<Rc<xpath::Expr>>>,
    pub notes: Vec<SetupNote>,
}

/// A constant document path (`doc('jdv.xml')//svs:Concept`) held in a variable, evaluated
/// once per thread (`optimize::hoist_documents`).
pub(crate) struct Hoisted {
    pub slot: usize,
    /// `None` when it does not compile: the expressions reading it fail and are noted.
    pub program: Option<Program>,
}

impl Compiler {
    pub fn new(schema: &Expanded, base_uri: String) -> Self {
        let mut namespaces: Vec<(String, String)> =
            SKELETON_NAMESPACES.iter().map(|(p, u)| (p.to_string(), u.to_string())).collect();
        for (prefix, uri) in &schema.namespaces {
            namespaces.retain(|(p, _)| p != prefix);
            namespaces.push((prefix.clone(), uri.clone()));
        }
        let native_namespaces = namespaces.iter().cloned().collect();
        Self {
            namespaces,
            native_namespaces,
            native_memo: HashMap::new(),
            base_uri,
            slots: HashMap::new(),
            scope: HashMap::new(),
            memo: HashMap::new(),
            constant_arguments: Default::default(),
            hoisted: HashMap::new(),
            notes: Vec::new(),
        }
    }

    /// Replaces constant document paths of `expr` by variables, and equality filters on
    /// them by map lookups (see `optimize.rs`), compiling each constant once.
    fn hoist(&mut self, expr: &str, origin: &Origin) -> String {
        if self.constant_arguments.is_empty() {
            return expr.to_owned();
        }
        let mut found: Vec<String> = Vec::new();
        let constants = std::mem::take(&mut self.constant_arguments);
        let expr = hoist_documents(
            expr,
            |argument| constants.contains(argument),
            |text| {
                found.push(text.to_owned());
                format!("vigie-const-{}", found.len() - 1)
            },
        );
        self.constant_arguments = constants;
        let expr = self.register(expr, found, origin);
        let mut found: Vec<String> = Vec::new();
        let expr = index_lookups(
            &expr,
            |var| var.starts_with(HOISTED),
            |text| {
                found.push(text.to_owned());
                format!("vigie-const-{}", found.len() - 1)
            },
        );
        self.register(expr, found, origin)
    }

    /// Compiles each constant of `found` once (`$vigie-const-<i>` in `expr`) and names
    /// the variables that hold them.
    fn register(&mut self, expr: String, found: Vec<String>, origin: &Origin) -> String {
        let mut out = expr;
        for (i, text) in found.iter().enumerate().rev() {
            let slot = match self.hoisted.get(text) {
                Some(hoisted) => hoisted.slot,
                None => {
                    let slot = self.slot(&hoisted_key(text));
                    // no hoisting inside the constant itself; only global variables in scope
                    let constants = std::mem::take(&mut self.constant_arguments);
                    let saved = std::mem::take(&mut self.scope);
                    self.scope = saved
                        .iter()
                        .filter(|(n, _)| n.as_str() != NODES)
                        .map(|(n, v)| (n.clone(), *v))
                        .collect();
                    let program = self.compile(text, "doc()", origin);
                    self.scope = saved;
                    self.constant_arguments = constants;
                    self.hoisted.insert(text.clone(), std::rc::Rc::new(Hoisted { slot, program }));
                    slot
                }
            };
            out = super::xpath_text::replace_variable(
                &out,
                &format!("vigie-const-{i}"),
                &format!("${}", hoisted_name(slot)),
            );
        }
        out
    }

    /// Prefix → URI, for the native pattern parser.
    pub fn namespace_map(&self) -> HashMap<String, String> {
        self.namespaces.iter().cloned().collect()
    }

    pub fn slot(&mut self, name: &str) -> usize {
        let next = self.slots.len();
        *self.slots.entry(name.to_owned()).or_insert(next)
    }

    /// Compiles `expr` with the variables in scope; a note (with `what` and `origin`) when
    /// it does not compile or reads a variable whose definition did not compile.
    pub fn compile(&mut self, expr: &str, what: &str, origin: &Origin) -> Option<Program> {
        let expr = self.hoist(expr, origin);
        let expr = super::optimize::optimize(&rewrite_xslt_functions(&expr));
        if let Some(function) = xslt_only_function(&expr) {
            self.note(
                origin,
                what,
                &expr,
                &format!("la fonction XSLT {function}() n'est pas prise en charge"),
                &format!("the XSLT function {function}() is not supported"),
            );
            return None;
        }
        let mut vars = Vec::new();
        for name in variable_refs(&expr) {
            if name.starts_with(HOISTED) {
                if let Some(Ok(slot)) = name.strip_prefix(HOISTED).map(str::parse::<usize>) {
                    vars.push((slot, OwnedName::name(&name)));
                }
                continue;
            }
            match self.scope.get(&name) {
                Some(true) => {
                    let slot = self.slot(&name);
                    vars.push((slot, OwnedName::name(&name)));
                }
                Some(false) => {
                    self.note(
                        origin,
                        what,
                        &expr,
                        &format!("la variable ${name} n'a pas pu être compilée"),
                        &format!("variable ${name} could not be compiled"),
                    );
                    return None;
                }
                None => {} // bound inside the expression, or undefined: the compiler says which
            }
        }
        match self.build(&expr, &vars) {
            Ok(query) => Some(Program::new(query, vars, &expr)),
            Err(error) => {
                let code = error.error.code();
                let message = error.error.message().to_owned();
                let place = error
                    .span
                    .map(|s| format!(" ({}..{})", s.range().start, s.range().end))
                    .unwrap_or_default();
                self.note(
                    origin,
                    what,
                    &expr,
                    &format!("XPath non compilable : {code} {message}{place}"),
                    &format!("XPath does not compile: {code} {message}{place}"),
                );
                None
            }
        }
    }

    /// Compiles `expr` reading `vars`, or takes it from the memo.
    fn build(
        &mut self,
        expr: &str,
        vars: &[(usize, OwnedName)],
    ) -> Result<SequenceQuery, xee_xpath::error::Error> {
        let key = (expr.to_owned(), vars.iter().map(|(slot, _)| *slot).collect::<Vec<_>>());
        if let Some(query) = self.memo.get(&key) {
            return Ok(query.clone());
        }
        let mut builder = StaticContextBuilder::default();
        builder.namespaces(self.namespaces.iter().map(|(p, u)| (p.as_str(), u.as_str())));
        builder.variable_names(vars.iter().map(|(_, n)| n.clone()));
        builder.static_base_uri(self.base_uri.as_str().try_into().ok());
        let query = Queries::default().sequence_with_context(expr, builder.build())?;
        self.memo.insert(key, query.clone());
        Ok(query)
    }

    fn note(&mut self, origin: &Origin, what: &str, expr: &str, fr: &str, en: &str) {
        let shown: String = super::expand::normalize(expr).chars().take(200).collect();
        self.notes.push(SetupNote::new(
            origin.clone(),
            format!("{what} « {shown} » ignoré : {fr}"),
            format!("{what} \"{shown}\" skipped: {en}"),
        ));
    }

    /// `text` parsed by the native evaluator (`None`: outside it), once per distinct text.
    fn native(&mut self, text: &str) -> Option<Rc<xpath::Expr>> {
        if let Some(parsed) = self.native_memo.get(text) {
            return parsed.clone();
        }
        let parsed = xpath::parse(text, &self.native_namespaces).ok().map(Rc::new);
        self.native_memo.insert(text.to_owned(), parsed.clone());
        parsed
    }

    /// Declares a variable in scope, compiling its value; returns its compiled form.
    pub fn define(&mut self, let_: &Let) -> CompiledLet {
        let program = self.compile(&let_.value, &format!("let ${}", let_.name), &let_.origin);
        let slot = self.slot(&let_.name);
        self.scope.insert(let_.name.clone(), program.is_some());
        CompiledLet { slot, origin: let_.origin.clone(), program }
    }

    /// Declares `name` in scope without compiling anything; `usable` says whether
    /// expressions may read it.
    pub fn declare(&mut self, name: &str, usable: bool) {
        self.scope.insert(name.to_owned(), usable);
    }

    /// Compiles a rule's lets; its checks are prepared for compiling on demand.
    fn body(&mut self, rule: &Rule, scope: &HashMap<String, bool>) -> CompiledBody {
        self.scope = scope.clone();
        let before = self.notes.len();
        let mut items = Vec::new();
        let mut lets: Vec<(String, bool)> = Vec::new();
        let mut native_lets = Vec::new();
        let mut let_values: Vec<(&str, &str)> = Vec::new();
        for item in &rule.body {
            match item {
                RuleItem::Let(let_) => {
                    let slot = self.slot(&let_.name);
                    let value = Lazy::new(let_.value.clone(), "let", &let_.origin, false);
                    items.push(CompiledItem::Let(RuleLet { slot, lets_before: lets.len(), value }));
                    // usable until proved otherwise: a let that does not compile is noted when
                    // first needed, and the expressions reading it then have no value for it
                    lets.push((let_.name.clone(), true));
                    native_lets.push((let_.name.clone(), self.native(&let_.value)));
                    let_values.push((&let_.name, &let_.value));
                }
                RuleItem::Check(check) => {
                    let what = match check.kind {
                        CheckKind::Assert => "assert",
                        CheckKind::Report => "report",
                    };
                    let message = check
                        .message
                        .iter()
                        .map(|part| match part {
                            MessagePart::Text(t) => CompiledPart::Text(t.clone()),
                            MessagePart::ValueOf(select) => CompiledPart::Expr(Lazy::new(
                                format!("string-join(for $vigie-v in data(({select})) return string($vigie-v), ' ')"),
                                "value-of",
                                &check.origin,
                                false,
                            )),
                            MessagePart::Name(path) => CompiledPart::Expr(Lazy::new(
                                format!("name({})", path.as_deref().unwrap_or(".")),
                                "name",
                                &check.origin,
                                false,
                            )),
                        })
                        .collect();
                    items.push(CompiledItem::Check(Box::new(CompiledCheck {
                        lets_before: lets.len(),
                        test: Lazy::new(check.test.clone(), what, &check.origin, false),
                        native: self.native(&check.test),
                        batch: batch_text(&check.test, &let_values)
                            .map(|text| Lazy::new(text, what, &check.origin, true)),
                        message,
                    })));
                }
            }
        }
        CompiledBody { items, notes: self.notes.split_off(before), lets, native_lets }
    }
}

/// `$vigie-nodes ! boolean(test)`, or `None` when the test reads a rule variable whose
/// value is not a literal. Literal variables (`$OIDpattern`) are replaced by their value;
/// other lets would have to be bound inside (`let … return`), and each level of nesting
/// multiplies xee's parsing time.
fn batch_text(test: &str, lets: &[(&str, &str)]) -> Option<String> {
    let mut text = test.to_owned();
    for name in variable_refs(test) {
        let Some(&(_, value)) = lets.iter().rev().find(|(n, _)| *n == name) else { continue };
        if !is_literal(value) {
            return None;
        }
        text = super::xpath_text::replace_variable(&text, &name, value.trim());
    }
    Some(format!("${NODES} ! boolean({text})"))
}

/// A string or number literal.
fn is_literal(value: &str) -> bool {
    let v = value.trim();
    let quoted =
        |q: char| v.len() >= 2 && v.starts_with(q) && v.ends_with(q) && !v[1..v.len() - 1].contains(q);
    quoted('\'') || quoted('"') || (!v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

impl Compiled {
    /// Compiles the globals and the rule contexts; the bodies too unless `lazy`.
    pub fn new(schema: &Expanded, base_uri: String, lazy: bool, constant_arguments: &[String]) -> Compiled {
        let mut compiler = Compiler::new(schema, base_uri);
        compiler.constant_arguments = constant_arguments.iter().cloned().collect();
        // one slot per variable name of the whole schema, so lazily compiled lets fit
        for let_ in schema.globals.iter().chain(schema.patterns.iter().flat_map(|p| &p.rules).flat_map(|r| {
            r.body.iter().filter_map(|i| match i {
                RuleItem::Let(l) => Some(l),
                RuleItem::Check(_) => None,
            })
        })) {
            compiler.slot(&let_.name);
        }

        // globals are visible everywhere whatever their order: declare them all, then
        // compile in dependency order
        let order = global_order(&schema.globals, &mut compiler.notes);
        for let_ in &schema.globals {
            compiler.declare(&let_.name, true);
        }
        let globals: Vec<CompiledLet> = order.iter().map(|&i| compiler.define(&schema.globals[i])).collect();
        let global_scope = compiler.scope.clone();

        let namespaces = compiler.namespace_map();
        let mut patterns = Vec::new();
        for pattern in &schema.patterns {
            let mut rules = Vec::new();
            for rule in &pattern.rules {
                compiler.scope = global_scope.clone();
                let selector = Selector::compile(&mut compiler, &namespaces, &rule.context, &rule.origin);
                let body = OnceCell::new();
                if !lazy {
                    let compiled = compiler.body(rule, &global_scope);
                    compiler.notes.extend(compiled.notes.iter().cloned());
                    let _ = body.set(compiled);
                }
                rules.push(CompiledRule { selector, body });
            }
            patterns.push(CompiledPattern { rules });
        }
        compiler.slot(NODES);
        let slots = compiler.slots.len();
        let notes = std::mem::take(&mut compiler.notes);
        let mut compiled = Compiled {
            slots,
            globals,
            patterns,
            notes,
            compiler: RefCell::new(compiler),
            global_scope,
            constants: RefCell::new((0, HashMap::new())),
        };
        if !lazy {
            compiled.compile_checks(schema);
        }
        compiled
    }

    /// Compiles every check's per-node test and message now (eager mode), adding their
    /// notes to the schema's.
    fn compile_checks(&mut self, schema: &Expanded) {
        let mut notes = Vec::new();
        for (pattern, compiled_pattern) in schema.patterns.iter().zip(&self.patterns) {
            for (rule, compiled_rule) in pattern.rules.iter().zip(&compiled_pattern.rules) {
                let body = self.body(compiled_rule, rule);
                for item in &body.items {
                    let CompiledItem::Check(check) = item else { continue };
                    let parts = check.message.iter().filter_map(|p| match p {
                        CompiledPart::Expr(lazy) => Some(lazy),
                        CompiledPart::Text(_) => None,
                    });
                    for lazy in std::iter::once(&check.test).chain(parts) {
                        if let Err(failed) = self.program(lazy, body, check) {
                            notes.extend(failed.iter().cloned());
                        }
                    }
                }
            }
        }
        self.notes.extend(notes);
    }

    /// The value of a hoisted document path computed for store `generation`, if any.
    pub fn constant(&self, generation: u64, slot: usize) -> Option<xee_xpath::Sequence> {
        let constants = self.constants.borrow();
        (constants.0 == generation).then(|| constants.1.get(&slot).cloned()).flatten()
    }

    /// Keeps the value of a hoisted document path for store `generation`.
    pub fn keep_constant(&self, generation: u64, slot: usize, value: xee_xpath::Sequence) {
        let mut constants = self.constants.borrow_mut();
        if constants.0 != generation {
            *constants = (generation, HashMap::new());
        }
        constants.1.insert(slot, value);
    }

    /// The hoisted document path held in `slot`, if it is one.
    pub fn hoisted(&self, slot: usize) -> Option<std::rc::Rc<Hoisted>> {
        self.compiler.borrow().hoisted.values().find(|h| h.slot == slot).cloned()
    }

    /// The variable slot of `name`, if the schema declares it.
    pub fn find_slot(&self, name: &str) -> Option<usize> {
        self.compiler.borrow().slots.get(name).copied()
    }

    /// The variable slot of `name` (declared when the schema was compiled).
    pub fn slot_of(&self, name: &str) -> usize {
        self.compiler.borrow().slots.get(name).copied().unwrap_or(0)
    }

    /// `program` with `and`/`or` short-circuiting, when it has any (compiled once).
    pub fn fallback<'p>(&self, program: &'p Program) -> Option<&'p SequenceQuery> {
        program
            .fallback
            .get_or_init(|| {
                let rewritten = super::fallback::rewrite(&program.expr)?;
                self.compiler.borrow_mut().build(&rewritten, &program.vars).ok()
            })
            .as_ref()
    }

    /// The program of `lazy` (an expression of `check` in `body`), compiled now if needed.
    pub fn program<'l>(
        &self,
        lazy: &'l Lazy,
        body: &CompiledBody,
        check: &CompiledCheck,
    ) -> Result<&'l Program, &'l [SetupNote]> {
        self.program_after(lazy, body, check.lets_before)
    }

    /// The program of `lazy`, an expression that sees only the schema's variables (a
    /// rule context), compiled now if needed.
    pub fn program_global<'l>(&self, lazy: &'l Lazy) -> Result<&'l Program, &'l [SetupNote]> {
        lazy.cell
            .get_or_init(|| {
                let mut compiler = self.compiler.borrow_mut();
                compiler.scope = self.global_scope.clone();
                let before = compiler.notes.len();
                match compiler.compile(&lazy.text, lazy.what, &lazy.origin) {
                    Some(program) => Ok(program),
                    None => Err(compiler.notes.split_off(before)),
                }
            })
            .as_ref()
            .map_err(Vec::as_slice)
    }

    /// The program of `lazy`, an expression of `body` that sees its first `lets_before`
    /// lets, compiled now if needed.
    pub fn program_after<'l>(
        &self,
        lazy: &'l Lazy,
        body: &CompiledBody,
        lets_before: usize,
    ) -> Result<&'l Program, &'l [SetupNote]> {
        lazy.cell
            .get_or_init(|| {
                let mut compiler = self.compiler.borrow_mut();
                compiler.scope = self.global_scope.clone();
                if lazy.batch {
                    compiler.declare(NODES, true);
                } else {
                    for (name, ok) in &body.lets[..lets_before] {
                        compiler.declare(name, *ok);
                    }
                }
                let before = compiler.notes.len();
                match compiler.compile(&lazy.text, lazy.what, &lazy.origin) {
                    Some(program) => Ok(program),
                    None => Err(compiler.notes.split_off(before)),
                }
            })
            .as_ref()
            .map_err(Vec::as_slice)
    }

    /// A rule's compiled body, compiling it now if needed.
    pub fn body<'c>(&'c self, rule: &'c CompiledRule, source: &Rule) -> &'c CompiledBody {
        rule.body.get_or_init(|| self.compiler.borrow_mut().body(source, &self.global_scope))
    }
}

/// Indices of `globals` so that each comes after the globals it reads; a cycle is noted and
/// broken in document order.
fn global_order(globals: &[Let], notes: &mut Vec<SetupNote>) -> Vec<usize> {
    let by_name: HashMap<&str, usize> =
        globals.iter().enumerate().map(|(i, l)| (l.name.as_str(), i)).collect();
    let mut state = vec![0u8; globals.len()]; // 0 new, 1 visiting, 2 done
    let mut order = Vec::with_capacity(globals.len());
    for start in 0..globals.len() {
        // iterative depth-first search
        let mut stack = vec![(start, false)];
        while let Some((index, children_done)) = stack.pop() {
            if children_done {
                state[index] = 2;
                order.push(index);
                continue;
            }
            if state[index] != 0 {
                continue;
            }
            state[index] = 1;
            stack.push((index, true));
            for name in variable_refs(&globals[index].value) {
                if let Some(&dep) = by_name.get(name.as_str()) {
                    if state[dep] == 1 && dep != index {
                        notes.push(SetupNote::new(
                            globals[index].origin.clone(),
                            format!("variables globales circulaires : ${} et ${}", globals[index].name, name),
                            format!("circular global variables: ${} and ${}", globals[index].name, name),
                        ));
                    } else if state[dep] == 0 {
                        stack.push((dep, false));
                    }
                }
            }
        }
    }
    order
}
