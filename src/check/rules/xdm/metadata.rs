//! `xdm.metadata`: a packaged document agrees with its METADATA.XML entry — size and SHA-1
//! of its bytes, uniqueId, typeCode, patient, dates, authors, confidentiality, language. A
//! recipient's software and the DMP file the document by its metadata, not by its header:
//! a disagreement files it under another patient, type or date. The comparison is
//! [`crate::xdm::cross_check`]'s.

use super::super::Rule;
use crate::diag::Severity;

pub static RULE: Rule = Rule {
    id: "xdm.metadata",
    severity: Severity::Warning,
    summary: [
        "Un document d'un paquet XDM concorde avec son entrée de METADATA.XML",
        "A document of an XDM package agrees with its METADATA.XML entry",
    ],
    hint: [
        "générez METADATA.XML à partir du document final : taille et SHA-1 de ses octets, \
         uniqueId = id du document, typeCode = code, patientId = INS, dates et auteurs de l'en-tête",
        "generate METADATA.XML from the final document: size and SHA-1 of its bytes, uniqueId \
         = the document's id, typeCode = its code, patientId = the INS, header dates and authors",
    ],
    claims: |code| CODES.iter().any(|(c, _)| *c == code),
    check: super::reported_from_findings,
};

/// The cross-check codes and what each means, in French.
const CODES: [(&str, &str); 9] = [
    ("xdm.size-mismatch", "la taille déclarée dans METADATA.XML n'est pas celle du document"),
    ("xdm.hash-mismatch", "l'empreinte SHA-1 déclarée dans METADATA.XML n'est pas celle du document"),
    ("xdm.unique-id-mismatch", "le uniqueId de METADATA.XML n'est pas l'id du document"),
    ("xdm.type-code-mismatch", "le typeCode de METADATA.XML n'est pas le type du document"),
    ("xdm.patient-mismatch", "le patientId de METADATA.XML n'est pas un identifiant du patient du document"),
    ("xdm.time-mismatch", "une date de METADATA.XML diffère de celle du document"),
    ("xdm.author-mismatch", "un auteur de METADATA.XML n'est pas un auteur du document"),
    ("xdm.confidentiality-mismatch", "la confidentialité de METADATA.XML diffère de celle du document"),
    ("xdm.language-mismatch", "la langue de METADATA.XML diffère de celle du document"),
];

pub(super) fn french(code: &str) -> &'static str {
    CODES.iter().find(|(c, _)| *c == code).map_or("écart entre METADATA.XML et le document", |(_, fr)| fr)
}
