//! The typed model of a CDA document: the whole header, the body as sections with narrative
//! and entries, and the attachments. Every element keeps its [`Span`](crate::xml::Span).
//!
//! The model is plain data (serde-serialisable): it is what `vigie inspect --json`, the HTTP
//! API and the desktop app show. Two parts refer to the XML tree instead of copying out of
//! it: the narrative, a view of the tree it lies in ([`narrative`]), and an entry's statement,
//! built from the tree on first access ([`Entry::statement`]).

pub mod body;
pub mod common;
pub mod header;
pub mod identifiers;
pub mod narrative;
pub mod str;
pub mod time;

use serde::Serialize;

pub use body::{Attachment, AttachmentKind, Body, Entry, Section, Statement, Value};
pub use common::{Address, Code, Identifier, PersonName, Telecom, Text};
pub use header::{Author, Header, Organization, Patient};
pub use narrative::{Narrative, NarrativeElement, NarrativeNode, NarrativeText, Nodes};
pub use str::Str;

/// A CDA R2 `ClinicalDocument`, read.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ClinicalDocument {
    pub header: Header,
    pub body: Body,
    /// Every embedded file: the nonXMLBody payload, observationMedia, the PDF copy.
    pub attachments: Vec<Attachment>,
}

impl ClinicalDocument {
    /// Every entry of every section, nested sections included, in document order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        let sections: &[Section] = match &self.body {
            Body::Structured { sections, .. } => sections,
            _ => &[],
        };
        let mut stack: Vec<&Section> = sections.iter().rev().collect();
        std::iter::from_fn(move || {
            let section = stack.pop()?;
            stack.extend(section.sections.iter().rev());
            Some(section.entries.iter())
        })
        .flatten()
    }
}
