//! Findings: every problem Vigie reports about an input is a value carrying where it was
//! found (a byte span, resolved to line:column) and a message a person can act on.
//!
//! Reading never fails silently and never aborts on the first problem: the reader returns
//! whatever it could read together with a list of [`Finding`]s.

use serde::Serialize;

use crate::xml::span::{LineIndex, Position, Span};

/// How serious a finding is for the person reading the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; the document is fine.
    Info,
    /// Something is off (a missing INS trait, an unbound prefix that was recovered).
    Warning,
    /// Part of the input could not be read or was refused.
    Error,
}

/// One problem found in an input, located in its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// Stable identifier of the kind of problem, e.g. `xml.malformed`, `ins.key-mismatch`.
    pub code: &'static str,
    pub severity: Severity,
    /// What went wrong and, where it helps, what to do about it.
    pub message: String,
    /// Where in the (decoded) source the problem lies.
    pub span: Span,
    /// `span.start` as a 1-based line and column, filled in by [`Findings::locate`].
    pub position: Option<Position>,
}

impl Finding {
    pub fn new(code: &'static str, severity: Severity, span: Span, message: impl Into<String>) -> Self {
        Self { code, severity, message: message.into(), span, position: None }
    }
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, span, message)
    }
    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, span, message)
    }
    pub fn info(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Info, span, message)
    }
}

/// An ordered list of findings with a cap, so that a hostile input cannot make the list
/// itself exhaust memory.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Findings(Vec<Finding>);

impl Findings {
    /// More findings than this are summarised by one last finding saying how many were dropped.
    pub const MAX: usize = 1000;

    pub fn push(&mut self, finding: Finding) {
        if self.0.len() < Self::MAX {
            self.0.push(finding);
        } else if self.0.len() == Self::MAX {
            let span = finding.span;
            self.0.push(Finding::warning(
                "limits.findings",
                span,
                format!("more than {} problems: the rest are not listed", Self::MAX),
            ));
        }
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Finding>) {
        for f in other {
            self.push(f);
        }
    }

    /// Resolves every finding's span to line:column.
    pub fn locate(&mut self, index: &LineIndex) {
        for f in &mut self.0 {
            if f.position.is_none() {
                f.position = Some(index.position(f.span.start));
            }
        }
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Finding> {
        self.0.iter()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|f| f.severity == Severity::Error)
    }
    pub fn into_vec(self) -> Vec<Finding> {
        self.0
    }
}

impl<'a> IntoIterator for &'a Findings {
    type Item = &'a Finding;
    type IntoIter = std::slice::Iter<'a, Finding>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
