//! What `METADATA.XML` registers, as plain data: the submission set, its document entries
//! (the XDS attributes a DMP or a recipient indexes a document by) and their associations.

use serde::Serialize;

use super::hl7v2::{CodedString, Cx, Xcn, Xon};
use crate::xml::{Position, Span};

/// A coded value of XDS metadata: a classification's `nodeRepresentation`, its
/// `codingScheme` slot and its display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodedValue {
    pub code: String,
    /// The code system (the `codingScheme` slot): an OID in French metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// An author of a document or of the submission set (`author` classification): who, in
/// which organisation, in what role and specialty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct XdsAuthor {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<Xcn>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub institutions: Vec<Xon>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub specialties: Vec<CodedString>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub telecoms: Vec<String>,
}

/// One document as the metadata registers it (`XDSDocumentEntry`): what a DMP or an
/// MSSanté recipient indexes, to be compared with the document itself.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DocumentEntry {
    /// The ebRIM `id` attribute, which associations refer to.
    pub id: String,
    /// The document's id: `root^extension` of the CDA `id`, or its root alone.
    pub unique_id: Option<String>,
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    pub mime_type: Option<String>,
    pub class_code: Option<CodedValue>,
    pub type_code: Option<CodedValue>,
    pub format_code: Option<CodedValue>,
    pub practice_setting_code: Option<CodedValue>,
    pub healthcare_facility_type_code: Option<CodedValue>,
    pub confidentiality_codes: Vec<CodedValue>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub event_codes: Vec<CodedValue>,
    pub language_code: Option<String>,
    /// As written: `YYYY[MM[DD[hh[mm[ss]]]]]`, in UTC.
    pub creation_time: Option<String>,
    pub service_start_time: Option<String>,
    pub service_stop_time: Option<String>,
    pub patient_id: Option<Cx>,
    pub source_patient_id: Option<Cx>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_patient_info: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_authenticator: Option<Xcn>,
    pub authors: Vec<XdsAuthor>,
    /// SHA-1 of the document's bytes, in hexadecimal.
    pub hash: Option<String>,
    pub size: Option<u64>,
    /// The file's name, relative to the submission set's folder.
    pub uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository_unique_id: Option<String>,
    /// `urn:ihe:iti:xds:2013:referenceIdList`: accession numbers, study UIDs, orders.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reference_ids: Vec<String>,
    /// The `ExtrinsicObject` in `METADATA.XML`.
    pub span: Span,
    pub position: Option<Position>,
}

/// The submission set (`XDSSubmissionSet`): who sent the package, when, about whom.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SubmissionSetEntry {
    pub id: String,
    pub unique_id: Option<String>,
    pub source_id: Option<String>,
    pub patient_id: Option<Cx>,
    pub submission_time: Option<String>,
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    pub content_type_code: Option<CodedValue>,
    pub authors: Vec<XdsAuthor>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub intended_recipients: Vec<String>,
    pub span: Span,
    pub position: Option<Position>,
}

/// A link between registry objects: `HasMember` (the set holds a document), `signs` (a
/// signature document signs the set), `RPLC` (a document replaces another)...
#[derive(Debug, Clone, Serialize)]
pub struct Association {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub association_type: String,
    pub source_object: String,
    pub target_object: String,
    pub span: Span,
}

/// Everything `METADATA.XML` registers.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Metadata {
    pub submission: Option<SubmissionSetEntry>,
    pub documents: Vec<DocumentEntry>,
    pub associations: Vec<Association>,
}
