//! The typed model of a CDA document: the whole header, the body as sections with narrative
//! and entries, and the attachments. Every element keeps its [`Span`](crate::xml::Span).
//!
//! The model is plain data (serde-serialisable): it is what `vigie inspect --json`, the HTTP
//! API and the desktop app show. Its one reference to the XML tree is the narrative, a view
//! of the tree it lies in ([`narrative`]); everything else is copied out of it.

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
