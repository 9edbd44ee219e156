//! ISO Schematron, run natively on an XPath 3.1 engine (xee-xpath): the ANS kit's rules
//! without a JVM.
//!
//! - [`Schema::compile`] reads a `.sch` file (with Vigie's XML reader), resolves
//!   `include`s (`source.rs`), instantiates abstract patterns (`is-a` + `param`), inlines
//!   abstract rules (`extends`), collects `ns` and `let`s, chooses the phase (`expand.rs`),
//!   finds and reads the value sets the rules name in `doc()`/`document()`
//!   (`documents.rs`), and compiles the XPath expressions (`compile.rs`).
//! - [`Schema::validate`] runs it on a [`Document`] (`run.rs`): failed asserts and
//!   successful reports, each with its message evaluated, the SVRL location in the kit's
//!   notation and the span of the node in Vigie's tree (`location.rs`).
//! - [`Kit`] is the whole ANS kit, applied as the kit applies it (`kit.rs`).
//!
//! How it is made fast enough on xee, whose parser backtracks exponentially with nesting
//! and whose evaluator walks `//` literally:
//! - rule contexts are XSLT match patterns; those in a native subset (`pattern.rs`, all but
//!   a few of the kit's) are matched by Vigie through per-document indexes (`matcher.rs`),
//!   the others selected as XPath expressions (`context.rs`); a node fires the first
//!   matching rule of each pattern;
//! - those selections, asserts, reports and rule lets in XPath 2.0 (nearly all of the
//!   kit's, value-set lookups through `doc()` included) are parsed and evaluated by Vigie's
//!   own evaluator (`xpath/`); xee compiles an expression only when the native evaluation
//!   stops (a dynamic error, a type it does not model) or the expression is outside it;
//! - each distinct expression is compiled once per thread; with [`CompileOptions::lazy`]
//!   (the kit), a rule's tests only when the rule first fires;
//! - each distinct check is evaluated for all the nodes its rules fired on in one call;
//! - expressions are rewritten without changing their meaning (`optimize.rs`): `//x` as
//!   `/descendant::x`, path predicates wrapped in `boolean()`, constant value-set paths
//!   computed once per thread and their equality filters turned into map lookups;
//! - where xee raises an error Saxon would not (`and` evaluated on both sides), the
//!   expression is evaluated again rewritten (`fallback.rs`).
//!
//! Invariants: nothing is read outside the root folder the caller names (the kit folder),
//! nothing from the network; a rule that does not compile or cannot be evaluated is a
//! [`SetupNote`], never a panic (xee's panics are caught), and the other rules still run. A
//! [`Schema`] is plain data (`Send + Sync`); xee's compiled programs are not `Send`, so
//! each thread compiles the schema once, on first use, and keeps it (`runtime.rs`).

mod cache;
mod compile;
mod context;
mod documents;
mod expand;
mod fallback;
mod kit;
mod location;
mod matcher;
mod model;
mod optimize;
mod pattern;
mod run;
mod runtime;
mod source;
mod xpath;
mod xpath_lex;
mod xpath_text;

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub use kit::{Kit, KitReport, VoletChoice, PROFILES, VOLET_TEMPLATES};
pub use location::span_of;
pub use model::{CheckKind, Origin, SetupNote};

use crate::xml::Span;
use crate::Document;

use documents::RuleDocument;
use model::{Expanded, RuleItem};
use runtime::{with_runtime, Loaded, Runtime};

/// Which phase to apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Phase {
    /// The schema's `defaultPhase`, else every pattern.
    #[default]
    Default,
    /// Every pattern (`#ALL`).
    All,
    /// The phase with this id.
    Named(String),
}

/// How to compile a schema.
#[derive(Debug, Clone, Default)]
pub struct CompileOptions {
    pub phase: Phase,
    /// The folder nothing may be read outside of (includes, value sets); by default the
    /// schema file's own folder.
    pub root: Option<PathBuf>,
    /// Compile a rule's tests the first time the rule fires, instead of all at once: much
    /// faster when a document uses a few of many rules (the kit). Tests that do not
    /// compile are then noted in the validations that need them, not in [`Schema::notes`].
    pub lazy: bool,
    /// A folder where the expanded schema is kept between runs (the kit cache,
    /// `cache.rs`): the next compilation of the same unchanged files skips reading and
    /// expanding them. `None`: always read.
    pub cache: Option<PathBuf>,
}

/// A compiled Schematron schema. Cheap to clone, `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Schema {
    inner: Arc<SchemaData>,
}

#[derive(Debug)]
struct SchemaData {
    id: u64,
    lazy: bool,
    expanded: Expanded,
    base_uri: String,
    /// The main schema's folder: `doc()` references resolve from it.
    base_dir: PathBuf,
    documents: Vec<RuleDocument>,
    /// `doc()` arguments that do not depend on the checked document.
    constant_arguments: Vec<String>,
    notes: Vec<SetupNote>,
}

