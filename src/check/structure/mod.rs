//! Layer 2, natively: the CDA R2 structure and data types of a document, checked without a
//! schema folder, in one pass over the tree.
//!
//! What the CDA schema (the ANS kit's `CDA_extended.xsd`: CDA R2 with the SDTC, IHE lab, IHE
//! pharmacy and DICOM extensions used in France) says of elements and attributes is not
//! written by hand here: `scripts/gen_cda_schema.py` derives it into `schema_table.rs` —
//! every complex type as an automaton over its child elements, its attributes and their value
//! sets. This module walks the document with that table:
//!
//! - `content`: element order, cardinality, unknown elements, text where none is allowed;
//! - `attributes`: unknown, missing and fixed attributes, values outside the schema's value
//!   sets (`classCode`, `moodCode`, `nullFlavor`, `use`...);
//! - `datatypes`: the lexical forms the schema gives the HL7 data types (TS, II, CD, PQ,
//!   INT, REAL, BL) and, as warnings, what HL7 asks of them beyond the schema (a timestamp's
//!   precision and calendar, an identifier's root, a code's code system);
//! - `xsi_type`: `xsi:type` resolved and checked against the declared type.
//!
//! A document the schema accepts gets no error here (tests/check_structure.rs holds the
//! corpus to it, and compares the findings with libxml2's on broken documents).

mod attributes;
mod content;
mod datatypes;
mod rules;
#[rustfmt::skip]
#[allow(clippy::all)]
mod schema_table;
mod table;
mod xsi_type;

use crate::check::Issue;
use crate::input::Document;
use crate::xml::{NodeId, Ns, Tree};

pub use rules::ALL as RULES;
use table::{CLINICAL_DOCUMENT, NO_NAMESPACE};

/// Checks the structure and data types of the document's `ClinicalDocument` (also when it is
/// wrapped in a stylesheet or a signature). Issues come sorted by position; a document that
/// was not XML, or holds no `ClinicalDocument`, gets none (the reader reports those).
pub fn check(doc: &Document) -> Vec<Issue> {
    let Some(tree) = doc.tree.as_ref() else { return Vec::new() };
    let Some(root) = clinical_document(tree) else { return Vec::new() };
    let mut walker = Walker::new(tree);
    walker.stack.push((root, CLINICAL_DOCUMENT));
    while let Some((node, declared)) = walker.stack.pop() {
        if walker.issues.len() >= MAX_ISSUES {
            let at = tree.head_span(node);
            walker.issues.push(rules::limit(at, MAX_ISSUES));
            break;
        }
        walker.element(node, declared);
    }
    let mut issues = walker.issues;
    issues.sort_by_key(|issue| issue.span.map(|s| s.start));
    issues
}

fn clinical_document(tree: &Tree) -> Option<NodeId> {
    let root = tree.root()?;
    if tree.is(root, Ns::HL7, "ClinicalDocument") {
        return Some(root);
    }
    tree.descendants(root).find(|&n| tree.is(n, Ns::HL7, "ClinicalDocument"))
}

/// The walk: a stack of (element, declared type) still to check, and what was found.
pub(super) struct Walker<'t> {
    tree: &'t Tree,
    /// The table's namespace number of each of the tree's namespaces (`OTHER` if the schema
    /// does not know it).
    namespaces: Vec<u8>,
    stack: Vec<(NodeId, u16)>,
    issues: Vec<Issue>,
}

/// Issues reported for one document, at most: past that the check stops, and says so.
pub const MAX_ISSUES: usize = 10_000;

/// A namespace the schema does not know.
const OTHER: u8 = u8::MAX;

impl<'t> Walker<'t> {
    fn new(tree: &'t Tree) -> Self {
        let known = table::namespaces();
        let namespaces = (0..tree.namespaces.len())
            .map(|i| {
                let uri = tree.namespace_uri(Ns(i as u16));
                if i == Ns::NONE.0 as usize {
                    NO_NAMESPACE
                } else {
                    known.iter().position(|k| *k == uri && !k.is_empty()).map_or(OTHER, |p| p as u8)
                }
            })
            .collect();
        Self { tree, namespaces, stack: Vec::with_capacity(64), issues: Vec::new() }
    }

    fn table_ns(&self, ns: Ns) -> u8 {
        self.namespaces.get(usize::from(ns.0)).copied().unwrap_or(OTHER)
    }

    /// Checks one element against its declared type, and queues its children.
    fn element(&mut self, node: NodeId, declared: u16) {
        let Some(type_index) = xsi_type::effective(self, node, declared) else { return };
        let ty = table::ty(type_index);
        if ty.skip {
            return;
        }
        attributes::check(self, node, ty);
        content::check(self, node, ty);
        datatypes::check_element(self, node, ty);
    }
}
