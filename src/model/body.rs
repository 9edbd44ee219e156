//! The CDA body: a PDF or other file wrapped in CDA (nonXMLBody, "N1"), or structured
//! sections with their narrative and entries ("N3").

use std::sync::{Arc, OnceLock};

use serde::{Serialize, Serializer};

use crate::model::common::{Code, Identifier, Text};
use crate::model::narrative::Narrative;
use crate::model::str::Str;
use crate::model::time::Interval;
use crate::xml::{NodeId, Span, Tree};

fn is_false(b: &bool) -> bool {
    !*b
}

/// The body of a document.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Body {
    /// structuredBody: sections with narrative and entries.
    Structured { sections: Vec<Section>, span: Span },
    /// nonXMLBody: a single embedded or referenced file (PDF, text, image...).
    NonXml(NonXmlBody),
    /// No body element was found (a truncated or broken document).
    Missing,
}

/// nonXMLBody/text: the payload is kept as a span and decoded only on demand
/// ([`crate::Document::attachment_bytes`]).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NonXmlBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub representation: Option<Str>,
    /// `DF` means deflate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<Str>,
    /// An external file reference (`reference/@value`), resolved only inside the opened
    /// package or folder, never over the network.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<Str>,
    /// The index of the payload in [`ClinicalDocument::attachments`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment: Option<usize>,
    pub span: Span,
}

/// A section of a structured body.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Section {
    /// The section's `ID` attribute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xml_id: Option<Str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub template_ids: Vec<Identifier>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Narrative>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<Str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<Entry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
    /// Whether this is the French "PDF copy" section (1.2.250.1.213.1.1.2.243).
    #[serde(skip_serializing_if = "is_false")]
    pub pdf_copy: bool,
    pub span: Span,
}

/// An entry of a section: one clinical statement and how it relates to the narrative.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Entry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_code: Option<Str>,
    #[schemars(with = "Box<Statement>")]
    statement: LazyStatement,
    pub span: Span,
}

impl Entry {
    /// An entry whose statement is the element `node` of `tree`; `media` gives the index in
    /// the document's attachments of each observationMedia `value` element inside it
    /// (registered when the document was read).
    pub(crate) fn new(
        type_code: Option<Str>,
        span: Span,
        tree: Arc<Tree>,
        node: NodeId,
        media: Vec<(NodeId, usize)>,
    ) -> Self {
        let statement = LazyStatement { tree, node, media, built: OnceLock::new() };
        Self { type_code, statement, span }
    }

    /// The entry's clinical statement, with the statements nested in it. It is built from the
    /// document's tree the first time it is asked for, not when the document is read: most
    /// uses of a document (showing its header, rendering its narrative, filtering a library)
    /// never look at its entries, and building them was two thirds of reading a lab report.
    /// What reading must report about them (unreadable timestamps) and register (the files of
    /// observationMedia) is done when the document is read.
    pub fn statement(&self) -> &Statement {
        self.statement.get()
    }
}

/// A statement built from the tree on first access ([`Entry::statement`]).
#[derive(Clone)]
struct LazyStatement {
    tree: Arc<Tree>,
    node: NodeId,
    media: Vec<(NodeId, usize)>,
    built: OnceLock<Box<Statement>>,
}

impl LazyStatement {
    fn get(&self) -> &Statement {
        self.built.get_or_init(|| crate::build::statement(&self.tree, self.node, &self.media))
    }
}

impl Serialize for LazyStatement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(serializer)
    }
}

impl std::fmt::Debug for LazyStatement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.built.get() {
            Some(statement) => statement.fmt(f),
            None => {
                f.debug_struct("Statement").field("span", &self.tree.span(self.node)).finish_non_exhaustive()
            }
        }
    }
}

/// A clinical statement (act, observation, organizer, substanceAdministration, supply,
/// encounter, procedure, observationMedia, regionOfInterest, ...), read generically: its
/// kind is the element name, and nested statements hang off it as [`Relationship`]s.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Statement {
    /// The element name: `observation`, `organizer`, `act`, ...
    pub kind: Str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_code: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mood_code: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negation: Option<bool>,
    /// The element's `ID` attribute (observationMedia and regionOfInterest are referenced by it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xml_id: Option<Str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub template_ids: Vec<Identifier>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    /// `text/reference/@value`: the narrative element this statement is written in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_reference: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<Interval>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interpretations: Vec<Code>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<Code>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub target_sites: Vec<Code>,
    /// Participations (consumable, product, specimen, performer, author, participant, subject...)
    /// summarised by what they name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub participations: Vec<Participation>,
    /// observationMedia: the index of its payload in [`ClinicalDocument::attachments`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub relationships: Vec<Relationship>,
    pub span: Span,
}

/// A statement nested in another, and how (`entryRelationship`, `component`,
/// `referenceRange`, `precondition`, `reference`...).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Relationship {
    /// The element that links them: `entryRelationship`, `component`, `referenceRange`...
    pub via: Str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_code: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inversion: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<Str>,
    pub statement: Box<Statement>,
}

/// A participation of an entity in a statement (the drug of a substanceAdministration, the
/// specimen of an observation, a performer...), reduced to what it names.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Participation {
    /// The element name: `consumable`, `product`, `specimen`, `performer`, `author`, `participant`, `subject`...
    pub via: Str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_code: Option<Str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<Code>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<Str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<Interval>,
    pub span: Span,
}

/// A value of any HL7 data type (`xsi:type` PQ, IVL_PQ, INT, REAL, RTO, ST, CD, CE, BL, TS, ED...).
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Value {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xsi_type: Option<Str>,
    /// `@value` as written (a number, a boolean, a timestamp).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<Str>,
    // boxed: most values are quantities, and a `Code` is larger than the rest of the value
    /// For CD/CE/CV values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Box<Code>>,
    /// Text content (ST, ED).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<Box<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<Box<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub center: Option<Box<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Option<Box<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator: Option<Box<Value>>,
    /// PQ translations: the same quantity in another unit (e.g. g/L beside mmol/L).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<Value>,
    /// `inclusive="false"` on a bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inclusive: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub null_flavor: Option<Str>,
    pub span: Span,
}

/// Where an attachment sits in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AttachmentKind {
    /// The whole body (nonXMLBody).
    Body,
    /// An observationMedia entry (image, PDF...).
    ObservationMedia,
    /// The French "copie PDF" section's embedded PDF.
    PdfCopy,
}

/// A file embedded in the document, listed with where it sits; its bytes are decoded lazily.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Attachment {
    pub kind: AttachmentKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub representation: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<Str>,
    /// An external reference instead of (or beside) inline content.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<Str>,
    /// The observationMedia's `ID`, referenced by renderMultiMedia.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xml_id: Option<Str>,
    /// The titles of the sections it sits in, outermost first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub section_path: Vec<String>,
    /// The raw encoded content (base64 text) in the source.
    pub content: Span,
    /// Size of the encoded content in bytes, and an estimate of the decoded size.
    pub encoded_size: usize,
    pub estimated_size: usize,
    pub span: Span,
}
