//! What the generators hand back: a document's bytes, its file name, and the facts XDM
//! metadata needs about it (the things a DMP or MSSanté sender would register).

use chrono::NaiveDateTime;

use super::header::Header;
use super::patients::{Patient, Professional};

/// An XDS `formatCode`: which specification the content follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FormatCode {
    pub code: &'static str,
    pub display: &'static str,
    pub scheme: &'static str,
}

const IHE_FORMAT_CODES: &str = "1.3.6.1.4.1.19376.1.2.3";
const CISIS_FORMAT_CODES: &str = "1.2.250.1.213.1.1.4.2.282";

pub(crate) const FORMAT_LAB: FormatCode = FormatCode {
    code: "urn:ihe:lab:xd-lab:2008",
    display: "CR d'examens biologiques",
    scheme: IHE_FORMAT_CODES,
};
pub(crate) const FORMAT_VSM: FormatCode =
    FormatCode {
        code: "urn:asip:ci-sis:vsm:2012", display: "Synthèse médicale", scheme: CISIS_FORMAT_CODES
    };
pub(crate) const FORMAT_IMAGING: FormatCode = FormatCode {
    code: "urn:ihe:rad:CDA:ImagingReportStructuredHeadings:2013",
    display: "Compte rendu d'imagerie médicale",
    scheme: IHE_FORMAT_CODES,
};
pub(crate) const FORMAT_PDF: FormatCode = FormatCode {
    code: "urn:ihe:iti:xds-sd:pdf:2008",
    display: "Document à corps non structuré en Pdf/A-1",
    scheme: IHE_FORMAT_CODES,
};
pub(crate) const FORMAT_TEXT: FormatCode = FormatCode {
    code: "urn:ihe:iti:xds-sd:text:2008",
    display: "Document à corps non structuré en texte brut",
    scheme: IHE_FORMAT_CODES,
};

/// XDS `classCode` (TRE_A03 ClasseDocument, JDV J06).
pub(crate) const CLASS_REPORT: (&str, &str) = ("10", "Compte rendu");
pub(crate) const CLASS_SUMMARY: (&str, &str) = ("11", "Synthèse");

/// Registry facts about one document.
#[derive(Debug, Clone)]
pub(crate) struct DocumentMeta {
    pub unique_id: String,
    pub title: String,
    /// `typeCode` = the document's `code`: (code, display, code system).
    pub type_code: (String, String, String),
    pub class_code: (&'static str, &'static str),
    pub format_code: FormatCode,
    pub created: NaiveDateTime,
    pub service_start: NaiveDateTime,
    pub service_stop: NaiveDateTime,
    pub patient: Patient,
    pub author: Professional,
}

impl DocumentMeta {
    pub(crate) fn new(h: &Header, class_code: (&'static str, &'static str), format_code: FormatCode) -> Self {
        Self {
            unique_id: h.unique_id(),
            title: h.title.clone(),
            type_code: (h.code.code.to_string(), h.code.display.to_string(), h.code.system.to_string()),
            class_code,
            format_code,
            created: h.effective,
            service_start: h.service.start,
            service_stop: h.service.end,
            patient: h.patient.clone(),
            author: h.author.clone(),
        }
    }
}

/// One generated document.
#[derive(Debug, Clone)]
pub(crate) struct GeneratedDocument {
    pub file_name: String,
    pub xml: String,
    pub meta: DocumentMeta,
}
