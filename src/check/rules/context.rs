//! What the built-in rules read: the document, its tree and model, and what several rules
//! need computed once (the elements by `ID`, the decoded attachments).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::diag::Finding;
use crate::input::Document;
use crate::model::ClinicalDocument;
use crate::xml::{NodeId, Ns, Tree};

/// The most bytes one attachment is decoded to for checking.
pub const MAX_ATTACHMENT_BYTES: usize = 256 * 1024 * 1024;

/// One read CDA document, for the rules.
pub struct Context<'a> {
    pub document: &'a Document,
    pub tree: &'a Tree,
    pub cda: &'a ClinicalDocument,
    /// The `ClinicalDocument` element.
    pub root: NodeId,
    ids: OnceLock<HashMap<String, Vec<NodeId>>>,
    attachments: OnceLock<Vec<Result<Vec<u8>, Finding>>>,
    lab: OnceLock<crate::results::LabReport>,
}

impl<'a> Context<'a> {
    /// `None` when the document has no tree or no `ClinicalDocument`.
    pub fn new(document: &'a Document) -> Option<Self> {
        let tree = document.tree.as_ref()?;
        let cda = document.cda.as_ref()?;
        let root = tree.descendants(tree.root()?).find(|&n| tree.is(n, Ns::HL7, "ClinicalDocument"))?;
        Some(Self {
            document,
            tree,
            cda,
            root,
            ids: OnceLock::new(),
            attachments: OnceLock::new(),
            lab: OnceLock::new(),
        })
    }

    /// The document's lab results ([`crate::results::extract`]), read once for all the
    /// narrative rules.
    pub fn lab_report(&self) -> &crate::results::LabReport {
        self.lab.get_or_init(|| crate::results::extract(self.document))
    }

    /// Every element of the document carrying an `ID` attribute, by that ID (trimmed), in
    /// document order.
    pub fn ids(&self) -> &HashMap<String, Vec<NodeId>> {
        self.ids.get_or_init(|| {
            let mut ids: HashMap<String, Vec<NodeId>> = HashMap::new();
            for node in self.elements() {
                if let Some(id) = self.tree.attr(node, "ID") {
                    ids.entry(id.trim().to_owned()).or_default().push(node);
                }
            }
            ids
        })
    }

    /// The element an ID names (the first, when it is given twice).
    pub fn by_id(&self, id: &str) -> Option<NodeId> {
        self.ids().get(id.trim()).and_then(|nodes| nodes.first().copied())
    }

    /// Every element of the `ClinicalDocument`, in document order.
    pub fn elements(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.tree.descendants(self.root).filter(|&n| self.tree.is_element(n))
    }

    /// Elements named `local` in the CDA namespace, in document order.
    pub fn named<'s>(&'s self, local: &'s str) -> impl Iterator<Item = NodeId> + 's {
        self.elements().filter(move |&n| self.tree.is(n, Ns::HL7, local))
    }

    /// The decoded bytes of attachment `index` (base64 decoded, inflated), decoded once.
    pub fn attachment(&self, index: usize) -> Option<&Result<Vec<u8>, Finding>> {
        self.attachments
            .get_or_init(|| {
                (0..self.cda.attachments.len())
                    .map(|i| self.document.attachment_bytes(i, MAX_ATTACHMENT_BYTES))
                    .collect()
            })
            .get(index)
    }
}