/// A failed assert or a successful report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub kind: CheckKind,
    pub id: Option<String>,
    pub role: Option<String>,
    pub flag: Option<String>,
    /// The test, as written.
    pub test: String,
    /// The pattern's id, when it has one.
    pub pattern: Option<String>,
    /// The rule's context, as written.
    pub context: String,
    /// The message, `value-of` and `name` evaluated, whitespace normalised.
    pub message: String,
    /// The SVRL location, in the kit's notation (`/ClinicalDocument/component[2]/section`).
    pub location: String,
    /// The node's span in the document Vigie read (whole element, or attribute).
    pub span: Option<Span>,
    /// Where the assert or report is written.
    pub origin: Origin,
}

/// What a validation produced.
#[derive(Debug, Clone, Default)]
pub struct Validation {
    /// In SVRL order: pattern by pattern, nodes in document order.
    pub outcomes: Vec<Outcome>,
    /// Problems met while evaluating the rules on this document (not findings about it).
    pub notes: Vec<SetupNote>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Schema {
    /// Reads, expands and compiles the schema at `path`. Fails only when the file itself
    /// cannot be read as a Schematron schema; every other problem is a note.
    pub fn compile(path: &Path, options: &CompileOptions) -> Result<Schema, SetupNote> {
        Self::compile_with(path, options, &mut HashMap::new())
    }

    /// As [`Schema::compile`], sharing already-read value sets through `cache`.
    pub(crate) fn compile_with(
        path: &Path,
        options: &CompileOptions,
        cache: &mut HashMap<PathBuf, Arc<str>>,
    ) -> Result<Schema, SetupNote> {
        let shown: Arc<str> = Arc::from(path.to_string_lossy().as_ref());
        let failed = |fr: String, en: String| SetupNote::new(Origin { file: shown.clone(), line: 1 }, fr, en);
        let root = match &options.root {
            Some(root) => root.clone(),
            None => path.parent().map(Path::to_path_buf).unwrap_or_default(),
        };
        let mut loader = source::Loader::new(&root).map_err(|e| {
            failed(
                format!("dossier {} illisible : {e}", root.display()),
                format!("cannot read folder {}: {e}", root.display()),
            )
        })?;
        let canonical = loader.confine(path).ok();
        let cached = match (&options.cache, &canonical) {
            (Some(dir), Some(canonical)) => cache::load(dir, loader.root(), canonical, &options.phase),
            _ => None,
        };
        let expanded = match cached {
            Some(expanded) => expanded,
            None => {
                let element = loader.load_schema(path).map_err(|(fr, en)| {
                    failed(format!("schéma illisible : {fr}"), format!("cannot read the schema: {en}"))
                })?;
                let file: Arc<str> = Arc::from(loader.relative(path));
                let notes = std::mem::take(&mut loader.notes);
                let expanded = expand::expand(&element, file, &options.phase, notes);
                if let (Some(dir), Some(canonical)) = (&options.cache, &canonical) {
                    cache::store(dir, loader.root(), canonical, &options.phase, &loader.inputs(), &expanded);
                }
                expanded
            }
        };
        let main = documents::normalize_lexically(path);
        let base_uri = documents::file_uri(&main);
        let found = documents::find(&expanded, &main, &base_uri, &loader, cache);

        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let mut data = SchemaData {
            id,
            lazy: options.lazy,
            expanded,
            base_uri,
            base_dir: main.parent().map(Path::to_path_buf).unwrap_or_default(),
            documents: found.documents,
            constant_arguments: found.constant_arguments,
            notes: Vec::new(),
        };
        data.notes.extend(data.expanded.notes.iter().cloned());
        data.notes.extend(found.notes);
        // compile now, on this thread: its notes are the schema's (any thread finds the same)
        let compile_notes =
            catch_unwind(AssertUnwindSafe(|| with_runtime(|runtime| data.compiled(runtime).notes.clone())))
                .unwrap_or_else(|panic| {
                    runtime::reset_runtime();
                    vec![SetupNote::new(
                        Origin { file: data.expanded.file.clone(), line: 1 },
                        format!("le moteur XPath a échoué en compilant ce schéma : {}", describe(&*panic)),
                        format!("the XPath engine failed while compiling this schema: {}", describe(&*panic)),
                    )]
                });
        data.notes.extend(compile_notes);
        Ok(Schema { inner: Arc::new(data) })
    }

    /// The main file, relative to the root folder.
    pub fn file(&self) -> &str {
        &self.inner.expanded.file
    }

    pub fn title(&self) -> Option<&str> {
        self.inner.expanded.title.as_deref()
    }

    /// The phase applied (`None`: every pattern).
    pub fn phase(&self) -> Option<&str> {
        self.inner.expanded.phase.as_deref()
    }

    /// Problems with the rules found while reading and compiling them.
    pub fn notes(&self) -> &[SetupNote] {
        &self.inner.notes
    }

    /// Active patterns, concrete rules, and asserts and reports.
    pub fn counts(&self) -> (usize, usize, usize) {
        let e = &self.inner.expanded;
        (e.patterns.len(), e.patterns.iter().map(|p| p.rules.len()).sum(), e.checks().count())
    }

    /// Validates `document`. Never fails: problems running the rules are notes.
    pub fn validate(&self, document: &Document) -> Validation {
        let mut validation = Validation::default();
        let Some(tree) = document.tree.as_ref() else {
            validation.notes.push(self.note_about_document(
                "ce n'est pas un document XML : règles non appliquées",
                "not an XML document: rules not applied",
            ));
            return validation;
        };
        with_loaded(tree.source(), |runtime, loaded| {
            self.run_loaded(runtime, loaded, tree, &mut validation);
        })
        .unwrap_or_else(|note| validation.notes.push(self.note_about_document(&note.0, &note.1)));
        validation
    }

    fn note_about_document(&self, fr: &str, en: &str) -> SetupNote {
        SetupNote::new(Origin { file: self.inner.expanded.file.clone(), line: 1 }, fr, en)
    }

    /// Runs on a document already in the runtime's store, appending to `into`.
    pub(crate) fn run_loaded(
        &self,
        runtime: &mut Runtime,
        loaded: &Loaded,
        tree: &crate::xml::Tree,
        into: &mut Validation,
    ) {
        let data = &*self.inner;
        let result = catch_unwind(AssertUnwindSafe(|| {
            let compiled = data.compiled(runtime);
            for document in &data.documents {
                if let Err(why) = runtime.ensure_document(&document.uri, &document.text) {
                    into.notes.push(self.note_about_document(
                        &format!("jeu de valeurs illisible par le moteur XPath : {why}"),
                        &format!("value set the XPath engine cannot read: {why}"),
                    ));
                }
            }
            let value_sets: HashMap<String, xot::Node> = data
                .documents
                .iter()
                .filter_map(|d| runtime.value_set(&d.uri).map(|node| (d.uri.clone(), node)))
                .collect();
            let docs = |reference: &str| {
                let (uri, _) = documents::resolve(&data.base_dir, reference)?;
                value_sets.get(&uri).copied()
            };
            let output = run::run(&data.expanded, &compiled, &mut runtime.documents, loaded, &docs);
            let xot = runtime.documents.xot();
            for fired in output.fired {
                let pattern = &data.expanded.patterns[fired.pattern];
                let rule = &pattern.rules[fired.rule];
                let RuleItem::Check(check) = &rule.body[fired.item] else { continue };
                let location = location::location(xot, fired.node);
                into.outcomes.push(Outcome {
                    kind: check.kind,
                    id: check.id.clone(),
                    role: check.role.clone(),
                    flag: check.flag.clone(),
                    test: check.test.clone(),
                    pattern: pattern.id.clone(),
                    context: rule.context.clone(),
                    message: fired.message,
                    span: location::span_of(tree, &location),
                    location,
                    origin: check.origin.clone(),
                });
            }
            into.notes.extend(output.notes);
        }));
        if let Err(panic) = result {
            runtime::reset_runtime();
            into.notes.push(self.note_about_document(
                &format!("le moteur XPath a échoué sur ce document : {}", describe(&*panic)),
                &format!("the XPath engine failed on this document: {}", describe(&*panic)),
            ));
        }
    }
}

impl SchemaData {
    fn compiled(&self, runtime: &mut Runtime) -> std::rc::Rc<compile::Compiled> {
        runtime.compiled(self.id, || {
            compile::Compiled::new(&self.expanded, self.base_uri.clone(), self.lazy, &self.constant_arguments)
        })
    }
}

/// Loads `xml` into this thread's runtime, runs `f`, unloads. The error is a (fr, en) pair.
pub(crate) fn with_loaded(xml: &str, f: impl FnOnce(&mut Runtime, &Loaded)) -> Result<(), (String, String)> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        with_runtime(|runtime| {
            let loaded = runtime.load(xml)?;
            f(runtime, &loaded);
            runtime.unload(loaded);
            Ok::<(), String>(())
        })
    }));
    match outcome {
        Ok(Ok(())) => Ok(()),
        Ok(Err(why)) => Err((
            format!("le moteur XPath ne peut pas lire ce document : {why}"),
            format!("the XPath engine cannot read this document: {why}"),
        )),
        Err(panic) => {
            runtime::reset_runtime();
            Err((
                format!("le moteur XPath a échoué sur ce document : {}", describe(&*panic)),
                format!("the XPath engine failed on this document: {}", describe(&*panic)),
            ))
        }
    }
}

/// Verification mode, for tests: every check answered by the native XPath evaluator is
/// evaluated by xee too; [`native_disagreements`] returns where they differed.
#[doc(hidden)]
pub fn verify_native_evaluator(on: bool) {
    run::set_verify(on);
}

/// How many verdicts were compared, and the checks on which the native evaluator and xee
/// disagreed, since the last call (in verification mode): the test, the node, both verdicts.
#[doc(hidden)]
pub fn native_disagreements() -> (usize, Vec<String>) {
    run::take_disagreements()
}

fn describe(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_owned())
}
