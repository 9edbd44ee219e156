//! The outcome of checking one input: which layers ran (and why the others did not), every
//! issue located, and the counts by severity. One [`Report`] is what every output format is
//! written from; docs/check.md documents its JSON and docs/check.schema.json is its schema.

use serde::Serialize;

use super::issue::{Issue, Layer, Message};
use super::path;
use crate::diag::Severity;
use crate::input::{Document, InputKind};

/// One checked input.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// The input as the user named it: a path, or `package.zip!IHE_XDM/SUBSET01/DOC0001.XML`
    /// for a document inside an XDM package.
    pub file: String,
    /// What the input turned out to be.
    pub kind: InputKind,
    /// Every layer, in the order they run, whether it ran or not.
    pub layers: Vec<LayerRun>,
    /// Every issue, sorted by position (issues about the whole input first).
    pub issues: Vec<Issue>,
    pub counts: Counts,
}

/// What one layer did on one input.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LayerRun {
    pub layer: Layer,
    /// Whether the layer ran on this input.
    pub ran: bool,
    /// Why it did not run (no kit folder given, not a CDA document...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<Message>,
    /// How many issues it reported.
    pub issues: usize,
    /// How long it took, in milliseconds.
    pub millis: f64,
    /// What the layer says about how it ran, not about the document: the kit's volet
    /// schematron and why it was chosen, files of the kit that could not be read, rules it
    /// could not evaluate. Absent from the JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Message>,
}

impl LayerRun {
    pub fn ran(layer: Layer, issues: usize, millis: f64) -> Self {
        Self { layer, ran: true, skipped: None, issues, millis, notes: Vec::new() }
    }
    pub fn skipped(layer: Layer, why: Message) -> Self {
        Self { layer, ran: false, skipped: Some(why), issues: 0, millis: 0.0, notes: Vec::new() }
    }
    /// The same, with `notes`.
    pub fn with_notes(self, notes: Vec<Message>) -> Self {
        Self { notes, ..self }
    }
}

/// Issues by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    pub fn of<'a>(issues: impl IntoIterator<Item = &'a Issue>) -> Self {
        let mut counts = Counts::default();
        for issue in issues {
            counts.add(issue.severity);
        }
        counts
    }
    fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }
    /// How many issues are at least as serious as `severity`.
    pub fn at_least(&self, severity: Severity) -> usize {
        match severity {
            Severity::Error => self.errors,
            Severity::Warning => self.errors + self.warnings,
            Severity::Info => self.errors + self.warnings + self.infos,
        }
    }
    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.infos
    }
    pub fn merge(&mut self, other: Counts) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
    }
}

impl Report {
    /// An empty report for `file`, to which layers are added with [`Report::push_layer`].
    pub fn new(file: impl Into<String>, kind: InputKind) -> Self {
        Self { file: file.into(), kind, layers: Vec::new(), issues: Vec::new(), counts: Counts::default() }
    }

    /// Records a layer's run and its issues.
    pub fn push_layer(&mut self, run: LayerRun, issues: Vec<Issue>) {
        self.counts.merge(Counts::of(&issues));
        self.layers.push(run);
        self.issues.extend(issues);
    }

    /// Adds issues to a layer already recorded (or records it as run), e.g. the XDM
    /// package's findings about a document read from it.
    pub fn extend_layer(&mut self, layer: Layer, issues: Vec<Issue>) {
        if issues.is_empty() {
            return;
        }
        match self.layers.iter_mut().find(|run| run.layer == layer) {
            Some(run) => {
                run.ran = true;
                run.skipped = None;
                run.issues += issues.len();
            }
            None => self.layers.push(LayerRun::ran(layer, issues.len(), 0.0)),
        }
        self.counts.merge(Counts::of(&issues));
        self.issues.extend(issues);
    }

    /// Fills each issue's `position` (line:column of its span's start) and, when it has a
    /// span but no path, its readable path; then sorts the issues by position, issues about
    /// the whole input first, ties kept in layer order.
    pub fn locate(&mut self, document: &Document) {
        if let (Some(tree), Some(lines)) = (document.tree.as_ref(), document.lines()) {
            for issue in &mut self.issues {
                for related in &mut issue.related {
                    related.position.get_or_insert_with(|| lines.position(related.span.start));
                    if related.path.is_none() {
                        related.path = path::path_of_span(tree, related.span);
                    }
                }
                let Some(span) = issue.span else { continue };
                if issue.position.is_none() {
                    issue.position = Some(lines.position(span.start));
                }
                if issue.path.is_none() {
                    issue.path = path::path_of_span(tree, span);
                }
            }
        }
        self.issues.sort_by(|a, b| a.position.cmp(&b.position).then(a.layer.cmp(&b.layer)));
    }

    /// The most serious severity among the issues.
    pub fn worst(&self) -> Option<Severity> {
        self.issues.iter().map(|i| i.severity).max()
    }
}
