//! Tree → model: reads a `ClinicalDocument` element of an XML [`Tree`] into a
//! [`ClinicalDocument`]. Never fails: what is missing stays `None`/empty, what is wrong
//! becomes a finding.
//!
//! Recursion here (sections in sections, statements in statements, narrative elements) is
//! bounded by the tree's depth limit ([`crate::xml::Limits::max_depth`]).

mod body;
mod common;
mod header;
pub mod payload;

pub use body::PDF_COPY_TEMPLATE;

use std::sync::Arc;

use crate::diag::Findings;
use crate::model::{Attachment, ClinicalDocument, Statement};
use crate::xml::{NodeId, Tree};

/// What builders share while reading one document.
pub(crate) struct Ctx<'a> {
    /// Shared: the model's narratives are views of it.
    pub tree: &'a Arc<Tree>,
    pub findings: &'a mut Findings,
    pub attachments: Vec<Attachment>,
    /// While building an entry's statement: the observationMedia `value` elements inside it,
    /// with their index in `attachments` (registered when the document was read).
    pub media: &'a [(NodeId, usize)],
}

/// Builds the model of the `ClinicalDocument` element `root`.
pub fn build(tree: &Arc<Tree>, root: NodeId, findings: &mut Findings) -> ClinicalDocument {
    let mut ctx = Ctx { tree, findings, attachments: Vec::new(), media: &[] };
    let header = ctx.header(root);
    let body = ctx.body(root);
    ClinicalDocument { header, body, attachments: ctx.attachments }
}

/// Builds the clinical statement `node` of an entry, on first access
/// ([`crate::model::Entry::statement`]). What building it finds was reported when the
/// document was read, so its findings are dropped here.
pub(crate) fn statement(tree: &Arc<Tree>, node: NodeId, media: &[(NodeId, usize)]) -> Box<Statement> {
    let mut findings = Findings::default();
    let mut ctx = Ctx { tree, findings: &mut findings, attachments: Vec::new(), media };
    ctx.statement(node)
}
