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
use crate::model::{Attachment, ClinicalDocument};
use crate::xml::{NodeId, Tree};

/// What builders share while reading one document.
pub(crate) struct Ctx<'a> {
    /// Shared: the model's narratives are views of it.
    pub tree: &'a Arc<Tree>,
    pub findings: &'a mut Findings,
    pub attachments: Vec<Attachment>,
}

/// Builds the model of the `ClinicalDocument` element `root`.
pub fn build(tree: &Arc<Tree>, root: NodeId, findings: &mut Findings) -> ClinicalDocument {
    let mut ctx = Ctx { tree, findings, attachments: Vec::new() };
    let header = ctx.header(root);
    let body = ctx.body(root);
    ClinicalDocument { header, body, attachments: ctx.attachments }
}
